//! The command line on PostgreSQL: `database = "postgres://…"` in config.toml selects it, and
//! an office's day (register, search, assign, note, answer, verify, check, report, export)
//! behaves as on SQLite. The store behaviours themselves are the conformance suite's
//! (`store_tests!`, run on both backends in the library's tests).

use std::collections::BTreeSet;

use serde_json::Value;

use crate::common::{PIN_FEMALE, PIN_MALE, TestEnv, refs};
use crate::support::pg;

/// A `--dev-identity` aryz environment whose database is a fresh one on the test cluster,
/// with a supervisor `sam` and clerks `cara` and `carl`.
fn pg_env() -> Option<(TestEnv, String)> {
    let cluster = pg::cluster()?;
    let url = pg::fresh_database(cluster);
    let mut env = TestEnv::bare();
    env.write_config(&format!("database = {url:?}\n"));
    let out = env.ok(&["init", "--dev-identity"]);
    assert!(out.contains("postgres://"), "{out}");
    let ops = env.json(&["operator", "list"]);
    env.admin = ops[0]["login"].as_str().expect("login").to_string();
    env.ok(&["operator", "add", "sam", "--role", "supervisor", "--name", "Sam Supervisor"]);
    env.ok(&["operator", "add", "cara", "--role", "clerk", "--name", "Cara Clerk"]);
    env.ok(&["operator", "add", "carl", "--role", "clerk", "--name", "Carl Clerk"]);
    Some((env, url))
}

#[test]
fn an_office_day_runs_on_postgresql() {
    let Some((env, _url)) = pg_env() else { return };
    let a = env.add(&[
        "--kind",
        "access",
        "--name",
        "АЙГҮЛ Асанова",
        "--pin",
        PIN_FEMALE,
        "--received",
        "2026-11-20",
    ]);
    let b = env.add(&[
        "--kind",
        "correction",
        "--name",
        "Бакыт Осмонов",
        "--pin",
        PIN_MALE,
        "--received",
        "2026-11-23",
    ]);
    // Search: any case in Kyrgyz and Russian, by word prefix, by reference digits and PIN.
    assert_eq!(refs(&env.json(&["list", "--search", "айгүл"])), vec![a.clone()]);
    assert_eq!(refs(&env.json(&["list", "--search", "осмон"])), vec![b.clone()]);
    let tail = &b[b.len() - 6..];
    assert_eq!(refs(&env.json(&["list", "--search", tail])), vec![b.clone()]);
    assert_eq!(refs(&env.json(&["list", "--search", &PIN_MALE[..8]])), vec![b.clone()]);
    assert_eq!(refs(&env.json(&["list", "--search", "zzzz\"*("])), Vec::<String>::new());
    // Work: assign, note, answer as the clerk.
    env.ok(&["assign", &a, "cara"]);
    crate::common::ok(env.as_op("cara").args(["note", &a, "Called the subject"]));
    crate::common::ok(env.as_op("cara").args([
        "respond",
        &a,
        "--outcome",
        "fulfilled",
        "--text",
        "Copy sent",
    ]));
    let shown = env.show(&a);
    assert_eq!(shown["status"], "answered");
    let kinds = crate::common::event_kinds(&shown);
    assert!(kinds.iter().any(|k| k == "note") && kinds.iter().any(|k| k == "responded"), "{kinds:?}");
    // A stale write is refused by the version check, as on SQLite.
    assert_eq!(refs(&env.json(&["list"])), vec![b.clone()]);
    assert_eq!(refs(&env.json(&["list", "--all"])).len(), 2);
    // The chain verifies; check finds nothing; doctor names the engine.
    let verify = env.ok(&["audit", "verify"]);
    assert!(verify.contains("intact"), "{verify}");
    let check = env.ok(&["check"]);
    assert!(check.contains("integrity: ok"), "{check}");
    let doctor = env.ok(&["doctor"]);
    assert!(doctor.contains("PostgreSQL 1"), "{doctor}");
    // Reports and export read the same figures.
    let report: Value = env.json(&["report", "monthly", "--month", "2026-11"]);
    assert_eq!(report["total"]["received"], 2, "{report}");
    assert_eq!(report["total"]["answered_in_time"], 1, "{report}");
    let exported = env.json(&["export", "--all"]);
    assert_eq!(exported.as_array().map(Vec::len), Some(2));
}

#[test]
fn init_refuses_a_database_that_is_not_empty() {
    let Some((env, _url)) = pg_env() else { return };
    let err = env.fails(&["init"]);
    assert!(err.contains("already exists"), "{err}");
}

