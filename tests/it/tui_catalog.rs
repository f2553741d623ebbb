//! Every string key the terminal UI looks up exists in the English catalog, and every
//! vocabulary code has a label, so no screen shows a bare key. The Kyrgyz and Russian
//! catalogs have exactly the English keys, with the same placeholders, and no key is unused.

use std::path::Path;

use aryz::domain::calendar::DayKind;
use aryz::domain::kind::{Channel, DataCategory, IdentityMethod, Language, RequestKind, Role};
use aryz::domain::outcome::{CategoryAction, Outcome};
use aryz::domain::status::Status;
use aryz::i18n::{EN, KY, RU, has, parse_catalog};
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
    for pat in ["t(\"", "tf(\"", "tn(\"", "msg!(\""] {
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
    sources(&root.join("src/commands"), &mut texts);
    for f in ["src/tui.rs", "src/commands.rs", "src/app.rs"] {
        texts.push(std::fs::read_to_string(root.join(f)).unwrap());
    }
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

/// The keys of the errors: the literal first arguments of `msg!("…")` and
/// `Message::new("…")`, and the `"message.…"` keys chosen by a match.
fn error_keys_in(text: &str) -> Vec<String> {
    let mut keys = Vec::new();
    for pat in ["msg!(\"", "Message::new(\"", "=> \"message."] {
        let mut rest = text;
        while let Some(i) = rest.find(pat) {
            rest = &rest[i + pat.len()..];
            if let Some(end) = rest.find('"') {
                let key = &rest[..end];
                keys.push(if pat.ends_with("message.") { format!("message.{key}") } else { key.to_string() });
            }
        }
    }
    keys
}

/// Every error reaches a person as a key with arguments (src/i18n/localize.rs): each key the
/// code names, and each verb and privilege a message names, has an English, a Kyrgyz and
/// a Russian text.
#[test]
fn every_error_key_has_english_kyrgyz_and_russian_text() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut texts = Vec::new();
    sources(&root.join("src"), &mut texts);
    let mut keys: Vec<String> = texts.iter().flat_map(|t| error_keys_in(t)).collect();
    keys.extend(aryz::service::VERBS.iter().map(|v| format!("verb.{v}")));
    keys.extend(aryz::service::PRIVILEGES.iter().map(|p| format!("privilege.{p}")));
    keys.sort();
    keys.dedup();
    assert!(keys.len() > 150, "found only {} error keys: the scan is broken", keys.len());
    let mut missing = Vec::new();
    for (code, text) in [("en", EN), ("ky", KY), ("ru", RU)] {
        let catalog = parse_catalog(text).unwrap();
        for k in &keys {
            if catalog.get(k).is_none_or(|t| t.trim().is_empty()) {
                missing.push(format!("{code}: {k}"));
            }
        }
    }
    assert!(missing.is_empty(), "error keys without a text: {missing:#?}");
}

#[test]
fn every_vocabulary_code_has_a_label() {
    let mut missing = Vec::new();
    let mut check = |prefix: &str, code: &str| {
        if !has(&format!("{prefix}.{code}")) {
            missing.push(format!("{prefix}.{code}"));
        }
    };
    for v in RequestKind::ALL {
        check("kind", v.code());
        check("kind_short", v.code());
    }
    for v in Status::ALL {
        check("status", v.code());
        check("status_short", v.code());
    }
    for v in DataCategory::ALL {
        check("category", v.code());
    }
    for v in Channel::ALL {
        check("channel", v.code());
    }
    for v in Language::ALL {
        check("lang", v.code());
    }
    for v in IdentityMethod::ALL {
        check("identity", v.code());
    }
    for v in Role::ALL {
        check("role", v.code());
    }
    for v in Outcome::ALL {
        check("outcome", v.code());
    }
    for v in CategoryAction::ALL {
        check("category_action", v.code());
    }
    for v in EventKind::ALL {
        check("event", v.code());
    }
    for c in Command::ALL {
        check("action", c.name());
        check("bar", c.name());
    }
    for g in aryz::domain::outcome::default_grounds() {
        check("ground", &g.code);
    }
    for c in aryz::domain::deadline::RuleSet::shipped().pause.categories {
        check("pause", &c);
    }
    assert!(missing.is_empty(), "missing labels: {missing:?}");
}

