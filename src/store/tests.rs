//! `SQLite`'s own tests: migrations and WAL, refusal of foreign and newer files, edits of the
//! file behind aryz's back, several connections writing at once, backups, the kept daily
//! figures. What every backend must do is in the conformance suite (`conformance.rs`).

use super::conformance::{d, insert, new_request};
use super::*;
use crate::domain::calendar::Calendar;
use crate::domain::deadline::RuleSet;

fn temp_db() -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join("aryz.sqlite3");
    (dir, p)
}

#[test]
fn migrates_from_empty_and_reopens() {
    let (_dir, path) = temp_db();
    let store = Store::create(&path).unwrap();
    let v: i64 = store.as_sqlite().conn.pragma_query_value(None, "user_version", |r| r.get(0)).unwrap();
    assert_eq!(v, SCHEMA_VERSION);
    let mode: String = store.as_sqlite().conn.pragma_query_value(None, "journal_mode", |r| r.get(0)).unwrap();
    assert_eq!(mode, "wal");
    drop(store);
    assert!(Store::open(&path).is_ok());
    assert!(matches!(Store::create(&path), Err(StoreError::AlreadyExists(_))));
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        assert_eq!(std::fs::metadata(&path).unwrap().permissions().mode() & 0o777, 0o600);
    }
}

#[test]
fn refuses_missing_foreign_and_newer_files() {
    let (dir, path) = temp_db();
    assert!(matches!(Store::open(&path), Err(StoreError::Missing(_))));

    let text = dir.path().join("notes.txt");
    std::fs::write(&text, "this is not a database, just some text that is long enough to look like a header")
        .unwrap();
    let e = Store::open(&text).err().unwrap();
    assert!(matches!(e, StoreError::NotAryz(_)), "{e:?}");
    assert!(e.to_string().contains("notes.txt"));

    let other = dir.path().join("other.sqlite3");
    rusqlite::Connection::open(&other).unwrap().execute_batch("CREATE TABLE t (x)").unwrap();
    assert!(matches!(Store::open(&other), Err(StoreError::NotAryz(_))));

    Store::create(&path).unwrap();
    rusqlite::Connection::open(&path).unwrap().pragma_update(None, "user_version", 999).unwrap();
    let e = Store::open(&path).err().unwrap();
    assert!(matches!(e, StoreError::TooNew { found: 999, .. }), "{e:?}");
}

#[test]
fn audit_chain_detects_edits_deletions_and_truncation() {
    let (_dir, path) = temp_db();
    let mut store = Store::create(&path).unwrap();
    for i in 0..5 {
        store
            .write(|tx| {
                tx.audit("2026-11-24T10:00:00+06:00", "aibek", "note", &format!("ARZ-2026-00000{i}"), "")
            })
            .unwrap();
    }
    assert_eq!(store.read().verify_audit().unwrap(), (5, None));
    // aryz itself refuses to change or delete entries.
    assert!(store.as_sqlite().conn.execute("UPDATE audit SET actor = 'x' WHERE id = 2", []).is_err());
    assert!(store.as_sqlite().conn.execute("DELETE FROM audit WHERE id = 2", []).is_err());

    // Someone edits the file behind aryz's back.
    let raw = rusqlite::Connection::open(&path).unwrap();
    raw.execute_batch("DROP TRIGGER audit_no_update; DROP TRIGGER audit_no_delete;").unwrap();
    raw.execute("UPDATE audit SET actor = 'mallory' WHERE id = 3", []).unwrap();
    let (_, problem) = store.read().verify_audit().unwrap();
    assert_eq!(problem.unwrap().id, 3);

    raw.execute("UPDATE audit SET actor = 'aibek' WHERE id = 3", []).unwrap();
    assert_eq!(store.read().verify_audit().unwrap().1, None);
    raw.execute("DELETE FROM audit WHERE id = 4", []).unwrap();
    assert_eq!(store.read().verify_audit().unwrap().1.unwrap().id, 4);

    let (_dir2, path2) = temp_db();
    let mut s2 = Store::create(&path2).unwrap();
    for _ in 0..3 {
        s2.write(|tx| tx.audit("t", "a", "x", "", "")).unwrap();
    }
    let raw2 = rusqlite::Connection::open(&path2).unwrap();
    raw2.execute_batch("DROP TRIGGER audit_no_delete; DELETE FROM audit WHERE id = 3;").unwrap();
    let p = s2.read().verify_audit().unwrap().1.unwrap();
    assert!(p.problem.contains("end"), "{p:?}");
}

