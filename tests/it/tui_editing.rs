//! Nothing typed is lost (issue 15): the multi-line editors, the question before a form
//! with changes is closed or the app quits, and drafts that survive a crash.

use crate::tui_fixture;

use aryz::store::EventKind;
use aryz::tui::app::{App, Context, Overlay, PendingOp, Screen};
use aryz::tui::drafts::Drafts;
use aryz::tui::screens::dialog::fields::NoteField;
use aryz::tui::screens::intake::IntakeField;
use aryz::tui::screens::response::ResponseField;
use tui_fixture::*;

fn note_dialog_text(app: &App) -> String {
    match app.overlays.last() {
        Some(Overlay::Dialog(d)) => d.form.text(NoteField::Text).to_string(),
        other => panic!("no note dialog: {other:?}"),
    }
}

fn detail_events(app: &App) -> Vec<(EventKind, String)> {
    match app.screens.last() {
        Some(Screen::Detail(d)) => d.detail.events.iter().map(|e| (e.kind, e.text.clone())).collect(),
        _ => panic!("not on a detail"),
    }
}

/// The defect of issue 15: Enter moved to "To the subject", the letters typed next were
/// dropped, and a space ticked the box. Enter now makes a new line in the note.
#[test]
fn a_note_takes_paragraphs_and_nothing_typed_after_enter_is_lost() {
    let mut app = app("aibek", true);
    press(&mut app, &["enter", "m"]);
    type_text(&mut app, "First paragraph.");
    press(&mut app, &["enter", "enter"]);
    type_text(&mut app, "Second paragraph, with spaces");
    assert_eq!(note_dialog_text(&app), "First paragraph.\n\nSecond paragraph, with spaces");
    let Some(Overlay::Dialog(d)) = app.overlays.last() else { panic!() };
    assert!(!d.form.is_on(NoteField::ToSubject), "no space ticked the box");
    // Up moves in the text, not to another field.
    press(&mut app, &["up", "up"]);
    type_text(&mut app, "!");
    let text = note_dialog_text(&app);
    assert!(text.lines().next().is_some_and(|l| l.contains('!')), "{text:?}");
    let Some(Overlay::Dialog(d)) = app.overlays.last() else { panic!() };
    assert_eq!(d.form.focus, 0, "still in the text");
    press(&mut app, &["ctrl-s"]);
    assert!(app.overlays.is_empty(), "{:?}", app.message);
    let text = note_dialog_saved(&app);
    assert!(text.contains("\n\nSecond paragraph, with spaces"), "{text:?}");
}

fn note_dialog_saved(app: &App) -> String {
    detail_events(app)
        .into_iter()
        .rev()
        .find(|(k, _)| *k == EventKind::Note)
        .map_or_else(|| panic!("no note saved: {:?}", app.message), |(_, t)| t)
}

/// Letters typed on a checkbox are not silently dropped: the operator is told; a note to
/// the subject asks before it leaves the office.
#[test]
fn typing_on_a_checkbox_says_so_and_a_note_to_the_subject_asks() {
    let mut app = app("aibek", true);
    press(&mut app, &["enter", "m"]);
    type_text(&mut app, "Ready for the subject");
    press(&mut app, &["tab"]);
    type_text(&mut app, "x");
    let m = app.message.clone().expect("a message");
    assert!(m.is_error && m.text.contains("choice"), "{m:?}");
    assert_eq!(note_dialog_text(&app), "Ready for the subject");
    press(&mut app, &["space", "ctrl-s"]);
    assert_eq!(app.context(), Context::Confirm, "asked before a message to the subject");
    let Some(Overlay::Confirm(q)) = app.overlays.last() else { panic!() };
    assert!(!q.yes_focused, "no is the default");
    press(&mut app, &["right", "enter"]);
    assert!(app.overlays.is_empty(), "{:?}", app.message);
    assert!(
        detail_events(&app).iter().any(|(k, t)| *k == EventKind::Message && t == "Ready for the subject")
    );
}

