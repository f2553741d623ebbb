//! The terminal UI's update step, driven by keys and actions without a terminal.

use crate::tui_fixture;

use std::collections::BTreeMap;

use aryz::config::KeyBinding;
use aryz::domain::status::Status;
use aryz::store::EventKind;
use aryz::tui::action::{Action, Command};
use aryz::tui::app::{App, Context, Overlay, Screen};
use aryz::tui::keymap::KeyMap;
use aryz::tui::screens::intake::IntakeField;
use aryz::tui::screens::queue::Section;
use aryz::tui::screens::response::ResponseField;
use aryz::tui::theme::Theme;
use tui_fixture::*;

fn refs(app: &App) -> Vec<String> {
    app.queue.rows.iter().map(|r| r.reference.clone()).collect()
}

fn detail_status(app: &App) -> Status {
    match app.screens.last() {
        Some(Screen::Detail(d)) => d.request().status,
        _ => panic!("not on a detail screen"),
    }
}

#[test]
fn clerk_starts_on_mine_most_urgent_first() {
    let app = app("aibek", true);
    assert_eq!(app.queue.section(), Section::Mine);
    assert_eq!(refs(&app), ["ARZ-2026-000001", "ARZ-2026-000002", "ARZ-2026-000003"]);
    assert_eq!(app.counts.open, 3);
    // #1 (Art. 17: 08.10) and #2 (Law 67: 16.11) are overdue; #3 (Art. 17: 27.11) is due soon.
    assert_eq!(app.counts.overdue, 2);
    assert_eq!(app.counts.due_soon, 1);
    let sup = tui_fixture::app("jyldyz", true);
    assert_eq!(sup.queue.section(), Section::AllOpen);
    assert_eq!(sup.queue.rows.len(), 5);
}

#[test]
fn sections_move_with_tab_and_arrows() {
    let mut app = app("aibek", true);
    press(&mut app, &["tab"]);
    assert_eq!(app.queue.section(), Section::DueSoon);
    // Due soon (by Tue 01.12): #3 (Art. 17: 27.11). Overdue: #1 (08.10), #5 (02.11), #2 (16.11).
    assert_eq!(refs(&app), ["ARZ-2026-000003"], "due in three days");
    press(&mut app, &["tab"]);
    assert_eq!(refs(&app), ["ARZ-2026-000001", "ARZ-2026-000005", "ARZ-2026-000002"]);
    press(&mut app, &["l"]);
    assert_eq!(app.queue.section(), Section::Unassigned);
    assert_eq!(refs(&app), ["ARZ-2026-000004"]);
    press(&mut app, &["tab", "tab"]);
    assert_eq!(app.queue.section(), Section::Closed);
    assert_eq!(refs(&app), ["ARZ-2026-000006"]);
    press(&mut app, &["shift-tab", "left", "h", "h", "h"]);
    assert_eq!(app.queue.section(), Section::Mine);
}

#[test]
fn selection_moves_with_vim_and_arrow_keys_and_stays_in_bounds() {
    let mut app = app("aibek", true);
    press(&mut app, &["j", "down"]);
    assert_eq!(app.queue.selected, 2);
    press(&mut app, &["j", "j"]);
    assert_eq!(app.queue.selected, 2);
    press(&mut app, &["k", "home"]);
    assert_eq!(app.queue.selected, 0);
    press(&mut app, &["G"]);
    assert_eq!(app.queue.selected, 2);
    press(&mut app, &["up", "up", "up", "up"]);
    assert_eq!(app.queue.selected, 0);
}

#[test]
fn search_by_pin_and_cancel_restores() {
    let mut app = app("jyldyz", true);
    press(&mut app, &["/"]);
    assert_eq!(app.context(), Context::Form);
    type_text(&mut app, "12503199000011");
    assert_eq!(refs(&app), ["ARZ-2026-000001"], "the open one; the answered one is under Closed");
    press(&mut app, &["enter"]);
    assert_eq!(app.context(), Context::Queue);
    assert_eq!(app.queue.search, "12503199000011");
    press(&mut app, &["tab"]);
    assert_eq!(app.queue.section(), Section::Closed);
    assert_eq!(refs(&app), ["ARZ-2026-000006"]);
    press(&mut app, &["x"]);
    assert!(app.queue.search.is_empty());
    press(&mut app, &["/"]);
    type_text(&mut app, "Үсөнова");
    press(&mut app, &["esc"]);
    assert!(app.queue.search.is_empty(), "esc restores the search before the prompt");
}

