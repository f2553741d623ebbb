//! The life of a request through the command line: add, list, show, assign, note, status,
//! respond, withdraw, reopen, extend, pause and resume; plus demo data.

use crate::common;

use common::*;
use serde_json::Value;

#[test]
fn add_prints_a_sequential_reference_within_the_year_of_receipt() {
    let env = TestEnv::new();
    assert_eq!(env.add(&[]), "ARZ-2026-000001");
    assert_eq!(env.add(&["--kind", "information"]), "ARZ-2026-000002");
    // Received last year: numbered in last year's sequence, which starts at 1.
    assert_eq!(env.add(&["--received", "2025-12-30"]), "ARZ-2025-000001");
    assert_eq!(env.add(&["--received", "2025-12-31"]), "ARZ-2025-000002");
    assert_eq!(env.add(&[]), "ARZ-2026-000003");
}

#[test]
fn add_with_json_prints_the_whole_record() {
    let env = TestEnv::with_staff();
    let r = json(env.aryz().args([
        "--format",
        "json",
        "add",
        "--kind",
        "correction",
        "--name",
        "Test Subject",
        "--pin",
        PIN_FEMALE,
        "--received",
        "2026-11-23",
        "--channel",
        "email",
        "--lang",
        "ru",
        "--email",
        "subject@example.test",
        "--phone",
        "+996555000111",
        "--address",
        "Test street 1, Bishkek",
        "--birth-date",
        "1990-03-15",
        "--passport",
        "ID1234567",
        "--category",
        "email",
        "--category",
        "phone,address",
        "--description",
        "Please correct my e-mail",
        "--identity",
        "document_presented",
        "--assignee",
        "cara",
    ]));
    assert_eq!(r["ref"], "ARZ-2026-000001");
    assert_eq!(r["kind"], "correction");
    assert_eq!(r["status"], "new");
    assert_eq!(r["channel"], "email");
    assert_eq!(r["lang"], "ru");
    assert_eq!(r["received_on"], "2026-11-23");
    assert_eq!(r["registered_on"], TODAY);
    assert_eq!(r["identity"], "document_presented");
    assert_eq!(r["assignee"], "cara");
    assert_eq!(r["description"], "Please correct my e-mail");
    assert_eq!(r["categories"], serde_json::json!(["email", "phone", "address"]));
    assert_eq!(r["outcome"], Value::Null);
    let s = &r["subject"];
    assert_eq!(s["name"], "Test Subject");
    assert_eq!(s["pin"], PIN_FEMALE, "the record of a new request shows the full PIN");
    assert_eq!(s["birth_date"], "1990-03-15");
    assert_eq!(s["email"], "subject@example.test");
    assert_eq!(s["passport"]["document"], "ID1234567");
    // A correction registered Tue 24.11.2026: Law 67's 14 working days end Mon 14.12 and
    // govern; received Mon 23.11 + 30 days = Wed 23.12 is the 30-day limit.
    assert_eq!(r["due_on"], "2026-12-14");
    assert_eq!(r["days_left"], 20);
    assert_eq!(r["overdue"], false);
    let binding: Vec<&Value> =
        r["deadlines"].as_array().unwrap().iter().filter(|d| d["binding"] == true).collect();
    assert_eq!(binding.len(), 2);
    assert_eq!(binding[0]["rule"], "law67_14wd");
    assert_eq!(binding[0]["due_on"], r["due_on"]);
    assert_eq!(
        (binding[1]["rule"].as_str(), binding[1]["due_on"].as_str()),
        (Some("policy_30d"), Some("2026-12-23"))
    );
    // The one the clerk just registered is in the list.
    assert_eq!(refs(&env.json(&["list"])), vec!["ARZ-2026-000001"]);
}

#[test]
fn add_warns_on_late_registration_and_on_a_pin_that_disagrees_with_the_birth_date() {
    let env = TestEnv::new();
    // (received, birth date, expected warning fields); today is Tue 24.11.2026.
    let cases: &[(&str, Option<&str>, &[&str])] = &[
        ("2026-11-24", None, &[]),
        ("2026-11-23", Some("1990-03-15"), &[]), // Mon: one working day
        ("2026-11-20", None, &["received"]),     // Fri: Mon and Tue are two working days
        ("2026-11-24", Some("1990-03-16"), &["pin"]), // PIN says 15.03.1990
        ("2026-11-02", Some("1991-01-01"), &["pin", "received"]),
    ];
    for (received, birth, fields) in cases {
        let mut cmd = env.aryz();
        cmd.args([
            "add",
            "--kind",
            "access",
            "--name",
            "Test Subject",
            "--pin",
            PIN_MALE,
            "--received",
            received,
        ]);
        if let Some(b) = birth {
            cmd.args(["--birth-date", b]);
        }
        let out = cmd.output().unwrap();
        assert!(out.status.success(), "{received} {birth:?}: {}", String::from_utf8_lossy(&out.stderr));
        assert_reference(String::from_utf8(out.stdout).unwrap().trim());
        let stderr = String::from_utf8(out.stderr).unwrap();
        let mut warned: Vec<&str> = stderr
            .lines()
            .map(|w| {
                let rest = w.strip_prefix("warning: ").unwrap_or_else(|| panic!("not a warning line: {w}"));
                rest.split(':').next().unwrap()
            })
            // The same PIN each time: the possible duplicates are named too (cli_casefile).
            .filter(|field| *field != "duplicate")
            .collect();
        warned.sort_unstable();
        assert_eq!(warned, *fields, "{received} {birth:?}: {stderr}");
    }
}

