//! The backend conformance suite: every store behaviour, written once against the seam
//! ([`Store`], [`super::Reader`], [`super::Tx`]) and run on each backend.
//!
//! `store_tests!(name, constructor)` expands to a module of tests; the constructor returns a
//! fresh, empty, migrated [`Store`] (as a [`Fresh`]) each time it is called. A backend is conformant when
//! its instantiation passes: `SQLite`'s is at the bottom, and `PostgreSQL`'s will be one more
//! line (its constructor making a fresh schema on a private test cluster).
//!
//! Tests that need a backend's own machinery (a raw connection editing the file behind
//! aryz's back, WAL, file permissions, several processes) live beside the backend
//! (`tests.rs` for `SQLite`); what every backend must do lives here.

use chrono::NaiveDate;

use super::Store;
use crate::domain::calendar::Calendar;
use crate::domain::deadline::RuleSet;
use crate::domain::kind::{Channel, DataCategory, IdentityMethod, Language, RequestKind};
use crate::domain::request::{NewRequest, RequestId, Subject};

pub(super) fn d(s: &str) -> NaiveDate {
    s.parse().unwrap()
}

pub(super) fn new_request(name: &str, pin: &str, received: &str, description: &str) -> NewRequest {
    NewRequest {
        kind: RequestKind::Access,
        channel: Channel::SalykApp,
        lang: Language::Ky,
        received_on: d(received),
        identity: IdentityMethod::ESignature,
        categories: vec![DataCategory::Income],
        description: description.into(),
        subject: Subject { name: name.into(), pin: pin.into(), ..Subject::default() },
        representative: None,
        office: None,
    }
}

/// Registers a synthetic request with the shipped deadlines; returns its id and reference.
pub(super) fn insert(store: &mut Store, name: &str, pin: &str, received: &str) -> (RequestId, String) {
    let new = new_request(name, pin, received, "");
    let dl = RuleSet::shipped().deadlines(new.kind, new.received_on, new.received_on, &Calendar::shipped());
    store
        .write(|tx| tx.insert_request(&new, new.received_on, &dl, None, "2026-11-24T10:00:00+06:00"))
        .unwrap()
}

/// A fresh store for one test, with whatever must live as long as it (a temporary
/// directory, a scratch schema to drop); it derefs to the [`Store`].
pub(super) struct Fresh {
    store: Store,
    // Dropped after the store (fields drop in order).
    _keep: Option<Box<dyn std::any::Any>>,
}

impl Fresh {
    pub(super) fn new(store: Store) -> Fresh {
        Fresh { store, _keep: None }
    }

    pub(super) fn keeping(store: Store, keep: impl std::any::Any) -> Fresh {
        Fresh { store, _keep: Some(Box::new(keep)) }
    }
}

impl std::ops::Deref for Fresh {
    type Target = Store;
    fn deref(&self) -> &Store {
        &self.store
    }
}

impl std::ops::DerefMut for Fresh {
    fn deref_mut(&mut self) -> &mut Store {
        &mut self.store
    }
}

