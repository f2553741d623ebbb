//! Requests: insertion with a yearly reference sequence, optimistic updates, keyset-paged
//! lists with filters and full-text search, counts.

use std::collections::HashMap;
use std::collections::hash_map::Entry;

use chrono::{Datelike, NaiveDate};
use rusqlite::types::{ToSqlOutput, Value};
use rusqlite::{OptionalExtension, params};

use super::row::{REQUEST_COLUMNS, code, request_from_row};
use super::{Result, SqliteReader, SqliteTx, StoreError};
use crate::domain::deadline::Deadline;
use crate::domain::kind::{RequestKind, join_codes};
use crate::domain::outcome::CategoryAction;
use crate::domain::request::{NewRequest, RequestId, SubjectRequest, format_reference};
use crate::domain::status::Status;
use crate::model::{AssigneeFilter, InitialState, ListFilter, Page, Registration, SortKey};

/// From this many requests on, a batch registration fills the search index and daily
/// figures once at the end instead of by a trigger per row. (Below it, dropping and
/// restoring the triggers costs more than it saves; the SIGKILL test of
/// `tests/it/crash_and_concurrency.rs` imports 600 rows, so it kills this path.)
pub const BULK_ROWS: usize = 500;

/// Rows per statement of a batch registration's multi-row inserts (the widest, a request,
/// binds 28 values a row: well under SQLite's 32,766 parameters).
const ROWS_PER_INSERT: usize = 64;

/// The values [`SqliteTx::insert_many_requests`] binds per request.
const REQUEST_INSERT_WIDTH: usize = 28;

const NULL: ToSqlOutput<'static> = ToSqlOutput::Owned(Value::Null);

fn borrowed(s: &str) -> ToSqlOutput<'_> {
    ToSqlOutput::Borrowed(rusqlite::types::ValueRef::Text(s.as_bytes()))
}

/// A date as the text [`DateText`] binds.
fn date_value(d: NaiveDate) -> ToSqlOutput<'static> {
    let t = DateText::of(d);
    match std::str::from_utf8(&t.0) {
        Ok(s) if (0..=9999).contains(&d.year()) => ToSqlOutput::Owned(Value::Text(s.to_string())),
        _ => ToSqlOutput::Owned(Value::Text(d.to_string())),
    }
}

/// `head VALUES (…), (…) … tail` for the rows of `values` (`width` values a row, in order),
/// [`ROWS_PER_INSERT`] rows per statement.
pub(super) fn insert_many<T: rusqlite::ToSql>(
    conn: &rusqlite::Connection,
    head: &str,
    tail: &str,
    width: usize,
    values: &[T],
) -> Result<()> {
    let row = format!("({})", vec!["?"; width].join(", "));
    for part in values.chunks(width * ROWS_PER_INSERT) {
        let sql = format!("{head} VALUES {} {tail}", vec![row.as_str(); part.len() / width].join(", "));
        conn.prepare_cached(&sql)?.execute(rusqlite::params_from_iter(part))?;
    }
    Ok(())
}

/// A date bound as its ISO text (`2026-11-24`), as chrono's `%F` writes it, without going
/// through a formatter: binding dates was a few per cent of an import.
struct DateText([u8; 10], NaiveDate);

impl DateText {
    fn of(d: NaiveDate) -> DateText {
        let mut b = *b"0000-00-00";
        let (y, m, day) = (d.year(), d.month(), d.day());
        if (0..=9999).contains(&y) {
            let y = y as u32;
            for (i, v) in [(0, y / 1000), (1, y / 100 % 10), (2, y / 10 % 10), (3, y % 10)] {
                b[i] = b'0' + v as u8;
            }
            b[5] = b'0' + (m / 10) as u8;
            b[6] = b'0' + (m % 10) as u8;
            b[8] = b'0' + (day / 10) as u8;
            b[9] = b'0' + (day % 10) as u8;
        }
        DateText(b, d)
    }
}

impl rusqlite::ToSql for DateText {
    fn to_sql(&self) -> rusqlite::Result<rusqlite::types::ToSqlOutput<'_>> {
        if (0..=9999).contains(&self.1.year()) {
            Ok(rusqlite::types::ToSqlOutput::Borrowed(rusqlite::types::ValueRef::Text(&self.0)))
        } else {
            self.1.to_sql()
        }
    }
}

/// The column a list is sorted by.
fn sort_column(sort: SortKey) -> &'static str {
    match sort {
        SortKey::Due => "requests.due_on",
        SortKey::Received => "requests.received_on",
        SortKey::Reference => "requests.ref",
        SortKey::Closed => "requests.closed_on",
    }
}

/// Whether a sort runs from the largest key down.
fn sort_descending(sort: SortKey) -> bool {
    matches!(sort, SortKey::Received | SortKey::Closed)
}

