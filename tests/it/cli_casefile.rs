//! The clerk's case file through the command line (issue 15): safe disclosure,
//! attachments, duplicates, representatives, finding requests.

use crate::common;

use common::*;

#[test]
fn an_answer_disclosing_data_to_an_unverified_subject_is_refused() {
    let env = TestEnv::with_staff();
    // `add` without --identity records "not verified".
    let r = ok(env.as_op("cara").args([
        "add",
        "--kind",
        "access",
        "--name",
        "Test Subject",
        "--pin",
        PIN_MALE,
        "--assignee",
        "cara",
    ]))
    .trim()
    .to_string();
    assert_eq!(env.show(&r)["identity"], "not_verified", "add records 'not verified' unless told");
    let before = env.snapshot();
    let err = fails(env.as_op("cara").args(["respond", &r, "--outcome", "fulfilled"]));
    assert_mentions(&err, &[&r, "not verified", "--identity-verified-by", "--identity-override"]);
    assert_eq!(env.snapshot(), before, "a refused answer changes nothing");
    // A clerk may not override.
    let err = fails(env.as_op("cara").args([
        "respond",
        &r,
        "--outcome",
        "fulfilled",
        "--identity-override",
        "known in person",
    ]));
    assert_mentions(&err, &["supervisor"]);
    // A supervisor may, with a reason; the override is an audit entry of its own.
    ok(env.as_op("sam").args([
        "respond",
        &r,
        "--outcome",
        "fulfilled",
        "--identity-override",
        "known in person",
    ]));
    let log = env.json(&["audit", "log", "--ref", &r]);
    assert!(
        log.as_array().unwrap().iter().any(|e| e["action"] == "identity_override" && e["actor"] == "sam"),
        "{log}"
    );
    ok(env.aryz().args(["audit", "verify"]));
}

#[test]
fn verifying_identity_when_answering_records_the_method() {
    let env = TestEnv::with_staff();
    let r = env
        .add_as(Some("cara"), &["--assignee", "cara", "--kind", "information", "--identity", "not_verified"]);
    ok(env.as_op("cara").args([
        "respond",
        &r,
        "--outcome",
        "fulfilled",
        "--identity-verified-by",
        "document_presented",
    ]));
    let d = env.show(&r);
    assert_eq!(d["identity"], "document_presented");
    assert!(event_kinds(&d).contains(&"identity_verified".to_string()), "{d}");
    // Verified at intake: nothing more is asked.
    let r = env.add(&["--identity", "e_signature"]);
    env.ok(&["respond", &r, "--outcome", "fulfilled"]);
}

/// Every byte value, repeated to `len` bytes.
fn content(len: usize) -> Vec<u8> {
    (0..len).map(|i| (i * 7 + i / 256) as u8).collect()
}

