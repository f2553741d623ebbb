//! Installation (issue 18): completions that load in bash and complete references and
//! logins from the database, man pages that render with every subcommand, `aryz doctor` on
//! a healthy, an empty and a broken setup, the timers' commands (digest delivery, rotating
//! backups), and the first run's explanations.

use crate::common;
use crate::tui_fixture;

use std::path::Path;
use std::process::Command as Process;

use common::*;
use serde_json::Value;

/// The visible subcommands, from `aryz --help` (what a user sees).
fn subcommands() -> Vec<String> {
    let env = TestEnv::bare();
    let help = env.ok(&["--help"]);
    let mut subs = Vec::new();
    let mut on = false;
    for line in help.lines() {
        if line.starts_with("Commands:") {
            on = true;
            continue;
        }
        if on {
            if !line.starts_with("  ") {
                break;
            }
            let name = line.split_whitespace().next().unwrap_or_default();
            if name != "help" {
                subs.push(name.to_string());
            }
        }
    }
    assert!(subs.len() > 20, "{subs:?}");
    subs
}

fn bash(script: &str, env: &TestEnv) -> std::process::Output {
    let bin = assert_cmd::cargo::cargo_bin("aryz");
    let dir = bin.parent().unwrap().to_path_buf();
    let path = format!("{}:{}", dir.display(), std::env::var("PATH").unwrap_or_default());
    Process::new("bash")
        .args(["--norc", "--noprofile", "-c", script])
        .env("PATH", path)
        .env("ARYZ_DATA_DIR", env.path())
        .env("ARYZ_CONFIG_DIR", env.path())
        .env("ARYZ_TODAY", TODAY)
        .env_remove("ARYZ_OPERATOR")
        .output()
        .expect("run bash")
}

#[test]
fn completion_scripts_load_in_bash_and_register_aryz() {
    let env = TestEnv::bare();
    let script = env.ok(&["completions", "bash"]);
    let file = env.path().join("aryz.bash");
    std::fs::write(&file, &script).unwrap();
    let out = Process::new("bash").arg("-n").arg(&file).output().unwrap();
    assert!(out.status.success(), "bash -n: {}", String::from_utf8_lossy(&out.stderr));
    let out = bash(&format!("source {} && complete -p aryz", file.display()), &env);
    let registered = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    assert!(
        registered.contains("-F _aryz_dynamic") && registered.trim_end().ends_with(" aryz"),
        "{registered}"
    );
    // Every visible subcommand is offered; the hidden helpers are not.
    for sub in subcommands() {
        assert!(script.contains(&sub), "bash completion lacks {sub}");
    }
    assert!(
        !script.contains("__subcmd__man") && !script.contains(",__complete)"),
        "hidden commands are completed"
    );
    let zsh = env.ok(&["completions", "zsh"]);
    assert!(zsh.starts_with("#compdef aryz\n"), "{}", &zsh[..40.min(zsh.len())]);
    // zsh asks the database for references and logins where clap would complete files.
    assert!(zsh.contains("_aryz_refs() {") && zsh.contains("_aryz_logins() {"));
    let refs = zsh.lines().filter(|l| l.starts_with("':reference") && l.contains(":_aryz_refs'")).count();
    assert!(refs >= 9 && !zsh.contains("':reference:_default'"), "{zsh}");
    assert!(zsh.contains("]:LOGIN:_aryz_logins'") && !zsh.contains(":LOGIN:_default"));
    assert!(zsh.contains("':login -- ") && !zsh.contains("login:_default'"), "{zsh}");
    assert!(zsh.find("_aryz_refs() {") < zsh.find("compdef _aryz aryz"));
    let fish = env.ok(&["completions", "fish"]);
    assert!(fish.contains("complete -c aryz") && fish.contains("__complete refs"));
}

#[test]
fn bash_completes_references_and_logins_from_the_database() {
    let env = TestEnv::with_staff();
    let r1 = env.add(&[]);
    let r2 = env.add(&[]);
    let script = env.path().join("aryz.bash");
    std::fs::write(&script, env.ok(&["completions", "bash"])).unwrap();
    let complete = |words: &str| {
        let cmd = format!(
            "source {} && COMP_WORDS=({words}) && COMP_CWORD=$((${{#COMP_WORDS[@]}} - 1)) && _aryz_dynamic aryz && printf '%s\\n' \"${{COMPREPLY[@]}}\"",
            script.display()
        );
        let out = bash(&cmd, &env);
        assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
        let mut v: Vec<String> = String::from_utf8_lossy(&out.stdout).lines().map(String::from).collect();
        v.sort();
        v
    };
    let mut refs = vec![r1.clone(), r2.clone()];
    refs.sort();
    assert_eq!(complete("aryz show ''"), refs);
    assert_eq!(complete(&format!("aryz show {r2}")), vec![r2.clone()]);
    assert_eq!(complete("aryz list --assignee ca"), vec!["cara", "carl"]);
    let after_ref = complete(&format!("aryz assign {r1} s"));
    assert_eq!(after_ref, vec!["sam"]);
    // clap's own completion still answers elsewhere.
    assert!(complete("aryz doc").contains(&"doctor".to_string()));
    // The helper itself prints nothing, and succeeds, where there is no database.
    let bare = TestEnv::bare();
    assert_eq!(bare.ok(&["__complete", "refs", "ARZ-"]), "");
    assert!(!bare.db().exists(), "completing must not create a database");
}

