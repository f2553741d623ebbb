//! Use-case tests on in-memory `SQLite`: roles, transitions, deadlines, events and audit
//! entries, all-or-nothing changes.

use chrono::NaiveDate;

use super::*;
use crate::domain::kind::{Channel, DataCategory, IdentityMethod, Language, RequestKind};
use crate::domain::outcome::{CategoryAction, Outcome, Response};
use crate::domain::request::{NewRequest, Subject};
use crate::domain::status::Status;
use crate::model::{EventKind, ListFilter, Operator};

fn d(s: &str) -> NaiveDate {
    s.parse().unwrap()
}

const TODAY: &str = "2026-11-24";

mod casefile;
mod figures;
mod offices;

/// A database with an admin `root`, supervisor `jyldyz`, clerks `aibek` and `nurzat`; a
/// session as `login`.
fn session_with(login: &str, rules: RuleSet) -> Session {
    session_on(Store::in_memory().unwrap(), login, rules)
}

/// The same operators and session on `store` (SQLite or PostgreSQL).
fn session_on(mut store: Store, login: &str, rules: RuleSet) -> Session {
    store
        .write(|tx| {
            tx.set_meta(DEV_IDENTITY_KEY, "1")?;
            for (l, r) in [
                ("root", Role::Admin),
                ("jyldyz", Role::Supervisor),
                ("aibek", Role::Clerk),
                ("nurzat", Role::Clerk),
            ] {
                tx.insert_operator(&Operator::new(l, "", r), "now")?;
            }
            // Records enter the chain through an audited change, as `aryz init` does.
            tx.audit("now", "root", "init", "", "")?;
            Ok::<_, crate::store::StoreError>(())
        })
        .unwrap();
    Session::with_store(store, login, rules, Clock::fixed(d(TODAY)), Settings::default()).unwrap()
}

fn session(login: &str) -> Session {
    session_with(login, RuleSet::shipped())
}

/// Switches the operator of a session (same database), as another process would.
fn as_operator(mut s: Session, login: &str) -> Session {
    s.operator = s.store.read().operator(login).unwrap().unwrap();
    s
}

fn request(kind: RequestKind, received: &str) -> NewRequest {
    NewRequest {
        kind,
        channel: Channel::SalykApp,
        lang: Language::Ru,
        received_on: d(received),
        identity: IdentityMethod::ESignature,
        categories: vec![DataCategory::Phone],
        description: "Test request".into(),
        subject: Subject { name: "Test Subject".into(), pin: "21503199012345".into(), ..Subject::default() },
        representative: None,
        office: None,
    }
}

fn response(outcome: Outcome) -> Response {
    Response {
        outcome,
        ground: None,
        text: "Reply".into(),
        responded_on: d(TODAY),
        channel: None,
        actions: vec![],
        details: crate::domain::referral::ResponseDetails::default(),
        backdate_reason: String::new(),
        identity: crate::domain::outcome::IdentityAtAnswer::default(),
    }
}

fn audit_count(s: &Session) -> usize {
    let (n, problem) = s.store.read().verify_audit().unwrap();
    assert_eq!(problem, None);
    // Less the fixture's own init entry.
    n - 1
}

/// Everything observable about a request, to check that a refused action changed nothing.
fn snapshot(s: &Session, reference: &str) -> (crate::domain::request::SubjectRequest, usize, usize) {
    let d = s.peek(reference).unwrap();
    (d.request, d.events.len(), audit_count(s))
}

#[test]
fn register_stores_deadlines_event_and_audit() {
    let mut s = session("aibek");
    let reg = s.register(&request(RequestKind::Access, "2026-11-23"), None).unwrap();
    let r = &reg.request;
    assert_eq!(r.reference, "ARZ-2026-000001");
    assert_eq!(r.status, Status::New);
    // Received Mon 23.11, registered Tue 24.11: Art. 17's week ends Mon 30.11 (governing);
    // Law 67's 14 working days from 24.11 end Mon 14.12; the 30 days Wed 23.12 (the limit).
    assert_eq!(r.due_on, d("2026-11-30"));
    assert_eq!(r.deadlines.len(), 3);
    let due = |rule: &str| r.deadlines.iter().find(|x| x.rule == rule).unwrap().due_on;
    assert_eq!(due("law58_access_1w"), d("2026-11-30"));
    assert_eq!(due("law67_14wd"), d("2026-12-14"));
    assert_eq!(due("policy_30d"), d("2026-12-23"));
    assert!(r.deadlines.iter().all(|x| x.binding && x.provisional.is_none()));
    assert_eq!(r.registered_on, d(TODAY));
    let detail = s.peek(&r.reference).unwrap();
    assert_eq!(detail.events[0].kind, EventKind::Created);
    assert_eq!(audit_count(&s), 1);
    // Late registration is a warning, not an error.
    let reg = s.register(&request(RequestKind::Complaint, "2026-11-18"), None).unwrap();
    assert_eq!(reg.warnings[0].field, "received");
}