#[test]
fn attachments_round_trip_byte_identical_at_the_limit_and_refuse_one_byte_over() {
    let env = TestEnv::with_staff();
    env.write_config("attachment_max_mb = 1\n");
    let r = env.add(&[]);
    let limit = 1024 * 1024;
    let at_limit = env.path().join("scan at limit.pdf");
    std::fs::write(&at_limit, content(limit)).unwrap();
    let over = env.path().join("over.pdf");
    std::fs::write(&over, content(limit + 1)).unwrap();

    let before = env.snapshot();
    let err = env.fails(&["attach", &r, over.to_str().unwrap()]);
    assert_mentions(&err, &["file", "1048577 bytes", "1048576", "attachment_max_mb"]);
    assert_eq!(env.snapshot(), before, "a refused file changes nothing");
    assert!(env.json(&["attachments", &r]).as_array().unwrap().is_empty());

    let out = env.ok(&["attach", &r, at_limit.to_str().unwrap(), "--kind", "request_scan"]);
    assert_mentions(&out, &[&r, "file 1", "request_scan", "1048576 bytes"]);
    let list = env.json(&["attachments", &r]);
    let a = &list[0];
    assert_eq!(a["n"], 1);
    assert_eq!(a["kind"], "request_scan");
    assert_eq!(a["file_name"], "scan at limit.pdf", "the base name, never the path");
    assert_eq!(a["size"], limit);
    assert_eq!(a["added_by"], env.admin.as_str());
    let sha = a["sha256"].as_str().unwrap().to_string();
    assert_eq!(sha.len(), 64);

    let back = env.path().join("back.pdf");
    env.ok(&["attachment", &r, "1", "--output", back.to_str().unwrap()]);
    assert_eq!(std::fs::read(&back).unwrap(), content(limit), "byte-identical");
    // Never overwrites; no such number names the command that lists them.
    assert_mentions(&env.fails(&["attachment", &r, "1", "--output", back.to_str().unwrap()]), &["exists"]);
    assert_mentions(
        &env.fails(&["attachment", &r, "2", "--output", "x.pdf"]),
        &["no file number 2", "attachments"],
    );
    assert_mentions(
        &env.fails(&["attach", &r, at_limit.to_str().unwrap(), "--kind", "selfie"]),
        &["attachment_kind", "selfie"],
    );

    // Audited: the attachment with its hash, the view as a disclosure begun and completed.
    let log = env.json(&["audit", "log", "--ref", &r]);
    let actions: Vec<(&str, &str)> = log
        .as_array()
        .unwrap()
        .iter()
        .map(|e| (e["action"].as_str().unwrap(), e["detail"].as_str().unwrap()))
        .collect();
    assert!(actions.iter().any(|(a, d)| *a == "attach" && d.contains(&sha)), "{actions:?}");
    assert!(actions.iter().any(|(a, d)| *a == "attachment_view" && d.contains(&sha)), "{actions:?}");
    assert!(actions.iter().any(|(a, _)| *a == "attachment_view_completed"), "{actions:?}");
    let d = env.show(&r);
    assert!(event_kinds(&d).contains(&"attached".to_string()));
    assert_eq!(d["attachments"][0]["sha256"], sha.as_str());
    env.ok(&["audit", "verify"]);
}

#[test]
fn the_same_file_is_stored_once_and_audit_verify_catches_a_changed_file() {
    if !have_sqlite3() {
        return;
    }
    let env = TestEnv::with_staff();
    let a = env.add(&[]);
    let b = env.add(&["--pin", PIN_FEMALE]);
    let file = env.path().join("passport.jpg");
    std::fs::write(&file, content(5000)).unwrap();
    env.ok(&["attach", &a, file.to_str().unwrap(), "--kind", "identity_document"]);
    env.ok(&["attach", &b, file.to_str().unwrap(), "--kind", "identity_document"]);
    env.ok(&["attach", &a, file.to_str().unwrap()]);
    assert_eq!(sqlite3(&env.db(), "SELECT count(*) FROM blobs").trim(), "1", "content-addressed");
    assert_eq!(sqlite3(&env.db(), "SELECT count(*) FROM attachments").trim(), "3");
    env.ok(&["audit", "verify"]);
    // Changing the stored content (same length) behind aryz's back is caught.
    sqlite3(&env.db(), "UPDATE blobs SET data = zeroblob(5000)");
    let err = fails(env.aryz().args(["audit", "verify"]));
    assert_mentions(&err, &["attached file"]);
    // Changing an attachment row is caught as a change to its request.
    sqlite3(&env.db(), "UPDATE blobs SET data = (SELECT data FROM blobs) WHERE 0");
}

#[test]
fn subject_export_includes_files_and_retention_erases_them() {
    let env = TestEnv::with_staff();
    let old = env.add(&["--received", "2026-11-02"]);
    let file = env.path().join("extract.csv");
    std::fs::write(&file, b"name;pin\nTest;1\n").unwrap();
    env.ok(&["attach", &old, file.to_str().unwrap(), "--kind", "data_extract"]);
    let export = env.path().join("export.json");
    env.ok(&["subject-export", PIN_MALE, "--output", export.to_str().unwrap()]);
    let v: serde_json::Value = serde_json::from_slice(&std::fs::read(&export).unwrap()).unwrap();
    let f = &v["requests"][0]["attachments"][0];
    assert_eq!(f["kind"], "data_extract");
    assert_eq!(f["content_base64"], "bmFtZTtwaW4KVGVzdDsxCg==");

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
    let later = "2031-11-21";
    json(env.on(later).args(["--format", "json", "retention", "--years", "5"]));
    let list = json(env.on(later).args(["--format", "json", "attachments", &old]));
    assert!(list.as_array().unwrap().is_empty(), "{list}");
    ok(env.on(later).args(["audit", "verify"]));
}