/// Builds an FTS5 query from what an operator typed: every word must match as a prefix.
/// Quotes make the words literal, so no input is an FTS syntax error. The search reaches
/// the store as plain text ([`ListFilter::search`]); this syntax is `SQLite`'s alone.
pub(super) fn fts_query(input: &str) -> Option<String> {
    let terms: Vec<String> = input
        .split_whitespace()
        .map(|w| w.replace('"', ""))
        .filter(|w| w.chars().any(char::is_alphanumeric))
        .map(|w| format!("\"{w}\"*"))
        .collect();
    if terms.is_empty() { None } else { Some(terms.join(" AND ")) }
}

struct Sql {
    clauses: Vec<String>,
    params: Vec<Value>,
}

impl Sql {
    fn push(&mut self, clause: String, values: impl IntoIterator<Item = Value>) {
        self.clauses.push(clause);
        self.params.extend(values);
    }

    fn placeholders(&self, n: usize) -> String {
        let start = self.params.len() + 1;
        (start..start + n).map(|i| format!("?{i}")).collect::<Vec<_>>().join(", ")
    }
}

fn text(s: impl Into<String>) -> Value {
    Value::Text(s.into())
}

fn where_clause(f: &ListFilter) -> Sql {
    let mut q = Sql { clauses: Vec::new(), params: Vec::new() };
    if f.statuses.is_empty() {
        // Waiting on the subject is an open status: `is_open` would only make the planner
        // read each row to test it, where the awaiting indexes answer alone (migration 0017).
        if !f.all_statuses && f.awaiting_since_before.is_none() {
            q.push("requests.is_open = 1".into(), []);
        }
    } else {
        let all_of = |set: &[Status]| {
            set.iter().all(|x| f.statuses.contains(x)) && f.statuses.iter().all(|x| set.contains(x))
        };
        let closed = [Status::Answered, Status::Withdrawn];
        if all_of(Status::OPEN) {
            q.push("requests.is_open = 1".into(), []);
        } else if all_of(&closed) {
            // Exactly the closed statuses: the partial index answers without reading rows.
            q.push("requests.is_open = 0".into(), []);
        } else {
            let ph = q.placeholders(f.statuses.len());
            q.push(format!("requests.status IN ({ph})"), f.statuses.iter().map(|s| text(s.code())));
            // Lets the planner use the partial indexes of open and of closed requests.
            if f.statuses.iter().all(|s| s.is_open()) {
                q.push("requests.is_open = 1".into(), []);
            } else if f.statuses.iter().all(|s| !s.is_open()) {
                q.push("requests.is_open = 0".into(), []);
            }
        }
    }
    if !f.kinds.is_empty() {
        let ph = q.placeholders(f.kinds.len());
        q.push(format!("requests.kind IN ({ph})"), f.kinds.iter().map(|s| text(s.code())));
    }
    if !f.channels.is_empty() {
        let ph = q.placeholders(f.channels.len());
        q.push(format!("requests.channel IN ({ph})"), f.channels.iter().map(|s| text(s.code())));
    }
    if !f.offices.is_empty() {
        let ph = q.placeholders(f.offices.len());
        // With an assignee (or none) the assignee's index is the narrow one, and it carries
        // the office; the unary `+` keeps the planner off the office's index, which without
        // statistics it preferred and then read every open row of the office (69 ms for a
        // clerk's first screen on a million requests, 0.5 ms through the assignee's index).
        let column = match f.assignee {
            AssigneeFilter::Any => "requests.office",
            AssigneeFilter::Is(_) | AssigneeFilter::Unassigned => "+requests.office",
        };
        q.push(format!("{column} IN ({ph})"), f.offices.iter().map(|o| Value::Integer(*o)));
    }
    match &f.assignee {
        AssigneeFilter::Any => {}
        AssigneeFilter::Is(login) => {
            let ph = q.placeholders(1);
            q.push(format!("requests.assignee = {ph}"), [text(login.clone())]);
        }
        AssigneeFilter::Unassigned => q.push("requests.assignee IS NULL".into(), []),
    }
    if let Some(d) = f.overdue_as_of {
        // A paused request's clock stopped on the day of the pause.
        let ph = q.placeholders(1);
        q.push(
            format!("requests.is_open = 1 AND requests.due_on < {ph} AND (requests.paused_since IS NULL OR requests.due_on < requests.paused_since)"),
            [text(d.to_string())],
        );
    }
    for (bound, op, col) in [
        (f.due_from, ">=", "requests.due_on"),
        (f.due_to, "<=", "requests.due_on"),
        (f.received_from, ">=", "requests.received_on"),
        (f.received_to, "<=", "requests.received_on"),
    ] {
        if let Some(d) = bound {
            let ph = q.placeholders(1);
            q.push(format!("{col} {op} {ph}"), [text(d.to_string())]);
        }
    }
    if let Some(d) = f.awaiting_since_before {
        let ph = q.placeholders(1);
        q.push(
            format!("requests.status = 'awaiting_subject' AND requests.awaiting_since < {ph}"),
            [text(d.to_string())],
        );
    }
    if let Some(pin) = &f.pin {
        let ph = q.placeholders(1);
        q.push(format!("requests.subject_pin = {ph}"), [text(pin.clone())]);
    }
    q
}

fn where_sql(q: &Sql) -> String {
    if q.clauses.is_empty() { String::new() } else { format!("WHERE {}", q.clauses.join(" AND ")) }
}