/// The suite. `$open` is an expression callable as `$open()` returning a [`Fresh`] store.
macro_rules! store_tests {
    ($name:ident, $open:expr) => {
        #[allow(clippy::redundant_closure_call)]
        mod $name {
            // The constructor named at the invocation lives beside it.
            #[allow(unused_imports)]
            use super::*;
            use crate::domain::calendar::Calendar;
            use crate::domain::calendar::{CalendarEntry, DayKind};
            use crate::domain::deadline::RuleSet;
            use crate::domain::history::History;
            use crate::domain::kind::Role;
            use crate::domain::referral::{CopyMedium, ResponseDetails};
            use crate::domain::status::Status;
            use crate::model::{
                AssigneeFilter, AuditFilter, Counts, Cursor, Event, EventKind, GroupBy, HistoryScope,
                ListFilter, Operator, Page, SortKey,
            };
            use crate::store::conformance::{d, insert, new_request};
            use crate::store::{Store, StoreError};

            fn open() -> crate::store::conformance::Fresh {
                ($open)()
            }

            /// Adds a clerk (an assignee must be a known operator).
            fn clerk(store: &mut Store, login: &str) {
                let op = Operator::new(login, "Test Clerk", Role::Clerk);
                store.write(|tx| tx.insert_operator(&op, "now")).unwrap();
            }

            fn all() -> ListFilter {
                ListFilter { all_statuses: true, ..ListFilter::default() }
            }

            fn page(limit: usize) -> Page {
                Page { limit, ..Page::default() }
            }

            #[test]
            fn a_fresh_store_is_empty_and_at_the_current_schema() {
                let store = open();
                let r = store.read();
                assert_eq!(r.schema_version().unwrap(), store.known_schema_version());
                assert_eq!(r.count(&all()).unwrap(), 0);
                assert_eq!(r.audit_head().unwrap(), None);
                assert!(r.operators().unwrap().is_empty());
                assert!(!r.engine_version().unwrap().is_empty());
            }

            #[test]
            fn a_failed_use_case_leaves_nothing_behind() {
                let mut store = open();
                let new = new_request("Test Subject", "21503199012345", "2026-11-20", "");
                let dl = RuleSet::shipped().deadlines(
                    new.kind,
                    new.received_on,
                    new.received_on,
                    &Calendar::shipped(),
                );
                let r: crate::store::Result<()> = store.write(|tx| {
                    tx.insert_request(&new, new.received_on, &dl, None, "now")?;
                    tx.audit("now", "x", "register", "", "")?;
                    Err(StoreError::Corrupt("fail on purpose".into()))
                });
                assert!(r.is_err());
                assert_eq!(store.read().count(&all()).unwrap(), 0);
                assert_eq!(store.read().verify_audit().unwrap().0, 0);
                assert_eq!(store.read().audit_head().unwrap(), None);
                // The reference sequence rolled back too: the next request is number 1.
                let (_, reference) = insert(&mut store, "Test Subject", "21503199012345", "2026-11-20");
                assert_eq!(reference, "ARZ-2026-000001");
            }

            #[test]
            fn references_are_sequential_per_year_of_receipt() {
                let mut store = open();
                assert_eq!(insert(&mut store, "A", "21503199012345", "2026-01-10").1, "ARZ-2026-000001");
                assert_eq!(insert(&mut store, "B", "21503199012345", "2025-12-30").1, "ARZ-2025-000001");
                assert_eq!(insert(&mut store, "C", "21503199012345", "2026-02-01").1, "ARZ-2026-000002");
                let r = store.read();
                assert_eq!(
                    r.references_starting_with("arz-2026", 10).unwrap(),
                    vec!["ARZ-2026-000002", "ARZ-2026-000001"]
                );
                assert_eq!(r.references_starting_with("ARZ-2025-0", 1).unwrap(), vec!["ARZ-2025-000001"]);
                assert_eq!(
                    r.references_of_pin("21503199012345").unwrap(),
                    vec!["ARZ-2025-000001", "ARZ-2026-000001", "ARZ-2026-000002"]
                );
                assert!(r.references_of_pin("99999999999999").unwrap().is_empty());
            }

            #[test]
            fn a_request_reads_back_as_written() {
                let mut store = open();
                let (id, reference) = insert(&mut store, "Test Subject", "21503199012345", "2026-11-02");
                let by_id = store.read().request_by_id(id).unwrap().unwrap();
                let by_ref = store.read().request_by_ref(&reference).unwrap().unwrap();
                assert_eq!(by_id, by_ref);
                assert_eq!(
                    (by_id.reference.as_str(), by_id.status, by_id.version),
                    (reference.as_str(), Status::New, 1)
                );
                assert_eq!(by_id.subject.name, "Test Subject");
                assert_eq!(by_id.received_on, d("2026-11-02"));
                let want = RuleSet::shipped().deadlines(
                    by_id.kind,
                    by_id.received_on,
                    by_id.received_on,
                    &Calendar::shipped(),
                );
                assert_eq!(by_id.deadlines.len(), want.len());
                assert!(store.read().request_by_ref("ARZ-2026-999999").unwrap().is_none());
                assert_eq!(
                    store
                        .read()
                        .duplicate_of("21503199012345", RequestKind::Access, d("2026-11-02"))
                        .unwrap(),
                    Some(reference)
                );
                assert_eq!(
                    store
                        .read()
                        .duplicate_of("21503199012345", RequestKind::Correction, d("2026-11-02"))
                        .unwrap(),
                    None
                );
            }

            use crate::domain::kind::RequestKind;

            #[test]
            fn stale_versions_conflict() {
                let mut store = open();
                clerk(&mut store, "aibek");
                let (id, _) = insert(&mut store, "A", "21503199012345", "2026-11-20");
                let mut r = store.read().request_by_id(id).unwrap().unwrap();
                r.assignee = Some("aibek".into());
                assert_eq!(store.write(|tx| tx.update_request(&r, "now")).unwrap(), 2);
                let e = store.write(|tx| tx.update_request(&r, "now")).unwrap_err();
                assert!(matches!(e, StoreError::Conflict(_)), "{e:?}");
                let now = store.read().request_by_id(id).unwrap().unwrap();
                assert_eq!((now.version, now.assignee.as_deref()), (2, Some("aibek")));
            }

            #[test]
            fn search_by_name_pin_reference_and_description() {
                let mut store = open();
                insert(&mut store, "Өмүрбекова Айгүл", "11111111111111", "2026-11-01");
                let (_, r2) = insert(&mut store, "Testov Bakyt", "22222222222222", "2026-11-02");
                let new = new_request(
                    "Other Person",
                    "33333333333333",
                    "2026-11-03",
                    "wrong phone number in the app",
                );
                let dl = RuleSet::shipped().deadlines(
                    new.kind,
                    new.received_on,
                    new.received_on,
                    &Calendar::shipped(),
                );
                store.write(|tx| tx.insert_request(&new, new.received_on, &dl, None, "now")).unwrap();
                let find = |q: &str| -> Vec<String> {
                    let f = ListFilter { search: Some(q.into()), ..all() };
                    store
                        .read()
                        .list(&f, SortKey::Reference, &page(10))
                        .unwrap()
                        .into_iter()
                        .map(|r| r.subject.name)
                        .collect()
                };
                assert_eq!(find("өмүр"), vec!["Өмүрбекова Айгүл"], "prefix, Kyrgyz letters, any case");
                assert_eq!(find("ӨМҮРБЕКОВА"), vec!["Өмүрбекова Айгүл"], "upper case finds lower");
                assert_eq!(find("22222222222222"), vec!["Testov Bakyt"]);
                assert_eq!(find(&r2), vec!["Testov Bakyt"]);
                assert_eq!(find("phone"), vec!["Other Person"]);
                assert_eq!(find("testov bak"), vec!["Testov Bakyt"], "all words must match");
                assert!(find("nobody").is_empty());
                let f = ListFilter { search: Some("test".into()), ..all() };
                assert_eq!(store.read().count(&f).unwrap(), 1);
                // Query syntax in the input is taken literally, never an error.
                for odd in ["\"", "*", "AND", "(", "a OR", "-x", "NEAR(", "^", ":", "'", "%", "_", "\\"] {
                    let f = ListFilter { search: Some(odd.into()), ..all() };
                    assert!(store.read().list(&f, SortKey::Due, &page(5)).is_ok(), "{odd}");
                    assert!(store.read().count(&f).is_ok(), "{odd}");
                }
            }

            #[test]
            fn keyset_pages_cover_the_list_exactly_once_in_order() {
                let mut store = open();
                for i in 0..37 {
                    let day = format!("2026-10-{:02}", 1 + (i * 7) % 28);
                    insert(&mut store, &format!("Subject {i}"), "21503199012345", &day);
                }
                let f = ListFilter::default();
                let full_list = store.read().list(&f, SortKey::Due, &page(1000)).unwrap();
                assert_eq!(full_list.len(), 37);
                assert!(full_list.windows(2).all(|w| (w[0].due_on, w[0].id) < (w[1].due_on, w[1].id)));
                for sort in [SortKey::Due, SortKey::Received, SortKey::Reference] {
                    let full = store.read().list(&f, sort, &page(1000)).unwrap();
                    let rows = store.read().list_rows(&f, sort, &page(1000)).unwrap();
                    assert_eq!(
                        rows.iter().map(|r| r.id).collect::<Vec<_>>(),
                        full.iter().map(|r| r.id).collect::<Vec<_>>()
                    );
                    let mut seen = Vec::new();
                    let mut after = None;
                    let mut pages = Vec::new();
                    loop {
                        let p = store
                            .read()
                            .list(&f, sort, &Page { after: after.clone(), before: None, limit: 10 })
                            .unwrap();
                        if p.is_empty() {
                            break;
                        }
                        after = Some(Cursor::of(p.last().unwrap(), sort));
                        pages.push(p.clone());
                        seen.extend(p);
                    }
                    assert_eq!(
                        seen.iter().map(|r| r.id).collect::<Vec<_>>(),
                        full.iter().map(|r| r.id).collect::<Vec<_>>(),
                        "{sort:?}"
                    );
                    // Paging back from the third page gives the second.
                    let back = store
                        .read()
                        .list(
                            &f,
                            sort,
                            &Page { after: None, before: Some(Cursor::of(&pages[2][0], sort)), limit: 10 },
                        )
                        .unwrap();
                    assert_eq!(back, pages[1], "{sort:?}");
                }
                assert_eq!(
                    store.read().count_upto(&f, Some(10)).unwrap(),
                    11,
                    "a capped count stops after cap + 1"
                );
                assert_eq!(store.read().count_upto(&f, Some(100)).unwrap(), 37);
                assert_eq!(store.read().count_upto(&f, None).unwrap(), 37);
            }

            #[test]
            fn list_filters_select_what_they_name() {
                let mut store = open();
                clerk(&mut store, "aibek");
                let (a, _) = insert(&mut store, "A", "21503199012345", "2026-11-02");
                insert(&mut store, "B", "21503199012345", "2026-11-10");
                let (c, _) = insert(&mut store, "C", "21503199012345", "2026-11-12");
                let mut ra = store.read().request_by_id(a).unwrap().unwrap();
                ra.assignee = Some("aibek".into());
                store.write(|tx| tx.update_request(&ra, "now")).unwrap();
                let mut rc = store.read().request_by_id(c).unwrap().unwrap();
                rc.status = Status::Withdrawn;
                rc.closed_on = Some(d("2026-11-13"));
                store.write(|tx| tx.update_request(&rc, "now")).unwrap();
                let names = |f: &ListFilter| -> Vec<String> {
                    store
                        .read()
                        .list(f, SortKey::Received, &page(10))
                        .unwrap()
                        .into_iter()
                        .map(|r| r.subject.name)
                        .collect()
                };
                assert_eq!(names(&ListFilter::default()), vec!["B", "A"], "open ones, newest received first");
                assert_eq!(names(&all()), vec!["C", "B", "A"]);
                assert_eq!(
                    names(&ListFilter { statuses: vec![Status::Withdrawn], ..ListFilter::default() }),
                    vec!["C"]
                );
                assert_eq!(
                    names(&ListFilter {
                        assignee: AssigneeFilter::Is("aibek".into()),
                        ..ListFilter::default()
                    }),
                    vec!["A"]
                );
                assert_eq!(
                    names(&ListFilter { assignee: AssigneeFilter::Unassigned, ..ListFilter::default() }),
                    vec!["B"]
                );
                assert_eq!(
                    names(&ListFilter { received_from: Some(d("2026-11-05")), ..all() }),
                    vec!["C", "B"]
                );
                assert_eq!(names(&ListFilter { received_to: Some(d("2026-11-05")), ..all() }), vec!["A"]);
                assert_eq!(
                    names(&ListFilter { kinds: vec![RequestKind::Correction], ..all() }),
                    Vec::<String>::new()
                );
                assert_eq!(names(&ListFilter { pin: Some("21503199012345".into()), ..all() }).len(), 3);
                let closed = store
                    .read()
                    .list(
                        &ListFilter { statuses: vec![Status::Withdrawn], ..ListFilter::default() },
                        SortKey::Closed,
                        &page(10),
                    )
                    .unwrap();
                assert_eq!(closed.len(), 1);
            }

            #[test]
            fn overdue_filter_and_counts_match_the_domain_rule() {
                let mut store = open();
                insert(&mut store, "Late", "21503199012345", "2026-10-01"); // due 2026-10-31 → Mon 02.11
                insert(&mut store, "On time", "21503199012345", "2026-11-20"); // Art. 17's week: Fri 27.11
                let today = d("2026-11-24");
                let f = ListFilter { overdue_as_of: Some(today), ..ListFilter::default() };
                let rows = store.read().list(&f, SortKey::Due, &page(10)).unwrap();
                assert_eq!(rows.len(), 1);
                assert_eq!(rows[0].subject.name, "Late");
                assert!(rows[0].is_overdue(today));
                let every = store.read().list(&ListFilter::default(), SortKey::Due, &page(10)).unwrap();
                assert_eq!(every.iter().filter(|r| r.is_overdue(today)).count(), 1);
                let counts = store.read().counts(today, d("2026-12-01"), &AssigneeFilter::Any).unwrap();
                // "On time" is not overdue but due soon: its governing week ends 27.11, before 01.12.
                assert_eq!(counts, Counts { open: 2, due_soon: 1, overdue: 1 });
                let by = store.read().open_counts_by_assignee(today, d("2026-12-01"), &[]).unwrap();
                assert_eq!(by.len(), 1);
                assert_eq!(
                    (by[0].assignee.as_deref(), by[0].open, by[0].due_soon, by[0].overdue),
                    (None, 2, 1, 1)
                );
                let ageing = store.read().ageing(today, &[]).unwrap();
                assert_eq!(ageing.days_0_7 + ageing.days_8_14 + ageing.days_15_30 + ageing.over_30, 2);
                assert_eq!(ageing.over_30, 1);
            }

            #[test]
            fn events_come_back_in_order() {
                let mut store = open();
                let (id, _) = insert(&mut store, "A", "21503199012345", "2026-11-20");
                store
                    .write(|tx| {
                        tx.insert_event(
                            id,
                            &Event::new(EventKind::Created, "aibek", "2026-11-20T09:00:00+06:00"),
                        )?;
                        tx.insert_event(
                            id,
                            &Event::new(EventKind::StatusChanged, "aibek", "2026-11-20T09:05:00+06:00")
                                .change(Some("new"), Some("in_progress")),
                        )?;
                        tx.insert_event(
                            id,
                            &Event::new(EventKind::Note, "aibek", "2026-11-20T09:06:00+06:00").text("called"),
                        )
                    })
                    .unwrap();
                let ev = store.read().events(id).unwrap();
                assert_eq!(
                    ev.iter().map(|e| e.kind).collect::<Vec<_>>(),
                    vec![EventKind::Created, EventKind::StatusChanged, EventKind::Note]
                );
                assert_eq!((ev[1].old.as_deref(), ev[1].new.as_deref()), (Some("new"), Some("in_progress")));
                assert_eq!(ev[2].text, "called");
            }

            #[test]
            fn the_audit_chain_appends_links_and_verifies() {
                let mut store = open();
                for i in 0..5 {
                    store
                        .write(|tx| {
                            tx.audit(
                                "2026-11-24T10:00:00+06:00",
                                "aibek",
                                "note",
                                &format!("ARZ-2026-00000{i}"),
                                "d",
                            )
                        })
                        .unwrap();
                }
                let r = store.read();
                assert_eq!(r.verify_audit().unwrap(), (5, None));
                let v = r.verify_full(None).unwrap();
                assert!(v.problems.is_empty(), "{:?}", v.problems);
                let head = r.audit_head().unwrap().unwrap();
                assert_eq!(head.id, 5);
                assert_eq!(v.head.as_ref(), Some(&head));
                let entries = r.audit_entries(&AuditFilter::default()).unwrap();
                assert_eq!(entries.len(), 5);
                assert_eq!(entries[0].hash, head.hash, "newest first");
                assert!(
                    entries.windows(2).all(|w| w[0].prev_hash == w[1].hash),
                    "each entry follows the one before"
                );
                let one = r
                    .audit_entries(&AuditFilter {
                        target: Some("ARZ-2026-000002".into()),
                        ..AuditFilter::default()
                    })
                    .unwrap();
                assert_eq!(one.len(), 1);
                assert_eq!(
                    r.audit_entries(&AuditFilter { limit: 2, ..AuditFilter::default() }).unwrap().len(),
                    2
                );
                assert!(
                    r.audit_entries(&AuditFilter { actor: Some("nobody".into()), ..AuditFilter::default() })
                        .unwrap()
                        .is_empty()
                );
                // A head kept elsewhere that the chain does not contain is reported.
                let forged = crate::domain::audit_chain::AuditHead { id: 3, hash: "0".repeat(64) };
                assert!(!r.verify_full(Some(&forged)).unwrap().problems.is_empty());
                let kept = crate::domain::audit_chain::AuditHead { id: 3, hash: entries[2].hash.clone() };
                assert!(r.verify_full(Some(&kept)).unwrap().problems.is_empty());
            }

            #[test]
            fn audited_records_verify_and_unaudited_changes_do_not() {
                let mut store = open();
                let new = new_request("A", "21503199012345", "2026-11-20", "");
                let dl = RuleSet::shipped().deadlines(
                    new.kind,
                    new.received_on,
                    new.received_on,
                    &Calendar::shipped(),
                );
                let (id, _) = store
                    .write(|tx| {
                        let out = tx.insert_request(&new, new.received_on, &dl, None, "now")?;
                        tx.audit("t", "root", "register", &out.1, "")?;
                        Ok::<_, StoreError>(out)
                    })
                    .unwrap();
                assert!(store.read().verify_full(None).unwrap().problems.is_empty());
                // A change written without its audit entry is what verification exists to find.
                let mut r = store.read().request_by_id(id).unwrap().unwrap();
                r.description = "changed quietly".into();
                store.write(|tx| tx.update_request(&r, "now").map(|_| ())).unwrap();
                let problems = store.read().verify_full(None).unwrap().problems;
                assert!(
                    problems.iter().any(|p| p.problem.contains("ARZ-2026-000001")
                        && p.problem.contains("changed outside aryz")),
                    "an unaudited change is found and named: {problems:?}"
                );
            }

            /// Offices: the default office exists, offices are added and changed, operators
            /// and requests carry theirs, lists filter by office, and a move is under the
            /// record hash (the chain verifies; a changed office without aryz is caught).
            #[test]
            fn offices_round_trip_and_filter() {
                use crate::model::{DEFAULT_OFFICE, Office};
                let mut store = open();
                let first = store.read().offices().unwrap();
                assert_eq!(first.len(), 1);
                assert_eq!((first[0].id, first[0].head, first[0].active), (DEFAULT_OFFICE, true, true));
                let mut osh = Office {
                    id: 0,
                    code: "OSH".into(),
                    name_en: "Osh (example)".into(),
                    name_ky: String::new(),
                    name_ru: String::new(),
                    head: false,
                    active: true,
                };
                osh.id = store
                    .write(|tx| {
                        let id = tx.insert_office(&osh, "root", "now")?;
                        tx.audit("now", "root", "office_add", "OSH", "")?;
                        Ok::<_, StoreError>(id)
                    })
                    .unwrap();
                assert_ne!(osh.id, DEFAULT_OFFICE);
                osh.name_ru = "Ош (пример)".into();
                store
                    .write(|tx| {
                        tx.update_office(&osh, "root", "later")?;
                        tx.audit("now", "root", "office_edit", "OSH", "")
                    })
                    .unwrap();
                assert_eq!(store.read().offices().unwrap()[1], osh);
                let mut op = Operator::new("osh-clerk", "", Role::Clerk);
                op.office = osh.id;
                store
                    .write(|tx| {
                        tx.insert_operator(&op, "now")?;
                        tx.audit("now", "root", "operator_add", "osh-clerk", "")
                    })
                    .unwrap();
                let read = store.read().operator("osh-clerk").unwrap().unwrap();
                assert_eq!((read.office, read.office_head), (osh.id, false));
                let mut new = new_request("Test Osh", "21503199012345", "2026-11-20", "");
                new.office = Some(osh.id);
                let deadlines = |_: &str| {
                    crate::domain::deadline::RuleSet::shipped().deadlines(
                        new.kind,
                        new.received_on,
                        new.received_on,
                        &crate::domain::calendar::Calendar::shipped(),
                    )
                };
                let (id, _) = store
                    .write(|tx| {
                        let r =
                            tx.insert_request(&new, d("2026-11-20"), &deadlines("2026-12-20"), None, "now")?;
                        tx.audit("now", "root", "register", &r.1, "")?;
                        Ok::<_, StoreError>(r)
                    })
                    .unwrap();
                let (other, _) = store
                    .write(|tx| {
                        let r = tx.insert_request(
                            &new_request("Test Main", "21503199012346", "2026-11-20", ""),
                            d("2026-11-20"),
                            &deadlines("2026-12-20"),
                            None,
                            "now",
                        )?;
                        tx.audit("now", "root", "register", &r.1, "")?;
                        Ok::<_, StoreError>(r)
                    })
                    .unwrap();
                assert_eq!(store.read().request_by_id(id).unwrap().unwrap().office, osh.id);
                assert_eq!(store.read().request_by_id(other).unwrap().unwrap().office, DEFAULT_OFFICE);
                let only = |o: i64| ListFilter { offices: vec![o], ..ListFilter::default() };
                assert_eq!(store.read().count(&only(osh.id)).unwrap(), 1);
                assert_eq!(store.read().count(&only(DEFAULT_OFFICE)).unwrap(), 1);
                assert_eq!(store.read().count(&ListFilter::default()).unwrap(), 2);
                let mut seen = Vec::new();
                store
                    .read()
                    .for_each_history(
                        HistoryScope::Received { from: d("2026-01-01"), to: d("2026-12-31") },
                        d("2026-11-24"),
                        |h| {
                            seen.push(h.office);
                        },
                    )
                    .unwrap();
                seen.sort_unstable();
                assert_eq!(seen, vec![DEFAULT_OFFICE, osh.id]);
                // A move is an audited change of the record: the chain verifies after it.
                let mut r = store.read().request_by_id(other).unwrap().unwrap();
                r.office = osh.id;
                store
                    .write(|tx| {
                        tx.update_request(&r, "now")?;
                        tx.set_request_office(r.id, osh.id)?;
                        tx.audit("now", "root", "move", &r.reference, "")
                    })
                    .unwrap();
                assert_eq!(store.read().count(&only(osh.id)).unwrap(), 2);
                assert!(store.read().verify_full(None).unwrap().problems.is_empty());
            }

            #[test]
            fn operators_meta_and_calendar_round_trip() {
                let mut store = open();
                let mut op = Operator::new("aibek", "Aibek Demo", Role::Clerk);
                store.write(|tx| tx.insert_operator(&op, "now")).unwrap();
                assert_eq!(store.read().operator("aibek").unwrap(), Some(op.clone()));
                assert_eq!(store.read().operator("nobody").unwrap(), None);
                op.role = Role::Supervisor;
                op.active = false;
                store.write(|tx| tx.update_operator(&op)).unwrap();
                assert_eq!(store.read().operators().unwrap(), vec![op]);
                assert_eq!(store.read().meta("k").unwrap(), None);
                store.write(|tx| tx.set_meta("k", "1")).unwrap();
                store.write(|tx| tx.set_meta("k", "2")).unwrap();
                assert_eq!(store.read().meta("k").unwrap().as_deref(), Some("2"));
                let e = CalendarEntry {
                    date: d("2026-12-31"),
                    kind: DayKind::ExtraDayOff,
                    name: "New Year's Eve".into(),
                    basis: String::new(),
                    applies_to: String::new(),
                    confidence: "verified".into(),
                    source: String::new(),
                };
                store.write(|tx| tx.put_calendar_entry(&e, "root", "now")).unwrap();
                assert_eq!(store.read().calendar_entries().unwrap(), vec![e]);
                store
                    .write(|tx| tx.remove_calendar_date(d("2026-12-31"), "not decreed", "root", "now"))
                    .unwrap();
                assert_eq!(store.read().calendar_removals().unwrap(), vec![d("2026-12-31")]);
            }

            #[test]
            fn response_details_deadlines_and_actions_are_kept() {
                let mut store = open();
                let (id, _) = insert(&mut store, "A", "21503199012345", "2026-11-20");
                assert_eq!(store.read().response_details(id).unwrap(), ResponseDetails::default());
                let det = ResponseDetails {
                    copy_medium: Some(CopyMedium::Paper),
                    copy_charged: true,
                    referred_to: None,
                };
                store.write(|tx| tx.set_response_details(id, &det)).unwrap();
                assert_eq!(store.read().response_details(id).unwrap(), det);
                let r = store.read().request_by_id(id).unwrap().unwrap();
                let rule = r.deadlines[0].rule.clone();
                store.write(|tx| tx.delete_deadline(id, &rule)).unwrap();
                let after = store.read().request_by_id(id).unwrap().unwrap();
                assert_eq!(after.deadlines.len(), r.deadlines.len() - 1);
                assert!(after.deadlines.iter().all(|x| x.rule != rule));
                store.write(|tx| tx.put_deadline(id, &r.deadlines[0])).unwrap();
                assert_eq!(
                    store.read().request_by_id(id).unwrap().unwrap().deadlines.len(),
                    r.deadlines.len()
                );
                let actions = vec![(DataCategory::Income, crate::domain::outcome::CategoryAction::Done)];
                store.write(|tx| tx.put_actions(id, &actions)).unwrap();
                assert_eq!(store.read().request_by_id(id).unwrap().unwrap().actions, actions);
            }

            use crate::domain::kind::DataCategory;

            #[test]
            fn daily_figures_history_and_reports_follow_changes() {
                let mut store = open();
                let (id, _) = insert(&mut store, "A", "21503199012345", "2026-11-02");
                insert(&mut store, "B", "21503199012345", "2026-11-02");
                let mut r = store.read().request_by_id(id).unwrap().unwrap();
                r.status = Status::Answered;
                r.responded_on = Some(d("2026-12-10")); // late: due 02.12
                r.closed_on = r.responded_on;
                store.write(|tx| tx.update_request(&r, "now")).unwrap();
                let days = store.read().day_stats(d("2026-11-01"), d("2026-12-31"), &[]).unwrap();
                let received: i64 = days.iter().map(|x| x.received).sum();
                let late: i64 = days.iter().map(|x| x.answered_late).sum();
                let in_time: i64 = days.iter().map(|x| x.answered_in_time).sum();
                assert_eq!((received, late, in_time), (2, 1, 0));
                assert!(store.read().stats_drift().unwrap().is_empty());
                let backlog = store.read().backlog(d("2026-11-01"), d("2026-12-11"), &[]).unwrap();
                assert_eq!(backlog.len(), 41);
                assert_eq!(backlog.first().map(|b| b.open), Some(0));
                assert_eq!(backlog.last().map(|b| b.open), Some(1));
                let mut seen = Vec::new();
                store
                    .read()
                    .for_each_history(
                        HistoryScope::Received { from: d("2026-11-01"), to: d("2026-11-30") },
                        d("2026-12-31"),
                        |h: &History| seen.push(h.reference.clone()),
                    )
                    .unwrap();
                assert_eq!(seen.len(), 2);
                // One answer closed in December, 38 days after receipt, by nobody assigned.
                let answers = store.read().answer_days(d("2026-12-01"), d("2026-12-31"), &[]).unwrap();
                assert_eq!(answers, vec![(None, 38)]);
            }

            /// A replay as of a day reads the requests that may have been open then: open
            /// now, closed on or after the day, or changed since (an answer recorded after
            /// the day but dated before it), and no other.
            #[test]
            fn the_requests_maybe_open_on_a_day_are_open_closed_since_or_changed_since() {
                let mut store = open();
                let pin = "21503199012345";
                let close = |store: &mut Store, id, on: &str, recorded: &str| {
                    let mut r = store.read().request_by_id(id).unwrap().unwrap();
                    r.status = Status::Answered;
                    r.responded_on = Some(d(on));
                    r.closed_on = r.responded_on;
                    store.write(|tx| tx.update_request(&r, recorded)).unwrap();
                };
                let (_, open_now) = insert(&mut store, "Open", pin, "2026-11-02");
                let (id, closed_after) = insert(&mut store, "Closed after", pin, "2026-11-02");
                close(&mut store, id, "2026-11-20", "2026-11-20T10:00:00+06:00");
                let (id, recorded_after) = insert(&mut store, "Recorded after", pin, "2026-11-02");
                close(&mut store, id, "2026-11-10", "2026-11-20T10:00:00+06:00");
                let (id, _) = insert(&mut store, "Closed before", pin, "2026-11-02");
                close(&mut store, id, "2026-11-10", "2026-11-10T10:00:00+06:00");
                insert(&mut store, "Received after", pin, "2026-11-18");
                let mut seen = Vec::new();
                store
                    .read()
                    .for_each_history(HistoryScope::MaybeOpen, d("2026-11-15"), |h: &History| {
                        seen.push(h.reference.clone())
                    })
                    .unwrap();
                seen.sort();
                let mut wanted = vec![open_now, closed_after, recorded_after];
                wanted.sort();
                assert_eq!(seen, wanted);
            }

            /// The kept figures have an office dimension: each office's figures are those of
            /// its own requests (what a replay of them gives), the offices add up to every
            /// office, and a move takes a request's figures to its new office exactly, with
            /// nothing for `check` to find.
            #[test]
            fn figures_are_kept_per_office_and_follow_a_move() {
                use crate::model::{DEFAULT_OFFICE, GroupBy, Office};
                let mut store = open();
                let osh = store
                    .write(|tx| {
                        let o = Office {
                            id: 0,
                            code: "OSH".into(),
                            name_en: String::new(),
                            name_ky: String::new(),
                            name_ru: String::new(),
                            head: false,
                            active: true,
                        };
                        let id = tx.insert_office(&o, "root", "now")?;
                        tx.audit("now", "root", "office_add", "OSH", "")?;
                        Ok::<_, StoreError>(id)
                    })
                    .unwrap();
                let (a, _) = insert(&mut store, "A", "21503199012345", "2026-11-02");
                let (b, _) = insert(&mut store, "B", "21503199012345", "2026-11-03");
                let (c, _) = insert(&mut store, "C", "21503199012345", "2026-11-04");
                let (dd, _) = insert(&mut store, "D", "21503199012345", "2026-10-20");
                // a answered in time, b late, c withdrawn; d stays open (late by December).
                for (id, status, on) in [
                    (a, Status::Answered, "2026-11-03"),
                    (b, Status::Answered, "2026-12-10"),
                    (c, Status::Withdrawn, "2026-11-20"),
                ] {
                    let mut r = store.read().request_by_id(id).unwrap().unwrap();
                    r.status = status;
                    if status == Status::Answered {
                        r.responded_on = Some(d(on));
                    }
                    r.closed_on = Some(d(on));
                    store.write(|tx| tx.update_request(&r, "now")).unwrap();
                }
                let move_to = |store: &mut Store, id, office: i64| {
                    let mut r = store.read().request_by_id(id).unwrap().unwrap();
                    r.office = office;
                    store
                        .write(|tx| {
                            tx.update_request(&r, "now")?;
                            tx.set_request_office(r.id, office)?;
                            tx.audit("now", "root", "move", &r.reference, "")
                        })
                        .unwrap();
                };
                let (from, to, as_of) = (d("2026-10-01"), d("2026-12-31"), d("2026-12-20"));
                let rule = store.read().request_by_id(a).unwrap().unwrap().deadlines[0].rule.clone();
                // Everything a dashboard, a report and the backlog read, for `offices`.
                let figures = |store: &Store, offices: &[i64]| {
                    let r = store.read();
                    let days = r.day_stats(from, to, offices).unwrap();
                    let sum = |f: fn(&crate::model::DayStats) -> i64| days.iter().map(f).sum::<i64>();
                    (
                        [
                            sum(|x| x.received),
                            sum(|x| x.answered_in_time),
                            sum(|x| x.answered_late),
                            sum(|x| x.withdrawn),
                            r.answered_within(from, to, &rule, offices).unwrap(),
                        ],
                        r.backlog(d("2026-10-15"), as_of, offices).unwrap(),
                        r.ageing(as_of, offices).unwrap(),
                        r.answer_days(from, to, offices).unwrap(),
                        r.assignee_counts(as_of, as_of, offices).unwrap(),
                        [GroupBy::Kind, GroupBy::Month, GroupBy::Clerk]
                            .map(|by| r.report_rows(from, to, as_of, by, offices).unwrap()),
                    )
                };
                // A report of `office` from its requests' own histories.
                let replayed = |store: &Store, office: i64| {
                    let mut row = crate::domain::history::ReportRow {
                        group: Some("total".into()),
                        ..Default::default()
                    };
                    store
                        .read()
                        .for_each_history(HistoryScope::Received { from, to }, as_of, |h: &History| {
                            if h.office == office
                                && let Some(x) = h.as_of(as_of)
                            {
                                row.count(&x);
                            }
                        })
                        .unwrap();
                    row
                };
                let total = |rows: &[crate::domain::history::ReportRow]| {
                    let mut t = crate::domain::history::ReportRow {
                        group: Some("total".into()),
                        ..Default::default()
                    };
                    for r in rows {
                        t.add(r);
                    }
                    t
                };
                let check = |store: &Store| {
                    let every = figures(store, &[]);
                    let main = figures(store, &[DEFAULT_OFFICE]);
                    let theirs = figures(store, &[osh]);
                    assert_eq!(
                        figures(store, &[DEFAULT_OFFICE, osh]),
                        every,
                        "both offices are every office"
                    );
                    for i in 0..5 {
                        assert_eq!(main.0[i] + theirs.0[i], every.0[i], "daily figure {i}");
                    }
                    for (day, (m, o)) in every.1.iter().zip(main.1.iter().zip(&theirs.1)) {
                        assert_eq!(
                            (m.open + o.open, m.overdue + o.overdue),
                            (day.open, day.overdue),
                            "{}",
                            day.day
                        );
                    }
                    for (office, f) in [(DEFAULT_OFFICE, &main), (osh, &theirs)] {
                        assert_eq!(total(&f.5[0]), replayed(store, office), "office {office}");
                        assert_eq!(total(&f.5[1]), replayed(store, office), "office {office}");
                    }
                    let by_office = store.read().report_rows(from, to, as_of, GroupBy::Office, &[]).unwrap();
                    for r in &by_office {
                        let id: i64 = r.group.as_deref().unwrap().parse().unwrap();
                        assert_eq!(r.received, replayed(store, id).received);
                    }
                    let read = store.read();
                    assert!(read.stats_drift().unwrap().is_empty(), "{:?}", read.stats_drift());
                    assert!(read.figures_drift().unwrap().is_empty(), "{:?}", read.figures_drift());
                    (main, theirs)
                };
                let (main, theirs) = check(&store);
                assert_eq!(main.0, [4, 1, 1, 1, 1]);
                assert_eq!(theirs.0, [0; 5]);
                assert_eq!(theirs.1.iter().map(|x| x.open).max(), Some(0));
                move_to(&mut store, a, osh);
                move_to(&mut store, dd, osh);
                let (main, theirs) = check(&store);
                assert_eq!(main.0, [2, 0, 1, 1, 0], "received b and c, b late, c withdrawn");
                assert_eq!(theirs.0, [2, 1, 0, 0, 1], "received a and d, a in time");
                assert_eq!(theirs.2.over_30, 1, "d is open in Osh");
                assert_eq!(main.2.over_30 + main.2.days_15_30 + main.2.days_8_14 + main.2.days_0_7, 0);
                assert_eq!(theirs.1.last().map(|x| (x.open, x.overdue)), Some((1, 1)));
                assert_eq!(theirs.3.len(), 1, "a's answer");
                // Moving back restores the first figures exactly.
                move_to(&mut store, a, DEFAULT_OFFICE);
                move_to(&mut store, dd, DEFAULT_OFFICE);
                let (main, theirs) = check(&store);
                assert_eq!((main.0, theirs.0), ([4, 1, 1, 1, 1], [0; 5]));
            }

            #[test]
            fn retention_erases_personal_data_and_keeps_the_figures() {
                let mut store = open();
                let (id, reference) = insert(&mut store, "Old Subject", "21503199012345", "2020-01-10");
                insert(&mut store, "Open Subject", "21503199012345", "2020-01-11");
                let mut r = store.read().request_by_id(id).unwrap().unwrap();
                r.status = Status::Withdrawn;
                r.closed_on = Some(d("2020-01-20"));
                store.write(|tx| tx.update_request(&r, "now")).unwrap();
                store
                    .write(|tx| tx.insert_event(id, &Event::new(EventKind::Note, "a", "t").text("phoned")))
                    .unwrap();
                assert_eq!(store.read().retention_due(d("2025-01-01"), 10).unwrap(), vec![(id, reference)]);
                let figures = |store: &Store| {
                    let r = store.read();
                    let by = [
                        crate::model::GroupBy::Kind,
                        crate::model::GroupBy::Clerk,
                        crate::model::GroupBy::Month,
                    ];
                    let rows: Vec<_> = by
                        .iter()
                        .map(|b| {
                            r.report_rows(d("2020-01-01"), d("2020-01-31"), d("2026-01-01"), *b, &[]).unwrap()
                        })
                        .collect();
                    (
                        rows,
                        r.backlog(d("2020-01-01"), d("2020-02-29"), &[]).unwrap(),
                        r.day_stats(d("2020-01-01"), d("2020-02-29"), &[]).unwrap(),
                    )
                };
                let before = figures(&store);
                store.write(|tx| tx.erase_personal_data(id, d("2026-01-01"), "now")).unwrap();
                // Erasing personal data changes no figure.
                assert_eq!(figures(&store), before);
                assert_eq!(before.0[0].iter().map(|r| r.received).sum::<i64>(), 2);
                assert!(store.read().figures_drift().unwrap().is_empty());
                let gone = store.read().request_by_id(id).unwrap().unwrap();
                assert_eq!((gone.subject.name.as_str(), gone.subject.pin.as_str()), ("", ""));
                assert_eq!(gone.status, Status::Withdrawn);
                assert!(store.read().events(id).unwrap().iter().all(|e| e.text.is_empty()));
                assert!(store.read().retention_due(d("2025-01-01"), 10).unwrap().is_empty());
                assert_eq!(store.read().count(&all()).unwrap(), 2);
            }

            /// Attaches `new` to request `id` in a use case with its audit entry.
            fn attach(
                store: &mut Store,
                id: crate::domain::request::RequestId,
                new: &crate::domain::attachment::NewAttachment,
            ) -> crate::domain::attachment::Attachment {
                store
                    .write(|tx| {
                        let a = tx.insert_attachment(id, new, "aibek", "2026-11-24T10:00:00+06:00")?;
                        tx.audit("2026-11-24T10:00:00+06:00", "aibek", "attach", "", &a.sha256)?;
                        Ok::<_, StoreError>(a)
                    })
                    .unwrap()
            }

            fn problems(store: &Store) -> Vec<String> {
                store.read().verify_full(None).unwrap().problems.into_iter().map(|p| p.problem).collect()
            }

            #[test]
            fn attachments_are_numbered_stored_once_read_back_whole_and_verified() {
                use crate::domain::attachment::{AttachmentKind, NewAttachment};
                let mut store = open();
                let (a, _) = insert(&mut store, "A", "21503199012345", "2026-11-02");
                let (b, rb) = insert(&mut store, "B", "21503199012346", "2026-11-03");
                let scan = NewAttachment::new(
                    AttachmentKind::RequestScan,
                    "scan.pdf",
                    b"%PDF-1.4 scan".to_vec(),
                    1 << 20,
                )
                .unwrap();
                // Binary content with NUL and high bytes; a path is never stored.
                let passport = NewAttachment::new(
                    AttachmentKind::IdentityDocument,
                    "scans/passport.jpg",
                    vec![0xff, 0xd8, 0, 1, 0x80, b'\\', b'\n'],
                    1 << 20,
                )
                .unwrap();
                let one = attach(&mut store, a, &scan);
                let two = attach(&mut store, a, &passport);
                let three = attach(&mut store, b, &scan);
                assert_eq!((one.n, two.n, three.n), (1, 2, 1), "numbered per request from 1");
                assert_eq!(
                    (two.file_name.as_str(), two.size, two.added_by.as_str()),
                    ("passport.jpg", 7, "aibek")
                );
                assert_eq!(one.sha256, three.sha256);
                assert_eq!(store.read().attachments(a).unwrap(), vec![one.clone(), two.clone()]);
                let (meta, bytes) = store.read().attachment_content(a, 2).unwrap().unwrap();
                assert_eq!((meta, bytes), (two.clone(), passport.data.clone()), "byte for byte");
                assert!(store.read().attachment_content(a, 3).unwrap().is_none());
                assert!(store.read().attachments(crate::domain::request::RequestId(999)).unwrap().is_empty());
                assert!(store.read().blob_problems().unwrap().is_empty());
                assert_eq!(problems(&store), Vec::<String>::new());
                // Retention erases the files of a; the scan's content stays for b, the
                // passport's goes.
                let erased = store
                    .write(|tx| {
                        let n = tx.erase_attachments(a)?;
                        tx.audit("t", "root", "erase", "", "")?;
                        Ok::<_, StoreError>(n)
                    })
                    .unwrap();
                assert_eq!(erased, 2);
                assert!(store.read().attachments(a).unwrap().is_empty());
                assert_eq!(store.read().attachment_content(b, 1).unwrap().unwrap().1, scan.data);
                assert_eq!(problems(&store), Vec::<String>::new());
                // A file added without its audit entry is what verification exists to find.
                store.write(|tx| tx.insert_attachment(b, &passport, "aibek", "now").map(|_| ())).unwrap();
                let found = problems(&store);
                assert!(
                    found.iter().any(|p| p.contains(&rb) && p.contains("changed outside aryz")),
                    "{found:?}"
                );
            }

            #[test]
            fn representatives_links_and_mail_imports_round_trip() {
                use crate::domain::request::Representative;
                let mut store = open();
                let (a, ra) = insert(&mut store, "A", "21503199012345", "2026-11-02");
                let (b, rb) = insert(&mut store, "A", "21503199012345", "2026-11-03");
                let rep = Representative {
                    name: "Testov Bakyt".into(),
                    document: "power of attorney No. 12 of 01.11.2026".into(),
                    address: "Bishkek, Chui 1".into(),
                    email: "bakyt@example.kg".into(),
                    phone: "+996 555 000 111".into(),
                };
                store
                    .write(|tx| {
                        tx.put_representative(a, &rep)?;
                        tx.link_duplicate(b, a)?;
                        tx.record_mail_import("<m1@example.kg>", a, "now")?;
                        tx.audit("t", "root", "case", "", "")
                    })
                    .unwrap();
                let r = store.read();
                assert_eq!(r.representative(a).unwrap(), Some(rep));
                assert_eq!(r.representative(b).unwrap(), None);
                assert_eq!(r.duplicate_target(b).unwrap(), Some(ra.clone()));
                assert_eq!(r.duplicate_target(a).unwrap(), None);
                assert_eq!(r.duplicates_of(a).unwrap(), vec![rb.clone()]);
                assert!(r.duplicates_of(b).unwrap().is_empty());
                assert_eq!(r.mail_imported("<m1@example.kg>").unwrap(), Some(ra.clone()));
                assert_eq!(r.mail_imported("<m2@example.kg>").unwrap(), None);
                assert_eq!(problems(&store), Vec::<String>::new());
                // A message is registered once; a request duplicates one request, never itself.
                assert!(store.write(|tx| tx.record_mail_import("<m1@example.kg>", b, "now")).is_err());
                assert!(store.write(|tx| tx.link_duplicate(b, a)).is_err());
                assert!(store.write(|tx| tx.link_duplicate(a, a)).is_err());
                assert_eq!(store.read().duplicates_of(a).unwrap(), vec![rb]);
                // Retention keeps that there was a representative, not who.
                store
                    .write(|tx| {
                        tx.erase_representative(a)?;
                        tx.audit("t", "root", "erase", &ra, "")
                    })
                    .unwrap();
                assert_eq!(store.read().representative(a).unwrap(), Some(Representative::default()));
                assert_eq!(problems(&store), Vec::<String>::new());
                // A link made without its audit entry is found.
                let (c, rc) = insert(&mut store, "C", "21503199012345", "2026-11-04");
                store.write(|tx| tx.link_duplicate(c, a)).unwrap();
                assert!(problems(&store).iter().any(|p| p.contains(&rc)), "{:?}", problems(&store));
            }

            #[test]
            fn similar_requests_are_the_open_ones_of_the_kind_and_the_recent_ones() {
                use crate::domain::kind::RequestKind;
                let mut store = open();
                let pin = "21503199012345";
                let (a, ra) = insert(&mut store, "A", pin, "2026-10-01");
                let (_, rb) = insert(&mut store, "A", pin, "2026-11-20");
                insert(&mut store, "Other", "21503199012346", "2026-11-21");
                let refs = |store: &Store, kind, since: &str| -> Vec<String> {
                    store
                        .read()
                        .similar_requests(pin, kind, d(since))
                        .unwrap()
                        .into_iter()
                        .map(|s| s.reference)
                        .collect()
                };
                assert_eq!(
                    refs(&store, RequestKind::Access, "2026-11-01"),
                    vec![ra.clone(), rb.clone()],
                    "open, same kind"
                );
                assert_eq!(
                    refs(&store, RequestKind::Correction, "2026-11-01"),
                    vec![rb.clone()],
                    "received since"
                );
                assert!(refs(&store, RequestKind::Correction, "2026-12-01").is_empty());
                let mut r = store.read().request_by_id(a).unwrap().unwrap();
                r.status = Status::Withdrawn;
                r.closed_on = Some(d("2026-10-05"));
                store.write(|tx| tx.update_request(&r, "now")).unwrap();
                assert_eq!(
                    refs(&store, RequestKind::Access, "2026-11-01"),
                    vec![rb.clone()],
                    "a closed one is not open"
                );
                let s = store.read().similar_requests(pin, RequestKind::Access, d("2026-09-01")).unwrap();
                assert_eq!(s.len(), 2);
                assert_eq!((s[0].status, s[0].received_on), (Status::Withdrawn, d("2026-10-01")));
            }

            #[test]
            fn search_finds_e_mail_phone_and_the_tail_of_a_reference() {
                let mut store = open();
                let mut refs = Vec::new();
                for i in 0..11 {
                    let mut new = new_request("Subject", "21503199012345", "2026-11-02", "");
                    if i == 0 {
                        new.subject.email = "aigul.test_1@example.kg".into();
                        new.subject.phone = "+996 (555) 12-34-56".into();
                    }
                    let dl = RuleSet::shipped().deadlines(
                        new.kind,
                        new.received_on,
                        new.received_on,
                        &Calendar::shipped(),
                    );
                    refs.push(
                        store
                            .write(|tx| tx.insert_request(&new, new.received_on, &dl, None, "now"))
                            .unwrap()
                            .1,
                    );
                }
                let find = |q: &str| -> Vec<String> {
                    let f = ListFilter { search: Some(q.into()), ..all() };
                    let mut found: Vec<String> = store
                        .read()
                        .list(&f, SortKey::Reference, &page(20))
                        .unwrap()
                        .into_iter()
                        .map(|r| r.reference)
                        .collect();
                    found.sort();
                    assert_eq!(store.read().count(&f).unwrap(), found.len() as i64, "{q}");
                    found
                };
                let first = vec![refs[0].clone()];
                assert_eq!(find("aigul.test_1@example.kg"), first, "the whole e-mail");
                assert_eq!(find("AIGUL.TEST_1@"), first, "its start, any case");
                assert_eq!(find("example.kg"), first, "its domain");
                assert!(find("example.org").is_empty());
                assert!(find("aigul.tesx").is_empty());
                assert_eq!(find("996555123456"), first, "phone digits without punctuation");
                assert_eq!(find("996555"), first, "their start");
                assert_eq!(find("12-34-56"), first, "phone as written");
                assert_eq!(find("(555)"), first);
                assert_eq!(find("11"), vec![refs[10].clone()], "reference tail, not zero-padded");
                assert_eq!(find(&refs[10][9..]), vec![refs[10].clone()], "zero-padded tail");
                assert_eq!(find(&refs[1]), vec![refs[1].clone()], "the whole reference");
                assert_eq!(find("11 subject"), vec![refs[10].clone()], "every word must match");
                assert!(find("11 nobody").is_empty());
            }

            /// A batch registration leaves what registering the same requests one by one
            /// (request, first event, audit entry each) leaves: the same references, rows,
            /// audit entries (whose hashes bind every record's hash), figures and search,
            /// below and above the size from which the derived tables are filled set-wise.
            #[test]
            fn a_batch_registration_writes_what_one_by_one_would() {
                let now = "2026-11-24T10:00:00+06:00";
                let rules = RuleSet::shipped();
                let cal = Calendar::shipped();
                for n in [3, crate::store::BULK_ROWS + 20] {
                    let kinds = [RequestKind::Access, RequestKind::Correction, RequestKind::Complaint];
                    let news: Vec<NewRequest> = (0..n)
                        .map(|i| {
                            // Two years' sequences, several kinds and days, names to search.
                            let received = if i % 7 == 0 { "2025-12-30" } else { "2026-11-02" };
                            let mut r =
                                new_request(&format!("Batch Person{i}"), "21503199012345", received, "batch");
                            r.kind = kinds[i % 3];
                            // Some in a second office (made below in both stores, as id 2).
                            if i % 5 == 0 {
                                r.office = Some(2);
                            }
                            r
                        })
                        .collect();
                    let dls: Vec<_> = news
                        .iter()
                        .map(|r| rules.deadlines(r.kind, r.received_on, d("2026-11-24"), &cal))
                        .collect();
                    let created = |dl: &[crate::domain::deadline::Deadline]| {
                        let binding = dl.iter().find(|x| x.binding).map(|x| x.due_on.to_string());
                        Event::new(EventKind::Created, "sam", now).change(None::<String>, binding)
                    };
                    let detail = |r: &NewRequest| format!("kind={}", r.kind);
                    let mut one = open();
                    let mut batch = open();
                    let first = new_request("Before Batch", "21503199012345", "2026-11-01", "");
                    let first_dl = rules.deadlines(first.kind, first.received_on, first.received_on, &cal);
                    for store in [&mut one, &mut batch] {
                        let osh = crate::model::Office {
                            id: 0,
                            code: "OSH".into(),
                            name_en: String::new(),
                            name_ky: String::new(),
                            name_ru: String::new(),
                            head: false,
                            active: true,
                        };
                        let id = store
                            .write(|tx| {
                                let id = tx.insert_office(&osh, "sam", now)?;
                                tx.audit(now, "sam", "office_add", "OSH", "")?;
                                Ok::<_, StoreError>(id)
                            })
                            .unwrap();
                        assert_eq!(id, 2);
                        store
                            .write(|tx| {
                                let (_, reference) =
                                    tx.insert_request(&first, first.received_on, &first_dl, None, now)?;
                                tx.audit(now, "sam", "register", &reference, "")
                            })
                            .unwrap();
                    }
                    let refs_one = one
                        .write(|tx| {
                            let mut refs = Vec::new();
                            for (r, dl) in news.iter().zip(&dls) {
                                let (id, reference) = tx.insert_request(r, d("2026-11-24"), dl, None, now)?;
                                tx.insert_event(id, &created(dl))?;
                                tx.audit(now, "sam", "register", &reference, &detail(r))?;
                                refs.push(reference);
                            }
                            tx.audit(now, "sam", "import", "", "done")?;
                            Ok::<_, StoreError>(refs)
                        })
                        .unwrap();
                    let refs_batch = batch
                        .write(|tx| {
                            let regs: Vec<crate::model::Registration<'_>> = news
                                .iter()
                                .zip(&dls)
                                .map(|(r, dl)| crate::model::Registration {
                                    new: r,
                                    deadlines: dl,
                                    created: created(dl),
                                    audit_detail: detail(r),
                                })
                                .collect();
                            let refs = tx.register_batch(&regs, d("2026-11-24"), now, "sam")?;
                            tx.audit(now, "sam", "import", "", "done")?;
                            Ok::<_, StoreError>(refs)
                        })
                        .unwrap();
                    assert_eq!(refs_batch, refs_one, "{n} requests");
                    assert!(refs_one.contains(&"ARZ-2025-000001".to_string()), "{refs_one:?}");
                    let audit = |s: &Store| {
                        s.read().audit_entries(&AuditFilter { limit: 0, ..AuditFilter::default() }).unwrap()
                    };
                    assert_eq!(audit(&batch), audit(&one), "{n} requests");
                    assert_eq!(audit(&batch).len(), n + 3, "with the office's entry");
                    let rows = |s: &Store| {
                        let list = s.read().list(&all(), SortKey::Reference, &page(10_000)).unwrap();
                        let events: Vec<_> = list.iter().map(|r| s.read().events(r.id).unwrap()).collect();
                        (list, events)
                    };
                    assert_eq!(rows(&batch), rows(&one), "{n} requests");
                    let figures = |s: &Store, o: &[i64]| {
                        let r = s.read();
                        (
                            r.report_rows(
                                d("2025-12-01"),
                                d("2026-11-30"),
                                d("2026-11-24"),
                                GroupBy::Kind,
                                o,
                            )
                            .unwrap(),
                            r.backlog(d("2025-12-01"), d("2026-11-30"), o).unwrap(),
                            r.day_stats(d("2025-12-01"), d("2026-11-30"), o).unwrap(),
                            r.answered_within(d("2025-12-01"), d("2026-11-30"), "law67_14wd", o).unwrap(),
                        )
                    };
                    for o in [&[][..], &[1], &[2]] {
                        assert_eq!(figures(&batch, o), figures(&one, o), "{n} requests, offices {o:?}");
                    }
                    let in_two = figures(&batch, &[2]).2.iter().map(|x| x.received).sum::<i64>();
                    assert_eq!(in_two, n.div_ceil(5) as i64, "{n} requests");
                    for s in [&batch, &one] {
                        let r = s.read();
                        let v = r.verify_full(None).unwrap();
                        assert!(v.problems.is_empty(), "{n} requests: {:?}", v.problems);
                        assert!(r.stats_drift().unwrap().is_empty() && r.figures_drift().unwrap().is_empty());
                        let f = ListFilter { search: Some(format!("Person{}", n - 1)), ..all() };
                        assert_eq!(r.count(&f).unwrap(), 1, "{n} requests");
                    }
                    // A later registration continues both sequences alike.
                    assert_eq!(
                        insert(&mut batch, "After", "21503199012345", "2026-11-03").1,
                        insert(&mut one, "After", "21503199012345", "2026-11-03").1
                    );
                }
            }

            /// The terminal UI's change mark moves on every audited write, also one that
            /// changes no request, and on none of the reads put on record (opening a request
            /// is audited, and must not make every screen re-read).
            #[test]
            fn the_change_mark_moves_on_writes_and_not_on_reads() {
                let now = "2026-11-24T10:00:00+06:00";
                let mut store = open();
                let empty = store.change_mark().unwrap();
                let new = new_request("Mark Person", "21503199012345", "2026-11-02", "");
                let dl = RuleSet::shipped().deadlines(
                    new.kind,
                    new.received_on,
                    new.received_on,
                    &Calendar::shipped(),
                );
                let reference = store
                    .write(|tx| {
                        let (_, reference) = tx.insert_request(&new, new.received_on, &dl, None, now)?;
                        tx.audit(now, "sam", "register", &reference, "")?;
                        Ok::<_, StoreError>(reference)
                    })
                    .unwrap();
                let written = store.change_mark().unwrap();
                assert_ne!(written, empty);
                for action in crate::model::READ_ACTIONS {
                    store.write(|tx| tx.audit(now, "sam", action, &reference, "")).unwrap();
                    assert_eq!(store.change_mark().unwrap(), written, "{action}");
                }
                store.write(|tx| tx.audit(now, "root", "calendar_add", "2026-12-31", "")).unwrap();
                let again = store.change_mark().unwrap();
                assert_ne!(again, written);
                store.write(|tx| tx.audit(now, "sam", "view", &reference, "")).unwrap();
                assert_eq!(store.change_mark().unwrap(), again);
            }

            #[test]
            fn a_bulk_load_rebuilds_search_and_figures() {
                let mut store = open();
                insert(&mut store, "Before Load", "21503199012345", "2026-11-02");
                let before = store.write(|tx| tx.last_request_id()).unwrap();
                store
                    .write(|tx| {
                        let suspended = tx.suspend_derived()?;
                        let new = new_request("Loaded Person", "21503199012345", "2026-11-03", "");
                        let dl = RuleSet::shipped().deadlines(
                            new.kind,
                            new.received_on,
                            new.received_on,
                            &Calendar::shipped(),
                        );
                        tx.insert_request(&new, new.received_on, &dl, None, "now")?;
                        tx.restore_derived_after(suspended, before)
                    })
                    .unwrap();
                let f = ListFilter { search: Some("loaded".into()), ..all() };
                assert_eq!(store.read().count(&f).unwrap(), 1);
                assert!(store.read().stats_drift().unwrap().is_empty());
                store
                    .write(|tx| {
                        let suspended = tx.suspend_derived()?;
                        tx.rebuild_derived(suspended)
                    })
                    .unwrap();
                assert_eq!(store.read().count(&f).unwrap(), 1);
                assert!(store.read().stats_drift().unwrap().is_empty());
            }

            /// A bulk load into two offices (triggers suspended, the figures summed set-wise
            /// afterwards) keeps each office's figures as loading the same requests one by
            /// one keeps them, and as a replay gives them: spans and monthly sums of settled
            /// requests (answered in time, late, withdrawn), backlog changes of open ones,
            /// added onto rows the offices already had.
            #[test]
            fn a_bulk_load_into_two_offices_keeps_each_offices_figures() {
                use crate::domain::outcome::Outcome;
                use crate::model::InitialState;
                let now = "2026-11-24T10:00:00+06:00";
                let rules = RuleSet::shipped();
                let cal = Calendar::shipped();
                // Request i: office 2 when i % 3 == 0; open, answered in time, answered late
                // or withdrawn by i % 4; assigned to a clerk when i % 5 != 0.
                let load = |tx: &crate::store::Tx<'_>,
                            range: std::ops::Range<usize>|
                 -> Result<(), StoreError> {
                    for i in range {
                        let received = if i % 2 == 0 { "2026-09-07" } else { "2026-10-05" };
                        let mut new =
                            new_request(&format!("Office Person{i}"), "21503199012345", received, "");
                        new.office = Some(if i % 3 == 0 { 2 } else { 1 });
                        let dl = rules.deadlines(new.kind, new.received_on, new.received_on, &cal);
                        let assignee = (i % 5 != 0).then_some("aigul");
                        let at = |day: NaiveDate| format!("{day}T10:00:00+06:00");
                        let mut state = InitialState::default();
                        let mut events = vec![Event::new(EventKind::Created, "sam", &at(new.received_on))];
                        if let Some(a) = assignee {
                            events.push(
                                Event::new(EventKind::Assigned, "sam", &at(new.received_on))
                                    .change(None::<String>, Some(a)),
                            );
                        }
                        let who = assignee.unwrap_or("sam");
                        match i % 4 {
                            1 | 2 => {
                                let days = if i % 4 == 1 { 5 } else { 40 };
                                let on = new.received_on + chrono::Duration::days(days);
                                state.status = Status::Answered;
                                state.outcome = Some(Outcome::Fulfilled);
                                state.responded_on = Some(on);
                                state.closed_on = Some(on);
                                events.push(
                                    Event::new(EventKind::Responded, who, &at(on))
                                        .change(None::<String>, Some(Outcome::Fulfilled.code())),
                                );
                            }
                            3 => {
                                let on = new.received_on + chrono::Duration::days(3);
                                state.status = Status::Withdrawn;
                                state.closed_on = Some(on);
                                events.push(Event::new(EventKind::Withdrawn, who, &at(on)).text("withdrawn"));
                            }
                            _ => {}
                        }
                        let (id, _) =
                            tx.insert_request_in_state(&new, new.received_on, &dl, assignee, now, &state)?;
                        for e in &events {
                            tx.insert_event(id, e)?;
                        }
                    }
                    Ok(())
                };
                let mut one = open();
                let mut bulk = open();
                for store in [&mut one, &mut bulk] {
                    clerk(store, "aigul");
                    let osh = crate::model::Office {
                        id: 0,
                        code: "OSH".into(),
                        name_en: String::new(),
                        name_ky: String::new(),
                        name_ru: String::new(),
                        head: false,
                        active: true,
                    };
                    assert_eq!(store.write(|tx| tx.insert_office(&osh, "sam", now)).unwrap(), 2);
                    // The offices' rows before the load, kept by the triggers.
                    store.write(|tx| load(tx, 0..8)).unwrap();
                }
                one.write(|tx| load(tx, 8..60)).unwrap();
                bulk.write(|tx| {
                    let after = tx.last_request_id()?;
                    let suspended = tx.suspend_derived()?;
                    load(tx, 8..60)?;
                    tx.restore_derived_after(suspended, after)
                })
                .unwrap();
                let figures = |s: &Store, o: &[i64]| {
                    let r = s.read();
                    let (from, to, as_of) = (d("2026-09-01"), d("2026-11-30"), d("2026-11-24"));
                    (
                        r.report_rows(from, to, as_of, GroupBy::Kind, o).unwrap(),
                        r.report_rows(from, to, as_of, GroupBy::Clerk, o).unwrap(),
                        r.backlog(from, to, o).unwrap(),
                        r.day_stats(from, to, o).unwrap(),
                        r.answered_within(from, to, "law67_14wd", o).unwrap(),
                    )
                };
                for o in [&[][..], &[1], &[2]] {
                    assert_eq!(figures(&bulk, o), figures(&one, o), "offices {o:?}");
                }
                // Office 2 has requests of every standing, so a sum put in the wrong office
                // shows above.
                let (rows, _, backlog, _, within) = figures(&bulk, &[2]);
                let settled: i64 =
                    rows.iter().map(|r| r.answered_in_time + r.answered_late + r.withdrawn).sum();
                assert_eq!(settled, 15, "{rows:?}");
                assert!(backlog.iter().any(|b| b.open > 0), "{backlog:?}");
                assert!(within > 0);
                for s in [&bulk, &one] {
                    let r = s.read();
                    assert_eq!(r.figures_drift().unwrap(), Vec::<String>::new(), "a replay and a recount");
                    assert!(r.stats_drift().unwrap().is_empty());
                }
            }
        }
    };
}

