//! Audit before disclosure (issue 11): an export is on record before its first byte
//! leaves, is marked completed or interrupted after, fails when the reader goes away, and
//! a SIGKILL while writing a file leaves nothing anyone can read.

use crate::common;

use std::io::{BufRead, BufReader};
use std::process::Stdio;
use std::time::Duration;

use common::*;

fn actions(env: &TestEnv) -> Vec<String> {
    let conn = rusqlite::Connection::open(env.db()).unwrap();
    let mut st = conn.prepare("SELECT action FROM audit ORDER BY id").unwrap();
    st.query_map([], |r| r.get(0)).unwrap().collect::<rusqlite::Result<_>>().unwrap()
}

fn spawn(env: &TestEnv, args: &[&str]) -> std::process::Child {
    env.process().args(args).stdout(Stdio::piped()).stderr(Stdio::piped()).spawn().unwrap()
}

/// Waits (polling the database, no fixed sleep) until the audit log has `n` entries.
fn wait_for_entries(env: &TestEnv, n: usize) {
    let conn = rusqlite::Connection::open(env.db()).unwrap();
    loop {
        let have: i64 = conn.query_row("SELECT count(*) FROM audit", [], |r| r.get(0)).unwrap();
        if have as usize >= n {
            return;
        }
        std::thread::sleep(Duration::from_millis(1));
    }
}

#[test]
fn an_export_cut_short_by_the_reader_fails_and_is_on_record() {
    let env = TestEnv::new();
    env.ok(&["demo", "--requests", "1500", "--seed", "3"]);
    let mut child = spawn(&env, &["export", "--unmasked", "--all"]);
    let mut first = String::new();
    BufReader::new(child.stdout.take().unwrap()).read_line(&mut first).unwrap();
    assert!(first.starts_with("ref,"), "{first}");
    // The reader is gone, as after `| head -n 1`.
    let out = child.wait_with_output().unwrap();
    assert_eq!(out.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("cut short"), "{stderr}");
    let a = actions(&env);
    assert_eq!(&a[a.len() - 2..], ["export", "export_interrupted"], "{a:?}");
    // A full export is completed.
    env.ok(&["export", "--all"]);
    let a = actions(&env);
    assert_eq!(&a[a.len() - 2..], ["export", "export_completed"]);
}

#[test]
fn sigkill_during_disclosures_leaves_no_readable_file() {
    let env = TestEnv::new();
    env.ok(&["demo", "--requests", "3000", "--seed", "4"]);
    let out_dir = env.path().join("out");
    std::fs::create_dir(&out_dir).unwrap();
    let mut kills = 0;
    let mut mid_way = 0;
    for i in 0..6 {
        let before = actions(&env).len();
        let target = out_dir.join(format!("e{i}.csv"));
        let to_file = i % 2 == 0;
        let mut child = if to_file {
            spawn(&env, &["export", "--unmasked", "--all", "--output", target.to_str().unwrap()])
        } else {
            // Stdout never read: the export blocks on a full pipe, mid-way for certain.
            spawn(&env, &["export", "--unmasked", "--all"])
        };
        // The disclosure is on record before any byte leaves…
        wait_for_entries(&env, before + 1);
        child.kill().unwrap();
        child.wait().unwrap();
        kills += 1;
        let after = actions(&env);
        assert_eq!(after[before], "export", "the entry was committed before the kill");
        if after.len() == before + 1 {
            mid_way += 1;
            // …and a killed file export left nothing behind, not even a hidden file.
            let left: Vec<_> = std::fs::read_dir(&out_dir).unwrap().map(|e| e.unwrap().file_name()).collect();
            assert!(left.is_empty(), "files left after SIGKILL: {left:?}");
        } else {
            assert_eq!(after[before + 1], "export_completed", "finished before the kill");
            assert!(target.exists());
            std::fs::remove_file(&target).unwrap();
        }
    }
    println!("SIGKILLs during disclosures: {kills}, of them mid-way: {mid_way}, partial files left: 0");
    assert!(mid_way >= 3, "at least the blocked ones were killed mid-way: {mid_way}");
    assert!(env.ok(&["audit", "verify"]).starts_with("audit log intact"));
}

#[test]
fn formula_cells_are_neutralised_in_every_csv_unless_raw() {
    let env = TestEnv::new();
    for (i, start) in ["=", "+", "-", "@"].iter().enumerate() {
        ok(env.aryz().args([
            "add",
            "--kind",
            "access",
            "--pin",
            PIN_MALE,
            &format!("--name={start}Subject Formula{i}"),
            &format!("--address={start}HYPERLINK(\"http://x\")"),
        ]));
    }
    let csv = env.ok(&["export", "--all"]);
    for start in ["=", "+", "-", "@"] {
        assert!(csv.contains(&format!("'{start}Subject")), "{start} neutralised: {csv}");
        assert!(!csv.contains(&format!(",{start}Subject")), "{start} never raw: {csv}");
    }
    let raw = env.ok(&["export", "--all", "--raw"]);
    assert!(raw.contains(",=Subject Formula0,"), "{raw}");
    let list = env.ok(&["--format", "csv", "list", "--all"]);
    assert!(list.contains("'=Subject") && !list.contains(",=Subject"), "{list}");
}

#[test]
fn a_view_cut_short_by_the_reader_fails_and_is_marked_interrupted() {
    let env = TestEnv::new();
    let r = env.add(&[]);
    // The reader is gone before aryz starts, as with `aryz show REF | true`: the read end
    // of its stdout pipe is closed before the process exists.
    let (reader, writer) = std::io::pipe().unwrap();
    drop(reader);
    let out = env.process().args(["show", &r]).stdout(writer).stderr(Stdio::piped()).output().unwrap();
    assert_eq!(out.status.code(), Some(1), "a view cut short is a failure");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("cut short"), "{stderr}");
    let a = actions(&env);
    assert_eq!(&a[a.len() - 2..], ["view", "view_interrupted"], "{a:?}");
    // A view read whole leaves its one entry, on record before the output.
    env.ok(&["show", &r]);
    let a = actions(&env);
    assert_eq!(a.last().map(String::as_str), Some("view"), "{a:?}");
    assert_eq!(env.ok(&["audit", "verify"]).lines().next().map(|l| l.contains("intact")), Some(true));
}
