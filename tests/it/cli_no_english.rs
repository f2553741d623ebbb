//! Under `--lang ru` and `--lang ky`, what every subcommand prints on its typical success
//! and on its typical errors (usage errors included) has no English word in it other than
//! codes, references, logins, option names, commands to type, proper names and what was
//! typed. Each output is scanned for Latin words; the allowlist below names the ones that
//! are not English prose, so that a new English sentence anywhere fails with its command.

use std::collections::BTreeSet;
use std::ffi::OsString;

use crate::common::*;

/// Latin words that are codes, identifiers or names rather than English prose.
const ALLOWED: &[&str] = &[
    // The program, its subcommands and the words of its usage lines.
    "aryz",
    "init",
    "operator",
    "office",
    "move",
    "add",
    "list",
    "show",
    "assign",
    "note",
    "status",
    "respond",
    "withdraw",
    "reopen",
    "extend",
    "pause",
    "resume",
    "deadline",
    "calendar",
    "migrate",
    "PostgreSQL",
    "grounds",
    "report",
    "monthly",
    "range",
    "backlog",
    "digest",
    "export",
    "audit",
    "verify",
    "head",
    "log",
    "check",
    "recompute",
    "backup",
    "retention",
    "import",
    "letter",
    "demo",
    "doctor",
    "completions",
    "help",
    "disable",
    "expected",
    "remove",
    "options",
    "command",
    "ref",
    "login",
    "date",
    "kind",
    "file",
    "path",
    "format",
    "lang",
    "limit",
    "text",
    "table",
    "json",
    "csv",
    "pdf",
    "txt",
    "readme",
    "toml",
    "config",
    "sqlite",
    "id",
    // Vocabulary codes a person types (shown in quotes or lists).
    "access",
    "information",
    "correction",
    "blocking",
    "destruction",
    "complaint",
    "new",
    "answered",
    "withdrawn",
    "fulfilled",
    "refused",
    "referred",
    "done",
    "confirmed",
    "clerk",
    "supervisor",
    "admin",
    "role",
    "ky",
    "ru",
    "en",
    "yyyy",
    "mm",
    "dd",
    "ddmmyyyy",
    "utf",
    // Proper names and the synthetic data of the tests.
    "salyk",
    "kg",
    "arz",
    "test",
    "subject",
    "cara",
    "sam",
    "carl",
    "nobody",
    "bogus",
    "nope",
    "xml",
    "boss",
    "many",
    // Pause categories (codes), configuration keys and shell commands quoted in the help.
    "clarification",
    "documents",
    "bash",
    "dir",
    "keep",
    "language",
    "hash",
    "eve",
    "dejavu",
    "sans",
    "an",
    "ac",
    // The case file's subcommands (issue 15).
    "attach",
    "attachments",
    "attachment",
    "link",
    "mail",
    // The attachment kind `other`, a code listed among the allowed values.
    "other",
    // Names in their descriptions: a mail folder format, a hash, a file type.
    "maildir",
    "sha",
    "eml",
    // Proper names and file names in the options' descriptions.
    "excel",
    "aibek",
    "policy",
    "rules",
    "bodies",
    "assets",
    // The Russian and Kyrgyz name of a data category: «файлы cookie», «cookie файлдары».
    "cookie",
];

/// The Latin words of `text` that are not allowed: references, paths, options (`--x`),
/// `snake_case` codes, hashes and words with digits are skipped before the allowlist.
fn english_words(text: &str, extra: &[&str]) -> BTreeSet<String> {
    let allowed: BTreeSet<String> = ALLOWED.iter().chain(extra).map(|w| w.to_lowercase()).collect();
    let mut found = BTreeSet::new();
    // What is quoted in backquotes is code to type (`aryz grounds`, `retention_years`);
    // what is quoted in “…” is a library's own words (a TOML parser's detail).
    let text: String = text.split('`').step_by(2).collect::<Vec<_>>().join(" ");
    let text: String = text
        .split('“')
        .enumerate()
        .map(|(i, part)| if i == 0 { part } else { part.split_once('”').map_or("", |(_, rest)| rest) })
        .collect::<Vec<_>>()
        .join(" ");
    for token in text.split(|c: char| c.is_whitespace() || "'\"«»“”()[]{},;<>=|".contains(c)) {
        if token.contains('/') || token.starts_with('-') || token.contains('_') || token.contains('@') {
            continue;
        }
        for word in token.split(|c: char| !c.is_ascii_alphanumeric()) {
            if word.len() < 2 || word.chars().any(|c| c.is_ascii_digit()) {
                continue;
            }
            // Not a word, or a placeholder, a value name or an abbreviation (FILE, DAYS, PDF).
            if !word.chars().all(|c| c.is_ascii_alphabetic()) || word.chars().all(|c| c.is_ascii_uppercase())
            {
                continue;
            }
            if !allowed.contains(&word.to_lowercase()) {
                found.insert(word.to_string());
            }
        }
    }
    found
}

