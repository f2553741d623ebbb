//! Processes killed with SIGKILL inside their bulk writes' transactions (at a pause point the
//! debug build stops at, see `src/testpoint.rs`) leave a database that passes `aryz check`,
//! with each transaction whole or absent; several processes writing at once lose nothing.

use std::collections::BTreeSet;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use aryz::service::demo::Rng;

struct Env {
    dir: tempfile::TempDir,
}

impl Env {
    fn new() -> Env {
        let env = Env { dir: tempfile::tempdir().unwrap() };
        env.ok(&["init", "--dev-identity"]);
        env.ok(&["operator", "add", "aibek", "--role", "clerk"]);
        env
    }

    fn cmd(&self, args: &[&str]) -> Command {
        let mut c = Command::new(env!("CARGO_BIN_EXE_aryz"));
        c.env("ARYZ_DATA_DIR", self.dir.path())
            .env("ARYZ_CONFIG_DIR", self.dir.path())
            .env("ARYZ_TODAY", "2026-11-24")
            .env_remove("ARYZ_OPERATOR")
            .env_remove("ARYZ_KEY_FILE")
            .args(args);
        c
    }

    fn ok(&self, args: &[&str]) -> String {
        let out = self.cmd(args).output().unwrap();
        assert!(out.status.success(), "aryz {args:?}: {}", String::from_utf8_lossy(&out.stderr));
        String::from_utf8(out.stdout).unwrap()
    }

    fn json(&self, args: &[&str]) -> serde_json::Value {
        let mut a = args.to_vec();
        a.extend(["--format", "json"]);
        serde_json::from_str(&self.ok(&a)).unwrap()
    }

    /// Runs `lines` (each the arguments of one subcommand) through `aryz __batch`: one process,
    /// each line its own session and transaction.
    fn batch(&self, lines: &[Vec<String>]) -> String {
        let mut child = self
            .cmd(&["__batch"])
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        let mut input = String::new();
        for l in lines {
            input.push_str(&serde_json::to_string(l).unwrap());
            input.push('\n');
        }
        child.stdin.take().unwrap().write_all(input.as_bytes()).unwrap();
        let out = child.wait_with_output().unwrap();
        assert!(out.status.success(), "aryz __batch: {}", String::from_utf8_lossy(&out.stderr));
        String::from_utf8(out.stdout).unwrap()
    }

    fn count(&self) -> usize {
        self.json(&["list", "--all", "--limit", "10000"]).as_array().unwrap().len()
    }
}

fn import_file(dir: &Path, rows: usize) -> PathBuf {
    let mut s = String::from("kind,name,pin,received\n");
    for i in 0..rows {
        s.push_str(&format!("access,Crash Testsubject {i},2150319901{:04},2026-11-23\n", i % 10_000));
    }
    let p = dir.join("batch.csv");
    std::fs::write(&p, s).unwrap();
    p
}

#[test]
fn killed_bulk_import_is_whole_or_absent() {
    let env = Env::new();
    let file = import_file(env.dir.path(), 600);
    let file = file.to_str().unwrap().to_string();
    // Killed inside its transaction with every row, event and the audit entry written, just
    // before the commit (`import:600`): none of it stays, and the database checks clean.
    run_to_pause_and_kill(&env, &["import", &file], "import:600");
    env.ok(&["check"]);
    assert_eq!(env.count(), 0, "a killed import left rows");
    // Run to the end: all of it.
    env.ok(&["import", &file]);
    env.ok(&["check"]);
    assert_eq!(env.count(), 600);
    // Killed again at the same point over the first import's rows: they stay, nothing joins.
    run_to_pause_and_kill(&env, &["import", &file], "import:600");
    env.ok(&["check"]);
    assert_eq!(env.count(), 600, "a killed import added rows");
}

/// Runs `args` with the pause point `at` (`assign:K`, `import:N`; debug builds: see `src/testpoint.rs`),
/// waits until the process says it stands there, inside its transaction, and kills it. Fails
/// when the process ends without reaching the point.
fn run_to_pause_and_kill(env: &Env, args: &[&str], at: &str) {
    use std::io::BufRead;
    let mut child = env
        .cmd(args)
        .env("ARYZ_TEST_PAUSE", at)
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut stderr = std::io::BufReader::new(child.stderr.take().unwrap());
    let want = format!("aryz: test pause {at}");
    let mut said = String::new();
    loop {
        let mut line = String::new();
        if stderr.read_line(&mut line).unwrap() == 0 {
            let status = child.wait().unwrap();
            panic!("aryz {args:?} ended ({status}) without reaching {at}:\n{said}");
        }
        if line.trim_end() == want {
            break;
        }
        said.push_str(&line);
    }
    child.kill().unwrap();
    child.wait().unwrap();
}

fn assignees(env: &Env) -> BTreeSet<String> {
    env.json(&["list", "--limit", "1000"])
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["assignee"].as_str().unwrap_or("-").to_string())
        .collect()
}

