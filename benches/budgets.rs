//! The speed budgets of issue 7, measured on a database of 1,000,000 requests.
//!
//! Run: `cargo bench --bench budgets` (release build). The database is made once with
//! `aryz demo --requests 1000000` at `target/bench/aryz.sqlite3` (about a minute), or taken
//! from `ARYZ_BENCH_DB`. `ARYZ_BENCH_REQUESTS` makes a smaller one for a quick look.
//! Results are printed as a table (median and 99th percentile); BENCHMARKS.md records them.
//!
//! Issue 16's bulk and outside-in budgets are measured beside anchors in the same run and
//! printed as ratios: `aryz import` of 100,000 rows beside `sqlite3 .import`, `aryz export
//! --all` beside `sqlite3 -csv` (`ARYZ_BENCH_SKIP_EXPORT=1` skips the pair), and, through
//! tmux (`benches/latency.sh`), the first screen beside `less` with aryz's start-up phases,
//! and keystrokes beside the frame-replay floor.
//!
//! `ARYZ_BENCH_ONLY=postgres` measures issue 14's budgets on PostgreSQL instead (list pages
//! and audited writes through the operators' own login roles, beside SQLite; on the server of
//! `ARYZ_BENCH_PG_URL` or a private cluster this bench starts; see [`postgres_budgets`]).

// A test stops where it fails: unwrap, expect and panic are how it says so (the library
// denies them, Cargo.toml [lints]). Pedantic style lints stay on here too.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use aryz::config::Config;
use aryz::domain::deadline::RuleSet;
use aryz::service::{Clock, Session, Settings, month_range};
use aryz::store::{AssigneeFilter, Cursor, GroupBy, ListFilter, Page, SortKey, Store};
use aryz::tui::action::{Action, Command as Cmd};
use aryz::tui::app::App;
use aryz::tui::keymap::KeyMap;
use aryz::tui::theme::Theme;
use ratatui::Terminal;
use ratatui::backend::TestBackend;

struct Row {
    name: String,
    budget_ms: f64,
    median: f64,
    p99: f64,
    runs: usize,
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}

fn measure(rows: &mut Vec<Row>, name: &str, budget_ms: f64, runs: usize, mut f: impl FnMut(usize)) {
    // One warm-up run: the budgets are for a warm connection and page cache.
    f(0);
    let mut times: Vec<f64> = (0..runs)
        .map(|i| {
            let t = Instant::now();
            f(i + 1);
            ms(t.elapsed())
        })
        .collect();
    times.sort_by(f64::total_cmp);
    let pick = |q: f64| times[((times.len() - 1) as f64 * q).round() as usize];
    let row = Row { name: name.to_string(), budget_ms, median: pick(0.5), p99: pick(0.99), runs };
    println!(
        "{:<48} {:>9.3} {:>9.3} {:>9} {}",
        row.name,
        row.median,
        row.p99,
        if budget_ms > 0.0 { format!("{budget_ms:.1}") } else { "-".into() },
        if budget_ms <= 0.0 {
            ""
        } else if row.p99 <= budget_ms {
            "ok"
        } else {
            "OVER"
        }
    );
    rows.push(row);
}

fn aryz_bin() -> PathBuf {
    // The release binary next to this bench executable's directory.
    let exe = std::env::current_exe().expect("bench path");
    let dir = exe.parent().and_then(Path::parent).expect("target dir");
    dir.join("aryz")
}

fn ensure_db(bin: &Path) -> PathBuf {
    if let Some(p) = std::env::var_os("ARYZ_BENCH_DB") {
        return PathBuf::from(p);
    }
    let n: usize =
        std::env::var("ARYZ_BENCH_REQUESTS").ok().and_then(|v| v.parse().ok()).unwrap_or(1_000_000);
    sqlite_demo(bin, n)
}

/// A demo database of `n` requests beside the binary (made once).
fn sqlite_demo(bin: &Path, n: usize) -> PathBuf {
    let dir = bin.parent().and_then(Path::parent).expect("target").join(format!("bench-{n}"));
    let db = dir.join("aryz.sqlite3");
    if db.exists() {
        return db;
    }
    std::fs::create_dir_all(&dir).expect("bench dir");
    let run = |args: &[&str]| {
        let out = Command::new(bin)
            .args(args)
            .env("ARYZ_DATA_DIR", &dir)
            .env("ARYZ_CONFIG_DIR", &dir)
            .output()
            .expect("run aryz");
        assert!(out.status.success(), "aryz {args:?}: {}", String::from_utf8_lossy(&out.stderr));
    };
    run(&["init", "--dev-identity"]);
    let t = Instant::now();
    run(&["demo", "--requests", &n.to_string()]);
    println!("built the {n}-request database in {:.1} s", t.elapsed().as_secs_f64());
    db
}

fn session(db: &Path, login: &str) -> Session {
    let store = Store::open(db).expect("open");
    let today = Clock::new(Config::default().offset(), None).today();
    Session::with_store(store, login, RuleSet::shipped(), Clock::fixed(today), Settings::default())
        .expect("session")
}

fn median_of_process(bin: &Path, args: &[&str], runs: usize) -> f64 {
    let mut v: Vec<f64> = (0..runs)
        .map(|_| {
            let t = Instant::now();
            let out = Command::new(bin).args(args).output().expect("spawn");
            assert!(out.status.success(), "{:?}: {}", args, String::from_utf8_lossy(&out.stderr));
            ms(t.elapsed())
        })
        .collect();
    v.sort_by(f64::total_cmp);
    v[v.len() / 2]
}

