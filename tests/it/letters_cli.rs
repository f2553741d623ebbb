//! `aryz letter` and `aryz subject-export` on the built binary, with bad input.

use crate::common;

use common::{PIN_FEMALE, PIN_MALE, TestEnv, assert_mentions, fails, ok};

fn letter_events(env: &TestEnv, reference: &str) -> Vec<String> {
    env.show(reference)["events"]
        .as_array()
        .expect("events")
        .iter()
        .filter(|e| e["kind"] == "letter")
        .map(|e| e["text"].as_str().unwrap_or_default().to_string())
        .collect()
}

fn audit_actions(env: &TestEnv) -> Vec<String> {
    env.json(&["audit", "log"])
        .as_array()
        .expect("audit entries")
        .iter()
        .map(|e| e["action"].as_str().unwrap_or_default().to_string())
        .collect()
}

fn files_in(dir: &std::path::Path) -> Vec<String> {
    let mut v: Vec<String> = std::fs::read_dir(dir)
        .expect("dir")
        .filter_map(|e| e.ok().map(|e| e.file_name().to_string_lossy().into_owned()))
        .collect();
    v.sort();
    v
}

#[test]
fn acknowledgement_in_the_language_of_the_appeal_is_an_event_and_audited() {
    let env = TestEnv::new();
    let r = env.add(&["--lang", "ky", "--name", "Testova Aigul", "--received", "2026-11-23"]);
    let text = env.ok(&["letter", &r, "--type", "acknowledgement", "--output", "-"]);
    assert_mentions(&text, &[&r, "Testova Aigul", "23.11.2026", "Кимге:", "Кайрылуунун катталгандыгы", "ң"]);
    // The governing deadline: received Mon 23.11.2026 + 1 week (Art. 17) = Mon 30.11.2026;
    // the 30-day limit: + 30 days = Wed 23.12.2026. The letter states both.
    let flat = text.split_whitespace().collect::<Vec<_>>().join(" ");
    assert!(flat.contains("30.11.2026 күнүнөн кечиктирилбестен"), "{text}");
    assert!(flat.contains("30 күндүк мөөнөтү 23.12.2026"), "{text}");
    assert_eq!(letter_events(&env, &r), vec!["acknowledgement ky txt"]);
    let ev = env.show(&r)["events"].as_array().expect("events").last().expect("event").clone();
    assert!(!ev.to_string().contains("Testova"), "no personal data in the event: {ev}");
    assert!(audit_actions(&env).contains(&"letter".to_string()));

    // The interface language of the config does not change the letter's language.
    env.write_config("language = \"en\"\n");
    let again = env.ok(&["letter", &r, "--type", "acknowledgement", "--output", "-"]);
    assert!(again.contains("Кимге:"), "{again}");
    let ru = env.ok(&["letter", &r, "--type", "acknowledgement", "--lang", "ru", "--output", "-"]);
    assert_mentions(&ru, &["Уведомление о регистрации обращения", &r, "Кому:"]);
}

#[test]
fn pdf_letters_are_written_whole_and_private() {
    let env = TestEnv::new();
    let r = env.add(&["--lang", "ru"]);
    let path = env.path().join("ack.pdf");
    let out = env.ok(&["letter", &r, "--type", "acknowledgement", "--output", path.to_str().expect("utf-8")]);
    assert_mentions(&out, &[&r, "acknowledgement", "ru", "pdf", "ack.pdf"]);
    let bytes = std::fs::read(&path).expect("pdf written");
    assert!(bytes.starts_with(b"%PDF-") && bytes.ends_with(b"%%EOF\n") || bytes.ends_with(b"%%EOF"));
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(&path).expect("meta").permissions().mode() & 0o777;
        assert_eq!(mode, 0o600, "letters hold personal data");
    }
    // Without --output: a new file in letters/ of the data directory…
    let out = env.ok(&["letter", &r, "--type", "acknowledgement"]);
    let default = env.path().join("letters").join(format!("{r}-acknowledgement-ru.pdf"));
    assert!(out.contains(default.to_str().expect("utf-8")), "{out}");
    assert!(std::fs::read(&default).expect("written").starts_with(b"%PDF-"));
    assert!(files_in(&env.path().join("letters")).iter().all(|f| !f.contains("partial")));
    // …or in letters_dir of the config; --as overrides the extension.
    let dir = env.path().join("out");
    env.write_config(&format!("letters_dir = {:?}\n", dir.to_str().expect("utf-8")));
    let out = env.ok(&["--format", "json", "letter", &r, "--type", "acknowledgement", "--as", "txt"]);
    let v: serde_json::Value = serde_json::from_str(&out).expect("json");
    assert_eq!(v["format"], "txt");
    assert_eq!(files_in(&dir), vec![format!("{r}-acknowledgement-ru.txt")]);
    // A second letter of the same kind gets a new name; nothing is overwritten.
    env.ok(&["letter", &r, "--type", "acknowledgement", "--as", "txt"]);
    assert_eq!(
        files_in(&dir),
        vec![format!("{r}-acknowledgement-ru-2.txt"), format!("{r}-acknowledgement-ru.txt")]
    );
    // The letter's own --format (--as is the same option); the short reference works too.
    let short = r.rsplit('-').next().expect("number").trim_start_matches('0').to_string();
    env.ok(&["letter", &short, "--type", "acknowledgement", "--format", "pdf"]);
    assert!(files_in(&dir).contains(&format!("{r}-acknowledgement-ru.pdf")), "{:?}", files_in(&dir));
    let e =
        env.fails(&["letter", &r, "--type", "acknowledgement", "--output", path.to_str().expect("utf-8")]);
    assert_mentions(&e, &["ack.pdf", "already exists"]);
    assert_eq!(
        letter_events(&env, &r),
        vec![
            "acknowledgement ru pdf",
            "acknowledgement ru pdf",
            "acknowledgement ru txt",
            "acknowledgement ru txt",
            "acknowledgement ru pdf"
        ]
    );
}

