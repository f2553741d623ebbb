//! Letter templates and policy data per language: the shipped files in `assets/`, merged
//! with the office's overrides from the configuration directory, and a tiny placeholder
//! renderer (`{name}`, `{{` and `}}` for literal braces).

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use crate::domain::kind::{Language, RequestKind};
use crate::domain::outcome::Outcome;
use crate::i18n::localize::{Arg, Localize, Message};
use crate::i18n::toml_error::{toml_error, toml_value_error};
use crate::msg;

/// A template or policy file that cannot be used; the message names the file and the key.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum TemplateError {
    #[error("{file}: {message}")]
    File { file: String, message: Message },
    #[error("{file}: [{key}]: {message}")]
    Key { file: String, key: String, message: Message },
}

impl Localize for TemplateError {
    fn message(&self) -> Message {
        match self {
            TemplateError::File { file, message } => {
                msg!("message.path_error", path = file, error = message.clone())
            }
            TemplateError::Key { file, key, message } => {
                msg!("message.template.at_key", file = file, key = key, error = message.clone())
            }
        }
    }
}

/// A TOML value's type (`toml::Value::type_str`) as a `toml_type` code.
fn type_term(type_str: &str) -> Arg {
    let code = match type_str {
        "string" => "text",
        "float" => "number",
        "datetime" => "date",
        "array" => "list",
        "integer" | "boolean" | "table" => type_str,
        _ => "text",
    };
    Arg::term("toml_type", code)
}

const SHIPPED_TEMPLATES: [(Language, &str); 3] = [
    (Language::Ky, include_str!("../../assets/templates/ky.toml")),
    (Language::Ru, include_str!("../../assets/templates/ru.toml")),
    (Language::En, include_str!("../../assets/templates/en.toml")),
];

const SHIPPED_POLICY: [(Language, &str); 3] = [
    (Language::Ky, include_str!("../../assets/policy/ky.toml")),
    (Language::Ru, include_str!("../../assets/policy/ru.toml")),
    (Language::En, include_str!("../../assets/policy/en.toml")),
];

/// The policy's data in one language: what an answer to an information or access request
/// lists (policy items 7, 11, 12 and 19).
#[derive(Debug, Clone, PartialEq, Eq, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Policy {
    pub source: String,
    pub purposes: Vec<String>,
    pub legal_bases: Vec<String>,
    pub retention: String,
    pub categories: BTreeMap<String, String>,
    /// Where the data come from (policy item 4a).
    pub sources: Vec<String>,
    /// Recipients and third parties (item 3a's "full information"; the policy names none).
    pub recipients: Vec<String>,
    /// How the data are processed (policy item 13).
    pub processing_method: String,
    /// The holder's address for applications (items 3a, 21); empty: the letterhead's.
    #[serde(default)]
    pub holder_address: String,
}

/// Templates and policy of one language, with where they came from (for error messages).
#[derive(Debug, Clone)]
pub struct LangKit {
    pub lang: Language,
    pub templates: toml::Table,
    pub policy: Policy,
    /// `assets/templates/ru.toml`, plus the override file when there is one.
    pub origin: String,
}

/// Everything needed to write letters in the three languages.
#[derive(Debug, Clone)]
pub struct Kit {
    langs: Vec<LangKit>,
}

fn shipped_name(kind: &str, lang: Language) -> String {
    format!("assets/{kind}/{}.toml", lang.code())
}

fn parse_table(file: &str, text: &str) -> Result<toml::Table, TemplateError> {
    text.parse::<toml::Table>()
        .map_err(|e| TemplateError::File { file: file.to_string(), message: toml_error(text, &e) })
}

/// Keys an override may add that the shipped file does not have: replies for a kind and
/// outcome that fall back to the defaults, and translations of grounds an office added.
fn may_add(path: &[String]) -> bool {
    match path {
        [reply, kind] if reply == "reply" => kind == "default" || kind.parse::<RequestKind>().is_ok(),
        [reply, kind, outcome] if reply == "reply" => {
            (kind == "default" || kind.parse::<RequestKind>().is_ok()) && outcome.parse::<Outcome>().is_ok()
        }
        [grounds, _] if grounds == "grounds" => true,
        [grounds, _, field] if grounds == "grounds" => field == "reason" || field == "citation",
        _ => false,
    }
}

/// Merges `over` into `base`, refusing keys the shipped file does not know (a typo would
/// otherwise be silently ignored) and values of another type.
fn merge(
    base: &mut toml::Table,
    over: toml::Table,
    path: &mut Vec<String>,
    file: &str,
) -> Result<(), TemplateError> {
    for (k, v) in over {
        path.push(k.clone());
        let key = path.join(".");
        match (base.get_mut(&k), v) {
            (Some(toml::Value::Table(b)), toml::Value::Table(o)) => merge(b, o, path, file)?,
            (Some(b), v) if b.type_str() == v.type_str() => *b = v,
            (Some(b), v) => {
                return Err(TemplateError::Key {
                    file: file.into(),
                    key,
                    message: msg!(
                        "message.template.wrong_type",
                        expected = type_term(b.type_str()),
                        found = type_term(v.type_str())
                    ),
                });
            }
            (None, v) if may_add(path) => {
                let ok = matches!(v, toml::Value::String(_))
                    || (matches!(v, toml::Value::Table(_)) && path.len() < 3);
                if !ok {
                    return Err(TemplateError::Key {
                        file: file.into(),
                        key,
                        message: msg!(
                            "message.template.wrong_type",
                            expected = type_term("string"),
                            found = type_term(v.type_str())
                        ),
                    });
                }
                base.insert(k, v);
            }
            (None, _) => {
                return Err(TemplateError::Key {
                    file: file.into(),
                    key,
                    message: msg!("message.template.unknown_key"),
                });
            }
        }
        path.pop();
    }
    Ok(())
}

