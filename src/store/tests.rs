//! Store tests on real SQLite: migrations, refusal of foreign and newer files, atomic
//! writes, search, keyset paging, the audit chain, optimistic concurrency.

use chrono::NaiveDate;

use super::*;
use crate::domain::calendar::Calendar;
use crate::domain::deadline::RuleSet;
use crate::domain::kind::{Channel, DataCategory, IdentityMethod, Language, RequestKind, Role};
use crate::domain::request::{NewRequest, Subject};

fn d(s: &str) -> NaiveDate {
    s.parse().unwrap()
}

fn new_request(name: &str, pin: &str, received: &str, description: &str) -> NewRequest {
    NewRequest {
        kind: RequestKind::Access,
        channel: Channel::SalykApp,
        lang: Language::Ky,
        received_on: d(received),
        identity: IdentityMethod::ESignature,
        categories: vec![DataCategory::Income],
        description: description.into(),
        subject: Subject { name: name.into(), pin: pin.into(), ..Subject::default() },
    }
}

fn insert(
    store: &mut Store,
    name: &str,
    pin: &str,
    received: &str,
) -> (crate::domain::request::RequestId, String) {
    let new = new_request(name, pin, received, "");
    let dl = RuleSet::shipped().deadlines(new.kind, new.received_on, new.received_on, &Calendar::shipped());
    store
        .write(|tx| tx.insert_request(&new, new.received_on, &dl, None, "2026-11-24T10:00:00+06:00"))
        .unwrap()
}

fn temp_db() -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join("aryz.sqlite3");
    (dir, p)
}

