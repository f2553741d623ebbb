//! Ordered, append-only migrations tracked in `PRAGMA user_version`, each in its own
//! transaction. A database newer than the binary is refused, never "downgraded".

use rusqlite::Connection;

use super::{APPLICATION_ID, Result, StoreError};

/// The migrations, in order; migration `i` brings the schema to version `i + 1`.
pub(super) const MIGRATIONS: &[&str] = &[
    include_str!("../../migrations/0001_init.sql"),
    include_str!("../../migrations/0002_retention.sql"),
    include_str!("../../migrations/0003_stats.sql"),
    include_str!("../../migrations/0004_covering_open.sql"),
    include_str!("../../migrations/0005_awaiting.sql"),
    include_str!("../../migrations/0006_awaiting_since.sql"),
    include_str!("../../migrations/0007_calendar_confidence.sql"),
    RECORD_CHAIN,
    include_str!("../../migrations/0009_history.sql"),
    include_str!("../../migrations/0010_response_details.sql"),
    REQUEST_FIGURES,
    include_str!("../../migrations/0012_case_file.sql"),
    include_str!("../../migrations/0013_offices.sql"),
];

/// Migration 0008: the audit chain covers the records. Applying it to a database that
/// already has records also writes their baseline entry (hashing needs Rust, not SQL).
const RECORD_CHAIN: &str = include_str!("../../migrations/0008_record_chain.sql");

/// Migration 0011: each request's figures kept as spans. Applying it to a database that
/// already has requests replays them all once to fill the table (the replay is Rust).
const REQUEST_FIGURES: &str = include_str!("../../migrations/0011_request_figures.sql");

pub const SCHEMA_VERSION: i64 = MIGRATIONS.len() as i64;

pub(super) fn migrate(conn: &mut Connection) -> Result<()> {
    let current: i64 = conn.pragma_query_value(None, "user_version", |r| r.get(0))?;
    if current < 0 {
        return Err(StoreError::Corrupt(format!("schema version {current} is not one aryz ever writes")));
    }
    if current > SCHEMA_VERSION {
        return Err(StoreError::TooNew { found: current, known: SCHEMA_VERSION });
    }
    for (i, sql) in MIGRATIONS.iter().enumerate().skip(current as usize) {
        let tx = conn.transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
        // Another process may have migrated between our read and our lock.
        let now: i64 = tx.pragma_query_value(None, "user_version", |r| r.get(0))?;
        if now > i as i64 {
            tx.commit()?;
            continue;
        }
        tx.execute_batch(sql)?;
        if *sql == RECORD_CHAIN {
            super::audit::baseline_entry(&tx)?;
        }
        if *sql == REQUEST_FIGURES {
            super::figures::rebuild_all(&tx)?;
        }
        tx.pragma_update(None, "user_version", (i + 1) as i64)?;
        tx.pragma_update(None, "application_id", APPLICATION_ID)?;
        tx.commit()?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A database made before migration 0008 (records, no record state) verifies after it:
    /// its records enter the chain through one baseline entry.
    #[test]
    fn existing_records_get_a_baseline_entry() {
        let mut conn = Connection::open_in_memory().unwrap();
        let before = MIGRATIONS.iter().position(|m| *m == RECORD_CHAIN).unwrap();
        for sql in &MIGRATIONS[..before] {
            conn.execute_batch(sql).unwrap();
        }
        conn.pragma_update(None, "user_version", before as i64).unwrap();
        conn.execute_batch(
            "INSERT INTO operators (login, role, created_at) VALUES ('root', 'admin', 'now');
             INSERT INTO audit (id, at, actor, action, prev_hash, hash) VALUES (1, 'now', 'root', 'init', '', '');",
        )
        .unwrap();
        migrate(&mut conn).unwrap();
        let store = super::super::SqliteStore { conn, path: None, key: None, tracking: false, commits: 0 };
        let v = store.read().verify_full(None).unwrap();
        // Entry 1 was planted without a valid hash; everything after it is about records.
        assert!(v.problems.iter().all(|p| p.id == 1), "{:?}", v.problems);
        let (action, state): (String, String) = store
            .conn
            .query_row("SELECT action, state FROM audit WHERE id = 2", [], |r| Ok((r.get(0)?, r.get(1)?)))
            .unwrap();
        assert_eq!(action, "records_baseline");
        assert!(state.contains("operators=1:"), "{state}");
    }

    #[test]
    fn a_negative_schema_version_is_refused() {
        let mut conn = Connection::open_in_memory().unwrap();
        conn.pragma_update(None, "user_version", -3).unwrap();
        assert!(matches!(migrate(&mut conn), Err(StoreError::Corrupt(_))));
    }
}
