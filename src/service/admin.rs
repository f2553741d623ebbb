//! Administration: creating the database, operators, calendar entries.

use std::path::Path;

use chrono::NaiveDate;

use crate::domain::calendar::{CalendarEntry, DayKind};
use crate::domain::kind::Role;
use crate::domain::validation::{check_line, field_error};
use crate::model::Operator;
use crate::store::Store;

use super::{DEV_IDENTITY_KEY, Error, Result, Session, clock::Clock, login::os_login};

/// Creates a database and makes the current OS login its first admin. `dev_identity`
/// records that `ARYZ_OPERATOR` may choose the operator (demos and tests only).
pub fn init_database(
    path: &Path,
    dev_identity: bool,
    clock: &Clock,
    key: Option<&str>,
) -> Result<(Store, String)> {
    let login = os_login()?;
    let now = clock.now_string();
    let store = Store::create_with(path, key, |tx| -> Result<()> {
        tx.set_meta(DEV_IDENTITY_KEY, if dev_identity { "1" } else { "0" })?;
        tx.set_meta("created_at", &now)?;
        tx.insert_operator(&Operator::new(&login, "", Role::Admin), &now)?;
        tx.audit(&now, &login, "init", "", if dev_identity { "dev_identity" } else { "" })?;
        Ok(())
    })?;
    Ok((store, login))
}

/// Is there an active admin other than `login`? (Nobody may lock the office out.)
fn another_active_admin(tx: &crate::store::Tx<'_>, login: &str) -> Result<bool> {
    Ok(tx.read().operators()?.iter().any(|o| o.active && o.role == Role::Admin && o.login != login))
}

fn check_login(login: &str) -> Result<()> {
    let ok = !login.is_empty()
        && login.len() <= 64
        && login.chars().all(|c| c.is_ascii_alphanumeric() || "._-".contains(c))
        && !login.starts_with('-');
    if ok { Ok(()) } else { Err(Error::Invalid(field_error("login", crate::msg!("message.login_chars")))) }
}

impl Session {
    /// Adds an operator, or updates the role and name of an existing one (and re-enables it).
    pub fn add_operator(&mut self, login: &str, role: Role, name: &str) -> Result<Operator> {
        self.add_operator_in(login, role, name, None)
    }

    /// [`Session::add_operator`] in office `office` (a code); `None`: a new operator works in
    /// the default office and an existing one stays in theirs.
    pub fn add_operator_in(
        &mut self,
        login: &str,
        role: Role,
        name: &str,
        office: Option<&str>,
    ) -> Result<Operator> {
        self.require(Role::Admin, "manage_operators")?;
        check_login(login)?;
        check_line("name", name)?;
        let office = match office {
            Some(code) => {
                let o = self.office(code)?;
                if !o.active {
                    return Err(Error::Invalid(crate::domain::validation::field_error(
                        "office",
                        crate::msg!("message.office_inactive", office = o.code),
                    )));
                }
                Some(o)
            }
            None => None,
        };
        self.write(|tx, ctx| {
            let mut detail = format!("role={role}");
            let mut op = Operator::new(login, name.trim(), role);
            if let Some(o) = &office {
                op.office = o.id;
                op.office_head = o.head;
                detail.push_str(&format!(" office={}", o.code));
            }
            match tx.read().operator(login)? {
                Some(old) => {
                    if office.is_none() {
                        op.office = old.office;
                        op.office_head = old.office_head;
                    }
                    // Changing the role keeps the name unless a new one is given.
                    if op.name.is_empty() {
                        op.name.clone_from(&old.name);
                    }
                    if old.role == Role::Admin && role < Role::Admin && !another_active_admin(tx, login)? {
                        return Err(Error::Invalid(field_error(
                            "role",
                            crate::msg!("message.last_admin_role"),
                        )));
                    }
                    tx.update_operator(&op)?;
                }
                None => tx.insert_operator(&op, &ctx.now)?,
            }
            tx.audit(&ctx.now, ctx.login, "operator_add", login, &detail)?;
            Ok(op)
        })
    }

    pub fn operators(&self) -> Result<Vec<Operator>> {
        Ok(self.store.read().operators()?)
    }

