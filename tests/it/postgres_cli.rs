//! The command line on PostgreSQL: `database = "postgres://…"` in config.toml selects it, and
//! an office's day (register, search, assign, note, answer, verify, check, report, export)
//! behaves as on SQLite. The store behaviours themselves are the conformance suite's
//! (`store_tests!`, run on both backends in the library's tests).

use serde_json::Value;

use crate::common::{PIN_FEMALE, PIN_MALE, TestEnv, refs};
use crate::support::pg;

/// A `--dev-identity` aryz environment whose database is a fresh one on the test cluster,
/// with a supervisor `sam` and clerks `cara` and `carl`.
fn pg_env() -> Option<(TestEnv, String)> {
    let cluster = pg::cluster()?;
    let url = pg::fresh_database(cluster);
    let mut env = TestEnv::bare();
    env.write_config(&format!("database = {url:?}\n"));
    let out = env.ok(&["init", "--dev-identity"]);
    assert!(out.contains("postgres://"), "{out}");
    let ops = env.json(&["operator", "list"]);
    env.admin = ops[0]["login"].as_str().expect("login").to_string();
    env.ok(&["operator", "add", "sam", "--role", "supervisor", "--name", "Sam Supervisor"]);
    env.ok(&["operator", "add", "cara", "--role", "clerk", "--name", "Cara Clerk"]);
    env.ok(&["operator", "add", "carl", "--role", "clerk", "--name", "Carl Clerk"]);
    Some((env, url))
}

#[test]
fn an_office_day_runs_on_postgresql() {
    let Some((env, _url)) = pg_env() else { return };
    let a = env.add(&["--kind", "access", "--name", "АЙГҮЛ Асанова", "--pin", PIN_FEMALE, "--received", "2026-11-20"]);
    let b = env.add(&["--kind", "correction", "--name", "Бакыт Осмонов", "--pin", PIN_MALE, "--received", "2026-11-23"]);
    // Search: any case in Kyrgyz and Russian, by word prefix, by reference digits and PIN.
    assert_eq!(refs(&env.json(&["list", "--search", "айгүл"])), vec![a.clone()]);
    assert_eq!(refs(&env.json(&["list", "--search", "осмон"])), vec![b.clone()]);
    let tail = &b[b.len() - 6..];
    assert_eq!(refs(&env.json(&["list", "--search", tail])), vec![b.clone()]);
    assert_eq!(refs(&env.json(&["list", "--search", &PIN_MALE[..8]])), vec![b.clone()]);
    assert_eq!(refs(&env.json(&["list", "--search", "zzzz\"*("])), Vec::<String>::new());
    // Work: assign, note, answer as the clerk.
    env.ok(&["assign", &a, "cara"]);
    crate::common::ok(env.as_op("cara").args(["note", &a, "Called the subject"]));
    crate::common::ok(env.as_op("cara").args(["respond", &a, "--outcome", "fulfilled", "--text", "Copy sent"]));
    let shown = env.show(&a);
    assert_eq!(shown["status"], "answered");
    let kinds = crate::common::event_kinds(&shown);
    assert!(kinds.iter().any(|k| k == "note") && kinds.iter().any(|k| k == "responded"), "{kinds:?}");
    // A stale write is refused by the version check, as on SQLite.
    assert_eq!(refs(&env.json(&["list"])), vec![b.clone()]);
    assert_eq!(refs(&env.json(&["list", "--all"])).len(), 2);
    // The chain verifies; check finds nothing; doctor names the engine.
    let verify = env.ok(&["audit", "verify"]);
    assert!(verify.contains("intact"), "{verify}");
    let check = env.ok(&["check"]);
    assert!(check.contains("integrity: ok"), "{check}");
    let doctor = env.ok(&["doctor"]);
    assert!(doctor.contains("PostgreSQL 1"), "{doctor}");
    // Reports and export read the same figures.
    let report: Value = env.json(&["report", "monthly", "--month", "2026-11"]);
    assert_eq!(report["total"]["received"], 2, "{report}");
    assert_eq!(report["total"]["answered_in_time"], 1, "{report}");
    let exported = env.json(&["export", "--all"]);
    assert_eq!(exported.as_array().map(Vec::len), Some(2));
}

#[test]
fn init_refuses_a_database_that_is_not_empty() {
    let Some((env, _url)) = pg_env() else { return };
    let err = env.fails(&["init"]);
    assert!(err.contains("already exists"), "{err}");
}

#[test]
fn a_password_in_the_url_and_a_remote_server_without_tls_are_refused() {
    let env = TestEnv::bare();
    let err = env.fails(&["--db", "postgres://clerk:secret@localhost/aryz", "list"]);
    assert!(err.contains("PGPASSWORD") && !err.contains("secret"), "{err}");
    let err = env.fails(&["--db", "postgres://db.example.kg/aryz", "list"]);
    assert!(err.contains("TLS is required"), "{err}");
}
