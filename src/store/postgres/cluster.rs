//! A private, throwaway PostgreSQL cluster for tests: one per test process, in a temporary
//! directory, on a Unix socket only (no TCP port), stopped and removed when the process
//! ends. Not used by aryz itself; public (hidden) so that the library's tests and the
//! integration tests share it.
//!
//! The cluster is stopped by a watchdog child (`sh`) that waits for end of file on a pipe
//! from this process: however the process ends (success, panic, signal), the pipe closes
//! and the watchdog runs `pg_ctl stop` and removes the directory.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{ChildStdin, Command, Stdio};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Mutex, OnceLock};

/// What a cluster that listens on loopback with TLS is given: the server's certificate and
/// key and the root that signs client certificates (PEM files; they are copied into the
/// cluster). Its `pg_hba.conf` accepts TCP connections only over TLS (`hostssl`): a
/// plaintext one finds no line and is refused, so a TCP connection that succeeds proves TLS.
/// The role `certuser` must log in with a client certificate (`cert`); anyone else is trusted.
pub struct TlsServer<'a> {
    pub cert: &'a Path,
    pub key: &'a Path,
    pub client_ca: &'a Path,
}

/// A running test cluster.
pub struct Cluster {
    pub dir: PathBuf,
    pub socket_dir: PathBuf,
    pub port: u16,
    bin: PathBuf,
    as_postgres: bool,
    watchdog: Mutex<ChildStdin>,
}

static SHARED: OnceLock<std::result::Result<Cluster, String>> = OnceLock::new();
static NEXT_DB: AtomicU64 = AtomicU64::new(1);

/// The directory of `initdb` and `pg_ctl`: `ARYZ_PG_BIN`, else the newest
/// `/usr/lib/postgresql/*/bin`, else whatever is on the `PATH`.
pub fn bin_dir() -> Option<PathBuf> {
    if let Some(d) = std::env::var_os("ARYZ_PG_BIN") {
        return Some(PathBuf::from(d));
    }
    let mut found: Vec<(u32, PathBuf)> = std::fs::read_dir("/usr/lib/postgresql")
        .ok()?
        .filter_map(std::result::Result::ok)
        .filter_map(|e| {
            let v: u32 = e.file_name().to_str()?.parse().ok()?;
            let bin = e.path().join("bin");
            bin.join("initdb").exists().then_some((v, bin))
        })
        .collect();
    found.sort();
    found.pop().map(|(_, b)| b)
}

fn shell_quote(s: &str) -> String {
    format!("'{}'", s.replace('\'', "'\\''"))
}

