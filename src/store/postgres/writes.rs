//! Every write of [`WriteSurface`](crate::store::WriteSurface) on PostgreSQL.

use chrono::{Datelike, NaiveDate};

use super::{P, PgTx, borrow, ds, get, opt_ds};
use crate::domain::calendar::CalendarEntry;
use crate::domain::deadline::Deadline;
use crate::domain::kind::{DataCategory, join_codes};
use crate::domain::outcome::CategoryAction;
use crate::domain::referral::ResponseDetails;
use crate::domain::request::{NewRequest, RequestId, SubjectRequest, format_reference};
use crate::model::{Event, InitialState, Office, Operator};
use crate::store::records::{Key, OPERATOR, REQUEST};
use crate::store::{Result, StoreError, SuspendedTriggers};

impl PgTx<'_> {
    fn exec(&self, sql: &str, params: &[P<'_>]) -> Result<u64> {
        borrow(self.conn)?.execute(sql, params)
    }

    fn touch(&self, kind: i64, key: Key) {
        self.touched.borrow_mut().insert((kind, key));
    }

    pub(super) fn touch_request(&self, id: RequestId) {
        self.touch(REQUEST, Key::Id(id.0));
    }

    /// Makes one entry of the audit chain, binding the records this transaction changed
    /// since the last entry: their hashes are computed now, and the entry is appended at
    /// COMMIT (`records::flush`), where the head is locked for two calls only. The server
    /// takes the actor from the session's login role and computes the hash, the same as
    /// [`crate::domain::audit_chain::entry_hash`] (checked on every append). A read of the
    /// head inside the transaction appends what waits first.
    pub fn audit(&self, at: &str, actor: &str, action: &str, target: &str, detail: &str) -> Result<()> {
        let records = super::records::current_hashes(self)?;
        self.pending.borrow_mut().push(super::records::Pending {
            at: at.to_string(),
            actor: actor.to_string(),
            action: action.to_string(),
            target: target.to_string(),
            detail: detail.to_string(),
            records,
        });
        Ok(())
    }

    /// The operator's login role on the server, in the group of their role (created when
    /// missing); a disabled operator's role cannot log in. Roles are shared by every database
    /// of the server, and advisory locks are not, so another database (or another aryz on
    /// this one) may be changing the same role at this moment: the server then answers
    /// "tuple concurrently updated" or a duplicate role name. The change is retried under a
    /// savepoint, with a growing pause, so the rest of the transaction is kept.
    pub(super) fn sync_role(&self, login: &str, role: &str, active: bool) -> Result<()> {
        let mut last = None;
        for attempt in 0..8u32 {
            if attempt > 0 {
                std::thread::sleep(std::time::Duration::from_millis(5u64 << attempt.min(6)));
            }
            self.exec("SAVEPOINT aryz_role", &[])?;
            match self.exec("SELECT aryz_sync_role($1, $2, $3)", &[&login, &role, &active]) {
                Ok(_) => {
                    self.exec("RELEASE SAVEPOINT aryz_role", &[])?;
                    return Ok(());
                }
                Err(e) => {
                    self.exec("ROLLBACK TO SAVEPOINT aryz_role", &[])?;
                    last = Some(e);
                }
            }
        }
        Err(last.unwrap_or_else(|| StoreError::Corrupt("role not synchronised".into())))
    }

    pub fn put_calendar_entry(&self, e: &CalendarEntry, by: &str, now: &str) -> Result<()> {
        self.exec(
            "INSERT INTO calendar_entries AS c (date, kind, name, basis, applies_to, confidence, source, added_by, added_at, removed)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, false)
             ON CONFLICT (date) DO UPDATE SET kind = excluded.kind, name = excluded.name,
                basis = excluded.basis, applies_to = excluded.applies_to, confidence = excluded.confidence,
                source = excluded.source, added_by = excluded.added_by, added_at = excluded.added_at,
                removed = false",
            &[&ds(e.date), &e.kind.code(), &e.name, &e.basis, &e.applies_to, &e.confidence, &e.source, &by, &now],
        )?;
        Ok(())
    }

    pub fn remove_calendar_date(&self, date: NaiveDate, why: &str, by: &str, now: &str) -> Result<()> {
        self.exec(
            "INSERT INTO calendar_entries AS c (date, kind, name, basis, applies_to, confidence, source, added_by, added_at, removed)
             VALUES ($1, 'holiday', 'removed', '', '', '', $2, $3, $4, true)
             ON CONFLICT (date) DO UPDATE SET removed = true, source = excluded.source,
                added_by = excluded.added_by, added_at = excluded.added_at",
            &[&ds(date), &why, &by, &now],
        )?;
        Ok(())
    }

    pub fn delete_deadline(&self, id: RequestId, rule: &str) -> Result<()> {
        self.exec("DELETE FROM deadlines WHERE request_id = $1 AND rule = $2", &[&id.0, &rule])?;
        Ok(())
    }

    pub fn insert_event(&self, id: RequestId, e: &Event) -> Result<()> {
        self.exec(
            "INSERT INTO events (request_id, at, actor, kind, old_value, new_value, text, effective_on)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
            &[&id.0, &e.at, &e.actor, &e.kind.code(), &e.old, &e.new, &e.text, &e.effective_on],
        )?;
        self.touch_request(id);
        Ok(())
    }

    pub fn set_response_details(&self, id: RequestId, d: &ResponseDetails) -> Result<()> {
        self.exec(
            "INSERT INTO response_details AS r (request_id, copy_medium, copy_charged, referred_to)
             VALUES ($1, $2, $3, $4)
             ON CONFLICT (request_id) DO UPDATE SET copy_medium = excluded.copy_medium,
                copy_charged = excluded.copy_charged, referred_to = excluded.referred_to",
            &[
                &id.0,
                &d.copy_medium.map(crate::domain::referral::CopyMedium::code),
                &d.copy_charged,
                &d.referred_to,
            ],
        )?;
        Ok(())
    }

    pub fn insert_operator(&self, op: &Operator, now: &str) -> Result<()> {
        self.exec(
            "INSERT INTO operators (login, name, role, active, created_at, office) VALUES ($1, $2, $3, $4, $5, $6)",
            &[&op.login, &op.name, &op.role.code(), &op.active, &now, &op.office],
        )?;
        self.sync_role(&op.login, op.role.code(), op.active)?;
        self.touch(OPERATOR, Key::Login(op.login.clone()));
        Ok(())
    }

    pub fn update_operator(&self, op: &Operator) -> Result<()> {
        self.exec(
            "UPDATE operators SET name = $2, role = $3, active = $4, office = $5 WHERE login = $1",
            &[&op.login, &op.name, &op.role.code(), &op.active, &op.office],
        )?;
        self.sync_role(&op.login, op.role.code(), op.active)?;
        self.touch(OPERATOR, Key::Login(op.login.clone()));
        Ok(())
    }

    /// Adds an office (its id is given by the database) and returns its id.
    pub fn insert_office(&self, o: &Office, by: &str, now: &str) -> Result<i64> {
        let row = borrow(self.conn)?.query_one(
            "INSERT INTO offices (code, name_en, name_ky, name_ru, head, active, created_by, created_at, updated_by, updated_at)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $7, $8) RETURNING id",
            &[&o.code, &o.name_en, &o.name_ky, &o.name_ru, &o.head, &o.active, &by, &now],
        )?;
        get(&row, 0)
    }

    /// Writes every field of office `o.id` but its id.
    pub fn update_office(&self, o: &Office, by: &str, now: &str) -> Result<()> {
        self.exec(
            "UPDATE offices SET code = $2, name_en = $3, name_ky = $4, name_ru = $5, head = $6, active = $7,
                updated_by = $8, updated_at = $9 WHERE id = $1",
            &[&o.id, &o.code, &o.name_en, &o.name_ky, &o.name_ru, &o.head, &o.active, &by, &now],
        )?;
        Ok(())
    }

    pub fn set_meta(&self, key: &str, value: &str) -> Result<()> {
        self.exec(
            "INSERT INTO meta AS m (key, value) VALUES ($1, $2) ON CONFLICT (key) DO UPDATE SET value = excluded.value",
            &[&key, &value],
        )?;
        Ok(())
    }

    pub fn next_reference(&self, year: i32) -> Result<String> {
        let row = borrow(self.conn)?.query_one(
            "INSERT INTO ref_sequences AS s (year, last) VALUES ($1, 1)
             ON CONFLICT (year) DO UPDATE SET last = s.last + 1 RETURNING last",
            &[&i64::from(year)],
        )?;
        let seq: i64 = get(&row, 0)?;
        if seq > 999_999 {
            return Err(StoreError::Corrupt(format!("reference sequence of {year} is exhausted")));
        }
        Ok(format_reference(year, seq))
    }

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
        let due = crate::store::governing_due(deadlines)?;
        let subject = subject_params(&new.subject);
        let [p10, p11, p12, p13, p14, p15, p16, p17, p18] = subject.params();
        let row = borrow(self.conn)?.query_one(
            "INSERT INTO requests (ref, kind, status, channel, lang, received_on, registered_on, identity,
                categories, description, subject_name, subject_pin, birth_date, passport_doc, passport_issuer,
                passport_issued, address, email, phone, assignee, due_on, created_at, updated_at,
                outcome, ground, responded_on, closed_on, office)
             VALUES ($1, $2, $22, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18,
                $19, $20, $21, $21, $23, $24, $25, $26, $27)
             RETURNING id",
            &[
                &reference,
                &new.kind.code(),
                &new.channel.code(),
                &new.lang.code(),
                &ds(new.received_on),
                &ds(registered_on),
                &new.identity.code(),
                &join_codes(&new.categories),
                &new.description,
                p10,
                p11,
                p12,
                p13,
                p14,
                p15,
                p16,
                p17,
                p18,
                &assignee,
                &ds(due),
                &now,
                &state.status.code(),
                &state.outcome.map(crate::domain::outcome::Outcome::code),
                &state.ground,
                &opt_ds(state.responded_on),
                &opt_ds(state.closed_on),
                &new.office.unwrap_or(crate::model::DEFAULT_OFFICE),
            ],
        )?;
        let id = RequestId(get(&row, 0)?);
        self.touch_request(id);
        for d in deadlines {
            self.put_deadline(id, d)?;
        }
        self.put_actions(id, &state.actions)?;
        Ok((id, reference))
    }

    pub fn put_deadline(&self, id: RequestId, d: &Deadline) -> Result<()> {
        self.exec(
            "INSERT INTO deadlines AS d (request_id, rule, due_on, binding, explanation, provisional)
             VALUES ($1, $2, $3, $4, $5, $6)
             ON CONFLICT (request_id, rule) DO UPDATE SET due_on = excluded.due_on, binding = excluded.binding,
                explanation = excluded.explanation, provisional = excluded.provisional",
            &[&id.0, &d.rule, &ds(d.due_on), &d.binding, &d.explanation, &d.provisional],
        )?;
        Ok(())
    }

    /// Puts request `id` in office `office` (a move; only supervisors hold the column's
    /// grant, and row-level security keeps it to those who see every office).
    pub fn set_request_office(&self, id: RequestId, office: i64) -> Result<()> {
        self.exec("UPDATE requests SET office = $2 WHERE id = $1", &[&id.0, &office])?;
        self.touch_request(id);
        Ok(())
    }

    pub fn update_request(&self, r: &SubjectRequest, now: &str) -> Result<i64> {
        let subject = subject_params(&r.subject);
        let [p17, p18, p19, p20, p21, p22, p23, p24, p25] = subject.params();
        let n = self.exec(
            "UPDATE requests SET status = $3, assignee = $4, due_on = $5, outcome = $6, ground = $7,
                responded_on = $8, response_text = $9, response_channel = $10, closed_on = $11,
                paused_since = $12, pause_category = $13, pause_reason = $14, extensions = $15,
                paused_days = $16, subject_name = $17, subject_pin = $18, birth_date = $19,
                passport_doc = $20, passport_issuer = $21, passport_issued = $22, address = $23,
                email = $24, phone = $25, description = $26, updated_at = $27, identity = $28,
                version = version + 1
             WHERE id = $1 AND version = $2",
            &[
                &r.id.0,
                &r.version,
                &r.status.code(),
                &r.assignee,
                &ds(r.due_on),
                &r.outcome.map(crate::domain::outcome::Outcome::code),
                &r.ground,
                &opt_ds(r.responded_on),
                &r.response_text,
                &r.response_channel.map(crate::domain::kind::Channel::code),
                &opt_ds(r.closed_on),
                &opt_ds(r.pause.as_ref().map(|p| p.since)),
                &r.pause.as_ref().map(|p| p.category.clone()),
                &r.pause.as_ref().map(|p| p.reason.clone()),
                &i64::from(r.extensions),
                &i64::from(r.paused_days),
                p17,
                p18,
                p19,
                p20,
                p21,
                p22,
                p23,
                p24,
                p25,
                &r.description,
                &now,
                &r.identity.code(),
            ],
        )?;
        if n == 0 {
            return Err(StoreError::Conflict(r.reference.clone()));
        }
        self.touch_request(r.id);
        self.exec("DELETE FROM category_actions WHERE request_id = $1", &[&r.id.0])?;
        for (cat, action) in &r.actions {
            self.exec(
                "INSERT INTO category_actions (request_id, category, action) VALUES ($1, $2, $3)",
                &[&r.id.0, &cat.code(), &action.code()],
            )?;
        }
        Ok(r.version + 1)
    }

    pub fn put_actions(&self, id: RequestId, actions: &[(DataCategory, CategoryAction)]) -> Result<()> {
        for (cat, action) in actions {
            self.exec(
                "INSERT INTO category_actions AS a (request_id, category, action) VALUES ($1, $2, $3)
                 ON CONFLICT (request_id, category) DO UPDATE SET action = excluded.action",
                &[&id.0, &cat.code(), &action.code()],
            )?;
            self.touch_request(id);
        }
        Ok(())
    }

    /// Nothing to suspend on PostgreSQL: the search vector is a generated column and the
    /// figures are kept by statement-level triggers, one set-wise upsert per statement.
    pub fn suspend_derived(&self) -> Result<SuspendedTriggers> {
        Ok(SuspendedTriggers::none())
    }

    pub fn rebuild_derived(&self, _suspended: SuspendedTriggers) -> Result<()> {
        Ok(())
    }

    pub fn last_request_id(&self) -> Result<i64> {
        get(&borrow(self.conn)?.query_one("SELECT coalesce(max(id), 0)::bigint FROM requests", &[])?, 0)
    }

    pub fn restore_derived_after(&self, _suspended: SuspendedTriggers, _after: i64) -> Result<()> {
        Ok(())
    }

    pub fn erase_personal_data(&self, id: RequestId, on: NaiveDate, now: &str) -> Result<()> {
        self.exec(
            "UPDATE requests SET subject_name = '', subject_pin = '', birth_date = NULL, passport_doc = NULL,
                passport_issuer = '', passport_issued = NULL, address = '', email = '', phone = '',
                description = '', response_text = '', pause_reason = NULL, erased_on = $2,
                updated_at = $3, version = version + 1
             WHERE id = $1",
            &[&id.0, &ds(on), &now],
        )?;
        self.exec("UPDATE events SET text = '' WHERE request_id = $1 AND text <> ''", &[&id.0])?;
        self.touch_request(id);
        Ok(())
    }
}

