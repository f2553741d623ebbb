//! Bulk registration on PostgreSQL (issue 16: an import "uses COPY"): the requests, their
//! deadlines and first events go in by `COPY`, one statement per table, with what
//! registering each alone would write, id for id; the references are taken once per year;
//! the records' hashes are computed in one ordered pass; one audit entry per request is
//! appended at COMMIT, many per server call ([`super::records::flush`]). The figures follow
//! from the tables' statement-level triggers, as for any insert.

use std::collections::HashMap;
use std::collections::hash_map::Entry;
use std::io::Write;

use chrono::{Datelike, NaiveDate};

use super::{PgTx, borrow, ds, get};
use crate::domain::kind::join_codes;
use crate::domain::request::{RequestId, format_reference};
use crate::model::{InitialState, Registration};
use crate::store::records::{Key, REQUEST};
use crate::store::{Result, StoreError};

/// Rows in `COPY`'s text format.
#[derive(Default)]
struct CopyText(Vec<u8>);

impl CopyText {
    fn text(&mut self, s: &str) -> &mut Self {
        self.sep();
        for &b in s.as_bytes() {
            match b {
                b'\\' => self.0.extend_from_slice(b"\\\\"),
                b'\n' => self.0.extend_from_slice(b"\\n"),
                b'\r' => self.0.extend_from_slice(b"\\r"),
                b'\t' => self.0.extend_from_slice(b"\\t"),
                _ => self.0.push(b),
            }
        }
        self
    }

    fn opt(&mut self, s: Option<&str>) -> &mut Self {
        if let Some(s) = s {
            return self.text(s);
        }
        self.sep();
        self.0.extend_from_slice(b"\\N");
        self
    }

    fn int(&mut self, i: i64) -> &mut Self {
        self.sep();
        self.0.extend_from_slice(i.to_string().as_bytes());
        self
    }

    fn bool(&mut self, b: bool) -> &mut Self {
        self.sep();
        self.0.push(if b { b't' } else { b'f' });
        self
    }

    /// A tab before every value but a row's first.
    fn sep(&mut self) {
        if self.0.last().is_some_and(|&b| b != b'\n') {
            self.0.push(b'\t');
        }
    }

    fn end_row(&mut self) {
        self.0.push(b'\n');
    }
}

fn io(e: &std::io::Error) -> StoreError {
    StoreError::Location(crate::i18n::localize::io_error(e))
}

