//! Offices in the terminal UI (issue 14 item 4): the queue's office filter offers the
//! offices the operator sees (none to choose for one office), and a head-office supervisor
//! or an administrator moves a request to another office from its detail through the same
//! use case as `aryz move`; everyone else is refused with the service's reason and is not
//! shown the key.

use crate::tui_fixture;

use aryz::domain::kind::{RequestKind, Role};
use aryz::i18n::{Lang, set_thread_language};
use aryz::store::EventKind;
use aryz::tui::app::{App, Overlay, Screen};
use aryz::tui::keymap::KeyMap;
use aryz::tui::screens::dialog::fields::{FilterField, MoveField};
use aryz::tui::theme::Theme;
use aryz::tui::widgets::field_id::FieldId;
use tui_fixture::*;

const FIRST: &str = "ARZ-2026-000001";

/// The fixture's requests in the head office, office OSH with its supervisor `osh-sup`
/// and one request of its own; the app as `login`.
fn app_with_offices(login: &str) -> App {
    let store = fixture_store(true);
    let mut root = session_on(store, "root");
    root.add_office("OSH", "Osh (example)", "Ош (мисал)", "Ош (пример)", false).unwrap();
    root.add_operator_in("osh-sup", Role::Supervisor, "Osh Test-Supervisor", Some("OSH")).unwrap();
    let mut new = new_request(RequestKind::Access, "2026-11-20", "Osh Testov", "21503199100123");
    new.office = Some(root.office("OSH").unwrap().id);
    root.register(&new, None).unwrap();
    App::new(session_on(root.into_store(), login), KeyMap::default(), Theme::colour()).unwrap()
}

fn dialog(app: &App) -> &aryz::tui::screens::dialog::DialogState {
    match app.overlays.last() {
        Some(Overlay::Dialog(d)) => d,
        other => panic!("no dialog: {other:?} ({:?})", app.message),
    }
}

/// Moves focus to `field`.
fn focus(app: &mut App, field: impl FieldId) {
    for _ in 0..20 {
        if dialog(app).form.focused().is_some_and(|f| f.id == field.id().as_ref()) {
            return;
        }
        press(app, &["tab"]);
    }
    panic!("no field {}", field.id());
}

/// Moves focus to `field` and its choice to the option `code`.
fn choose(app: &mut App, field: impl FieldId, code: &str) {
    focus(app, field);
    for _ in 0..20 {
        if dialog(app).form.focused().is_some_and(|f| f.value() == code) {
            return;
        }
        press(app, &["right"]);
    }
    panic!("no option {code}");
}

/// The key bar and help of the screen, wide enough to show every key.
fn bar(app: &App) -> String {
    screen(app, 200, 40).lines().rev().take(3).collect::<Vec<_>>().join("\n")
}

fn offices_of_rows(app: &App) -> Vec<i64> {
    app.queue.rows.iter().map(|r| r.office).collect()
}

#[test]
fn the_office_filter_offers_the_offices_one_sees_and_filters_the_queue() {
    let mut app = app_with_offices("jyldyz");
    let osh = app.session.office("OSH").unwrap().id;
    assert!(offices_of_rows(&app).contains(&osh) && offices_of_rows(&app).contains(&1));
    press(&mut app, &["f"]);
    assert!(dialog(&app).form.field(FilterField::Office).is_some());
    choose(&mut app, FilterField::Office, &osh.to_string());
    press(&mut app, &["ctrl-s"]);
    assert!(app.overlays.is_empty(), "{:?}", app.message);
    assert_eq!(offices_of_rows(&app), vec![osh]);
    let s = screen(&app, 80, 24);
    assert!(s.contains("OSH"), "the filter is said in the header: {s}");
    // Cleared, every office again.
    press(&mut app, &["x"]);
    assert!(offices_of_rows(&app).contains(&1));
    // A supervisor of one office has nothing to choose: no office field.
    let mut app = app_with_offices("osh-sup");
    assert_eq!(offices_of_rows(&app), vec![osh]);
    press(&mut app, &["f"]);
    assert!(dialog(&app).form.field(FilterField::Office).is_none());
}

#[test]
fn a_head_office_supervisor_moves_a_request_to_another_office() {
    let mut app = app_with_offices("jyldyz");
    app.open(FIRST);
    assert!(matches!(app.screens.last(), Some(Screen::Detail(_))));
    assert!(bar(&app).contains("O office"), "{}", bar(&app));
    press(&mut app, &["?"]);
    assert!(screen(&app, 120, 40).contains("Move to another office"), "the help lists it");
    press(&mut app, &["esc"]);
    press(&mut app, &["O"]);
    assert_eq!(
        dialog(&app).form.focused().map(aryz::tui::widgets::form::Field::value),
        Some("OSH".to_string())
    );
    // A reason is required.
    press(&mut app, &["ctrl-s"]);
    assert!(dialog(&app).form.field(MoveField::Reason).and_then(|f| f.error.clone()).is_some());
    focus(&mut app, MoveField::Reason);
    type_text(&mut app, "the subject lives in Osh");
    press(&mut app, &["ctrl-s"]);
    assert!(app.overlays.is_empty(), "{:?}", app.message);
    let view = app.session.show(FIRST).unwrap();
    assert_eq!(view.request.office, app.session.office("OSH").unwrap().id);
    assert!(view.events.iter().any(|e| e.kind == EventKind::Moved && e.new.as_deref() == Some("OSH")));
    assert!(app.session.verify_audit().unwrap().1.is_none());
}

#[test]
fn others_are_not_offered_the_move_and_are_refused_with_the_reason() {
    for login in ["aibek", "osh-sup"] {
        let mut app = app_with_offices(login);
        let reference = app.queue.rows[0].reference.clone();
        app.open(&reference);
        assert!(matches!(app.screens.last(), Some(Screen::Detail(_))));
        assert!(!bar(&app).contains("O office"), "{login}: {}", bar(&app));
        press(&mut app, &["?"]);
        assert!(!screen(&app, 120, 40).contains("Move to another office"), "{login}: not in the help");
        press(&mut app, &["esc"]);
        press(&mut app, &["O"]);
        assert!(app.overlays.is_empty(), "{login}");
        let m = app.message.clone().unwrap();
        assert!(m.is_error && m.text.contains(login) && m.text.contains("move"), "{login}: {m:?}");
        let moved = app.session.show(&reference).unwrap().events.iter().any(|e| e.kind == EventKind::Moved);
        assert!(!moved, "{login}");
    }
}

/// The filter and the move dialogs at 80×24 in every language.
#[test]
fn the_office_dialogs_fit_80_columns_in_every_language() {
    for lang in [Lang::En, Lang::Ky, Lang::Ru] {
        set_thread_language(Some(lang));
        let code = lang.code();
        let mut app = app_with_offices("jyldyz");
        press(&mut app, &["f"]);
        insta::assert_snapshot!(format!("{code}_dialog_filter_offices_80x24"), screen(&app, 80, 24));
        press(&mut app, &["esc"]);
        app.open(FIRST);
        insta::assert_snapshot!(format!("{code}_detail_head_office_80x24"), screen(&app, 80, 24));
        press(&mut app, &["O"]);
        insta::assert_snapshot!(format!("{code}_dialog_move_office_80x24"), screen(&app, 80, 24));
        set_thread_language(None);
    }
}
