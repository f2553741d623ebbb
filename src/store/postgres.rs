//! The PostgreSQL backend (issue 14): [`PgStore`], [`PgReader`] and [`PgTx`] behind the
//! same seam as SQLite. One connection per store, like SQLite's; every use case runs in one
//! READ COMMITTED transaction, the audit append serialised by the one `audit_head` row
//! locked `FOR UPDATE`. Dates are ISO text as in SQLite, so records hash to the same bytes
//! and a database moved up from SQLite keeps its chain.
//!
//! Connecting: a `postgres://` URL. A password in it is refused (use `PGPASSWORD` or a
//! pgpass file); TLS is required for any host that is not a Unix socket or loopback.

mod batch;
mod casefile;
mod figures;
mod location;
mod moving;
mod reads;
mod records;
mod tls;
mod writes;

#[doc(hidden)]
pub mod cluster;

use std::cell::{RefCell, RefMut};
use std::collections::{BTreeSet, HashMap};
use std::str::FromStr;

use chrono::NaiveDate;
use postgres::types::ToSql;
use postgres::{Client, Row, Statement};

pub use location::{PgLocation, is_postgres_url};
pub use moving::{Moved, copy as copy_from_sqlite};
pub use tls::{Roots, SslMode, TlsSettings};

use super::{BackendError, Result, StoreError};

/// The PostgreSQL migrations, in order; migration `i` brings the schema to version `i + 1`.
/// Numbered apart from SQLite's: the same schema in each engine's own terms.
const MIGRATIONS: &[&str] = &[
    include_str!("../../migrations/postgres/0001_init.sql"),
    include_str!("../../migrations/postgres/0002_server_rules.sql"),
    include_str!("../../migrations/postgres/0003_request_figures.sql"),
    include_str!("../../migrations/postgres/0004_case_file.sql"),
    include_str!("../../migrations/postgres/0005_audit_in_two_steps.sql"),
    include_str!("../../migrations/postgres/0006_offices.sql"),
    include_str!("../../migrations/postgres/0007_office_figures.sql"),
    include_str!("../../migrations/postgres/0008_audit_in_runs.sql"),
];

/// The schema version this aryz writes on PostgreSQL.
pub const PG_SCHEMA_VERSION: i64 = MIGRATIONS.len() as i64;

/// Key of the advisory lock that serialises migrations (and `init`) across processes: "ARYZ".
const MIGRATION_LOCK: i64 = 0x4152_595A;

/// A parameter of a query.
pub(super) type P<'a> = &'a (dyn ToSql + Sync);

/// Whether `e` means the connection itself is gone: closed, cut at the socket, or ended by
/// the server (class 57P: an administrator's `pg_terminate_backend`, a shutdown; class 08:
/// connection exceptions).
fn is_lost(e: &postgres::Error) -> bool {
    if e.is_closed() {
        return true;
    }
    if let Some(db) = e.as_db_error() {
        let code = db.code().code();
        return code.starts_with("57P") || code.starts_with("08");
    }
    let mut source = std::error::Error::source(e);
    while let Some(s) = source {
        if s.is::<std::io::Error>() {
            return true;
        }
        source = s.source();
    }
    false
}

impl From<postgres::Error> for StoreError {
    fn from(e: postgres::Error) -> Self {
        use postgres::error::SqlState;
        if is_lost(&e) {
            let why = e.as_db_error().map_or_else(|| e.to_string(), |db| db.message().to_string());
            return StoreError::Lost(why);
        }
        if let Some(db) = e.as_db_error() {
            let code = db.code();
            if *code == SqlState::T_R_SERIALIZATION_FAILURE
                || *code == SqlState::T_R_DEADLOCK_DETECTED
                || *code == SqlState::LOCK_NOT_AVAILABLE
                || *code == SqlState::QUERY_CANCELED
            {
                return StoreError::Busy;
            }
        }
        // postgres::Error's own text is only "db error": the server's message, detail and
        // hint are what an operator (and the log) needs.
        let text = match e.as_db_error() {
            Some(db) => {
                let mut t = format!("PostgreSQL: {}", db.message());
                if let Some(d) = db.detail() {
                    t.push_str(&format!(" ({d})"));
                }
                if let Some(h) = db.hint() {
                    t.push_str(&format!("; {h}"));
                }
                t
            }
            None => format!("PostgreSQL: {e}"),
        };
        StoreError::Sqlite(BackendError::new(pg_kind(e.code()), text))
    }
}

