//! Every catalog, letter template and policy data file against the glossary
//! (`assets/glossary.toml`): the concept's places use the glossary's term, and no forbidden
//! variant appears anywhere, so that a term changes in one place and the test names every
//! text that must follow.

use std::collections::BTreeMap;

use aryz::i18n::{EN, KY, RU, parse_catalog};

#[derive(Debug, serde::Deserialize)]
#[serde(deny_unknown_fields)]
struct Term {
    id: String,
    en: String,
    ky: String,
    ru: String,
    source: String,
    #[serde(default)]
    en_stem: Option<String>,
    #[serde(default)]
    ky_stem: Option<String>,
    #[serde(default)]
    ru_stem: Option<String>,
    #[serde(default)]
    en_forbid: Vec<String>,
    #[serde(default)]
    ky_forbid: Vec<String>,
    #[serde(default)]
    ru_forbid: Vec<String>,
    #[serde(default)]
    keys: Vec<String>,
}

#[derive(serde::Deserialize)]
struct Glossary {
    term: Vec<Term>,
}

const LANGS: [&str; 3] = ["ky", "ru", "en"];

fn glossary() -> Vec<Term> {
    let text = include_str!("../../assets/glossary.toml");
    toml::from_str::<Glossary>(text).expect("assets/glossary.toml parses").term
}

/// Flattens a TOML table into dotted keys; lists become one text per item.
fn flatten(prefix: &str, v: &toml::Value, out: &mut BTreeMap<String, String>) {
    match v {
        toml::Value::Table(t) => {
            for (k, v) in t {
                let key = if prefix.is_empty() { k.clone() } else { format!("{prefix}.{k}") };
                flatten(&key, v, out);
            }
        }
        toml::Value::String(s) => {
            out.insert(prefix.to_string(), s.clone());
        }
        toml::Value::Array(a) => {
            for (i, v) in a.iter().enumerate() {
                flatten(&format!("{prefix}.{i}"), v, out);
            }
        }
        _ => {}
    }
}

fn toml_texts(text: &str) -> BTreeMap<String, String> {
    let v: toml::Value = toml::from_str(text).expect("parses");
    let mut out = BTreeMap::new();
    flatten("", &v, &mut out);
    out
}

/// The texts of one language: `i18n:KEY`, `tpl:KEY`, `policy:KEY`.
fn texts(lang: &str) -> BTreeMap<String, String> {
    let (catalog, tpl, policy) = match lang {
        "ky" => {
            (KY, include_str!("../../assets/templates/ky.toml"), include_str!("../../assets/policy/ky.toml"))
        }
        "ru" => {
            (RU, include_str!("../../assets/templates/ru.toml"), include_str!("../../assets/policy/ru.toml"))
        }
        _ => {
            (EN, include_str!("../../assets/templates/en.toml"), include_str!("../../assets/policy/en.toml"))
        }
    };
    let mut out = BTreeMap::new();
    for (k, v) in parse_catalog(catalog).expect("catalog parses") {
        out.insert(format!("i18n:{k}"), v);
    }
    for (k, v) in toml_texts(tpl) {
        out.insert(format!("tpl:{k}"), v);
    }
    for (k, v) in toml_texts(policy) {
        out.insert(format!("policy:{k}"), v);
    }
    out
}

fn pick<'a>(t: &'a Term, lang: &str) -> (&'a str, Option<&'a String>, &'a [String]) {
    match lang {
        "ky" => (&t.ky, t.ky_stem.as_ref(), &t.ky_forbid),
        "ru" => (&t.ru, t.ru_stem.as_ref(), &t.ru_forbid),
        _ => (&t.en, t.en_stem.as_ref(), &t.en_forbid),
    }
}

#[test]
fn the_glossary_is_complete_and_sourced() {
    let g = glossary();
    assert!(g.len() >= 30, "{} terms", g.len());
    let mut ids: Vec<&str> = g.iter().map(|t| t.id.as_str()).collect();
    ids.sort_unstable();
    ids.dedup();
    assert_eq!(ids.len(), g.len(), "duplicate term ids");
    for t in &g {
        assert!(!t.source.trim().is_empty(), "{}: no source", t.id);
        assert!(![&t.en, &t.ky, &t.ru].iter().any(|s| s.trim().is_empty()), "{}: empty term", t.id);
    }
    // Every kind, status and outcome of the domain has its term.
    for code in aryz::domain::kind::RequestKind::ALL {
        assert!(ids.contains(&format!("kind_{code}").as_str()), "no term for kind {code}");
    }
    for id in ["withdrawn", "fulfilled", "referred", "refused", "clerk", "supervisor", "binding", "advisory"]
    {
        assert!(ids.contains(&id), "no term {id}");
    }
}

#[test]
fn every_place_of_a_concept_uses_the_glossary_term() {
    let mut problems = Vec::new();
    for lang in LANGS {
        let texts = texts(lang);
        for t in glossary() {
            let (term, stem, _) = pick(&t, lang);
            let want = stem.map_or(term, String::as_str).to_lowercase();
            for key in &t.keys {
                match texts.get(key) {
                    None => problems.push(format!("{lang} {key}: no such text (term {})", t.id)),
                    // Column headers of the command line join words with '_'.
                    Some(text) if !text.to_lowercase().replace('_', " ").contains(&want) => {
                        problems.push(format!("{lang} {key}: {text:?} lacks «{want}» (term {})", t.id));
                    }
                    Some(_) => {}
                }
            }
        }
    }
    assert!(problems.is_empty(), "texts that do not use the glossary's term:\n{}", problems.join("\n"));
}

#[test]
fn no_text_uses_a_forbidden_variant() {
    let mut problems = Vec::new();
    for lang in LANGS {
        let texts = texts(lang);
        for t in glossary() {
            let (_, _, forbidden) = pick(&t, lang);
            for bad in forbidden {
                for (key, text) in &texts {
                    if text.contains(bad.as_str()) {
                        problems.push(format!(
                            "{lang} {key}: {text:?} uses «{bad}» (term {}: «{}»)",
                            t.id,
                            pick(&t, lang).0
                        ));
                    }
                }
            }
        }
    }
    assert!(problems.is_empty(), "forbidden variants:\n{}", problems.join("\n"));
}

#[test]
fn kyrgyz_and_russian_quote_with_guillemets() {
    let mut problems = Vec::new();
    for lang in ["ky", "ru"] {
        for (key, text) in texts(lang) {
            // `"` inside a text is a straight quote a reader would see; key help quoting TOML
            // syntax (help.config) is the one place it is code, not prose.
            if text.contains('"') && key != "i18n:help.config" {
                problems.push(format!("{lang} {key}: {text:?}"));
            }
        }
    }
    assert!(problems.is_empty(), "straight quotes in Kyrgyz or Russian texts:\n{}", problems.join("\n"));
}

#[test]
fn the_checked_forbidden_variants_are_really_found() {
    // The check itself: a text with a forbidden variant is caught (so an empty list of
    // problems means something).
    let g = glossary();
    let withdrawn = g.iter().find(|t| t.id == "withdrawn").expect("term");
    let sample = "Арыз кайтарылды";
    assert!(withdrawn.ky_forbid.iter().any(|b| sample.contains(b.as_str())));
}
