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

impl Reader<'_> {
    /// Days and kinds whose kept figures differ from a recount of the requests (empty when
    /// the triggers kept `stats_daily` right). Reads every request: for `aryz check`.
    pub fn stats_drift(&self) -> Result<Vec<String>> {
        let mut st = self.conn.prepare(
            "WITH recount AS (
                SELECT day, kind, sum(received) AS received, sum(in_time) AS in_time, sum(late) AS late,
                       sum(withdrawn) AS withdrawn
                FROM (
                    SELECT received_on AS day, kind, 1 AS received, 0 AS in_time, 0 AS late, 0 AS withdrawn FROM requests
                    UNION ALL
                    SELECT responded_on, kind, 0, responded_on <= due_on, responded_on > due_on, 0 FROM requests
                        WHERE status = 'answered' AND responded_on IS NOT NULL
                    UNION ALL
                    SELECT closed_on, kind, 0, 0, 0, 1 FROM requests WHERE status = 'withdrawn' AND closed_on IS NOT NULL
                ) GROUP BY day, kind
            ),
            kept AS (
                SELECT day, kind, received, answered_in_time AS in_time, answered_late AS late, withdrawn
                FROM stats_daily WHERE received <> 0 OR answered_in_time <> 0 OR answered_late <> 0 OR withdrawn <> 0
            )
            SELECT day, kind FROM (SELECT * FROM recount EXCEPT SELECT * FROM kept)
            UNION
            SELECT day, kind FROM (SELECT * FROM kept EXCEPT SELECT * FROM recount)
            ORDER BY 1, 2 LIMIT 20",
        )?;
        let rows = st
            .query_map([], |r| {
                Ok(format!(
                    "daily figures of {} / {} differ from a recount",
                    r.get::<_, String>(0)?,
                    r.get::<_, String>(1)?
                ))
            })?
            .collect::<rusqlite::Result<Vec<_>>>()?;
        Ok(rows)
    }
}
