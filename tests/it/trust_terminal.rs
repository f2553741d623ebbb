//! One sanitiser for the terminal (issue 11): escape sequences, controls, bidirectional and
//! invisible characters planted directly in the database file never reach stdout or the
//! terminal UI's byte stream as they are; new input holding them is refused.

use crate::common;
use crate::tui_fixture;

use aryz::domain::safe_text::is_hidden;
use aryz::service::{Clock, Session, Settings};
use aryz::store::Store;
use aryz::tui::app::App;
use aryz::tui::keymap::KeyMap;
use aryz::tui::theme::Theme;
use common::*;
use ratatui::backend::CrosstermBackend;
use ratatui::layout::Rect;
use ratatui::{Terminal, TerminalOptions, Viewport};

/// Every kind of sequence: C0 controls and escape sequences (CSI, OSC title, OSC 52
/// clipboard, DCS), DEL, C1 controls, bidirectional controls, zero-width and other format
/// characters, separators.
const SEQUENCES: &[&str] = &[
    "\u{1b}[2J\u{1b}[31mPLANTED",
    "\u{1b}]0;PWNED\u{7}",
    "\u{1b}]52;c;SGVsbG8=\u{7}",
    "\u{1b}P1$qm\u{1b}\\",
    "\u{1b}[6n",
    "\u{7}",
    "\u{8}\u{8}\u{8}",
    "\r",
    "\u{b}\u{c}",
    "\u{0}",
    "\t",
    "\u{7f}",
    "\u{9b}31m",
    "\u{9d}0;C1TITLE\u{9c}",
    "\u{85}",
    "\u{202e}gnp.exe",
    "\u{202d}",
    "\u{202a}\u{202b}\u{202c}",
    "\u{2066}\u{2067}\u{2068}\u{2069}",
    "\u{200e}\u{200f}\u{61c}",
    "\u{200b}",
    "\u{200c}\u{200d}",
    "\u{2060}\u{2061}",
    "\u{feff}",
    "\u{ad}",
    "\u{180e}",
    "\u{2028}\u{2029}",
    "\u{e0041}\u{e007f}",
    "\u{fff9}",
];

/// Hidden characters in `out` that are not part of ordinary line ends.
fn leaks(out: &str) -> usize {
    let chars: Vec<char> = out.chars().collect();
    (0..chars.len())
        .filter(|&i| {
            let c = chars[i];
            is_hidden(c) && c != '\n' && !(c == '\r' && chars.get(i + 1) == Some(&'\n'))
        })
        .count()
}

fn planted() -> (TestEnv, Vec<String>) {
    let env = TestEnv::new();
    env.ok(&["demo", "--requests", &SEQUENCES.len().to_string(), "--seed", "7"]);
    let conn = rusqlite::Connection::open(env.db()).unwrap();
    let refs: Vec<String> = {
        let mut st = conn.prepare("SELECT ref FROM requests ORDER BY id").unwrap();
        st.query_map([], |r| r.get(0)).unwrap().collect::<rusqlite::Result<_>>().unwrap()
    };
    for (k, seq) in SEQUENCES.iter().enumerate() {
        let id = k as i64 + 1;
        let mark = |field: &str| format!("Q{k}{field}{seq}Z{k}");
        conn.execute(
            "UPDATE requests SET subject_name = ?2, address = ?3, description = ?4, response_text = ?5,
                 email = ?6, phone = ?7 WHERE id = ?1",
            rusqlite::params![id, mark("n"), mark("a"), mark("d"), mark("r"), mark("e"), mark("p")],
        )
        .unwrap();
        conn.execute(
            "UPDATE events SET actor = actor || ?2, at = at || ?2, text = ?3, new_value = coalesce(new_value, '') || ?2
             WHERE request_id = ?1",
            rusqlite::params![id, seq, mark("t")],
        )
        .unwrap();
        conn.execute(
            "INSERT INTO audit (id, at, actor, action, target, detail, prev_hash, hash)
             SELECT max(id) + 1, '2026-11-24T10:00:00+06:00', ?1, 'view', ?2, ?3, '', '' FROM audit",
            rusqlite::params![format!("x{seq}"), refs[k], mark("u")],
        )
        .unwrap();
    }
    conn.execute("UPDATE operators SET name = ?1", [format!("Op{}", SEQUENCES.concat())]).unwrap();
    (env, refs)
}

