//! The one place deciding which characters may reach a terminal, a log line, a letter or a
//! JSON document as they are.
//!
//! Hidden characters are the controls (C0, DEL, C1), the line and paragraph separators, and
//! the format characters (Unicode category Cf: bidirectional controls such as U+202E, zero
//! widths such as U+200B, U+FEFF, tags…). New input holding one is refused, naming the field
//! ([`check`]); stored text holding one (planted in the file, or older than this rule) is
//! shown visibly as `⟨U+202E⟩` ([`line`], [`multiline`]), so that it can neither move the
//! cursor, retitle the terminal, nor reorder or hide what a clerk reads.

use std::borrow::Cow;

/// The format characters (Unicode 16 category Cf), as inclusive ranges.
const FORMAT: &[(u32, u32)] = &[
    (0x00AD, 0x00AD),
    (0x0600, 0x0605),
    (0x061C, 0x061C),
    (0x06DD, 0x06DD),
    (0x070F, 0x070F),
    (0x0890, 0x0891),
    (0x08E2, 0x08E2),
    (0x180E, 0x180E),
    (0x200B, 0x200F),
    (0x202A, 0x202E),
    (0x2060, 0x2064),
    (0x2066, 0x206F),
    (0xFEFF, 0xFEFF),
    (0xFFF9, 0xFFFB),
    (0x110BD, 0x110BD),
    (0x110CD, 0x110CD),
    (0x13430, 0x1343F),
    (0x1BCA0, 0x1BCA3),
    (0x1D173, 0x1D17A),
    (0xE0001, 0xE0001),
    (0xE0020, 0xE007F),
];

/// Whether `c` is a format character (category Cf).
pub fn is_format(c: char) -> bool {
    let c = c as u32;
    // Latin, Greek and Cyrillic (most of what aryz stores) hold only U+00AD.
    if c < 0x600 {
        return c == 0xAD;
    }
    FORMAT.iter().any(|(a, b)| (*a..=*b).contains(&c))
}

/// Whether `c` must not reach a terminal as it is: a control (C0, DEL, C1), a line or
/// paragraph separator, or a format character.
pub fn is_hidden(c: char) -> bool {
    c.is_control() || c == '\u{2028}' || c == '\u{2029}' || (c as u32 >= 0xAD && is_format(c))
}

fn needs_work(s: &str) -> bool {
    // Fast path, byte by byte: plain ASCII without controls, and two-byte letters from
    // U+0100 to U+05FF (Latin, Greek, Cyrillic — Kyrgyz and Russian text) need nothing: no
    // hidden character lies there. Anything else is looked at character by character.
    let b = s.as_bytes();
    let mut i = 0;
    while let Some(&c) = b.get(i) {
        match c {
            0x20..0x7F => i += 1,
            // A lead byte of U+0100..U+05FF; `s` is UTF-8, so one continuation byte follows.
            0xC4..=0xD7 => i += 2,
            _ => return true,
        }
    }
    false
}

fn render(s: &str, keep_newlines: bool) -> Cow<'_, str> {
    if !needs_work(s) || !s.chars().any(is_hidden) {
        return Cow::Borrowed(s);
    }
    let mut out = String::with_capacity(s.len() + 8);
    for c in s.chars() {
        match c {
            '\n' if keep_newlines => out.push('\n'),
            // Allowed in multi-line input: a space on one line.
            '\n' | '\t' => out.push(' '),
            c if is_hidden(c) => out.push_str(&format!("⟨U+{:04X}⟩", c as u32)),
            c => out.push(c),
        }
    }
    Cow::Owned(out)
}

/// Stored text for one line of a terminal, a table cell or a log line: newlines and tabs
/// become spaces, every other hidden character is shown as `⟨U+XXXX⟩`.
pub fn line(s: &str) -> Cow<'_, str> {
    render(s, false)
}

/// [`line`] as an owned string (table cells, screen cells).
pub fn clean(s: &str) -> String {
    line(s).into_owned()
}

/// Stored text of several lines (a letter, a description): newlines stay, tabs become
/// spaces, every other hidden character is shown as `⟨U+XXXX⟩`.
pub fn multiline(s: &str) -> Cow<'_, str> {
    render(s, true)
}

/// Why new input is refused, if it holds a hidden character: newlines and tabs are allowed
/// only when `multiline`.
pub fn refusal(s: &str, multiline: bool) -> Option<crate::i18n::localize::Message> {
    if !needs_work(s) && !s.contains(['\n', '\t']) {
        return None;
    }
    let c = s.chars().find(|c| is_hidden(*c) && !(multiline && (*c == '\n' || *c == '\t')))?;
    let code = format!("U+{:04X}", c as u32);
    Some(if c.is_control() {
        crate::msg!("message.control_chars", code = code)
    } else if matches!(c, '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}' | '\u{200E}' | '\u{200F}' | '\u{061C}')
    {
        crate::msg!("message.bidi_chars", code = code)
    } else {
        crate::msg!("message.invisible_chars", code = code)
    })
}

/// A JSON formatter that escapes, besides what JSON requires, DEL, C1 controls, separators
/// and format characters as `\uXXXX`: a JSON document printed on a terminal stays inert.
pub struct SafeJson<F>(pub F);

