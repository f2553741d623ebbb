//! Without the `encryption` feature, asking for a key is a clear error, not a silent
//! plaintext database.
#![cfg(not(feature = "encryption"))]

#[test]
fn a_key_without_the_feature_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let key = dir.path().join("key");
    std::fs::write(&key, "secret").unwrap();
    // A key file must not be readable by others (aryz refuses it otherwise).
    std::fs::set_permissions(&key, std::os::unix::fs::PermissionsExt::from_mode(0o600)).unwrap();
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_aryz"))
        .env("ARYZ_DATA_DIR", dir.path())
        .env("ARYZ_CONFIG_DIR", dir.path())
        .env("ARYZ_KEY_FILE", &key)
        .args(["init"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("built without encryption"));
    assert!(!dir.path().join("aryz.sqlite3").exists(), "no plaintext database was left behind");
}