/// Whether `page` is read backwards (a page before a cursor, none after it).
fn page_backwards(page: &Page) -> bool {
    page.before.is_some() && page.after.is_none()
}

/// The statement and parameters of one keyset page of `f` in `sort` order ([`SqliteReader::list_rows`]).
fn page_query(f: &ListFilter, sort: SortKey, page: &Page) -> (String, Sql) {
    let mut q = where_clause(f);
    let backwards = page_backwards(page);
    let cursor = page.after.as_ref().or(page.before.as_ref());
    let limit = page.limit.clamp(1, 10_000);
    let sql = if let Some(m) = f.search.as_deref().and_then(fts_query) {
        let ph = q.placeholders(1);
        q.push(format!("requests_fts MATCH {ph}"), [text(m)]);
        if let Some(c) = cursor {
            let ph = q.placeholders(1);
            let op = if backwards { ">" } else { "<" };
            q.push(format!("requests_fts.rowid {op} {ph}"), [Value::Integer(c.id)]);
        }
        let dir = if backwards { "ASC" } else { "DESC" };
        format!(
            "SELECT {REQUEST_COLUMNS} FROM requests_fts JOIN requests ON requests.id = requests_fts.rowid
             {} ORDER BY requests_fts.rowid {dir} LIMIT {limit}",
            where_sql(&q)
        )
    } else {
        let col = sort_column(sort);
        let ascending = sort_descending(sort) == backwards;
        if let Some(c) = cursor {
            let op = if ascending { ">" } else { "<" };
            let ph = q.placeholders(2);
            q.push(format!("({col}, requests.id) {op} ({ph})"), [text(c.key.clone()), Value::Integer(c.id)]);
        }
        let dir = if ascending { "ASC" } else { "DESC" };
        format!(
            "SELECT {REQUEST_COLUMNS} FROM requests {} ORDER BY {col} {dir}, requests.id {dir} LIMIT {limit}",
            where_sql(&q)
        )
    };
    (sql, q)
}

/// The statement and parameters counting the matches of `f`, up to `cap + 1` when given
/// ([`SqliteReader::count_upto`]).
fn count_query(f: &ListFilter, cap: Option<i64>) -> (String, Sql) {
    let mut q = where_clause(f);
    let from = match f.search.as_deref().and_then(fts_query) {
        Some(m) => {
            let ph = q.placeholders(1);
            q.push(format!("requests_fts MATCH {ph}"), [text(m)]);
            "requests_fts JOIN requests ON requests.id = requests_fts.rowid"
        }
        None => "requests",
    };
    let sql = match cap {
        None => format!("SELECT count(*) FROM {from} {}", where_sql(&q)),
        Some(c) => {
            format!("SELECT count(*) FROM (SELECT 1 FROM {from} {} LIMIT {})", where_sql(&q), c.max(0) + 1)
        }
    };
    (sql, q)
}