#[test]
fn esc_on_a_form_with_changes_asks_and_no_keeps_it() {
    let mut app = app("aibek", true);
    // An untouched form closes at once.
    press(&mut app, &["n", "esc"]);
    assert!(app.screens.is_empty());
    press(&mut app, &["n", "tab", "tab", "tab", "tab"]);
    type_text(&mut app, "Half-typed Name");
    press(&mut app, &["esc"]);
    assert_eq!(app.context(), Context::Confirm);
    let Some(Overlay::Confirm(q)) = app.overlays.last() else { panic!() };
    assert!(matches!(q.op, PendingOp::Discard) && !q.yes_focused);
    press(&mut app, &["enter"]);
    let Some(Screen::Intake(s)) = app.screens.last() else { panic!("the form closed") };
    assert_eq!(s.form.text(IntakeField::Name), "Half-typed Name");
    press(&mut app, &["esc", "right", "enter"]);
    assert!(app.screens.is_empty(), "discarded after yes");
    // The same in a dialog.
    press(&mut app, &["enter", "m"]);
    type_text(&mut app, "note");
    press(&mut app, &["esc"]);
    assert_eq!(app.context(), Context::Confirm);
    press(&mut app, &["esc"]);
    assert_eq!(note_dialog_text(&app), "note", "Esc on the question goes back to the dialog");
}

/// Ctrl-C quit with exit 0 without asking; with typed changes open it now asks.
#[test]
fn ctrl_c_with_typed_changes_asks_before_quitting() {
    let mut app = app("aibek", true);
    press(&mut app, &["n", "tab", "tab", "tab", "tab"]);
    type_text(&mut app, "Someone");
    press(&mut app, &["ctrl-c"]);
    assert!(!app.quit);
    assert_eq!(app.context(), Context::Confirm);
    // A second Ctrl-C does not stack questions.
    press(&mut app, &["ctrl-c"]);
    assert_eq!(app.overlays.len(), 1);
    press(&mut app, &["enter"]);
    assert!(!app.quit, "no is the default");
    let Some(Screen::Intake(s)) = app.screens.last() else { panic!() };
    assert_eq!(s.form.text(IntakeField::Name), "Someone");
    press(&mut app, &["ctrl-c", "right", "enter"]);
    assert!(app.quit);
    // Nothing typed: Ctrl-C quits at once.
    let mut app = tui_fixture::app("aibek", true);
    press(&mut app, &["n", "ctrl-c"]);
    assert!(app.quit);
}

fn drafts_in(dir: &std::path::Path) -> Vec<String> {
    let mut v: Vec<String> = std::fs::read_dir(dir)
        .map(|r| r.filter_map(Result::ok).map(|e| e.file_name().to_string_lossy().into_owned()).collect())
        .unwrap_or_default();
    v.sort();
    v
}

