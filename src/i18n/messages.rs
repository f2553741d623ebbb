//! Messages of the domain and the services in the interface language. Those layers speak
//! English (`FieldError { field, rule }`, `Error`'s texts), and their texts are a contract of
//! the command line; translating them is the edge's job. The English catalog's `[message]`
//! texts are templates of those messages (`at most {max} characters (got {n})`): a message
//! that matches one is rewritten with the same key's text in the interface language and the
//! captured values. A message no template matches stays in English.

use std::sync::OnceLock;

use super::{EN, Lang, current, lookup, parse_catalog};

/// Splits a template into its literal parts and the names between them:
/// `a {x} b` → `(["a ", " b"], ["x"])`.
fn split(template: &str) -> (Vec<&str>, Vec<&str>) {
    let (mut lits, mut names) = (Vec::new(), Vec::new());
    let mut rest = template;
    while let Some(open) = rest.find('{') {
        let Some(close) = rest[open..].find('}') else { break };
        lits.push(&rest[..open]);
        names.push(&rest[open + 1..open + close]);
        rest = &rest[open + close + 1..];
    }
    lits.push(rest);
    (lits, names)
}

/// The values of the template's placeholders in `msg`, if `msg` is an instance of it.
fn captures<'m>(template: &str, msg: &'m str) -> Option<Vec<(String, &'m str)>> {
    let (lits, names) = split(template);
    let mut rest = msg.strip_prefix(lits[0])?;
    let mut out = Vec::new();
    for (i, name) in names.iter().enumerate() {
        let next = lits[i + 1];
        let end = if i + 2 == lits.len() {
            // The last placeholder takes everything up to the template's literal ending.
            rest.strip_suffix(next).map(str::len)?
        } else if next.is_empty() {
            return None;
        } else {
            rest.find(next)?
        };
        out.push(((*name).to_string(), &rest[..end]));
        rest = &rest[end + next.len()..];
    }
    rest.is_empty().then_some(out)
}

/// `msg` in the interface language when a `[message]` template matches it whole, or, for
/// `field: rule` and `reference: …` forms, when one matches the part after the first `: `.
pub(crate) fn translate(msg: &str) -> String {
    if current() == Lang::En {
        return msg.to_string();
    }
    if let Some(t) = translate_whole(msg) {
        return t;
    }
    if let Some((head, tail)) = msg.split_once(": ")
        && let Some(t) = translate_whole(tail)
    {
        return format!("{head}: {t}");
    }
    msg.to_string()
}

/// The `[message]` templates of the embedded English catalog (never an override: they must
/// equal the code's texts), sorted by key.
fn templates() -> &'static [(String, String)] {
    static TEMPLATES: OnceLock<Vec<(String, String)>> = OnceLock::new();
    TEMPLATES.get_or_init(|| {
        let mut v: Vec<(String, String)> = parse_catalog(EN)
            .unwrap_or_default()
            .into_iter()
            .filter(|(k, _)| k.starts_with("message."))
            .collect();
        v.sort();
        v
    })
}

fn translate_whole(msg: &str) -> Option<String> {
    for (key, template) in templates() {
        if let Some(values) = captures(template, msg) {
            let mut text = lookup(key)?.to_string();
            for (name, value) in values {
                text = text.replace(&format!("{{{name}}}"), value);
            }
            return Some(text);
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::validation::check_len;
    use crate::i18n::set_thread_language;

    #[test]
    fn templates_match_whole_messages_only() {
        let t = "at most {max} characters (got {n})";
        let c = captures(t, "at most 200 characters (got 201)").unwrap();
        assert_eq!(c, [("max".to_string(), "200"), ("n".to_string(), "201")]);
        assert!(captures(t, "at most 200 characters (got 201) and more").is_none());
        assert!(captures("is required", "is required").unwrap().is_empty());
        assert!(captures("is required", "name is required").is_none());
    }

    #[test]
    fn domain_messages_in_kyrgyz_and_russian_unknown_ones_in_english() {
        let long = "x".repeat(201);
        let e = check_len("name", &long, 200).unwrap_err().to_string();
        set_thread_language(Some(Lang::Ru));
        assert_eq!(translate(&e), "name: не более 200 символов (введено 201)");
        assert_eq!(translate("ARZ-2026-000009: no such request"), "ARZ-2026-000009: обращение не найдено");
        assert_eq!(translate("something new"), "something new");
        let e = crate::store::StoreError::Missing("/tmp/x.sqlite3".into()).to_string();
        assert_eq!(translate(&e), "/tmp/x.sqlite3: здесь нет базы aryz; сначала выполните `aryz init`");
        set_thread_language(Some(Lang::Ky));
        assert_eq!(translate("is required"), "толтурулушу керек");
        set_thread_language(Some(Lang::En));
        assert_eq!(translate(&e), e);
        set_thread_language(None);
    }
}