impl SqliteReader<'_> {
    pub fn request_by_ref(&self, reference: &str) -> Result<Option<SubjectRequest>> {
        let r = self
            .conn
            .prepare_cached(&format!("SELECT {REQUEST_COLUMNS} FROM requests WHERE ref = ?1"))?
            .query_row([reference], request_from_row)
            .optional()?;
        match r {
            Some(r) => Ok(Some(self.complete(r)?)),
            None => Ok(None),
        }
    }

    pub fn request_by_id(&self, id: RequestId) -> Result<Option<SubjectRequest>> {
        let r = self
            .conn
            .prepare_cached(&format!("SELECT {REQUEST_COLUMNS} FROM requests WHERE id = ?1"))?
            .query_row([id.0], request_from_row)
            .optional()?;
        match r {
            Some(r) => Ok(Some(self.complete(r)?)),
            None => Ok(None),
        }
    }

    /// Adds the deadlines and per-category actions to a request read from its row.
    fn complete(&self, mut r: SubjectRequest) -> Result<SubjectRequest> {
        r.deadlines = self
            .conn
            .prepare_cached(
                "SELECT rule, due_on, binding, explanation, provisional FROM deadlines WHERE request_id = ?1
                 ORDER BY binding DESC, due_on",
            )?
            .query_map([r.id.0], |row| {
                Ok(Deadline {
                    rule: row.get(0)?,
                    due_on: row.get(1)?,
                    binding: row.get(2)?,
                    explanation: row.get(3)?,
                    provisional: row.get(4)?,
                })
            })?
            .collect::<rusqlite::Result<Vec<_>>>()?;
        r.actions = self
            .conn
            .prepare_cached(
                "SELECT category, action FROM category_actions WHERE request_id = ?1 ORDER BY category",
            )?
            .query_map([r.id.0], |row| Ok((code(row, 0)?, code::<CategoryAction>(row, 1)?)))?
            .collect::<rusqlite::Result<Vec<_>>>()?;
        Ok(r)
    }

    /// Adds deadlines and actions to a page of requests with two queries in all (instead of
    /// two per request: on a page of 50 that was a third of `aryz list`'s time).
    fn complete_all(&self, mut rows: Vec<SubjectRequest>) -> Result<Vec<SubjectRequest>> {
        if rows.is_empty() {
            return Ok(rows);
        }
        let ids = format!("[{}]", rows.iter().map(|r| r.id.0.to_string()).collect::<Vec<_>>().join(","));
        let index: std::collections::HashMap<i64, usize> =
            rows.iter().enumerate().map(|(i, r)| (r.id.0, i)).collect();
        let mut st = self.conn.prepare_cached(
            "SELECT request_id, rule, due_on, binding, explanation, provisional FROM deadlines
             WHERE request_id IN (SELECT value FROM json_each(?1)) ORDER BY request_id, binding DESC, due_on",
        )?;
        let mut q = st.query([&ids])?;
        while let Some(row) = q.next()? {
            if let Some(&i) = index.get(&row.get::<_, i64>(0)?) {
                rows[i].deadlines.push(Deadline {
                    rule: row.get(1)?,
                    due_on: super::row::date(row, 2)?,
                    binding: row.get(3)?,
                    explanation: row.get(4)?,
                    provisional: row.get(5)?,
                });
            }
        }
        let mut st = self.conn.prepare_cached(
            "SELECT request_id, category, action FROM category_actions
             WHERE request_id IN (SELECT value FROM json_each(?1)) ORDER BY request_id, category",
        )?;
        let mut q = st.query([&ids])?;
        while let Some(row) = q.next()? {
            if let Some(&i) = index.get(&row.get::<_, i64>(0)?) {
                rows[i].actions.push((code(row, 1)?, code::<CategoryAction>(row, 2)?));
            }
        }
        Ok(rows)
    }

    /// One page of requests matching `f`, in `sort` order. With a search, results come
    /// newest first whatever `sort` says: the search index walks its matches from the
    /// newest and stops at a page, where sorting every match by due date would read them all.
    pub fn list(&self, f: &ListFilter, sort: SortKey, page: &Page) -> Result<Vec<SubjectRequest>> {
        let rows = self.list_rows(f, sort, page)?;
        self.complete_all(rows)
    }

    /// Like [`Reader::list`] without the deadlines and per-category actions: what a queue
    /// shows (the binding due date is on the row itself), in one query instead of three.
    pub fn list_rows(&self, f: &ListFilter, sort: SortKey, page: &Page) -> Result<Vec<SubjectRequest>> {
        let (sql, q) = page_query(f, sort, page);
        let mut st = self.conn.prepare_cached(&sql)?;
        let mut rows = st
            .query_map(rusqlite::params_from_iter(q.params.iter()), request_from_row)?
            .collect::<rusqlite::Result<Vec<_>>>()?;
        // Paging back walks the index the other way: the rows come reversed.
        if page_backwards(page) {
            rows.reverse();
        }
        Ok(rows)
    }

    pub fn count(&self, f: &ListFilter) -> Result<i64> {
        self.count_upto(f, None)
    }

    /// Counts matches, stopping after `cap + 1` when a cap is given: a screen shows
    /// "10000+" rather than reading a million index entries to print an exact figure.
    pub fn count_upto(&self, f: &ListFilter, cap: Option<i64>) -> Result<i64> {
        let (sql, q) = count_query(f, cap);
        Ok(self
            .conn
            .prepare_cached(&sql)?
            .query_row(rusqlite::params_from_iter(q.params.iter()), |r| r.get(0))?)
    }
}

#[cfg(test)]
impl SqliteReader<'_> {
    /// The query plans (`EXPLAIN QUERY PLAN` details) of the statements a queue runs for
    /// `f`: the exact count, the capped count and the first page, for tests of index choice.
    pub(crate) fn plans(&self, f: &ListFilter, sort: SortKey) -> Vec<String> {
        let first = Page { limit: 50, ..Page::default() };
        [count_query(f, None), count_query(f, Some(10_000)), page_query(f, sort, &first)]
            .into_iter()
            .map(|(sql, q)| {
                let mut st = self.conn.prepare(&format!("EXPLAIN QUERY PLAN {sql}")).expect("plan");
                let rows = st
                    .query_map(rusqlite::params_from_iter(q.params.iter()), |r| r.get::<_, String>(3))
                    .expect("plan rows");
                rows.collect::<rusqlite::Result<Vec<_>>>().expect("plan").join("; ")
            })
            .collect()
    }

    /// Takes the planner's statistics, as `ANALYZE` in the sqlite3 shell would.
    pub(crate) fn analyze(&self) {
        self.conn.execute_batch("ANALYZE").expect("analyze");
    }
}

