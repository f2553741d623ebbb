//! The clerk's case file through the command line (issue 15): safe disclosure,
//! attachments, duplicates, representatives, finding requests.

use crate::common;

use common::*;

#[test]
fn an_answer_disclosing_data_to_an_unverified_subject_is_refused() {
    let env = TestEnv::with_staff();
    // `add` without --identity records "not verified".
    let r = ok(env.as_op("cara").args(["add", "--kind", "access", "--name", "Test Subject", "--pin", PIN_MALE, "--assignee", "cara"]))
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
    ok(env.as_op("sam").args(["respond", &r, "--outcome", "fulfilled", "--identity-override", "known in person"]));
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
    let r = env.add_as(Some("cara"), &["--assignee", "cara", "--kind", "information", "--identity", "not_verified"]);
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