/// The kind of a PostgreSQL error, by its SQLSTATE.
fn pg_kind(code: Option<&postgres::error::SqlState>) -> super::EngineKind {
    use super::EngineKind as K;
    use postgres::error::SqlState as S;
    let Some(code) = code else { return K::Other };
    if *code == S::DISK_FULL {
        K::DiskFull
    } else if *code == S::READ_ONLY_SQL_TRANSACTION {
        K::ReadOnly
    } else if *code == S::INVALID_CATALOG_NAME {
        K::CannotOpen
    } else if *code == S::IO_ERROR {
        K::Io
    } else if *code == S::INSUFFICIENT_PRIVILEGE {
        K::Permission
    } else if *code == S::DATA_CORRUPTED || *code == S::INDEX_CORRUPTED {
        K::Damaged
    } else if code.code().starts_with("23") {
        // Class 23: integrity constraint violation (unique, check, foreign key, not null).
        K::Constraint
    } else {
        K::Other
    }
}

/// The connection and its prepared statements.
pub(super) struct Conn {
    client: Client,
    statements: HashMap<String, Statement>,
    /// A statement failed because the connection is gone (see [`is_lost`]).
    lost: bool,
}

impl Conn {
    /// Notes an error that means the connection is gone, and converts it.
    fn seen(&mut self, e: postgres::Error) -> StoreError {
        if is_lost(&e) {
            self.lost = true;
        }
        e.into()
    }

    fn statement(&mut self, sql: &str) -> Result<Statement> {
        if let Some(s) = self.statements.get(sql) {
            return Ok(s.clone());
        }
        let s = self.client.prepare(sql).map_err(|e| self.seen(e))?;
        self.statements.insert(sql.to_string(), s.clone());
        Ok(s)
    }

    pub(super) fn query(&mut self, sql: &str, params: &[P<'_>]) -> Result<Vec<Row>> {
        let st = self.statement(sql)?;
        self.client.query(&st, params).map_err(|e| self.seen(e))
    }

    pub(super) fn query_opt(&mut self, sql: &str, params: &[P<'_>]) -> Result<Option<Row>> {
        let st = self.statement(sql)?;
        self.client.query_opt(&st, params).map_err(|e| self.seen(e))
    }

    pub(super) fn query_one(&mut self, sql: &str, params: &[P<'_>]) -> Result<Row> {
        let st = self.statement(sql)?;
        self.client.query_one(&st, params).map_err(|e| self.seen(e))
    }

    pub(super) fn execute(&mut self, sql: &str, params: &[P<'_>]) -> Result<u64> {
        let st = self.statement(sql)?;
        self.client.execute(&st, params).map_err(|e| self.seen(e))
    }

    /// A query built at run time (a list's filters): not kept among the prepared statements.
    pub(super) fn query_dynamic(&mut self, sql: &str, params: &[P<'_>]) -> Result<Vec<Row>> {
        self.client.query(sql, params).map_err(|e| self.seen(e))
    }

    pub(super) fn batch(&mut self, sql: &str) -> Result<()> {
        self.client.batch_execute(sql).map_err(|e| self.seen(e))
    }
}

/// A borrow of the connection: a re-entrant use (which the store never makes) is an error,
/// never a panic.
pub(super) fn borrow(conn: &RefCell<Conn>) -> Result<RefMut<'_, Conn>> {
    conn.try_borrow_mut()
        .map_err(|_| StoreError::Corrupt("the PostgreSQL connection is already in use by this store".into()))
}

/// A connection to one aryz database on PostgreSQL.
pub struct PgStore {
    conn: RefCell<Conn>,
    /// Records changed by the open transaction (see [`records`]).
    touched: RefCell<BTreeSet<(i64, super::records::Key)>>,
    /// Audit entries of the open transaction, appended at COMMIT (see [`records::flush`]).
    pending: RefCell<Vec<records::Pending>>,
    location: PgLocation,
}

/// Reads, outside a transaction or inside one.
#[derive(Clone, Copy)]
pub struct PgReader<'c> {
    conn: &'c RefCell<Conn>,
    in_tx: bool,
    /// Inside a transaction: its audit entries waiting for COMMIT.
    pending: Option<&'c RefCell<Vec<records::Pending>>>,
}

/// Writes inside one transaction.
#[derive(Clone, Copy)]
pub struct PgTx<'c> {
    conn: &'c RefCell<Conn>,
    touched: &'c RefCell<BTreeSet<(i64, super::records::Key)>>,
    pending: &'c RefCell<Vec<records::Pending>>,
}

impl PgTx<'_> {
    pub fn read(&self) -> PgReader<'_> {
        PgReader { conn: self.conn, in_tx: true, pending: Some(self.pending) }
    }
}

