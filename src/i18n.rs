//! The catalog of user-visible strings of the terminal UI. English ships now; Kyrgyz and
//! Russian catalogs will sit beside it in `assets/i18n/` with the same keys, so screen code
//! never holds a literal sentence, only a key.
//!
//! Keys are dotted paths into the TOML file (`queue.empty`). Placeholders are `{name}`.

use std::collections::HashMap;
use std::sync::OnceLock;

const EN: &str = include_str!("../assets/i18n/en.toml");

static CATALOG: OnceLock<HashMap<String, String>> = OnceLock::new();

/// Flattens nested TOML tables into dotted keys.
fn flatten(prefix: &str, table: &toml::Table, out: &mut HashMap<String, String>) {
    for (k, v) in table {
        let key = if prefix.is_empty() { k.clone() } else { format!("{prefix}.{k}") };
        match v {
            toml::Value::Table(t) => flatten(&key, t, out),
            toml::Value::String(s) => {
                out.insert(key, s.clone());
            }
            other => {
                out.insert(key, other.to_string());
            }
        }
    }
}

/// Parses a catalog file into its flat key → text map.
pub fn parse_catalog(text: &str) -> Result<HashMap<String, String>, String> {
    let table: toml::Table = toml::from_str(text).map_err(|e| e.to_string())?;
    let mut out = HashMap::new();
    flatten("", &table, &mut out);
    Ok(out)
}

fn catalog() -> &'static HashMap<String, String> {
    // The English catalog is embedded and tested to parse; an empty map would only show keys.
    CATALOG.get_or_init(|| parse_catalog(EN).unwrap_or_default())
}

/// The text of `key`; a missing key shows itself, so a gap is visible rather than blank.
pub fn t(key: &'static str) -> &'static str {
    catalog().get(key).map(String::as_str).unwrap_or(key)
}

/// The text of `prefix.code` (vocabularies: `kind.access`), else the code itself.
pub fn label(prefix: &str, code: &'static str) -> &'static str {
    catalog().get(&format!("{prefix}.{code}")).map(String::as_str).unwrap_or(code)
}

/// Like [`label`] for codes that are not `'static` (refusal grounds, pause categories).
pub fn label_owned(prefix: &str, code: &str) -> String {
    catalog().get(&format!("{prefix}.{code}")).cloned().unwrap_or_else(|| code.to_string())
}

/// The text of `key` with `{name}` placeholders replaced.
pub fn tf(key: &'static str, args: &[(&str, &dyn std::fmt::Display)]) -> String {
    let mut s = t(key).to_string();
    for (name, value) in args {
        s = s.replace(&format!("{{{name}}}"), &value.to_string());
    }
    s
}

/// Whether the catalog has `key` (tests check every key the UI uses).
pub fn has(key: &str) -> bool {
    catalog().contains_key(key)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn english_catalog_parses_and_formats() {
        let c = parse_catalog(EN).unwrap();
        assert!(c.len() > 50);
        assert_eq!(t("no.such.key"), "no.such.key");
        assert_eq!(label("kind", "access"), c["kind.access"]);
        assert!(tf("msg.registered", &[("reference", &"ARZ-2026-000001")]).contains("ARZ-2026-000001"));
    }
}
