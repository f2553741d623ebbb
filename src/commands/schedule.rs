//! What the systemd timers run: the digest delivered as `[digest]` of the config says
//! (a file, mail, or both), and a dated backup with rotation as `[backup]` says.

use std::io::Write;
use std::path::{Path, PathBuf};

use super::{CliError, Env, Result};
use crate::i18n::tf;

fn failed(msg: crate::i18n::localize::Message) -> CliError {
    CliError::Service(crate::service::Error::Config(msg))
}

/// The day of the digest when it is not a working day in the office's calendar (with the
/// database's additions): the timer fires Monday to Friday, and systemd knows no holidays.
pub(super) fn non_working_day(
    env: &Env,
    as_of: Option<chrono::NaiveDate>,
) -> Result<Option<chrono::NaiveDate>> {
    let s = env.session()?;
    let day = super::as_of(&s, as_of);
    Ok((!s.calendar.is_working_day(day)).then_some(day))
}

/// Writes and/or mails the digest text. With neither configured it is an error naming the
/// keys, so a timer never "succeeds" while delivering nothing.
pub(super) fn deliver_digest(env: &Env, text: &[u8], out: &mut impl Write) -> Result<()> {
    let cfg = &env.config.digest;
    if cfg.output.is_none() && cfg.mail_to.is_empty() {
        return Err(failed(crate::msg!("message.digest_nowhere")));
    }
    if let Some(path) = &cfg.output {
        replace_file(path, text)?;
        writeln!(out, "{}", tf("schedule.digest_written", &[("path", &path.display())]))?;
    }
    if !cfg.mail_to.is_empty() {
        let message = mail_message(&cfg.mail_to, cfg.mail_from.as_deref(), &subject(env), text);
        send(&cfg.sendmail, &message)?;
        writeln!(out, "{}", tf("schedule.digest_mailed", &[("to", &cfg.mail_to.join(", "))]))?;
    }
    Ok(())
}

fn subject(env: &Env) -> String {
    let today = env.clock().today();
    format!("aryz digest {today}")
}

/// A plain-text UTF-8 message for `sendmail -t` (recipients read from the headers).
pub(super) fn mail_message(to: &[String], from: Option<&str>, subject: &str, body: &[u8]) -> Vec<u8> {
    let mut m = format!("To: {}\r\n", to.join(", "));
    if let Some(from) = from {
        m.push_str(&format!("From: {from}\r\n"));
    }
    m.push_str(&format!(
        "Subject: {subject}\r\nMIME-Version: 1.0\r\nContent-Type: text/plain; charset=UTF-8\r\nContent-Transfer-Encoding: 8bit\r\n\r\n"
    ));
    let mut bytes = m.into_bytes();
    bytes.extend_from_slice(body);
    bytes
}

fn send(program: &Path, message: &[u8]) -> Result<()> {
    use std::process::{Command, Stdio};
    let mut child = Command::new(program)
        .args(["-t", "-i"])
        .stdin(Stdio::piped())
        .stdout(Stdio::null())
        .spawn()
        .map_err(|e| {
            failed(crate::msg!(
                "message.config_path_error",
                key = "digest.sendmail",
                path = program,
                error = e
            ))
        })?;
    // A write error is reported as the mailer's failure (a closed pipe must not pass for
    // the reader having had enough, as it does for `aryz list | head`).
    let written = child.stdin.take().map_or(Ok(()), |mut stdin| stdin.write_all(message));
    let status = child.wait().map_err(|e| {
        failed(crate::msg!("message.config_path_error", key = "digest.sendmail", path = program, error = e))
    })?;
    match written {
        _ if !status.success() => {
            Err(failed(crate::msg!("message.sendmail_status", path = program, status = status.to_string())))
        }
        Err(e) => Err(failed(crate::msg!(
            "message.config_path_error",
            key = "digest.sendmail",
            path = program,
            error = e
        ))),
        Ok(()) => Ok(()),
    }
}

/// Replaces `path` whole: a reader sees the old digest or the new one, never half of one.
fn replace_file(path: &Path, bytes: &[u8]) -> Result<()> {
    let dir = path.parent().filter(|d| !d.as_os_str().is_empty()).unwrap_or(Path::new("."));
    let name = path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
    let tmp = dir.join(format!(".{name}.{}.partial", std::process::id()));
    let mut o = std::fs::OpenOptions::new();
    o.write(true).create(true).truncate(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        o.mode(crate::files::private_mode());
    }
    let written = o.open(&tmp).and_then(|mut f| {
        f.write_all(bytes)?;
        f.sync_all()
    });
    let result = written.and_then(|()| std::fs::rename(&tmp, path));
    if result.is_err() {
        let _ = std::fs::remove_file(&tmp);
    }
    result.map_err(|e| {
        failed(crate::msg!("message.config_path_error", key = "digest.output", path = path, error = e))
    })
}