#[test]
fn concurrent_writers_lose_nothing() {
    let (_dir, path) = temp_db();
    Store::create(&path).unwrap();
    let threads: Vec<_> = (0..4)
        .map(|t| {
            let path = path.clone();
            std::thread::spawn(move || {
                // A separate connection per thread locks like a separate process.
                let mut store = Store::open(&path).unwrap();
                for i in 0..25 {
                    let new = new_request(&format!("T{t} #{i}"), "21503199012345", "2026-11-20", "");
                    let dl = RuleSet::shipped().deadlines(
                        new.kind,
                        new.received_on,
                        new.received_on,
                        &Calendar::shipped(),
                    );
                    store
                        .write(|tx| {
                            tx.insert_request(&new, new.received_on, &dl, None, "now")?;
                            tx.audit("t", &format!("w{t}"), "register", "", "")
                        })
                        .unwrap();
                }
            })
        })
        .collect();
    for t in threads {
        t.join().unwrap();
    }
    let store = Store::open(&path).unwrap();
    let all = store
        .read()
        .list(&ListFilter::default(), SortKey::Reference, &Page { limit: 1000, ..Page::default() })
        .unwrap();
    assert_eq!(all.len(), 100);
    let mut refs: Vec<_> = all.iter().map(|r| r.reference.clone()).collect();
    refs.dedup();
    assert_eq!(refs.len(), 100);
    assert_eq!(refs.last().unwrap(), "ARZ-2026-000100");
    assert_eq!(store.read().verify_audit().unwrap(), (100, None));
    assert!(store.integrity_problems().unwrap().is_empty());
}

#[test]
fn backup_is_a_working_copy() {
    let (dir, path) = temp_db();
    let mut store = Store::create(&path).unwrap();
    insert(&mut store, "A", "21503199012345", "2026-11-20");
    let copy = dir.path().join("copy.sqlite3");
    store.backup_to(&copy).unwrap();
    let b = Store::open(&copy).unwrap();
    assert_eq!(b.read().count(&ListFilter::default()).unwrap(), 1);
    assert!(store.backup_to(&copy).is_err(), "never overwrites");
}

#[test]
fn daily_figures_follow_every_change_and_drift_is_detected() {
    let mut store = Store::in_memory().unwrap();
    let (id, _) = insert(&mut store, "A", "21503199012345", "2026-11-02");
    insert(&mut store, "B", "21503199012345", "2026-11-02");
    let mut r = store.read().request_by_id(id).unwrap().unwrap();
    r.status = crate::domain::status::Status::Answered;
    r.responded_on = Some(d("2026-12-10")); // late: due 02.12
    r.closed_on = r.responded_on;
    store.write(|tx| tx.update_request(&r, "now")).unwrap();
    let row: (i64, i64, i64) = store
        .as_sqlite()
        .conn
        .query_row(
            "SELECT received, answered_in_time, answered_late FROM stats_daily WHERE day = '2026-11-02'",
            [],
            |x| Ok((x.get(0)?, x.get(1)?, x.get(2)?)),
        )
        .unwrap();
    assert_eq!(row, (2, 0, 0));
    let late: i64 = store
        .as_sqlite()
        .conn
        .query_row("SELECT answered_late FROM stats_daily WHERE day = '2026-12-10'", [], |x| x.get(0))
        .unwrap();
    assert_eq!(late, 1);
    assert!(store.read().stats_drift().unwrap().is_empty());
    store
        .as_sqlite()
        .conn
        .execute("UPDATE stats_daily SET received = 5 WHERE day = '2026-11-02'", [])
        .unwrap();
    assert_eq!(store.read().stats_drift().unwrap().len(), 1);
}