#[test]
fn a_password_in_the_url_and_a_remote_server_without_tls_are_refused() {
    let env = TestEnv::bare();
    let err = env.fails(&["--db", "postgres://clerk:secret@localhost/aryz", "list"]);
    assert!(err.contains("PGPASSWORD") && !err.contains("secret"), "{err}");
    let err = env.fails(&["--db", "postgres://db.example.kg/aryz?sslmode=disable", "list"]);
    assert!(err.contains("TLS is required"), "{err}");
    // Without sslmode a remote server is verify-full: a root certificate is needed.
    let err = crate::common::fails(env.aryz().env("HOME", env.dir.path()).args([
        "--db",
        "postgres://db.example.kg/aryz",
        "list",
    ]));
    assert!(err.contains("verify-full") && err.contains("root.crt"), "{err}");
}

/// Connects to the test database `url` as the login role `user` (trust on the private
/// cluster's socket: the server's own rules are what is under test).
fn connect_as(url: &str, user: &str) -> Result<postgres::Client, postgres::Error> {
    let url = url.replace("user=postgres", &format!("user={user}"));
    postgres::Client::connect(&url, postgres::NoTls)
}

/// The figures' spans on the server, as text, in a fixed order.
fn figures(c: &mut postgres::Client) -> Vec<String> {
    c.query("SELECT request_figures::text FROM request_figures ORDER BY request_id, valid_from", &[])
        .expect("read the figures")
        .iter()
        .map(|r| r.get(0))
        .collect()
}

fn message(e: &postgres::Error) -> String {
    e.as_db_error().map_or_else(|| e.to_string(), |d| d.message().to_string())
}

/// Figures a migration marked stale and no process replayed (it ended first) are replayed
/// by the next process that opens the database, even for a command that only reads; an
/// open with nothing stale leaves the figures as they are.
#[test]
fn stale_figures_left_behind_are_replayed_at_the_next_open() {
    let Some((env, url)) = pg_env() else { return };
    let r = env.add(&["--kind", "access", "--name", "Stale Subject", "--pin", PIN_MALE]);
    let mut admin = postgres::Client::connect(&url, postgres::NoTls).expect("the superuser connects");
    let stale = |c: &mut postgres::Client| -> i64 {
        c.query_one("SELECT count(*) FROM figures_stale", &[]).expect("count the stale").get(0)
    };
    let kept = figures(&mut admin);
    assert!(!kept.is_empty(), "the request has its figures");
    assert_eq!(stale(&mut admin), 0);
    // What a migration's backfill leaves when its process ends before the replay.
    admin
        .batch_execute(
            "DELETE FROM request_figures; INSERT INTO figures_stale (request_id) SELECT id FROM requests",
        )
        .expect("leave the figures stale");
    assert!(figures(&mut admin).is_empty());
    let listed = env.ok(&["list"]);
    assert!(listed.contains(&r), "{listed}");
    assert_eq!(stale(&mut admin), 0, "the open replayed what was stale");
    assert_eq!(figures(&mut admin), kept, "the replay wrote the figures the request had");
    env.ok(&["list"]);
    assert_eq!(figures(&mut admin), kept);
}

