//! Who may do what to a request, now: the one place that answers it. For an operator, a
//! request, the rules in force and today, [`check`] says whether an action is allowed, and
//! if not, why — the operator's role, the request being someone else's, its status, or the
//! deadline rules. The use cases refuse through it (so the command line's refusals follow
//! it) and the terminal UI offers exactly the actions it allows and explains the others
//! with the same reason.
//!
//! Checks run in a fixed order — role, office, rules for every request (extensions off),
//! assignee, status, rules for this request — so the reason given is the
//! first thing the operator would have to change: a clerk asking to withdraw someone else's
//! request is told withdrawing needs a supervisor, not that the request is in progress.

use chrono::NaiveDate;

use crate::domain::deadline::{RuleSet, governing};
use crate::domain::kind::Role;
use crate::domain::request::SubjectRequest;
use crate::domain::status::{Status, Transition};
use crate::i18n::localize::{Arg, Localize, Message};
use crate::msg;
use crate::store::Operator;

use super::Error;

/// What an operator may do to one request.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum RequestAction {
    /// Record the answer.
    Respond,
    /// Assign to any operator (supervisors).
    Assign,
    /// Assign to oneself.
    Take,
    /// Move between `in_progress` and `awaiting_subject`.
    ChangeStatus,
    Note,
    Extend,
    Pause,
    Resume,
    Withdraw,
    Reopen,
    Letter,
}

impl RequestAction {
    /// Every action, in the order the detail screen offers them.
    pub const ALL: [RequestAction; 11] = [
        RequestAction::Respond,
        RequestAction::Assign,
        RequestAction::Take,
        RequestAction::ChangeStatus,
        RequestAction::Note,
        RequestAction::Extend,
        RequestAction::Pause,
        RequestAction::Resume,
        RequestAction::Withdraw,
        RequestAction::Reopen,
        RequestAction::Letter,
    ];

    /// The least role that may take the action at all.
    pub fn min_role(self) -> Role {
        match self {
            RequestAction::Assign | RequestAction::Withdraw | RequestAction::Reopen => Role::Supervisor,
            _ => Role::Clerk,
        }
    }

    /// The code of the `verb` vocabulary in the service's messages ("cannot withdraw a
    /// request that is …").
    pub fn verb(self) -> &'static str {
        match self {
            RequestAction::Respond => "answer",
            RequestAction::Assign | RequestAction::Take => "assign",
            RequestAction::ChangeStatus => "change_status",
            RequestAction::Note => "note",
            RequestAction::Extend => "extend",
            RequestAction::Pause => "pause",
            RequestAction::Resume => "resume",
            RequestAction::Withdraw => "withdraw",
            RequestAction::Reopen => "reopen",
            RequestAction::Letter => "letter",
        }
    }

    /// The `verb` of a "not yours" refusal ("only they or a supervisor may … it").
    fn not_yours_verb(self) -> &'static str {
        match self {
            RequestAction::Assign | RequestAction::Take => "reassign",
            other => other.verb(),
        }
    }

    /// The code of the `privilege` vocabulary a role refusal names ("operator 'x' (clerk)
    /// may not …").
    fn role_phrase(self) -> &'static str {
        match self {
            RequestAction::Assign => "assign_to_others",
            RequestAction::Withdraw => "withdraw_requests",
            RequestAction::Reopen => "reopen_requests",
            other => other.verb(),
        }
    }
}

/// What the deadline rules forbid.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RuleRefusal {
    /// `[extension] allowed = false`.
    ExtensionsOff,
    /// The request was already extended as often as the rules allow.
    ExtensionsUsed {
        done: u32,
        max: u32,
    },
    /// The governing deadline has passed; an extension comes before it ends.
    DeadlinePassed {
        due: NaiveDate,
    },
    /// The request has no binding deadline.
    NoBindingDeadline,
    /// The governing deadline's rule is not in the rules in force.
    UnknownRule {
        rule: String,
    },
    /// The governing deadline's rule cannot be extended.
    RuleNotExtendable {
        rule: String,
    },
    /// Another binding deadline ends no later than the governing one, so extending it would
    /// not move the request's deadline.
    AnotherDeadlineFirst {
        due: NaiveDate,
    },
    /// `[pause] allowed = false`.
    PausesOff,
    AlreadyPaused,
    NotPaused,
    /// Taking a request that is already one's own.
    AlreadyYours,
}