/// The `{name}` placeholders of a text, sorted.
fn placeholders(s: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut rest = s;
    while let Some(i) = rest.find('{') {
        rest = &rest[i + 1..];
        if let Some(end) = rest.find('}') {
            let name = &rest[..end];
            if !name.is_empty() && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_') {
                out.push(name.to_string());
            }
        }
    }
    out.sort();
    out
}

#[test]
fn kyrgyz_and_russian_have_every_english_key_and_nothing_else() {
    let en = parse_catalog(EN).unwrap();
    for (code, text) in [("ky", KY), ("ru", RU)] {
        let other = parse_catalog(text).unwrap_or_else(|e| panic!("{code}.toml: {e}"));
        let mut missing: Vec<&String> = en.keys().filter(|k| !other.contains_key(*k)).collect();
        let mut extra: Vec<&String> = other.keys().filter(|k| !en.contains_key(*k)).collect();
        missing.sort();
        extra.sort();
        assert!(missing.is_empty(), "missing from assets/i18n/{code}.toml: {missing:?}");
        assert!(extra.is_empty(), "in assets/i18n/{code}.toml but not in en.toml: {extra:?}");
        let mut bad = Vec::new();
        for (k, v) in &en {
            if placeholders(v) != placeholders(&other[k]) {
                bad.push(format!("{k}: {:?} vs {:?}", placeholders(v), placeholders(&other[k])));
            }
            if other[k].trim().is_empty() && !v.trim().is_empty() {
                bad.push(format!("{k}: empty"));
            }
        }
        bad.sort();
        assert!(bad.is_empty(), "{code}.toml placeholders differ from en.toml: {bad:#?}");
    }
}

#[test]
fn kyrgyz_catalog_is_kyrgyz() {
    // The letters that tell Kyrgyz from Russian: a catalog copied from ru.toml would fail.
    let ky = parse_catalog(KY).unwrap();
    let n = ky.values().filter(|v| v.contains(['ң', 'ө', 'ү', 'Ң', 'Ө', 'Ү'])).count();
    assert!(n > 100, "only {n} Kyrgyz texts with ң ө ү");
}

