//! Encryption at rest (feature `encryption`): the database file holds no readable personal
//! data, the right key opens it, a wrong or missing key is a clear error.
#![cfg(feature = "encryption")]

use std::path::Path;
use std::process::Command;

fn aryz(dir: &Path) -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_aryz"));
    c.env("ARYZ_DATA_DIR", dir)
        .env("ARYZ_CONFIG_DIR", dir)
        .env("ARYZ_TODAY", "2026-11-24")
        .env_remove("ARYZ_KEY_FILE");
    c
}

#[test]
fn encrypted_database_round_trip() {
    let dir = tempfile::tempdir().unwrap();
    let key = dir.path().join("key");
    std::fs::write(&key, "correct horse battery staple\n").unwrap();
    std::fs::set_permissions(&key, std::os::unix::fs::PermissionsExt::from_mode(0o600)).unwrap();
    let run = |args: &[&str], key_file: Option<&Path>| {
        let mut c = aryz(dir.path());
        if let Some(k) = key_file {
            c.env("ARYZ_KEY_FILE", k);
        }
        c.args(args).output().unwrap()
    };
    assert!(run(&["init", "--dev-identity"], Some(&key)).status.success());
    let out = run(
        &["add", "--kind", "access", "--name", "Encrypted Testsubject", "--pin", "21503199012345"],
        Some(&key),
    );
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let list = run(&["list", "--format", "json"], Some(&key));
    assert!(String::from_utf8_lossy(&list.stdout).contains("Encrypted Testsubject"));

    let db = std::fs::read(dir.path().join("aryz.sqlite3")).unwrap();
    assert!(!db.starts_with(b"SQLite format 3"), "the file must not be plain SQLite");
    let needle = b"Encrypted Testsubject";
    assert!(!db.windows(needle.len()).any(|w| w == needle), "the name must not be readable in the file");

    let wrong = dir.path().join("wrong");
    std::fs::write(&wrong, "not the key").unwrap();
    std::fs::set_permissions(&wrong, std::os::unix::fs::PermissionsExt::from_mode(0o600)).unwrap();
    let out = run(&["list"], Some(&wrong));
    assert_eq!(out.status.code(), Some(1));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("key does not open"), "{err}");
    assert_eq!(err.lines().count(), 1);

    let out = run(&["list"], None);
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("without its key"));

    // A backup of an encrypted database is encrypted with the same key.
    let backup = dir.path().join("backup.sqlite3");
    assert!(run(&["backup", backup.to_str().unwrap()], Some(&key)).status.success());
    let b = std::fs::read(&backup).unwrap();
    assert!(!b.windows(needle.len()).any(|w| w == needle));
    let out = run(&["--db", backup.to_str().unwrap(), "list", "--format", "json"], Some(&key));
    assert!(String::from_utf8_lossy(&out.stdout).contains("Encrypted Testsubject"));
}
