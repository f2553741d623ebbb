//! Commands that prove and protect: audit verify and log, check, backup, retention, import;
//! and the behaviour of output into a closed pipe.

use crate::common;

use std::io::{BufRead, BufReader};
use std::process::Stdio;

use common::*;

#[test]
fn audit_verify_detects_edits_behind_aryz_back() {
    let env = TestEnv::with_staff();
    let r = env.add(&[]);
    env.ok(&["note", &r, "A note"]);
    env.show(&r);
    let out = env.ok(&["audit", "verify"]);
    assert!(out.starts_with("audit log intact:"), "{out}");
    let v = env.json(&["audit", "verify"]);
    assert_eq!(v["ok"], true);
    let entries = v["entries"].as_i64().unwrap();
    assert!(entries >= 6, "init, 3 operators, register, note, view: {v}");
    let check = env.ok(&["check"]);
    assert!(check.contains("integrity: ok") && check.contains("audit log: intact"), "{check}");
    if !have_sqlite3() {
        eprintln!("skipped the tampering part: no sqlite3 shell");
        return;
    }
    // The triggers refuse a plain edit…
    let copy0 = env.path().join("plain.sqlite3");
    std::fs::copy(env.db(), &copy0).unwrap();
    let refused = std::process::Command::new("sqlite3")
        .arg(&copy0)
        .arg("UPDATE audit SET actor = 'someone_else' WHERE id = 5;")
        .output()
        .unwrap();
    assert!(String::from_utf8_lossy(&refused.stderr).contains("append-only"), "{refused:?}");
    // …so someone drops them first and edits an entry with the sqlite3 shell.
    let copy = env.path().join("tampered.sqlite3");
    std::fs::copy(env.db(), &copy).unwrap();
    sqlite3(&copy, "DROP TRIGGER audit_no_update; UPDATE audit SET actor = 'someone_else' WHERE id = 5;");
    let e = fails(env.aryz().arg("--db").arg(&copy).args(["audit", "verify"]));
    assert_mentions(&e, &["audit log broken at entry 5"]);
    // `check` prints its report, then fails.
    let out = env.aryz().arg("--db").arg(&copy).arg("check").output().unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stdout).contains("audit log: broken at entry 5"));
    assert_eq!(String::from_utf8_lossy(&out.stderr).trim(), "aryz: error: the database failed its checks");
    // Or deletes the newest entry.
    let copy2 = env.path().join("truncated.sqlite3");
    std::fs::copy(env.db(), &copy2).unwrap();
    sqlite3(
        &copy2,
        "DROP TRIGGER audit_no_delete; DELETE FROM audit WHERE id = (SELECT max(id) FROM audit);",
    );
    assert_mentions(
        &fails(env.aryz().arg("--db").arg(&copy2).args(["audit", "verify"])),
        &["audit log broken"],
    );
    // The original is intact.
    env.ok(&["audit", "verify"]);
}

#[test]
fn audit_log_lists_who_did_and_viewed_what() {
    let env = TestEnv::with_staff();
    let r = env.add(&[]);
    json(env.as_op("sam").args(["--format", "json", "show", &r]));
    let log = env.json(&["audit", "log", "--ref", &r]);
    let actions: Vec<(&str, &str)> = log
        .as_array()
        .unwrap()
        .iter()
        .map(|e| (e["actor"].as_str().unwrap(), e["action"].as_str().unwrap()))
        .collect();
    assert_eq!(actions, vec![("sam", "view"), (env.admin.as_str(), "register")], "newest first: {log}");
    let by_sam = env.json(&["audit", "log", "--operator", "sam"]);
    assert!(by_sam.as_array().unwrap().iter().all(|e| e["actor"] == "sam"));
    assert_eq!(env.json(&["audit", "log", "--limit", "2"]).as_array().unwrap().len(), 2);
    assert!(env.json(&["audit", "log", "--since", "2030-01-01"]).as_array().unwrap().is_empty());
    let before = env.snapshot();
    assert_mentions(&fails(env.as_op("cara").args(["audit", "log"])), &["cara", "clerk"]);
    assert_mentions(&env.fails(&["audit", "log", "--ref", "ARZ-1"]), &["ref", "not a reference"]);
    assert_mentions(&env.fails(&["audit", "log", "--since", "yesterday"]), &["since", "YYYY-MM-DD"]);
    assert_eq!(env.snapshot(), before);
}

