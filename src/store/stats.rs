//! Aggregates for reports: counts over a cohort of requests received in a date range.

use chrono::NaiveDate;
use serde::Serialize;

use super::{Reader, Result};

/// How report rows are grouped.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum GroupBy {
    Kind,
    Clerk,
}

/// One row of the performance report (UK Ministry of Justice's monthly SAR measures).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct ReportRow {
    /// The kind code or the clerk's login; `None` for unassigned requests.
    pub group: Option<String>,
    pub received: i64,
    pub answered_in_time: i64,
    pub answered_late: i64,
    pub open_in_time: i64,
    pub open_late: i64,
    pub withdrawn: i64,
    pub extended: i64,
    pub paused: i64,
}

impl ReportRow {
    /// `(answered in time + open in time) / received`, in percent; `None` with nothing received.
    pub fn percent_in_time(&self) -> Option<f64> {
        (self.received > 0)
            .then(|| 100.0 * (self.answered_in_time + self.open_in_time) as f64 / self.received as f64)
    }

    pub fn add(&mut self, o: &ReportRow) {
        self.received += o.received;
        self.answered_in_time += o.answered_in_time;
        self.answered_late += o.answered_late;
        self.open_in_time += o.open_in_time;
        self.open_late += o.open_late;
        self.withdrawn += o.withdrawn;
        self.extended += o.extended;
        self.paused += o.paused;
    }
}

impl Reader<'_> {
    /// The cohort of requests received in `[from, to]`, as it stood at the end of `as_of`:
    /// a request answered or withdrawn after `as_of` still counts as open then.
    pub fn report(
        &self,
        from: NaiveDate,
        to: NaiveDate,
        as_of: NaiveDate,
        by: GroupBy,
    ) -> Result<Vec<ReportRow>> {
        let group = match by {
            GroupBy::Kind => "kind",
            GroupBy::Clerk => "assignee",
        };
        let sql = format!(
            "SELECT {group} AS grp,
                count(*),
                sum(status = 'answered' AND responded_on <= ?3 AND responded_on <= due_on),
                sum(status = 'answered' AND responded_on <= ?3 AND responded_on > due_on),
                sum(NOT (status = 'answered' AND responded_on <= ?3) AND NOT (status = 'withdrawn' AND closed_on <= ?3)
                    AND NOT (due_on < ?3 AND (paused_since IS NULL OR due_on < paused_since))),
                sum(NOT (status = 'answered' AND responded_on <= ?3) AND NOT (status = 'withdrawn' AND closed_on <= ?3)
                    AND (due_on < ?3 AND (paused_since IS NULL OR due_on < paused_since))),
                sum(status = 'withdrawn' AND closed_on <= ?3),
                sum(extensions > 0),
                sum(paused_days > 0 OR paused_since IS NOT NULL)
             FROM requests WHERE received_on BETWEEN ?1 AND ?2
             GROUP BY grp ORDER BY grp"
        );
        let mut st = self.conn.prepare_cached(&sql)?;
        let rows = st
            .query_map(rusqlite::params![from, to, as_of], |r| {
                Ok(ReportRow {
                    group: r.get(0)?,
                    received: r.get(1)?,
                    answered_in_time: r.get(2)?,
                    answered_late: r.get(3)?,
                    open_in_time: r.get(4)?,
                    open_late: r.get(5)?,
                    withdrawn: r.get(6)?,
                    extended: r.get(7)?,
                    paused: r.get(8)?,
                })
            })?
            .collect::<rusqlite::Result<Vec<_>>>()?;
        Ok(rows)
    }
}
