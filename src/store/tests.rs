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
