//! The records under the audit chain: a request (with its events and category actions) and
//! an operator each have a hash of their canonical content. Every audit entry binds the
//! count and the sum (mod 2^256) of those hashes after its change, and `record_state` keeps
//! each record's hash as the last audited change left it.
//!
//! Which records a transaction changed is recorded by temporary triggers that only aryz's
//! own connections have (an edit with another `SQLite` client records nothing), and
//! [`Tx::audit`] rehashes exactly those: the cost of an audited change grows with what it
//! changed, not with the size of the database. `aryz audit verify` rehashes every record in
//! one ordered pass and names each one that differs from `record_state`; the sums catch an
//! edit of `record_state` itself.

use std::cmp::Ordering;

use rusqlite::types::{Value, ValueRef};
use rusqlite::{Connection, OptionalExtension, params};
use sha2::{Digest, Sha256};

use super::Result;
use crate::domain::audit_chain::{AuditProblem, ChainVerdict};
use crate::model::Verification;

pub(super) const REQUEST: i64 = 1;
pub(super) const OPERATOR: i64 = 2;

/// The columns a request's hash covers, in order. Fixed here (not `SELECT *`) so that a
/// later migration adding a column does not change every hash; derived columns
/// (`is_open`, `awaiting_since`) are left out.
pub(super) const REQUEST_COLUMNS: &str =
    "id, ref, kind, status, channel, lang, received_on, registered_on, identity,
    categories, description, subject_name, subject_pin, birth_date, passport_doc, passport_issuer,
    passport_issued, address, email, phone, assignee, due_on, outcome, ground, responded_on,
    response_text, response_channel, closed_on, paused_since, pause_category, pause_reason,
    extensions, paused_days, version, created_at, updated_at, erased_on";
pub(super) const EVENT_COLUMNS: &str = "request_id, id, at, actor, kind, old_value, new_value, text";
pub(super) const ACTION_COLUMNS: &str = "request_id, category, action";
pub(super) const OPERATOR_COLUMNS: &str = "login, name, role, active, created_at";
// The case file (migration 0012): a request without rows in these tables hashes as before.
pub(super) const ATTACHMENT_COLUMNS: &str =
    "request_id, n, kind, file_name, sha256, size, added_by, added_at";
pub(super) const REPRESENTATIVE_COLUMNS: &str = "request_id, name, document, address, email, phone";
pub(super) const LINK_COLUMNS: &str = "request_id, duplicate_of";
/// Offices (migration 0013): a request or an operator outside the default office hashes
/// with a last group, tag [`OFFICE_TAG`], of its key and its office; one in the default
/// office (every record made before offices) hashes as before.
pub(super) const OFFICE_TAG: u8 = b'O';

/// Feeds the office group of the record keyed `key`, when its office is not the default
/// one (both backends: the same bytes).
pub(super) fn feed_office(h: &mut Sha256, key: &Key, office: i64) {
    if office != crate::model::DEFAULT_OFFICE {
        let k = match key {
            Key::Id(i) => ValueRef::Integer(*i),
            Key::Login(l) => ValueRef::Text(l.as_bytes()),
        };
        feed(h, OFFICE_TAG, [k, ValueRef::Integer(office)].into_iter());
    }
}

/// The office column to select after a record's hashed columns: `office`, or the default
/// office before migration 0013 (a baseline written by migration 0008).
fn office_column(conn: &Connection) -> Result<&'static str> {
    Ok(
        if conn
            .prepare_cached("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'offices'")?
            .exists([])?
        {
            "office"
        } else {
            "1"
        },
    )
}