fn main() {
    // `cargo bench` passes `--bench`; nothing else to parse.
    let bin = aryz_bin();
    assert!(bin.exists(), "build the binary first: cargo build --release ({})", bin.display());
    #[cfg(feature = "postgres")]
    if std::env::var("ARYZ_BENCH_ONLY").is_ok_and(|v| v == "postgres") {
        postgres_budgets(&bin);
        return;
    }
    let db = ensure_db(&bin);
    let mut rows = Vec::new();
    println!(
        "database: {} ({:.0} MB)",
        db.display(),
        std::fs::metadata(&db).map_or(0.0, |m| m.len() as f64 / 1e6)
    );
    println!("{:<48} {:>9} {:>9} {:>9}", "measure (ms)", "median", "p99", "budget");

    let sup = session(&db, "jyldyz");
    let today = sup.today();
    let first = |s: &Session, f: &ListFilter, sort: SortKey| {
        s.list(f, sort, &Page { limit: 50, ..Page::default() }).expect("list")
    };
    // `ARYZ_BENCH_ONLY=figures`: only the supervisors' figures (reports, backlog, digest,
    // dashboard), for measuring issue 12's budgets without the rest.
    let figures_only = std::env::var("ARYZ_BENCH_ONLY").is_ok_and(|v| v == "figures");
    if figures_only {
        figures(&mut rows, &sup, today);
        return;
    }

    // `ARYZ_BENCH_ONLY=keys`: only the terminal UI's frames and keystrokes.
    let keys_only = std::env::var("ARYZ_BENCH_ONLY").is_ok_and(|v| v == "keys");
    if !keys_only {
        measure(&mut rows, "start: open session + counts + first page", 50.0, 50, |_| {
            let s = session(&db, "aibek");
            let _ = s.counts(today, &AssigneeFilter::Is("aibek".into())).expect("counts");
            let _ = first(
                &s,
                &ListFilter { assignee: AssigneeFilter::Is("aibek".into()), ..ListFilter::default() },
                SortKey::Due,
            );
        });

        let sections: Vec<(&str, ListFilter, SortKey)> = vec![
            (
                "section Mine (aibek)",
                ListFilter { assignee: AssigneeFilter::Is("aibek".into()), ..ListFilter::default() },
                SortKey::Due,
            ),
            (
                "section Due soon",
                ListFilter {
                    due_from: Some(today),
                    due_to: Some(sup.due_soon_limit(today)),
                    ..ListFilter::default()
                },
                SortKey::Due,
            ),
            (
                "section Overdue",
                ListFilter { overdue_as_of: Some(today), ..ListFilter::default() },
                SortKey::Due,
            ),
            (
                "section Unassigned",
                ListFilter { assignee: AssigneeFilter::Unassigned, ..ListFilter::default() },
                SortKey::Due,
            ),
            ("section All open", ListFilter::default(), SortKey::Due),
            (
                "section Closed",
                ListFilter {
                    statuses: vec![
                        aryz::domain::status::Status::Answered,
                        aryz::domain::status::Status::Withdrawn,
                    ],
                    ..ListFilter::default()
                },
                SortKey::Closed,
            ),
        ];
        for (name, f, sort) in &sections {
            measure(&mut rows, &format!("{name}: first page + its count"), 4.0, 50, |_| {
                let _ = first(&sup, f, *sort);
                // As the queue screen counts: exactly up to 10,000, then "10000+".
                let _ = sup.count_upto(f, 10_000).expect("count");
            });
        }
        measure(&mut rows, "header counts (open, due soon, overdue)", 4.0, 50, |_| {
            let _ = sup.counts(today, &AssigneeFilter::Any).expect("counts");
        });

        // Deep in the queue: the page after the 20,000th open request, and after the
        // 900,000th closed one.
        let deep = |f: &ListFilter, sort: SortKey, skip: usize| -> Option<Cursor> {
            let mut after = None;
            let mut seen = 0;
            while seen < skip {
                let page = sup
                    .list(f, sort, &Page { after: after.clone(), before: None, limit: 1000 })
                    .expect("list");
                let last = page.last()?;
                after = Some(Cursor::of(last, sort));
                seen += page.len();
            }
            after
        };
        let all_open = ListFilter::default();
        if let Some(c) = deep(&all_open, SortKey::Due, 20_000) {
            measure(&mut rows, "page down deep in All open (row 20,000)", 4.0, 100, |_| {
                let _ = sup
                    .list(&all_open, SortKey::Due, &Page { after: Some(c.clone()), before: None, limit: 50 })
                    .expect("list");
            });
        }
        let closed = &sections[5].1;
        if let Some(c) = deep(closed, SortKey::Closed, 500_000) {
            measure(&mut rows, "page down deep in Closed (row 500,000)", 4.0, 100, |_| {
                let _ = sup
                    .list(closed, SortKey::Closed, &Page { after: Some(c.clone()), before: None, limit: 50 })
                    .expect("list");
            });
        }

        // Search: a common name, a PIN, a reference.
        let sample =
            first(&sup, &ListFilter { all_statuses: true, ..ListFilter::default() }, SortKey::Received);
        let some = sample.first().expect("a request");
        let searches = [
            ("search by name (common surname)", "Asanova".to_string()),
            ("search by name prefix, two words", "Жумабек Айгер".to_string()),
            ("search by PIN", some.subject.pin.clone()),
            ("search by reference", some.reference.clone()),
            ("search with no match", "Zzyzx".to_string()),
        ];
        for (name, q) in &searches {
            let f = ListFilter { search: Some(q.clone()), all_statuses: true, ..ListFilter::default() };
            measure(&mut rows, name, 10.0, 50, |_| {
                let _ = first(&sup, &f, SortKey::Due);
            });
        }

        measure(&mut rows, "open a request's detail (peek)", 4.0, 100, |i| {
            let r = &sample[i % sample.len()];
            let _ = sup.peek(&r.reference).expect("peek");
        });

        figures(&mut rows, &sup, today);
    }

    // The terminal UI: one frame of each screen at 200×60, and keystrokes (update + render).
    let mut terminal = Terminal::new(TestBackend::new(200, 60)).expect("terminal");
    let mut app = App::new(session(&db, "jyldyz"), KeyMap::default(), Theme::from_env()).expect("app");
    let mut draw = |app: &App| {
        terminal.draw(|f| f.render_widget(app, f.area())).expect("draw");
    };
    measure(&mut rows, "render queue at 200x60", 4.0, 100, |_| draw(&app));
    measure(&mut rows, "keystroke: move down one row (update + render)", 4.0, 500, |_| {
        app.update(Action::Do(Cmd::MoveDown));
        draw(&app);
    });
    measure(&mut rows, "keystroke: page down (update + render)", 4.0, 200, |_| {
        app.update(Action::Do(Cmd::PageDown));
        draw(&app);
    });
    measure(&mut rows, "keystroke: next section (update + render)", 4.0, 60, |_| {
        app.update(Action::Do(Cmd::NextSection));
        draw(&app);
    });
    // Where the next-section time goes: each step of the cycle timed on its own.
    {
        let n = app.sections().len();
        let mut by_step: Vec<Vec<f64>> = vec![Vec::new(); n];
        let mut names = vec![String::new(); n];
        for _ in 0..10 {
            for (step, name) in by_step.iter_mut().zip(names.iter_mut()) {
                let t = Instant::now();
                app.update(Action::Do(Cmd::NextSection));
                draw(&app);
                step.push(ms(t.elapsed()));
                *name = format!("{:?}", app.queue.section());
                // A grouped section reads the clerks below the screen after the frame, a
                // screenful per idle step: the longest step is what a key may wait for.
                let mut idle = (0.0f64, 0.0f64);
                while app.queue.groups_pending() {
                    let t = Instant::now();
                    app.idle();
                    let d = ms(t.elapsed());
                    idle = (idle.0 + d, idle.1.max(d));
                }
                if idle.0 > 0.0 {
                    *name = format!(
                        "{name} (then idle: {:.1} ms in all, {:.1} ms the longest step)",
                        idle.0, idle.1
                    );
                }
            }
        }
        for (v, name) in by_step.iter_mut().zip(&names) {
            v.sort_by(f64::total_cmp);
            println!(
                "{:<48} {:>9.3} {:>9.3}",
                format!("  next section into {name}"),
                v[v.len() / 2],
                v[v.len() - 1]
            );
        }
    }
    // The same keys through the terminal writer (`aryz::tui::present`, issue 16) at the tmux
    // probe's 120x40: update, read-ahead, render, diff, and the bytes the terminal would get.
    // Down from the top: the first ~35 `j` move the highlight, the rest scroll the table.
    for (name, cmd, runs) in [("j", Cmd::MoveDown, 500), ("PageDown", Cmd::PageDown, 200)] {
        app.update(Action::Do(Cmd::MoveFirst));
        let mut screen = aryz::tui::present::Screen::new(Vec::new(), 120, 40, true);
        screen.draw(|a, b| ratatui::widgets::Widget::render(&app, a, b)).expect("draw");
        let (mut bytes, mut keys) = (0usize, 0usize);
        measure(&mut rows, &format!("keystroke {name} through the writer, 120x40"), 4.0, runs, |_| {
            app.update(Action::Do(cmd));
            screen.draw(|a, b| ratatui::widgets::Widget::render(&app, a, b)).expect("draw");
            app.idle();
            bytes += screen.writer_mut().len();
            keys += 1;
            screen.writer_mut().clear();
        });
        println!("{:<48} {:>9} bytes per key written to the terminal", "", bytes / keys.max(1));
    }
    app.update(Action::Do(Cmd::MoveFirst));
    app.update(Action::Do(Cmd::Open));
    measure(&mut rows, "render detail at 200x60", 4.0, 100, |_| draw(&app));
    app.update(Action::Do(Cmd::Back));
    app.update(Action::Do(Cmd::ShowCalendar));
    measure(&mut rows, "render calendar at 200x60", 4.0, 50, |_| draw(&app));
    app.update(Action::Do(Cmd::Back));
    app.update(Action::Do(Cmd::ShowHelp));
    measure(&mut rows, "render help at 200x60", 4.0, 100, |_| draw(&app));
    app.update(Action::Do(Cmd::Back));
    app.update(Action::Do(Cmd::RegisterRequest));
    measure(&mut rows, "render intake form at 200x60", 4.0, 100, |_| draw(&app));
    app.update(Action::Do(Cmd::Cancel));
    if keys_only {
        let over = rows.iter().filter(|r| r.budget_ms > 0.0 && r.p99 > r.budget_ms).count();
        println!("\n{} measures, {} over budget (p99 against the budget)", rows.len(), over);
        return;
    }

    // Export of about 100,000 requests (those received in the last ~180 days).
    let recent = ListFilter {
        received_from: today.checked_sub_days(chrono::Days::new(180)),
        all_statuses: true,
        ..ListFilter::default()
    };
    let n = sup.count(&recent).expect("count");
    let mut exp = session(&db, "jyldyz");
    measure(&mut rows, &format!("export {n} requests (CSV rows built, to a sink)"), 0.0, 2, |_| {
        let mut bytes = 0usize;
        exp.export(&recent, false, |r| {
            bytes += r.reference.len() + r.subject.name.len();
            Ok(())
        })
        .expect("export");
    });

    // Whole processes: aryz against the sqlite3 shell for the same query.
    let db_s = db.to_str().expect("utf-8 path");
    let env_ok = Command::new(&bin)
        .args(["--db", db_s, "list", "--overdue", "--limit", "50", "--format", "json"])
        .env("ARYZ_OPERATOR", "jyldyz")
        .output();
    if env_ok.is_ok_and(|o| o.status.success()) {
        let t_aryz = {
            let mut v: Vec<f64> = (0..30)
                .map(|_| {
                    let t = Instant::now();
                    let _ = Command::new(&bin)
                        .args(["--db", db_s, "list", "--overdue", "--limit", "50", "--format", "json"])
                        .env("ARYZ_OPERATOR", "jyldyz")
                        .output();
                    ms(t.elapsed())
                })
                .collect();
            v.sort_by(f64::total_cmp);
            v[v.len() / 2]
        };
        let sql = format!(
            "SELECT * FROM requests WHERE is_open = 1 AND due_on < '{today}' AND (paused_since IS NULL OR due_on < paused_since) ORDER BY due_on, id LIMIT 50;"
        );
        let t_sqlite = median_of_process(Path::new("sqlite3"), &["-json", db_s, &sql], 30);
        println!(
            "{:<48} {:>9.3} {:>9} {:>9} {}",
            "process: aryz list --overdue --limit 50 --format json",
            t_aryz,
            "-",
            format!("{:.1}", t_sqlite * 1.5),
            if t_aryz <= t_sqlite * 1.5 { "ok" } else { "OVER" }
        );
        println!("{:<48} {:>9.3}", "process: sqlite3 -json, same query", t_sqlite);
    }
    // Import of 100,000 requests, as a whole `aryz import` process, into a copy of the
    // database (the copy itself is not timed), beside its anchor in the same run: the
    // sqlite3 shell's `.import` of the same file into a plain table of a copy. Alternated,
    // twice each, so that a neighbour's burst does not land on one side only; the best of
    // each is compared, by wall time and by CPU time (user + system, steadier under load).
    if std::env::var_os("ARYZ_BENCH_SKIP_IMPORT").is_none() {
        let tmp = db.with_file_name("import-copy.sqlite3");
        let csv = db.with_file_name("import-100k.csv");
        let _ = std::fs::remove_file(&tmp);
        write_import_csv(&csv, 100_000, 20, today);
        let (tmp_s, csv_s) = (tmp.to_str().expect("path"), csv.to_str().expect("path"));
        let mut aryz_runs = Vec::new();
        let mut anchor_runs = Vec::new();
        println!("\nbulk work, side by side (load average {})", load_average());
        for _ in 0..2 {
            std::fs::copy(&db, &tmp).expect("copy the database");
            let (t, out) =
                timed(&bin, &["--db", tmp_s, "import", csv_s], &[("ARYZ_OPERATOR", "jyldyz")], false);
            assert!(out.status.success(), "import: {}", String::from_utf8_lossy(&out.stderr));
            let stderr_lines = out.stderr.split(|b| *b == b'\n').count() - 1;
            assert!(stderr_lines < 100, "warnings are summarised: {stderr_lines} lines on stderr");
            aryz_runs.push(t);
            std::fs::copy(&db, &tmp).expect("copy the database");
            let import = format!(".import {csv_s} plain_import");
            let (t, out) = timed(Path::new("sqlite3"), &[tmp_s, "-cmd", ".mode csv", &import], &[], false);
            if out.status.success() {
                anchor_runs.push(t);
            }
        }
        compare(
            "import 100,000 requests (whole process)",
            &aryz_runs,
            "sqlite3 .import, same file, plain table",
            &anchor_runs,
            Some(3000.0),
        );
        let _ = std::fs::remove_file(&tmp);
        let _ = std::fs::remove_file(&csv);
    }

    // Export of every request as CSV, as whole processes to /dev/null, beside `sqlite3 -csv`
    // over the same rows in the same run (budget: 1.5 x), alternated twice each.
    if std::env::var_os("ARYZ_BENCH_SKIP_EXPORT").is_none() {
        let mut aryz_runs = Vec::new();
        let mut anchor_runs = Vec::new();
        println!("(load average {})", load_average());
        for _ in 0..2 {
            let (t, out) = timed(
                &bin,
                &["--db", db_s, "--format", "csv", "export", "--all"],
                &[("ARYZ_OPERATOR", "jyldyz")],
                true,
            );
            if out.status.success() {
                aryz_runs.push(t);
            }
            let (t, out) =
                timed(Path::new("sqlite3"), &["-csv", "-header", db_s, "SELECT * FROM requests"], &[], true);
            if out.status.success() {
                anchor_runs.push(t);
            }
        }
        compare(
            "export --all --format csv (whole process)",
            &aryz_runs,
            "sqlite3 -csv SELECT * FROM requests",
            &anchor_runs,
            None,
        );
        println!("  budget: export at most 1.5 x its anchor");
    }

    // A million rows into a new database (`ARYZ_BENCH_IMPORT_1M=1`; minutes): the time, and
    // the peak memory, which must not grow with the file.
    if std::env::var_os("ARYZ_BENCH_IMPORT_1M").is_some() {
        let dir = db.with_file_name("import-1m");
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).expect("dir");
        let csv = dir.join("import-1m.csv");
        // Received over 400 days: one year's sequence holds 999,999 references.
        write_import_csv(&csv, 1_000_000, 400, today);
        let new_db = dir.join("aryz.sqlite3");
        let dir_s = dir.to_str().expect("path");
        let env = [("ARYZ_DATA_DIR", dir_s), ("ARYZ_CONFIG_DIR", dir_s), ("ARYZ_OPERATOR", "root")];
        let (_, out) = timed(&bin, &["init", "--dev-identity"], &env, false);
        assert!(out.status.success(), "init: {}", String::from_utf8_lossy(&out.stderr));
        println!("(load average {})", load_average());
        let (t, out) = timed(
            &bin,
            &["--db", new_db.to_str().expect("path"), "import", csv.to_str().expect("path")],
            &env,
            false,
        );
        assert!(out.status.success(), "import: {}", String::from_utf8_lossy(&out.stderr));
        println!(
            "{:<48} {:>9.1} ms wall, {:.1} s CPU, peak RSS {} MB   budget: 40 s, flat memory",
            "import 1,000,000 requests into a new database",
            t.wall_ms,
            t.cpu_s,
            t.max_rss_kb.map_or("?".into(), |k| (k / 1024).to_string())
        );
        let _ = std::fs::remove_dir_all(&dir);
    }

    // Keystroke latency from outside, beside `less`, in the same run (needs tmux and the
    // shared probe beside the project; skipped with a note otherwise).
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let probe = root.join("../shared/tools/tui-latency.py");
    let have_tmux = Command::new("tmux").arg("-V").output().is_ok_and(|o| o.status.success());
    if probe.exists() && have_tmux && std::env::var_os("ARYZ_BENCH_SKIP_LATENCY").is_none() {
        println!("\nkeystroke latency through tmux (benches/latency.sh):");
        let _ = Command::new("bash").arg(root.join("benches/latency.sh")).arg(&db).current_dir(root).status();
    } else {
        println!("\n(latency through tmux skipped: needs tmux and {})", probe.display());
    }

    let over = rows.iter().filter(|r| r.budget_ms > 0.0 && r.p99 > r.budget_ms).count();
    println!("\n{} measures, {} over budget (p99 against the budget)", rows.len(), over);
    let _ = rows.iter().map(|r| r.runs).sum::<usize>();
}

