//! Errors as keys: every error that reaches a person is a [`Message`], a catalog key with
//! typed arguments, rendered in the interface language at the edge (the command line's
//! `aryz: error:` line, the terminal UI's message line and form fields). Nothing matches
//! English text to translate it.
//!
//! An argument is either data shown as it is (a reference, a login, a path, what was typed),
//! a number, a code of a vocabulary shown by its label in the interface language
//! (`status.withdrawn` → "кайтарылып алынган"), or another message (the rule a field broke).
//! The English rendering is the errors' `Display`, the text scripts and tests know.

use std::fmt;

use super::{Lang, catalog_of, current};

/// One argument of a message.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Arg {
    /// Shown as it is: data, never translated.
    Text(String),
    /// A count; a text's `{a|b}` plural groups follow the argument named `n`.
    Num(i64),
    /// A code of a vocabulary: in English the code itself (the command line's messages
    /// always named codes, which scripts match), in Kyrgyz and Russian its catalog label
    /// `vocab.code`.
    Code { vocab: &'static str, code: String },
    /// A term of a vocabulary shown by its catalog label `vocab.code` in every language
    /// (a verb, a privilege, a key's action).
    Term { vocab: &'static str, code: String },
    /// A message inside a message.
    Msg(Box<Message>),
}

impl Arg {
    /// A code of `vocab` (`Arg::code("status", "answered")`).
    pub fn code(vocab: &'static str, code: impl Into<String>) -> Arg {
        Arg::Code { vocab, code: code.into() }
    }

    /// A term of `vocab`, shown by its label in every language (`Arg::term("verb", "withdraw")`).
    pub fn term(vocab: &'static str, code: impl Into<String>) -> Arg {
        Arg::Term { vocab, code: code.into() }
    }

    fn render(&self, lang: Lang) -> String {
        match self {
            Arg::Text(s) => s.clone(),
            Arg::Num(n) => n.to_string(),
            Arg::Code { code, .. } if lang == Lang::En => code.clone(),
            Arg::Code { vocab, code } | Arg::Term { vocab, code } => {
                lookup_in(lang, &format!("{vocab}.{code}")).map_or_else(|| code.clone(), str::to_string)
            }
            Arg::Msg(m) => m.render(lang),
        }
    }
}

impl From<String> for Arg {
    fn from(s: String) -> Arg {
        Arg::Text(s)
    }
}

impl From<&String> for Arg {
    fn from(s: &String) -> Arg {
        Arg::Text(s.clone())
    }
}

impl From<&str> for Arg {
    fn from(s: &str) -> Arg {
        Arg::Text(s.to_string())
    }
}

impl From<Message> for Arg {
    fn from(m: Message) -> Arg {
        Arg::Msg(Box::new(m))
    }
}

impl From<&std::path::Path> for Arg {
    fn from(p: &std::path::Path) -> Arg {
        Arg::Text(p.display().to_string())
    }
}

impl From<&std::path::PathBuf> for Arg {
    fn from(p: &std::path::PathBuf) -> Arg {
        Arg::Text(p.display().to_string())
    }
}

impl From<chrono::NaiveDate> for Arg {
    fn from(d: chrono::NaiveDate) -> Arg {
        Arg::Text(d.to_string())
    }
}

macro_rules! num_arg {
    ($($t:ty),*) => {$(
        impl From<$t> for Arg {
            fn from(n: $t) -> Arg {
                Arg::Num(i64::try_from(n).unwrap_or(i64::MAX))
            }
        }
    )*};
}
num_arg!(i32, i64, u32, u64, usize);

/// A catalog key with its arguments: what an error says, in no language yet.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Message {
    pub key: &'static str,
    pub args: Vec<(&'static str, Arg)>,
}

/// `msg!("message.max_chars", max = 200, n = 201)`: a [`Message`] whose arguments convert
/// with `Into<Arg>`.
#[macro_export]
macro_rules! msg {
    ($key:literal $(, $name:ident = $value:expr)* $(,)?) => {
        $crate::i18n::localize::Message {
            key: $key,
            args: vec![$((stringify!($name), $crate::i18n::localize::Arg::from($value))),*],
        }
    };
}

impl Message {
    pub fn new(key: &'static str) -> Message {
        Message { key, args: Vec::new() }
    }

    /// Adds an argument.
    #[must_use]
    pub fn with(mut self, name: &'static str, value: impl Into<Arg>) -> Message {
        self.args.push((name, value.into()));
        self
    }

    /// Text that has no key (an engine's or the operating system's own words): shown as is.
    pub fn plain(text: impl Into<String>) -> Message {
        Message::new("message.plain").with("text", text.into())
    }

    /// The message in `lang`: the catalog's text of the key (English's when the language
    /// lacks it, the key itself when no catalog has it) with the arguments in place.
    pub fn render(&self, lang: Lang) -> String {
        let mut text = lookup_in(lang, self.key).unwrap_or(self.key).to_string();
        if let Some((_, Arg::Num(n))) = self.args.iter().find(|(name, _)| *name == "n") {
            text = super::plural::choose_forms(&text, lang, n.unsigned_abs());
        }
        // Each placeholder is replaced once, left to right, so an argument's own text is
        // never scanned for placeholders (what was typed may contain braces).
        let mut out = String::with_capacity(text.len() + 16);
        let mut rest = text.as_str();
        while let Some(open) = rest.find('{') {
            out.push_str(&rest[..open]);
            let after = &rest[open + 1..];
            let arg = after
                .find('}')
                .and_then(|close| self.args.iter().find(|(n, _)| *n == &after[..close]).map(|a| (close, a)));
            if let Some((close, (_, a))) = arg {
                out.push_str(&a.render(lang));
                rest = &after[close + 1..];
            } else {
                out.push('{');
                rest = after;
            }
        }
        out.push_str(rest);
        out
    }

    /// The message in the interface language.
    pub fn text(&self) -> String {
        self.render(current())
    }

    /// Every key this message uses, its own and its arguments' (codes as `vocab.code`).
    pub fn keys(&self) -> Vec<String> {
        let mut out = vec![self.key.to_string()];
        for (_, a) in &self.args {
            match a {
                Arg::Msg(m) => out.extend(m.keys()),
                Arg::Code { vocab, code } | Arg::Term { vocab, code } => out.push(format!("{vocab}.{code}")),
                Arg::Text(_) | Arg::Num(_) => {}
            }
        }
        out
    }
}

/// An operating-system error: the common kinds in the interface language, others as the
/// system says them.
pub fn io_error(e: &std::io::Error) -> Message {
    use std::io::ErrorKind as K;
    // An error aryz made itself says what it says (its own words are in English only).
    if e.raw_os_error().is_none() && e.get_ref().is_some() {
        return Message::plain(e.to_string());
    }
    let key = match e.kind() {
        K::NotFound => "message.io.not_found",
        K::PermissionDenied => "message.io.permission_denied",
        K::AlreadyExists => "message.io.already_exists",
        K::IsADirectory => "message.io.is_a_directory",
        K::NotADirectory => "message.io.not_a_directory",
        K::StorageFull => "message.io.storage_full",
        K::ReadOnlyFilesystem => "message.io.read_only",
        K::BrokenPipe => "message.io.broken_pipe",
        K::InvalidData => "message.io.invalid_data",
        _ => return Message::plain(e.to_string()),
    };
    Message::new(key)
}

impl From<&std::io::Error> for Arg {
    fn from(e: &std::io::Error) -> Arg {
        Arg::Msg(Box::new(io_error(e)))
    }
}

impl From<std::io::Error> for Arg {
    fn from(e: std::io::Error) -> Arg {
        Arg::from(&e)
    }
}

/// English: what scripts, logs of tests and `to_string()` see.
impl fmt::Display for Message {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.render(Lang::En))
    }
}