/// A crash or a closed terminal: the process ends with the form open. The next time the
/// form opens its draft is offered back; saving deletes it.
#[test]
fn an_unsaved_form_survives_a_crash_as_a_draft_offered_back() {
    use std::os::unix::fs::PermissionsExt;
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("drafts");
    let db = tmp.path().join("aryz.sqlite3");
    {
        let mut app = app_on_file(&db, "aibek");
        app.drafts = Some(Drafts::new(dir.clone(), "aibek"));
        press(&mut app, &["n", "tab", "tab", "tab", "tab"]);
        type_text(&mut app, "Тестова Гүлнара");
        press(&mut app, &["tab"]);
        type_text(&mut app, "12411199000077");
        // birth date, identity, passport ×3, categories, e-mail, phone, address, description.
        for _ in 0..10 {
            press(&mut app, &["tab"]);
        }
        let Some(Screen::Intake(s)) = app.screens.last() else { panic!() };
        assert_eq!(s.form.focused().unwrap().id, "description");
        type_text(&mut app, "Line one");
        press(&mut app, &["enter"]);
        type_text(&mut app, "Line two");
        app.sync_drafts();
        assert_eq!(drafts_in(&dir), ["intake.toml"]);
        let mode = std::fs::metadata(dir.join("intake.toml")).unwrap().permissions().mode();
        assert_eq!(mode & 0o777, 0o600);
        // The process dies here: no quit, no clean-up.
        std::mem::forget(app);
    }
    let mut app = App::new(
        session_on(aryz::store::Store::open(&db).unwrap(), "aibek"),
        aryz::tui::keymap::KeyMap::default(),
        aryz::tui::theme::Theme::colour(),
    )
    .unwrap();
    app.drafts = Some(Drafts::new(dir.clone(), "aibek"));
    press(&mut app, &["n"]);
    assert_eq!(app.context(), Context::Confirm, "the draft is offered");
    let Some(Overlay::Confirm(q)) = app.overlays.last() else { panic!() };
    assert!(q.details.iter().any(|d| d.contains("Тестова Гүлнара")), "{:?}", q.details);
    press(&mut app, &["enter"]);
    let Some(Screen::Intake(s)) = app.screens.last() else { panic!() };
    assert_eq!(s.form.text(IntakeField::Name), "Тестова Гүлнара");
    assert_eq!(s.form.text(IntakeField::Description), "Line one\nLine two");
    // Choose the identity and save: the draft goes.
    let Some(Screen::Intake(s)) = app.screens.last_mut() else { panic!() };
    s.form.select(IntakeField::Identity, "e_signature");
    press(&mut app, &["ctrl-s"]);
    assert!(app.screens.is_empty(), "{:?}", app.message);
    app.sync_drafts();
    assert!(drafts_in(&dir).is_empty(), "saved: no draft left");
}

/// A draft declined is deleted; a discarded form leaves none.
#[test]
fn a_declined_or_discarded_draft_is_deleted() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("drafts");
    let mut app = app("aibek", true);
    app.drafts = Some(Drafts::new(dir.clone(), "aibek"));
    press(&mut app, &["enter", "m"]);
    type_text(&mut app, "kept for later");
    app.sync_drafts();
    assert_eq!(drafts_in(&dir), ["note-ARZ-2026-000001.toml"]);
    // A second session (the same operator) is offered it; "no" deletes it.
    let mut other = tui_fixture::app("aibek", true);
    other.drafts = Some(Drafts::new(dir.clone(), "aibek"));
    press(&mut other, &["enter", "m"]);
    assert_eq!(other.context(), Context::Confirm);
    press(&mut other, &["left", "enter"]);
    assert_eq!(other.context(), Context::Form);
    assert_eq!(note_dialog_text(&other), "");
    assert!(drafts_in(&dir).is_empty());
    // Discarding after a question deletes what this session wrote.
    app.sync_drafts();
    press(&mut app, &["esc", "right", "enter"]);
    app.sync_drafts();
    assert!(app.overlays.is_empty());
    assert!(drafts_in(&dir).is_empty());
}

/// A reply of two paragraphs, written in the response form and saved.
#[test]
fn a_response_text_of_two_paragraphs_is_saved_whole() {
    let mut app = app("aibek", true);
    press(&mut app, &["enter", "r"]);
    let Some(Screen::Response(s)) = app.screens.last() else { panic!() };
    let text_at = s.form.index(ResponseField::Text).unwrap();
    for _ in 0..text_at {
        press(&mut app, &["tab"]);
    }
    type_text(&mut app, "Dear subject,");
    press(&mut app, &["enter", "enter"]);
    type_text(&mut app, "the copy of your records is enclosed.");
    press(&mut app, &["ctrl-s", "enter"]);
    let Some(Screen::Detail(d)) = app.screens.last() else { panic!("{:?}", app.message) };
    assert_eq!(d.request().response_text, "Dear subject,\n\nthe copy of your records is enclosed.");
}