#[test]
fn a_clerk_connecting_directly_can_do_nothing_aryz_refuses() {
    let Some((env, url)) = pg_env() else { return };
    let cara_url = url.replace("user=postgres", "user=cara");
    // Through aryz, connected as her own login role, the clerk works normally.
    let r = crate::common::ok(env.as_op("cara").args([
        "--db",
        &cara_url,
        "add",
        "--kind",
        "access",
        "--name",
        "Нургүл Токтосунова",
        "--pin",
        PIN_FEMALE,
    ]));
    let r = r.trim().to_string();
    crate::common::ok(env.as_op("cara").args(["--db", &cara_url, "note", &r, "Called"]));
    let log = env.json(&["audit", "log", "--operator", "cara"]);
    assert!(log.as_array().is_some_and(|a| a.len() >= 2), "{log}");
    assert!(env.ok(&["audit", "verify"]).contains("intact"));
    // Directly, with the same role: no write to the log, no deletion, no change outside the
    // workflow's columns.
    let mut cara = connect_as(&url, "cara").expect("cara logs in");
    for sql in [
        "INSERT INTO audit (id, at, actor, action, prev_hash, hash) VALUES (999, 'now', 'root', 'forged', '', '')",
        "UPDATE audit SET actor = 'root'",
        "DELETE FROM audit",
        "UPDATE audit_head SET id = 0",
        "DELETE FROM requests",
        "UPDATE requests SET ref = 'ARZ-2026-999999'",
        "UPDATE requests SET erased_on = '2026-01-01'",
        "INSERT INTO operators (login, role, created_at) VALUES ('mallory', 'admin', 'now')",
        "UPDATE operators SET role = 'admin' WHERE login = 'cara'",
        "INSERT INTO stats_daily (day, kind, received) VALUES ('2026-01-01', 'access', 5)",
        "SELECT aryz_sync_role('cara', 'admin', true)",
        "INSERT INTO request_figures (received_on, request_id, valid_from, valid_until, kind, standing, reopened, backdated, paused, extended) VALUES ('2026-11-24', 1, '2026-11-24', '9999-12-31', 'access', 'in_time', false, false, false, false)",
        "DELETE FROM request_figures",
        "DELETE FROM figures_stale",
        "UPDATE figures_monthly SET n = n + 1",
        "DELETE FROM attachments",
        "UPDATE attachments SET file_name = 'other.pdf'",
        "DELETE FROM blobs",
        "UPDATE blobs SET data = 'forged'",
        "UPDATE representatives SET name = 'Someone Else'",
        "INSERT INTO request_links (request_id, duplicate_of) VALUES (1, 1)",
        "DELETE FROM mail_imports",
        "UPDATE record_state SET audit_id = 0",
        "INSERT INTO record_state (kind, id, login, hash, audit_id) VALUES (1, 999, '', '\\x00', 1)",
    ] {
        let e = cara.batch_execute(sql).expect_err(sql);
        assert!(message(&e).contains("permission denied"), "{sql}: {e:?}");
    }
    // The figures are the server's replay: there is no function to file spans with, and the
    // one that refreshes them takes no figures from its caller and changes nothing that is
    // right already.
    let before = figures(&mut cara);
    assert!(!before.is_empty());
    let e = cara
        .batch_execute(
            "SELECT aryz_figures_replace('{}', '{1}', '{1}', '{2026-01-01}', '{access}', '{2026-01-01}', '{9999-12-31}', '{in_time}', '{cara}', '{f}', '{f}', '{f}', '{f}')",
        )
        .expect_err("no function files spans");
    assert!(message(&e).contains("does not exist"), "{e:?}");
    cara.batch_execute("SELECT aryz_figures_refresh(100)").expect("refresh");
    assert_eq!(figures(&mut cara), before);
    // A temporary table of her own does not stand in for the server's: the SECURITY DEFINER
    // functions look in the schema first.
    cara.batch_execute(
        "CREATE TEMP TABLE audit_head (one boolean, id bigint, hash text);
         INSERT INTO audit_head VALUES (true, 0, '');
         CREATE TEMP TABLE figures_stale (request_id bigint);",
    )
    .expect("a temporary table");
    cara.query_one(
        "SELECT entry_id FROM aryz_audit_append('2026-11-24T10:00:00+06:00', 'root', 'shadowed', '', '', '')",
        &[],
    )
    .expect("append");
    cara.batch_execute("SELECT aryz_figures_refresh(100)").expect("refresh");
    assert_eq!(figures(&mut cara), before);
    // A file added directly is numbered by the server and filed under her own login.
    cara.batch_execute(&format!(
        "INSERT INTO blobs (sha256, size, data) VALUES (encode(sha256('x'::bytea), 'hex'), 1, 'x'::bytea);
         INSERT INTO attachments (request_id, n, kind, file_name, sha256, size, added_by, added_at)
            SELECT id, 7, 'other', 'x.txt', encode(sha256('x'::bytea), 'hex'), 99, 'root', 'now' FROM requests WHERE ref = '{r}'"
    ))
    .expect("a file added directly");
    let row = cara.query_one("SELECT n, added_by, size FROM attachments", &[]).expect("the file");
    assert_eq!(
        (row.get::<_, i64>(0), row.get::<_, String>(1), row.get::<_, i64>(2)),
        (1, "cara".to_string(), 1)
    );
    let e = cara
        .batch_execute("INSERT INTO blobs (sha256, size, data) VALUES (repeat('0', 64), 6, 'forged'::bytea)")
        .expect_err("a content under another's SHA-256");
    assert!(message(&e).contains("check constraint"), "{e:?}");
    // Verification names what she did behind aryz's back, and the figures stay right.
    let out = env.aryz().args(["audit", "verify"]).output().expect("verify");
    let said = format!("{}{}", String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr));
    assert!(!out.status.success() && said.contains(&r), "{said}");
    let out = env.aryz().args(["check"]).output().expect("check");
    let said = format!("{}{}", String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr));
    assert!(!said.contains("figures"), "{said}");
    // The append function is open to her, but it takes the actor from her login.
    let row = cara
        .query_one("SELECT entry_id FROM aryz_audit_append('2026-11-24T10:00:00+06:00', 'root', 'forged', '', '', '')", &[])
        .expect("append");
    let id: i64 = row.get(0);
    let actor: String = cara.query_one("SELECT actor FROM audit WHERE id = $1", &[&id]).expect("read").get(0);
    assert_eq!(actor, "cara");
    // So does the run of entries a bulk import appends under one lock (migration 0008):
    // each entry is hers and chained to the one before.
    let rows = cara
        .query(
            "SELECT entry_id, entry_hash, entry_actor FROM aryz_audit_append_run(
                 '{2026-11-24T10:00:00+06:00,2026-11-24T10:00:01+06:00}', '{root,root}', '{forged,forged}',
                 '{\"\",\"\"}', '{\"\",\"\"}', '{\"\",\"\"}', '{NULL,NULL}', '{NULL,NULL}', '{NULL,NULL}',
                 '{NULL,NULL}')",
            &[],
        )
        .expect("append a run");
    let run: Vec<(i64, String, String)> = rows.iter().map(|r| (r.get(0), r.get(1), r.get(2))).collect();
    assert_eq!(
        run.iter().map(|r| (r.0, r.2.as_str())).collect::<Vec<_>>(),
        [(id + 1, "cara"), (id + 2, "cara")]
    );
    let stored = cara
        .query("SELECT actor, prev_hash, hash FROM audit WHERE id > $1 ORDER BY id", &[&id])
        .expect("read the run");
    let prev: String = cara.query_one("SELECT hash FROM audit WHERE id = $1", &[&id]).expect("read").get(0);
    assert_eq!(
        stored
            .iter()
            .map(|r| (r.get::<_, String>(0), r.get::<_, String>(1), r.get::<_, String>(2)))
            .collect::<Vec<_>>(),
        [
            ("cara".to_string(), prev, run[0].1.clone()),
            ("cara".to_string(), run[0].1.clone(), run[1].1.clone())
        ]
    );
    // Disabling an operator revokes the login.
    env.ok(&["operator", "disable", "carl"]);
    let e = connect_as(&url, "carl").err().expect("a disabled operator cannot log in");
    assert!(message(&e).contains("not permitted to log in"), "{e:?}");
}