#[test]
fn a_duplicate_is_named_when_registered_and_closed_by_link() {
    let env = TestEnv::with_staff();
    let first = env.add(&["--received", "2026-11-20"]);
    // Same PIN and kind, open: the warning names the first, and the request is registered.
    let out = env
        .aryz()
        .args([
            "add",
            "--kind",
            "access",
            "--name",
            "Test Subject",
            "--pin",
            PIN_MALE,
            "--identity",
            "e_signature",
        ])
        .output()
        .unwrap();
    assert!(out.status.success());
    let second = String::from_utf8_lossy(&out.stdout).trim().to_string();
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("duplicate") && err.contains(&first), "{err}");
    // Another kind, same PIN, within 30 days: named too. Another PIN: no warning.
    let out =
        env.aryz().args(["add", "--kind", "correction", "--name", "T", "--pin", PIN_MALE]).output().unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains(&first) && err.contains(&second), "{err}");
    let out =
        env.aryz().args(["add", "--kind", "access", "--name", "T", "--pin", PIN_FEMALE]).output().unwrap();
    assert!(!String::from_utf8_lossy(&out.stderr).contains("duplicate"));

    // Closing as a duplicate takes a request out of "% in time", like a withdrawal: a
    // supervisor's decision, even for the clerk who holds it.
    env.ok(&["assign", &second, "cara"]);
    let before = env.snapshot();
    let err = fails(env.as_op("cara").args(["link", &second, "--duplicate-of", &first]));
    assert_mentions(&err, &["cara", "clerk"]);
    assert_eq!(env.snapshot(), before);
    assert_mentions(&env.fails(&["link", &second, "--duplicate-of", &second]), &["itself"]);
    let out = ok(env.as_op("sam").args(["link", &second, "--duplicate-of", &first]));
    assert_mentions(&out, &[&second, "duplicate", &first]);
    let d = env.show(&second);
    assert_eq!(d["status"], "withdrawn");
    assert_eq!(d["closed_as"], "duplicate");
    assert_eq!(d["duplicate_of"], first.as_str());
    assert!(event_kinds(&d).contains(&"linked".to_string()));
    let o = env.show(&first);
    assert_eq!(o["duplicates"], serde_json::json!([second]));
    assert!(event_kinds(&o).contains(&"linked".to_string()), "shown on both timelines");
    // Closed already: linking again is refused.
    assert_mentions(&env.fails(&["link", &second, "--duplicate-of", &first]), &["withdrawn"]);
    // The report counts it apart from answers, outside "% in time".
    let rep = env.json(&["report", "monthly", "--month", "2026-11"]);
    let total = rep["total"].clone();
    assert_eq!(total["withdrawn"], 1, "{rep}");
    env.ok(&["audit", "verify"]);
}

#[test]
fn list_says_on_stderr_when_it_shows_fewer_rows_than_match() {
    let env = TestEnv::with_staff();
    for pin in [PIN_MALE, PIN_FEMALE, "21503199012346"] {
        env.add(&["--pin", pin]);
    }
    let out = env.aryz().args(["list", "--limit", "2"]).output().unwrap();
    assert!(out.status.success());
    assert_eq!(String::from_utf8_lossy(&out.stdout).lines().filter(|l| l.starts_with("ARZ-")).count(), 2);
    assert_mentions(&String::from_utf8_lossy(&out.stderr), &["2 of 3", "--limit"]);
    let out = env.aryz().args(["list"]).output().unwrap();
    assert!(String::from_utf8_lossy(&out.stderr).is_empty(), "all shown: nothing said");
}

