//! The terminal UI over a slow or broken connection (issue 14, item 6): the periodic refresh
//! reads off the screen thread and only when the change counter moved; keys work while it
//! reads; a reply for what the operator has left is dropped; a lost connection is shown,
//! mended, and loses nothing typed.

use crate::tui_fixture;

use std::sync::mpsc;

use aryz::domain::kind::RequestKind;
use aryz::service::Session;
use aryz::store::calls_on_this_thread;
use aryz::tui::action::Action;
use aryz::tui::app::App;
use aryz::tui::screens::queue::Section;
use aryz::tui::worker::Worker;
use tui_fixture::*;

/// The app on a database file, with its reader on a second connection; `gated`: the reader
/// waits for the returned sender's `()` before each job (a query as slow as the test wants).
fn app_with_worker(path: &std::path::Path, login: &str, gated: bool) -> (App, Option<mpsc::Sender<()>>) {
    let mut app = app_on_file(path, login);
    let second = app.session.connect_again().unwrap();
    let (gate, rx) = if gated {
        let (tx, rx) = mpsc::channel();
        (Some(tx), Some(rx))
    } else {
        (None, None)
    };
    app.link.worker = Some(Worker::spawn_gated(second, rx).unwrap());
    (app, gate)
}

fn other_session(path: &std::path::Path) -> Session {
    session_on(aryz::store::Store::open(path).unwrap(), "jyldyz")
}

fn header(app: &App) -> String {
    screen(app, 120, 35).lines().next().unwrap_or_default().to_string()
}

#[test]
fn an_idle_tick_asks_the_change_counter_and_nothing_else() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("aryz.sqlite3");
    let (mut app, _) = app_with_worker(&path, "aibek", false);
    let on_screen_thread = calls_on_this_thread();
    // The first tick reads everything (nothing was read through the worker yet).
    app.update(Action::Tick);
    assert!(app.link.waiting, "the tick asked the worker");
    assert!(app.wait_worker().unwrap() > 1);
    // Nothing changed: the change counter only, one call.
    app.update(Action::Tick);
    assert_eq!(app.wait_worker(), Some(1));
    app.update(Action::Tick);
    assert_eq!(app.wait_worker(), Some(1));
    // None of it on the screen thread.
    assert_eq!(calls_on_this_thread(), on_screen_thread);
    // Opening a request, here or in another process, is audited but changes nothing: the
    // counter stays.
    app.session.show("ARZ-2026-000001").unwrap();
    other_session(&path).show("ARZ-2026-000002").unwrap();
    app.update(Action::Tick);
    assert_eq!(app.wait_worker(), Some(1));
    // Another process registers: the counter moved, and the new request is read.
    let new = new_request(RequestKind::Access, "2026-11-24", "Other Process", "21503199000099");
    other_session(&path).register(&new, Some("aibek")).unwrap();
    app.update(Action::Tick);
    assert!(app.wait_worker().unwrap() > 1);
    assert!(app.queue.rows.iter().any(|r| r.subject.name == "Other Process"));
    assert_eq!(app.counts.open, 4);
    // This screen's own write moves it too (SQLite's data_version counts other connections'
    // commits only; the store counts its own).
    app.update(Action::Tick);
    assert_eq!(app.wait_worker(), Some(1));
}

#[test]
fn without_a_worker_an_idle_tick_still_asks_only_the_counter() {
    let mut app = app("aibek", true);
    app.update(Action::Tick);
    let before = calls_on_this_thread();
    app.update(Action::Tick);
    assert_eq!(calls_on_this_thread() - before, 1);
    // Its own write moves the counter: the next tick reads again.
    app.session.note("ARZ-2026-000001", "a note", false).unwrap();
    let before = calls_on_this_thread();
    app.update(Action::Tick);
    assert!(calls_on_this_thread() - before > 1);
}

