//! Supervisors' commands: monthly and range reports, the daily digest, the export.

use crate::common;

use std::collections::BTreeSet;

use common::*;
use serde_json::Value;

/// Five requests received in November 2026 and one in October, worked as of 20.12.2026:
/// answered in time (cara), answered late (carl), open in time, open late, withdrawn.
/// Due dates are the governing (earliest binding) deadlines.
fn november(env: &TestEnv) -> [String; 6] {
    let in_time = env.add(&["--received", "2026-11-16", "--assignee", "cara"]); // Art. 17: Mon 23.11
    ok(env.as_op("cara").args([
        "respond",
        &in_time,
        "--outcome",
        "fulfilled",
        "--responded",
        "2026-11-20",
        "--reason",
        "entered from the paper register",
    ]));
    // Received Tue 17.11, registered 24.11: Art. 17's week ends Tue 24.11 while carl holds it,
    // so the late answer is his (a deadline passed before registration would be nobody's).
    let late = env.add(&["--received", "2026-11-17", "--assignee", "carl"]); // Art. 17: Tue 24.11
    // Registered 24.11: 30 days from Fri 06.11 = Sun 06.12 → Mon 07.12 (Law 67: 14.12).
    let open_late = env.add(&["--received", "2026-11-06", "--kind", "complaint"]); // due 07.12
    // Registered Thu 10.12: Law 67's 14 working days end Wed 30.12; 30 days from 30.11 too.
    let open_in_time = ok(env.on("2026-12-10").args([
        "add",
        "--name",
        "Test Subject",
        "--pin",
        PIN_MALE,
        "--kind",
        "correction",
        "--category",
        "email",
        "--received",
        "2026-11-30",
    ]))
    .trim()
    .to_string();
    let withdrawn = env.add(&["--received", "2026-11-10"]);
    env.ok(&["withdraw", &withdrawn, "--reason", "Subject withdrew"]);
    let october = env.add(&["--received", "2026-10-30"]);
    ok(env.on("2026-12-20").env("ARYZ_OPERATOR", "carl").args(["respond", &late, "--outcome", "no_data"]));
    [in_time, late, open_late, open_in_time, withdrawn, october]
}

fn row<'a>(report: &'a Value, group: &str) -> &'a Value {
    report["rows"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["group"] == group)
        .unwrap_or_else(|| panic!("no row {group}: {report}"))
}

