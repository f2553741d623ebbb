//! What `recompute` needs beyond the ordinary request operations.

use chrono::NaiveDate;

use super::{Result, SqliteReader, SqliteTx};
use crate::domain::request::RequestId;

impl SqliteTx<'_> {
    /// Drops a stored deadline whose rule is no longer in the rules in force.
    pub fn delete_deadline(&self, id: RequestId, rule: &str) -> Result<()> {
        self.tx
            .prepare_cached("DELETE FROM deadlines WHERE request_id = ?1 AND rule = ?2")?
            .execute(rusqlite::params![id.0, rule])?;
        Ok(())
    }
}

impl SqliteReader<'_> {
    /// Requests received in `from..=to` answered on or before their deadline of `rule` (the
    /// 30-day limit), whatever their governing deadline: the reports' second measure. From
    /// the per-day counts `figures_within` kept by triggers (migration 0011).
    pub fn answered_within(
        &self,
        from: NaiveDate,
        to: NaiveDate,
        rule: &str,
        offices: &[i64],
    ) -> Result<i64> {
        Ok(self
            .conn
            .prepare_cached(&format!(
                "SELECT coalesce(sum(n), 0) FROM figures_within WHERE day BETWEEN ?1 AND ?2 AND rule = ?3{}",
                super::figures_sql::office_in("office", offices)
            ))?
            .query_row(rusqlite::params![from, to, rule], |row| row.get(0))?)
    }
}
