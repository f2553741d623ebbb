use std::process::ExitCode;

fn main() -> ExitCode {
    aryz::startup_trace::start();
    let cli = aryz::cli::Cli::parse_args();
    aryz::startup_trace::mark("arguments parsed");
    aryz::app::main(cli)
}