#[test]
fn full_text_search_finds_names() {
    let mut app = app("jyldyz", true);
    press(&mut app, &["/"]);
    type_text(&mut app, "Жаңыбаев");
    assert_eq!(refs(&app), ["ARZ-2026-000003"]);
}

#[test]
fn filter_dialog_narrows_the_queue() {
    let mut app = app("jyldyz", true);
    press(&mut app, &["f"]);
    assert!(matches!(app.overlays.last(), Some(Overlay::Dialog(_))));
    // Kind: any → information → access.
    press(&mut app, &["right", "right", "ctrl-s"]);
    assert!(app.overlays.is_empty());
    assert_eq!(refs(&app), ["ARZ-2026-000001", "ARZ-2026-000005"]);
    press(&mut app, &["f", "down", "down", "down", "down"]);
    type_text(&mut app, "99.99.2026");
    press(&mut app, &["ctrl-s"]);
    assert!(!app.overlays.is_empty(), "a bad date keeps the dialog open");
    press(&mut app, &["esc", "x"]);
    assert_eq!(app.queue.rows.len(), 5);
}

#[test]
fn sort_cycles_through_due_received_reference() {
    let mut app = app("jyldyz", true);
    press(&mut app, &["s"]);
    assert_eq!(refs(&app)[0], "ARZ-2026-000004", "newest received first");
    press(&mut app, &["s"]);
    assert_eq!(
        refs(&app),
        ["ARZ-2026-000001", "ARZ-2026-000002", "ARZ-2026-000003", "ARZ-2026-000004", "ARZ-2026-000005"]
    );
    press(&mut app, &["s"]);
    assert_eq!(refs(&app)[0], "ARZ-2026-000001");
}

#[test]
fn open_assign_note_answer_and_find_under_closed() {
    let mut app = app("jyldyz", true);
    press(&mut app, &["shift-tab"]);
    assert_eq!(app.queue.section(), Section::Unassigned);
    press(&mut app, &["enter"]);
    assert_eq!(app.context(), Context::Detail);

    // Assign to nurzat: the operators are listed root, jyldyz, aibek, nurzat (by login).
    press(&mut app, &["a"]);
    let Some(Overlay::Dialog(d)) = app.overlays.last() else { panic!("no dialog") };
    let logins: Vec<String> = match &d.form.fields[0].input {
        aryz::tui::widgets::form::Input::Choice { options, .. } => {
            options.iter().map(|o| o.code.clone()).collect()
        }
        _ => panic!(),
    };
    let steps = logins.iter().position(|l| l == "nurzat").unwrap() as i64
        - logins.iter().position(|l| l == "jyldyz").unwrap() as i64;
    for _ in 0..steps.rem_euclid(logins.len() as i64) {
        press(&mut app, &["right"]);
    }
    press(&mut app, &["enter"]);
    assert!(app.overlays.is_empty(), "{:?}", app.message);
    let Some(Screen::Detail(d)) = app.screens.last() else { panic!() };
    assert_eq!(d.request().assignee.as_deref(), Some("nurzat"));

    // An internal note.
    press(&mut app, &["m"]);
    type_text(&mut app, "Called the subject; ID confirmed");
    press(&mut app, &["ctrl-s"]);
    assert!(app.overlays.is_empty(), "{:?}", app.message);
    let Some(Screen::Detail(d)) = app.screens.last() else { panic!() };
    assert!(
        d.detail
            .events
            .iter()
            .any(|e| e.kind == EventKind::Note && e.text == "Called the subject; ID confirmed")
    );

    // Answer: blocking acts on categories; the defaults (fulfilled, done) are valid.
    press(&mut app, &["r"]);
    assert!(matches!(app.screens.last(), Some(Screen::Response(_))));
    press(&mut app, &["ctrl-s"]);
    assert_eq!(app.context(), Context::Confirm);
    press(&mut app, &["enter"]);
    assert_eq!(detail_status(&app), Status::Answered, "{:?}", app.message);
    assert!(app.message.as_ref().is_some_and(|m| !m.is_error));

    press(&mut app, &["esc"]);
    while app.queue.section() != Section::Closed {
        press(&mut app, &["tab"]);
    }
    assert!(refs(&app).contains(&"ARZ-2026-000004".to_string()));
}

