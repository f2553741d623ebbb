//! The append-only, hash-chained audit log. Each entry's hash covers its fields and the
//! previous entry's hash, so editing, deleting or inserting a row behind aryz's back breaks
//! the chain at that row, and `aryz audit verify` finds it.

use rusqlite::{OptionalExtension, params};
use serde::Serialize;
use sha2::{Digest, Sha256};

use super::{Reader, Result, Tx};

/// The `prev_hash` of the first entry.
pub const GENESIS: &str = "0000000000000000000000000000000000000000000000000000000000000000";

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct AuditEntry {
    pub id: i64,
    pub at: String,
    pub actor: String,
    pub action: String,
    pub target: String,
    pub detail: String,
    #[serde(skip)]
    pub prev_hash: String,
    #[serde(skip)]
    pub hash: String,
}

/// The first place where the chain does not hold.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct AuditProblem {
    pub id: i64,
    pub problem: String,
}

fn entry_hash(
    prev: &str,
    id: i64,
    at: &str,
    actor: &str,
    action: &str,
    target: &str,
    detail: &str,
) -> String {
    let mut h = Sha256::new();
    // Length-prefixed fields, so that moving text between fields changes the hash.
    for part in [prev, &id.to_string(), at, actor, action, target, detail] {
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

/// Filter of `aryz audit log`.
#[derive(Debug, Clone, Default)]
pub struct AuditFilter {
    pub target: Option<String>,
    pub actor: Option<String>,
    pub since: Option<String>,
    pub limit: usize,
}

impl Reader<'_> {
    /// Walks the whole chain; `Ok(None)` when it holds.
    pub fn verify_audit(&self) -> Result<(usize, Option<AuditProblem>)> {
        let mut st = self.conn.prepare(&format!("SELECT {COLUMNS} FROM audit ORDER BY id"))?;
        let mut rows = st.query([])?;
        let mut prev = GENESIS.to_string();
        let mut expected_id = 1;
        let mut n = 0;
        while let Some(row) = rows.next()? {
            let e = from_row(row)?;
            n += 1;
            if e.id != expected_id {
                return Ok((
                    n,
                    Some(AuditProblem {
                        id: expected_id,
                        problem: format!("entry {expected_id} is missing"),
                    }),
                ));
            }
            if e.prev_hash != prev {
                return Ok((n, Some(AuditProblem { id: e.id, problem: "does not follow the previous entry (an entry before it was changed, removed or inserted)".into() })));
            }
            let h = entry_hash(&e.prev_hash, e.id, &e.at, &e.actor, &e.action, &e.target, &e.detail);
            if h != e.hash {
                return Ok((
                    n,
                    Some(AuditProblem {
                        id: e.id,
                        problem: "its content was changed after it was written".into(),
                    }),
                ));
            }
            prev = e.hash;
            expected_id += 1;
        }
        // The head recorded with the last append detects entries removed from the end.
        let head: Option<String> = self
            .conn
            .query_row("SELECT value FROM meta WHERE key = 'audit_head'", [], |r| r.get(0))
            .optional()?;
        if let Some(head) = head {
            let want = format!("{}:{}", expected_id - 1, prev);
            if head != want {
                return Ok((
                    n,
                    Some(AuditProblem {
                        id: expected_id,
                        problem: "entries at the end of the log are missing".into(),
                    }),
                ));
            }
        }
        Ok((n, None))
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
    /// Appends one entry to the chain.
    pub fn audit(&self, at: &str, actor: &str, action: &str, target: &str, detail: &str) -> Result<()> {
        let last: Option<(i64, String)> = self
            .tx
            .prepare_cached("SELECT id, hash FROM audit ORDER BY id DESC LIMIT 1")?
            .query_row([], |r| Ok((r.get(0)?, r.get(1)?)))
            .optional()?;
        let (id, prev) = match last {
            Some((id, hash)) => (id + 1, hash),
            None => (1, GENESIS.to_string()),
        };
        let hash = entry_hash(&prev, id, at, actor, action, target, detail);
        self.tx
            .prepare_cached(&format!(
                "INSERT INTO audit ({COLUMNS}) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)"
            ))?
            .execute(params![id, at, actor, action, target, detail, prev, hash])?;
        self.set_meta("audit_head", &format!("{id}:{hash}"))?;
        Ok(())
    }
}
