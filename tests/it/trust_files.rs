//! Files (issue 11): private directories whatever the umask, a log that follows group
//! access, key files readable by others refused, a failed backup that leaves no file, and
//! configurations and databases aryz never writes refused.

use crate::common;

use std::os::unix::fs::PermissionsExt;
use std::os::unix::process::CommandExt;

use common::*;

fn mode(p: &std::path::Path) -> u32 {
    std::fs::metadata(p).unwrap().permissions().mode() & 0o777
}

// pre_exec is unsafe by nature: the hook runs between fork and exec.
#[allow(unsafe_code)]
fn aryz_umask0(env: &TestEnv, data: &std::path::Path) -> std::process::Command {
    let mut cmd = std::process::Command::new(env!("CARGO_BIN_EXE_aryz"));
    cmd.env_remove("ARYZ_OPERATOR")
        .env("ARYZ_DATA_DIR", data)
        .env("ARYZ_CONFIG_DIR", env.path())
        .env("ARYZ_TODAY", TODAY);
    // SAFETY: umask is async-signal-safe; nothing else runs between fork and exec.
    unsafe {
        cmd.pre_exec(|| {
            libc::umask(0);
            Ok(())
        });
    }
    cmd
}

#[test]
fn directories_and_the_log_are_private_or_group_shared_as_configured() {
    let env = TestEnv::bare();
    let data = env.path().join("data/aryz");
    let out = aryz_umask0(&env, &data).args(["init", "--dev-identity"]).output().unwrap();
    assert!(out.status.success(), "{out:?}");
    assert_eq!(mode(&data), 0o700, "data directory under umask 000");
    assert_eq!(mode(&env.path().join("data")), 0o700);
    assert_eq!(mode(&data.join("aryz.log")), 0o600);
    let r = aryz_umask0(&env, &data)
        .args(["add", "--kind", "access", "--name", "Test Subject", "--pin", PIN_MALE])
        .output()
        .unwrap();
    assert!(r.status.success(), "{r:?}");
    let reference = String::from_utf8(r.stdout).unwrap().trim().to_string();
    let letters = data.join("letters");
    let l = aryz_umask0(&env, &data)
        .args(["letter", &reference, "--type", "acknowledgement", "--as", "txt"])
        .output()
        .unwrap();
    assert!(l.status.success(), "{l:?}");
    assert_eq!(mode(&letters), 0o700, "letters directory under umask 000");
    for f in std::fs::read_dir(&letters).unwrap() {
        assert_eq!(mode(&f.unwrap().path()), 0o600);
    }
    // Group access: the log is shared with the group (other logins' commands are logged).
    env.write_config("group_access = true\n");
    let out = aryz_umask0(&env, &data).args(["list"]).output().unwrap();
    assert!(out.status.success());
    assert_eq!(mode(&data.join("aryz.log")), 0o660);
    let data2 = env.path().join("shared/aryz");
    let out = aryz_umask0(&env, &data2).args(["init", "--dev-identity"]).output().unwrap();
    assert!(out.status.success(), "{out:?}");
    assert_eq!(mode(&data2), 0o750);
}

#[test]
fn a_key_file_readable_by_others_is_refused() {
    let env = TestEnv::new();
    let key = env.path().join("aryz.key");
    std::fs::write(&key, "secret\n").unwrap();
    std::fs::set_permissions(&key, std::fs::Permissions::from_mode(0o644)).unwrap();
    env.write_config("key_file = \"aryz.key\"\n");
    let e = env.fails(&["list"]);
    assert_mentions(&e, &["key file", "readable by other users", "chmod 600"]);
}

#[test]
fn a_config_with_a_nul_byte_is_refused() {
    let env = TestEnv::new();
    std::fs::write(env.path().join("config.toml"), "language = \"en\"\n# x\0y\n").unwrap();
    let e = env.fails(&["list"]);
    assert_mentions(&e, &["line 2", "NUL"]);
}

#[test]
fn a_negative_schema_version_is_refused_and_left_alone() {
    let env = TestEnv::new();
    let conn = rusqlite::Connection::open(env.db()).unwrap();
    conn.pragma_update(None, "user_version", -1).unwrap();
    drop(conn);
    let before = std::fs::read(env.db()).unwrap();
    let e = env.fails(&["list"]);
    assert_mentions(&e, &["schema version -1"]);
    assert_eq!(std::fs::read(env.db()).unwrap(), before);
}

/// A disk that fills up during the backup (simulated by a file-size limit, so writes past
/// it fail with EFBIG): the backup fails and leaves no file, so the retry works.
#[test]
// pre_exec is unsafe by nature: the hook runs between fork and exec.
#[allow(unsafe_code)]
fn a_failed_backup_leaves_no_file() {
    let env = TestEnv::new();
    env.ok(&["demo", "--requests", "300"]);
    let dir = env.path().join("backups");
    std::fs::create_dir(&dir).unwrap();
    let dest = dir.join("b.sqlite3");
    let before = env.ok(&["audit", "head"]);
    let mut cmd = std::process::Command::new(env!("CARGO_BIN_EXE_aryz"));
    cmd.env_remove("ARYZ_OPERATOR")
        .env("ARYZ_DATA_DIR", env.path())
        .env("ARYZ_CONFIG_DIR", env.path())
        .env("ARYZ_TODAY", TODAY)
        .args(["backup", dest.to_str().unwrap()]);
    // SAFETY: setrlimit and signal are async-signal-safe.
    unsafe {
        cmd.pre_exec(|| {
            // Writes past 64 KiB fail with EFBIG instead of killing the process.
            libc::signal(libc::SIGXFSZ, libc::SIG_IGN);
            let lim = libc::rlimit { rlim_cur: 64 * 1024, rlim_max: 64 * 1024 };
            libc::setrlimit(libc::RLIMIT_FSIZE, &raw const lim);
            Ok(())
        });
    }
    let out = cmd.output().unwrap();
    assert_eq!(out.status.code(), Some(1), "{out:?}");
    assert!(std::fs::metadata(env.db()).unwrap().len() > 64 * 1024, "the database is larger than the limit");
    let left: Vec<_> = std::fs::read_dir(&dir).unwrap().map(|e| e.unwrap().file_name()).collect();
    assert!(left.is_empty(), "a failed backup left {left:?}");
    assert_eq!(env.ok(&["audit", "head"]), before, "a failed backup records nothing");
    env.ok(&["backup", dest.to_str().unwrap()]);
    assert!(dest.exists());
    // A target that exists, or whose directory does not, is refused before anything.
    assert_mentions(&env.fails(&["backup", dest.to_str().unwrap()]), &["already exists"]);
    assert_mentions(&env.fails(&["backup", "/nonexistent/dir/b.sqlite3"]), &["no such directory"]);
}
