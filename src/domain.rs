//! The pure domain: kinds, statuses, transitions, deadlines, calendar, identity validation
//! and outcomes. Knows nothing of SQL, terminals or the clock: "today" is a parameter.

pub mod attachment;
pub(crate) mod audit_chain;
pub mod calendar;
pub(crate) mod code;
pub mod deadline;
pub mod format;
pub(crate) mod history;
pub mod identity;
pub mod kind;
pub mod outcome;
pub(crate) mod parse;
pub(crate) mod pause;
pub mod referral;
pub mod request;
pub mod safe_text;
pub mod status;
pub mod validation;