/// Why an action is refused.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Refusal {
    /// The operator's role may not take this action at all.
    Role { role: Role, needed: Role },
    /// Assigned to someone else; only they or a supervisor may act on it.
    NotYours { assignee: String },
    /// The request belongs to an office the operator does not see.
    OtherOffice,
    /// Not possible in the request's status.
    Status { status: Status },
    /// The deadline rules forbid it.
    Rules(RuleRefusal),
}

/// A refusal of one action as the operator named it: the terminal UI's refusal, a
/// [`Localize`] like every error.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Refused<'a> {
    /// The action's name as shown (a code of the `action` vocabulary: the key's label).
    pub action: Arg,
    pub refusal: &'a Refusal,
}

impl Localize for Refused<'_> {
    fn message(&self) -> Message {
        let a = self.action.clone();
        let date = |d: &NaiveDate| crate::domain::format::date_dmy(*d);
        match self.refusal {
            Refusal::Role { role, needed } => msg!(
                "refusal.role",
                action = a,
                role = Arg::term("role", role.code()),
                needed = Arg::term("role", needed.code())
            ),
            Refusal::NotYours { assignee } => msg!("refusal.not_yours", action = a, assignee = assignee),
            Refusal::OtherOffice => msg!("refusal.other_office", action = a),
            Refusal::Status { status } => {
                msg!("refusal.status", action = a, status = Arg::term("status", status.code()))
            }
            Refusal::Rules(r) => match r {
                RuleRefusal::ExtensionsOff => msg!("refusal.extensions_off", action = a),
                RuleRefusal::ExtensionsUsed { done, max } => {
                    msg!("refusal.extensions_used", action = a, done = *done, max = *max)
                }
                RuleRefusal::DeadlinePassed { due } => {
                    msg!("refusal.deadline_passed", action = a, due = date(due))
                }
                RuleRefusal::NoBindingDeadline => msg!("refusal.no_binding_deadline", action = a),
                RuleRefusal::UnknownRule { rule } => msg!("refusal.unknown_rule", action = a, rule = rule),
                RuleRefusal::RuleNotExtendable { rule } => {
                    msg!("refusal.rule_not_extendable", action = a, rule = rule)
                }
                RuleRefusal::AnotherDeadlineFirst { due } => {
                    msg!("refusal.another_deadline_first", action = a, due = date(due))
                }
                RuleRefusal::PausesOff => msg!("refusal.pauses_off", action = a),
                RuleRefusal::AlreadyPaused => msg!("refusal.already_paused", action = a),
                RuleRefusal::NotPaused => msg!("refusal.not_paused", action = a),
                RuleRefusal::AlreadyYours => msg!("refusal.already_yours", action = a),
            },
        }
    }
}

impl Refusal {
    /// This refusal of `action` (a code of the terminal UI's `action` vocabulary, shown by
    /// its label: "Withdraw").
    pub fn of(&self, action: &str) -> Refused<'_> {
        Refused { action: Arg::term("action", action), refusal: self }
    }

    /// The refusal in the interface language, for the `action` code ([`Refusal::of`]).
    pub fn text(&self, action: &str) -> String {
        self.of(action).localized()
    }

    /// The service's error for this refusal (the command line's English text, unchanged
    /// from before the refusals had one source).
    pub fn into_error(self, op: &Operator, r: &SubjectRequest, action: RequestAction) -> Error {
        let reference = r.reference.clone();
        match self {
            Refusal::Role { role, .. } => {
                Error::Forbidden { login: op.login.clone(), role, action: action.role_phrase() }
            }
            Refusal::NotYours { assignee } => {
                Error::NotYours { reference, assignee, action: action.not_yours_verb() }
            }
            Refusal::OtherOffice => Error::OtherOffice { reference, login: op.login.clone() },
            Refusal::Status { status } => Error::Transition { reference, action: action.verb(), status },
            Refusal::Rules(rule) => Error::NotAllowedByRules(rule_message(&rule, &reference)),
        }
    }
}

