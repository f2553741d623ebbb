//! Reads for letters and the subject data package.

use super::{Result, SqliteReader, SqliteTx};
use crate::domain::referral::{CopyMedium, ResponseDetails};
use crate::domain::request::RequestId;

impl SqliteReader<'_> {
    /// References of every request of one PIN (open and closed), oldest first.
    pub fn references_of_pin(&self, pin: &str) -> Result<Vec<String>> {
        let mut st = self
            .conn
            .prepare_cached("SELECT ref FROM requests WHERE subject_pin = ?1 ORDER BY received_on, id")?;
        let rows = st.query_map([pin], |r| r.get(0))?.collect::<rusqlite::Result<Vec<String>>>()?;
        Ok(rows)
    }
}

impl SqliteReader<'_> {
    /// The medium, charge and referral recorded with the request's last answer (default when
    /// none were recorded).
    pub fn response_details(&self, id: RequestId) -> Result<ResponseDetails> {
        let mut st = self.conn.prepare_cached(
            "SELECT copy_medium, copy_charged, referred_to FROM response_details WHERE request_id = ?1",
        )?;
        let mut rows = st.query([id.0])?;
        let Some(row) = rows.next()? else { return Ok(ResponseDetails::default()) };
        let medium: Option<String> = row.get(0)?;
        let copy_medium = match medium {
            Some(m) => Some(m.parse::<CopyMedium>().map_err(|e| {
                rusqlite::Error::FromSqlConversionFailure(
                    0,
                    rusqlite::types::Type::Text,
                    e.to_string().into(),
                )
            })?),
            None => None,
        };
        Ok(ResponseDetails { copy_medium, copy_charged: row.get(1)?, referred_to: row.get(2)? })
    }
}

impl SqliteTx<'_> {
    /// Records the medium, charge and referral of an answer, replacing an earlier answer's.
    pub fn set_response_details(&self, id: RequestId, d: &ResponseDetails) -> Result<()> {
        self.tx
            .prepare_cached(
                "INSERT INTO response_details (request_id, copy_medium, copy_charged, referred_to)
                 VALUES (?1, ?2, ?3, ?4)
                 ON CONFLICT (request_id) DO UPDATE SET copy_medium = excluded.copy_medium,
                    copy_charged = excluded.copy_charged, referred_to = excluded.referred_to",
            )?
            .execute(rusqlite::params![
                id.0,
                d.copy_medium.map(super::super::domain::referral::CopyMedium::code),
                d.copy_charged,
                d.referred_to
            ])?;
        Ok(())
    }
}
