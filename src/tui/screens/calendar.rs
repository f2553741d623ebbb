//! A month of the working-day calendar: weekends and holidays marked, and how many open
//! requests fall due on each day (one indexed count per day, never the rows themselves).

use chrono::{Datelike, Days, Months, NaiveDate};
use ratatui::buffer::Buffer;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Paragraph, Widget};

use crate::domain::calendar::{Calendar, month_days};
use crate::domain::request::SubjectRequest;
use crate::i18n::date_wd;
use crate::i18n::{label, t, tf};
use crate::model::{ListFilter, Page, SortKey};
use crate::service::{Result, Session};
use crate::tui::theme::Theme;

const DUE_LIST: usize = 8;

#[derive(Debug)]
pub struct CalendarState {
    pub selected: NaiveDate,
    /// Open requests due on each day of the shown month.
    pub due_counts: Vec<(NaiveDate, i64)>,
    /// The first requests due on the selected day.
    pub due_on_selected: Vec<SubjectRequest>,
    /// For supervisors and administrators: open requests whose stored deadlines differ from
    /// the rules and calendar in force (computed when the screen opens).
    pub drift: Option<crate::service::Drift>,
}

impl CalendarState {
    pub fn new(session: &Session, today: NaiveDate) -> Result<CalendarState> {
        let drift = if session.role() >= crate::domain::kind::Role::Supervisor {
            Some(session.drift()?)
        } else {
            None
        };
        let mut s =
            CalendarState { selected: today, due_counts: Vec::new(), due_on_selected: Vec::new(), drift };
        s.load(session)?;
        Ok(s)
    }

    fn first_of_month(&self) -> NaiveDate {
        self.selected.with_day(1).unwrap_or(self.selected)
    }

    pub fn load(&mut self, session: &Session) -> Result<()> {
        let first = self.first_of_month();
        self.due_counts.clear();
        for d in month_days(first.year(), first.month()) {
            let n =
                session.count(&ListFilter { due_from: Some(d), due_to: Some(d), ..ListFilter::default() })?;
            self.due_counts.push((d, n));
        }
        self.load_day(session)
    }

    fn load_day(&mut self, session: &Session) -> Result<()> {
        let d = self.selected;
        self.due_on_selected = session.list(
            &ListFilter { due_from: Some(d), due_to: Some(d), ..ListFilter::default() },
            SortKey::Due,
            &Page { limit: DUE_LIST, ..Page::default() },
        )?;
        Ok(())
    }

    /// Moves the selected day by `days` (reloading the month when it changes).
    pub fn move_days(&mut self, session: &Session, days: i64) -> Result<()> {
        let month = self.first_of_month();
        let next = if days >= 0 {
            self.selected.checked_add_days(Days::new(days as u64))
        } else {
            self.selected.checked_sub_days(Days::new(days.unsigned_abs()))
        };
        self.selected = next.unwrap_or(self.selected);
        if self.first_of_month() == month { self.load_day(session) } else { self.load(session) }
    }

    pub fn move_months(&mut self, session: &Session, months: i32) -> Result<()> {
        let next = if months >= 0 {
            self.selected.checked_add_months(Months::new(months as u32))
        } else {
            self.selected.checked_sub_months(Months::new(months.unsigned_abs()))
        };
        self.selected = next.unwrap_or(self.selected);
        self.load(session)
    }
}

pub(crate) struct CalendarView<'a> {
    pub state: &'a CalendarState,
    pub calendar: &'a Calendar,
    pub today: NaiveDate,
    pub theme: &'a Theme,
}

