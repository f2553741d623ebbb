//! A multi-line text editor for notes, descriptions and response texts, over
//! `ratatui-textarea`: Enter makes a new line, the lines wrap at word boundaries, and the
//! view follows the cursor. Tab and Shift-Tab still move between fields and Ctrl-S saves
//! (the app resolves those before the editor sees a key).

use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::style::Style;
use ratatui::widgets::{Block, Borders, Widget};
use ratatui_textarea::{CursorMove, TextArea, WrapMode};

use super::line_edit::EditOp;
use crate::domain::validation::MAX_TEXT;

/// Rows a text box takes in a form unless told otherwise.
pub const ROWS: u16 = 5;

#[derive(Debug, Clone)]
pub struct TextBox {
    area: Box<TextArea<'static>>,
    /// Rows it takes in a form.
    pub rows: u16,
    /// The lines joined by `\n`, kept in step with every edit (forms read text as `&str`).
    joined: String,
}

impl PartialEq for TextBox {
    fn eq(&self, other: &TextBox) -> bool {
        self.joined == other.joined
    }
}

impl Eq for TextBox {}

impl TextBox {
    pub fn new(text: &str) -> TextBox {
        let mut area = TextArea::new(text.split('\n').map(str::to_string).collect());
        area.set_wrap_mode(WrapMode::WordOrGlyph);
        area.set_cursor_line_style(Style::default());
        area.move_cursor(CursorMove::Bottom);
        area.move_cursor(CursorMove::End);
        TextBox { area: Box::new(area), rows: ROWS, joined: text.to_string() }
    }

    pub fn text(&self) -> &str {
        &self.joined
    }

    /// Replaces the text, the cursor at its end.
    pub fn set(&mut self, text: &str) {
        let rows = self.rows;
        *self = TextBox::new(text);
        self.rows = rows;
    }

    /// Inserts `text` (a canned reply, several lines) at the cursor.
    pub fn insert(&mut self, text: &str) -> bool {
        let room = MAX_TEXT.saturating_sub(self.joined.chars().count());
        let text: String = text
            .chars()
            .filter(|c| *c == '\n' || !crate::domain::safe_text::is_hidden(*c))
            .take(room)
            .collect();
        if text.is_empty() {
            return false;
        }
        self.area.insert_str(&text);
        self.sync();
        true
    }

    fn sync(&mut self) {
        self.joined = self.area.lines().join("\n");
    }

    /// Applies an edit; returns whether the text changed.
    pub fn apply(&mut self, op: &EditOp) -> bool {
        let a = &mut self.area;
        let changed = match op {
            EditOp::Insert(c) => {
                if crate::domain::safe_text::is_hidden(*c) || self.joined.chars().count() >= MAX_TEXT {
                    return false;
                }
                a.insert_char(*c);
                true
            }
            EditOp::Newline => {
                if self.joined.chars().count() >= MAX_TEXT {
                    return false;
                }
                a.insert_newline();
                true
            }
            EditOp::Backspace => a.delete_char(),
            EditOp::Delete => a.delete_next_char(),
            EditOp::ClearToStart => a.delete_line_by_head(),
            EditOp::DeleteWord => a.delete_word(),
            EditOp::Left => return move_by(a, CursorMove::Back),
            EditOp::Right => return move_by(a, CursorMove::Forward),
            EditOp::Home => return move_by(a, CursorMove::Head),
            EditOp::End => return move_by(a, CursorMove::End),
            EditOp::Up => return move_by(a, CursorMove::Up),
            EditOp::Down => return move_by(a, CursorMove::Down),
            EditOp::Complete => return false,
        };
        if changed {
            self.sync();
        }
        changed
    }

    /// The cursor's (row, column) in the text, counted in lines and characters.
    pub fn cursor(&self) -> (usize, usize) {
        let c = self.area.cursor();
        (c.0, c.1)
    }

    /// Draws the text with a bar on its left; the cursor shows only when `focused`.
    pub fn render(
        &self,
        area: Rect,
        buf: &mut Buffer,
        style: Style,
        cursor_style: Style,
        bar: Style,
        focused: bool,
    ) {
        if area.width < 2 || area.height == 0 {
            return;
        }
        let block = Block::new().borders(Borders::LEFT).border_style(bar);
        if focused {
            let mut a = (*self.area).clone();
            a.set_style(style);
            a.set_cursor_style(cursor_style);
            a.set_block(block);
            (&a).render(area, buf);
        } else {
            let mut a = (*self.area).clone();
            a.set_style(style);
            a.set_cursor_style(style);
            a.set_block(block);
            a.move_cursor(CursorMove::Top);
            (&a).render(area, buf);
        }
    }
}

fn move_by(a: &mut TextArea<'static>, m: CursorMove) -> bool {
    a.move_cursor(m);
    false
}

#[cfg(test)]
mod tests {
    use super::*;

    fn typed(b: &mut TextBox, s: &str) {
        for c in s.chars() {
            if c == '\n' {
                b.apply(&EditOp::Newline);
            } else {
                b.apply(&EditOp::Insert(c));
            }
        }
    }

    #[test]
    fn enter_makes_a_new_line_and_edits_count_characters() {
        let mut b = TextBox::new("");
        typed(&mut b, "Саламатсызбы.\n\nЖооп");
        assert_eq!(b.text(), "Саламатсызбы.\n\nЖооп");
        assert!(b.apply(&EditOp::Backspace));
        assert_eq!(b.text(), "Саламатсызбы.\n\nЖоо");
        assert!(!b.apply(&EditOp::Up));
        assert!(!b.apply(&EditOp::Up));
        assert!(b.apply(&EditOp::Insert('!')));
        assert!(b.text().split('\n').next().is_some_and(|l| l.contains('!')), "{}", b.text());
        assert!(!b.apply(&EditOp::Insert('\u{1b}')), "no control characters");
        assert!(!b.apply(&EditOp::Insert('\u{202e}')), "no bidi controls");
    }

    #[test]
    fn a_text_round_trips_and_inserts_at_the_cursor() {
        let mut b = TextBox::new("one\ntwo");
        assert_eq!(b.text(), "one\ntwo");
        assert_eq!(b.cursor(), (1, 3));
        assert!(b.insert("\nthree"));
        assert_eq!(b.text(), "one\ntwo\nthree");
        assert_eq!(TextBox::new("x"), TextBox::new("x"));
    }

    #[test]
    fn long_lines_wrap_at_words() {
        let b = TextBox::new("alpha beta gamma delta");
        let area = Rect::new(0, 0, 13, 3);
        let mut buf = Buffer::empty(area);
        b.render(area, &mut buf, Style::new(), Style::new(), Style::new(), false);
        let row = |y: u16| (1..13).map(|x| buf[(x, y)].symbol().to_string()).collect::<String>();
        assert_eq!(row(0).trim_end(), "alpha beta");
        assert_eq!(row(1).trim_end(), "gamma delta");
    }
}
