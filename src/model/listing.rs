//! What a list of requests asks for and gets back: filters, sort keys, keyset cursors,
//! pages and counts; and the state a request is inserted in.

use chrono::NaiveDate;
use serde::Serialize;

use crate::domain::kind::{Channel, RequestKind};
use crate::domain::outcome::CategoryAction;
use crate::domain::request::SubjectRequest;
use crate::domain::status::Status;

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub enum AssigneeFilter {
    #[default]
    Any,
    Is(String),
    Unassigned,
}

/// Which requests a list shows. Empty vectors mean "any"; no statuses means "open ones".
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ListFilter {
    pub statuses: Vec<Status>,
    pub kinds: Vec<RequestKind>,
    pub channels: Vec<Channel>,
    /// Only requests of these offices (ids); every office when empty. The service narrows
    /// it to the operator's own office for one who sees only that.
    pub offices: Vec<i64>,
    pub assignee: AssigneeFilter,
    /// Only requests overdue as of this date.
    pub overdue_as_of: Option<NaiveDate>,
    pub due_from: Option<NaiveDate>,
    pub due_to: Option<NaiveDate>,
    pub received_from: Option<NaiveDate>,
    pub received_to: Option<NaiveDate>,
    /// Words searched in reference, subject name, PIN and description: plain text as
    /// typed; each backend turns it into its own query syntax.
    pub search: Option<String>,
    pub pin: Option<String>,
    /// Every status (open and closed) when no statuses are named.
    pub all_statuses: bool,
    /// Only requests awaiting the subject since before this date (the last change of status
    /// into `awaiting_subject`).
    pub awaiting_since_before: Option<NaiveDate>,
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum SortKey {
    /// Most urgent first: binding due date, then registration order.
    #[default]
    Due,
    /// Newest received first.
    Received,
    /// By reference.
    Reference,
    /// Most recently closed first.
    Closed,
}

/// Position in a list: the sort key and id of a row (keyset pagination).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Cursor {
    pub key: String,
    pub id: i64,
}

impl Cursor {
    pub fn of(r: &SubjectRequest, sort: SortKey) -> Cursor {
        let key = match sort {
            SortKey::Due => r.due_on.to_string(),
            SortKey::Received => r.received_on.to_string(),
            SortKey::Reference => r.reference.clone(),
            SortKey::Closed => r.closed_on.map(|d| d.to_string()).unwrap_or_default(),
        };
        Cursor { key, id: r.id.0 }
    }
}

/// One page: rows after `after` (or before `before`, for paging back), at most `limit`.
#[derive(Debug, Clone, Default)]
pub struct Page {
    pub after: Option<Cursor>,
    pub before: Option<Cursor>,
    pub limit: usize,
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct Counts {
    pub open: i64,
    pub due_soon: i64,
    pub overdue: i64,
}

/// The state a request is inserted in: `new` for a registration, later ones for bulk loads.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InitialState {
    pub status: Status,
    pub outcome: Option<crate::domain::outcome::Outcome>,
    pub ground: Option<String>,
    pub responded_on: Option<NaiveDate>,
    pub closed_on: Option<NaiveDate>,
    pub actions: Vec<(crate::domain::kind::DataCategory, CategoryAction)>,
}

impl Default for InitialState {
    fn default() -> Self {
        InitialState {
            status: Status::New,
            outcome: None,
            ground: None,
            responded_on: None,
            closed_on: None,
            actions: vec![],
        }
    }
}

/// A request that a new one may duplicate (same PIN): what a warning names.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Similar {
    #[serde(rename = "ref")]
    pub reference: String,
    pub kind: crate::domain::kind::RequestKind,
    pub status: crate::domain::status::Status,
    pub received_on: chrono::NaiveDate,
}

/// One request of a batch registered in one go ([`crate::store::Tx::register_batch`]): what
/// registering it alone writes, so that the batch leaves exactly the rows (references,
/// deadlines, first event, one audit entry each) that registering them one by one would.
#[derive(Debug, Clone)]
pub struct Registration<'a> {
    pub new: &'a crate::domain::request::NewRequest,
    pub deadlines: &'a [crate::domain::deadline::Deadline],
    /// The request's first event, written right after it.
    pub created: super::Event,
    /// The detail of its own audit entry (action `register`, target its reference).
    pub audit_detail: String,
}
