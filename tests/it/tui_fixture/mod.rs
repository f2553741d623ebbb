//! Synthetic data for the terminal UI's tests: a fixed "today", made-up operators, names,
//! PINs and e-mails (none belongs to a real person), and fixed timestamps so that snapshots
//! do not change from run to run.
#![allow(dead_code)]

use std::path::Path;

use aryz::domain::deadline::RuleSet;
use aryz::domain::kind::{Channel, DataCategory, IdentityMethod, Language, RequestKind, Role};
use aryz::domain::outcome::Outcome;
use aryz::domain::request::{NewRequest, Subject};
use aryz::domain::status::Status;
use aryz::service::{Clock, Session, Settings};
use aryz::store::{Event, EventKind, Operator, Store, StoreError};
use aryz::tui::app::App;
use aryz::tui::keymap::KeyMap;
use aryz::tui::theme::Theme;
use chrono::NaiveDate;
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

pub const TODAY: &str = "2026-11-24";

pub fn d(s: &str) -> NaiveDate {
    s.parse().unwrap()
}

pub fn today() -> NaiveDate {
    d(TODAY)
}

const OPERATORS: &[(&str, &str, Role)] = &[
    ("root", "", Role::Admin),
    ("jyldyz", "Jyldyz Test-Supervisor", Role::Supervisor),
    ("aibek", "Aibek Test-Clerk", Role::Clerk),
    ("nurzat", "Nurzat Test-Clerk", Role::Clerk),
];

pub fn add_operators(store: &mut Store) {
    store
        .write(|tx| {
            tx.set_meta("dev_identity", "1")?;
            for (login, name, role) in OPERATORS {
                tx.insert_operator(&Operator::new(login, name, *role), "2026-01-01T09:00:00+06:00")?;
            }
            tx.audit("2026-01-01T09:00:00+06:00", "root", "init", "", "")?;
            Ok::<_, StoreError>(())
        })
        .unwrap();
}

pub fn new_request(kind: RequestKind, received: &str, name: &str, pin: &str) -> NewRequest {
    NewRequest {
        kind,
        channel: Channel::SalykApp,
        lang: Language::Ky,
        received_on: d(received),
        identity: IdentityMethod::ESignature,
        categories: if kind.acts_on_categories() {
            vec![DataCategory::Phone, DataCategory::Address]
        } else {
            vec![DataCategory::Income]
        },
        description: "Synthetic test request".into(),
        subject: Subject {
            name: name.into(),
            pin: pin.into(),
            email: "test.subject@example.org".into(),
            ..Subject::default()
        },
        representative: None,
        office: None,
    }
}

/// kind, actor, timestamp, old value, new value, text.
type FixtureEvent<'a> = (EventKind, &'a str, &'a str, Option<&'a str>, Option<&'a str>, &'a str);

fn at(day: &str, time: &str) -> String {
    format!("{day}T{time}:00+06:00")
}

/// Inserts a request as the store would after registration, with fixed timestamps.
fn insert(
    store: &mut Store,
    new: &NewRequest,
    assignee: Option<&str>,
    status: Status,
    events: &[FixtureEvent],
) {
    let rules = RuleSet::shipped();
    let cal = aryz::domain::calendar::Calendar::shipped();
    let deadlines = rules.deadlines(new.kind, new.received_on, new.received_on, &cal);
    let day = new.received_on.to_string();
    store
        .write(|tx| {
            let (id, _) =
                tx.insert_request(new, new.received_on, &deadlines, assignee, &at(&day, "09:30"))?;
            let binding = deadlines.iter().find(|x| x.binding).map(|x| x.due_on.to_string());
            tx.insert_event(
                id,
                &Event::new(EventKind::Created, "root", &at(&day, "09:30")).change(None::<String>, binding),
            )?;
            for (kind, actor, when, old, new_v, text) in events {
                tx.insert_event(
                    id,
                    &Event::new(*kind, actor, when)
                        .change(old.map(String::from), new_v.map(String::from))
                        .text(*text),
                )?;
            }
            let mut r = tx.read().request_by_id(id)?.unwrap();
            if r.status != status {
                r.status = status;
                if status == Status::Answered {
                    r.outcome = Some(Outcome::Fulfilled);
                    r.responded_on = Some(d("2026-11-10"));
                    r.closed_on = Some(d("2026-11-10"));
                    r.response_text = "Copy of the records sent".into();
                    r.response_channel = Some(Channel::Email);
                }
                tx.update_request(&r, &at(&day, "12:00"))?;
            }
            // Records enter the audit chain through an audited change, as in aryz itself.
            tx.audit(&at(&day, "09:30"), "root", "register", &r.reference, "")?;
            Ok::<_, StoreError>(())
        })
        .unwrap();
}