#[test]
fn backup_makes_a_working_copy_and_never_overwrites() {
    let env = TestEnv::with_staff();
    let r = env.add(&[]);
    let file = env.path().join("backup.sqlite3");
    let out = env.ok(&["backup", file.to_str().unwrap()]);
    assert!(out.contains("backed up"), "{out}");
    let copy = json(env.aryz().arg("--db").arg(&file).args(["--format", "json", "list"]));
    assert_eq!(refs(&copy), vec![r.clone()]);
    ok(env.aryz().arg("--db").arg(&file).args(["audit", "verify"]));
    let before = std::fs::read(&file).unwrap();
    env.add(&[]);
    assert_mentions(&env.fails(&["backup", file.to_str().unwrap()]), &["backup.sqlite3", "already exists"]);
    assert_eq!(std::fs::read(&file).unwrap(), before);
    let other = env.path().join("clerk-backup.sqlite3");
    assert_mentions(&fails(env.as_op("cara").args(["backup", other.to_str().unwrap()])), &["cara", "clerk"]);
    assert!(!other.exists());
}

#[test]
fn retention_erases_personal_data_of_long_closed_requests_only() {
    let env = TestEnv::with_staff();
    let old = env.add(&["--email", "subject@example.test", "--received", "2026-11-02"]);
    env.ok(&[
        "respond",
        &old,
        "--outcome",
        "fulfilled",
        "--responded",
        "2026-11-20",
        "--reason",
        "paper register",
    ]);
    let open = env.add(&[]);
    let later = "2031-11-21"; // five years and a day after the answer
    let dry = json(env.on(later).args(["--format", "json", "retention", "--years", "5", "--dry-run"]));
    assert_eq!(dry["erased"], serde_json::json!([old]), "{dry}");
    assert_eq!(env.show(&old)["subject"]["pin"], PIN_MALE, "a dry run erases nothing");
    // Not yet on the fifth anniversary.
    let v = json(env.on("2031-11-20").args(["--format", "json", "retention", "--years", "5"]));
    assert!(v["erased"].as_array().unwrap().is_empty(), "{v}");
    let v = json(env.on(later).args(["--format", "json", "retention", "--years", "5"]));
    assert_eq!(v["erased"], serde_json::json!([old]));
    let d = json(env.on(later).args(["--format", "json", "show", &old]));
    let text = d["subject"].to_string();
    assert!(
        !text.contains(PIN_MALE) && !text.contains("Test Subject") && !text.contains("example.test"),
        "{d}"
    );
    assert_eq!(d["outcome"], "fulfilled", "statistics stay");
    assert!(event_kinds(&d).contains(&"erased".to_string()));
    assert_eq!(json(env.on(later).args(["--format", "json", "show", &open]))["subject"]["pin"], PIN_MALE);
    let before = env.snapshot();
    assert_mentions(
        &fails(env.on(later).env("ARYZ_OPERATOR", "sam").args(["retention"])),
        &["sam", "supervisor"],
    );
    assert_mentions(&env.fails(&["retention", "--years", "0"]), &["years", "between 1 and 100"]);
    assert_eq!(env.snapshot(), before);
}

