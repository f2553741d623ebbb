//! Whole-screen snapshots of the terminal UI in Kyrgyz and in Russian, on the synthetic data
//! and the fixed "today" (24.11.2026) of the English snapshots. The language is set for the
//! test's own thread, so these run in parallel with the English ones.

mod tui_fixture;

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
