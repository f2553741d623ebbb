//! The audit log as read: its entries, its head, and what verification found.

use serde::Serialize;

// The chain's own values, from the domain where its logic lives.
pub use crate::domain::audit_chain::{AuditHead, AuditProblem};

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct AuditEntry {
    pub id: i64,
    pub at: String,
    pub actor: String,
    pub action: String,
    pub target: String,
    pub detail: String,
    #[serde(skip)]
    pub prev_hash: String,
    #[serde(skip)]
    pub hash: String,
}

/// The audit actions that record a read and change nothing: a disclosure of personal data
/// (opening a request or a file, an export, a subject's export) and its end. The change mark
/// of the terminal UI's refresh (`Store::change_mark`) passes over them, so that opening a
/// request does not make every screen re-read. An action missing here only costs a re-read;
/// an action that writes must never be here.
pub const READ_ACTIONS: [&str; 12] = [
    "view",
    "view_completed",
    "view_interrupted",
    "attachment_view",
    "attachment_view_completed",
    "attachment_view_interrupted",
    "export",
    "export_completed",
    "export_interrupted",
    "subject_export",
    "subject_export_completed",
    "subject_export_interrupted",
];

/// Everything `aryz audit verify` found: the chain, the records, the expected head.
#[derive(Debug, Clone, Default, Serialize)]
pub struct Verification {
    pub entries: usize,
    pub head: Option<AuditHead>,
    pub problems: Vec<AuditProblem>,
}

/// Filter of `aryz audit log`.
#[derive(Debug, Clone, Default)]
pub struct AuditFilter {
    pub target: Option<String>,
    pub actor: Option<String>,
    pub since: Option<String>,
    pub limit: usize,
}