impl PgStore {
    /// Connects to an existing aryz database and migrates it forward.
    pub fn open(url: &str) -> Result<PgStore> {
        let mut store = PgStore::connect(url)?;
        let stale: bool;
        {
            let mut c = borrow(&store.conn)?;
            let exists: bool = get(&c.query_one("SELECT to_regclass('aryz_schema') IS NOT NULL", &[])?, 0)?;
            if !exists {
                return Err(StoreError::Missing(store.location.display().into()));
            }
            migrate(&mut c)?;
            stale = get(&c.query_one("SELECT EXISTS (SELECT 1 FROM figures_stale)", &[])?, 0)?;
        }
        // Figures still to write (a migration's backfill, left by a process that ended
        // before it could replay them): replayed now, in a transaction of their own. Every
        // write replays its own before it commits, so there are usually none, and asking
        // first spares each command a write transaction and the replay function's first
        // call in its new server process.
        if stale {
            store.write(|_| Ok::<_, StoreError>(()))?;
        }
        Ok(store)
    }

    /// Creates the schema in an empty database and runs `init` (the first admin, the first
    /// audit entry) in the same transaction as the last migration's check: whole or nothing.
    pub fn create_with<E: From<StoreError>>(
        url: &str,
        init: impl FnOnce(&PgTx<'_>) -> std::result::Result<(), E>,
    ) -> std::result::Result<PgStore, E> {
        let mut store = PgStore::connect(url)?;
        {
            let mut c = borrow(&store.conn)?;
            c.batch("BEGIN")?;
            let made = (|| -> Result<()> {
                c.query("SELECT pg_advisory_xact_lock($1)", &[&MIGRATION_LOCK])?;
                let taken: bool = get(
                    &c.query_one(
                        "SELECT EXISTS (SELECT 1 FROM pg_catalog.pg_class c
                            JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
                            WHERE n.nspname = current_schema() AND c.relkind IN ('r', 'v', 'p'))",
                        &[],
                    )?,
                    0,
                )?;
                if taken {
                    return Err(StoreError::AlreadyExists(store.location.display().into()));
                }
                c.batch("CREATE TABLE aryz_schema (version bigint PRIMARY KEY, applied_at timestamptz NOT NULL DEFAULT now())")?;
                for (i, sql) in MIGRATIONS.iter().enumerate() {
                    c.batch(sql)?;
                    c.execute("INSERT INTO aryz_schema (version) VALUES ($1)", &[&((i + 1) as i64)])?;
                }
                Ok(())
            })();
            if let Err(e) = made {
                let _ = c.batch("ROLLBACK");
                return Err(e.into());
            }
        }
        let out = {
            let tx = PgTx { conn: &store.conn, touched: &store.touched, pending: &store.pending };
            init(&tx)
        };
        let out = out.and_then(|()| {
            figures::refresh_stale(&store.conn)
                .and_then(|()| records::flush(&store.conn, &store.pending))
                .map_err(E::from)
        });
        store.touched.borrow_mut().clear();
        store.pending.borrow_mut().clear();
        let mut c = borrow(&store.conn)?;
        match out {
            Ok(()) => c.batch("COMMIT")?,
            Err(e) => {
                let _ = c.batch("ROLLBACK");
                return Err(e);
            }
        }
        drop(c);
        store.conn.get_mut().statements.clear();
        Ok(store)
    }