#[test]
fn retention_dry_run_counts_every_request_it_would_erase() {
    let env = TestEnv::new();
    env.ok(&["demo", "--requests", "1200", "--seed", "4"]);
    let closed = env.json(&["list", "--status", "answered", "--status", "withdrawn", "--limit", "10000"]);
    let closed = closed.as_array().unwrap().len();
    assert!(closed > 500, "the demo has more than one batch of closed requests: {closed}");
    let dry = json(env.on("2040-01-01").args(["--format", "json", "retention", "--years", "5", "--dry-run"]));
    let real = json(env.on("2040-01-01").args(["--format", "json", "retention", "--years", "5"]));
    assert_eq!(real["erased"].as_array().unwrap().len(), closed);
    assert_eq!(dry["erased"].as_array().unwrap().len(), closed);
}

const HEADER: &str = "kind,name,pin,received,channel,lang,email,categories,description";

fn write(env: &TestEnv, name: &str, text: &str) -> String {
    let p = env.path().join(name);
    std::fs::write(&p, text).unwrap();
    p.to_str().unwrap().to_string()
}

#[test]
fn import_registers_a_good_file_in_order_of_receipt() {
    let env = TestEnv::with_staff();
    let file = write(
        &env,
        "batch.csv",
        &format!(
            "{HEADER}\n\
             correction,Test Subject Two,{PIN_FEMALE},2026-11-23,email,ru,two@example.test,phone;email,Fix my phone\n\
             access,Test Subject One,{PIN_MALE},2026-11-20,salyk_app,ky,,,\"Copy, please\"\n"
        ),
    );
    let dry = ok(env.as_op("sam").args(["import", &file, "--dry-run"]));
    assert!(dry.contains("2 rows") && dry.contains("dry run"), "{dry}");
    assert!(env.json(&["list", "--all"]).as_array().unwrap().is_empty());
    let out = ok(env.as_op("sam").args(["import", &file]));
    assert!(out.contains("2 rows: 2 imported, 0 rejected"), "{out}");
    let list = env.json(&["list", "--all"]);
    let by_ref: Vec<(String, String)> = list
        .as_array()
        .unwrap()
        .iter()
        .map(|r| (r["ref"].as_str().unwrap().into(), r["subject"]["name"].as_str().unwrap().into()))
        .collect();
    assert!(by_ref.contains(&("ARZ-2026-000001".into(), "Test Subject One".into())), "{by_ref:?}");
    assert!(by_ref.contains(&("ARZ-2026-000002".into(), "Test Subject Two".into())), "{by_ref:?}");
    let two = env.show("ARZ-2026-000002");
    assert_eq!(two["categories"], serde_json::json!(["phone", "email"]));
    assert_eq!((two["channel"].as_str(), two["lang"].as_str()), (Some("email"), Some("ru")));
    // The same file again: probable duplicates, reported on stderr.
    let again = env.as_op("sam").args(["import", &file, "--dry-run"]).output().unwrap();
    assert!(String::from_utf8_lossy(&again.stderr).contains("probable duplicate of ARZ-2026-00000"));
    // JSON files too.
    let jf = write(
        &env,
        "batch.json",
        &format!(
            r#"[{{"kind":"complaint","name":"Test Subject Three","pin":"{PIN_MALE}","received":"2026-11-24"}}]"#
        ),
    );
    ok(env.as_op("sam").args(["import", &jf]));
    assert_eq!(env.show("ARZ-2026-000003")["kind"], "complaint");
}

