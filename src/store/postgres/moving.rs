//! Moving up: a SQLite database copied whole into an empty PostgreSQL database, in one
//! transaction (all of it or nothing), with every id, every event and the audit chain with
//! its hashes and the record state under it, so the chain verifies on the target as it did
//! on the source. Rows go through `COPY` in batches; the derived figures and the search
//! vector are made by the target's own triggers and generated columns; every operator gets
//! their login role in the group of their role (which needs CREATEROLE).

use std::io::Write;

use rusqlite::types::ValueRef;

use super::{Conn, PgStore, borrow, get};
use crate::store::{Result, SqliteStore, StoreError};

/// The tables copied, parents before children.
const TABLES: &[&str] = &[
    "meta",
    "offices",
    "operators",
    "ref_sequences",
    "calendar_entries",
    "requests",
    "deadlines",
    "category_actions",
    "events",
    "response_details",
    "blobs",
    "attachments",
    "representatives",
    "request_links",
    "mail_imports",
    "audit",
];

/// Rows per `COPY` statement (each runs the figures' statement-level triggers once).
const BATCH: usize = 5000;

/// Bytes per `COPY` statement, at most (attached files are large rows).
const BATCH_BYTES: usize = 16 << 20;

/// What was copied.
#[derive(Debug, Clone, Default, serde::Serialize)]
pub struct Moved {
    pub requests: i64,
    pub events: i64,
    pub operators: i64,
    pub audit_entries: i64,
    pub attachments: i64,
}

fn io(e: &std::io::Error) -> StoreError {
    StoreError::Location(crate::i18n::localize::io_error(e))
}

/// One value in `COPY`'s text format, for a column of PostgreSQL type `ty`.
fn push_value(buf: &mut Vec<u8>, v: ValueRef<'_>, ty: &str) {
    match v {
        ValueRef::Null => buf.extend_from_slice(b"\\N"),
        ValueRef::Integer(i) if ty == "boolean" => buf.push(if i != 0 { b't' } else { b'f' }),
        ValueRef::Integer(i) => buf.extend_from_slice(i.to_string().as_bytes()),
        ValueRef::Real(f) => buf.extend_from_slice(f.to_string().as_bytes()),
        ValueRef::Text(t) => {
            for &b in t {
                match b {
                    b'\\' => buf.extend_from_slice(b"\\\\"),
                    b'\n' => buf.extend_from_slice(b"\\n"),
                    b'\r' => buf.extend_from_slice(b"\\r"),
                    b'\t' => buf.extend_from_slice(b"\\t"),
                    _ => buf.push(b),
                }
            }
        }
        ValueRef::Blob(b) => {
            buf.extend_from_slice(b"\\\\x");
            for byte in b {
                buf.extend_from_slice(format!("{byte:02x}").as_bytes());
            }
        }
    }
}

fn flush(c: &mut Conn, table: &str, cols: &str, buf: &mut Vec<u8>) -> Result<()> {
    if buf.is_empty() {
        return Ok(());
    }
    let mut w = c.client.copy_in(&format!("COPY {table} ({cols}) FROM STDIN"))?;
    w.write_all(buf).map_err(|e| io(&e))?;
    w.finish()?;
    buf.clear();
    Ok(())
}

/// Copies one table: the columns both sides have (the target's generated ones excepted).
fn copy_table(src: &rusqlite::Connection, c: &mut Conn, table: &str) -> Result<i64> {
    let target: Vec<(String, String)> = c
        .query(
            "SELECT column_name::text, data_type::text FROM information_schema.columns
             WHERE table_schema = current_schema() AND table_name = $1 AND is_generated = 'NEVER'
             ORDER BY ordinal_position",
            &[&table],
        )?
        .iter()
        .map(|r| Ok((get(r, 0)?, get(r, 1)?)))
        .collect::<Result<_>>()?;
    let mut st = src.prepare(&format!("SELECT name FROM pragma_table_info('{table}')"))?;
    let source: Vec<String> = st.query_map([], |r| r.get(0))?.collect::<rusqlite::Result<_>>()?;
    let cols: Vec<(String, String)> =
        source.iter().filter_map(|name| target.iter().find(|(n, _)| n == name).cloned()).collect();
    if cols.is_empty() {
        return Ok(0);
    }
    let names = cols.iter().map(|(n, _)| n.as_str()).collect::<Vec<_>>().join(", ");
    let mut st = src.prepare(&format!("SELECT {names} FROM {table}"))?;
    let mut rows = st.query([])?;
    let mut buf = Vec::new();
    let (mut n, mut pending) = (0i64, 0usize);
    while let Some(row) = rows.next()? {
        for (i, (_, ty)) in cols.iter().enumerate() {
            if i > 0 {
                buf.push(b'\t');
            }
            push_value(&mut buf, row.get_ref(i)?, ty);
        }
        buf.push(b'\n');
        n += 1;
        pending += 1;
        if pending == BATCH || buf.len() >= BATCH_BYTES {
            flush(c, table, &names, &mut buf)?;
            pending = 0;
        }
    }
    flush(c, table, &names, &mut buf)?;
    Ok(n)
}