fn groff(page: &Path) -> String {
    let out = Process::new("groff")
        .args(["-man", "-Tutf8", "-P-c", "-P-b", "-P-u"])
        .arg(page)
        .output()
        .expect("groff is needed to test the man pages (apt-get install groff-base)");
    assert!(out.status.success(), "groff {}: {}", page.display(), String::from_utf8_lossy(&out.stderr));
    let warnings = String::from_utf8_lossy(&out.stderr);
    assert!(warnings.trim().is_empty(), "groff warns on {}: {warnings}", page.display());
    String::from_utf8_lossy(&out.stdout).into_owned()
}

#[test]
fn man_pages_render_with_every_subcommand_config_key_and_exit_code() {
    let env = TestEnv::bare();
    let dir = env.path().join("man");
    let listed = env.ok(&["man", "--dir", dir.to_str().unwrap()]);
    let main = groff(&dir.join("aryz.1"));
    for sub in subcommands() {
        assert!(main.contains(&format!("aryz-{sub}(1)")), "man aryz lacks {sub}");
        let page = dir.join(format!("aryz-{sub}.1"));
        assert!(page.exists() && listed.contains(page.to_str().unwrap()), "no page {}", page.display());
        let text = groff(&page);
        assert!(text.contains(&format!("aryz-{sub}")), "{}", page.display());
    }
    assert!(dir.join("aryz-operator-add.1").exists() && dir.join("aryz-report-monthly.1").exists());
    assert!(!dir.join("aryz-man.1").exists() && !dir.join("aryz-__complete.1").exists());
    for section in ["CONFIGURATION", "ENVIRONMENT", "FILES", "EXIT STATUS"] {
        assert!(main.contains(section), "man aryz lacks {section}");
    }
    for key in aryz::commands::CONFIG_KEYS.iter().map(|(k, _)| *k) {
        assert!(main.contains(key), "man aryz lacks the config key {key}");
    }
    for var in
        ["ARYZ_DATA_DIR", "ARYZ_CONFIG_DIR", "ARYZ_KEY_FILE", "ARYZ_OPERATOR", "ARYZ_TODAY", "NO_COLOR"]
    {
        assert!(main.contains(var), "man aryz lacks {var}");
    }
    // Options read as in --help (no roff escapes shown).
    assert!(main.contains("--dev-identity") || groff(&dir.join("aryz-init.1")).contains("--dev-identity"));
    if Process::new("man").arg("--version").output().is_ok_and(|o| o.status.success()) {
        let out = Process::new("man")
            .args(["-l", "-P", "cat"])
            .arg(dir.join("aryz.1"))
            .env("MANWIDTH", "100")
            .output()
            .unwrap();
        assert!(out.status.success() && String::from_utf8_lossy(&out.stdout).contains("EXIT STATUS"));
    }
}

/// Runs `aryz --format json doctor`; returns (exit code, findings by area).
fn doctor(cmd: &mut assert_cmd::Command) -> (i32, Vec<Value>) {
    let out = cmd.args(["--format", "json", "doctor"]).output().unwrap();
    let v: Value = serde_json::from_slice(&out.stdout).unwrap_or_else(|e| {
        panic!("{e}: {}{}", String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr))
    });
    assert_eq!(v["ok"], out.status.success());
    (out.status.code().unwrap_or(-1), v["findings"].as_array().unwrap().clone())
}

fn finding<'a>(f: &'a [Value], area: &str) -> &'a Value {
    f.iter().find(|x| x["area"] == area).unwrap_or_else(|| panic!("no {area} in {f:?}"))
}

