//! The roles matrix through the app's update step: for each role (clerk, supervisor,
//! admin) and each use case the terminal UI reaches, keys drive the app; an allowed use case
//! succeeds, a denied one shows an error and changes nothing (the request, its events and
//! the audit log are the same before and after).

use crate::tui_fixture;

use std::sync::Mutex;

use aryz::domain::deadline::RuleSet;
use aryz::service::{Clock, Session, Settings};
use aryz::store::{ListFilter, Store};
use aryz::tui::app::{App, Context, Overlay};
use aryz::tui::keymap::KeyMap;
use aryz::tui::screens::queue::Section;
use aryz::tui::theme::Theme;
use tui_fixture::*;

/// The rules of this file's office: extending and pausing allowed.
fn roles_rules() -> RuleSet {
    let mut rules = rules_allowing_extension_and_pause();
    // The fixture's requests are past their statutory terms; for extending to be possible
    // at all, this office reads them as advisory and lets the 30 days be extended (the
    // extension rules themselves are tested in the services and CLI tests).
    for r in &mut rules.rule {
        r.binding = r.id == "policy_30d";
        if r.binding {
            r.extension_max_days = Some(30);
            r.extension_basis = "test basis".into();
        }
    }
    rules
}

/// The supervisors' fixture under [`roles_rules`], after the admin's recomputation: built
/// once (migrations, operators, requests), and each case starts from its own in-memory copy,
/// so no case sees another's changes.
fn app_as(login: &str) -> App {
    static BUILT: Mutex<Option<Store>> = Mutex::new(None);
    let mut built = BUILT.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
    if built.is_none() {
        let mut store = fixture_store(true);
        add_supervisor_requests(&mut store);
        let (app, recomputed) = app_under_rules(store, "root", roles_rules());
        assert!(!recomputed.requests.is_empty());
        *built = Some(app.session.into_store());
    }
    let store = built.as_ref().unwrap().in_memory_copy().unwrap();
    drop(built);
    let session =
        Session::with_store(store, login, roles_rules(), Clock::fixed(today()), Settings::default()).unwrap();
    App::new(session, KeyMap::default(), Theme::colour()).unwrap()
}

fn choose_operator(app: &mut App, login: &str) {
    let Some(Overlay::Dialog(d)) = app.overlays.last() else { return };
    let aryz::tui::widgets::form::Input::Choice { options, selected, .. } = &d.form.fields[0].input else {
        return;
    };
    let Some(target) = options.iter().position(|o| o.code == login) else { return };
    let steps = (target as i64 - *selected as i64).rem_euclid(options.len() as i64);
    for _ in 0..steps {
        press(app, &["right"]);
    }
}

/// Everything a denied use case must leave as it was.
#[derive(Debug, PartialEq)]
struct Observed {
    request: Option<String>,
    events: usize,
    audit: i64,
    requests: i64,
}

fn observe(app: &App, reference: Option<&str>) -> Observed {
    let detail = reference.map(|r| app.session.peek(r).unwrap());
    Observed {
        request: detail.as_ref().map(|d| format!("{:?}", d.request)),
        events: detail.as_ref().map_or(0, |d| d.events.len()),
        // Entries are numbered from 1 without gaps: the head's number is their count.
        audit: app.session.audit_head().unwrap().map_or(0, |h| h.id),
        requests: app.session.count(&ListFilter { all_statuses: true, ..ListFilter::default() }).unwrap(),
    }
}

struct Case {
    name: &'static str,
    /// The request the use case acts on (opened first), if any.
    reference: Option<&'static str>,
    /// The key that asks for the use case; when it is refused, nothing else is typed.
    key: &'static str,
    /// What follows in its form or dialog.
    then: fn(&mut App),
    /// Allowed for clerk, supervisor, admin.
    allowed: [bool; 3],
    /// Starts in the queue's Unassigned section with every row marked (instead of a detail).
    marked_unassigned: bool,
    /// A screen that opens when allowed (instead of a change in the database).
    screen: Option<Context>,
}

const OTHERS: &str = "ARZ-2026-000005"; // nurzat's, in progress
const MINE: &str = "ARZ-2026-000001"; // aibek's, in progress
const UNASSIGNED: &str = "ARZ-2026-000004";
const ANSWERED: &str = "ARZ-2026-000006";

