//! The audit chain covers the records (issue 11): every way of editing, deleting, inserting
//! or cutting audit, request, event, category-action and operator rows behind aryz's back is
//! caught by `aryz audit verify` (and the head kept elsewhere catches a cut tail).

use crate::common;

use std::path::{Path, PathBuf};

use common::*;

/// A database with every kind of audited change: operators, registrations, notes, an
/// assignment, a status change, a demo load, a retention erasure.
fn populated() -> TestEnv {
    let env = TestEnv::with_staff();
    let a = env.add(&[]);
    let b = env.add(&["--name", "Other Subject"]);
    env.ok(&["note", &a, "A note"]);
    env.ok(&["assign", &b, "cara"]);
    env.ok(&["status", &b, "in_progress"]);
    env.ok(&["demo", "--requests", "40"]);
    // Years later: retention erases the closed ones; erased requests still verify.
    let erased = ok(env.on("2034-01-01").args(["retention", "--years", "1"]));
    assert!(!erased.starts_with("0 "), "something was erased: {erased}");
    env.ok(&["note", &a, "Last change"]);
    env
}

/// A copy of the database (and its WAL) to tamper with.
fn copy_db(env: &TestEnv, name: &str) -> PathBuf {
    let dest = env.path().join(format!("{name}.sqlite3"));
    for suffix in ["", "-wal"] {
        let from = PathBuf::from(format!("{}{suffix}", env.db().display()));
        if from.exists() {
            std::fs::copy(&from, format!("{}{suffix}", dest.display())).unwrap();
        }
    }
    dest
}

/// Runs SQL on `db` as any `SQLite` client would (no aryz triggers, foreign keys off).
fn tamper(db: &Path, sql: &str) {
    let conn = rusqlite::Connection::open(db).unwrap();
    conn.execute_batch("PRAGMA foreign_keys = OFF").unwrap();
    conn.execute_batch(sql).unwrap_or_else(|e| panic!("{sql}: {e}"));
    assert!(conn.total_changes() > 0, "the variant changed nothing: {sql}");
}

fn verify(env: &TestEnv, db: &Path, extra: &[&str]) -> std::process::Output {
    env.aryz().arg("--db").arg(db).args(["audit", "verify"]).args(extra).output().unwrap()
}

