//! Field errors and warnings shared by every validation in the domain.

use serde::Serialize;

use crate::i18n::localize::{Localize, Message};
use crate::msg;

/// A hard error: the named field breaks the named rule, and nothing is saved. The rule is a
/// catalog key with its arguments (`message.max_chars`, max, n), shown in the interface
/// language at the edge; `Display` is the English text.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, thiserror::Error)]
#[error("{}", self.message())]
pub struct FieldError {
    pub field: String,
    pub rule: Message,
}

/// A soft warning: saving is allowed, but the operator is told (and the TUI asks to confirm).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct FieldWarning {
    pub field: String,
    pub message: Message,
}

impl std::fmt::Display for FieldWarning {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}", self.message())
    }
}

impl Localize for FieldError {
    fn message(&self) -> Message {
        msg!("message.field", field = field_name(&self.field), rule = self.rule.clone())
    }
}

impl Localize for FieldWarning {
    fn message(&self) -> Message {
        msg!("message.field", field = field_name(&self.field), rule = self.message.clone())
    }
}

/// The fields and options errors name, each with a name in the catalogs' `[field_name]`
/// (English shows the field as the code it is; a field not listed shows as it is).
pub const FIELD_NAMES: &[&str] = &[
    "action",
    "address",
    "as-of",
    "assignee",
    "attachment_kind",
    "basis",
    "birth_date",
    "category",
    "channel",
    "charged",
    "confidence",
    "date",
    "days",
    "description",
    "due-within",
    "duplicate",
    "duplicate-of",
    "email",
    "event",
    "expect",
    "file",
    "format",
    "from",
    "ground",
    "identity",
    "identity_override",
    "identity_verified_by",
    "keep",
    "kind",
    "lang",
    "limit",
    "login",
    "medium",
    "message",
    "month",
    "n",
    "name",
    "outcome",
    "output",
    "passport",
    "passport_issued",
    "passport_issuer",
    "path",
    "phone",
    "pin",
    "reason",
    "received",
    "received_old",
    "ref",
    "referred_to",
    "registered",
    "representative",
    "representative_address",
    "representative_document",
    "representative_email",
    "representative_phone",
    "requests",
    "responded",
    "role",
    "since",
    "source",
    "start",
    "status",
    "text",
    "to",
    "type",
    "unit",
    "year",
    "years",
];

/// A field as an error names it: its catalog name when it has one.
pub fn field_name(field: &str) -> crate::i18n::localize::Arg {
    if FIELD_NAMES.contains(&field) {
        crate::i18n::localize::Arg::code("field_name", field)
    } else {
        field.into()
    }
}

pub(crate) fn field_error(field: &str, rule: Message) -> FieldError {
    FieldError { field: field.to_string(), rule }
}

pub(crate) fn warning(field: &str, message: Message) -> FieldWarning {
    FieldWarning { field: field.to_string(), message }
}

/// Longest accepted name, address, e-mail and similar one-line fields, in characters.
pub(crate) const MAX_LINE: usize = 200;
/// Longest accepted description, note or response text, in characters.
pub(crate) const MAX_TEXT: usize = 10_000;

/// Rejects text longer than `max` characters or containing control characters other than
/// newlines and tabs (which could move the cursor of a clerk's terminal).
pub(crate) fn check_len(field: &str, value: &str, max: usize) -> Result<(), FieldError> {
    let n = value.chars().count();
    if n > max {
        return Err(field_error(field, msg!("message.max_chars", max = max, n = n)));
    }
    if let Some(why) = super::safe_text::refusal(value, true) {
        return Err(field_error(field, why));
    }
    Ok(())
}

/// Like [`check_len`] for one-line fields: no newlines either.
pub(crate) fn check_line(field: &str, value: &str) -> Result<(), FieldError> {
    check_len(field, value, MAX_LINE)?;
    if value.contains('\n') || value.contains('\t') {
        return Err(field_error(field, msg!("message.single_line")));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lengths_and_control_characters() {
        assert!(check_line("name", "Асанова Айгүл").is_ok());
        assert!(check_line("name", &"x".repeat(201)).is_err());
        assert!(check_line("name", "a\u{1b}[2Jb").is_err());
        assert!(check_line("name", "a\nb").is_err());
        assert!(check_len("text", "line one\nline two", MAX_TEXT).is_ok());
    }
}
