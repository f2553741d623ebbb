//! Bad input: every case exits 1 with one line naming the field and the rule, and changes
//! nothing; usage errors exit 2; broken, foreign, newer and locked databases are refused.

use crate::common;

use std::io::{BufRead, BufReader, Write};
use std::process::Stdio;

use common::*;

/// A database with one request in each state the cases need.
struct Fixture {
    env: TestEnv,
    open: String,
    answered: String,
    withdrawn: String,
    correction: String,
}

/// Made once per test run by the same commands (a template, see `TestEnv::from_template`)
/// and copied: each test has its own database without seven starts of the binary.
fn fixture() -> Fixture {
    static TEMPLATE: std::sync::OnceLock<TestEnv> = std::sync::OnceLock::new();
    static REFS: std::sync::OnceLock<[String; 4]> = std::sync::OnceLock::new();
    let env = TestEnv::from_template(&TEMPLATE, |env| {
        TestEnv::staff(env);
        let open = env.add(&["--received", "2026-11-20"]);
        let answered = env.add(&[]);
        env.ok(&["respond", &answered, "--outcome", "fulfilled"]);
        let withdrawn = env.add(&[]);
        env.ok(&["withdraw", &withdrawn, "--reason", "Subject withdrew"]);
        let correction = env.add(&["--kind", "correction", "--category", "email"]);
        env.ok(&["status", &correction, "in_progress"]);
        assert!(REFS.set([open, answered, withdrawn, correction]).is_ok(), "made once");
    });
    let [open, answered, withdrawn, correction] = REFS.get().expect("the template's references").clone();
    Fixture { env, open, answered, withdrawn, correction }
}

/// Everything a bad command could change: requests, operators, the calendar.
fn state(env: &TestEnv) -> String {
    format!("{}\n{}", env.snapshot(), env.ok(&["--format", "json", "calendar", "--year", "2026"]))
}

/// Runs each case as the admin: exit 1, one line mentioning every word, nothing changed.
fn check_cases(f: &Fixture, cases: &[(Vec<&str>, &[&str])]) {
    let before = state(&f.env);
    for (args, words) in cases {
        let line = f.env.fails(args);
        assert_mentions(&line, words);
        assert_eq!(state(&f.env), before, "aryz {args:?} changed something");
    }
}

static LONG_NAME: std::sync::LazyLock<String> = std::sync::LazyLock::new(|| "x".repeat(201));
static LONG_TEXT: std::sync::LazyLock<String> = std::sync::LazyLock::new(|| "x".repeat(10_001));