#[test]
fn add_accepts_a_registration_on_the_next_working_day_after_a_weekend() {
    let env = TestEnv::new();
    // Received Fri 20.11.2026, registered Mon 23.11.2026: one working day, no warning.
    env.on("2026-11-23")
        .args([
            "add",
            "--kind",
            "access",
            "--name",
            "Test Subject",
            "--pin",
            PIN_MALE,
            "--received",
            "2026-11-20",
        ])
        .assert()
        .success()
        .stderr("");
}

/// Three open requests with distinct governing deadlines (as of Tue 24.11.2026, "due soon"
/// runs to Tue 01.12), one answered, one withdrawn.
fn queue(env: &TestEnv) -> [String; 5] {
    // Access received Fri 20.11: Art. 17's week ends Fri 27.11 (Law 67: 14.12; 30 days: 21.12).
    let soon = env.add(&["--received", "2026-11-20", "--assignee", "cara", "--name", "Aigul Testova"]); // due 27.11
    // Correction received Tue 20.10, registered 24.11: 30 days end Thu 19.11 (Law 67: 14.12).
    let overdue = env.add(&["--received", "2026-10-20", "--kind", "correction", "--category", "email"]); // due 19.11
    // Complaint received Tue 24.11: Law 67's 14 working days end Mon 14.12 (30 days: 24.12).
    let later = env.add(&[
        "--received",
        "2026-11-24",
        "--kind",
        "complaint",
        "--assignee",
        "carl",
        "--channel",
        "post",
    ]); // due 14.12
    let answered = env.add(&["--received", "2026-11-10"]);
    env.ok(&["respond", &answered, "--outcome", "fulfilled"]);
    let withdrawn = env.add(&["--received", "2026-11-11"]);
    env.ok(&["withdraw", &withdrawn, "--reason", "Subject withdrew by phone"]);
    [soon, overdue, later, answered, withdrawn]
}

#[test]
fn list_shows_open_requests_most_urgent_first_with_the_documented_json() {
    let env = TestEnv::with_staff();
    let [soon, overdue, later, answered, withdrawn] = queue(&env);
    let list = env.json(&["list"]);
    assert_eq!(refs(&list), vec![overdue.clone(), soon.clone(), later.clone()]);
    for r in list.as_array().unwrap() {
        for key in [
            "ref",
            "kind",
            "status",
            "channel",
            "lang",
            "received_on",
            "registered_on",
            "due_on",
            "days_left",
            "overdue",
            "deadlines",
            "assignee",
            "subject",
            "categories",
            "outcome",
        ] {
            assert!(r.get(key).is_some(), "list JSON lacks {key}: {r}");
        }
        for d in r["deadlines"].as_array().unwrap() {
            for key in ["rule", "due_on", "binding", "explanation"] {
                assert!(d.get(key).is_some(), "deadline lacks {key}: {d}");
            }
        }
        assert!(!r["subject"]["name"].as_str().unwrap().is_empty());
        assert_eq!(r["subject"]["pin"], "**********2345", "lists mask the PIN");
        let days_left = days_between(TODAY, r["due_on"].as_str().unwrap());
        assert_eq!(r["days_left"], days_left, "{r}");
        assert_eq!(r["overdue"], days_left < 0);
    }
    let o = &list[0];
    assert_eq!(o["due_on"], "2026-11-19");
    assert_eq!(o["days_left"], -5);
    assert_eq!(o["overdue"], true);

    // --all adds the closed ones; --status picks.
    let all = refs(&env.json(&["list", "--all"]));
    assert_eq!(all.len(), 5);
    assert!(all.contains(&answered) && all.contains(&withdrawn));
    assert_eq!(refs(&env.json(&["list", "--status", "answered"])), vec![answered.clone()]);
    assert_eq!(refs(&env.json(&["list", "--status", "withdrawn", "--status", "answered"])).len(), 2);
    assert_eq!(
        env.json(&["list", "--all"])
            .as_array()
            .unwrap()
            .iter()
            .find(|r| r["ref"] == answered.as_str())
            .unwrap()["outcome"],
        "fulfilled"
    );
}