#[test]
fn refusal_without_ground_is_refused_with_the_form_kept() {
    let mut app = app("aibek", true);
    press(&mut app, &["enter", "r"]);
    // Outcome: fulfilled → partially fulfilled → refused.
    press(&mut app, &["right", "right", "down", "down"]);
    type_text(&mut app, "Reply text kept");
    press(&mut app, &["ctrl-s"]);
    let Some(Screen::Response(s)) = app.screens.last() else { panic!("the form closed") };
    assert_eq!(s.form.choice(ResponseField::Outcome), "refused");
    assert_eq!(s.form.text(ResponseField::Text), "Reply text kept");
    assert!(s.form.field(ResponseField::Ground).unwrap().error.is_some());
    assert!(app.message.as_ref().is_some_and(|m| m.is_error));
    // The focus went to the ground; choose the first one: now it saves after confirmation.
    press(&mut app, &["right", "ctrl-s", "enter"]);
    assert_eq!(detail_status(&app), Status::Answered, "{:?}", app.message);
}

#[test]
fn confirmation_can_be_declined() {
    // Withdrawing is for supervisors (issue 12).
    let mut app = app("jyldyz", true);
    press(&mut app, &["enter", "w"]);
    type_text(&mut app, "The subject called to withdraw");
    press(&mut app, &["enter"]);
    assert_eq!(app.context(), Context::Confirm);
    // "No" has the focus for a withdrawal.
    press(&mut app, &["enter"]);
    assert_eq!(app.context(), Context::Form, "back in the dialog, input kept");
    press(&mut app, &["enter", "right", "enter"]);
    assert_eq!(detail_status(&app), Status::Withdrawn, "{:?}", app.message);
}

#[test]
fn register_through_the_form() {
    let mut app = app("aibek", true);
    press(&mut app, &["n"]);
    assert!(matches!(app.screens.last(), Some(Screen::Intake(_))));
    // kind, channel, lang, received, name, pin
    press(&mut app, &["tab", "tab", "tab", "tab"]);
    type_text(&mut app, "Тестова Гүлнара");
    press(&mut app, &["tab"]);
    type_text(&mut app, "12411199000077");
    // Identity has no default: saving without it names the field.
    press(&mut app, &["ctrl-s"]);
    let Some(Screen::Intake(s)) = app.screens.last() else { panic!("saved without identity") };
    assert!(s.form.field(IntakeField::Identity).unwrap().error.is_some());
    assert_eq!(s.form.focused().unwrap().id, "identity", "the focus went to it");
    // Through the app, the channel's method comes first: an e-signature.
    press(&mut app, &["right", "ctrl-s"]);
    assert!(app.screens.is_empty(), "back on the queue: {:?}", app.message);
    let msg = app.message.clone().unwrap();
    // An access request received today, Tue 24.11: Art. 17's week ends Tue 01.12.
    assert!(msg.text.contains("ARZ-2026-000007") && msg.text.contains("01.12.2026"), "{msg:?}");
    let r = app.queue.selected_row().unwrap();
    assert_eq!(r.reference, "ARZ-2026-000007");
    assert_eq!(r.due_on, d("2026-12-01"));
    assert_eq!(r.assignee.as_deref(), Some("aibek"));
}

#[test]
fn intake_errors_block_and_warnings_ask() {
    let mut app = app("aibek", false);
    press(&mut app, &["n", "tab", "tab", "tab", "tab"]);
    type_text(&mut app, "Test Subject");
    press(&mut app, &["tab"]);
    type_text(&mut app, "123");
    let Some(Screen::Intake(s)) = app.screens.last() else { panic!() };
    assert!(s.form.field(IntakeField::Pin).unwrap().error.as_deref().unwrap().contains("14 digits"));
    press(&mut app, &["ctrl-s"]);
    assert!(matches!(app.screens.last(), Some(Screen::Intake(_))), "an error blocks saving");
    assert!(app.message.as_ref().unwrap().is_error);
    // A PIN whose date differs from the birth date entered: a warning that needs a yes.
    press(&mut app, &["ctrl-u"]);
    type_text(&mut app, "11011990000011");
    assert!(app.overlays.is_empty());
    let Some(Screen::Intake(s)) = app.screens.last_mut() else { panic!() };
    s.form.set_text(IntakeField::BirthDate, "02.01.1990");
    s.form.select(IntakeField::Identity, "e_signature");
    press(&mut app, &["ctrl-s"]);
    assert_eq!(app.context(), Context::Confirm);
    press(&mut app, &["esc"]);
    let Some(Screen::Intake(s)) = app.screens.last() else { panic!() };
    assert_eq!(s.form.text(IntakeField::Name), "Test Subject", "declining keeps the form");
    press(&mut app, &["ctrl-s", "enter"]);
    assert!(app.screens.is_empty(), "{:?}", app.message);
}