#[test]
fn import_with_a_bad_row_imports_nothing_unless_rejects_are_kept() {
    let env = TestEnv::with_staff();
    let file = write(
        &env,
        "mixed.csv",
        &format!(
            "{HEADER}\n\
             access,Test Subject,{PIN_MALE},2026-11-20,,,,,\n\
             erase,Test Subject,{PIN_MALE},2026-11-20,,,,,\n\
             access,Test Subject,123,2026-11-20,,,,,\n\
             access,Test Subject,{PIN_MALE},2026-11-30,,,,,\n"
        ),
    );
    let before = env.snapshot();
    let out = env.as_op("sam").args(["import", &file]).output().unwrap();
    assert_eq!(out.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&out.stderr);
    for want in
        ["line 3: kind", "line 4: pin", "line 5: received", "aryz: error: 3 bad rows; nothing was imported"]
    {
        assert!(stderr.contains(want), "{want:?} in {stderr}");
    }
    assert_eq!(env.snapshot(), before);
    let rejects = env.path().join("rejects.csv");
    ok(env.as_op("sam").args(["import", &file, "--rejects", rejects.to_str().unwrap()]));
    assert_eq!(refs(&env.json(&["list"])), vec!["ARZ-2026-000001"]);
    let bad = std::fs::read_to_string(&rejects).unwrap();
    let lines: Vec<&str> = bad.lines().collect();
    assert!(lines[0].starts_with("line,reason,kind,name,pin"), "{bad}");
    assert_eq!(lines.len(), 4, "{bad}");
    // Whole-file errors and clerks.
    let before = env.snapshot();
    let bad_header = write(&env, "bad.csv", "kind,name,pin,received,shoe_size\n");
    assert_mentions(&fails(env.as_op("sam").args(["import", &bad_header])), &["file", "shoe_size"]);
    let no_pin = write(&env, "nopin.csv", "kind,name,received\naccess,T S,2026-11-20\n");
    assert_mentions(&fails(env.as_op("sam").args(["import", &no_pin])), &["'pin' is required"]);
    let missing = env.path().join("missing.csv");
    assert_mentions(&fails(env.as_op("sam").args(["import", missing.to_str().unwrap()])), &["missing.csv"]);
    assert_mentions(&fails(env.as_op("cara").args(["import", &file])), &["cara", "clerk", "import"]);
    assert_eq!(env.snapshot(), before);
}

/// Starts `aryz ARGS` with stdout piped, reads one line, closes the pipe, waits.
fn read_one_line_then_close(env: &TestEnv, args: &[&str]) -> (Option<i32>, String) {
    let mut child = env.process().args(args).stdout(Stdio::piped()).stderr(Stdio::piped()).spawn().unwrap();
    let mut first = String::new();
    BufReader::new(child.stdout.take().unwrap()).read_line(&mut first).unwrap();
    // The reader is dropped here: the pipe is closed, as `aryz list | head -1` does.
    let out = child.wait_with_output().unwrap();
    assert!(!first.is_empty());
    (out.status.code(), String::from_utf8_lossy(&out.stderr).into_owned())
}

#[test]
fn a_closed_pipe_is_not_an_error() {
    let env = TestEnv::new();
    env.ok(&["demo", "--requests", "1500", "--seed", "2"]);
    for args in [
        &["list", "--all", "--limit", "10000"][..],
        &["--format", "json", "list", "--all", "--limit", "10000"],
    ] {
        let (code, stderr) = read_one_line_then_close(&env, args);
        assert_eq!((code, stderr.as_str()), (Some(0), ""), "aryz {args:?} | head -1");
    }
}

#[cfg(unix)]
#[test]
fn files_are_private_unless_group_access_is_configured() {
    use std::os::unix::fs::PermissionsExt;
    let mode = |p: &std::path::Path| std::fs::metadata(p).unwrap().permissions().mode() & 0o777;
    let env = TestEnv::new();
    assert_eq!(mode(&env.db()), 0o600);
    let backup = env.path().join("b1.sqlite3");
    env.ok(&["backup", backup.to_str().unwrap()]);
    assert_eq!(mode(&backup), 0o600);
    let export = env.path().join("e1.csv");
    env.ok(&["export", "--all", "--output", export.to_str().unwrap()]);
    assert_eq!(mode(&export) & 0o077, 0, "no access for group or others");

    env.write_config("group_access = true\n");
    let backup = env.path().join("b2.sqlite3");
    env.ok(&["backup", backup.to_str().unwrap()]);
    assert_eq!(mode(&backup), 0o660, "a shared server's clerks share the group");
    assert_eq!(mode(&backup) & 0o007, 0, "never others");
}