/// Offices on the server: a clerk of OSH connecting directly (as aryz does, with her own
/// login role) reads and changes only OSH's requests and their rows; she cannot move a
/// request or put one in another office; a supervisor of the head office sees both; aryz
/// itself refuses the other office's request naming the reason.
#[test]
fn a_clerk_connecting_directly_sees_and_changes_only_her_office() {
    let Some((env, url)) = pg_env() else { return };
    env.ok(&["office", "add", "OSH", "--name-en", "Osh (example)"]);
    env.ok(&["operator", "add", "olga", "--role", "clerk", "--office", "OSH"]);
    let as_user = |user: &str| url.replace("user=postgres", &format!("user={user}"));
    let main = crate::common::ok(env.as_op("cara").args([
        "--db",
        &as_user("cara"),
        "add",
        "--kind",
        "access",
        "--name",
        "Test Main",
        "--pin",
        PIN_FEMALE,
    ]))
    .trim()
    .to_string();
    let osh = crate::common::ok(env.as_op("olga").args([
        "--db",
        &as_user("olga"),
        "add",
        "--kind",
        "access",
        "--name",
        "Test Osh",
        "--pin",
        PIN_MALE,
    ]))
    .trim()
    .to_string();
    crate::common::ok(env.as_op("olga").args(["--db", &as_user("olga"), "note", &osh, "Called"]));
    // Through aryz on a connection that sees every row (the owner's), the service refuses
    // naming the office; with her own login role the server does not let the row exist.
    let out = env.as_op("olga").args(["show", &main]).output().expect("show");
    let said = String::from_utf8_lossy(&out.stderr).to_string();
    assert!(!out.status.success() && said.contains("another office"), "{said}");
    let out = env.as_op("olga").args(["--db", &as_user("olga"), "show", &main]).output().expect("show");
    let said = format!("{}{}", String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr));
    assert!(
        !out.status.success() && said.contains("no such request") && !said.contains("Test Main"),
        "{said}"
    );
    // Directly: only her office's rows exist for her.
    let mut olga = connect_as(&url, "olga").expect("olga logs in");
    let refs: Vec<String> = olga
        .query("SELECT ref FROM requests ORDER BY ref", &[])
        .expect("read")
        .iter()
        .map(|r| r.get(0))
        .collect();
    assert_eq!(refs, vec![osh.clone()]);
    for sql in [
        "SELECT count(*) FROM events e JOIN requests r ON r.id = e.request_id WHERE r.office = 1",
        "SELECT count(*) FROM events WHERE request_id NOT IN (SELECT id FROM requests)",
        "SELECT count(*) FROM deadlines WHERE request_id NOT IN (SELECT id FROM requests)",
        "SELECT count(*) FROM request_figures WHERE request_id NOT IN (SELECT id FROM requests)",
    ] {
        let n: i64 = olga.query_one(sql, &[]).expect(sql).get(0);
        assert_eq!(n, 0, "{sql}");
    }
    let n: i64 = olga.query_one("SELECT count(*) FROM events", &[]).expect("events").get(0);
    assert!(n >= 2, "her own request's events: {n}");
    // The kept figures too: only her office's rows exist for her.
    let received = |c: &mut postgres::Client| -> i64 {
        c.query_one("SELECT coalesce(sum(received), 0)::bigint FROM stats_daily", &[])
            .expect("figures")
            .get(0)
    };
    for table in ["stats_daily", "figures_monthly", "figures_backlog_daily", "request_figures"] {
        let sql = format!(
            "SELECT count(*) FROM {table} WHERE office <> (SELECT id FROM offices WHERE code = 'OSH')"
        );
        let n: i64 = olga.query_one(&sql, &[]).expect(&sql).get(0);
        assert_eq!(n, 0, "{sql}");
    }
    assert_eq!(received(&mut olga), 1);
    // A supervisor of Osh, as her own login role: her office's backlog and digest; the head
    // office's are refused, naming it.
    env.ok(&["operator", "add", "oleg", "--role", "supervisor", "--office", "OSH"]);
    let backlog = crate::common::ok(env.as_op("oleg").args([
        "--db",
        &as_user("oleg"),
        "--format",
        "json",
        "report",
        "backlog",
        "--days",
        "3",
    ]));
    let backlog: serde_json::Value = serde_json::from_str(&backlog).expect("json");
    assert_eq!(backlog["days"].as_array().and_then(|d| d.last()).map(|d| d["open"].clone()), Some(1.into()));
    let out = env
        .as_op("oleg")
        .args(["--db", &as_user("oleg"), "report", "backlog", "--office", "MAIN"])
        .output()
        .expect("backlog");
    let said = String::from_utf8_lossy(&out.stderr).to_string();
    assert!(!out.status.success() && said.contains("MAIN"), "{said}");
    // Changing another office's request changes nothing (it does not exist for her).
    let changed = olga
        .execute("UPDATE requests SET description = 'changed' WHERE ref = $1", &[&main])
        .expect("an update that finds nothing");
    assert_eq!(changed, 0);
    let changed = olga
        .execute(
            "INSERT INTO events (request_id, at, actor, kind, text) SELECT id, 'now', 'olga', 'note', 'x' FROM requests WHERE ref = $1",
            &[&main],
        )
        .expect("an insert that finds nothing");
    assert_eq!(changed, 0);
    let e = olga
        .batch_execute(&format!("UPDATE requests SET office = 1 WHERE ref = '{osh}'"))
        .expect_err("a clerk moves nothing");
    assert!(message(&e).contains("permission denied"), "{e:?}");
    let e = olga
        .batch_execute(
            "INSERT INTO requests (ref, kind, status, channel, lang, received_on, registered_on, identity, subject_name,
                subject_pin, due_on, created_at, updated_at, office)
             VALUES ('ARZ-2026-999999', 'access', 'new', 'post', 'ky', '2026-11-24', '2026-11-24', 'not_verified',
                'X', '1', '2026-12-24', 'now', 'now', 1)",
        )
        .expect_err("a request put in another office");
    assert!(message(&e).contains("row-level security"), "{e:?}");
    // A temporary `operators` of her own does not widen what she sees.
    olga.batch_execute(
        "CREATE TEMP TABLE operators (login text, role text, office bigint, active boolean);
         INSERT INTO operators VALUES ('olga', 'admin', 1, true);",
    )
    .expect("a temporary table");
    let n: i64 = olga.query_one("SELECT count(*) FROM public.requests", &[]).expect("count").get(0);
    assert_eq!(n, 1);
    // The head office's supervisor sees both; the head office's clerk only hers.
    let mut sam = connect_as(&url, "sam").expect("sam logs in");
    let n: i64 = sam.query_one("SELECT count(*) FROM requests", &[]).expect("count").get(0);
    assert_eq!(n, 2);
    let mut cara = connect_as(&url, "cara").expect("cara logs in");
    let n: i64 = cara.query_one("SELECT count(*) FROM requests", &[]).expect("count").get(0);
    assert_eq!(n, 1);
    // Moving is the head office's, through aryz, and the chain stays whole.
    crate::common::ok(env.as_op("sam").args([
        "--db",
        &as_user("sam"),
        "move",
        &main,
        "--to",
        "OSH",
        "--reason",
        "moved",
    ]));
    let n: i64 = olga.query_one("SELECT count(*) FROM public.requests", &[]).expect("count").get(0);
    assert_eq!(n, 2);
    assert_eq!(received(&mut olga), 2, "the moved request's figures moved with it");
    assert_eq!(received(&mut cara), 0);
    assert_eq!(received(&mut sam), 2);
    let digest = env.json(&["digest", "--office", "OSH"]);
    assert_eq!(digest["totals"]["open"], 2, "{digest}");
    env.ok(&["check"]);
    assert!(env.ok(&["audit", "verify"]).contains("intact"));
    let by = env.json(&["report", "monthly", "--month", "2026-11", "--by", "office"]);
    let text = by.to_string();
    assert!(text.contains("\"OSH\""), "{text}");
}