#[test]
fn jump_to_a_reference_by_number() {
    let mut app = app("jyldyz", true);
    press(&mut app, &[":"]);
    type_text(&mut app, "3");
    press(&mut app, &["enter"]);
    let Some(Screen::Detail(d)) = app.screens.last() else { panic!("{:?}", app.message) };
    assert_eq!(d.request().reference, "ARZ-2026-000003");
    press(&mut app, &[":"]);
    type_text(&mut app, "nonsense");
    press(&mut app, &["enter"]);
    assert!(app.message.as_ref().unwrap().is_error);
}

#[test]
fn clerk_sees_only_allowed_actions() {
    let mut app = app("aibek", true);
    // nurzat's request (#5, the second overdue one): a clerk can open it but not answer it.
    press(&mut app, &["tab", "tab", "j"]);
    press(&mut app, &["enter"]);
    let Some(Screen::Detail(d)) = app.screens.last() else { panic!("{:?}", app.message) };
    assert_eq!(d.request().assignee.as_deref(), Some("nurzat"));
    let bar = app.bar_commands();
    assert!(!bar.contains(&Command::RecordResponse));
    press(&mut app, &["r"]);
    assert!(app.message.as_ref().unwrap().is_error);
    assert!(matches!(app.screens.last(), Some(Screen::Detail(_))));
}

#[test]
fn help_lists_the_bound_keys_and_overrides_apply() {
    let mut keys = BTreeMap::new();
    keys.insert("quit".to_string(), KeyBinding::One("Q".into()));
    keys.insert("record_response".to_string(), KeyBinding::Many(vec!["R".into(), "f9".into()]));
    let mut app = app("aibek", true);
    app.keymap = KeyMap::with_overrides(&keys).unwrap();
    press(&mut app, &["q"]);
    assert!(!app.quit);
    press(&mut app, &["enter", "?"]);
    let text = screen(&app, 100, 40);
    assert!(text.contains("R, F9") && text.contains("Record the answer"), "{text}");
    press(&mut app, &["esc", "esc", "Q"]);
    assert!(app.quit);
}

#[test]
fn mouse_click_selects_then_opens() {
    let mut app = app("aibek", true);
    let _ = screen(&app, 100, 30);
    let body = app.queue_body();
    app.update(Action::Click { column: body.x + 2, row: body.y + 1 });
    assert_eq!(app.queue.selected, 1);
    app.update(Action::Click { column: body.x + 2, row: body.y + 1 });
    assert_eq!(app.context(), Context::Detail);
    app.update(Action::ScrollDown);
    app.update(Action::Do(Command::Back));
    // A click on the third tab.
    let _ = screen(&app, 100, 30);
    let tabs = app.queue.tabs_area.get();
    let x = tabs.x + " Mine │ Due soon │ O".chars().count() as u16;
    app.update(Action::Click { column: x, row: tabs.y });
    assert_eq!(app.queue.section(), Section::Overdue);
}

#[test]
fn changes_by_another_process_appear_on_tick_and_keep_typing() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("aryz.sqlite3");
    let mut app = app_on_file(&path, "aibek");
    press(&mut app, &["n", "tab", "tab", "tab", "tab"]);
    type_text(&mut app, "Half-typed name");
    let mut other = session_on(aryz::store::Store::open(&path).unwrap(), "jyldyz");
    let new =
        new_request(aryz::domain::kind::RequestKind::Access, "2026-11-24", "Other Process", "21503199000099");
    other.register(&new, Some("aibek")).unwrap();
    app.update(Action::Tick);
    assert!(app.queue.rows.iter().any(|r| r.subject.name == "Other Process"));
    assert_eq!(app.counts.open, 4);
    let Some(Screen::Intake(s)) = app.screens.last() else { panic!() };
    assert_eq!(s.form.text(IntakeField::Name), "Half-typed name");
}

