//! Offices in the use cases (issue 14 item 4): who sees and acts on which office's requests.

use super::*;
use crate::model::{GroupBy, OfficeScope};

/// The shared set-up plus an office OSH with clerk `osh-clerk` and supervisor `osh-sup`,
/// and one request in each office; a session as `login`.
fn two_offices(login: &str) -> (Session, String, String) {
    let mut s = session("root");
    s.add_office("osh", "Osh (example)", "", "", false).unwrap();
    s.add_operator_in("osh-clerk", Role::Clerk, "", Some("OSH")).unwrap();
    s.add_operator_in("osh-sup", Role::Supervisor, "", Some("OSH")).unwrap();
    let main = s.register(&request(RequestKind::Access, "2026-11-23"), None).unwrap().request.reference;
    let mut new = request(RequestKind::Access, "2026-11-23");
    new.office = Some(s.office("OSH").unwrap().id);
    new.subject.pin = "21503199012346".into();
    let osh = s.register(&new, None).unwrap().request.reference;
    (as_operator(s, login), main, osh)
}

#[test]
fn a_clerk_sees_and_acts_only_on_their_office() {
    let (mut s, main, osh) = two_offices("osh-clerk");
    assert_eq!(s.scope(), OfficeScope::Only(s.office("OSH").unwrap().id));
    let all = ListFilter { all_statuses: true, ..ListFilter::default() };
    assert_eq!(s.count(&all).unwrap(), 1);
    let rows = s
        .list(&all, crate::model::SortKey::Due, &crate::model::Page { after: None, before: None, limit: 50 })
        .unwrap();
    assert_eq!(rows.iter().map(|r| r.reference.clone()).collect::<Vec<_>>(), vec![osh.clone()]);
    assert!(matches!(s.peek(&main), Err(Error::OtherOffice { .. })));
    assert!(matches!(s.note(&main, "x", false), Err(Error::OtherOffice { .. })));
    assert!(matches!(s.assign(&main, "osh-clerk", None), Err(Error::OtherOffice { .. })));
    // Asking for another office is refused, naming it, rather than showing nothing.
    let main_id = crate::model::DEFAULT_OFFICE;
    let other = ListFilter { offices: vec![main_id], ..all.clone() };
    assert!(matches!(s.count(&other), Err(Error::OfficeOutOfScope { .. })));
    s.note(&osh, "fine", false).unwrap();
    s.assign(&osh, "osh-clerk", None).unwrap();
    // Registering puts the request in the clerk's office; choosing another is refused.
    let mut new = request(RequestKind::Access, "2026-11-23");
    new.subject.pin = "21503199012347".into();
    let r = s.register(&new, None).unwrap().request;
    assert_eq!(r.office, s.office("OSH").unwrap().id);
    new.office = Some(main_id);
    assert!(matches!(s.register(&new, None), Err(Error::OfficeOutOfScope { .. })));
    // The permissions the detail screen shows say why.
    let head = as_operator(s, "aibek");
    let mine = head.peek(&main).unwrap().request;
    let theirs_r = head.peek(&osh);
    assert!(
        matches!(theirs_r, Err(Error::OtherOffice { .. })),
        "a head-office clerk sees the head office only"
    );
    assert!(head.may(&mine, crate::service::permissions::RequestAction::Note).is_ok());
}

