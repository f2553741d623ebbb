//! Every string key the terminal UI looks up exists in the English catalog, and every
//! vocabulary code has a label, so no screen shows a bare key.

use std::path::Path;

use aryz::domain::kind::{Channel, DataCategory, IdentityMethod, Language, RequestKind, Role};
use aryz::domain::outcome::{CategoryAction, Outcome};
use aryz::domain::status::Status;
use aryz::i18n::has;
use aryz::store::EventKind;
use aryz::tui::action::Command;

fn sources(dir: &Path, out: &mut Vec<String>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let p = entry.unwrap().path();
        if p.is_dir() {
            sources(&p, out);
        } else if p.extension().is_some_and(|e| e == "rs") {
            out.push(std::fs::read_to_string(&p).unwrap());
        }
    }
}

/// The literal first arguments of `t("…")` and `tf("…", …)` calls.
fn keys_in(text: &str) -> Vec<String> {
    let mut keys = Vec::new();
    for pat in ["t(\"", "tf(\""] {
        let mut rest = text;
        while let Some(i) = rest.find(pat) {
            let before = rest[..i].chars().last();
            rest = &rest[i + pat.len()..];
            if before.is_some_and(|c| c.is_alphanumeric() || c == '_') {
                continue;
            }
            if let Some(end) = rest.find('"') {
                keys.push(rest[..end].to_string());
            }
        }
    }
    keys
}

#[test]
fn every_key_used_by_the_ui_is_in_the_catalog() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut texts = Vec::new();
    sources(&root.join("src/tui"), &mut texts);
    texts.push(std::fs::read_to_string(root.join("src/tui.rs")).unwrap());
    let mut missing = Vec::new();
    let mut count = 0;
    for text in &texts {
        for k in keys_in(text) {
            count += 1;
            if !has(&k) {
                missing.push(k);
            }
        }
    }
    assert!(count > 100, "found only {count} keys: the scan is broken");
    assert!(missing.is_empty(), "missing from assets/i18n/en.toml: {missing:?}");
}

#[test]
fn every_vocabulary_code_has_a_label() {
    let mut missing = Vec::new();
    let mut check = |prefix: &str, code: &str| {
        if !has(&format!("{prefix}.{code}")) {
            missing.push(format!("{prefix}.{code}"));
        }
    };
    RequestKind::ALL.iter().for_each(|v| {
        check("kind", v.code());
        check("kind_short", v.code());
    });
    Status::ALL.iter().for_each(|v| {
        check("status", v.code());
        check("status_short", v.code());
    });
    DataCategory::ALL.iter().for_each(|v| check("category", v.code()));
    Channel::ALL.iter().for_each(|v| check("channel", v.code()));
    Language::ALL.iter().for_each(|v| check("lang", v.code()));
    IdentityMethod::ALL.iter().for_each(|v| check("identity", v.code()));
    Role::ALL.iter().for_each(|v| check("role", v.code()));
    Outcome::ALL.iter().for_each(|v| check("outcome", v.code()));
    CategoryAction::ALL.iter().for_each(|v| check("category_action", v.code()));
    EventKind::ALL.iter().for_each(|v| check("event", v.code()));
    Command::ALL.iter().for_each(|c| {
        check("action", c.name());
        check("bar", c.name());
    });
    for g in aryz::domain::outcome::default_grounds() {
        check("ground", &g.code);
    }
    for c in aryz::domain::deadline::RuleSet::shipped().pause.categories {
        check("pause", &c);
    }
    assert!(missing.is_empty(), "missing labels: {missing:?}");
}