#[test]
fn a_conflicting_save_keeps_the_form_and_shows_the_error() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("aryz.sqlite3");
    let mut app = app_on_file(&path, "aibek");
    press(&mut app, &["enter", "r", "down", "down"]);
    type_text(&mut app, "Answer text");
    let mut other = session_on(aryz::store::Store::open(&path).unwrap(), "jyldyz");
    other.note("ARZ-2026-000001", "changed meanwhile", false).unwrap();
    press(&mut app, &["ctrl-s", "enter"]);
    let Some(Screen::Response(s)) = app.screens.last() else { panic!("the form closed") };
    assert_eq!(s.form.text(ResponseField::Text), "Answer text");
    let m = app.message.clone().unwrap();
    assert!(m.is_error && m.text.contains("changed by someone else"), "{m:?}");
    // The detail now shows the other clerk's note; saving again, with what was typed,
    // goes through against the current version.
    let Some(Screen::Detail(d)) = app.screens.iter().rev().find(|s| matches!(s, Screen::Detail(_))) else {
        panic!()
    };
    assert!(d.detail.events.iter().any(|e| e.text == "changed meanwhile"), "the detail was reloaded");
    press(&mut app, &["ctrl-s", "enter"]);
    assert!(!matches!(app.screens.last(), Some(Screen::Response(_))), "{:?}", app.message);
    let r = app.session.peek("ARZ-2026-000001").unwrap().request;
    assert_eq!(r.status, aryz::domain::status::Status::Answered);
    assert_eq!(r.response_text, "Answer text");
}

#[test]
fn no_input_panics_anywhere() {
    let keys = [
        "j",
        "k",
        "enter",
        "tab",
        "shift-tab",
        "G",
        "g",
        "/",
        "x",
        "esc",
        "f",
        "right",
        "left",
        "space",
        "ctrl-s",
        "r",
        "a",
        "m",
        "s",
        "w",
        "o",
        "t",
        "e",
        "p",
        "u",
        "n",
        "c",
        "?",
        ":",
        "1",
        "backspace",
        "pagedown",
        "pageup",
        "up",
        "down",
        "home",
        "end",
        "ctrl-r",
        "ö",
        "ң",
        "enter",
        "esc",
        "esc",
    ];
    for login in ["aibek", "jyldyz"] {
        let mut app = app(login, true);
        for round in 0..6 {
            for (i, k) in keys.iter().enumerate() {
                if (i + round) % 5 == 0 {
                    continue;
                }
                press(&mut app, &[k]);
                if app.quit {
                    app.quit = false;
                }
                for (w, h) in [(80, 24), (40, 10), (64, 16), (65, 17), (130, 40)] {
                    let _ = screen(&app, w, h);
                }
            }
            app.update(Action::Tick);
        }
    }
}

#[test]
fn too_small_terminal_shows_a_plain_message() {
    let app = app("aibek", true);
    let text = screen(&app, 50, 12);
    assert!(text.contains("Terminal too small"), "{text}");
    assert!(!text.contains("ARZ-"));
}

#[test]
fn no_color_theme_keeps_urgency_visible() {
    let app = App::new(
        {
            let store = fixture_store(true);
            session_on(store, "aibek")
        },
        KeyMap::default(),
        Theme::plain(),
    )
    .unwrap();
    let mut terminal = ratatui::Terminal::new(ratatui::backend::TestBackend::new(100, 30)).unwrap();
    terminal.draw(|f| f.render_widget(&app, f.area())).unwrap();
    let buf = terminal.backend().buffer();
    let mut overdue_bold = false;
    for y in 0..30 {
        let row: String = (0..100).map(|x| buf[(x, y)].symbol().to_string()).collect();
        if row.starts_with("ARZ-2026-000001") {
            // The days-left cell of the overdue row ("-47": Art. 17's week ended 08.10) is bold
            // and underlined.
            let x = row.find("-47").unwrap() as u16;
            overdue_bold = buf[(x, y)].modifier.contains(ratatui::style::Modifier::BOLD);
        }
        for x in 0..100 {
            assert!(buf[(x, y)].fg == ratatui::style::Color::Reset, "no colour with NO_COLOR");
            assert!(buf[(x, y)].bg == ratatui::style::Color::Reset, "no colour with NO_COLOR");
        }
    }
    assert!(overdue_bold);
}

