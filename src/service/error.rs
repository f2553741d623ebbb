//! Errors of the use cases: each names what was wrong in words a clerk understands.

use crate::domain::kind::Role;
use crate::domain::validation::FieldError;
use crate::store::StoreError;

#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error("{0}")]
    Invalid(#[from] FieldError),
    #[error("{0}: no such request")]
    NotFound(String),
    #[error("{reference}: cannot {action} a request that is {status}")]
    Transition { reference: String, action: &'static str, status: crate::domain::status::Status },
    #[error("operator '{login}' ({role}) may not {action}")]
    Forbidden { login: String, role: Role, action: &'static str },
    #[error("{reference} is assigned to '{assignee}'; only they or a supervisor may {action} it")]
    NotYours { reference: String, assignee: String, action: &'static str },
    #[error(
        "operator '{0}' is not known to this database; an admin adds it with `aryz operator add {0} --role clerk`"
    )]
    UnknownOperator(String),
    #[error("operator '{0}' is disabled; an admin re-enables it with `aryz operator add {0} --role ROLE`")]
    DisabledOperator(String),
    #[error("{0}")]
    NotAllowedByRules(String),
    #[error(
        "{reference}: the subject's identity is not verified, and a {outcome} answer to a {kind} request discloses personal data; verify it (--identity-verified-by e_signature|document_presented) or have a supervisor override with a reason (--identity-override REASON)"
    )]
    IdentityNotVerified {
        reference: String,
        kind: crate::domain::kind::RequestKind,
        outcome: crate::domain::outcome::Outcome,
    },
    #[error("{0}")]
    Config(String),
    #[error(transparent)]
    Store(#[from] StoreError),
}

impl From<crate::domain::code::UnknownCode> for Error {
    fn from(e: crate::domain::code::UnknownCode) -> Self {
        Error::Invalid(FieldError {
            field: e.field.to_string(),
            rule: format!("unknown value '{}' (expected one of: {})", e.value, e.allowed),
        })
    }
}

pub type Result<T> = std::result::Result<T, Error>;
