//! Initialisation, operators, roles, the development identity, the calendar and deadlines.

use crate::common;

use common::*;

#[test]
fn init_creates_a_database_whose_first_admin_is_the_os_login_and_refuses_an_existing_one() {
    let env = TestEnv::bare();
    let out = env.ok(&["init", "--dev-identity"]);
    assert!(out.contains("created") && out.contains("admin"), "{out}");
    assert!(env.db().exists());
    let ops = env.json(&["operator", "list"]);
    assert_eq!(ops.as_array().unwrap().len(), 1);
    assert_eq!(ops[0]["role"], "admin");
    assert_eq!(ops[0]["active"], true);
    let before = std::fs::read(env.db()).unwrap();
    for args in [&["init"][..], &["init", "--dev-identity"]] {
        assert_mentions(&env.fails(args), &["already exists"]);
    }
    assert_eq!(std::fs::read(env.db()).unwrap(), before, "a refused init leaves the file alone");

    // --db chooses another file.
    let other = env.path().join("sub/dir/other.sqlite3");
    ok(env.aryz().arg("--db").arg(&other).arg("init"));
    assert!(other.exists());
}

#[test]
fn operators_are_added_listed_and_disabled() {
    let env = TestEnv::new();
    env.ok(&["operator", "add", "cara", "--role", "clerk", "--name", "Cara Clerk"]);
    env.ok(&["operator", "add", "sam", "--role", "supervisor"]);
    let ops = env.json(&["operator", "list"]);
    let cara = ops.as_array().unwrap().iter().find(|o| o["login"] == "cara").expect("cara listed");
    assert_eq!(
        (cara["role"].as_str(), cara["name"].as_str(), cara["active"].as_bool()),
        (Some("clerk"), Some("Cara Clerk"), Some(true))
    );
    let table = env.ok(&["operator", "list"]);
    assert!(table.starts_with("LOGIN"), "{table}");
    assert!(
        table.lines().any(|l| l.starts_with("sam") && l.contains("supervisor") && l.contains("active")),
        "{table}"
    );
    let csv = env.ok(&["--format", "csv", "operator", "list"]);
    assert!(csv.lines().any(|l| l == "cara,clerk,active,Cara Clerk"), "{csv}");

    env.ok(&["operator", "disable", "cara"]);
    let ops = env.json(&["operator", "list"]);
    assert_eq!(ops.as_array().unwrap().iter().find(|o| o["login"] == "cara").unwrap()["active"], false);
    // A disabled operator can do nothing, and is told how to get back in.
    let e = fails(env.as_op("cara").args(["list"]));
    assert_mentions(&e, &["cara", "disabled", "aryz operator add"]);
    // Adding again re-enables with the new role.
    env.ok(&["operator", "add", "cara", "--role", "supervisor"]);
    ok(env.as_op("cara").args(["list"]));
    let ops = env.json(&["operator", "list"]);
    assert_eq!(ops.as_array().unwrap().iter().find(|o| o["login"] == "cara").unwrap()["role"], "supervisor");
}

#[test]
fn an_unknown_operator_is_told_to_ask_for_aryz_operator_add() {
    let env = TestEnv::new();
    let r = env.add(&[]);
    let before = env.snapshot();
    for args in [
        &["list"][..],
        &["add", "--kind", "access", "--name", "Test Subject", "--pin", PIN_MALE],
        &["note", &r, "hello"],
        &["show", &r],
    ] {
        let e = fails(env.as_op("nobody").args(args));
        assert_mentions(&e, &["nobody", "aryz operator add"]);
    }
    assert_eq!(env.snapshot(), before);
}