/// Whether a catalog key is looked up by the code: its literal in the sources, a code of
/// the vocabulary it labels, or (for the command line's headers and record fields) the
/// English CSV header or field name it translates.
#[test]
fn every_catalog_key_is_used() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut texts = Vec::new();
    sources(&root.join("src"), &mut texts);
    let all = texts.join("\n");
    let mut vocab: Vec<(&str, Vec<String>)> = Vec::new();
    let codes = |v: Vec<&str>| v.into_iter().map(String::from).collect::<Vec<_>>();
    vocab.push(("kind", codes(RequestKind::ALL.iter().map(|v| v.code()).collect())));
    vocab.push(("kind_short", codes(RequestKind::ALL.iter().map(|v| v.code()).collect())));
    vocab.push(("status", codes(Status::ALL.iter().map(|v| v.code()).collect())));
    vocab.push(("status_short", codes(Status::ALL.iter().map(|v| v.code()).collect())));
    vocab.push(("category", codes(DataCategory::ALL.iter().map(|v| v.code()).collect())));
    vocab.push(("channel", codes(Channel::ALL.iter().map(|v| v.code()).collect())));
    vocab.push(("lang", codes(Language::ALL.iter().map(|v| v.code()).collect())));
    vocab.push(("identity", codes(IdentityMethod::ALL.iter().map(|v| v.code()).collect())));
    vocab.push(("role", codes(Role::ALL.iter().map(|v| v.code()).collect())));
    vocab.push(("outcome", codes(Outcome::ALL.iter().map(|v| v.code()).collect())));
    vocab.push(("category_action", codes(CategoryAction::ALL.iter().map(|v| v.code()).collect())));
    vocab.push(("event", codes(EventKind::ALL.iter().map(|v| v.code()).collect())));
    vocab.push(("day_kind", codes(DayKind::ALL.iter().map(|v| v.code()).collect())));
    vocab.push(("action", codes(Command::ALL.iter().map(|c| c.name()).collect())));
    vocab.push(("bar", codes(Command::ALL.iter().map(|c| c.name()).collect())));
    vocab.push(("ground", aryz::domain::outcome::default_grounds().into_iter().map(|g| g.code).collect()));
    vocab.push(("pause", aryz::domain::deadline::RuleSet::shipped().pause.categories));
    vocab.push((
        "month",
        codes(vec!["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"]),
    ));
    let forms = ["days", "weeks", "working_days"].map(|u| ["one", "few", "many"].map(|f| format!("{u}_{f}")));
    vocab.push(("deadline", forms.into_iter().flatten().collect()));
    vocab.push(("rule", aryz::domain::deadline::RuleSet::shipped().rule.into_iter().map(|r| r.id).collect()));
    let grounds: Vec<String> = aryz::domain::outcome::default_grounds().into_iter().map(|g| g.code).collect();
    vocab.push(("ground_citation", grounds.clone()));
    vocab.push(("ground_description", grounds));
    let holidays = shipped_calendar().iter().map(|e| aryz::i18n::holiday_key(&e.name)).collect();
    vocab.push(("holiday", holidays));
    vocab.push(("weekday", codes(vec!["mon", "tue", "wed", "thu", "fri", "sat", "sun"])));
    vocab.push(("medium", codes(aryz::domain::referral::CopyMedium::ALL.iter().map(|m| m.code()).collect())));
    vocab.push((
        "attachment_kind",
        codes(aryz::domain::attachment::AttachmentKind::ALL.iter().map(|k| k.code()).collect()),
    ));
    vocab.push(("verb", codes(aryz::service::VERBS.to_vec())));
    vocab.push(("field_name", codes(aryz::domain::validation::FIELD_NAMES.to_vec())));
    vocab.push(("operator_state", codes(vec!["active", "disabled"])));
    vocab.push(("cli_help.about", subcommand_paths().iter().map(|p| p.replace(['-', '.'], "_")).collect()));
    vocab.push(("cli_help.arg", codes(vec!["db", "format", "ask_key", "lang"])));
    vocab.push(("privilege", codes(aryz::service::PRIVILEGES.to_vec())));
    vocab.push(("toml_type", codes(aryz::i18n::toml_error::TOML_TYPES.to_vec())));

    let en = parse_catalog(EN).unwrap();
    // Every text between two consecutive quotes of the sources: `"key"` occurs in them
    // exactly when `key` (which holds no quote) is one of these. One pass over the sources
    // instead of one search of all of them per key.
    let pieces: Vec<&str> = all.split('"').collect();
    // The first piece is before the first quote and the last after the last one.
    let quoted: std::collections::HashSet<&str> =
        pieces.iter().copied().skip(1).take(pieces.len().saturating_sub(2)).collect();
    let mut unused = Vec::new();
    for key in en.keys() {
        // The options' descriptions: every_option_is_described_in_english_kyrgyz_and_russian.
        if quoted.contains(key.as_str()) || key.starts_with("cli_help.option") {
            continue;
        }
        let (prefix, code) = key.rsplit_once('.').unwrap_or(("", key));
        let used = match prefix {
            "cli.col" => {
                let header = code.to_uppercase().replace("PCT", "%");
                quoted.contains(header.as_str()) || quoted.contains(header.replace('_', " ").as_str())
            }
            "cli.field" => quoted.contains(code) || quoted.contains(code.replace('_', " ").as_str()),
            p => vocab.iter().any(|(v, codes)| *v == p && codes.iter().any(|c| c == code)),
        };
        if !used {
            unused.push(key.clone());
        }
    }
    unused.sort();
    assert!(unused.is_empty(), "keys of assets/i18n/en.toml that no code uses: {unused:?}");
}

#[test]
fn english_ground_texts_equal_the_shipped_grounds() {
    let en = parse_catalog(EN).unwrap();
    for g in aryz::domain::outcome::default_grounds() {
        assert_eq!(en.get(&format!("ground_citation.{}", g.code)), Some(&g.citation), "{}", g.code);
        assert_eq!(en.get(&format!("ground_description.{}", g.code)), Some(&g.description), "{}", g.code);
    }
}