/// Many requests: the queue pages with keyset cursors, keeps a bounded window, and walking
/// down then up visits every row in order.
#[test]
fn paging_through_many_requests_keeps_a_bounded_window() {
    use aryz::domain::kind::RequestKind;
    use aryz::store::{ListFilter, Page, SortKey, StoreError};
    use aryz::tui::screens::queue::WINDOW;

    let mut store = aryz::store::Store::in_memory().unwrap();
    add_operators(&mut store);
    let rules = aryz::domain::deadline::RuleSet::shipped();
    let cal = aryz::domain::calendar::Calendar::shipped();
    store
        .write(|tx| {
            for i in 0..730u32 {
                let received = d("2026-08-01") + chrono::Days::new(u64::from(i % 115));
                let pin = format!("2{:08}{:05}", 1_011_990, i);
                let new =
                    new_request(RequestKind::Access, &received.to_string(), &format!("Subject {i}"), &pin);
                let deadlines = rules.deadlines(new.kind, received, received, &cal);
                tx.insert_request(&new, received, &deadlines, None, "2026-11-24T09:00:00+06:00")?;
            }
            Ok::<_, StoreError>(())
        })
        .unwrap();
    let session = session_on(store, "jyldyz");
    let all: Vec<String> = session
        .list(&ListFilter::default(), SortKey::Due, &Page { limit: 10_000, ..Page::default() })
        .unwrap()
        .into_iter()
        .map(|r| r.reference)
        .collect();
    assert_eq!(all.len(), 730);
    let mut app = App::new(session, KeyMap::default(), Theme::colour()).unwrap();
    assert_eq!(app.queue.total, 730);
    let mut seen = vec![app.queue.selected_row().unwrap().reference.clone()];
    for _ in 0..all.len() + 5 {
        press(&mut app, &["j"]);
        assert!(app.queue.rows.len() <= WINDOW);
        let r = app.queue.selected_row().unwrap().reference.clone();
        if seen.last() != Some(&r) {
            seen.push(r);
        }
    }
    assert_eq!(seen, all, "walking down visits every row once, in order");
    let mut back = vec![seen.last().unwrap().clone()];
    for _ in 0..all.len() + 5 {
        press(&mut app, &["k"]);
        assert!(app.queue.rows.len() <= WINDOW);
        let r = app.queue.selected_row().unwrap().reference.clone();
        if back.last() != Some(&r) {
            back.push(r);
        }
    }
    back.reverse();
    assert_eq!(back, all, "walking up visits every row once, in order");
    // Last and first, and a page down and a refresh in the middle keep the selection.
    press(&mut app, &["G"]);
    assert_eq!(app.queue.selected_row().unwrap().reference, all[729]);
    press(&mut app, &["k", "k"]);
    assert_eq!(app.queue.selected_row().unwrap().reference, all[727]);
    app.update(Action::Tick);
    assert_eq!(app.queue.selected_row().unwrap().reference, all[727]);
    press(&mut app, &["g"]);
    assert_eq!(app.queue.selected_row().unwrap().reference, all[0]);
    let _ = screen(&app, 100, 30);
    press(&mut app, &["pagedown", "pagedown"]);
    let at = all.iter().position(|r| r == &app.queue.selected_row().unwrap().reference).unwrap();
    assert!(at > 30, "two pages down: {at}");
}