/// What each role may do; `true` = allowed. Requests: `own` assigned to cara, `other`
/// assigned to carl, `free` unassigned.
#[test]
fn roles_decide_who_may_do_what() {
    type Case =
        (&'static str, &'static str, fn(&str, &str, &str) -> Vec<String>, bool, &'static [&'static str]);
    fn v(a: &[&str]) -> Vec<String> {
        a.iter().map(std::string::ToString::to_string).collect()
    }
    let env = TestEnv::with_staff();
    let fresh = |assignee: Option<&str>| match assignee {
        Some(a) => env.add(&["--assignee", a]),
        None => env.add(&[]),
    };
    let cases: &[Case] = &[
        // (operator, description, args(own, other, free), allowed, words in the refusal)
        ("cara", "clerk notes own", |o, _, _| v(&["note", o, "n"]), true, &[]),
        ("cara", "clerk notes unassigned", |_, _, f| v(&["note", f, "n"]), true, &[]),
        ("cara", "clerk notes another's", |_, x, _| v(&["note", x, "n"]), false, &["carl", "supervisor"]),
        (
            "cara",
            "clerk sets status of another's",
            |_, x, _| v(&["status", x, "in_progress"]),
            false,
            &["carl"],
        ),
        (
            "cara",
            "clerk answers another's",
            |_, x, _| v(&["respond", x, "--outcome", "fulfilled"]),
            false,
            &["carl"],
        ),
        (
            "cara",
            "clerk withdraws another's",
            |_, x, _| v(&["withdraw", x, "--reason", "r"]),
            false,
            &["cara", "clerk", "withdraw"],
        ),
        // Withdrawing takes a request out of the "% in time": supervisors only (issue 12).
        (
            "cara",
            "clerk withdraws own",
            |o, _, _| v(&["withdraw", o, "--reason", "r"]),
            false,
            &["cara", "clerk", "withdraw"],
        ),
        ("cara", "clerk answers own", |o, _, _| v(&["respond", o, "--outcome", "fulfilled"]), true, &[]),
        ("cara", "clerk takes unassigned", |_, _, f| v(&["assign", f, "cara"]), true, &[]),
        ("cara", "clerk takes another's", |_, x, _| v(&["assign", x, "cara"]), false, &["carl"]),
        (
            "cara",
            "clerk assigns to another",
            |_, _, f| v(&["assign", f, "carl"]),
            false,
            &["cara", "clerk", "assign"],
        ),
        (
            "cara",
            "clerk registers for another",
            |_, _, _| {
                v(&["add", "--kind", "access", "--name", "T S", "--pin", PIN_MALE, "--assignee", "carl"])
            },
            false,
            &["clerk", "assign"],
        ),
        (
            "cara",
            "clerk registers for self",
            |_, _, _| {
                v(&["add", "--kind", "access", "--name", "T S", "--pin", PIN_MALE, "--assignee", "cara"])
            },
            true,
            &[],
        ),
        (
            "cara",
            "clerk adds an operator",
            |_, _, _| v(&["operator", "add", "eve", "--role", "clerk"]),
            false,
            &["cara", "clerk", "operators"],
        ),
        (
            "cara",
            "clerk disables an operator",
            |_, _, _| v(&["operator", "disable", "carl"]),
            false,
            &["clerk", "operators"],
        ),
        (
            "cara",
            "clerk adds a holiday",
            |_, _, _| v(&["calendar", "add", "2026-12-01", "--kind", "holiday", "--name", "X"]),
            false,
            &["clerk", "calendar"],
        ),
        ("cara", "clerk lists everyone's", |_, _, _| v(&["list", "--all"]), true, &[]),
        ("sam", "supervisor assigns to others", |_, x, _| v(&["assign", x, "cara"]), true, &[]),
        ("sam", "supervisor notes another's", |_, x, _| v(&["note", x, "n"]), true, &[]),
        (
            "sam",
            "supervisor registers for a clerk",
            |_, _, _| {
                v(&["add", "--kind", "access", "--name", "T S", "--pin", PIN_MALE, "--assignee", "carl"])
            },
            true,
            &[],
        ),
        (
            "sam",
            "supervisor adds an operator",
            |_, _, _| v(&["operator", "add", "eve", "--role", "clerk"]),
            false,
            &["sam", "supervisor", "operators"],
        ),
        (
            "sam",
            "supervisor adds a holiday",
            |_, _, _| v(&["calendar", "add", "2026-12-01", "--kind", "holiday", "--name", "X"]),
            false,
            &["supervisor", "calendar"],
        ),
    ];
    for (login, what, args, allowed, words) in cases {
        let (own, other, free) = (fresh(Some("cara")), fresh(Some("carl")), fresh(None));
        let args = args(&own, &other, &free);
        let before = env.snapshot();
        let mut cmd = env.as_op(login);
        cmd.args(&args);
        if *allowed {
            ok(&mut cmd);
        } else {
            let e = fails(&mut cmd);
            assert_mentions(&e, words);
            assert_eq!(env.snapshot(), before, "{what}: a refusal changes nothing");
        }
    }
}