#[test]
fn invalid_intake_changes_nothing() {
    let mut s = session("aibek");
    let mut bad = request(RequestKind::Access, "2026-11-25");
    assert_eq!(
        match s.register(&bad, None).unwrap_err() {
            Error::Invalid(e) => e.field,
            e => panic!("{e}"),
        },
        "received"
    );
    bad.received_on = d("2026-11-20");
    bad.subject.pin = "123".into();
    assert!(s.register(&bad, None).is_err());
    assert_eq!(s.count(&ListFilter { all_statuses: true, ..ListFilter::default() }).unwrap(), 0);
    assert_eq!(audit_count(&s), 0);
}

#[test]
fn full_workflow_through_the_services() {
    let mut s = session("jyldyz");
    let r = s.register(&request(RequestKind::Correction, "2026-11-10"), None).unwrap().request;
    let reference = r.reference.clone();
    s.assign(&reference, "aibek", Some(r.version)).unwrap();
    let mut s = as_operator(s, "aibek");
    s.set_status(&reference, StatusTarget::InProgress, "", None).unwrap();
    s.note(&reference, "Called the subject", false).unwrap();
    s.note(&reference, "Asked for a copy of the ID card", true).unwrap();
    s.set_status(&reference, StatusTarget::AwaitingSubject, "waiting for ID", None).unwrap();
    let mut resp = response(Outcome::Fulfilled);
    resp.actions = vec![(DataCategory::Phone, CategoryAction::Done)];
    let r = s.respond(&reference, &resp, None).unwrap();
    assert_eq!(r.status, Status::Answered);
    assert_eq!(r.closed_on, Some(d(TODAY)));
    assert_eq!(r.actions, vec![(DataCategory::Phone, CategoryAction::Done)]);
    assert_eq!(r.answered_in_time(), Some(true));
    let kinds: Vec<EventKind> = s.peek(&reference).unwrap().events.iter().map(|e| e.kind).collect();
    assert_eq!(
        kinds,
        vec![
            EventKind::Created,
            EventKind::Assigned,
            EventKind::StatusChanged,
            EventKind::Note,
            EventKind::Message,
            EventKind::StatusChanged,
            EventKind::Responded,
            EventKind::StatusChanged
        ]
    );
    // One audit entry per use case: register, assign, 2 status, 2 notes, respond.
    assert_eq!(audit_count(&s), 7);
    s.show(&reference).unwrap();
    assert_eq!(audit_count(&s), 8, "viewing personal data is audited");
}

#[test]
fn forbidden_transitions_change_nothing() {
    let mut s = session("jyldyz");
    let reference = s.register(&request(RequestKind::Access, "2026-11-10"), None).unwrap().request.reference;
    s.respond(&reference, &response(Outcome::NoData), None).unwrap();
    let before = snapshot(&s, &reference);
    assert!(matches!(
        s.respond(&reference, &response(Outcome::Fulfilled), None),
        Err(Error::Transition { .. })
    ));
    assert!(matches!(
        s.set_status(&reference, StatusTarget::InProgress, "", None),
        Err(Error::Transition { .. })
    ));
    assert!(matches!(s.withdraw(&reference, "changed mind", None), Err(Error::Transition { .. })));
    assert!(matches!(s.assign(&reference, "aibek", None), Err(Error::Transition { .. })));
    assert_eq!(snapshot(&s, &reference), before);
    // A supervisor reopens with a reason; the response is cleared, the deadline kept.
    assert!(s.reopen(&reference, " ", None).is_err());
    let r = s.reopen(&reference, "the reply missed the income records", None).unwrap();
    assert_eq!((r.status, r.outcome, r.due_on), (Status::InProgress, None, before.0.due_on));
}

#[test]
fn refusals_need_a_ground() {
    let mut s = session("jyldyz");
    let reference = s.register(&request(RequestKind::Access, "2026-11-10"), None).unwrap().request.reference;
    let before = snapshot(&s, &reference);
    let e = s.respond(&reference, &response(Outcome::Refused), None).unwrap_err();
    assert!(e.to_string().starts_with("ground:"), "{e}");
    let mut bad_action = response(Outcome::Fulfilled);
    bad_action.actions = vec![(DataCategory::Phone, CategoryAction::Done)];
    assert!(s.respond(&reference, &bad_action, None).is_err(), "no category actions on access requests");
    assert_eq!(snapshot(&s, &reference), before);
    let mut ok = response(Outcome::Refused);
    ok.ground = Some("art15_rights_of_others".into());
    assert_eq!(s.respond(&reference, &ok, None).unwrap().ground.as_deref(), Some("art15_rights_of_others"));
}

