//! Retention: finding closed requests past their retention period and erasing their
//! personal fields, keeping everything the reports count.

use chrono::NaiveDate;
use rusqlite::params;

use super::{Result, SqliteReader, SqliteTx};
use crate::domain::request::RequestId;

impl SqliteReader<'_> {
    /// Closed requests (closed before `closed_before`) whose personal data are still kept.
    pub fn retention_due(&self, closed_before: NaiveDate, limit: usize) -> Result<Vec<(RequestId, String)>> {
        let mut st = self.conn.prepare_cached(
            "SELECT id, ref FROM requests WHERE is_open = 0 AND closed_on < ?1 AND erased_on IS NULL
             ORDER BY closed_on, id LIMIT ?2",
        )?;
        let rows = st
            .query_map(params![closed_before, limit as i64], |r| Ok((RequestId(r.get(0)?), r.get(1)?)))?
            .collect::<rusqlite::Result<Vec<_>>>()?;
        Ok(rows)
    }
}

impl SqliteTx<'_> {
    /// Erases the personal fields of one request and the free text of its events; kind,
    /// dates, status, outcome, assignee and deadlines stay for the reports.
    pub fn erase_personal_data(&self, id: RequestId, on: NaiveDate, now: &str) -> Result<()> {
        self.tx
            .prepare_cached(
                "UPDATE requests SET subject_name = '', subject_pin = '', birth_date = NULL, passport_doc = NULL,
                    passport_issuer = '', passport_issued = NULL, address = '', email = '', phone = '',
                    description = '', response_text = '', pause_reason = NULL, erased_on = ?2,
                    updated_at = ?3, version = version + 1
                 WHERE id = ?1",
            )?
            .execute(params![id.0, on, now])?;
        self.tx
            .prepare_cached("UPDATE events SET text = '' WHERE request_id = ?1 AND text <> ''")?
            .execute([id.0])?;
        Ok(())
    }
}