#[test]
fn only_supervisors_and_admins_reopen() {
    let env = TestEnv::with_staff();
    let r = env.add(&["--assignee", "cara"]);
    ok(env.as_op("cara").args(["respond", &r, "--outcome", "fulfilled"]));
    let before = env.snapshot();
    assert_mentions(
        &fails(env.as_op("cara").args(["reopen", &r, "--reason", "r"])),
        &["cara", "clerk", "reopen"],
    );
    assert_eq!(env.snapshot(), before);
    ok(env.as_op("sam").args(["reopen", &r, "--reason", "Incomplete answer"]));
    assert_eq!(env.show(&r)["status"], "in_progress");
}

#[test]
fn a_production_database_ignores_aryz_operator_and_aryz_today() {
    let env = TestEnv::bare();
    env.ok(&["init"]);
    let admin = env.json(&["operator", "list"])[0]["login"].as_str().unwrap().to_string();
    env.ok(&["operator", "add", "cara", "--role", "clerk"]);
    // ARYZ_OPERATOR=nobody is ignored: this is still the OS login, an admin.
    let r = ok(env.as_op("nobody").env("ARYZ_TODAY", "2020-01-01").args([
        "add",
        "--kind",
        "access",
        "--name",
        "Test Subject",
        "--pin",
        PIN_MALE,
    ]));
    let d = json(env.aryz().args(["--format", "json", "show", r.trim()]));
    assert_eq!(d["events"][0]["actor"], admin.as_str());
    assert_ne!(
        d["registered_on"], "2020-01-01",
        "ARYZ_TODAY must not move the date of a production database"
    );
    // A clerk cannot pretend to be someone else either: cara's name does not lower the role.
    ok(env.as_op("cara").args(["operator", "add", "eve", "--role", "clerk"]));
    // Demo data only go into a development database.
    let before = env.snapshot();
    assert_mentions(&env.fails(&["demo", "--requests", "5"]), &["dev-identity"]);
    assert_eq!(env.snapshot(), before);
}

#[test]
fn deadline_shows_every_deadline_with_its_arithmetic_without_a_database() {
    let env = TestEnv::bare();
    // (kind, received, binding due, explanation of the binding deadline ends with)
    let cases = [
        ("access", "2026-03-02", "2026-04-01", "received Mon 02.03.2026 + 30 days = Wed 01.04.2026"),
        ("access", "2026-03-06", "2026-04-06", ""),
        ("access", "2025-12-02", "2026-01-12", ""),
        ("information", "2026-02-18", "2026-03-23", ""),
        ("complaint", "2026-11-02", "2026-12-02", "received Mon 02.11.2026 + 30 days = Wed 02.12.2026"),
    ];
    for (kind, received, due, explained) in cases {
        let v =
            json(env.aryz().args(["--format", "json", "deadline", "--kind", kind, "--received", received]));
        let deadlines = v["deadlines"].as_array().expect("deadlines");
        for d in deadlines {
            for key in ["rule", "due_on", "binding", "explanation"] {
                assert!(d.get(key).is_some(), "{key} missing: {d}");
            }
        }
        // Every shipped rule binds; the governing one is the earliest, the 30 days the limit.
        assert!(deadlines.iter().all(|d| d["binding"] == true), "{v}");
        let earliest = deadlines.iter().min_by_key(|d| d["due_on"].as_str().unwrap()).unwrap();
        assert_eq!(v["governing"], earliest["rule"], "{v}");
        assert_eq!(v["limit"], "policy_30d");
        let limit = deadlines.iter().find(|d| d["rule"] == "policy_30d").unwrap();
        assert_eq!(limit["due_on"], due, "{kind} received {received}: {v}");
        assert!(limit["explanation"].as_str().unwrap().ends_with(explained), "{v}");
        let rules: Vec<&str> = deadlines.iter().map(|d| d["rule"].as_str().unwrap()).collect();
        assert_eq!(
            rules.contains(&"law58_access_1w"),
            ["access", "information"].contains(&kind),
            "{rules:?}"
        );
        assert!(rules.contains(&"law67_14wd"), "{rules:?}");
    }
    assert!(!env.db().exists(), "deadline needs no database and makes none");
    // The rolled ones say why.
    let v = json(env.aryz().args([
        "--format",
        "json",
        "deadline",
        "--kind",
        "access",
        "--received",
        "2026-03-06",
    ]));
    let e = v["deadlines"][2]["explanation"].as_str().unwrap();
    assert!(e.contains("05.04.2026"), "{e}");
    // --registered moves the working-day rule, not the policy's 30 days.
    let v = json(env.aryz().args([
        "--format",
        "json",
        "deadline",
        "--kind",
        "access",
        "--received",
        "2026-11-02",
        "--registered",
        "2026-11-04",
    ]));
    let law67 = v["deadlines"].as_array().unwrap().iter().find(|d| d["rule"] == "law67_14wd").unwrap();
    assert!(law67["explanation"].as_str().unwrap().contains("04.11.2026"), "{law67}");
    assert_eq!(v["deadlines"][2]["due_on"], "2026-12-02");
    // Table and CSV.
    let t = env.ok(&["deadline", "--kind", "access", "--received", "2026-03-02"]);
    assert!(t.starts_with("RULE") && t.contains("policy_30d") && t.contains("binding"), "{t}");
    let c = env.ok(&["--format", "csv", "deadline", "--kind", "access", "--received", "2026-03-02"]);
    assert!(c.lines().nth(1).unwrap().starts_with("law58_access_1w,2026-03-09,binding,"), "{c}");
    assert!(c.lines().nth(3).unwrap().starts_with("policy_30d,2026-04-01,binding,"), "{c}");
    // The table says which deadline governs and which is the 30-day limit.
    assert!(t.contains("binding, governs") && t.contains("governing deadline: 09.03.2026"), "{t}");
    assert!(t.contains("30-day limit: 01.04.2026"), "{t}");
}

