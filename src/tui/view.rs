//! Drawing the whole app from its state: header, the top screen, overlays, the message or
//! prompt line, and the help bar.

use ratatui::buffer::Buffer;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Clear, Paragraph, Widget, Wrap};

use super::action::Command;
use super::app::{App, Context, Overlay, PromptKind, Screen};
use super::screens::audit::AuditView;
use super::screens::calendar::CalendarView;
use super::screens::dashboard::DashboardView;
use super::screens::detail::{DetailView, available};
use super::screens::dialog::{ConfirmView, DialogView};
use super::screens::help::HelpView;
use super::screens::intake::IntakeView;
use super::screens::queue::QueueView;
use super::screens::report::ReportView;
use super::screens::response::ResponseView;
use super::widgets::help_bar::HelpBar;
use crate::i18n::date_wd;
use crate::i18n::{label, t, tf};
use unicode_width::UnicodeWidthStr;

/// Below this size the layout would break; a plain message shows instead.
pub const MIN_WIDTH: u16 = 64;
pub const MIN_HEIGHT: u16 = 16;

impl App {
    /// The commands the help bar offers now.
    pub fn bar_commands(&self) -> Vec<Command> {
        use Command::*;
        match self.context() {
            Context::Queue => {
                let mut v = vec![Open, Search, NextSection];
                if !self.queue.marked.is_empty() {
                    v.push(AssignMarked);
                }
                v.extend([RegisterRequest, ShowHelp, Quit]);
                if self.session.role() >= crate::domain::kind::Role::Supervisor {
                    v.extend([ToggleMark, ShowDashboard, ShowReport, ShowAudit]);
                }
                v.extend([Filter, CycleSort, JumpToReference, ShowCalendar]);
                v
            }
            Context::Detail => {
                let mut v = match self.screens.last() {
                    Some(Screen::Detail(d)) => available(&self.session, d.request()),
                    _ => Vec::new(),
                };
                v.extend([Back, ShowHelp, MoveDown]);
                v
            }
            Context::Calendar => vec![NextSection, MoveDown, PageDown, Open, Back, ShowHelp],
            Context::Help => vec![Back, MoveDown],
            Context::Dashboard => vec![MoveDown, Open, Back, ShowReport, ShowAudit, ShowHelp],
            Context::Report => vec![PrevSection, NextSection, ToggleGrouping, Back, ShowDashboard, ShowHelp],
            Context::Audit => vec![FilterLog, ClearLogFilter, MoveDown, Open, Refresh, Back, ShowHelp],
            Context::Form => match self.overlays.last() {
                Some(Overlay::Prompt(_)) => vec![Submit, Cancel],
                _ => vec![NextField, NextOption, ToggleOption, Save, Cancel, ShowHelp],
            },
            Context::Confirm => vec![NextOption, Submit, Cancel],
        }
    }

    fn render_header(&self, area: Rect, buf: &mut Buffer) {
        let th = &self.theme;
        let op = &self.session.operator;
        let full = if op.name.is_empty() { op.login.clone() } else { format!("{} ({})", op.name, op.login) };
        let left = |who: String| {
            Line::from(vec![
                Span::styled(" aryz ", th.title),
                Span::styled("│ ", th.muted),
                Span::raw(who),
                Span::styled(" · ", th.muted),
                Span::raw(label("role", op.role.code())),
                Span::styled(" · ", th.muted),
                Span::raw(date_wd(self.today)),
            ])
        };
        let c = self.counts;
        let scope = if self.session.role() == crate::domain::kind::Role::Clerk {
            t("header.mine")
        } else {
            t("header.all")
        };
        let right = |with_scope: bool| {
            let mut spans = Vec::new();
            if with_scope {
                spans.push(Span::styled(format!("{scope}: "), th.muted));
            }
            spans.extend([
                Span::raw(tf("header.open", &[("n", &c.open)])),
                Span::styled(" · ", th.muted),
                Span::styled(
                    tf("header.due_soon", &[("n", &c.due_soon)]),
                    if c.due_soon > 0 { th.due_soon } else { th.base },
                ),
                Span::styled(" · ", th.muted),
                Span::styled(
                    tf("header.overdue", &[("n", &c.overdue)]),
                    if c.overdue > 0 { th.overdue } else { th.base },
                ),
                Span::raw(" "),
            ]);
            Line::from(spans).right_aligned()
        };
        // The fullest header that fits: the counts matter more than the operator's name.
        let candidates = [(full.clone(), true), (op.login.clone(), true), (op.login.clone(), false)];
        for (who, with_scope) in candidates {
            let (l, r) = (left(who), right(with_scope));
            if l.width() + r.width() < usize::from(area.width) {
                r.render(area, buf);
                l.render(area, buf);
                return;
            }
        }
        left(op.login.clone()).render(area, buf);
    }

    fn render_status_line(&self, area: Rect, buf: &mut Buffer) {
        let th = &self.theme;
        if let Some(Overlay::Prompt(p)) = self.overlays.last() {
            let label = match p.kind {
                PromptKind::Search => t("prompt.search"),
                PromptKind::Jump => t("prompt.jump"),
                PromptKind::AuditFilter => t("prompt.audit_filter"),
            };
            let lw = (label.width() as u16 + 1).min(area.width);
            Span::styled(label, th.focus).render(Rect { width: lw, ..area }, buf);
            let field = Rect { x: area.x + lw, width: area.width.saturating_sub(lw), ..area };
            p.edit.render(field, buf, th.base, th.selected, true);
            return;
        }
        if let Some(m) = &self.message {
            let style = if m.is_error { th.error } else { th.ok };
            Line::styled(m.text.clone(), style).render(area, buf);
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
        let form_focused = self.overlays.is_empty();
        match self.screens.last() {
            None => QueueView {
                state: &self.queue,
                session: &self.session,
                today: self.today,
                theme: th,
                keymap: &self.keymap,
            }
            .render(body, buf),
            Some(Screen::Detail(d)) => {
                DetailView { state: d, session: &self.session, today: self.today, theme: th }
                    .render(body, buf)
            }
            Some(Screen::Intake(s)) => {
                IntakeView { state: s, theme: th, focused: form_focused }.render(body, buf)
            }
            Some(Screen::Response(s)) => {
                ResponseView { state: s, theme: th, focused: form_focused }.render(body, buf)
            }
            Some(Screen::Calendar(c)) => {
                CalendarView { state: c, calendar: &self.session.calendar, today: self.today, theme: th }
                    .render(body, buf)
            }
            Some(Screen::Help(h)) => HelpView { state: h, keymap: &self.keymap, theme: th }.render(body, buf),
            Some(Screen::Dashboard(d)) => DashboardView { state: d, theme: th }.render(body, buf),
            Some(Screen::Report(r)) => ReportView { state: r, theme: th }.render(body, buf),
            Some(Screen::Audit(a)) => AuditView { state: a, theme: th }.render(body, buf),
        }
        for o in &self.overlays {
            match o {
                Overlay::Dialog(d) => DialogView { state: d, theme: th }.render(body, buf),
                Overlay::Confirm(c) => ConfirmView {
                    question: &c.question,
                    details: &c.details,
                    yes_focused: c.yes_focused,
                    theme: th,
                }
                .render(body, buf),
                Overlay::Prompt(_) => {}
            }
        }
        Clear.render(status, buf);
        self.render_status_line(status, buf);
        HelpBar { commands: &self.bar_commands(), keymap: &self.keymap, theme: th }.render(bar, buf);
    }
}
