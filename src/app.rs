//! The edge of the program: runs a subcommand or the terminal UI, and turns any error into
//! one line on stderr and exit code 1 (clap exits with 2 on usage errors).

use std::io::Write;
use std::process::ExitCode;

use crate::cli::Cli;
use crate::commands::{self, CliError, Env};
use crate::i18n::localize::Localize;

// The binary hands its parsed command line over for good.
#[allow(clippy::needless_pass_by_value)]
pub fn main(cli: Cli) -> ExitCode {
    let name = match (&cli.command, &cli.rejected) {
        (_, Some(_)) => "arguments",
        (Some(c), None) => commands::name(c),
        (None, None) => "tui",
    };
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
            eprintln!("{}", error_line(&e));
            ExitCode::from(1)
        }
    }
}

/// `aryz: error: …` in the interface language, one line, inert on a terminal.
pub fn error_line(e: &impl Localize) -> String {
    let msg = commands::neutralise(&e.localized());
    crate::i18n::tf("cli.error_line", &[("message", &msg)])
}

fn run(cli: &Cli) -> Result<(), CliError> {
    if let Some(r) = &cli.rejected {
        Env::interface(cli)?;
        return Err(crate::service::Error::from(r.clone()).into());
    }
    if let Some(result) = run_without_env(cli) {
        return result;
    }
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

/// The commands that must work when the configuration does not: `doctor` reports a broken
/// config instead of stopping at it; completions and man pages need none (the packaging
/// step runs them on a build machine).
fn run_without_env(cli: &Cli) -> Option<Result<(), CliError>> {
    use crate::cli::Command;
    let stdout = std::io::stdout();
    let mut out = std::io::BufWriter::new(stdout.lock());
    let result = match &cli.command {
        Some(Command::Doctor { .. }) => commands::doctor(&commands::DoctorInput::of_cli(cli), &mut out),
        Some(Command::Completions { shell }) => {
            out.write_all(&commands::completion_script(*shell)).map_err(CliError::Io)
        }
        Some(Command::Man { dir }) => {
            commands::write_man_pages(dir).map_err(CliError::Io).and_then(|names| {
                names
                    .iter()
                    .try_for_each(|n| writeln!(out, "{}", dir.join(n).display()))
                    .map_err(CliError::Io)
            })
        }
        _ => return None,
    };
    Some(result.and_then(|()| out.flush().map_err(CliError::Io)))
}

/// Opens the terminal UI, creating the database on a first run as `aryz init` does, and
/// saying so: what was created, where, and that this login is its admin.
fn run_tui(env: &Env) -> Result<(), CliError> {
    let mut notice = None;
    if !env.db.exists() {
        let (_, login) = crate::service::init_database(
            &env.db,
            false,
            &crate::service::Clock::new(env.config.offset(), None),
            env.key.as_deref(),
        )?;
        let text = first_run_notice(&env.db, &login);
        // Also on stderr: it stays in the terminal after the screen is left.
        eprintln!("aryz: {text}");
        notice = Some(text);
    }
    // A bad `[keys]` entry is named, in the interface language, before the screen changes.
    crate::tui::keymap::KeyMap::with_overrides(&env.config.keys)
        .map_err(|m| CliError::Service(crate::service::Error::Config(m)))?;
    let session = env.session()?;
    crate::startup_trace::mark("database opened, operator and calendar read");
    crate::tui::run_with_notice(session, &env.config, notice).map_err(CliError::Io)
}

/// What a first run says after creating the database.
pub fn first_run_notice(db: &std::path::Path, login: &str) -> String {
    crate::i18n::tf("first_run.created", &[("path", &db.display()), ("login", &login)])
}
