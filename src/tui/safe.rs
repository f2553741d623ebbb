//! Stored text (names, notes, imported fields, audit details) is shown only after control
//! characters are replaced: a subject name holding an escape sequence must not move the
//! cursor or clear the clerk's screen, and must stay visible as what it is.

/// `s` with every control character (escape, newline, tab, C1 controls…) replaced by a space.
pub fn clean(s: &str) -> String {
    s.chars().map(|c| if c.is_control() { ' ' } else { c }).collect()
}

#[cfg(test)]
mod tests {
    #[test]
    fn escapes_are_replaced() {
        assert_eq!(super::clean("a\u{1b}[2Jb\u{9b}c\nd"), "a [2Jb c d");
        assert_eq!(super::clean("Үсөнова"), "Үсөнова");
    }
}
