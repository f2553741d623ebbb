//! Where the key of an encrypted database comes from: the file named by `ARYZ_KEY_FILE`,
//! the `key_file` of the config, or a passphrase typed on the terminal (`--ask-key`).

use std::path::Path;

use crate::commands::CliError;
use crate::config::Config;

fn failed(msg: crate::i18n::localize::Message) -> CliError {
    CliError::Service(crate::service::Error::Config(msg))
}

pub fn load(config: &Config, config_dir: &Path, ask: bool) -> Result<Option<String>, CliError> {
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
struct EchoOff {
    #[cfg(unix)]
    saved: Option<(i32, libc::termios)>,
}

impl EchoOff {
    fn new(tty: &std::fs::File) -> EchoOff {
        #[cfg(unix)]
        {
            use std::os::unix::io::AsRawFd;
            let fd = tty.as_raw_fd();
            // SAFETY: tcgetattr/tcsetattr only read and write the termios struct we own.
            unsafe {
                let mut t: libc::termios = std::mem::zeroed();
                if libc::tcgetattr(fd, &mut t) == 0 {
                    let saved = t;
                    t.c_lflag &= !libc::ECHO;
                    libc::tcsetattr(fd, libc::TCSANOW, &t);
                    return EchoOff { saved: Some((fd, saved)) };
                }
            }
            EchoOff { saved: None }
        }
        #[cfg(not(unix))]
        {
            let _ = tty;
            EchoOff {}
        }
    }
}

impl Drop for EchoOff {
    fn drop(&mut self) {
        #[cfg(unix)]
        if let Some((fd, t)) = self.saved {
            // SAFETY: restores the settings read in `new` on the same descriptor.
            unsafe {
                libc::tcsetattr(fd, libc::TCSANOW, &t);
            }
        }
    }
}