#[test]
fn list_filters() {
    let env = TestEnv::with_staff();
    let [soon, overdue, later, _answered, _withdrawn] = queue(&env);
    let cases: Vec<(Vec<&str>, Vec<&String>)> = vec![
        (vec!["--kind", "correction"], vec![&overdue]),
        (vec!["--kind", "correction", "--kind", "access"], vec![&overdue, &soon]),
        (vec!["--kind", "complaint"], vec![&later]),
        (vec!["--assignee", "cara"], vec![&soon]),
        (vec!["--unassigned"], vec![&overdue]),
        (vec!["--overdue"], vec![&overdue]),
        (vec!["--overdue", "--as-of", "2026-12-03"], vec![&overdue, &soon]),
        (vec!["--due-within", "10"], vec![&soon]),
        (vec!["--due-within", "30"], vec![&soon, &later]),
        (vec!["--search", "Aigul"], vec![&soon]),
        (vec!["--search", "Nonexistent"], vec![]),
        (vec!["--status", "new", "--limit", "1"], vec![&overdue]),
        (vec!["--channel", "post"], vec![&later]),
        // Due on the as-of day is not yet overdue; the day after it is.
        (vec!["--overdue", "--as-of", "2026-11-27"], vec![&overdue]),
        (vec!["--due-within", "0", "--as-of", "2026-11-27"], vec![&soon]),
        (vec!["--due-within", "1", "--as-of", "2026-11-26"], vec![&soon]),
    ];
    for (args, want) in cases {
        let mut a = vec!["list"];
        a.extend(&args);
        let got = refs(&env.json(&a));
        let want: Vec<String> = want.into_iter().cloned().collect();
        assert_eq!(got, want, "aryz list {args:?}");
    }
    // --mine is the operator's own queue.
    let mine = refs(&json(env.as_op("carl").args(["--format", "json", "list", "--mine"])));
    assert_eq!(mine, vec![later.clone()]);
    // --as-of moves days_left.
    let l = env.json(&["list", "--as-of", "2026-12-01", "--kind", "correction"]);
    assert_eq!(l[0]["days_left"], -12);
}

#[test]
fn list_search_finds_names_pins_references_and_descriptions() {
    let env = TestEnv::new();
    let kg = env.add(&["--name", "Өмүрбеков Үмөт", "--description", "Please send my income records"]);
    let comma = env.add(&["--name", "Smith, John \"Jr\"", "--pin", PIN_FEMALE]);
    let cases: &[(&str, &[&String])] = &[
        ("Өмүрбеков", &[&kg]),
        ("өмүрбеков", &[&kg]),
        ("Өмүр", &[&kg]),
        (PIN_MALE, &[&kg]),
        (PIN_FEMALE, &[&comma]),
        ("income", &[&kg]),
        ("Smith", &[&comma]),
        ("Nobody", &[]),
    ];
    for (q, want) in cases {
        let got = refs(&env.json(&["list", "--search", q]));
        let want: Vec<String> = want.iter().map(|s| (*s).clone()).collect();
        assert_eq!(got, want, "--search {q:?}");
    }
    assert_eq!(refs(&env.json(&["list", "--search", &comma])), vec![comma.clone()]);
    // Search syntax characters are data, never an error.
    for q in ["\"", "*", "(", "^", "a:b", "NEAR(", "AND", "john\""] {
        ok(env.aryz().args(["list", "--search", q]));
    }
    // CSV quotes a name with a comma and quotes.
    let csv = env.ok(&["--format", "csv", "list", "--search", "Smith"]);
    assert!(csv.contains(&format!("{comma},access,\"Smith, John \"\"Jr\"\"\",")), "{csv}");
}

#[test]
fn global_options_may_follow_the_subcommand() {
    let env = TestEnv::new();
    let r = env.add(&[]);
    let other = env.path().join("other.sqlite3");
    ok(env.aryz().arg("init").arg("--dev-identity").arg("--db").arg(&other));
    let r2 = ok(env
        .aryz()
        .args(["add", "--kind", "access", "--name", "T S", "--pin", PIN_MALE, "--db"])
        .arg(&other));
    assert_eq!(r2.trim(), "ARZ-2026-000001");
    let list = json(env.aryz().args(["list", "--format", "json"]));
    assert_eq!(refs(&list), vec![r]);
    let list = json(env.aryz().args(["list", "--format", "json", "--db"]).arg(&other));
    assert_eq!(refs(&list), vec!["ARZ-2026-000001"]);
    assert_eq!(list[0]["received_on"], TODAY, "--received defaults to today");
}