#[test]
fn bad_add_is_refused_naming_the_field() {
    let f = fixture();
    let add = |extra: &[&'static str]| {
        let mut a = vec!["add"];
        for (flag, default) in [("--kind", "access"), ("--name", "Test Subject"), ("--pin", PIN_MALE)] {
            if !extra.contains(&flag) {
                a.extend([flag, default]);
            }
        }
        a.extend(extra);
        a
    };
    let cases: Vec<(Vec<&str>, &[&str])> = vec![
        (add(&["--kind", "erase"]), &["kind", "unknown value 'erase'", "stop_processing"]),
        (add(&["--kind", ""]), &["kind", "unknown value"]),
        (add(&["--channel", "fax"]), &["channel", "'fax'", "salyk_app"]),
        (add(&["--lang", "de"]), &["lang", "'de'"]),
        (add(&["--identity", "trust_me"]), &["identity", "'trust_me'"]),
        (add(&["--category", "teeth"]), &["category", "'teeth'", "full_name"]),
        (add(&["--category", "email,teeth"]), &["category", "'teeth'"]),
        (add(&["--pin", "123"]), &["pin", "14 digits"]),
        (add(&["--pin", "2150319901234"]), &["pin", "14 digits"]),
        (add(&["--pin", "215031990123456"]), &["pin", "14 digits"]),
        (add(&["--pin", "2150319901234X"]), &["pin", "14 digits"]),
        (add(&["--pin", "21503-199012345"]), &["pin", "14 digits"]),
        (add(&["--pin", "٢١٥٠٣١٩٩٠١٢٣٤٥"]), &["pin", "14 digits"]),
        (add(&["--pin", ""]), &["pin", "14 digits"]),
        (add(&["--received", "2026-11-25"]), &["received", "future"]),
        (add(&["--received", "2027-01-01"]), &["received", "future"]),
        (add(&["--received", "2026-02-30"]), &["received", "YYYY-MM-DD"]),
        (add(&["--received", "31.11.2026"]), &["received", "DD.MM.YYYY or YYYY-MM-DD"]),
        (add(&["--received", "yesterday"]), &["received", "YYYY-MM-DD"]),
        (add(&["--received", "1999-12-31"]), &["received", "2000"]),
        (add(&["--name", ""]), &["name", "required"]),
        (add(&["--name", "   "]), &["name", "required"]),
        (add(&["--name", "Test\u{1b}[2JSubject"]), &["name", "control characters"]),
        (add(&["--name", &LONG_NAME]), &["name", "at most 200 characters"]),
        (add(&["--description", &LONG_TEXT]), &["description", "at most 10000 characters"]),
        (add(&["--email", "not-an-e-mail"]), &["email"]),
        (add(&["--phone", "call me maybe"]), &["phone"]),
        (add(&["--birth-date", "2030-01-01"]), &["birth_date", "future"]),
        (add(&["--birth-date", "15.13.1990"]), &["birth-date", "YYYY-MM-DD"]),
        (add(&["--assignee", "ghost"]), &["assignee", "ghost"]),
        (add(&["--passport", ""]), &["passport"]),
    ];
    check_cases(&f, &cases);
}