    fn connect(url: &str) -> Result<PgStore> {
        let location = PgLocation::parse(url)?;
        let client = location.connect()?;
        Ok(PgStore {
            conn: RefCell::new(Conn { client, statements: HashMap::new(), lost: false }),
            touched: RefCell::new(BTreeSet::new()),
            pending: RefCell::new(Vec::new()),
            location,
        })
    }

    /// The number of the last audit entry that is not a read ([`crate::model::READ_ACTIONS`]):
    /// every use case that writes moves it at its commit (the head is locked until then, so
    /// entries commit in number order), and opening a request does not. The change counter
    /// the terminal UI's refresh asks before re-reading anything.
    pub fn change_mark(&self) -> Result<(i64, u64)> {
        let reads: &[&str] = &crate::model::READ_ACTIONS;
        let row = borrow(&self.conn)?.query_opt(
            "SELECT id FROM audit WHERE action <> ALL($1::text[]) ORDER BY id DESC LIMIT 1",
            &[&reads],
        )?;
        Ok((row.map(|r| get(&r, 0)).transpose()?.unwrap_or(0), 0))
    }

    /// Whether the connection is closed (the server ended it, or the network broke).
    pub fn connection_lost(&self) -> bool {
        self.conn.try_borrow().is_ok_and(|c| c.lost || c.client.is_closed())
    }

    /// The URL without any secret, for messages.
    pub fn location(&self) -> &str {
        self.location.display()
    }

    pub fn read(&self) -> PgReader<'_> {
        PgReader { conn: &self.conn, in_tx: false, pending: None }
    }

    /// Runs one use case in one READ COMMITTED transaction; an error rolls it all back.
    pub fn write<T, E: From<StoreError>>(
        &mut self,
        f: impl FnOnce(&PgTx<'_>) -> std::result::Result<T, E>,
    ) -> std::result::Result<T, E> {
        self.touched.borrow_mut().clear();
        self.pending.borrow_mut().clear();
        borrow(&self.conn)?.batch("BEGIN ISOLATION LEVEL READ COMMITTED")?;
        let out = f(&PgTx { conn: &self.conn, touched: &self.touched, pending: &self.pending });
        // The kept figures of every request this use case touched, in the same transaction,
        // then its audit entries: the head is locked from here to COMMIT only.
        let out = out.and_then(|v| {
            figures::refresh_stale(&self.conn)
                .and_then(|()| records::flush(&self.conn, &self.pending))
                .map(|()| v)
                .map_err(E::from)
        });
        self.touched.borrow_mut().clear();
        self.pending.borrow_mut().clear();
        let mut c = borrow(&self.conn)?;
        match out {
            Ok(v) => match c.batch("COMMIT") {
                Ok(()) => Ok(v),
                Err(e) => {
                    let _ = c.batch("ROLLBACK");
                    Err(e.into())
                }
            },
            Err(e) => {
                let _ = c.batch("ROLLBACK");
                Err(e)
            }
        }
    }

    /// The server's own checks: what `aryz check` can ask of PostgreSQL (constraints are
    /// enforced on every write, so this looks for invalid indexes).
    pub fn integrity_problems(&self) -> Result<Vec<String>> {
        let rows = borrow(&self.conn)?.query(
            "SELECT c.relname FROM pg_catalog.pg_index i JOIN pg_catalog.pg_class c ON c.oid = i.indexrelid
             JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
             WHERE n.nspname = current_schema() AND NOT i.indisvalid",
            &[],
        )?;
        rows.iter().map(|r| Ok(format!("index {} is not valid", get::<String>(r, 0)?))).collect()
    }
}