/// The seam: no file outside `src/store` names rusqlite, so a second backend needs no
/// change above the store. (A type alias or a re-export would be caught too: this reads
/// the source, not the compiled items.)
#[test]
fn rusqlite_appears_nowhere_outside_the_store() {
    fn walk(dir: &std::path::Path, found: &mut Vec<String>) {
        for entry in std::fs::read_dir(dir).unwrap() {
            let path = entry.unwrap().path();
            let rel = path.strip_prefix(env!("CARGO_MANIFEST_DIR")).unwrap().to_string_lossy().into_owned();
            if rel == "src/store" || rel == "src/store.rs" {
                continue;
            }
            if path.is_dir() {
                walk(&path, found);
            } else if path.extension().is_some_and(|e| e == "rs") {
                let text = std::fs::read_to_string(&path).unwrap();
                for (i, line) in text.lines().enumerate() {
                    if line.contains("rusqlite") {
                        found.push(format!("{rel}:{}: {}", i + 1, line.trim()));
                    }
                }
            }
        }
    }
    let src = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut found = Vec::new();
    walk(&src, &mut found);
    // The walk must have seen the crate: a wrong root would pass vacuously.
    assert!(src.join("service.rs").is_file() && src.join("model.rs").is_file());
    assert!(found.is_empty(), "rusqlite outside src/store:\n{}", found.join("\n"));
}

/// `aryz check` compares the kept figures with a full replay and a recount: each kind of
/// tampering (a span, a monthly sum, a backlog change, an answer within a deadline, a
/// request left waiting for its figures) is reported.
#[test]
fn kept_figures_are_checked_against_a_replay() {
    let mut store = Store::in_memory().unwrap();
    let (id, _) = insert(&mut store, "A", "21503199012345", "2026-11-02");
    insert(&mut store, "B", "21503199012345", "2026-11-03");
    let mut r = store.read().request_by_id(id).unwrap().unwrap();
    r.status = crate::domain::status::Status::Answered;
    r.responded_on = Some(d("2026-11-20"));
    r.closed_on = r.responded_on;
    store.write(|tx| tx.update_request(&r, "now")).unwrap();
    assert_eq!(store.read().figures_drift().unwrap(), Vec::<String>::new());
    let within: i64 =
        store.as_sqlite().conn.query_row("SELECT sum(n) FROM figures_within", [], |x| x.get(0)).unwrap();
    assert!(within >= 1, "A was answered within its deadlines");
    let tamper = |sql: &str, expect: &str| {
        let conn = &store.as_sqlite().conn;
        conn.execute_batch(&format!("SAVEPOINT t; {sql}")).unwrap();
        let drift = store.read().figures_drift().unwrap();
        conn.execute_batch("ROLLBACK TO t; RELEASE t;").unwrap();
        assert!(drift.iter().any(|p| p.contains(expect)), "{sql}: {drift:?}");
    };
    tamper(
        &format!(
            "DROP TRIGGER request_figures_insert; DROP TRIGGER request_figures_delete;
             UPDATE request_figures SET clerk = 'nobody' WHERE request_id = {}",
            id.0
        ),
        "differ from a replay",
    );
    tamper("UPDATE figures_monthly SET n = n + 1", "monthly figures");
    tamper("UPDATE figures_backlog_daily SET open = open + 1 WHERE day = '2026-11-02'", "backlog changes");
    tamper("UPDATE figures_within SET n = n + 1", "answers within a deadline");
    tamper(&format!("INSERT INTO figures_stale VALUES ({})", id.0), "wait to be rewritten");
    assert_eq!(store.read().figures_drift().unwrap(), Vec::<String>::new());
}

