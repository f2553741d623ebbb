//! Who may do what to a request, now: the one place that answers it. For an operator, a
//! request, the rules in force and today, [`check`] says whether an action is allowed, and
//! if not, why — the operator's role, the request being someone else's, its status, or the
//! deadline rules. The use cases refuse through it (so the command line's refusals follow
//! it) and the terminal UI offers exactly the actions it allows and explains the others
//! with the same reason.
//!
//! Checks run in a fixed order — role, rules for every request (extensions off), assignee,
//! status, rules for this request — so the reason given is the
//! first thing the operator would have to change: a clerk asking to withdraw someone else's
//! request is told withdrawing needs a supervisor, not that the request is in progress.

use chrono::NaiveDate;

use crate::domain::deadline::{RuleSet, governing};
use crate::domain::kind::Role;
use crate::domain::request::SubjectRequest;
use crate::domain::status::{Status, Transition};
use crate::i18n::{label, tf};
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

    /// The verb in the service's English messages ("cannot withdraw a request that is …").
    pub fn verb(self) -> &'static str {
        match self {
            RequestAction::Respond => "answer",
            RequestAction::Assign | RequestAction::Take => "assign",
            RequestAction::ChangeStatus => "change the status of",
            RequestAction::Note => "add notes to",
            RequestAction::Extend => "extend",
            RequestAction::Pause => "pause",
            RequestAction::Resume => "resume",
            RequestAction::Withdraw => "withdraw",
            RequestAction::Reopen => "reopen",
            RequestAction::Letter => "write a letter for",
        }
    }

    /// The verb of a "not yours" refusal ("only they or a supervisor may … it").
    fn not_yours_verb(self) -> &'static str {
        match self {
            RequestAction::Assign | RequestAction::Take => "reassign",
            other => other.verb(),
        }
    }

    /// What a role refusal says may not be done ("operator 'x' (clerk) may not …").
    fn role_phrase(self) -> &'static str {
        match self {
            RequestAction::Assign => "assign requests to others",
            RequestAction::Withdraw => "withdraw requests",
            RequestAction::Reopen => "reopen requests",
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
    /// Not possible in the request's status.
    Status { status: Status },
    /// The deadline rules forbid it.
    Rules(RuleRefusal),
}

impl Refusal {
    /// The refusal in the interface language, for `action` as the operator named it
    /// (e.g. the key's label "Withdraw").
    pub fn text(&self, action: &str) -> String {
        let a: (&str, &dyn std::fmt::Display) = ("action", &action);
        match self {
            Refusal::Role { role, needed } => tf(
                "refusal.role",
                &[a, ("role", &label("role", role.code())), ("needed", &label("role", needed.code()))],
            ),
            Refusal::NotYours { assignee } => tf("refusal.not_yours", &[a, ("assignee", assignee)]),
            Refusal::Status { status } => {
                tf("refusal.status", &[a, ("status", &label("status", status.code()))])
            }
            Refusal::Rules(r) => match r {
                RuleRefusal::ExtensionsOff => tf("refusal.extensions_off", &[a]),
                RuleRefusal::ExtensionsUsed { done, max } => {
                    tf("refusal.extensions_used", &[a, ("done", done), ("max", max)])
                }
                RuleRefusal::DeadlinePassed { due } => {
                    tf("refusal.deadline_passed", &[a, ("due", &crate::domain::format::date_dmy(*due))])
                }
                RuleRefusal::NoBindingDeadline => tf("refusal.no_binding_deadline", &[a]),
                RuleRefusal::UnknownRule { rule } => tf("refusal.unknown_rule", &[a, ("rule", rule)]),
                RuleRefusal::RuleNotExtendable { rule } => {
                    tf("refusal.rule_not_extendable", &[a, ("rule", rule)])
                }
                RuleRefusal::AnotherDeadlineFirst { due } => tf(
                    "refusal.another_deadline_first",
                    &[a, ("due", &crate::domain::format::date_dmy(*due))],
                ),
                RuleRefusal::PausesOff => tf("refusal.pauses_off", &[a]),
                RuleRefusal::AlreadyPaused => tf("refusal.already_paused", &[a]),
                RuleRefusal::NotPaused => tf("refusal.not_paused", &[a]),
                RuleRefusal::AlreadyYours => tf("refusal.already_yours", &[a]),
            },
        }
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
            Refusal::Status { status } => Error::Transition { reference, action: action.verb(), status },
            Refusal::Rules(rule) => Error::NotAllowedByRules(rule_text(&rule, &reference)),
        }
    }
}

/// The command line's English text of a rules refusal.
fn rule_text(rule: &RuleRefusal, reference: &str) -> String {
    match rule {
        RuleRefusal::ExtensionsOff => {
            "extensions are not allowed by the deadline rules in force (rules file: [extension] allowed = false)"
                .into()
        }
        RuleRefusal::ExtensionsUsed { done, max } => {
            format!("{reference}: already extended {done} time(s), the rules allow {max}")
        }
        RuleRefusal::DeadlinePassed { due } => format!(
            "{reference}: the governing deadline {due} has passed; a deadline can be extended only before it ends"
        ),
        RuleRefusal::NoBindingDeadline => format!("{reference} has no binding deadline to extend"),
        RuleRefusal::UnknownRule { rule } => format!("{reference}: rule '{rule}' is not in the rules in force"),
        RuleRefusal::RuleNotExtendable { rule } => {
            format!("{reference}: the governing deadline ({rule}) cannot be extended under the rules in force")
        }
        RuleRefusal::AnotherDeadlineFirst { due } => format!(
            "{reference}: another binding deadline ends {due}, no later than this one; extending would not move the governing deadline"
        ),
        RuleRefusal::PausesOff => {
            "pausing the clock is not allowed by the deadline rules in force (rules file: [pause] allowed = false)"
                .into()
        }
        RuleRefusal::AlreadyPaused => format!("{reference} is already paused"),
        RuleRefusal::NotPaused => format!("{reference} is not paused"),
        RuleRefusal::AlreadyYours => format!("{reference} is already assigned to you"),
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
    check_policy(rules, action).map_err(|rule| Error::NotAllowedByRules(rule_text(&rule, "")))
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
