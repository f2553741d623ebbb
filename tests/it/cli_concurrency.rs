//! Several aryz processes writing one database at once: nothing lost, nothing doubled.

use crate::common;

use std::collections::BTreeSet;
use std::sync::Arc;

use common::*;

/// Runs `per_worker` commands built by `make` in each of `workers` threads; returns stdouts.
fn in_parallel<F>(env: &Arc<TestEnv>, workers: usize, per_worker: usize, make: F) -> Vec<String>
where
    F: Fn(&TestEnv, usize, usize) -> assert_cmd::Command + Send + Sync + 'static,
{
    let make = Arc::new(make);
    let handles: Vec<_> = (0..workers)
        .map(|w| {
            let env = Arc::clone(env);
            let make = Arc::clone(&make);
            std::thread::spawn(move || (0..per_worker).map(|i| ok(&mut make(&env, w, i))).collect::<Vec<_>>())
        })
        .collect();
    handles.into_iter().flat_map(|h| h.join().expect("worker thread")).collect()
}

#[test]
fn parallel_adds_get_distinct_sequential_references_and_none_is_lost() {
    let env = Arc::new(TestEnv::with_staff());
    let (workers, per_worker) = (2, 30);
    let out = in_parallel(&env, workers, per_worker, |env, w, i| {
        let mut cmd = env.as_op(if w % 2 == 0 { "cara" } else { "carl" });
        cmd.args(["add", "--kind", "access", "--pin", PIN_MALE, "--name", &format!("Worker{w} Subject{i}")]);
        cmd
    });
    let printed: Vec<String> = out.iter().map(|s| s.trim().to_string()).collect();
    for r in &printed {
        assert_reference(r);
    }
    let distinct: BTreeSet<&String> = printed.iter().collect();
    assert_eq!(distinct.len(), workers * per_worker, "every reference distinct: {printed:?}");
    // Sequential: exactly 1..=60, no gaps.
    let want: BTreeSet<String> = (1..=workers * per_worker).map(|n| format!("ARZ-2026-{n:06}")).collect();
    assert_eq!(distinct.into_iter().cloned().collect::<BTreeSet<_>>(), want);
    // All present, each with its own subject.
    let list = env.json(&["list", "--all", "--limit", "10000"]);
    let stored: BTreeSet<String> = refs(&list).into_iter().collect();
    assert_eq!(stored, want);
    let names: BTreeSet<String> =
        list.as_array().unwrap().iter().map(|r| r["subject"]["name"].as_str().unwrap().to_string()).collect();
    assert_eq!(names.len(), workers * per_worker);
}

#[test]
fn parallel_notes_on_one_request_are_all_kept() {
    let env = Arc::new(TestEnv::with_staff());
    let r = env.add(&[]);
    let (workers, per_worker) = (3, 8);
    let target = r.clone();
    in_parallel(&env, workers, per_worker, move |env, w, i| {
        let r = &target;
        let mut cmd = env.as_op(["sam", "cara", "carl"][w]);
        cmd.args(["note", r, &format!("note {w}-{i}")]);
        cmd
    });
    let d = env.show(&r);
    let notes: BTreeSet<String> = d["events"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| e["kind"] == "note")
        .map(|e| e["text"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(notes.len(), workers * per_worker, "{notes:?}");
}

#[test]
fn parallel_answers_to_one_request_record_exactly_one() {
    let env = Arc::new(TestEnv::new());
    let r = env.add(&[]);
    let handles: Vec<_> = (0..4)
        .map(|_| {
            let env = Arc::clone(&env);
            let r = r.clone();
            std::thread::spawn(move || {
                env.aryz().args(["respond", &r, "--outcome", "fulfilled"]).output().unwrap()
            })
        })
        .collect();
    let outs: Vec<_> = handles.into_iter().map(|h| h.join().unwrap()).collect();
    let succeeded = outs.iter().filter(|o| o.status.success()).count();
    assert_eq!(succeeded, 1, "exactly one answer wins");
    for o in outs.iter().filter(|o| !o.status.success()) {
        let line = check_failure("respond", o);
        assert_mentions(&line, &["cannot answer", "answered"]);
    }
    let kinds = event_kinds(&env.show(&r));
    assert_eq!(kinds.iter().filter(|k| *k == "responded").count(), 1, "{kinds:?}");
}

/// Several `init` at once on one path: one creates the database, the others are refused.
fn racing_inits(rounds: usize) -> Vec<String> {
    let mut refusals = Vec::new();
    for _ in 0..rounds {
        let env = Arc::new(TestEnv::bare());
        let handles: Vec<_> = (0..4)
            .map(|_| {
                let env = Arc::clone(&env);
                std::thread::spawn(move || env.aryz().args(["init", "--dev-identity"]).output().unwrap())
            })
            .collect();
        let outs: Vec<_> = handles.into_iter().map(|h| h.join().unwrap()).collect();
        assert_eq!(outs.iter().filter(|o| o.status.success()).count(), 1, "exactly one init succeeds");
        for o in outs.iter().filter(|o| !o.status.success()) {
            refusals.push(check_failure("init", o));
        }
        let ops = env.json(&["operator", "list"]);
        assert_eq!(ops.as_array().unwrap().len(), 1);
        assert_eq!(ops[0]["role"], "admin");
        env.add(&[]);
    }
    refusals
}

#[test]
fn parallel_inits_create_one_working_database() {
    racing_inits(3);
}

#[test]
fn parallel_inits_that_lose_say_the_database_already_exists() {
    for line in racing_inits(5) {
        assert_mentions(&line, &["already exists"]);
    }
}
