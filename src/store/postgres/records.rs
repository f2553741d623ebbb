//! The records under the audit chain on PostgreSQL: the same hashes, byte for byte, as
//! SQLite's `store/records.rs` (each value fed with the type SQLite stores it as: integers
//! and booleans as integers, text as text), so a database moved up from SQLite verifies.
//!
//! Which records a transaction changed is noted by the backend's own writes ([`PgTx`]
//! methods), not by triggers: an edit made with another client (psql) notes nothing, and
//! `aryz audit verify` names the record it changed.

use std::cell::RefCell;
use std::collections::VecDeque;
use std::sync::atomic::{AtomicU64, Ordering as AtomicOrdering};

use postgres::Row;
use postgres::types::Type;
use sha2::{Digest, Sha256};

use super::{Conn, P, PgTx, borrow, get};
use crate::domain::audit_chain::{AuditHead, EntryFields, entry_hash, next_link};
use crate::store::records::{
    ACTION_COLUMNS, ATTACHMENT_COLUMNS, EVENT_COLUMNS, Hash, Key, LINK_COLUMNS, OPERATOR, OPERATOR_COLUMNS,
    REPRESENTATIVE_COLUMNS, REQUEST, REQUEST_COLUMNS, RecordCheck, State, Sum, deleted, feed_office,
    orphaned, unaudited,
};

/// The rows hashed with their request, each in its order (as SQLite's `walk` and
/// `hash_one`): columns, table, order within the request, tag, and what a row is called.
const CHILDREN: [(&str, &str, &str, u8, &str); 5] = [
    (EVENT_COLUMNS, "events", "id", b'e', "event"),
    (ACTION_COLUMNS, "category_actions", "category", b'a', "category action"),
    (ATTACHMENT_COLUMNS, "attachments", "n", b'f', "attachment"),
    (REPRESENTATIVE_COLUMNS, "representatives", "request_id", b'p', "representative"),
    (LINK_COLUMNS, "request_links", "request_id", b'l', "link"),
];

/// A cursor over each of [`CHILDREN`] in order of request, from request `low` on.
fn child_cursors(conn: &RefCell<Conn>, low: i64) -> Result<Vec<(Cursor<'_>, u8, &'static str)>> {
    CHILDREN
        .iter()
        .map(|(cols, table, order, tag, what)| {
            let c = Cursor::open(
                conn,
                &format!("SELECT {cols} FROM {table} WHERE request_id >= $1 ORDER BY request_id, {order}"),
                &[&low],
            )?;
            Ok((c, *tag, *what))
        })
        .collect()
}

/// Feeds the rows of request `id` from each child cursor; `orphan` gets each row of a
/// request before `id` (one that does not exist).
fn feed_children(
    h: &mut Sha256,
    id: i64,
    children: &mut [(Cursor<'_>, u8, &'static str)],
    orphan: &mut impl FnMut(String),
) -> Result<()> {
    for (cursor, tag, what) in children.iter_mut() {
        loop {
            let Some(next) = cursor.peek()? else { break };
            let rid: i64 = get(next, 0)?;
            if rid > id {
                break;
            }
            let Some(next) = cursor.next()? else { break };
            if rid == id {
                feed(h, *tag, &next)?;
            } else {
                orphan(format!("{what} of request #{rid} that does not exist"));
            }
        }
    }
    Ok(())
}
use crate::store::{Result, StoreError};

/// One value as SQLite would hold it.
enum V {
    Null,
    Int(i64),
    Text(String),
    Blob(Vec<u8>),
}

fn value(row: &Row, i: usize) -> Result<V> {
    let ty = row.columns().get(i).map_or(Type::TEXT, |c| c.type_().clone());
    Ok(match ty {
        Type::INT8 => get::<Option<i64>>(row, i)?.map_or(V::Null, V::Int),
        Type::INT4 => get::<Option<i32>>(row, i)?.map_or(V::Null, |v| V::Int(v.into())),
        Type::INT2 => get::<Option<i16>>(row, i)?.map_or(V::Null, |v| V::Int(v.into())),
        Type::BOOL => get::<Option<bool>>(row, i)?.map_or(V::Null, |v| V::Int(v.into())),
        Type::BYTEA => get::<Option<Vec<u8>>>(row, i)?.map_or(V::Null, V::Blob),
        _ => get::<Option<String>>(row, i)?.map_or(V::Null, V::Text),
    })
}

