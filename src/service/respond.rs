//! Recording the answer to a request: outcome, refusal ground, per-category actions.

use crate::domain::kind::{IdentityMethod, Role};
use crate::domain::outcome::{Response, discloses_personal_data};
use crate::domain::pause::end_pause;
use crate::domain::request::SubjectRequest;
use crate::domain::status::Transition;
use crate::model::{Event, EventKind};

use super::permissions::{RequestAction, enforce};
use super::workflow::{deadline_event, save};
use super::{Error, Result, Session};

impl Session {
    /// Answers a request. The response is validated against its kind, its dates and the
    /// known refusal grounds before anything is written.
    pub fn respond(
        &mut self,
        reference: &str,
        response: &Response,
        expected_version: Option<i64>,
    ) -> Result<SubjectRequest> {
        let me = self.operator.clone();
        let grounds = self.grounds.clone();
        let bodies = self.bodies.clone();
        self.write(|tx, ctx| {
            let mut r = Session::load(tx, &me, reference)?;
            enforce(&me, &r, ctx.rules, ctx.today, RequestAction::Respond)?;
            // `enforce` refused a status the answer cannot follow.
            let new = r.status.apply(Transition::Answer).ok_or(Error::Transition {
                reference: r.reference.clone(),
                action: "answer",
                status: r.status,
            })?;
            response.validate(r.kind, r.received_on, ctx.today, &grounds)?;
            response.details.validate(r.kind, response.outcome, &bodies)?;
            let identity_events = disclosure_rule(&me, &mut r, response, ctx)?;
            let mut events = vec![
                Event::new(EventKind::Responded, ctx.login, &ctx.now)
                    .change(None::<String>, Some(response.outcome.code()))
                    .text(response.text.clone())
                    .effective_on(response.responded_on),
                Event::new(EventKind::StatusChanged, ctx.login, &ctx.now)
                    .change(Some(r.status.code()), Some(new.code())),
            ];
            // Answering a paused request ends the pause: the paused days count, as on resume.
            if let Some(ended) = end_pause(&mut r, response.responded_on, ctx.calendar) {
                events.push(
                    Event::new(EventKind::Resumed, ctx.login, &ctx.now)
                        .text(format!("{} day(s) paused; answered while paused", ended.days)),
                );
                if r.due_on != ended.due_before {
                    events.push(deadline_event(ctx, ended.due_before, r.due_on, &ended.why));
                }
            }
            events.extend(identity_events.iter().cloned());
            let in_time = response.responded_on <= r.due_on;
            let mut detail = format!("{} ({})", response.outcome, if in_time { "in time" } else { "late" });
            if let Some(why) = &response.identity.override_reason
                && discloses_personal_data(r.kind, response.outcome)
                && r.identity == IdentityMethod::NotVerified
            {
                // The override is an entry of its own, so the audit log lists every one.
                tx.audit(&ctx.now, ctx.login, "identity_override", &r.reference, why.trim())?;
                detail = format!("{detail}; identity not verified, disclosed on override");
            }
            if let Some(m) = response.identity.verified_by.filter(|_| !identity_events.is_empty()) {
                detail = format!("{detail}; identity verified at answer by {m}");
            }
            if response.responded_on < ctx.today {
                // The timeline and the audit keep both dates and the reason.
                let why = response.backdate_reason.trim();
                detail = format!("{detail}; dated {} on {}: {why}", response.responded_on, ctx.today);
                events.push(Event::new(EventKind::Note, ctx.login, &ctx.now).text(format!(
                    "answer dated {} recorded on {}: {why}",
                    response.responded_on.format("%d.%m.%Y"),
                    ctx.today.format("%d.%m.%Y")
                )));
            }
            r.status = new;
            r.outcome = Some(response.outcome);
            r.ground.clone_from(&response.ground);
            r.responded_on = Some(response.responded_on);
            r.response_text.clone_from(&response.text);
            r.response_channel = response.channel;
            r.actions.clone_from(&response.actions);
            r.closed_on = Some(response.responded_on);
            r.pause = None;
            tx.set_response_details(r.id, &response.details)?;
            save(tx, ctx, &r, expected_version, &events, "respond", &detail)
        })
    }
}

/// Safe disclosure (issue 15), the one place it is enforced: an answer that hands personal
/// data to a subject whose identity is not verified is refused, unless the identity is
/// verified now (recorded on the request, with an event) or a supervisor overrides with a
/// reason (a note on the timeline and an audit entry of its own). Returns the events.
fn disclosure_rule(
    me: &crate::model::Operator,
    r: &mut SubjectRequest,
    response: &Response,
    ctx: &super::Ctx<'_>,
) -> Result<Vec<Event>> {
    if !discloses_personal_data(r.kind, response.outcome) || r.identity != IdentityMethod::NotVerified {
        return Ok(Vec::new());
    }
    if let Some(method) = response.identity.verified_by.filter(|m| *m != IdentityMethod::NotVerified) {
        let ev = Event::new(EventKind::IdentityVerified, ctx.login, &ctx.now)
            .change(Some(r.identity.code()), Some(method.code()))
            .text("verified when answering");
        r.identity = method;
        return Ok(vec![ev]);
    }
    match response.identity.override_reason.as_deref().map(str::trim).filter(|w| !w.is_empty()) {
        Some(why) if me.role >= Role::Supervisor => {
            Ok(vec![Event::new(EventKind::Note, ctx.login, &ctx.now).text(format!(
                "identity not verified; personal data disclosed on a supervisor's override: {why}"
            ))])
        }
        Some(_) => Err(Error::Forbidden {
            login: me.login.clone(),
            role: me.role,
            action: "override the identity check (supervisor)",
        }),
        None => Err(Error::IdentityNotVerified {
            reference: r.reference.clone(),
            kind: r.kind,
            outcome: response.outcome,
        }),
    }
}
