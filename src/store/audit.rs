//! The audit log in `SQLite`: entries in the `audit` table, the head in `meta`. How entries
//! are hashed, linked and verified is [`crate::domain::audit_chain`]'s, shared by every
//! backend; this file only stores and reads, and checks the records under the chain.

use rusqlite::types::Value;
use rusqlite::{OptionalExtension, params};

use super::{Result, SqliteReader, SqliteTx};
use crate::domain::audit_chain::{AuditHead, AuditProblem, ChainCheck, EntryFields, entry_hash, next_link};
use crate::model::{AuditEntry, AuditFilter, Verification};

fn from_row(r: &rusqlite::Row<'_>) -> rusqlite::Result<AuditEntry> {
    Ok(AuditEntry {
        id: r.get(0)?,
        at: r.get(1)?,
        actor: r.get(2)?,
        action: r.get(3)?,
        target: r.get(4)?,
        detail: r.get(5)?,
        prev_hash: r.get(6)?,
        hash: r.get(7)?,
    })
}

const COLUMNS: &str = "id, at, actor, action, target, detail, prev_hash, hash";
const CHAIN_COLUMNS: &str = "id, at, actor, action, target, detail, prev_hash, hash, state";

impl SqliteReader<'_> {
    /// Walks the whole chain; `Ok(None)` when it holds. (The first problem of [`Reader::verify_full`].)
    pub fn verify_audit(&self) -> Result<(usize, Option<AuditProblem>)> {
        let v = self.verify_full(None)?;
        Ok((v.entries, v.problems.into_iter().next()))
    }

    /// The last entry: its number and hash.
    pub fn audit_head(&self) -> Result<Option<AuditHead>> {
        Ok(self
            .conn
            .prepare_cached("SELECT id, hash FROM audit ORDER BY id DESC LIMIT 1")?
            .query_row([], |r| Ok(AuditHead { id: r.get(0)?, hash: r.get(1)? }))
            .optional()?)
    }

    /// One pass over the chain, then one ordered pass over the records: the chain must
    /// hold, end where `audit_head` (and `expect`, a head kept elsewhere) says, and every
    /// request, event and operator must be what the last audited change left.
    pub fn verify_full(&self, expect: Option<&AuditHead>) -> Result<Verification> {
        let mut st = self.conn.prepare(&format!("SELECT {CHAIN_COLUMNS} FROM audit ORDER BY id"))?;
        let mut rows = st.query([])?;
        let mut chain = ChainCheck::new(expect);
        let mut last_state = String::new();
        while let Some(row) = rows.next()? {
            let e = from_row(row)?;
            let state: String = row.get(8)?;
            let fields = EntryFields {
                id: e.id,
                at: &e.at,
                actor: &e.actor,
                action: &e.action,
                target: &e.target,
                detail: &e.detail,
                state: &state,
            };
            chain.push(&fields, &e.prev_hash, &e.hash);
            last_state = state;
        }
        // The head recorded with the last append detects entries removed from the end.
        let stored_head: Option<String> = self
            .conn
            .query_row("SELECT value FROM meta WHERE key = 'audit_head'", [], |r| r.get(0))
            .optional()?;
        let verdict = chain.finish(stored_head.as_deref());
        let check = super::records::check(self.conn)?;
        let max_filed: i64 =
            self.conn.query_row("SELECT coalesce(max(audit_id), 0) FROM record_state", [], |r| r.get(0))?;
        Ok(super::records::conclude(verdict, check, self.blob_problems()?, max_filed, &last_state))
    }

    pub fn audit_entries(&self, f: &AuditFilter) -> Result<Vec<AuditEntry>> {
        let mut st = self.conn.prepare_cached(&format!(
            "SELECT {COLUMNS} FROM audit
             WHERE (?1 IS NULL OR target = ?1) AND (?2 IS NULL OR actor = ?2) AND (?3 IS NULL OR at >= ?3)
             ORDER BY id DESC LIMIT ?4"
        ))?;
        let limit = if f.limit == 0 { i64::MAX } else { f.limit as i64 };
        let rows = st
            .query_map(params![f.target, f.actor, f.since, limit], from_row)?
            .collect::<rusqlite::Result<Vec<_>>>()?;
        Ok(rows)
    }
}

impl SqliteTx<'_> {
    /// Appends one entry to the chain, binding the state of every record this transaction
    /// changed so far (see [`super::records`]). The one way anything writes the log.
    pub fn audit(&self, at: &str, actor: &str, action: &str, target: &str, detail: &str) -> Result<()> {
        append(self.tx, at, actor, action, target, detail, |conn, state, id| {
            super::records::bind_touched(conn, state, id)
        })
    }
}