#[test]
fn list_as_table_and_csv() {
    let env = TestEnv::with_staff();
    let [soon, overdue, later, ..] = queue(&env);
    let table = env.ok(&["list"]);
    let lines: Vec<&str> = table.lines().collect();
    assert!(lines[0].starts_with("REF"), "{table}");
    assert_eq!(lines.len(), 4, "{table}");
    assert!(
        lines[1].starts_with(&overdue) && lines[2].starts_with(&soon) && lines[3].starts_with(&later),
        "{table}"
    );
    assert!(!table.contains(PIN_MALE), "tables mask the PIN: {table}");
    let csv = env.ok(&["--format", "csv", "list"]);
    let lines: Vec<&str> = csv.lines().collect();
    assert_eq!(lines[0], "REF,KIND,SUBJECT,PIN,RECEIVED,DUE,LEFT,ASSIGNEE,STATUS");
    assert!(
        lines[1].starts_with(&format!(
            "{overdue},correction,Test Subject,**********2345,2026-10-20,2026-11-19,-5,"
        )),
        "{csv}"
    );
    assert_eq!(lines.len(), 4);
}

#[test]
fn show_gives_the_full_record_and_its_timeline() {
    let env = TestEnv::with_staff();
    let r = env.add(&["--received", "2026-11-23", "--email", "subject@example.test"]);
    env.ok(&["assign", &r, "cara"]);
    ok(env.as_op("cara").args(["status", &r, "in_progress", "--reason", "started"]));
    ok(env.as_op("cara").args(["note", &r, "Called the subject"]));
    ok(env.as_op("cara").args(["note", &r, "We need a copy of your ID", "--to-subject"]));
    ok(env.as_op("cara").args(["status", &r, "awaiting_subject"]));
    ok(env.as_op("cara").args(["respond", &r, "--outcome", "fulfilled", "--text", "Copy sent"]));

    let d = env.show(&r);
    assert_eq!(d["ref"], r.as_str());
    assert_eq!(d["status"], "answered");
    assert_eq!(d["outcome"], "fulfilled");
    assert_eq!(d["responded_on"], TODAY);
    assert_eq!(d["subject"]["pin"], PIN_MALE, "show gives the full PIN");
    assert_eq!(d["subject"]["email"], "subject@example.test");
    assert_eq!(
        event_kinds(&d),
        [
            "created",
            "assigned",
            "status_changed",
            "note",
            "message",
            "status_changed",
            "responded",
            "status_changed"
        ]
    );
    for e in d["events"].as_array().unwrap() {
        for key in ["at", "actor", "kind", "old", "new", "text"] {
            assert!(e.get(key).is_some(), "event lacks {key}: {e}");
        }
        assert!(e["at"].as_str().unwrap().starts_with(TODAY), "{e}");
    }
    let ev = &d["events"];
    assert_eq!(ev[0]["actor"], env.admin.as_str());
    // Access received Mon 23.11: Art. 17's week ends Mon 30.11, the governing deadline.
    assert_eq!(ev[0]["new"], "2026-11-30", "created records the governing deadline");
    assert_eq!((ev[1]["old"].clone(), ev[1]["new"].clone()), (Value::Null, "cara".into()));
    assert_eq!(
        (ev[2]["old"].as_str(), ev[2]["new"].as_str(), ev[2]["text"].as_str()),
        (Some("new"), Some("in_progress"), Some("started"))
    );
    assert_eq!((ev[3]["actor"].as_str(), ev[3]["text"].as_str()), (Some("cara"), Some("Called the subject")));
    assert_eq!(ev[4]["text"], "We need a copy of your ID");
    assert_eq!(ev[6]["new"], "fulfilled");
    assert_eq!((ev[7]["old"].as_str(), ev[7]["new"].as_str()), (Some("awaiting_subject"), Some("answered")));

    // The table form names the fields and the deadline arithmetic.
    let t = env.ok(&["show", &r]);
    assert!(t.contains("ref:") && t.contains(&r), "{t}");
    assert!(t.contains("received Mon 23.11.2026 + 30 days = Wed 23.12.2026"), "{t}");
    // --as-of recomputes days left of an open request.
    // Access received Mon 02.11: Art. 17's week ended Mon 09.11, 31 days before 10.12.
    let open = env.add(&["--received", "2026-11-02"]);
    assert_eq!(env.json(&["show", &open, "--as-of", "2026-12-10"])["days_left"], -31);
    assert_eq!(env.json(&["show", &open, "--as-of", "2026-12-10"])["overdue"], true);
    // CSV: one header line and one record.
    let csv = env.ok(&["--format", "csv", "show", &open]);
    let lines: Vec<&str> = csv.lines().collect();
    assert_eq!(lines.len(), 2, "{csv}");
    assert!(lines[0].starts_with("ref,kind,status,channel,lang,received,registered,due"), "{csv}");
    assert!(lines[1].starts_with(&format!("{open},access,new,salyk_app,ky,")), "{csv}");
    // References are case-insensitive.
    assert_eq!(env.show(&open.to_lowercase())["ref"], open.as_str());
}