impl SqliteTx<'_> {
    /// Takes the next reference of the year: `ARZ-YYYY-NNNNNN`.
    pub fn next_reference(&self, year: i32) -> Result<String> {
        let seq: i64 = self
            .tx
            .prepare_cached(
                "INSERT INTO ref_sequences (year, last) VALUES (?1, 1)
                 ON CONFLICT (year) DO UPDATE SET last = last + 1 RETURNING last",
            )?
            .query_row([year], |r| r.get(0))?;
        if seq > 999_999 {
            return Err(StoreError::Corrupt(format!("reference sequence of {year} is exhausted")));
        }
        Ok(format_reference(year, seq))
    }

    /// Inserts a request already in a later state (demo data and history loaded in bulk:
    /// one write per request instead of an insert and an update).
    pub fn insert_request_in_state(
        &self,
        new: &NewRequest,
        registered_on: NaiveDate,
        deadlines: &[Deadline],
        assignee: Option<&str>,
        now: &str,
        state: &InitialState,
    ) -> Result<(RequestId, String)> {
        let reference = self.next_reference(new.received_on.year())?;
        let id = self.insert_row(new, &reference, registered_on, deadlines, assignee, now, state)?;
        Ok((id, reference))
    }

    /// Inserts one request under `reference` with its deadlines and actions.
    #[allow(clippy::too_many_arguments)]
    fn insert_row(
        &self,
        new: &NewRequest,
        reference: &str,
        registered_on: NaiveDate,
        deadlines: &[Deadline],
        assignee: Option<&str>,
        now: &str,
        state: &InitialState,
    ) -> Result<RequestId> {
        let due = crate::store::governing_due(deadlines)?;
        let s = &new.subject;
        let passport = s.passport.as_ref();
        self.tx
            .prepare_cached(
                "INSERT INTO requests (ref, kind, status, channel, lang, received_on, registered_on, identity,
                    categories, description, subject_name, subject_pin, birth_date, passport_doc, passport_issuer,
                    passport_issued, address, email, phone, assignee, due_on, created_at, updated_at,
                    outcome, ground, responded_on, closed_on, office)
                 VALUES (?1, ?2, ?22, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18,
                    ?19, ?20, ?21, ?21, ?23, ?24, ?25, ?26, ?27)",
            )?
            .execute(params![
                reference,
                new.kind.code(),
                new.channel.code(),
                new.lang.code(),
                DateText::of(new.received_on),
                DateText::of(registered_on),
                new.identity.code(),
                join_codes(&new.categories),
                new.description,
                s.name,
                s.pin,
                s.birth_date.map(DateText::of),
                passport.map(|p| p.document.as_str()),
                passport.map(|p| p.issuer.as_str()).unwrap_or_default(),
                passport.and_then(|p| p.issued_on).map(DateText::of),
                s.address,
                s.email,
                s.phone,
                assignee,
                DateText::of(due),
                now,
                state.status.code(),
                state.outcome.map(super::super::domain::outcome::Outcome::code),
                state.ground,
                state.responded_on.map(DateText::of),
                state.closed_on.map(DateText::of),
                new.office.unwrap_or(crate::model::DEFAULT_OFFICE),
            ])?;
        let id = RequestId(self.tx.last_insert_rowid());
        for d in deadlines {
            self.put_deadline(id, d)?;
        }
        self.put_actions(id, &state.actions)?;
        Ok(id)
    }

    /// Registers a batch of new requests, unassigned, as [`SqliteTx::insert_request`], the
    /// request's first event and an audit entry (action `register`, target the reference)
    /// for each one in turn would, and returns their references in the batch's order. Set-wise
    /// where the result is the same: references are taken from each year's sequence once,
    /// the audit entries are written after the rows (each binding the records as they stood
    /// after its own request, hashed in one ordered pass), and from [`BULK_ROWS`] requests on
    /// the search index and the daily figures are filled once at the end.
    pub fn register_batch(
        &self,
        batch: &[Registration<'_>],
        registered_on: NaiveDate,
        now: &str,
        actor: &str,
    ) -> Result<Vec<String>> {
        if batch.is_empty() {
            return Ok(Vec::new());
        }
        let after = self.last_request_id()?;
        let suspended = if batch.len() >= BULK_ROWS { Some(self.suspend_derived()?) } else { None };
        let references = self.take_references(batch.iter().map(|r| r.new.received_on.year()))?;
        // Many rows per statement: the same rows, in the same order, as one `insert_row` and
        // `insert_event` per request (deadlines and events keep their relative order, so
        // their ids are the same too); one statement start, journal and bind pass for
        // ROWS_PER_INSERT rows instead of for each.
        let mut done = 0;
        for (part, refs) in batch.chunks(ROWS_PER_INSERT).zip(references.chunks(ROWS_PER_INSERT)) {
            let ids = self.insert_many_requests(part, refs, registered_on, now)?;
            let mut deadlines: Vec<ToSqlOutput<'_>> = Vec::with_capacity(part.len() * 3 * 6);
            let mut events: Vec<ToSqlOutput<'_>> = Vec::with_capacity(part.len() * 8);
            for (r, id) in part.iter().zip(ids) {
                for d in r.deadlines {
                    deadlines.extend([
                        ToSqlOutput::from(id),
                        borrowed(&d.rule),
                        date_value(d.due_on),
                        ToSqlOutput::from(d.binding),
                        borrowed(&d.explanation),
                        d.provisional.as_deref().map_or(NULL, borrowed),
                    ]);
                }
                let e = &r.created;
                events.extend([
                    ToSqlOutput::from(id),
                    borrowed(&e.at),
                    borrowed(&e.actor),
                    borrowed(e.kind.code()),
                    e.old.as_deref().map_or(NULL, borrowed),
                    e.new.as_deref().map_or(NULL, borrowed),
                    borrowed(&e.text),
                    e.effective_on.as_deref().map_or(NULL, borrowed),
                ]);
            }
            insert_many(
                self.tx,
                "INSERT INTO deadlines (request_id, rule, due_on, binding, explanation, provisional)",
                "ON CONFLICT (request_id, rule) DO UPDATE SET due_on = excluded.due_on, binding = excluded.binding,
                    explanation = excluded.explanation, provisional = excluded.provisional",
                6,
                &deadlines,
            )?;
            insert_many(
                self.tx,
                "INSERT INTO events (request_id, at, actor, kind, old_value, new_value, text, effective_on)",
                "",
                8,
                &events,
            )?;
            done += part.len();
        }
        debug_assert_eq!(done, batch.len());
        let entries: Vec<(&str, &str)> =
            references.iter().zip(batch).map(|(t, r)| (t.as_str(), r.audit_detail.as_str())).collect();
        super::audit::append_per_request(self.tx, after, now, actor, "register", &entries)?;
        if let Some(triggers) = suspended {
            self.restore_derived_after(triggers, after)?;
        }
        Ok(references)
    }

    /// Inserts a part of a batch (at most [`ROWS_PER_INSERT`] requests, new, unassigned) in
    /// one statement, as [`SqliteTx::insert_row`] would insert each, and returns their ids
    /// in order (a statement's rows get consecutive rowids).
    fn insert_many_requests(
        &self,
        part: &[Registration<'_>],
        refs: &[String],
        registered_on: NaiveDate,
        now: &str,
    ) -> Result<Vec<i64>> {
        let mut values: Vec<ToSqlOutput<'_>> = Vec::with_capacity(part.len() * REQUEST_INSERT_WIDTH);
        let registered = date_value(registered_on);
        for (r, reference) in part.iter().zip(refs) {
            let new = r.new;
            let due = crate::store::governing_due(r.deadlines)?;
            let s = &new.subject;
            let passport = s.passport.as_ref();
            values.extend([
                borrowed(reference),
                borrowed(new.kind.code()),
                borrowed(Status::New.code()),
                borrowed(new.channel.code()),
                borrowed(new.lang.code()),
                date_value(new.received_on),
                registered.clone(),
                borrowed(new.identity.code()),
                ToSqlOutput::from(join_codes(&new.categories)),
                borrowed(&new.description),
                borrowed(&s.name),
                borrowed(&s.pin),
                s.birth_date.map_or(NULL, date_value),
                passport.map_or(NULL, |p| borrowed(&p.document)),
                borrowed(passport.map_or("", |p| p.issuer.as_str())),
                passport.and_then(|p| p.issued_on).map_or(NULL, date_value),
                borrowed(&s.address),
                borrowed(&s.email),
                borrowed(&s.phone),
                NULL,
                date_value(due),
                borrowed(now),
                borrowed(now),
                NULL,
                NULL,
                NULL,
                NULL,
                ToSqlOutput::from(new.office.unwrap_or(crate::model::DEFAULT_OFFICE)),
            ]);
        }
        insert_many(
            self.tx,
            "INSERT INTO requests (ref, kind, status, channel, lang, received_on, registered_on, identity,
                categories, description, subject_name, subject_pin, birth_date, passport_doc, passport_issuer,
                passport_issued, address, email, phone, assignee, due_on, created_at, updated_at, outcome, ground,
                responded_on, closed_on, office)",
            "",
            REQUEST_INSERT_WIDTH,
            &values,
        )?;
        let last = self.tx.last_insert_rowid();
        let first = last + 1 - part.len() as i64;
        Ok((first..=last).collect())
    }

    /// The next references of each year's sequence for requests received in `years` (in
    /// order), as [`SqliteTx::next_reference`] called once each would give them; each
    /// sequence is read and written once.
    fn take_references(&self, years: impl Iterator<Item = i32>) -> Result<Vec<String>> {
        let mut last: HashMap<i32, i64> = HashMap::new();
        let mut out = Vec::new();
        for year in years {
            let seq = match last.entry(year) {
                Entry::Occupied(e) => e.into_mut(),
                Entry::Vacant(e) => e.insert(
                    self.tx
                        .prepare_cached("SELECT last FROM ref_sequences WHERE year = ?1")?
                        .query_row([year], |r| r.get(0))
                        .optional()?
                        .unwrap_or(0),
                ),
            };
            *seq += 1;
            if *seq > 999_999 {
                return Err(StoreError::Corrupt(format!("reference sequence of {year} is exhausted")));
            }
            out.push(format_reference(year, *seq));
        }
        for (year, seq) in last {
            self.tx
                .prepare_cached(
                    "INSERT INTO ref_sequences (year, last) VALUES (?1, ?2)
                     ON CONFLICT (year) DO UPDATE SET last = excluded.last",
                )?
                .execute(params![year, seq])?;
        }
        Ok(out)
    }

    pub fn put_deadline(&self, id: RequestId, d: &Deadline) -> Result<()> {
        self.tx
            .prepare_cached(
                "INSERT INTO deadlines (request_id, rule, due_on, binding, explanation, provisional)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6)
                 ON CONFLICT (request_id, rule) DO UPDATE SET due_on = excluded.due_on, binding = excluded.binding,
                    explanation = excluded.explanation, provisional = excluded.provisional",
            )?
            .execute(params![id.0, d.rule, DateText::of(d.due_on), d.binding, d.explanation, d.provisional])?;
        Ok(())
    }

    /// Puts request `id` in office `office` (a move: the caller saves the request with
    /// [`SqliteTx::update_request`] in the same transaction, which checks its version).
    pub fn set_request_office(&self, id: RequestId, office: i64) -> Result<()> {
        self.tx
            .prepare_cached("UPDATE requests SET office = ?2 WHERE id = ?1")?
            .execute(params![id.0, office])?;
        Ok(())
    }

    /// Writes every mutable field of `r` if nobody changed it since `r.version` was read;
    /// otherwise a [`StoreError::Conflict`]. Returns the new version.
    pub fn update_request(&self, r: &SubjectRequest, now: &str) -> Result<i64> {
        let s = &r.subject;
        let passport = s.passport.as_ref();
        let n = self
            .tx
            .prepare_cached(
                "UPDATE requests SET status = ?3, assignee = ?4, due_on = ?5, outcome = ?6, ground = ?7,
                    responded_on = ?8, response_text = ?9, response_channel = ?10, closed_on = ?11,
                    paused_since = ?12, pause_category = ?13, pause_reason = ?14, extensions = ?15,
                    paused_days = ?16, subject_name = ?17, subject_pin = ?18, birth_date = ?19,
                    passport_doc = ?20, passport_issuer = ?21, passport_issued = ?22, address = ?23,
                    email = ?24, phone = ?25, description = ?26, updated_at = ?27, identity = ?28,
                    version = version + 1
                 WHERE id = ?1 AND version = ?2",
            )?
            .execute(params![
                r.id.0,
                r.version,
                r.status.code(),
                r.assignee,
                r.due_on,
                r.outcome.map(super::super::domain::outcome::Outcome::code),
                r.ground,
                r.responded_on,
                r.response_text,
                r.response_channel.map(super::super::domain::kind::Channel::code),
                r.closed_on,
                r.pause.as_ref().map(|p| p.since),
                r.pause.as_ref().map(|p| p.category.clone()),
                r.pause.as_ref().map(|p| p.reason.clone()),
                r.extensions,
                r.paused_days,
                s.name,
                s.pin,
                s.birth_date,
                passport.map(|p| p.document.clone()),
                passport.map(|p| p.issuer.clone()).unwrap_or_default(),
                passport.and_then(|p| p.issued_on),
                s.address,
                s.email,
                s.phone,
                r.description,
                now,
                r.identity.code(),
            ])?;
        if n == 0 {
            return Err(StoreError::Conflict(r.reference.clone()));
        }
        self.tx.prepare_cached("DELETE FROM category_actions WHERE request_id = ?1")?.execute([r.id.0])?;
        for (cat, action) in &r.actions {
            self.tx
                .prepare_cached(
                    "INSERT INTO category_actions (request_id, category, action) VALUES (?1, ?2, ?3)",
                )?
                .execute(params![r.id.0, cat.code(), action.code()])?;
        }
        Ok(r.version + 1)
    }
}

