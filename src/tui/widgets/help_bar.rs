//! The bottom bar: the keys of what can be done now, read from the keymap.

use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::Widget;
use unicode_width::UnicodeWidthStr;

use crate::i18n::label;
use crate::tui::action::Command;
use crate::tui::keymap::KeyMap;
use crate::tui::theme::Theme;

pub(crate) struct HelpBar<'a> {
    pub commands: &'a [Command],
    pub keymap: &'a KeyMap,
    pub theme: &'a Theme,
}

impl Widget for HelpBar<'_> {
    fn render(self, area: Rect, buf: &mut Buffer) {
        let mut spans = Vec::new();
        let mut used = 0usize;
        for cmd in self.commands {
            let key = self.keymap.first_key(*cmd);
            if key.is_empty() {
                continue;
            }
            let text = label("bar", cmd.name());
            let w = key.width() + 1 + text.width() + 2;
            // Whole items only: a cut-off key would be misleading.
            if used + w > usize::from(area.width) {
                break;
            }
            used += w;
            spans.push(Span::styled(key, self.theme.key));
            spans.push(Span::raw(format!(" {text}  ")));
        }
        Line::from(spans).render(area, buf);
    }
}
