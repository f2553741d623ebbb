//! Where a PostgreSQL database is, and how aryz may connect to it: a `postgres://` URL with
//! no password in it (the password comes from `PGPASSWORD` or a pgpass file, as with
//! libpq), over a Unix socket, loopback, or TLS; anything else is refused before connecting.

use std::path::{Path, PathBuf};
use std::str::FromStr;

use postgres::config::Host;
use postgres::{Client, Config, NoTls};

use crate::store::{Result, StoreError};

/// Whether `db` names a PostgreSQL database rather than a SQLite file.
pub fn is_postgres_url(db: &str) -> bool {
    db.starts_with("postgres://") || db.starts_with("postgresql://")
}

/// A checked PostgreSQL location.
pub struct PgLocation {
    config: Config,
    display: String,
}

fn refuse(m: crate::i18n::localize::Message) -> StoreError {
    StoreError::Location(m)
}

/// Whether a TCP host is this machine.
fn is_loopback(host: &str) -> bool {
    if host.eq_ignore_ascii_case("localhost") {
        return true;
    }
    let h = host.trim_start_matches('[').trim_end_matches(']');
    h.parse::<std::net::IpAddr>().is_ok_and(|ip| ip.is_loopback())
}

impl PgLocation {
    pub fn parse(url: &str) -> Result<PgLocation> {
        if !is_postgres_url(url) {
            return Err(refuse(crate::msg!("message.pg_not_url", url = url)));
        }
        let mut config = Config::from_str(url)
            .map_err(|e| refuse(crate::msg!("message.pg_bad_url", why = e.to_string())))?;
        if config.get_password().is_some() {
            return Err(refuse(crate::msg!("message.pg_password")));
        }
        if config.get_hosts().is_empty() {
            // libpq's default: the local server's socket directory.
            config.host_path("/var/run/postgresql");
        }
        let mut remote = Vec::new();
        for h in config.get_hosts() {
            if let Host::Tcp(name) = h
                && !is_loopback(name)
            {
                remote.push(name.clone());
            }
        }
        if !remote.is_empty() {
            return Err(refuse(crate::msg!("message.pg_tls", hosts = remote.join(", "))));
        }
        if config.get_user().is_none()
            && let Ok(u) = std::env::var("PGUSER")
            && !u.is_empty()
        {
            config.user(&u);
        }
        if config.get_dbname().is_none()
            && let Ok(d) = std::env::var("PGDATABASE")
            && !d.is_empty()
        {
            config.dbname(&d);
        }
        if let Some(pw) = password_for(&config) {
            config.password(pw);
        }
        config.application_name("aryz");
        Ok(PgLocation { config, display: url.to_string() })
    }

    pub fn display(&self) -> &str {
        &self.display
    }

    pub fn connect(&self) -> Result<Client> {
        self.config.connect(NoTls).map_err(|e| {
            if e.as_db_error().is_some_and(|d| d.code() == &postgres::error::SqlState::INVALID_CATALOG_NAME) {
                StoreError::Missing(PathBuf::from(&self.display))
            } else {
                let mut why = e.to_string();
                let mut source = std::error::Error::source(&e);
                while let Some(s) = source {
                    why.push_str(&format!(": {s}"));
                    source = s.source();
                }
                StoreError::Location(crate::msg!("message.pg_connect", url = self.display.clone(), why = why))
            }
        })
    }
}

/// The password libpq would use: `PGPASSWORD`, else the first matching line of the pgpass
/// file (`PGPASSFILE`, or `~/.pgpass`), which libpq also ignores unless it is private.
fn password_for(config: &Config) -> Option<String> {
    if let Ok(p) = std::env::var("PGPASSWORD") {
        return Some(p);
    }
    let file = match std::env::var_os("PGPASSFILE") {
        Some(f) => PathBuf::from(f),
        None => PathBuf::from(std::env::var_os("HOME")?).join(".pgpass"),
    };
    let text = read_private(&file)?;
    let host = match config.get_hosts().first() {
        Some(Host::Tcp(h)) => h.clone(),
        _ => "localhost".to_string(),
    };
    let port = config.get_ports().first().copied().unwrap_or(5432).to_string();
    let user = config.get_user().map(String::from).unwrap_or_default();
    let db = config.get_dbname().map_or_else(|| user.clone(), String::from);
    pgpass_lookup(&text, &host, &port, &db, &user)
}

#[cfg(unix)]
fn read_private(file: &Path) -> Option<String> {
    use std::os::unix::fs::PermissionsExt;
    let meta = std::fs::metadata(file).ok()?;
    if meta.permissions().mode() & 0o077 != 0 {
        return None;
    }
    std::fs::read_to_string(file).ok()
}

#[cfg(not(unix))]
fn read_private(file: &Path) -> Option<String> {
    std::fs::read_to_string(file).ok()
}

/// Splits one pgpass line into its five fields (`\:` and `\\` escaped).
fn pgpass_fields(line: &str) -> Vec<String> {
    let mut out = vec![String::new()];
    let mut chars = line.chars();
    while let Some(c) = chars.next() {
        match c {
            '\\' => {
                if let Some(n) = chars.next()
                    && let Some(last) = out.last_mut()
                {
                    last.push(n);
                }
            }
            ':' if out.len() < 5 => out.push(String::new()),
            c => {
                if let Some(last) = out.last_mut() {
                    last.push(c);
                }
            }
        }
    }
    out
}

pub(super) fn pgpass_lookup(text: &str, host: &str, port: &str, db: &str, user: &str) -> Option<String> {
    for line in text.lines() {
        if line.starts_with('#') || line.trim().is_empty() {
            continue;
        }
        let f = pgpass_fields(line);
        if f.len() != 5 {
            continue;
        }
        let ok = |pat: &str, v: &str| pat == "*" || pat == v;
        if ok(&f[0], host) && ok(&f[1], port) && ok(&f[2], db) && ok(&f[3], user) {
            return Some(f[4].clone());
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_password_in_the_url_is_refused() {
        let e = PgLocation::parse("postgres://clerk:secret@localhost/aryz").err().unwrap();
        assert!(e.to_string().contains("PGPASSWORD"), "{e}");
    }

    #[test]
    fn a_remote_host_without_tls_is_refused_and_loopback_is_not() {
        let e = PgLocation::parse("postgres://db.example.kg/aryz").err().unwrap();
        assert!(e.to_string().contains("TLS is required"), "{e}");
        assert!(PgLocation::parse("postgres://localhost/aryz").is_ok());
        assert!(PgLocation::parse("postgres://127.0.0.1:5433/aryz").is_ok());
        assert!(PgLocation::parse("postgres://[::1]/aryz").is_ok());
        assert!(PgLocation::parse("postgres:///aryz?host=/var/run/postgresql").is_ok());
    }

    #[test]
    fn pgpass_lines_match_like_libpq() {
        let text = "# comment\nlocalhost:5432:aryz:clerk:pa\\:ss\n*:*:*:admin:other\n";
        assert_eq!(pgpass_lookup(text, "localhost", "5432", "aryz", "clerk").as_deref(), Some("pa:ss"));
        assert_eq!(pgpass_lookup(text, "h", "1", "d", "admin").as_deref(), Some("other"));
        assert_eq!(pgpass_lookup(text, "localhost", "5432", "aryz", "nobody"), None);
    }
}