/// Reads an override file, naming it on any error (a dangling link or an unreadable file
/// is an error, never silently the shipped text).
fn read_override(path: &Path) -> Result<toml::Table, TemplateError> {
    let file = path.display().to_string();
    let text = std::fs::read_to_string(path).map_err(|e| TemplateError::File {
        file: file.clone(),
        message: msg!("message.template.cannot_read", error = e),
    })?;
    parse_table(&file, &text)
}

impl Kit {
    /// The shipped templates and policy, without overrides.
    pub fn shipped() -> Result<Kit, TemplateError> {
        // Loaded and checked once per process (the check composes a sample letter from
        // every template): a session asks for it on every letter and every answer.
        static SHIPPED: std::sync::OnceLock<Option<Kit>> = std::sync::OnceLock::new();
        match SHIPPED.get_or_init(|| Kit::load(None).ok()) {
            Some(kit) => Ok(kit.clone()),
            // The shipped files are tested to load: this only names a broken build's error.
            None => Kit::load(None),
        }
    }

    /// The shipped files merged with the overrides in `dir`: `ky.toml`, `ru.toml`, `en.toml`
    /// (templates) and `policy.ky.toml`, `policy.ru.toml`, `policy.en.toml` (policy data).
    /// Any other file in `dir` is refused, so a misnamed override is not silently ignored.
    pub fn load(dir: Option<&Path>) -> Result<Kit, TemplateError> {
        let mut overrides: BTreeMap<String, PathBuf> = BTreeMap::new();
        if let Some(dir) = dir {
            let entries = std::fs::read_dir(dir).map_err(|e| TemplateError::File {
                file: dir.display().to_string(),
                message: msg!("message.template.cannot_read_dir", error = e),
            })?;
            for entry in entries {
                let entry = entry.map_err(|e| TemplateError::File {
                    file: dir.display().to_string(),
                    message: crate::i18n::localize::io_error(&e),
                })?;
                let name = entry.file_name().to_string_lossy().into_owned();
                if name.starts_with('.') || name.ends_with('~') {
                    continue;
                }
                let known = Language::ALL.iter().any(|l| {
                    name == format!("{}.toml", l.code()) || name == format!("policy.{}.toml", l.code())
                });
                if !known {
                    return Err(TemplateError::File {
                        file: entry.path().display().to_string(),
                        message: msg!("message.template.unknown_file"),
                    });
                }
                overrides.insert(name, entry.path());
            }
        }
        let mut langs = Vec::new();
        for ((lang, tpl), (_, pol)) in SHIPPED_TEMPLATES.iter().zip(SHIPPED_POLICY.iter()) {
            let tname = shipped_name("templates", *lang);
            let mut templates = parse_table(&tname, tpl)?;
            let mut origin = tname.clone();
            if let Some(p) = overrides.get(&format!("{}.toml", lang.code())) {
                let file = p.display().to_string();
                merge(&mut templates, read_override(p)?, &mut Vec::new(), &file)?;
                origin = format!("{tname} + {file}");
            }
            let pname = shipped_name("policy", *lang);
            let mut policy = parse_table(&pname, pol)?;
            let mut policy_origin = pname.clone();
            if let Some(p) = overrides.get(&format!("policy.{}.toml", lang.code())) {
                let file = p.display().to_string();
                merge(&mut policy, read_override(p)?, &mut Vec::new(), &file)?;
                policy_origin = format!("{pname} + {file}");
            }
            let policy: Policy = toml::Value::Table(policy).try_into().map_err(|e: toml::de::Error| {
                TemplateError::File { file: policy_origin.clone(), message: toml_value_error(&e) }
            })?;
            for c in crate::domain::kind::DataCategory::ALL {
                if !policy.categories.contains_key(c.code()) {
                    return Err(TemplateError::Key {
                        file: policy_origin,
                        key: format!("categories.{c}"),
                        message: msg!("message.template.missing"),
                    });
                }
            }
            langs.push(LangKit { lang: *lang, templates, policy, origin });
        }
        let kit = Kit { langs };
        kit.check()?;
        Ok(kit)
    }

    pub fn get(&self, lang: Language) -> &LangKit {
        // Every language is loaded by `load`; the first is only a guard against a bug.
        self.langs.iter().find(|l| l.lang == lang).unwrap_or(&self.langs[0])
    }