#[test]
fn a_reply_needs_an_answered_request() {
    let env = TestEnv::new();
    let r = env.add(&["--kind", "correction", "--lang", "ru", "--category", "address,phone"]);
    let out = env.path().join("reply.pdf");
    let e = env.fails(&["letter", &r, "--type", "reply", "--output", out.to_str().expect("utf-8")]);
    assert_mentions(&e, &[&r, "cannot write a reply letter", "new"]);
    assert!(!out.exists(), "nothing written");
    assert!(letter_events(&env, &r).is_empty());

    env.ok(&[
        "respond",
        &r,
        "--outcome",
        "partially_fulfilled",
        "--ground",
        "data_accurate",
        "--action",
        "address=done",
        "--action",
        "phone=refused",
    ]);
    let text = env.ok(&["letter", &r, "--type", "reply", "--output", "-"]);
    assert_mentions(
        &text,
        &[
            "Ответ на обращение",
            "адрес: данные уточнены",
            "номер телефона: в уточнении отказано",
            "Основание отказа",
            "Государственное агентство по защите персональных данных",
            "в суд",
        ],
    );
    let en = env.ok(&["letter", &r, "--type", "reply", "--lang", "en", "--output", "-"]);
    assert_mentions(&en, &["Reply to your request", "address: corrected", "court"]);
}

#[test]
fn an_extension_notice_needs_an_extension() {
    let env = TestEnv::new();
    env.enable_extension_and_pause();
    // A complaint registered Tue 24.11: Law 67's 14 working days end Mon 14.12 (governing).
    let r = env.add(&["--lang", "ky", "--kind", "complaint", "--received", "2026-11-23"]);
    let e = env.fails(&["letter", &r, "--type", "extension", "--output", "-"]);
    assert_mentions(&e, &[&r, "never extended"]);
    env.ok(&["extend", &r, "--days", "5", "--reason", "кошумча документтер керек"]);
    let text = env.ok(&["letter", &r, "--type", "extension", "--output", "-"]);
    assert_mentions(&text, &["узартуу", "14.12.2026", "кошумча документтер керек"]);
    // The letter cites the extension's legal basis from the rules' data, in its language.
    let flat = text.split_whitespace().collect::<Vec<_>>().join(" ");
    assert!(flat.contains("укуктук негизи"), "{text}");
    assert!(flat.contains("«Жарандардын кайрылууларын кароонун тартиби жөнүндө» Мыйзамы"), "{text}");
    assert!(!flat.contains("considering citizens' appeals"), "no English basis in Kyrgyz: {text}");
    let ru = env.ok(&["letter", &r, "--type", "extension", "--lang", "ru", "--output", "-"]);
    let ru = ru.split_whitespace().collect::<Vec<_>>().join(" ");
    assert!(ru.contains("«О порядке рассмотрения обращений граждан»"), "{ru}");
    let en = env.ok(&["letter", &r, "--type", "extension", "--lang", "en", "--output", "-"]);
    let en = en.split_whitespace().collect::<Vec<_>>().join(" ");
    assert!(en.contains("considering citizens' appeals"), "{en}");
    // 14.12.2026 + 5 days = Sat 19.12 → Mon 21.12.2026, before the 30-day limit (23.12).
    let due = env.show(&r)["due_on"].as_str().expect("due").to_string();
    let dmy = format!("{}.{}.{}", &due[8..10], &due[5..7], &due[0..4]);
    assert!(text.contains(&dmy), "new deadline {dmy} in\n{text}");
}