/// The command line's message of a rules refusal (its English text unchanged).
pub(crate) fn rule_message(rule: &RuleRefusal, reference: &str) -> Message {
    match rule {
        RuleRefusal::ExtensionsOff => msg!("message.rules.extensions_off"),
        RuleRefusal::ExtensionsUsed { done, max } => {
            msg!("message.rules.extensions_used", reference = reference, done = *done, max = *max)
        }
        RuleRefusal::DeadlinePassed { due } => {
            msg!("message.rules.deadline_passed", reference = reference, due = *due)
        }
        RuleRefusal::NoBindingDeadline => msg!("message.rules.no_binding_deadline", reference = reference),
        RuleRefusal::UnknownRule { rule } => {
            msg!("message.rules.unknown_rule", reference = reference, rule = rule)
        }
        RuleRefusal::RuleNotExtendable { rule } => {
            msg!("message.rules.rule_not_extendable", reference = reference, rule = rule)
        }
        RuleRefusal::AnotherDeadlineFirst { due } => {
            msg!("message.rules.another_deadline_first", reference = reference, due = *due)
        }
        RuleRefusal::PausesOff => msg!("message.rules.pauses_off"),
        RuleRefusal::AlreadyPaused => msg!("message.rules.already_paused", reference = reference),
        RuleRefusal::NotPaused => msg!("message.rules.not_paused", reference = reference),
        RuleRefusal::AlreadyYours => msg!("message.rules.already_yours", reference = reference),
    }
}

/// Refuses when the operator's role may never take `action` (checked before a request is
/// read, so that a clerk is told about the role before anything about the input).
pub(crate) fn check_role(op: &Operator, action: RequestAction) -> Result<(), Refusal> {
    let needed = action.min_role();
    if op.role >= needed { Ok(()) } else { Err(Refusal::Role { role: op.role, needed }) }
}

/// Refuses what the rules in force forbid for every request (checked before the input,
/// as the command line always did).
pub(crate) fn check_policy(rules: &RuleSet, action: RequestAction) -> Result<(), RuleRefusal> {
    match action {
        RequestAction::Extend if !rules.extension.allowed => Err(RuleRefusal::ExtensionsOff),
        RequestAction::Pause if !rules.pause.allowed => Err(RuleRefusal::PausesOff),
        _ => Ok(()),
    }
}

/// [`check_policy`] as the service's error.
pub(crate) fn policy_error(rules: &RuleSet, action: RequestAction) -> super::Result<()> {
    check_policy(rules, action).map_err(|rule| Error::NotAllowedByRules(rule_message(&rule, "")))
}