#[test]
fn search_finds_e_mail_phone_and_the_tail_of_a_reference() {
    let env = TestEnv::with_staff();
    let a = env.add(&["--email", "aigul.test@example.kg", "--phone", "+996 (555) 12-34-56"]);
    let b = env.add(&["--pin", PIN_FEMALE]);
    let found = |q: &str| refs(&env.json(&["list", "--all", "--search", q]));
    assert_eq!(found("aigul.test@example.kg"), vec![a.clone()]);
    assert_eq!(found("example.kg"), vec![a.clone()]);
    assert_eq!(found("996555123456"), vec![a.clone()], "phone digits without punctuation");
    assert_eq!(found("12-34-56"), vec![a.clone()], "phone as written");
    assert_eq!(found("996555"), vec![a.clone()]);
    assert_eq!(found(&b[9..]), vec![b.clone()], "zero-padded tail");
    // "2" is also the start of the year: the request ending in 2 is among those found.
    assert!(found("2").contains(&b), "reference tail");
    assert_eq!(found("ARZ-2026-000002"), vec![b.clone()], "the whole reference");
}

#[test]
fn an_old_receipt_date_needs_confirmation() {
    let env = TestEnv::with_staff();
    let before = env.snapshot();
    let err =
        env.fails(&["add", "--kind", "access", "--name", "T", "--pin", PIN_MALE, "--received", "2025-11-24"]);
    assert_mentions(&err, &["received", "365 days", "--confirm-old-receipt"]);
    assert_eq!(env.snapshot(), before);
    // 60 days: no confirmation needed.
    ok(env.aryz().args([
        "add",
        "--kind",
        "access",
        "--name",
        "T",
        "--pin",
        PIN_MALE,
        "--received",
        "2026-09-25",
    ]));
    env.add(&["--received", "2025-11-24", "--confirm-old-receipt"]);
}

#[test]
fn a_representative_is_recorded_and_shown() {
    let env = TestEnv::with_staff();
    let r = env.add(&[
        "--representative",
        "Testov Bakyt",
        "--representative-document",
        "power of attorney No. 12 of 01.11.2026",
        "--representative-email",
        "rep@example.test",
    ]);
    let d = env.show(&r);
    assert_eq!(d["representative"]["name"], "Testov Bakyt");
    assert_eq!(d["representative"]["email"], "rep@example.test");
    let text = env.ok(&["show", &r]);
    assert_mentions(&text, &["representative", "Testov Bakyt", "power of attorney No. 12"]);
    // Letters go to the representative, on the subject's behalf, and are kept as sent.
    let letter = env.ok(&["letter", &r, "--type", "acknowledgement", "--lang", "en", "--output", "-"]);
    assert_mentions(
        &letter,
        &["Testov Bakyt", "on behalf of Test Subject", "rep@example.test", "Dear Testov Bakyt"],
    );
    let files = env.json(&["attachments", &r]);
    assert_eq!(files[0]["kind"], "outgoing_letter", "{files}");
    assert_mentions(
        &env.fails(&[
            "add",
            "--kind",
            "access",
            "--name",
            "T",
            "--pin",
            PIN_MALE,
            "--representative",
            "X",
            "--representative-email",
            "bad",
        ]),
        &["representative_email"],
    );
    env.ok(&["audit", "verify"]);
}

#[test]
fn an_authority_inquiry_is_due_within_one_week() {
    let env = TestEnv::with_staff();
    let r = env.add(&[
        "--kind",
        "authority_inquiry",
        "--representative",
        "State Agency for Personal Data Protection",
        "--representative-document",
        "inquiry No. 7 of 24.11.2026",
    ]);
    let d = env.show(&r);
    // Received Tue 24.11.2026 + 1 week = Tue 01.12.2026 (Art. 17(g)), before Law 67's term.
    assert_eq!(d["due_on"], "2026-12-01", "{d}");
    let rules: Vec<&str> =
        d["deadlines"].as_array().unwrap().iter().map(|x| x["rule"].as_str().unwrap()).collect();
    assert!(rules.contains(&"law58_authority_1w"), "{rules:?}");
    let v = env.json(&["deadline", "--kind", "authority_inquiry", "--received", "2026-11-24"]);
    assert_eq!(v["deadlines"][0]["rule"], "law58_authority_1w", "{v}");
}

fn fixture(name: &str) -> std::path::PathBuf {
    std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/it/fixtures/mail").join(name)
}

