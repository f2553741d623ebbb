//! Whether an external tool a test needs (tmux, sqlite3, poppler) is installed, with the
//! one policy for when it is not: under `CI` a missing tool fails the test (CI installs
//! them, so a missing one is a broken machine, not a reason to pass); on a developer's
//! machine the test says loudly that it skipped.

use std::process::Command;

/// True when `name` runs with `probe` and exits 0. When it does not: panics if the `CI`
/// environment variable is set, else prints a loud notice and returns false.
pub fn require_tool(name: &str, probe: &str) -> bool {
    let found = Command::new(name).arg(probe).output().is_ok_and(|o| o.status.success());
    if found {
        return true;
    }
    let ci = std::env::var_os("CI").is_some_and(|v| !v.is_empty() && v != "0" && v != "false");
    assert!(!ci, "{name} is required under CI but is not installed (or `{name} {probe}` failed)");
    eprintln!("\n!!! SKIPPED: {name} is not installed; this test did not run (it fails under CI) !!!\n");
    false
}