#[test]
fn monthly_report_counts_in_time_late_open_and_withdrawn() {
    let env = TestEnv::with_staff();
    november(&env);
    let rep = json(
        env.on("2026-12-20")
            .env("ARYZ_OPERATOR", "sam")
            .args(["--format", "json", "report", "monthly", "--month", "2026-11"]),
    );
    assert_eq!(
        (rep["from"].as_str(), rep["to"].as_str(), rep["as_of"].as_str()),
        (Some("2026-11-01"), Some("2026-11-30"), Some("2026-12-20"))
    );
    let t = &rep["total"];
    assert_eq!(t["received"], 5, "{rep}");
    assert_eq!(t["answered_in_time"], 1, "{rep}");
    assert_eq!(t["answered_late"], 1, "{rep}");
    assert_eq!(t["open_in_time"], 1, "{rep}");
    assert_eq!(t["open_late"], 1, "{rep}");
    assert_eq!(t["withdrawn"], 1, "{rep}");
    // Every kind has a row; the rows add up to the total.
    assert_eq!(rep["rows"].as_array().unwrap().len(), aryz::domain::kind::RequestKind::ALL.len(), "{rep}");
    assert_eq!(row(&rep, "access")["received"], 3);
    assert_eq!(row(&rep, "complaint")["open_late"], 1);
    assert_eq!(row(&rep, "correction")["open_in_time"], 1);
    assert_eq!(row(&rep, "blocking")["received"], 0);
    let sum: i64 = rep["rows"].as_array().unwrap().iter().map(|r| r["received"].as_i64().unwrap()).sum();
    assert_eq!(sum, 5);
    // By clerk.
    let rep = json(
        env.on("2026-12-20")
            .args(["--format", "json", "report", "monthly", "--month", "2026-11", "--by", "clerk"]),
    );
    assert_eq!(row(&rep, "cara")["answered_in_time"], 1, "{rep}");
    assert_eq!(row(&rep, "carl")["answered_late"], 1, "{rep}");
    // The one formula: (1 + 1) / (1 + 1 + 1 + 1) = 50 %, the withdrawn one outside it;
    // the backdated answer is counted; 50 % is red against the default target of 90 %.
    assert_eq!(rep["total"]["percent_in_time"], 50.0, "{rep}");
    assert_eq!(rep["total"]["backdated"], 1, "{rep}");
    assert_eq!(rep["total"]["status"], "red", "{rep}");
    // A range covering October and November counts six.
    let rep = json(env.on("2026-12-20").args([
        "--format",
        "json",
        "report",
        "range",
        "--from",
        "2026-10-01",
        "--to",
        "2026-11-30",
    ]));
    assert_eq!(rep["total"]["received"], 6);
    // Table and CSV.
    let t = ok(env.on("2026-12-20").args(["report", "monthly", "--month", "2026-11"]));
    assert!(t.contains("KIND") && t.contains("total"), "{t}");
    let c = ok(env.on("2026-12-20").args(["--format", "csv", "report", "monthly", "--month", "2026-11"]));
    assert!(
        c.starts_with(
            "KIND,RECEIVED,IN_TIME,LATE,OPEN_IN_TIME,OPEN_LATE,WITHDRAWN,EXTENDED,PAUSED,REOPENED,BACKDATED,%_IN_TIME,TARGET,STATUS"
        ),
        "{c}"
    );
}

#[test]
fn digest_groups_overdue_and_due_soon_requests_by_assignee_without_personal_data() {
    let env = TestEnv::with_staff();
    // A correction received 20.10, registered 24.11: 30 days end Thu 19.11 (Law 67: 14.12).
    let overdue = env.add(&[
        "--received",
        "2026-10-20",
        "--kind",
        "correction",
        "--category",
        "email",
        "--assignee",
        "cara",
        "--name",
        "Secret Subjectname",
    ]); // due 19.11
    let soon = env.add(&["--received", "2026-11-20"]); // Art. 17: due Fri 27.11
    let later = env.add(&["--kind", "complaint", "--received", "2026-11-24"]); // Law 67: due 14.12
    let d = json(env.as_op("sam").args(["--format", "json", "digest"]));
    assert_eq!(d["as_of"], TODAY);
    let groups = d["groups"].as_array().unwrap();
    assert_eq!(groups.len(), 2, "{d}");
    assert_eq!(groups[0]["assignee"], "cara");
    assert_eq!(groups[1]["assignee"], Value::Null, "unassigned comes last");
    let text = d["groups"].to_string();
    assert!(text.contains(&overdue) && text.contains(&soon) && !text.contains(&later), "{d}");
    // Totals first; new unassigned requests, oldest first, include the one not due soon.
    assert_eq!((d["totals"]["open"].as_i64(), d["totals"]["overdue"].as_i64()), (Some(3), Some(1)), "{d}");
    let unassigned: Vec<_> =
        d["new_unassigned"].as_array().unwrap().iter().map(|i| i["ref"].clone()).collect();
    assert_eq!(unassigned, [Value::from(soon.as_str()), Value::from(later.as_str())], "{d}");
    assert!(d["audit_head"].as_str().is_some_and(|h| h.contains(':')), "{d}");
    let text = d.to_string();
    assert!(!text.contains("Secret") && !text.contains(PIN_MALE), "the digest carries no personal data: {d}");
    let item = &groups[0]["overdue"][0];
    assert_eq!(item["days_left"], -5, "{d}");
    let t = ok(env.as_op("sam").args(["digest"]));
    assert!(t.contains("cara: 1 overdue, 0 due soon") && t.contains("5 days overdue"), "{t}");
    assert!(t.lines().nth(1).is_some_and(|l| l.starts_with("Open 3 · overdue 1")), "totals first: {t}");
    assert!(t.contains("audit head: "), "{t}");
    assert!(!t.contains("Secret"));
}

