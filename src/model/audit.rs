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