impl SqliteReader<'_> {
    /// A request of the same PIN, kind and date of receipt: a probable duplicate.
    pub fn duplicate_of(&self, pin: &str, kind: RequestKind, received: NaiveDate) -> Result<Option<String>> {
        Ok(self
            .conn
            .prepare_cached(
                "SELECT ref FROM requests WHERE subject_pin = ?1 AND kind = ?2 AND received_on = ?3 LIMIT 1",
            )?
            .query_row(params![pin, kind.code(), received], |r| r.get(0))
            .optional()?)
    }
}

impl SqliteTx<'_> {
    pub fn put_actions(
        &self,
        id: RequestId,
        actions: &[(crate::domain::kind::DataCategory, CategoryAction)],
    ) -> Result<()> {
        for (cat, action) in actions {
            self.tx
                .prepare_cached("INSERT OR REPLACE INTO category_actions (request_id, category, action) VALUES (?1, ?2, ?3)")?
                .execute(params![id.0, cat.code(), action.code()])?;
        }
        Ok(())
    }

    /// Stops keeping the search index and the daily figures current, for a bulk load of new
    /// requests in this transaction; pass what it returns to [`Tx::rebuild_derived`] before
    /// the transaction ends. (Recomputing both once is far cheaper than a trigger per row.)
    pub fn suspend_derived(&self) -> Result<SuspendedTriggers> {
        // Each trigger's own text is kept, so the schema stays defined by the migrations.
        let saved = super::figures::drop_triggers(
            self.tx,
            &[
                "requests_fts_insert",
                "stats_insert",
                "figures_stale_request_insert",
                "figures_stale_event_insert",
                "figures_within_deadline_insert",
            ],
        )?;
        Ok(SuspendedTriggers(saved))
    }

    /// Rebuilds the search index and the daily figures from the requests, and restores the
    /// triggers that keep them current. The recount is the one migration 0003 ran once;
    /// migrations are frozen history, so the current form lives here.
    pub fn rebuild_derived(&self, suspended: SuspendedTriggers) -> Result<()> {
        self.tx.execute_batch(
            "INSERT INTO requests_fts (requests_fts) VALUES ('rebuild');
             DELETE FROM stats_daily;
             INSERT INTO stats_daily (day, kind, office, received)
                 SELECT received_on, kind, office, count(*) FROM requests GROUP BY received_on, kind, office;
             INSERT INTO stats_daily (day, kind, office, answered_in_time, answered_late)
                 SELECT responded_on, kind, office, sum(responded_on <= due_on), sum(responded_on > due_on) FROM requests
                 WHERE status = 'answered' AND responded_on IS NOT NULL GROUP BY responded_on, kind, office
                 ON CONFLICT (day, kind, office) DO UPDATE SET answered_in_time = excluded.answered_in_time,
                     answered_late = excluded.answered_late;
             INSERT INTO stats_daily (day, kind, office, withdrawn)
                 SELECT closed_on, kind, office, count(*) FROM requests
                 WHERE status = 'withdrawn' AND closed_on IS NOT NULL
                 GROUP BY closed_on, kind, office
                 ON CONFLICT (day, kind, office) DO UPDATE SET withdrawn = excluded.withdrawn;",
        )?;
        super::figures::rebuild_all(self.tx)?;
        super::figures::restore_triggers(self.tx, suspended.0)
    }
}