/// The record state: SQLite keys a record by an id or a login in one column.
fn copy_record_state(src: &rusqlite::Connection, c: &mut Conn) -> Result<()> {
    let mut st = src.prepare("SELECT kind, key, hash, audit_id FROM record_state")?;
    let mut rows = st.query([])?;
    let mut buf = Vec::new();
    let mut pending = 0;
    let cols = "kind, id, login, hash, audit_id";
    while let Some(row) = rows.next()? {
        push_value(&mut buf, row.get_ref(0)?, "smallint");
        buf.push(b'\t');
        match row.get_ref(1)? {
            ValueRef::Integer(i) => buf.extend_from_slice(format!("{i}\t\t").as_bytes()),
            other => {
                buf.extend_from_slice(b"0\t");
                push_value(&mut buf, other, "text");
                buf.push(b'\t');
            }
        }
        push_value(&mut buf, row.get_ref(2)?, "bytea");
        buf.push(b'\t');
        push_value(&mut buf, row.get_ref(3)?, "bigint");
        buf.push(b'\n');
        pending += 1;
        if pending == BATCH {
            flush(c, "record_state", cols, &mut buf)?;
            pending = 0;
        }
    }
    flush(c, "record_state", cols, &mut buf)
}

/// Copies `src` whole into the empty database at `url` (refusing one that is not empty).
pub fn copy(src: &SqliteStore, url: &str) -> Result<(PgStore, Moved)> {
    let conn = &src.conn;
    // One read snapshot of the source for the whole copy.
    conn.execute_batch("BEGIN")?;
    let mut moved = Moved::default();
    let made = PgStore::create_with(url, |tx| -> Result<()> {
        let mut c = borrow(tx.conn)?;
        // The target's own default office (made by its migration) gives way to the source's
        // offices, ids included: the records' hashes name offices by id.
        c.batch("DELETE FROM offices")?;
        for table in TABLES {
            let n = copy_table(conn, &mut c, table)?;
            match *table {
                "requests" => moved.requests = n,
                "events" => moved.events = n,
                "operators" => moved.operators = n,
                "audit" => moved.audit_entries = n,
                "attachments" => moved.attachments = n,
                _ => {}
            }
        }
        copy_record_state(conn, &mut c)?;
        c.batch(
            "UPDATE audit_head SET id = coalesce((SELECT max(id) FROM audit), 0),
                 hash = coalesce((SELECT hash FROM audit ORDER BY id DESC LIMIT 1), '');
             SELECT setval(pg_get_serial_sequence('requests', 'id'), coalesce((SELECT max(id) FROM requests), 0) + 1, false);
             SELECT setval(pg_get_serial_sequence('events', 'id'), coalesce((SELECT max(id) FROM events), 0) + 1, false);
             SELECT setval(pg_get_serial_sequence('blobs', 'id'), coalesce((SELECT max(id) FROM blobs), 0) + 1, false);
             SELECT setval(pg_get_serial_sequence('offices', 'id'), coalesce((SELECT max(id) FROM offices), 0) + 1, false);",
        )?;
        let operators = c.query("SELECT login, role, active FROM operators ORDER BY login", &[])?;
        drop(c);
        for row in &operators {
            let (login, role, active): (String, String, bool) = (get(row, 0)?, get(row, 1)?, get(row, 2)?);
            tx.sync_role(&login, &role, active)?;
        }
        Ok(())
    });
    let _ = conn.execute_batch("COMMIT");
    let made = made?;
    // Fresh statistics for the planner: without them a search that matches nothing walks
    // every request (and verifying a copied million takes twice as long).
    borrow(&made.conn)?.batch("ANALYZE")?;
    Ok((made, moved))
}
