//! The timeline of a request: one row per change.

use rusqlite::params;

use super::row::code;
use super::{Result, SqliteReader, SqliteTx};
use crate::domain::request::RequestId;
use crate::model::Event;

impl SqliteReader<'_> {
    pub fn events(&self, id: RequestId) -> Result<Vec<Event>> {
        let mut st = self.conn.prepare_cached(
            "SELECT at, actor, kind, old_value, new_value, text, effective_on FROM events WHERE request_id = ?1 ORDER BY id",
        )?;
        let rows = st
            .query_map([id.0], |r| {
                Ok(Event {
                    at: r.get(0)?,
                    actor: r.get(1)?,
                    kind: code(r, 2)?,
                    old: r.get(3)?,
                    new: r.get(4)?,
                    text: r.get(5)?,
                    effective_on: r.get(6)?,
                })
            })?
            .collect::<rusqlite::Result<Vec<_>>>()?;
        Ok(rows)
    }
}

impl SqliteTx<'_> {
    pub fn insert_event(&self, id: RequestId, e: &Event) -> Result<()> {
        self.tx
            .prepare_cached(
                "INSERT INTO events (request_id, at, actor, kind, old_value, new_value, text, effective_on)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
            )?
            .execute(params![id.0, e.at, e.actor, e.kind.code(), e.old, e.new, e.text, e.effective_on])?;
        Ok(())
    }
}