#[test]
fn clerks_work_their_own_and_unassigned_requests_only() {
    let mut s = session("jyldyz");
    let mine =
        s.register(&request(RequestKind::Access, "2026-11-10"), Some("aibek")).unwrap().request.reference;
    let theirs =
        s.register(&request(RequestKind::Access, "2026-11-10"), Some("nurzat")).unwrap().request.reference;
    let free = s.register(&request(RequestKind::Access, "2026-11-10"), None).unwrap().request.reference;
    let mut s = as_operator(s, "aibek");
    let before = snapshot(&s, &theirs);
    assert!(matches!(s.note(&theirs, "x", false), Err(Error::NotYours { .. })));
    assert!(matches!(s.respond(&theirs, &response(Outcome::NoData), None), Err(Error::NotYours { .. })));
    assert!(matches!(s.assign(&theirs, "aibek", None), Err(Error::NotYours { .. })));
    assert!(matches!(s.assign(&free, "nurzat", None), Err(Error::Forbidden { .. })));
    assert!(matches!(s.reopen(&mine, "x", None), Err(Error::Forbidden { .. })));
    assert!(matches!(s.add_operator("newbie", Role::Clerk, ""), Err(Error::Forbidden { .. })));
    assert_eq!(snapshot(&s, &theirs), before);
    s.note(&mine, "fine", false).unwrap();
    assert_eq!(
        s.assign(&free, "aibek", None).unwrap().assignee.as_deref(),
        Some("aibek"),
        "a clerk takes an unassigned request"
    );
    assert!(s.register(&request(RequestKind::Access, "2026-11-10"), Some("nurzat")).is_err());
}

#[test]
fn bulk_assignment_is_all_or_nothing() {
    let mut s = session("jyldyz");
    let a = s.register(&request(RequestKind::Access, "2026-11-10"), None).unwrap().request.reference;
    let b = s.register(&request(RequestKind::Access, "2026-11-11"), None).unwrap().request.reference;
    let before = snapshot(&s, &a);
    let e = s.assign_many(&[a.clone(), "ARZ-2026-000099".into()], "aibek", None).unwrap_err();
    assert!(matches!(e, Error::NotFound(_)));
    assert_eq!(snapshot(&s, &a), before);
    assert!(s.assign_many(&[a.clone(), b.clone()], "ghost", None).is_err());
    let done = s.assign_many(&[a, b], "aibek", None).unwrap();
    assert!(done.iter().all(|r| r.assignee.as_deref() == Some("aibek")));
}

#[test]
fn stale_version_is_a_conflict_and_changes_nothing() {
    let mut s = session("jyldyz");
    let r = s.register(&request(RequestKind::Access, "2026-11-10"), None).unwrap().request;
    s.note(&r.reference, "someone else's change", false).unwrap();
    let before = snapshot(&s, &r.reference);
    let e = s.assign(&r.reference, "aibek", Some(r.version)).unwrap_err();
    assert!(e.to_string().contains("changed by someone else"), "{e}");
    assert_eq!(snapshot(&s, &r.reference), before);
}

#[test]
fn unknown_and_disabled_operators_are_refused() {
    let s = session("root");
    let store = s.store;
    let e =
        Session::with_store(store, "nobody", RuleSet::shipped(), Clock::fixed(d(TODAY)), Settings::default())
            .err()
            .unwrap();
    assert!(e.to_string().contains("aryz operator add nobody"), "{e}");
    let mut s = session("root");
    s.disable_operator("aibek").unwrap();
    assert!(s.disable_operator("root").is_err(), "an admin cannot lock themselves out");
    let e = Session::with_store(
        s.store,
        "aibek",
        RuleSet::shipped(),
        Clock::fixed(d(TODAY)),
        Settings::default(),
    )
    .err()
    .unwrap();
    assert!(matches!(e, Error::DisabledOperator(_)));
}

fn permissive_rules() -> RuleSet {
    let mut r = RuleSet::shipped();
    r.extension.allowed = true;
    r.pause.allowed = true;
    r
}

/// An office that reads the statutory terms as advisory (legal-notes §4 allows it in data):
/// only the policy's 30 days bind, and they may be extended by up to 30 days.
fn policy_only_rules() -> RuleSet {
    let mut r = permissive_rules();
    for rule in &mut r.rule {
        rule.binding = rule.id == "policy_30d";
        if rule.binding {
            rule.extension_max_days = Some(30);
            rule.extension_basis = "test basis".into();
        }
    }
    r
}

#[test]
fn extension_and_pause_are_refused_by_the_shipped_rules() {
    let mut s = session("jyldyz");
    let reference = s.register(&request(RequestKind::Access, "2026-11-10"), None).unwrap().request.reference;
    let before = snapshot(&s, &reference);
    assert!(matches!(s.extend(&reference, 10, "complex case", None), Err(Error::NotAllowedByRules(_))));
    assert!(matches!(s.pause(&reference, "documents", "waiting"), Err(Error::NotAllowedByRules(_))));
    assert_eq!(snapshot(&s, &reference), before);
}