/// Six requests: overdue, due soon, on time, unassigned, due today, and one answered
/// (same PIN as the overdue one, so it shows as related).
pub fn add_requests(store: &mut Store) {
    use EventKind::*;
    let pin_a = "12503199000011";
    insert(
        store,
        &new_request(RequestKind::Access, "2026-10-01", "Testova Aigul", pin_a),
        Some("aibek"),
        Status::InProgress,
        &[
            (Assigned, "jyldyz", "2026-10-01T10:00:00+06:00", None, Some("aibek"), ""),
            (StatusChanged, "aibek", "2026-10-02T11:15:00+06:00", Some("new"), Some("in_progress"), ""),
            (
                Note,
                "aibek",
                "2026-10-05T14:40:00+06:00",
                None,
                None,
                "Records requested from the regional office",
            ),
            (
                Message,
                "aibek",
                "2026-10-06T09:05:00+06:00",
                None,
                None,
                "Asked the subject to confirm the e-mail address",
            ),
        ],
    );
    insert(
        store,
        &new_request(RequestKind::Correction, "2026-10-27", "Үсөнова Айгүл", "12002198500022"),
        Some("aibek"),
        Status::New,
        &[],
    );
    insert(
        store,
        &new_request(RequestKind::Information, "2026-11-20", "Жаңыбаев Эрлан", "22007197000033"),
        Some("aibek"),
        Status::New,
        &[],
    );
    insert(
        store,
        &new_request(RequestKind::Blocking, "2026-11-23", "Demo Unassigned", "21111199100044"),
        None,
        Status::New,
        &[],
    );
    insert(
        store,
        &new_request(RequestKind::Access, "2026-10-25", "Testov Nurlan", "23112198800055"),
        Some("nurzat"),
        Status::InProgress,
        &[],
    );
    insert(
        store,
        &new_request(RequestKind::Complaint, "2026-10-15", "Testova Aigul", pin_a),
        Some("aibek"),
        Status::Answered,
        &[],
    );
}

pub fn session_on(store: Store, login: &str) -> Session {
    Session::with_store(store, login, RuleSet::shipped(), Clock::fixed(today()), Settings::default()).unwrap()
}

/// The shipped rules with extending and pausing allowed, as an office may configure them.
pub fn rules_allowing_extension_and_pause() -> RuleSet {
    let text = aryz::domain::deadline::SHIPPED_RULES
        .replace("[extension]\nallowed = false", "[extension]\nallowed = true")
        .replace("[pause]\nallowed = false", "[pause]\nallowed = true");
    let rules = RuleSet::parse(&text).unwrap();
    assert!(rules.extension.allowed && rules.pause.allowed, "the shipped rules' switches moved");
    rules
}

/// The app as `login` on `store` under `rules`, after the admin recomputed the stored
/// deadlines (they keep the shipped rules' dates until an administrator recomputes them);
/// the recomputation's report is returned beside the app.
pub fn app_under_rules(store: Store, login: &str, rules: RuleSet) -> (App, aryz::service::Drift) {
    let mut admin =
        Session::with_store(store, "root", rules.clone(), Clock::fixed(today()), Settings::default())
            .unwrap();
    let report = admin.recompute_apply().unwrap();
    let session =
        Session::with_store(admin.into_store(), login, rules, Clock::fixed(today()), Settings::default())
            .unwrap();
    (App::new(session, KeyMap::default(), Theme::colour()).unwrap(), report)
}

/// A fresh in-memory database with the operators, and with or without the six requests.
/// Each is built once per test process and copied for every caller, so no caller sees
/// another's changes (building one, migrations and all, costs many times the copy).
pub fn fixture_store(with_requests: bool) -> Store {
    static BUILT: [std::sync::Mutex<Option<Store>>; 2] =
        [std::sync::Mutex::new(None), std::sync::Mutex::new(None)];
    let mut built =
        BUILT[usize::from(with_requests)].lock().unwrap_or_else(std::sync::PoisonError::into_inner);
    if built.is_none() {
        let mut store = Store::in_memory().unwrap();
        add_operators(&mut store);
        if with_requests {
            add_requests(&mut store);
        }
        *built = Some(store);
    }
    built.as_ref().unwrap().in_memory_copy().unwrap()
}

/// The app as `login` on a fresh in-memory database, with or without the six requests.
pub fn app(login: &str, with_requests: bool) -> App {
    App::new(session_on(fixture_store(with_requests), login), KeyMap::default(), Theme::colour()).unwrap()
}

/// The same, on a database file (for tests with a second process's session).
pub fn app_on_file(path: &Path, login: &str) -> App {
    let mut store = Store::create(path).unwrap();
    add_operators(&mut store);
    add_requests(&mut store);
    drop(store);
    App::new(session_on(Store::open(path).unwrap(), login), KeyMap::default(), Theme::colour()).unwrap()
}

