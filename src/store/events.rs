//! The timeline of a request: one row per change.

use rusqlite::params;
use serde::Serialize;

use super::row::code;
use super::{Reader, Result, Tx};
use crate::code_enum;
use crate::domain::request::RequestId;

code_enum!(
    /// What an event records. Internal notes and messages to the subject are distinct kinds.
    EventKind, "event" {
        Created => "created",
        StatusChanged => "status_changed",
        Assigned => "assigned",
        Note => "note",
        Message => "message",
        DeadlineChanged => "deadline_changed",
        Paused => "paused",
        Resumed => "resumed",
        Responded => "responded",
        Withdrawn => "withdrawn",
        Reopened => "reopened",
        Letter => "letter",
        Erased => "erased",
    }
);

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Event {
    pub at: String,
    pub actor: String,
    pub kind: EventKind,
    pub old: Option<String>,
    pub new: Option<String>,
    pub text: String,
    /// The date the operator entered, when the event takes effect on another day than it
    /// was recorded (a backdated answer); `at` keeps the real time.
    pub effective_on: Option<String>,
}

impl Event {
    pub fn new(kind: EventKind, actor: &str, at: &str) -> Event {
        Event {
            at: at.to_string(),
            actor: actor.to_string(),
            kind,
            old: None,
            new: None,
            text: String::new(),
            effective_on: None,
        }
    }

    pub fn change(mut self, old: Option<impl Into<String>>, new: Option<impl Into<String>>) -> Event {
        self.old = old.map(Into::into);
        self.new = new.map(Into::into);
        self
    }

    pub fn text(mut self, text: impl Into<String>) -> Event {
        self.text = text.into();
        self
    }

    pub fn effective_on(mut self, day: chrono::NaiveDate) -> Event {
        self.effective_on = Some(day.to_string());
        self
    }
}

impl Reader<'_> {
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

impl Tx<'_> {
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
