//! The audit log for supervisors and administrators: newest first, with the result of
//! walking the hash chain, filtered by reference or operator.

use std::cell::Cell;

use ratatui::buffer::Buffer;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Cell as TableCell, Row, StatefulWidget, Table, TableState, Widget};

use crate::domain::request::parse_reference;
use crate::domain::safe_text::clean;
use crate::i18n::{t, tf};
use crate::model::{AuditEntry, AuditFilter, AuditProblem};
use crate::service::{Result, Session};
use crate::tui::theme::Theme;

/// Entries loaded at most: the newest ones (a filter narrows to a reference or operator).
pub(crate) const AUDIT_ROWS: usize = 500;

pub struct AuditState {
    pub entries: Vec<AuditEntry>,
    /// What the filter was typed as: a reference or an operator's login.
    pub filter: String,
    /// Entries in the chain and its first problem, from the last verification.
    pub verified: (usize, Option<AuditProblem>),
    pub selected: usize,
    pub offset: Cell<usize>,
}

/// Opened by its global command (see [`super::Screen::opened_by`]).
pub(crate) fn open(session: &Session, _today: chrono::NaiveDate) -> Result<AuditState> {
    AuditState::new(session)
}

impl AuditState {
    pub fn new(session: &Session) -> Result<AuditState> {
        let verified = session.verify_audit()?;
        let mut s = AuditState {
            entries: Vec::new(),
            filter: String::new(),
            verified,
            selected: 0,
            offset: Cell::new(0),
        };
        s.load(session)?;
        Ok(s)
    }

    /// The filter of the service: a reference (`ARZ-…`) filters by target, anything else by
    /// operator.
    pub fn audit_filter(&self) -> AuditFilter {
        let f = self.filter.trim();
        let mut out = AuditFilter { limit: AUDIT_ROWS, ..AuditFilter::default() };
        if f.is_empty() {
        } else if let Ok(r) = parse_reference(f) {
            out.target = Some(r);
        } else {
            out.actor = Some(f.to_string());
        }
        out
    }

    pub fn load(&mut self, session: &Session) -> Result<()> {
        self.entries = session.audit_log(&self.audit_filter())?;
        self.selected = self.selected.min(self.entries.len().saturating_sub(1));
        Ok(())
    }

    /// Walks the chain again (every entry: only when asked, never on the periodic refresh).
    pub fn verify(&mut self, session: &Session) -> Result<()> {
        self.verified = session.verify_audit()?;
        Ok(())
    }

    pub fn move_by(&mut self, delta: isize) {
        let last = self.entries.len().saturating_sub(1) as isize;
        self.selected = (self.selected as isize + delta).clamp(0, last.max(0)) as usize;
    }
}

pub(crate) struct AuditView<'a> {
    pub state: &'a AuditState,
    pub theme: &'a Theme,
}