/// The supervisors' figures of issue 12: reports, backlog history, digest and dashboard.
fn figures(rows: &mut Vec<Row>, sup: &Session, today: chrono::NaiveDate) {
    let (from, to) = month_range(&today.format("%Y-%m").to_string()).expect("month");
    let prev = from.pred_opt().expect("date");
    let (pfrom, pto) = month_range(&prev.format("%Y-%m").to_string()).expect("month");
    measure(rows, "monthly report, last month, by kind", 50.0, 20, |_| {
        let _ = sup.report(pfrom, pto, today, GroupBy::Kind).expect("report");
    });
    measure(rows, "monthly report, this month, by clerk", 50.0, 20, |_| {
        let _ = sup.report(from, to, today, GroupBy::Clerk).expect("report");
    });

    // Issue 12: the trend over 12 months (replayed from the events) and the backlog history.
    let year_from = from - chrono::Months::new(11);
    measure(rows, "report by month, 12 months", 100.0, 5, |_| {
        let _ = sup.report(year_from, to, today, GroupBy::Month).expect("report");
    });
    measure(rows, "backlog history, 90 days, and ageing", 50.0, 20, |_| {
        let _ = sup.backlog(90, today).expect("backlog");
    });
    measure(rows, "digest (replayed from the events)", 500.0, 5, |_| {
        let _ = sup.digest(today).expect("digest");
    });

    measure(rows, "dashboard (all figures)", 50.0, 20, |_| {
        let _ = sup.dashboard(today).expect("dashboard");
    });
}

