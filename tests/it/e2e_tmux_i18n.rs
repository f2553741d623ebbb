//! End-to-end runs of the terminal UI in Kyrgyz and Russian on the built binary, in a real
//! terminal: tmux with a private socket, temporary directories, waiting for text on the
//! screen rather than sleeping (the harness of `e2e_tmux.rs`).

use crate::tmux;

use tmux::*;

// A trait, not an inherent method: every module of the test crate shares `Term`, and
// e2e_tmux has its own `start_ui`.
trait StartUi {
    fn start_ui(&self, operator: &str, args: &str);
}

impl StartUi for Term {
    fn start_ui(&self, operator: &str, args: &str) {
        self.start_ui_with(operator, args);
    }
}

#[test]
fn register_and_open_a_request_in_kyrgyz() {
    if !have_tmux() {
        eprintln!("tmux is not installed; skipping");
        return;
    }
    let t = Term::with_clerk(80, 24);
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
    // Identity has no default: birth date, identity, and the channel's first method.
    t.keys(&["Tab", "Tab", "Right"]);
    t.wait_for("Шш 01.12.2026 [милдеттүү · чечүүчү]");
    t.wait_for("Бш 24.12.2026 [милдеттүү]");
    t.keys(&["C-s"]);
    t.wait_until("the new row and the message", |s| {
        s.contains("ARZ-2026-000001 катталды, мөөнөтү 01.12.2026.")
            && s.lines().any(|l| {
                l.starts_with("ARZ-2026-000001")
                    && l.contains("Тестова Гүлн…")
                    && l.contains("01.12.2026")
                    && l.contains("жаңы")
            })
    });
    t.keys(&["Enter"]);
    t.wait_until("the detail in Kyrgyz", |s| {
        s.contains("Мөөнөттөр") && s.contains("Түрү") && s.contains("маалыматтарга кирүү")
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
    let t = Term::with_supervisor(120, 35);
    std::fs::write(t.dir.path().join("config/config.toml"), "language = \"ru\"\n").unwrap();
    t.add_request("E2e Testova Aigul", "12503199000011", "2026-10-01");
    t.start_ui("jyldyz", "");
    t.wait_until("the queue in Russian", |s| {
        s.contains("ARZ-2026-000001") && s.contains("Все открытые") && s.contains("сортировка: по сроку")
    });
    t.keys(&["Enter"]);
    t.wait_until("the deadlines in Russian", |s| {
        s.contains("Сроки")
            // Art. 17's week governs; the 30 days are marked as the limit.
            && s.contains("Чт 08.10.2026 [обязательный · определяющий]")
            && s.contains("01.10.2026 + 1 неделя = Чт 08.10.2026")
            && s.contains("Пн 02.11.2026 [обязательный · 30-дневный предел]")
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
    let t = Term::with_clerk(100, 30);
    t.text(&format!("ARYZ_OPERATOR=aibek {BIN} --lang kz; echo \"aryz exited with $?\""));
    t.keys(&["Enter"]);
    t.wait_until("the usage error", |s| {
        s.contains("aryz exited with 2") && s.contains("--lang") && s.contains("kz")
    });
}