/// (what, SQL) — each run on a fresh copy of the populated database.
const VARIANTS: &[(&str, &str)] = &[
    // Requests
    ("request status edited", "UPDATE requests SET status = 'answered' WHERE id = 1"),
    ("request assignee edited", "UPDATE requests SET assignee = 'carl' WHERE id = 2"),
    ("request due date edited", "UPDATE requests SET due_on = '2099-01-01' WHERE id = 1"),
    ("request subject name edited", "UPDATE requests SET subject_name = 'Someone Else' WHERE id = 1"),
    ("request PIN edited", "UPDATE requests SET subject_pin = '11111111111111' WHERE id = 2"),
    ("request response text edited", "UPDATE requests SET response_text = 'changed' WHERE id = 5"),
    ("request version edited", "UPDATE requests SET version = version + 1 WHERE id = 3"),
    ("erased request refilled", "UPDATE requests SET subject_name = 'Restored Name' WHERE erased_on IS NOT NULL"),
    ("request deleted (its events left)", "DELETE FROM requests WHERE id = 3"),
    (
        "request deleted with its events and actions",
        "DELETE FROM events WHERE request_id = 4; DELETE FROM category_actions WHERE request_id = 4;
         DELETE FROM deadlines WHERE request_id = 4; DELETE FROM requests WHERE id = 4",
    ),
    (
        "request inserted",
        "INSERT INTO requests (ref, kind, status, channel, lang, received_on, registered_on, identity, subject_name,
             subject_pin, due_on, created_at, updated_at)
         SELECT 'ARZ-2026-999999', kind, status, channel, lang, received_on, registered_on, identity, 'Planted',
             subject_pin, due_on, created_at, updated_at FROM requests WHERE id = 1",
    ),
    (
        "two requests' names swapped",
        "UPDATE requests SET subject_name = CASE id WHEN 1 THEN (SELECT subject_name FROM requests WHERE id = 2)
             ELSE (SELECT subject_name FROM requests WHERE id = 1) END WHERE id IN (1, 2)",
    ),
    ("every request deleted", "DELETE FROM events; DELETE FROM category_actions; DELETE FROM deadlines; DELETE FROM requests"),
    // Events
    ("event text edited", "UPDATE events SET text = 'rewritten' WHERE id = (SELECT max(id) FROM events WHERE text <> '')"),
    ("event actor edited", "UPDATE events SET actor = 'carl' WHERE id = 1"),
    ("event time edited", "UPDATE events SET at = '2020-01-01T00:00:00+06:00' WHERE id = 2"),
    ("event kind edited", "UPDATE events SET kind = 'note' WHERE id = 1"),
    ("event deleted", "DELETE FROM events WHERE id = 2"),
    ("every event of a request deleted", "DELETE FROM events WHERE request_id = 1"),
    (
        "event inserted",
        "INSERT INTO events (request_id, at, actor, kind, text) VALUES (1, '2026-11-24T10:00:00+06:00', 'cara', 'note', 'planted')",
    ),
    (
        "event for a missing request inserted",
        "INSERT INTO events (request_id, at, actor, kind, text) VALUES (424242, '2026-11-24T10:00:00+06:00', 'cara', 'note', 'x')",
    ),
    ("event moved to another request", "UPDATE events SET request_id = 2 WHERE id = (SELECT min(id) FROM events WHERE request_id = 1)"),
    // Category actions
    ("category action edited", "UPDATE category_actions SET action = CASE action WHEN 'done' THEN 'refused' ELSE 'done' END
         WHERE (request_id, category) IN (SELECT request_id, category FROM category_actions LIMIT 1)"),
    ("category action deleted", "DELETE FROM category_actions WHERE (request_id, category) IN (SELECT request_id, category FROM category_actions LIMIT 1)"),
    // Operators
    ("clerk promoted to admin", "UPDATE operators SET role = 'admin' WHERE login = 'cara'"),
    ("operator disabled", "UPDATE operators SET active = 0 WHERE login = 'sam'"),
    ("operator renamed", "UPDATE operators SET name = 'Someone' WHERE login = 'carl'"),
    ("operator inserted", "INSERT INTO operators (login, name, role, created_at) VALUES ('mallory', '', 'admin', 'now')"),
    ("operator deleted", "UPDATE requests SET assignee = NULL WHERE assignee = 'carl'; DELETE FROM operators WHERE login = 'carl'"),
    // The audit log
    ("entry actor edited", "DROP TRIGGER audit_no_update; UPDATE audit SET actor = 'someone' WHERE id = 3"),
    ("entry detail edited", "DROP TRIGGER audit_no_update; UPDATE audit SET detail = 'x' WHERE id = 2"),
    ("entry state edited", "DROP TRIGGER audit_no_update; UPDATE audit SET state = '' WHERE id = (SELECT max(id) FROM audit)"),
    ("middle entry deleted", "DROP TRIGGER audit_no_delete; DELETE FROM audit WHERE id = 4"),
    ("last entry deleted", "DROP TRIGGER audit_no_delete; DELETE FROM audit WHERE id = (SELECT max(id) FROM audit)"),
    (
        "last entries deleted and audit_head rewritten",
        "DROP TRIGGER audit_no_delete; DELETE FROM audit WHERE id > (SELECT max(id) - 2 FROM audit);
         UPDATE meta SET value = (SELECT id || ':' || hash FROM audit ORDER BY id DESC LIMIT 1) WHERE key = 'audit_head'",
    ),
    (
        "last entries and audit_head deleted",
        "DROP TRIGGER audit_no_delete; DELETE FROM audit WHERE id > (SELECT max(id) - 3 FROM audit);
         DELETE FROM meta WHERE key = 'audit_head'",
    ),
    ("whole log deleted", "DROP TRIGGER audit_no_delete; DELETE FROM audit; DELETE FROM meta WHERE key = 'audit_head'"),
    (
        "whole log and record index deleted",
        "DROP TRIGGER audit_no_delete; DELETE FROM audit; DELETE FROM record_state; DELETE FROM meta WHERE key = 'audit_head'",
    ),
    (
        "entry appended without its hash",
        "INSERT INTO audit (id, at, actor, action, target, detail, prev_hash, hash, state)
         SELECT id + 1, at, actor, 'note', target, detail, hash, hash, state FROM audit ORDER BY id DESC LIMIT 1",
    ),
    // The record index
    ("record index row deleted", "DELETE FROM record_state WHERE kind = 1 AND key = 1"),
    (
        "request edited and its record index row copied from another",
        "UPDATE requests SET status = 'withdrawn' WHERE id = 1;
         UPDATE record_state SET hash = (SELECT hash FROM record_state WHERE kind = 1 AND key = 2) WHERE kind = 1 AND key = 1",
    ),
    (
        "request deleted with its record index row",
        "DELETE FROM events WHERE request_id = 2; DELETE FROM category_actions WHERE request_id = 2;
         DELETE FROM deadlines WHERE request_id = 2; DELETE FROM requests WHERE id = 2;
         DELETE FROM record_state WHERE kind = 1 AND key = 2",
    ),
];

