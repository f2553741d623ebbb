//! Drawing the whole app from its state: header, the top screen, overlays, the message or
//! prompt line, and the help bar.

use ratatui::buffer::Buffer;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Clear, Paragraph, Widget, Wrap};

use super::action::Command;
use super::app::{App, Overlay};
use super::component::{Component, Env};
use super::widgets::help_bar::HelpBar;
use crate::i18n::date_wd;
use crate::i18n::{label, t, tf};

/// Below this size the layout would break; a plain message shows instead.
pub(crate) const MIN_WIDTH: u16 = 64;
pub(crate) const MIN_HEIGHT: u16 = 16;

impl App {
    /// What components may read while drawing.
    fn env(&self, focused: bool) -> Env<'_> {
        Env { session: &self.session, today: self.today, theme: &self.theme, keymap: &self.keymap, focused }
    }

    /// The commands the help bar offers now: the top component's.
    pub fn bar_commands(&self) -> Vec<Command> {
        self.top().bar(&self.env(true))
    }

    fn render_header(&self, area: Rect, buf: &mut Buffer) {
        let th = &self.theme;
        let op = &self.session.operator;
        let full = if op.name.is_empty() { op.login.clone() } else { format!("{} ({})", op.name, op.login) };
        let left = |who: &str, role: bool, date: bool| {
            let mut spans = vec![Span::styled(" aryz ", th.title)];
            if !who.is_empty() {
                spans.extend([Span::styled("│ ", th.muted), Span::raw(who.to_string())]);
            }
            if role {
                spans.extend([Span::styled(" · ", th.muted), Span::raw(label("role", op.role.code()))]);
            }
            if date {
                spans.extend([Span::styled(" · ", th.muted), Span::raw(date_wd(self.today))]);
            }
            Line::from(spans)
        };
        let c = self.counts;
        let scope = if self.session.role() == crate::domain::kind::Role::Clerk {
            t("header.mine")
        } else {
            t("header.all")
        };
        let right = |with_scope: bool, short: bool| {
            // Until they are read (the first frame only), no counts rather than wrong ones.
            if !self.counts_known {
                return Line::default();
            }
            let mut spans = Vec::new();
            // Reading off the screen thread, or connecting again: a mark, and the word.
            if self.link.offline.is_some() {
                spans.push(Span::styled(format!("⟳ {} ", t("header.offline")), th.error));
            } else if self.link.busy() {
                spans.push(Span::styled("⟳ ", th.muted));
            }
            if with_scope {
                spans.push(Span::styled(format!("{scope}: "), th.muted));
            }
            let (soon, overdue) = if short {
                ("header.due_soon_short", "header.overdue_short")
            } else {
                ("header.due_soon", "header.overdue")
            };
            spans.extend([
                Span::raw(tf("header.open", &[("n", &c.open)])),
                Span::styled(" · ", th.muted),
                Span::styled(
                    tf(soon, &[("n", &c.due_soon)]),
                    if c.due_soon > 0 { th.due_soon } else { th.base },
                ),
                Span::styled(" · ", th.muted),
                Span::styled(
                    tf(overdue, &[("n", &c.overdue)]),
                    if c.overdue > 0 { th.overdue } else { th.base },
                ),
                Span::raw(" "),
            ]);
            Line::from(spans).right_aligned()
        };
        // The fullest header that fits at this width in this language: the counts matter
        // most, then who is signed in, then the date, the scope and the role.
        let login = op.login.as_str();
        let candidates: [(&str, bool, bool, bool, bool); 7] = [
            (&full, true, true, true, false),
            (login, true, true, true, false),
            (login, true, true, false, false),
            (login, false, true, false, false),
            (login, false, true, false, true),
            (login, false, false, false, true),
            ("", false, false, false, true),
        ];
        for (who, role, date, with_scope, short) in candidates {
            let (l, r) = (left(who, role, date), right(with_scope, short));
            if l.width() + r.width() < usize::from(area.width) {
                r.render(area, buf);
                l.render(area, buf);
                return;
            }
        }
        right(false, true).render(area, buf);
    }

    fn render_status_line(&self, area: Rect, buf: &mut Buffer) {
        if let Some(Overlay::Prompt(p)) = self.overlays.last() {
            return p.render_line(area, buf, &self.env(true));
        }
        if let Some(m) = &self.message {
            let th = &self.theme;
            let style = if m.is_error { th.error } else { th.ok };
            // One row: a longer message ends in "…" rather than being cut mid-word.
            let text = crate::tui::widgets::wrap::ellipsis(&m.text, usize::from(area.width));
            Line::styled(text, style).render(area, buf);
        }
    }
}

impl Widget for &App {
    fn render(self, area: Rect, buf: &mut Buffer) {
        let th = &self.theme;
        if area.width < MIN_WIDTH || area.height < MIN_HEIGHT {
            let text = vec![
                Line::styled(t("too_small.title"), th.title),
                Line::raw(tf(
                    "too_small.size",
                    &[
                        ("width", &area.width),
                        ("height", &area.height),
                        ("min_width", &MIN_WIDTH),
                        ("min_height", &MIN_HEIGHT),
                    ],
                )),
            ];
            Paragraph::new(text).wrap(Wrap { trim: true }).render(area, buf);
            return;
        }
        let [header, body, status, bar] = area.layout(&Layout::vertical([
            Constraint::Length(1),
            Constraint::Fill(1),
            Constraint::Length(1),
            Constraint::Length(1),
        ]));
        self.render_header(header, buf);
        // A form shows its cursor only when no overlay is above it.
        let env = self.env(self.overlays.is_empty());
        match self.screens.last() {
            Some(screen) => screen.component().render(body, buf, &env),
            None => self.queue.render(body, buf, &env),
        }
        for o in &self.overlays {
            o.component().render(body, buf, &env);
        }
        Clear.render(status, buf);
        self.render_status_line(status, buf);
        HelpBar { commands: &self.bar_commands(), keymap: &self.keymap, theme: th }.render(bar, buf);
    }
}
