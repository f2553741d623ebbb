//! The interface language on the command line: `--lang` before or after the subcommand
//! (after `add` it stays the language of the appeal), `language` in config.toml, the locale,
//! catalog overrides from the config directory, and which output follows the language
//! (table headers, fixed messages) and which never does (JSON keys, codes, CSV headers).

use crate::common;

use common::*;

fn header(out: &str) -> &str {
    out.lines().next().unwrap_or_default()
}

#[test]
fn lang_before_or_after_the_subcommand_sets_the_interface_language() {
    let env = TestEnv::new();
    env.add(&[]);
    let en = env.ok(&["list"]);
    assert!(header(&en).starts_with("REF"), "{en}");
    let ky_before = env.ok(&["--lang", "ky", "list"]);
    let ky_after = env.ok(&["list", "--lang", "ky"]);
    let ky_eq = env.ok(&["list", "--lang=ky", "--limit", "5"]);
    for out in [&ky_before, &ky_after, &ky_eq] {
        assert!(header(out).starts_with("НОМЕРИ"), "{out}");
        assert!(header(out).contains("МӨӨНӨТ"), "{out}");
        assert!(out.contains("ARZ-2026-000001 "), "{out}");
    }
    let ru = env.ok(&["operator", "list", "--lang", "ru"]);
    assert!(header(&ru).starts_with("ЛОГИН") && header(&ru).contains("РОЛЬ"), "{ru}");
    // A nested subcommand whose own `add` is not the request's `add`.
    let ru = env.ok(&["operator", "add", "cara", "--role", "clerk", "--lang", "ru"]);
    assert!(header(&ru).starts_with("ЛОГИН"), "{ru}");
}

#[test]
fn lang_after_add_is_the_language_of_the_appeal() {
    let env = TestEnv::new();
    let base = ["add", "--kind", "access", "--name", "Test Subject", "--pin", PIN_MALE];
    // Scripts' contract: `add … --lang ru` is a Russian appeal, output as before.
    let r1 = env.ok(&[&base[..], &["--lang", "ru"]].concat());
    assert_reference(r1.trim());
    assert_eq!(env.show(r1.trim())["lang"], "ru");
    // Both at once: Kyrgyz interface, Russian appeal.
    let r2 = env.ok(&[&["--lang", "ky"][..], &base[..], &["--lang", "ru"]].concat());
    assert_eq!(env.show(r2.trim())["lang"], "ru");
    // The interface language alone leaves the appeal's default (Kyrgyz).
    let r3 = env.ok(&[&["--lang", "ru"][..], &base[..]].concat());
    assert_eq!(env.show(r3.trim())["lang"], "ky");
    let shown = env.ok(&["--lang", "ky", "show", r2.trim()]);
    assert!(shown.contains("тили") && shown.contains("мөөнөттөр:"), "{shown}");
    // An unknown appeal language is the service's error, as before.
    let e = env.fails(&[&base[..], &["--lang", "de"]].concat());
    assert!(e.contains("de"), "{e}");
}

#[test]
fn an_unknown_interface_language_is_a_usage_error_naming_the_option() {
    let env = TestEnv::new();
    let add = ["--lang", "de", "add", "--kind", "access", "--name", "Test Subject", "--pin", PIN_MALE];
    for args in [&["--lang", "de", "list"][..], &["list", "--lang", "kk"][..], &add[..]] {
        let e = usage_error(env.aryz().args(args));
        assert!(e.contains("--lang"), "{e}");
        assert!(e.contains("ky") && e.contains("ru") && e.contains("en"), "{e}");
    }
}

#[test]
fn config_then_locale_then_english() {
    let env = TestEnv::new();
    env.add(&[]);
    // The locale: ky_KG → Kyrgyz, ru_RU → Russian, C → English; LC_ALL wins over LANG.
    let ky = ok(env.aryz().env("LANG", "ky_KG.UTF-8").arg("list"));
    assert!(header(&ky).starts_with("НОМЕРИ"), "{ky}");
    let ru = ok(env.aryz().env("LANG", "ky_KG.UTF-8").env("LC_ALL", "ru_RU.UTF-8").arg("list"));
    assert!(header(&ru).starts_with("НОМЕР "), "{ru}");
    let en = ok(env.aryz().env("LANG", "C.UTF-8").arg("list"));
    assert!(header(&en).starts_with("REF"), "{en}");
    // config.toml beats the locale; --lang beats config.toml.
    env.write_config("language = \"ru\"\n");
    let ru = ok(env.aryz().env("LANG", "ky_KG.UTF-8").arg("list"));
    assert!(header(&ru).starts_with("НОМЕР "), "{ru}");
    let en = ok(env.aryz().args(["list", "--lang", "en"]));
    assert!(header(&en).starts_with("REF"), "{en}");
}

#[test]
fn json_keys_csv_headers_and_codes_do_not_change_tables_name_codes_in_the_language() {
    let env = TestEnv::new();
    let r = env.add(&[]);
    let en = env.json(&["show", &r]);
    let ky = json(env.aryz().args(["--lang", "ky", "--format", "json", "show", &r]));
    assert_eq!(en, ky);
    let csv = env.ok(&["--lang", "ru", "--format", "csv", "list"]);
    assert!(csv.starts_with("REF,KIND,"), "{csv}");
    assert!(csv.contains(",access,"), "{csv}");
    // A table is read by a person: the kind and the status in the language; English keeps codes.
    let table = env.ok(&["--lang", "ru", "list"]);
    assert!(table.contains(" доступ ") && table.contains(" новое"), "{table}");
    let table = env.ok(&["list"]);
    assert!(table.contains(" access ") && table.contains(" new"), "{table}");
}

