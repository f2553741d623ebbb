//! Issue 17 on the built binary: the copy's medium and the receiving body recorded with
//! `respond` and said in the letter; warnings on stderr before a letter is written; every
//! sample letter for review.

use crate::common;

use common::{TestEnv, assert_mentions};

fn letter(env: &TestEnv, args: &[&str]) -> (String, String) {
    let out = env.aryz().args(args).output().expect("runs");
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    // Words joined by single spaces: a phrase may be wrapped across lines.
    let flat = |b: &[u8]| String::from_utf8_lossy(b).split_whitespace().collect::<Vec<_>>().join(" ");
    (flat(&out.stdout), flat(&out.stderr))
}

#[test]
fn the_medium_and_the_charge_of_a_copy_are_recorded_and_said() {
    let env = TestEnv::new();
    let r = env.add(&["--lang", "ru", "--email", "subject@example.org"]);
    let e = env.fails(&["respond", &r, "--outcome", "fulfilled", "--medium", "electronic", "--charged"]);
    assert_mentions(&e, &["charged", "electronic"]);
    let e = env.fails(&["respond", &r, "--outcome", "fulfilled", "--medium", "floppy"]);
    assert_mentions(&e, &["medium", "floppy", "flash_drive"]);
    assert_eq!(env.show(&r)["status"], "new", "a refused answer changes nothing");
    // In the interface language.
    let e = env.fails(&[
        "--lang",
        "ru",
        "respond",
        &r,
        "--outcome",
        "fulfilled",
        "--medium",
        "electronic",
        "--charged",
    ]);
    assert_mentions(&e, &["электронная копия бесплатна"]);
    env.ok(&["respond", &r, "--outcome", "fulfilled", "--medium", "flash_drive", "--charged"]);
    let (text, warn) = letter(&env, &["letter", &r, "--type", "reply", "--output", "-"]);
    assert_mentions(&text, &["на флеш-накопителе", "взята плата", "Государственное агентство"]);
    assert!(warn.is_empty(), "{warn}");
}

#[test]
fn a_medium_is_only_for_access_and_a_body_only_for_a_referral() {
    let env = TestEnv::new();
    let r = env.add(&["--kind", "information"]);
    let e = env.fails(&["respond", &r, "--outcome", "fulfilled", "--medium", "paper"]);
    assert_mentions(&e, &["medium", "access"]);
    let e = env.fails(&["respond", &r, "--outcome", "fulfilled", "--referred-to", "dpa"]);
    assert_mentions(&e, &["referred_to", "referred"]);
    let e = env.fails(&["respond", &r, "--outcome", "referred", "--referred-to", "nowhere"]);
    assert_mentions(&e, &["unknown body", "nowhere", "dpa"]);
}

#[test]
fn a_referral_names_the_body_an_admin_keeps() {
    let env = TestEnv::new();
    // The office's own list replaces the shipped one.
    std::fs::write(
        env.path().join("bodies.toml"),
        "[[body]]\ncode = \"registry\"\nky = \"Сыноо каттоо органы\"\nru = \"Тестовый регистрирующий орган\"\nen = \"Test Registry Body\"\naddress = \"720000, г. Бишкек, ул. Тестовая, 1\"\nsource = \"test\"\n",
    )
    .expect("write");
    let r = env.add(&["--lang", "ru", "--kind", "information", "--email", "subject@example.org"]);
    let e = env.fails(&["respond", &r, "--outcome", "referred", "--referred-to", "dpa"]);
    assert_mentions(&e, &["unknown body", "registry"]);
    env.ok(&["respond", &r, "--outcome", "referred", "--referred-to", "registry"]);
    let (text, _) = letter(&env, &["letter", &r, "--type", "reply", "--output", "-"]);
    assert_mentions(&text, &["по подведомственности", "Тестовый регистрирующий", "Адрес органа"]);
    assert!(!text.contains("рассмотрено"), "{text}");
    std::fs::write(env.path().join("bodies.toml"), "[[body]]\ncode = 3\n").expect("write");
    let e = env.fails(&["list"]);
    assert_mentions(&e, &["bodies.toml"]);
}

#[test]
fn a_letter_warns_on_stderr_before_it_is_written() {
    let env = TestEnv::new();
    // No postal or e-mail address; a Kyrgyz reply text on a Russian appeal.
    let r = env.add(&["--lang", "ru", "--kind", "information"]);
    env.ok(&[
        "respond",
        &r,
        "--outcome",
        "fulfilled",
        "--text",
        "Маалыматтарыңыз текшерилип, тактыгы ырасталды.",
    ]);
    let (text, warn) = letter(&env, &["letter", &r, "--type", "reply", "--output", "-"]);
    assert!(text.contains(&r), "the letter is still written");
    assert_mentions(&warn, &["warning", "no postal or e-mail address", "Kyrgyz", "Russian"]);
    let (_, warn) = letter(&env, &["--lang", "ky", "letter", &r, "--type", "acknowledgement", "--as", "txt"]);
    assert_mentions(&warn, &["эскертүү", "почта"]);
}

#[test]
fn every_sample_letter_for_review_without_a_database() {
    let env = TestEnv::bare();
    let (text, _) = letter(&env, &["letter", "--all-samples", "--lang", "ky"]);
    // 8 kinds × (acknowledgement + extension + 5 outcomes).
    assert_eq!(text.matches("════ ").count(), 56 * 2, "a heading line opens and closes with ════");
    assert_mentions(&text, &["reply · complaint · referred · ky", "Кайрылуунун катталгандыгы", "ң"]);
    let out = env.path().join("samples.txt");
    let (said, _) = letter(&env, &["letter", "--all-samples", "--output", out.to_str().expect("utf-8")]);
    assert_mentions(&said, &["168"]);
    assert!(std::fs::read_to_string(&out).expect("written").contains("· ru ════"));
}