#[test]
fn the_scan_finds_english_and_passes_codes() {
    assert!(english_words("aryz: error: no such request", &[]).contains("error"));
    assert!(english_words("ARZ-2026-000001: действие «ответ» недоступно; in_progress", &[]).is_empty());
    assert!(english_words("см. `aryz operator add cara --role clerk` /tmp/x.sqlite3", &[]).is_empty());
    assert!(english_words("ключ `due soon`: FILE, PDF (парсер: “expected value”)", &[]).is_empty());
    assert!(english_words("строка 2: the value must be a whole number", &[]).contains("whole"));
}

/// One run: the arguments, and whether it should succeed.
struct Case {
    args: Vec<String>,
    ok: bool,
}

fn case(ok: bool, args: &[&str]) -> Case {
    Case { args: args.iter().map(ToString::to_string).collect(), ok }
}

#[test]
fn every_subcommand_speaks_russian_and_kyrgyz_on_success_and_on_error() {
    for lang in ["ru", "ky"] {
        let env = TestEnv::with_staff();
        env.enable_extension_and_pause();
        let r1 = env.add(&["--assignee", "cara"]);
        let r2 = env.add(&[]);
        let r3 = env.add(&["--kind", "correction", "--category", "address"]);
        // Identity not verified (issue 15: no personal data disclosed to it).
        let r4 =
            ok(env.aryz().args(["add", "--kind", "access", "--name", "Test Subject", "--pin", PIN_FEMALE]))
                .trim()
                .to_string();
        let (r1, r2, r3, r4) = (r1.as_str(), r2.as_str(), r3.as_str(), r4.as_str());
        let export = env.path().join(format!("export-{lang}.csv")).display().to_string();
        let backup = env.path().join(format!("backup-{lang}.sqlite3")).display().to_string();
        let scan = env.path().join("скан").display().to_string();
        std::fs::write(&scan, "заявление").unwrap();
        let cases = vec![
            // Typical successes.
            case(true, &["list"]),
            case(true, &["list", "--all", "--kind", "access"]),
            case(true, &["show", r1]),
            case(true, &["deadline", "--kind", "correction", "--received", "2026-11-02"]),
            case(true, &["calendar", "--month", "2026-12"]),
            case(true, &["grounds"]),
            case(true, &["operator", "list"]),
            case(true, &["add", "--kind", "access", "--name", "Test Subject", "--pin", PIN_MALE]),
            case(true, &["assign", r2, "sam"]),
            case(true, &["note", r1, "позвонили заявителю"]),
            case(true, &["status", r1, "in_progress"]),
            case(true, &["extend", r3, "--days", "3", "--reason", "запрос в архив"]),
            case(true, &["pause", r3, "--category", "clarification", "--reason", "ждём ответа"]),
            case(true, &["resume", r3]),
            case(true, &["respond", r1, "--outcome", "fulfilled", "--text", "ответ"]),
            case(true, &["withdraw", r2, "--reason", "отозвано заявителем"]),
            case(true, &["reopen", r2, "--reason", "ошибка"]),
            case(true, &["show", r2]),
            case(true, &["digest"]),
            case(true, &["report", "monthly", "--month", "2026-11"]),
            case(true, &["report", "backlog", "--days", "7"]),
            case(true, &["audit", "verify"]),
            case(true, &["check"]),
            case(true, &["recompute"]),
            case(true, &["retention", "--dry-run"]),
            case(true, &["--help"]),
            // The case file (issue 15).
            case(true, &["attach", r3, &scan]),
            case(true, &["attachments", r3]),
            case(
                true,
                &[
                    "add",
                    "--kind",
                    "access",
                    "--name",
                    "Тестов Б",
                    "--pin",
                    PIN_FEMALE,
                    "--identity",
                    "e_signature",
                ],
            ),
            case(
                false,
                &[
                    "add",
                    "--kind",
                    "access",
                    "--name",
                    "Тестов Б",
                    "--pin",
                    PIN_MALE,
                    "--received",
                    "2025-01-10",
                ],
            ),
            case(false, &["attach", r3, &format!("{scan}-нет")]),
            case(false, &["attachment", r3, "9", "--output", &scan]),
            case(false, &["link", r3, "--duplicate-of", r3]),
            case(false, &["attach", r3, &scan, "--kind", "bogus"]),
            case(false, &["import-mail", &scan, "--kind", "bogus"]),
            case(false, &["respond", r4, "--outcome", "fulfilled", "--identity-verified-by", "not_verified"]),
            case(false, &["attachments", "ARZ-1"]),
            case(false, &["respond", r4, "--outcome", "fulfilled"]),
            case(true, &["add", "--kind", "access", "--name", "Test Subject", "--pin", "31503199012345"]),
            case(true, &["operator", "add", "eve", "--role", "clerk"]),
            case(true, &["export", "--output", &export]),
            case(true, &["backup", &backup]),
            case(false, &["backup", &backup]),
            // Typical errors: the service's, the domain's, the store's, the configuration's.
            case(false, &["show", "ARZ-2026-000099"]),
            case(false, &["show", "bogus"]),
            case(false, &["add", "--kind", "nope", "--name", "Test Subject", "--pin", PIN_MALE]),
            case(false, &["add", "--kind", "access", "--name", "Test Subject", "--pin", "123"]),
            case(false, &["add", "--kind", "access", "--name", "", "--pin", PIN_MALE]),
            case(
                false,
                &["add", "--kind", "access", "--name", "Test Subject", "--pin", PIN_MALE, "--email", "x"],
            ),
            case(false, &["resume", r1]),
            case(false, &["pause", r1, "--category", "nope", "--reason", "x"]),
            case(false, &["extend", r3, "--days", "999", "--reason", "x"]),
            case(false, &["respond", r3, "--outcome", "refused"]),
            case(false, &["respond", r1, "--outcome", "fulfilled"]),
            case(false, &["status", r3, "answered"]),
            case(false, &["note", r3, ""]),
            case(false, &["assign", r3, "nobody"]),
            case(false, &["deadline", "--kind", "access", "--received", "2026-13-01"]),
            case(false, &["calendar", "--month", "2026-13"]),
            case(false, &["report", "monthly", "--month", "13"]),
            case(false, &["operator", "disable", "nobody"]),
            case(false, &["audit", "verify", "--expect", "bad"]),
            case(false, &["letter", r3, "--type", "reply", "--output", "-"]),
            case(false, &["--db", "/nonexistent/aryz.sqlite3", "list"]),
            // Usage errors from the command line's parser.
            case(false, &["bogus"]),
            case(false, &["list", "--bogus"]),
            case(false, &["--format", "xml", "list"]),
            case(false, &["show"]),
            case(false, &["list", "--mine", "--unassigned"]),
            case(false, &["list", "--limit", "many"]),
        ];
        let mut failures = Vec::new();
        for c in &cases {
            let out = env.aryz().arg("--lang").arg(lang).args(&c.args).output().expect("run aryz");
            let stdout = String::from_utf8_lossy(&out.stdout);
            let stderr = String::from_utf8_lossy(&out.stderr);
            if out.status.success() != c.ok {
                failures.push(format!(
                    "aryz --lang {lang} {:?}: exit {:?}\n{stdout}{stderr}",
                    c.args, out.status
                ));
                continue;
            }
            let words = english_words(&format!("{stdout}\n{stderr}"), &[env.admin.as_str()]);
            if !words.is_empty() {
                failures.push(format!(
                    "aryz --lang {lang} {:?}: English {words:?} in:\n{stdout}{stderr}",
                    c.args
                ));
            }
        }
        assert!(cases.len() >= 50, "{} cases", cases.len());
        assert!(failures.is_empty(), "{} of {} runs:\n{}", failures.len(), cases.len(), failures.join("\n"));
    }
}