#[test]
fn fixed_messages_follow_the_language() {
    let env = TestEnv::bare();
    let out = ok(env.aryz().args(["--lang", "ky", "init", "--dev-identity"]));
    assert!(out.contains("түзүлдү"), "{out}");
    let out = ok(env.aryz().args(["demo", "--requests", "3", "--lang", "ru"]));
    assert_eq!(out.trim(), "добавлено синтетических обращений: 3");
    let out = ok(env.aryz().args(["digest", "--lang", "ky"]));
    assert!(out.starts_with("aryz: 24.11.2026 абалы боюнча"), "{out}");
    let out = ok(env.aryz().args(["--lang", "ru", "report", "monthly", "--month", "2026-11"]));
    assert!(out.starts_with("поступившие 01.11.2026 – 30.11.2026"), "{out}");
}

#[test]
fn catalog_overrides_from_the_config_directory() {
    let env = TestEnv::new();
    env.add(&[]);
    let dir = env.path().join("i18n");
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(dir.join("ky.toml"), "[cli.col]\nref = \"КАТТОО №\"\n").unwrap();
    let out = env.ok(&["--lang", "ky", "list"]);
    assert!(header(&out).starts_with("КАТТОО №"), "{out}");
    assert!(header(&out).contains("МӨӨНӨТ"), "the other keys stay: {out}");
    // A broken override is a clear error naming the file and the line, and nothing runs.
    std::fs::write(dir.join("ky.toml"), "[cli.col]\nref = \"A\"\nreff = \"B\"\n").unwrap();
    let e = fails(env.aryz().args(["--lang", "ky", "list"]));
    assert!(e.contains("i18n/ky.toml") && e.contains("line 3") && e.contains("cli.col.reff"), "{e}");
    std::fs::write(dir.join("ky.toml"), "[cli.col]\nref = \"A\n").unwrap();
    let e = fails(env.aryz().args(["--lang", "ky", "list"]));
    assert!(e.contains("i18n/ky.toml") && e.contains("line 2"), "{e}");
    // Another language's interface does not read the Kyrgyz file.
    env.ok(&["--lang", "ru", "list"]);
}

#[test]
fn lang_after_letter_is_the_language_of_the_letter() {
    let env = TestEnv::new();
    let r = env.add(&["--lang", "ky"]);
    let file = env.path().join("ack.txt");
    let file = file.to_str().unwrap();
    let out = env.ok(&[
        "--lang",
        "ky",
        "letter",
        &r,
        "--type",
        "acknowledgement",
        "--lang",
        "ru",
        "--output",
        file,
    ]);
    assert!(out.contains("(ru, txt)") && out.contains("жазылды"), "{out}");
    let letter = std::fs::read_to_string(file).unwrap();
    assert!(letter.contains(&r), "{letter}");
    // The letter's own --lang is checked by the letter command, not taken for the interface.
    let e = env.fails(&["letter", &r, "--type", "acknowledgement", "--lang", "de", "--output", "-"]);
    assert!(e.contains("de"), "{e}");
}

#[test]
fn errors_follow_the_language() {
    let env = TestEnv::new();
    let e = env.fails(&["--lang", "ru", "show", "ARZ-2026-000099"]);
    assert_eq!(e, "aryz: ошибка: ARZ-2026-000099: обращение не найдено");
    let e = env.fails(&["deadline", "--kind", "access", "--received", "2026-13-01", "--lang", "ky"]);
    assert_eq!(e, "aryz: ката: келген күнү: '2026-13-01' DD.MM.YYYY же YYYY-MM-DD түрүндөгү дата эмес");
    // The same errors in English are unchanged, byte for byte.
    let e = env.fails(&["show", "ARZ-2026-000099"]);
    assert_eq!(e, "aryz: error: ARZ-2026-000099: no such request");
}

/// A value refused by the typed parsers of the command line (a code, a short reference) is
/// one field error in the interface language, exit code 1, not clap's English usage error.
#[test]
fn refused_values_of_the_command_line_follow_the_language() {
    let env = TestEnv::new();
    let e = env.fails(&["--lang", "ky", "list", "--status", "nope"]);
    assert_eq!(
        e,
        "aryz: ката: абалы: белгисиз маани 'nope' (күтүлгөндөр: new, in_progress, awaiting_subject, answered, withdrawn)"
    );
    let e = env.fails(&["--lang", "ru", "list", "--status", "nope"]);
    assert_eq!(
        e,
        "aryz: ошибка: статус: неизвестное значение 'nope' (допустимо: new, in_progress, awaiting_subject, answered, withdrawn)"
    );
    let e = env.fails(&["--lang", "ru", "show", ":0"]);
    assert_eq!(e, "aryz: ошибка: номер: ':0' — не номер вида ARZ-2026-000123 или 123");
    let e = env.fails(&["show", ":0"]);
    assert_eq!(e, "aryz: error: ref: ':0' is not a reference like ARZ-2026-000123 or 123");
}
