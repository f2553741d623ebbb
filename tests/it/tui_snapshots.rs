//! Whole-screen snapshots of the terminal UI on synthetic data and a fixed "today"
//! (24.11.2026). Review changes with `cargo insta review`.

use crate::tui_fixture;

use aryz::tui::app::Screen;
use tui_fixture::*;

#[test]
fn queue_empty() {
    let app = app("aibek", false);
    insta::assert_snapshot!("queue_empty_100x30", screen(&app, 100, 30));
    insta::assert_snapshot!("queue_empty_80x24", screen(&app, 80, 24));
}

#[test]
fn queue_with_overdue_and_due_soon_rows() {
    let mut app = app("jyldyz", true);
    insta::assert_snapshot!("queue_all_open_100x30", screen(&app, 100, 30));
    insta::assert_snapshot!("queue_all_open_80x24", screen(&app, 80, 24));
    insta::assert_snapshot!("queue_all_open_120x35", screen(&app, 120, 35));
    press(&mut app, &["shift-tab", "shift-tab", "shift-tab"]);
    insta::assert_snapshot!("queue_due_soon_100x30", screen(&app, 100, 30));
}

#[test]
fn queue_mine_for_a_clerk() {
    let app = app("aibek", true);
    insta::assert_snapshot!("queue_mine_80x24", screen(&app, 80, 24));
}

#[test]
fn detail_with_timeline() {
    let mut app = app("aibek", true);
    press(&mut app, &["enter"]);
    assert!(matches!(app.screens.last(), Some(Screen::Detail(_))));
    insta::assert_snapshot!("detail_100x30", screen(&app, 100, 30));
    insta::assert_snapshot!("detail_120x35", screen(&app, 120, 35));
    // Scrolling is bounded by the last drawn size.
    let _ = screen(&app, 100, 30);
    press(&mut app, &["G"]);
    insta::assert_snapshot!("detail_scrolled_100x30", screen(&app, 100, 30));
}

#[test]
fn intake_with_validation_errors() {
    let mut app = app("aibek", true);
    press(&mut app, &["n", "tab", "tab", "tab", "tab"]);
    type_text(&mut app, "Тестова Гүлнара");
    press(&mut app, &["tab"]);
    type_text(&mut app, "1241119900");
    press(&mut app, &["tab"]);
    type_text(&mut app, "12.11.1990");
    for _ in 0..5 {
        press(&mut app, &["tab"]);
    }
    press(&mut app, &["right", "space"]);
    press(&mut app, &["tab"]);
    type_text(&mut app, "not-an-email");
    press(&mut app, &["ctrl-s"]);
    insta::assert_snapshot!("intake_errors_100x30", screen(&app, 100, 30));
}

#[test]
fn response_form() {
    let mut app = app("aibek", true);
    press(&mut app, &["j", "enter", "r"]);
    press(&mut app, &["right", "right", "down"]);
    insta::assert_snapshot!("response_100x30", screen(&app, 100, 30));
    press(&mut app, &["right", "ctrl-s"]);
    insta::assert_snapshot!("response_confirm_100x30", screen(&app, 100, 30));
}

#[test]
fn help_screen() {
    let mut app = app("aibek", true);
    press(&mut app, &["?"]);
    insta::assert_snapshot!("help_queue_100x30", screen(&app, 100, 30));
}

#[test]
fn dialogs() {
    let mut app = app("jyldyz", true);
    press(&mut app, &["enter", "a"]);
    insta::assert_snapshot!("dialog_assign_100x30", screen(&app, 100, 30));
    press(&mut app, &["esc", "m"]);
    type_text(&mut app, "Internal: checked with the regional office");
    insta::assert_snapshot!("dialog_note_100x30", screen(&app, 100, 30));
}

#[test]
fn calendar_month() {
    let mut app = app("aibek", true);
    press(&mut app, &["c"]);
    insta::assert_snapshot!("calendar_100x30", screen(&app, 100, 30));
}

#[test]
fn terminal_too_small() {
    let app = app("aibek", true);
    insta::assert_snapshot!("too_small_60x15", screen(&app, 60, 15));
}

#[test]
fn queue_at_the_minimum_size() {
    let app = app("jyldyz", true);
    insta::assert_snapshot!("queue_64x16", screen(&app, 64, 16));
}

fn to_section(app: &mut aryz::tui::app::App, section: aryz::tui::screens::queue::Section) {
    for _ in 0..10 {
        if app.queue.section() == section {
            return;
        }
        press(app, &["tab"]);
    }
}

#[test]
fn supervisor_queue_grouped_by_clerk() {
    use aryz::tui::screens::queue::Section;
    let mut app = supervisor_app("jyldyz");
    to_section(&mut app, Section::OverdueByClerk);
    insta::assert_snapshot!("queue_overdue_by_clerk_100x30", screen(&app, 100, 30));
    to_section(&mut app, Section::DueSoonByClerk);
    insta::assert_snapshot!("queue_due_soon_by_clerk_80x24", screen(&app, 80, 24));
    to_section(&mut app, Section::Unassigned);
    press(&mut app, &["v"]);
    insta::assert_snapshot!("queue_unassigned_marked_100x30", screen(&app, 100, 30));
}

#[test]
fn supervisor_dashboard() {
    let mut app = supervisor_app("jyldyz");
    press(&mut app, &["D"]);
    insta::assert_snapshot!("dashboard_100x30", screen(&app, 100, 30));
    insta::assert_snapshot!("dashboard_80x24", screen(&app, 80, 24));
}

#[test]
fn supervisor_monthly_report() {
    let mut app = supervisor_app("jyldyz");
    press(&mut app, &["M"]);
    insta::assert_snapshot!("report_by_kind_100x30", screen(&app, 100, 30));
    press(&mut app, &["b"]);
    insta::assert_snapshot!("report_by_clerk_80x24", screen(&app, 80, 24));
}

#[test]
fn supervisor_audit_log() {
    let mut app = supervisor_app("jyldyz");
    press(&mut app, &["A"]);
    insta::assert_snapshot!("audit_100x30", screen(&app, 100, 30));
}

#[test]
fn supervisor_awaiting_section() {
    let mut app = supervisor_app("jyldyz");
    to_section(&mut app, aryz::tui::screens::queue::Section::Awaiting);
    insta::assert_snapshot!("queue_awaiting_100x30", screen(&app, 100, 30));
}