fn cases() -> Vec<Case> {
    vec![
        Case {
            name: "register",
            reference: None,
            key: "n",
            then: |app| {
                press(app, &["tab", "tab", "tab", "tab"]);
                type_text(app, "Тестова Гүлнара");
                press(app, &["tab"]);
                type_text(app, "12411199000077");
                // Birth date, then identity (no default): the app's e-signature.
                press(app, &["tab", "tab", "right", "ctrl-s"]);
            },
            allowed: [true, true, true],
            marked_unassigned: false,
            screen: None,
        },
        Case {
            name: "take an unassigned request",
            reference: Some(UNASSIGNED),
            key: "t",
            then: |_| {},
            allowed: [true, true, true],
            marked_unassigned: false,
            screen: None,
        },
        Case {
            name: "assign to another operator",
            reference: Some(UNASSIGNED),
            key: "a",
            then: |app| {
                choose_operator(app, "nurzat");
                press(app, &["ctrl-s"]);
            },
            allowed: [false, true, true],
            marked_unassigned: false,
            screen: None,
        },
        Case {
            name: "bulk-assign marked requests to another operator",
            reference: Some(UNASSIGNED),
            key: "a",
            then: |app| {
                choose_operator(app, "nurzat");
                press(app, &["ctrl-s"]);
            },
            allowed: [false, true, true],
            marked_unassigned: true,
            screen: None,
        },
        Case {
            name: "bulk-take marked unassigned requests",
            reference: Some(UNASSIGNED),
            key: "a",
            then: |app| {
                let me = app.session.operator.login.clone();
                choose_operator(app, &me);
                press(app, &["ctrl-s"]);
            },
            allowed: [true, true, true],
            marked_unassigned: true,
            screen: None,
        },
        Case {
            name: "note on one's own request",
            reference: Some(MINE),
            key: "m",
            then: |app| {
                type_text(app, "Checked the archive");
                press(app, &["ctrl-s"]);
            },
            allowed: [true, true, true],
            marked_unassigned: false,
            screen: None,
        },
        Case {
            name: "note on another clerk's request",
            reference: Some(OTHERS),
            key: "m",
            then: |app| {
                type_text(app, "Checked the archive");
                press(app, &["ctrl-s"]);
            },
            allowed: [false, true, true],
            marked_unassigned: false,
            screen: None,
        },
        Case {
            name: "status of another clerk's request",
            reference: Some(OTHERS),
            key: "s",
            then: |app| press(app, &["enter", "enter"]),
            allowed: [false, true, true],
            marked_unassigned: false,
            screen: None,
        },
        Case {
            name: "answer one's own request",
            reference: Some(MINE),
            key: "r",
            then: |app| press(app, &["ctrl-s", "enter"]),
            allowed: [true, true, true],
            marked_unassigned: false,
            screen: None,
        },
        Case {
            name: "answer another clerk's request",
            reference: Some(OTHERS),
            key: "r",
            then: |app| press(app, &["ctrl-s", "enter"]),
            allowed: [false, true, true],
            marked_unassigned: false,
            screen: None,
        },
        Case {
            name: "withdraw another clerk's request",
            reference: Some(OTHERS),
            key: "w",
            then: |app| {
                type_text(app, "The subject withdrew");
                press(app, &["enter", "right", "enter"]);
            },
            allowed: [false, true, true],
            marked_unassigned: false,
            screen: None,
        },
        Case {
            name: "reopen an answered request",
            reference: Some(ANSWERED),
            key: "o",
            then: |app| {
                type_text(app, "The answer missed the income records");
                press(app, &["enter", "right", "enter"]);
            },
            allowed: [false, true, true],
            marked_unassigned: false,
            screen: None,
        },
        Case {
            name: "extend another clerk's deadline",
            reference: Some(OTHERS),
            key: "e",
            then: |app| {
                press(app, &["tab"]);
                type_text(app, "Records from the archive");
                press(app, &["ctrl-s", "enter"]);
            },
            allowed: [false, true, true],
            marked_unassigned: false,
            screen: None,
        },
        Case {
            name: "pause another clerk's request",
            reference: Some(OTHERS),
            key: "p",
            then: |app| {
                press(app, &["tab"]);
                type_text(app, "Waiting for a copy of the ID card");
                press(app, &["ctrl-s"]);
            },
            allowed: [false, true, true],
            marked_unassigned: false,
            screen: None,
        },
        Case {
            name: "dashboard",
            reference: None,
            key: "D",
            then: |_| {},
            allowed: [false, true, true],
            marked_unassigned: false,
            screen: Some(Context::Dashboard),
        },
        Case {
            name: "monthly report",
            reference: None,
            key: "M",
            then: |_| {},
            allowed: [false, true, true],
            marked_unassigned: false,
            screen: Some(Context::Report),
        },
        Case {
            name: "audit log",
            reference: None,
            key: "A",
            then: |_| {},
            allowed: [false, true, true],
            marked_unassigned: false,
            screen: Some(Context::Audit),
        },
    ]
}

