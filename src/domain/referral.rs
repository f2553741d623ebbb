//! What an answer records beyond its outcome for the letter to be complete: the medium of
//! the copy sent on an access request (Law 58: access is free, a copy on a physical medium
//! may be charged; legal-notes §7) and the body a request was referred to.

use serde::{Deserialize, Serialize};

use super::kind::{Language, RequestKind};
use super::outcome::Outcome;
use super::validation::{FieldError, field_error};
use crate::code_enum;

code_enum!(
    /// How a copy of the subject's records was given.
    CopyMedium, "medium" {
        Electronic => "electronic",
        Paper => "paper",
        Disk => "disk",
        FlashDrive => "flash_drive",
    }
);

impl CopyMedium {
    /// A physical medium may be charged for; an electronic copy is free.
    pub fn may_be_charged(self) -> bool {
        self != CopyMedium::Electronic
    }
}

/// The medium, charge and referral recorded with an answer.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct ResponseDetails {
    pub copy_medium: Option<CopyMedium>,
    /// Whether the subject was charged for the copy (physical media only).
    pub copy_charged: bool,
    /// The code of the body the request was referred to (`assets/rules/bodies.toml`).
    pub referred_to: Option<String>,
}

impl ResponseDetails {
    /// Checks the details against the request's kind, the outcome and the known bodies.
    pub fn validate(
        &self,
        kind: RequestKind,
        outcome: Outcome,
        bodies: &[ReferralBody],
    ) -> Result<(), FieldError> {
        if let Some(m) = self.copy_medium {
            if kind != RequestKind::Access {
                return Err(field_error("medium", crate::msg!("message.response_details.medium_access")));
            }
            if self.copy_charged && !m.may_be_charged() {
                return Err(field_error("charged", crate::msg!("message.response_details.electronic_free")));
            }
        } else if self.copy_charged {
            return Err(field_error("charged", crate::msg!("message.response_details.charge_medium")));
        }
        match &self.referred_to {
            Some(_) if outcome != Outcome::Referred => {
                Err(field_error("referred_to", crate::msg!("message.response_details.body_referred")))
            }
            Some(code) if !bodies.iter().any(|b| &b.code == code) => {
                let known: Vec<&str> = bodies.iter().map(|b| b.code.as_str()).collect();
                Err(field_error(
                    "referred_to",
                    crate::msg!(
                        "message.response_details.unknown_body",
                        body = code,
                        allowed = known.join(", ")
                    ),
                ))
            }
            _ => Ok(()),
        }
    }
}

/// A body a request may be referred to, named in each language; data an admin edits
/// (`assets/rules/bodies.toml`, replaced by `bodies.toml` in the configuration directory).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ReferralBody {
    pub code: String,
    pub ky: String,
    pub ru: String,
    pub en: String,
    /// Postal address, printed in the referral letter when known.
    #[serde(default)]
    pub address: String,
    /// Where the name comes from, and how sure it is.
    #[serde(default)]
    pub source: String,
}

impl ReferralBody {
    pub fn name(&self, lang: Language) -> &str {
        match lang {
            Language::Ky => &self.ky,
            Language::Ru => &self.ru,
            Language::En => &self.en,
        }
    }
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct BodiesFile {
    body: Vec<ReferralBody>,
}

/// Parses a bodies file; every body needs a code and a name in each language.
pub fn parse_bodies(text: &str) -> Result<Vec<ReferralBody>, crate::i18n::localize::Message> {
    let f: BodiesFile = toml::from_str(text).map_err(|e| crate::i18n::toml_error::toml_error(text, &e))?;
    for b in &f.body {
        if b.code.trim().is_empty() || [&b.ky, &b.ru, &b.en].iter().any(|n| n.trim().is_empty()) {
            return Err(crate::msg!("message.body_incomplete", code = &b.code));
        }
    }
    Ok(f.body)
}

/// The shipped bodies.
pub fn shipped_bodies() -> Vec<ReferralBody> {
    parse_bodies(include_str!("../../assets/rules/bodies.toml")).unwrap_or_default()
}

/// The bodies of this installation: `bodies.toml` in `config_dir` when it exists, else the
/// shipped ones. A broken file is an error naming it (never silently the shipped list).
pub fn load_bodies(
    config_dir: &std::path::Path,
) -> Result<Vec<ReferralBody>, crate::i18n::localize::Message> {
    let path = config_dir.join("bodies.toml");
    match std::fs::read_to_string(&path) {
        Ok(text) => {
            parse_bodies(&text).map_err(|e| crate::msg!("message.path_error", path = &path, error = e))
        }
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(shipped_bodies()),
        Err(e) => Err(crate::msg!("message.path_error", path = &path, error = e)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shipped_bodies_parse_and_name_every_language() {
        let b = shipped_bodies();
        assert!(b.len() >= 2, "{b:?}");
        assert!(b.iter().all(|b| !b.source.is_empty()));
        assert!(parse_bodies("[[body]]\ncode = \"x\"\nky = \"\"\nru = \"a\"\nen = \"b\"\n").is_err());
    }

    #[test]
    fn details_are_checked_against_kind_outcome_and_bodies() {
        let bodies = shipped_bodies();
        let ok =
            ResponseDetails { copy_medium: Some(CopyMedium::Paper), copy_charged: true, referred_to: None };
        assert!(ok.validate(RequestKind::Access, Outcome::Fulfilled, &bodies).is_ok());
        assert_eq!(
            ok.validate(RequestKind::Correction, Outcome::Fulfilled, &bodies).unwrap_err().field,
            "medium"
        );
        let e = ResponseDetails {
            copy_medium: Some(CopyMedium::Electronic),
            copy_charged: true,
            referred_to: None,
        };
        assert_eq!(
            e.validate(RequestKind::Access, Outcome::Fulfilled, &bodies).unwrap_err().field,
            "charged"
        );
        let r = ResponseDetails { referred_to: Some("minfin".into()), ..Default::default() };
        assert!(r.validate(RequestKind::Information, Outcome::Referred, &bodies).is_ok());
        assert!(r.validate(RequestKind::Information, Outcome::Fulfilled, &bodies).is_err());
        let r = ResponseDetails { referred_to: Some("nope".into()), ..Default::default() };
        assert!(
            r.validate(RequestKind::Information, Outcome::Referred, &bodies)
                .unwrap_err()
                .rule
                .to_string()
                .contains("unknown body")
        );
    }
}