#[test]
fn bad_references_and_transitions_are_refused() {
    let f = fixture();
    let (open, answered, withdrawn, correction) =
        (f.open.as_str(), f.answered.as_str(), f.withdrawn.as_str(), f.correction.as_str());
    let (w_status, w_answered, w_respond) = (
        [withdrawn, "cannot change the status", "withdrawn"],
        [answered, "answered"],
        [answered, "cannot answer", "answered"],
    );
    let cases: Vec<(Vec<&str>, &[&str])> = vec![
        (vec!["show", "ARZ-2026-999999"], &["ARZ-2026-999999", "no such request"]),
        (vec!["show", "ARZ-2025-000001"], &["no such request"]),
        (vec!["show", "ARZ-26-1"], &["ref", "'ARZ-26-1'", "not a reference like ARZ-2026-000123"]),
        (vec!["show", "2026-000001"], &["ref", "not a reference"]),
        (vec!["show", "ARZ-2026-00000A"], &["ref", "not a reference"]),
        (vec!["show", ""], &["ref", "not a reference"]),
        (vec!["note", "ARZ-2026-999999", "text"], &["no such request"]),
        (vec!["note", "nonsense", "text"], &["ref", "not a reference"]),
        (vec!["note", open, ""], &["text", "required"]),
        (vec!["note", open, "ring\u{7}bell"], &["text", "control characters"]),
        (
            vec!["status", open, "awaiting_subject", "--reason", "a\u{1b}[2Jb"],
            &["reason", "control characters"],
        ),
        (vec!["status", "ARZ-2026-999999", "in_progress"], &["no such request"]),
        (vec!["status", open, "answered"], &["status", "cannot be set directly"]),
        (vec!["status", open, "new"], &["status", "cannot be set directly"]),
        (vec!["status", open, "bogus"], &["status", "'bogus'", "in_progress"]),
        (vec!["status", withdrawn, "in_progress"], &w_status),
        (vec!["status", answered, "awaiting_subject"], &w_answered),
        (vec!["status", correction, "in_progress"], &["cannot change the status", "in_progress"]),
        (vec!["respond", "ARZ-2026-999999", "--outcome", "fulfilled"], &["no such request"]),
        (vec!["respond", answered, "--outcome", "fulfilled"], &w_respond),
        (vec!["respond", withdrawn, "--outcome", "fulfilled"], &["cannot answer", "withdrawn"]),
        (vec!["respond", open, "--outcome", "maybe"], &["outcome", "'maybe'", "partially_fulfilled"]),
        (vec!["respond", open, "--outcome", "refused"], &["ground", "refusal", "aryz grounds"]),
        (
            vec!["respond", open, "--outcome", "refused", "--ground", "because"],
            &["ground", "unknown ground 'because'", "art15_state_security"],
        ),
        (
            vec!["respond", open, "--outcome", "fulfilled", "--ground", "data_accurate"],
            &["ground", "only recorded when something is refused"],
        ),
        (
            vec!["respond", open, "--outcome", "fulfilled", "--action", "email=done"],
            &["action", "correction, blocking and destruction"],
        ),
        (
            vec!["respond", open, "--outcome", "fulfilled", "--responded", "2026-11-25"],
            &["responded", "future"],
        ),
        (
            vec!["respond", open, "--outcome", "fulfilled", "--responded", "2026-11-19"],
            &["responded", "before"],
        ),
        (
            vec!["respond", open, "--outcome", "fulfilled", "--responded", "25/11/2026"],
            &["responded", "YYYY-MM-DD"],
        ),
        (vec!["respond", open, "--outcome", "fulfilled", "--channel", "pigeon"], &["channel", "'pigeon'"]),
        (
            vec!["respond", correction, "--outcome", "fulfilled", "--action", "email"],
            &["action", "CATEGORY=done|refused|not_held"],
        ),
        (
            vec!["respond", correction, "--outcome", "fulfilled", "--action", "email=maybe"],
            &["action", "'maybe'"],
        ),
        (
            vec!["respond", correction, "--outcome", "fulfilled", "--action", "teeth=done"],
            &["category", "'teeth'"],
        ),
        (
            vec![
                "respond",
                correction,
                "--outcome",
                "fulfilled",
                "--action",
                "email=done",
                "--action",
                "email=not_held",
            ],
            &["action", "twice"],
        ),
        (vec!["respond", correction, "--outcome", "fulfilled", "--action", "email=refused"], &["ground"]),
        (vec!["withdraw", open, "--reason", ""], &["reason", "required"]),
        (vec!["withdraw", answered, "--reason", "r"], &["cannot withdraw", "answered"]),
        (vec!["withdraw", withdrawn, "--reason", "r"], &["cannot withdraw", "withdrawn"]),
        (vec!["withdraw", "ARZ-2026-999999", "--reason", "r"], &["no such request"]),
        (vec!["reopen", open, "--reason", "r"], &["cannot reopen", "new"]),
        (vec!["reopen", answered, "--reason", ""], &["reason", "required"]),
        (vec!["reopen", "ARZ-2026-999999", "--reason", "r"], &["no such request"]),
        (vec!["assign", open, "ghost"], &["login", "'ghost'", "not known"]),
        (vec!["assign", answered, "cara"], &["cannot assign", "answered"]),
        (vec!["assign", "bad-ref", "cara"], &["ref", "not a reference"]),
        (vec!["extend", open, "--days", "5", "--reason", "r"], &["extension", "not allowed"]),
        (vec!["pause", open, "--category", "clarification", "--reason", "r"], &["not allowed"]),
        (vec!["resume", open], &["not paused"]),
        (vec!["resume", "ARZ-2026-999999"], &["no such request"]),
    ];
    check_cases(&f, &cases);
}

#[test]
fn assign_is_all_or_nothing() {
    let f = fixture();
    let second = f.env.add(&[]);
    let before = state(&f.env);
    // One unknown, one closed, one malformed reference among good ones: nobody is assigned.
    for bad in ["ARZ-2026-999999", f.answered.as_str(), "ARZ-X"] {
        let e = fails(f.env.as_op("sam").args(["assign", &f.open, &second, bad, "cara"]));
        assert_mentions(&e, &[]);
        assert_eq!(state(&f.env), before, "assign with {bad} assigned some");
    }
    assert!(refs(&f.env.json(&["list", "--assignee", "cara"])).is_empty());
    // A disabled operator cannot receive requests.
    f.env.ok(&["operator", "disable", "carl"]);
    let before = state(&f.env);
    assert_mentions(&f.env.fails(&["assign", &f.open, &second, "carl"]), &["login", "carl", "disabled"]);
    assert_eq!(state(&f.env), before);
}