impl PgTx<'_> {
    /// Writes `rows` into `table`'s columns `cols` by `COPY`. PostgreSQL refuses `COPY FROM`
    /// into a table under row-level security for the session (every operator's own login
    /// role: only the tables' owner is exempt), so then the rows go by `COPY` into a
    /// temporary table of the same columns and from there by one `INSERT … SELECT`, which
    /// the policies check as they check any insert (a clerk's batch must be of her office).
    fn copy_in(&self, table: &str, cols: &str, rows: &CopyText) -> Result<()> {
        if rows.0.is_empty() {
            return Ok(());
        }
        let mut c = borrow(self.conn)?;
        let guarded: bool = get(&c.query_one("SELECT row_security_active($1::text)", &[&table])?, 0)?;
        let target = if guarded {
            let stage = format!("pg_temp.aryz_copy_{table}");
            c.batch(&format!(
                "DROP TABLE IF EXISTS {stage}; CREATE TEMPORARY TABLE aryz_copy_{table} AS SELECT {cols} FROM {table} WITH NO DATA"
            ))?;
            stage
        } else {
            table.to_string()
        };
        let mut w = c.client.copy_in(&format!("COPY {target} ({cols}) FROM STDIN"))?;
        w.write_all(&rows.0).map_err(|e| io(&e))?;
        w.finish()?;
        if guarded {
            c.batch(&format!(
                "INSERT INTO {table} ({cols}) SELECT {cols} FROM {target}; DROP TABLE {target}"
            ))?;
        }
        Ok(())
    }

    /// The next references of each year's sequence for requests received in `years` (in
    /// order), as [`PgTx::next_reference`] called once each would give them; each
    /// sequence is moved once.
    fn take_references(&self, years: &[i32]) -> Result<Vec<String>> {
        let mut count: HashMap<i32, i64> = HashMap::new();
        for y in years {
            *count.entry(*y).or_default() += 1;
        }
        let mut next: HashMap<i32, i64> = HashMap::new();
        for (year, n) in count {
            let row = borrow(self.conn)?.query_one(
                "INSERT INTO ref_sequences AS s (year, last) VALUES ($1, $2)
                 ON CONFLICT (year) DO UPDATE SET last = s.last + $2 RETURNING last",
                &[&i64::from(year), &n],
            )?;
            let last: i64 = get(&row, 0)?;
            if last > 999_999 {
                return Err(StoreError::Corrupt(format!("reference sequence of {year} is exhausted")));
            }
            next.insert(year, last - n + 1);
        }
        let mut out = Vec::with_capacity(years.len());
        for y in years {
            let seq = match next.entry(*y) {
                Entry::Occupied(e) => e.into_mut(),
                Entry::Vacant(_) => return Err(StoreError::Corrupt(format!("no sequence taken for {y}"))),
            };
            out.push(format_reference(*y, *seq));
            *seq += 1;
        }
        Ok(out)
    }

    /// Registers a batch of new, unassigned requests: what [`PgTx::insert_request`], the
    /// request's first event and its `register` entry, for each in turn, would write (the
    /// same ids, references, rows and entries), set-wise: the requests, deadlines and events
    /// by `COPY`, the record hashes in one pass, each entry binding its request as it stood
    /// after its own registration (the first also binds whatever this transaction touched
    /// before). Returns the references in the batch's order.
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
        // Records touched before the batch: one-by-one, the first entry would bind them,
        // as they stand now (the batch writes none of them).
        let before = super::records::current_hashes(self)?;
        let years: Vec<i32> = batch.iter().map(|r| r.new.received_on.year()).collect();
        let references = self.take_references(&years)?;
        let n = i32::try_from(batch.len()).map_err(|_| StoreError::Corrupt("batch too large".into()))?;
        let ids: Vec<i64> = borrow(self.conn)?
            .query(
                "SELECT nextval(pg_get_serial_sequence('requests', 'id')) FROM generate_series(1, $1)",
                &[&n],
            )?
            .iter()
            .map(|r| get(r, 0))
            .collect::<Result<_>>()?;
        if ids.len() != batch.len() || ids.windows(2).any(|w| w[0] >= w[1]) {
            return Err(StoreError::Corrupt("request ids were not taken in order".into()));
        }
        let state = InitialState::default();
        let (mut requests, mut deadlines, mut events) =
            (CopyText::default(), CopyText::default(), CopyText::default());
        for ((r, reference), id) in batch.iter().zip(&references).zip(&ids) {
            let new = r.new;
            let due = crate::store::governing_due(r.deadlines)?;
            let s = &new.subject;
            let passport = s.passport.as_ref();
            requests
                .int(*id)
                .text(reference)
                .text(new.kind.code())
                .text(state.status.code())
                .text(new.channel.code())
                .text(new.lang.code())
                .text(&ds(new.received_on))
                .text(&ds(registered_on))
                .text(new.identity.code())
                .text(&join_codes(&new.categories))
                .text(&new.description)
                .text(&s.name)
                .text(&s.pin)
                .opt(s.birth_date.map(ds).as_deref())
                .opt(passport.map(|p| p.document.as_str()))
                .text(passport.map_or("", |p| p.issuer.as_str()))
                .opt(passport.and_then(|p| p.issued_on).map(ds).as_deref())
                .text(&s.address)
                .text(&s.email)
                .text(&s.phone)
                .opt(None)
                .text(&ds(due))
                .text(now)
                .text(now)
                .opt(state.outcome.map(crate::domain::outcome::Outcome::code))
                .opt(state.ground.as_deref())
                .opt(state.responded_on.map(ds).as_deref())
                .opt(state.closed_on.map(ds).as_deref())
                .int(new.office.unwrap_or(crate::model::DEFAULT_OFFICE))
                .end_row();
            // One row per rule, the last of a rule winning, as the upsert one by one does.
            let mut seen: HashMap<&str, usize> = HashMap::new();
            let mut rows: Vec<&crate::domain::deadline::Deadline> = Vec::new();
            for d in r.deadlines {
                match seen.entry(d.rule.as_str()) {
                    Entry::Occupied(e) => rows[*e.get()] = d,
                    Entry::Vacant(e) => {
                        e.insert(rows.len());
                        rows.push(d);
                    }
                }
            }
            for d in rows {
                deadlines
                    .int(*id)
                    .text(&d.rule)
                    .text(&ds(d.due_on))
                    .bool(d.binding)
                    .text(&d.explanation)
                    .opt(d.provisional.as_deref())
                    .end_row();
            }
            let e = &r.created;
            events
                .int(*id)
                .text(&e.at)
                .text(&e.actor)
                .text(e.kind.code())
                .opt(e.old.as_deref())
                .opt(e.new.as_deref())
                .text(&e.text)
                .opt(e.effective_on.as_deref())
                .end_row();
        }
        self.copy_in(
            "requests",
            "id, ref, kind, status, channel, lang, received_on, registered_on, identity, categories,
             description, subject_name, subject_pin, birth_date, passport_doc, passport_issuer,
             passport_issued, address, email, phone, assignee, due_on, created_at, updated_at,
             outcome, ground, responded_on, closed_on, office",
            &requests,
        )?;
        self.copy_in("deadlines", "request_id, rule, due_on, binding, explanation, provisional", &deadlines)?;
        self.copy_in(
            "events",
            "request_id, at, actor, kind, old_value, new_value, text, effective_on",
            &events,
        )?;
        // Each request's hash as it stands now is the one after its own registration: the
        // batch writes nothing else under it.
        for id in &ids {
            self.touch_request(RequestId(*id));
        }
        let hashes: HashMap<i64, Option<crate::store::records::Hash>> = super::records::current_hashes(self)?
            .into_iter()
            .filter_map(|(kind, key, hash)| match key {
                Key::Id(id) if kind == REQUEST => Some((id, hash)),
                _ => None,
            })
            .collect();
        let mut before = Some(before);
        for ((r, reference), id) in batch.iter().zip(&references).zip(&ids) {
            let mut records = before.take().unwrap_or_default();
            records.push((REQUEST, Key::Id(*id), hashes.get(id).copied().flatten()));
            self.pending.borrow_mut().push(super::records::Pending {
                at: now.to_string(),
                actor: actor.to_string(),
                action: "register".to_string(),
                target: reference.clone(),
                detail: r.audit_detail.clone(),
                records,
            });
        }
        Ok(references)
    }
}