#[test]
fn no_personal_data_reaches_the_log() {
    let env = TestEnv::with_staff();
    let name = "Logcheck Testsubjectova";
    let pin = "11503199012345";
    let r = env.add(&[
        "--name",
        name,
        "--pin",
        pin,
        "--email",
        "logcheck@example.org",
        "--description",
        "Secret words",
    ]);
    env.ok(&["note", &r, "Note about Logcheck"]);
    env.show(&r);
    env.ok(&["list", "--search", "Logcheck"]);
    let _ = env.aryz().args(["add", "--kind", "access", "--name", name, "--pin", "123"]).output();
    let _ = env.aryz().args(["respond", &r, "--outcome", "refused", "--text", name]).output();
    env.ok(&["respond", &r, "--outcome", "fulfilled", "--text", "Reply to Logcheck"]);
    let log = std::fs::read_to_string(env.path().join("aryz.log")).unwrap();
    assert!(log.lines().count() >= 6, "the log records the commands: {log}");
    for secret in [name, "Logcheck", pin, "logcheck@example.org", "Secret words", "Testsubjectova"] {
        assert!(!log.contains(secret), "the log contains '{secret}':\n{log}");
    }
}

/// Three rows, the second one bad (an unknown kind), with the given line ending.
fn mixed_rows(end: &str) -> String {
    [
        HEADER.to_string(),
        format!("access,Test Subject One,{PIN_MALE},2026-11-20,,,,,"),
        format!("erase,Test Subject Bad,{PIN_MALE},2026-11-20,,,,,"),
        format!("complaint,Test Subject Three,{PIN_FEMALE},2026-11-20,,,,,"),
    ]
    .join(end)
        + end
}

#[test]
fn import_checks_the_rejects_file_before_importing_anything() {
    let env = TestEnv::with_staff();
    let file = write(&env, "mixed.csv", &mixed_rows("\n"));
    let before = env.snapshot();
    // An existing rejects file: refused, left as it was, and nothing imported.
    let taken = write(&env, "taken.csv", "keep me\n");
    let out = env.as_op("sam").args(["import", &file, "--rejects", &taken]).output().unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert_mentions(
        &String::from_utf8_lossy(&out.stderr),
        &["taken.csv", "already exists", "nothing was imported"],
    );
    assert_eq!(std::fs::read_to_string(&taken).unwrap(), "keep me\n");
    assert_eq!(env.snapshot(), before);
    // A rejects file that cannot be created (its directory does not exist): the same.
    let nowhere = env.path().join("no-such-dir").join("rejects.csv");
    let out =
        env.as_op("sam").args(["import", &file, "--rejects", nowhere.to_str().unwrap()]).output().unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert_mentions(
        &String::from_utf8_lossy(&out.stderr),
        &["rejects.csv", "cannot be written", "nothing was imported"],
    );
    assert_eq!(env.snapshot(), before);
    // No probe file is left behind, and a good path works.
    let left: Vec<String> = std::fs::read_dir(env.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.contains("probe") || n.contains("partial"))
        .collect();
    assert!(left.is_empty(), "{left:?}");
    let rejects = env.path().join("rejects.csv");
    ok(env.as_op("sam").args(["import", &file, "--rejects", rejects.to_str().unwrap()]));
    assert_eq!(env.json(&["list"]).as_array().unwrap().len(), 2);
}

#[test]
fn import_line_numbers_and_rejected_rows_are_right_for_lf_crlf_and_cr_files() {
    for (name, end) in [("lf", "\n"), ("crlf", "\r\n"), ("cr", "\r")] {
        let env = TestEnv::with_staff();
        let file = write(&env, &format!("{name}.csv"), &mixed_rows(end));
        // Without --rejects: the bad row is named by its line, and nothing is imported.
        let out = env.as_op("sam").args(["import", &file]).output().unwrap();
        assert_eq!(out.status.code(), Some(1), "{name}");
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(stderr.contains("line 3: kind"), "{name}: {stderr}");
        // With --rejects: the file holds exactly that row, under its own line number.
        let rejects = env.path().join(format!("{name}-rejects.csv"));
        ok(env.as_op("sam").args(["import", &file, "--rejects", rejects.to_str().unwrap()]));
        let bad = std::fs::read_to_string(&rejects).unwrap();
        let lines: Vec<&str> = bad.lines().collect();
        assert_eq!(lines.len(), 2, "{name}: {bad}");
        assert!(lines[1].starts_with("3,\"kind:"), "{name}: {bad}");
        assert!(lines[1].contains(",erase,Test Subject Bad,"), "{name}: {bad}");
        assert_eq!(env.json(&["list"]).as_array().unwrap().len(), 2, "{name}");
    }
}