/// Identity has no default; the methods fitting the channel come first.
#[test]
fn identity_is_chosen_with_the_channels_methods_first() {
    use aryz::tui::widgets::form::Input;
    let mut app = app("aibek", false);
    press(&mut app, &["n"]);
    let first = |app: &App| {
        let Some(Screen::Intake(s)) = app.screens.last() else { panic!() };
        assert_eq!(s.form.choice(IntakeField::Identity), "", "nothing chosen");
        match &s.form.field(IntakeField::Identity).unwrap().input {
            Input::Choice { options, .. } => options[1].code.clone(),
            _ => panic!(),
        }
    };
    assert_eq!(first(&app), "e_signature", "the app");
    // Channel → post: no proof of who wrote.
    press(&mut app, &["tab"]);
    while {
        let Some(Screen::Intake(s)) = app.screens.last() else { panic!() };
        s.form.choice(IntakeField::Channel) != "post"
    } {
        press(&mut app, &["right"]);
    }
    assert_eq!(first(&app), "not_verified");
    while {
        let Some(Screen::Intake(s)) = app.screens.last() else { panic!() };
        s.form.choice(IntakeField::Channel) != "in_person"
    } {
        press(&mut app, &["right"]);
    }
    assert_eq!(first(&app), "document_presented");
}

/// A standard text is inserted with a key and then edited; the texts offered are those of
/// the request's kind, the chosen outcome and the appeal's language.
#[test]
fn a_standard_text_is_inserted_then_edited() {
    let mut app = app("aibek", true);
    // #1: an access request in Kyrgyz, answered "fulfilled" by default.
    press(&mut app, &["enter", "r", "ctrl-t"]);
    let Some(Overlay::Dialog(d)) = app.overlays.last() else { panic!("no chooser: {:?}", app.message) };
    let hint = d.form.fields[0].hint.clone().unwrap_or_default();
    assert!(hint.contains("арызыңыз"), "Kyrgyz texts for a Kyrgyz appeal: {hint}");
    press(&mut app, &["enter"]);
    assert!(app.overlays.is_empty());
    let Some(Screen::Response(s)) = app.screens.last() else { panic!() };
    assert_eq!(s.form.focused().unwrap().id, "text", "the focus is in the text, to edit it");
    let inserted = s.form.text(ResponseField::Text).to_string();
    assert!(inserted.contains("\n\n"), "{inserted:?}");
    type_text(&mut app, " Тиркеме: 2 барак.");
    press(&mut app, &["ctrl-s", "enter"]);
    let Some(Screen::Detail(d)) = app.screens.last() else { panic!("{:?}", app.message) };
    assert_eq!(d.request().response_text, format!("{inserted} Тиркеме: 2 барак."));
}

/// Answering "fulfilled" to an access request whose identity is not verified is warned
/// about under the outcome and again in the question (the service decides whether it may).
#[test]
fn disclosing_to_an_unverified_subject_is_warned_about() {
    let mut app = app("jyldyz", true);
    let mut new = new_request(
        aryz::domain::kind::RequestKind::Access,
        "2026-11-20",
        "Test Unverified",
        "12002198500099",
    );
    new.identity = aryz::domain::kind::IdentityMethod::NotVerified;
    let r = app.session.register(&new, Some("jyldyz")).unwrap().request.reference;
    app.open(&r);
    press(&mut app, &["r"]);
    let Some(Screen::Response(s)) = app.screens.last() else { panic!("{:?}", app.message) };
    let warning = s.form.field(ResponseField::Outcome).unwrap().warning.clone().unwrap_or_default();
    assert!(warning.contains("not verified"), "{warning:?}");
    press(&mut app, &["ctrl-s"]);
    let Some(Overlay::Confirm(q)) = app.overlays.last() else { panic!("{:?}", app.message) };
    assert!(q.details.iter().any(|d| d.contains("not verified")), "{:?}", q.details);
    // "No data" discloses nothing: no warning.
    press(&mut app, &["esc"]);
    let Some(Screen::Response(s)) = app.screens.last_mut() else { panic!() };
    s.form.select(ResponseField::Outcome, "no_data");
    press(&mut app, &["right", "left"]);
    let Some(Screen::Response(s)) = app.screens.last() else { panic!() };
    assert!(s.form.field(ResponseField::Outcome).unwrap().warning.is_none());
}