#[test]
fn extension_moves_the_deadline_with_an_event() {
    let mut s = session_with("jyldyz", permissive_rules());
    // A complaint received and registered Mon 02.03.2026: Law 67's 14 working days end Mon
    // 23.03 (skipping Orozo Ait 20.03), governing; the 30 days Wed 01.04.
    s.clock = Clock::fixed(d("2026-03-02"));
    let reference =
        s.register(&request(RequestKind::Complaint, "2026-03-02"), None).unwrap().request.reference;
    assert_eq!(s.peek(&reference).unwrap().request.due_on, d("2026-03-23"));
    s.clock = Clock::fixed(d("2026-03-10"));
    assert!(s.extend(&reference, 31, "too long", None).is_err(), "max 30 days");
    // 23.03 + 10 = Thu 02.04; the 30-day limit 01.04 still binds and now governs.
    let r = s.extend(&reference, 10, "records in the archive", None).unwrap();
    assert_eq!(r.due_on, d("2026-04-01"));
    assert_eq!(r.extensions, 1);
    let law67 = r.deadlines.iter().find(|x| x.rule == "law67_14wd").unwrap();
    assert_eq!(law67.due_on, d("2026-04-02"));
    assert!(
        law67.explanation.contains("extension (records in the archive)")
            && law67.explanation.contains("basis: Law of the KR"),
        "{}",
        law67.explanation
    );
    let ev = s
        .peek(&reference)
        .unwrap()
        .events
        .into_iter()
        .find(|e| e.kind == EventKind::DeadlineChanged)
        .unwrap();
    assert_eq!((ev.old.as_deref(), ev.new.as_deref()), (Some("2026-03-23"), Some("2026-04-01")));
    assert!(matches!(s.extend(&reference, 5, "again", None), Err(Error::NotAllowedByRules(_))), "once only");
    // Art. 17's week cannot be extended: an access request is refused.
    let access = s.register(&request(RequestKind::Access, "2026-03-10"), None).unwrap().request.reference;
    assert!(matches!(s.extend(&access, 5, "x", None), Err(Error::NotAllowedByRules(_))));
}

#[test]
fn extension_is_refused_after_the_deadline_and_beyond_the_cap() {
    let mut rules = permissive_rules();
    rules.extension.max_times = 3;
    for r in &mut rules.rule {
        if r.id == "policy_30d" {
            r.binding = false;
        }
    }
    let mut s = session_with("jyldyz", rules);
    s.clock = Clock::fixed(d("2026-03-02"));
    let late = s.register(&request(RequestKind::Complaint, "2026-03-02"), None).unwrap().request.reference;
    let capped = s.register(&request(RequestKind::Complaint, "2026-03-02"), None).unwrap().request.reference;
    // Past the governing deadline (Mon 23.03): refused, nothing changes.
    s.clock = Clock::fixed(d("2026-03-24"));
    let before = snapshot(&s, &late);
    assert!(matches!(s.extend(&late, 5, "late", None), Err(Error::NotAllowedByRules(_))));
    assert_eq!(snapshot(&s, &late), before);
    // On the last day it may be extended: 23.03 + 20 = Sun 12.04 → Mon 13.04.
    s.clock = Clock::fixed(d("2026-03-23"));
    assert_eq!(s.extend(&capped, 20, "archive", None).unwrap().due_on, d("2026-04-13"));
    // The cap is 30 days in total after 23.03, so 22.04: 13.04 + 15 = 28.04 is refused.
    let before = snapshot(&s, &capped);
    match s.extend(&capped, 15, "more", None) {
        Err(Error::Invalid(e)) => assert_eq!(e.field, "days"),
        other => panic!("{other:?}"),
    }
    assert_eq!(snapshot(&s, &capped), before);
    assert_eq!(s.extend(&capped, 9, "more", None).unwrap().due_on, d("2026-04-22"));
}

#[test]
fn pause_stops_the_clock_and_resume_moves_the_deadline() {
    let mut s = session_with("jyldyz", permissive_rules());
    // Complaint received and registered Mon 02.03: Law 67 → Mon 23.03, 30 days → Wed 01.04.
    s.clock = Clock::fixed(d("2026-03-02"));
    let reference =
        s.register(&request(RequestKind::Complaint, "2026-03-02"), None).unwrap().request.reference;
    s.clock = Clock::fixed(d("2026-03-10"));
    assert!(s.pause(&reference, "holiday", "x").is_err(), "unknown category");
    s.pause(&reference, "documents", "waiting for the ID card").unwrap();
    // Twenty-five days later the request would be overdue without the pause.
    s.clock = Clock::fixed(d("2026-04-04"));
    let r = s.peek(&reference).unwrap().request;
    assert!(!r.is_overdue(d("2026-04-04")));
    assert_eq!(r.days_left(d("2026-04-04")), 13, "frozen at the day of the pause: 10.03 → 23.03");
    let f = ListFilter { overdue_as_of: Some(d("2026-04-04")), ..ListFilter::default() };
    assert_eq!(s.count(&f).unwrap(), 0);
    // Resume after 25 days: every binding clock stopped. Law 67: 23.03 + 25 = Fri 17.04;
    // the 30 days: 01.04 + 25 = Sun 26.04 → Mon 27.04. The governing date is 17.04.
    let r = s.resume(&reference).unwrap();
    assert_eq!(r.due_on, d("2026-04-17"));
    assert_eq!(r.deadlines.iter().find(|x| x.rule == "policy_30d").unwrap().due_on, d("2026-04-27"));
    assert_eq!((r.paused_days, r.pause.is_none()), (25, true));
    assert!(s.resume(&reference).is_err(), "not paused any more");
}

