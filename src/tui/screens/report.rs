//! The monthly performance report on screen: the same figures as `aryz report monthly`
//! ([`Session::report`]), by kind or by clerk, for a month chosen with the arrow keys.

use chrono::{Datelike, Months, NaiveDate};
use ratatui::buffer::Buffer;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Bar, BarChart, BarGroup, Block, Paragraph, Widget, Wrap};

use crate::domain::format::date_dmy;
use crate::domain::history::Rag;
use crate::domain::safe_text::clean;
use crate::i18n::{label_owned, t, tf};
use crate::model::{GroupBy, ReportRow};
use crate::service::{Report, Result, Session, month_range};
use crate::tui::screens::dashboard::percent_text;
use crate::tui::theme::Theme;
use crate::tui::widgets::table::{Column, FigureRow, FigureTable};

pub struct ReportState {
    /// The first day of the month shown.
    pub month: NaiveDate,
    pub by: GroupBy,
    pub report: Report,
    /// First row shown (a report by clerk can be longer than the screen).
    pub scroll: usize,
}

fn month_code(d: NaiveDate) -> String {
    format!("{:04}-{:02}", d.year(), d.month())
}

impl ReportState {
    /// The report of the month before `today` (the one a supervisor reads at the start of a
    /// month), by kind.
    pub fn new(session: &Session, today: NaiveDate) -> Result<ReportState> {
        let this = today.with_day(1).unwrap_or(today);
        let month = this.checked_sub_months(Months::new(1)).unwrap_or(this);
        let report = ReportState::load(session, month, GroupBy::Kind, today)?;
        Ok(ReportState { month, by: GroupBy::Kind, report, scroll: 0 })
    }

    fn load(session: &Session, month: NaiveDate, by: GroupBy, today: NaiveDate) -> Result<Report> {
        let (first, to) = month_range(&month_code(month))?;
        // The trend: the twelve months ending with the one chosen, a row each.
        let from = if by == GroupBy::Month {
            first.checked_sub_months(Months::new(11)).unwrap_or(first)
        } else {
            first
        };
        session.report(from, to, today, by)
    }

    pub fn reload(&mut self, session: &Session, today: NaiveDate) -> Result<()> {
        self.report = ReportState::load(session, self.month, self.by, today)?;
        Ok(())
    }

    /// Moves by `months`, never past the month of `today`.
    pub fn move_months(&mut self, session: &Session, today: NaiveDate, months: i32) -> Result<()> {
        let shifted = if months < 0 {
            self.month.checked_sub_months(Months::new(months.unsigned_abs()))
        } else {
            self.month.checked_add_months(Months::new(months.unsigned_abs()))
        };
        let this = today.with_day(1).unwrap_or(today);
        if let Some(m) = shifted.filter(|m| *m <= this) {
            self.report = ReportState::load(session, m, self.by, today)?;
            self.month = m;
        }
        Ok(())
    }

    pub fn scroll_by(&mut self, delta: isize) {
        let last = self.report.rows.len().saturating_sub(1) as isize;
        self.scroll = (self.scroll as isize + delta).clamp(0, last.max(0)) as usize;
    }

    pub fn toggle_grouping(&mut self, session: &Session, today: NaiveDate) -> Result<()> {
        let by = match self.by {
            GroupBy::Kind => GroupBy::Clerk,
            GroupBy::Clerk => GroupBy::Month,
            GroupBy::Month => GroupBy::Office,
            GroupBy::Office => GroupBy::Kind,
        };
        self.report = ReportState::load(session, self.month, by, today)?;
        self.by = by;
        self.scroll = 0;
        Ok(())
    }
}

pub(crate) struct ReportView<'a> {
    pub state: &'a ReportState,
    pub theme: &'a Theme,
}

fn num(n: i64) -> Span<'static> {
    Span::raw(n.to_string())
}

