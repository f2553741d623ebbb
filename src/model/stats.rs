//! Figures for the dashboard and the reports: per-assignee counts, per-day figures, the
//! backlog, ageing, and report rows with their grouping.

use chrono::NaiveDate;

/// Open, due-soon and overdue requests of one assignee (`None`: unassigned).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct AssigneeCounts {
    pub assignee: Option<String>,
    pub open: i64,
    pub due_soon: i64,
    pub overdue: i64,
}

/// One row of `stats_daily`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DayStats {
    pub day: NaiveDate,
    pub kind: String,
    pub received: i64,
    pub answered_in_time: i64,
    pub answered_late: i64,
    pub withdrawn: i64,
}

/// How report rows are grouped.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum GroupBy {
    Kind,
    Clerk,
    /// The month of receipt, `YYYY-MM`.
    Month,
    /// The request's office (its code). Replayed by the service: the kept figures are not
    /// kept per office.
    Office,
}

pub use crate::domain::history::ReportRow;

/// Which requests to replay.
#[derive(Debug, Clone, Copy)]
pub enum HistoryScope {
    /// Received in `[from, to]` (and known by `as_of`): a report's cohort.
    Received { from: NaiveDate, to: NaiveDate },
    /// Every request that may have been open at the end of `as_of`: open now, closed on or
    /// after it, or changed since (a request's state on a day differs from now only through
    /// a later change).
    MaybeOpen,
}

/// Open and overdue requests at the end of one day.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct BacklogDay {
    pub day: NaiveDate,
    pub open: i64,
    pub overdue: i64,
}

/// Requests open now by how long they have been open (days since receipt).
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize)]
pub struct Ageing {
    pub days_0_7: i64,
    pub days_8_14: i64,
    pub days_15_30: i64,
    pub over_30: i64,
}
