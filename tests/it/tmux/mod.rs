//! The tmux harness of the end-to-end tests: one tmux server on a private socket with a
//! shell, a temporary aryz database, and waiting for text on the screen (polling
//! `capture-pane` with a deadline) rather than sleeping.
#![allow(dead_code)]

use std::process::Command;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

pub const BIN: &str = env!("CARGO_BIN_EXE_aryz");
pub const TODAY: &str = "2026-11-24";
pub const WAIT: Duration = Duration::from_secs(15);

pub static NEXT: AtomicUsize = AtomicUsize::new(0);

use crate::support::tool;

/// Whether tmux is installed; under `CI` a missing tmux fails the test instead.
pub fn have_tmux() -> bool {
    tool::require_tool("tmux", "-V")
}

/// One tmux server on a private socket, a shell in it, and a temporary aryz database.
pub struct Term {
    pub socket: String,
    pub dir: tempfile::TempDir,
}

impl Term {
    pub fn new(width: u16, height: u16) -> Term {
        let dir = tempfile::tempdir().unwrap();
        for sub in ["data", "config"] {
            std::fs::create_dir_all(dir.path().join(sub)).unwrap();
        }
        let socket = format!("aryz-e2e-{}-{}", std::process::id(), NEXT.fetch_add(1, Ordering::SeqCst));
        let t = Term { socket, dir };
        t.aryz(&["init", "--dev-identity"], None);
        let mut cmd = Command::new("tmux");
        cmd.args(["-L", &t.socket, "-f", "/dev/null", "new-session", "-d", "-s", "e2e"]);
        cmd.args(["-x", &width.to_string(), "-y", &height.to_string()]);
        for (k, v) in t.env() {
            cmd.args(["-e", &format!("{k}={v}")]);
        }
        cmd.args(["-e", "PS1=e2e$ ", "bash", "--norc", "--noprofile"]);
        assert!(cmd.status().unwrap().success(), "tmux did not start");
        t.tmux(&["set-option", "-s", "escape-time", "0"]);
        t.wait_for("e2e$");
        t
    }

    pub fn env(&self) -> Vec<(&'static str, String)> {
        let p = |s: &str| self.dir.path().join(s).display().to_string();
        vec![
            ("ARYZ_DATA_DIR", p("data")),
            ("ARYZ_CONFIG_DIR", p("config")),
            ("ARYZ_TODAY", TODAY.to_string()),
            ("TERM", "xterm-256color".to_string()),
            ("LANG", "C.UTF-8".to_string()),
        ]
    }

    /// Runs the command line (as the OS login unless `operator`), which must succeed.
    pub fn aryz(&self, args: &[&str], operator: Option<&str>) -> String {
        let mut cmd = Command::new(BIN);
        cmd.args(args).envs(self.env()).env_remove("ARYZ_OPERATOR");
        if let Some(op) = operator {
            cmd.env("ARYZ_OPERATOR", op);
        }
        let out = cmd.output().unwrap();
        assert!(out.status.success(), "aryz {args:?}: {}", String::from_utf8_lossy(&out.stderr));
        String::from_utf8_lossy(&out.stdout).into_owned()
    }

    pub fn tmux(&self, args: &[&str]) -> String {
        let out = Command::new("tmux").args(["-L", &self.socket]).args(args).output().unwrap();
        String::from_utf8_lossy(&out.stdout).into_owned()
    }

    pub fn screen(&self) -> String {
        self.tmux(&["capture-pane", "-p", "-t", "e2e"])
    }

    /// Waits until `text` is on the screen; fails with the screen after the deadline.
    pub fn wait_for(&self, text: &str) -> String {
        self.wait_until(text, |s| s.contains(text))
    }

    pub fn wait_until(&self, what: &str, ok: impl Fn(&str) -> bool) -> String {
        let start = Instant::now();
        loop {
            let s = self.screen();
            if ok(&s) {
                return s;
            }
            assert!(start.elapsed() < WAIT, "timed out waiting for {what:?}; the screen was:\n{s}");
            std::thread::sleep(Duration::from_millis(40));
        }
    }

    /// Sends keys in tmux's names ("Enter", "Tab", "C-s", "Escape") or literal text.
    pub fn keys(&self, keys: &[&str]) {
        let mut args = vec!["send-keys", "-t", "e2e"];
        args.extend_from_slice(keys);
        self.tmux(&args);
    }

    pub fn text(&self, text: &str) {
        self.tmux(&["send-keys", "-t", "e2e", "-l", text]);
    }

    /// Starts the UI as `operator` from the shell in the pane.
    pub fn start_ui_with(&self, operator: &str, args: &str) {
        self.text(&format!("ARYZ_OPERATOR={operator} {BIN} {args}; echo \"aryz exited with $?\""));
        self.keys(&["Enter"]);
        self.wait_for("aryz │");
    }

    pub fn add_operator(&self, login: &str, role: &str) {
        self.aryz(&["operator", "add", login, "--role", role], None);
    }

    pub fn add_request(&self, name: &str, pin: &str, received: &str) -> String {
        // Verified at intake: answering "fulfilled" discloses personal data (issue 15).
        self.aryz(
            &[
                "add",
                "--kind",
                "access",
                "--name",
                name,
                "--pin",
                pin,
                "--received",
                received,
                "--identity",
                "e_signature",
            ],
            None,
        )
    }
}

impl Drop for Term {
    fn drop(&mut self) {
        let _ = Command::new("tmux").args(["-L", &self.socket, "kill-server"]).output();
    }
}
