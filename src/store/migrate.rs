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
    OFFICE_FIGURES,
    include_str!("../../migrations/0015_office_indexes.sql"),
    include_str!("../../migrations/0016_closed_updated_index.sql"),
    include_str!("../../migrations/0017_awaiting_due_index.sql"),
];

/// Migration 0008: the audit chain covers the records. Applying it to a database that
/// already has records also writes their baseline entry (hashing needs Rust, not SQL).
const RECORD_CHAIN: &str = include_str!("../../migrations/0008_record_chain.sql");

/// Migration 0011: each request's figures kept as spans. Applying it to a database that
/// already has requests marks them all; migration 0014 (always applied after it) replays
/// them once to fill the tables with today's shape (the replay is Rust).
const REQUEST_FIGURES: &str = include_str!("../../migrations/0011_request_figures.sql");

/// Migration 0014: the kept figures per office. It moves the figures already kept into
/// their offices in SQL; requests still marked (by 0011 just before) are replayed whole.
const OFFICE_FIGURES: &str = include_str!("../../migrations/0014_office_figures.sql");

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
            tx.execute_batch("INSERT OR IGNORE INTO figures_stale (request_id) SELECT id FROM requests;")?;
        }
        if *sql == OFFICE_FIGURES && tx.prepare("SELECT 1 FROM figures_stale LIMIT 1")?.exists([])? {
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
        let store = super::super::SqliteStore { conn, path: None, key: None, tracking: false };
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

    /// A database made before the kept figures (0011) gets them, in their offices (0014):
    /// 0011 marks its requests, 0014 replays them; `check` finds nothing to mend.
    #[test]
    fn requests_from_before_the_kept_figures_get_them_per_office() {
        let mut conn = Connection::open_in_memory().unwrap();
        let before = MIGRATIONS.iter().position(|m| *m == REQUEST_FIGURES).unwrap();
        for sql in &MIGRATIONS[..before] {
            conn.execute_batch(sql).unwrap();
        }
        conn.pragma_update(None, "user_version", before as i64).unwrap();
        conn.execute_batch(
            "INSERT INTO requests (ref, kind, status, channel, lang, received_on, registered_on, identity,
                subject_name, subject_pin, due_on, closed_on, created_at, updated_at)
             VALUES ('ARZ-2026-000001', 'access', 'new', 'post', 'ky', '2026-11-02', '2026-11-02', 'e_signature',
                     'A', '1', '2026-11-05', NULL, 'now', 'now'),
                    ('ARZ-2026-000002', 'access', 'withdrawn', 'post', 'ky', '2026-11-02', '2026-11-02', 'e_signature',
                     'B', '2', '2026-11-05', '2026-11-03', 'now', 'now');",
        )
        .unwrap();
        migrate(&mut conn).unwrap();
        let store = super::super::SqliteStore { conn, path: None, key: None, tracking: false };
        let read = store.read();
        assert!(read.figures_drift().unwrap().is_empty(), "{:?}", read.figures_drift());
        assert!(read.stats_drift().unwrap().is_empty(), "{:?}", read.stats_drift());
        let spans: i64 = store
            .conn
            .query_row("SELECT count(*) FROM request_figures WHERE office = 1", [], |r| r.get(0))
            .unwrap();
        assert!(spans >= 2, "{spans}");
        let d = |t: &str| t.parse().unwrap();
        assert_eq!(read.backlog(d("2026-11-02"), d("2026-11-02"), &[1]).unwrap()[0].open, 2);
        assert_eq!(read.backlog(d("2026-11-02"), d("2026-11-02"), &[2]).unwrap()[0].open, 0);
    }

    #[test]
    fn a_negative_schema_version_is_refused() {
        let mut conn = Connection::open_in_memory().unwrap();
        conn.pragma_update(None, "user_version", -3).unwrap();
        assert!(matches!(migrate(&mut conn), Err(StoreError::Corrupt(_))));
    }
}
