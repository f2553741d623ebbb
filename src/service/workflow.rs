//! Working a request: assignment, notes, status changes, withdrawal, reopening,
//! extension and pause of the deadline.

use crate::domain::deadline::{governing, shift_deadline};
use crate::domain::pause::{end_pause, governing_date};
use crate::domain::request::{Pause, SubjectRequest};
use crate::domain::status::{Status, Transition};
use crate::domain::validation::{MAX_TEXT, check_len, field_error};
use crate::model::{Event, EventKind};
use crate::store::Tx;

use super::permissions::{Refusal, RequestAction, RuleRefusal, check, enforce, policy_error};
use super::{Ctx, Error, Result, Session};

/// Statuses an operator sets directly; the others follow from respond, withdraw and reopen.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StatusTarget {
    InProgress,
    AwaitingSubject,
}

impl StatusTarget {
    pub const ALL: &'static [StatusTarget] = &[StatusTarget::InProgress, StatusTarget::AwaitingSubject];

    pub fn status(self) -> Status {
        match self {
            StatusTarget::InProgress => Status::InProgress,
            StatusTarget::AwaitingSubject => Status::AwaitingSubject,
        }
    }
}

impl std::str::FromStr for StatusTarget {
    type Err = crate::domain::validation::FieldError;
    fn from_str(s: &str) -> std::result::Result<Self, Self::Err> {
        match s.trim() {
            "in_progress" => Ok(StatusTarget::InProgress),
            "awaiting_subject" => Ok(StatusTarget::AwaitingSubject),
            other => Err(field_error("status", crate::msg!("message.status_not_settable", status = other))),
        }
    }
}

/// `aryz status REF STATUS`: `--help` lists the two statuses that can be set.
impl crate::domain::code::Vocabulary for StatusTarget {
    fn codes() -> Vec<&'static str> {
        StatusTarget::ALL.iter().map(|t| t.status().code()).collect()
    }
}

impl clap::builder::ValueParserFactory for StatusTarget {
    type Parser = crate::domain::code::CodeParser<StatusTarget>;

    fn value_parser() -> Self::Parser {
        crate::domain::code::CodeParser::default()
    }
}

fn required_text(field: &str, text: &str) -> Result<String> {
    let t = text.trim();
    if t.is_empty() {
        return Err(Error::Invalid(field_error(field, crate::msg!("message.required"))));
    }
    check_len(field, t, MAX_TEXT)?;
    Ok(t.to_string())
}

/// Applies `t` or names the status that forbids it.
fn transition(r: &SubjectRequest, t: Transition, action: &'static str) -> Result<Status> {
    r.status.apply(t).ok_or(Error::Transition { reference: r.reference.clone(), action, status: r.status })
}

/// Saves `r` (checking `expected_version` when the caller loaded it earlier), with events
/// and one audit entry.
pub(crate) fn save(
    tx: &Tx<'_>,
    ctx: &Ctx<'_>,
    r: &SubjectRequest,
    expected_version: Option<i64>,
    events: &[Event],
    action: &str,
    detail: &str,
) -> Result<SubjectRequest> {
    if let Some(v) = expected_version
        && v != r.version
    {
        return Err(Error::Store(crate::store::StoreError::Conflict(r.reference.clone())));
    }
    tx.update_request(r, &ctx.now)?;
    for d in &r.deadlines {
        tx.put_deadline(r.id, d)?;
    }
    for e in events {
        tx.insert_event(r.id, e)?;
    }
    tx.audit(&ctx.now, ctx.login, action, &r.reference, detail)?;
    tx.read().request_by_id(r.id)?.ok_or_else(|| Error::NotFound(r.reference.clone()))
}

impl Session {
    /// Assigns a request. Supervisors assign anything to anyone; a clerk may only take an
    /// unassigned request (or one already theirs) for themselves.
    pub fn assign(
        &mut self,
        reference: &str,
        login: &str,
        expected_version: Option<i64>,
    ) -> Result<SubjectRequest> {
        self.assign_many(&[reference.to_string()], login, expected_version).map(|mut v| v.remove(0))
    }