/// A bulk assignment of 300 requests killed inside its transaction, after a random number of
/// them (the first and the last included), leaves none of them changed; run again to the
/// end, all of them. The kill waits for the process to stand at that point, so it lands
/// mid-way however loaded the machine is.
#[test]
fn killed_bulk_assignment_is_whole_or_absent() {
    let env = Env::new();
    let file = import_file(env.dir.path(), 300);
    env.ok(&["import", file.to_str().unwrap()]);
    let refs: Vec<String> = env
        .json(&["list", "--limit", "1000"])
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["ref"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(refs.len(), 300);
    let mut rng = Rng::new(7);
    let ops = env.json(&["operator", "list"]);
    let root = ops.as_array().unwrap().iter().find(|o| o["role"] == "admin").unwrap()["login"]
        .as_str()
        .unwrap()
        .to_string();
    let mut before = BTreeSet::from(["-".to_string()]);
    assert_eq!(assignees(&env), before);
    for round in 0..8 {
        let login = if round % 2 == 0 { "aibek".to_string() } else { root.clone() };
        let mut args: Vec<&str> = vec!["assign"];
        args.extend(refs.iter().map(String::as_str));
        args.push(&login);
        let at = match round {
            0 => 1,
            1 => refs.len(),
            _ => 1 + rng.below(refs.len() as u64) as usize,
        };
        run_to_pause_and_kill(&env, &args, &format!("assign:{at}"));
        env.ok(&["check"]);
        assert_eq!(
            assignees(&env),
            before,
            "a bulk assignment killed after {at} requests was applied in part"
        );
        env.ok(&args);
        env.ok(&["check"]);
        before = BTreeSet::from([login.clone()]);
        assert_eq!(assignees(&env), before, "a bulk assignment run to the end was not applied whole");
    }
}

/// Four writers at once, 250 notes each: 1,000 writes contending for the same rows, as
/// when this test started one process per write, now in 5 processes of 50 writes per writer
/// (20 processes instead of 1,000). The strength is kept: `aryz __batch` runs each write as
/// `aryz note …` would, with its own connection (opened, checked and migrated like a new
/// process's) and its own `BEGIN IMMEDIATE` transaction, so every one of the 1,000 writes
/// still waits for the others' write lock, and processes still start and exit while others
/// write. Only the start of a debug binary per write is saved. Every tenth write also
/// registers a request, so references are handed out under the same contention.
#[test]
fn four_processes_writing_at_once_lose_nothing() {
    let env = Env::new();
    let file = import_file(env.dir.path(), 4);
    env.ok(&["import", file.to_str().unwrap()]);
    let refs: Vec<String> = env
        .json(&["list"])
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["ref"].as_str().unwrap().to_string())
        .collect();
    let (writers, processes, per_process) = (4, 5, 50);
    let per_writer = processes * per_process;
    std::thread::scope(|s| {
        for w in 0..writers {
            let (env, refs) = (&env, &refs);
            s.spawn(move || {
                for p in 0..processes {
                    let mut lines = Vec::new();
                    for i in p * per_process..(p + 1) * per_process {
                        // Each writer notes on every request, so they contend for the same rows.
                        let target = &refs[(w + i) % refs.len()];
                        lines.push(vec!["note".into(), target.clone(), format!("writer {w} change {i}")]);
                        if i % 10 == 0 {
                            lines.push(
                                ["add", "--kind", "access", "--pin", "21503199012345", "--name"]
                                    .map(String::from)
                                    .into_iter()
                                    .chain([format!("Writer{w} Subject{i}")])
                                    .collect(),
                            );
                        }
                    }
                    env.batch(&lines);
                }
            });
        }
    });
    let mut notes = BTreeSet::new();
    for r in &refs {
        let events = env.json(&["show", r])["events"].as_array().unwrap().clone();
        for e in events.iter().filter(|e| e["kind"] == "note") {
            assert!(notes.insert(e["text"].as_str().unwrap().to_string()), "a note recorded twice: {e}");
        }
    }
    // No lost update: every note of every writer is there, once.
    let want: BTreeSet<String> =
        (0..writers).flat_map(|w| (0..per_writer).map(move |i| format!("writer {w} change {i}"))).collect();
    assert_eq!(notes, want);
    // No duplicate reference and no gap: the 4 imported, then one per tenth write.
    let all: BTreeSet<String> = env
        .json(&["list", "--all", "--limit", "10000"])
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["ref"].as_str().unwrap().to_string())
        .collect();
    let added = writers * per_writer / 10;
    let want: BTreeSet<String> = (1..=refs.len() + added).map(|n| format!("ARZ-2026-{n:06}")).collect();
    assert_eq!(all, want);
    let check = env.ok(&["audit", "verify"]);
    assert!(check.contains("intact"), "{check}");
    env.ok(&["check"]);
}
