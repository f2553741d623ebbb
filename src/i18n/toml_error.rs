//! A TOML file's error (config.toml with its keymap, the rules file, letter templates and
//! policy overrides, the referral bodies) as a message in the interface language: where
//! (line and column, and the key when the line names one) and what, by a key of its own for
//! the common mistakes. Only what no key names shows the parser's own words, quoted.

use super::localize::{Arg, Message};
use crate::msg;

/// What a value of a key must be, by the parser's word for it: the `toml_type` vocabulary.
pub const TOML_TYPES: &[&str] = &["boolean", "integer", "number", "text", "list", "table", "date"];

/// `e`, an error of parsing `text`, as a message.
pub fn toml_error(text: &str, e: &toml::de::Error) -> Message {
    let what = what(e.message().trim());
    let Some(span) = e.span() else { return what };
    let (line, column, line_text) = position(text, span.start);
    // The key of a `key = value` line, when the error is in the value.
    let key = line_text
        .split_once('=')
        .filter(|(k, _)| k.chars().count() < column)
        .map(|(k, _)| k.trim().trim_matches(['"', '\'']).to_string())
        .filter(|k| !k.is_empty() && !k.starts_with('#') && !k.starts_with('['));
    match key {
        Some(key) => msg!("message.toml.at_key", line = line, column = column, key = key, error = what),
        None => msg!("message.toml.at", line = line, column = column, error = what),
    }
}

/// An error of turning an already parsed TOML value into a type (no text, no position).
pub fn toml_value_error(e: &toml::de::Error) -> Message {
    what(e.message().trim())
}

/// The 1-based line and column (in characters) of byte `at` of `text`, and the line.
fn position(text: &str, at: usize) -> (usize, usize, &str) {
    let mut at = at.min(text.len());
    while !text.is_char_boundary(at) {
        at -= 1;
    }
    let start = text[..at].rfind('\n').map_or(0, |i| i + 1);
    let end = text[at..].find('\n').map_or(text.len(), |i| at + i);
    let line = text[..start].matches('\n').count() + 1;
    (line, text[start..at].chars().count() + 1, &text[start..end])
}

/// The names in backquotes of a serde message: "`a`, `b` or `c`" → a, b, c.
fn quoted(s: &str) -> Vec<&str> {
    s.split('`').skip(1).step_by(2).collect()
}

fn what(detail: &str) -> Message {
    if let Some(rest) = detail.strip_prefix("unknown field ") {
        let (field, expected) = rest.split_once(", expected").unwrap_or((rest, ""));
        let known: Vec<String> = quoted(expected).iter().map(|k| format!("`{k}`")).collect();
        let key = field.trim().trim_matches('`');
        if known.is_empty() {
            return msg!("message.toml.unknown_key", key = key);
        }
        return msg!("message.toml.unknown_key_of", key = key, known = known.join(", "));
    }
    if let Some(rest) = detail.strip_prefix("missing field ") {
        return msg!("message.toml.missing_key", key = rest.trim().trim_matches('`'));
    }
    if detail.starts_with("duplicate key") {
        return match quoted(detail).first() {
            Some(key) => msg!("message.toml.duplicate_key_named", key = *key),
            None => msg!("message.toml.duplicate_key"),
        };
    }
    if detail.starts_with("data did not match any variant") {
        return msg!("message.toml.no_form");
    }
    if let Some(rest) = detail.strip_prefix("invalid type: ")
        && let Some((_, expected)) = rest.rsplit_once("expected ")
        && let Some(ty) = type_of(expected)
    {
        return msg!("message.toml.wrong_type", expected = Arg::term("toml_type", ty));
    }
    // The parser's words on one line, as every error is.
    let detail = detail.lines().map(str::trim).filter(|l| !l.is_empty()).collect::<Vec<_>>().join(" ");
    msg!("message.toml.syntax", detail = detail)
}

/// serde's and toml's word for an expected type, as a `toml_type` code.
fn type_of(expected: &str) -> Option<&'static str> {
    let e = expected.trim().trim_start_matches("a ").trim_start_matches("an ");
    Some(match e {
        "boolean" | "bool" => "boolean",
        "u8" | "u16" | "u32" | "u64" | "u128" | "usize" | "i8" | "i16" | "i32" | "i64" | "i128" | "isize"
        | "integer" => "integer",
        "f32" | "f64" | "float" => "number",
        "string" | "borrowed string" | "char" | "character" => "text",
        "sequence" | "array" | "tuple" => "list",
        "map" | "table" => "table",
        e if e.starts_with("struct ") || e.starts_with("map") => "table",
        e if e.starts_with("sequence") || e.starts_with("tuple") => "list",
        e if e.contains("date") => "date",
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::i18n::Lang;

    fn error_of(text: &str) -> Message {
        #[derive(Debug, serde::Deserialize)]
        #[serde(deny_unknown_fields)]
        #[allow(dead_code)]
        struct T {
            days: Option<u32>,
            name: Option<String>,
            on: Option<bool>,
        }
        let e = toml::from_str::<T>(text).unwrap_err();
        toml_error(text, &e)
    }

    #[test]
    fn common_mistakes_have_keys_with_the_line_the_column_and_the_key() {
        let m = error_of("name = \"a\"\ndays = \"x\"\n");
        assert_eq!(m.key, "message.toml.at_key");
        assert_eq!(m.render(Lang::En), "line 2, column 8, key `days`: the value must be a whole number");
        let ru = m.render(Lang::Ru);
        assert!(ru.starts_with("строка 2, столбец 8, ключ `days`: "), "{ru}");
        let m = error_of("zz = 1\n");
        assert_eq!(
            m.render(Lang::En),
            "line 1, column 1: unknown key `zz`, expected one of `days`, `name`, `on`"
        );
        let m = error_of("on = true\non = false\n");
        assert!(m.keys().contains(&"message.toml.duplicate_key".to_string()), "{m:?}");
        let ky = error_of("days = 1\nname = \n").render(Lang::Ky);
        assert!(ky.starts_with("2-сап, 8-мамыча") && ky.contains("“"), "{ky}");
    }

    #[test]
    fn a_position_past_a_multibyte_line_counts_characters() {
        assert_eq!(position("а = 1\nбб", 9), (2, 2, "бб"));
    }
}
