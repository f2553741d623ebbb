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
        let items: Vec<(Command, String, &str)> = self
            .commands
            .iter()
            .map(|cmd| (*cmd, self.keymap.first_key(*cmd), label("bar", cmd.name())))
            .filter(|(_, key, _)| !key.is_empty())
            .collect();
        let width = |(_, key, text): &(Command, String, &str)| key.width() + 1 + text.width() + 2;
        // Whole items only (a cut-off key would be misleading); save, cancel, back and help
        // keep their room however many actions come before them, the others in order while
        // they fit.
        let mut shown = vec![false; items.len()];
        let mut used = 0usize;
        let first =
            |c: &Command| matches!(c, Command::Save | Command::Cancel | Command::Back | Command::ShowHelp);
        let order = (0..items.len())
            .filter(|&i| first(&items[i].0))
            .chain((0..items.len()).filter(|&i| !first(&items[i].0)));
        for i in order {
            let w = width(&items[i]);
            if used + w <= usize::from(area.width) {
                used += w;
                shown[i] = true;
            } else if !first(&items[i].0) {
                break;
            }
        }
        let mut spans = Vec::new();
        for ((_, key, text), _) in items.iter().zip(&shown).filter(|(_, s)| **s) {
            spans.push(Span::styled(key.clone(), self.theme.key));
            spans.push(Span::raw(format!(" {text}  ")));
        }
        Line::from(spans).render(area, buf);
    }
}
