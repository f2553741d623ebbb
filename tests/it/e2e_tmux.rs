//! End-to-end tests of the terminal UI on the built binary, in a real terminal: tmux with a
//! private socket, a temporary data directory, and waiting for text on the screen (polling
//! `capture-pane` with a deadline) rather than sleeping.

use crate::tmux;

use std::path::Path;

use tmux::*;

// A trait, not an inherent method: every module of the test crate shares `Term`, and
// e2e_tmux_i18n has its own `start_ui`.
trait StartUi {
    fn start_ui(&self, operator: &str);
}

impl StartUi for Term {
    /// Starts the UI as `operator` from the shell in the pane.
    fn start_ui(&self, operator: &str) {
        self.start_ui_with(operator, "");
    }
}

fn path_exists(p: &Path) -> bool {
    p.exists()
}

#[test]
fn register_through_the_form_and_find_it_with_its_due_date() {
    if !have_tmux() {
        eprintln!("tmux is not installed; skipping");
        return;
    }
    let t = Term::with_clerk(100, 30);
    t.start_ui("aibek");
    t.wait_for("No requests yet");
    t.keys(&["n"]);
    t.wait_for("Register a request");
    t.keys(&["Tab", "Tab", "Tab", "Tab"]);
    t.text("Тестова Гүлнара");
    t.keys(&["Tab"]);
    t.text("12411199000077");
    // Identity has no default: birth date, identity, and the channel's first method.
    t.keys(&["Tab", "Tab", "Right"]);
    // An access request received today: Art. 17's week (Tue 01.12) governs; the 30 days
    // (Thu 24.12) are the limit.
    t.wait_for("Tue 01.12.2026 [binding · governs]");
    t.wait_for("Thu 24.12.2026 [binding]");
    t.keys(&["C-s"]);
    let s = t.wait_for("Registered ARZ-2026-000001, due 01.12.2026");
    let row = s.lines().find(|l| l.starts_with("ARZ-2026-000001")).unwrap_or_else(|| panic!("no row:\n{s}"));
    assert!(row.contains("Тестова Гүлнара") && row.contains("01.12.2026") && row.contains("aibek"), "{row}");
    assert!(path_exists(&t.dir.path().join("data/aryz.sqlite3")));
}

#[test]
fn open_assign_note_answer_and_find_under_closed() {
    if !have_tmux() {
        eprintln!("tmux is not installed; skipping");
        return;
    }
    let t = Term::with_supervisor(120, 40);
    t.add_request("E2e Testova Aigul", "12503199000011", "2026-11-20");
    t.start_ui("jyldyz");
    t.wait_for("ARZ-2026-000001");
    t.keys(&["Enter"]);
    t.wait_for("Timeline");
    t.keys(&["a"]);
    t.wait_for("Assign — ARZ-2026-000001");
    t.keys(&["Enter"]);
    t.wait_for("Saved ARZ-2026-000001");
    t.wait_for("Assigned: jyldyz");
    t.keys(&["m"]);
    t.wait_for("Add a note");
    t.text("E2e internal note");
    t.keys(&["C-s"]);
    t.wait_for("[internal] Note — E2e internal note");
    t.keys(&["r"]);
    t.wait_for("Answer ARZ-2026-000001");
    t.keys(&["C-s"]);
    t.wait_for("Yes, save");
    t.keys(&["Enter"]);
    t.wait_for("Answered ARZ-2026-000001");
    t.keys(&["Escape"]);
    t.wait_for("sorted by");
    // The supervisor starts on "All open"; "Closed" is the next tab.
    t.keys(&["Tab"]);
    let s = t.wait_until("the request under Closed", |s| {
        s.contains("closed, newest first")
            && s.lines().any(|l| l.starts_with("ARZ-2026-000001") && l.contains("answered"))
    });
    assert!(s.contains("1 request "), "one request, singular: {s}");
}

#[test]
fn search_by_pin() {
    if !have_tmux() {
        eprintln!("tmux is not installed; skipping");
        return;
    }
    let t = Term::with_supervisor(100, 30);
    t.add_request("E2e First Subject", "12503199000011", "2026-11-20");
    t.add_request("E2e Second Subject", "22007197000033", "2026-11-23");
    t.start_ui("jyldyz");
    t.wait_for("ARZ-2026-000002");
    t.keys(&["/"]);
    t.wait_for("Search (reference");
    t.text("22007197000033");
    let s = t.wait_until("the whole PIN searched", |s| s.contains("search: 22007197000033"));
    assert!(s.contains("E2e Second Subject") && !s.contains("E2e First Subject"), "{s}");
    t.keys(&["Enter"]);
    t.keys(&["Enter"]);
    t.wait_for("PIN                  22007197000033");
}