/// Where the PostgreSQL databases of the bench are made: the server named by
/// `ARYZ_BENCH_PG_URL` (the URL of its `postgres` database as a superuser, with
/// `user=postgres`: for instance `postgres://127.0.0.1:5499/postgres?user=postgres`, a
/// cluster on loopback with its production settings), else a private cluster this bench
/// starts as the tests do (`store::postgres::cluster`: a Unix socket, `fsync` off).
#[cfg(feature = "postgres")]
struct PgServer {
    admin: String,
    next: std::sync::atomic::AtomicU32,
}

#[cfg(feature = "postgres")]
impl PgServer {
    fn new() -> PgServer {
        let admin = std::env::var("ARYZ_BENCH_PG_URL").unwrap_or_else(|_| {
            let cluster = aryz::store::postgres::cluster::Cluster::shared()
                .expect("PostgreSQL: a private cluster could not be started");
            cluster.url("postgres")
        });
        assert!(admin.contains("user=postgres"), "ARYZ_BENCH_PG_URL must name user=postgres: {admin}");
        PgServer { admin, next: std::sync::atomic::AtomicU32::new(0) }
    }

    /// The URL of database `name` on this server, as login role `user`.
    fn url(&self, name: &str, user: &str) -> String {
        let (path, query) = self.admin.split_once('?').expect("a URL with ?user=postgres");
        let (base, _) = path.rsplit_once('/').expect("a URL with a database");
        format!("{base}/{name}?{}", query.replace("user=postgres", &format!("user={user}")))
    }

