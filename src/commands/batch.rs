//! `aryz __batch`: runs many subcommands in one process, one per line of standard input.
//! Each line is a JSON array of arguments, run as `aryz ARGS` would run them: its own
//! session (a fresh connection to the database, opened as a new process opens it) and its
//! own use case in its own transaction. The concurrency tests use it to make thousands of
//! writes contend across a few processes without starting a process for each write.

use std::io::{BufRead, Write};

use super::{CliError, Env, Result};
use std::ffi::OsString;

use crate::cli::{Command, ParseFailure};
use crate::domain::validation::field_error;

/// Runs every line of `input` in order; stops at the first line that fails, naming it.
/// A line's `--db` and `--format` apply to it, else those given to `__batch`; the interface
/// language and the key are the batch's (a line's own `--lang` or `--ask-key` is refused).
pub(super) fn batch(env: &Env, input: impl BufRead, out: &mut impl Write) -> Result<()> {
    for (n, line) in input.lines().enumerate() {
        let line = line?;
        if line.trim().is_empty() {
            continue;
        }
        let at = format!("line {}", n + 1);
        let args: Vec<String> = serde_json::from_str(&line)
            .map_err(|_| field_error(&at, crate::msg!("message.batch.not_json")))?;
        let args = std::iter::once("aryz".to_string()).chain(args).map(OsString::from).collect();
        let cli = crate::cli::try_parse_from(args).map_err(|e| match e {
            ParseFailure::Rejected(r) => at_line(&at, CliError::Service(r.into())),
            ParseFailure::Usage(e) => {
                field_error(&at, crate::i18n::localize::Localize::message(&crate::cli_help::UsageError(&e)))
                    .into()
            }
        })?;
        if cli.lang.is_some() || cli.ask_key {
            return Err(field_error(&at, crate::msg!("message.batch.global_options")).into());
        }
        let line_env = Env {
            key: env.key.clone(),
            db: cli.db.clone().unwrap_or_else(|| env.db.clone()),
            config: env.config.clone(),
            config_dir: env.config_dir.clone(),
            format: cli.explicit_format().unwrap_or(env.format),
        };
        match &cli.command {
            // A batch inside a batch would read the same input; the terminal UI needs a terminal.
            Some(Command::Batch) | None => {
                return Err(field_error(&at, crate::msg!("message.batch.nested")).into());
            }
            Some(command) => super::run(&line_env, command, out).map_err(|e| at_line(&at, e))?,
        }
    }
    Ok(())
}

/// The failing line's error, with the line named first (`line 3: …`).
fn at_line(at: &str, e: CliError) -> CliError {
    match e {
        CliError::Io(e) => CliError::Io(std::io::Error::new(e.kind(), format!("{at}: {e}"))),
        other => field_error(at, crate::i18n::localize::Localize::message(&other)).into(),
    }
}