#[test]
fn calendar_lists_months_with_their_non_working_days() {
    let env = TestEnv::bare();
    let v = json(env.aryz().args(["--format", "json", "calendar", "--month", "2026-03"]));
    let months = v["months"].as_array().unwrap();
    assert_eq!(months.len(), 1);
    let m = &months[0];
    assert_eq!(m["month"], "2026-03");
    assert_eq!(m["working_days"], 21, "22 weekdays less Orozo Ait");
    let days = m["non_working_days"].as_array().unwrap();
    let find = |date: &str| {
        days.iter().find(|d| d["date"] == date).unwrap_or_else(|| panic!("{date} missing: {m}")).clone()
    };
    assert_eq!(find("2026-03-20")["name"], "Orozo Ait");
    assert_eq!(find("2026-03-20")["kind"], "holiday");
    assert_eq!(find("2026-03-21")["name"], "Nooruz");
    assert_eq!(find("2026-03-01")["kind"], "weekend");
    for d in days {
        for key in ["date", "kind", "name"] {
            assert!(d.get(key).is_some(), "{d}");
        }
    }
    assert!(days.iter().all(|d| d["date"] != "2026-03-23"), "Monday 23.03 is a working day");
    // January 2026: 1–9 Jan off.
    let v = json(env.aryz().args(["--format", "json", "calendar", "--month", "2026-01"]));
    let jan: Vec<&str> = v["months"][0]["non_working_days"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["date"].as_str().unwrap())
        .collect();
    for day in 1..=9 {
        assert!(jan.contains(&format!("2026-01-{day:02}").as_str()), "{day} Jan: {jan:?}");
    }
    // A year is twelve months; default is the current year.
    let v = json(env.aryz().args(["--format", "json", "calendar", "--year", "2026"]));
    assert_eq!(v["months"].as_array().unwrap().len(), 12);
    assert_eq!(v["months"][11]["month"], "2026-12");
    let v = json(env.aryz().args(["--format", "json", "calendar"]));
    assert_eq!(v["months"][0]["month"], "2026-01");
    let t = env.ok(&["calendar", "--month", "2026-03"]);
    assert!(t.starts_with("MONTH") && t.contains("Orozo Ait"), "{t}");
}

