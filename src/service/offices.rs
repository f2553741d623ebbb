//! Offices (issue 14 item 4): the list an administrator edits, which office an operator
//! sees and acts in, registering into an office, and moving a request to another one.
//!
//! The rule itself is [`Operator::scope`] (model/operators.rs): an administrator and a
//! supervisor of the head office see every office, anyone else their own. It holds here for
//! every backend; on `PostgreSQL` row-level security holds it on the server as well
//! (`migrations/postgres/0006_offices.sql`).

use crate::domain::kind::Role;
use crate::domain::request::SubjectRequest;
use crate::domain::validation::{check_line, field_error};
use crate::model::{Event, EventKind, ListFilter, Office, OfficeScope, Operator};
use crate::msg;

use super::{Error, Result, Session};

/// What an administrator sets on an office (`None`: left as it is).
#[derive(Debug, Clone, Default)]
pub struct OfficeEdit {
    pub code: Option<String>,
    pub name_en: Option<String>,
    pub name_ky: Option<String>,
    pub name_ru: Option<String>,
    pub head: Option<bool>,
    pub active: Option<bool>,
}

/// An office code as typed, upper-cased: 1 to 16 letters, digits or `-`.
pub fn office_code(text: &str) -> Result<String> {
    let code = text.trim().to_uppercase();
    let ok =
        !code.is_empty() && code.len() <= 16 && code.chars().all(|c| c.is_ascii_alphanumeric() || c == '-');
    if ok { Ok(code) } else { Err(Error::Invalid(field_error("office", msg!("message.office_code")))) }
}

impl Session {
    /// Every office, the default one first (anyone may read the list).
    pub fn offices(&self) -> Result<Vec<Office>> {
        Ok(self.store.read().offices()?)
    }

    /// The offices this operator sees.
    pub fn scope(&self) -> OfficeScope {
        self.operator.scope()
    }

    /// The office of `code` (case-insensitive).
    pub fn office(&self, code: &str) -> Result<Office> {
        let code = office_code(code)?;
        self.offices()?.into_iter().find(|o| o.code == code).ok_or(Error::UnknownOffice(code))
    }

    /// The code of office `id` (`#id` for one that does not exist).
    pub fn office_code_of(&self, id: i64) -> String {
        self.offices()
            .ok()
            .and_then(|all| all.into_iter().find(|o| o.id == id))
            .map_or_else(|| format!("#{id}"), |o| o.code)
    }

    /// Refuses what reads every office's records (verifying them, checking the database) to
    /// an operator who sees one office (`privilege` names what is refused).
    pub(crate) fn require_every_office_for(&self, privilege: &'static str) -> Result<()> {
        if self.scope() == OfficeScope::All {
            Ok(())
        } else {
            Err(Error::Invalid(field_error(
                "office",
                msg!(
                    "message.every_office_needed",
                    login = self.operator.login.clone(),
                    action = crate::i18n::localize::Arg::term("privilege", privilege)
                ),
            )))
        }
    }

    /// Refuses a request this operator does not see.
    pub(crate) fn require_office(op: &Operator, r: &SubjectRequest) -> Result<()> {
        if op.scope().covers(r.office) {
            Ok(())
        } else {
            Err(Error::OtherOffice { reference: r.reference.clone(), login: op.login.clone() })
        }
    }

    /// `filter` kept to the offices this operator sees: an operator who sees one office gets
    /// only its requests, and naming another office is refused (it is not a filter that
    /// silently shows nothing).
    pub fn scoped(&self, filter: &ListFilter) -> Result<ListFilter> {
        let mut f = filter.clone();
        if let OfficeScope::Only(own) = self.scope() {
            if let Some(other) = f.offices.iter().find(|o| **o != own) {
                return Err(Error::OfficeOutOfScope {
                    login: self.operator.login.clone(),
                    office: self.office_code_of(*other),
                });
            }
            f.offices = vec![own];
        }
        Ok(f)
    }

