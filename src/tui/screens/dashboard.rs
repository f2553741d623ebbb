//! The supervisors' dashboard: counts now, a table per clerk, received per week and
//! answered in time vs late per month as bar charts, the on-time rate, and a breakdown by
//! kind. Everything comes from one service call ([`Session::dashboard`]).

use std::cell::Cell;

use chrono::{Datelike, NaiveDate};
use ratatui::buffer::Buffer;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Bar, BarChart, BarGroup, Block, Borders, TableState, Widget};

use crate::domain::format::date_dmy;
use crate::domain::safe_text::clean;
use crate::i18n::{label, t, tf};
use crate::service::{Dashboard, MONTHS, Result, Session, WEEKS};
use crate::tui::theme::Theme;
use crate::tui::widgets::table::{Column, FigureRow, FigureTable};
use unicode_width::UnicodeWidthStr;

pub struct DashboardState {
    pub data: Dashboard,
    /// The selected clerk's line.
    pub selected: usize,
    pub offset: Cell<usize>,
}

impl DashboardState {
    pub fn new(session: &Session, today: NaiveDate) -> Result<DashboardState> {
        Ok(DashboardState { data: session.dashboard(today)?, selected: 0, offset: Cell::new(0) })
    }

    pub fn reload(&mut self, session: &Session, today: NaiveDate) -> Result<()> {
        self.data = session.dashboard(today)?;
        self.selected = self.selected.min(self.data.clerks.len().saturating_sub(1));
        Ok(())
    }

    pub fn move_by(&mut self, delta: isize) {
        let last = self.data.clerks.len().saturating_sub(1) as isize;
        self.selected = (self.selected as isize + delta).clamp(0, last.max(0)) as usize;
    }
}

/// "93.4 %", or a dash when nothing was answered.
pub(crate) fn percent_text(p: Option<f64>) -> String {
    p.map_or_else(|| "—".into(), |p| format!("{p:.1} %"))
}

fn num(n: i64) -> Span<'static> {
    Span::raw(n.to_string())
}

fn titled<'a>(title: String, th: &Theme) -> Block<'a> {
    Block::new().borders(Borders::TOP).border_style(th.border).title(Span::styled(title, th.title))
}

/// How wide bars can be so that `n` of them (with gaps of `gap`) fill `width`.
fn bar_width(width: u16, n: u16, per_item_gap: u16) -> (u16, u16) {
    let n = n.max(1);
    if width >= n * (1 + per_item_gap) {
        (((width + per_item_gap) / n).saturating_sub(per_item_gap).max(1), per_item_gap)
    } else {
        (1, 0)
    }
}

pub(crate) struct DashboardView<'a> {
    pub state: &'a DashboardState,
    pub theme: &'a Theme,
}

impl Widget for DashboardView<'_> {
    fn render(self, area: Rect, buf: &mut Buffer) {
        let th = self.theme;
        let d = &self.state.data;
        // The backlog history takes four lines when there is room for them.
        let backlog_height = if area.height >= 30 { 4 } else { 0 };
        let [summary, middle, backlog, charts] = area.layout(&Layout::vertical([
            Constraint::Length(2),
            Constraint::Fill(1),
            Constraint::Length(backlog_height),
            Constraint::Length(if area.height >= 26 { 11 } else { 9 }),
        ]));
        let c = d.counts;
        Line::from(vec![
            Span::styled(format!("{} ", t("dashboard.title")), th.title),
            Span::styled(format!("· {} · ", date_dmy(d.today)), th.muted),
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
        ])
        .render(summary, buf);
        let [_, rate] = summary.layout(&Layout::vertical([Constraint::Length(1), Constraint::Length(1)]));
        Line::from(vec![
            Span::styled(tf("dashboard.on_time", &[("months", &MONTHS)]), th.muted),
            Span::styled(percent_text(d.on_time_percent), th.title),
        ])
        .render(rate, buf);

        let [clerks_area, kinds_area] =
            middle.layout(&Layout::horizontal([Constraint::Fill(1), Constraint::Length(36)]).spacing(2));
        self.render_clerks(clerks_area, buf);
        self.render_kinds(kinds_area, buf);

        let [weekly_area, monthly_area] =
            charts.layout(&Layout::horizontal([Constraint::Fill(1), Constraint::Fill(1)]).spacing(2));
        self.render_weekly(weekly_area, buf);
        self.render_monthly(monthly_area, buf);
        if backlog_height > 0 {
            self.render_backlog(backlog, buf);
        }
    }
}