#[test]
fn planted_sequences_never_reach_stdout() {
    let (env, refs) = planted();
    let mut commands: Vec<Vec<String>> = vec![
        vec!["list", "--all"],
        vec!["--format", "csv", "list", "--all"],
        vec!["--format", "json", "list", "--all"],
        vec!["export", "--all", "--unmasked"],
        vec!["--format", "json", "export", "--all"],
        vec!["audit", "log"],
        vec!["--format", "csv", "audit", "log"],
        vec!["--format", "json", "audit", "log"],
        vec!["digest"],
        vec!["operator", "list"],
        vec!["--format", "csv", "report", "monthly", "--month", "2026-11", "--by", "clerk"],
    ]
    .into_iter()
    .map(|v| v.into_iter().map(String::from).collect())
    .collect();
    for r in &refs {
        for args in [vec!["show", r], vec!["--format", "json", "show", r], vec!["--format", "csv", "show", r]]
        {
            commands.push(args.into_iter().map(String::from).collect());
        }
        commands.push(
            ["letter", r, "--type", "acknowledgement", "--as", "txt", "--output", "-"]
                .map(String::from)
                .to_vec(),
        );
    }
    // All of them in one batch process, each line its own session as `aryz ARGS` would
    // run it, writing to the same stdout and stderr a process of its own would.
    let out = env.batch(&[], &commands);
    let stdout = String::from_utf8(out.stdout).unwrap();
    let stderr = String::from_utf8(out.stderr).unwrap();
    assert!(out.status.success(), "a command failed: {stderr:?}");
    let reached = leaks(&stdout) + leaks(&stderr);
    if reached > 0 {
        eprintln!("leaked {reached}:\n{stdout:?}\n{stderr:?}");
    }
    let tried = SEQUENCES.len() * commands.len();
    let shown =
        stdout.matches("⟨U+").count() + stdout.matches("\\u00").count() + stdout.matches("\\u20").count();
    println!(
        "planted sequences: {} kinds × {} commands = {tried} tried; reached the terminal: {reached}",
        SEQUENCES.len(),
        commands.len()
    );
    assert!(shown > 0, "planted characters are shown by code");
    assert_eq!(reached, 0);
}

#[test]
fn planted_sequences_never_reach_the_tui_byte_stream() {
    let (env, refs) = planted();
    let store = Store::open(&env.db()).unwrap();
    let session = Session::with_store(
        store,
        &env.admin,
        aryz::domain::deadline::RuleSet::shipped(),
        Clock::fixed(tui_fixture::today()),
        Settings::default(),
    )
    .unwrap();
    let mut app = App::new(session, KeyMap::default(), Theme::colour()).unwrap();
    let mut stream = Vec::new();
    let mut draws = 0;
    {
        let area = Rect::new(0, 0, 160, 50);
        let mut term = Terminal::with_options(
            CrosstermBackend::new(&mut stream),
            TerminalOptions { viewport: Viewport::Fixed(area) },
        )
        .unwrap();
        let mut draw = |app: &App| {
            term.draw(|f| f.render_widget(app, f.area())).unwrap();
            draws += 1;
        };
        draw(&app);
        for _ in &refs {
            tui_fixture::press(&mut app, &["enter"]);
            draw(&app);
            tui_fixture::press(&mut app, &["esc", "down"]);
            draw(&app);
        }
    }
    let text = String::from_utf8_lossy(&stream);
    // The terminal's own escape sequences are ESC-led; anything else hidden is a leak.
    let hidden: usize = text.chars().filter(|c| is_hidden(*c) && *c != '\u{1b}').count();
    let planted_esc = SEQUENCES.iter().filter(|s| s.contains('\u{1b}')).filter(|s| text.contains(*s)).count();
    assert!(text.contains("⟨U+"), "planted characters are shown by code");
    println!(
        "TUI: {} kinds planted, {draws} frames, {} bytes; hidden characters reaching the stream: {}",
        SEQUENCES.len(),
        stream.len(),
        hidden + planted_esc
    );
    assert_eq!((hidden, planted_esc), (0, 0));
}

#[test]
fn new_input_with_hidden_characters_is_refused_naming_the_field() {
    let env = TestEnv::new();
    for (field, value) in [
        ("--name", "Aigul\u{202e}vonesU"),
        ("--name", "Ai\u{200b}gul"),
        ("--address", "Street \u{1b}[2J"),
        ("--email", "a\u{feff}@example.org"),
        ("--description", "text \u{9b}31m"),
    ] {
        let mut args = vec!["add", "--kind", "access", "--pin", PIN_MALE];
        if field != "--name" {
            args.extend(["--name", "Test Subject"]);
        }
        args.extend([field, value]);
        let e = fails(env.aryz().args(&args));
        assert_mentions(&e, &[field.trim_start_matches("--"), "not allowed", "U+"]);
        assert_eq!(leaks(&e), 0, "the error itself is inert: {e:?}");
    }
    assert_eq!(env.json(&["list", "--all"]).as_array().unwrap().len(), 0, "nothing was registered");
}
