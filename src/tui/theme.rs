//! Semantic styles. Screens ask for a role (`overdue`, `muted`), never a colour. The colour
//! theme uses only the 16 basic colours, so it reads on any terminal; with `NO_COLOR` set,
//! meaning is carried by bold, underline, dim and reverse alone.

use ratatui::style::{Color, Modifier, Style};

use crate::domain::deadline::Urgency;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Theme {
    pub base: Style,
    pub title: Style,
    pub muted: Style,
    pub selected: Style,
    pub overdue: Style,
    pub due_today: Style,
    pub due_soon: Style,
    pub on_time: Style,
    pub error: Style,
    pub warning: Style,
    pub ok: Style,
    pub key: Style,
    pub tab_active: Style,
    pub tab: Style,
    pub non_working: Style,
    pub today: Style,
    pub internal_note: Style,
    pub focus: Style,
    pub label: Style,
    pub border: Style,
    pub gauge: Style,
}

impl Theme {
    /// The theme for this terminal: plain when `NO_COLOR` is set to anything non-empty.
    pub fn from_env() -> Theme {
        match std::env::var_os("NO_COLOR") {
            Some(v) if !v.is_empty() => Theme::plain(),
            _ => Theme::colour(),
        }
    }

    pub fn colour() -> Theme {
        let s = Style::new();
        Theme {
            base: s,
            title: s.add_modifier(Modifier::BOLD),
            muted: s.fg(Color::DarkGray),
            selected: s.add_modifier(Modifier::REVERSED),
            overdue: s.fg(Color::Red).add_modifier(Modifier::BOLD),
            due_today: s.fg(Color::LightRed).add_modifier(Modifier::BOLD),
            due_soon: s.fg(Color::Yellow),
            on_time: s.fg(Color::Green),
            error: s.fg(Color::Red).add_modifier(Modifier::BOLD),
            warning: s.fg(Color::Yellow),
            ok: s.fg(Color::Green),
            key: s.fg(Color::Cyan).add_modifier(Modifier::BOLD),
            tab_active: s.fg(Color::Cyan).add_modifier(Modifier::BOLD | Modifier::UNDERLINED),
            tab: s,
            non_working: s.fg(Color::Magenta),
            today: s.add_modifier(Modifier::REVERSED),
            internal_note: s.fg(Color::Blue).add_modifier(Modifier::ITALIC),
            focus: s.fg(Color::Cyan).add_modifier(Modifier::BOLD),
            label: s.fg(Color::DarkGray),
            border: s.fg(Color::DarkGray),
            gauge: s.fg(Color::Cyan),
        }
    }

    pub fn plain() -> Theme {
        let s = Style::new();
        let bold = s.add_modifier(Modifier::BOLD);
        Theme {
            base: s,
            title: bold,
            muted: s.add_modifier(Modifier::DIM),
            selected: s.add_modifier(Modifier::REVERSED),
            overdue: s.add_modifier(Modifier::BOLD | Modifier::UNDERLINED),
            due_today: bold,
            due_soon: s.add_modifier(Modifier::UNDERLINED),
            on_time: s,
            error: bold,
            warning: s.add_modifier(Modifier::UNDERLINED),
            ok: s,
            key: bold,
            tab_active: s.add_modifier(Modifier::BOLD | Modifier::UNDERLINED),
            tab: s,
            non_working: s.add_modifier(Modifier::DIM),
            today: s.add_modifier(Modifier::REVERSED),
            internal_note: s.add_modifier(Modifier::ITALIC),
            focus: bold,
            label: s,
            border: s,
            gauge: s,
        }
    }

    pub fn urgency(&self, u: Option<Urgency>) -> Style {
        match u {
            Some(Urgency::Overdue) => self.overdue,
            Some(Urgency::DueToday) => self.due_today,
            Some(Urgency::DueSoon) => self.due_soon,
            Some(Urgency::OnTime) => self.on_time,
            None => self.muted,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plain_theme_has_no_colours() {
        let t = Theme::plain();
        for s in [t.overdue, t.due_soon, t.muted, t.error, t.key, t.non_working, t.internal_note] {
            assert_eq!(s.fg, None);
            assert_eq!(s.bg, None);
        }
        assert_ne!(t.overdue, t.on_time, "overdue still stands out without colour");
    }
}