#[test]
fn bad_input_is_a_clear_error_and_writes_nothing() {
    let env = TestEnv::new();
    let r = env.add(&[]);
    let e = env.fails(&["letter", &r, "--type", "acknowledgement", "--lang", "de", "--output", "-"]);
    assert_mentions(&e, &["lang", "'de'", "ky, ru, en"]);
    let e = env.fails(&["letter", &r, "--type", "receipt", "--output", "-"]);
    assert_mentions(&e, &["type", "'receipt'", "acknowledgement, reply, extension"]);
    let e = env.fails(&["letter", &r, "--type", "acknowledgement", "--output", "x.doc"]);
    assert_mentions(&e, &["format", "x.doc", "--format txt or --format pdf"]);
    let e = env.fails(&["letter", &r, "--type", "acknowledgement", "--as", "docx", "--output", "x.txt"]);
    assert_mentions(&e, &["format", "'docx'", "txt, pdf"]);
    // The letter's own --format: a file format, not the records' (which goes before `letter`).
    let e = env.fails(&["letter", &r, "--type", "acknowledgement", "--format", "json", "--output", "x.txt"]);
    assert_mentions(&e, &["format", "'json'", "txt, pdf"]);
    let e = env.fails(&["letter", &r, "--type", "acknowledgement", "--as", "pdf", "--output", "-"]);
    assert_mentions(&e, &["PDF", "terminal"]);
    let e = env.fails(&["letter", "ARZ-2026-999999", "--type", "acknowledgement", "--output", "-"]);
    assert_mentions(&e, &["ARZ-2026-999999", "no such request"]);

    // Unwritable output: a directory that does not exist, and a path that is a directory.
    let missing = env.path().join("no-such-dir").join("a.pdf");
    let e =
        env.fails(&["letter", &r, "--type", "acknowledgement", "--output", missing.to_str().expect("utf-8")]);
    assert_mentions(&e, &["no-such-dir"]);
    let is_dir = env.path().join("a-dir.pdf");
    std::fs::create_dir(&is_dir).expect("mkdir");
    let e =
        env.fails(&["letter", &r, "--type", "acknowledgement", "--output", is_dir.to_str().expect("utf-8")]);
    assert_mentions(&e, &["a-dir.pdf"]);
    assert!(files_in(env.path()).iter().all(|f| !f.contains(".partial")), "{:?}", files_in(env.path()));
    assert!(letter_events(&env, &r).is_empty(), "a letter not written is not recorded");
}

#[test]
fn template_overrides_from_the_config_directory() {
    let env = TestEnv::new();
    let r = env.add(&["--lang", "en"]);
    let dir = env.path().join("templates");
    std::fs::create_dir(&dir).expect("mkdir");
    std::fs::write(dir.join("en.toml"), "[acknowledgement]\ntitle = \"Receipt of request {ref}\"\n")
        .expect("write");
    let text = env.ok(&["letter", &r, "--type", "acknowledgement", "--output", "-"]);
    assert!(text.contains(&format!("Receipt of request {r}")), "{text}");
    assert_eq!(letter_events(&env, &r).len(), 1);

    // Broken override: the error names the file.
    std::fs::write(dir.join("en.toml"), "[acknowledgement]\ntitle = \"{nope}\"\n").expect("write");
    let e = env.fails(&["letter", &r, "--type", "acknowledgement", "--output", "-"]);
    assert_mentions(&e, &["en.toml", "{nope}"]);
    std::fs::remove_file(dir.join("en.toml")).expect("rm");

    // A configured directory that is missing.
    env.write_config("templates_dir = \"my-templates\"\n");
    let e = env.fails(&["letter", &r, "--type", "acknowledgement", "--output", "-"]);
    assert_mentions(&e, &["templates_dir", "my-templates", "no such directory"]);

    // A missing override file behind a link.
    #[cfg(unix)]
    {
        env.write_config("");
        std::os::unix::fs::symlink(dir.join("gone.toml"), dir.join("ru.toml")).expect("link");
        let e = env.fails(&["letter", &r, "--type", "acknowledgement", "--output", "-"]);
        assert_mentions(&e, &["ru.toml", "cannot read"]);
    }
    assert_eq!(letter_events(&env, &r).len(), 1, "failed letters are not recorded");

    // The letterhead from the config.
    std::fs::remove_dir_all(&dir).expect("rm");
    env.write_config("[letterhead.en]\nservice_name = \"Test Office\"\nsigner_name = \"T. Testov\"\n");
    let text = env.ok(&["letter", &r, "--type", "acknowledgement", "--output", "-"]);
    assert_mentions(&text, &["Test Office", "T. Testov"]);
    env.write_config("[letterhead.de]\nservice_name = \"x\"\n");
    let e = env.fails(&["letter", &r, "--type", "acknowledgement", "--output", "-"]);
    assert_mentions(&e, &["letterhead", "'de'"]);
}