impl Cluster {
    /// The cluster of this process, started on first use.
    pub fn shared() -> std::result::Result<&'static Cluster, String> {
        SHARED.get_or_init(Cluster::start).as_ref().map_err(Clone::clone)
    }

    /// Runs a command line as the cluster's owner.
    fn run(bin: &Path, as_postgres: bool, line: &str) -> std::result::Result<(), String> {
        let full = format!("{}/{line}", bin.display());
        let out = if as_postgres {
            Command::new("su").args(["postgres", "-s", "/bin/sh", "-c", &full]).output()
        } else {
            Command::new("sh").args(["-c", &full]).output()
        }
        .map_err(|e| format!("{full}: {e}"))?;
        if out.status.success() {
            Ok(())
        } else {
            Err(format!(
                "{full}: {}\n{}{}",
                out.status,
                String::from_utf8_lossy(&out.stdout),
                String::from_utf8_lossy(&out.stderr)
            ))
        }
    }

    fn start() -> std::result::Result<Cluster, String> {
        Cluster::start_with(None)
    }

    /// A second cluster of its own (not the shared one), listening on 127.0.0.1 at a free
    /// port with TLS only (see [`TlsServer`]); stopped and removed when the process ends.
    pub fn start_tls(tls: &TlsServer<'_>) -> std::result::Result<Cluster, String> {
        Cluster::start_with(Some(tls))
    }

    fn start_with(tls: Option<&TlsServer<'_>>) -> std::result::Result<Cluster, String> {
        let bin = bin_dir()
            .ok_or("PostgreSQL (initdb, pg_ctl) not found: install postgresql or set ARYZ_PG_BIN")?;
        // initdb and pg_ctl refuse to run as root: then the cluster belongs to `postgres`.
        // SAFETY: geteuid has no preconditions.
        let as_postgres = rustix::process::geteuid().is_root();
        let nanos = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.subsec_nanos());
        let dir = std::env::temp_dir().join(format!("aryz-pg-{}-{nanos}", std::process::id()));
        std::fs::create_dir_all(&dir).map_err(|e| format!("{}: {e}", dir.display()))?;
        if as_postgres {
            let st = Command::new("chown")
                .args(["postgres:", &dir.display().to_string()])
                .status()
                .map_err(|e| format!("chown: {e}"))?;
            if !st.success() {
                return Err(format!("chown postgres {}: {st}", dir.display()));
            }
        }
        let data = dir.join("data");
        let socket_dir = dir.join("sock");
        let log = dir.join("log");
        let q = |p: &Path| shell_quote(&p.display().to_string());
        let port = if tls.is_some() {
            // A free TCP port: the one the system picks for a listener, closed again.
            std::net::TcpListener::bind("127.0.0.1:0")
                .and_then(|l| l.local_addr())
                .map_err(|e| format!("a free port: {e}"))?
                .port()
        } else {
            5432
        };
        let mk = if as_postgres {
            Cluster::run(Path::new("/bin"), true, &format!("mkdir -p {}", q(&socket_dir)))
        } else {
            std::fs::create_dir_all(&socket_dir).map_err(|e| e.to_string())
        };
        mk?;
        Cluster::run(
            &bin,
            as_postgres,
            &format!(
                "initdb -D {} -U postgres --auth=trust --locale=C.UTF-8 -E UTF8 --no-sync >/dev/null",
                q(&data)
            ),
        )?;
        if let Some(tls) = tls {
            // The certificates, owned by the server's user and private, and TLS-only TCP.
            let hba = "local all all trust\nhostssl all certuser 127.0.0.1/32 cert\nhostssl all all 127.0.0.1/32 trust\n";
            std::fs::write(data.join("pg_hba.conf"), hba).map_err(|e| format!("pg_hba.conf: {e}"))?;
            for (from, to) in
                [(tls.cert, "server.crt"), (tls.key, "server.key"), (tls.client_ca, "client_ca.crt")]
            {
                std::fs::copy(from, data.join(to)).map_err(|e| format!("{}: {e}", from.display()))?;
            }
            for f in ["pg_hba.conf", "server.crt", "server.key", "client_ca.crt"] {
                let f = data.join(f);
                std::fs::set_permissions(&f, std::os::unix::fs::PermissionsExt::from_mode(0o600))
                    .map_err(|e| format!("{}: {e}", f.display()))?;
                if as_postgres {
                    let st = Command::new("chown")
                        .args(["postgres:", &f.display().to_string()])
                        .status()
                        .map_err(|e| format!("chown: {e}"))?;
                    if !st.success() {
                        return Err(format!("chown postgres {}: {st}", f.display()));
                    }
                }
            }
        }
        // The watchdog: stops the cluster and removes the directory when this process's end
        // of the pipe closes.
        let stop = format!("{}/pg_ctl stop -D {} -m immediate", bin.display(), q(&data));
        let stop =
            if as_postgres { format!("su postgres -s /bin/sh -c {}", shell_quote(&stop)) } else { stop };
        let script = format!("cat >/dev/null; {stop} >/dev/null 2>&1; rm -rf {}", q(&dir));
        let mut child = Command::new("sh")
            .args(["-c", &script])
            .stdin(Stdio::piped())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .map_err(|e| format!("watchdog: {e}"))?;
        let watchdog = child.stdin.take().ok_or("watchdog: no stdin")?;
        let listen = if tls.is_some() {
            "-c listen_addresses=127.0.0.1 -c ssl=on -c ssl_cert_file=server.crt -c ssl_key_file=server.key -c ssl_ca_file=client_ca.crt"
        } else {
            "-c listen_addresses=''"
        };
        let opts = format!(
            "-k {} -p {port} {listen} -c fsync=off -c full_page_writes=off -c synchronous_commit=off -c max_connections=200",
            socket_dir.display()
        );
        Cluster::run(
            &bin,
            as_postgres,
            &format!(
                "pg_ctl start -D {} -w -t 60 -l {} -o {} >/dev/null",
                q(&data),
                q(&log),
                shell_quote(&opts)
            ),
        )
        .map_err(|e| {
            let log = std::fs::read_to_string(&log).unwrap_or_default();
            format!("{e}\n{log}")
        })?;
        let cluster = Cluster { dir, socket_dir, port, bin, as_postgres, watchdog: Mutex::new(watchdog) };
        // aryz's group roles, made once: tests create databases in parallel, and roles are
        // shared by every database of a cluster.
        cluster.admin("postgres", "CREATE ROLE aryz_clerk NOLOGIN; CREATE ROLE aryz_supervisor NOLOGIN; CREATE ROLE aryz_admin NOLOGIN;")?;
        Ok(cluster)
    }

    /// The URL of database `name` on this cluster, as the superuser `postgres`.
    pub fn url(&self, name: &str) -> String {
        format!("postgres:///{name}?host={}&port={}&user=postgres", self.socket_dir.display(), self.port)
    }

    /// Creates a new, empty database with a name unique in this process; returns its URL.
    pub fn fresh_database(&self) -> std::result::Result<String, String> {
        let name = format!("t{}_{}", std::process::id(), NEXT_DB.fetch_add(1, Ordering::Relaxed));
        let mut admin = postgres::Client::connect(
            &format!("host={} port={} user=postgres dbname=postgres", self.socket_dir.display(), self.port),
            postgres::NoTls,
        )
        .map_err(|e| e.to_string())?;
        admin
            .batch_execute(&format!(
                "CREATE DATABASE \"{name}\" TEMPLATE template0 ENCODING 'UTF8' LOCALE 'C.UTF-8'"
            ))
            .map_err(|e| e.to_string())?;
        Ok(self.url(&name))
    }

    /// Runs SQL as the superuser on database `db`.
    pub fn admin(&self, db: &str, sql: &str) -> std::result::Result<(), String> {
        let mut c = postgres::Client::connect(
            &format!("host={} port={} user=postgres dbname={db}", self.socket_dir.display(), self.port),
            postgres::NoTls,
        )
        .map_err(|e| e.to_string())?;
        c.batch_execute(sql).map_err(|e| e.to_string())
    }

    /// The directory of the server programs (for `pg_dump` and the like in tests).
    pub fn bin(&self) -> &Path {
        &self.bin
    }

    pub fn runs_as_postgres(&self) -> bool {
        self.as_postgres
    }

    /// Writes nothing; keeps the watchdog's pipe open (called by nobody, it documents that
    /// the pipe must stay open for the life of the process).
    pub fn keep_alive(&self) {
        if let Ok(mut w) = self.watchdog.lock() {
            let _ = w.flush();
        }
    }
}
