//! Every read of [`ReadSurface`](crate::store::ReadSurface) on PostgreSQL.

use chrono::NaiveDate;
use postgres::Row;

use super::{P, PgReader, borrow, code, date, ds, get, opt_code, opt_date};
use crate::domain::audit_chain::{AuditHead, ChainCheck, EntryFields};
use crate::domain::calendar::CalendarEntry;
use crate::domain::deadline::Deadline;
use crate::domain::history::History;
use crate::domain::identity::Passport;
use crate::domain::kind::{RequestKind, parse_code_list};
use crate::domain::outcome::CategoryAction;
use crate::domain::referral::{CopyMedium, ResponseDetails};
use crate::domain::request::{Pause, RequestId, Subject, SubjectRequest};
use crate::domain::status::Status;
use crate::model::{
    Ageing, AssigneeCounts, AssigneeFilter, AuditEntry, AuditFilter, BacklogDay, DayStats, Event,
    HistoryScope, ListFilter, Office, Operator, Page, SortKey, Verification,
};
use crate::store::figures_sql::{self, Dialect, office_in};
use crate::store::row::REQUEST_COLUMNS;
use crate::store::{Result, StoreError};

fn u32_of(r: &Row, i: usize) -> Result<u32> {
    let v: i64 = get(r, i)?;
    u32::try_from(v).map_err(|_| StoreError::Corrupt(format!("column {i}: {v} is out of range")))
}

fn request_from_row(r: &Row) -> Result<SubjectRequest> {
    let categories: String = get(r, 9)?;
    let passport = match get::<Option<String>>(r, 14)? {
        Some(document) => Some(Passport { document, issuer: get(r, 15)?, issued_on: opt_date(r, 16)? }),
        None => None,
    };
    let paused_since = opt_date(r, 28)?;
    Ok(SubjectRequest {
        id: RequestId(get(r, 0)?),
        reference: get(r, 1)?,
        kind: code(r, 2)?,
        status: code(r, 3)?,
        channel: code(r, 4)?,
        lang: code(r, 5)?,
        received_on: date(r, 6)?,
        registered_on: date(r, 7)?,
        identity: code(r, 8)?,
        categories: parse_code_list(&categories)
            .map_err(|e| StoreError::Corrupt(format!("categories: {e}")))?,
        description: get(r, 10)?,
        subject: Subject {
            name: get(r, 11)?,
            pin: get(r, 12)?,
            birth_date: opt_date(r, 13)?,
            passport,
            address: get(r, 17)?,
            email: get(r, 18)?,
            phone: get(r, 19)?,
        },
        assignee: get(r, 20)?,
        due_on: date(r, 21)?,
        deadlines: Vec::new(),
        outcome: opt_code(r, 22)?,
        ground: get(r, 23)?,
        responded_on: opt_date(r, 24)?,
        response_text: get(r, 25)?,
        response_channel: opt_code(r, 26)?,
        actions: Vec::new(),
        closed_on: opt_date(r, 27)?,
        pause: match paused_since {
            Some(since) => Some(Pause {
                since,
                category: get::<Option<String>>(r, 29)?.unwrap_or_default(),
                reason: get::<Option<String>>(r, 30)?.unwrap_or_default(),
            }),
            None => None,
        },
        extensions: u32_of(r, 31)?,
        paused_days: u32_of(r, 32)?,
        version: get(r, 33)?,
        office: get(r, 34)?,
    })
}

fn deadline_from(r: &Row, at: usize) -> Result<Deadline> {
    Ok(Deadline {
        rule: get(r, at)?,
        due_on: date(r, at + 1)?,
        binding: get(r, at + 2)?,
        explanation: get(r, at + 3)?,
        provisional: get(r, at + 4)?,
    })
}

/// A query's parameters, owned, with `$n` placeholders.
#[derive(Default)]
struct Sql {
    clauses: Vec<String>,
    texts: Vec<Param>,
}

enum Param {
    Text(String),
    Texts(Vec<String>),
    Int(i64),
    Ints(Vec<i64>),
}

impl Sql {
    fn bind(&mut self, p: Param) -> String {
        self.texts.push(p);
        format!("${}", self.texts.len())
    }