#[test]
fn english_holiday_names_equal_the_shipped_calendar() {
    let en = parse_catalog(EN).unwrap();
    for e in &shipped_calendar() {
        assert_eq!(en.get(&format!("holiday.{}", aryz::i18n::holiday_key(&e.name))), Some(&e.name));
    }
}

fn shipped_calendar() -> Vec<aryz::domain::calendar::CalendarEntry> {
    aryz::domain::calendar::parse_calendar(include_str!("../../assets/calendar/kg.toml")).unwrap()
}

/// The paths of the visible subcommands: `list`, `report.monthly`.
fn subcommand_paths() -> Vec<String> {
    fn walk(cmd: &clap::Command, prefix: &str, out: &mut Vec<String>) {
        for sub in cmd.get_subcommands().filter(|s| !s.is_hide_set()) {
            let path = if prefix.is_empty() {
                sub.get_name().to_string()
            } else {
                format!("{prefix}.{}", sub.get_name())
            };
            walk(sub, &path, out);
            out.push(path);
        }
    }
    let mut out = Vec::new();
    walk(&<aryz::cli::Cli as clap::CommandFactory>::command(), "", &mut out);
    out
}

/// The English descriptions of the subcommands in the catalog are clap's own (the doc
/// comments), so the Kyrgyz and Russian ones translate what English shows.
#[test]
fn english_subcommand_descriptions_equal_the_help() {
    let en = parse_catalog(EN).unwrap();
    let root = <aryz::cli::Cli as clap::CommandFactory>::command();
    let paths = subcommand_paths();
    assert!(paths.len() > 40, "{paths:?}");
    for path in paths {
        let mut cmd = &root;
        for name in path.split('.') {
            cmd = cmd.find_subcommand(name).unwrap();
        }
        let about = cmd.get_about().map(ToString::to_string).unwrap_or_default();
        assert_eq!(en.get(&aryz::cli_help::about_key(&path)), Some(&about), "{path}");
    }
}

/// Every option and argument of every subcommand has a description; its English text in
/// the catalog is clap's own (the doc comment), so the Kyrgyz and Russian ones translate
/// what English shows and cannot drift from it; Kyrgyz and Russian have it; and no
/// description in the catalog is of an option that does not exist.
#[test]
fn every_option_is_described_in_english_kyrgyz_and_russian() {
    let en = parse_catalog(EN).unwrap();
    let ky = parse_catalog(KY).unwrap();
    let ru = parse_catalog(RU).unwrap();
    let root = <aryz::cli::Cli as clap::CommandFactory>::command();
    let mut used = std::collections::BTreeSet::new();
    let mut problems = Vec::new();
    let mut n = 0;
    for path in subcommand_paths() {
        let mut cmd = &root;
        for name in path.split('.') {
            cmd = cmd.find_subcommand(name).unwrap();
        }
        for a in cmd.get_arguments().filter(|a| !a.is_hide_set() && a.get_id() != "help") {
            n += 1;
            let id = a.get_id().as_str();
            let help = a.get_help().map(ToString::to_string).unwrap_or_default();
            if help.is_empty() {
                problems.push(format!("{path} {id}: no description (a /// doc comment)"));
                continue;
            }
            let Some(key) = aryz::cli_help::option_key(&path, id) else {
                let own = format!("cli_help.option_of.{}", path.replace(['-', '.'], "_"));
                problems.push(format!(
                    "{path} {id}: not in en.toml: [{own}] {} = {help:?}",
                    id.replace('-', "_")
                ));
                continue;
            };
            if en.get(&key) != Some(&help) {
                problems.push(format!(
                    "{path} {id}: {key} is {:?} in en.toml, the help says {help:?}",
                    en.get(&key)
                ));
            }
            for (code, catalog) in [("ky", &ky), ("ru", &ru)] {
                if !catalog.contains_key(&key) {
                    problems.push(format!("{path} {id}: {key} missing from {code}.toml"));
                }
            }
            used.insert(key);
        }
    }
    for key in en.keys().filter(|k| k.starts_with("cli_help.option.") || k.starts_with("cli_help.option_of."))
    {
        if !used.contains(key) {
            problems.push(format!("{key}: describes no option"));
        }
    }
    assert!(n > 150, "{n} options");
    problems.sort();
    assert!(problems.is_empty(), "{} problems:\n{}", problems.len(), problems.join("\n"));
}