impl DashboardView<'_> {
    /// Overdue requests per day over the last 90 days as a sparkline, with the ageing of the
    /// open ones (the same figures as `aryz report backlog`).
    fn render_backlog(&self, area: Rect, buf: &mut Buffer) {
        let th = self.theme;
        let d = &self.state.data;
        let [title, spark, ageing] = area.layout(&Layout::vertical([
            Constraint::Length(1),
            Constraint::Length(2),
            Constraint::Length(1),
        ]));
        let last = d.backlog.last();
        Line::styled(
            tf(
                "supervision.backlog_chart",
                &[
                    ("days", &d.backlog.len()),
                    ("open", &last.map_or(0, |b| b.open)),
                    ("overdue", &last.map_or(0, |b| b.overdue)),
                ],
            ),
            th.label,
        )
        .render(title, buf);
        // The most recent days when the screen is narrower than the history.
        let values: Vec<u64> = d.backlog.iter().map(|b| b.overdue.max(0) as u64).collect();
        let shown = &values[values.len().saturating_sub(spark.width as usize)..];
        ratatui::widgets::Sparkline::default().data(shown).style(th.overdue).render(spark, buf);
        let a = &d.ageing;
        Line::styled(
            tf(
                "supervision.ageing",
                &[("a", &a.days_0_7), ("b", &a.days_8_14), ("c", &a.days_15_30), ("d", &a.over_30)],
            ),
            th.muted,
        )
        .render(ageing, buf);
    }

    fn render_clerks(&self, area: Rect, buf: &mut Buffer) {
        let th = self.theme;
        let d = &self.state.data;
        let block = titled(t("dashboard.clerks").to_string(), th);
        let inner = block.inner(area);
        block.render(area, buf);
        // The due-soon column only when the clerk's name keeps room.
        let with_soon = inner.width >= 50;
        let mut columns = vec![
            Column::name(t("dashboard.col.clerk"), 8),
            Column::number(t("dashboard.col.open"), 5),
            Column::number(t("dashboard.col.overdue"), 5),
        ];
        if with_soon {
            columns.push(Column::number(t("dashboard.col.due_soon"), 5));
        }
        columns.extend([
            Column::number(t("dashboard.col.answered"), 5),
            Column::number(t("dashboard.col.median"), 6),
        ]);
        let warn = |n: i64, style| if n > 0 { style } else { th.base };
        let rows = d
            .clerks
            .iter()
            .map(|c| {
                let who = c.login.as_deref().map_or_else(|| t("queue.group.unassigned").to_string(), clean);
                let mut cells =
                    vec![Span::raw(who), num(c.open), num(c.overdue).style(warn(c.overdue, th.overdue))];
                if with_soon {
                    cells.push(num(c.due_soon).style(warn(c.due_soon, th.due_soon)));
                }
                let median = c.median_days.map_or_else(|| "—".into(), |m| format!("{m:.1}"));
                cells.extend([num(c.answered_this_month), Span::raw(median)]);
                FigureRow::new(cells)
            })
            .collect();
        let mut table = FigureTable::new(columns, rows);
        table.header_style = th.label;
        table.highlight = th.selected;
        let mut state = TableState::default()
            .with_offset(self.state.offset.get())
            .with_selected((!d.clerks.is_empty()).then_some(self.state.selected));
        table.render(inner, buf, Some(&mut state));
        self.state.offset.set(state.offset());
    }

    fn render_kinds(&self, area: Rect, buf: &mut Buffer) {
        let th = self.theme;
        let d = &self.state.data;
        let block = titled(tf("dashboard.kinds", &[("months", &MONTHS)]), th);
        let inner = block.inner(area);
        block.render(area, buf);
        let columns = vec![
            Column::name(t("dashboard.col.kind"), 8),
            Column::number(t("dashboard.col.received"), 6),
            Column::number(t("dashboard.col.late"), 5),
            Column::number(t("dashboard.col.in_time"), 7),
        ];
        let rows = d
            .kinds
            .iter()
            .map(|k| {
                FigureRow::new(vec![
                    Span::raw(label("kind_short", k.kind.code())),
                    num(k.received),
                    num(k.answered_late).style(if k.answered_late > 0 { th.overdue } else { th.base }),
                    Span::raw(percent_text(k.on_time_percent())),
                ])
            })
            .collect();
        let mut table = FigureTable::new(columns, rows);
        table.header_style = th.label;
        table.render(inner, buf, None);
    }

    fn render_weekly(&self, area: Rect, buf: &mut Buffer) {
        let th = self.theme;
        let d = &self.state.data;
        let max = d.weekly.iter().map(|w| w.received).max().unwrap_or(0);
        let title = tf("dashboard.weekly", &[("weeks", &WEEKS), ("max", &max)]);
        let block = titled(crate::tui::widgets::wrap::ellipsis(&title, usize::from(area.width)), th);
        let inner = block.inner(area);
        let (w, gap) = bar_width(inner.width, WEEKS as u16, 1);
        let bars: Vec<Bar> = d
            .weekly
            .iter()
            .map(|b| {
                // A label under the first week of each month, when there is room for it.
                let label = if w >= 2 && b.week_of.day() <= 7 {
                    format!("{:02}", b.week_of.month())
                } else {
                    String::new()
                };
                Bar::new(b.received.max(0) as u64).label(Line::from(label)).text_value(String::new())
            })
            .collect();
        BarChart::default()
            .block(block)
            .data(BarGroup::new(bars))
            .bar_width(w)
            .bar_gap(gap)
            .bar_style(th.gauge)
            .label_style(th.muted)
            .render(area, buf);
    }

    fn render_monthly(&self, area: Rect, buf: &mut Buffer) {
        let th = self.theme;
        let d = &self.state.data;
        let title = t("dashboard.monthly");
        let legend = Line::from(vec![
            Span::styled("█ ", th.on_time),
            Span::styled(t("dashboard.in_time"), th.muted),
            Span::styled("  █ ", th.overdue),
            Span::styled(t("dashboard.late"), th.muted),
        ])
        .right_aligned();
        // The legend carries the meaning; the title gives way when both do not fit.
        let fits = title.width() + legend.width() + 2 <= usize::from(area.width);
        let block = titled(if fits { title.to_string() } else { String::new() }, th).title(legend);
        let inner = block.inner(area);
        // Two bars per month and a gap between months.
        let (w, _) = bar_width(inner.width, 2 * MONTHS as u16 + MONTHS as u16, 0);
        let mut chart = BarChart::default()
            .block(block)
            .bar_width(w)
            .bar_gap(0)
            .group_gap(w.max(1))
            .label_style(th.muted);
        for m in &d.monthly {
            let label = if w >= 1 { format!("{:02}", m.month.month()) } else { String::new() };
            chart = chart.data(
                BarGroup::new([
                    Bar::new(m.in_time.max(0) as u64).style(th.on_time).text_value(String::new()),
                    Bar::new(m.late.max(0) as u64).style(th.overdue).text_value(String::new()),
                ])
                .label(Line::from(label)),
            );
        }
        chart.render(area, buf);
    }
}

