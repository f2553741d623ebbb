//! End to end in a real terminal (tmux, 80×24): a clerk attaches a scanned request through
//! the path prompt, completing its name with Tab, and saves it back out; the copy is the
//! same bytes.

use crate::tmux;

use tmux::*;

#[test]
fn a_file_is_attached_with_tab_completion_and_saved_back_out_byte_for_byte() {
    if !have_tmux() {
        return;
    }
    let t = Term::with_clerks_request(80, 24);
    // A scan with every byte value, in a folder of its own, where aryz is started.
    let folder = t.dir.path().join("work");
    std::fs::create_dir_all(folder.join("scans")).unwrap();
    let content: Vec<u8> = (0..=255u8).cycle().take(40_000).collect();
    std::fs::write(folder.join("scans").join("скан-заявления.pdf"), &content).unwrap();
    t.text(&format!("cd '{}'", folder.display()));
    t.keys(&["Enter"]);
    t.start_ui_with("aibek", "");
    t.wait_for("ARZ-2026-000001");
    t.keys(&["Enter"]);
    t.wait_for("Subject's name");
    t.keys(&["f"]);
    t.wait_for("Attach a file");
    // "sc" Tab → the folder, Tab → the only file in it.
    t.text("sc");
    t.keys(&["Tab"]);
    t.wait_for("scans/");
    t.keys(&["Tab"]);
    t.wait_for("scans/скан-заявления.pdf");
    t.keys(&["Down", "Right"]);
    t.wait_for("request scan");
    t.keys(&["C-s"]);
    t.wait_for("file 1 attached");
    // The detail lists it (the one-column detail: scroll to the files).
    t.keys(&["G"]);
    t.wait_for("скан-заявления.pdf");
    t.keys(&["F"]);
    t.wait_for("Save a file out");
    t.keys(&["Down", "C-u"]);
    t.text("copy.pdf");
    t.keys(&["C-s"]);
    t.wait_for("copy.pdf (39.1 KB)");
    t.keys(&["q"]);
    t.wait_for("aryz exited with 0");
    assert_eq!(std::fs::read(folder.join("copy.pdf")).unwrap(), content, "the same bytes");
    let list = t.aryz(&["attachments", "ARZ-2026-000001"], Some("aibek"));
    assert!(list.contains("скан-заявления.pdf") && list.contains("40000"), "{list}");
}
