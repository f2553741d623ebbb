//! The edge of the program: runs a subcommand or the terminal UI, and turns any error into
//! one line on stderr and exit code 1 (clap exits with 2 on usage errors).

use std::io::Write;
use std::process::ExitCode;

use crate::cli::Cli;
use crate::commands::{self, CliError, Env};

pub fn main(cli: Cli) -> ExitCode {
    crate::logging::init(&crate::paths::log_file());
    crate::startup_trace::mark("log opened");
    let name = cli.command.as_ref().map_or("tui", commands::name);
    match run(&cli) {
        Ok(()) => {
            crate::logging::info(&format!("{name}: ok"));
            ExitCode::SUCCESS
        }
        // A closed pipe (`aryz list | head`) means the reader has all it wanted.
        Err(CliError::Io(e)) if e.kind() == std::io::ErrorKind::BrokenPipe => ExitCode::SUCCESS,
        Err(e) => {
            // The log gets the kind of error only: messages may quote what was typed.
            crate::logging::error(&format!("{name}: failed ({})", e.kind()));
            let msg = commands::neutralise(&crate::i18n::messages::translate(&e.to_string()));
            eprintln!("aryz: error: {msg}");
            ExitCode::from(1)
        }
    }
}

fn run(cli: &Cli) -> Result<(), CliError> {
    let env = Env::load(cli)?;
    crate::startup_trace::mark("config, catalog and key loaded");
    match &cli.command {
        Some(cmd) => {
            let stdout = std::io::stdout();
            let mut out = std::io::BufWriter::new(stdout.lock());
            commands::run(&env, cmd, &mut out)?;
            out.flush()?;
            Ok(())
        }
        None => run_tui(&env),
    }
}

/// Opens the terminal UI, creating the database on a first run as `aryz init` does.
fn run_tui(env: &Env) -> Result<(), CliError> {
    if !env.db.exists() {
        let offset = env.config.offset().map_err(crate::service::Error::Config)?;
        crate::service::init_database(
            &env.db,
            false,
            &crate::service::Clock::new(offset, None),
            env.key.as_deref(),
        )?;
    }
    let session = env.session()?;
    crate::startup_trace::mark("database opened, operator and calendar read");
    crate::tui::run(session, &env.config).map_err(CliError::Io)
}
