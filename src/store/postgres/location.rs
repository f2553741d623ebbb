//! Where a PostgreSQL database is, and how aryz may connect to it: a `postgres://` URL with
//! no password in it (the password comes from `PGPASSWORD` or a pgpass file, as with
//! libpq), over a Unix socket, loopback, or TLS; anything else is refused before connecting.
//!
//! TLS follows libpq's `sslmode` (in the URL, else `PGSSLMODE`): a host that is not this
//! machine needs `require`, `verify-ca` or `verify-full` (the default there); `disable`,
//! `allow` and `prefer` are refused for it. See [`super::tls`] for the certificates.

use std::path::{Path, PathBuf};
use std::str::FromStr;

use postgres::config::Host;
use postgres::{Client, Config, NoTls};
use tokio_postgres_rustls::MakeRustlsConnect;

use super::tls::{Roots, SslMode, TlsSettings, connector};
use crate::store::{Result, StoreError};

/// Whether `db` names a PostgreSQL database rather than a SQLite file.
pub fn is_postgres_url(db: &str) -> bool {
    db.starts_with("postgres://") || db.starts_with("postgresql://")
}

/// A checked PostgreSQL location.
pub struct PgLocation {
    config: Config,
    display: String,
    tls: Option<(TlsSettings, MakeRustlsConnect)>,
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
        // The TLS parameters are libpq's, read here: the driver knows neither `verify-ca`,
        // `verify-full` nor certificate files.
        let (rest, params) = take_params(url, &["sslmode", "sslrootcert", "sslcert", "sslkey"]);
        let mut config = Config::from_str(&rest)
            .map_err(|e| refuse(crate::msg!("message.pg_bad_url", why = e.to_string())))?;
        let setting = |name: &str, var: &str| params.get(name).cloned().or_else(|| env(var));
        let asked = match setting("sslmode", "PGSSLMODE") {
            None => None,
            Some(m) => {
                Some(SslMode::parse(&m).ok_or_else(|| refuse(crate::msg!("message.pg_sslmode", value = m)))?)
            }
        };
        if config.get_password().is_some() {
            return Err(refuse(crate::msg!("message.pg_password")));
        }
        if config.get_hosts().is_empty() {
            // libpq's default: the local server's socket directory.
            config.host_path("/var/run/postgresql");
        }
        let mut remote = Vec::new();
        let mut tcp = false;
        for h in config.get_hosts() {
            if let Host::Tcp(name) = h {
                tcp = true;
                if !is_loopback(name) {
                    remote.push(name.clone());
                }
            }
        }
        let mode = match asked {
            Some(SslMode::Off) if !remote.is_empty() => {
                return Err(refuse(crate::msg!("message.pg_tls", hosts = remote.join(", "))));
            }
            Some(mode) => mode,
            None if remote.is_empty() => SslMode::Off,
            None => SslMode::VerifyFull,
        };
        // Like libpq, TLS is not tried over a Unix socket.
        let tls = if mode == SslMode::Off || !tcp {
            config.ssl_mode(postgres::config::SslMode::Disable);
            None
        } else {
            let settings = tls_settings(mode, &setting)?;
            let connect = connector(&settings).map_err(refuse)?;
            config.ssl_mode(postgres::config::SslMode::Require);
            Some((settings, connect))
        };
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
        Ok(PgLocation { config, display: url.to_string(), tls })
    }

    pub fn display(&self) -> &str {
        &self.display
    }

    /// How connections to this location are secured.
    pub fn ssl_mode(&self) -> SslMode {
        self.tls.as_ref().map_or(SslMode::Off, |(s, _)| s.mode)
    }

    /// What TLS uses, when it is used.
    pub fn tls(&self) -> Option<&TlsSettings> {
        self.tls.as_ref().map(|(s, _)| s)
    }

    pub fn connect(&self) -> Result<Client> {
        let connected = match &self.tls {
            None => self.config.connect(NoTls),
            Some((_, tls)) => self.config.connect(tls.clone()),
        };
        connected.map_err(|e| {
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

fn env(var: &str) -> Option<String> {
    std::env::var(var).ok().filter(|v| !v.is_empty())
}

/// libpq's default place for a TLS file: `~/.postgresql/NAME`.
fn default_file(name: &str) -> Option<PathBuf> {
    std::env::var_os("HOME").map(|h| PathBuf::from(h).join(".postgresql").join(name))
}

/// The roots and client certificate for `mode` (not [`SslMode::Off`]), as libpq finds them;
/// `setting(param, variable)` reads the URL's parameter, else the environment variable.
fn tls_settings(mode: SslMode, setting: &dyn Fn(&str, &str) -> Option<String>) -> Result<TlsSettings> {
    let mode_name = match mode {
        SslMode::Off => "disable",
        SslMode::Require => "require",
        SslMode::VerifyCa => "verify-ca",
        SslMode::VerifyFull => "verify-full",
    };
    let roots = match setting("sslrootcert", "PGSSLROOTCERT") {
        Some(s) if s == "system" => Roots::System,
        Some(s) => {
            let path = PathBuf::from(s);
            if !path.is_file() {
                return Err(refuse(crate::msg!(
                    "message.pg_root_cert",
                    mode = mode_name,
                    path = path.display().to_string()
                )));
            }
            Roots::File(path)
        }
        None => match default_file("root.crt") {
            Some(path) if path.is_file() => Roots::File(path),
            other if mode.checks_the_certificate() => {
                let path = other.map_or_else(|| "~/.postgresql/root.crt".into(), |p| p.display().to_string());
                return Err(refuse(crate::msg!("message.pg_root_cert", mode = mode_name, path = path)));
            }
            _ => Roots::Any,
        },
    };
    // `require` with a root certificate checks the chain, as libpq does.
    let mode = if mode == SslMode::Require && roots != Roots::Any { SslMode::VerifyCa } else { mode };
    let client = match (setting("sslcert", "PGSSLCERT"), setting("sslkey", "PGSSLKEY")) {
        (None, None) => match (default_file("postgresql.crt"), default_file("postgresql.key")) {
            (Some(c), Some(k)) if c.is_file() && k.is_file() => Some((c, k)),
            _ => None,
        },
        (Some(c), Some(k)) => {
            for f in [&c, &k] {
                if !Path::new(f).is_file() {
                    return Err(refuse(crate::msg!(
                        "message.pg_tls_file",
                        path = f.clone(),
                        why = "no such file"
                    )));
                }
            }
            Some((PathBuf::from(c), PathBuf::from(k)))
        }
        (Some(_), None) => {
            return Err(refuse(crate::msg!("message.pg_client_pair", given = "sslcert", missing = "sslkey")));
        }
        (None, Some(_)) => {
            return Err(refuse(crate::msg!("message.pg_client_pair", given = "sslkey", missing = "sslcert")));
        }
    };
    Ok(TlsSettings { mode, roots, client })
}

/// The URL without the query parameters `names`, and their values (percent-decoded).
fn take_params(url: &str, names: &[&str]) -> (String, std::collections::HashMap<String, String>) {
    let mut taken = std::collections::HashMap::new();
    let Some((base, query)) = url.split_once('?') else { return (url.to_string(), taken) };
    let mut kept = Vec::new();
    for pair in query.split('&') {
        let (k, v) = pair.split_once('=').unwrap_or((pair, ""));
        if names.contains(&k) {
            taken.insert(k.to_string(), percent_decode(v));
        } else {
            kept.push(pair);
        }
    }
    let rest = if kept.is_empty() { base.to_string() } else { format!("{base}?{}", kept.join("&")) };
    (rest, taken)
}

fn percent_decode(s: &str) -> String {
    let b = s.as_bytes();
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        if b[i] == b'%'
            && let Some(h) = s.get(i + 1..i + 3)
            && let Ok(v) = u8::from_str_radix(h, 16)
        {
            out.push(v);
            i += 3;
        } else {
            out.push(b[i]);
            i += 1;
        }
    }
    String::from_utf8_lossy(&out).into_owned()
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
        for url in [
            "postgres://db.example.kg/aryz?sslmode=disable",
            "postgres://db.example.kg/aryz?sslmode=prefer",
            "postgres://db.example.kg,localhost/aryz?sslmode=allow",
        ] {
            let e = PgLocation::parse(url).err().unwrap();
            assert!(e.to_string().contains("TLS is required"), "{url}: {e}");
            assert!(e.to_string().contains("db.example.kg"), "{url}: {e}");
        }
        // A remote host without sslmode means verify-full, which needs a root certificate.
        let e = PgLocation::parse("postgres://db.example.kg/aryz?sslrootcert=/nonexistent/root.crt")
            .err()
            .unwrap();
        assert!(e.to_string().contains("/nonexistent/root.crt"), "{e}");
        assert!(e.to_string().contains("verify-full"), "{e}");
        let e = PgLocation::parse("postgres://db.example.kg/aryz?sslmode=sometimes").err().unwrap();
        assert!(e.to_string().contains("sslmode"), "{e}");
        let e =
            PgLocation::parse("postgres://db.example.kg/aryz?sslmode=require&sslcert=/x.crt").err().unwrap();
        assert!(e.to_string().contains("sslkey"), "{e}");
        assert_eq!(PgLocation::parse("postgres://localhost/aryz").unwrap().ssl_mode(), SslMode::Off);
        // Over a Unix socket TLS is not tried, whatever sslmode says (as libpq does).
        let p = PgLocation::parse("postgres:///aryz?host=/var/run/postgresql&sslmode=verify-full").unwrap();
        assert_eq!(p.ssl_mode(), SslMode::Off);
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