/// The known bugs of issue 13, named: each was English inside Russian or Kyrgyz.
#[test]
fn resume_extend_withdraw_and_refusals_answer_in_the_language() {
    let env = TestEnv::with_staff();
    let r = env.add(&[]);
    let e = env.fails(&["--lang", "ru", "resume", &r]);
    assert_eq!(e, format!("aryz: ошибка: {r}: срок не приостановлен"));
    let e = env.fails(&["--lang", "ru", "extend", &r, "--days", "3", "--reason", "x"]);
    assert!(e.starts_with("aryz: ошибка: продление не разрешено"), "{e}");
    env.ok(&["withdraw", &r, "--reason", "x"]);
    let e = env.fails(&["--lang", "ky", "withdraw", &r, "--reason", "x"]);
    assert!(!e.contains("withdraw") && e.contains("кайтарып алынды"), "{e}");
    let e = fails(env.as_op("cara").args(["--lang", "ky", "report", "monthly", "--month", "2026-11"]));
    assert_eq!(e, "aryz: ката: 'cara' операторуна (адис) бул аракетке уруксат жок: отчётторду көрүү");
    // English is unchanged, byte for byte.
    let e = env.fails(&["withdraw", &r, "--reason", "x"]);
    assert_eq!(e, format!("aryz: error: {r}: cannot withdraw a request that is withdrawn"));
    let e = fails(env.as_op("cara").args(["report", "monthly", "--month", "2026-11"]));
    assert_eq!(e, "aryz: error: operator 'cara' (clerk) may not read reports");
}

