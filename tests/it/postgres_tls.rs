//! TLS to PostgreSQL (issue 14: "TLS is required for anything but a local socket or
//! loopback"). A second private cluster listens on 127.0.0.1 with a certificate from a CA
//! made here with the openssl CLI; its `pg_hba.conf` has only `hostssl` lines for TCP, so a
//! TCP connection that succeeds went through TLS, and the tests also ask the server
//! (`pg_stat_ssl`). A wrong CA, a certificate naming another host, a plaintext connection
//! and a world-readable client key are each refused.

use std::path::Path;
use std::process::Command;
use std::sync::OnceLock;

use aryz::store::postgres::cluster::{Cluster, TlsServer};
use aryz::store::postgres::{PgLocation, SslMode};

use crate::common::TestEnv;
use crate::support::tool::require_tool;

struct Tls {
    dir: tempfile::TempDir,
    cluster: Cluster,
}

impl Tls {
    fn file(&self, name: &str) -> String {
        self.dir.path().join(name).display().to_string()
    }

    /// A URL of database `db` on the TLS cluster at `host`, with `params` after the `?`.
    fn url(&self, host: &str, db: &str, params: &str) -> String {
        format!("postgres://{host}:{}/{db}?user=postgres&{params}", self.cluster.port)
    }
}

fn openssl(dir: &Path, args: &[&str]) {
    let out = Command::new("openssl").args(args).current_dir(dir).output().expect("run openssl");
    assert!(out.status.success(), "openssl {args:?}: {}", String::from_utf8_lossy(&out.stderr));
}

/// A CA (`NAME.crt`, `NAME.key`) made in `dir`.
fn make_ca(dir: &Path, name: &str) {
    let (crt, key) = (format!("{name}.crt"), format!("{name}.key"));
    openssl(
        dir,
        &[
            "req",
            "-x509",
            "-newkey",
            "ec",
            "-pkeyopt",
            "ec_paramgen_curve:prime256v1",
            "-nodes",
            "-days",
            "2",
            "-subj",
            &format!("/CN=aryz test {name}"),
            "-keyout",
            &key,
            "-out",
            &crt,
        ],
    );
}

/// A certificate `NAME.crt` with key `NAME.key`, for subject `cn` and `san` (none when
/// empty), signed by the CA `ca`.
fn make_cert(dir: &Path, ca: &str, name: &str, cn: &str, san: &str) {
    let (crt, key, csr, ext) =
        (format!("{name}.crt"), format!("{name}.key"), format!("{name}.csr"), format!("{name}.ext"));
    openssl(
        dir,
        &[
            "req",
            "-new",
            "-newkey",
            "ec",
            "-pkeyopt",
            "ec_paramgen_curve:prime256v1",
            "-nodes",
            "-subj",
            &format!("/CN={cn}"),
            "-keyout",
            &key,
            "-out",
            &csr,
        ],
    );
    let mut extensions = String::from("basicConstraints=CA:FALSE\n");
    if !san.is_empty() {
        extensions.push_str(&format!("subjectAltName={san}\n"));
    }
    std::fs::write(dir.join(&ext), extensions).expect("write extensions");
    openssl(
        dir,
        &[
            "x509",
            "-req",
            "-in",
            &csr,
            "-CA",
            &format!("{ca}.crt"),
            "-CAkey",
            &format!("{ca}.key"),
            "-CAcreateserial",
            "-days",
            "2",
            "-extfile",
            &ext,
            "-out",
            &crt,
        ],
    );
    set_mode(&dir.join(&key), 0o600);
}

fn set_mode(path: &Path, mode: u32) {
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(path, std::fs::Permissions::from_mode(mode)).expect("chmod");
}

/// The TLS cluster of this test process, started on first use; None when openssl or
/// PostgreSQL is missing outside CI (under CI that fails).
fn tls() -> Option<&'static Tls> {
    static TLS: OnceLock<Tls> = OnceLock::new();
    if !require_tool("openssl", "version") {
        return None;
    }
    crate::support::pg::cluster()?;
    Some(TLS.get_or_init(|| {
        let dir = tempfile::tempdir().expect("temp dir");
        let d = dir.path();
        make_ca(d, "ca");
        make_ca(d, "other_ca");
        // The server's certificate names 127.0.0.1 only, not "localhost".
        make_cert(d, "ca", "server", "aryz-db", "IP:127.0.0.1");
        make_cert(d, "ca", "client", "certuser", "");
        let p = |n: &str| d.join(n);
        let (cert, key, ca) = (p("server.crt"), p("server.key"), p("ca.crt"));
        let cluster = Cluster::start_tls(&TlsServer { cert: &cert, key: &key, client_ca: &ca })
            .expect("start the TLS cluster");
        cluster.admin("postgres", "CREATE ROLE certuser LOGIN").expect("certuser");
        cluster.admin("postgres", "CREATE DATABASE certdb OWNER certuser").expect("certdb");
        Tls { dir, cluster }
    }))
}

/// Whether the server says this connection is encrypted.
fn server_says_ssl(url: &str) -> bool {
    let location = PgLocation::parse(url).expect("parse");
    let mut client = location.connect().expect("connect");
    let row = client
        .query_one("SELECT ssl FROM pg_stat_ssl WHERE pid = pg_backend_pid()", &[])
        .expect("pg_stat_ssl");
    row.get(0)
}