impl SqliteTx<'_> {
    /// The largest request id so far (0 in an empty database): requests inserted after this
    /// call get larger ids, which [`Tx::restore_derived_after`] relies on.
    pub fn last_request_id(&self) -> Result<i64> {
        Ok(self.tx.query_row("SELECT coalesce(max(id), 0) FROM requests", [], |r| r.get(0))?)
    }

    /// Adds the requests with ids above `after` to the search index and the daily figures
    /// in one pass each, and restores the triggers [`Tx::suspend_derived`] dropped. For an
    /// import into a large database: unlike [`Tx::rebuild_derived`] it reads only the new
    /// rows, and one set-wise insert is several times cheaper than a trigger per row.
    pub fn restore_derived_after(&self, suspended: SuspendedTriggers, after: i64) -> Result<()> {
        self.tx
            .prepare(
                "INSERT INTO requests_fts (rowid, ref, ref_tail, subject_name, subject_pin, description, email, phone, phone_digits)
                 SELECT id, ref, ref_tail, subject_name, subject_pin, description, email, phone, phone_digits
                 FROM requests WHERE id > ?1 ORDER BY id",
            )?
            .execute([after])?;
        // The same sums as the `stats_insert` trigger, added per day and kind.
        self.tx
            .prepare(
                "INSERT INTO stats_daily (day, kind, office, received)
                 SELECT received_on, kind, office, count(*) FROM requests WHERE id > ?1
                 GROUP BY received_on, kind, office
                 ON CONFLICT (day, kind, office) DO UPDATE SET received = received + excluded.received",
            )?
            .execute([after])?;
        self.tx
            .prepare(
                "INSERT INTO stats_daily (day, kind, office, answered_in_time, answered_late)
                 SELECT responded_on, kind, office, sum(responded_on <= due_on), sum(responded_on > due_on) FROM requests
                 WHERE id > ?1 AND status = 'answered' AND responded_on IS NOT NULL GROUP BY responded_on, kind, office
                 ON CONFLICT (day, kind, office) DO UPDATE SET
                     answered_in_time = answered_in_time + excluded.answered_in_time,
                     answered_late = answered_late + excluded.answered_late",
            )?
            .execute([after])?;
        self.tx
            .prepare(
                "INSERT INTO stats_daily (day, kind, office, withdrawn)
                 SELECT closed_on, kind, office, count(*) FROM requests
                 WHERE id > ?1 AND status = 'withdrawn' AND closed_on IS NOT NULL GROUP BY closed_on, kind, office
                 ON CONFLICT (day, kind, office) DO UPDATE SET withdrawn = withdrawn + excluded.withdrawn",
            )?
            .execute([after])?;
        super::figures::rebuild_after(self.tx, after)?;
        super::figures::restore_triggers(self.tx, suspended.0)
    }
}

/// Triggers dropped for a bulk load, to restore with [`Tx::rebuild_derived`].
#[must_use = "the search index and daily figures must be rebuilt before the transaction ends"]
pub struct SuspendedTriggers(Vec<String>);

impl SuspendedTriggers {
    /// Nothing suspended (a backend whose derived data cost nothing to keep current).
    #[cfg_attr(not(feature = "postgres"), allow(dead_code))]
    pub(super) fn none() -> SuspendedTriggers {
        SuspendedTriggers(Vec::new())
    }
}