#[test]
fn usage_errors_and_help_headings_follow_the_language() {
    let env = TestEnv::new();
    let e = usage_error(env.aryz().args(["--lang", "ru", "list", "--bogus"]));
    assert!(e.starts_with("aryz: ошибка: неизвестный аргумент '--bogus'"), "{e}");
    assert!(e.contains("Использование: aryz list"), "{e}");
    let e = usage_error(env.aryz().args(["--lang", "ky", "show"]));
    assert!(e.starts_with("aryz: ката: милдеттүү аргументтер берилген жок: <REF>"), "{e}");
    let e = usage_error(env.aryz().args(["--format", "xml", "list"]));
    assert!(e.starts_with("aryz: error: invalid value 'xml' for '--format <FORMAT>'"), "{e}");
    let help = env.ok(&["--lang", "ky", "--help"]);
    assert!(
        help.contains("Колдонулушу: aryz") && help.contains("Буйруктар:") && help.contains("Параметрлер:"),
        "{help}"
    );
    let help = env.ok(&["--lang", "ru", "list", "--help"]);
    assert!(help.contains("Использование: aryz list") && help.contains("Параметры:"), "{help}");
    let help = env.ok(&["--help"]);
    assert!(help.contains("Usage: aryz") && help.contains("Commands:"), "{help}");
}

/// The visible subcommands of the command line, by their words (`["report", "monthly"]`),
/// from clap's tree: a new command is covered without touching this test.
fn command_paths() -> Vec<(Vec<String>, clap::Command)> {
    fn walk(cmd: &clap::Command, prefix: &[String], out: &mut Vec<(Vec<String>, clap::Command)>) {
        for sub in cmd.get_subcommands().filter(|s| !s.is_hide_set()) {
            let mut path = prefix.to_vec();
            path.push(sub.get_name().to_string());
            out.push((path.clone(), sub.clone()));
            walk(sub, &path, out);
        }
    }
    let mut out = Vec::new();
    walk(&<aryz::cli::Cli as clap::CommandFactory>::command(), &[], &mut out);
    out
}

/// The codes the command line accepts, which its help and errors list as they are typed:
/// the subcommands' names and every option's possible values.
fn typed_codes() -> Vec<String> {
    let mut codes = Vec::new();
    let root = <aryz::cli::Cli as clap::CommandFactory>::command();
    let mut cmds: Vec<clap::Command> = vec![root];
    while let Some(cmd) = cmds.pop() {
        codes.extend(cmd.get_name().split(['-', '_']).map(String::from));
        for a in cmd.get_arguments() {
            for v in a.get_possible_values() {
                codes.extend(v.get_name().split(['-', '_']).map(String::from));
            }
        }
        cmds.extend(cmd.get_subcommands().cloned());
    }
    codes
}

