//! Supervisors' dashboard figures, read from indexes and the per-day `stats_daily` table so
//! that a million requests cost no more than a thousand: open requests through the partial
//! indexes of open requests, answers of a month through `requests_closed_by_clerk`.

use chrono::NaiveDate;

use super::figures_sql::{self, Dialect, office_in};
use super::{Result, SqliteReader};
use crate::model::{AssigneeCounts, DayStats};

impl SqliteReader<'_> {
    /// Per assignee: open requests, those due from `today` to `soon_limit`, and those overdue
    /// as of `today` (a paused request's clock stopped on the day of the pause), in any order.
    pub fn assignee_counts(
        &self,
        today: NaiveDate,
        soon_limit: NaiveDate,
        offices: &[i64],
    ) -> Result<Vec<AssigneeCounts>> {
        // One pass over requests_assignee_due (assignee, due_on, id, paused_since, office):
        // the overdue test and the office need only those columns, so no table row is read.
        let mut st = self.conn.prepare_cached(&format!(
            "SELECT assignee, count(*), sum(due_on >= ?1 AND due_on <= ?2),
                sum(due_on < ?1 AND (paused_since IS NULL OR due_on < paused_since))
             FROM requests INDEXED BY requests_assignee_due WHERE is_open = 1{} GROUP BY assignee",
            office_in("office", offices)
        ))?;
        Ok(st
            .query_map(rusqlite::params![today, soon_limit], |r| {
                Ok(AssigneeCounts {
                    assignee: r.get(0)?,
                    open: r.get(1)?,
                    due_soon: r.get(2)?,
                    overdue: r.get(3)?,
                })
            })?
            .collect::<rusqlite::Result<Vec<_>>>()?)
    }

    /// Requests closed in `[from, to]` with an answer: the assignee and the days from receipt
    /// to the answer (from the covering index `requests_closed_by_clerk`).
    pub fn answer_days(
        &self,
        from: NaiveDate,
        to: NaiveDate,
        offices: &[i64],
    ) -> Result<Vec<(Option<String>, i64)>> {
        let mut st = self.conn.prepare_cached(&format!(
            "SELECT assignee, CAST(julianday(responded_on) - julianday(received_on) AS INTEGER)
             FROM requests INDEXED BY requests_closed_by_clerk
             WHERE is_open = 0 AND closed_on >= ?1 AND closed_on <= ?2 AND responded_on IS NOT NULL{}",
            office_in("office", offices)
        ))?;
        let rows = st
            .query_map(rusqlite::params![from, to], |r| {
                Ok((r.get(0)?, r.get::<_, Option<i64>>(1)?.unwrap_or(0)))
            })?
            .collect::<rusqlite::Result<Vec<_>>>()?;
        Ok(rows)
    }

    /// The per-day, per-kind figures of `[from, to]` of `offices` (every office when
    /// empty), oldest first.
    pub fn day_stats(&self, from: NaiveDate, to: NaiveDate, offices: &[i64]) -> Result<Vec<DayStats>> {
        let mut st = self.conn.prepare_cached(&figures_sql::day_stats(Dialect::Sqlite, offices))?;
        let rows = st
            .query_map(rusqlite::params![from, to], |r| {
                Ok(DayStats {
                    day: r.get(0)?,
                    kind: r.get(1)?,
                    received: r.get(2)?,
                    answered_in_time: r.get(3)?,
                    answered_late: r.get(4)?,
                    withdrawn: r.get(5)?,
                })
            })?
            .collect::<rusqlite::Result<Vec<_>>>()?;
        Ok(rows)
    }
}