#[test]
fn supervisors_see_their_office_or_all_from_the_head_office() {
    let (s, main, osh) = two_offices("osh-sup");
    assert!(matches!(s.peek(&main), Err(Error::OtherOffice { .. })));
    assert!(s.peek(&osh).is_ok());
    // A regional supervisor's dashboard and backlog are their own office's kept figures.
    let theirs = s.dashboard(d(TODAY)).unwrap();
    assert_eq!(theirs.counts.open, 1);
    assert_eq!(theirs.kinds.iter().map(|k| k.received).sum::<i64>(), 1);
    assert_eq!(theirs.backlog.last().map(|b| b.open), Some(1));
    assert_eq!(s.backlog(30, d(TODAY)).unwrap().days.last().map(|b| b.open), Some(1));
    let main_id = crate::model::DEFAULT_OFFICE;
    assert!(matches!(s.dashboard_in(d(TODAY), &[main_id]), Err(Error::OfficeOutOfScope { .. })));
    assert!(matches!(s.backlog_in(30, d(TODAY), &[main_id]), Err(Error::OfficeOutOfScope { .. })));
    let rep = s.report(d("2026-11-01"), d("2026-11-30"), d(TODAY), GroupBy::Kind).unwrap();
    assert_eq!(rep.total.received, 1, "the report of one office");
    let osh_id = s.office("OSH").unwrap().id;
    let s = as_operator(s, "jyldyz");
    // The head office sees every office, or one: the same figures as that office's own.
    let every = s.dashboard(d(TODAY)).unwrap();
    assert_eq!(every.counts.open, 2);
    assert_eq!(every.kinds.iter().map(|k| k.received).sum::<i64>(), 2);
    let one = s.dashboard_in(d(TODAY), &[osh_id]).unwrap();
    assert_eq!(format!("{one:?}"), format!("{theirs:?}"));
    assert_eq!(s.backlog_in(30, d(TODAY), &[osh_id]).unwrap().days.last().map(|b| b.open), Some(1));
    assert_eq!(s.scope(), OfficeScope::All);
    assert!(s.peek(&main).is_ok() && s.peek(&osh).is_ok());
    let rep = s.report(d("2026-11-01"), d("2026-11-30"), d(TODAY), GroupBy::Office).unwrap();
    let by: Vec<(Option<String>, i64)> = rep.rows.iter().map(|r| (r.group.clone(), r.received)).collect();
    assert_eq!(by, vec![(Some("MAIN".into()), 1), (Some("OSH".into()), 1)]);
    let digest = as_operator(s, "osh-sup").digest(d(TODAY)).unwrap();
    assert_eq!(digest.totals.open, 1);
}

#[test]
fn moving_a_request_is_audited_and_for_head_office_supervisors() {
    let (s, main, _) = two_offices("osh-sup");
    let mut s = as_operator(s, "jyldyz");
    s.assign(&main, "aibek", None).unwrap();
    let r = s.move_request(&main, "osh", "subject lives in Osh").unwrap();
    assert_eq!(r.office, s.office("OSH").unwrap().id);
    assert_eq!(r.assignee, None, "a clerk of the head office would no longer see it");
    let events = s.peek(&main).unwrap().events;
    assert!(events.iter().any(|e| e.kind == EventKind::Moved && e.new.as_deref() == Some("OSH")));
    assert!(s.verify_audit().unwrap().1.is_none());
    // Its figures moved with it: Osh's dashboard counts both requests, the head office's none.
    let osh_id = s.office("OSH").unwrap().id;
    let main_id = crate::model::DEFAULT_OFFICE;
    assert_eq!(s.dashboard_in(d(TODAY), &[osh_id]).unwrap().counts.open, 2);
    let here = s.dashboard_in(d(TODAY), &[main_id]).unwrap();
    assert_eq!((here.counts.open, here.kinds.iter().map(|k| k.received).sum::<i64>()), (0, 0));
    assert_eq!(s.backlog_in(30, d(TODAY), &[main_id]).unwrap().days.last().map(|b| b.open), Some(0));
    assert!(s.store.read().figures_drift().unwrap().is_empty());
    assert!(s.store.read().stats_drift().unwrap().is_empty());
    assert!(matches!(s.move_request(&main, "OSH", ""), Err(Error::Invalid(_))), "already there");
    let mut osh_sup = as_operator(s, "osh-sup");
    assert!(matches!(osh_sup.move_request(&main, "MAIN", ""), Err(Error::Forbidden { .. })));
    let mut clerk = as_operator(osh_sup, "osh-clerk");
    assert!(matches!(clerk.move_request(&main, "MAIN", ""), Err(Error::Forbidden { .. })));
}

#[test]
fn offices_are_data_an_admin_edits() {
    let (s, _, _) = two_offices("osh-clerk");
    let mut clerk = s;
    assert!(matches!(clerk.add_office("x", "", "", "", false), Err(Error::Forbidden { .. })));
    let mut s = as_operator(clerk, "root");
    assert!(s.add_office("bad code!", "", "", "", false).is_err());
    assert!(s.add_office("OSH", "", "", "", false).is_err(), "codes are unique");
    let edit = OfficeEdit { active: Some(false), ..OfficeEdit::default() };
    assert!(s.edit_office("MAIN", &edit).is_err(), "the default office stays");
    assert!(s.edit_office("OSH", &edit).is_err(), "it still has operators and open requests");
    let kar = s.add_office("kar", "Karakol (example)", "", "", false).unwrap();
    let off = s.edit_office("KAR", &edit).unwrap();
    assert_eq!((off.id, off.active), (kar.id, false));
    assert!(s.add_operator_in("x", Role::Clerk, "", Some("KAR")).is_err(), "inactive office");
}