/// Feeds a row as SQLite's `feed` does: a tag, then each value with its type and length.
fn feed(h: &mut Sha256, tag: u8, row: &Row) -> Result<()> {
    feed_n(h, tag, row, row.len())
}

/// [`feed`] of the row's first `n` columns (a record's office, selected after them, is fed
/// by [`feed_office`]).
fn feed_n(h: &mut Sha256, tag: u8, row: &Row, n: usize) -> Result<()> {
    h.update([tag]);
    for i in 0..n {
        match value(row, i)? {
            V::Null => h.update([0]),
            V::Int(v) => {
                h.update([1]);
                h.update(v.to_le_bytes());
            }
            V::Text(t) => {
                h.update([3]);
                h.update((t.len() as u64).to_le_bytes());
                h.update(t.as_bytes());
            }
            V::Blob(b) => {
                h.update([4]);
                h.update((b.len() as u64).to_le_bytes());
                h.update(&b);
            }
        }
    }
    Ok(())
}

static NEXT_CURSOR: AtomicU64 = AtomicU64::new(1);
const BATCH: i64 = 2000;

/// A server-side cursor read in batches (inside a transaction), one row looked ahead.
struct Cursor<'c> {
    conn: &'c RefCell<Conn>,
    name: String,
    buf: VecDeque<Row>,
    done: bool,
}

impl<'c> Cursor<'c> {
    fn open(conn: &'c RefCell<Conn>, sql: &str, params: &[P<'_>]) -> Result<Cursor<'c>> {
        let name = format!("aryz_cursor_{}", NEXT_CURSOR.fetch_add(1, AtomicOrdering::Relaxed));
        borrow(conn)?.query_dynamic(&format!("DECLARE {name} NO SCROLL CURSOR FOR {sql}"), params)?;
        Ok(Cursor { conn, name, buf: VecDeque::new(), done: false })
    }

    fn peek(&mut self) -> Result<Option<&Row>> {
        if self.buf.is_empty() && !self.done {
            let rows = borrow(self.conn)?.query_dynamic(&format!("FETCH {BATCH} FROM {}", self.name), &[])?;
            if (rows.len() as i64) < BATCH {
                self.done = true;
            }
            self.buf.extend(rows);
        }
        Ok(self.buf.front())
    }

    fn next(&mut self) -> Result<Option<Row>> {
        self.peek()?;
        Ok(self.buf.pop_front())
    }

    fn close(self) -> Result<()> {
        borrow(self.conn)?.batch(&format!("CLOSE {}", self.name))
    }
}

/// Calls `f` with every row of `sql`, read in batches through a cursor (inside the
/// transaction the caller opened); no borrow of the connection is held while `f` runs.
pub(super) fn stream(conn: &RefCell<Conn>, sql: &str, f: impl FnMut(&Row) -> Result<()>) -> Result<()> {
    stream_params(conn, sql, &[], f)
}