#[test]
fn every_role_and_use_case_through_the_update_step() {
    let mut failures = Vec::new();
    for case in cases() {
        for (i, login) in ["aibek", "jyldyz", "root"].into_iter().enumerate() {
            let mut app = app_as(login);
            if let Some(r) = case.reference {
                app.open(r);
                assert_eq!(app.context(), Context::Detail, "{login} opens {r}: {:?}", app.message);
            }
            if case.marked_unassigned {
                press(&mut app, &["esc"]);
                while app.queue.section() != Section::Unassigned {
                    press(&mut app, &["tab"]);
                }
                press(&mut app, &["V"]);
            }
            let before = observe(&app, case.reference);
            press(&mut app, &[case.key]);
            if !app.message.as_ref().is_some_and(|m| m.is_error) {
                (case.then)(&mut app);
            }
            let after = observe(&app, case.reference);
            let error = app.message.as_ref().filter(|m| m.is_error).map(|m| m.text.clone());
            let what = format!("{login} ({}) · {}", ["clerk", "supervisor", "admin"][i], case.name);
            if case.allowed[i] {
                let done = match case.screen {
                    Some(c) => app.context() == c,
                    None => after.audit > before.audit && before != after,
                };
                if !done || error.is_some() {
                    failures.push(format!("{what}: should succeed; message {error:?}"));
                }
            } else if error.is_none() || before != after || case.screen.is_some_and(|c| app.context() == c) {
                let changed = if before == after { "nothing changed" } else { "CHANGED" };
                failures.push(format!(
                    "{what}: should be refused with an error and change nothing; message {error:?}, {changed}, \
                     audit {} → {}",
                    before.audit, after.audit
                ));
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

/// A refused key says why: the reason the service gives (issue 13), shown on the screen.
/// A clerk withdrawing another clerk's request is told the role (not the status), an
/// extension the rules forbid is told the rules, and a passed deadline its date.
#[test]
fn refusals_name_the_real_reason() {
    let refusal = |app: &App| {
        let m = app.message.clone().expect("a message");
        assert!(m.is_error, "{}", m.text);
        assert!(screen(app, 120, 35).contains(&m.text[..20]), "the message is on the screen");
        m.text
    };
    let mut clerk = app("aibek", true);
    clerk.open(OTHERS);
    let before = observe(&clerk, Some(OTHERS));
    press(&mut clerk, &["w"]);
    let text = refusal(&clerk);
    assert!(text.contains("a clerk may not do this, it needs a supervisor"), "{text}");
    assert!(!text.contains("in progress"), "{text}");
    assert_eq!(observe(&clerk, Some(OTHERS)), before);
    assert!(!clerk.bar_commands().contains(&aryz::tui::action::Command::Withdraw));

    // The shipped rules allow no extension: the rules are the reason, on the clerk's own.
    let mut clerk = app("aibek", true);
    clerk.open(MINE);
    press(&mut clerk, &["e"]);
    let text = refusal(&clerk);
    assert!(text.contains("the deadline rules in force do not allow extensions"), "{text}");
    assert!(!text.contains("in progress"), "{text}");

    // Rules that allow it, on a request whose governing deadline has passed: its date.
    let mut clerk = app_as("aibek");
    clerk.open(MINE);
    let due = clerk.session.peek(MINE).unwrap().request.due_on;
    press(&mut clerk, &["e"]);
    assert!(due < today(), "the fixture's request is past its deadline ({due})");
    let text = refusal(&clerk);
    assert!(text.contains(&due.format("%d.%m.%Y").to_string()) && text.contains("has passed"), "{text}");
}