#[test]
fn bad_list_deadline_calendar_and_operator_arguments_are_refused() {
    let f = fixture();
    let admin = f.env.admin.clone();
    let cases: Vec<(Vec<&str>, &[&str])> = vec![
        (vec!["list", "--status", "closed"], &["status", "'closed'", "awaiting_subject"]),
        (vec!["list", "--kind", "erase"], &["kind", "'erase'"]),
        (vec!["list", "--channel", "fax"], &["channel", "'fax'"]),
        (vec!["list", "--as-of", "tomorrow"], &["as-of", "YYYY-MM-DD"]),
        (vec!["list", "--limit", "0"], &["limit"]),
        (vec!["list", "--limit", "10001"], &["limit"]),
        (vec!["show", &f.open, "--as-of", "2026-13-01"], &["as-of", "YYYY-MM-DD"]),
        (vec!["deadline", "--kind", "erase", "--received", "2026-03-02"], &["kind", "'erase'"]),
        (vec!["deadline", "--kind", "access", "--received", "02.03.26"], &["received", "YYYY-MM-DD"]),
        (
            vec!["deadline", "--kind", "access", "--received", "2026-03-02", "--registered", "2026-03-01"],
            &["registered", "before"],
        ),
        (vec!["calendar", "--month", "2026-13"], &["month", "2026-13"]),
        (vec!["calendar", "--month", "March"], &["month"]),
        (vec!["calendar", "--year", "1800"], &["year"]),
        (vec!["calendar", "add", "2026-02-30", "--kind", "holiday", "--name", "X"], &["date", "YYYY-MM-DD"]),
        (
            vec!["calendar", "add", "2026-12-01", "--kind", "party", "--name", "X"],
            &["kind", "'party'", "holiday"],
        ),
        (vec!["calendar", "add", "2026-12-01", "--kind", "holiday", "--name", ""], &["name", "required"]),
        (vec!["operator", "add", "eve", "--role", "king"], &["role", "'king'", "supervisor"]),
        (vec!["operator", "add", "bad login", "--role", "clerk"], &["login"]),
        (vec!["operator", "add", "", "--role", "clerk"], &["login"]),
        (vec!["operator", "add", "eve", "--role", "clerk", "--name", "Eve\nEvil"], &["name"]),
        (vec!["operator", "disable", "ghost"], &["login", "'ghost'", "not known"]),
        (vec!["operator", "disable", &admin], &["login", "own login"]),
    ];
    check_cases(&f, &cases);
}

#[test]
fn errors_stay_one_line_in_json_and_csv_formats() {
    let f = fixture();
    for format in ["json", "csv", "table"] {
        let e = f.env.fails(&["--format", format, "show", "ARZ-2026-999999"]);
        assert_mentions(&e, &["no such request"]);
    }
}

#[test]
fn a_bad_aryz_today_is_refused() {
    let f = fixture();
    let before = state(&f.env);
    let e = fails(
        f.env
            .aryz()
            .env("ARYZ_TODAY", "24/11/2026")
            .args(["add", "--kind", "access", "--name", "T S", "--pin", PIN_MALE]),
    );
    assert_mentions(&e, &["ARYZ_TODAY", "YYYY-MM-DD"]);
    assert_eq!(state(&f.env), before);
}

#[test]
fn a_bad_config_file_is_named() {
    let f = fixture();
    let before = state(&f.env);
    f.env.write_config("colour = 3\n");
    let e = f.env.fails(&["list"]);
    assert_mentions(&e, &["config.toml", "colour"]);
    f.env.write_config("rules_file = \"/nonexistent/rules.toml\"\n");
    let e = f.env.fails(&["add", "--kind", "access", "--name", "T S", "--pin", PIN_MALE]);
    assert_mentions(&e, &["/nonexistent/rules.toml"]);
    f.env.write_config("");
    assert_eq!(state(&f.env), before);
}

