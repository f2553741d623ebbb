//! The timeline of a request: one event per change.

use serde::Serialize;

use crate::code_enum;

code_enum!(
    /// What an event records. Internal notes and messages to the subject are distinct kinds.
    EventKind, "event" {
        Created => "created",
        StatusChanged => "status_changed",
        Assigned => "assigned",
        Note => "note",
        Message => "message",
        DeadlineChanged => "deadline_changed",
        Paused => "paused",
        Resumed => "resumed",
        Responded => "responded",
        Withdrawn => "withdrawn",
        Reopened => "reopened",
        Letter => "letter",
        Erased => "erased",
        IdentityVerified => "identity_verified",
        Attached => "attached",
        Linked => "linked",
        Moved => "moved",
    }
);

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Event {
    pub at: String,
    pub actor: String,
    pub kind: EventKind,
    pub old: Option<String>,
    pub new: Option<String>,
    pub text: String,
    /// The date the operator entered, when the event takes effect on another day than it
    /// was recorded (a backdated answer); `at` keeps the real time.
    pub effective_on: Option<String>,
}

impl Event {
    pub fn new(kind: EventKind, actor: &str, at: &str) -> Event {
        Event {
            at: at.to_string(),
            actor: actor.to_string(),
            kind,
            old: None,
            new: None,
            text: String::new(),
            effective_on: None,
        }
    }

    #[must_use]
    pub fn change(mut self, old: Option<impl Into<String>>, new: Option<impl Into<String>>) -> Event {
        self.old = old.map(Into::into);
        self.new = new.map(Into::into);
        self
    }

    #[must_use]
    pub fn text(mut self, text: impl Into<String>) -> Event {
        self.text = text.into();
        self
    }

    #[must_use]
    pub fn effective_on(mut self, day: chrono::NaiveDate) -> Event {
        self.effective_on = Some(day.to_string());
        self
    }
}