/// A key as written in the keymap: "j", "enter", "ctrl-s", "shift-tab", "G".
pub fn key(s: &str) -> KeyEvent {
    let (ctrl, rest) = match s.strip_prefix("ctrl-") {
        Some(r) => (true, r),
        None => (false, s),
    };
    let code = match rest {
        "enter" => KeyCode::Enter,
        "esc" => KeyCode::Esc,
        "tab" => KeyCode::Tab,
        "shift-tab" => KeyCode::BackTab,
        "backspace" => KeyCode::Backspace,
        "up" => KeyCode::Up,
        "down" => KeyCode::Down,
        "left" => KeyCode::Left,
        "right" => KeyCode::Right,
        "pagedown" => KeyCode::PageDown,
        "pageup" => KeyCode::PageUp,
        "home" => KeyCode::Home,
        "end" => KeyCode::End,
        "space" => KeyCode::Char(' '),
        "f1" => KeyCode::F(1),
        other => KeyCode::Char(other.chars().next().unwrap()),
    };
    let mut mods = if ctrl { KeyModifiers::CONTROL } else { KeyModifiers::NONE };
    if code == KeyCode::BackTab {
        mods |= KeyModifiers::SHIFT;
    }
    KeyEvent::new(code, mods)
}

pub fn press(app: &mut App, keys: &[&str]) {
    for k in keys {
        app.handle_key(&key(k));
    }
}

pub fn type_text(app: &mut App, text: &str) {
    for c in text.chars() {
        app.handle_key(&KeyEvent::new(KeyCode::Char(c), KeyModifiers::NONE));
    }
}

/// Draws the app on a `width`×`height` test terminal and returns the screen as text
/// (trailing spaces trimmed).
pub fn screen(app: &App, width: u16, height: u16) -> String {
    let mut terminal = Terminal::new(TestBackend::new(width, height)).unwrap();
    terminal.draw(|f| f.render_widget(app, f.area())).unwrap();
    let buf = terminal.backend().buffer().clone();
    let mut out = String::new();
    for y in 0..buf.area.height {
        let mut line = String::new();
        for x in 0..buf.area.width {
            line.push_str(buf[(x, y)].symbol());
        }
        out.push_str(line.trim_end());
        out.push('\n');
    }
    out
}

/// More requests for the supervisors' screens (after [`add_requests`]): overdue and due-soon
/// requests of both clerks and unassigned, two awaiting the subject (since 08.10 and since
/// 20.11), a subject name holding an escape sequence, and audit entries with fixed times.
pub fn add_supervisor_requests(store: &mut Store) {
    use EventKind::*;
    insert(
        store,
        &new_request(RequestKind::Access, "2026-10-10", "Testov Bakyt", "22110199000066"),
        Some("nurzat"),
        Status::InProgress,
        &[],
    );
    insert(
        store,
        &new_request(RequestKind::Information, "2026-10-20", "Unassigned Overdue", "22110199000077"),
        None,
        Status::New,
        &[],
    );
    insert(
        store,
        &new_request(RequestKind::Correction, "2026-10-28", "Testova Dinara", "22110199000088"),
        Some("nurzat"),
        Status::New,
        &[],
    );
    insert(
        store,
        &new_request(RequestKind::Access, "2026-10-05", "Awaiting Testov", "22110199000099"),
        Some("aibek"),
        Status::AwaitingSubject,
        &[(StatusChanged, "aibek", "2026-10-08T10:00:00+06:00", Some("new"), Some("awaiting_subject"), "")],
    );
    insert(
        store,
        &new_request(RequestKind::Access, "2026-11-18", "Recent Awaiting", "22110199000100"),
        Some("aibek"),
        Status::AwaitingSubject,
        &[(StatusChanged, "aibek", "2026-11-20T10:00:00+06:00", Some("new"), Some("awaiting_subject"), "")],
    );
    insert(
        store,
        &new_request(RequestKind::Access, "2026-11-02", "Evil\u{1b}[2JName\u{7}", "22110199000111"),
        None,
        Status::New,
        &[],
    );
    store
        .write(|tx| {
            tx.audit("2026-11-23T09:00:00+06:00", "root", "init", "", "database created")?;
            tx.audit("2026-11-23T10:15:00+06:00", "jyldyz", "assign", "ARZ-2026-000001", "- → aibek")?;
            tx.audit("2026-11-24T08:30:00+06:00", "aibek", "view", "ARZ-2026-000001", "")?;
            tx.audit("2026-11-24T08:45:00+06:00", "aibek", "note", "ARZ-2026-000012", "x\u{1b}[2Jy")?;
            Ok::<_, StoreError>(())
        })
        .unwrap();
}

/// The app as `login` on the six requests plus [`add_supervisor_requests`].
pub fn supervisor_app(login: &str) -> App {
    let mut store = Store::in_memory().unwrap();
    add_operators(&mut store);
    add_requests(&mut store);
    add_supervisor_requests(&mut store);
    App::new(session_on(store, login), KeyMap::default(), Theme::colour()).unwrap()
}
