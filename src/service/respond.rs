//! Recording the answer to a request: outcome, refusal ground, per-category actions.

use crate::domain::outcome::Response;
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
            let mut r = Session::load(tx, reference)?;
            enforce(&me, &r, ctx.rules, ctx.today, RequestAction::Respond)?;
            // `enforce` refused a status the answer cannot follow.
            let new = r.status.apply(Transition::Answer).ok_or(Error::Transition {
                reference: r.reference.clone(),
                action: "answer",
                status: r.status,
            })?;
            response.validate(r.kind, r.received_on, ctx.today, &grounds)?;
            response.details.validate(r.kind, response.outcome, &bodies)?;
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
            let in_time = response.responded_on <= r.due_on;
            let mut detail = format!("{} ({})", response.outcome, if in_time { "in time" } else { "late" });
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