/// May `op` take `action` on `r` today under `rules`? The role, then what the rules forbid
/// for every request, then the assignee, the status, and the rules as they apply to `r`.
pub(crate) fn check(
    op: &Operator,
    r: &SubjectRequest,
    rules: &RuleSet,
    today: NaiveDate,
    action: RequestAction,
) -> Result<(), Refusal> {
    use RequestAction as A;
    check_role(op, action)?;
    if !op.scope().covers(r.office) {
        return Err(Refusal::OtherOffice);
    }
    check_policy(rules, action).map_err(Refusal::Rules)?;
    if op.role < Role::Supervisor
        && let Some(a) = &r.assignee
        && *a != op.login
    {
        return Err(Refusal::NotYours { assignee: a.clone() });
    }
    let status = Refusal::Status { status: r.status };
    let needs = |t: Transition| r.status.apply(t).map(|_| ()).ok_or(status.clone());
    match action {
        A::Respond => needs(Transition::Answer),
        A::Withdraw => needs(Transition::Withdraw),
        A::Reopen => needs(Transition::Reopen),
        A::ChangeStatus => needs(Transition::StartWork).or_else(|_| needs(Transition::AwaitSubject)),
        A::Assign | A::Take | A::Extend | A::Pause if !r.is_open() => Err(status),
        A::Take if r.assignee.as_deref() == Some(op.login.as_str()) => {
            Err(Refusal::Rules(RuleRefusal::AlreadyYours))
        }
        A::Extend => extension(r, rules, today),
        A::Pause => {
            if r.pause.is_some() {
                Err(Refusal::Rules(RuleRefusal::AlreadyPaused))
            } else {
                Ok(())
            }
        }
        A::Resume if r.pause.is_none() => Err(Refusal::Rules(RuleRefusal::NotPaused)),
        A::Assign | A::Take | A::Note | A::Resume | A::Letter => Ok(()),
    }
}

/// The rules on extending `r`'s governing deadline that do not depend on by how much.
fn extension(r: &SubjectRequest, rules: &RuleSet, today: NaiveDate) -> Result<(), Refusal> {
    let refuse = |x| Err(Refusal::Rules(x));
    if r.extensions >= rules.extension.max_times {
        return refuse(RuleRefusal::ExtensionsUsed { done: r.extensions, max: rules.extension.max_times });
    }
    let Some(gov) = governing(&r.deadlines) else { return refuse(RuleRefusal::NoBindingDeadline) };
    if today > gov.due_on {
        return refuse(RuleRefusal::DeadlinePassed { due: gov.due_on });
    }
    let Some(rule) = rules.rule(&gov.rule) else {
        return refuse(RuleRefusal::UnknownRule { rule: gov.rule.clone() });
    };
    if rule.extension_max_days.is_none() {
        return refuse(RuleRefusal::RuleNotExtendable { rule: rule.id.clone() });
    }
    let next = r.deadlines.iter().filter(|d| d.binding && d.rule != gov.rule).map(|d| d.due_on).min();
    if let Some(other) = next
        && other <= gov.due_on
    {
        return refuse(RuleRefusal::AnotherDeadlineFirst { due: other });
    }
    Ok(())
}

/// Every action with its answer, in [`RequestAction::ALL`]'s order.
pub(crate) fn actions(
    op: &Operator,
    r: &SubjectRequest,
    rules: &RuleSet,
    today: NaiveDate,
) -> Vec<(RequestAction, Result<(), Refusal>)> {
    RequestAction::ALL.iter().map(|&a| (a, check(op, r, rules, today, a))).collect()
}

impl super::Session {
    /// What this operator may do to `r` now, and why not.
    pub fn permissions(&self, r: &SubjectRequest) -> Vec<(RequestAction, Result<(), Refusal>)> {
        actions(&self.operator, r, &self.rules, self.today())
    }

    /// [`check`] for this operator, today.
    pub fn may(&self, r: &SubjectRequest, action: RequestAction) -> Result<(), Refusal> {
        check(&self.operator, r, &self.rules, self.today(), action)
    }

    /// Refuses, as a service error, when the operator's role may never take `action`.
    pub(crate) fn require_for(&self, action: RequestAction) -> super::Result<()> {
        match check_role(&self.operator, action) {
            Ok(()) => Ok(()),
            Err(_) => Err(Error::Forbidden {
                login: self.operator.login.clone(),
                role: self.operator.role,
                action: action.role_phrase(),
            }),
        }
    }
}

/// [`check`] inside a use case: the refusal as the service's error.
pub(crate) fn enforce(
    op: &Operator,
    r: &SubjectRequest,
    rules: &RuleSet,
    today: NaiveDate,
    action: RequestAction,
) -> super::Result<()> {
    check(op, r, rules, today, action).map_err(|refusal| refusal.into_error(op, r, action))
}

#[cfg(test)]
mod tests;