#[test]
fn export_masks_personal_data_unless_a_supervisor_asks() {
    let env = TestEnv::with_staff();
    let r = env.add(&["--passport", "ID1234567", "--assignee", "cara", "--email", "subject@example.test"]);
    let mine = env.add(&["--assignee", "carl"]);
    let masked = json(env.as_op("sam").args(["--format", "json", "export", "--all"]));
    assert_eq!(refs(&masked), vec![r.clone(), mine.clone()]);
    assert_eq!(masked[0]["subject"]["pin"], "**********2345");
    assert!(!masked.to_string().contains("ID1234567"), "{masked}");
    let full = json(env.as_op("sam").args(["--format", "json", "export", "--all", "--unmasked"]));
    assert_eq!(full[0]["subject"]["pin"], PIN_MALE);
    let csv = ok(env.as_op("sam").args(["export", "--all"]));
    let lines: Vec<&str> = csv.lines().collect();
    assert!(lines[0].starts_with("ref,kind,status,channel,lang,received_on,registered_on,due_on,days_left,overdue,assignee,subject_name,subject_pin"), "{csv}");
    assert_eq!(lines.len(), 3);
    assert!(!csv.contains(PIN_MALE));
    let bom = ok(env.as_op("sam").args(["export", "--all", "--bom"]));
    assert!(bom.starts_with('\u{feff}'));
    // A clerk exports their own queue, masked, and nothing more.
    let own = json(env.as_op("carl").args(["--format", "json", "export", "--mine"]));
    assert_eq!(refs(&own), vec![mine.clone()]);
    for args in
        [&["export", "--all"][..], &["export", "--mine", "--unmasked"], &["export", "--assignee", "cara"]]
    {
        // Exit 1 with one error line (stdout: see the ignored test below).
        let out = env.as_op("carl").args(args).output().unwrap();
        assert_eq!(out.status.code(), Some(1), "{args:?}");
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(stderr.lines().count(), 1, "{stderr}");
        assert_mentions(&stderr, &["aryz: error:", "carl", "clerk", "export"]);
        assert!(
            !String::from_utf8_lossy(&out.stdout).contains("Test Subject"),
            "no data leaks to a refused clerk"
        );
    }
}

#[test]
fn a_refused_export_prints_nothing() {
    let env = TestEnv::with_staff();
    env.add(&[]);
    for format in ["csv", "json"] {
        assert_mentions(
            &fails(env.as_op("carl").args(["--format", format, "export", "--all"])),
            &["clerk", "export"],
        );
    }
}

#[test]
fn export_to_a_file_is_private_and_complete() {
    let env = TestEnv::new();
    env.ok(&["demo", "--requests", "1200", "--seed", "5"]);
    let file = env.path().join("export.json");
    let out =
        env.aryz().args(["--format", "json", "export", "--all", "--output"]).arg(&file).output().unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    assert_eq!(String::from_utf8_lossy(&out.stdout), "");
    assert!(String::from_utf8_lossy(&out.stderr).contains("exported 1200 requests"));
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        assert_eq!(std::fs::metadata(&file).unwrap().permissions().mode() & 0o777, 0o600);
    }
    // More than one page of 500: every request once.
    let v: Value = serde_json::from_str(&std::fs::read_to_string(&file).unwrap()).unwrap();
    let all = refs(&v);
    assert_eq!(all.len(), 1200);
    assert_eq!(all.iter().collect::<BTreeSet<_>>().len(), 1200);
    // No partial file is left behind.
    let leftovers: Vec<_> = std::fs::read_dir(env.path())
        .unwrap()
        .filter_map(std::result::Result::ok)
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|n| n.contains("partial"))
        .collect();
    assert!(leftovers.is_empty(), "{leftovers:?}");
    // The digest agrees with the list about what is overdue, across pages.
    let d = env.json(&["digest"]);
    let digest_overdue: BTreeSet<String> = d["groups"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|g| g["overdue"].as_array().unwrap().iter().map(|i| i["ref"].as_str().unwrap().to_string()))
        .collect();
    let listed: BTreeSet<String> =
        refs(&env.json(&["list", "--overdue", "--limit", "10000"])).into_iter().collect();
    assert_eq!(digest_overdue, listed);
}