#[test]
fn calendar_add_changes_later_deadlines_only() {
    let env = TestEnv::new();
    // A complaint received and registered Tue 24.11: Law 67's 14 working days end Mon 14.12.
    let before_holiday = env.add(&["--kind", "complaint", "--received", "2026-11-24"]);
    assert_eq!(env.show(&before_holiday)["due_on"], "2026-12-14");
    let out = env.ok(&[
        "calendar",
        "add",
        "2026-12-14",
        "--kind",
        "holiday",
        "--name",
        "Test Holiday",
        "--basis",
        "Test resolution",
    ]);
    assert!(out.contains("14.12.2026") && out.contains("Test Holiday"), "{out}");
    // Without --source the day is recorded as expected, not confirmed.
    assert!(out.contains("(expected)"), "{out}");
    // The open request whose stored deadline would change is listed: ref, rule, old, new.
    let line = out.lines().find(|l| l.starts_with(&before_holiday)).unwrap_or_default();
    assert!(
        line.contains("law67_14wd") && line.contains("2026-12-14") && line.contains("2026-12-15"),
        "{out}"
    );
    // aryz deadline counts past it (one more working day)…
    let v = env.json(&["deadline", "--kind", "complaint", "--received", "2026-11-24"]);
    let law67 =
        v["deadlines"].as_array().unwrap().iter().find(|d| d["rule"] == "law67_14wd").unwrap().clone();
    assert_eq!(law67["due_on"], "2026-12-15", "{v}");
    assert!(law67["explanation"].as_str().unwrap().contains("Test Holiday"), "{v}");
    assert!(law67["provisional"].as_str().unwrap().contains("Test Holiday"), "an expected day: {v}");
    // …so does a request registered afterwards, while the earlier one keeps its deadline.
    let after = env.add(&["--kind", "complaint", "--received", "2026-11-24"]);
    assert_eq!(env.show(&after)["due_on"], "2026-12-15");
    assert_eq!(env.show(&before_holiday)["due_on"], "2026-12-14");
    // The calendar lists it.
    let cal = env.json(&["calendar", "--month", "2026-12"]);
    let day = cal["months"][0]["non_working_days"]
        .as_array()
        .unwrap()
        .iter()
        .find(|d| d["date"] == "2026-12-14")
        .cloned();
    assert_eq!(
        day.map(|d| (d["kind"].clone(), d["name"].clone())),
        Some(("holiday".into(), "Test Holiday".into()))
    );
    // A working Saturday: received Thu 05.11 + 30 days = Sat 05.12, no longer rolled.
    env.ok(&["calendar", "add", "2026-12-05", "--kind", "working_day", "--name", "Working Saturday"]);
    assert_eq!(
        env.json(&["deadline", "--kind", "access", "--received", "2026-11-05"])["deadlines"][2]["due_on"],
        "2026-12-05"
    );
    // A holiday declared a working day: received Wed 18.02 + 30 days = Fri 20.03 (Orozo Ait)
    // was rolled to Mon 23.03; now it stays.
    assert_eq!(
        env.json(&["deadline", "--kind", "access", "--received", "2026-02-18"])["deadlines"][2]["due_on"],
        "2026-03-23"
    );
    env.ok(&["calendar", "add", "2026-03-20", "--kind", "working_day", "--name", "Orozo Ait moved"]);
    assert_eq!(
        env.json(&["deadline", "--kind", "access", "--received", "2026-02-18"])["deadlines"][2]["due_on"],
        "2026-03-20"
    );
    // An extra day off counts like a holiday.
    env.ok(&["calendar", "add", "2026-12-10", "--kind", "extra_day_off", "--name", "Extra day off"]);
    assert_eq!(
        env.json(&["deadline", "--kind", "access", "--received", "2026-11-10"])["deadlines"][2]["due_on"],
        "2026-12-11"
    );
}

#[test]
fn the_last_admin_cannot_demote_themselves() {
    let env = TestEnv::with_staff();
    let before = env.snapshot();
    let e = env.fails(&["operator", "add", &env.admin, "--role", "clerk"]);
    assert_mentions(&e, &["admin"]);
    assert_eq!(env.snapshot(), before, "the database still has an admin");
}

