//! Registering a request: validation, reference, deadlines, first event and audit entry.

use crate::domain::deadline::Deadline;
use crate::domain::kind::Role;
use crate::domain::request::RequestId;
use crate::domain::request::{NewRequest, SubjectRequest};
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
    pub fn check_new_request(&self, new: &NewRequest) -> Result<(Vec<FieldWarning>, Vec<Deadline>)> {
        let today = self.today();
        let warnings = new.validate(today, today, &self.calendar)?;
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
        let request = self.write(|tx, ctx| {
            if let Some(a) = assignee {
                match tx.read().operator(a)? {
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
    let binding = deadlines.iter().find(|d| d.binding).map(|d| d.due_on.to_string());
    tx.insert_event(
        id,
        &Event::new(EventKind::Created, ctx.login, &ctx.now).change(None::<String>, binding),
    )?;
    if let Some(a) = assignee {
        tx.insert_event(
            id,
            &Event::new(EventKind::Assigned, ctx.login, &ctx.now).change(None::<String>, Some(a)),
        )?;
    }
    tx.audit(&ctx.now, ctx.login, "register", &reference, &format!("kind={}", new.kind))?;
    Ok((id, reference))
}