#[test]
fn import_summarises_warnings_per_kind_unless_verbose() {
    let env = TestEnv::with_staff();
    // 25 rows received in October: each is registered late, the same warning 25 times.
    let mut text = format!("{HEADER}\n");
    for i in 1..=25 {
        text.push_str(&format!("access,Test Subject {i},{PIN_MALE},2026-10-{i:02},,,,,\n"));
    }
    let file = write(&env, "late.csv", &text);
    let late = "warning: received: registered more than one working day after receipt";
    let run = |extra: &[&str]| {
        let out = env.as_op("sam").args(["import", &file, "--dry-run"]).args(extra).output().unwrap();
        assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
        String::from_utf8_lossy(&out.stderr).into_owned()
    };
    let short = run(&[]);
    let listed: Vec<&str> = short.lines().filter(|l| l.contains(late)).collect();
    assert_eq!(listed.len(), 10, "{short}");
    assert!(listed[0].starts_with("line 2: ") && listed[9].starts_with("line 11: "), "{short}");
    let more: Vec<&str> = short.lines().filter(|l| l.starts_with("… 15 more rows with: received:")).collect();
    assert_eq!(more.len(), 1, "{short}");
    assert!(more[0].contains("25 in all") && more[0].contains("--verbose"), "{short}");
    let all = run(&["--verbose"]);
    let listed: Vec<&str> = all.lines().filter(|l| l.contains(late)).collect();
    assert_eq!(listed.len(), 25, "{all}");
    assert!(listed[24].starts_with("line 26: "), "{all}");
    assert!(!all.contains("more rows with"), "{all}");
}

#[test]
fn a_bulk_import_keeps_search_figures_and_audit_whole() {
    let env = TestEnv::with_staff();
    let before = env.add(&[]);
    let entries = |env: &TestEnv| env.json(&["audit", "verify"])["entries"].as_i64().unwrap();
    let audit_before = entries(&env);
    // Enough rows for the bulk path (search index and daily figures filled at the end).
    let kinds = ["access", "correction", "complaint", "information"];
    let mut text = format!("{HEADER}\n");
    for i in 0..600 {
        let (kind, day) = (kinds[i % 4], 2 + i % 20);
        text.push_str(&format!("{kind},Bulk Testsubject{i},{PIN_MALE},2026-11-{day:02},,,,,\n"));
    }
    let file = write(&env, "bulk.csv", &text);
    let out = ok(env.as_op("sam").args(["import", &file]));
    assert!(out.contains("600 rows: 600 imported"), "{out}");
    // One audit entry per request and one for the import, in an intact chain.
    assert_eq!(entries(&env), audit_before + 601);
    // The daily figures agree with a recount (`check` compares them) and the search index
    // holds the new rows; the triggers are back for what comes next.
    let check = env.ok(&["check"]);
    assert!(check.contains("integrity: ok") && check.contains("audit log: intact"), "{check}");
    let found = env.json(&["list", "--all", "--search", "Testsubject599"]);
    assert_eq!(found.as_array().unwrap().len(), 1, "{found}");
    let found = env.json(&["list", "--all", "--search", &before]);
    assert_eq!(refs(&found), vec![before.clone()]);
    let after = env.add(&["--name", "Later Testsubjectafter"]);
    assert_eq!(refs(&env.json(&["list", "--all", "--search", "Testsubjectafter"])), vec![after]);
    env.ok(&["check"]);
}