#[test]
fn e_mail_in_utf8_koi8r_windows1251_and_multipart_becomes_requests() {
    let env = TestEnv::with_staff();
    let cases = [
        (
            "utf8.eml",
            "Жеке маалыматтарыма кирүү тууралуу арыз",
            "Тестова Айгүл",
            "aigul.testova@example.kg",
            "ky",
            "көчүрмөсүн берүүңүздү суранам",
        ),
        (
            "koi8r.eml",
            "Запрос о доступе к персональным данным",
            "Тестов Бакыт",
            "bakyt.testov@example.ru",
            "ru",
            "Прошу предоставить сведения",
        ),
        (
            "cp1251.eml",
            "Обращение об уточнении данных",
            "Тестова Гульнара",
            "gulnara.testova@example.kg",
            "ru",
            "уточнить мой номер телефона",
        ),
    ];
    for (file, subject, name, email, lang, text) in cases {
        let v = env.json(&["import-mail", fixture(file).to_str().unwrap(), "--kind", "access"]);
        let m = &v["messages"][0];
        assert_eq!(m["result"], "registered", "{file}: {v}");
        let d = env.show(m["ref"].as_str().unwrap());
        assert_eq!(d["channel"], "email");
        assert_eq!(d["identity"], "not_verified");
        assert_eq!(d["lang"], lang, "{file}");
        assert_eq!(d["subject"]["name"], name, "{file}");
        assert_eq!(d["subject"]["email"], email, "{file}");
        let desc = d["description"].as_str().unwrap();
        assert!(desc.starts_with(subject), "{file}: {desc}");
        assert!(
            desc.contains(&format!("{subject}\n\n")) && desc.contains(text),
            "{file}: the body survives: {desc}"
        );
        // The original message is kept, byte for byte.
        let out = env.path().join(format!("{file}.back"));
        env.ok(&["attachment", m["ref"].as_str().unwrap(), "1", "--output", out.to_str().unwrap()]);
        assert_eq!(std::fs::read(&out).unwrap(), std::fs::read(fixture(file)).unwrap());
    }
    // Quoted-printable text, base64 attachments (one with a Kyrgyz/Russian encoded name).
    let v = env.json(&["import-mail", fixture("multipart.eml").to_str().unwrap(), "--kind", "access"]);
    let r = v["messages"][0]["ref"].as_str().unwrap().to_string();
    assert_eq!(v["messages"][0]["files"], 3, "{v}");
    let d = env.show(&r);
    assert!(d["description"].as_str().unwrap().contains("мягкие переносы строк"), "{d}");
    let files = env.json(&["attachments", &r]);
    assert_eq!(files[1]["file_name"], "заявление.pdf", "{files}");
    assert_eq!(files[2]["file_name"], "passport.jpg");
    for (n, original) in [("2", "multipart-attachment.pdf"), ("3", "multipart-passport.jpg")] {
        let out = env.path().join(format!("att-{n}"));
        env.ok(&["attachment", &r, n, "--output", out.to_str().unwrap()]);
        assert_eq!(std::fs::read(&out).unwrap(), std::fs::read(fixture(original)).unwrap(), "file {n}");
    }
    env.ok(&["audit", "verify"]);
}

#[test]
fn a_maildir_is_imported_once_and_bad_messages_are_rejected_with_the_reason() {
    let env = TestEnv::with_staff();
    let maildir = env.path().join("Maildir");
    for sub in ["new", "cur", "tmp"] {
        std::fs::create_dir_all(maildir.join(sub)).unwrap();
    }
    for (i, f) in ["utf8.eml", "no-pin.eml", "garbage.eml", "koi8r.eml"].iter().enumerate() {
        std::fs::copy(fixture(f), maildir.join("new").join(format!("{i}.{f}"))).unwrap();
    }
    // A message in cur/ (already read in the mail client) is not taken.
    std::fs::copy(fixture("cp1251.eml"), maildir.join("cur").join("x.eml")).unwrap();
    let out = env
        .aryz()
        .args(["import-mail", maildir.to_str().unwrap(), "--kind", "information"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1), "rejections fail the command after the others");
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert_mentions(
        &stdout,
        &["0.utf8.eml: registered as ARZ-2026-000001", "3.koi8r.eml: registered as ARZ-2026-000002"],
    );
    assert_mentions(&stdout, &["1.no-pin.eml: rejected", "no PIN", "nurlan.testov@example.kg"]);
    assert_mentions(&stdout, &["2.garbage.eml: rejected", "From"]);
    assert_mentions(&stdout, &["4 messages: 2 registered, 0 skipped, 2 rejected"]);
    assert_mentions(&String::from_utf8_lossy(&out.stderr), &["2 of 4 messages rejected"]);
    // Nothing half-imported: exactly two requests, each with its message.
    let all = env.json(&["list", "--all"]);
    assert_eq!(refs(&all).len(), 2, "{all}");
    // Again: the same Message-IDs are skipped and said.
    std::fs::remove_file(maildir.join("new").join("1.no-pin.eml")).unwrap();
    std::fs::remove_file(maildir.join("new").join("2.garbage.eml")).unwrap();
    let again = env.ok(&["import-mail", maildir.to_str().unwrap(), "--kind", "information"]);
    assert_mentions(
        &again,
        &["already registered as ARZ-2026-000001", "2 messages: 0 registered, 2 skipped, 0 rejected"],
    );
    assert_eq!(refs(&env.json(&["list", "--all"])).len(), 2);
    env.ok(&["audit", "verify"]);
}

