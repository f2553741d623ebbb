//! End-to-end runs of the terminal UI in Kyrgyz and Russian on the built binary, in a real
//! terminal: tmux with a private socket, temporary directories, waiting for text on the
//! screen rather than sleeping (the harness of `e2e_tmux.rs`).
#![allow(dead_code)]

use std::process::Command;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

const BIN: &str = env!("CARGO_BIN_EXE_aryz");
const TODAY: &str = "2026-11-24";
const WAIT: Duration = Duration::from_secs(15);

static NEXT: AtomicUsize = AtomicUsize::new(0);

fn have_tmux() -> bool {
    Command::new("tmux").arg("-V").output().is_ok_and(|o| o.status.success())
}

/// One tmux server on a private socket, a shell in it, and a temporary aryz database.
struct Term {
    socket: String,
    dir: tempfile::TempDir,
}

impl Term {
    fn new(width: u16, height: u16) -> Term {
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

    fn env(&self) -> Vec<(&'static str, String)> {
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
    fn aryz(&self, args: &[&str], operator: Option<&str>) -> String {
        let mut cmd = Command::new(BIN);
        cmd.args(args).envs(self.env()).env_remove("ARYZ_OPERATOR");
        if let Some(op) = operator {
            cmd.env("ARYZ_OPERATOR", op);
        }
        let out = cmd.output().unwrap();
        assert!(out.status.success(), "aryz {args:?}: {}", String::from_utf8_lossy(&out.stderr));
        String::from_utf8_lossy(&out.stdout).into_owned()
    }

    fn tmux(&self, args: &[&str]) -> String {
        let out = Command::new("tmux").args(["-L", &self.socket]).args(args).output().unwrap();
        String::from_utf8_lossy(&out.stdout).into_owned()
    }

    fn screen(&self) -> String {
        self.tmux(&["capture-pane", "-p", "-t", "e2e"])
    }

    /// Waits until `text` is on the screen; fails with the screen after the deadline.
    fn wait_for(&self, text: &str) -> String {
        self.wait_until(text, |s| s.contains(text))
    }

    fn wait_until(&self, what: &str, ok: impl Fn(&str) -> bool) -> String {
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
    fn keys(&self, keys: &[&str]) {
        let mut args = vec!["send-keys", "-t", "e2e"];
        args.extend_from_slice(keys);
        self.tmux(&args);
    }

    fn text(&self, text: &str) {
        self.tmux(&["send-keys", "-t", "e2e", "-l", text]);
    }

    /// Starts the UI as `operator` from the shell in the pane.
    fn start_ui(&self, operator: &str, args: &str) {
        self.text(&format!("ARYZ_OPERATOR={operator} {BIN} {args}; echo \"aryz exited with $?\""));
        self.keys(&["Enter"]);
        self.wait_for("aryz │");
    }

    fn add_operator(&self, login: &str, role: &str) {
        self.aryz(&["operator", "add", login, "--role", role], None);
    }

    fn add_request(&self, name: &str, pin: &str, received: &str) -> String {
        self.aryz(&["add", "--kind", "access", "--name", name, "--pin", pin, "--received", received], None)
    }
}

impl Drop for Term {
    fn drop(&mut self) {
        let _ = Command::new("tmux").args(["-L", &self.socket, "kill-server"]).output();
    }
}

#[test]
fn register_and_open_a_request_in_kyrgyz() {
    if !have_tmux() {
        eprintln!("tmux is not installed; skipping");
        return;
    }
    let t = Term::new(80, 24);
    t.add_operator("aibek", "clerk");
    t.start_ui("aibek", "--lang ky");
    // Waiting for every part at once: a capture may catch a frame half drawn.
    t.wait_until("the empty queue in Kyrgyz", |s| {
        s.contains("Азырынча арыздар жок")
            && s.contains("Меники │ Мөөнөтү жакын │ Мөөнөтү өткөн")
            && s.contains("aibek · адис · Шш 24.11.2026")
    });
    t.keys(&["n"]);
    t.wait_for("Арызды каттоо");
    t.keys(&["Tab", "Tab", "Tab", "Tab"]);
    t.text("Тестова Гүлнара");
    t.keys(&["Tab"]);
    t.text("12411199000077");
    t.wait_for("Бш 24.12.2026 [милдеттүү]");
    t.keys(&["C-s"]);
    t.wait_until("the new row and the message", |s| {
        s.contains("ARZ-2026-000001 катталды, мөөнөтү 24.12.2026.")
            && s.lines().any(|l| {
                l.starts_with("ARZ-2026-000001")
                    && l.contains("Тестова Гүлна")
                    && l.contains("24.12.2026")
                    && l.contains("жаңы")
            })
    });
    t.keys(&["Enter"]);
    t.wait_until("the detail in Kyrgyz", |s| {
        s.contains("Мөөнөттөр") && s.contains("Түрү") && s.contains("таанышуу")
    });
    t.keys(&["?"]);
    t.wait_for("Бул экрандагы баскычтар");
    t.keys(&["Escape"]);
    t.wait_for("Мөөнөттөр");
    t.keys(&["Escape"]);
    t.wait_for("иреттөө: мөөнөтү боюнча");
    t.keys(&["q"]);
    t.wait_for("aryz exited with 0");
}

#[test]
fn russian_from_the_config_and_the_deadline_arithmetic_in_russian() {
    if !have_tmux() {
        eprintln!("tmux is not installed; skipping");
        return;
    }
    let t = Term::new(120, 35);
    std::fs::write(t.dir.path().join("config/config.toml"), "language = \"ru\"\n").unwrap();
    t.add_operator("jyldyz", "supervisor");
    t.add_request("E2e Testova Aigul", "12503199000011", "2026-10-01");
    t.start_ui("jyldyz", "");
    t.wait_until("the queue in Russian", |s| {
        s.contains("ARZ-2026-000001") && s.contains("Все открытые") && s.contains("сортировка: по сроку")
    });
    t.keys(&["Enter"]);
    t.wait_until("the deadlines in Russian", |s| {
        s.contains("Сроки")
            && s.contains("Пн 02.11.2026 [обязательный]")
            && s.contains("01.10.2026 + 30 дней = Сб 31.10.2026 (выходной) → следующий")
    });
    t.keys(&["q"]);
    t.wait_for("aryz exited with 0");
}

#[test]
fn an_unknown_interface_language_stops_before_the_screen_changes() {
    if !have_tmux() {
        eprintln!("tmux is not installed; skipping");
        return;
    }
    let t = Term::new(100, 30);
    t.add_operator("aibek", "clerk");
    t.text(&format!("ARYZ_OPERATOR=aibek {BIN} --lang kz; echo \"aryz exited with $?\""));
    t.keys(&["Enter"]);
    t.wait_until("the usage error", |s| {
        s.contains("aryz exited with 2") && s.contains("--lang") && s.contains("kz")
    });
}