fn connect_error(url: &str) -> String {
    match PgLocation::parse(url) {
        Ok(location) => match location.connect() {
            Ok(_) => panic!("{url}: connected"),
            Err(e) => e.to_string(),
        },
        Err(e) => e.to_string(),
    }
}

#[test]
fn verify_full_against_the_ca_connects_over_tls_and_aryz_works_there() {
    let Some(t) = tls() else { return };
    let db = format!("tls_{}", std::process::id());
    t.cluster.admin("postgres", &format!("CREATE DATABASE {db}")).expect("create database");
    let url = t.url("127.0.0.1", &db, &format!("sslmode=verify-full&sslrootcert={}", t.file("ca.crt")));
    let location = PgLocation::parse(&url).expect("parse");
    assert_eq!(location.ssl_mode(), SslMode::VerifyFull);
    assert!(server_says_ssl(&url));
    // The whole program over it: init, a registration, the queue, the chain.
    let mut env = TestEnv::bare();
    env.write_config(&format!("database = {url:?}\n"));
    env.ok(&["init", "--dev-identity"]);
    let ops = env.json(&["operator", "list"]);
    env.admin = ops[0]["login"].as_str().expect("login").to_string();
    let r = env.add(&["--name", "Айгүл Асанова"]);
    assert_eq!(crate::common::refs(&env.json(&["list"])), vec![r]);
    assert!(env.ok(&["audit", "verify"]).contains("intact"));
}

#[test]
fn a_wrong_ca_or_a_certificate_for_another_name_is_refused() {
    let Some(t) = tls() else { return };
    let e = connect_error(&t.url(
        "127.0.0.1",
        "postgres",
        &format!("sslmode=verify-full&sslrootcert={}", t.file("other_ca.crt")),
    ));
    assert!(e.contains("cannot connect") && e.contains("UnknownIssuer"), "{e}");
    let e = connect_error(&t.url(
        "127.0.0.1",
        "postgres",
        &format!("sslmode=verify-ca&sslrootcert={}", t.file("other_ca.crt")),
    ));
    assert!(e.contains("UnknownIssuer"), "{e}");
    // The certificate names 127.0.0.1, not localhost: verify-full refuses it there, while
    // verify-ca (the chain only) accepts it.
    let e = connect_error(&t.url(
        "localhost",
        "postgres",
        &format!("sslmode=verify-full&sslrootcert={}", t.file("ca.crt")),
    ));
    assert!(e.contains("not valid for name"), "{e}");
    assert!(server_says_ssl(&t.url(
        "localhost",
        "postgres",
        &format!("sslmode=verify-ca&sslrootcert={}", t.file("ca.crt"))
    )));
    // `require` encrypts without a root certificate.
    assert!(server_says_ssl(&t.url("127.0.0.1", "postgres", "sslmode=require")));
}

#[test]
fn plaintext_is_refused_by_the_server_here_and_by_aryz_for_a_remote_host() {
    let Some(t) = tls() else { return };
    // Loopback without TLS is aryz's to allow; this server has no line for it.
    let e = connect_error(&t.url("127.0.0.1", "postgres", "sslmode=disable"));
    assert!(e.contains("pg_hba.conf"), "{e}");
    // A host that is not this machine is refused before any connection, in the user's language.
    let env = TestEnv::bare();
    let e = crate::common::fails(env.aryz().args([
        "list",
        "--db",
        "postgres://db.example.kg/aryz?sslmode=prefer",
    ]));
    assert!(e.contains("db.example.kg") && e.contains("TLS is required"), "{e}");
    let e = crate::common::fails(env.aryz().env("LANG", "ru_RU.UTF-8").args([
        "list",
        "--db",
        "postgres://db.example.kg/aryz?sslmode=disable",
    ]));
    assert!(e.contains("требуется TLS"), "{e}");
    // Without sslmode a remote host is verify-full, which needs a root certificate.
    let e = crate::common::fails(env.aryz().env("HOME", env.dir.path()).args([
        "list",
        "--db",
        "postgres://db.example.kg/aryz",
    ]));
    assert!(e.contains("verify-full") && e.contains("sslrootcert"), "{e}");
}

#[test]
fn a_client_certificate_logs_in_and_its_key_must_be_private() {
    let Some(t) = tls() else { return };
    let with_cert = format!(
        "sslmode=verify-full&sslrootcert={}&sslcert={}&sslkey={}",
        t.file("ca.crt"),
        t.file("client.crt"),
        t.file("client.key")
    );
    let url = format!("postgres://127.0.0.1:{}/certdb?user=certuser&{with_cert}", t.cluster.port);
    assert!(server_says_ssl(&url));
    // Without it the server refuses certuser.
    let bare = format!(
        "postgres://127.0.0.1:{}/certdb?user=certuser&sslmode=verify-full&sslrootcert={}",
        t.cluster.port,
        t.file("ca.crt")
    );
    let e = connect_error(&bare);
    assert!(e.contains("certificate"), "{e}");
    // A key others can read is refused before connecting, as libpq does.
    let open_key = t.dir.path().join("open.key");
    std::fs::copy(t.dir.path().join("client.key"), &open_key).expect("copy key");
    set_mode(&open_key, 0o644);
    let e = connect_error(&url.replace(&t.file("client.key"), &open_key.display().to_string()));
    assert!(e.contains("chmod 600"), "{e}");
}
