//! Wrapping for the screen: at spaces, and a word too long for a line (an e-mail address,
//! a citation's URL) after its own separators (`@ . - / _`) before it is ever cut
//! mid-word; and truncation of a cell with an ellipsis.

use unicode_width::{UnicodeWidthChar, UnicodeWidthStr};

/// `text` in lines of at most `width` columns. Existing line breaks are kept; nothing is
/// dropped (every character of `text` except the spaces at a break is in the result).
pub fn wrap(text: &str, width: usize) -> Vec<String> {
    let width = width.max(1);
    let mut out = Vec::new();
    for para in text.split('\n') {
        let mut line = String::new();
        for word in para.split(' ').filter(|w| !w.is_empty()) {
            let need = if line.is_empty() { word.width() } else { line.width() + 1 + word.width() };
            if need <= width {
                if !line.is_empty() {
                    line.push(' ');
                }
                line.push_str(word);
                continue;
            }
            if !line.is_empty() {
                out.push(std::mem::take(&mut line));
            }
            if word.width() <= width {
                line.push_str(word);
                continue;
            }
            // Too long for any line: break after separators where possible.
            let mut pieces = split_long(word, width);
            if let Some(last) = pieces.pop() {
                out.extend(pieces);
                line = last;
            }
        }
        out.push(line);
    }
    out
}

/// A word wider than `width`, in pieces that end after a separator when one fits.
fn split_long(word: &str, width: usize) -> Vec<String> {
    let mut pieces = Vec::new();
    let mut rest: Vec<char> = word.chars().collect();
    while rest.iter().map(|c| c.width().unwrap_or(0)).sum::<usize>() > width {
        // The longest prefix that fits.
        let mut w = 0;
        let mut fit = 0;
        for c in &rest {
            let cw = c.width().unwrap_or(0);
            if w + cw > width {
                break;
            }
            w += cw;
            fit += 1;
        }
        let fit = fit.max(1);
        let cut = rest[..fit]
            .iter()
            .rposition(|c| matches!(c, '@' | '.' | '-' | '/' | '_' | ',' | ';' | ')'))
            .map(|i| i + 1)
            .filter(|i| *i > 1)
            .unwrap_or(fit);
        pieces.push(rest[..cut].iter().collect());
        rest.drain(..cut);
    }
    pieces.push(rest.into_iter().collect());
    pieces
}

/// `text` cut to `width` columns, with `…` as its last column when something was cut.
pub fn ellipsis(text: &str, width: usize) -> String {
    if text.width() <= width {
        return text.to_string();
    }
    if width == 0 {
        return String::new();
    }
    let mut out = String::new();
    let mut w = 0;
    for c in text.chars() {
        let cw = c.width().unwrap_or(0);
        if w + cw > width - 1 {
            break;
        }
        out.push(c);
        w += cw;
    }
    out.push('…');
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn words_stay_whole_and_addresses_break_at_their_separators() {
        assert_eq!(
            wrap("Статья 12 Закона о персональных данных", 16),
            ["Статья 12 Закона", "о персональных", "данных"]
        );
        let lines = wrap("Write to aigul.asanova@example.kg today", 16);
        assert_eq!(lines, ["Write to", "aigul.asanova@", "example.kg today"]);
        assert_eq!(wrap("a\n\nb", 5), ["a", "", "b"]);
        // Nothing is lost, even a word with no separator.
        assert_eq!(wrap("abcdefghij", 4), ["abcd", "efgh", "ij"]);
    }

    #[test]
    fn cells_end_with_an_ellipsis_when_cut() {
        assert_eq!(ellipsis("Асанова Айгүл", 8), "Асанова…");
        assert_eq!(ellipsis("short", 8), "short");
        assert_eq!(ellipsis("abc", 0), "");
        assert_eq!(ellipsis("abcd", 3), "ab…");
    }
}