/// Whether a file name is one of the dated copies this module writes:
/// `aryz-YYYYMMDD-HHMMSS.sqlite3`, or with `-N` when two were made in one second.
fn is_dated_copy(name: &str) -> bool {
    let Some(stem) = name.strip_prefix("aryz-").and_then(|s| s.strip_suffix(".sqlite3")) else {
        return false;
    };
    let mut parts = stem.split('-');
    let (Some(d), Some(t)) = (parts.next(), parts.next()) else { return false };
    let digits = |s: &str, n: usize| s.len() == n && s.bytes().all(|b| b.is_ascii_digit());
    let rest_ok = match parts.next() {
        None => true,
        Some(n) => !n.is_empty() && n.bytes().all(|b| b.is_ascii_digit()) && parts.next().is_none(),
    };
    digits(d, 8) && digits(t, 6) && rest_ok
}

/// The copies to delete so that the newest `keep` remain. Dated names sort in time order
/// (a `-N` copy of the same second after the first).
pub(super) fn to_remove(mut names: Vec<String>, keep: usize) -> Vec<String> {
    names.retain(|n| is_dated_copy(n));
    names.sort_by(|a, b| {
        let key = |n: &str| {
            let stem = n.trim_end_matches(".sqlite3").to_string();
            let (base, seq) = match stem.rsplit_once('-') {
                Some((b, s)) if stem.len() > "aryz-YYYYMMDD-HHMMSS".len() => {
                    (b.to_string(), s.parse().unwrap_or(0))
                }
                _ => (stem.clone(), 0u32),
            };
            (base, seq)
        };
        key(b).cmp(&key(a))
    });
    names.into_iter().skip(keep).collect()
}

pub(super) fn rotating_backup(env: &Env, keep: Option<usize>, out: &mut impl Write) -> Result<()> {
    let keep = keep.unwrap_or(env.config.backup.keep);
    if keep == 0 {
        return Err(crate::domain::validation::field_error(
            "keep",
            crate::msg!("message.at_least", min = 1u32),
        )
        .into());
    }
    let dir: PathBuf =
        env.config.backup.dir.clone().unwrap_or_else(|| crate::paths::data_dir().join("backups"));
    std::fs::create_dir_all(&dir).map_err(|e| {
        failed(crate::msg!("message.config_path_error", key = "backup.dir", path = &dir, error = e))
    })?;
    let offset = env.config.offset();
    let stamp = chrono::Utc::now().with_timezone(&offset).format("%Y%m%d-%H%M%S").to_string();
    let mut file = dir.join(format!("aryz-{stamp}.sqlite3"));
    let mut n = 2;
    while file.exists() {
        file = dir.join(format!("aryz-{stamp}-{n}.sqlite3"));
        n += 1;
    }
    let mut s = env.session()?;
    s.backup(&file)?;
    writeln!(out, "{}", tf("cli.backed_up", &[("path", &file.display())]))?;
    let names: Vec<String> = std::fs::read_dir(&dir)?
        .filter_map(|e| e.ok().map(|e| e.file_name().to_string_lossy().into_owned()))
        .collect();
    let old = to_remove(names, keep);
    for name in &old {
        std::fs::remove_file(dir.join(name))?;
    }
    if !old.is_empty() {
        writeln!(out, "{}", tf("schedule.backups_removed", &[("n", &old.len()), ("keep", &keep)]))?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn names(v: &[&str]) -> Vec<String> {
        v.iter().map(std::string::ToString::to_string).collect()
    }

    #[test]
    fn rotation_keeps_the_newest_dated_copies_and_nothing_else_is_touched() {
        let all = names(&[
            "aryz-20261101-020000.sqlite3",
            "aryz-20261103-020000.sqlite3",
            "aryz-20261102-020000.sqlite3",
            "aryz-20261103-020000-2.sqlite3",
            "important.sqlite3",
            "aryz-2026-bad.sqlite3",
            "aryz-20261101-020000.sqlite3-wal",
        ]);
        assert_eq!(
            to_remove(all.clone(), 2),
            names(&["aryz-20261102-020000.sqlite3", "aryz-20261101-020000.sqlite3"])
        );
        assert_eq!(to_remove(all.clone(), 1).len(), 3);
        assert!(to_remove(all, 10).is_empty());
    }

    #[test]
    fn mail_has_the_headers_sendmail_t_reads() {
        let m = mail_message(
            &names(&["a@example.org", "b@example.org"]),
            Some("aryz@example.org"),
            "aryz digest",
            b"body",
        );
        let m = String::from_utf8(m).unwrap();
        assert!(m.starts_with(
            "To: a@example.org, b@example.org\r\nFrom: aryz@example.org\r\nSubject: aryz digest\r\n"
        ));
        assert!(m.ends_with("\r\n\r\nbody"));
    }
}
