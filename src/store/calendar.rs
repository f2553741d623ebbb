//! Calendar entries added, confirmed or removed by administrators.

use chrono::NaiveDate;
use rusqlite::params;

use super::row::code;
use super::{Result, SqliteReader, SqliteTx};
use crate::domain::calendar::CalendarEntry;

impl SqliteReader<'_> {
    /// The administrators' entries in force (removed days excluded).
    pub fn calendar_entries(&self) -> Result<Vec<CalendarEntry>> {
        let mut st = self.conn.prepare_cached(
            "SELECT date, kind, name, basis, applies_to, confidence, source FROM calendar_entries
             WHERE removed = 0 ORDER BY date",
        )?;
        let rows = st
            .query_map([], |r| {
                Ok(CalendarEntry {
                    date: r.get(0)?,
                    kind: code(r, 1)?,
                    name: r.get(2)?,
                    basis: r.get(3)?,
                    applies_to: r.get(4)?,
                    confidence: r.get(5)?,
                    source: r.get(6)?,
                })
            })?
            .collect::<rusqlite::Result<Vec<_>>>()?;
        Ok(rows)
    }

    /// Dates an administrator removed: no entry, shipped or generated, applies to them.
    pub fn calendar_removals(&self) -> Result<Vec<NaiveDate>> {
        let mut st =
            self.conn.prepare_cached("SELECT date FROM calendar_entries WHERE removed = 1 ORDER BY date")?;
        let rows = st.query_map([], |r| r.get(0))?.collect::<rusqlite::Result<Vec<_>>>()?;
        Ok(rows)
    }
}

impl SqliteTx<'_> {
    /// Adds or replaces the entry for its date (undoing a removal of that date).
    pub fn put_calendar_entry(&self, e: &CalendarEntry, by: &str, now: &str) -> Result<()> {
        self.tx.execute(
            "INSERT INTO calendar_entries (date, kind, name, basis, applies_to, confidence, source, added_by, added_at, removed)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, 0)
             ON CONFLICT (date) DO UPDATE SET kind = excluded.kind, name = excluded.name,
                basis = excluded.basis, applies_to = excluded.applies_to, confidence = excluded.confidence,
                source = excluded.source, added_by = excluded.added_by, added_at = excluded.added_at,
                removed = 0",
            params![e.date, e.kind.code(), e.name, e.basis, e.applies_to, e.confidence, e.source, by, now],
        )?;
        Ok(())
    }

    /// Marks `date` removed, keeping what was there (kind and name) for the record.
    pub fn remove_calendar_date(&self, date: NaiveDate, why: &str, by: &str, now: &str) -> Result<()> {
        self.tx.execute(
            "INSERT INTO calendar_entries (date, kind, name, basis, applies_to, confidence, source, added_by, added_at, removed)
             VALUES (?1, 'holiday', 'removed', '', '', '', ?2, ?3, ?4, 1)
             ON CONFLICT (date) DO UPDATE SET removed = 1, source = excluded.source,
                added_by = excluded.added_by, added_at = excluded.added_at",
            params![date, why, by, now],
        )?;
        Ok(())
    }
}