#[test]
fn keys_move_and_the_busy_mark_shows_while_a_slow_read_runs() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("aryz.sqlite3");
    let (mut app, gate) = app_with_worker(&path, "jyldyz", true);
    let gate = gate.unwrap();
    assert!(!header(&app).contains('⟳'), "{}", header(&app));
    assert_eq!(app.queue.selected, 0);
    app.update(Action::Tick);
    // The worker waits at the gate: the read is under way.
    assert!(app.link.busy());
    assert!(header(&app).contains('⟳'), "{}", header(&app));
    press(&mut app, &["j", "j"]);
    assert_eq!(app.queue.selected, 2, "keys move the selection while the worker reads");
    let on = app.queue.rows[2].reference.clone();
    // A tick meanwhile asks nothing more.
    app.update(Action::Tick);
    assert!(!app.poll_worker(), "no reply while the worker waits");
    gate.send(()).unwrap();
    app.wait_worker().unwrap();
    assert!(!app.link.busy());
    assert!(!header(&app).contains('⟳'), "{}", header(&app));
    assert_eq!(app.link.dropped, 0);
    assert_eq!(app.queue.rows[app.queue.selected].reference, on, "the selection stays on its request");
}

#[test]
fn a_reply_read_for_what_the_operator_left_is_dropped() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("aryz.sqlite3");
    let (mut app, gate) = app_with_worker(&path, "jyldyz", true);
    let gate = gate.unwrap();
    assert_eq!(app.queue.section(), Section::AllOpen);
    // Asked while on "all open"; the operator moves to another section before it comes.
    app.update(Action::Tick);
    press(&mut app, &["tab"]);
    let section = app.queue.section();
    assert_ne!(section, Section::AllOpen);
    let shown: Vec<String> = app.queue.rows.iter().map(|r| r.reference.clone()).collect();
    gate.send(()).unwrap();
    app.wait_worker().unwrap();
    assert_eq!(app.link.dropped, 1, "the reply for the section left was dropped");
    assert_eq!(app.queue.section(), section);
    let now: Vec<String> = app.queue.rows.iter().map(|r| r.reference.clone()).collect();
    assert_eq!(now, shown, "what is shown is the section's own rows");
    // Asked, then the screen re-read for itself (a save, Ctrl-R): the older reply is
    // dropped too, even for the same window.
    let new = new_request(RequestKind::Access, "2026-11-24", "Other Process", "21503199000099");
    app.update(Action::Tick);
    other_session(&path).register(&new, None).unwrap();
    press(&mut app, &["ctrl-r"]);
    let counts = app.counts;
    gate.send(()).unwrap();
    app.wait_worker().unwrap();
    assert_eq!(app.link.dropped, 2);
    assert_eq!(app.counts, counts);
    // The next tick is current and applied.
    drop(gate);
    app.update(Action::Tick);
    app.wait_worker().unwrap();
    assert_eq!(app.link.dropped, 2);
}

/// The screens that read much (the dashboard, the monthly report, the audit log with its
/// verification) are read by the worker: the queue moves while they are read, with the busy
/// mark, and the screen opens when it comes; Esc, or another screen opened meanwhile, means
/// it is not opened.
#[test]
fn the_dashboard_report_and_audit_log_are_read_off_the_screen_thread() {
    use aryz::tui::app::{Context, Screen};
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("aryz.sqlite3");
    let (mut app, gate) = app_with_worker(&path, "jyldyz", true);
    let gate = gate.unwrap();
    for (key, context) in [("D", Context::Dashboard), ("M", Context::Report), ("A", Context::Audit)] {
        let on_screen_thread = calls_on_this_thread();
        press(&mut app, &[key]);
        assert!(app.screens.is_empty(), "{key}: the screen opened before it was read");
        assert!(app.link.busy() && header(&app).contains('⟳'), "{key}: {}", header(&app));
        let before = app.queue.selected;
        press(&mut app, &["j"]);
        assert_eq!(app.queue.selected, before + 1, "{key}: keys move the queue while the worker reads");
        assert_eq!(app.context(), Context::Queue);
        assert_eq!(calls_on_this_thread(), on_screen_thread, "{key}: read on the screen thread");
        gate.send(()).unwrap();
        app.wait_worker().unwrap();
        assert_eq!(app.context(), context, "{key}: the screen opened when it came");
        assert!(!app.link.busy());
        press(&mut app, &["esc"]);
        assert_eq!(app.context(), Context::Queue);
    }
    // Esc while it is read: it never opens.
    press(&mut app, &["D"]);
    press(&mut app, &["esc"]);
    assert!(!app.link.busy(), "Esc cancels: no busy mark");
    gate.send(()).unwrap();
    app.wait_worker().unwrap();
    assert!(app.screens.is_empty(), "the dashboard opened after Esc");
    // Another screen opened meanwhile (the calendar, read here): the dashboard does not open
    // over it.
    press(&mut app, &["D", "c"]);
    assert_eq!(app.context(), Context::Calendar);
    gate.send(()).unwrap();
    app.wait_worker().unwrap();
    assert_eq!(app.context(), Context::Calendar);
    assert_eq!(app.screens.len(), 1);
    assert!(matches!(app.screens.last(), Some(Screen::Calendar(_))));
    // What it shows is what reading it here shows.
    press(&mut app, &["esc", "D"]);
    gate.send(()).unwrap();
    app.wait_worker().unwrap();
    let off_thread = screen(&app, 120, 35);
    let mut here = App::new(
        other_session(&path),
        aryz::tui::keymap::KeyMap::default(),
        aryz::tui::theme::Theme::colour(),
    )
    .unwrap();
    press(&mut here, &["D"]);
    let strip = |s: &str| s.lines().skip(1).collect::<Vec<_>>().join("\n");
    assert_eq!(strip(&off_thread), strip(&screen(&here, 120, 35)));
}

