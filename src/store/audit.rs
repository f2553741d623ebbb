//! The append-only, hash-chained audit log. Each entry's hash covers its fields and the
//! previous entry's hash, so editing, deleting or inserting a row behind aryz's back breaks
//! the chain at that row, and `aryz audit verify` finds it.

use rusqlite::{OptionalExtension, params};
use sha2::{Digest, Sha256};

use super::{Reader, Result, Tx};
use crate::model::{AuditEntry, AuditFilter, AuditHead, AuditProblem, Verification};

/// The `prev_hash` of the first entry.
pub const GENESIS: &str = "0000000000000000000000000000000000000000000000000000000000000000";

#[allow(clippy::too_many_arguments)]
fn entry_hash(
    prev: &str,
    id: i64,
    at: &str,
    actor: &str,
    action: &str,
    target: &str,
    detail: &str,
    state: &str,
) -> String {
    let mut h = Sha256::new();
    // Length-prefixed fields, so that moving text between fields changes the hash.
    let id = id.to_string();
    let mut parts = vec![prev, id.as_str(), at, actor, action, target, detail];
    // Entries written before migration 0008 bound no record state; their hash stays as it was.
    if !state.is_empty() {
        parts.push(state);
    }
    for part in parts {
        h.update((part.len() as u64).to_le_bytes());
        h.update(part.as_bytes());
    }
    h.finalize().iter().map(|b| format!("{b:02x}")).collect()
}

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

impl Reader<'_> {
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
        let mut problems = Vec::new();
        let mut st = self.conn.prepare(&format!("SELECT {CHAIN_COLUMNS} FROM audit ORDER BY id"))?;
        let mut rows = st.query([])?;
        let mut prev = GENESIS.to_string();
        let mut expected_id = 1;
        let mut n = 0;
        let mut last_state = String::new();
        let mut expected_seen = false;
        let mut chain_broken = false;
        while let Some(row) = rows.next()? {
            let e = from_row(row)?;
            let state: String = row.get(8)?;
            n += 1;
            if let Some(x) = expect
                && x.id == e.id
            {
                expected_seen = true;
                if x.hash != e.hash {
                    problems.push(AuditProblem {
                        id: e.id,
                        problem: format!("differs from the head kept elsewhere ({x}): the log was rewritten"),
                    });
                }
            }
            if !chain_broken {
                let problem = if e.id != expected_id {
                    Some((expected_id, format!("entry {expected_id} is missing")))
                } else if e.prev_hash != prev {
                    Some((e.id, "does not follow the previous entry (an entry before it was changed, removed or inserted)".to_string()))
                } else if entry_hash(
                    &e.prev_hash,
                    e.id,
                    &e.at,
                    &e.actor,
                    &e.action,
                    &e.target,
                    &e.detail,
                    &state,
                ) != e.hash
                {
                    Some((e.id, "its content was changed after it was written".to_string()))
                } else {
                    None
                };
                if let Some((id, problem)) = problem {
                    problems.push(AuditProblem { id, problem });
                    chain_broken = true;
                }
            }
            prev = e.hash;
            expected_id = e.id + 1;
            last_state = state;
        }
        let last_id = expected_id - 1;
        if n == 0 {
            problems.push(AuditProblem {
                id: 1,
                problem: "the log is empty, yet every aryz database starts with its init entry".into(),
            });
        }
        // The head recorded with the last append detects entries removed from the end.
        let head: Option<String> = self
            .conn
            .query_row("SELECT value FROM meta WHERE key = 'audit_head'", [], |r| r.get(0))
            .optional()?;
        if let Some(head) = head
            && head != format!("{last_id}:{prev}")
        {
            problems.push(AuditProblem {
                id: expected_id,
                problem: "entries at the end of the log are missing".into(),
            });
        }
        if let Some(x) = expect
            && !expected_seen
        {
            problems.push(AuditProblem {
                id: x.id,
                problem: format!(
                    "is missing: the log ends at entry {last_id}, but the head kept elsewhere is {x}"
                ),
            });
        }
        // The records: each against `record_state`, all of them against the last entry's sums.
        let check = super::records::check(self.conn)?;
        let record_problems = check.problems.len();
        problems.extend(check.problems.into_iter().map(|problem| AuditProblem { id: 0, problem }));
        let max_filed: i64 =
            self.conn.query_row("SELECT coalesce(max(audit_id), 0) FROM record_state", [], |r| r.get(0))?;
        if max_filed > last_id {
            problems.push(AuditProblem {
                id: last_id + 1,
                problem: format!("records were left by entry {max_filed}, but the log ends at entry {last_id}: entries were removed from the end"),
            });
        }
        match super::records::State::parse(&last_state) {
            None => problems.push(AuditProblem { id: last_id, problem: "its record state is unreadable".into() }),
            Some(want) if want != check.found && record_problems == 0 => problems.push(AuditProblem {
                id: last_id,
                problem: format!(
                    "the records are not what this last entry left ({} requests and {} operators then, {} and {} now): records or the log were changed outside aryz",
                    want.requests.count, want.operators.count, check.found.requests.count, check.found.operators.count
                ),
            }),
            Some(_) => {}
        }
        let head = (n > 0).then_some(AuditHead { id: last_id, hash: prev });
        Ok(Verification { entries: n, head, problems })
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

impl Tx<'_> {
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
    let (id, prev, state) = match last {
        Some((id, hash, state)) => (id + 1, hash, state),
        None => (1, GENESIS.to_string(), String::new()),
    };
    // An unreadable state (edited behind aryz's back) restarts from nothing; verify reports it.
    let mut state = super::records::State::parse(&state).unwrap_or_default();
    bind(conn, &mut state, id)?;
    let state = state.render();
    let hash = entry_hash(&prev, id, at, actor, action, target, detail, &state);
    conn.prepare_cached(&format!(
        "INSERT INTO audit ({CHAIN_COLUMNS}) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)"
    ))?
    .execute(params![id, at, actor, action, target, detail, prev, hash, state])?;
    conn.prepare_cached(
        "INSERT INTO meta (key, value) VALUES ('audit_head', ?1) ON CONFLICT (key) DO UPDATE SET value = excluded.value",
    )?
    .execute([format!("{id}:{hash}")])?;
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