#[test]
fn export_refuses_to_overwrite_the_database() {
    let env = TestEnv::new();
    env.add(&[]);
    let before = env.snapshot();
    let e = fails(env.aryz().args(["export", "--all", "--output"]).arg(env.db()));
    assert_mentions(&e, &["output"]);
    assert_eq!(env.snapshot(), before);
}

#[test]
fn reports_digest_and_export_refuse_bad_input_and_clerks() {
    let env = TestEnv::with_staff();
    env.add(&[]);
    let before = env.snapshot();
    let cases: &[(&[&str], &[&str])] = &[
        (&["report", "monthly", "--month", "2026-13"], &["month", "2026-13"]),
        (&["report", "monthly", "--month", "November"], &["month"]),
        (&["report", "monthly", "--month", "2026-11", "--as-of", "soon"], &["as-of", "YYYY-MM-DD"]),
        (&["report", "range", "--from", "2026-12-01", "--to", "2026-11-01"], &["from", "--to"]),
        (&["report", "range", "--from", "2026-11-31", "--to", "2026-12-01"], &["from", "YYYY-MM-DD"]),
        (&["digest", "--as-of", "24.11.26"], &["as-of", "YYYY-MM-DD"]),
        (&["export", "--status", "closed"], &["status", "'closed'"]),
        (&["export", "--output", "/nonexistent/dir/x.csv"], &["/nonexistent/dir/x.csv"]),
    ];
    for (args, words) in cases {
        assert_mentions(&env.fails(args), words);
        assert_eq!(env.snapshot(), before, "{args:?}");
    }
    for args in [&["report", "monthly", "--month", "2026-11"][..], &["digest"]] {
        assert_mentions(&fails(env.as_op("cara").args(args)), &["cara", "clerk"]);
    }
    for args in
        [&["report"][..], &["report", "monthly"], &["report", "monthly", "--month", "2026-11", "--by", "day"]]
    {
        usage_error(env.aryz().args(args));
    }
}

/// The trend by month, the backlog history, and time travel with --as-of.
#[test]
fn range_by_month_backlog_and_as_of() {
    let env = TestEnv::with_staff();
    november(&env);
    let on = |args: &[&str]| ok(env.on("2026-12-20").env("ARYZ_OPERATOR", "sam").args(args));
    let rep: Value = serde_json::from_str(&on(&[
        "--format", "json", "report", "range", "--from", "2026-09", "--to", "2026-12", "--by", "month",
    ]))
    .unwrap();
    let months: Vec<_> = rep["rows"].as_array().unwrap().iter().map(|r| r["group"].clone()).collect();
    assert_eq!(months, ["2026-09", "2026-10", "2026-11", "2026-12"].map(Value::from), "{rep}");
    assert_eq!(row(&rep, "2026-11")["received"], 5);
    assert_eq!(row(&rep, "2026-10")["open_late"], 1, "the October request is still open: {rep}");
    assert_eq!(row(&rep, "2026-09")["status"], Value::Null, "nothing received, no status");
    // As of 10.11, inside the month: the requests received later do not exist yet, and
    // the answer recorded on 24.11 (dated 20.11) had not been given.
    let rep: Value = serde_json::from_str(&on(&[
        "--format",
        "json",
        "report",
        "monthly",
        "--month",
        "2026-11",
        "--as-of",
        "2026-11-10",
    ]))
    .unwrap();
    assert_eq!(rep["total"]["received"], 0, "registered on 24.11, unknown on 10.11: {rep}");
    let rep: Value = serde_json::from_str(&on(&[
        "--format",
        "json",
        "report",
        "monthly",
        "--month",
        "2026-11",
        "--as-of",
        "2026-11-24",
    ]))
    .unwrap();
    // The request registered on 10.12 does not exist yet on 24.11.
    assert_eq!(
        (rep["total"]["received"].as_i64(), rep["total"]["answered_in_time"].as_i64()),
        (Some(4), Some(1))
    );
    // The backlog: one row per day, in table, CSV and JSON.
    let b: Value =
        serde_json::from_str(&on(&["--format", "json", "report", "backlog", "--days", "90"])).unwrap();
    let days = b["days"].as_array().unwrap();
    assert_eq!(days.len(), 90);
    assert_eq!(days.last().unwrap()["day"], "2026-12-20");
    // Open on 20.12: the October request, open late, open in time (the late one was answered).
    assert_eq!(days.last().unwrap()["open"], 3, "{b}");
    let csv = on(&["--format", "csv", "report", "backlog", "--days", "3"]);
    assert_eq!(csv.lines().count(), 4, "{csv}");
    assert!(csv.starts_with("DAY,OPEN,OVERDUE"), "{csv}");
    let table = on(&["report", "backlog", "--days", "3"]);
    assert!(table.contains("OPEN_OVER_30"), "{table}");
    // --help states the formula.
    let help = ok(env.aryz().args(["report", "--help"]));
    assert!(help.contains("(answered in time + open in time) / (answered in time + answered late"), "{help}");
}