pub(super) fn stream_params(
    conn: &RefCell<Conn>,
    sql: &str,
    params: &[P<'_>],
    mut f: impl FnMut(&Row) -> Result<()>,
) -> Result<()> {
    let mut c = Cursor::open(conn, sql, params)?;
    while let Some(r) = c.next()? {
        f(&r)?;
    }
    c.close()
}

fn key_of(row: &Row, kind: i64) -> Result<Key> {
    Ok(if kind == REQUEST { Key::Id(get(row, 0)?) } else { Key::Login(get(row, 0)?) })
}

fn show(key: &Key) -> String {
    match key {
        Key::Id(i) => format!("#{i}"),
        Key::Login(l) => l.clone(),
    }
}

/// A record as it is now.
struct Current {
    key: Key,
    label: String,
    hash: Hash,
}

/// Walks every record of `kind` in key order with its current hash; `orphan` receives each
/// event or category action whose request does not exist.
fn walk(
    conn: &RefCell<Conn>,
    kind: i64,
    mut each: impl FnMut(Current) -> Result<()>,
    mut orphan: impl FnMut(String),
) -> Result<()> {
    if kind == OPERATOR {
        return stream(
            conn,
            &format!("SELECT {OPERATOR_COLUMNS}, office FROM operators ORDER BY login"),
            |row| {
                let mut h = Sha256::new();
                let n = row.len() - 1;
                feed_n(&mut h, b'o', row, n)?;
                let login: String = get(row, 0)?;
                let key = Key::Login(login.clone());
                feed_office(&mut h, &key, get(row, n)?);
                each(Current { key, label: login, hash: h.finalize().into() })
            },
        );
    }
    let mut children = child_cursors(conn, i64::MIN)?;
    let mut requests =
        Cursor::open(conn, &format!("SELECT {REQUEST_COLUMNS}, office FROM requests ORDER BY id"), &[])?;
    while let Some(row) = requests.next()? {
        let id: i64 = get(&row, 0)?;
        let label: String = get::<Option<String>>(&row, 1)?.unwrap_or_default();
        let mut h = Sha256::new();
        let n = row.len() - 1;
        feed_n(&mut h, b'r', &row, n)?;
        feed_children(&mut h, id, &mut children, &mut orphan)?;
        feed_office(&mut h, &Key::Id(id), get(&row, n)?);
        each(Current { key: Key::Id(id), label, hash: h.finalize().into() })?;
    }
    requests.close()?;
    for (mut cursor, _, what) in children {
        while let Some(r) = cursor.next()? {
            orphan(format!("{what} of request #{} that does not exist", get::<i64>(&r, 0)?));
        }
        cursor.close()?;
    }
    Ok(())
}

/// The current hash of one record, `None` when it does not exist.
fn hash_one(conn: &RefCell<Conn>, kind: i64, key: &Key) -> Result<Option<Hash>> {
    let mut h = Sha256::new();
    let mut c = borrow(conn)?;
    match key {
        Key::Login(login) if kind == OPERATOR => {
            let Some(row) = c.query_opt(
                &format!("SELECT {OPERATOR_COLUMNS}, office FROM operators WHERE login = $1"),
                &[login],
            )?
            else {
                return Ok(None);
            };
            let n = row.len() - 1;
            feed_n(&mut h, b'o', &row, n)?;
            feed_office(&mut h, key, get(&row, n)?);
        }
        Key::Id(id) if kind == REQUEST => {
            let Some(row) =
                c.query_opt(&format!("SELECT {REQUEST_COLUMNS}, office FROM requests WHERE id = $1"), &[id])?
            else {
                return Ok(None);
            };
            let n = row.len() - 1;
            feed_n(&mut h, b'r', &row, n)?;
            for (cols, table, order, tag, _) in CHILDREN {
                for row in c.query(
                    &format!("SELECT {cols} FROM {table} WHERE request_id = $1 ORDER BY {order}"),
                    &[id],
                )? {
                    feed(&mut h, tag, &row)?;
                }
            }
            feed_office(&mut h, key, get(&row, n)?);
        }
        _ => return Err(StoreError::Corrupt(format!("record key {key:?} of the wrong kind"))),
    }
    Ok(Some(h.finalize().into()))
}

fn split(key: &Key) -> (i64, String) {
    match key {
        Key::Id(i) => (*i, String::new()),
        Key::Login(l) => (0, l.clone()),
    }
}

/// An audit entry of the open transaction, waiting for COMMIT: its fields, and the hash of
/// each record it binds as the record stood when the entry was made (`None`: gone).
pub(super) struct Pending {
    pub at: String,
    pub actor: String,
    pub action: String,
    pub target: String,
    pub detail: String,
    pub records: Vec<(i64, Key, Option<Hash>)>,
}

/// The current hashes of the records this transaction touched since the last entry (and
/// forgets them): one ordered pass for many requests (a bulk load), else one record at a
/// time.
pub(super) fn current_hashes(tx: &PgTx<'_>) -> Result<Vec<(i64, Key, Option<Hash>)>> {
    let touched: Vec<(i64, Key)> = std::mem::take(&mut *tx.touched.borrow_mut()).into_iter().collect();
    let requests: Vec<i64> = touched
        .iter()
        .filter_map(|(k, key)| match key {
            Key::Id(id) if *k == REQUEST => Some(*id),
            _ => None,
        })
        .collect();
    let mut walked = std::collections::HashMap::new();
    let bulk = requests.len() > 200;
    if bulk {
        let wanted: std::collections::HashSet<i64> = requests.iter().copied().collect();
        let low = requests.iter().copied().min().unwrap_or(0);
        walk_from(tx.conn, low, |c| {
            if let Key::Id(id) = c.key
                && wanted.contains(&id)
            {
                walked.insert(id, c.hash);
            }
            Ok(())
        })?;
    }
    touched
        .into_iter()
        .map(|(kind, key)| {
            let hash = match &key {
                Key::Id(id) if bulk && kind == REQUEST => walked.get(id).copied(),
                _ => hash_one(tx.conn, kind, &key)?,
            };
            Ok((kind, key, hash))
        })
        .collect()
}

/// Appends the entries waiting for COMMIT, in order, each binding its records: locks the
/// head and reads what is filed for those records (one call), then appends each entry with
/// the sums moved from the records' filed hashes to their new ones and files the new
/// hashes (one call each). All that is computed before (the records' hashes, the figures)
/// is not done while other writers wait for the head.
pub(super) fn flush(conn: &RefCell<Conn>, pending: &RefCell<Vec<Pending>>) -> Result<()> {
    let entries = std::mem::take(&mut *pending.borrow_mut());
    if entries.is_empty() {
        return Ok(());
    }
    let mut keys: Vec<(i64, Key)> =
        entries.iter().flat_map(|e| e.records.iter().map(|(kind, key, _)| (*kind, key.clone()))).collect();
    keys.sort();
    keys.dedup();
    let (kinds, ids, logins) = columns(keys.iter().map(|(k, key)| (*k, key)));
    let head = borrow(conn)?.query_one(
        "SELECT head_id, head_hash, head_state, filed FROM aryz_audit_lock_records($1, $2, $3)",
        &[&kinds, &ids, &logins],
    )?;
    let (hid, hhash, last_state): (i64, String, String) = (get(&head, 0)?, get(&head, 1)?, get(&head, 2)?);
    let filed: Vec<Option<Vec<u8>>> = get(&head, 3)?;
    let mut current: std::collections::BTreeMap<(i64, Key), Option<Hash>> = keys
        .into_iter()
        .zip(filed.into_iter().map(|h| h.and_then(|b| Hash::try_from(b).ok())).chain(std::iter::repeat(None)))
        .collect();
    let mut state = State::parse(&last_state).unwrap_or_default();
    // Every entry's arguments, computed before any is sent: the sums move from the records'
    // filed hashes to their new ones, entry after entry.
    let mut appends = Vec::with_capacity(entries.len());
    for e in entries {
        let mut changed: Vec<(i64, Key, Option<Vec<u8>>)> = Vec::new();
        for (kind, key, new) in e.records {
            let old = current.get(&(kind, key.clone())).copied().flatten();
            if old == new {
                continue;
            }
            let sum: &mut Sum = state.sum_mut(kind);
            if let Some(old) = &old {
                sum.sub(old);
            }
            if let Some(h) = &new {
                sum.add(h);
            }
            current.insert((kind, key.clone()), new);
            changed.push((kind, key, new.map(|h| h.to_vec())));
        }
        appends.push(Append {
            state: state.render(),
            changed,
            at: e.at,
            actor: e.actor,
            action: e.action,
            target: e.target,
            detail: e.detail,
        });
    }
    let mut last = (hid > 0).then_some(AuditHead { id: hid, hash: hhash });
    let mut rest = appends.as_slice();
    while let Some(first) = rest.first() {
        // A run of entries binding at most one record each goes in one call (a bulk
        // registration: one entry per request); any other entry in a call of its own.
        let run = if first.changed.len() <= 1 {
            rest.iter().take(APPEND_RUN).take_while(|a| a.changed.len() <= 1).count()
        } else {
            1
        };
        let (now, later) = rest.split_at(run);
        rest = later;
        let rows = if run == 1 {
            let a = &now[0];
            let (kinds, ids, logins) = columns(a.changed.iter().map(|(k, key, _)| (*k, key)));
            let hashes: Vec<Option<Vec<u8>>> = a.changed.iter().map(|(_, _, h)| h.clone()).collect();
            borrow(conn)?.query(
                "SELECT entry_id, entry_hash, entry_actor
                 FROM aryz_audit_append_records($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)",
                &[&a.at, &a.actor, &a.action, &a.target, &a.detail, &a.state, &kinds, &ids, &logins, &hashes],
            )?
        } else {
            let col = |f: fn(&Append) -> &str| now.iter().map(f).collect::<Vec<&str>>();
            let (at, actor, action, target, detail, st) = (
                col(|a| &a.at),
                col(|a| &a.actor),
                col(|a| &a.action),
                col(|a| &a.target),
                col(|a| &a.detail),
                col(|a| &a.state),
            );
            let mut kinds: Vec<Option<i16>> = Vec::with_capacity(run);
            let mut ids: Vec<Option<i64>> = Vec::with_capacity(run);
            let mut logins: Vec<Option<String>> = Vec::with_capacity(run);
            let mut hashes: Vec<Option<Vec<u8>>> = Vec::with_capacity(run);
            for a in now {
                let (kind, id, login, hash) = if let Some((kind, key, hash)) = a.changed.first() {
                    let (id, login) = split(key);
                    (Some(i16::try_from(*kind).unwrap_or(0)), Some(id), Some(login), hash.clone())
                } else {
                    (None, None, None, None)
                };
                kinds.push(kind);
                ids.push(id);
                logins.push(login);
                hashes.push(hash);
            }
            // The function runs once per row, in the rows' order (each call locks the head
            // and sees the entries the calls before it appended); every entry is checked
            // below against aryz's own chain, so any other order would be refused.
            borrow(conn)?.query(
                "SELECT f.entry_id, f.entry_hash, f.entry_actor
                 FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[],
                             $7::smallint[], $8::bigint[], $9::text[], $10::bytea[])
                      WITH ORDINALITY AS u(at, actor, action, target, detail, state, kind, id, login, hash, n)
                 CROSS JOIN LATERAL aryz_audit_append_records(u.at, u.actor, u.action, u.target, u.detail, u.state,
                      CASE WHEN u.kind IS NULL THEN '{}'::smallint[] ELSE ARRAY[u.kind] END,
                      CASE WHEN u.kind IS NULL THEN '{}'::bigint[] ELSE ARRAY[u.id] END,
                      CASE WHEN u.kind IS NULL THEN '{}'::text[] ELSE ARRAY[u.login] END,
                      CASE WHEN u.kind IS NULL THEN '{}'::bytea[] ELSE ARRAY[u.hash] END) AS f
                 ORDER BY u.n",
                &[&at, &actor, &action, &target, &detail, &st, &kinds, &ids, &logins, &hashes],
            )?
        };
        if rows.len() != now.len() {
            return Err(StoreError::Corrupt(format!(
                "the server appended {} audit entries of {}",
                rows.len(),
                now.len()
            )));
        }
        for (a, row) in now.iter().zip(&rows) {
            let AuditHead { id, hash: prev } = next_link(last);
            let (got_id, got_hash, actor): (i64, String, String) = (get(row, 0)?, get(row, 1)?, get(row, 2)?);
            let fields = EntryFields {
                id,
                at: &a.at,
                actor: &actor,
                action: &a.action,
                target: &a.target,
                detail: &a.detail,
                state: &a.state,
            };
            let want = entry_hash(&prev, &fields);
            if got_id != id || got_hash != want {
                return Err(StoreError::Corrupt(format!(
                    "the server appended audit entry {got_id} with hash {got_hash}, where aryz computes entry {id} with hash {want}"
                )));
            }
            last = Some(AuditHead { id, hash: got_hash });
        }
    }
    Ok(())
}