/// Temporary (per-connection) table and triggers noting which records a transaction touched.
pub(super) const TRACKING_SQL: &str = "
CREATE TEMP TABLE IF NOT EXISTS aryz_touched (kind INTEGER NOT NULL, key ANY NOT NULL, PRIMARY KEY (kind, key)) STRICT, WITHOUT ROWID;
CREATE TEMP TRIGGER IF NOT EXISTS aryz_req_ins AFTER INSERT ON main.requests BEGIN INSERT OR IGNORE INTO aryz_touched VALUES (1, new.id); END;
CREATE TEMP TRIGGER IF NOT EXISTS aryz_req_upd AFTER UPDATE ON main.requests BEGIN INSERT OR IGNORE INTO aryz_touched VALUES (1, old.id), (1, new.id); END;
CREATE TEMP TRIGGER IF NOT EXISTS aryz_req_del AFTER DELETE ON main.requests BEGIN INSERT OR IGNORE INTO aryz_touched VALUES (1, old.id); END;
CREATE TEMP TRIGGER IF NOT EXISTS aryz_ev_ins AFTER INSERT ON main.events BEGIN INSERT OR IGNORE INTO aryz_touched VALUES (1, new.request_id); END;
CREATE TEMP TRIGGER IF NOT EXISTS aryz_ev_upd AFTER UPDATE ON main.events BEGIN INSERT OR IGNORE INTO aryz_touched VALUES (1, old.request_id), (1, new.request_id); END;
CREATE TEMP TRIGGER IF NOT EXISTS aryz_ev_del AFTER DELETE ON main.events BEGIN INSERT OR IGNORE INTO aryz_touched VALUES (1, old.request_id); END;
CREATE TEMP TRIGGER IF NOT EXISTS aryz_ca_ins AFTER INSERT ON main.category_actions BEGIN INSERT OR IGNORE INTO aryz_touched VALUES (1, new.request_id); END;
CREATE TEMP TRIGGER IF NOT EXISTS aryz_ca_upd AFTER UPDATE ON main.category_actions BEGIN INSERT OR IGNORE INTO aryz_touched VALUES (1, old.request_id), (1, new.request_id); END;
CREATE TEMP TRIGGER IF NOT EXISTS aryz_ca_del AFTER DELETE ON main.category_actions BEGIN INSERT OR IGNORE INTO aryz_touched VALUES (1, old.request_id); END;
CREATE TEMP TRIGGER IF NOT EXISTS aryz_at_ins AFTER INSERT ON main.attachments BEGIN INSERT OR IGNORE INTO aryz_touched VALUES (1, new.request_id); END;
CREATE TEMP TRIGGER IF NOT EXISTS aryz_at_upd AFTER UPDATE ON main.attachments BEGIN INSERT OR IGNORE INTO aryz_touched VALUES (1, old.request_id), (1, new.request_id); END;
CREATE TEMP TRIGGER IF NOT EXISTS aryz_at_del AFTER DELETE ON main.attachments BEGIN INSERT OR IGNORE INTO aryz_touched VALUES (1, old.request_id); END;
CREATE TEMP TRIGGER IF NOT EXISTS aryz_rp_ins AFTER INSERT ON main.representatives BEGIN INSERT OR IGNORE INTO aryz_touched VALUES (1, new.request_id); END;
CREATE TEMP TRIGGER IF NOT EXISTS aryz_rp_upd AFTER UPDATE ON main.representatives BEGIN INSERT OR IGNORE INTO aryz_touched VALUES (1, old.request_id), (1, new.request_id); END;
CREATE TEMP TRIGGER IF NOT EXISTS aryz_rp_del AFTER DELETE ON main.representatives BEGIN INSERT OR IGNORE INTO aryz_touched VALUES (1, old.request_id); END;
CREATE TEMP TRIGGER IF NOT EXISTS aryz_ln_ins AFTER INSERT ON main.request_links BEGIN INSERT OR IGNORE INTO aryz_touched VALUES (1, new.request_id); END;
CREATE TEMP TRIGGER IF NOT EXISTS aryz_ln_upd AFTER UPDATE ON main.request_links BEGIN INSERT OR IGNORE INTO aryz_touched VALUES (1, old.request_id), (1, new.request_id); END;
CREATE TEMP TRIGGER IF NOT EXISTS aryz_ln_del AFTER DELETE ON main.request_links BEGIN INSERT OR IGNORE INTO aryz_touched VALUES (1, old.request_id); END;
CREATE TEMP TRIGGER IF NOT EXISTS aryz_op_ins AFTER INSERT ON main.operators BEGIN INSERT OR IGNORE INTO aryz_touched VALUES (2, new.login); END;
CREATE TEMP TRIGGER IF NOT EXISTS aryz_op_upd AFTER UPDATE ON main.operators BEGIN INSERT OR IGNORE INTO aryz_touched VALUES (2, old.login), (2, new.login); END;
CREATE TEMP TRIGGER IF NOT EXISTS aryz_op_del AFTER DELETE ON main.operators BEGIN INSERT OR IGNORE INTO aryz_touched VALUES (2, old.login); END;
";

pub(super) type Hash = [u8; 32];