impl Widget for AuditView<'_> {
    fn render(self, area: Rect, buf: &mut Buffer) {
        let th = self.theme;
        let st = self.state;
        let [status, info, table_area] = area.layout(&Layout::vertical([
            Constraint::Length(1),
            Constraint::Length(1),
            Constraint::Fill(1),
        ]));
        let (n, problem) = &st.verified;
        let verdict = match problem {
            None => Span::styled(tf("audit.chain_ok", &[("n", n)]), th.ok),
            Some(p) => Span::styled(
                tf("audit.chain_broken", &[("id", &p.id), ("problem", &clean(&p.problem))]),
                th.error,
            ),
        };
        Line::from(vec![Span::styled(format!("{} ", t("audit.title")), th.title), verdict])
            .render(status, buf);
        let mut line =
            vec![Span::styled(crate::i18n::tn("audit.shown", st.entries.len() as u64, &[]), th.muted)];
        if !st.filter.trim().is_empty() {
            line.push(Span::styled(format!("  {}: ", t("queue.filtered")), th.muted));
            line.push(Span::styled(clean(st.filter.trim()), th.focus));
        }
        Line::from(line).render(info, buf);
        let header = Row::new([
            t("audit.col.id"),
            t("audit.col.at"),
            t("audit.col.actor"),
            t("audit.col.action"),
            t("audit.col.target"),
            t("audit.col.detail"),
        ])
        .style(th.label);
        let rows = st.entries.iter().map(|e| {
            Row::new([
                TableCell::from(Line::from(e.id.to_string()).right_aligned()),
                // "2026-11-24T09:30:00+06:00" → "2026-11-24 09:30".
                TableCell::from(clean(&e.at.get(..16).unwrap_or(&e.at).replacen('T', " ", 1))),
                TableCell::from(clean(&e.actor)),
                TableCell::from(clean(&e.action)),
                TableCell::from(clean(&e.target)),
                TableCell::from(clean(&e.detail)),
            ])
        });
        let table = Table::new(
            rows,
            [
                Constraint::Length(6),
                Constraint::Length(16),
                Constraint::Length(10),
                Constraint::Length(12),
                Constraint::Length(15),
                Constraint::Fill(1),
            ],
        )
        .header(header)
        .row_highlight_style(th.selected)
        .column_spacing(1);
        let mut state = TableState::default()
            .with_offset(st.offset.get())
            .with_selected((!st.entries.is_empty()).then_some(st.selected));
        StatefulWidget::render(table, table_area, buf, &mut state);
        st.offset.set(state.offset());
    }
}

/// The audit log's keys and drawing.
mod keys {
    use ratatui::buffer::Buffer;
    use ratatui::layout::Rect;
    use ratatui::widgets::Widget;

    use super::{AuditState, AuditView};
    use crate::domain::request::parse_reference;
    use crate::tui::action::Command;
    use crate::tui::component::{Component, Context, Ctx, Env, shown};
    use crate::tui::effect::Effect;
    use crate::tui::screens::dashboard::{is_report, list_step};
    use crate::tui::screens::prompt::{Prompt, PromptKind};

    impl Component for AuditState {
        fn context(&self) -> Context {
            Context::Audit
        }

        fn handle(&mut self, cmd: Command, ctx: &Ctx<'_>) -> Option<Effect> {
            if let Some(step) = list_step(cmd) {
                self.move_by(step);
                return Some(Effect::None);
            }
            Some(match cmd {
                // The chain is verified again, then everything re-read.
                Command::Refresh => Effect::Batch(vec![shown(self.verify(ctx.session)), Effect::Refresh]),
                Command::FilterLog => Effect::Prompt(Prompt::new(PromptKind::AuditFilter, &self.filter)),
                Command::ClearLogFilter => {
                    self.filter.clear();
                    shown(self.load(ctx.session))
                }
                // Opens the request an entry is about.
                Command::Open => match self.entries.get(self.selected) {
                    Some(e) if parse_reference(&e.target).is_ok() => Effect::OpenRequest(e.target.clone()),
                    _ => Effect::None,
                },
                _ => return None,
            })
        }

        fn scroll(&mut self, delta: i32, _ctx: &Ctx<'_>) -> Effect {
            self.move_by(delta as isize);
            Effect::None
        }

        fn refresh(&mut self, ctx: &Ctx<'_>) -> crate::service::Result<()> {
            self.load(ctx.session)
        }

        /// The filter prompt's text.
        fn answer(&mut self, text: String, ctx: &Ctx<'_>) -> Effect {
            self.filter = text;
            shown(self.load(ctx.session))
        }

        fn replaces(&self, top: Context) -> bool {
            is_report(top)
        }

        fn bar(&self, _env: &Env<'_>) -> Vec<Command> {
            use Command::{Back, ClearLogFilter, FilterLog, MoveDown, Open, Refresh, ShowHelp};
            vec![FilterLog, ClearLogFilter, MoveDown, Open, Refresh, Back, ShowHelp]
        }

        fn render(&self, area: Rect, buf: &mut Buffer, env: &Env<'_>) {
            AuditView { state: self, theme: env.theme }.render(area, buf);
        }
    }
}