/// Entries appended in one server call, at most.
const APPEND_RUN: usize = 2000;

/// One entry's arguments to `aryz_audit_append_records`.
struct Append {
    at: String,
    actor: String,
    action: String,
    target: String,
    detail: String,
    state: String,
    changed: Vec<(i64, Key, Option<Vec<u8>>)>,
}

/// Records' keys as the columns `record_state` keys them by.
fn columns<'k>(keys: impl Iterator<Item = (i64, &'k Key)>) -> (Vec<i16>, Vec<i64>, Vec<String>) {
    let (mut kinds, mut ids, mut logins) = (Vec::new(), Vec::new(), Vec::new());
    for (kind, key) in keys {
        let (id, login) = split(key);
        kinds.push(i16::try_from(kind).unwrap_or(0));
        ids.push(id);
        logins.push(login);
    }
    (kinds, ids, logins)
}

/// Every request from id `low` on, in order, with its current hash (orphans ignored).
fn walk_from(conn: &RefCell<Conn>, low: i64, mut each: impl FnMut(Current) -> Result<()>) -> Result<()> {
    let mut children = child_cursors(conn, low)?;
    let mut requests = Cursor::open(
        conn,
        &format!("SELECT {REQUEST_COLUMNS}, office FROM requests WHERE id >= $1 ORDER BY id"),
        &[&low],
    )?;
    while let Some(row) = requests.next()? {
        let id: i64 = get(&row, 0)?;
        let mut h = Sha256::new();
        let n = row.len() - 1;
        feed_n(&mut h, b'r', &row, n)?;
        feed_children(&mut h, id, &mut children, &mut |_| {})?;
        feed_office(&mut h, &Key::Id(id), get(&row, n)?);
        each(Current { key: Key::Id(id), label: String::new(), hash: h.finalize().into() })?;
    }
    requests.close()?;
    for (cursor, _, _) in children {
        cursor.close()?;
    }
    Ok(())
}