/// Runs `aryz --lang LANG ARGS` and returns what it printed, both streams.
fn run(env: &TestEnv, lang: &str, args: &[String]) -> (bool, String) {
    let out = env.aryz().arg("--lang").arg(lang).args(args).output().expect("run aryz");
    let text = format!("{}\n{}", String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr));
    (out.status.success(), text)
}

/// What `aryz --lang LANG ARGS` answers when clap stops it (the help, a usage error),
/// computed in this process by the function the binary prints from
/// (`cli_help::usage_answer`), on the arguments as the binary rearranges them. `None` when
/// clap does not stop it.
fn usage_in_process(lang: &str, args: &[String]) -> Option<aryz::cli_help::UsageAnswer> {
    let argv: Vec<OsString> = ["aryz", "--lang", lang]
        .into_iter()
        .map(OsString::from)
        .chain(args.iter().map(OsString::from))
        .collect();
    let argv = aryz::cli::interface_lang_first(argv);
    let Err(aryz::cli::ParseFailure::Usage(e)) = aryz::cli::try_parse_from(argv.clone()) else { return None };
    aryz::i18n::set_thread_language(aryz::i18n::Lang::from_code(lang));
    let answer = aryz::cli_help::usage_answer(&e, &argv);
    aryz::i18n::set_thread_language(None);
    Some(answer)
}

/// Every subcommand of clap's tree, in Russian and Kyrgyz: its `--help`, a usage error (an
/// unknown option), and the error for its missing arguments when it needs some. Each is
/// scanned for English words. The answers are computed in this process, by the function
/// the binary prints them from; a sample of them, one of each sort in each language, is run
/// as a process too and must print exactly that, on the same stream, with the same exit.
#[test]
fn every_command_of_the_tree_has_its_help_and_errors_in_russian_and_kyrgyz() {
    let env = TestEnv::new();
    let codes = typed_codes();
    let extra: Vec<&str> = codes.iter().map(String::as_str).chain([env.admin.as_str()]).collect();
    let paths = command_paths();
    assert!(paths.len() > 45, "{} commands", paths.len());
    let mut failures = Vec::new();
    let mut runs = 0;
    for lang in ["ru", "ky"] {
        // The first case of each sort (help, unknown option, missing arguments) also runs as
        // a process.
        let mut sampled = [false; 3];
        for (path, cmd) in &paths {
            let mut cases: Vec<(Vec<String>, bool)> = Vec::new();
            let with =
                |more: &[&str]| path.iter().cloned().chain(more.iter().map(ToString::to_string)).collect();
            cases.push((with(&["--help"]), true));
            cases.push((with(&["--zz-no-such-option"]), false));
            let needs_args =
                cmd.is_subcommand_required_set() || cmd.get_arguments().any(clap::Arg::is_required_set);
            if needs_args {
                cases.push((with(&[]), false));
            }
            for (sort, (args, ok)) in cases.into_iter().enumerate() {
                runs += 1;
                let (success, text) = match usage_in_process(lang, &args) {
                    Some(answer) => {
                        if !sampled[sort] {
                            sampled[sort] = true;
                            let out =
                                env.aryz().arg("--lang").arg(lang).args(&args).output().expect("run aryz");
                            let (printed, other) = if answer.to_stdout {
                                (&out.stdout, &out.stderr)
                            } else {
                                (&out.stderr, &out.stdout)
                            };
                            assert_eq!(
                                String::from_utf8_lossy(printed),
                                answer.text,
                                "aryz --lang {lang} {args:?}"
                            );
                            assert!(
                                other.is_empty(),
                                "aryz --lang {lang} {args:?}: {}",
                                String::from_utf8_lossy(other)
                            );
                            assert_eq!(out.status.code(), Some(answer.code), "aryz --lang {lang} {args:?}");
                        }
                        (answer.code == 0, answer.text)
                    }
                    // Not stopped by clap: what the process prints.
                    None => run(&env, lang, &args),
                };
                if ok != success {
                    failures.push(format!("aryz --lang {lang} {args:?}: exit {success}\n{text}"));
                    continue;
                }
                let words = english_words(&text, &extra);
                if !words.is_empty() {
                    failures.push(format!("aryz --lang {lang} {args:?}: English {words:?} in:\n{text}"));
                }
            }
        }
        assert_eq!(sampled, [true; 3], "a case of each sort ran as a process in {lang}");
    }
    assert!(failures.is_empty(), "{} of {runs} runs:\n{}", failures.len(), failures.join("\n"));
}