/// With rules that allow them, extend, pause and resume are offered and work through
/// their dialogs; with the shipped rules they are not offered.
#[test]
fn extend_pause_and_resume_when_the_rules_allow() {
    let shipped = app("aibek", true);
    let mut shipped = shipped;
    press(&mut shipped, &["enter"]);
    let bar = shipped.bar_commands();
    assert!(!bar.contains(&Command::Extend) && !bar.contains(&Command::Pause));

    let mut rules = rules_allowing_extension_and_pause();
    // Art. 17's week cannot be extended; this office reads it as advisory, so that Law 67's
    // 14 working days govern #3 (10.12) and may be extended.
    for r in &mut rules.rule {
        if r.id == "law58_access_1w" {
            r.binding = false;
        }
    }
    let store = fixture_store(true);
    let (mut app, _) = app_under_rules(store, "aibek", rules);
    // The third of mine: Law 67's 14 working days from Fri 20.11, Thu 10.12.2026.
    press(&mut app, &["j", "j", "enter"]);
    let due_before = match app.screens.last() {
        Some(Screen::Detail(d)) => d.request().due_on,
        _ => panic!(),
    };
    assert!(app.bar_commands().contains(&Command::Extend));
    press(&mut app, &["e", "tab"]);
    type_text(&mut app, "Records from the archive");
    press(&mut app, &["ctrl-s"]);
    assert_eq!(app.context(), Context::Confirm);
    press(&mut app, &["enter"]);
    let Some(Screen::Detail(d)) = app.screens.last() else { panic!() };
    assert!(d.request().due_on > due_before, "{:?}", app.message);
    assert!(d.detail.events.iter().any(|e| e.kind == EventKind::DeadlineChanged));

    press(&mut app, &["p", "tab"]);
    type_text(&mut app, "Waiting for a copy of the ID card");
    press(&mut app, &["ctrl-s"]);
    let Some(Screen::Detail(d)) = app.screens.last() else { panic!() };
    assert!(d.request().pause.is_some(), "{:?}", app.message);
    assert!(app.bar_commands().contains(&Command::Resume));
    press(&mut app, &["u", "enter"]);
    let Some(Screen::Detail(d)) = app.screens.last() else { panic!() };
    assert!(d.request().pause.is_none(), "{:?}", app.message);
}

#[test]
fn status_change_and_reopen_by_a_supervisor() {
    let mut app = app("jyldyz", true);
    // ARZ-2026-000002 is new: the status dialog offers in progress first.
    press(&mut app, &["j", "j", "enter", "s", "enter"]);
    type_text(&mut app, "Started");
    press(&mut app, &["enter"]);
    assert_eq!(detail_status(&app), Status::InProgress, "{:?}", app.message);
    press(&mut app, &["s", "enter", "enter"]);
    assert_eq!(detail_status(&app), Status::AwaitingSubject, "{:?}", app.message);
    // Reopen an answered one: ARZ-2026-000006, under Closed.
    press(&mut app, &["esc", "tab", "enter"]);
    assert_eq!(detail_status(&app), Status::Answered);
    press(&mut app, &["o"]);
    type_text(&mut app, "The answer missed the income records");
    press(&mut app, &["enter", "right", "enter"]);
    assert_eq!(detail_status(&app), Status::InProgress, "{:?}", app.message);
}

/// `L` on the detail screen writes the letter in the language of the appeal into the
/// letters folder, shows the path, and records the letter on the request's timeline.
#[test]
fn a_letter_is_written_from_the_detail_screen() {
    let dir = tempfile::tempdir().unwrap();
    let mut app = app("jyldyz", true);
    // Templates and fonts are loaded when the first letter is written, not at start.
    let loaded = std::rc::Rc::new(std::cell::Cell::new(false));
    let (flag, root) = (loaded.clone(), dir.path().to_path_buf());
    app.load_letters = Some(Box::new(move || {
        flag.set(true);
        Some(aryz::tui::app::LetterSetup {
            kit: aryz::letters::Kit::for_config(&aryz::config::Config::default(), &root).unwrap(),
            letterhead: std::collections::BTreeMap::default(),
            dir: root.join("letters"),
        })
    }));
    press(&mut app, &["shift-tab"]);
    press(&mut app, &["enter"]);
    let reference = match app.screens.last() {
        Some(Screen::Detail(d)) => d.request().reference.clone(),
        _ => panic!("no detail"),
    };
    press(&mut app, &["L"]);
    assert!(matches!(app.overlays.last(), Some(Overlay::Dialog(_))), "the letter dialog opens");
    assert!(!loaded.get(), "nothing loaded before a letter is written");
    // Type: acknowledgement; language: the appeal's; format: PDF → change to text.
    press(&mut app, &["tab", "tab", "right", "enter"]);
    assert!(loaded.get());
    // The letter is shown first, in the chosen language, and saved from there.
    let Some(Screen::Preview(p)) = app.screens.last() else { panic!("no preview: {:?}", app.message) };
    assert!(p.lines.iter().any(|l| l.contains("ARZ-2026-")), "{:?}", p.lines);
    assert!(app.overlays.is_empty(), "the dialog closed for the preview");
    press(&mut app, &["down", "space", "ctrl-s"]);
    assert!(app.overlays.is_empty(), "{:?}", app.message.as_ref().map(|m| &m.text));
    let message = app.message.as_ref().map(|m| m.text.clone()).unwrap_or_default();
    let written: Vec<_> =
        std::fs::read_dir(dir.path().join("letters")).unwrap().map(|e| e.unwrap().path()).collect();
    assert_eq!(written.len(), 1, "{message}");
    assert!(message.contains(&written[0].display().to_string()), "the screen shows the path: {message}");
    let text = std::fs::read_to_string(&written[0]).unwrap();
    assert!(text.contains(&reference), "{text}");
    let events = app.session.peek(&reference).unwrap().events;
    assert!(events.iter().any(|e| e.kind == aryz::store::EventKind::Letter), "the letter is on the timeline");
}

