//! What handling a key asks the app to do. A screen or dialog never calls a use case or
//! touches another screen itself: it changes its own state and returns an [`Effect`], and
//! [`App`](super::app::App) applies it — runs the use case, opens or closes a screen, shows a
//! message. That keeps each screen testable alone and `App` a router.

use crate::domain::outcome::Response;
use crate::domain::request::NewRequest;
use crate::letters::LetterSpec;
use crate::service::StatusTarget;

use super::screens::Screen;
use super::screens::dialog::DialogState;
use super::screens::prompt::Prompt;
use super::screens::queue::{Filters, Section};

/// A use case the operator asked for, with its typed input.
#[derive(Debug, Clone)]
pub enum UseCase {
    Register {
        new: NewRequest,
        assignee: Option<String>,
    },
    Respond {
        reference: String,
        response: Response,
        version: i64,
    },
    Assign {
        reference: String,
        login: String,
        version: i64,
    },
    /// Assigning a request to oneself, straight from the detail.
    Take {
        reference: String,
        version: i64,
    },
    /// The requests marked in the queue, all or none.
    AssignMarked {
        references: Vec<String>,
        login: String,
    },
    Note {
        reference: String,
        text: String,
        to_subject: bool,
    },
    SetStatus {
        reference: String,
        target: StatusTarget,
        reason: String,
        version: i64,
    },
    Withdraw {
        reference: String,
        reason: String,
        version: i64,
    },
    /// Moving a request to another office (`aryz move`).
    MoveOffice {
        reference: String,
        to: String,
        reason: String,
    },
    Reopen {
        reference: String,
        reason: String,
        version: i64,
    },
    Extend {
        reference: String,
        days: u32,
        reason: String,
        version: i64,
    },
    Pause {
        reference: String,
        category: String,
        reason: String,
    },
    Resume {
        reference: String,
    },
    /// A letter: previewed first, and what it lacks asked about before it is saved.
    Letter {
        reference: String,
        spec: LetterSpec,
    },
    /// A letter the clerk was warned about (no delivery address…) and saves anyway.
    SaveLetter {
        reference: String,
        spec: LetterSpec,
    },
    /// Attach the file at `path` (as typed; `~/` is the home folder) to a request.
    Attach {
        reference: String,
        path: std::path::PathBuf,
        kind: crate::domain::attachment::AttachmentKind,
    },
    /// Write file `n` of a request to a new file at `path` (an audited disclosure).
    SaveAttachment {
        reference: String,
        n: i64,
        path: std::path::PathBuf,
    },
    /// Close a request as a duplicate of `original` (supervisors).
    CloseDuplicate {
        reference: String,
        original: String,
        version: i64,
    },
    /// Close the form or dialog on top, throwing away what was typed (and its draft).
    Discard,
    /// Quit, throwing away what was typed in the open forms (and their drafts).
    QuitDiscarding,
    /// Put a kept draft back into the form on top.
    RestoreDraft {
        key: String,
        values: crate::tui::widgets::form::Values,
    },
    /// Delete a kept draft the operator did not want back.
    DropDraft {
        key: String,
    },
}

/// A question before a final or destructive use case.
#[derive(Debug, Clone)]
pub struct Question {
    pub question: String,
    pub details: Vec<String>,
    pub op: UseCase,
    /// Whether "yes" has the focus when the question opens.
    pub yes_focused: bool,
    /// What "no" does beyond closing the question.
    pub on_no: Option<Box<UseCase>>,
}

/// What a key asked for, applied by the app.
#[derive(Debug)]
pub enum Effect {
    /// Nothing beyond the component's own state.
    None,
    Quit,
    /// Run a use case now.
    Run(Box<UseCase>),
    /// Ask first, then run.
    Confirm(Box<Question>),
    /// Close the overlay on top, else the screen on top.
    Close,
    /// A form's cancel: closes it, after asking when it holds typed changes.
    Cancel,
    /// Leave the screen on top.
    Back,
    /// Open a screen above the others.
    Open(Box<Screen>),
    /// Open a request's detail (an audited view of its personal data).
    OpenRequest(String),
    Dialog(Box<DialogState>),
    Prompt(Prompt),
    /// A prompt's text, for the screen under the overlays (or the queue).
    Answer(String),
    /// The queue, in `section` with `filters`, above no other screen.
    ShowQueue {
        filters: Filters,
        section: Section,
    },
    /// Re-read everything, saying so.
    Refresh,
    Batch(Vec<Effect>),
    /// Show the queue with these filters (closing the filter dialog).
    Filter(Filters),
    /// Offer the standard response texts for this kind, outcome and language.
    Canned {
        kind: crate::domain::kind::RequestKind,
        outcome: crate::domain::outcome::Outcome,
        lang: crate::domain::kind::Language,
    },
    /// A line for the status bar; `true` for an error.
    Message(String, bool),
}