/// Text stored by people (descriptions, notes, reasons, names) is data, not interface: the
/// demo's is English. What `show` prints of it is taken out before the scan, by the exact
/// strings the database holds; the names and logins are allowed as words.
fn stored_texts(env: &TestEnv) -> (Vec<String>, Vec<String>) {
    let mut texts = Vec::new();
    let mut names = Vec::new();
    let all = env.json(&["list", "--all", "--limit", "1000", "--format", "json"]);
    // Every request's detail, read in one batch process (one session per line).
    let lines: Vec<Vec<String>> =
        refs(&all).into_iter().map(|r| vec!["show".into(), r, "--format".into(), "json".into()]).collect();
    let out = env.batch(&[], &lines);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let details: Vec<serde_json::Value> = serde_json::Deserializer::from_slice(&out.stdout)
        .into_iter()
        .collect::<Result<_, _>>()
        .expect("one JSON detail per request");
    assert_eq!(details.len(), lines.len(), "a detail per request");
    for detail in details {
        if let Some(t) = detail["description"].as_str().filter(|t| !t.is_empty()) {
            texts.push(t.to_string());
        }
        for field in ["name", "address"] {
            let value = detail["subject"][field].as_str().unwrap_or_default();
            names.extend(
                value.split(|c: char| !c.is_alphanumeric()).filter(|w| !w.is_empty()).map(String::from),
            );
        }
        let typed =
            ["note", "message", "withdrawn", "status_changed", "reopened", "responded", "extended", "paused"];
        for e in detail["events"].as_array().expect("events") {
            if typed.contains(&e["kind"].as_str().unwrap_or_default())
                && let Some(t) = e["text"].as_str().filter(|t| !t.is_empty())
            {
                texts.push(t.to_string());
            }
        }
    }
    for op in env.json(&["operator", "list"]).as_array().expect("operators") {
        names.extend(op["login"].as_str().map(String::from));
        names.extend(op["name"].as_str().unwrap_or_default().split_whitespace().map(String::from));
    }
    // Longest first, so a text inside another is not cut out of it first.
    texts.sort_by_key(|t| std::cmp::Reverse(t.len()));
    texts.dedup();
    (texts, names)
}