fn row_cells(name: String, r: &ReportRow, rep: &Report, th: &Theme) -> Vec<Span<'static>> {
    let status = match rep.status(r) {
        Some(Rag::Green) => Span::styled(t("supervision.rag_green"), th.ok),
        Some(Rag::Amber) => Span::styled(t("supervision.rag_amber"), th.due_soon),
        Some(Rag::Red) => Span::styled(t("supervision.rag_red"), th.overdue),
        None => Span::raw("-"),
    };
    vec![
        Span::raw(name),
        num(r.received),
        num(r.answered_in_time),
        num(r.answered_late),
        num(r.open_in_time),
        num(r.open_late),
        num(r.withdrawn),
        num(r.extended),
        num(r.paused),
        num(r.reopened),
        num(r.backdated),
        Span::raw(percent_text(r.percent_in_time())),
        status,
    ]
}

/// % in time by month as bars (a month with nothing counted has none), titled with the target.
fn percent_chart<'a>(r: &'a Report, th: &Theme) -> BarChart<'a> {
    let bars: Vec<Bar> = r
        .rows
        .iter()
        .map(|row| {
            let p = row.percent_in_time();
            let style = match r.status(row) {
                Some(Rag::Green) => th.ok,
                Some(Rag::Amber) => th.due_soon,
                Some(Rag::Red) => th.overdue,
                None => th.muted,
            };
            let month = row.group.as_deref().and_then(|g| g.get(5..7)).unwrap_or("").to_string();
            Bar::default()
                .value(p.map_or(0, |p| p.round() as u64))
                .text_value(p.map_or_else(|| "-".into(), |p| format!("{p:.0}")))
                .label(Line::from(month))
                .style(style)
        })
        .collect();
    BarChart::default()
        .block(
            Block::default()
                .title(Line::styled(tf("supervision.chart_percent", &[("target", &r.target)]), th.label)),
        )
        .data(BarGroup::default().bars(&bars))
        .bar_width(5)
        .bar_gap(1)
        .max(100)
}

impl Widget for ReportView<'_> {
    fn render(self, area: Rect, buf: &mut Buffer) {
        let th = self.theme;
        let st = self.state;
        let r = &st.report;
        let chart_height = if st.by == GroupBy::Month { 8 } else { 0 };
        let [title, table_area, chart_area, note] = area.layout(&Layout::vertical([
            Constraint::Length(2),
            Constraint::Fill(1),
            Constraint::Length(chart_height),
            Constraint::Length(3),
        ]));
        let by = match st.by {
            GroupBy::Kind => t("report.by_kind"),
            GroupBy::Clerk => t("report.by_clerk"),
            GroupBy::Month => t("supervision.by_month"),
            GroupBy::Office => t("report.by_office"),
        };
        // Two rows: a narrow screen wraps the range and "as of" rather than cutting them.
        let title_line = Line::from(vec![
            Span::styled(tf("report.title", &[("month", &month_code(st.month))]), th.title),
            Span::styled(format!("  {by} · "), th.muted),
            Span::styled(
                tf(
                    "report.range",
                    &[("from", &date_dmy(r.from)), ("to", &date_dmy(r.to)), ("as_of", &date_dmy(r.as_of))],
                ),
                th.muted,
            ),
        ]);
        Paragraph::new(title_line).wrap(Wrap { trim: true }).render(title, buf);
        let heads = [
            match st.by {
                GroupBy::Kind => t("report.col.kind"),
                GroupBy::Clerk => t("report.col.clerk"),
                GroupBy::Month => t("supervision.col_month"),
                GroupBy::Office => t("report.col.office"),
            },
            t("report.col.received"),
            t("report.col.in_time"),
            t("report.col.late"),
            t("report.col.open_in_time"),
            t("report.col.open_late"),
            t("report.col.withdrawn"),
            t("report.col.extended"),
            t("report.col.paused"),
            t("supervision.col_reopened"),
            t("supervision.col_backdated"),
            t("report.col.percent"),
            t("supervision.col_status"),
        ];
        // Columns 7–10 (extended, paused, reopened, backdated) only where they fit.
        let wide = area.width >= 100;
        let shown = |i: &usize| wide || !(7..=10).contains(i);
        let pick = |cells: Vec<Span<'static>>| -> Vec<Span<'static>> {
            cells.into_iter().enumerate().filter(|(i, _)| shown(i)).map(|(_, c)| c).collect()
        };
        let width = |s: &str| u16::try_from(unicode_width::UnicodeWidthStr::width(s)).unwrap_or(u16::MAX);
        // The status column holds the words red/amber/green, which may be wider than its head.
        let rag = ["supervision.rag_green", "supervision.rag_amber", "supervision.rag_red"]
            .iter()
            .map(|k| width(t(k)))
            .max()
            .unwrap_or(0);
        let last = heads.len() - 1;
        let columns: Vec<Column> = heads
            .iter()
            .enumerate()
            .filter(|(i, _)| shown(i))
            .map(|(i, h)| match i {
                0 => Column::name(h, 10),
                i if i == last => Column::number(h, rag.max(5)),
                _ => Column::number(h, 5),
            })
            .collect();
        let name = |g: &Option<String>| match (st.by, g) {
            (_, None) => t("queue.group.unassigned").to_string(),
            (GroupBy::Kind, Some(k)) => label_owned("kind_short", k),
            (GroupBy::Clerk | GroupBy::Month | GroupBy::Office, Some(l)) => clean(l),
        };
        let rows = r
            .rows
            .iter()
            .skip(st.scroll)
            .map(|row| FigureRow::new(pick(row_cells(name(&row.group), row, r, th))))
            .collect();
        let mut table = FigureTable::new(columns, rows);
        table.header_style = th.label;
        // The total stays in view below the rows, however far they are scrolled.
        table.total = Some(
            FigureRow::new(pick(row_cells(t("report.total").to_string(), &r.total, r, th))).style(th.title),
        );
        table.render(table_area, buf, None);
        if st.by == GroupBy::Month {
            percent_chart(r, th).render(chart_area, buf);
        }
        Paragraph::new(Line::styled(t("report.formula"), th.muted))
            .wrap(Wrap { trim: true })
            .render(note, buf);
    }
}

