//! Where the key of an encrypted database comes from: the file named by `ARYZ_KEY_FILE`,
//! the `key_file` of the config, or a passphrase typed on the terminal (`--ask-key`).

use std::path::Path;

use crate::commands::CliError;
use crate::config::Config;

fn failed(msg: crate::i18n::localize::Message) -> CliError {
    CliError::Service(crate::service::Error::Config(msg))
}

pub(crate) fn load(config: &Config, config_dir: &Path, ask: bool) -> Result<Option<String>, CliError> {
    if ask {
        return prompt("aryz: passphrase of the database: ").map(Some);
    }
    let file =
        std::env::var_os("ARYZ_KEY_FILE").filter(|v| !v.is_empty()).map(std::path::PathBuf::from).or_else(
            || config.key_file.as_ref().map(|p| if p.is_absolute() { p.clone() } else { config_dir.join(p) }),
        );
    let Some(file) = file else { return Ok(None) };
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        if let Ok(meta) = std::fs::metadata(&file)
            && meta.permissions().mode() & 0o007 != 0
        {
            return Err(failed(crate::msg!(
                "message.key_file_open",
                path = &file,
                mode = format!("{:o}", meta.permissions().mode() & 0o777)
            )));
        }
    }
    let text = std::fs::read_to_string(&file)
        .map_err(|e| failed(crate::msg!("message.key_file_error", path = &file, error = e)))?;
    let key = text.trim_end_matches(['\n', '\r']).to_string();
    if key.is_empty() {
        return Err(failed(crate::msg!("message.key_file_empty", path = &file)));
    }
    Ok(Some(key))
}

/// Reads a line from the terminal with echo off.
fn prompt(message: &str) -> Result<String, CliError> {
    use std::io::{BufRead, Write};
    let tty = std::fs::OpenOptions::new()
        .read(true)
        .write(true)
        .open("/dev/tty")
        .map_err(|e| failed(crate::msg!("message.ask_key_tty", error = e)))?;
    let mut out = &tty;
    let _ = out.write_all(message.as_bytes());
    let _ = out.flush();
    let echo = EchoOff::new(&tty);
    let mut line = String::new();
    let r = std::io::BufReader::new(&tty).read_line(&mut line);
    drop(echo);
    let _ = out.write_all(b"\n");
    r.map_err(|e| failed(crate::msg!("message.passphrase_read", error = e)))?;
    let key = line.trim_end_matches(['\n', '\r']).to_string();
    if key.is_empty() {
        return Err(failed(crate::msg!("message.passphrase_empty")));
    }
    Ok(key)
}

/// Turns terminal echo off while alive.
struct EchoOff<'a> {
    #[cfg(unix)]
    saved: Option<(&'a std::fs::File, rustix::termios::Termios)>,
    #[cfg(not(unix))]
    _tty: std::marker::PhantomData<&'a std::fs::File>,
}

impl<'a> EchoOff<'a> {
    fn new(tty: &'a std::fs::File) -> EchoOff<'a> {
        #[cfg(unix)]
        {
            use rustix::termios::{LocalModes, OptionalActions, tcgetattr, tcsetattr};
            let Ok(saved) = tcgetattr(tty) else { return EchoOff { saved: None } };
            let mut quiet = saved.clone();
            quiet.local_modes.remove(LocalModes::ECHO);
            // Without echo off the passphrase would show; reading it is still possible.
            if tcsetattr(tty, OptionalActions::Now, &quiet).is_err() {
                return EchoOff { saved: None };
            }
            EchoOff { saved: Some((tty, saved)) }
        }
        #[cfg(not(unix))]
        {
            let _ = tty;
            EchoOff { _tty: std::marker::PhantomData }
        }
    }
}

impl Drop for EchoOff<'_> {
    fn drop(&mut self) {
        #[cfg(unix)]
        if let Some((tty, saved)) = &self.saved {
            // Nothing more to do if the terminal went away meanwhile.
            let _ = rustix::termios::tcsetattr(tty, rustix::termios::OptionalActions::Now, saved);
        }
    }
}