#[test]
fn operator_and_calendar_administration() {
    let mut s = session("root");
    assert!(s.add_operator("bad login", Role::Clerk, "").is_err());
    s.add_operator("bakyt", Role::Clerk, "Bakyt Demo").unwrap();
    assert_eq!(s.operators().unwrap().len(), 5);
    // Adding a day off moves later deadlines, never stored ones. A complaint received Mon
    // 23.11, registered Tue 24.11: Law 67's 14 working days end Mon 14.12 (governing).
    let reference =
        s.register(&request(RequestKind::Complaint, "2026-11-23"), None).unwrap().request.reference;
    assert_eq!(s.peek(&reference).unwrap().request.due_on, d("2026-12-14"));
    let (_, drift) = s
        .add_calendar_entry(
            d("2026-12-14"),
            crate::domain::calendar::DayKind::ExtraDayOff,
            "Test day off",
            "",
            "confirmed",
            "test decree",
        )
        .unwrap();
    // The stored request is listed as one that would change, rule by rule.
    assert_eq!(drift.requests.len(), 1);
    assert_eq!(drift.requests[0].reference, reference);
    assert_eq!(drift.requests[0].new_due, d("2026-12-15"));
    assert_eq!(s.peek(&reference).unwrap().request.due_on, d("2026-12-14"));
    let r = s.register(&request(RequestKind::Complaint, "2026-11-23"), None).unwrap().request;
    assert_eq!(r.due_on, d("2026-12-15"));
    let mut clerk = as_operator(s, "aibek");
    assert!(matches!(
        clerk.add_calendar_entry(
            d("2026-12-24"),
            crate::domain::calendar::DayKind::Holiday,
            "x",
            "",
            "confirmed",
            "x"
        ),
        Err(Error::Forbidden { .. })
    ));
}

#[test]
fn demo_fills_a_dev_database_with_every_kind_and_status() {
    let mut s = session("root");
    let n = s.demo(300, 7).unwrap();
    assert_eq!(n, 300);
    let all = s
        .list(
            &ListFilter { all_statuses: true, ..ListFilter::default() },
            crate::model::SortKey::Due,
            &crate::model::Page { limit: 1000, ..Default::default() },
        )
        .unwrap();
    assert_eq!(all.len(), 300);
    for k in RequestKind::ALL {
        assert!(all.iter().any(|r| r.kind == *k), "{k}");
    }
    for st in Status::ALL {
        assert!(all.iter().any(|r| r.status == *st), "{st}");
    }
    let today = d(TODAY);
    assert!(all.iter().any(|r| r.is_overdue(today)));
    assert!(all.iter().any(|r| r.is_open() && !r.is_overdue(today)));
    assert!(all.iter().all(|r| r.received_on <= today));
    assert_eq!(audit_count(&s), 1);
    // Figures rebuilt after the bulk load match a recount, and stay right after more changes.
    assert!(s.store.read().stats_drift().unwrap().is_empty());
    let open = all.iter().find(|r| r.is_open() && r.assignee.is_none()).unwrap().reference.clone();
    s.respond(&open, &response(Outcome::NoData), None).unwrap();
    s.reopen(&open, "checked again", None).unwrap();
    s.withdraw(&open, "withdrawn", None).unwrap();
    let c = s.check().unwrap();
    assert!(c.ok(), "the calendar is covered for the next 60 days of 24.11.2026; {:?}", c.integrity);
}