/// `aryz import` by a regional supervisor on her own login role. The server refuses `COPY FROM`
/// into a table under row-level security, so the batch goes by `COPY` into a temporary table
/// and on by one `INSERT` the policies check: every row lands in her office, her office's clerk
/// sees them, the head office's clerk sees none of them, and the chain (which hashes a request
/// with its office) verifies.
#[test]
fn a_regional_supervisor_imports_into_her_office_under_row_level_security() {
    let Some((env, url)) = pg_env() else { return };
    env.ok(&["office", "add", "OSH", "--name-en", "Osh (example)"]);
    env.ok(&["operator", "add", "ozoda", "--role", "supervisor", "--office", "OSH"]);
    env.ok(&["operator", "add", "olga", "--role", "clerk", "--office", "OSH"]);
    let mut csv = String::from("kind,name,pin,received,channel,lang,categories,description\n");
    for i in 0..30 {
        csv += &format!(
            "access,Import Person{i},{PIN_FEMALE},2026-11-2{},salyk_app,ky,income,From the app\n",
            i % 3
        );
    }
    let file = env.dir.path().join("import.csv");
    std::fs::write(&file, csv).expect("csv");
    let ozoda_url = url.replace("user=postgres", "user=ozoda");
    crate::common::ok(env.as_op("ozoda").args(["--db", &ozoda_url, "import", &file.display().to_string()]));
    let count = |user: &str, sql: &str| -> i64 {
        connect_as(&url, user).expect("log in").query_one(sql, &[]).expect(sql).get(0)
    };
    let osh = "(SELECT id FROM offices WHERE code = 'OSH')";
    assert_eq!(count("postgres", &format!("SELECT count(*) FROM requests WHERE office = {osh}")), 30);
    assert_eq!(
        count(
            "postgres",
            "SELECT count(*) FROM requests WHERE office <> (SELECT id FROM offices WHERE code = 'OSH')"
        ),
        0
    );
    assert_eq!(count("ozoda", "SELECT count(*) FROM requests"), 30);
    assert_eq!(count("ozoda", "SELECT count(DISTINCT request_id) FROM events"), 30);
    assert_eq!(count("olga", "SELECT count(DISTINCT request_id) FROM deadlines"), 30);
    assert_eq!(count("cara", "SELECT count(*) FROM requests"), 0);
    assert_eq!(count("cara", "SELECT count(*) FROM deadlines"), 0);
    // One entry a request, under her own login (the run appended under one lock), then the
    // import's own; the chain verifies and the kept figures agree with a replay.
    let entries = connect_as(&url, "postgres")
        .expect("log in")
        .query("SELECT actor, count(*) FROM audit WHERE action = 'register' GROUP BY actor", &[])
        .expect("entries");
    assert_eq!(
        entries.iter().map(|r| (r.get::<_, String>(0), r.get::<_, i64>(1))).collect::<Vec<_>>(),
        [("ozoda".to_string(), 30)]
    );
    assert!(env.ok(&["audit", "verify"]).contains("intact"));
    assert!(env.ok(&["check"]).contains("integrity: ok"));
}