#[test]
fn every_tampering_variant_is_detected() {
    let env = populated();
    let clean = verify(&env, &env.db(), &[]);
    assert!(clean.status.success(), "the untouched database verifies: {clean:?}");
    let mut missed = Vec::new();
    for (i, (what, sql)) in VARIANTS.iter().enumerate() {
        let db = copy_db(&env, &format!("variant{i}"));
        tamper(&db, sql);
        let out = verify(&env, &db, &[]);
        if out.status.code() != Some(1) {
            missed.push(format!("{what}: {out:?}"));
        }
        let _ = std::fs::remove_file(&db);
    }
    let tried = VARIANTS.len();
    println!("tampering variants tried: {tried}, detected: {}", tried - missed.len());
    assert!(tried >= 30);
    assert!(missed.is_empty(), "not detected:\n{}", missed.join("\n"));
}

#[test]
fn verify_names_the_record_that_changed() {
    let env = populated();
    let db = copy_db(&env, "named");
    tamper(
        &db,
        "UPDATE requests SET status = 'answered' WHERE id = 1; UPDATE operators SET role = 'admin' WHERE login = 'cara'",
    );
    let check = env.aryz().arg("--db").arg(&db).arg("check").output().unwrap();
    let out = String::from_utf8_lossy(&check.stdout);
    assert!(out.contains("request ARZ-2026-000001 was changed outside aryz"), "{out}");
    assert!(out.contains("operator cara was changed outside aryz"), "{out}");
    let v: serde_json::Value = serde_json::from_slice(
        &env.aryz()
            .arg("--db")
            .arg(&db)
            .args(["--format", "json", "audit", "verify"])
            .output()
            .unwrap()
            .stdout,
    )
    .unwrap();
    assert_eq!(v["ok"], false);
    assert_eq!(v["problems"].as_array().unwrap().len(), 2, "{v}");
}