/// A clerk's queue (one office's open requests) is read through an index of open requests,
/// whether or not the database has planner statistics (`aryz demo` and imports leave none;
/// `ANALYZE` in the sqlite3 shell makes them). With an index over every request of an
/// office, SQLite walked all of them to count the open ones: 440 ms for `aryz list` as a
/// clerk on a million requests, and 319 ms for the TUI's first screen (migration 0015).
#[test]
fn an_office_queue_reads_open_requests_only_with_or_without_statistics() {
    use crate::model::{AssigneeFilter, SortKey};
    let mut s = session("root");
    s.demo(2000, 7).unwrap();
    let today = d(TODAY);
    let office = ListFilter { offices: vec![1], ..ListFilter::default() };
    let mine = ListFilter { assignee: AssigneeFilter::Is("aibek".into()), ..office.clone() };
    let filters = [
        ("open", office.clone()),
        ("overdue", ListFilter { overdue_as_of: Some(today), ..office.clone() }),
        ("kind", ListFilter { kinds: vec![RequestKind::Access], ..office.clone() }),
        (
            "due soon",
            ListFilter {
                due_from: Some(today),
                due_to: Some(today + chrono::Days::new(5)),
                ..office.clone()
            },
        ),
        ("mine", mine.clone()),
        ("mine overdue", ListFilter { overdue_as_of: Some(today), ..mine }),
        ("unassigned", ListFilter { assignee: AssigneeFilter::Unassigned, ..office.clone() }),
    ];
    // Every index named is partial, `WHERE is_open = 1`; an assignee's queue (or the
    // unassigned ones) goes through the assignee's index, which also holds the office.
    let open_indexes =
        ["requests_office_open", "requests_open_due", "requests_open_received", "requests_assignee_due"];
    for statistics in [false, true] {
        if statistics {
            s.store.analyze();
        }
        for (name, f) in &filters {
            let wanted: &[&str] =
                if f.assignee == AssigneeFilter::Any { &open_indexes } else { &["requests_assignee_due"] };
            for plan in s.store.plans(f, SortKey::Due) {
                assert!(
                    wanted.iter().any(|i| plan.contains(&format!("INDEX {i} "))),
                    "{name}, statistics {statistics}: {plan}"
                );
            }
        }
    }
}

/// The supervisors' *Awaiting* section reads its count from an index alone and its first
/// page in order, with statistics and without: before migration 0017 the page sorted every
/// waiting request (16 ms for the keystroke into the section on a million requests), and
/// the count read each row to test `is_open`.
#[test]
fn the_awaiting_section_counts_from_an_index_and_reads_its_page_in_order() {
    use crate::model::SortKey;
    let mut s = session("root");
    s.demo(2000, 7).unwrap();
    let f = ListFilter { awaiting_since_before: Some(d(TODAY)), ..ListFilter::default() };
    for statistics in [false, true] {
        if statistics {
            s.store.analyze();
        }
        let plans = s.store.plans(&f, SortKey::Due);
        for (what, plan) in ["count", "capped count"].iter().zip(&plans) {
            assert!(
                plan.contains("USING COVERING INDEX requests_awaiting"),
                "{what}, statistics {statistics}: {plan}"
            );
        }
        let page = &plans[2];
        assert!(
            page.contains("INDEX requests_awaiting_due") && !page.contains("TEMP B-TREE"),
            "page, statistics {statistics}: {page}"
        );
    }
    // And the section lists what it should: waiting longer than the day, open, due first.
    let listed =
        s.list(&f, SortKey::Due, &crate::model::Page { limit: 10_000, ..Default::default() }).unwrap();
    assert!(!listed.is_empty(), "the demo has requests waiting on the subject");
    assert!(listed.iter().all(|r| r.status == Status::AwaitingSubject));
    assert!(listed.windows(2).all(|w| (w[0].due_on, w[0].id.0) <= (w[1].due_on, w[1].id.0)));
    assert_eq!(s.count(&f).unwrap(), listed.len() as i64);
}