    fn admin(&self, sql: &str) {
        let mut c = postgres::Client::connect(&self.admin, postgres::NoTls).expect("connect as postgres");
        c.batch_execute(sql).expect(sql);
    }

    /// A new, empty database; returns its name.
    fn fresh(&self) -> String {
        let k = self.next.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        let name = format!("aryz_bench_{}_{k}", std::process::id());
        self.admin(&format!(
            "CREATE DATABASE \"{name}\" TEMPLATE template0 ENCODING 'UTF8' LOCALE 'C.UTF-8'"
        ));
        name
    }

    fn drop_database(&self, name: &str) {
        self.admin(&format!("DROP DATABASE IF EXISTS \"{name}\" WITH (FORCE)"));
    }
}

/// Issue 14's budgets on PostgreSQL (`ARYZ_BENCH_ONLY=postgres`): a list page under 10 ms
/// and an audited write under 50 ms at the p99, the writes at ten times a realistic rate,
/// each beside the same measure on SQLite (the same demo, before it moved up) in the same
/// run, with the ratio. The database is a SQLite demo of `ARYZ_BENCH_PG_REQUESTS` (default
/// 100,000) requests, made once, moved up into a fresh database (see [`PgServer`]), read and
/// written through the operators' own login roles, so that row-level security applies (a
/// superuser would bypass it): a clerk of the head office and a supervisor who sees every
/// office.
///
/// A realistic rate, for the record: 30 offices of about 20 operators each, every operator
/// writing once every two minutes at the busiest hour, is 5 writes a second; ten times that
/// is 50 a second, spread over 8 connections.
#[cfg(feature = "postgres")]
fn postgres_budgets(bin: &Path) {
    let n: usize =
        std::env::var("ARYZ_BENCH_PG_REQUESTS").ok().and_then(|v| v.parse().ok()).unwrap_or(100_000);
    let src = sqlite_demo(bin, n);
    let server = PgServer::new();
    println!("PostgreSQL: {}; load average {}", server.admin, load_average());
    let name = server.fresh();
    let t = Instant::now();
    let source = Store::open(&src).expect("the SQLite demo");
    let (moved, _) = source.copy_to_postgres(&server.url(&name, "postgres")).expect("move up");
    drop((moved, source));
    println!("moved {n} requests up in {:.1} s", t.elapsed().as_secs_f64());
    // The SQLite side writes on a copy, so the demo stays as it was made.
    let copy = src.with_file_name("side-by-side.sqlite3");
    std::fs::copy(&src, &copy).expect("copy the demo");
    let open_pg = |login: &str| -> Session {
        let store = aryz::store::open(&PathBuf::from(server.url(&name, login)), None).expect("open");
        let today = Clock::new(Config::default().offset(), None).today();
        Session::with_store(store, login, RuleSet::shipped(), Clock::fixed(today), Settings::default())
            .expect("session")
    };
    let open_sqlite = |login: &str| session(&copy, login);
    let (mut pg, mut lite) = (Vec::new(), Vec::new());
    println!("{:<48} {:>9} {:>9} {:>9}", "measure (ms)", "median", "p99", "budget");
    let page = |s: &Session, f: &ListFilter, sort: SortKey, after: Option<Cursor>| {
        s.list(f, sort, &Page { limit: 50, after, ..Page::default() }).expect("list")
    };
    for (backend, rows, open) in
        [("pg", &mut pg, &open_pg as &(dyn Fn(&str) -> Session + Sync)), ("sqlite", &mut lite, &open_sqlite)]
    {
        let sup = open("jyldyz");
        let clerk = open("aibek");
        let today = sup.today();
        let lists: Vec<(&str, &Session, ListFilter, SortKey)> = vec![
            ("list page, all open by due date (supervisor)", &sup, ListFilter::default(), SortKey::Due),
            ("list page, all open by due date (clerk)", &clerk, ListFilter::default(), SortKey::Due),
            (
                "list page, mine (clerk)",
                &clerk,
                ListFilter { assignee: AssigneeFilter::Is("aibek".into()), ..ListFilter::default() },
                SortKey::Due,
            ),
            (
                "list page, overdue (clerk)",
                &clerk,
                ListFilter { overdue_as_of: Some(today), ..ListFilter::default() },
                SortKey::Due,
            ),
            (
                "list page, search by name (clerk)",
                &clerk,
                ListFilter { search: Some("Aig".into()), all_statuses: true, ..ListFilter::default() },
                SortKey::Due,
            ),
        ];
        for (what, s, f, sort) in &lists {
            measure(rows, &format!("{backend}: {what}"), 10.0, 300, |_| {
                let _ = page(s, f, *sort, None);
            });
        }
        let first = page(&clerk, &ListFilter::default(), SortKey::Due, None);
        let cursor = first.last().map(|r| Cursor::of(r, SortKey::Due));
        measure(rows, &format!("{backend}: list page, the next page (keyset, clerk)"), 10.0, 300, |_| {
            let _ = page(&clerk, &ListFilter::default(), SortKey::Due, cursor.clone());
        });
        // Requests to write on: open ones, a slice per writer (as clerks work on their own).
        let refs: Vec<String> = sup
            .list(&ListFilter::default(), SortKey::Due, &Page { limit: 800, ..Page::default() })
            .expect("list")
            .into_iter()
            .map(|r| r.reference)
            .collect();
        drop((sup, clerk));
        let mut writer = open("jyldyz");
        measure(rows, &format!("{backend}: audited note, one writer"), 50.0, 200, |i| {
            writer.note(&refs[i % refs.len()], "Bench note", false).expect("note");
        });
        drop(writer);
        paced_writes(
            rows,
            open,
            &refs,
            &format!("{backend}: audited note, 8 writers at 50/s"),
            8,
            50.0,
            1_200,
        );
        paced_writes(
            rows,
            open,
            &refs,
            &format!("{backend}: audited note, 4 writers flat out"),
            4,
            0.0,
            1_200,
        );
    }
    let over = pg.iter().filter(|r| r.budget_ms > 0.0 && r.p99 > r.budget_ms).count();
    println!(
        "\nPostgreSQL beside SQLite, the same measures in the same run (load average {}):",
        load_average()
    );
    println!("{:<48} {:>15} {:>15} {:>9}", "measure", "pg p50/p99", "sqlite p50/p99", "p99 ratio");
    for (p, l) in pg.iter().zip(&lite) {
        println!(
            "{:<48} {:>7.2}/{:>7.2} {:>7.2}/{:>7.2} {:>8.1}x",
            p.name.trim_start_matches("pg: "),
            p.median,
            p.p99,
            l.median,
            l.p99,
            p.p99 / l.p99
        );
    }
    println!("{} PostgreSQL measures, {over} over budget (p99 against the budget)", pg.len());
    let _ = std::fs::remove_file(&copy);
    for ext in ["-wal", "-shm"] {
        let _ = std::fs::remove_file(copy.with_file_name(format!("side-by-side.sqlite3{ext}")));
    }
    server.drop_database(&name);
    if std::env::var_os("ARYZ_BENCH_SKIP_IMPORT").is_none() {
        postgres_import(bin, &server);
    }
}

