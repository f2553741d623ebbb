//! Standard response texts per request kind, outcome and language: shipped in
//! `assets/responses/responses.toml`, overridden by an admin's `responses.toml` in
//! `responses_dir` (an entry of the same name, outcome and language replaces the shipped one;
//! others are added). The response form inserts one with a key, to be edited.

use std::path::{Path, PathBuf};

use serde::Deserialize;

use crate::domain::kind::{Language, RequestKind};
use crate::domain::outcome::Outcome;
use crate::domain::validation::field_name;
use crate::i18n::localize::{Localize, Message};
use crate::i18n::toml_error::toml_error;
use crate::msg;

const SHIPPED: &str = include_str!("../../assets/responses/responses.toml");
/// The file name an admin's overrides are read from, in `responses_dir`.
pub const FILE: &str = "responses.toml";

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Canned {
    pub name: String,
    /// The kinds it fits; empty: every kind.
    pub kinds: Vec<RequestKind>,
    pub outcome: Outcome,
    pub lang: Language,
    pub text: String,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Entry {
    name: String,
    #[serde(default)]
    kinds: Vec<String>,
    outcome: String,
    lang: String,
    text: String,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct File {
    #[serde(default)]
    response: Vec<Entry>,
}

#[derive(Debug, Clone, Default)]
pub struct CannedTexts {
    pub entries: Vec<Canned>,
}

/// An error in a responses file, naming the file and the entry.
fn parse(text: &str, file: &str) -> Result<Vec<Canned>, Message> {
    let f: File = toml::from_str(text)
        .map_err(|e| msg!("message.path_error", path = file, error = toml_error(text, &e)))?;
    f.response
        .into_iter()
        .enumerate()
        .map(|(i, e)| {
            let at = |what: Message| {
                msg!("message.canned_entry", file = file, n = i + 1, name = e.name.as_str(), error = what)
            };
            if e.name.trim().is_empty() {
                return Err(at(msg!(
                    "message.field",
                    field = field_name("name"),
                    rule = msg!("message.required")
                )));
            }
            let kinds = e
                .kinds
                .iter()
                .map(|k| k.parse::<RequestKind>().map_err(|x| at(x.message())))
                .collect::<Result<Vec<_>, _>>()?;
            let outcome = e.outcome.parse::<Outcome>().map_err(|x| at(x.message()))?;
            let lang = e.lang.parse::<Language>().map_err(|x| at(x.message()))?;
            crate::domain::validation::check_len("text", &e.text, crate::domain::validation::MAX_TEXT)
                .map_err(|x| at(x.message()))?;
            Ok(Canned {
                name: e.name.trim().to_string(),
                kinds,
                outcome,
                lang,
                text: e.text.trim_end().to_string(),
            })
        })
        .collect()
}

impl CannedTexts {
    pub fn shipped() -> CannedTexts {
        // The shipped file is tested to parse.
        CannedTexts { entries: parse(SHIPPED, "assets/responses/responses.toml").unwrap_or_default() }
    }

    /// The shipped texts with the overrides of `dir/responses.toml`, if that file exists.
    pub fn load(dir: Option<&Path>) -> Result<CannedTexts, Message> {
        let mut set = CannedTexts { entries: parse(SHIPPED, "assets/responses/responses.toml")? };
        let Some(path) = dir.map(|d| d.join(FILE)).filter(|p| p.exists()) else { return Ok(set) };
        let text = std::fs::read_to_string(&path)
            .map_err(|e| msg!("message.path_error", path = &path, error = e))?;
        for c in parse(&text, &path.display().to_string())? {
            match set
                .entries
                .iter_mut()
                .find(|x| x.name == c.name && x.outcome == c.outcome && x.lang == c.lang)
            {
                Some(x) => *x = c,
                None => set.entries.push(c),
            }
        }
        Ok(set)
    }

    /// `responses_dir` of the config (relative to the config directory), else `responses/`
    /// there when it exists. A configured directory that does not exist is an error.
    pub fn for_config(config: &crate::config::Config, config_dir: &Path) -> Result<CannedTexts, Message> {
        let dir: Option<PathBuf> = match &config.responses_dir {
            Some(p) => {
                let p = if p.is_absolute() { p.clone() } else { config_dir.join(p) };
                if !p.is_dir() {
                    return Err(msg!(
                        "message.path_error",
                        path = &p,
                        error = msg!("message.template.no_dir", setting = "responses_dir")
                    ));
                }
                Some(p)
            }
            None => Some(config_dir.join("responses")).filter(|p| p.is_dir()),
        };
        CannedTexts::load(dir.as_deref())
    }

    /// The texts for this kind, outcome and language, in file order.
    pub fn matching(&self, kind: RequestKind, outcome: Outcome, lang: Language) -> Vec<&Canned> {
        self.entries
            .iter()
            .filter(|c| {
                c.outcome == outcome && c.lang == lang && (c.kinds.is_empty() || c.kinds.contains(&kind))
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_shipped_texts_parse_and_cover_each_language() {
        let set = CannedTexts::load(None).unwrap();
        for lang in Language::ALL {
            for outcome in [Outcome::Fulfilled, Outcome::NoData, Outcome::Refused] {
                assert!(
                    !set.matching(RequestKind::Access, outcome, *lang).is_empty(),
                    "{lang:?} {outcome:?}"
                );
            }
        }
        // Kind-specific texts are offered for their kinds only.
        let en = |k| set.matching(k, Outcome::Fulfilled, Language::En).len();
        assert!(en(RequestKind::Access) > en(RequestKind::Information));
        assert!(set.entries.iter().all(|c| c.text.contains("\n\n")), "paragraphs survive");
    }

    #[test]
    fn an_admins_file_replaces_by_name_and_adds_and_errors_name_the_entry() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(
            dir.path().join(FILE),
            "[[response]]\nname = \"Refusal\"\noutcome = \"refused\"\nlang = \"en\"\ntext = \"Office text\"\n\n\
             [[response]]\nname = \"Extra\"\noutcome = \"referred\"\nlang = \"ru\"\ntext = \"Направлено\"\n",
        )
        .unwrap();
        let set = CannedTexts::load(Some(dir.path())).unwrap();
        let refused = set.matching(RequestKind::Access, Outcome::Refused, Language::En);
        assert_eq!(refused.len(), 1);
        assert_eq!(refused[0].text, "Office text");
        assert_eq!(set.matching(RequestKind::Access, Outcome::Referred, Language::Ru)[0].name, "Extra");
        std::fs::write(
            dir.path().join(FILE),
            "[[response]]\nname = \"Bad\"\noutcome = \"maybe\"\nlang = \"en\"\ntext = \"x\"\n",
        )
        .unwrap();
        let e = CannedTexts::load(Some(dir.path())).unwrap_err().to_string();
        assert!(e.contains("responses.toml") && e.contains("\"Bad\"") && e.contains("maybe"), "{e}");
        std::fs::write(
            dir.path().join(FILE),
            "[[response]]\nname = \"Esc\"\noutcome = \"refused\"\nlang = \"en\"\ntext = \"a\u{1b}[2J\"\n",
        )
        .unwrap();
        assert!(CannedTexts::load(Some(dir.path())).is_err(), "no control characters");
    }
}