    /// The office ids of `codes` (for `--office`), each checked against this operator's scope.
    pub fn office_ids(&self, codes: &[String]) -> Result<Vec<i64>> {
        let scope = self.scope();
        codes
            .iter()
            .map(|c| {
                let o = self.office(c)?;
                if scope.covers(o.id) {
                    Ok(o.id)
                } else {
                    Err(Error::OfficeOutOfScope { login: self.operator.login.clone(), office: o.code })
                }
            })
            .collect()
    }

    /// The office a new request is registered in: the operator's own, or `chosen` by an
    /// operator who sees every office. The office must be active.
    pub(crate) fn registration_office(&self, chosen: Option<i64>) -> Result<i64> {
        let id = chosen.unwrap_or(self.operator.office);
        if !self.scope().covers(id) {
            return Err(Error::OfficeOutOfScope {
                login: self.operator.login.clone(),
                office: self.office_code_of(id),
            });
        }
        match self.offices()?.into_iter().find(|o| o.id == id) {
            Some(o) if o.active => Ok(id),
            Some(o) => {
                Err(Error::Invalid(field_error("office", msg!("message.office_inactive", office = o.code))))
            }
            None => Err(Error::UnknownOffice(format!("#{id}"))),
        }
    }

    /// Adds an office (administrators).
    pub fn add_office(
        &mut self,
        code: &str,
        name_en: &str,
        name_ky: &str,
        name_ru: &str,
        head: bool,
    ) -> Result<Office> {
        self.require(Role::Admin, "manage_offices")?;
        let code = office_code(code)?;
        for (field, text) in [("name_en", name_en), ("name_ky", name_ky), ("name_ru", name_ru)] {
            check_line(field, text)?;
        }
        if self.offices()?.iter().any(|o| o.code == code) {
            return Err(Error::Invalid(field_error("office", msg!("message.office_exists", office = code))));
        }
        self.write(|tx, ctx| {
            let mut o = Office {
                id: 0,
                code: code.clone(),
                name_en: name_en.trim().to_string(),
                name_ky: name_ky.trim().to_string(),
                name_ru: name_ru.trim().to_string(),
                head,
                active: true,
            };
            o.id = tx.insert_office(&o, ctx.login, &ctx.now)?;
            tx.audit(&ctx.now, ctx.login, "office_add", &o.code, &format!("head={head}"))?;
            Ok(o)
        })
        .inspect(|_| self.reload_offices())
    }

    fn reload_offices(&mut self) {
        if let Ok(all) = self.store.read().offices() {
            self.office_list = all;
        }
    }

    /// The office a request belongs to, as shown: its code, or `None` while the database
    /// has one office only (nothing to tell apart).
    pub fn office_shown(&self, id: i64) -> Option<String> {
        if self.office_list.len() < 2 {
            return None;
        }
        Some(
            self.office_list.iter().find(|o| o.id == id).map_or_else(|| format!("#{id}"), |o| o.code.clone()),
        )
    }