/// The monthly report on a fixed data set whose figures were worked out by hand.
///
/// March 2026, as of Wed 15.04.2026:
/// | req | kind        | received | due (binding)       | what happened                        | counts as        |
/// | A   | access      | 02.03    | Wed 01.04           | answered 01.04, exactly on the due day | answered in time |
/// | B   | access      | 02.03    | Wed 01.04           | answered 02.04, one day late         | answered late    |
/// | C   | complaint   | 03.03    | Thu 02.04           | withdrawn 10.03                      | withdrawn        |
/// | D   | correction  | 05.03    | Sat 04.04 → Mon 06.04, extended 10 d → Thu 16.04 | open | open in time, extended |
/// | E   | information | 10.03    | Thu 09.04           | open                                 | open late        |
/// | F   | information | 16.03    | Wed 15.04 (today)   | open                                 | open in time     |
/// | G   | blocking    | 20.03    | Sun 19.04 → Mon 20.04, paused 25.03–30.03 (5 d) → Sat 25.04 → Mon 27.04 | answered 10.04 | answered in time, paused |
/// | H   | access      | 27.02    | —                   | received in February                 | not in the report |
/// | I   | destruction | 31.03    | Thu 30.04           | answered 20.04, after the as-of date | open in time     |
/// Total: received 8; answered in time 2 (A, G); late 1 (B); open in time 3 (D, F, I);
/// open late 1 (E); withdrawn 1 (C); extended 1 (D); paused 1 (G);
/// % in time = (2 + 3) / (2 + 1 + 3 + 1) = 71.4 % (withdrawn C outside the percentage).
#[test]
fn monthly_report_matches_hand_computed_figures() {
    // The figures below were worked by hand on the policy's 30 days alone: the office reads
    // the statutory terms as advisory (the shipped rules' own case is in
    // `statutory_terms_decide_in_time`).
    let mut s = session_with("jyldyz", policy_only_rules());
    let reg = |s: &mut Session, kind: RequestKind, received: &str| {
        s.clock = Clock::fixed(d(received));
        s.register(&request(kind, received), None).unwrap().request.reference
    };
    let answer = |s: &mut Session, r: &str, on: &str| {
        s.clock = Clock::fixed(d(on));
        let mut resp = response(Outcome::Fulfilled);
        resp.responded_on = d(on);
        if matches!(
            s.peek(r).unwrap().request.kind,
            RequestKind::Blocking | RequestKind::Destruction | RequestKind::Correction
        ) {
            resp.actions = vec![(DataCategory::Phone, CategoryAction::Done)];
        }
        s.respond(r, &resp, None).unwrap();
    };
    let h = reg(&mut s, RequestKind::Access, "2026-02-27");
    let a = reg(&mut s, RequestKind::Access, "2026-03-02");
    let b = reg(&mut s, RequestKind::Access, "2026-03-02");
    let c = reg(&mut s, RequestKind::Complaint, "2026-03-03");
    let dd = reg(&mut s, RequestKind::Correction, "2026-03-05");
    let _e = reg(&mut s, RequestKind::Information, "2026-03-10");
    let c_withdrawn = {
        s.clock = Clock::fixed(d("2026-03-10"));
        s.withdraw(&c, "the subject withdrew", None).unwrap()
    };
    assert_eq!(c_withdrawn.closed_on, Some(d("2026-03-10")));
    let _f = reg(&mut s, RequestKind::Information, "2026-03-16");
    let g = reg(&mut s, RequestKind::Blocking, "2026-03-20");
    s.clock = Clock::fixed(d("2026-03-20"));
    assert_eq!(s.extend(&dd, 10, "archive", None).unwrap().due_on, d("2026-04-16"));
    s.clock = Clock::fixed(d("2026-03-25"));
    s.pause(&g, "documents", "waiting for the ID card").unwrap();
    s.clock = Clock::fixed(d("2026-03-30"));
    assert_eq!(s.resume(&g).unwrap().due_on, d("2026-04-27"));
    let i = reg(&mut s, RequestKind::Destruction, "2026-03-31");
    answer(&mut s, &a, "2026-04-01");
    answer(&mut s, &b, "2026-04-02");
    answer(&mut s, &g, "2026-04-10");
    answer(&mut s, &h, "2026-03-20");
    answer(&mut s, &i, "2026-04-20");

    // The figures kept by triggers through every use case above match a recount.
    assert_eq!(s.store.read().stats_drift().unwrap(), Vec::<String>::new());
    let (from, to) = month_range("2026-03").unwrap();
    let rep = s.report(from, to, d("2026-04-15"), crate::model::GroupBy::Kind).unwrap();
    let t = &rep.total;
    assert_eq!(
        (
            t.received,
            t.answered_in_time,
            t.answered_late,
            t.open_in_time,
            t.open_late,
            t.withdrawn,
            t.extended,
            t.paused
        ),
        (8, 2, 1, 3, 1, 1, 1, 1)
    );
    // MoJ: (2 + 3) / (2 + 1 + 3 + 1); the withdrawn C is outside the percentage.
    assert_eq!(t.percent_in_time(), Some(500.0 / 7.0));
    let row = |k: &str| rep.rows.iter().find(|r| r.group.as_deref() == Some(k)).unwrap().clone();
    assert_eq!(
        (row("access").received, row("access").answered_in_time, row("access").answered_late),
        (2, 1, 1)
    );
    assert_eq!(row("access").percent_in_time(), Some(50.0));
    assert_eq!((row("information").open_in_time, row("information").open_late), (1, 1));
    assert_eq!(row("stop_processing").received, 0, "every kind is listed");
    assert_eq!(row("stop_processing").percent_in_time(), None);
    assert_eq!(rep.rows.len(), RequestKind::ALL.len());

    // February: H only, answered in time.
    let (from, to) = month_range("2026-02").unwrap();
    let feb = s.report(from, to, d("2026-04-15"), crate::model::GroupBy::Clerk).unwrap();
    assert_eq!((feb.total.received, feb.total.answered_in_time), (1, 1));
    assert!(
        as_operator(s, "aibek").report(from, to, d("2026-04-15"), crate::model::GroupBy::Kind).is_err(),
        "clerks do not read reports"
    );
}