    /// Assigns several requests in one transaction: all of them or none.
    pub fn assign_many(
        &mut self,
        references: &[String],
        login: &str,
        expected_version: Option<i64>,
    ) -> Result<Vec<SubjectRequest>> {
        let me = self.operator.clone();
        let action = if login == me.login { RequestAction::Take } else { RequestAction::Assign };
        self.require_for(action)?;
        if references.is_empty() {
            return Err(Error::Invalid(field_error("ref", crate::msg!("message.name_a_request"))));
        }
        self.write(|tx, ctx| {
            let assignee = match tx.read().operator(login)? {
                Some(op) if op.active => op,
                Some(_) => {
                    return Err(Error::Invalid(field_error(
                        "login",
                        crate::msg!("message.operator_disabled", login = login),
                    )));
                }
                None => {
                    return Err(Error::Invalid(field_error(
                        "login",
                        crate::msg!("message.operator_unknown", login = login),
                    )));
                }
            };
            let mut out = Vec::new();
            for reference in references {
                let mut r = Session::load(tx, &me, reference)?;
                // The assignee must see the request: someone of its office (or who sees all).
                if !assignee.scope().covers(r.office) {
                    return Err(Error::Invalid(field_error(
                        "login",
                        crate::msg!("message.assignee_other_office", login = login),
                    )));
                }
                // Taking a request that is already one's own changes nothing and succeeds.
                match check(&me, &r, ctx.rules, ctx.today, action) {
                    Ok(()) | Err(Refusal::Rules(RuleRefusal::AlreadyYours)) => {}
                    Err(refusal) => return Err(refusal.into_error(&me, &r, action)),
                }
                if r.assignee.as_deref() == Some(login) {
                    out.push(r);
                    continue;
                }
                let ev = Event::new(EventKind::Assigned, ctx.login, &ctx.now)
                    .change(r.assignee.clone(), Some(login));
                let detail = format!("{} → {login}", r.assignee.as_deref().unwrap_or("-"));
                r.assignee = Some(login.to_string());
                out.push(save(
                    tx,
                    ctx,
                    &r,
                    if references.len() == 1 { expected_version } else { None },
                    &[ev],
                    "assign",
                    &detail,
                )?);
                crate::testpoint::reach("assign", out.len());
            }
            Ok(out)
        })
    }

    /// Adds an internal note, or records a message sent to the subject.
    pub fn note(&mut self, reference: &str, text: &str, to_subject: bool) -> Result<SubjectRequest> {
        let text = required_text("text", text)?;
        self.with_request(reference, RequestAction::Note, None, |r, ctx| {
            let kind = if to_subject { EventKind::Message } else { EventKind::Note };
            let ev = Event::new(kind, ctx.login, &ctx.now).text(text.clone());
            Ok((vec![ev], if to_subject { "message" } else { "note" }, String::new(), r))
        })
    }

    /// Moves a request to `in_progress` or `awaiting_subject`.
    pub fn set_status(
        &mut self,
        reference: &str,
        target: StatusTarget,
        reason: &str,
        expected_version: Option<i64>,
    ) -> Result<SubjectRequest> {
        let reason = reason.trim().to_string();
        check_len("reason", &reason, MAX_TEXT)?;
        self.with_request(reference, RequestAction::ChangeStatus, expected_version, |mut r, ctx| {
            let t = match target {
                StatusTarget::InProgress => Transition::StartWork,
                StatusTarget::AwaitingSubject => Transition::AwaitSubject,
            };
            let new = transition(&r, t, "change_status")?;
            let ev = Event::new(EventKind::StatusChanged, ctx.login, &ctx.now)
                .change(Some(r.status.code()), Some(new.code()))
                .text(reason.clone());
            let detail = format!("{} → {new}", r.status);
            r.status = new;
            Ok((vec![ev], "status", detail, r))
        })
    }

