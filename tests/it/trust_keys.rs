//! Quit is always reachable (issue 11): Ctrl-C quits from any screen whatever the keymap,
//! and a keymap that would lock an action out is refused at start, naming the entry.

use crate::tui_fixture;

use std::collections::BTreeMap;

use aryz::config::KeyBinding;
use aryz::tui::app::App;
use aryz::tui::keymap::KeyMap;
use aryz::tui::theme::Theme;
use tui_fixture::*;

fn app_with(keys: &[(&str, &str)]) -> App {
    let mut o = BTreeMap::new();
    for (a, k) in keys {
        o.insert(a.to_string(), KeyBinding::One(k.to_string()));
    }
    let map = KeyMap::with_overrides(&o).unwrap();
    App::new(session_on(fixture_store(true), "jyldyz"), map, Theme::colour()).unwrap()
}

#[test]
fn ctrl_c_quits_from_every_screen_whatever_the_keymap() {
    // Paths from the queue to each screen: queue, detail, intake form (typing), a dialog,
    // calendar, help, dashboard, report, audit log.
    let paths: &[&[&str]] = &[
        &[],
        &["enter"],
        &["n"],
        &["n", "x", "y"],
        &["enter", "m"],
        &["c"],
        &["?"],
        &["D"],
        &["M"],
        &["A"],
        &["A", "/"],
    ];
    let mut screens = 0;
    for keymap in [&[][..], &[("quit", "Q")], &[("quit", "F10")]] {
        for path in paths {
            let mut app = app_with(keymap);
            press(&mut app, path);
            assert!(!app.quit, "{path:?} does not quit by itself");
            press(&mut app, &["ctrl-c"]);
            assert!(app.quit, "ctrl-c after {path:?} with {keymap:?}");
            screens += 1;
        }
    }
    println!("ctrl-c quit from {screens} screen/keymap combinations");
}

#[test]
fn the_help_shows_the_keys_that_quit() {
    let mut app = app_with(&[("quit", "Q")]);
    press(&mut app, &["?"]);
    let s = screen(&app, 120, 40);
    assert!(s.contains("ctrl-c"), "{s}");
    assert!(s.contains('Q'), "{s}");
}

#[test]
fn a_locked_out_quit_is_refused_at_start() {
    let mut o = BTreeMap::new();
    o.insert("quit".to_string(), KeyBinding::One("j".into()));
    let e = KeyMap::with_overrides(&o).unwrap_err().to_string();
    assert!(e.contains("quit") && e.contains("'j'"), "{e}");
}
