//! Backend-neutral values the store takes and returns: list filters, cursors and pages,
//! counts, events, audit entries, operators and report figures. They hold no SQL and no
//! backend type, so the services, the terminal UI and the command line use them without
//! knowing which database sits below, and every backend speaks the same values.

mod audit;
mod events;
mod listing;
mod operators;
mod stats;

pub use audit::{AuditEntry, AuditFilter, AuditHead, AuditProblem, READ_ACTIONS, Verification};
pub use events::{Event, EventKind};
pub use listing::{
    AssigneeFilter, Counts, Cursor, InitialState, ListFilter, Page, Registration, Similar, SortKey,
};
pub use operators::{DEFAULT_OFFICE, Office, OfficeScope, Operator};
pub use stats::{Ageing, AssigneeCounts, BacklogDay, DayStats, GroupBy, HistoryScope, ReportRow};