#[test]
fn assign_several_requests_at_once() {
    let env = TestEnv::with_staff();
    let a = env.add(&[]);
    let b = env.add(&[]);
    let c = env.add(&[]);
    let out = ok(env.as_op("sam").args(["assign", &a, &b, "cara"]));
    assert_eq!(out.lines().count(), 2, "{out}");
    assert_eq!(refs(&env.json(&["list", "--assignee", "cara"])).len(), 2);
    // Reassigning keeps old and new in the event.
    let listed = json(env.as_op("sam").args(["--format", "json", "assign", &a, &c, "carl"]));
    assert_eq!(refs(&listed), vec![a.clone(), c.clone()]);
    let ev = env.show(&a)["events"].as_array().unwrap().last().unwrap().clone();
    assert_eq!(
        (ev["kind"].as_str(), ev["old"].as_str(), ev["new"].as_str()),
        (Some("assigned"), Some("cara"), Some("carl"))
    );
    assert_eq!(ev["actor"], "sam");
}

#[test]
fn respond_with_each_outcome() {
    let env = TestEnv::with_staff();
    let grounds = env.json(&["grounds"]);
    let ground = grounds[0]["code"].as_str().unwrap().to_string();
    let table = env.ok(&["grounds"]);
    assert!(table.starts_with("CODE") && table.contains("art15_state_security"), "{table}");
    assert!(
        grounds.as_array().unwrap().iter().all(|g| g["citation"].as_str().is_some_and(|c| !c.is_empty()))
    );
    let cases: Vec<(&str, Vec<&str>)> = vec![
        ("fulfilled", vec![]),
        ("no_data", vec![]),
        ("referred", vec!["--text", "Referred to the registry office"]),
        ("refused", vec!["--ground", &ground, "--text", "Refused, see the ground"]),
        ("partially_fulfilled", vec!["--ground", &ground]),
    ];
    for (outcome, extra) in cases {
        // Received Mon 16.11: Art. 17's week ends Mon 23.11, so an answer on 20.11 is in time.
        let r = env.add(&["--received", "2026-11-16"]);
        let mut args = vec![
            "respond",
            &r,
            "--outcome",
            outcome,
            "--responded",
            "2026-11-20",
            "--reason",
            "paper register",
        ];
        args.extend(&extra);
        let out = env.ok(&args);
        assert!(out.starts_with(&format!("{r} answered")), "{out}");
        let d = env.show(&r);
        assert_eq!(d["status"], "answered");
        assert_eq!(d["outcome"], outcome);
        assert_eq!(d["responded_on"], "2026-11-20");
        assert_eq!(d["answered_in_time"], true);
        if extra.contains(&"--ground") {
            assert_eq!(d["ground"], ground.as_str());
        }
    }
    // A correction request records what was done per category.
    let r = env.add(&["--kind", "correction", "--category", "email,phone,address"]);
    env.ok(&[
        "respond",
        &r,
        "--outcome",
        "partially_fulfilled",
        "--ground",
        "data_accurate",
        "--action",
        "email=done",
        "--action",
        "phone=refused",
        "--action",
        "address=not_held",
    ]);
    let d = env.show(&r);
    let mut actions: Vec<(String, String)> = d["actions"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| (a["category"].as_str().unwrap().to_string(), a["action"].as_str().unwrap().to_string()))
        .collect();
    actions.sort();
    let want = [("address", "not_held"), ("email", "done"), ("phone", "refused")];
    assert_eq!(actions, want.map(|(c, a)| (c.to_string(), a.to_string())));
    // Answered late: after the binding deadline.
    let late = env.add(&["--received", "2026-10-01"]);
    env.ok(&["respond", &late, "--outcome", "fulfilled"]);
    assert_eq!(env.show(&late)["answered_in_time"], false);
}

#[test]
fn withdraw_and_reopen() {
    let env = TestEnv::with_staff();
    let r = env.add(&["--received", "2026-10-01"]);
    let out = env.ok(&["withdraw", &r, "--reason", "Subject withdrew"]);
    assert!(out.contains("withdrawn"), "{out}");
    assert_eq!(env.show(&r)["status"], "withdrawn");
    assert_eq!(env.json(&["list"]), Value::Array(vec![]));
    ok(env.as_op("sam").args(["reopen", &r, "--reason", "Withdrawal was a mistake"]));
    let d = env.show(&r);
    assert_eq!(d["status"], "in_progress");
    let ev = d["events"].as_array().unwrap().last().unwrap().clone();
    assert_eq!(
        (ev["kind"].as_str(), ev["old"].as_str(), ev["new"].as_str()),
        (Some("reopened"), Some("withdrawn"), Some("in_progress"))
    );
    assert_eq!(ev["text"], "Withdrawal was a mistake");
    // The stored deadline stays: reopened past its due date, it is overdue.
    // received Thu 01.10.2026 + 1 week (Art. 17) = Thu 08.10.2026, the governing deadline.
    assert_eq!(d["due_on"], "2026-10-08");
    assert_eq!(d["overdue"], true);

    // An answered request reopens without its outcome.
    let a = env.add(&[]);
    env.ok(&["respond", &a, "--outcome", "fulfilled"]);
    env.ok(&["reopen", &a, "--reason", "Answer incomplete"]);
    let d = env.show(&a);
    assert_eq!((d["status"].as_str(), d["outcome"].clone()), (Some("in_progress"), Value::Null));
    env.ok(&["respond", &a, "--outcome", "no_data"]);
    assert_eq!(env.show(&a)["outcome"], "no_data");
}

