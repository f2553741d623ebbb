//! The permission matrix (role × status × assignee × rules) and its agreement with the use
//! cases: for every case the service refuses exactly when [`check`] does, with the error
//! of the refusal's kind, so the command line and the terminal UI cannot disagree.

use chrono::NaiveDate;

use super::*;
use crate::domain::deadline::SHIPPED_RULES;
use crate::domain::kind::{Channel, DataCategory, IdentityMethod, Language, RequestKind};
use crate::domain::outcome::{Outcome, Response};
use crate::domain::request::{NewRequest, Subject};
use crate::i18n::{Lang, set_thread_language};
use crate::service::{Clock, Session, Settings, StatusTarget};
use crate::store::Store;

const TODAY: &str = "2026-11-24";

fn d(s: &str) -> NaiveDate {
    s.parse().unwrap()
}

/// Shipped rules, or rules under which extending and pausing are possible (the 30 days
/// alone bind and may be extended by 30 days).
fn rules(lenient: bool) -> RuleSet {
    if !lenient {
        return RuleSet::shipped();
    }
    let text = SHIPPED_RULES
        .replace("[extension]\nallowed = false", "[extension]\nallowed = true")
        .replace("[pause]\nallowed = false", "[pause]\nallowed = true");
    let mut rules = RuleSet::parse(&text).unwrap();
    for r in &mut rules.rule {
        r.binding = r.id == "policy_30d";
        if r.binding {
            r.extension_max_days = Some(30);
            r.extension_basis = "test basis".into();
        }
    }
    rules
}

fn session(login: &str, rules: RuleSet) -> Session {
    let mut store = Store::in_memory().unwrap();
    store
        .write(|tx| {
            tx.set_meta(crate::service::DEV_IDENTITY_KEY, "1")?;
            for (l, r) in [
                ("root", Role::Admin),
                ("jyldyz", Role::Supervisor),
                ("aibek", Role::Clerk),
                ("nurzat", Role::Clerk),
            ] {
                tx.insert_operator(&Operator::new(l, "", r), "now")?;
            }
            tx.audit("now", "root", "init", "", "")?;
            Ok::<_, crate::store::StoreError>(())
        })
        .unwrap();
    Session::with_store(store, login, rules, Clock::fixed(d(TODAY)), Settings::default()).unwrap()
}

fn as_operator(mut s: Session, login: &str) -> Session {
    s.operator = s.store.read().operator(login).unwrap().unwrap();
    s
}

