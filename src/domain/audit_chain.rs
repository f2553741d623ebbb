//! The audit log's hash chain, whatever stores it. Each entry's hash covers its fields, the
//! state of the records it leaves, and the previous entry's hash, so editing, deleting or
//! inserting an entry behind aryz's back breaks the chain at that entry.
//!
//! Hashing, linking and verifying live here, once: a backend only stores and reads entries
//! in order and keeps the head beside them (and a server backend may compute the same hash
//! in its own language, checked against [`entry_hash`]).

use serde::Serialize;
use sha2::{Digest, Sha256};

/// The `prev_hash` of the first entry.
pub(crate) const GENESIS: &str = "0000000000000000000000000000000000000000000000000000000000000000";

/// The last entry of the chain: what to keep outside the database to catch a cut tail.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct AuditHead {
    pub id: i64,
    pub hash: String,
}

/// `N:HASH`, the form the head takes in the store, in anchor files and on `--expect`.
impl std::fmt::Display for AuditHead {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}:{}", self.id, self.hash)
    }
}

/// A place where the chain (or the records under it) does not hold.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct AuditProblem {
    pub id: i64,
    pub problem: String,
}

/// The fields an entry's hash covers, besides the previous hash.
#[derive(Debug, Clone, Copy)]
pub(crate) struct EntryFields<'a> {
    pub id: i64,
    pub at: &'a str,
    pub actor: &'a str,
    pub action: &'a str,
    pub target: &'a str,
    pub detail: &'a str,
    /// The record state the entry binds (empty in entries written before migration 0008).
    pub state: &'a str,
}

/// The hash of an entry following `prev`, as lower-case hex.
pub(crate) fn entry_hash(prev: &str, e: &EntryFields<'_>) -> String {
    let mut h = Sha256::new();
    // Length-prefixed fields, so that moving text between fields changes the hash.
    let id = e.id.to_string();
    let mut parts = vec![prev, id.as_str(), e.at, e.actor, e.action, e.target, e.detail];
    // Entries written before migration 0008 bound no record state; their hash stays as it was.
    if !e.state.is_empty() {
        parts.push(e.state);
    }
    for part in parts {
        h.update((part.len() as u64).to_le_bytes());
        h.update(part.as_bytes());
    }
    hex(&h.finalize())
}

/// Lower-case hexadecimal of `bytes`.
pub(crate) fn hex(bytes: &[u8]) -> String {
    use std::fmt::Write;
    bytes.iter().fold(String::with_capacity(bytes.len() * 2), |mut s, b| {
        let _ = write!(s, "{b:02x}");
        s
    })
}

/// Where a new entry goes after the chain's last one (`None`: an empty log): its number and
/// the hash it follows.
pub(crate) fn next_link(last: Option<AuditHead>) -> AuditHead {
    match last {
        Some(h) => AuditHead { id: h.id + 1, hash: h.hash },
        None => AuditHead { id: 1, hash: GENESIS.to_string() },
    }
}

/// Verifies a chain fed entry by entry in order (no entry is kept): numbering without
/// gaps, each entry following the previous, each hash matching its content, and optionally
/// a head kept elsewhere.
#[derive(Debug)]
pub(crate) struct ChainCheck<'x> {
    expect: Option<&'x AuditHead>,
    prev: String,
    expected_id: i64,
    entries: usize,
    expected_seen: bool,
    broken: bool,
    problems: Vec<AuditProblem>,
}

/// What [`ChainCheck::finish`] found.
#[derive(Debug, Clone, Default)]
pub(crate) struct ChainVerdict {
    pub entries: usize,
    /// The number of the last entry (0 for an empty log).
    pub last_id: i64,
    /// The last entry's number and hash; `None` for an empty log.
    pub head: Option<AuditHead>,
    pub problems: Vec<AuditProblem>,
}

