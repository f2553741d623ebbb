//! The tmux harness of the end-to-end tests: one tmux server on a private socket with a
//! shell, a temporary aryz database, and waiting for text on the screen (polling
//! `capture-pane` with a deadline) rather than sleeping.
#![allow(dead_code)]

use std::process::Command;
use std::sync::OnceLock;
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

/// The databases a terminal starts from, made once per test run by the same commands every
/// test ran before (`init --dev-identity`, then `operator add`), and copied: each test has
/// its own database without spending two or three starts of the debug binary on it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Staff {
    /// Only the first admin (the OS login).
    None,
    /// And the clerk `aibek`.
    Clerk,
    /// And the supervisor `jyldyz`.
    Supervisor,
}

static TEMPLATES: [OnceLock<tempfile::TempDir>; 3] = [OnceLock::new(), OnceLock::new(), OnceLock::new()];

impl Term {
    /// A terminal over a database holding only its first admin.
    pub fn new(width: u16, height: u16) -> Term {
        Term::start(width, height, Staff::None)
    }

    /// A terminal over a database with the clerk `aibek`.
    pub fn with_clerk(width: u16, height: u16) -> Term {
        Term::start(width, height, Staff::Clerk)
    }

    /// A terminal over a database with the supervisor `jyldyz`.
    pub fn with_supervisor(width: u16, height: u16) -> Term {
        Term::start(width, height, Staff::Supervisor)
    }

    /// [`Term::with_clerk`] and one request, "E2e Testova Aigul" received on 20.11.2026
    /// (`ARZ-2026-000001`), assigned to `aibek`.
    pub fn with_clerks_request(width: u16, height: u16) -> Term {
        let t = Term::with_clerk(width, height);
        t.add_request("E2e Testova Aigul", "12503199000011", "2026-11-20");
        t.aryz(&["assign", "ARZ-2026-000001", "aibek"], None);
        t
    }

    fn start(width: u16, height: u16, staff: Staff) -> Term {
        let template = TEMPLATES[staff as usize].get_or_init(|| {
            // Under cargo's scratch directory for tests: a static is never dropped.
            let dir = tempfile::tempdir_in(env!("CARGO_TARGET_TMPDIR")).unwrap();
            for sub in ["data", "config"] {
                std::fs::create_dir_all(dir.path().join(sub)).unwrap();
            }
            aryz_in(dir.path(), &["init", "--dev-identity"], None);
            let add = |login, role| aryz_in(dir.path(), &["operator", "add", login, "--role", role], None);
            match staff {
                Staff::None => {}
                Staff::Clerk => drop(add("aibek", "clerk")),
                Staff::Supervisor => drop(add("jyldyz", "supervisor")),
            }
            dir
        });
        let dir = tempfile::tempdir().unwrap();
        for sub in ["data", "config"] {
            std::fs::create_dir_all(dir.path().join(sub)).unwrap();
            for entry in std::fs::read_dir(template.path().join(sub)).unwrap() {
                let from = entry.unwrap().path();
                if from.is_file() {
                    std::fs::copy(&from, dir.path().join(sub).join(from.file_name().unwrap())).unwrap();
                }
            }
        }
        let socket = format!("aryz-e2e-{}-{}", std::process::id(), NEXT.fetch_add(1, Ordering::SeqCst));
        let t = Term { socket, dir };
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
        env_of(self.dir.path())
    }

    /// Runs the command line (as the OS login unless `operator`), which must succeed.
    pub fn aryz(&self, args: &[&str], operator: Option<&str>) -> String {
        aryz_in(self.dir.path(), args, operator)
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

/// The environment of a terminal whose data and config are under `dir`.
fn env_of(dir: &std::path::Path) -> Vec<(&'static str, String)> {
    let p = |s: &str| dir.join(s).display().to_string();
    vec![
        ("ARYZ_DATA_DIR", p("data")),
        ("ARYZ_CONFIG_DIR", p("config")),
        ("ARYZ_TODAY", TODAY.to_string()),
        ("TERM", "xterm-256color".to_string()),
        ("LANG", "C.UTF-8".to_string()),
    ]
}

/// Runs the command line on the database under `dir` (as the OS login unless `operator`),
/// which must succeed.
fn aryz_in(dir: &std::path::Path, args: &[&str], operator: Option<&str>) -> String {
    let mut cmd = Command::new(BIN);
    cmd.args(args).envs(env_of(dir)).env_remove("ARYZ_OPERATOR");
    if let Some(op) = operator {
        cmd.env("ARYZ_OPERATOR", op);
    }
    let out = cmd.output().unwrap();
    assert!(out.status.success(), "aryz {args:?}: {}", String::from_utf8_lossy(&out.stderr));
    String::from_utf8_lossy(&out.stdout).into_owned()
}

impl Drop for Term {
    fn drop(&mut self) {
        let _ = Command::new("tmux").args(["-L", &self.socket, "kill-server"]).output();
    }
}