    /// Renders every letter of every language on sample data, so a broken template (an
    /// unknown placeholder, a missing key) is found when the files are loaded, not when a
    /// clerk needs that one letter.
    pub fn check(&self) -> Result<(), TemplateError> {
        for lang in Language::ALL {
            for sample in super::compose::samples() {
                super::compose::compose_sample(self, *lang, &sample)?;
            }
        }
        Ok(())
    }
}

impl LangKit {
    /// The text at a dotted key, e.g. `reply.default.refused`.
    pub fn text(&self, key: &str) -> Result<&str, TemplateError> {
        self.lookup(key).ok_or_else(|| TemplateError::Key {
            file: self.origin.clone(),
            key: key.to_string(),
            message: msg!("message.template.missing_template"),
        })
    }

    /// The text at a dotted key, if there is one.
    pub fn lookup(&self, key: &str) -> Option<&str> {
        let mut parts = key.split('.');
        let first = parts.next()?;
        let mut v = self.templates.get(first)?;
        for p in parts {
            v = v.as_table()?.get(p)?;
        }
        v.as_str()
    }

    /// Renders the template at `key` with `vars`; the error names the file and the key.
    pub fn render(&self, key: &str, vars: &BTreeMap<&str, String>) -> Result<String, TemplateError> {
        let tpl = self.text(key)?;
        fill(tpl, vars).map_err(|message| TemplateError::Key {
            file: self.origin.clone(),
            key: key.to_string(),
            message,
        })
    }
}

/// Replaces `{name}` by its value; `{{` and `}}` stand for literal braces. An unknown name
/// or an unbalanced brace is an error, so a misspelt placeholder never reaches a letter.
pub fn fill(tpl: &str, vars: &BTreeMap<&str, String>) -> Result<String, Message> {
    let mut out = String::with_capacity(tpl.len() + 64);
    let mut chars = tpl.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '{' if chars.peek() == Some(&'{') => {
                chars.next();
                out.push('{');
            }
            '}' if chars.peek() == Some(&'}') => {
                chars.next();
                out.push('}');
            }
            '{' => {
                let mut name = String::new();
                loop {
                    match chars.next() {
                        Some('}') => break,
                        Some(ch) if ch.is_ascii_lowercase() || ch.is_ascii_digit() || ch == '_' => {
                            name.push(ch);
                        }
                        Some(ch) => {
                            return Err(msg!(
                                "message.template.bad_placeholder",
                                text = format!("{{{name}{ch}")
                            ));
                        }
                        None => return Err(msg!("message.template.not_closed", text = format!("{{{name}"))),
                    }
                }
                if let Some(v) = vars.get(name.as_str()) {
                    out.push_str(v);
                } else {
                    let known: Vec<&str> = vars.keys().copied().collect();
                    return Err(msg!(
                        "message.template.unknown_placeholder",
                        placeholder = format!("{{{name}}}"),
                        known = known.iter().map(|k| format!("`{{{k}}}`")).collect::<Vec<_>>().join(", ")
                    ));
                }
            }
            '}' => return Err(msg!("message.template.lone_brace")),
            c => out.push(c),
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn vars() -> BTreeMap<&'static str, String> {
        BTreeMap::from([("ref", "ARZ-2026-000001".to_string()), ("due", "01.04.2026".to_string())])
    }

    #[test]
    fn fills_placeholders_and_braces() {
        assert_eq!(fill("№ {ref}, до {due} {{x}}", &vars()).unwrap(), "№ ARZ-2026-000001, до 01.04.2026 {x}");
        assert!(fill("{nope}", &vars()).unwrap_err().to_string().contains("unknown placeholder {nope}"));
        assert!(fill("{ref", &vars()).unwrap_err().to_string().contains("not closed"));
        assert!(fill("a } b", &vars()).unwrap_err().to_string().contains("lone"));
        assert!(fill("{Ref}", &vars()).is_err());
    }

    #[test]
    fn overrides_merge_and_refuse_unknown_keys() {
        let mut base: toml::Table = "[a]\nb = \"x\"\n[reply.default]\nrefused = \"r\"".parse().unwrap();
        let over: toml::Table = "[a]\nb = \"y\"\n[reply.access]\nrefused = \"z\"".parse().unwrap();
        merge(&mut base, over, &mut Vec::new(), "f.toml").unwrap();
        assert_eq!(base["a"]["b"].as_str(), Some("y"));
        assert_eq!(base["reply"]["access"]["refused"].as_str(), Some("z"));
        let bad: toml::Table = "[a]\nc = \"y\"".parse().unwrap();
        let e = merge(&mut base, bad, &mut Vec::new(), "f.toml").unwrap_err();
        assert!(e.to_string().contains("f.toml: [a.c]: unknown key"), "{e}");
        let bad: toml::Table = "[reply.acces]\nrefused = \"y\"".parse().unwrap();
        assert!(merge(&mut base, bad, &mut Vec::new(), "f.toml").is_err());
        let bad: toml::Table = "a = 3".parse().unwrap();
        assert!(merge(&mut base, bad, &mut Vec::new(), "f.toml").is_err());
    }
}
