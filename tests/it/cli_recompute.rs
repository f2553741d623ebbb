//! No silent drift (issue 10): `aryz recompute` lists what today's rules and calendar would
//! change, `--apply` rewrites it with an event and an audit entry each, and changes nothing
//! when nothing changed.

use crate::common;

use common::*;
use serde_json::Value;

fn audit_len(env: &TestEnv) -> usize {
    env.json(&["audit", "log", "--limit", "100000"]).as_array().map_or(0, Vec::len)
}

#[test]
fn recompute_changes_nothing_when_nothing_changed() {
    let env = TestEnv::with_staff();
    env.add(&["--received", "2026-11-20"]);
    env.add(&["--kind", "complaint", "--received", "2026-11-24"]);
    env.add(&["--kind", "correction", "--category", "email", "--received", "2026-10-20"]);
    let before = env.snapshot();
    let audit_before = audit_len(&env);
    let out = env.ok(&["recompute"]);
    assert!(out.contains("No open request"), "{out}");
    let v = env.json(&["recompute", "--apply"]);
    assert_eq!(v["requests"], Value::Array(vec![]), "{v}");
    assert_eq!(env.snapshot(), before, "no request, deadline or event changed");
    assert_eq!(audit_len(&env), audit_before, "no audit entry either");
}

#[test]
fn a_calendar_change_is_listed_then_applied_with_an_event_and_an_audit_entry() {
    let env = TestEnv::with_staff();
    // Complaint received and registered Tue 24.11.2026: Law 67 → Mon 14.12 (governing).
    let r = env.add(&["--kind", "complaint", "--received", "2026-11-24"]);
    // Access received Fri 20.11, registered 24.11: Art. 17 governs (Fri 27.11); its Law 67
    // date (14.12) moves too, its governing date does not.
    let other = env.add(&["--received", "2026-11-20"]);
    // A confirmed extra day off on 14.12 moves Law 67 to Tue 15.12.
    let out = env.ok(&[
        "calendar",
        "add",
        "2026-12-14",
        "--kind",
        "extra_day_off",
        "--name",
        "Test decree day",
        "--source",
        "Test resolution No. 1",
    ]);
    assert!(out.contains("(confirmed)"), "{out}");
    let listed = env.json(&["recompute"]);
    let reqs = listed["requests"].as_array().unwrap();
    assert_eq!(reqs.len(), 2, "{listed}");
    assert_eq!(reqs[0]["reference"], r.as_str());
    assert_eq!(
        (reqs[0]["old_due"].as_str(), reqs[0]["new_due"].as_str()),
        (Some("2026-12-14"), Some("2026-12-15"))
    );
    assert_eq!(reqs[0]["changes"][0]["rule"], "law67_14wd");
    assert_eq!(reqs[1]["reference"], other.as_str());
    assert_eq!(
        (reqs[1]["old_due"].as_str(), reqs[1]["new_due"].as_str()),
        (Some("2026-11-27"), Some("2026-11-27"))
    );
    assert_eq!(
        (reqs[1]["changes"][0]["old"].as_str(), reqs[1]["changes"][0]["new"].as_str()),
        (Some("2026-12-14"), Some("2026-12-15"))
    );
    // Listing writes nothing.
    assert_eq!(env.show(&r)["due_on"], "2026-12-14");
    // A clerk may not apply it.
    assert_mentions(&fails(env.as_op("cara").args(["recompute", "--apply"])), &["recompute"]);
    let audit_before = audit_len(&env);
    let out = env.ok(&["recompute", "--apply"]);
    assert!(out.contains("2 requests recomputed") && out.contains(&r), "{out}");
    let d = env.show(&r);
    assert_eq!(d["due_on"], "2026-12-15");
    let ev = d["events"].as_array().unwrap().last().unwrap().clone();
    assert_eq!(ev["kind"], "deadline_changed");
    assert_eq!((ev["old"].as_str(), ev["new"].as_str()), (Some("2026-12-14"), Some("2026-12-15")));
    assert!(ev["text"].as_str().unwrap().contains("law67_14wd 2026-12-14 → 2026-12-15"), "{ev}");
    let o = env.show(&other);
    assert_eq!(o["due_on"], "2026-11-27");
    let law67 =
        o["deadlines"].as_array().unwrap().iter().find(|x| x["rule"] == "law67_14wd").unwrap().clone();
    assert_eq!(law67["due_on"], "2026-12-15");
    let log = env.json(&["audit", "log", "--ref", &r]);
    assert!(log.as_array().unwrap().iter().any(|e| e["action"] == "recompute"), "{log}");
    assert!(audit_len(&env) > audit_before);
    // Applied once, nothing is left to change.
    assert_eq!(env.json(&["recompute"])["requests"], Value::Array(vec![]));
    // Removing the day lists the request again, with the way back.
    let out = env.ok(&["calendar", "remove", "2026-12-14", "--reason", "Resolution withdrawn"]);
    assert!(out.contains(&r) && out.contains("2026-12-15") && out.contains("2026-12-14"), "{out}");
    assert_mentions(
        &env.fails(&["calendar", "remove", "2026-12-16", "--reason", "x"]),
        &["date", "no calendar entry"],
    );
}