#[test]
fn the_case_files_options_are_typed_and_take_short_references() {
    let env = TestEnv::with_staff();
    let first = env.add(&["--received", "2026-11-20"]);
    let second = env.add(&["--received", "2026-11-21"]);
    let short = |r: &str| r.rsplit('-').next().unwrap().trim_start_matches('0').to_string();
    let file = env.path().join("scan.txt");
    std::fs::write(&file, b"scan").unwrap();
    let before = env.snapshot();
    // A kind outside the vocabulary: one line naming the field and the allowed codes, exit 1.
    let err = env.fails(&["attach", &first, file.to_str().unwrap(), "--kind", "passport"]);
    assert_mentions(&err, &["passport", "request_scan", "power_of_attorney"]);
    let err = env.fails(&["import-mail", file.to_str().unwrap(), "--kind", "bogus"]);
    assert_mentions(&err, &["bogus", "access"]);
    let err = env.fails(&["attachments", "ARZ-26-1"]);
    assert_mentions(&err, &["ARZ-26-1"]);
    // `not_verified` is no way of verifying.
    let err =
        env.fails(&["respond", &first, "--outcome", "fulfilled", "--identity-verified-by", "not_verified"]);
    assert_mentions(&err, &["not_verified", "e_signature", "document_presented"]);
    assert_eq!(env.snapshot(), before, "refused values change nothing");
    // `--help` lists the values.
    assert_mentions(&env.ok(&["attach", "--help"]), &["request_scan", "identity_document", "data_extract"]);
    assert_mentions(&env.ok(&["import-mail", "--help"]), &["access", "authority_inquiry"]);
    let help = env.ok(&["respond", "--help"]);
    assert_mentions(&help, &["e_signature", "document_presented"]);
    // Short references (`12`, `:12`) for a request of this year, and the command's own --format.
    let n = short(&first);
    let a = env.json(&["attach", &n, file.to_str().unwrap(), "--kind", "request_scan", "--format", "json"]);
    assert_eq!(a["ref"], first.as_str(), "{a}");
    assert_eq!(a["attachment"]["kind"], "request_scan", "{a}");
    let list = env.json(&["attachments", &format!(":{n}"), "--format", "json"]);
    assert_eq!(list.as_array().map(Vec::len), Some(1), "{list}");
    let csv = env.ok(&["attachments", &n, "--format", "csv"]);
    assert!(csv.starts_with("N,KIND,FILE") && csv.contains("request_scan"), "{csv}");
    let out = env.path().join("out.txt");
    let saved = env.json(&["attachment", &n, "1", "--output", out.to_str().unwrap(), "--format", "json"]);
    assert_eq!(saved["ref"], first.as_str(), "{saved}");
    assert_eq!(std::fs::read(&out).unwrap(), b"scan");
    let linked = env.json(&["link", &short(&second), "--duplicate-of", &format!(":{n}"), "--format", "json"]);
    assert_eq!(linked["duplicate_of"], first.as_str(), "{linked}");
    assert_eq!(env.show(&second)["closed_as"], "duplicate");
}
