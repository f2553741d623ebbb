//! A one-line text editor: the text, a cursor counted in characters (never bytes, so
//! Kyrgyz letters are safe), and a view that scrolls to keep the cursor visible.

use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::style::Style;
use unicode_width::UnicodeWidthChar;

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum EditOp {
    Insert(char),
    Backspace,
    Delete,
    Left,
    Right,
    Home,
    End,
    /// Deletes everything before the cursor (ctrl-u, as in shells).
    ClearToStart,
    /// Deletes the word before the cursor (ctrl-w).
    DeleteWord,
    /// Enter in a multi-line text (a one-line field ignores it, as Up and Down).
    Newline,
    Up,
    Down,
    /// Tab in a path field: complete the file or folder name (other fields ignore it).
    Complete,
}

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct LineEdit {
    text: String,
    cursor: usize,
    max_chars: usize,
}

impl LineEdit {
    pub fn new(text: &str) -> LineEdit {
        LineEdit { text: text.to_string(), cursor: text.chars().count(), max_chars: 10_000 }
    }

    pub fn text(&self) -> &str {
        &self.text
    }

    pub fn set(&mut self, text: &str) {
        self.text = text.to_string();
        self.cursor = text.chars().count();
    }

    fn byte_at(&self, char_idx: usize) -> usize {
        self.text.char_indices().nth(char_idx).map_or(self.text.len(), |(i, _)| i)
    }

    /// Applies an edit; returns whether the text changed.
    pub fn apply(&mut self, op: &EditOp) -> bool {
        let len = self.text.chars().count();
        match op {
            EditOp::Insert(c) => {
                // Control characters could move a clerk's cursor when shown elsewhere.
                if crate::domain::safe_text::is_hidden(*c) || len >= self.max_chars {
                    return false;
                }
                let at = self.byte_at(self.cursor);
                self.text.insert(at, *c);
                self.cursor += 1;
                true
            }
            EditOp::Backspace if self.cursor > 0 => {
                let at = self.byte_at(self.cursor - 1);
                self.text.remove(at);
                self.cursor -= 1;
                true
            }
            EditOp::Delete if self.cursor < len => {
                let at = self.byte_at(self.cursor);
                self.text.remove(at);
                true
            }
            EditOp::Left => {
                self.cursor = self.cursor.saturating_sub(1);
                false
            }
            EditOp::Right => {
                self.cursor = (self.cursor + 1).min(len);
                false
            }
            EditOp::Home => {
                self.cursor = 0;
                false
            }
            EditOp::End => {
                self.cursor = len;
                false
            }
            EditOp::ClearToStart if self.cursor > 0 => {
                let at = self.byte_at(self.cursor);
                self.text.replace_range(..at, "");
                self.cursor = 0;
                true
            }
            EditOp::DeleteWord if self.cursor > 0 => {
                let chars: Vec<char> = self.text.chars().collect();
                let mut start = self.cursor;
                while start > 0 && chars[start - 1].is_whitespace() {
                    start -= 1;
                }
                while start > 0 && !chars[start - 1].is_whitespace() {
                    start -= 1;
                }
                let (a, b) = (self.byte_at(start), self.byte_at(self.cursor));
                self.text.replace_range(a..b, "");
                self.cursor = start;
                true
            }
            _ => false,
        }
    }

    /// Draws the text in one row of `area`, scrolled so the cursor shows; with `focused`,
    /// the cursor cell is drawn reversed (the UI draws its own cursor so snapshots show it).
    pub fn render(&self, area: Rect, buf: &mut Buffer, style: Style, cursor_style: Style, focused: bool) {
        if area.width == 0 || area.height == 0 {
            return;
        }
        let width = usize::from(area.width);
        let chars: Vec<char> = self.text.chars().collect();
        // Scroll so that the text from `start` to the cursor (plus the cursor cell) fits.
        let mut start = 0;
        loop {
            let w: usize =
                chars[start..self.cursor.min(chars.len())].iter().map(|c| c.width().unwrap_or(0)).sum();
            if w < width || start >= self.cursor {
                break;
            }
            start += 1;
        }
        let mut x = area.x;
        let right = area.x + area.width;
        for (i, c) in chars.iter().enumerate().skip(start) {
            let w = c.width().unwrap_or(0) as u16;
            if x + w > right {
                break;
            }
            let st = if focused && i == self.cursor { cursor_style } else { style };
            buf[(x, area.y)].set_char(*c).set_style(st);
            if w == 2 && x + 1 < right {
                buf[(x + 1, area.y)].set_symbol("").set_style(st);
            }
            x += w.max(1);
        }
        if focused && self.cursor >= chars.len() && x < right {
            buf[(x, area.y)].set_char(' ').set_style(cursor_style);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn edits_by_characters_not_bytes() {
        let mut e = LineEdit::new("Үсөн");
        assert!(e.apply(&EditOp::Backspace));
        assert_eq!(e.text(), "Үсө");
        e.apply(&EditOp::Home);
        e.apply(&EditOp::Right);
        assert!(e.apply(&EditOp::Insert('ң')));
        assert_eq!(e.text(), "Үңсө");
        assert!(e.apply(&EditOp::Delete));
        assert_eq!(e.text(), "Үңө");
        assert!(!e.apply(&EditOp::Insert('\u{1b}')), "no control characters");
        e.apply(&EditOp::End);
        assert!(!e.apply(&EditOp::Delete));
        let mut e = LineEdit::new("two words");
        assert!(e.apply(&EditOp::DeleteWord));
        assert_eq!(e.text(), "two ");
        assert!(e.apply(&EditOp::ClearToStart));
        assert_eq!(e.text(), "");
        assert!(!e.apply(&EditOp::Backspace));
    }

    #[test]
    fn long_text_scrolls_to_the_cursor() {
        let e = LineEdit::new("abcdefghij");
        let area = Rect::new(0, 0, 5, 1);
        let mut buf = Buffer::empty(area);
        e.render(area, &mut buf, Style::new(), Style::new(), true);
        let shown: String = (0..5).map(|x| buf[(x, 0)].symbol().to_string()).collect();
        assert_eq!(shown, "ghij ");
    }
}