fn new_request(received: &str) -> NewRequest {
    NewRequest {
        kind: RequestKind::Access,
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

fn answer() -> Response {
    Response {
        outcome: Outcome::Fulfilled,
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

/// Registers a request assigned to `assignee` and brings it to `status` as the admin.
fn make(admin: &mut Session, assignee: Option<&str>, status: Status, paused: bool) -> SubjectRequest {
    let reg = admin.register(&new_request("2026-11-23"), assignee).unwrap();
    let reference = reg.request.reference.clone();
    match status {
        Status::New => {}
        Status::InProgress => drop(admin.set_status(&reference, StatusTarget::InProgress, "", None).unwrap()),
        Status::AwaitingSubject => {
            drop(admin.set_status(&reference, StatusTarget::AwaitingSubject, "", None).unwrap());
        }
        Status::Answered => drop(admin.respond(&reference, &answer(), None).unwrap()),
        Status::Withdrawn => drop(admin.withdraw(&reference, "subject withdrew", None).unwrap()),
    }
    if paused {
        drop(admin.pause(&reference, "documents", "waiting for documents").unwrap());
    }
    admin.peek(&reference).unwrap().request
}

/// Runs the use case of `action` on `r` as the session's operator.
fn run(s: &mut Session, r: &SubjectRequest, action: RequestAction) -> crate::service::Result<()> {
    let reference = r.reference.as_str();
    let me = s.operator.login.clone();
    match action {
        RequestAction::Respond => s.respond(reference, &answer(), None).map(drop),
        RequestAction::Assign => {
            s.assign(reference, if me == "nurzat" { "aibek" } else { "nurzat" }, None).map(drop)
        }
        RequestAction::Take => s.assign(reference, &me, None).map(drop),
        RequestAction::ChangeStatus => {
            let target = if r.status == Status::AwaitingSubject {
                StatusTarget::InProgress
            } else {
                StatusTarget::AwaitingSubject
            };
            s.set_status(reference, target, "", None).map(drop)
        }
        RequestAction::Note => s.note(reference, "a note", false).map(drop),
        RequestAction::Extend => s.extend(reference, 5, "more time", None).map(drop),
        RequestAction::Pause => s.pause(reference, "documents", "waiting").map(drop),
        RequestAction::Resume => s.resume(reference).map(drop),
        RequestAction::Withdraw => s.withdraw(reference, "subject withdrew", None).map(drop),
        RequestAction::Reopen => s.reopen(reference, "more to do", None).map(drop),
        // What the letter itself lacks is not a permission: only the refusal counts here.
        RequestAction::Letter => {
            let kit = crate::letters::Kit::shipped().unwrap();
            let spec = crate::letters::LetterSpec {
                letter_type: crate::letters::LetterType::Acknowledgement,
                lang: None,
                format: crate::letters::LetterFormat::Txt,
            };
            match s.preview_letter(reference, spec, &kit, &std::collections::BTreeMap::default()) {
                Err(e @ crate::service::Error::NotYours { .. }) => Err(e),
                _ => Ok(()),
            }
        }
    }
}

/// The error a refusal becomes, by kind.
fn same_kind(refusal: &Refusal, e: &crate::service::Error) -> bool {
    use crate::service::Error as E;
    matches!(
        (refusal, e),
        (Refusal::Role { .. }, E::Forbidden { .. })
            | (Refusal::NotYours { .. }, E::NotYours { .. })
            | (Refusal::Status { .. }, E::Transition { .. })
            | (Refusal::Rules(_), E::NotAllowedByRules(_))
    )
}

const STATUSES: [Status; 5] =
    [Status::New, Status::InProgress, Status::AwaitingSubject, Status::Answered, Status::Withdrawn];

/// Every status × assignee × rules × pause for `login`: the use case succeeds exactly when
/// the permission allows it, and its error is the refusal's kind. The shipped rules are
/// tried only on the actions they govern (extend, pause); the rest do not depend on them.
fn agreement(login: &str) -> usize {
    let mut checked = 0;
    for lenient in [false, true] {
        let mut admin = session("root", rules(lenient));
        for assignee in [None, Some("aibek"), Some("nurzat")] {
            for status in STATUSES {
                for paused in [false, true] {
                    if paused && (!lenient || !matches!(status, Status::New | Status::InProgress)) {
                        continue;
                    }
                    for action in RequestAction::ALL {
                        if !lenient && !matches!(action, RequestAction::Extend | RequestAction::Pause) {
                            continue;
                        }
                        let r = make(&mut admin, assignee, status, paused);
                        let mut s = as_operator(admin, login);
                        let expected = s.may(&r, action);
                        let got = run(&mut s, &r, action);
                        let case = format!(
                            "{login} {action:?} on {status:?} assigned {assignee:?} paused {paused} lenient {lenient}"
                        );
                        match (&expected, &got) {
                            // Taking one's own request again changes nothing and succeeds;
                            // the screen does not offer it.
                            (Ok(()) | Err(Refusal::Rules(RuleRefusal::AlreadyYours)), Ok(())) => {}
                            (Err(refusal), Err(e)) => {
                                assert!(same_kind(refusal, e), "{case}: {refusal:?} but {e}");
                            }
                            _ => panic!("{case}: permission {expected:?}, use case {got:?}"),
                        }
                        checked += 1;
                        admin = as_operator(s, "root");
                    }
                }
            }
        }
    }
    checked
}

#[test]
fn a_clerks_use_cases_refuse_exactly_what_the_permissions_refuse() {
    assert_eq!(agreement("aibek"), 3 * (5 * 2 + 7 * 11));
}

#[test]
fn a_supervisors_use_cases_refuse_exactly_what_the_permissions_refuse() {
    assert_eq!(agreement("jyldyz"), 3 * (5 * 2 + 7 * 11));
}

/// Admins may do whatever supervisors may: the roles are ordered.
#[test]
fn an_admin_may_what_a_supervisor_may() {
    let mut admin = session("root", rules(true));
    let today = d(TODAY);
    let lenient = rules(true);
    for status in STATUSES {
        for assignee in [None, Some("aibek")] {
            let r = make(&mut admin, assignee, status, false);
            for action in RequestAction::ALL {
                let sup = check(&op("jyldyz", Role::Supervisor), &r, &lenient, today, action);
                let adm = check(&op("root", Role::Admin), &r, &lenient, today, action);
                assert_eq!(sup, adm, "{action:?} on {status:?}");
            }
        }
    }
}

fn op(login: &str, role: Role) -> Operator {
    Operator::new(login, "", role)
}

/// The measured defect: a clerk withdrawing another clerk's request was told about the
/// status; the reason is the role.
#[test]
fn the_role_comes_before_the_assignee_and_the_status() {
    let mut admin = session("root", rules(false));
    let r = make(&mut admin, Some("nurzat"), Status::InProgress, false);
    let aibek = op("aibek", Role::Clerk);
    let today = d(TODAY);
    let shipped = rules(false);
    assert_eq!(
        check(&aibek, &r, &shipped, today, RequestAction::Withdraw),
        Err(Refusal::Role { role: Role::Clerk, needed: Role::Supervisor })
    );
    assert_eq!(
        check(&aibek, &r, &shipped, today, RequestAction::Respond),
        Err(Refusal::NotYours { assignee: "nurzat".into() })
    );
    let closed = make(&mut admin, Some("nurzat"), Status::Answered, false);
    let jyldyz = op("jyldyz", Role::Supervisor);
    assert_eq!(
        check(&jyldyz, &closed, &shipped, today, RequestAction::Withdraw),
        Err(Refusal::Status { status: Status::Answered })
    );
    assert_eq!(check(&jyldyz, &closed, &shipped, today, RequestAction::Reopen), Ok(()));
    assert_eq!(
        check(&op("nurzat", Role::Clerk), &closed, &shipped, today, RequestAction::Reopen),
        Err(Refusal::Role { role: Role::Clerk, needed: Role::Supervisor })
    );
}

/// Extensions: off in the rules, used up, past the deadline, or another deadline first —
/// each its own reason.
#[test]
fn extension_refusals_name_the_rule() {
    let mut admin = session("root", rules(true));
    let aibek = op("aibek", Role::Clerk);
    let mut r = make(&mut admin, Some("aibek"), Status::InProgress, false);
    let today = d(TODAY);
    assert_eq!(
        check(&aibek, &r, &rules(false), today, RequestAction::Extend),
        Err(Refusal::Rules(RuleRefusal::ExtensionsOff))
    );
    let lenient = rules(true);
    assert_eq!(check(&aibek, &r, &lenient, today, RequestAction::Extend), Ok(()));
    let due = r.due_on;
    assert!(matches!(
        check(&aibek, &r, &lenient, due.succ_opt().unwrap(), RequestAction::Extend),
        Err(Refusal::Rules(RuleRefusal::DeadlinePassed { due: d })) if d == due
    ));
    r.extensions = lenient.extension.max_times;
    assert_eq!(
        check(&aibek, &r, &lenient, today, RequestAction::Extend),
        Err(Refusal::Rules(RuleRefusal::ExtensionsUsed { done: r.extensions, max: r.extensions }))
    );
    r.extensions = 0;
    for dl in &mut r.deadlines {
        dl.binding = true;
    }
    assert!(matches!(
        check(&aibek, &r, &lenient, today, RequestAction::Extend),
        Err(Refusal::Rules(RuleRefusal::RuleNotExtendable { .. } | RuleRefusal::AnotherDeadlineFirst { .. }))
    ));
}

/// Each refusal reads in every language, with its reason and without placeholders left.
#[test]
fn refusals_read_in_every_language() {
    let refusals = [
        Refusal::Role { role: Role::Clerk, needed: Role::Supervisor },
        Refusal::NotYours { assignee: "nurzat".into() },
        Refusal::Status { status: Status::InProgress },
        Refusal::Rules(RuleRefusal::ExtensionsOff),
        Refusal::Rules(RuleRefusal::DeadlinePassed { due: d(TODAY) }),
    ];
    for lang in [Lang::En, Lang::Ru, Lang::Ky] {
        set_thread_language(Some(lang));
        for r in &refusals {
            let text = r.text("Withdraw");
            assert!(text.contains("Withdraw") && !text.contains('{'), "{lang:?}: {text}");
        }
    }
    set_thread_language(Some(Lang::En));
    assert!(refusals[0].text("X").contains("supervisor"));
    assert!(refusals[1].text("X").contains("nurzat"));
    assert!(refusals[4].text("X").contains("24.11.2026"));
    set_thread_language(None);
}
