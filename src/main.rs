use std::process::ExitCode;

use clap::Parser;

fn main() -> ExitCode {
    aryz::app::main(aryz::cli::Cli::parse())
}