/// Feeds one row's values, each with a type tag and a length, so that no two different
/// rows give the same byte stream.
fn feed<'a>(h: &mut Sha256, tag: u8, values: impl Iterator<Item = ValueRef<'a>>) {
    h.update([tag]);
    for v in values {
        match v {
            ValueRef::Null => h.update([0]),
            ValueRef::Integer(i) => {
                h.update([1]);
                h.update(i.to_le_bytes());
            }
            ValueRef::Real(f) => {
                h.update([2]);
                h.update(f.to_bits().to_le_bytes());
            }
            ValueRef::Text(t) => {
                h.update([3]);
                h.update((t.len() as u64).to_le_bytes());
                h.update(t);
            }
            ValueRef::Blob(b) => {
                h.update([4]);
                h.update((b.len() as u64).to_le_bytes());
                h.update(b);
            }
        }
    }
}

fn row_values(row: &rusqlite::Row<'_>, n: usize) -> rusqlite::Result<Vec<Value>> {
    (0..n).map(|i| row.get::<_, Value>(i)).collect()
}

fn show_key(v: Option<&Value>) -> String {
    match v {
        Some(Value::Integer(i)) => format!("#{i}"),
        Some(Value::Text(t)) => t.clone(),
        other => format!("{other:?}"),
    }
}

fn column_count(cols: &str) -> usize {
    cols.split(',').count()
}

/// The key of a record: a request id or an operator login (`SQLite` orders integers first).
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub(super) enum Key {
    Id(i64),
    Login(String),
}

impl Key {
    fn from_value(v: Value) -> Key {
        match v {
            Value::Integer(i) => Key::Id(i),
            Value::Text(t) => Key::Login(t),
            other => Key::Login(format!("{other:?}")),
        }
    }

    fn to_value(&self) -> Value {
        match self {
            Key::Id(i) => Value::Integer(*i),
            Key::Login(s) => Value::Text(s.clone()),
        }
    }
}

/// Count and 256-bit sum of the hashes of one kind of record.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub(super) struct Sum {
    pub count: i64,
    limbs: [u64; 4],
}

impl Sum {
    fn limbs_of(h: &Hash) -> [u64; 4] {
        let mut l = [0u64; 4];
        for (i, chunk) in h.chunks_exact(8).enumerate() {
            let mut b = [0u8; 8];
            b.copy_from_slice(chunk);
            l[i] = u64::from_le_bytes(b);
        }
        l
    }

    pub(super) fn add(&mut self, h: &Hash) {
        let x = Sum::limbs_of(h);
        let mut carry = false;
        for (a, b) in self.limbs.iter_mut().zip(x) {
            let (s1, c1) = a.overflowing_add(b);
            let (s2, c2) = s1.overflowing_add(u64::from(carry));
            *a = s2;
            carry = c1 || c2;
        }
        self.count += 1;
    }

    pub(super) fn sub(&mut self, h: &Hash) {
        let x = Sum::limbs_of(h);
        let mut borrow = false;
        for (a, b) in self.limbs.iter_mut().zip(x) {
            let (s1, b1) = a.overflowing_sub(b);
            let (s2, b2) = s1.overflowing_sub(u64::from(borrow));
            *a = s2;
            borrow = b1 || b2;
        }
        self.count -= 1;
    }

    fn hex(&self) -> String {
        use std::fmt::Write;
        self.limbs.iter().rev().fold(String::new(), |mut s, l| {
            let _ = write!(s, "{l:016x}");
            s
        })
    }

    fn parse(s: &str) -> Option<Sum> {
        let (count, hex) = s.split_once(':')?;
        if hex.len() != 64 {
            return None;
        }
        let mut limbs = [0u64; 4];
        for (i, limb) in limbs.iter_mut().rev().enumerate() {
            *limb = u64::from_str_radix(hex.get(i * 16..i * 16 + 16)?, 16).ok()?;
        }
        Some(Sum { count: count.parse().ok()?, limbs })
    }
}

/// What an audit entry binds: the sums of all records after its change.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub(super) struct State {
    pub requests: Sum,
    pub operators: Sum,
}

impl State {
    /// An entry written before migration 0008 has no state: nothing was bound then.
    pub(super) fn parse(s: &str) -> Option<State> {
        if s.is_empty() {
            return Some(State::default());
        }
        let rest = s.strip_prefix("v1 requests=")?;
        let (r, o) = rest.split_once(" operators=")?;
        Some(State { requests: Sum::parse(r)?, operators: Sum::parse(o)? })
    }

    pub(super) fn render(&self) -> String {
        format!(
            "v1 requests={}:{} operators={}:{}",
            self.requests.count,
            self.requests.hex(),
            self.operators.count,
            self.operators.hex()
        )
    }