    fn params(&self) -> Vec<P<'_>> {
        self.texts
            .iter()
            .map(|p| match p {
                Param::Text(s) => s as P<'_>,
                Param::Texts(v) => v as P<'_>,
                Param::Int(i) => i as P<'_>,
                Param::Ints(v) => v as P<'_>,
            })
            .collect()
    }

    fn where_sql(&self) -> String {
        if self.clauses.is_empty() { String::new() } else { format!("WHERE {}", self.clauses.join(" AND ")) }
    }
}

fn where_clause(f: &ListFilter) -> Sql {
    let mut q = Sql::default();
    if f.statuses.is_empty() {
        if !f.all_statuses {
            q.clauses.push("requests.is_open".into());
        }
    } else {
        let codes: Vec<String> = f.statuses.iter().map(|s| s.code().to_string()).collect();
        let ph = q.bind(Param::Texts(codes));
        q.clauses.push(format!("requests.status = ANY ({ph})"));
        if f.statuses.iter().all(|s| s.is_open()) {
            q.clauses.push("requests.is_open".into());
        } else if f.statuses.iter().all(|s: &Status| !s.is_open()) {
            q.clauses.push("NOT requests.is_open".into());
        }
    }
    if !f.kinds.is_empty() {
        let ph = q.bind(Param::Texts(f.kinds.iter().map(|k| k.code().to_string()).collect()));
        q.clauses.push(format!("requests.kind = ANY ({ph})"));
    }
    if !f.channels.is_empty() {
        let ph = q.bind(Param::Texts(f.channels.iter().map(|k| k.code().to_string()).collect()));
        q.clauses.push(format!("requests.channel = ANY ({ph})"));
    }
    if !f.offices.is_empty() {
        let ph = q.bind(Param::Ints(f.offices.clone()));
        q.clauses.push(format!("requests.office = ANY ({ph})"));
    }
    match &f.assignee {
        AssigneeFilter::Any => {}
        AssigneeFilter::Is(login) => {
            let ph = q.bind(Param::Text(login.clone()));
            q.clauses.push(format!("requests.assignee = {ph}"));
        }
        AssigneeFilter::Unassigned => q.clauses.push("requests.assignee IS NULL".into()),
    }
    if let Some(d) = f.overdue_as_of {
        let ph = q.bind(Param::Text(ds(d)));
        q.clauses.push(format!(
            "requests.is_open AND requests.due_on < {ph} AND (requests.paused_since IS NULL OR requests.due_on < requests.paused_since)"
        ));
    }
    for (bound, op, col) in [
        (f.due_from, ">=", "requests.due_on"),
        (f.due_to, "<=", "requests.due_on"),
        (f.received_from, ">=", "requests.received_on"),
        (f.received_to, "<=", "requests.received_on"),
    ] {
        if let Some(d) = bound {
            let ph = q.bind(Param::Text(ds(d)));
            q.clauses.push(format!("{col} {op} {ph}"));
        }
    }
    if let Some(d) = f.awaiting_since_before {
        let ph = q.bind(Param::Text(ds(d)));
        q.clauses.push(format!("requests.status = 'awaiting_subject' AND requests.awaiting_since < {ph}"));
    }
    if let Some(pin) = &f.pin {
        let ph = q.bind(Param::Text(pin.clone()));
        q.clauses.push(format!("requests.subject_pin = {ph}"));
    }
    for word in f.search.as_deref().map(search_words).unwrap_or_default() {
        let clause = word_clause(&mut q, word);
        q.clauses.push(clause);
    }
    q
}

/// The words of a search (as SQLite's `fts_query` takes them): split on white space, each
/// with at least one letter or digit. Every word must match.
fn search_words(input: &str) -> Vec<&str> {
    input.split_whitespace().filter(|w| w.chars().any(char::is_alphanumeric)).collect()
}

/// What one word of a search matches: every part of it (letters and digits) as the prefix
/// of a word of the reference, name, PIN, description, e-mail or phone; or, by btree
/// prefix, the start of the e-mail, of the phone's digits, or of the reference's tail
/// (`234` for ARZ-2026-000234).
fn word_clause(q: &mut Sql, word: &str) -> String {
    let mut alternatives = Vec::new();
    if let Some(ts) = ts_query(word) {
        let ph = q.bind(Param::Text(ts));
        alternatives.push(format!("requests.search @@ to_tsquery('simple', {ph})"));
    }
    let ph = q.bind(Param::Text(format!("{}%", like_escape(&word.to_lowercase()))));
    alternatives.push(format!("(requests.email <> '' AND lower(requests.email) LIKE {ph})"));
    // The phone as SQLite's `phone_digits` keeps it: without spaces, dashes, brackets, plus
    // signs and dots.
    let digits: String = word.chars().filter(|c| !matches!(c, ' ' | '-' | '(' | ')' | '+' | '.')).collect();
    if !digits.is_empty() && digits.chars().all(|c| c.is_ascii_digit()) {
        let ph = q.bind(Param::Text(format!("{digits}%")));
        alternatives.push(format!("(requests.phone_digits <> '' AND requests.phone_digits LIKE {ph})"));
    }
    if word.chars().all(|c| c.is_ascii_digit()) {
        let ph = q.bind(Param::Text(format!("{word}%")));
        alternatives.push(format!("requests.ref_tail LIKE {ph}"));
    }
    format!("({})", alternatives.join(" OR "))
}

