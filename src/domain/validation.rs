//! Field errors and warnings shared by every validation in the domain.

use serde::Serialize;

/// A hard error: the named field breaks the named rule, and nothing is saved.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, thiserror::Error)]
#[error("{field}: {rule}")]
pub struct FieldError {
    pub field: String,
    pub rule: String,
}

/// A soft warning: saving is allowed, but the operator is told (and the TUI asks to confirm).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct FieldWarning {
    pub field: String,
    pub message: String,
}

impl std::fmt::Display for FieldWarning {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}: {}", self.field, self.message)
    }
}

pub(crate) fn field_error(field: &str, rule: &str) -> FieldError {
    FieldError { field: field.to_string(), rule: rule.to_string() }
}

pub(crate) fn warning(field: &str, message: &str) -> FieldWarning {
    FieldWarning { field: field.to_string(), message: message.to_string() }
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
        return Err(field_error(field, &format!("at most {max} characters (got {n})")));
    }
    if let Some(why) = super::safe_text::refusal(value, true) {
        return Err(field_error(field, &why));
    }
    Ok(())
}

/// Like [`check_len`] for one-line fields: no newlines either.
pub(crate) fn check_line(field: &str, value: &str) -> Result<(), FieldError> {
    check_len(field, value, MAX_LINE)?;
    if value.contains('\n') || value.contains('\t') {
        return Err(field_error(field, "must be a single line"));
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