/// `aryz import` of `ARYZ_BENCH_PG_IMPORT` (default 20,000) CSV rows into a new, empty
/// database, on PostgreSQL (`COPY`: `PgTx::register_batch`) and on SQLite, as whole
/// processes, alternated twice each in the same run; rows a second by wall time (on
/// PostgreSQL the server's work is not in aryz's CPU time).
#[cfg(feature = "postgres")]
fn postgres_import(bin: &Path, server: &PgServer) {
    let n: u32 = std::env::var("ARYZ_BENCH_PG_IMPORT").ok().and_then(|v| v.parse().ok()).unwrap_or(20_000);
    let dir = bin.parent().and_then(Path::parent).expect("target").join("bench-pg-import");
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("bench dir");
    let csv = dir.join("import.csv");
    let today = Clock::new(Config::default().offset(), None).today();
    write_import_csv(&csv, n, 20, today);
    let csv_s = csv.to_str().expect("path");
    let env = |cmd: &mut Command| {
        cmd.env("ARYZ_DATA_DIR", &dir).env("ARYZ_CONFIG_DIR", &dir);
    };
    let init = |db: &str| {
        let mut cmd = Command::new(bin);
        cmd.args(["--db", db, "init", "--dev-identity"]);
        env(&mut cmd);
        let out = cmd.output().expect("init");
        assert!(out.status.success(), "init {db}: {}", String::from_utf8_lossy(&out.stderr));
    };
    let dir_s = dir.to_str().expect("path").to_string();
    let vars = [("ARYZ_DATA_DIR", dir_s.as_str()), ("ARYZ_CONFIG_DIR", dir_s.as_str())];
    let (mut pg_runs, mut sqlite_runs) = (Vec::new(), Vec::new());
    println!("\nimport of {n} rows into an empty database (load average {})", load_average());
    for run in 0..2 {
        let name = server.fresh();
        let url = server.url(&name, "postgres");
        init(&url);
        let (t, out) = timed(bin, &["--db", &url, "import", csv_s], &vars, false);
        assert!(out.status.success(), "import on PostgreSQL: {}", String::from_utf8_lossy(&out.stderr));
        pg_runs.push(t);
        server.drop_database(&name);
        let db = dir.join(format!("import-{run}.sqlite3"));
        let db_s = db.to_str().expect("path");
        init(db_s);
        let (t, out) = timed(bin, &["--db", db_s, "import", csv_s], &vars, false);
        assert!(out.status.success(), "import on SQLite: {}", String::from_utf8_lossy(&out.stderr));
        sqlite_runs.push(t);
    }
    compare("pg: import (whole process)", &pg_runs, "the same import on SQLite", &sqlite_runs, None);
    let best = |v: &[Timed]| v.iter().map(|t| t.wall_ms).fold(f64::INFINITY, f64::min);
    println!(
        "  rows/s by wall time: PostgreSQL {:.0}, SQLite {:.0}",
        f64::from(n) / best(&pg_runs) * 1000.0,
        f64::from(n) / best(&sqlite_runs) * 1000.0
    );
    let _ = std::fs::remove_dir_all(&dir);
}