#[test]
fn doctor_on_a_healthy_setup_says_all_is_well() {
    let env = TestEnv::new();
    // A day whose deadlines stay within the calendar's known years.
    let (code, f) = doctor(env.on("2026-03-10").env("ARYZ_OPERATOR", &env.admin));
    assert_eq!(code, 0, "{f:#?}");
    for area in
        ["config", "keymap", "rules", "database", "operator", "calendar", "templates", "fonts", "disk"]
    {
        assert_eq!(finding(&f, area)["ok"], true, "{area}: {f:#?}");
    }
    assert!(finding(&f, "database")["detail"].as_str().unwrap().contains("SQLite 3."));
    assert!(finding(&f, "operator")["detail"].as_str().unwrap().contains(": admin"));
    assert!(finding(&f, "calendar")["detail"].as_str().unwrap().contains("2026"));
    let text = ok(env.on("2026-03-10").arg("doctor"));
    assert!(text.contains("All is well."), "{text}");
    let ky = ok(env.on("2026-03-10").args(["--lang", "ky", "doctor"]));
    assert!(ky.contains("Баары жайында.") && ky.contains("маалымат базасы"), "{ky}");
}

#[test]
fn doctor_on_an_empty_setup_says_to_run_init_and_changes_nothing() {
    let env = TestEnv::bare();
    let (code, f) = doctor(&mut env.aryz());
    assert_eq!(code, 1);
    let db = finding(&f, "database");
    assert_eq!(db["ok"], false);
    assert_eq!(db["fix"], "aryz init");
    assert!(!env.db().exists(), "doctor must not create the database");
    // The text form names the problem and the fix; stderr has one line.
    let out = env.aryz().arg("doctor").output().unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(stdout.contains("!!") && stdout.contains("fix: aryz init"), "{stdout}");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(stderr.lines().count(), 1);
    assert!(stderr.starts_with("aryz: error: ") && stderr.contains("problem"), "{stderr}");
}

#[test]
fn doctor_on_a_broken_setup_names_each_problem_with_its_fix() {
    let env = TestEnv::bare();
    env.write_config("language = \"en\"\ncolour = \"red\"\n");
    std::fs::write(env.db(), "not a database at all, but long enough to look like a header.......").unwrap();
    let (code, f) = doctor(&mut env.aryz());
    assert_eq!(code, 1);
    let config = finding(&f, "config");
    assert_eq!(config["ok"], false);
    assert!(config["detail"].as_str().unwrap().contains("colour"), "{config}");
    assert!(config["fix"].as_str().unwrap().contains("config.toml"));
    let db = finding(&f, "database");
    assert_eq!(db["ok"], false);
    assert!(db["detail"].as_str().unwrap().contains("not an aryz database"), "{db}");
    assert!(db["fix"].as_str().unwrap().starts_with("aryz --db NEW.sqlite3 init"), "{db}");
    // The other checks still ran.
    assert_eq!(finding(&f, "templates")["ok"], true);
    // Every other command stops at the bad config, as before; doctor is the way in.
    env.fails(&["list"]);

    // An unknown login and a bad key binding on a good database.
    let env = TestEnv::new();
    env.write_config("[keys]\nquit = \"no-such-key+++\"\n");
    let (code, f) = doctor(env.on("2026-03-10").env("ARYZ_OPERATOR", "stranger"));
    assert_eq!(code, 1);
    let op = finding(&f, "operator");
    assert_eq!(op["ok"], false);
    assert_eq!(op["fix"], "aryz operator add stranger --role clerk");
    assert_eq!(finding(&f, "keymap")["ok"], false);
    assert_eq!(finding(&f, "database")["ok"], true);

    // A calendar without the movable holidays of a year deadlines reach.
    let env = TestEnv::new();
    let (code, f) = doctor(env.on("2031-06-01").env("ARYZ_OPERATOR", &env.admin));
    assert_eq!(code, 1);
    let cal = finding(&f, "calendar");
    assert_eq!(cal["ok"], false);
    assert!(cal["fix"].as_str().unwrap().starts_with("aryz calendar add 2031-"), "{cal}");
}