/// A tail cut back to an earlier entry whose records are as that entry left them (the cut
/// entries were views, which change no record) can only be caught by a head kept elsewhere.
#[test]
fn a_head_kept_elsewhere_catches_a_cut_tail() {
    let env = populated();
    let head_before = env.ok(&["audit", "head"]).trim().to_string();
    let a = "ARZ-2026-000001";
    env.ok(&["show", a]);
    let head = env.ok(&["audit", "head"]).trim().to_string();
    assert_ne!(head, head_before, "a view is audited");
    let db = copy_db(&env, "cut");
    tamper(
        &db,
        "DROP TRIGGER audit_no_delete; DELETE FROM audit WHERE id = (SELECT max(id) FROM audit);
         UPDATE meta SET value = (SELECT id || ':' || hash FROM audit ORDER BY id DESC LIMIT 1) WHERE key = 'audit_head'",
    );
    // Without an anchor the shortened log is self-consistent (SECURITY.md says so).
    assert!(verify(&env, &db, &[]).status.success());
    let e = check_failure("verify --expect", &verify(&env, &db, &["--expect", &head]));
    assert_mentions(&e, &["is missing", "the log ends at entry"]);
    // A rewritten entry differs from the kept head.
    let (n, _) = head_before.split_once(':').unwrap();
    let forged = format!("{n}:{}", "0".repeat(64));
    let e = check_failure("verify --expect", &verify(&env, &env.db(), &["--expect", &forged]));
    assert_mentions(&e, &["differs from the head kept elsewhere"]);
    // A malformed head is a usage mistake naming the option.
    let e = check_failure("bad expect", &verify(&env, &env.db(), &["--expect", "12"]));
    assert_mentions(&e, &["expect"]);
}

#[test]
fn the_anchor_file_receives_the_head_after_each_write_and_verify_uses_it() {
    let env = populated();
    let anchor = env.path().join("anchor.log");
    env.write_config(&format!("audit_anchor_file = {:?}\n", anchor.display().to_string()));
    let a = env.add(&[]);
    env.ok(&["note", &a, "Anchored"]);
    let lines: Vec<String> = std::fs::read_to_string(&anchor).unwrap().lines().map(String::from).collect();
    assert_eq!(lines.len(), 2, "one head per write: {lines:?}");
    assert_eq!(lines[1], env.ok(&["audit", "head"]).trim());
    assert!(env.ok(&["audit", "verify"]).starts_with("audit log intact"));
    // The log cut back by the last change: caught through the anchor, with no option.
    let db = copy_db(&env, "cut");
    tamper(
        &db,
        "DROP TRIGGER audit_no_delete; DELETE FROM audit WHERE id = (SELECT max(id) FROM audit);
         UPDATE meta SET value = (SELECT id || ':' || hash FROM audit ORDER BY id DESC LIMIT 1) WHERE key = 'audit_head'",
    );
    let e = check_failure("anchored verify", &verify(&env, &db, &[]));
    assert_mentions(&e, &["audit log broken"]);
    // An anchor file that cannot be written stops a change before it is made.
    env.write_config(&format!(
        "audit_anchor_file = {:?}\n",
        env.path().join("no/such/dir/a").display().to_string()
    ));
    let before = env.ok(&["audit", "head"]);
    let e = env.fails(&["note", &a, "Not saved"]);
    assert_mentions(&e, &["audit_anchor_file"]);
    assert_eq!(env.ok(&["audit", "head"]), before);
}

#[test]
fn check_prints_the_head() {
    let env = TestEnv::new();
    let out = env.ok(&["check"]);
    let head = env.ok(&["audit", "head"]);
    assert!(out.contains(head.trim()), "{out}");
}

/// A bulk load (most requests touched at once) is hashed in one ordered pass instead of one
/// request at a time: both must file the same hashes.
#[test]
fn a_bulk_load_binds_the_same_hashes_as_single_changes() {
    let env = TestEnv::new();
    env.ok(&["demo", "--requests", "6000", "--seed", "9"]);
    assert!(env.ok(&["audit", "verify"]).starts_with("audit log intact"));
    let db = copy_db(&env, "bulk");
    tamper(&db, "UPDATE events SET text = 'x' WHERE id = (SELECT max(id) FROM events)");
    assert_eq!(verify(&env, &db, &[]).status.code(), Some(1));
}