#[test]
fn usage_errors_exit_2() {
    let f = fixture();
    let open = f.open.as_str();
    let cases: Vec<Vec<&str>> = vec![
        vec!["add", "--name", "Test Subject", "--pin", PIN_MALE],
        vec!["add", "--kind", "access", "--pin", PIN_MALE],
        vec!["add", "--kind", "access", "--name", "Test Subject"],
        vec!["add", "--kind", "access", "--name", "T S", "--pin", PIN_MALE, "--bogus"],
        vec!["--format", "xml", "list"],
        vec!["list", "--limit", "many"],
        vec!["list", "--mine", "--unassigned"],
        vec!["list", "--assignee", "cara", "--mine"],
        vec!["list", "--due-within", "-3"],
        vec!["show"],
        vec!["assign", open],
        vec!["note", open],
        vec!["respond", open],
        vec!["withdraw", open],
        vec!["reopen", open],
        vec!["extend", open, "--days", "abc", "--reason", "r"],
        vec!["extend", open, "--reason", "r"],
        vec!["pause", open, "--reason", "r"],
        vec!["deadline", "--kind", "access"],
        vec!["calendar", "--year", "2026", "--month", "2026-01"],
        vec!["calendar", "add", "2026-12-01", "--kind", "holiday"],
        vec!["operator", "add", "eve"],
        vec!["operator"],
        vec!["frobnicate"],
        vec!["demo", "--requests", "lots"],
    ];
    let before = state(&f.env);
    for args in cases {
        let stderr = usage_error(f.env.aryz().args(&args));
        assert!(!stderr.is_empty(), "aryz {args:?}: clap explains the usage error");
    }
    assert_eq!(state(&f.env), before);
}

#[test]
fn a_missing_database_says_run_init() {
    let env = TestEnv::bare();
    let e = env.fails(&["list"]);
    assert_mentions(&e, &["aryz.sqlite3", "aryz init"]);
    assert!(!env.db().exists(), "a read must not create the database");
    let e = fails(
        env.aryz()
            .arg("--db")
            .arg(env.path().join("nope.sqlite3"))
            .args(["add", "--kind", "access", "--name", "T S", "--pin", PIN_MALE]),
    );
    assert_mentions(&e, &["nope.sqlite3", "aryz init"]);
    assert!(!env.path().join("nope.sqlite3").exists());
}

#[test]
fn a_text_file_or_a_directory_is_not_a_database() {
    let env = TestEnv::bare();
    let txt = env.path().join("notes.txt");
    let content = "These are not the records you are looking for.\n".repeat(200);
    std::fs::write(&txt, &content).unwrap();
    for args in [&["list"][..], &["add", "--kind", "access", "--name", "T S", "--pin", PIN_MALE], &["init"]] {
        let e = fails(env.aryz().arg("--db").arg(&txt).args(args));
        assert_mentions(&e, &["notes.txt", "not an aryz database"]);
    }
    assert_eq!(std::fs::read_to_string(&txt).unwrap(), content, "the text file is untouched");
    let e = fails(env.aryz().arg("--db").arg(env.path()).arg("list"));
    assert!(e.len() > "aryz: error: ".len(), "{e}");
}

#[test]
fn another_programs_sqlite_database_is_refused() {
    if !have_sqlite3() {
        eprintln!("skipped: no sqlite3 shell");
        return;
    }
    let env = TestEnv::bare();
    let db = env.path().join("other.db");
    sqlite3(&db, "CREATE TABLE t(x); INSERT INTO t VALUES (42);");
    for args in [&["list"][..], &["add", "--kind", "access", "--name", "T S", "--pin", PIN_MALE], &["init"]] {
        let e = fails(env.aryz().arg("--db").arg(&db).args(args));
        assert_mentions(&e, &["other.db", "not an aryz database"]);
    }
    assert_eq!(sqlite3(&db, "SELECT x FROM t;"), "42\n");
    assert_eq!(sqlite3(&db, "SELECT count(*) FROM sqlite_master;"), "1\n", "no aryz tables were added");
}