#[test]
fn migrate_copies_a_sqlite_database_whole_with_its_chain() {
    let Some(cluster) = pg::cluster() else { return };
    let env = TestEnv::with_staff();
    env.ok(&["demo", "--requests", "300"]);
    let a = env.add(&["--kind", "access", "--name", "Айгүл Асанова", "--pin", PIN_FEMALE]);
    env.ok(&["assign", &a, "cara"]);
    crate::common::ok(env.as_op("cara").args([
        "respond",
        &a,
        "--outcome",
        "fulfilled",
        "--text",
        "Copy sent",
    ]));
    let head = env.json(&["audit", "verify"]);
    let url = pg::fresh_database(cluster);
    let out = env.ok(&["migrate", "--to", &url]);
    assert!(out.contains("301 requests") && out.contains("the audit chain verifies there"), "{out}");
    let head_text =
        head["head"].as_object().map(|h| format!("{}:{}", h["id"], h["hash"].as_str().unwrap_or("")));
    assert!(out.contains(head_text.as_deref().unwrap_or("?")), "{out} / {head}");
    // The target holds the same requests, read the same way, and verifies with the source's
    // head kept elsewhere; the figures agree.
    let on_pg = |args: &[&str]| {
        let mut full = vec!["--db", url.as_str()];
        full.extend_from_slice(args);
        env.ok(&full)
    };
    for args in [
        &["--format", "csv", "list", "--all"][..],
        &["--format", "csv", "list", "--search", "айгүл"][..],
        &["--format", "json", "show", &a][..],
        &["--format", "json", "report", "monthly", "--month", "2026-11"][..],
        &["--format", "json", "report", "backlog"][..],
        &["--format", "json", "export", "--all"][..],
    ] {
        assert_eq!(on_pg(args), env.ok(args), "{args:?}");
    }
    let expect = head_text.unwrap_or_default();
    assert!(on_pg(&["audit", "verify", "--expect", &expect]).contains("intact"));
    assert!(on_pg(&["check"]).contains("integrity: ok"));
    // The move is on record in both logs; a second copy into the same database is refused.
    let log = env.ok(&["audit", "log"]);
    assert!(log.contains("moved_up_to"), "{log}");
    assert!(on_pg(&["audit", "log"]).contains("moved_up_from"));
    let err = env.fails(&["migrate", "--to", &url]);
    assert!(err.contains("already exists"), "{err}");
}