    /// Closes a request the subject withdrew.
    pub fn withdraw(
        &mut self,
        reference: &str,
        reason: &str,
        expected_version: Option<i64>,
    ) -> Result<SubjectRequest> {
        // Withdrawing takes a request out of the "% in time": a supervisor's decision, so a
        // clerk cannot make an overdue request disappear from the figures.
        self.require_for(RequestAction::Withdraw)?;
        let reason = required_text("reason", reason)?;
        self.with_request(reference, RequestAction::Withdraw, expected_version, |mut r, ctx| {
            let new = transition(&r, Transition::Withdraw, "withdraw")?;
            let ev = Event::new(EventKind::Withdrawn, ctx.login, &ctx.now)
                .change(Some(r.status.code()), Some(new.code()))
                .text(reason.clone());
            r.status = new;
            r.closed_on = Some(ctx.today);
            r.pause = None;
            Ok((vec![ev], "withdraw", String::new(), r))
        })
    }

    /// Reopens an answered or withdrawn request (supervisors), with a reason. The stored
    /// deadlines stay: a reopened request that is past due is overdue.
    pub fn reopen(
        &mut self,
        reference: &str,
        reason: &str,
        expected_version: Option<i64>,
    ) -> Result<SubjectRequest> {
        self.require_for(RequestAction::Reopen)?;
        let reason = required_text("reason", reason)?;
        self.with_request(reference, RequestAction::Reopen, expected_version, |mut r, ctx| {
            let new = transition(&r, Transition::Reopen, "reopen")?;
            let ev = Event::new(EventKind::Reopened, ctx.login, &ctx.now)
                .change(Some(r.status.code()), Some(new.code()))
                .text(reason.clone());
            let detail = format!("{} → {new}", r.status);
            r.status = new;
            r.closed_on = None;
            r.outcome = None;
            r.ground = None;
            r.responded_on = None;
            r.response_text.clear();
            r.response_channel = None;
            r.actions.clear();
            Ok((vec![ev], "reopen", detail, r))
        })
    }

    /// Extends the binding deadline by `days`, when the rules allow extensions.
    pub fn extend(
        &mut self,
        reference: &str,
        days: u32,
        reason: &str,
        expected_version: Option<i64>,
    ) -> Result<SubjectRequest> {
        let policy = self.rules.extension.clone();
        policy_error(&self.rules, RequestAction::Extend)?;
        if days == 0 || days > policy.max_days {
            return Err(Error::Invalid(field_error(
                "days",
                crate::msg!("message.between", min = 1u32, max = policy.max_days),
            )));
        }
        let reason = required_text("reason", reason)?;
        self.with_request(reference, RequestAction::Extend, expected_version, |mut r, ctx| {
            let (rule_id, new_due, why) = plan_extension(&r, days, &reason, ctx)?;
            let due_before = r.due_on;
            let detail = format!("{rule_id}: {} → {new_due}", r.due_on);
            if let Some(d) = r.deadlines.iter_mut().find(|d| d.rule == rule_id) {
                d.due_on = new_due;
                d.explanation = format!("{} ; {why}", d.explanation);
                d.provisional = ctx.calendar.uncertainty(ctx.today, new_due).or(d.provisional.take());
            }
            r.due_on = governing_date(&r);
            r.extensions += 1;
            // The event records the governing date; the rule's own new date is in its text.
            let ev = deadline_event(ctx, due_before, r.due_on, &why);
            Ok((vec![ev], "extend", detail, r))
        })
    }

    /// Stops the clock while waiting for the subject, when the rules allow it.
    pub fn pause(&mut self, reference: &str, category: &str, reason: &str) -> Result<SubjectRequest> {
        let policy = self.rules.pause.clone();
        policy_error(&self.rules, RequestAction::Pause)?;
        if !policy.categories.iter().any(|c| c == category) {
            return Err(Error::Invalid(field_error(
                "category",
                crate::msg!(
                    "message.unknown_pause_category",
                    category = category,
                    allowed = policy.categories.join(", ")
                ),
            )));
        }
        let reason = required_text("reason", reason)?;
        let category = category.to_string();
        self.with_request(reference, RequestAction::Pause, None, |mut r, ctx| {
            let ev = Event::new(EventKind::Paused, ctx.login, &ctx.now)
                .change(None::<String>, Some(category.clone()))
                .text(reason.clone());
            r.pause = Some(Pause { since: ctx.today, category: category.clone(), reason: reason.clone() });
            Ok((vec![ev], "pause", category.clone(), r))
        })
    }

