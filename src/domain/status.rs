//! Request statuses and the transitions between them (DESIGN §3).

use crate::code_enum;

code_enum!(
    /// Where a request stands. `answered` and `withdrawn` are terminal; overdue and due-soon
    /// are derived from dates and never stored.
    Status, "status" {
        New => "new",
        InProgress => "in_progress",
        AwaitingSubject => "awaiting_subject",
        Answered => "answered",
        Withdrawn => "withdrawn",
    }
);

/// What moves a request from one status to another.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Transition {
    /// A clerk starts work or returns from waiting on the subject.
    StartWork,
    /// Waiting for the subject (documents, identity, clarification).
    AwaitSubject,
    /// The response was recorded.
    Answer,
    /// The subject withdrew the request.
    Withdraw,
    /// A supervisor reopens a closed request, with a reason.
    Reopen,
}

impl Status {
    pub const OPEN: &'static [Status] = &[Status::New, Status::InProgress, Status::AwaitingSubject];

    pub fn is_open(self) -> bool {
        Status::OPEN.contains(&self)
    }

    /// The status reached by `t` from `self`, or `None` when the transition is not allowed.
    pub fn apply(self, t: Transition) -> Option<Status> {
        use Status::{Answered, AwaitingSubject, InProgress, New, Withdrawn};
        use Transition::{Answer, AwaitSubject, Reopen, StartWork, Withdraw};
        match (self, t) {
            (New | AwaitingSubject, StartWork) => Some(InProgress),
            (New | InProgress, AwaitSubject) => Some(AwaitingSubject),
            (New | InProgress | AwaitingSubject, Answer) => Some(Answered),
            (New | InProgress | AwaitingSubject, Withdraw) => Some(Withdrawn),
            (Answered | Withdrawn, Reopen) => Some(InProgress),
            _ => None,
        }
    }

    /// The transition that leads to `target` from `self`, used by `aryz status`.
    pub fn transition_to(self, target: Status) -> Option<Transition> {
        [
            Transition::StartWork,
            Transition::AwaitSubject,
            Transition::Answer,
            Transition::Withdraw,
            Transition::Reopen,
        ]
        .into_iter()
        .find(|t| self.apply(*t) == Some(target))
    }
}

#[cfg(test)]
mod tests {
    use super::Status::*;
    use super::Transition::*;

    #[test]
    fn transition_table() {
        let cases = [
            (New, StartWork, Some(InProgress)),
            (New, AwaitSubject, Some(AwaitingSubject)),
            (New, Answer, Some(Answered)),
            (New, Withdraw, Some(Withdrawn)),
            (New, Reopen, None),
            (InProgress, StartWork, None),
            (InProgress, AwaitSubject, Some(AwaitingSubject)),
            (InProgress, Answer, Some(Answered)),
            (AwaitingSubject, StartWork, Some(InProgress)),
            (AwaitingSubject, AwaitSubject, None),
            (AwaitingSubject, Answer, Some(Answered)),
            (Answered, StartWork, None),
            (Answered, Answer, None),
            (Answered, Withdraw, None),
            (Answered, Reopen, Some(InProgress)),
            (Withdrawn, Reopen, Some(InProgress)),
            (Withdrawn, Answer, None),
        ];
        for (from, t, to) in cases {
            assert_eq!(from.apply(t), to, "{from} --{t:?}-->");
        }
    }

    #[test]
    fn open_and_terminal() {
        assert!(New.is_open() && InProgress.is_open() && AwaitingSubject.is_open());
        assert!(!Answered.is_open() && !Withdrawn.is_open());
        assert_eq!(InProgress.transition_to(AwaitingSubject), Some(AwaitSubject));
        assert_eq!(Answered.transition_to(AwaitingSubject), None);
    }
}