/// On the demo's data, what a clerk and a supervisor read every day (`list`, `show`,
/// `deadline`, the digest and the reports) in Russian and Kyrgyz has no English word.
#[test]
fn the_demo_reads_in_russian_and_kyrgyz() {
    let env = TestEnv::new();
    env.ok(&["demo", "--requests", "60", "--seed", "3"]);
    let (texts, names) = stored_texts(&env);
    let codes = typed_codes();
    let extra: Vec<&str> =
        codes.iter().chain(&names).map(String::as_str).chain([env.admin.as_str()]).collect();
    let all = env.json(&["list", "--all", "--limit", "1000", "--format", "json"]);
    let refs: Vec<String> = refs(&all);
    assert!(refs.len() >= 60, "{} requests", refs.len());
    let mut runs: Vec<Vec<String>> = vec![
        vec!["list".into()],
        vec!["list".into(), "--all".into()],
        vec!["digest".into()],
        vec!["report".into(), "monthly".into(), "--month".into(), "2026-10".into()],
        vec![
            "report".into(),
            "monthly".into(),
            "--month".into(),
            "2026-11".into(),
            "--by".into(),
            "clerk".into(),
        ],
        vec![
            "report".into(),
            "range".into(),
            "--from".into(),
            "2026-01".into(),
            "--to".into(),
            "2026-12".into(),
            "--by".into(),
            "month".into(),
        ],
        vec!["report".into(), "backlog".into(), "--days".into(), "14".into()],
        vec!["calendar".into(), "--month".into(), "2026-12".into()],
        vec!["grounds".into()],
    ];
    for kind in ["information", "access", "correction", "complaint", "authority_inquiry"] {
        runs.push(vec![
            "deadline".into(),
            "--kind".into(),
            kind.into(),
            "--received".into(),
            "2026-12-30".into(),
        ]);
    }
    let mut failures = Vec::new();
    for lang in ["ru", "ky"] {
        for args in &runs {
            let (success, mut text) = run(&env, lang, args);
            if !success {
                failures.push(format!("aryz --lang {lang} {args:?} failed:\n{text}"));
                continue;
            }
            for t in &texts {
                text = text.replace(t.as_str(), " ");
            }
            let words = english_words(&text, &extra);
            if !words.is_empty() {
                failures.push(format!("aryz --lang {lang} {args:?}: English {words:?} in:\n{text}"));
            }
        }
        // Every request's `show`, each its own session as `aryz --lang LANG show REF` would
        // run it, in one batch process; each detail is scanned on its own.
        let shows: Vec<Vec<String>> = refs.iter().map(|r| vec!["show".to_string(), r.clone()]).collect();
        let out = env.batch(&["--lang", lang], &shows);
        let stdout = String::from_utf8_lossy(&out.stdout);
        let stderr = String::from_utf8_lossy(&out.stderr);
        if !out.status.success() {
            failures.push(format!("aryz --lang {lang} __batch of {} shows failed:\n{stderr}", shows.len()));
            continue;
        }
        // The details come in the order asked, each naming its reference first: the output
        // is cut where each next reference appears, so every byte of it is scanned once.
        let mut cuts = vec![0];
        for r in refs.iter().skip(1) {
            let from = cuts.last().copied().unwrap_or(0);
            let at = stdout[from..].find(r.as_str()).map(|i| from + i);
            cuts.push(
                at.unwrap_or_else(|| panic!("the detail of {r} after the one before it in:\n{stdout}")),
            );
        }
        cuts.push(stdout.len());
        for (r, piece) in refs.iter().zip(cuts.windows(2)) {
            let mut text = stdout[piece[0]..piece[1]].to_string();
            for t in &texts {
                text = text.replace(t.as_str(), " ");
            }
            let words = english_words(&text, &extra);
            if !words.is_empty() {
                failures.push(format!("aryz --lang {lang} show {r}: English {words:?} in:\n{text}"));
            }
        }
        let words = english_words(&stderr, &extra);
        if !words.is_empty() {
            failures.push(format!("aryz --lang {lang} show: English {words:?} on stderr:\n{stderr}"));
        }
    }
    assert!(
        failures.is_empty(),
        "{} of {} runs:\n{}",
        failures.len(),
        (runs.len() + refs.len()) * 2,
        failures.join("\n")
    );
}