#[test]
fn status_moves_between_in_progress_and_awaiting_subject() {
    let env = TestEnv::new();
    let r = env.add(&[]);
    for (status, want) in [
        ("awaiting_subject", "awaiting_subject"),
        ("in_progress", "in_progress"),
        ("awaiting_subject", "awaiting_subject"),
    ] {
        let out = env.ok(&["status", &r, status]);
        assert!(out.starts_with(&format!("{r} {want}")), "{out}");
        assert_eq!(env.show(&r)["status"], want);
    }
}

#[test]
fn extend_pause_and_resume_are_refused_under_the_shipped_rules() {
    let env = TestEnv::new();
    let r = env.add(&[]);
    let before = env.snapshot();
    let e = env.fails(&["extend", &r, "--days", "10", "--reason", "Need more time"]);
    assert_mentions(&e, &["extension", "not allowed"]);
    let e = env.fails(&["pause", &r, "--category", "clarification", "--reason", "Waiting"]);
    assert_mentions(&e, &["paus", "not allowed"]);
    let e = env.fails(&["resume", &r]);
    assert_mentions(&e, &[&r, "not paused"]);
    assert_eq!(env.snapshot(), before);
}

#[test]
fn extend_moves_the_binding_deadline_when_the_rules_allow_it() {
    let env = TestEnv::new();
    env.enable_extension_and_pause();
    // Art. 17's week of an access request cannot be extended.
    let access = env.add(&["--received", "2026-11-20"]);
    assert_mentions(
        &env.fails(&["extend", &access, "--days", "5", "--reason", "x"]),
        &["cannot be extended"],
    );
    // A complaint received Tue 24.11: Law 67's 14 working days end Mon 14.12 and govern (the
    // 30-day limit is Thu 24.12); Law 67 may be extended, with its basis cited.
    let r = env.add(&["--kind", "complaint", "--received", "2026-11-24"]);
    assert_eq!(env.show(&r)["due_on"], "2026-12-14");
    // 14.12 + 5 = Sat 19.12 → Mon 21.12.
    let out = env.ok(&["extend", &r, "--days", "5", "--reason", "Archive request"]);
    assert!(out.contains("21.12.2026"), "{out}");
    let d = env.show(&r);
    assert_eq!(d["due_on"], "2026-12-21");
    assert_eq!(d["extensions"], 1);
    let binding: Vec<&Value> =
        d["deadlines"].as_array().unwrap().iter().filter(|x| x["binding"] == true).collect();
    assert_eq!(
        (binding[0]["rule"].as_str(), binding[0]["due_on"].as_str()),
        (Some("law67_14wd"), Some("2026-12-21"))
    );
    assert!(binding[0]["explanation"].as_str().unwrap().contains("considering citizens' appeals"), "{d}");
    let ev = d["events"]
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["kind"] == "deadline_changed")
        .expect("deadline_changed event")
        .clone();
    assert_eq!((ev["old"].as_str(), ev["new"].as_str()), (Some("2026-12-14"), Some("2026-12-21")));
    assert!(ev["text"].as_str().unwrap().contains("Archive request"), "{ev}");
    // Extending past the 30-day limit moves the governing date only to that limit: 14.12 +
    // 12 = Sat 26.12 → Mon 28.12 for Law 67, but the 30 days still bind on Thu 24.12 (a
    // second extension exceeds max_times = 1, so use a fresh request).
    let r2 = env.add(&["--kind", "complaint", "--received", "2026-11-24"]);
    env.ok(&["extend", &r2, "--days", "12", "--reason", "Archive request"]);
    assert_eq!(env.show(&r2)["due_on"], "2026-12-24");
    // The rules allow one extension of at most 30 days.
    let before = env.snapshot();
    assert_mentions(&env.fails(&["extend", &r, "--days", "5", "--reason", "Again"]), &["already extended"]);
    assert_eq!(env.snapshot(), before);
    // A closed request cannot be extended.
    let closed = env.add(&[]);
    env.ok(&["respond", &closed, "--outcome", "fulfilled"]);
    let before_closed = env.snapshot();
    assert_mentions(
        &env.fails(&["extend", &closed, "--days", "5", "--reason", "Late"]),
        &["cannot extend", "answered"],
    );
    assert_eq!(env.snapshot(), before_closed);
    let r3 = env.add(&[]);
    let before3 = env.snapshot();
    assert_mentions(
        &env.fails(&["extend", &r3, "--days", "31", "--reason", "Too long"]),
        &["days", "between 1 and 30"],
    );
    assert_mentions(&env.fails(&["extend", &r3, "--days", "0", "--reason", "Nothing"]), &["days"]);
    assert_mentions(&env.fails(&["extend", &r3, "--days", "5", "--reason", ""]), &["reason", "required"]);
    assert_eq!(env.snapshot(), before3);
}

