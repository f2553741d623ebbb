//! The case file (issue 15): safe disclosure, attachments, duplicates, representatives.

use super::*;
use crate::domain::outcome::IdentityAtAnswer;

fn unverified(s: &mut Session, kind: RequestKind) -> String {
    let mut new = request(kind, "2026-11-23");
    new.identity = IdentityMethod::NotVerified;
    s.register(&new, None).unwrap().request.reference
}

#[test]
fn disclosing_to_an_unverified_subject_is_refused_and_changes_nothing() {
    let mut s = session("aibek");
    for kind in [RequestKind::Access, RequestKind::Information] {
        for outcome in [Outcome::Fulfilled, Outcome::PartiallyFulfilled] {
            let r = unverified(&mut s, kind);
            let before = snapshot(&s, &r);
            let mut resp = response(outcome);
            if outcome == Outcome::PartiallyFulfilled {
                resp.ground = Some("art15_state_security".into());
            }
            let e = s.respond(&r, &resp, None).unwrap_err();
            assert!(matches!(e, Error::IdentityNotVerified { .. }), "{kind} {outcome}: {e}");
            assert!(e.to_string().contains("--identity-override"), "{e}");
            assert_eq!(snapshot(&s, &r), before, "nothing written");
        }
    }
    // Answers that disclose nothing go through.
    let r = unverified(&mut s, RequestKind::Access);
    s.respond(&r, &response(Outcome::NoData), None).unwrap();
    let r = unverified(&mut s, RequestKind::Correction);
    s.respond(&r, &response(Outcome::Fulfilled), None).unwrap();
}

#[test]
fn verified_at_answer_records_the_method_and_an_event() {
    let mut s = session("aibek");
    let r = unverified(&mut s, RequestKind::Access);
    let mut resp = response(Outcome::Fulfilled);
    resp.identity =
        IdentityAtAnswer { verified_by: Some(IdentityMethod::DocumentPresented), override_reason: None };
    let done = s.respond(&r, &resp, None).unwrap();
    assert_eq!(done.identity, IdentityMethod::DocumentPresented);
    let d = s.peek(&r).unwrap();
    let ev = d.events.iter().find(|e| e.kind == EventKind::IdentityVerified).unwrap();
    assert_eq!(ev.old.as_deref(), Some("not_verified"));
    assert_eq!(ev.new.as_deref(), Some("document_presented"));
    audit_count(&s);
}

#[test]
fn only_a_supervisor_overrides_and_the_override_is_audited() {
    let mut s = session("aibek");
    let r = unverified(&mut s, RequestKind::Access);
    let mut resp = response(Outcome::Fulfilled);
    resp.identity.override_reason = Some("known to the office in person".into());
    let e = s.respond(&r, &resp, None).unwrap_err();
    assert!(matches!(e, Error::Forbidden { .. }), "{e}");
    let mut s = as_operator(s, "jyldyz");
    let done = s.respond(&r, &resp, None).unwrap();
    assert_eq!(done.identity, IdentityMethod::NotVerified, "the override does not pretend a check");
    let log = s
        .store
        .read()
        .audit_entries(&crate::model::AuditFilter { limit: 100, ..Default::default() })
        .unwrap();
    let o = log.iter().find(|a| a.action == "identity_override").expect("an entry of its own");
    assert_eq!(o.target, r);
    assert_eq!(o.detail, "known to the office in person");
    let d = s.peek(&r).unwrap();
    assert!(d.events.iter().any(|e| e.kind == EventKind::Note && e.text.contains("override")));
    audit_count(&s);
}
