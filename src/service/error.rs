//! Errors of the use cases: each names what was wrong in words a clerk understands. Each is
//! a catalog key with typed arguments ([`Localize`]), shown in the interface language at
//! the edge; `Display` is its English text.

use crate::domain::kind::Role;
use crate::domain::validation::FieldError;
use crate::i18n::localize::{Arg, Localize, Message};
use crate::msg;
use crate::store::StoreError;

#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error("{0}")]
    Invalid(#[from] FieldError),
    #[error("{}", self.message())]
    NotFound(String),
    /// `action` is a code of the `verb` vocabulary (`withdraw`, `change_status`).
    #[error("{}", self.message())]
    Transition { reference: String, action: &'static str, status: crate::domain::status::Status },
    /// `action` is a code of the `privilege` vocabulary (`manage_operators`).
    #[error("{}", self.message())]
    Forbidden { login: String, role: Role, action: &'static str },
    /// `action` is a code of the `verb` vocabulary.
    #[error("{}", self.message())]
    NotYours { reference: String, assignee: String, action: &'static str },
    /// The request belongs to an office the operator does not see.
    #[error("{}", self.message())]
    OtherOffice { reference: String, login: String },
    /// An office (a code) the operator may not see or choose.
    #[error("{}", self.message())]
    OfficeOutOfScope { login: String, office: String },
    #[error("{}", self.message())]
    UnknownOffice(String),
    #[error("{}", self.message())]
    UnknownOperator(String),
    #[error("{}", self.message())]
    DisabledOperator(String),
    #[error("{0}")]
    NotAllowedByRules(Message),
    /// An answer would disclose personal data to a subject whose identity is not verified.
    #[error("{}", self.message())]
    IdentityNotVerified {
        reference: String,
        kind: crate::domain::kind::RequestKind,
        outcome: crate::domain::outcome::Outcome,
    },
    /// A configuration, file or environment problem.
    #[error("{0}")]
    Config(Message),
    #[error(transparent)]
    Store(#[from] StoreError),
}

impl Error {
    /// The reference of the request someone else saved first, when this is that conflict.
    pub fn conflict(&self) -> Option<&str> {
        match self {
            Error::Store(crate::store::StoreError::Conflict(reference)) => Some(reference),
            _ => None,
        }
    }
}

impl Localize for Error {
    fn message(&self) -> Message {
        match self {
            Error::Invalid(e) => e.message(),
            Error::NotFound(reference) => msg!("message.not_found", reference = reference),
            Error::Transition { reference, action, status } => msg!(
                "message.transition",
                reference = reference,
                action = Arg::term("verb", *action),
                status = Arg::code("status", status.code())
            ),
            Error::Forbidden { login, role, action } => msg!(
                "message.forbidden",
                login = login,
                role = Arg::code("role", role.code()),
                action = Arg::term("privilege", *action)
            ),
            Error::NotYours { reference, assignee, action } => msg!(
                "message.not_yours",
                reference = reference,
                assignee = assignee,
                action = Arg::term("verb", *action)
            ),
            Error::OtherOffice { reference, login } => {
                msg!("message.other_office", reference = reference, login = login)
            }
            Error::OfficeOutOfScope { login, office } => {
                msg!("message.office_out_of_scope", login = login, office = office)
            }
            Error::UnknownOffice(code) => msg!("message.unknown_office", office = code),
            Error::UnknownOperator(login) => msg!("message.unknown_operator", login = login),
            Error::DisabledOperator(login) => msg!("message.disabled_operator", login = login),
            Error::IdentityNotVerified { reference, kind, outcome } => msg!(
                "message.identity_not_verified",
                reference = reference,
                kind = Arg::code("kind", kind.code()),
                outcome = Arg::code("outcome", outcome.code())
            ),
            Error::NotAllowedByRules(m) | Error::Config(m) => m.clone(),
            Error::Store(e) => e.message(),
        }
    }
}

impl From<crate::domain::code::UnknownCode> for Error {
    fn from(e: crate::domain::code::UnknownCode) -> Self {
        Error::Invalid(FieldError { field: e.field.to_string(), rule: e.rule() })
    }
}

/// The codes of the `verb` vocabulary: what a [`Error::Transition`] or [`Error::NotYours`]
/// says cannot be done (every one has a text in each catalog; a test checks).
pub const VERBS: &[&str] = &[
    "answer",
    "assign",
    "reassign",
    "change_status",
    "note",
    "extend",
    "pause",
    "resume",
    "withdraw",
    "reopen",
    "letter",
    "reply_letter",
];

/// The codes of the `privilege` vocabulary: what a role may not do ([`Error::Forbidden`]).
pub const PRIVILEGES: &[&str] = &[
    "register_requests",
    "assign_to_others",
    "export_subject_data",
    "see_every_queue",
    "read_dashboard",
    "compare_deadlines",
    "recompute_deadlines",
    "read_reports",
    "read_digest",
    "export_others",
    "verify_audit",
    "read_audit",
    "check_database",
    "make_backups",
    "apply_retention",
    "import_requests",
    "manage_operators",
    "manage_offices",
    "move_requests",
    "change_calendar",
    "load_demo",
    "withdraw_requests",
    "reopen_requests",
    "override_identity",
    "answer",
    "assign",
    "change_status",
    "note",
    "extend",
    "pause",
    "resume",
    "letter",
];

pub type Result<T> = std::result::Result<T, Error>;

#[cfg(test)]
mod tests {
    use super::*;
    use crate::i18n::Lang;
    use crate::service::permissions::Refusal;

    /// Issue 13: "'aibek' оператору (clerk) 'read the dashboard' аракетин жасай албайт".
    #[test]
    fn a_role_refusal_names_the_role_and_what_is_refused_in_the_language() {
        let e = Error::Forbidden { login: "aibek".into(), role: Role::Clerk, action: "read_dashboard" };
        assert_eq!(e.to_string(), "operator 'aibek' (clerk) may not read the dashboard");
        assert_eq!(
            e.message().render(Lang::Ky),
            "'aibek' операторуна (адис) бул аракетке уруксат жок: жыйынтык панелин көрүү"
        );
        assert_eq!(
            e.message().render(Lang::Ru),
            "оператору 'aibek' (специалист) не разрешено: просмотр сводной панели"
        );
        let refusal = Refusal::Role { role: Role::Clerk, needed: Role::Supervisor };
        let ky = refusal.of("withdraw").message().render(Lang::Ky);
        assert!(ky.contains("«адис»") && ky.contains("«жетекчи»") && !ky.contains("clerk"), "{ky}");
    }

    #[test]
    fn every_verb_and_privilege_reads_in_kyrgyz_and_russian() {
        let term = |vocab: &'static str, code: &str, lang: Lang| {
            msg!("message.plain", text = Arg::term(vocab, code)).render(lang)
        };
        for lang in [Lang::Ky, Lang::Ru] {
            for (vocab, codes) in [("verb", VERBS), ("privilege", PRIVILEGES)] {
                for c in codes {
                    let text = term(vocab, c, lang);
                    assert!(text.chars().any(|ch| ('а'..='я').contains(&ch)), "{lang:?} {vocab}.{c}: {text}");
                    assert_ne!(text, term(vocab, c, Lang::En), "{lang:?} {vocab}.{c}");
                }
            }
        }
    }
}