#[test]
fn reading_ahead_runs_off_the_screen_thread_while_keys_move() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("aryz.sqlite3");
    let (mut app, gate) = app_with_worker(&path, "jyldyz", true);
    let gate = gate.unwrap();
    session_on(aryz::store::Store::open(&path).unwrap(), "root").demo(700, 7).unwrap();
    // The first page, the selection on its first row.
    press(&mut app, &["ctrl-r", "g"]);
    assert_eq!(app.queue.selected, 0);
    assert_eq!(app.queue.rows.len(), aryz::tui::screens::queue::PAGE);
    assert!(!app.queue.at_end, "more rows than one page are open");
    let on_screen_thread = calls_on_this_thread();
    // Down to the edge of what is loaded: no read on this thread.
    for _ in 0..aryz::tui::screens::queue::PAGE - 2 {
        press(&mut app, &["j"]);
    }
    assert!(app.has_idle_work());
    app.idle();
    assert!(app.link.prefetching && app.link.busy(), "the worker reads ahead");
    assert!(header(&app).contains('⟳'), "{}", header(&app));
    press(&mut app, &["k"]);
    let on = app.queue.rows[app.queue.selected].reference.clone();
    assert_eq!(calls_on_this_thread(), on_screen_thread, "nothing read on the screen thread");
    gate.send(()).unwrap();
    app.wait_worker().unwrap();
    assert!(!app.link.busy());
    assert!(app.queue.rows.len() > aryz::tui::screens::queue::PAGE, "rows were read ahead");
    assert_eq!(
        app.queue.rows[app.queue.selected].reference, on,
        "the selection stayed where the keys put it"
    );
}

#[cfg(feature = "postgres")]
mod postgres {
    use super::*;
    use crate::support::pg;
    use aryz::store::Store;
    use aryz::tui::app::Screen;

    /// The app as the supervisor on a fresh PostgreSQL database with the fixture's requests,
    /// its reader on a second connection; the database's name.
    fn pg_app() -> Option<(App, &'static aryz::store::postgres::cluster::Cluster, String)> {
        let cluster = pg::cluster()?;
        let url = pg::fresh_database(cluster);
        let name = url.trim_start_matches("postgres:///").split('?').next().unwrap().to_string();
        let mut store =
            Store::create_with(std::path::Path::new(&url), None, |_| Ok::<_, aryz::store::StoreError>(()))
                .unwrap();
        add_operators(&mut store);
        add_requests(&mut store);
        let session = session_on(store, "jyldyz");
        let mut app =
            App::new(session, aryz::tui::keymap::KeyMap::default(), aryz::tui::theme::Theme::colour())
                .unwrap();
        let second = app.session.connect_again().unwrap();
        app.link.worker = Some(Worker::spawn(second).unwrap());
        Some((app, cluster, name))
    }

    /// Ends every other session on the database, as an administrator or a restart would.
    fn terminate(cluster: &aryz::store::postgres::cluster::Cluster, db: &str) {
        cluster
            .admin(
                db,
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity
                 WHERE datname = current_database() AND pid <> pg_backend_pid()",
            )
            .unwrap();
    }