/// Runs `lines` (each the arguments of one subcommand) through one `aryz __batch` process:
/// each line its own session and transaction.
fn batch(env: &TestEnv, op: &str, lines: &[Vec<String>]) -> String {
    use std::io::Write;
    let mut child = env
        .process()
        .env("ARYZ_OPERATOR", op)
        .arg("__batch")
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .expect("spawn aryz __batch");
    let mut input = String::new();
    for l in lines {
        input.push_str(&serde_json::to_string(l).expect("json"));
        input.push('\n');
    }
    child.stdin.take().expect("stdin").write_all(input.as_bytes()).expect("write batch");
    let out = child.wait_with_output().expect("aryz __batch");
    assert!(out.status.success(), "aryz __batch: {}", String::from_utf8_lossy(&out.stderr));
    String::from_utf8(out.stdout).expect("utf-8")
}

/// Twenty aryz processes at once on one PostgreSQL database (a private cluster on a local
/// socket), mixing lists, notes on the same requests, assignments and registrations: no
/// write is lost or doubled, references stay sequential, and the audit chain, appended at
/// READ COMMITTED under the one locked head row, verifies. Clerks of two offices (MAIN, the
/// head office, and OSH) run at once, each connected as their own login role (so the
/// server's row-level security applies as well as aryz's rule), and no clerk ever sees a
/// request of the other office.
#[test]
fn twenty_processes_at_once_lose_nothing_and_keep_one_chain() {
    let Some((env, url)) = pg_env() else { return };
    env.ok(&["office", "add", "OSH", "--name-en", "Osh (example)"]);
    for clerk in ["olga", "oskar"] {
        env.ok(&["operator", "add", clerk, "--role", "clerk", "--office", "OSH"]);
    }
    let refs: Vec<String> = (0..5)
        .map(|i| env.add(&["--kind", "access", "--name", &format!("Load Subject{i}"), "--pin", PIN_MALE]))
        .collect();
    let osh_refs: Vec<String> = (0..3)
        .map(|i| {
            env.add(&[
                "--office",
                "OSH",
                "--kind",
                "access",
                "--name",
                &format!("Osh Subject{i}"),
                "--pin",
                PIN_MALE,
            ])
        })
        .collect();
    // Assigned back and forth by the supervisor's processes while the others write.
    let assignable = env.add(&["--kind", "access", "--name", "Assigned Subject", "--pin", PIN_MALE]);
    let (processes, per_process) = (20, 8);
    let ops = ["cara", "carl", "sam", "olga", "oskar"];
    let osh_office = |op: &str| op.starts_with('o');
    let outputs: Vec<(String, String)> = std::thread::scope(|s| {
        let handles: Vec<_> = (0..processes)
            .map(|p| {
                let (env, refs, osh_refs, assignable, url) = (&env, &refs, &osh_refs, &assignable, &url);
                s.spawn(move || {
                    let op = ops[p % ops.len()];
                    let targets = if osh_office(op) { osh_refs } else { refs };
                    let mut lines: Vec<Vec<String>> = Vec::new();
                    for i in 0..per_process {
                        let target = targets[(p + i) % targets.len()].clone();
                        lines.push(vec!["list".into()]);
                        lines.push(vec!["note".into(), target.clone(), format!("process {p} change {i}")]);
                        if i % 4 == 0 {
                            lines.push(
                                ["add", "--kind", "access", "--pin", PIN_FEMALE, "--name"]
                                    .map(String::from)
                                    .into_iter()
                                    .chain([format!("Process{p} Subject{i}")])
                                    .collect(),
                            );
                        }
                    }
                    if op == "sam" {
                        for to in ["carl", "cara"] {
                            lines.push(vec!["assign".into(), assignable.clone(), to.into()]);
                        }
                    }
                    // Each line connects as the operator's own login role.
                    let own = url.replace("user=postgres", &format!("user={op}"));
                    for l in &mut lines {
                        l.splice(0..0, ["--db".to_string(), own.clone()]);
                    }
                    (op.to_string(), batch(env, op, &lines))
                })
            })
            .collect();
        handles.into_iter().map(|h| h.join().expect("a process thread")).collect()
    });
    let mut notes = BTreeSet::new();
    for r in refs.iter().chain(&osh_refs) {
        let shown = env.show(r);
        for e in shown["events"].as_array().expect("events").iter().filter(|e| e["kind"] == "note") {
            assert!(notes.insert(e["text"].as_str().unwrap_or("").to_string()), "a note recorded twice: {e}");
        }
    }
    let want: BTreeSet<String> = (0..processes)
        .flat_map(|p| (0..per_process).map(move |i| format!("process {p} change {i}")))
        .collect();
    assert_eq!(notes, want, "every note once");
    let all: BTreeSet<String> = refs_of(&env.json(&["list", "--all", "--limit", "10000"]));
    let assigned = event_kinds_of(&env.show(&assignable), "assigned");
    // An assignment to the current assignee records nothing, so interleaved supervisors
    // make between 1 and 2 per process; more would be an assignment recorded twice.
    let sams = (0..processes).filter(|p| ops[p % ops.len()] == "sam").count();
    assert!((1..=2 * sams).contains(&assigned), "{assigned} assignments from {sams} processes");
    let added = processes * per_process.div_ceil(4);
    let want: BTreeSet<String> =
        (1..=refs.len() + osh_refs.len() + 1 + added).map(|n| format!("ARZ-2026-{n:06}")).collect();
    assert_eq!(all, want, "references sequential, none lost or doubled");
    // Every request registered by an OSH clerk is OSH's; no clerk's output names a request
    // of the other office, and each saw its own office's requests.
    let main_set = refs_of(&env.json(&["list", "--all", "--limit", "10000", "--office", "MAIN"]));
    let osh_set = refs_of(&env.json(&["list", "--all", "--limit", "10000", "--office", "OSH"]));
    assert_eq!(main_set.len() + osh_set.len(), all.len());
    for (op, out) in &outputs {
        let (own, other) = if osh_office(op) { (&osh_set, &main_set) } else { (&main_set, &osh_set) };
        if op == "sam" {
            continue;
        }
        assert!(own.iter().any(|r| out.contains(r.as_str())), "{op} saw none of their office's requests");
        let seen: Vec<&String> = other.iter().filter(|r| out.contains(r.as_str())).collect();
        assert!(seen.is_empty(), "{op} saw requests of another office: {seen:?}");
    }
    let verify = env.ok(&["audit", "verify"]);
    assert!(verify.contains("intact"), "{verify}");
    assert!(env.ok(&["check"]).contains("integrity: ok"));
}

