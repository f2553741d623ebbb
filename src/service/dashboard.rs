//! The supervisors' dashboard: the state of every queue now, and how the service performed
//! over the last half-year and year. Read from indexes and the per-day figures that triggers
//! keep current, so it costs the same on a million requests as on a thousand.

use chrono::{Datelike, Days, Months, NaiveDate};
use serde::Serialize;

use crate::domain::kind::{RequestKind, Role};
use crate::model::{AssigneeCounts, Counts};

use super::{Result, Session};

/// Weeks shown in the "received per week" chart.
pub const WEEKS: usize = 26;
/// Months shown in the "answered in time vs late" chart and counted in the on-time rate.
pub const MONTHS: usize = 12;

/// One clerk's line (or the unassigned requests', `login: None`).
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct ClerkLine {
    pub login: Option<String>,
    pub open: i64,
    pub due_soon: i64,
    pub overdue: i64,
    /// Requests this clerk answered from the first of this month to today.
    pub answered_this_month: i64,
    /// Median calendar days from receipt to answer of those.
    pub median_days: Option<f64>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct WeekBar {
    /// The Monday the week starts on.
    pub week_of: NaiveDate,
    pub received: i64,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct MonthBar {
    /// The first day of the month.
    pub month: NaiveDate,
    pub in_time: i64,
    pub late: i64,
}

/// Figures of one kind over the last [`MONTHS`] months.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct KindLine {
    pub kind: RequestKind,
    pub received: i64,
    pub answered_in_time: i64,
    pub answered_late: i64,
    pub withdrawn: i64,
}

impl KindLine {
    /// Answered in time out of all answered, in percent.
    pub fn on_time_percent(&self) -> Option<f64> {
        percent(self.answered_in_time, self.answered_late)
    }
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Dashboard {
    pub today: NaiveDate,
    pub counts: Counts,
    pub clerks: Vec<ClerkLine>,
    pub weekly: Vec<WeekBar>,
    pub monthly: Vec<MonthBar>,
    /// Answered in time out of all answered over the last [`MONTHS`] months, in percent.
    pub on_time_percent: Option<f64>,
    pub kinds: Vec<KindLine>,
    /// Open and overdue requests at the end of each of the last `BACKLOG_DAYS` days.
    pub backlog: Vec<crate::model::BacklogDay>,
    pub ageing: crate::model::Ageing,
}

/// Days of backlog history on the dashboard.
pub(super) const BACKLOG_DAYS: u32 = 90;

fn percent(in_time: i64, late: i64) -> Option<f64> {
    (in_time + late > 0).then(|| 100.0 * in_time as f64 / (in_time + late) as f64)
}

fn median(v: &mut [i64]) -> Option<f64> {
    if v.is_empty() {
        return None;
    }
    v.sort_unstable();
    let n = v.len();
    Some(if n % 2 == 1 { v[n / 2] as f64 } else { (v[n / 2 - 1] + v[n / 2]) as f64 / 2.0 })
}

fn first_of_month(d: NaiveDate) -> NaiveDate {
    d.with_day(1).unwrap_or(d)
}

/// An operator one can assign work to, with their caseload.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Caseload {
    pub operator: crate::model::Operator,
    pub open: i64,
    pub due_soon: i64,
    pub overdue: i64,
}

impl Session {
    /// The active operators who handle requests (clerks and supervisors, not admins), with
    /// their open, due-soon and overdue counts, most available first (fewest overdue, then
    /// fewest due soon, then fewest open). A clerk sees no one's caseload (all zeros): the
    /// assignment itself tells them they may only take requests for themselves.
    pub fn assignable(&self, today: NaiveDate) -> Result<Vec<Caseload>> {
        let ops: Vec<_> = self
            .store
            .read()
            .operators()?
            .into_iter()
            .filter(|o| o.active && o.role != Role::Admin)
            // Only those who work in an office this operator sees (or who see every office).
            .filter(|o| o.scope() == crate::model::OfficeScope::All || self.scope().covers(o.office))
            .collect();
        let counts = if self.role() >= Role::Supervisor { self.open_by_assignee(today)? } else { Vec::new() };
        let mut out: Vec<Caseload> = ops
            .into_iter()
            .map(|o| {
                let c = counts.iter().find(|c| c.assignee.as_deref() == Some(o.login.as_str()));
                Caseload {
                    open: c.map_or(0, |c| c.open),
                    due_soon: c.map_or(0, |c| c.due_soon),
                    overdue: c.map_or(0, |c| c.overdue),
                    operator: o,
                }
            })
            .collect();
        out.sort_by(|a, b| {
            (a.overdue, a.due_soon, a.open, &a.operator.login).cmp(&(
                b.overdue,
                b.due_soon,
                b.open,
                &b.operator.login,
            ))
        });
        Ok(out)
    }

    /// Open, due-soon and overdue requests per assignee as of `today` (unassigned last), for
    /// the supervisors' queues grouped by clerk.
    pub fn open_by_assignee(&self, today: NaiveDate) -> Result<Vec<AssigneeCounts>> {
        self.require(Role::Supervisor, "see_every_queue")?;
        // Counted in the offices this operator sees (their own, or every office).
        let offices = self.scoped(&crate::model::ListFilter::default())?.offices;
        let soon = self.due_soon_limit(today);
        Ok(self.store.read().open_counts_by_assignee(today, soon, &offices)?)
    }

    /// The dashboard as of `today` of every office the operator sees. Supervisors and
    /// admins only.
    pub fn dashboard(&self, today: NaiveDate) -> Result<Dashboard> {
        self.dashboard_in(today, &[])
    }

    /// [`Session::dashboard`] of `offices` (ids; every office the operator sees when
    /// empty): every figure is read from those offices' kept figures, added together.
    pub fn dashboard_in(&self, today: NaiveDate, offices: &[i64]) -> Result<Dashboard> {
        self.require(Role::Supervisor, "read_dashboard")?;
        let offices = self
            .scoped(&crate::model::ListFilter { offices: offices.to_vec(), ..Default::default() })?
            .offices;
        let offices = offices.as_slice();
        let read = self.store.read();
        let soon = self.due_soon_limit(today);

        let mut clerks: Vec<ClerkLine> = read
            .open_counts_by_assignee(today, soon, offices)?
            .into_iter()
            .map(|c| ClerkLine {
                login: c.assignee,
                open: c.open,
                due_soon: c.due_soon,
                overdue: c.overdue,
                ..ClerkLine::default()
            })
            .collect();
        let counts = Counts {
            open: clerks.iter().map(|c| c.open).sum(),
            due_soon: clerks.iter().map(|c| c.due_soon).sum(),
            overdue: clerks.iter().map(|c| c.overdue).sum(),
        };

        let month_start = first_of_month(today);
        let mut days: Vec<(Option<String>, Vec<i64>)> = Vec::new();
        for (who, d) in read.answer_days(month_start, today, offices)? {
            match days.iter_mut().find(|(w, _)| *w == who) {
                Some((_, v)) => v.push(d),
                None => days.push((who, vec![d])),
            }
        }
        for (who, mut v) in days {
            let line = if let Some(i) = clerks.iter().position(|c| c.login == who) {
                &mut clerks[i]
            } else {
                clerks.push(ClerkLine { login: who, ..ClerkLine::default() });
                let last = clerks.len() - 1;
                &mut clerks[last]
            };
            line.answered_this_month = v.len() as i64;
            line.median_days = median(&mut v);
        }
        clerks.sort_by(|a, b| match (&a.login, &b.login) {
            (None, None) => std::cmp::Ordering::Equal,
            (None, _) => std::cmp::Ordering::Greater,
            (_, None) => std::cmp::Ordering::Less,
            (Some(x), Some(y)) => x.cmp(y),
        });

        // Weeks start on Monday; the last one is the week of today.
        let this_monday = today - Days::new(u64::from(today.weekday().num_days_from_monday()));
        let first_monday = this_monday - Days::new(7 * (WEEKS as u64 - 1));
        let first_month = first_of_month(today) - Months::new(MONTHS as u32 - 1);
        let from = first_monday.min(first_month);
        let mut weekly: Vec<WeekBar> = (0..WEEKS)
            .map(|i| WeekBar { week_of: first_monday + Days::new(7 * i as u64), received: 0 })
            .collect();
        let mut monthly: Vec<MonthBar> = (0..MONTHS)
            .map(|i| MonthBar { month: first_month + Months::new(i as u32), in_time: 0, late: 0 })
            .collect();
        let mut kinds: Vec<KindLine> = RequestKind::ALL
            .iter()
            .map(|k| KindLine { kind: *k, received: 0, answered_in_time: 0, answered_late: 0, withdrawn: 0 })
            .collect();
        for s in read.day_stats(from, today, offices)? {
            if s.day >= first_monday {
                let w = ((s.day - first_monday).num_days() / 7) as usize;
                if let Some(bar) = weekly.get_mut(w) {
                    bar.received += s.received;
                }
            }
            if s.day >= first_month {
                if let Some(bar) = monthly.iter_mut().find(|m| m.month == first_of_month(s.day)) {
                    bar.in_time += s.answered_in_time;
                    bar.late += s.answered_late;
                }
                if let Some(k) = kinds.iter_mut().find(|k| k.kind.code() == s.kind) {
                    k.received += s.received;
                    k.answered_in_time += s.answered_in_time;
                    k.answered_late += s.answered_late;
                    k.withdrawn += s.withdrawn;
                }
            }
        }
        // The one "% in time" (domain::history::FORMULA): answers of the last 12 months and
        // the requests open now, open past their deadline counting against it.
        let in_time: i64 = monthly.iter().map(|m| m.in_time).sum::<i64>() + (counts.open - counts.overdue);
        let late: i64 = monthly.iter().map(|m| m.late).sum::<i64>() + counts.overdue;
        Ok(Dashboard {
            today,
            counts,
            clerks,
            weekly,
            monthly,
            on_time_percent: percent(in_time, late),
            kinds,
            backlog: read.backlog(today - Days::new(u64::from(BACKLOG_DAYS) - 1), today, offices)?,
            ageing: read.ageing(today, offices)?,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn medians() {
        assert_eq!(median(&mut []), None);
        assert_eq!(median(&mut [5]), Some(5.0));
        assert_eq!(median(&mut [9, 1, 4]), Some(4.0));
        assert_eq!(median(&mut [1, 2, 3, 10]), Some(2.5));
    }
}
