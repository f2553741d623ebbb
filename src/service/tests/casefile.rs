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

use crate::domain::attachment::{AttachmentKind, NewAttachment};

fn file(kind: AttachmentKind, name: &str, data: &[u8]) -> NewAttachment {
    NewAttachment::new(kind, name, data.to_vec(), 1024).unwrap()
}

#[test]
fn attachments_are_numbered_stored_once_and_audited() {
    let mut s = session("jyldyz");
    let a = s.register(&request(RequestKind::Access, "2026-11-23"), None).unwrap().request.reference;
    let mut other = request(RequestKind::Access, "2026-11-23");
    other.subject.pin = "11503199012345".into();
    let b = s.register(&other, None).unwrap().request.reference;
    let one = s.attach(&a, &file(AttachmentKind::RequestScan, "scan.pdf", b"%PDF-1.4 test")).unwrap();
    let two = s.attach(&a, &file(AttachmentKind::Other, "scan.pdf", b"%PDF-1.4 test")).unwrap();
    s.attach(&b, &file(AttachmentKind::IdentityDocument, "id.jpg", b"%PDF-1.4 test")).unwrap();
    assert_eq!((one.n, two.n), (1, 2));
    assert_eq!(one.sha256, two.sha256);
    let list = s.attachments(&a).unwrap();
    assert_eq!(list.len(), 2);
    assert_eq!(s.attachments(&b).unwrap()[0].n, 1, "numbered per request");
    // That the content is stored once is checked on the file (cli_casefile).
    // Over the limit, or one byte short of it, through the session's own limit.
    s.settings.attachment_max_mb = 1;
    let limit = s.attachment_limit() as usize;
    let at = NewAttachment::new(AttachmentKind::Other, "big.bin", vec![7; limit], limit as u64).unwrap();
    s.attach(&a, &at).unwrap();
    let over = NewAttachment { data: vec![7; limit + 1], ..at };
    let before = snapshot(&s, &a);
    assert!(matches!(s.attach(&a, &over), Err(Error::Invalid(f)) if f.field == "file"));
    assert_eq!(snapshot(&s, &a), before);
    audit_count(&s);
}

#[test]
fn similar_requests_and_closing_as_a_duplicate() {
    let mut s = session("jyldyz");
    let first = s.register(&request(RequestKind::Access, "2026-10-01"), None).unwrap();
    assert!(first.warnings.iter().all(|w| w.field != "duplicate"));
    // Open and of the same kind (though received 54 days ago): named.
    let (w, _) = s.check_new_request(&request(RequestKind::Access, "2026-11-24")).unwrap();
    assert!(
        w.iter().any(|w| w.field == "duplicate" && w.to_string().contains(&first.request.reference)),
        "{w:?}"
    );
    // Another kind, received more than 30 days ago: not named.
    let (w, _) = s.check_new_request(&request(RequestKind::Correction, "2026-11-24")).unwrap();
    assert!(w.iter().all(|w| w.field != "duplicate"), "{w:?}");
    let second = s.register(&request(RequestKind::Access, "2026-11-24"), None).unwrap().request.reference;
    let closed = s.close_as_duplicate(&second, &first.request.reference, None).unwrap();
    assert_eq!(closed.status, Status::Withdrawn);
    assert_eq!(s.links(&second).unwrap(), (Some(first.request.reference.clone()), vec![]));
    assert_eq!(s.links(&first.request.reference).unwrap(), (None, vec![second.clone()]));
    // A duplicate of a duplicate points to the original instead.
    let third = s.register(&request(RequestKind::Access, "2026-11-24"), None).unwrap().request.reference;
    assert!(matches!(s.close_as_duplicate(&third, &second, None), Err(Error::Invalid(_))));
    // Outside "% in time", counted with the withdrawn.
    let rep = s.report(d("2026-10-01"), d("2026-11-30"), d(TODAY), crate::model::GroupBy::Kind).unwrap();
    assert_eq!(rep.total.withdrawn, 1);
    audit_count(&s);
}