/// Offices on the command line: a supervisor of a regional office gets their own office's
/// backlog, report and digest (kept per office), and asking for another office is refused
/// naming it; the head office's supervisor gets every office, or the one named; a move
/// takes the request's figures along.
#[test]
fn backlog_report_and_digest_of_one_office() {
    let env = TestEnv::with_staff();
    env.ok(&["office", "add", "OSH", "--name-en", "Osh (example)"]);
    env.ok(&["operator", "add", "oleg", "--role", "supervisor", "--office", "OSH"]);
    let main = env.add(&[]);
    env.add(&["--office", "OSH", "--pin", PIN_FEMALE]);
    env.add(&["--office", "OSH", "--name", "Other Subject"]);
    let as_oleg =
        |args: &[&str]| crate::common::json(env.as_op("oleg").arg("--format").arg("json").args(args));
    let open_now = |b: &Value| b["days"].as_array().and_then(|d| d.last()).map(|d| d["open"].clone());
    assert_eq!(open_now(&as_oleg(&["report", "backlog", "--days", "3"])), Some(2.into()));
    let rep = as_oleg(&["report", "monthly", "--month", &TODAY[..7]]);
    assert_eq!(rep["total"]["received"], 2, "{rep}");
    assert_eq!(as_oleg(&["digest"])["totals"]["open"], 2);
    let said = crate::common::fails(env.as_op("oleg").args(["report", "backlog", "--office", "MAIN"]));
    assert!(said.contains("MAIN"), "{said}");
    let said = crate::common::fails(env.as_op("oleg").args(["digest", "--office", "MAIN"]));
    assert!(said.contains("MAIN"), "{said}");
    // The head office: every office, or one.
    assert_eq!(open_now(&env.json(&["report", "backlog", "--days", "3"])), Some(3.into()));
    assert_eq!(
        open_now(&env.json(&["report", "backlog", "--days", "3", "--office", "MAIN"])),
        Some(1.into())
    );
    assert_eq!(env.json(&["digest", "--office", "OSH"])["totals"]["open"], 2);
    let by = env.json(&["report", "monthly", "--month", &TODAY[..7], "--by", "office", "--office", "OSH"]);
    assert_eq!(row(&by, "OSH")["received"], 2, "{by}");
    env.ok(&["move", &main, "--to", "OSH", "--reason", "the subject lives in Osh"]);
    assert_eq!(open_now(&as_oleg(&["report", "backlog", "--days", "3"])), Some(3.into()));
    assert_eq!(
        open_now(&env.json(&["report", "backlog", "--days", "3", "--office", "MAIN"])),
        Some(0.into())
    );
    env.ok(&["check"]);
}
