//! End to end in a real terminal (tmux, 80×24): a clerk writes a reply of two paragraphs,
//! and a form open when the terminal is closed (SIGHUP) is offered back as a draft.

use crate::tmux;

use tmux::*;

#[test]
fn a_reply_of_two_paragraphs_is_written_and_saved_whole() {
    if !have_tmux() {
        return;
    }
    let t = Term::with_supervisor(80, 24);
    t.add_request("E2e Testova Aigul", "12503199000011", "2026-11-20");
    t.start_ui_with("jyldyz", "");
    t.wait_for("ARZ-2026-000001");
    t.keys(&["Enter"]);
    t.wait_for("Subject's name");
    t.keys(&["r"]);
    t.wait_for("Answer ARZ-2026-000001");
    // Outcome, refusal ground, then the text.
    t.keys(&["Tab", "Tab"]);
    t.text("Dear subject,");
    t.keys(&["Enter", "Enter"]);
    t.text("the copy of your records is enclosed.");
    let s = t.wait_for("the copy of your records is enclosed.");
    let at = s.lines().position(|l| l.contains("Dear subject,")).unwrap_or_else(|| panic!("{s}"));
    let lines: Vec<&str> = s.lines().collect();
    assert!(lines[at + 2].contains("the copy of your records"), "two paragraphs on screen:\n{s}");
    t.keys(&["C-s"]);
    t.wait_for("Yes, save");
    t.keys(&["Enter"]);
    t.wait_for("Answered ARZ-2026-000001");
    t.keys(&["q"]);
    t.wait_for("aryz exited with 0");
    let json = t.aryz(&["show", "ARZ-2026-000001", "--format", "json"], Some("jyldyz"));
    assert!(json.contains(r"Dear subject,\n\nthe copy of your records is enclosed."), "{json}");
}

/// The terminal closes (SIGHUP) with a half-typed intake form: the next time the form
/// opens, the draft is offered and put back.
#[test]
fn a_form_open_when_the_terminal_closes_is_offered_back() {
    if !have_tmux() {
        return;
    }
    let t = Term::with_clerk(80, 24);
    t.start_ui_with("aibek", "");
    t.keys(&["n"]);
    t.wait_for("Register a request");
    t.keys(&["Tab", "Tab", "Tab", "Tab"]);
    t.text("Тестова Гүлнара");
    t.wait_for("Тестова Гүлнара");
    let draft = t.dir.path().join("data/drafts/intake.toml");
    let start = std::time::Instant::now();
    while !std::fs::read_to_string(&draft).is_ok_and(|s| s.contains("Тестова Гүлнара")) {
        assert!(start.elapsed() < std::time::Duration::from_secs(10), "no draft written");
        std::thread::sleep(std::time::Duration::from_millis(40));
    }
    // The hang-up a closed terminal sends, to aryz (the shell's child in the pane).
    let shell = t.tmux(&["display-message", "-p", "-t", "e2e", "#{pane_pid}"]);
    let out = std::process::Command::new("ps").args(["-o", "pid=", "--ppid", shell.trim()]).output().unwrap();
    let pid = String::from_utf8_lossy(&out.stdout).trim().to_string();
    assert!(!pid.is_empty(), "aryz is running");
    let killed = std::process::Command::new("kill").args(["-HUP", &pid]).status().unwrap();
    assert!(killed.success());
    t.wait_for("aryz exited with 129");
    t.text("clear");
    t.keys(&["Enter"]);
    t.start_ui_with("aibek", "");
    t.keys(&["n"]);
    t.wait_for("A draft of this form");
    t.keys(&["Enter"]);
    t.wait_until("the name back in the form", |s| {
        s.contains("Тестова Гүлнара") && s.contains("Register a request")
    });
    // Discarding it (Esc, then yes) deletes the draft.
    t.keys(&["Escape"]);
    t.wait_for("lose what you typed");
    t.keys(&["Right", "Enter"]);
    t.wait_for("sorted by");
    t.keys(&["q"]);
    t.wait_for("aryz exited with 0");
    assert!(!draft.exists(), "discarded: no draft left");
}