#[test]
fn pause_and_resume_move_the_deadline_by_the_paused_days() {
    let env = TestEnv::new();
    env.enable_extension_and_pause();
    // A complaint received Tue 24.11: Law 67 → Mon 14.12 (governing), 30 days → Thu 24.12.
    let r = env.add(&["--kind", "complaint", "--received", "2026-11-24"]);
    env.ok(&["pause", &r, "--category", "clarification", "--reason", "Asked the subject which records"]);
    let d = env.show(&r);
    assert_eq!(d["paused"]["since"], TODAY);
    assert_eq!(d["paused"]["category"], "clarification");
    assert_mentions(
        &env.fails(&["pause", &r, "--category", "clarification", "--reason", "Again"]),
        &["already paused"],
    );
    // Resumed three days later: 14.12 + 3 = Thu 17.12 (and the 30 days: 24.12 + 3 = Sun
    // 27.12 → Mon 28.12).
    ok(env.on("2026-11-27").args(["resume", &r]));
    let d = json(env.on("2026-11-27").args(["--format", "json", "show", &r]));
    assert_eq!(d["paused"], Value::Null);
    assert_eq!(d["due_on"], "2026-12-17");
    let kinds = event_kinds(&d);
    assert!(kinds.ends_with(&["paused".into(), "resumed".into(), "deadline_changed".into()]), "{kinds:?}");
    let ev = d["events"].as_array().unwrap().last().unwrap();
    assert_eq!((ev["old"].as_str(), ev["new"].as_str()), (Some("2026-12-14"), Some("2026-12-17")));
    assert_mentions(&fails(env.on("2026-11-27").args(["resume", &r])), &["not paused"]);
    let before = env.snapshot();
    assert_mentions(
        &env.fails(&["pause", &r, "--category", "holiday", "--reason", "x"]),
        &["category", "clarification"],
    );
    assert_eq!(env.snapshot(), before);
}

#[test]
fn demo_fills_a_dev_database_with_consistent_overdue_requests() {
    let env = TestEnv::new();
    let out = env.ok(&["demo", "--requests", "80", "--seed", "7"]);
    assert!(out.contains("80"), "{out}");
    assert_eq!(env.json(&["list", "--all", "--limit", "10000"]).as_array().unwrap().len(), 80);
    for as_of in [TODAY, "2026-12-15"] {
        let overdue = env.json(&["list", "--overdue", "--as-of", as_of, "--limit", "10000"]);
        let overdue = overdue.as_array().unwrap();
        assert!(!overdue.is_empty(), "demo data has overdue requests as of {as_of}");
        for r in overdue {
            let due = r["due_on"].as_str().unwrap();
            let binding = r["deadlines"]
                .as_array()
                .unwrap()
                .iter()
                .filter(|d| d["binding"] == true)
                .map(|d| d["due_on"].as_str().unwrap())
                .min()
                .expect("a binding deadline");
            assert_eq!(due, binding, "due_on is the earliest binding deadline: {r}");
            assert!(due < as_of, "overdue requests are due before {as_of}: {r}");
            assert_eq!(r["days_left"], days_between(as_of, due), "{r}");
            assert!(r["days_left"].as_i64().unwrap() < 0);
            assert_eq!(r["overdue"], true);
            assert!(
                ["new", "in_progress", "awaiting_subject"].contains(&r["status"].as_str().unwrap()),
                "{r}"
            );
        }
    }
    // --limit caps the list; the default is 100.
    assert_eq!(env.json(&["list", "--all", "--limit", "10"]).as_array().unwrap().len(), 10);
    env.ok(&["demo", "--requests", "40", "--seed", "8"]);
    assert_eq!(env.json(&["list", "--all"]).as_array().unwrap().len(), 100);
    assert_eq!(env.json(&["list", "--all", "--limit", "10000"]).as_array().unwrap().len(), 120);
    // The same seed gives the same data.
    let other = TestEnv::new();
    other.ok(&["demo", "--requests", "80", "--seed", "7"]);
    other.ok(&["demo", "--requests", "40", "--seed", "8"]);
    assert_eq!(
        refs(&env.json(&["list", "--all", "--limit", "10000"])),
        refs(&other.json(&["list", "--all", "--limit", "10000"]))
    );
}