    pub(super) fn sum_mut(&mut self, kind: i64) -> &mut Sum {
        if kind == REQUEST { &mut self.requests } else { &mut self.operators }
    }
}

/// Rows of one ordered query, one row looked ahead, grouped by their first column.
struct Cursor<'s> {
    rows: rusqlite::Rows<'s>,
    n: usize,
    next: Option<Vec<Value>>,
}

impl<'s> Cursor<'s> {
    fn new(rows: rusqlite::Rows<'s>, n: usize) -> Result<Cursor<'s>> {
        let mut c = Cursor { rows, n, next: None };
        c.advance()?;
        Ok(c)
    }

    fn advance(&mut self) -> Result<()> {
        self.next = match self.rows.next()? {
            Some(r) => Some(row_values(r, self.n)?),
            None => None,
        };
        Ok(())
    }

    fn key(&self) -> Option<Key> {
        self.next.as_ref().and_then(|v| v.first().cloned()).map(Key::from_value)
    }

    fn take_rest(&mut self, mut f: impl FnMut(&[Value])) -> Result<()> {
        while let Some(v) = self.next.take() {
            f(&v);
            self.advance()?;
        }
        Ok(())
    }

    /// Takes every row whose key is below `key` (orphans) and then those equal to it.
    fn take_group(&mut self, key: &Key, mut f: impl FnMut(Ordering, &[Value])) -> Result<()> {
        while let Some(k) = self.key() {
            let ord = k.cmp(key);
            if ord == Ordering::Greater {
                break;
            }
            if let Some(v) = &self.next {
                f(ord, v);
            }
            self.advance()?;
        }
        Ok(())
    }
}

/// One record as it is now, with the key it is filed under and a label for messages.
pub(super) struct Current {
    pub key: Key,
    pub label: String,
    pub hash: Hash,
}

/// Walks every record of `kind` in key order, with its current hash. `orphan` receives a
/// description of each event or category-action row whose request does not exist.
fn walk(
    conn: &Connection,
    kind: i64,
    each: impl FnMut(Current) -> Result<()>,
    orphan: impl FnMut(String),
) -> Result<()> {
    walk_from(conn, kind, None, each, orphan)
}

/// [`walk`], for requests only those with ids above `after` when it is given.
fn walk_from(
    conn: &Connection,
    kind: i64,
    after: Option<i64>,
    mut each: impl FnMut(Current) -> Result<()>,
    mut orphan: impl FnMut(String),
) -> Result<()> {
    let office = office_column(conn)?;
    if kind == OPERATOR {
        let mut st =
            conn.prepare(&format!("SELECT {OPERATOR_COLUMNS}, {office} FROM operators ORDER BY login"))?;
        let n = column_count(OPERATOR_COLUMNS);
        let mut rows = st.query([])?;
        while let Some(row) = rows.next()? {
            let mut h = Sha256::new();
            feed(
                &mut h,
                b'o',
                (0..n).map(|i| row.get_ref(i)).collect::<rusqlite::Result<Vec<_>>>()?.into_iter(),
            );
            let login: String = row.get(0)?;
            feed_office(&mut h, &Key::Login(login.clone()), row.get(n)?);
            each(Current {
                key: Key::Login(login.clone()),
                label: login.clone(),
                hash: h.finalize().into(),
            })?;
        }
        return Ok(());
    }
    // Rows of the requests above `after` only (`?1`), or of all of them (the same plans as
    // without a bound: the rowid and the request_id indexes, walked from their start).
    let (id_from, request_from) = match after {
        Some(_) => ("WHERE id > ?1", "WHERE request_id > ?1"),
        None => ("WHERE ?1 IS NULL", "WHERE ?1 IS NULL"),
    };
    let mut req =
        conn.prepare(&format!("SELECT {REQUEST_COLUMNS}, {office} FROM requests {id_from} ORDER BY id"))?;
    let mut ev =
        conn.prepare(&format!("SELECT {EVENT_COLUMNS} FROM events {request_from} ORDER BY request_id, id"))?;
    let mut ac = conn.prepare(&format!(
        "SELECT {ACTION_COLUMNS} FROM category_actions {request_from} ORDER BY request_id, category"
    ))?;
    // Before migration 0012 (a baseline written by migration 0008) these tables do not exist.
    let case_file = has_case_file(conn)?;
    let or_none = |sql: String| if case_file { sql } else { "SELECT 1 WHERE ?1 IS NULL AND 0".to_string() };
    let mut at = conn.prepare(&or_none(format!(
        "SELECT {ATTACHMENT_COLUMNS} FROM attachments {request_from} ORDER BY request_id, n"
    )))?;
    let mut rp = conn.prepare(&or_none(format!(
        "SELECT {REPRESENTATIVE_COLUMNS} FROM representatives {request_from} ORDER BY request_id"
    )))?;
    let mut ln = conn.prepare(&or_none(format!(
        "SELECT {LINK_COLUMNS} FROM request_links {request_from} ORDER BY request_id"
    )))?;
    let n = column_count(REQUEST_COLUMNS);
    let mut events = Cursor::new(ev.query([after])?, column_count(EVENT_COLUMNS))?;
    let mut actions = Cursor::new(ac.query([after])?, column_count(ACTION_COLUMNS))?;
    let mut files = Cursor::new(at.query([after])?, column_count(ATTACHMENT_COLUMNS))?;
    let mut reps = Cursor::new(rp.query([after])?, column_count(REPRESENTATIVE_COLUMNS))?;
    let mut links = Cursor::new(ln.query([after])?, column_count(LINK_COLUMNS))?;
    let mut rows = req.query([after])?;
    while let Some(row) = rows.next()? {
        let id: i64 = row.get(0)?;
        let reference: String = row.get::<_, Option<String>>(1)?.unwrap_or_default();
        let key = Key::Id(id);
        let mut h = Sha256::new();
        feed(&mut h, b'r', (0..n).map(|i| row.get_ref(i)).collect::<rusqlite::Result<Vec<_>>>()?.into_iter());
        for (cursor, tag, what) in [
            (&mut events, b'e', "event"),
            (&mut actions, b'a', "category action"),
            (&mut files, b'f', "attachment"),
            (&mut reps, b'p', "representative"),
            (&mut links, b'l', "link"),
        ] {
            cursor.take_group(&key, |ord, v| {
                if ord == Ordering::Equal {
                    feed(&mut h, tag, v.iter().map(ValueRef::from));
                } else {
                    orphan(format!("{what} of request {} that does not exist", show_key(v.first())));
                }
            })?;
        }
        feed_office(&mut h, &key, row.get(n)?);
        each(Current { key, label: reference, hash: h.finalize().into() })?;
    }
    for (cursor, what) in [
        (&mut events, "event"),
        (&mut actions, "category action"),
        (&mut files, "attachment"),
        (&mut reps, "representative"),
        (&mut links, "link"),
    ] {
        cursor.take_rest(|v| {
            orphan(format!("{what} of request {} that does not exist", show_key(v.first())));
        })?;
    }
    Ok(())
}

/// Whether the tables of migration 0012 (attachments, representatives, links) exist.
fn has_case_file(conn: &Connection) -> Result<bool> {
    Ok(conn
        .prepare_cached("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'request_links'")?
        .exists([])?)
}

/// The current hash of one record, `None` when it does not exist.
fn hash_one(conn: &Connection, kind: i64, key: &Key) -> Result<Option<Hash>> {
    let mut h = Sha256::new();
    let case_file = has_case_file(conn)?;
    let office_col = office_column(conn)?;
    if kind == OPERATOR {
        let mut st = conn.prepare_cached(&format!(
            "SELECT {OPERATOR_COLUMNS}, {office_col} FROM operators WHERE login = ?1"
        ))?;
        let mut rows = st.query([key.to_value()])?;
        let Some(row) = rows.next()? else { return Ok(None) };
        let n = column_count(OPERATOR_COLUMNS);
        feed(&mut h, b'o', (0..n).map(|i| row.get_ref(i)).collect::<rusqlite::Result<Vec<_>>>()?.into_iter());
        feed_office(&mut h, key, row.get(n)?);
        return Ok(Some(h.finalize().into()));
    }
    let office: i64 = {
        let mut st = conn
            .prepare_cached(&format!("SELECT {REQUEST_COLUMNS}, {office_col} FROM requests WHERE id = ?1"))?;
        let mut rows = st.query([key.to_value()])?;
        let Some(row) = rows.next()? else { return Ok(None) };
        let n = column_count(REQUEST_COLUMNS);
        feed(&mut h, b'r', (0..n).map(|i| row.get_ref(i)).collect::<rusqlite::Result<Vec<_>>>()?.into_iter());
        row.get(n)?
    };
    for (sql, cols, tag) in [
        (
            format!("SELECT {EVENT_COLUMNS} FROM events WHERE request_id = ?1 ORDER BY id"),
            EVENT_COLUMNS,
            b'e',
        ),
        (
            format!("SELECT {ACTION_COLUMNS} FROM category_actions WHERE request_id = ?1 ORDER BY category"),
            ACTION_COLUMNS,
            b'a',
        ),
        (
            format!("SELECT {ATTACHMENT_COLUMNS} FROM attachments WHERE request_id = ?1 ORDER BY n"),
            ATTACHMENT_COLUMNS,
            b'f',
        ),
        (
            format!("SELECT {REPRESENTATIVE_COLUMNS} FROM representatives WHERE request_id = ?1"),
            REPRESENTATIVE_COLUMNS,
            b'p',
        ),
        (format!("SELECT {LINK_COLUMNS} FROM request_links WHERE request_id = ?1"), LINK_COLUMNS, b'l'),
    ]
    .into_iter()
    .filter(|(_, cols, _)| case_file || *cols == EVENT_COLUMNS || *cols == ACTION_COLUMNS)
    {
        let mut st = conn.prepare_cached(&sql)?;
        let mut rows = st.query([key.to_value()])?;
        let n = column_count(cols);
        while let Some(row) = rows.next()? {
            feed(
                &mut h,
                tag,
                (0..n).map(|i| row.get_ref(i)).collect::<rusqlite::Result<Vec<_>>>()?.into_iter(),
            );
        }
    }
    feed_office(&mut h, key, office);
    Ok(Some(h.finalize().into()))
}

fn to_hash(b: Vec<u8>) -> Option<Hash> {
    b.try_into().ok()
}

/// Rehashes the records this transaction touched, files their new hashes in `record_state`
/// under `audit_id`, and updates `state` to match. A few records are read one by one; a bulk
/// load (most of the requests touched) is hashed in one ordered pass instead.
pub(super) fn bind_touched(conn: &Connection, state: &mut State, audit_id: i64) -> Result<()> {
    let touched: Vec<(i64, Key)> = {
        let mut st = conn.prepare_cached("SELECT kind, key FROM temp.aryz_touched")?;
        st.query_map([], |r| Ok((r.get(0)?, Key::from_value(r.get(1)?))))?.collect::<rusqlite::Result<_>>()?
    };
    if touched.is_empty() {
        return Ok(());
    }
    let requests = touched.iter().filter(|(k, _)| *k == REQUEST).count();
    // Current and filed hashes of a bulk load's requests, each read in one ordered pass.
    let mut walked: Option<(std::collections::HashMap<i64, Hash>, std::collections::HashMap<i64, Hash>)> =
        None;
    if requests > 5_000 {
        let max_id: i64 = conn.query_row("SELECT coalesce(max(id), 0) FROM requests", [], |r| r.get(0))?;
        if requests as i64 * 4 > max_id {
            let wanted: std::collections::HashSet<i64> = touched
                .iter()
                .filter_map(|(k, key)| match key {
                    Key::Id(id) if *k == REQUEST => Some(*id),
                    _ => None,
                })
                .collect();
            let mut found = std::collections::HashMap::with_capacity(wanted.len());
            walk(
                conn,
                REQUEST,
                |c| {
                    if let Key::Id(id) = c.key
                        && wanted.contains(&id)
                    {
                        found.insert(id, c.hash);
                    }
                    Ok(())
                },
                |_| {},
            )?;
            let mut filed = std::collections::HashMap::new();
            let mut st = conn.prepare("SELECT key, hash FROM record_state WHERE kind = 1")?;
            let mut rows = st.query([])?;
            while let Some(r) = rows.next()? {
                if let (Value::Integer(id), Some(h)) = (r.get::<_, Value>(0)?, to_hash(r.get(1)?))
                    && wanted.contains(&id)
                {
                    filed.insert(id, h);
                }
            }
            walked = Some((found, filed));
        }
    }
    for (kind, key) in touched {
        match (&walked, &key) {
            (Some((found, filed)), Key::Id(id)) if kind == REQUEST => {
                file_known(
                    conn,
                    state,
                    kind,
                    &key,
                    filed.get(id).copied(),
                    found.get(id).copied(),
                    audit_id,
                )?;
            }
            _ => {
                let new = hash_one(conn, kind, &key)?;
                file(conn, state, kind, &key, new, audit_id)?;
            }
        }
    }
    conn.prepare_cached("DELETE FROM temp.aryz_touched")?.execute([])?;
    Ok(())
}

/// Files one record's new hash (`None`: it is gone) and moves the sums from its old one.
fn file(
    conn: &Connection,
    state: &mut State,
    kind: i64,
    key: &Key,
    new: Option<Hash>,
    audit_id: i64,
) -> Result<()> {
    let old: Option<Hash> = conn
        .prepare_cached("SELECT hash FROM record_state WHERE kind = ?1 AND key = ?2")?
        .query_row(params![kind, key.to_value()], |r| r.get::<_, Vec<u8>>(0))
        .optional()?
        .and_then(to_hash);
    file_known(conn, state, kind, key, old, new, audit_id)
}

/// [`file`] with the filed hash already known.
fn file_known(
    conn: &Connection,
    state: &mut State,
    kind: i64,
    key: &Key,
    old: Option<Hash>,
    new: Option<Hash>,
    audit_id: i64,
) -> Result<()> {
    if old == new {
        return Ok(());
    }
    let sum = state.sum_mut(kind);
    if let Some(old) = &old {
        sum.sub(old);
    }
    match new {
        Some(h) => {
            sum.add(&h);
            conn.prepare_cached(
                "INSERT OR REPLACE INTO record_state (kind, key, hash, audit_id) VALUES (?1, ?2, ?3, ?4)",
            )?
            .execute(params![kind, key.to_value(), &h[..], audit_id])?;
        }
        None => {
            conn.prepare_cached("DELETE FROM record_state WHERE kind = ?1 AND key = ?2")?
                .execute(params![kind, key.to_value()])?;
        }
    }
    Ok(())
}

/// The requests with ids above `after`, in id order: id, current hash, and the hash filed
/// for that id in `record_state` (`None` for a new record). One ordered pass.
pub(super) fn hashed_after(conn: &Connection, after: i64) -> Result<Vec<(i64, Hash, Option<Hash>)>> {
    let mut out = Vec::new();
    walk_from(
        conn,
        REQUEST,
        Some(after),
        |c| {
            if let Key::Id(id) = c.key {
                out.push((id, c.hash, None));
            }
            Ok(())
        },
        |_| {},
    )?;
    let mut st = conn.prepare_cached("SELECT key, hash FROM record_state WHERE kind = 1 AND key > ?1")?;
    let mut rows = st.query([after])?;
    while let Some(r) = rows.next()? {
        if let (Value::Integer(id), Some(h)) = (r.get::<_, Value>(0)?, to_hash(r.get(1)?))
            && let Ok(i) = out.binary_search_by_key(&id, |(k, _, _)| *k)
        {
            out[i].2 = Some(h);
        }
    }
    Ok(out)
}

/// [`file_known`] for a new hash of a request, with the write left to the caller: the sums move at once, and the
/// `record_state` row (kind, key, hash, audit id) is added to `rows` when the hash changed,
/// for `INSERT OR REPLACE INTO record_state` of many rows at once.
pub(super) fn file_request_later(
    state: &mut State,
    id: i64,
    old: Option<Hash>,
    new: Hash,
    audit_id: i64,
    rows: &mut Vec<Value>,
) {
    if old == Some(new) {
        return;
    }
    let sum = state.sum_mut(REQUEST);
    if let Some(old) = &old {
        sum.sub(old);
    }
    sum.add(&new);
    rows.extend([
        Value::Integer(REQUEST),
        Value::Integer(id),
        Value::Blob(new.to_vec()),
        Value::Integer(audit_id),
    ]);
}

/// Forgets that the requests with ids above `after` were touched (their entries are written).
pub(super) fn forget_touched_after(conn: &Connection, after: i64) -> Result<()> {
    conn.prepare_cached("DELETE FROM temp.aryz_touched WHERE kind = 1 AND key > ?1")?.execute([after])?;
    Ok(())
}

/// Forgets what an earlier, failed or unaudited transaction on this connection touched.
pub(super) fn clear_touched(conn: &Connection) -> Result<()> {
    conn.prepare_cached("DELETE FROM temp.aryz_touched")?.execute([])?;
    Ok(())
}

/// Files every existing record in `record_state` (the baseline when migration 0008 is
/// applied to a database that already has records) and returns the sums.
pub(super) fn baseline(conn: &Connection, audit_id: i64) -> Result<State> {
    let mut state = State::default();
    let mut current = Vec::new();
    for kind in [REQUEST, OPERATOR] {
        walk(
            conn,
            kind,
            |c| {
                current.push((kind, c));
                Ok(())
            },
            |_| {},
        )?;
    }
    let mut st = conn
        .prepare("INSERT OR REPLACE INTO record_state (kind, key, hash, audit_id) VALUES (?1, ?2, ?3, ?4)")?;
    for (kind, c) in current {
        state.sum_mut(kind).add(&c.hash);
        st.execute(params![kind, c.key.to_value(), &c.hash[..], audit_id])?;
    }
    Ok(state)
}

/// What verification of the records found.
#[derive(Debug, Default)]
pub(super) struct RecordCheck {
    pub problems: Vec<String>,
    pub found: State,
}

/// What a record's row in `record_state` says about it (the same words for every backend):
/// `filed` is the hash and entry kept for it, `None` when none is kept.
pub(super) fn unaudited(
    what: &str,
    label: &str,
    filed: Option<(Option<Hash>, i64)>,
    hash: &Hash,
) -> Option<String> {
    match filed {
        None => Some(format!("{what} {label} was created outside aryz (no audited change made it)")),
        Some((h, entry)) if h.as_ref() != Some(hash) => {
            Some(format!("{what} {label} was changed outside aryz (it is not what audit entry {entry} left)"))
        }
        Some(_) => None,
    }
}

/// A row of `record_state` whose record is gone.
pub(super) fn deleted(what: &str, key: &str, entry: i64) -> String {
    format!("{what} {key} was deleted outside aryz (audit entry {entry} left it in place)")
}

/// A row hashed with a request that belongs to no request.
pub(super) fn orphaned(row: &str) -> String {
    format!("{row}: added or left outside aryz")
}

/// A full verification's findings, put together the same way on every backend: the chain's
/// verdict, the records' check, the stored contents' problems, the highest entry any record
/// was left by (`max_filed`), and the record state the last entry bound (`last_state`).
pub(super) fn conclude(
    verdict: ChainVerdict,
    check: RecordCheck,
    blob_problems: Vec<String>,
    max_filed: i64,
    last_state: &str,
) -> Verification {
    let (n, last_id, mut problems) = (verdict.entries, verdict.last_id, verdict.problems);
    // The records: each against `record_state`, all of them against the last entry's sums.
    let record_problems = check.problems.len();
    problems.extend(check.problems.into_iter().map(|problem| AuditProblem { id: 0, problem }));
    // Attached files: each stored content against the SHA-256 it is filed under (which the
    // attachment rows, hashed with their request, bind to the chain).
    problems.extend(blob_problems.into_iter().map(|problem| AuditProblem { id: 0, problem }));
    if max_filed > last_id {
        problems.push(AuditProblem {
            id: last_id + 1,
            problem: format!("records were left by entry {max_filed}, but the log ends at entry {last_id}: entries were removed from the end"),
        });
    }
    match State::parse(last_state) {
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
    Verification { entries: n, head: verdict.head, problems }
}

/// Rehashes every record in one ordered pass, merged with `record_state` in the same order.
pub(super) fn check(conn: &Connection) -> Result<RecordCheck> {
    let mut out = RecordCheck::default();
    for kind in [REQUEST, OPERATOR] {
        let what = if kind == REQUEST { "request" } else { "operator" };
        let mut st =
            conn.prepare("SELECT key, hash, audit_id FROM record_state WHERE kind = ?1 ORDER BY key")?;
        let mut filed = Cursor::new(st.query([kind])?, 3)?;
        let mut problems = Vec::new();
        let mut orphans = Vec::new();
        let mut sum = Sum::default();
        let describe_filed = |v: &[Value]| -> (String, i64) {
            let key = show_key(v.first());
            let entry = match v.get(2) {
                Some(Value::Integer(i)) => *i,
                _ => 0,
            };
            (key, entry)
        };
        walk(
            conn,
            kind,
            |c| {
                sum.add(&c.hash);
                let mut seen = None;
                filed.take_group(&c.key, |ord, v| {
                    if ord == Ordering::Less {
                        let (key, entry) = describe_filed(v);
                        problems.push(deleted(what, &key, entry));
                    } else {
                        let hash = match v.get(1) {
                            Some(Value::Blob(b)) => to_hash(b.clone()),
                            _ => None,
                        };
                        seen = Some((hash, describe_filed(v).1));
                    }
                })?;
                problems.extend(unaudited(what, &c.label, seen, &c.hash));
                Ok(())
            },
            |o| orphans.push(orphaned(&o)),
        )?;
        problems.extend(orphans);
        filed.take_rest(|v| {
            let (key, entry) = describe_filed(v);
            problems.push(deleted(what, &key, entry));
        })?;
        *out.found.sum_mut(kind) = sum;
        out.problems.extend(problems);
    }
    Ok(out)
}