impl serde::Serialize for Message {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.to_string())
    }
}

fn lookup_in(lang: Lang, key: &str) -> Option<&'static str> {
    catalog_of(lang)
        .get(key)
        .or_else(|| if lang == Lang::En { None } else { catalog_of(Lang::En).get(key) })
        .map(String::as_str)
}

/// What an error says, as a key and arguments: the one way an error reaches a person.
pub trait Localize {
    fn message(&self) -> Message;

    /// The message in the interface language.
    fn localized(&self) -> String {
        self.message().text()
    }
}

impl Localize for Message {
    fn message(&self) -> Message {
        self.clone()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::i18n::set_thread_language;

    #[test]
    fn renders_codes_numbers_and_nested_messages_in_each_language() {
        let m = msg!(
            "message.field",
            field = "name",
            rule = msg!("message.max_chars", max = 200usize, n = 201usize)
        );
        assert_eq!(m.render(Lang::En), "name: at most 200 characters (got 201)");
        assert_eq!(m.to_string(), "name: at most 200 characters (got 201)");
        assert_eq!(m.render(Lang::Ru), "name: не более 200 символов (введено 201)");
        let t = msg!(
            "message.transition",
            reference = "ARZ-2026-000001",
            action = Arg::code("verb", "withdraw"),
            status = Arg::code("status", "withdrawn")
        );
        let ky = t.render(Lang::Ky);
        assert!(!ky.contains("withdraw"), "{ky}");
        set_thread_language(Some(Lang::Ru));
        assert!(t.text().contains("отозвано"), "{}", t.text());
        set_thread_language(None);
    }

    #[test]
    fn arguments_are_not_scanned_for_placeholders() {
        let m = msg!("message.plain", text = "{text} {n}");
        assert_eq!(m.render(Lang::Ru), "{text} {n}");
    }
}