#[test]
fn another_programs_sqlite_database_is_left_exactly_as_it_was() {
    if !have_sqlite3() {
        eprintln!("skipped: no sqlite3 shell");
        return;
    }
    let env = TestEnv::bare();
    let db = env.path().join("other.db");
    sqlite3(&db, "CREATE TABLE t(x); INSERT INTO t VALUES (42);");
    assert_eq!(sqlite3(&db, "PRAGMA journal_mode;"), "delete\n");
    let before = std::fs::read(&db).unwrap();
    fails(env.aryz().arg("--db").arg(&db).arg("list"));
    assert_eq!(
        sqlite3(&db, "PRAGMA journal_mode;"),
        "delete\n",
        "aryz changed the journal mode of someone else's database"
    );
    assert_eq!(std::fs::read(&db).unwrap(), before, "aryz rewrote someone else's database");
}

#[test]
fn an_empty_file_is_refused_and_left_empty() {
    let env = TestEnv::bare();
    let empty = env.path().join("empty.db");
    std::fs::write(&empty, "").unwrap();
    let e = fails(env.aryz().arg("--db").arg(&empty).arg("list"));
    assert_mentions(&e, &["empty.db", "not an aryz database"]);
    assert_eq!(std::fs::metadata(&empty).unwrap().len(), 0, "the refused empty file was written to");
}

#[test]
fn a_database_newer_than_the_binary_is_refused() {
    if !have_sqlite3() {
        eprintln!("skipped: no sqlite3 shell");
        return;
    }
    let env = TestEnv::new();
    let r = env.add(&[]);
    let newer = env.path().join("newer.sqlite3");
    std::fs::copy(env.db(), &newer).unwrap();
    sqlite3(&newer, "PRAGMA user_version = 999;");
    let count = || sqlite3(&newer, "SELECT count(*) FROM requests;");
    let rows = count();
    for args in [
        &["list"][..],
        &["show", &r],
        &["add", "--kind", "access", "--name", "T S", "--pin", PIN_MALE],
        &["note", &r, "n"],
    ] {
        let e = fails(env.aryz().arg("--db").arg(&newer).args(args));
        assert_mentions(&e, &["999", "newer"]);
    }
    assert_eq!(sqlite3(&newer, "PRAGMA user_version;"), "999\n", "never downgraded");
    assert_eq!(count(), rows);
}

#[test]
fn a_database_locked_past_the_busy_timeout_is_reported_and_nothing_is_written() {
    if !have_sqlite3() {
        eprintln!("skipped: no sqlite3 shell");
        return;
    }
    let env = TestEnv::new();
    env.add(&[]);
    let before = env.snapshot();
    // Another process holds the write lock until we close its stdin.
    let mut holder = std::process::Command::new("sqlite3")
        .arg(env.db())
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn sqlite3");
    let mut stdin = holder.stdin.take().unwrap();
    writeln!(stdin, ".timeout 10000\nBEGIN EXCLUSIVE;\nSELECT 'holding';").unwrap();
    stdin.flush().unwrap();
    let mut line = String::new();
    let mut holder_out = BufReader::new(holder.stdout.take().unwrap());
    holder_out.read_line(&mut line).unwrap();
    assert_eq!(line.trim(), "holding", "sqlite3 took the lock");

    // A short busy timeout (not the default 5 s): the test waits 0.3 s, and the message
    // names the configured wait, from the environment variable or else the config key.
    let add = ["add", "--kind", "access", "--name", "Locked Out", "--pin", PIN_MALE];
    let e = fails(env.aryz().env("ARYZ_BUSY_TIMEOUT_MS", "300").args(add));
    assert_mentions(&e, &["locked", "gave up after 0.3 s"]);
    env.write_config("busy_timeout_ms = 200\n");
    let e = fails(env.aryz().args(add));
    assert_mentions(&e, &["locked", "gave up after 0.2 s"]);
    let e = fails(env.aryz().env("ARYZ_BUSY_TIMEOUT_MS", "250").args(["--lang", "ru"]).args(add));
    assert_mentions(&e, &["заблокирована", "0.25 с"]);
    env.write_config("");

    writeln!(stdin, "ROLLBACK;").unwrap();
    drop(stdin);
    drop(holder_out);
    assert!(holder.wait().unwrap().success());
    assert_eq!(env.snapshot(), before, "the locked-out write left nothing behind");
    // Once the lock is gone the same command works.
    env.add(&["--name", "Locked Out"]);
}