/// Rehashes every record in one ordered pass, merged with `record_state` in the same order
/// (the same findings, in the same words, as SQLite's check). Inside a transaction.
pub(super) fn check(conn: &RefCell<Conn>) -> Result<RecordCheck> {
    let mut out = RecordCheck { problems: Vec::new(), found: State::default() };
    for kind in [REQUEST, OPERATOR] {
        let what = if kind == REQUEST { "request" } else { "operator" };
        let sql = if kind == REQUEST {
            "SELECT id, hash, audit_id FROM record_state WHERE kind = 1 ORDER BY id"
        } else {
            "SELECT login, hash, audit_id FROM record_state WHERE kind = 2 ORDER BY login"
        };
        let mut filed = Cursor::open(conn, sql, &[])?;
        let mut problems = Vec::new();
        let mut orphans = Vec::new();
        let mut sum = Sum::default();
        walk(
            conn,
            kind,
            |c| {
                sum.add(&c.hash);
                let mut seen: Option<(Option<Hash>, i64)> = None;
                loop {
                    let Some(next) = filed.peek()? else { break };
                    let k = key_of(next, kind)?;
                    if k > c.key {
                        break;
                    }
                    let Some(row) = filed.next()? else { break };
                    let entry: i64 = get(&row, 2)?;
                    if k < c.key {
                        problems.push(deleted(what, &show(&k), entry));
                    } else {
                        let hash = get::<Vec<u8>>(&row, 1)?.try_into().ok();
                        seen = Some((hash, entry));
                    }
                }
                problems.extend(unaudited(what, &c.label, seen, &c.hash));
                Ok(())
            },
            |o| orphans.push(orphaned(&o)),
        )?;
        problems.extend(orphans);
        while let Some(row) = filed.next()? {
            let k = key_of(&row, kind)?;
            let entry: i64 = get(&row, 2)?;
            problems.push(deleted(what, &show(&k), entry));
        }
        filed.close()?;
        *out.found.sum_mut(kind) = sum;
        out.problems.extend(problems);
    }
    Ok(out)
}