fn refs_of(list: &Value) -> BTreeSet<String> {
    refs(list).into_iter().collect()
}

fn event_kinds_of(shown: &Value, kind: &str) -> usize {
    crate::common::event_kinds(shown).iter().filter(|k| *k == kind).count()
}

/// A bulk load (the demo's 300 requests in one transaction) files every record under its one
/// audit entry set-wise; the chain and the records verify, and `check` recounts the figures.
#[test]
fn a_bulk_load_on_postgresql_verifies() {
    let Some((env, _url)) = pg_env() else { return };
    env.ok(&["demo", "--requests", "300"]);
    assert_eq!(env.json(&["list", "--all", "--limit", "1000"]).as_array().map(Vec::len), Some(300));
    let a = env.add(&["--kind", "access", "--name", "After Bulk", "--pin", PIN_MALE]);
    env.ok(&["note", &a, "after the bulk load"]);
    assert!(env.ok(&["audit", "verify"]).contains("intact"));
    assert!(env.ok(&["check"]).contains("integrity: ok"));
}

/// Login roles belong to the whole server, not to one database, and advisory locks do not
/// reach across databases: several aryz databases on one server (a test cluster, or offices
/// sharing a server) that add or copy the same operators at the same moment must all
/// succeed. CI once failed here with "tuple concurrently updated".
#[test]
fn databases_on_one_server_sync_the_same_operators_at_once() {
    let Some(cluster) = pg::cluster() else { return };
    let source = TestEnv::with_staff();
    let urls: Vec<String> = (0..6).map(|_| pg::fresh_database(cluster)).collect();
    std::thread::scope(|s| {
        for (i, url) in urls.iter().enumerate() {
            let source = &source;
            s.spawn(move || {
                if i % 2 == 0 {
                    let out = source.ok(&["migrate", "--to", url]);
                    assert!(out.contains("the audit chain verifies there"), "{out}");
                } else {
                    let mut env = TestEnv::bare();
                    env.write_config(&format!("database = {url:?}\n"));
                    env.ok(&["init", "--dev-identity"]);
                    let ops = env.json(&["operator", "list"]);
                    env.admin = ops[0]["login"].as_str().expect("login").to_string();
                    for (login, role) in [("sana", "supervisor"), ("cora", "clerk"), ("cory", "clerk")] {
                        env.ok(&["operator", "add", login, "--role", role, "--name", "Shared Operator"]);
                        env.ok(&["operator", "disable", login]);
                        // Adding again re-enables the operator: a third change of the role.
                        env.ok(&["operator", "add", login, "--role", role, "--name", "Shared Operator"]);
                    }
                }
            });
        }
    });
}