#[test]
fn digest_delivery_writes_the_file_and_mails_through_sendmail() {
    let env = TestEnv::with_staff();
    env.add(&["--assignee", "cara", "--received", "2026-10-01"]);
    // Nothing configured: an error naming the keys, not a silent success.
    let e = env.fails(&["digest", "--deliver"]);
    assert!(e.contains("[digest]") && e.contains("output") && e.contains("mail_to"), "{e}");
    let mailbox = env.path().join("mailbox");
    let sendmail = env.path().join("fake-sendmail");
    std::fs::write(
        &sendmail,
        format!("#!/bin/sh\necho \"$@\" > {m}.args\ncat > {m}\n", m = mailbox.display()),
    )
    .unwrap();
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(&sendmail, std::fs::Permissions::from_mode(0o755)).unwrap();
    }
    let digest_file = env.path().join("digest.txt");
    std::fs::write(&digest_file, "yesterday's digest").unwrap();
    env.write_config(&format!(
        "[digest]\noutput = \"{}\"\nmail_to = [\"boss@example.org\"]\nmail_from = \"aryz@example.org\"\nsendmail = \"{}\"\n",
        digest_file.display(),
        sendmail.display()
    ));
    let out = env.ok(&["digest", "--deliver"]);
    assert!(out.contains("digest.txt") && out.contains("boss@example.org"), "{out}");
    let printed = env.ok(&["digest"]);
    assert_eq!(std::fs::read_to_string(&digest_file).unwrap(), printed);
    assert!(printed.contains("cara"), "{printed}");
    let mail = std::fs::read_to_string(&mailbox).unwrap();
    assert!(
        mail.starts_with("To: boss@example.org\r\nFrom: aryz@example.org\r\nSubject: aryz digest"),
        "{mail}"
    );
    assert!(mail.ends_with(&printed), "{mail}");
    assert_eq!(std::fs::read_to_string(mailbox.with_extension("args")).unwrap().trim(), "-t -i");
    // On a weekend or a holiday of the calendar nothing is delivered (systemd knows no holidays).
    std::fs::write(&digest_file, "unchanged").unwrap();
    for day in ["2026-11-28", "2026-03-20"] {
        let out = ok(env.on(day).args(["digest", "--deliver"]));
        assert!(out.contains("is not a working day"), "{day}: {out}");
    }
    assert_eq!(std::fs::read_to_string(&digest_file).unwrap(), "unchanged");
    // A failing mailer fails the run (and so the timer's unit).
    env.write_config("[digest]\nmail_to = [\"boss@example.org\"]\nsendmail = \"/bin/false\"\n");
    let e = env.fails(&["digest", "--deliver"]);
    assert!(e.contains("digest.sendmail"), "{e}");
    env.write_config("[digest]\nmail_to = [\"not an address\"]\n");
    assert!(env.fails(&["list"]).contains("digest.mail_to"));
}

#[test]
fn backup_without_a_file_writes_dated_copies_and_keeps_the_newest() {
    let env = TestEnv::new();
    let dir = env.path().join("nightly");
    env.write_config(&format!("[backup]\ndir = \"{}\"\nkeep = 2\n", dir.display()));
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(dir.join("keep-me.sqlite3"), "not ours").unwrap();
    for _ in 0..3 {
        let out = env.ok(&["backup"]);
        assert!(out.contains("nightly/aryz-"), "{out}");
    }
    let mut names: Vec<String> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    assert_eq!(names.len(), 3, "{names:?}");
    assert!(names.contains(&"keep-me.sqlite3".to_string()));
    for n in names.iter().filter(|n| n.starts_with("aryz-")) {
        // Each copy is a whole database.
        let copy = dir.join(n);
        env.aryz().args(["--db", copy.to_str().unwrap(), "check"]).assert().success();
    }
    let out = env.ok(&["backup", "--keep", "1"]);
    assert!(out.contains("removed 2 older copies"), "{out}");
    assert_eq!(std::fs::read_dir(&dir).unwrap().count(), 2);
    common::usage_error(env.aryz().args(["backup", "x.sqlite3", "--keep", "1"]));
    assert!(env.fails(&["backup", "--keep", "0"]).contains("keep"));
}

#[test]
fn the_first_run_says_what_it_created_and_who_is_admin() {
    // The notice itself (the terminal UI shows it on its first screen and on stderr).
    aryz::i18n::set_thread_language(Some(aryz::i18n::Lang::En));
    let text = aryz::app::first_run_notice(Path::new("/tmp/x/aryz.sqlite3"), "aibek");
    assert_eq!(text, "first run: created the database /tmp/x/aryz.sqlite3; your login 'aibek' is its admin");
    aryz::i18n::set_thread_language(None);
}

#[test]
fn the_empty_queue_offers_the_next_real_steps() {
    use aryz::store::Store;
    use tui_fixture::*;
    aryz::i18n::set_thread_language(Some(aryz::i18n::Lang::En));
    // An admin on a real (not --dev-identity) database: colleagues, no demo.
    let mut store = Store::in_memory().unwrap();
    add_operators(&mut store);
    store.write(|tx| tx.set_meta("dev_identity", "0")).unwrap();
    let app = aryz::tui::app::App::new(
        session_on(store, "root"),
        aryz::tui::keymap::KeyMap::default(),
        aryz::tui::theme::Theme::colour(),
    )
    .unwrap();
    let s = screen(&app, 100, 30);
    assert!(s.contains("Press n to register the first request"), "{s}");
    assert!(s.contains("aryz operator add LOGIN --role clerk"), "{s}");
    assert!(!s.contains("aryz demo"), "{s}");
    // A clerk on a --dev-identity database: demo data can go there; colleagues are the admin's job.
    let s = screen(&app_for("aibek"), 100, 30);
    assert!(s.contains("aryz demo") && !s.contains("operator add"), "{s}");
    aryz::i18n::set_thread_language(None);
}

fn app_for(login: &str) -> aryz::tui::app::App {
    tui_fixture::app(login, false)
}