/// The monthly report's keys and drawing.
mod keys {
    use ratatui::buffer::Buffer;
    use ratatui::layout::Rect;
    use ratatui::widgets::Widget;

    use super::{ReportState, ReportView};
    use crate::tui::action::Command;
    use crate::tui::component::{Component, Context, Ctx, Env, shown};
    use crate::tui::effect::Effect;
    use crate::tui::screens::dashboard::{is_report, list_step};

    impl Component for ReportState {
        fn context(&self) -> Context {
            Context::Report
        }

        fn handle(&mut self, cmd: Command, ctx: &Ctx<'_>) -> Option<Effect> {
            if let Some(step) = list_step(cmd) {
                self.scroll_by(step);
                return Some(Effect::None);
            }
            let (session, today) = (ctx.session, ctx.today);
            Some(match cmd {
                Command::PrevSection => shown(self.move_months(session, today, -1)),
                Command::NextSection => shown(self.move_months(session, today, 1)),
                Command::ToggleGrouping => shown(self.toggle_grouping(session, today)),
                _ => return None,
            })
        }

        fn scroll(&mut self, delta: i32, _ctx: &Ctx<'_>) -> Effect {
            self.scroll_by(delta as isize);
            Effect::None
        }

        fn refresh(&mut self, ctx: &Ctx<'_>) -> crate::service::Result<()> {
            self.reload(ctx.session, ctx.today)
        }

        fn replaces(&self, top: Context) -> bool {
            is_report(top)
        }

        fn bar(&self, _env: &Env<'_>) -> Vec<Command> {
            use Command::{Back, NextSection, PrevSection, ShowDashboard, ShowHelp, ToggleGrouping};
            vec![PrevSection, NextSection, ToggleGrouping, Back, ShowDashboard, ShowHelp]
        }

        fn render(&self, area: Rect, buf: &mut Buffer, env: &Env<'_>) {
            ReportView { state: self, theme: env.theme }.render(area, buf);
        }
    }
}