    /// Disables an operator; their requests stay assigned until reassigned.
    pub fn disable_operator(&mut self, login: &str) -> Result<Operator> {
        self.require(Role::Admin, "manage_operators")?;
        if login == self.operator.login {
            return Err(Error::Invalid(field_error("login", crate::msg!("message.disable_self"))));
        }
        self.write(|tx, ctx| {
            if !another_active_admin(tx, login)? {
                return Err(Error::Invalid(field_error("login", crate::msg!("message.last_admin_disable"))));
            }
            let mut op = tx.read().operator(login)?.ok_or_else(|| {
                Error::Invalid(field_error("login", crate::msg!("message.operator_unknown", login = login)))
            })?;
            op.active = false;
            tx.update_operator(&op)?;
            tx.audit(&ctx.now, ctx.login, "operator_disable", login, "")?;
            Ok(op)
        })
    }

    /// Adds, confirms or corrects a calendar entry. `confidence` is `confirmed` (then a
    /// source is required) or `expected`. Stored deadlines are not recomputed: history is
    /// never rewritten silently; the open requests whose deadlines would change are
    /// returned (`aryz recompute --apply` rewrites them).
    pub fn add_calendar_entry(
        &mut self,
        date: NaiveDate,
        kind: DayKind,
        name: &str,
        basis: &str,
        confidence: &str,
        source: &str,
    ) -> Result<(CalendarEntry, crate::service::Drift)> {
        self.require(Role::Admin, "change_calendar")?;
        if name.trim().is_empty() {
            return Err(Error::Invalid(field_error("name", crate::msg!("message.required"))));
        }
        check_line("name", name)?;
        check_line("basis", basis)?;
        check_line("source", source)?;
        let confidence = confidence.trim();
        if !matches!(confidence, "confirmed" | "expected") {
            return Err(Error::Invalid(field_error(
                "confidence",
                crate::msg!("message.unknown_confidence", text = confidence),
            )));
        }
        if confidence == "confirmed" && source.trim().is_empty() {
            return Err(Error::Invalid(field_error("source", crate::msg!("message.source_required"))));
        }
        let entry = CalendarEntry {
            date,
            kind,
            name: name.trim().to_string(),
            basis: basis.trim().to_string(),
            applies_to: String::new(),
            confidence: confidence.to_string(),
            source: if source.trim().is_empty() {
                "added by an administrator".into()
            } else {
                source.trim().to_string()
            },
        };
        let mut next = self.calendar.clone();
        next.extend([entry.clone()]);
        let drift = self.drift_under(&next)?;
        self.write(|tx, ctx| {
            tx.put_calendar_entry(&entry, ctx.login, &ctx.now)?;
            tx.audit(
                &ctx.now,
                ctx.login,
                "calendar_add",
                &date.to_string(),
                &format!("{kind} ({}): {}", entry.confidence, entry.name),
            )?;
            Ok(())
        })?;
        self.calendar = next;
        Ok((entry, drift))
    }

    /// Removes a day from the calendar (shipped, generated or added), e.g. a forecast Ait
    /// that proved wrong. Returns the open requests whose deadlines would change.
    pub fn remove_calendar_date(&mut self, date: NaiveDate, reason: &str) -> Result<crate::service::Drift> {
        self.require(Role::Admin, "change_calendar")?;
        let reason = reason.trim();
        if reason.is_empty() {
            return Err(Error::Invalid(field_error("reason", crate::msg!("message.required"))));
        }
        check_line("reason", reason)?;
        let mut next = self.calendar.clone();
        if !next.remove(date) {
            return Err(Error::Invalid(field_error(
                "date",
                crate::msg!("message.no_calendar_entry", date = date),
            )));
        }
        let drift = self.drift_under(&next)?;
        self.write(|tx, ctx| {
            tx.remove_calendar_date(date, reason, ctx.login, &ctx.now)?;
            tx.audit(&ctx.now, ctx.login, "calendar_remove", &date.to_string(), reason)?;
            Ok(())
        })?;
        self.calendar = next;
        Ok(drift)
    }
}