/// The errors of the files an office edits (config.toml with its keymap, the rules file,
/// an import file, a letter template) name the line, the column and the key in the
/// language; the parser's own words appear only quoted, and only when no key names the
/// mistake.
#[test]
fn file_errors_name_the_place_in_russian_and_kyrgyz() {
    let env = TestEnv::with_staff();
    let r = env.add(&[]);
    let bad_csv = env.path().join("bad.csv");
    std::fs::write(
        &bad_csv,
        "kind,name,pin,received\nnope,Тест,21503199012345,2026-11-02\naccess,,1,2026-13-01\n",
    )
    .unwrap();
    let broken_csv = env.path().join("broken.csv");
    std::fs::write(&broken_csv, "kind,name,pin,received\naccess,Тест\n").unwrap();
    let unknown_column = env.path().join("unknown.csv");
    std::fs::write(&unknown_column, "kind;name\n").unwrap();
    let json = env.path().join("bad.json");
    std::fs::write(&json, "[{\"kind\": \"access\", \"colour\": \"red\"}]").unwrap();
    let broken_json = env.path().join("broken.json");
    std::fs::write(&broken_json, "[{").unwrap();
    let rules = env.path().join("rules.toml");
    std::fs::write(&rules, "[[rule]]\nid = 'x'\nname = 'x'\nkinds = 'all'\nlength = 0\nunit = 'calendar_days'\nstart = 'receipt'\nbinding = true\n").unwrap();
    let templates = env.path().join("templates");
    std::fs::create_dir(&templates).unwrap();
    let codes = typed_codes();
    let extra: Vec<&str> = codes.iter().map(String::as_str).chain([env.admin.as_str()]).collect();
    let mut failures = Vec::new();
    for lang in ["ru", "ky"] {
        let mut check = |config: &str, args: &[&str], expect: &str| {
            env.write_config(config);
            let (success, text) = run(&env, lang, &args.iter().map(ToString::to_string).collect::<Vec<_>>());
            if success {
                failures.push(format!("{config:?} {args:?}: succeeded\n{text}"));
            }
            let words = english_words(&text, &extra);
            if !words.is_empty() || !text.contains(expect) {
                failures.push(format!(
                    "--lang {lang} {config:?} {args:?}: English {words:?} or no {expect:?} in:\n{text}"
                ));
            }
        };
        let (line, key) = if lang == "ru" {
            ("строка 2, столбец", "ключ")
        } else {
            ("2-сап, ", "ачкычы")
        };
        check("language = \"ru\"\ndue_soon_working_days = \"five\"\n", &["list"], key);
        check("language = \"ru\"\nzz_no_such_key = 1\n", &["list"], line);
        check("language = \"ru\"\n[keys]\nquit = 5\n", &["list"], key);
        check("language = \"ru\"\nutc_offset = \n", &["list"], line);
        check("rules_file = \"rules.toml\"\n", &["list"], "length");
        std::fs::write(&rules, "[[rule]]\nid = 'x'\nlength = 'long'\n").unwrap();
        check("rules_file = \"rules.toml\"\n", &["list"], key);
        check("", &["import", bad_csv.to_str().unwrap()], if lang == "ru" { "строка 3" } else { "3-сап" });
        check("", &["import", broken_csv.to_str().unwrap()], if lang == "ru" { "строка 2" } else { "2-сап" });
        check("", &["import", unknown_column.to_str().unwrap()], "kind;name");
        check("", &["import", json.to_str().unwrap()], "colour");
        check("", &["import", broken_json.to_str().unwrap()], "JSON");
        std::fs::write(templates.join("ru.toml"), "[acknowledgement]\ntitle = \"№ {reference}\"\n").unwrap();
        check("", &["letter", &r, "--type", "acknowledgement", "--output", "-"], "{reference}");
        std::fs::write(templates.join("ru.toml"), "[acknowledgment]\ntitle = \"x\"\n").unwrap();
        check("", &["letter", &r, "--type", "acknowledgement", "--output", "-"], "acknowledgment");
        std::fs::write(templates.join("ru.toml"), "[acknowledgement\n").unwrap();
        check("", &["letter", &r, "--type", "acknowledgement", "--output", "-"], "TOML");
        std::fs::remove_file(templates.join("ru.toml")).unwrap();
        std::fs::write(&rules, "[[rule]]\nid = 'x'\nname = 'x'\nkinds = 'all'\nlength = 0\nunit = 'calendar_days'\nstart = 'receipt'\nbinding = true\n").unwrap();
    }
    env.write_config("");
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

/// `show` says the case file's events (a file attached, a duplicate link) in the language,
/// as the terminal UI does, not in the English they are stored in.
#[test]
fn show_says_attachments_and_links_in_the_language() {
    let env = TestEnv::with_staff();
    let (a, b) = (env.add(&[]), env.add(&[]));
    let scan = env.path().join("скан.pdf");
    std::fs::write(&scan, "заявление").unwrap();
    env.ok(&["attach", &b, scan.to_str().unwrap()]);
    env.ok(&["link", &b, "--duplicate-of", &a]);
    let ru = env.ok(&["--lang", "ru", "show", &b]);
    assert!(ru.contains("дубликат") && ru.contains("скан.pdf (18 Б)"), "{ru}");
    assert!(!ru.contains("duplicate of") && !ru.contains("bytes"), "{ru}");
    let ky = env.ok(&["--lang", "ky", "show", &a]);
    assert!(ky.contains("кайталоосу катары жабылды") && !ky.contains("closed as"), "{ky}");
}