/// A text-search query from what an operator typed: every word (letters and digits; any
/// other character separates words, as in the stored vector) must match as a prefix. Only
/// letters and digits reach the query, so no input is a syntax error.
pub(super) fn ts_query(input: &str) -> Option<String> {
    let terms: Vec<String> = input
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(|w| format!("{}:*", w.to_lowercase()))
        .collect();
    if terms.is_empty() { None } else { Some(terms.join(" & ")) }
}

fn sort_column(sort: SortKey) -> &'static str {
    match sort {
        SortKey::Due => "requests.due_on",
        SortKey::Received => "requests.received_on",
        SortKey::Reference => "requests.ref",
        SortKey::Closed => "requests.closed_on",
    }
}

const HISTORY_KINDS: &str = "'assigned', 'responded', 'withdrawn', 'reopened', 'deadline_changed', 'paused', 'resumed', 'status_changed'";

impl PgReader<'_> {
    fn q(&self, sql: &str, params: &[P<'_>]) -> Result<Vec<Row>> {
        borrow(self.conn)?.query(sql, params)
    }

    fn q_opt(&self, sql: &str, params: &[P<'_>]) -> Result<Option<Row>> {
        borrow(self.conn)?.query_opt(sql, params)
    }

    fn q_one(&self, sql: &str, params: &[P<'_>]) -> Result<Row> {
        borrow(self.conn)?.query_one(sql, params)
    }

    /// Inside a write transaction a request is read to be changed: its row is locked until
    /// the transaction ends, so concurrent use cases on one request run one after the other
    /// (as under SQLite's one write lock) instead of failing the version check at READ
    /// COMMITTED.
    fn lock(&self) -> &'static str {
        if self.in_tx { " FOR UPDATE" } else { "" }
    }

    pub fn audit_head(&self) -> Result<Option<AuditHead>> {
        // Inside a transaction, its own entries are part of the log it reads.
        if let Some(pending) = self.pending {
            super::records::flush(self.conn, pending)?;
        }
        self.q_opt("SELECT id, hash FROM audit ORDER BY id DESC LIMIT 1", &[])?
            .map(|r| Ok(AuditHead { id: get(&r, 0)?, hash: get(&r, 1)? }))
            .transpose()
    }

    /// Runs `f` inside a read-only REPEATABLE READ transaction (one snapshot for a long
    /// read such as verification), or inside the write transaction already open.
    pub(super) fn snapshot<T>(&self, f: impl FnOnce() -> Result<T>) -> Result<T> {
        if self.in_tx {
            return f();
        }
        borrow(self.conn)?.batch("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY")?;
        let out = f();
        let end = borrow(self.conn)?.batch(if out.is_ok() { "COMMIT" } else { "ROLLBACK" });
        let v = out?;
        end?;
        Ok(v)
    }

    pub fn verify_full(&self, expect: Option<&AuditHead>) -> Result<Verification> {
        let (verdict, check, max_filed, last_state) = self.snapshot(|| {
            let mut chain = ChainCheck::new(expect);
            let mut last_state = String::new();
            super::records::stream(
                self.conn,
                "SELECT id, at, actor, action, target, detail, prev_hash, hash, state FROM audit ORDER BY id",
                |r| {
                    let (id, at, actor, action, target, detail, prev, hash, state): (
                        i64,
                        String,
                        String,
                        String,
                        String,
                        String,
                        String,
                        String,
                        String,
                    ) = (
                        get(r, 0)?,
                        get(r, 1)?,
                        get(r, 2)?,
                        get(r, 3)?,
                        get(r, 4)?,
                        get(r, 5)?,
                        get(r, 6)?,
                        get(r, 7)?,
                        get(r, 8)?,
                    );
                    let fields = EntryFields {
                        id,
                        at: &at,
                        actor: &actor,
                        action: &action,
                        target: &target,
                        detail: &detail,
                        state: &state,
                    };
                    chain.push(&fields, &prev, &hash);
                    last_state = state;
                    Ok(())
                },
            )?;
            let head = self.q_one("SELECT id, hash FROM audit_head", &[])?;
            let (hid, hhash): (i64, String) = (get(&head, 0)?, get(&head, 1)?);
            let stored = (hid > 0).then(|| AuditHead { id: hid, hash: hhash }.to_string());
            let verdict = chain.finish(stored.as_deref());
            let check = super::records::check(self.conn)?;
            let max_filed: i64 =
                get(&self.q_one("SELECT coalesce(max(audit_id), 0)::bigint FROM record_state", &[])?, 0)?;
            Ok((verdict, check, max_filed, last_state))
        })?;
        // The stored contents in a snapshot of their own (a snapshot does not nest).
        Ok(crate::store::records::conclude(verdict, check, self.blob_problems()?, max_filed, &last_state))
    }

    pub fn audit_entries(&self, f: &AuditFilter) -> Result<Vec<AuditEntry>> {
        let limit = if f.limit == 0 { i64::MAX } else { f.limit as i64 };
        let rows = self.q(
            "SELECT id, at, actor, action, target, detail, prev_hash, hash FROM audit
             WHERE ($1::text IS NULL OR target = $1) AND ($2::text IS NULL OR actor = $2)
               AND ($3::text IS NULL OR at >= $3)
             ORDER BY id DESC LIMIT $4",
            &[&f.target, &f.actor, &f.since, &limit],
        )?;
        rows.iter()
            .map(|r| {
                Ok(AuditEntry {
                    id: get(r, 0)?,
                    at: get(r, 1)?,
                    actor: get(r, 2)?,
                    action: get(r, 3)?,
                    target: get(r, 4)?,
                    detail: get(r, 5)?,
                    prev_hash: get(r, 6)?,
                    hash: get(r, 7)?,
                })
            })
            .collect()
    }

    pub fn calendar_entries(&self) -> Result<Vec<CalendarEntry>> {
        let rows = self.q(
            "SELECT date, kind, name, basis, applies_to, confidence, source FROM calendar_entries
             WHERE NOT removed ORDER BY date",
            &[],
        )?;
        rows.iter()
            .map(|r| {
                Ok(CalendarEntry {
                    date: date(r, 0)?,
                    kind: code(r, 1)?,
                    name: get(r, 2)?,
                    basis: get(r, 3)?,
                    applies_to: get(r, 4)?,
                    confidence: get(r, 5)?,
                    source: get(r, 6)?,
                })
            })
            .collect()
    }

    pub fn calendar_removals(&self) -> Result<Vec<NaiveDate>> {
        let rows = self.q("SELECT date FROM calendar_entries WHERE removed ORDER BY date", &[])?;
        rows.iter().map(|r| date(r, 0)).collect()
    }

    pub fn assignee_counts(
        &self,
        today: NaiveDate,
        soon_limit: NaiveDate,
        offices: &[i64],
    ) -> Result<Vec<AssigneeCounts>> {
        let rows = self.q(
            &format!(
                "SELECT assignee, count(*), count(*) FILTER (WHERE due_on >= $1 AND due_on <= $2),
                    count(*) FILTER (WHERE due_on < $1 AND (paused_since IS NULL OR due_on < paused_since))
                 FROM requests WHERE is_open{} GROUP BY assignee",
                office_in("office", offices)
            ),
            &[&ds(today), &ds(soon_limit)],
        )?;
        rows.iter()
            .map(|r| {
                Ok(AssigneeCounts {
                    assignee: get(r, 0)?,
                    open: get(r, 1)?,
                    due_soon: get(r, 2)?,
                    overdue: get(r, 3)?,
                })
            })
            .collect()
    }

    pub fn answer_days(
        &self,
        from: NaiveDate,
        to: NaiveDate,
        offices: &[i64],
    ) -> Result<Vec<(Option<String>, i64)>> {
        let rows = self.q(
            &format!(
                "SELECT assignee, (responded_on::date - received_on::date)::bigint FROM requests
                 WHERE NOT is_open AND closed_on >= $1 AND closed_on <= $2 AND responded_on IS NOT NULL{}",
                office_in("office", offices)
            ),
            &[&ds(from), &ds(to)],
        )?;
        rows.iter().map(|r| Ok((get(r, 0)?, get::<Option<i64>>(r, 1)?.unwrap_or(0)))).collect()
    }

    pub fn day_stats(&self, from: NaiveDate, to: NaiveDate, offices: &[i64]) -> Result<Vec<DayStats>> {
        let rows = self.q(&figures_sql::day_stats(Dialect::Postgres, offices), &[&ds(from), &ds(to)])?;
        rows.iter()
            .map(|r| {
                Ok(DayStats {
                    day: date(r, 0)?,
                    kind: get(r, 1)?,
                    received: get(r, 2)?,
                    answered_in_time: get(r, 3)?,
                    answered_late: get(r, 4)?,
                    withdrawn: get(r, 5)?,
                })
            })
            .collect()
    }

    pub fn answered_within(
        &self,
        from: NaiveDate,
        to: NaiveDate,
        rule: &str,
        offices: &[i64],
    ) -> Result<i64> {
        get(
            &self.q_one(
                &format!(
                    "SELECT count(*) FROM requests r JOIN deadlines d ON d.request_id = r.id AND d.rule = $3
                     WHERE r.received_on BETWEEN $1 AND $2 AND r.responded_on IS NOT NULL
                       AND r.responded_on <= d.due_on{}",
                    office_in("r.office", offices)
                ),
                &[&ds(from), &ds(to), &rule],
            )?,
            0,
        )
    }

    pub fn events(&self, id: RequestId) -> Result<Vec<Event>> {
        let rows = self.q(
            "SELECT at, actor, kind, old_value, new_value, text, effective_on FROM events
             WHERE request_id = $1 ORDER BY id",
            &[&id.0],
        )?;
        rows.iter()
            .map(|r| {
                Ok(Event {
                    at: get(r, 0)?,
                    actor: get(r, 1)?,
                    kind: code(r, 2)?,
                    old: get(r, 3)?,
                    new: get(r, 4)?,
                    text: get(r, 5)?,
                    effective_on: get(r, 6)?,
                })
            })
            .collect()
    }

    pub fn schema_version(&self) -> Result<i64> {
        get(&self.q_one("SELECT coalesce(max(version), 0)::bigint FROM aryz_schema", &[])?, 0)
    }

    pub fn engine_version(&self) -> Result<String> {
        let v: String = get(&self.q_one("SELECT current_setting('server_version')", &[])?, 0)?;
        Ok(format!("PostgreSQL {v}"))
    }

    pub fn references_starting_with(&self, prefix: &str, limit: usize) -> Result<Vec<String>> {
        // A btree prefix range (text_pattern_ops), not text search: the `simple` parser
        // would split a reference into signed numbers.
        let pattern = format!("{}%", like_escape(&prefix.to_ascii_uppercase()));
        let rows = self.q(
            "SELECT ref FROM requests WHERE ref LIKE $1 ORDER BY ref COLLATE \"C\" DESC LIMIT $2",
            &[&pattern, &(limit as i64)],
        )?;
        rows.iter().map(|r| get(r, 0)).collect()
    }

    pub fn references_of_pin(&self, pin: &str) -> Result<Vec<String>> {
        let rows =
            self.q("SELECT ref FROM requests WHERE subject_pin = $1 ORDER BY received_on, id", &[&pin])?;
        rows.iter().map(|r| get(r, 0)).collect()
    }

    pub fn response_details(&self, id: RequestId) -> Result<ResponseDetails> {
        let Some(r) = self.q_opt(
            "SELECT copy_medium, copy_charged, referred_to FROM response_details WHERE request_id = $1",
            &[&id.0],
        )?
        else {
            return Ok(ResponseDetails::default());
        };
        Ok(ResponseDetails {
            copy_medium: opt_code::<CopyMedium>(&r, 0)?,
            copy_charged: get(&r, 1)?,
            referred_to: get(&r, 2)?,
        })
    }

    pub fn operator(&self, login: &str) -> Result<Option<Operator>> {
        self.q_opt(&format!("{OPERATOR_SELECT} WHERE o.login = $1"), &[&login])?
            .map(|r| operator_from(&r))
            .transpose()
    }

    pub fn operators(&self) -> Result<Vec<Operator>> {
        let rows = self.q(&format!("{OPERATOR_SELECT} ORDER BY o.login COLLATE \"C\""), &[])?;
        rows.iter().map(operator_from).collect()
    }

    /// Every office, by id (the default office first).
    pub fn offices(&self) -> Result<Vec<Office>> {
        let rows =
            self.q("SELECT id, code, name_en, name_ky, name_ru, head, active FROM offices ORDER BY id", &[])?;
        rows.iter()
            .map(|r| {
                Ok(Office {
                    id: get(r, 0)?,
                    code: get(r, 1)?,
                    name_en: get(r, 2)?,
                    name_ky: get(r, 3)?,
                    name_ru: get(r, 4)?,
                    head: get(r, 5)?,
                    active: get(r, 6)?,
                })
            })
            .collect()
    }

    pub fn meta(&self, key: &str) -> Result<Option<String>> {
        self.q_opt("SELECT value FROM meta WHERE key = $1", &[&key])?.map(|r| get(&r, 0)).transpose()
    }

    pub fn request_by_ref(&self, reference: &str) -> Result<Option<SubjectRequest>> {
        let sql = format!("SELECT {REQUEST_COLUMNS} FROM requests WHERE ref = $1{}", self.lock());
        match self.q_opt(&sql, &[&reference])? {
            Some(r) => Ok(Some(self.complete(request_from_row(&r)?)?)),
            None => Ok(None),
        }
    }

    pub fn request_by_id(&self, id: RequestId) -> Result<Option<SubjectRequest>> {
        let sql = format!("SELECT {REQUEST_COLUMNS} FROM requests WHERE id = $1{}", self.lock());
        match self.q_opt(&sql, &[&id.0])? {
            Some(r) => Ok(Some(self.complete(request_from_row(&r)?)?)),
            None => Ok(None),
        }
    }

    fn complete(&self, r: SubjectRequest) -> Result<SubjectRequest> {
        let mut v = self.complete_all(vec![r])?;
        v.pop().ok_or_else(|| StoreError::Corrupt("a request vanished while read".into()))
    }

    /// Deadlines and actions of a page of requests, two queries in all.
    fn complete_all(&self, mut rows: Vec<SubjectRequest>) -> Result<Vec<SubjectRequest>> {
        if rows.is_empty() {
            return Ok(rows);
        }
        let ids: Vec<i64> = rows.iter().map(|r| r.id.0).collect();
        let index: std::collections::HashMap<i64, usize> =
            rows.iter().enumerate().map(|(i, r)| (r.id.0, i)).collect();
        for r in self.q(
            "SELECT request_id, rule, due_on, binding, explanation, provisional FROM deadlines
             WHERE request_id = ANY ($1) ORDER BY request_id, binding DESC, due_on",
            &[&ids],
        )? {
            if let Some(&i) = index.get(&get::<i64>(&r, 0)?) {
                rows[i].deadlines.push(deadline_from(&r, 1)?);
            }
        }
        for r in self.q(
            "SELECT request_id, category, action FROM category_actions
             WHERE request_id = ANY ($1) ORDER BY request_id, category COLLATE \"C\"",
            &[&ids],
        )? {
            if let Some(&i) = index.get(&get::<i64>(&r, 0)?) {
                rows[i].actions.push((code(&r, 1)?, code::<CategoryAction>(&r, 2)?));
            }
        }
        Ok(rows)
    }

    pub fn list(&self, f: &ListFilter, sort: SortKey, page: &Page) -> Result<Vec<SubjectRequest>> {
        let rows = self.list_rows(f, sort, page)?;
        self.complete_all(rows)
    }

    pub fn list_rows(&self, f: &ListFilter, sort: SortKey, page: &Page) -> Result<Vec<SubjectRequest>> {
        let mut q = where_clause(f);
        let searching = f.search.as_deref().is_some_and(|s| !search_words(s).is_empty());
        let backwards = page.before.is_some() && page.after.is_none();
        let cursor = page.after.as_ref().or(page.before.as_ref());
        let limit = page.limit.clamp(1, 10_000);
        let sql = if searching {
            // Matches come newest first, as on SQLite.
            if let Some(c) = cursor {
                let ph = q.bind(Param::Int(c.id));
                let op = if backwards { ">" } else { "<" };
                q.clauses.push(format!("requests.id {op} {ph}"));
            }
            let dir = if backwards { "ASC" } else { "DESC" };
            format!(
                "SELECT {REQUEST_COLUMNS} FROM requests {} ORDER BY requests.id {dir} LIMIT {limit}",
                q.where_sql()
            )
        } else {
            let col = sort_column(sort);
            let descending = matches!(sort, SortKey::Received | SortKey::Closed);
            let ascending = descending == backwards;
            if let Some(c) = cursor {
                let op = if ascending { ">" } else { "<" };
                let k = q.bind(Param::Text(c.key.clone()));
                let i = q.bind(Param::Int(c.id));
                q.clauses.push(format!("({col}, requests.id) {op} ({k}, {i})"));
            }
            // No NULLS clause and no COLLATE here: the order must be the indexes' own (the
            // sort columns are "C" already), or every page sorts the whole table.
            let dir = if ascending { "ASC" } else { "DESC" };
            format!(
                "SELECT {REQUEST_COLUMNS} FROM requests {} ORDER BY {col} {dir}, requests.id {dir} LIMIT {limit}",
                q.where_sql()
            )
        };
        let rows = borrow(self.conn)?.query_dynamic(&sql, &q.params())?;
        let mut out = rows.iter().map(request_from_row).collect::<Result<Vec<_>>>()?;
        if backwards {
            out.reverse();
        }
        Ok(out)
    }

    pub fn count(&self, f: &ListFilter) -> Result<i64> {
        self.count_upto(f, None)
    }

    pub fn count_upto(&self, f: &ListFilter, cap: Option<i64>) -> Result<i64> {
        let q = where_clause(f);
        let sql = match cap {
            None => format!("SELECT count(*) FROM requests {}", q.where_sql()),
            Some(c) => format!(
                "SELECT count(*) FROM (SELECT 1 FROM requests {} LIMIT {}) AS capped",
                q.where_sql(),
                c.max(0) + 1
            ),
        };
        let rows = borrow(self.conn)?.query_dynamic(&sql, &q.params())?;
        match rows.first() {
            Some(r) => get(r, 0),
            None => Ok(0),
        }
    }

    pub fn duplicate_of(&self, pin: &str, kind: RequestKind, received: NaiveDate) -> Result<Option<String>> {
        self.q_opt(
            "SELECT ref FROM requests WHERE subject_pin = $1 AND kind = $2 AND received_on = $3 LIMIT 1",
            &[&pin, &kind.code(), &ds(received)],
        )?
        .map(|r| get(&r, 0))
        .transpose()
    }

    pub fn retention_due(&self, closed_before: NaiveDate, limit: usize) -> Result<Vec<(RequestId, String)>> {
        let rows = self.q(
            "SELECT id, ref FROM requests WHERE NOT is_open AND closed_on < $1 AND erased_on IS NULL
             ORDER BY closed_on, id LIMIT $2",
            &[&ds(closed_before), &(limit as i64)],
        )?;
        rows.iter().map(|r| Ok((RequestId(get(r, 0)?), get(r, 1)?))).collect()
    }

    pub fn for_each_history(
        &self,
        scope: HistoryScope,
        as_of: NaiveDate,
        mut f: impl FnMut(&History),
    ) -> Result<()> {
        let (filter, from, to) = match scope {
            HistoryScope::Received { from, to } => ("r.received_on BETWEEN $1 AND $2", from, to.min(as_of)),
            HistoryScope::MaybeOpen => (
                "(r.is_open OR r.closed_on >= $1 OR r.updated_at >= $1) AND r.received_on <= $2",
                as_of,
                as_of,
            ),
        };
        let filter = format!("{filter} AND r.registered_on <= $3");
        let (from, to, as_of) = (ds(from), ds(to), ds(as_of));
        // `f` runs while no borrow of the connection is held.
        self.snapshot(|| {
            walk_histories(self.conn, &filter, &[&from, &to, &as_of], |_, h| {
                f(h);
                Ok(())
            })
        })
    }

    pub fn stats_drift(&self) -> Result<Vec<String>> {
        let rows = self.q(&figures_sql::stats_drift(Dialect::Postgres), &[])?;
        rows.iter()
            .map(|r| {
                Ok(format!(
                    "daily figures of {} / {} differ from a recount",
                    get::<String>(r, 0)?,
                    get::<String>(r, 1)?
                ))
            })
            .collect()
    }

    /// Open and overdue requests at the end of each day, as the events recorded them: a
    /// running sum of the per-day changes kept in `figures_backlog_daily` (migration 0003).
    pub fn backlog(&self, from: NaiveDate, to: NaiveDate, offices: &[i64]) -> Result<Vec<BacklogDay>> {
        let rows = self.q(&figures_sql::backlog(Dialect::Postgres, offices), &[&ds(from), &ds(to)])?;
        rows.iter()
            .map(|r| Ok(BacklogDay { day: date(r, 0)?, open: get(r, 1)?, overdue: get(r, 2)? }))
            .collect()
    }

    pub fn ageing(&self, today: NaiveDate, offices: &[i64]) -> Result<Ageing> {
        let day = |n: i64| ds(today - chrono::Duration::days(n));
        let r = self.q_one(
            &format!(
                "SELECT count(*) FILTER (WHERE received_on >= $1),
                    count(*) FILTER (WHERE received_on < $1 AND received_on >= $2),
                    count(*) FILTER (WHERE received_on < $2 AND received_on >= $3),
                    count(*) FILTER (WHERE received_on < $3)
                 FROM requests WHERE is_open{}",
                office_in("office", offices)
            ),
            &[&day(7), &day(14), &day(30)],
        )?;
        Ok(Ageing {
            days_0_7: get(&r, 0)?,
            days_8_14: get(&r, 1)?,
            days_15_30: get(&r, 2)?,
            over_30: get(&r, 3)?,
        })
    }
}

/// Calls `f` with the id and history of every request matching `filter` (SQL over `r`, the
/// requests), in order of id; rows come in batches through a cursor (so inside a
/// transaction). Every event is read (the first deadline change names the deadline it
/// started from); a replay stops at its own day.
pub(super) fn walk_histories(
    conn: &std::cell::RefCell<super::Conn>,
    filter: &str,
    params: &[P<'_>],
    mut f: impl FnMut(i64, &History) -> Result<()>,
) -> Result<()> {
    let sql = format!(
        "SELECT r.id, r.received_on, r.registered_on, r.kind, r.due_on, r.ref, e.at, e.actor, e.kind, e.old_value,
                e.new_value, e.effective_on, r.assignee, r.status, r.responded_on, r.closed_on, r.office
         FROM requests r
         LEFT JOIN events e ON e.request_id = r.id AND e.kind IN ({HISTORY_KINDS})
         WHERE {filter}
         ORDER BY r.id, e.id"
    );
    let mut current: Option<crate::store::stats::Head> = None;
    let mut events: Vec<crate::store::stats::RawEvent> = Vec::new();
    super::records::stream_params(conn, &sql, params, |r| {
        let id: i64 = get(r, 0)?;
        if current.as_ref().is_some_and(|c| c.id != id) {
            if let Some(head) = current.take() {
                f(head.id, &crate::store::stats::history_of(&head, &events))?;
            }
            events.clear();
        }
        if current.is_none() {
            current = Some(crate::store::stats::Head {
                id,
                received_on: date(r, 1)?,
                registered_on: date(r, 2)?,
                kind: get(r, 3)?,
                due_on: date(r, 4)?,
                reference: get(r, 5)?,
                assignee: get(r, 12)?,
                status: get(r, 13)?,
                responded_on: opt_date(r, 14)?,
                closed_on: opt_date(r, 15)?,
                office: get(r, 16)?,
            });
        }
        if let Some(at) = get::<Option<String>>(r, 6)? {
            events.push(crate::store::stats::RawEvent {
                at,
                actor: get(r, 7)?,
                kind: get(r, 8)?,
                old: get(r, 9)?,
                new: get(r, 10)?,
                effective_on: get(r, 11)?,
            });
        }
        Ok(())
    })?;
    if let Some(head) = current.take() {
        f(head.id, &crate::store::stats::history_of(&head, &events))?;
    }
    Ok(())
}

/// The columns [`operator_from`] reads: the operator with their office's head flag.
const OPERATOR_SELECT: &str = "SELECT o.login, o.name, o.role, o.active, o.office, coalesce(f.head, false)
    FROM operators o LEFT JOIN offices f ON f.id = o.office";

fn operator_from(r: &Row) -> Result<Operator> {
    Ok(Operator {
        login: get(r, 0)?,
        name: get(r, 1)?,
        role: code(r, 2)?,
        active: get(r, 3)?,
        office: get(r, 4)?,
        office_head: get(r, 5)?,
    })
}

/// Escapes `%`, `_` and `\` for a LIKE pattern.
fn like_escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        if matches!(c, '%' | '_' | '\\') {
            out.push('\\');
        }
        out.push(c);
    }
    out
}
