//! Whole-screen snapshots of the terminal UI in Kyrgyz and in Russian, on the synthetic data
//! and the fixed "today" (24.11.2026) of the English snapshots. The language is set for the
//! test's own thread, so these run in parallel with the English ones.

use crate::tui_fixture;

use aryz::i18n::{Lang, set_thread_language};
use aryz::tui::app::Screen;
use tui_fixture::*;

fn screens(lang: Lang) {
    set_thread_language(Some(lang));
    let code = lang.code();
    let mut app = app("jyldyz", true);
    insta::assert_snapshot!(format!("{code}_queue_all_open_80x24"), screen(&app, 80, 24));
    insta::assert_snapshot!(format!("{code}_queue_all_open_120x35"), screen(&app, 120, 35));
    press(&mut app, &["enter"]);
    assert!(matches!(app.screens.last(), Some(Screen::Detail(_))));
    insta::assert_snapshot!(format!("{code}_detail_80x24"), screen(&app, 80, 24));
    insta::assert_snapshot!(format!("{code}_detail_120x35"), screen(&app, 120, 35));
    press(&mut app, &["?"]);
    insta::assert_snapshot!(format!("{code}_help_detail_100x30"), screen(&app, 100, 30));

    let mut app = app_for_clerk();
    insta::assert_snapshot!(format!("{code}_queue_mine_80x24"), screen(&app, 80, 24));
    press(&mut app, &["n"]);
    insta::assert_snapshot!(format!("{code}_intake_100x30"), screen(&app, 100, 30));
    set_thread_language(None);
}

fn app_for_clerk() -> aryz::tui::app::App {
    app("aibek", true)
}

#[test]
fn kyrgyz_screens() {
    screens(Lang::Ky);
}

#[test]
fn russian_screens() {
    screens(Lang::Ru);
}

#[test]
fn empty_queue_in_kyrgyz() {
    set_thread_language(Some(Lang::Ky));
    let app = app("aibek", false);
    let s = screen(&app, 80, 24);
    assert!(s.contains("Азырынча арыздар жок"), "{s}");
    insta::assert_snapshot!("ky_queue_empty_80x24", s);
    set_thread_language(None);
}

/// The intake form's errors and warnings (the domain's English rules) in the interface language.
fn intake_errors(lang: Lang) -> String {
    set_thread_language(Some(lang));
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
    let s = screen(&app, 100, 30);
    set_thread_language(None);
    s
}

#[test]
fn intake_errors_in_kyrgyz_and_russian() {
    let ky = intake_errors(Lang::Ky);
    assert!(ky.contains("так 14 цифрадан турушу керек"), "{ky}");
    insta::assert_snapshot!("ky_intake_errors_100x30", ky);
    let ru = intake_errors(Lang::Ru);
    assert!(ru.contains("должен состоять ровно из 14 цифр"), "{ru}");
    insta::assert_snapshot!("ru_intake_errors_100x30", ru);
}

#[test]
fn response_form_and_confirm_in_russian() {
    set_thread_language(Some(Lang::Ru));
    let mut app = app("aibek", true);
    press(&mut app, &["j", "enter", "r"]);
    press(&mut app, &["right", "right", "down"]);
    insta::assert_snapshot!("ru_response_100x30", screen(&app, 100, 30));
    press(&mut app, &["right", "ctrl-s"]);
    insta::assert_snapshot!("ru_response_confirm_80x24", screen(&app, 80, 24));
    set_thread_language(None);
}

#[test]
fn calendar_and_dialogs_in_kyrgyz() {
    set_thread_language(Some(Lang::Ky));
    let mut app = app("jyldyz", true);
    press(&mut app, &["c"]);
    insta::assert_snapshot!("ky_calendar_100x30", screen(&app, 100, 30));
    press(&mut app, &["esc", "enter", "a"]);
    insta::assert_snapshot!("ky_dialog_assign_80x24", screen(&app, 80, 24));
    press(&mut app, &["esc", "m"]);
    insta::assert_snapshot!("ky_dialog_note_80x24", screen(&app, 80, 24));
    press(&mut app, &["esc", "esc", "f"]);
    insta::assert_snapshot!("ky_dialog_filter_80x24", screen(&app, 80, 24));
    set_thread_language(None);
}

/// The first run's notice at the foot of the queue was cut at 80 columns mid-word ("…your
/// login 'roo"): a status message wider than the screen now ends in "…", in every language.
#[test]
fn a_long_status_message_ends_in_an_ellipsis_at_80_columns() {
    for lang in [Lang::En, Lang::Ky, Lang::Ru] {
        set_thread_language(Some(lang));
        let mut app = app("aibek", false);
        let path = std::path::Path::new("/home/someone/.local/share/aryz/aryz.sqlite3");
        let text = aryz::app::first_run_notice(path, "root");
        assert!(unicode_width::UnicodeWidthStr::width(text.as_str()) > 80, "{text}");
        app.message = Some(aryz::tui::app::Message { text: text.clone(), is_error: false });
        let s = screen(&app, 80, 24);
        let status = s.lines().nth(22).unwrap_or_default().to_string();
        assert!(status.ends_with('…'), "{:?}: {status:?}", lang.code());
        assert_eq!(unicode_width::UnicodeWidthStr::width(status.as_str()), 80, "{status:?}");
        let shown = status.trim_end_matches('…');
        assert!(text.starts_with(shown), "{status:?} is the start of {text:?}");
    }
    set_thread_language(None);
}