/// `total` audited notes from `writers` connections at once, at `rate` a second in all
/// (0: each as fast as it can). Each write's time runs from when it was due, so a writer
/// that falls behind its schedule counts the wait (no coordinated omission).
#[cfg(feature = "postgres")]
fn paced_writes(
    rows: &mut Vec<Row>,
    open: &(dyn Fn(&str) -> Session + Sync),
    refs: &[String],
    name: &str,
    writers: usize,
    rate: f64,
    total: usize,
) {
    let per = total / writers;
    let start = Instant::now() + Duration::from_millis(200);
    let mut lat: Vec<Duration> = std::thread::scope(|scope| {
        let handles: Vec<_> = (0..writers)
            .map(|w| {
                scope.spawn(move || {
                    let mut s = open("jyldyz");
                    let mine: Vec<&String> = refs.iter().skip(w).step_by(writers).collect();
                    let mut out = Vec::with_capacity(per);
                    for k in 0..per {
                        let due = if rate > 0.0 {
                            let at = (k * writers + w) as f64 / rate;
                            start + Duration::from_secs_f64(at)
                        } else {
                            Instant::now()
                        };
                        if let Some(wait) = due.checked_duration_since(Instant::now()) {
                            std::thread::sleep(wait);
                        }
                        s.note(mine[k % mine.len()], "Bench note", false).expect("note");
                        out.push(due.elapsed());
                    }
                    out
                })
            })
            .collect();
        handles.into_iter().flat_map(|h| h.join().expect("writer")).collect()
    });
    let took = start.elapsed().as_secs_f64();
    lat.sort();
    let pick = |q: f64| ms(lat[((lat.len() as f64 - 1.0) * q).round() as usize]);
    let row =
        Row { name: name.to_string(), budget_ms: 50.0, median: pick(0.5), p99: pick(0.99), runs: lat.len() };
    println!(
        "{:<48} {:>9.1} {:>9.1} {:>9.1} {} ({:.0} writes/s)",
        row.name,
        row.median,
        row.p99,
        row.budget_ms,
        if row.p99 <= row.budget_ms { "ok" } else { "OVER" },
        lat.len() as f64 / took
    );
    rows.push(row);
}

