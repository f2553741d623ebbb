use std::process::ExitCode;

fn main() -> ExitCode {
    aryz::app::main(aryz::cli::Cli::parse_args())
}