impl<F: serde_json::ser::Formatter> serde_json::ser::Formatter for SafeJson<F> {
    fn write_string_fragment<W: ?Sized + std::io::Write>(
        &mut self,
        w: &mut W,
        fragment: &str,
    ) -> std::io::Result<()> {
        if !needs_work(fragment) {
            return w.write_all(fragment.as_bytes());
        }
        let mut start = 0;
        for (i, c) in fragment.char_indices() {
            if is_hidden(c) {
                w.write_all(&fragment.as_bytes()[start..i])?;
                let mut units = [0u16; 2];
                for u in c.encode_utf16(&mut units) {
                    write!(w, "\\u{u:04x}")?;
                }
                start = i + c.len_utf8();
            }
        }
        w.write_all(&fragment.as_bytes()[start..])
    }

    // Everything else as the wrapped formatter does (pretty or compact).
    fn begin_array<W: ?Sized + std::io::Write>(&mut self, w: &mut W) -> std::io::Result<()> {
        self.0.begin_array(w)
    }
    fn end_array<W: ?Sized + std::io::Write>(&mut self, w: &mut W) -> std::io::Result<()> {
        self.0.end_array(w)
    }
    fn begin_array_value<W: ?Sized + std::io::Write>(
        &mut self,
        w: &mut W,
        first: bool,
    ) -> std::io::Result<()> {
        self.0.begin_array_value(w, first)
    }
    fn end_array_value<W: ?Sized + std::io::Write>(&mut self, w: &mut W) -> std::io::Result<()> {
        self.0.end_array_value(w)
    }
    fn begin_object<W: ?Sized + std::io::Write>(&mut self, w: &mut W) -> std::io::Result<()> {
        self.0.begin_object(w)
    }
    fn end_object<W: ?Sized + std::io::Write>(&mut self, w: &mut W) -> std::io::Result<()> {
        self.0.end_object(w)
    }
    fn begin_object_key<W: ?Sized + std::io::Write>(
        &mut self,
        w: &mut W,
        first: bool,
    ) -> std::io::Result<()> {
        self.0.begin_object_key(w, first)
    }
    fn end_object_key<W: ?Sized + std::io::Write>(&mut self, w: &mut W) -> std::io::Result<()> {
        self.0.end_object_key(w)
    }
    fn begin_object_value<W: ?Sized + std::io::Write>(&mut self, w: &mut W) -> std::io::Result<()> {
        self.0.begin_object_value(w)
    }
    fn end_object_value<W: ?Sized + std::io::Write>(&mut self, w: &mut W) -> std::io::Result<()> {
        self.0.end_object_value(w)
    }
}

/// Writes `v` as pretty JSON with every hidden character escaped.
pub fn json_pretty<W: std::io::Write, T: serde::Serialize + ?Sized>(w: W, v: &T) -> serde_json::Result<()> {
    let mut ser =
        serde_json::Serializer::with_formatter(w, SafeJson(serde_json::ser::PrettyFormatter::new()));
    v.serialize(&mut ser)
}

/// Writes `v` as compact JSON with every hidden character escaped.
pub fn json_compact<W: std::io::Write, T: serde::Serialize + ?Sized>(w: W, v: &T) -> serde_json::Result<()> {
    let mut ser = serde_json::Serializer::with_formatter(w, SafeJson(serde_json::ser::CompactFormatter));
    v.serialize(&mut ser)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_fast_path_agrees_with_a_look_at_every_character() {
        // Every character up to U+0700, and a few beyond, alone and inside Cyrillic text.
        for c in (0u32..0x700).chain([0x2028, 0x202E, 0xFEFF, 0x1F600]).filter_map(char::from_u32) {
            for text in [c.to_string(), format!("Өмүр{c}бек"), format!("ab{c}")] {
                assert_eq!(
                    needs_work(&text) && text.chars().any(is_hidden),
                    text.chars().any(is_hidden),
                    "U+{:04X}",
                    c as u32
                );
            }
        }
    }

    #[test]
    fn hidden_characters_are_shown_by_code() {
        assert_eq!(line("a\u{1b}]0;x\u{7}b"), "a⟨U+001B⟩]0;x⟨U+0007⟩b");
        assert_eq!(line("\u{202e}txt.exe"), "⟨U+202E⟩txt.exe");
        assert_eq!(line("a\u{200b}b\u{9b}c\u{7f}"), "a⟨U+200B⟩b⟨U+009B⟩c⟨U+007F⟩");
        assert_eq!(line("x\ny\tz"), "x y z");
        assert_eq!(multiline("x\ny\u{2066}"), "x\ny⟨U+2066⟩");
        assert_eq!(line("\u{E0041}"), "⟨U+E0041⟩");
        assert!(matches!(line("Үсөнова Айгүл"), Cow::Borrowed(_)));
    }

    #[test]
    fn input_refusals_name_the_kind() {
        assert_eq!(refusal("Asel", false), None);
        assert_eq!(refusal("a\nb", true), None);
        assert!(refusal("a\nb", false).unwrap().to_string().contains("control"));
        assert!(refusal("\u{202e}x", false).unwrap().to_string().contains("direction-changing"));
        assert!(
            refusal("a\u{200b}", true)
                .unwrap()
                .to_string()
                .contains("invisible characters are not allowed (found U+200B)")
        );
    }

    #[test]
    fn json_escapes_what_a_terminal_would_obey() {
        let mut out = Vec::new();
        json_compact(&mut out, &serde_json::json!({"n": "a\u{9b}b\u{202e}c\u{1b}\u{E0041}"})).unwrap();
        let s = String::from_utf8(out).unwrap();
        assert_eq!(s, r#"{"n":"a\u009bb\u202ec\u001b\udb40\udc41"}"#);
        let back: serde_json::Value = serde_json::from_str(&s).unwrap();
        assert_eq!(back["n"], "a\u{9b}b\u{202e}c\u{1b}\u{E0041}");
    }
}