#[test]
fn changing_a_role_keeps_the_operators_name() {
    let env = TestEnv::new();
    env.ok(&["operator", "add", "cara", "--role", "clerk", "--name", "Cara Clerk"]);
    env.ok(&["operator", "add", "cara", "--role", "supervisor"]);
    let ops = env.json(&["operator", "list"]);
    let cara = ops.as_array().unwrap().iter().find(|o| o["login"] == "cara").unwrap().clone();
    assert_eq!(cara["role"], "supervisor");
    assert_eq!(cara["name"], "Cara Clerk");
}

#[test]
fn dates_outside_four_digit_years_are_refused() {
    let env = TestEnv::new();
    env.add(&[]);
    let cases: &[(&[&str], &str)] = &[
        (&["deadline", "--kind", "access", "--received", "+262142-12-20"], "received"),
        (&["deadline", "--kind", "access", "--received", "+10000-01-01"], "received"),
        (&["list", "--due-within", "10", "--as-of", "+262142-12-20"], "as-of"),
        (&["list", "--overdue", "--as-of", "+10000-01-01"], "as-of"),
    ];
    for (args, field) in cases {
        let e = env.fails(args);
        assert_mentions(&e, &[field, "YYYY-MM-DD"]);
    }
}

#[test]
fn the_readme_deadline_example_holds() {
    let env = TestEnv::bare();
    let v = json(env.aryz().args([
        "--format",
        "json",
        "deadline",
        "--kind",
        "access",
        "--received",
        "2026-03-06",
    ]));
    let got: Vec<(String, String, bool)> = v["deadlines"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| {
            (
                d["rule"].as_str().unwrap().into(),
                d["due_on"].as_str().unwrap().into(),
                d["binding"].as_bool().unwrap(),
            )
        })
        .collect();
    let want = [
        ("law58_access_1w", "2026-03-13", true),
        ("law67_14wd", "2026-03-27", true),
        ("policy_30d", "2026-04-06", true),
    ];
    assert_eq!(got, want.map(|(r, d, b)| (r.to_string(), d.to_string(), b)));
    let e = v["deadlines"][2]["explanation"].as_str().unwrap();
    assert!(
        e.ends_with(
            "received Fri 06.03.2026 + 30 days = Sun 05.04.2026 (weekend) → next working day Mon 06.04.2026"
        ),
        "{e}"
    );
    let e = v["deadlines"][1]["explanation"].as_str().unwrap();
    assert!(e.contains("skipping 20.03.2026 Orozo Ait"), "{e}");
}

#[test]
fn the_config_file_chooses_the_database_and_a_relative_rules_file() {
    let env = TestEnv::bare();
    let db = env.path().join("office/aryz-office.sqlite3");
    env.write_config(&format!("database = {:?}\n", db.to_str().unwrap()));
    env.ok(&["init", "--dev-identity"]);
    assert!(db.exists() && !env.db().exists(), "init used the configured database");
    let r = env.add(&[]);
    assert_eq!(refs(&env.json(&["list"])), vec![r.clone()]);
    // --db wins over the configuration.
    let other = env.path().join("other.sqlite3");
    ok(env.aryz().arg("--db").arg(&other).args(["init", "--dev-identity"]));
    assert!(
        json(env.aryz().arg("--db").arg(&other).args(["--format", "json", "list"]))
            .as_array()
            .unwrap()
            .is_empty()
    );
    // A relative rules_file is read from the config directory.
    let shipped =
        std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/assets/rules/deadlines.toml")).unwrap();
    std::fs::write(env.path().join("rules.toml"), shipped.replace("length = 30", "length = 20")).unwrap();
    env.write_config(&format!("database = {:?}\nrules_file = \"rules.toml\"\n", db.to_str().unwrap()));
    let v = env.json(&["deadline", "--kind", "access", "--received", "2026-11-02"]);
    assert_eq!(
        v["deadlines"].as_array().unwrap().iter().find(|d| d["rule"] == "policy_30d").unwrap()["due_on"],
        "2026-11-23",
        "received Mon 02.11 + 20 days = Sun 22.11 → Mon 23.11"
    );
    // Requests registered before keep their stored deadline (access received Tue 24.11:
    // Art. 17's week, Tue 01.12).
    assert_eq!(env.show(&r)["due_on"], "2026-12-01");
}