/// Applies the migrations this database lacks, each in one transaction under the advisory
/// lock (two processes starting at once do not both migrate).
fn migrate(c: &mut Conn) -> Result<()> {
    let current: i64 = get(&c.query_one("SELECT coalesce(max(version), 0) FROM aryz_schema", &[])?, 0)?;
    if current > PG_SCHEMA_VERSION {
        return Err(StoreError::TooNew { found: current, known: PG_SCHEMA_VERSION });
    }
    for (i, sql) in MIGRATIONS.iter().enumerate().skip(current as usize) {
        c.batch("BEGIN")?;
        let step = (|| -> Result<()> {
            c.query("SELECT pg_advisory_xact_lock($1)", &[&MIGRATION_LOCK])?;
            let now: i64 = get(&c.query_one("SELECT coalesce(max(version), 0) FROM aryz_schema", &[])?, 0)?;
            if now > i as i64 {
                return Ok(());
            }
            c.batch(sql)?;
            c.execute("INSERT INTO aryz_schema (version) VALUES ($1)", &[&((i + 1) as i64)])?;
            Ok(())
        })();
        match step {
            Ok(()) => c.batch("COMMIT")?,
            Err(e) => {
                let _ = c.batch("ROLLBACK");
                return Err(e);
            }
        }
    }
    c.statements.clear();
    Ok(())
}

// ---- Row decoding: every failure is an error naming the column, never a panic. ----

pub(super) fn get<'a, T: postgres::types::FromSql<'a>>(row: &'a Row, i: usize) -> Result<T> {
    row.try_get(i).map_err(|e| {
        let name = row.columns().get(i).map_or_else(|| i.to_string(), |c| c.name().to_string());
        StoreError::Corrupt(format!("column {name}: {e}"))
    })
}

pub(super) fn date(row: &Row, i: usize) -> Result<NaiveDate> {
    let s: String = get(row, i)?;
    parse_date(row, i, &s)
}

pub(super) fn opt_date(row: &Row, i: usize) -> Result<Option<NaiveDate>> {
    match get::<Option<String>>(row, i)? {
        Some(s) => parse_date(row, i, &s).map(Some),
        None => Ok(None),
    }
}

fn parse_date(row: &Row, i: usize, s: &str) -> Result<NaiveDate> {
    s.parse().map_err(|_| {
        let name = row.columns().get(i).map(|c| c.name().to_string()).unwrap_or_default();
        StoreError::Corrupt(format!("column {name}: '{s}' is not a date"))
    })
}

pub(super) fn code<T: FromStr>(row: &Row, i: usize) -> Result<T>
where
    T::Err: std::fmt::Display,
{
    let s: String = get(row, i)?;
    s.parse().map_err(|e| StoreError::Corrupt(format!("column {i}: {e}")))
}

pub(super) fn opt_code<T: FromStr>(row: &Row, i: usize) -> Result<Option<T>>
where
    T::Err: std::fmt::Display,
{
    match get::<Option<String>>(row, i)? {
        Some(s) => s.parse().map(Some).map_err(|e| StoreError::Corrupt(format!("column {i}: {e}"))),
        None => Ok(None),
    }
}

/// A date as it is stored: ISO text.
pub(super) fn ds(d: NaiveDate) -> String {
    d.to_string()
}

pub(super) fn opt_ds(d: Option<NaiveDate>) -> Option<String> {
    d.map(ds)
}