#[test]
fn quit_leaves_a_clean_shell() {
    if !have_tmux() {
        eprintln!("tmux is not installed; skipping");
        return;
    }
    let t = Term::with_clerk(80, 24);
    t.start_ui("aibek");
    t.wait_for("No requests yet");
    assert_eq!(t.tmux(&["display-message", "-p", "-t", "e2e", "#{alternate_on}"]).trim(), "1");
    t.keys(&["q"]);
    let s = t.wait_for("aryz exited with 0");
    assert!(!s.contains("No requests yet") && !s.contains("aryz │"), "the UI is gone:\n{s}");
    assert_eq!(t.tmux(&["display-message", "-p", "-t", "e2e", "#{alternate_on}"]).trim(), "0");
    // The shell echoes what is typed again: raw mode is off.
    t.text("echo typed-back");
    t.keys(&["Enter"]);
    t.wait_until("the echo", |s| s.lines().any(|l| l.trim() == "typed-back"));
}

#[test]
fn a_bad_key_in_the_config_is_named_before_the_screen_changes() {
    if !have_tmux() {
        eprintln!("tmux is not installed; skipping");
        return;
    }
    let t = Term::with_clerk(100, 30);
    std::fs::write(
        t.dir.path().join("config/config.toml"),
        "[keys]\nrecord_response = \"ctrl-alt-nonsense\"\n",
    )
    .unwrap();
    t.text(&format!("ARYZ_OPERATOR=aibek {BIN}; echo \"aryz exited with $?\""));
    t.keys(&["Enter"]);
    let s = t.wait_for("aryz exited with 1");
    assert!(s.contains("record_response") && s.contains("nonsense"), "{s}");
}

#[test]
fn a_supervisor_marks_three_requests_and_assigns_them_to_a_clerk_who_then_has_them() {
    if !have_tmux() {
        eprintln!("tmux is not installed; skipping");
        return;
    }
    let t = Term::with_supervisor(110, 30);
    t.add_operator("aibek", "clerk");
    t.add_request("E2e First Subject", "12503199000011", "2026-11-16");
    t.add_request("E2e Second Subject", "22007197000033", "2026-11-18");
    t.add_request("E2e Third Subject", "21111199100044", "2026-11-20");
    t.add_request("E2e Fourth Subject", "23112198800055", "2026-11-23");
    t.start_ui("jyldyz");
    t.wait_for("ARZ-2026-000004");
    // "Unassigned" is the tab before "All open".
    t.keys(&["BTab"]);
    t.wait_for("Subject");
    // Mark the first three (each mark moves down a row).
    t.keys(&["v", "v", "v"]);
    t.wait_for("3 marked");
    t.keys(&["a"]);
    t.wait_for("Assign 3 marked requests");
    // The operator list starts on the supervisor; step to aibek.
    let choice = |s: &str| s.lines().find(|l| l.contains("‹ ")).map(str::to_string).unwrap_or_default();
    for _ in 0..10 {
        let now = choice(&t.screen());
        if now.contains("‹ aibek") {
            break;
        }
        t.keys(&["Left"]);
        t.wait_until("the next operator", |s| choice(s) != now);
    }
    t.keys(&["C-s"]);
    let s = t.wait_for("3 requests assigned to aibek");
    assert!(!s.contains("marked"), "the marks are cleared:\n{s}");
    assert!(s.contains("ARZ-2026-000004") && !s.contains("ARZ-2026-000001"), "only the fourth is left:\n{s}");
    t.keys(&["q"]);
    t.wait_for("aryz exited with 0");

    t.text("clear");
    t.keys(&["Enter"]);
    t.start_ui("aibek");
    let s = t.wait_until("the clerk's three requests under Mine", |s| {
        s.contains("3 requests") && s.contains("ARZ-2026-000003")
    });
    for r in ["ARZ-2026-000001", "ARZ-2026-000002", "ARZ-2026-000003"] {
        let row = s.lines().find(|l| l.starts_with(r)).unwrap_or_else(|| panic!("no {r} under Mine:\n{s}"));
        assert!(row.contains("aibek"), "{row}");
    }
    assert!(!s.contains("ARZ-2026-000004"), "{s}");
    t.keys(&["q"]);
    t.wait_for("aryz exited with 0");
}