store_tests!(sqlite_in_memory, || Fresh::new(Store::in_memory().unwrap()));
store_tests!(sqlite_file, sqlite_file_store);

/// A `SQLite` database in a file of its own, in WAL mode as in use; the directory goes with
/// the fixture.
fn sqlite_file_store() -> Fresh {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::create(&dir.path().join("aryz.sqlite3")).unwrap();
    Fresh::keeping(store, dir)
}

#[cfg(feature = "postgres")]
store_tests!(postgres, postgres_store);

/// A fresh database on the test process's private PostgreSQL cluster (started once, on first
/// use, and stopped when the process ends); the database is dropped with the fixture.
#[cfg(feature = "postgres")]
fn postgres_store() -> Fresh {
    use crate::store::postgres::cluster::Cluster;
    let cluster = Cluster::shared().unwrap_or_else(|e| {
        panic!(
            "PostgreSQL is needed by the PostgreSQL backend's tests and could not be started: {e}\n\
             Install postgresql (or set ARYZ_PG_BIN), or test SQLite alone with `cargo test --no-default-features`."
        )
    });
    let url = cluster.fresh_database().unwrap();
    let store =
        Store::create_with(std::path::Path::new(&url), None, |_| Ok::<(), super::StoreError>(())).unwrap();
    Fresh::keeping(store, DropDatabase(url))
}

/// Drops a test database when the test ends.
#[cfg(feature = "postgres")]
struct DropDatabase(String);

#[cfg(feature = "postgres")]
impl Drop for DropDatabase {
    fn drop(&mut self) {
        use crate::store::postgres::cluster::Cluster;
        if let (Ok(c), Some(name)) =
            (Cluster::shared(), self.0.split('?').next().and_then(|u| u.rsplit('/').next()))
        {
            let _ = c.admin("postgres", &format!("DROP DATABASE IF EXISTS \"{name}\" WITH (FORCE)"));
        }
    }
}