#[test]
fn migrates_from_empty_and_reopens() {
    let (_dir, path) = temp_db();
    let store = Store::create(&path).unwrap();
    let v: i64 = store.conn.pragma_query_value(None, "user_version", |r| r.get(0)).unwrap();
    assert_eq!(v, SCHEMA_VERSION);
    let mode: String = store.conn.pragma_query_value(None, "journal_mode", |r| r.get(0)).unwrap();
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
fn a_failed_use_case_leaves_nothing_behind() {
    let mut store = Store::in_memory().unwrap();
    let new = new_request("Test Subject", "21503199012345", "2026-11-20", "");
    let dl = RuleSet::shipped().deadlines(new.kind, new.received_on, new.received_on, &Calendar::shipped());
    let r: Result<()> = store.write(|tx| {
        tx.insert_request(&new, new.received_on, &dl, None, "now")?;
        tx.audit("now", "x", "register", "", "")?;
        Err(StoreError::Corrupt("fail on purpose".into()))
    });
    assert!(r.is_err());
    assert_eq!(store.read().count(&ListFilter { all_statuses: true, ..ListFilter::default() }).unwrap(), 0);
    assert_eq!(store.read().verify_audit().unwrap().0, 0);
    // The reference sequence rolled back too: the next request is number 1.
    let (_, reference) = insert(&mut store, "Test Subject", "21503199012345", "2026-11-20");
    assert_eq!(reference, "ARZ-2026-000001");
}

#[test]
fn references_are_sequential_per_year_of_receipt() {
    let mut store = Store::in_memory().unwrap();
    assert_eq!(insert(&mut store, "A", "21503199012345", "2026-01-10").1, "ARZ-2026-000001");
    assert_eq!(insert(&mut store, "B", "21503199012345", "2025-12-30").1, "ARZ-2025-000001");
    assert_eq!(insert(&mut store, "C", "21503199012345", "2026-02-01").1, "ARZ-2026-000002");
}

#[test]
fn search_by_name_pin_reference_and_description() {
    let mut store = Store::in_memory().unwrap();
    insert(&mut store, "Өмүрбекова Айгүл", "11111111111111", "2026-11-01");
    let (_, r2) = insert(&mut store, "Testov Bakyt", "22222222222222", "2026-11-02");
    let new = new_request("Other Person", "33333333333333", "2026-11-03", "wrong phone number in the app");
    let dl = RuleSet::shipped().deadlines(new.kind, new.received_on, new.received_on, &Calendar::shipped());
    store.write(|tx| tx.insert_request(&new, new.received_on, &dl, None, "now")).unwrap();

    let find = |q: &str| -> Vec<String> {
        let f = ListFilter { search: Some(q.into()), all_statuses: true, ..ListFilter::default() };
        store
            .read()
            .list(&f, SortKey::Reference, &Page { limit: 10, ..Page::default() })
            .unwrap()
            .into_iter()
            .map(|r| r.subject.name)
            .collect()
    };
    assert_eq!(find("өмүр"), vec!["Өмүрбекова Айгүл"], "prefix, Kyrgyz letters, any case");
    assert_eq!(find("22222222222222"), vec!["Testov Bakyt"]);
    assert_eq!(find(&r2), vec!["Testov Bakyt"]);
    assert_eq!(find("phone"), vec!["Other Person"]);
    assert_eq!(find("testov bak"), vec!["Testov Bakyt"], "all words must match");
    assert!(find("nobody").is_empty());
    // FTS syntax in the input is taken literally, never an error.
    for odd in ["\"", "*", "AND", "(", "a OR", "-x", "NEAR(", "^", ":"] {
        let f = ListFilter { search: Some(odd.into()), all_statuses: true, ..ListFilter::default() };
        assert!(store.read().list(&f, SortKey::Due, &Page { limit: 5, ..Page::default() }).is_ok(), "{odd}");
    }
}

#[test]
fn keyset_pages_cover_the_list_exactly_once_in_order() {
    let mut store = Store::in_memory().unwrap();
    for i in 0..37 {
        let day = format!("2026-10-{:02}", 1 + (i * 7) % 28);
        insert(&mut store, &format!("Subject {i}"), "21503199012345", &day);
    }
    let f = ListFilter::default();
    let all = store.read().list(&f, SortKey::Due, &Page { limit: 1000, ..Page::default() }).unwrap();
    assert_eq!(all.len(), 37);
    assert!(all.windows(2).all(|w| (w[0].due_on, w[0].id) < (w[1].due_on, w[1].id)));
    for sort in [SortKey::Due, SortKey::Received, SortKey::Reference] {
        let full = store.read().list(&f, sort, &Page { limit: 1000, ..Page::default() }).unwrap();
        let mut seen = Vec::new();
        let mut after = None;
        let mut pages = Vec::new();
        loop {
            let page =
                store.read().list(&f, sort, &Page { after: after.clone(), before: None, limit: 10 }).unwrap();
            if page.is_empty() {
                break;
            }
            after = Some(Cursor::of(page.last().unwrap(), sort));
            pages.push(page.clone());
            seen.extend(page);
        }
        assert_eq!(
            seen.iter().map(|r| r.id).collect::<Vec<_>>(),
            full.iter().map(|r| r.id).collect::<Vec<_>>(),
            "{sort:?}"
        );
        // Paging back from the third page gives the second.
        let back = store
            .read()
            .list(&f, sort, &Page { after: None, before: Some(Cursor::of(&pages[2][0], sort)), limit: 10 })
            .unwrap();
        assert_eq!(back, pages[1], "{sort:?}");
    }
}

#[test]
fn overdue_filter_matches_the_domain_rule() {
    let mut store = Store::in_memory().unwrap();
    insert(&mut store, "Late", "21503199012345", "2026-10-01"); // due 2026-10-31 → Mon 02.11
    insert(&mut store, "On time", "21503199012345", "2026-11-20"); // Art. 17's week: Fri 27.11
    let today = d("2026-11-24");
    let f = ListFilter { overdue_as_of: Some(today), ..ListFilter::default() };
    let rows = store.read().list(&f, SortKey::Due, &Page { limit: 10, ..Page::default() }).unwrap();
    assert_eq!(rows.len(), 1);
    assert_eq!(rows[0].subject.name, "Late");
    assert!(rows[0].is_overdue(today));
    let all = store
        .read()
        .list(&ListFilter::default(), SortKey::Due, &Page { limit: 10, ..Page::default() })
        .unwrap();
    assert_eq!(all.iter().filter(|r| r.is_overdue(today)).count(), 1);
    let counts = store.read().counts(today, d("2026-12-01"), &AssigneeFilter::Any).unwrap();
    // "On time" is not overdue but due soon: its governing week ends 27.11, before 01.12.
    assert_eq!(counts, Counts { open: 2, due_soon: 1, overdue: 1 });
}

#[test]
fn stale_versions_conflict() {
    let mut store = Store::in_memory().unwrap();
    let (id, _) = insert(&mut store, "A", "21503199012345", "2026-11-20");
    let r = store.read().request_by_id(id).unwrap().unwrap();
    store.write(|tx| tx.update_request(&r, "now")).unwrap();
    let e = store.write(|tx| tx.update_request(&r, "now")).unwrap_err();
    assert!(matches!(e, StoreError::Conflict(_)));
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
    assert!(store.conn.execute("UPDATE audit SET actor = 'x' WHERE id = 2", []).is_err());
    assert!(store.conn.execute("DELETE FROM audit WHERE id = 2", []).is_err());

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
fn operators_and_calendar_round_trip() {
    let mut store = Store::in_memory().unwrap();
    let op = Operator { login: "aibek".into(), name: "Aibek Demo".into(), role: Role::Clerk, active: true };
    store.write(|tx| tx.insert_operator(&op, "now")).unwrap();
    assert_eq!(store.read().operator("aibek").unwrap(), Some(op));
    assert_eq!(store.read().operator("nobody").unwrap(), None);
    let e = crate::domain::calendar::CalendarEntry {
        date: d("2026-12-31"),
        kind: crate::domain::calendar::DayKind::ExtraDayOff,
        name: "New Year's Eve".into(),
        basis: String::new(),
        applies_to: String::new(),
        confidence: "verified".into(),
        source: String::new(),
    };
    store.write(|tx| tx.put_calendar_entry(&e, "root", "now")).unwrap();
    assert_eq!(store.read().calendar_entries().unwrap(), vec![e]);
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
        .conn
        .query_row(
            "SELECT received, answered_in_time, answered_late FROM stats_daily WHERE day = '2026-11-02'",
            [],
            |x| Ok((x.get(0)?, x.get(1)?, x.get(2)?)),
        )
        .unwrap();
    assert_eq!(row, (2, 0, 0));
    let late: i64 = store
        .conn
        .query_row("SELECT answered_late FROM stats_daily WHERE day = '2026-12-10'", [], |x| x.get(0))
        .unwrap();
    assert_eq!(late, 1);
    assert!(store.read().stats_drift().unwrap().is_empty());
    store.conn.execute("UPDATE stats_daily SET received = 5 WHERE day = '2026-11-02'", []).unwrap();
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