#[test]
fn a_busy_timeout_out_of_range_is_refused_naming_the_key_or_variable() {
    let env = TestEnv::new();
    env.add(&[]);
    let before = env.snapshot();
    for bad in ["0", "600001", "five", "-1", "1.5"] {
        let e = fails(env.aryz().env("ARYZ_BUSY_TIMEOUT_MS", bad).args(["note", "ARZ-2026-000001", "n"]));
        assert_mentions(&e, &["ARYZ_BUSY_TIMEOUT_MS", "milliseconds from 1 to 600000"]);
    }
    let e = fails(env.aryz().env("ARYZ_BUSY_TIMEOUT_MS", "0").args(["--lang", "ru", "list"]));
    assert_mentions(&e, &["ARYZ_BUSY_TIMEOUT_MS", "целым числом миллисекунд"]);
    for bad in ["0", "600001", "\"5000\""] {
        env.write_config(&format!("busy_timeout_ms = {bad}\n"));
        let e = fails(env.aryz().args(["note", "ARZ-2026-000001", "n"]));
        assert_mentions(&e, &["busy_timeout_ms"]);
    }
    env.write_config("busy_timeout_ms = 600000\n");
    env.ok(&["list"]);
    env.write_config("");
    assert_eq!(env.snapshot(), before, "a refused setting changed nothing");
}

#[test]
fn a_bad_batch_line_is_named_and_the_lines_after_it_do_not_run() {
    let env = TestEnv::new();
    let r = env.add(&[]);
    let r = r.trim();
    for (n, (bad, words)) in [
        ("note x", &["line 2", "JSON array"][..]),
        (r#"["nope"]"#, &["line 2", "nope"][..]),
        (r#"["__batch"]"#, &["line 2", "other than __batch"][..]),
        (r#"["--lang", "ru", "list"]"#, &["line 2", "before __batch"][..]),
        (r#"["note", "ARZ-2026-000099", "x"]"#, &["line 2", "ARZ-2026-000099"][..]),
    ]
    .into_iter()
    .enumerate()
    {
        let input =
            format!("[\"note\", \"{r}\", \"before {n}\"]\n{bad}\n[\"note\", \"{r}\", \"after {n}\"]\n");
        // The lines before the bad one have printed their output; the error is one line.
        let out = env.aryz().arg("__batch").write_stdin(input).output().unwrap();
        assert_eq!(out.status.code(), Some(1));
        assert!(String::from_utf8_lossy(&out.stdout).starts_with(r), "the first line's output: {out:?}");
        let e = String::from_utf8(out.stderr).unwrap();
        assert!(e.starts_with("aryz: error: ") && e.lines().count() == 1, "{e}");
        assert_mentions(&e, words);
        // Each line is its own transaction: the line before the bad one is kept, none after it runs.
        let notes: Vec<String> = env.show(r)["events"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|e| e["kind"] == "note")
            .map(|e| e["text"].as_str().unwrap().to_string())
            .collect();
        assert!(notes.contains(&format!("before {n}")), "{notes:?}");
        assert!(!notes.contains(&format!("after {n}")), "{notes:?}");
    }
}

#[test]
fn each_batch_line_prints_what_the_same_command_alone_prints() {
    let env = TestEnv::new();
    let r = env.add(&[]);
    let r = r.trim();
    let input = format!("[\"--format\", \"json\", \"show\", \"{r}\"]\n[\"show\", \"{r}\"]\n");
    let batch = ok(env.aryz().arg("__batch").write_stdin(input));
    let alone = env.ok(&["--format", "json", "show", r]) + &env.ok(&["show", r]);
    assert_eq!(batch, alone);
    // The batch's own --format applies to lines without one.
    let csv =
        ok(env.aryz().args(["--format", "csv", "__batch"]).write_stdin(format!("[\"show\", \"{r}\"]\n")));
    assert_eq!(csv, env.ok(&["--format", "csv", "show", r]));
}