/// Migration 0011 fills the kept figures of a database that already has requests (here
/// made at schema 10 with raw SQL: one answered late after a reassignment, one open), and
/// the reports read from them equal the replay.
#[test]
fn migration_0011_backfills_the_kept_figures() {
    let mut conn = rusqlite::Connection::open_in_memory().unwrap();
    for sql in &migrate::MIGRATIONS[..10] {
        conn.execute_batch(sql).unwrap();
    }
    conn.pragma_update(None, "user_version", 10).unwrap();
    conn.execute_batch(
        "INSERT INTO operators (login, role, created_at) VALUES ('aibek', 'clerk', 'now'), ('nurzat', 'clerk', 'now');
         INSERT INTO requests (id, ref, kind, status, channel, lang, received_on, registered_on, identity, subject_name,
             subject_pin, assignee, due_on, responded_on, closed_on, created_at, updated_at)
         VALUES (1, 'ARZ-2026-000001', 'access', 'answered', 'salyk_app', 'ky', '2026-03-02', '2026-03-02', 'in_person',
                 'A', '21503199012345', 'nurzat', '2026-04-01', '2026-04-10', '2026-04-10', 'now', 'now'),
                (2, 'ARZ-2026-000002', 'access', 'in_progress', 'salyk_app', 'ky', '2026-03-05', '2026-03-05', 'in_person',
                 'B', '21503199012345', 'aibek', '2026-04-04', NULL, NULL, 'now', 'now');
         INSERT INTO deadlines (request_id, rule, due_on, binding, explanation) VALUES
             (1, 'limit_30d', '2026-04-01', 1, ''), (2, 'limit_30d', '2026-04-04', 1, '');
         INSERT INTO events (request_id, at, actor, kind, old_value, new_value) VALUES
             (1, '2026-03-02T10:00:00+06:00', 'root', 'assigned', NULL, 'aibek'),
             (1, '2026-04-05T10:00:00+06:00', 'root', 'assigned', 'aibek', 'nurzat'),
             (1, '2026-04-10T10:00:00+06:00', 'nurzat', 'responded', NULL, 'fulfilled'),
             (2, '2026-03-05T10:00:00+06:00', 'root', 'assigned', NULL, 'aibek');",
    )
    .unwrap();
    migrate::migrate(&mut conn).unwrap();
    let store = Store::from_sqlite(SqliteStore { conn, path: None, key: None, tracking: false });
    assert_eq!(store.read().figures_drift().unwrap(), Vec::<String>::new());
    let rows = store
        .read()
        .report_rows(d("2026-03-01"), d("2026-03-31"), d("2026-04-30"), GroupBy::Clerk, &[])
        .unwrap();
    // The late answer counts for aibek, who held it when its deadline passed on 02.04.
    let aibek = rows.iter().find(|r| r.group.as_deref() == Some("aibek")).unwrap();
    assert_eq!((aibek.received, aibek.answered_late, aibek.open_late), (2, 1, 1));
    let n: i64 =
        store.as_sqlite().conn.query_row("SELECT count(*) FROM request_figures", [], |x| x.get(0)).unwrap();
    assert!(n >= 4, "spans for both requests: {n}");
    assert_eq!(store.read().answered_within(d("2026-03-01"), d("2026-03-31"), "limit_30d", &[]).unwrap(), 0);
    let backlog = store.read().backlog(d("2026-04-02"), d("2026-04-10"), &[]).unwrap();
    // Both open until 10.04; A overdue from 02.04, B from 05.04; A answered on 10.04.
    let at = |i: usize| (backlog[i].open, backlog[i].overdue);
    assert_eq!((at(0), at(2), at(3), at(8)), ((2, 1), (2, 1), (2, 2), (1, 1)));
}