fn append(
    conn: &rusqlite::Connection,
    at: &str,
    actor: &str,
    action: &str,
    target: &str,
    detail: &str,
    bind: impl FnOnce(&rusqlite::Connection, &mut super::records::State, i64) -> Result<()>,
) -> Result<()> {
    let last: Option<(i64, String, String)> = conn
        .prepare_cached("SELECT id, hash, state FROM audit ORDER BY id DESC LIMIT 1")?
        .query_row([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))
        .optional()?;
    let (last, state) = match last {
        Some((id, hash, state)) => (Some(AuditHead { id, hash }), state),
        None => (None, String::new()),
    };
    let AuditHead { id, hash: prev } = next_link(last);
    // An unreadable state (edited behind aryz's back) restarts from nothing; verify reports it.
    let mut state = super::records::State::parse(&state).unwrap_or_default();
    bind(conn, &mut state, id)?;
    let state = state.render();
    let hash = entry_hash(&prev, &EntryFields { id, at, actor, action, target, detail, state: &state });
    conn.prepare_cached(&format!(
        "INSERT INTO audit ({CHAIN_COLUMNS}) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)"
    ))?
    .execute(params![id, at, actor, action, target, detail, prev, hash, state])?;
    conn.prepare_cached(
        "INSERT INTO meta (key, value) VALUES ('audit_head', ?1) ON CONFLICT (key) DO UPDATE SET value = excluded.value",
    )?
    .execute([AuditHead { id, hash }.to_string()])?;
    Ok(())
}

/// Appends one entry per request inserted after request `after` (ids `after + 1 ..`, one
/// per item of `entries`, in order), each `(target, detail)` with `action`, exactly as
/// appending them one by one right after each request was inserted would: entry `k` binds
/// the records as they stood after request `k`. The requests are hashed in one ordered
/// pass, and the head is written once. For a batch registration.
pub(super) fn append_per_request(
    conn: &rusqlite::Connection,
    after: i64,
    at: &str,
    actor: &str,
    action: &str,
    entries: &[(&str, &str)],
) -> Result<()> {
    let last: Option<(i64, String, String)> = conn
        .prepare_cached("SELECT id, hash, state FROM audit ORDER BY id DESC LIMIT 1")?
        .query_row([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))
        .optional()?;
    let (last, state) = match last {
        Some((id, hash, state)) => (Some(AuditHead { id, hash }), state),
        None => (None, String::new()),
    };
    let mut head = next_link(last);
    let mut state = super::records::State::parse(&state).unwrap_or_default();
    let records = super::records::hashed_after(conn, after)?;
    if records.len() != entries.len()
        || records.iter().enumerate().any(|(i, (id, _, _))| *id != after + 1 + i as i64)
    {
        return Err(super::StoreError::Corrupt(format!(
            "{} requests were inserted after request {after}, {} were expected",
            records.len(),
            entries.len()
        )));
    }
    // Entries and filed hashes are written many rows per statement (as one by one would
    // write them: the rows do not depend on each other's writes).
    let flush = |audit: &mut Vec<Value>, filed: &mut Vec<Value>| -> Result<()> {
        super::requests::insert_many(conn, &format!("INSERT INTO audit ({CHAIN_COLUMNS})"), "", 9, audit)?;
        super::requests::insert_many(
            conn,
            "INSERT OR REPLACE INTO record_state (kind, key, hash, audit_id)",
            "",
            4,
            filed,
        )?;
        audit.clear();
        filed.clear();
        Ok(())
    };
    let (mut audit, mut filed) = (Vec::new(), Vec::new());
    for ((target, detail), (id, new, old)) in entries.iter().zip(&records) {
        super::records::file_request_later(&mut state, *id, *old, *new, head.id, &mut filed);
        let rendered = state.render();
        let fields = EntryFields { id: head.id, at, actor, action, target, detail, state: &rendered };
        let hash = entry_hash(&head.hash, &fields);
        audit.extend([
            Value::Integer(head.id),
            Value::Text(at.to_string()),
            Value::Text(actor.to_string()),
            Value::Text(action.to_string()),
            Value::Text((*target).to_string()),
            Value::Text((*detail).to_string()),
            Value::Text(head.hash.clone()),
            Value::Text(hash.clone()),
            Value::Text(rendered),
        ]);
        head = AuditHead { id: head.id + 1, hash };
        if audit.len() >= 9 * 64 {
            flush(&mut audit, &mut filed)?;
        }
    }
    flush(&mut audit, &mut filed)?;
    super::records::forget_touched_after(conn, after)?;
    let written = AuditHead { id: head.id - 1, hash: head.hash };
    conn.prepare_cached(
        "INSERT INTO meta (key, value) VALUES ('audit_head', ?1) ON CONFLICT (key) DO UPDATE SET value = excluded.value",
    )?
    .execute([written.to_string()])?;
    Ok(())
}

/// Migration 0008 on a database that already has records: files them all under one
/// baseline entry, so that from then on every change to them must be audited.
pub(super) fn baseline_entry(conn: &rusqlite::Connection) -> Result<()> {
    let records: i64 = conn.query_row(
        "SELECT (SELECT count(*) FROM requests) + (SELECT count(*) FROM operators)",
        [],
        |r| r.get(0),
    )?;
    if records == 0 {
        return Ok(());
    }
    let at = chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Secs, true);
    append(conn, &at, "aryz", "records_baseline", "", &format!("{records} records"), |conn, state, id| {
        *state = super::records::baseline(conn, id)?;
        Ok(())
    })
}