#[test]
fn expected_days_are_listed_and_check_warns_before_they_come() {
    let env = TestEnv::with_staff();
    let t = ok(env.on("2027-02-20").args(["calendar", "expected"]));
    assert!(t.contains("2027-03-10") && t.contains("Orozo Ait") && t.contains("expected"), "{t}");
    assert!(!t.contains("2026-05-27"), "only from today on: {t}");
    // Orozo Ait 2027 is 18 days away and not confirmed: check fails and says why.
    let out = env.on("2027-02-20").arg("check").output().unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stdout).contains("Orozo Ait on 10.03.2027 is expected"));
    // Confirmed, the check passes.
    ok(env.on("2027-02-20").args([
        "calendar",
        "add",
        "2027-03-10",
        "--kind",
        "holiday",
        "--name",
        "Orozo Ait",
        "--confidence",
        "confirmed",
        "--source",
        "Muftiyat announcement (test)",
    ]));
    ok(env.on("2027-02-20").arg("check"));
    // A confirmed day needs its source.
    assert_mentions(
        &fails(env.on("2027-02-20").args([
            "calendar",
            "add",
            "2027-05-17",
            "--kind",
            "holiday",
            "--name",
            "Kurman Ait",
            "--confidence",
            "confirmed",
        ])),
        &["source", "required"],
    );
    // Within 60 days of a year without Ait dates, check fails.
    let out = env.on("2030-11-15").arg("check").output().unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stdout).contains("2031"));
}

#[test]
fn reports_count_answers_within_the_30_day_limit_beside_in_time() {
    let env = TestEnv::with_staff();
    // Access received Mon 02.11, answered Fri 20.11: late for Art. 17's week (09.11) but
    // within the 30-day limit (Wed 02.12).
    let late = env.add(&["--received", "2026-11-02"]);
    env.ok(&[
        "respond",
        &late,
        "--outcome",
        "fulfilled",
        "--responded",
        "2026-11-20",
        "--reason",
        "paper register",
    ]);
    // Access received Mon 16.11, answered 20.11: in time for both (23.11; 16.12).
    let in_time = env.add(&["--received", "2026-11-16"]);
    env.ok(&[
        "respond",
        &in_time,
        "--outcome",
        "fulfilled",
        "--responded",
        "2026-11-20",
        "--reason",
        "paper register",
    ]);
    let rep = json(env.as_op("sam").args(["--format", "json", "report", "monthly", "--month", "2026-11"]));
    assert_eq!(
        (rep["total"]["answered_in_time"].as_i64(), rep["total"]["answered_late"].as_i64()),
        (Some(1), Some(1)),
        "{rep}"
    );
    assert_eq!(rep["answered_within_limit"], 2, "{rep}");
    let t = ok(env.as_op("sam").args(["report", "monthly", "--month", "2026-11"]));
    assert!(t.contains("answered within the 30-day limit: 2"), "{t}");
}

#[test]
fn a_provisional_deadline_is_marked_in_letters_and_exports() {
    let env = TestEnv::with_staff();
    // A complaint registered Mon 26.04.2027: Law 67's 14 working days skip the May holidays
    // and the expected Kurman Ait (Mon 17.05.2027) and end Mon 24.05.2027, provisionally.
    let r = ok(env.on("2027-04-26").args([
        "add",
        "--name",
        "Test Subject",
        "--pin",
        PIN_MALE,
        "--kind",
        "complaint",
        "--lang",
        "en",
        "--received",
        "2027-04-26",
    ]))
    .trim()
    .to_string();
    let v = json(env.on("2027-04-26").args(["--format", "json", "show", &r]));
    assert_eq!(v["due_on"], "2027-05-24");
    let law67 =
        v["deadlines"].as_array().unwrap().iter().find(|d| d["rule"] == "law67_14wd").unwrap().clone();
    assert_eq!(law67["provisional"], "Kurman Ait 2027 expected on Mon 17.05.2027, not yet confirmed");
    let letter = ok(env.on("2027-04-26").args(["letter", &r, "--type", "acknowledgement", "--output", "-"]));
    let flat = letter.split_whitespace().collect::<Vec<_>>().join(" ");
    assert!(flat.contains("no later than 24.05.2027"), "{letter}");
    assert!(flat.contains("This date is provisional"), "{letter}");
    assert!(flat.contains("30-day limit for your request ends on 26.05.2027"), "{letter}");
    let csv = ok(env.on("2027-04-26").args(["--format", "csv", "export"]));
    assert!(csv.contains("law67_14wd=2027-05-24 (binding) (provisional)"), "{csv}");
}