    #[test]
    fn an_idle_tick_on_postgresql_asks_the_change_mark_only() {
        let Some((mut app, cluster, name)) = pg_app() else { return };
        app.update(Action::Tick);
        assert!(app.wait_worker().unwrap() > 1);
        app.update(Action::Tick);
        assert_eq!(app.wait_worker(), Some(1));
        // Opening a request, here or on another connection, moves the audit head but not the
        // mark: nothing is read again.
        app.session.show("ARZ-2026-000001").unwrap();
        let other = aryz::store::open(std::path::Path::new(&cluster.url(&name)), None).unwrap();
        session_on(other, "jyldyz").show("ARZ-2026-000002").unwrap();
        app.update(Action::Tick);
        assert_eq!(app.wait_worker(), Some(1));
        // A write moves the head; the next tick reads.
        app.session.note("ARZ-2026-000001", "a note", false).unwrap();
        app.update(Action::Tick);
        assert!(app.wait_worker().unwrap() > 1);
    }

    #[test]
    fn a_terminated_connection_is_shown_mended_and_keeps_the_form() {
        let Some((mut app, cluster, db)) = pg_app() else { return };
        // A half-typed registration.
        press(&mut app, &["n", "tab", "tab", "tab", "tab"]);
        type_text(&mut app, "Half-typed name");
        terminate(cluster, &db);
        // The next tick finds the reader's connection gone: it says so, and connects again.
        app.update(Action::Tick);
        app.wait_worker().unwrap();
        let m = app.message.clone().unwrap();
        assert!(m.is_error && m.text.contains("Connection to the database lost; reconnecting"), "{m:?}");
        assert!(app.link.offline.is_some());
        assert!(screen(&app, 120, 35).lines().next().unwrap().contains("offline"));
        app.wait_worker().unwrap();
        let m = app.message.clone().unwrap();
        assert!(!m.is_error && m.text.contains("is back"), "{m:?}");
        assert!(app.link.offline.is_none());
        // The refresh asked before is answered on the new connection.
        app.wait_worker().unwrap();
        assert!(!app.link.busy());
        let Some(Screen::Intake(s)) = app.screens.last() else { panic!("the form closed") };
        assert_eq!(s.form.text(aryz::tui::screens::intake::IntakeField::Name), "Half-typed name");
        // The screen thread's own connection was replaced too: it reads and writes.
        app.session.note("ARZ-2026-000001", "after the reconnect", false).unwrap();
    }

    #[test]
    fn a_write_the_connection_broke_under_is_checked_not_repeated() {
        let Some((mut app, cluster, db)) = pg_app() else { return };
        // The detail of an unassigned request; "take" it as the connection is ended.
        let i = app.queue.rows.iter().position(|r| r.assignee.is_none()).unwrap();
        for _ in 0..i {
            press(&mut app, &["j"]);
        }
        press(&mut app, &["enter"]);
        let Some(Screen::Detail(d)) = app.screens.last() else { panic!("no detail") };
        let reference = d.request().reference.clone();
        let version = d.request().version;
        terminate(cluster, &db);
        press(&mut app, &["t"]);
        let m = app.message.clone().unwrap();
        assert!(m.is_error && m.text.contains("checking once it is back"), "{m:?}");
        assert!(app.link.offline.is_some());
        // The worker connects again and reads the request's version: unchanged, so not saved.
        let mut text = String::new();
        while app.link.offline.is_some() {
            app.wait_worker().unwrap();
            text = app.message.clone().map(|m| m.text).unwrap_or_default();
        }
        assert!(text.contains(&format!("{reference} was not saved")), "{text}");
        let now = app.session.peek(&reference).unwrap().request;
        assert_eq!(now.version, version, "nothing was written twice, or at all");
        assert!(matches!(app.screens.last(), Some(Screen::Detail(_))));
    }
}

/// Through the real binary in tmux: what another process registers reaches the screen by
/// the reader thread's refresh, while the screen waits for nothing.
#[test]
fn another_process_s_request_appears_on_the_running_screen() {
    use crate::tmux::{Term, have_tmux};
    if !have_tmux() {
        return;
    }
    let t = Term::new(80, 24);
    t.add_operator("aibek", "clerk");
    t.start_ui_with("aibek", "");
    t.wait_for("No requests yet");
    let reference = t.add_request("Тестова Айгүл", crate::common::PIN_FEMALE, "2026-11-24");
    let reference = reference.trim();
    t.aryz(&["assign", reference, "aibek"], None);
    let s = t.wait_for(reference);
    assert!(s.lines().next().is_some_and(|h| h.contains("1 open")), "{s}");
    t.keys(&["q"]);
    t.wait_for("aryz exited with 0");
}