/// `rows` valid import rows received over the `days` days up to `today`.
fn write_import_csv(path: &Path, rows: u32, days: u32, today: chrono::NaiveDate) {
    use std::io::Write;
    let mut w = std::io::BufWriter::new(std::fs::File::create(path).expect("csv"));
    writeln!(w, "kind,name,pin,received,channel,lang,categories,description").expect("csv");
    for i in 0..rows {
        let day = today.checked_sub_days(chrono::Days::new(u64::from(i % days))).expect("date");
        writeln!(
            w,
            "access,Import Testsubject {i},2150319{i:07},{day},salyk_app,ky,income,Batch from the app"
        )
        .expect("csv");
    }
    w.flush().expect("csv");
}

/// One process's cost: wall time, CPU time (user + system) and peak memory.
struct Timed {
    wall_ms: f64,
    cpu_s: f64,
    max_rss_kb: Option<u64>,
}

/// Runs `program args` with `env`, through `/usr/bin/time` when it is there (for CPU time
/// and peak memory), stdout to /dev/null when `quiet`.
fn timed(program: &Path, args: &[&str], env: &[(&str, &str)], quiet: bool) -> (Timed, std::process::Output) {
    let gnu_time = Path::new("/usr/bin/time");
    let mut cmd = if gnu_time.exists() {
        let mut c = Command::new(gnu_time);
        c.args(["-f", "ARYZ_BENCH_TIME %U %S %M"]).arg(program);
        c
    } else {
        Command::new(program)
    };
    cmd.args(args).envs(env.iter().copied());
    if quiet {
        cmd.stdout(std::fs::File::create("/dev/null").map(Stdio::from).expect("/dev/null"));
    }
    let t = Instant::now();
    let out = cmd.output().expect("spawn");
    let wall_ms = ms(t.elapsed());
    let text = String::from_utf8_lossy(&out.stderr);
    let figures: Vec<f64> = text
        .lines()
        .rev()
        .find_map(|l| l.strip_prefix("ARYZ_BENCH_TIME "))
        .map(|l| l.split_whitespace().filter_map(|x| x.parse().ok()).collect())
        .unwrap_or_default();
    let cpu_s = match figures.as_slice() {
        [u, s, ..] => u + s,
        _ => f64::NAN,
    };
    let max_rss_kb = figures.get(2).map(|k| *k as u64);
    (Timed { wall_ms, cpu_s, max_rss_kb }, out)
}

/// Prints aryz's best run beside its anchor's best, with the ratios of wall and CPU time.
fn compare(name: &str, aryz: &[Timed], anchor_name: &str, anchor: &[Timed], budget_ms: Option<f64>) {
    let best = |v: &[Timed]| {
        let wall = v.iter().map(|t| t.wall_ms).fold(f64::INFINITY, f64::min);
        let cpu = v.iter().map(|t| t.cpu_s).fold(f64::INFINITY, f64::min);
        let rss = v.iter().filter_map(|t| t.max_rss_kb).max();
        (wall, cpu, rss)
    };
    let (wall, cpu, rss) = best(aryz);
    let rss = rss.map_or("?".into(), |k| format!("{} MB", k / 1024));
    let verdict = budget_ms
        .map_or(String::new(), |b| format!("budget {b:.0} ms: {}", if wall <= b { "ok" } else { "OVER" }));
    println!("{name:<48} {wall:>9.1} ms wall {cpu:>7.2} s CPU  peak {rss}  {verdict}");
    if anchor.is_empty() {
        println!("  (anchor {anchor_name} did not run)");
        return;
    }
    let (a_wall, a_cpu, _) = best(anchor);
    println!("  anchor: {anchor_name:<40} {a_wall:>9.1} ms wall {a_cpu:>7.2} s CPU");
    println!("  aryz / anchor = {:.2} x wall, {:.2} x CPU", wall / a_wall, cpu / a_cpu);
}

/// The 1, 5 and 15 minute load averages, as the machine reports them.
fn load_average() -> String {
    std::fs::read_to_string("/proc/loadavg")
        .map_or_else(|_| "unknown".into(), |s| s.split_whitespace().take(3).collect::<Vec<_>>().join(" "))
}