/// A letter to a subject with no postal or e-mail address: the clerk is asked before it is
/// saved, and once saved the message line says what it lacks (marked as a problem).
#[test]
fn a_letter_without_a_delivery_address_is_confirmed_before_it_is_saved() {
    let dir = tempfile::tempdir().unwrap();
    let mut app = app("jyldyz", true);
    let mut new = new_request(
        aryz::domain::kind::RequestKind::Information,
        "2026-11-20",
        "Test Noaddress",
        "12002198500099",
    );
    new.subject.email.clear();
    let reference = app.session.register(&new, Some("jyldyz")).unwrap().request.reference;
    app.letters = Some(aryz::tui::app::LetterSetup {
        kit: aryz::letters::Kit::for_config(&aryz::config::Config::default(), dir.path()).unwrap(),
        letterhead: std::collections::BTreeMap::default(),
        dir: dir.path().join("letters"),
    });
    press(&mut app, &[":"]);
    type_text(&mut app, &reference);
    press(&mut app, &["enter", "L", "tab", "tab", "right", "enter"]);
    assert!(matches!(app.screens.last(), Some(Screen::Preview(_))), "{:?}", app.message);
    press(&mut app, &["ctrl-s"]);
    // Asked before anything is saved, with what the letter lacks.
    let Some(Overlay::Confirm(c)) = app.overlays.last() else { panic!("no confirmation: {:?}", app.message) };
    assert!(c.details.iter().any(|d| d == aryz::i18n::t("letter_warning.no_address")), "{:?}", c.details);
    assert!(!dir.path().join("letters").exists(), "nothing is saved before the answer");
    press(&mut app, &["esc"]);
    assert!(!dir.path().join("letters").exists(), "declined: nothing saved");
    press(&mut app, &["enter"]);
    let Some(Overlay::Confirm(_)) = app.overlays.last() else { panic!("asked again") };
    press(&mut app, &["ctrl-s"]);
    assert!(app.overlays.is_empty(), "saved: the dialog closes");
    let message = app.message.clone().expect("a message");
    assert!(message.is_error, "{}", message.text);
    assert!(message.text.contains(aryz::i18n::t("letter_warning.no_address")), "{}", message.text);
    assert_eq!(
        std::fs::read_dir(dir.path().join("letters")).unwrap().count(),
        1,
        "the letter is still written"
    );
}

/// The app applies what a component asks for: close the dialog on top, show the queue
/// filtered, run a use case (here a note, through the service and its audit), quit.
#[test]
fn effects_are_applied_by_the_app() {
    use aryz::tui::effect::{Effect, UseCase};
    let mut app = app("aibek", true);
    press(&mut app, &["f"]);
    assert!(matches!(app.overlays.last(), Some(Overlay::Dialog(_))));
    app.apply(Effect::Close);
    assert!(app.overlays.is_empty());
    let filters = aryz::tui::screens::queue::Filters {
        kind: Some(aryz::domain::kind::RequestKind::Access),
        ..Default::default()
    };
    app.apply(Effect::Filter(filters.clone()));
    assert_eq!(app.queue.filters, filters);
    let reference = app.queue.rows.first().map(|r| r.reference.clone()).expect("a row");
    let events = app.session.peek(&reference).unwrap().events.len();
    app.apply(Effect::Run(Box::new(UseCase::Note {
        reference: reference.clone(),
        text: "From an effect".into(),
        to_subject: false,
    })));
    assert_eq!(app.session.peek(&reference).unwrap().events.len(), events + 1, "{:?}", app.message);
    app.apply(Effect::Message("shown".into(), true));
    assert!(app.message.as_ref().is_some_and(|m| m.is_error && m.text == "shown"));
    app.apply(Effect::Quit);
    assert!(app.quit);
}
