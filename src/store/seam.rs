//! The storage seam: what every backend provides, and the one face the services see.
//!
//! [`Store`], [`Reader`] and [`Tx`] are what the services, the CLI and the terminal UI hold.
//! Each is an enum over the compiled-in backends (today `SQLite` only), and each operation
//! matches once and calls the backend. Why an enum and not `dyn` trait objects or generic
//! services:
//! - a use case is a closure run inside [`Store::write`]: with a `dyn` store that closure
//!   would need a boxed, type-erased signature, and generic services would carry a backend
//!   type parameter through `Session`, the TUI's `App` and every screen;
//! - the set of backends is closed (chosen at build time by cargo features), so an enum
//!   costs one predictable branch per call, inlined, never one per row; rows come back as
//!   the same [`crate::model`] values whatever the backend;
//! - the compiler's exhaustiveness check names every place a new backend must answer.
//!
//! The traits [`ReadSurface`] and [`WriteSurface`] are the contract: one list of operations
//! (the [`surface!`] invocations below) declares each trait, implements it for `SQLite`, and
//! generates the forwarding methods of [`Reader`] and [`Tx`]. A second backend (`PostgreSQL`)
//! implements the two traits for its reader and transaction, adds a variant to the three
//! enums, and one arm to [`dispatch!`]; services do not change. The conformance suite
//! (`store_tests!` in `conformance.rs`) is then instantiated for it with one line.
//!
//! What stays beside the traits: opening and creating (a backend is chosen by the form of
//! the location), backups and integrity checks, bulk-load tuning (`set_bulk`), which have
//! backend-specific meanings but the same signatures.

use std::path::Path;

use chrono::NaiveDate;

#[cfg(feature = "postgres")]
use super::postgres::{PgReader, PgStore, PgTx, is_postgres_url};
use super::{Result, SqliteReader, SqliteStore, SqliteTx, StoreError, SuspendedTriggers};
use crate::domain::attachment::{Attachment, NewAttachment};
use crate::domain::audit_chain::{AuditHead, AuditProblem};
use crate::domain::calendar::CalendarEntry;
use crate::domain::deadline::Deadline;
use crate::domain::history::History;
use crate::domain::kind::{DataCategory, RequestKind};
use crate::domain::outcome::CategoryAction;
use crate::domain::referral::ResponseDetails;
use crate::domain::request::{NewRequest, Representative, RequestId, SubjectRequest};
use crate::model::{
    Ageing, AssigneeCounts, AssigneeFilter, AuditEntry, AuditFilter, BacklogDay, Counts, DayStats, Event,
    GroupBy, HistoryScope, InitialState, ListFilter, Office, Operator, Page, Registration, ReportRow,
    Similar, SortKey, Verification,
};

/// Runs `$body` with `$b` bound to the backend inside `$e` (a `Reader`, `Tx` or `Store`
/// enum). The one place a new backend adds an arm.
macro_rules! dispatch {
    ($e:expr, $enum:ident, $b:ident => $body:expr) => {
        match $e {
            $enum::Sqlite($b) => $body,
            #[cfg(feature = "postgres")]
            $enum::Pg($b) => $body,
        }
    };
}