#[test]
fn a_clerk_writes_letters_only_for_their_own_requests() {
    let env = TestEnv::with_staff();
    let r = env.add(&["--assignee", "cara"]);
    ok(env.as_op("cara").args(["letter", &r, "--type", "acknowledgement", "--output", "-"]));
    let e = fails(env.as_op("carl").args(["letter", &r, "--type", "acknowledgement", "--output", "-"]));
    assert_mentions(&e, &[&r, "cara"]);
}

#[test]
fn subject_export_holds_everything_but_internal_notes() {
    let env = TestEnv::with_staff();
    let a = env.add(&["--pin", PIN_FEMALE, "--name", "Testova Aigul", "--email", "aigul@example.org"]);
    let b = env.add(&["--pin", PIN_FEMALE, "--name", "Testova Aigul", "--kind", "information"]);
    let other = env.add(&["--pin", PIN_MALE]);
    env.ok(&["note", &a, "internal remark not for the subject"]);
    env.ok(&["note", &a, "message sent to the subject", "--to-subject"]);
    env.ok(&["letter", &a, "--type", "acknowledgement", "--output", "-"]);
    let path = env.path().join("package.json");
    let p = path.to_str().expect("utf-8");

    let e = fails(env.as_op("cara").args(["subject-export", PIN_FEMALE, "--output", p]));
    assert_mentions(&e, &["cara", "export a subject's data"]);
    assert!(!path.exists());

    let out = ok(env.as_op("sam").args(["subject-export", PIN_FEMALE, "--output", p]));
    assert_mentions(&out, &["2 requests", "package.json"]);
    assert!(!out.contains(PIN_FEMALE), "the PIN is masked on the terminal: {out}");
    let text = std::fs::read_to_string(&path).expect("written");
    let v: serde_json::Value = serde_json::from_str(&text).expect("json");
    let reqs = v["requests"].as_array().expect("requests");
    let refs: Vec<&str> = reqs.iter().map(|r| r["ref"].as_str().expect("ref")).collect();
    assert_eq!(refs, vec![a.as_str(), b.as_str()]);
    assert!(!text.contains(&other));
    assert_eq!(reqs[0]["subject"]["pin"], PIN_FEMALE, "all fields, unmasked");
    assert_eq!(reqs[0]["subject"]["email"], "aigul@example.org");
    assert!(!text.contains("internal remark"), "internal notes are left out");
    assert!(text.contains("message sent to the subject"));
    assert_eq!(reqs[0]["letters"][0]["type"], "acknowledgement");
    assert_eq!(reqs[0]["letters"][0]["format"], "txt");
    let audit = env.json(&["audit", "log", "--operator", "sam"]);
    // On record before the file was written, then completed.
    let entry = &audit.as_array().expect("entries")[1];
    assert_eq!(entry["action"], "subject_export");
    assert!(entry["detail"].as_str().expect("detail").contains(&a));
    let done = &audit.as_array().expect("entries")[0];
    assert_eq!(done["action"], "subject_export_completed");
    assert!(!done.to_string().contains(PIN_FEMALE), "no full PIN in the audit log");
    assert!(!entry.to_string().contains(PIN_FEMALE), "no full PIN in the audit log");

    // Bad input.
    let e = env.fails(&["subject-export", "123", "--output", p]);
    assert_mentions(&e, &["pin", "14 digits"]);
    let missing = env.path().join("nowhere").join("p.json");
    let before = env.json(&["audit", "log"]).as_array().expect("entries").len();
    let e = env.fails(&["subject-export", PIN_FEMALE, "--output", missing.to_str().expect("utf-8")]);
    assert_mentions(&e, &["nowhere"]);
    let after = env.json(&["audit", "log"]).as_array().expect("entries").len();
    assert_eq!(before, after, "an export not written is not audited");
    // A PIN with no requests is an empty package, not an error.
    let empty = env.path().join("empty.json");
    let e = env.fails(&["subject-export", PIN_FEMALE, "--output", p]);
    assert_mentions(&e, &["package.json", "already exists"]);
    let out = env.ok(&["subject-export", "21111199000001", "--output", empty.to_str().expect("utf-8")]);
    assert_mentions(&out, &["0 requests"]);
}

#[test]
fn no_letter_once_the_personal_data_are_erased() {
    let env = TestEnv::new();
    let r = env.add(&[]);
    env.ok(&["withdraw", &r, "--reason", "withdrawn by the subject"]);
    ok(env.on("2032-01-05").args(["retention", "--years", "5"]));
    let e = fails(env.on("2032-01-05").args(["letter", &r, "--type", "acknowledgement", "--output", "-"]));
    assert_mentions(&e, &[&r, "erased"]);
}