/// The subject's columns as `requests` stores them, in their order: `subject_name`,
/// `subject_pin`, `birth_date`, `passport_doc`, `passport_issuer`, `passport_issued`,
/// `address`, `email`, `phone` (the insert and the update bind them alike).
struct SubjectParams<'a> {
    subject: &'a crate::domain::request::Subject,
    birth_date: Option<String>,
    passport_doc: Option<&'a str>,
    passport_issuer: &'a str,
    passport_issued: Option<String>,
}

fn subject_params(subject: &crate::domain::request::Subject) -> SubjectParams<'_> {
    let passport = subject.passport.as_ref();
    SubjectParams {
        subject,
        birth_date: opt_ds(subject.birth_date),
        passport_doc: passport.map(|p| p.document.as_str()),
        passport_issuer: passport.map_or("", |p| p.issuer.as_str()),
        passport_issued: opt_ds(passport.and_then(|p| p.issued_on)),
    }
}

impl SubjectParams<'_> {
    fn params(&self) -> [P<'_>; 9] {
        let s = self.subject;
        [
            &s.name,
            &s.pin,
            &self.birth_date,
            &self.passport_doc,
            &self.passport_issuer,
            &self.passport_issued,
            &s.address,
            &s.email,
            &s.phone,
        ]
    }
}