    /// Changes an office (administrators). The default office cannot be made inactive, and
    /// an office with active operators or open requests cannot either.
    pub fn edit_office(&mut self, code: &str, edit: &OfficeEdit) -> Result<Office> {
        self.require(Role::Admin, "manage_offices")?;
        let mut o = self.office(code)?;
        let all = self.offices()?;
        if let Some(new) = &edit.code {
            let new = office_code(new)?;
            if new != o.code && all.iter().any(|x| x.code == new) {
                return Err(Error::Invalid(field_error(
                    "office",
                    msg!("message.office_exists", office = new),
                )));
            }
            o.code = new;
        }
        for (field, value, slot) in [
            ("name_en", &edit.name_en, &mut o.name_en),
            ("name_ky", &edit.name_ky, &mut o.name_ky),
            ("name_ru", &edit.name_ru, &mut o.name_ru),
        ] {
            if let Some(v) = value {
                check_line(field, v)?;
                *slot = v.trim().to_string();
            }
        }
        if let Some(h) = edit.head {
            o.head = h;
        }
        if let Some(a) = edit.active {
            if !a && o.id == crate::model::DEFAULT_OFFICE {
                return Err(Error::Invalid(field_error("active", msg!("message.office_default_stays"))));
            }
            if !a && o.active {
                let read = self.store.read();
                let ops = read.operators()?.iter().filter(|op| op.active && op.office == o.id).count();
                let open = read.count(&ListFilter { offices: vec![o.id], ..ListFilter::default() })?;
                if ops > 0 || open > 0 {
                    return Err(Error::Invalid(field_error(
                        "active",
                        msg!(
                            "message.office_in_use",
                            office = o.code.clone(),
                            operators = ops as i64,
                            open = open
                        ),
                    )));
                }
            }
            o.active = a;
        }
        let detail = format!("code={} head={} active={}", o.code, o.head, o.active);
        self.write(|tx, ctx| {
            tx.update_office(&o, ctx.login, &ctx.now)?;
            tx.audit(&ctx.now, ctx.login, "office_edit", &o.code, &detail)?;
            Ok(o.clone())
        })
        .inspect(|_| self.reload_offices())
    }

    /// Refuses moving requests between offices to whoever may not: anyone but a supervisor
    /// who sees every office (of the head office) or an administrator.
    pub fn require_move(&self) -> Result<()> {
        self.require(Role::Supervisor, "move_requests")?;
        if self.scope() != OfficeScope::All {
            return Err(Error::Forbidden {
                login: self.operator.login.clone(),
                role: self.operator.role,
                action: "move_requests",
            });
        }
        Ok(())
    }

    /// Whether there is more than one office (something to choose or move between).
    pub fn several_offices(&self) -> bool {
        self.office_list.len() > 1
    }

    /// Moves a request to another office: supervisors who see every office (a supervisor
    /// of the head office) and administrators. An assignee who works elsewhere no longer
    /// holds it (they could not see it). One transaction: the request, its `moved` event
    /// and the audit entry.
    pub fn move_request(&mut self, reference: &str, to: &str, reason: &str) -> Result<SubjectRequest> {
        self.require_move()?;
        check_line("reason", reason)?;
        let target = self.office(to)?;
        if !target.active {
            return Err(Error::Invalid(field_error(
                "office",
                msg!("message.office_inactive", office = target.code),
            )));
        }
        let me = self.operator.clone();
        let offices = self.offices()?;
        let code = |id: i64| {
            offices.iter().find(|o| o.id == id).map_or_else(|| format!("#{id}"), |o| o.code.clone())
        };
        self.write(|tx, ctx| {
            let mut r = Session::load(tx, &me, reference)?;
            if r.office == target.id {
                return Err(Error::Invalid(field_error(
                    "office",
                    msg!(
                        "message.office_already",
                        reference = r.reference.clone(),
                        office = target.code.clone()
                    ),
                )));
            }
            let from = code(r.office);
            r.office = target.id;
            if let Some(a) = r.assignee.clone() {
                let keeps = tx.read().operator(&a)?.is_some_and(|op| op.scope().covers(target.id));
                if !keeps {
                    r.assignee = None;
                    tx.insert_event(
                        r.id,
                        &Event::new(EventKind::Assigned, ctx.login, &ctx.now).change(Some(a), None::<String>),
                    )?;
                }
            }
            r.version = tx.update_request(&r, &ctx.now)?;
            tx.set_request_office(r.id, target.id)?;
            tx.insert_event(
                r.id,
                &Event::new(EventKind::Moved, ctx.login, &ctx.now)
                    .change(Some(from.clone()), Some(target.code.clone()))
                    .text(reason.trim()),
            )?;
            tx.audit(&ctx.now, ctx.login, "move", &r.reference, &format!("from={from} to={}", target.code))?;
            Ok(r)
        })
    }
}