    /// Restarts the clock: the binding deadline moves by the paused days, rolled forward.
    pub fn resume(&mut self, reference: &str) -> Result<SubjectRequest> {
        self.with_request(reference, RequestAction::Resume, None, |mut r, ctx| {
            let Some(ended) = end_pause(&mut r, ctx.today, ctx.calendar) else {
                return Err(Error::NotAllowedByRules(crate::msg!(
                    "message.rules.not_paused",
                    reference = &r.reference
                )));
            };
            let mut events = vec![
                Event::new(EventKind::Resumed, ctx.login, &ctx.now)
                    .text(format!("{} day(s) paused", ended.days)),
            ];
            if r.due_on != ended.due_before {
                events.push(deadline_event(ctx, ended.due_before, r.due_on, &ended.why));
            }
            let detail = format!("{} days; {} → {}", ended.days, ended.due_before, r.due_on);
            Ok((events, "resume", detail, r))
        })
    }

    /// Loads a request, checks the operator may take `action` on it now, applies `f`, saves.
    fn with_request(
        &mut self,
        reference: &str,
        action: RequestAction,
        expected_version: Option<i64>,
        f: impl FnOnce(SubjectRequest, &Ctx<'_>) -> Result<(Vec<Event>, &'static str, String, SubjectRequest)>,
    ) -> Result<SubjectRequest> {
        let me = self.operator.clone();
        self.write(|tx, ctx| {
            let r = Session::load(tx, &me, reference)?;
            enforce(&me, &r, ctx.rules, ctx.today, action)?;
            let (events, audit_action, detail, r) = f(r, ctx)?;
            save(tx, ctx, &r, expected_version, &events, audit_action, &detail)
        })
    }
}

pub(crate) fn deadline_event(
    ctx: &Ctx<'_>,
    old_due: chrono::NaiveDate,
    new_due: chrono::NaiveDate,
    why: &str,
) -> Event {
    Event::new(EventKind::DeadlineChanged, ctx.login, &ctx.now)
        .change(Some(old_due.to_string()), Some(new_due.to_string()))
        .text(why.to_string())
}

/// Checks an extension of the governing deadline by `days` against the law as the rules
/// state it: the governing rule must be extendable, the deadline not yet passed, the
/// total within the rule's cap, and the extension must move the governing date (another
/// binding deadline, such as the 30-day limit, may come first). Returns the rule, its new
/// date and the explanation citing the rule's basis.
fn plan_extension(
    r: &SubjectRequest,
    days: u32,
    reason: &str,
    ctx: &Ctx<'_>,
) -> Result<(String, chrono::NaiveDate, String)> {
    // `enforce` refused a request without an extendable governing deadline that has not
    // passed; these only name what it checked.
    let refused =
        || Error::NotAllowedByRules(crate::msg!("message.rules.no_extendable", reference = &r.reference));
    let gov = governing(&r.deadlines).cloned().ok_or_else(refused)?;
    let rule = ctx.rules.rule(&gov.rule).ok_or_else(refused)?;
    let cap = rule.extension_max_days.ok_or_else(refused)?;
    let original = rule.compute(r.received_on, r.registered_on, ctx.calendar).due_on;
    let limit = original.checked_add_days(chrono::Days::new(cap.into())).unwrap_or(original);
    let limit = ctx.calendar.roll_forward(limit);
    let (new_due, why) = shift_deadline(gov.due_on, days, ctx.calendar, &format!("extension ({reason})"));
    // The basis goes last, after a marker the extension letter reads it back by.
    let why = format!("{why}; {} → {new_due}; basis: {}", rule.id, rule.extension_basis);
    if new_due > limit {
        return Err(Error::Invalid(field_error(
            "days",
            crate::msg!(
                "message.extension_cap",
                rule = &rule.id,
                limit = limit,
                cap = cap,
                original = original
            ),
        )));
    }
    Ok((rule.id.clone(), new_due, why))
}
