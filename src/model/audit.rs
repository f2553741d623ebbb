//! The audit log as read: its entries, its head, and what verification found.

use serde::Serialize;

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

/// The first place where the chain does not hold.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct AuditProblem {
    pub id: i64,
    pub problem: String,
}

/// The last entry of the chain: what to keep outside the file to catch a cut tail.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct AuditHead {
    pub id: i64,
    pub hash: String,
}

impl std::fmt::Display for AuditHead {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}:{}", self.id, self.hash)
    }
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