#[test]
fn digest_groups_overdue_and_due_soon_by_assignee_without_personal_data() {
    let mut s = session("jyldyz");
    s.clock = Clock::fixed(d("2026-10-01"));
    // The governing (earliest binding) deadline decides; as of Tue 24.11 "due soon" runs
    // to Tue 01.12 (5 working days).
    let late =
        s.register(&request(RequestKind::Access, "2026-10-01"), Some("aibek")).unwrap().request.reference; // Art. 17: Thu 08.10 (30 days: 02.11)
    s.clock = Clock::fixed(d("2026-10-26"));
    let complaint =
        s.register(&request(RequestKind::Complaint, "2026-10-26"), None).unwrap().request.reference; // Law 67: Fri 13.11 (30 days: 25.11)
    let _later = s.register(&request(RequestKind::Complaint, "2026-10-26"), Some("nurzat")).unwrap(); // 13.11 too
    s.clock = Clock::fixed(d("2026-11-20"));
    let fresh =
        s.register(&request(RequestKind::Access, "2026-11-20"), Some("nurzat")).unwrap().request.reference; // Art. 17: Fri 27.11
    let dg = s.digest(d("2026-11-24")).unwrap();
    assert_eq!(dg.groups.len(), 3, "{dg:?}");
    assert_eq!(dg.groups[0].assignee.as_deref(), Some("aibek"));
    assert_eq!(dg.groups[0].overdue[0].reference, late);
    assert_eq!(dg.groups[0].overdue[0].days_left, -47, "08.10 → 24.11");
    assert_eq!(dg.groups[1].assignee.as_deref(), Some("nurzat"));
    assert_eq!((dg.groups[1].overdue.len(), dg.groups[1].due_soon.len()), (1, 1));
    assert_eq!(dg.groups[1].due_soon[0].reference, fresh);
    assert_eq!(dg.groups[2].assignee, None);
    assert_eq!(dg.groups[2].overdue[0].reference, complaint);
    assert_eq!(dg.groups[2].overdue[0].days_left, -11, "13.11 → 24.11");
    let json = serde_json::to_string(&dg).unwrap();
    assert!(!json.contains("Test Subject") && !json.contains("21503199012345"));
}

#[test]
fn retention_keeps_every_report_figure() {
    let mut s = session("root");
    s.demo(300, 3).unwrap();
    let as_of = d(TODAY);
    let months = ["2026-05", "2026-06", "2026-07", "2026-08", "2026-09", "2026-10", "2026-11"];
    let figures = |s: &Session| -> Vec<Vec<crate::model::ReportRow>> {
        months
            .iter()
            .flat_map(|m| {
                let (from, to) = month_range(m).unwrap();
                [crate::model::GroupBy::Kind, crate::model::GroupBy::Clerk]
                    .map(|by| s.report(from, to, as_of, by).unwrap().rows)
            })
            .collect()
    };
    let before = figures(&s);
    let dashboard_before = format!("{:?}", s.dashboard(as_of).unwrap());
    s.clock = Clock::fixed(d("2032-06-01"));
    let r = s.retention(5, false).unwrap();
    assert!(r.erased.len() > 100, "most demo requests are closed: {}", r.erased.len());
    let erased = s.peek(&r.erased[0]).unwrap().request;
    assert!(erased.subject.name.is_empty() && erased.subject.pin.is_empty());
    assert_eq!(figures(&s), before, "the monthly report is identical after retention");
    assert_eq!(format!("{:?}", s.dashboard(as_of).unwrap()), dashboard_before);
    let check = s.check().unwrap();
    assert!(check.integrity.is_empty() && check.audit_problem.is_none());
    // In 2032 the calendar has no Ait dates: the check says so (and fails on that alone).
    assert!(matches!(check.calendar[0], crate::domain::calendar::CalendarProblem::Gap { year: 2032, .. }));
}

#[test]
fn awaiting_since_follows_the_last_change_into_awaiting() {
    let mut s = session("jyldyz");
    s.clock = Clock::fixed(d("2026-11-02"));
    let r = s.register(&request(RequestKind::Access, "2026-11-02"), None).unwrap().request.reference;
    s.set_status(&r, StatusTarget::AwaitingSubject, "documents", None).unwrap();
    let waiting = |s: &Session, before: &str| {
        s.count(&ListFilter { awaiting_since_before: Some(d(before)), ..ListFilter::default() }).unwrap()
    };
    assert_eq!(waiting(&s, "2026-11-02"), 0, "not before the day it started");
    assert_eq!(waiting(&s, "2026-11-03"), 1);
    // Back to work and waiting again later: the clock of waiting starts again.
    s.clock = Clock::fixed(d("2026-11-10"));
    s.set_status(&r, StatusTarget::InProgress, "", None).unwrap();
    assert_eq!(waiting(&s, "2026-11-30"), 0, "not awaiting any more");
    s.set_status(&r, StatusTarget::AwaitingSubject, "more documents", None).unwrap();
    assert_eq!(waiting(&s, "2026-11-05"), 0);
    assert_eq!(waiting(&s, "2026-11-11"), 1);
}
