//! Registering a request: validation, reference, deadlines, first event and audit entry.

use crate::domain::deadline::Deadline;
use crate::domain::kind::Role;
use crate::domain::request::RequestId;
use crate::domain::request::{NewRequest, OLD_RECEIPT_DAYS, SubjectRequest};
use crate::domain::validation::FieldWarning;
use crate::model::{Event, EventKind};
use crate::store::Tx;

use super::{Ctx, Error, Result, Session};

/// What registering gives back: the stored request and the warnings the operator accepted.
#[derive(Debug)]
pub struct Registered {
    pub request: SubjectRequest,
    pub warnings: Vec<FieldWarning>,
}

impl Session {
    /// Checks a request as the intake form does while typing: the first hard error, or the
    /// warnings and the deadlines it would get. Writes nothing.
    /// The warnings include the requests it may duplicate (field `duplicate`, naming them)
    /// and a receipt date long before today (field `received_old`, to be confirmed).
    pub fn check_new_request(&self, new: &NewRequest) -> Result<(Vec<FieldWarning>, Vec<Deadline>)> {
        let today = self.today();
        let mut warnings = new.validate(today, today, &self.calendar)?;
        if let Some(w) = old_receipt(new, today) {
            warnings.push(w);
        }
        let similar = self.similar_requests(&new.subject.pin, new.kind)?;
        warnings.extend(super::casefile::duplicate_warnings(&similar, new.kind));
        let deadlines = self.rules.deadlines(new.kind, new.received_on, today, &self.calendar);
        Ok((warnings, deadlines))
    }

    /// Registers a request, optionally assigned. A clerk may assign only to themselves.
    pub fn register(&mut self, new: &NewRequest, assignee: Option<&str>) -> Result<Registered> {
        self.require(Role::Clerk, "register_requests")?;
        if let Some(a) = assignee
            && a != self.operator.login
        {
            self.require(Role::Supervisor, "assign_to_others")?;
        }
        let (warnings, deadlines) = self.check_new_request(new)?;
        let office = self.registration_office(new.office)?;
        let new = &NewRequest { office: Some(office), ..new.clone() };
        let request = self.write(|tx, ctx| {
            if let Some(a) = assignee {
                match tx.read().operator(a)? {
                    Some(op) if op.active && !op.scope().covers(office) => {
                        return Err(Error::Invalid(crate::domain::validation::field_error(
                            "assignee",
                            crate::msg!("message.assignee_other_office", login = a),
                        )));
                    }
                    Some(op) if op.active => {}
                    _ => {
                        return Err(Error::Invalid(crate::domain::validation::field_error(
                            "assignee",
                            crate::msg!("message.not_active_operator", login = a),
                        )));
                    }
                }
            }
            let (id, reference) = insert_registered(tx, ctx, new, &deadlines, assignee)?;
            tx.read().request_by_id(id)?.ok_or(Error::NotFound(reference))
        })?;
        Ok(Registered { request, warnings })
    }
}

/// Inserts a validated request with its first events and its audit entry.
pub(crate) fn insert_registered(
    tx: &Tx<'_>,
    ctx: &Ctx<'_>,
    new: &NewRequest,
    deadlines: &[Deadline],
    assignee: Option<&str>,
) -> Result<(RequestId, String)> {
    let (id, reference) = tx.insert_request(new, ctx.today, deadlines, assignee, &ctx.now)?;
    super::casefile::put_representative(tx, id, new.representative.as_ref())?;
    tx.insert_event(id, &created_event(ctx, deadlines))?;
    if let Some(a) = assignee {
        tx.insert_event(
            id,
            &Event::new(EventKind::Assigned, ctx.login, &ctx.now).change(None::<String>, Some(a)),
        )?;
    }
    tx.audit(&ctx.now, ctx.login, "register", &reference, &registration_detail(new))?;
    Ok((id, reference))
}

/// A registration's first event: created, with the binding due date.
pub(crate) fn created_event(ctx: &Ctx<'_>, deadlines: &[Deadline]) -> Event {
    let binding = deadlines.iter().find(|d| d.binding).map(|d| d.due_on.to_string());
    Event::new(EventKind::Created, ctx.login, &ctx.now).change(None::<String>, binding)
}

/// The detail of a registration's audit entry.
pub(crate) fn registration_detail(new: &NewRequest) -> String {
    let by = if new.representative.is_some() { " by_representative" } else { "" };
    format!("kind={}{by}", new.kind)
}

/// The warning a receipt date more than [`OLD_RECEIPT_DAYS`] days before `today` gets: a
/// likely typo (a wrong year or month), which the operator confirms before registering.
pub fn old_receipt(new: &NewRequest, today: chrono::NaiveDate) -> Option<FieldWarning> {
    let days = (today - new.received_on).num_days();
    (days > OLD_RECEIPT_DAYS).then(|| {
        crate::domain::validation::warning(
            RECEIVED_OLD,
            crate::msg!(
                "message.old_receipt",
                date = new.received_on.format("%d.%m.%Y").to_string(),
                days = days
            ),
        )
    })
}

/// The field of the warning [`old_receipt`] gives.
pub const RECEIVED_OLD: &str = "received_old";