#[test]
fn a_paused_request_keeps_its_days_left_and_is_not_overdue() {
    let env = TestEnv::new();
    env.enable_extension_and_pause();
    // A complaint received Tue 24.11: due Mon 14.12 (Law 67), 20 days left on 24.11.
    let r = env.add(&["--kind", "complaint", "--received", "2026-11-24"]);
    env.ok(&["pause", &r, "--category", "documents", "--reason", "Waiting for a copy of the ID"]);
    let d = env.json(&["show", &r, "--as-of", "2026-12-20"]);
    assert_eq!(d["days_left"], 20, "the clock stopped on the day of the pause");
    assert_eq!(d["overdue"], false);
    assert!(refs(&env.json(&["list", "--overdue", "--as-of", "2026-12-20"])).is_empty());
    // Withdrawing a paused request closes it and ends the pause.
    env.ok(&["withdraw", &r, "--reason", "Subject withdrew"]);
    let d = env.show(&r);
    assert_eq!((d["status"].as_str(), d["paused"].clone()), (Some("withdrawn"), Value::Null));
}

#[test]
fn answering_a_paused_request_counts_the_paused_days() {
    let env = TestEnv::new();
    env.enable_extension_and_pause();
    // A complaint received Tue 24.11: due Mon 14.12 (Law 67).
    let r = env.add(&["--kind", "complaint", "--received", "2026-11-24"]);
    env.ok(&["pause", &r, "--category", "documents", "--reason", "Waiting for a copy of the ID"]);
    // 22 days paused; answered on Wed 16.12 without an explicit resume: two days after the
    // original due date but inside it once the pause is counted (14.12 + 22 = Tue 05.01.2027,
    // a holiday, → the 2027 New Year holidays → Fri 08.01.2027).
    let d = json(env.on("2026-12-16").args(["--format", "json", "show", &r]));
    assert_eq!(d["overdue"], false, "not overdue while paused");
    ok(env.on("2026-12-16").args(["respond", &r, "--outcome", "fulfilled"]));
    let d = json(env.on("2026-12-16").args(["--format", "json", "show", &r]));
    assert_eq!(d["answered_in_time"], true, "{d}");
}

/// One parser for what people type (issue 13): dates as written in Kyrgyzstan or ISO,
/// references in the short form the terminal UI's jump takes, typed options whose help lists
/// the allowed values, and `--format` after the subcommand.
#[test]
fn the_command_line_reads_what_the_interface_reads() {
    let env = TestEnv::new();
    let r = env.add(&["--received", "20.11.2026", "--birth-date", "15.3.1990", "--category", "email,phone"]);
    assert_eq!(r, "ARZ-2026-000001");
    let last_year = env.add(&["--received", "30.12.2025"]);
    assert_eq!(last_year, "ARZ-2025-000001");
    let shown = env.json(&["show", "1"]);
    assert_eq!(shown["ref"], "ARZ-2026-000001");
    assert_eq!(shown["received_on"], "2026-11-20");
    assert_eq!(shown["subject"]["birth_date"], "1990-03-15");
    assert_eq!(shown["categories"], serde_json::json!(["email", "phone"]));
    // Short references are of the current year; the full one reaches last year's.
    env.ok(&["note", ":1", "Called the subject"]);
    assert!(env.ok(&["show", &last_year]).contains(&last_year));
    assert_eq!(event_kinds(&env.json(&["show", "ARZ-2026-000001"])).last().map(String::as_str), Some("note"));
    let e = env.fails(&["show", "2"]);
    assert_mentions(&e, &["ARZ-2026-000002", "no such request"]);
    assert_mentions(&env.fails(&["show", ":0"]), &["ref", "':0'", "ARZ-2026-000123 or 123"]);
    // --format after the subcommand, as before it.
    let listed: Value =
        serde_json::from_str(&env.ok(&["list", "--format", "json", "--kind", "access,information"]))
            .expect("json");
    assert_eq!(refs(&listed), ["ARZ-2025-000001", "ARZ-2026-000001"]);
    assert!(
        env.ok(&["deadline", "--kind", "access", "--received", "02.03.2026", "--format", "csv"])
            .starts_with("RULE,")
    );
    // Help lists the allowed values of every typed option.
    for (args, values) in [
        (
            &["add", "--help"][..],
            &[
                "information, access",
                "salyk_app, e_signature_document",
                "e_signature, document_presented",
                "full_name, birth_date",
            ][..],
        ),
        (&["list", "--help"], &["new, in_progress, awaiting_subject", "table, json, csv"]),
        (&["respond", "--help"], &["fulfilled, partially_fulfilled", "electronic, paper"]),
        (&["status", "--help"], &["in_progress, awaiting_subject"]),
        (&["letter", "--help"], &["acknowledgement, reply, extension", "txt, pdf"]),
        (&["operator", "add", "--help"], &["clerk, supervisor, admin"]),
    ] {
        let help = env.ok(args);
        for v in values {
            assert!(help.contains(v), "{args:?}: {v} not in\n{help}");
        }
    }
}