/// The dashboard's keys and drawing.
mod keys {
    use ratatui::buffer::Buffer;
    use ratatui::layout::Rect;
    use ratatui::widgets::Widget;

    use super::{DashboardState, DashboardView};
    use crate::tui::action::Command;
    use crate::tui::component::{Component, Context, Ctx, Env};
    use crate::tui::effect::Effect;
    use crate::tui::screens::queue::{AssigneeChoice, Filters, Section};

    /// How far the list keys move: a line, a page, to either end.
    pub(crate) fn list_step(cmd: Command) -> Option<isize> {
        Some(match cmd {
            Command::MoveUp => -1,
            Command::MoveDown => 1,
            Command::PageUp => -10,
            Command::PageDown => 10,
            Command::MoveFirst => -1_000_000,
            Command::MoveLast => 1_000_000,
            _ => return None,
        })
    }

    /// The supervisors' screens replace one another rather than pile up.
    pub(crate) fn is_report(c: Context) -> bool {
        matches!(c, Context::Dashboard | Context::Report | Context::Audit)
    }

    impl Component for DashboardState {
        fn context(&self) -> Context {
            Context::Dashboard
        }

        fn handle(&mut self, cmd: Command, _ctx: &Ctx<'_>) -> Option<Effect> {
            if let Some(step) = list_step(cmd) {
                self.move_by(step);
                return Some(Effect::None);
            }
            match cmd {
                // The queue of the selected clerk: All open, filtered to them.
                Command::Open => Some(self.data.clerks.get(self.selected).map_or(Effect::None, |c| {
                    let choice = match &c.login {
                        Some(l) => AssigneeChoice::Login(l.clone()),
                        None => AssigneeChoice::Unassigned,
                    };
                    Effect::ShowQueue {
                        filters: Filters { assignee: Some(choice), ..Filters::default() },
                        section: Section::AllOpen,
                    }
                })),
                _ => None,
            }
        }

        fn scroll(&mut self, delta: i32, _ctx: &Ctx<'_>) -> Effect {
            self.move_by(delta as isize);
            Effect::None
        }

        fn refresh(&mut self, ctx: &Ctx<'_>) -> crate::service::Result<()> {
            self.reload(ctx.session, ctx.today)
        }

        fn replaces(&self, top: Context) -> bool {
            is_report(top)
        }

        fn bar(&self, _env: &Env<'_>) -> Vec<Command> {
            use Command::{Back, MoveDown, Open, ShowAudit, ShowHelp, ShowReport};
            vec![MoveDown, Open, Back, ShowReport, ShowAudit, ShowHelp]
        }

        fn render(&self, area: Rect, buf: &mut Buffer, env: &Env<'_>) {
            DashboardView { state: self, theme: env.theme }.render(area, buf);
        }
    }
}
pub(crate) use keys::{is_report, list_step};