impl<'x> ChainCheck<'x> {
    /// `expect`: a head kept elsewhere that the chain must contain unchanged.
    pub(crate) fn new(expect: Option<&'x AuditHead>) -> ChainCheck<'x> {
        ChainCheck {
            expect,
            prev: GENESIS.to_string(),
            expected_id: 1,
            entries: 0,
            expected_seen: false,
            broken: false,
            problems: Vec::new(),
        }
    }

    /// The next entry of the log, in order. After the first break only the kept head is
    /// still compared: everything after a break follows from it.
    pub(crate) fn push(&mut self, e: &EntryFields<'_>, prev_hash: &str, hash: &str) {
        self.entries += 1;
        if let Some(x) = self.expect
            && x.id == e.id
        {
            self.expected_seen = true;
            if x.hash != hash {
                self.problems.push(AuditProblem {
                    id: e.id,
                    problem: format!("differs from the head kept elsewhere ({x}): the log was rewritten"),
                });
            }
        }
        if !self.broken {
            let problem = if e.id != self.expected_id {
                Some((self.expected_id, format!("entry {} is missing", self.expected_id)))
            } else if prev_hash != self.prev {
                Some((e.id, "does not follow the previous entry (an entry before it was changed, removed or inserted)".to_string()))
            } else if entry_hash(prev_hash, e) != hash {
                Some((e.id, "its content was changed after it was written".to_string()))
            } else {
                None
            };
            if let Some((id, problem)) = problem {
                self.problems.push(AuditProblem { id, problem });
                self.broken = true;
            }
        }
        self.prev.clear();
        self.prev.push_str(hash);
        self.expected_id = e.id + 1;
    }

    /// Ends the walk. `stored_head`: the head the store recorded with the last append
    /// (`N:HASH`), which catches entries removed from the end.
    pub(crate) fn finish(mut self, stored_head: Option<&str>) -> ChainVerdict {
        let last_id = self.expected_id - 1;
        if self.entries == 0 {
            self.problems.push(AuditProblem {
                id: 1,
                problem: "the log is empty, yet every aryz database starts with its init entry".into(),
            });
        }
        if let Some(head) = stored_head
            && head != format!("{last_id}:{}", self.prev)
        {
            self.problems.push(AuditProblem {
                id: self.expected_id,
                problem: "entries at the end of the log are missing".into(),
            });
        }
        if let Some(x) = self.expect
            && !self.expected_seen
        {
            self.problems.push(AuditProblem {
                id: x.id,
                problem: format!(
                    "is missing: the log ends at entry {last_id}, but the head kept elsewhere is {x}"
                ),
            });
        }
        let head = (self.entries > 0).then_some(AuditHead { id: last_id, hash: self.prev });
        ChainVerdict { entries: self.entries, last_id, head, problems: self.problems }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fields<'a>(id: i64, detail: &'a str, state: &'a str) -> EntryFields<'a> {
        EntryFields {
            id,
            at: "2026-03-02T09:00:00Z",
            actor: "root",
            action: "init",
            target: "",
            detail,
            state,
        }
    }

    /// Builds a valid chain of `n` entries: (fields' detail, prev, hash).
    fn chain(n: i64) -> Vec<(i64, String, String, String)> {
        let mut out = Vec::new();
        let mut last = None;
        for i in 0..n {
            let link = next_link(last.take());
            let detail = format!("entry {i}");
            let hash = entry_hash(&link.hash, &fields(link.id, &detail, "v1 requests=0:00 operators=1:ab"));
            out.push((link.id, detail, link.hash.clone(), hash.clone()));
            last = Some(AuditHead { id: link.id, hash });
        }
        out
    }

    fn verify(
        c: &[(i64, String, String, String)],
        expect: Option<&AuditHead>,
        stored: Option<&str>,
    ) -> ChainVerdict {
        let mut check = ChainCheck::new(expect);
        for (id, detail, prev, hash) in c {
            check.push(&fields(*id, detail, "v1 requests=0:00 operators=1:ab"), prev, hash);
        }
        check.finish(stored)
    }

    /// The hash is fixed: databases written by earlier versions must still verify. These
    /// value was computed outside Rust (Python hashlib) from the documented layout.
    #[test]
    fn entry_hash_is_stable() {
        let old = EntryFields { state: "", ..fields(1, "first", "") };
        assert_eq!(entry_hash(GENESIS, &old), entry_hash_reference(GENESIS, &old));
        let new = fields(2, "second", "v1 requests=1:0f operators=1:aa");
        assert_eq!(entry_hash("abc", &new), entry_hash_reference("abc", &new));
        assert_eq!(
            entry_hash(GENESIS, &old),
            "2aa189730a481a6f00abeb8cae17512fe7a28c95d9255af44450d398c3ddb537",
            "the hash of an entry written before migration 0008"
        );
    }

    /// The layout spelled out independently: u64 little-endian length, then the bytes.
    fn entry_hash_reference(prev: &str, e: &EntryFields<'_>) -> String {
        let mut bytes = Vec::new();
        let id = e.id.to_string();
        for part in [prev, &id, e.at, e.actor, e.action, e.target, e.detail]
            .into_iter()
            .chain((!e.state.is_empty()).then_some(e.state))
        {
            bytes.extend_from_slice(&(part.len() as u64).to_le_bytes());
            bytes.extend_from_slice(part.as_bytes());
        }
        hex(&Sha256::digest(&bytes))
    }

    #[test]
    fn moving_text_between_fields_changes_the_hash() {
        let a = EntryFields { actor: "ab", action: "c", ..fields(1, "", "") };
        let b = EntryFields { actor: "a", action: "bc", ..fields(1, "", "") };
        assert_ne!(entry_hash(GENESIS, &a), entry_hash(GENESIS, &b));
    }

    #[test]
    fn a_valid_chain_verifies_and_names_its_head() {
        let c = chain(4);
        let head = AuditHead { id: 4, hash: c[3].3.clone() };
        let v = verify(&c, Some(&AuditHead { id: 2, hash: c[1].3.clone() }), Some(&head.to_string()));
        assert!(v.problems.is_empty(), "{:?}", v.problems);
        assert_eq!((v.entries, v.last_id, v.head), (4, 4, Some(head)));
    }

    #[test]
    fn edits_removals_and_a_cut_tail_are_found_where_they_are() {
        let c = chain(5);
        let stored = AuditHead { id: 5, hash: c[4].3.clone() }.to_string();
        let mut edited = c.clone();
        edited[2].1 = "rewritten".into();
        assert_eq!(verify(&edited, None, Some(&stored)).problems[0].id, 3);
        let mut removed = c.clone();
        removed.remove(1);
        let p = &verify(&removed, None, Some(&stored)).problems[0];
        assert_eq!((p.id, p.problem.as_str()), (2, "entry 2 is missing"));
        let cut = &c[..3];
        let v = verify(cut, None, Some(&stored));
        assert_eq!(v.problems.len(), 1);
        assert_eq!(v.problems[0].problem, "entries at the end of the log are missing");
        let kept = AuditHead { id: 5, hash: c[4].3.clone() };
        assert!(verify(cut, Some(&kept), None).problems[0].problem.starts_with("is missing"));
        assert_eq!(verify(&[], None, None).problems[0].id, 1, "an empty log is a problem");
    }
}
