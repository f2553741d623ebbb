//! The first run in a real terminal (issue 18): `aryz` with no database creates one, says
//! what it created, where, and that the login is its admin, on the first screen and in the
//! shell afterwards; the empty queue offers the next steps and no demo.

use crate::tmux;

use tmux::*;

#[test]
fn the_first_run_explains_itself() {
    if !have_tmux() {
        return;
    }
    let t = Term::new(160, 30);
    let db = t.dir.path().join("data").join("first.sqlite3");
    assert!(!db.exists());
    t.start_ui_with("someone", &format!("--db {}", db.display()));
    let s = t.wait_for("first run: created the database");
    assert!(s.contains("is its admin"), "{s}");
    assert!(s.contains("No requests yet") && s.contains("aryz operator add LOGIN --role clerk"), "{s}");
    // Not a --dev-identity database: `aryz demo` would refuse, so it is not offered.
    assert!(!s.contains("aryz demo"), "{s}");
    assert!(db.exists());
    t.keys(&["q"]);
    let s = t.wait_for("aryz exited with 0");
    // The notice stays in the terminal after the screen is left.
    assert!(s.contains("aryz: first run: created the database"), "{s}");
    // A second start finds the database and says nothing of the kind.
    t.text("clear");
    t.keys(&["Enter"]);
    t.wait_until("a cleared shell", |s| !s.contains("first run"));
    t.start_ui_with("someone", &format!("--db {}", db.display()));
    let s = t.wait_for("No requests yet");
    assert!(!s.contains("first run"), "{s}");
    t.keys(&["q"]);
    t.wait_for("aryz exited with 0");
}