impl Widget for CalendarView<'_> {
    fn render(self, area: Rect, buf: &mut Buffer) {
        let th = self.theme;
        let st = self.state;
        let first = st.selected.with_day(1).unwrap_or(st.selected);
        let [title_area, grid_area, info_area] = area.layout(&Layout::vertical([
            Constraint::Length(2),
            Constraint::Length(14),
            Constraint::Fill(1),
        ]));
        let month_name = label("month", month_code(first.month()));
        Line::from(vec![
            Span::styled(format!("{month_name} {}", first.year()), th.title),
            Span::styled(
                format!(
                    "   {}",
                    tf(
                        "calendar.working_days",
                        &[("n", &self.calendar.working_days_in_month(first.year(), first.month()))]
                    )
                ),
                th.muted,
            ),
        ])
        .render(title_area, buf);

        // Seven columns of 10 cells: day number and the count of requests due.
        let col_w = (grid_area.width / 7).clamp(6, 12);
        let weekdays = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"];
        for (i, wd) in weekdays.iter().enumerate() {
            let x = grid_area.x + i as u16 * col_w;
            if x + col_w <= grid_area.x + grid_area.width {
                Span::styled(label("weekday", wd), th.title).render(Rect::new(x, grid_area.y, col_w, 1), buf);
            }
        }
        let lead = first.weekday().num_days_from_monday() as u16;
        for (d, n) in &st.due_counts {
            let idx = lead + d.day0() as u16;
            let (col, week) = (idx % 7, idx / 7);
            let x = grid_area.x + col * col_w;
            let y = grid_area.y + 1 + week * 2;
            if x + col_w > grid_area.x + grid_area.width || y + 1 >= grid_area.y + grid_area.height {
                continue;
            }
            let mut style = if self.calendar.is_working_day(*d) { th.base } else { th.non_working };
            if *d == self.today {
                style = style.patch(th.focus);
            }
            if *d == st.selected {
                style = style.patch(th.selected);
            }
            // `*` a day of the calendar data, `?` one not yet confirmed (expected).
            let mark = match self.calendar.entry(*d) {
                Some(e) if !e.is_confirmed() => "?",
                Some(_) => "*",
                None => " ",
            };
            Span::styled(format!("{:>2}{mark}", d.day()), style).render(Rect::new(x, y, 4, 1), buf);
            if *n > 0 {
                let due_style = if *d < self.today { th.overdue } else { th.due_soon };
                Span::styled(tf("calendar.due_count", &[("n", n)]), due_style)
                    .render(Rect::new(x, y + 1, col_w.saturating_sub(1), 1), buf);
            }
        }

        let mut lines = vec![Line::styled(date_wd(st.selected), th.title)];
        let d = st.selected;
        if let Some(gap) = self.calendar.coverage_gap(d.year()) {
            lines.push(Line::styled(tf("drift.provisional_line", &[("reason", &gap)]), th.due_soon));
        }
        match self.calendar.entry(d) {
            Some(e) => {
                lines.push(Line::styled(
                    format!("{} — {}", label("day_kind", e.kind.code()), crate::i18n::holiday_name(&e.name)),
                    th.non_working,
                ));
                if !e.is_confirmed() {
                    lines.push(Line::styled(
                        tf(
                            "drift.calendar_unconfirmed",
                            &[("confidence", &e.confidence), ("source", &e.source)],
                        ),
                        th.due_soon,
                    ));
                }
            }
            None if !self.calendar.is_working_day(d) => {
                lines.push(Line::styled(t("calendar.weekend"), th.non_working));
            }
            None => lines.push(Line::styled(t("calendar.working_day"), th.muted)),
        }
        let total = st.due_counts.iter().find(|(x, _)| *x == d).map_or(0, |(_, n)| *n);
        lines.push(Line::raw(tf("calendar.due_on_day", &[("n", &total)])));
        for r in &st.due_on_selected {
            lines.push(Line::from(vec![
                Span::raw(format!("  {}  ", r.reference)),
                Span::raw(format!("{:<12}", label("kind_short", r.kind.code()))),
                Span::styled(r.assignee.clone().unwrap_or_else(|| "—".into()), th.muted),
            ]));
        }
        if let Some(drift) = &st.drift {
            lines.push(Line::raw(""));
            lines.push(Line::styled(t("drift.screen_title"), th.title));
            if drift.requests.is_empty() {
                lines.push(Line::styled(t("drift.screen_none"), th.muted));
            } else {
                for c in drift.rows().take(DUE_LIST) {
                    let date = |x: Option<NaiveDate>| x.map_or("—".to_string(), date_wd);
                    lines.push(Line::from(vec![
                        Span::raw(format!("  {}  {}  ", c.reference, c.rule)),
                        Span::styled(format!("{} → {}", date(c.old), date(c.new)), th.due_soon),
                    ]));
                }
                lines.push(Line::styled(
                    format!("{} ({})", t("drift.screen_hint"), drift.requests.len()),
                    th.muted,
                ));
            }
        }
        Paragraph::new(lines).render(info_area, buf);
    }
}

fn month_code(m: u32) -> &'static str {
    ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"]
        [(m.clamp(1, 12) - 1) as usize]
}

/// The calendar's keys and drawing.
mod keys {
    use ratatui::buffer::Buffer;
    use ratatui::layout::Rect;
    use ratatui::widgets::Widget;

    use super::{CalendarState, CalendarView};
    use crate::tui::action::Command;
    use crate::tui::component::{Component, Context, Ctx, Env, shown};
    use crate::tui::effect::Effect;

    impl Component for CalendarState {
        fn context(&self) -> Context {
            Context::Calendar
        }

        fn handle(&mut self, cmd: Command, ctx: &Ctx<'_>) -> Option<Effect> {
            let session = ctx.session;
            Some(match cmd {
                Command::MoveUp => shown(self.move_days(session, -7)),
                Command::MoveDown => shown(self.move_days(session, 7)),
                Command::PrevSection => shown(self.move_days(session, -1)),
                Command::NextSection => shown(self.move_days(session, 1)),
                Command::PageUp => shown(self.move_months(session, -1)),
                Command::PageDown => shown(self.move_months(session, 1)),
                Command::MoveFirst => {
                    self.selected = ctx.today;
                    shown(self.load(session))
                }
                Command::Open => self
                    .due_on_selected
                    .first()
                    .map_or(Effect::None, |r| Effect::OpenRequest(r.reference.clone())),
                _ => return None,
            })
        }

        fn scroll(&mut self, delta: i32, ctx: &Ctx<'_>) -> Effect {
            shown(self.move_days(ctx.session, if delta < 0 { -7 } else { 7 }))
        }

        fn refresh(&mut self, ctx: &Ctx<'_>) -> crate::service::Result<()> {
            self.load(ctx.session)
        }

        fn bar(&self, _env: &Env<'_>) -> Vec<Command> {
            use Command::{Back, MoveDown, NextSection, Open, PageDown, ShowHelp};
            vec![NextSection, MoveDown, PageDown, Open, Back, ShowHelp]
        }

        fn render(&self, area: Rect, buf: &mut Buffer, env: &Env<'_>) {
            CalendarView { state: self, calendar: &env.session.calendar, today: env.today, theme: env.theme }
                .render(area, buf);
        }
    }
}