/// Declares a surface trait from one list of operations, implements it for the `SQLite`
/// backend (whose inherent methods do the work), and gives the facade the same methods,
/// each forwarding to the backend in use. Operations after `provided:` are written once,
/// here, on top of the required ones (default trait methods): backend-neutral logic that no
/// backend implements or copies. (Their `self` is matched as a token of the invocation, so
/// that their bodies may use it.)
macro_rules! surface {
    (
        $(#[$tm:meta])*
        trait $Trait:ident: $Facade:ident / $Enum:ident / $Sqlite:ident / $Pg:ident {
            $( $(#[$m:meta])* fn $name:ident(&self $(, $arg:ident: $ty:ty)* $(,)?) -> $ret:ty; )*
            $(
                provided:
                $( $(#[$pm:meta])* fn $pname:ident(&$pself:ident $(, $parg:ident: $pty:ty)* $(,)?) -> $pret:ty $pbody:block )*
            )?
        }
    ) => {
        $(#[$tm])*
        pub trait $Trait {
            $( $(#[$m])* fn $name(&self $(, $arg: $ty)*) -> $ret; )*
            $($( $(#[$pm])* fn $pname(&$pself $(, $parg: $pty)*) -> $pret $pbody )*)?
        }

        impl $Trait for $Sqlite<'_> {
            $(
                #[inline]
                fn $name(&self $(, $arg: $ty)*) -> $ret {
                    $Sqlite::$name(self $(, $arg)*)
                }
            )*
        }

        #[cfg(feature = "postgres")]
        impl $Trait for $Pg<'_> {
            $(
                #[inline]
                fn $name(&self $(, $arg: $ty)*) -> $ret {
                    $Pg::$name(self $(, $arg)*)
                }
            )*
        }

        impl $Facade<'_> {
            $(
                $(#[$m])*
                #[inline]
                pub fn $name(&self $(, $arg: $ty)*) -> $ret {
                    #[cfg(debug_assertions)]
                    count_call();
                    dispatch!(&self.0, $Enum, b => $Trait::$name(b $(, $arg)*))
                }
            )*
            $($(
                $(#[$pm])*
                #[inline]
                pub fn $pname(&self $(, $parg: $pty)*) -> $pret {
                    #[cfg(debug_assertions)]
                    count_call();
                    dispatch!(&self.0, $Enum, b => $Trait::$pname(b $(, $parg)*))
                }
            )*)?
        }
    };
}

#[cfg(debug_assertions)]
thread_local! {
    static CALLS: std::cell::Cell<u64> = const { std::cell::Cell::new(0) };
}

/// Debug builds: one more call through the seam on this thread.
#[cfg(debug_assertions)]
fn count_call() {
    CALLS.with(|c| c.set(c.get() + 1));
}

/// Debug builds: how many reads and writes this thread has asked of any store through the
/// seam (each at least one statement), change marks included. The terminal UI's tests use
/// it to prove that an idle refresh asks the change counter and nothing else.
#[cfg(debug_assertions)]
pub fn calls_on_this_thread() -> u64 {
    CALLS.with(std::cell::Cell::get)
}

/// What changes whenever anything is committed to the database, by any process: compared
/// with the last one seen, it tells a screen whether re-reading would show anything new.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ChangeMark(i64, u64);

/// Read access outside a transaction (each statement sees a consistent snapshot), or
/// inside one through [`Tx::read`].
#[derive(Clone, Copy)]
pub struct Reader<'c>(ReaderBackend<'c>);

#[derive(Clone, Copy)]
enum ReaderBackend<'c> {
    Sqlite(SqliteReader<'c>),
    #[cfg(feature = "postgres")]
    Pg(PgReader<'c>),
}

/// Typed writes inside one transaction (see [`Store::write`]).
#[derive(Clone, Copy)]
pub struct Tx<'c>(TxBackend<'c>);

#[derive(Clone, Copy)]
enum TxBackend<'c> {
    Sqlite(SqliteTx<'c>),
    #[cfg(feature = "postgres")]
    Pg(PgTx<'c>),
}

surface! {
    /// Every read a backend answers. Values in and out are [`crate::model`] and
    /// [`crate::domain`] types; a search is the operator's plain text, which the backend
    /// turns into its own syntax.
    trait ReadSurface: Reader / ReaderBackend / SqliteReader / PgReader {
        /// The last entry of the audit chain: its number and hash.
        fn audit_head(&self) -> Result<Option<AuditHead>>;
        /// The chain (checked by [`crate::domain::audit_chain`]), the head kept beside it
        /// and `expect` (a head kept elsewhere), and the records under the chain.
        fn verify_full(&self, expect: Option<&AuditHead>) -> Result<Verification>;
        /// Entries of `aryz audit log`, newest first.
        fn audit_entries(&self, f: &AuditFilter) -> Result<Vec<AuditEntry>>;
        fn calendar_entries(&self) -> Result<Vec<CalendarEntry>>;
        fn calendar_removals(&self) -> Result<Vec<NaiveDate>>;
        /// Per assignee: open, due from `today` to `soon_limit`, and overdue requests, in any
        /// order (see [`ReadSurface::open_counts_by_assignee`]).
        fn assignee_counts(&self, today: NaiveDate, soon_limit: NaiveDate, offices: &[i64]) -> Result<Vec<AssigneeCounts>>;
        fn answer_days(&self, from: NaiveDate, to: NaiveDate, offices: &[i64]) -> Result<Vec<(Option<String>, i64)>>;
        /// The kept daily figures of `offices` added together (every office when empty).
        fn day_stats(&self, from: NaiveDate, to: NaiveDate, offices: &[i64]) -> Result<Vec<DayStats>>;
        fn answered_within(&self, from: NaiveDate, to: NaiveDate, rule: &str, offices: &[i64]) -> Result<i64>;
        /// A request's timeline, oldest first.
        fn events(&self, id: RequestId) -> Result<Vec<Event>>;
        fn schema_version(&self) -> Result<i64>;
        /// The engine's name and version, for `aryz doctor`.
        fn engine_version(&self) -> Result<String>;
        fn references_starting_with(&self, prefix: &str, limit: usize) -> Result<Vec<String>>;
        fn references_of_pin(&self, pin: &str) -> Result<Vec<String>>;
        fn response_details(&self, id: RequestId) -> Result<ResponseDetails>;
        fn operator(&self, login: &str) -> Result<Option<Operator>>;
        fn operators(&self) -> Result<Vec<Operator>>;
        /// Every office, by id (the default office first).
        fn offices(&self) -> Result<Vec<Office>>;
        fn meta(&self, key: &str) -> Result<Option<String>>;
        fn request_by_ref(&self, reference: &str) -> Result<Option<SubjectRequest>>;
        fn request_by_id(&self, id: RequestId) -> Result<Option<SubjectRequest>>;
        /// One keyset page of requests, complete with deadlines and category actions.
        fn list(&self, f: &ListFilter, sort: SortKey, page: &Page) -> Result<Vec<SubjectRequest>>;
        /// One keyset page as a queue shows it (no deadline rows or actions).
        fn list_rows(&self, f: &ListFilter, sort: SortKey, page: &Page) -> Result<Vec<SubjectRequest>>;
        fn count(&self, f: &ListFilter) -> Result<i64>;
        /// Counts up to `cap` (then stops): "1000+" instead of a full count.
        fn count_upto(&self, f: &ListFilter, cap: Option<i64>) -> Result<i64>;
        fn duplicate_of(&self, pin: &str, kind: RequestKind, received: NaiveDate) -> Result<Option<String>>;
        fn retention_due(&self, closed_before: NaiveDate, limit: usize) -> Result<Vec<(RequestId, String)>>;
        /// Calls `f` with the history of every request in `scope`, one at a time.
        fn for_each_history(&self, scope: HistoryScope, as_of: NaiveDate, f: impl FnMut(&History)) -> Result<()>;
        /// Where the kept daily figures differ from a recount.
        fn stats_drift(&self) -> Result<Vec<String>>;
        /// Open and overdue requests of `offices` (every office when empty) at the end of each
        /// day, as the events recorded them.
        fn backlog(&self, from: NaiveDate, to: NaiveDate, offices: &[i64]) -> Result<Vec<BacklogDay>>;
        /// The report's rows for requests received in `[from, to]` as they stood at the end
        /// of `as_of` (what a replay of their events gives), grouped `by`; groups where
        /// nothing counts are left out.
        /// `offices` (ids) keeps it to their requests (every office when empty); grouped by
        /// office, a group is the office's id as text.
        fn report_rows(&self, from: NaiveDate, to: NaiveDate, as_of: NaiveDate, by: GroupBy, offices: &[i64]) -> Result<Vec<ReportRow>>;
        /// Where the kept figures differ from a full replay and a recount.
        fn figures_drift(&self) -> Result<Vec<String>>;
        fn ageing(&self, today: NaiveDate, offices: &[i64]) -> Result<Ageing>;
        /// The files of a request, in the order they were added (issue 15).
        fn attachments(&self, id: RequestId) -> Result<Vec<Attachment>>;
        /// File `n` of a request with its content, checked against its SHA-256.
        fn attachment_content(&self, id: RequestId, n: i64) -> Result<Option<(Attachment, Vec<u8>)>>;
        /// Stored contents that differ from the SHA-256 they are filed under.
        fn blob_problems(&self) -> Result<Vec<String>>;
        fn representative(&self, id: RequestId) -> Result<Option<Representative>>;
        /// The reference of the request `id` was closed as a duplicate of.
        fn duplicate_target(&self, id: RequestId) -> Result<Option<String>>;
        /// References of the requests closed as duplicates of `id`.
        fn duplicates_of(&self, id: RequestId) -> Result<Vec<String>>;
        /// The request a message was registered as, by its Message-ID.
        fn mail_imported(&self, message_id: &str) -> Result<Option<String>>;
        /// Open requests of `pin` and `kind`, and any of `pin` received since `since`.
        fn similar_requests(&self, pin: &str, kind: RequestKind, since: NaiveDate) -> Result<Vec<Similar>>;

        provided:
        /// Open requests of `assignee`, those due from `today` to `soon_limit`, and those
        /// overdue: three [`ReadSurface::count`]s.
        fn counts(&self, today: NaiveDate, soon_limit: NaiveDate, assignee: &AssigneeFilter) -> Result<Counts> {
            let base = ListFilter { assignee: assignee.clone(), ..ListFilter::default() };
            Ok(Counts {
                open: self.count(&base)?,
                due_soon: self.count(&ListFilter { due_from: Some(today), due_to: Some(soon_limit), ..base.clone() })?,
                overdue: self.count(&ListFilter { overdue_as_of: Some(today), ..base })?,
            })
        }
        /// [`ReadSurface::assignee_counts`] ordered by login, unassigned last.
        fn open_counts_by_assignee(&self, today: NaiveDate, soon_limit: NaiveDate, offices: &[i64]) -> Result<Vec<AssigneeCounts>> {
            let mut out = self.assignee_counts(today, soon_limit, offices)?;
            out.sort_by(|a, b| match (&a.assignee, &b.assignee) {
                (None, None) => std::cmp::Ordering::Equal,
                (None, _) => std::cmp::Ordering::Greater,
                (_, None) => std::cmp::Ordering::Less,
                (Some(x), Some(y)) => x.cmp(y),
            });
            Ok(out)
        }
        /// Walks the whole chain: the number of entries and the first problem, if any (the
        /// first problem of [`ReadSurface::verify_full`]).
        fn verify_audit(&self) -> Result<(usize, Option<AuditProblem>)> {
            let v = self.verify_full(None)?;
            Ok((v.entries, v.problems.into_iter().next()))
        }
    }
}

surface! {
    /// Every write a backend performs inside one transaction. Each use case ends with
    /// [`WriteSurface::audit`], which appends the chained entry binding what it changed.
    trait WriteSurface: Tx / TxBackend / SqliteTx / PgTx {
        /// Appends one entry to the audit chain (hash and link from
        /// [`crate::domain::audit_chain`]), binding the records this transaction changed.
        fn audit(&self, at: &str, actor: &str, action: &str, target: &str, detail: &str) -> Result<()>;
        fn put_calendar_entry(&self, e: &CalendarEntry, by: &str, now: &str) -> Result<()>;
        fn remove_calendar_date(&self, date: NaiveDate, why: &str, by: &str, now: &str) -> Result<()>;
        fn delete_deadline(&self, id: RequestId, rule: &str) -> Result<()>;
        fn insert_event(&self, id: RequestId, e: &Event) -> Result<()>;
        fn set_response_details(&self, id: RequestId, d: &ResponseDetails) -> Result<()>;
        fn insert_operator(&self, op: &Operator, now: &str) -> Result<()>;
        fn update_operator(&self, op: &Operator) -> Result<()>;
        /// Adds an office; returns its id.
        fn insert_office(&self, o: &Office, by: &str, now: &str) -> Result<i64>;
        /// Writes every field of office `o.id` but its id.
        fn update_office(&self, o: &Office, by: &str, now: &str) -> Result<()>;
        fn set_meta(&self, key: &str, value: &str) -> Result<()>;
        /// The next reference of `year`'s sequence.
        fn next_reference(&self, year: i32) -> Result<String>;
        /// Inserts a request already in a later state (demo data and history loaded in
        /// bulk: one write per request instead of an insert and an update); returns its id
        /// and reference (the next of its year's sequence).
        fn insert_request_in_state(
            &self,
            new: &NewRequest,
            registered_on: NaiveDate,
            deadlines: &[Deadline],
            assignee: Option<&str>,
            now: &str,
            state: &InitialState,
        ) -> Result<(RequestId, String)>;
        fn put_deadline(&self, id: RequestId, d: &Deadline) -> Result<()>;
        /// Saves `r` if nobody changed it since `r.version` was read, else
        /// [`StoreError::Conflict`]; returns the new version.
        fn update_request(&self, r: &SubjectRequest, now: &str) -> Result<i64>;
        /// Puts a request in another office (a move, saved with `update_request`).
        fn set_request_office(&self, id: RequestId, office: i64) -> Result<()>;
        fn put_actions(&self, id: RequestId, actions: &[(DataCategory, CategoryAction)]) -> Result<()>;
        /// Stops keeping the search index and daily figures current, for a bulk load.
        fn suspend_derived(&self) -> Result<SuspendedTriggers>;
        fn rebuild_derived(&self, suspended: SuspendedTriggers) -> Result<()>;
        fn last_request_id(&self) -> Result<i64>;
        fn restore_derived_after(&self, suspended: SuspendedTriggers, after: i64) -> Result<()>;
        /// Registers a batch of new, unassigned requests: for each in order, what
        /// `insert_request`, `insert_event` of its first event and an `audit` entry
        /// (`register`, its reference, its detail) would write, set-wise where the result is
        /// the same. Returns the references. (`PostgreSQL`: `COPY` of the rows, the same
        /// entries.)
        fn register_batch(&self, batch: &[Registration<'_>], registered_on: NaiveDate, now: &str, actor: &str) -> Result<Vec<String>>;
        fn erase_personal_data(&self, id: RequestId, on: NaiveDate, now: &str) -> Result<()>;
        /// Attaches a file (its content stored once, by SHA-256) as the request's next number.
        fn insert_attachment(&self, id: RequestId, a: &NewAttachment, by: &str, now: &str) -> Result<Attachment>;
        /// Erases a request's files and the contents no request uses any more.
        fn erase_attachments(&self, id: RequestId) -> Result<usize>;
        fn put_representative(&self, id: RequestId, rep: &Representative) -> Result<()>;
        fn erase_representative(&self, id: RequestId) -> Result<()>;
        fn link_duplicate(&self, id: RequestId, of: RequestId) -> Result<()>;
        fn record_mail_import(&self, message_id: &str, id: RequestId, now: &str) -> Result<()>;

        provided:
        /// Inserts a newly registered request with its deadlines; returns its id and reference.
        fn insert_request(
            &self,
            new: &NewRequest,
            registered_on: NaiveDate,
            deadlines: &[Deadline],
            assignee: Option<&str>,
            now: &str,
        ) -> Result<(RequestId, String)> {
            self.insert_request_in_state(new, registered_on, deadlines, assignee, now, &InitialState::default())
        }
    }
}

impl<'c> Tx<'c> {
    /// Reads inside this transaction: they see its own writes.
    pub fn read(&self) -> Reader<'_> {
        match &self.0 {
            TxBackend::Sqlite(b) => Reader(ReaderBackend::Sqlite(b.read())),
            #[cfg(feature = "postgres")]
            TxBackend::Pg(b) => Reader(ReaderBackend::Pg(b.read())),
        }
    }

    fn sqlite(tx: SqliteTx<'c>) -> Tx<'c> {
        Tx(TxBackend::Sqlite(tx))
    }

    #[cfg(feature = "postgres")]
    fn pg(tx: PgTx<'c>) -> Tx<'c> {
        Tx(TxBackend::Pg(tx))
    }
}

/// A connection to one aryz database, on whichever backend holds it.
pub struct Store(StoreBackend);

enum StoreBackend {
    Sqlite(SqliteStore),
    #[cfg(feature = "postgres")]
    Pg(Box<PgStore>),
}

impl Store {
    fn sqlite(s: SqliteStore) -> Store {
        Store(StoreBackend::Sqlite(s))
    }

    /// Opens an existing aryz database, migrating it forward if it is older than the binary.
    pub fn open(path: &Path) -> Result<Store> {
        SqliteStore::open(path).map(Store::sqlite)
    }

    /// Opens an existing database: a SQLite file (encrypted with `key` when one is given),
    /// or a PostgreSQL database when `path` is a `postgres://` URL.
    pub fn open_keyed(path: &Path, key: Option<&str>) -> Result<Store> {
        #[cfg(feature = "postgres")]
        if let Some(url) = postgres_url(path, key)? {
            return PgStore::open(url).map(|s| Store(StoreBackend::Pg(Box::new(s))));
        }
        SqliteStore::open_keyed(path, key).map(Store::sqlite)
    }

    /// The change counter, one cheap statement on both backends: the number of the last audit
    /// entry that is not a read ([`crate::model::READ_ACTIONS`]). Every use case that writes
    /// moves it at its commit; opening a request, a file or an export does not.
    pub fn change_mark(&self) -> Result<ChangeMark> {
        #[cfg(debug_assertions)]
        count_call();
        let (a, b) = dispatch!(&self.0, StoreBackend, s => s.change_mark())?;
        Ok(ChangeMark(a, b))
    }

    /// Whether the connection to the server is known to be broken (never on `SQLite`).
    pub fn connection_lost(&self) -> bool {
        match &self.0 {
            StoreBackend::Sqlite(_) => false,
            #[cfg(feature = "postgres")]
            StoreBackend::Pg(s) => s.connection_lost(),
        }
    }

    /// A new connection to the same database (the terminal UI's second connection, for
    /// reads off its screen thread, and a reconnect after a lost connection). An in-memory
    /// database has no second connection.
    pub fn reopen(&self) -> Result<Store> {
        match &self.0 {
            StoreBackend::Sqlite(s) => match s.path() {
                Some(p) => SqliteStore::open_keyed(p, s.key()).map(Store::sqlite),
                None => Err(StoreError::Missing(std::path::PathBuf::from(":memory:"))),
            },
            #[cfg(feature = "postgres")]
            StoreBackend::Pg(s) => PgStore::open(s.location()).map(|s| Store(StoreBackend::Pg(Box::new(s)))),
        }
    }

    /// Whether this store is on PostgreSQL.
    pub fn is_postgres(&self) -> bool {
        !matches!(self.0, StoreBackend::Sqlite(_))
    }

    /// The schema version this aryz writes on this store's backend.
    pub fn known_schema_version(&self) -> i64 {
        match &self.0 {
            StoreBackend::Sqlite(_) => super::SCHEMA_VERSION,
            #[cfg(feature = "postgres")]
            StoreBackend::Pg(_) => super::postgres::PG_SCHEMA_VERSION,
        }
    }

    /// Creates a new aryz database; refuses to touch an existing file.
    pub fn create(path: &Path) -> Result<Store> {
        SqliteStore::create(path).map(Store::sqlite)
    }

    /// Creates a new database, encrypted with `key` when one is given.
    pub fn create_keyed(path: &Path, key: Option<&str>) -> Result<Store> {
        SqliteStore::create_keyed(path, key).map(Store::sqlite)
    }

    /// Creates a database whole or not at all, with `init` (the first admin, the first
    /// audit entry) run inside it before anyone else can see it.
    pub fn create_with<E: From<StoreError>>(
        path: &Path,
        key: Option<&str>,
        init: impl FnOnce(&Tx<'_>) -> std::result::Result<(), E>,
    ) -> std::result::Result<Store, E> {
        super::refuse_without_postgres(path)?;
        #[cfg(feature = "postgres")]
        if let Some(url) = postgres_url(path, key)? {
            return PgStore::create_with(url, |tx| init(&Tx::pg(*tx)))
                .map(|s| Store(StoreBackend::Pg(Box::new(s))));
        }
        SqliteStore::create_with(path, key, |tx| init(&Tx::sqlite(*tx))).map(Store::sqlite)
    }

    /// A private in-memory database, for tests.
    pub fn in_memory() -> Result<Store> {
        SqliteStore::in_memory().map(Store::sqlite)
    }

    /// A private in-memory copy of a SQLite database, for tests that start many cases from
    /// one built database. PostgreSQL has no in-memory copy.
    pub fn in_memory_copy(&self) -> Result<Store> {
        match &self.0 {
            StoreBackend::Sqlite(s) => s.in_memory_copy().map(Store::sqlite),
            #[cfg(feature = "postgres")]
            StoreBackend::Pg(_) => Err(StoreError::Missing(std::path::PathBuf::from(":memory:"))),
        }
    }

    /// The SQLite file (`None` in memory and on PostgreSQL).
    pub fn path(&self) -> Option<&Path> {
        match &self.0 {
            StoreBackend::Sqlite(s) => s.path(),
            #[cfg(feature = "postgres")]
            StoreBackend::Pg(_) => None,
        }
    }

    /// Runs one use case in one write transaction: all of it happens, with its events and
    /// audit entry, or none of it (an error from `f` rolls everything back).
    #[inline]
    pub fn write<T, E: From<StoreError>>(
        &mut self,
        f: impl FnOnce(&Tx<'_>) -> std::result::Result<T, E>,
    ) -> std::result::Result<T, E> {
        match &mut self.0 {
            StoreBackend::Sqlite(s) => s.write(|tx| f(&Tx::sqlite(*tx))),
            #[cfg(feature = "postgres")]
            StoreBackend::Pg(s) => s.write(|tx| f(&Tx::pg(*tx))),
        }
    }

    /// Read access outside a transaction.
    #[inline]
    pub fn read(&self) -> Reader<'_> {
        match &self.0 {
            StoreBackend::Sqlite(s) => Reader(ReaderBackend::Sqlite(s.read())),
            #[cfg(feature = "postgres")]
            StoreBackend::Pg(s) => Reader(ReaderBackend::Pg(s.read())),
        }
    }

    /// Tunes the connection for a bulk load by one process (demo data); `false` restores.
    pub fn set_bulk(&self, on: bool) {
        #[allow(irrefutable_let_patterns)]
        if let StoreBackend::Sqlite(s) = &self.0 {
            s.set_bulk(on);
        }
    }

    /// A large cache for one bulk write (an import); `false` restores.
    pub fn set_large_cache(&self, on: bool) {
        #[allow(irrefutable_let_patterns)]
        if let StoreBackend::Sqlite(s) = &self.0 {
            s.set_large_cache(on);
        }
    }

    /// Copies the database online into `dest`, a new file.
    pub fn backup_to(&self, dest: &Path) -> Result<()> {
        match &self.0 {
            StoreBackend::Sqlite(s) => s.backup_to(dest),
            #[cfg(feature = "postgres")]
            StoreBackend::Pg(s) => Err(StoreError::Location(crate::msg!(
                "message.pg_backup",
                url = s.location(),
                command = format!("`pg_dump --format=custom --file={} '{}'`", dest.display(), s.location())
            ))),
        }
    }

    /// Copies this SQLite database whole into the empty PostgreSQL database at `url`, in one
    /// transaction; returns the new store and what was copied.
    #[cfg(feature = "postgres")]
    pub fn copy_to_postgres(&self, url: &str) -> Result<(Store, super::postgres::Moved)> {
        match &self.0 {
            StoreBackend::Sqlite(s) => {
                if !is_postgres_url(url) {
                    return Err(StoreError::Location(crate::msg!("message.pg_not_url", url = url)));
                }
                let (pg, moved) = super::postgres::copy_from_sqlite(s, url)?;
                Ok((Store(StoreBackend::Pg(Box::new(pg))), moved))
            }
            StoreBackend::Pg(p) => {
                Err(StoreError::Location(crate::msg!("message.pg_already", url = p.location())))
            }
        }
    }

    /// The engine's own integrity checks; returns the problems found.
    pub fn integrity_problems(&self) -> Result<Vec<String>> {
        dispatch!(&self.0, StoreBackend, s => s.integrity_problems())
    }
}

#[cfg(test)]
impl Store {
    /// The `SQLite` backend underneath, for `SQLite`'s own tests (raw SQL behind aryz's back).
    pub(super) fn as_sqlite(&self) -> &SqliteStore {
        match &self.0 {
            StoreBackend::Sqlite(s) => s,
            #[cfg(feature = "postgres")]
            StoreBackend::Pg(_) => panic!("a SQLite-only test ran on PostgreSQL"),
        }
    }

    /// The plans of the count and first page of `f` (SQLite), for tests of index choice.
    #[cfg(test)]
    pub(crate) fn plans(&self, f: &crate::model::ListFilter, sort: crate::model::SortKey) -> Vec<String> {
        self.as_sqlite().read().plans(f, sort)
    }

    /// Takes the planner's statistics (`ANALYZE`, SQLite), for tests of index choice.
    #[cfg(test)]
    pub(crate) fn analyze(&self) {
        self.as_sqlite().read().analyze();
    }

    /// A store over a `SQLite` connection made by hand (a database of an older schema).
    pub(super) fn from_sqlite(s: SqliteStore) -> Store {
        Store::sqlite(s)
    }
}

/// The URL when `path` names a PostgreSQL database (a SQLCipher key has no meaning there).
#[cfg(feature = "postgres")]
fn postgres_url<'p>(path: &'p Path, key: Option<&str>) -> Result<Option<&'p str>> {
    match path.to_str() {
        Some(url) if is_postgres_url(url) => {
            if key.is_some() {
                return Err(StoreError::Location(crate::msg!("message.pg_key")));
            }
            Ok(Some(url))
        }
        _ => Ok(None),
    }
}
