//! The only place with SQL. `SQLite` through rusqlite: WAL, foreign keys, a busy timeout,
//! ordered migrations, FTS5 search, keyset-paged lists, and a hash-chained audit log.
//!
//! Reads go through [`Store`]; every write goes through [`Store::write`], which runs one
//! use case in one `BEGIN IMMEDIATE` transaction on a [`Tx`]: all of it happens, with its
//! events and audit entry, or none of it.

mod audit;
mod calendar;
mod casefile;
mod dashboard;
mod drift;
mod events;
mod figures;
pub(crate) mod figures_sql;
mod info;
mod letters;
mod messages;
mod migrate;
mod operators;
#[cfg(feature = "postgres")]
pub mod postgres;
mod records;
mod requests;
mod retention;
mod row;
mod seam;
mod stats;

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use rusqlite::{Connection, OpenFlags, TransactionBehavior};

// The values that cross the store's boundary live in `crate::model`. Re-exported here for
// the transition, so code still naming `crate::store::ListFilter` etc. compiles; new code
// imports them from `crate::model`.
pub use crate::model::{
    Ageing, AssigneeCounts, AssigneeFilter, AuditEntry, AuditFilter, AuditHead, AuditProblem, BacklogDay,
    Counts, Cursor, DayStats, Event, EventKind, GroupBy, HistoryScope, InitialState, ListFilter, Operator,
    Page, ReportRow, SortKey, Verification,
};
pub use migrate::SCHEMA_VERSION;
#[cfg(feature = "postgres")]
pub use postgres::{PG_SCHEMA_VERSION, PgReader, PgStore, PgTx, is_postgres_url};
pub use requests::{BULK_ROWS, SuspendedTriggers};
#[cfg(debug_assertions)]
pub use seam::calls_on_this_thread;
pub use seam::{ChangeMark, ReadSurface, Reader, Store, Tx, WriteSurface};

/// `PRAGMA application_id` of an aryz database: "ARYZ" in ASCII.
pub const APPLICATION_ID: i32 = 0x4152_595A;

/// How long a writer waits for another process's transaction before giving up, unless the
/// configuration (`busy_timeout_ms`, or `ARYZ_BUSY_TIMEOUT_MS`) says otherwise.
pub const DEFAULT_BUSY_TIMEOUT: Duration = Duration::from_millis(DEFAULT_BUSY_TIMEOUT_MS);
pub const DEFAULT_BUSY_TIMEOUT_MS: u64 = 5000;

/// This process's busy timeout in milliseconds, set once at start ([`set_busy_timeout`]).
/// Process-wide rather than per `Store`: every connection the process opens waits the same
/// configured time, and a `Busy` error names that time whichever statement met the lock.
static BUSY_TIMEOUT_MS: AtomicU64 = AtomicU64::new(DEFAULT_BUSY_TIMEOUT_MS);

/// Sets how long connections opened from now on wait for another process's lock.
pub fn set_busy_timeout(t: Duration) {
    BUSY_TIMEOUT_MS.store(u64::try_from(t.as_millis()).unwrap_or(u64::MAX), Ordering::Relaxed);
}

/// How long a connection waits for another process's lock before `Busy`.
pub fn busy_timeout() -> Duration {
    Duration::from_millis(BUSY_TIMEOUT_MS.load(Ordering::Relaxed))
}

#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("{0}: no aryz database here; run `aryz init` first")]
    Missing(PathBuf),
    #[error("{0}: an aryz database already exists here")]
    AlreadyExists(PathBuf),
    #[error("{0}: not an aryz database (or an encrypted one opened without its key)")]
    NotAryz(PathBuf),
    #[error("the encryption key does not open this database")]
    WrongKey,
    #[error("this aryz was built without encryption; build it with `--features encryption`")]
    EncryptionUnavailable,
    #[error(
        "the database has schema version {found}, newer than this aryz knows ({known}); use a newer aryz"
    )]
    TooNew { found: i64, known: i64 },
    #[error("the database is locked by another aryz process; gave up after {} s, try again", busy_timeout().as_secs_f64())]
    Busy,
    #[error("{0} was changed by someone else since it was loaded; reload it and try again")]
    Conflict(String),
    #[error("stored data is not valid: {0}")]
    Corrupt(String),
    /// An error of the database engine. Its type stays inside the store: above it, only the
    /// text (for the message and the log) and the kind are seen, whatever the backend.
    #[error("{}", messages::engine_english(.0))]
    Sqlite(BackendError),
    #[error("{path}: {source}")]
    Io { path: PathBuf, source: std::io::Error },
    /// A database location refused or unreachable (a PostgreSQL URL with a password, a
    /// remote server without TLS, a server that does not answer).
    #[error("{0}")]
    Location(crate::i18n::localize::Message),
    /// The connection to a database server broke (the server restarted, an administrator
    /// ended the session, the network went): what was under way may or may not have been
    /// committed, and the connection must be opened again.
    #[error("the connection to the database was lost ({0})")]
    Lost(String),
}

impl From<rusqlite::Error> for StoreError {
    fn from(e: rusqlite::Error) -> Self {
        use rusqlite::ErrorCode;
        match e.sqlite_error_code() {
            Some(ErrorCode::DatabaseBusy | ErrorCode::DatabaseLocked) => StoreError::Busy,
            Some(ErrorCode::NotADatabase) => StoreError::NotAryz(PathBuf::from("database")),
            code => StoreError::Sqlite(BackendError::new(sqlite_kind(code), e)),
        }
    }
}

pub type Result<T> = std::result::Result<T, StoreError>;

/// A database engine's own error, opaque outside the store (no backend type leaks upward):
/// what kind of failure it is, which the message says in the interface language, and the
/// engine's own words, shown after it as they are (they name the table or the constraint).
#[derive(Debug)]
pub struct BackendError {
    kind: EngineKind,
    source: Box<dyn std::error::Error + Send + Sync>,
}

/// What kind of failure an engine error is, whatever the backend: the part of its message
/// that is translated.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EngineKind {
    /// The disk (or the server's) is full.
    DiskFull,
    /// The file, the directory or the role may not be written.
    ReadOnly,
    /// The database file cannot be opened.
    CannotOpen,
    /// Reading or writing the disk failed.
    Io,
    /// The database refused the operation to this login (PostgreSQL's privileges).
    Permission,
    /// The file is damaged.
    Damaged,
    /// A change broke a rule of the schema (a unique key, a check, a foreign key).
    Constraint,
    /// Anything else.
    Other,
}

impl BackendError {
    pub(crate) fn new(
        kind: EngineKind,
        source: impl Into<Box<dyn std::error::Error + Send + Sync>>,
    ) -> BackendError {
        BackendError { kind, source: source.into() }
    }

    pub fn kind(&self) -> EngineKind {
        self.kind
    }
}

impl std::fmt::Display for BackendError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        self.source.fmt(f)
    }
}

impl std::error::Error for BackendError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        self.source.source()
    }
}

/// The due date a request row keeps: its governing deadline's (the domain's rule), which
/// every registration on both backends must have.
pub(crate) fn governing_due(deadlines: &[crate::domain::deadline::Deadline]) -> Result<chrono::NaiveDate> {
    crate::domain::deadline::governing(deadlines)
        .map(|d| d.due_on)
        .ok_or_else(|| StoreError::Corrupt("no binding deadline".into()))
}

/// The kind of a SQLite error, by its primary result code.
fn sqlite_kind(code: Option<rusqlite::ErrorCode>) -> EngineKind {
    use rusqlite::ErrorCode as C;
    match code {
        Some(C::DiskFull) => EngineKind::DiskFull,
        Some(C::ReadOnly) => EngineKind::ReadOnly,
        Some(C::CannotOpen) => EngineKind::CannotOpen,
        Some(C::SystemIoFailure) => EngineKind::Io,
        Some(C::PermissionDenied | C::AuthorizationForStatementDenied) => EngineKind::Permission,
        Some(C::DatabaseCorrupt) => EngineKind::Damaged,
        Some(C::ConstraintViolation) => EngineKind::Constraint,
        _ => EngineKind::Other,
    }
}

impl StoreError {
    /// A short name of the kind of error, safe for the log.
    pub fn kind(&self) -> &'static str {
        match self {
            StoreError::Missing(_) => "missing database",
            StoreError::AlreadyExists(_) => "already exists",
            StoreError::NotAryz(_) => "not an aryz database",
            StoreError::WrongKey => "wrong key",
            StoreError::EncryptionUnavailable => "encryption unavailable",
            StoreError::TooNew { .. } => "database too new",
            StoreError::Busy => "busy",
            StoreError::Conflict(_) => "conflict",
            StoreError::Corrupt(_) => "corrupt",
            StoreError::Sqlite(_) => "sqlite",
            StoreError::Io { .. } => "i/o",
            StoreError::Location(_) => "database location",
            StoreError::Lost(_) => "connection lost",
        }
    }
}

/// Opens the aryz database at `db`: the one door every session, command and check goes
/// through, so that choosing a backend by the form of `db` (a path today; a `postgres://`
/// URL with the second backend) happens in one place.
pub fn open(db: &Path, key: Option<&str>) -> Result<Store> {
    refuse_without_postgres(db)?;
    Store::open_keyed(db, key)
}

/// Whether `db` names a database on a server (a `postgres://` URL) rather than a SQLite
/// file: there is no file to look for, size or back up.
pub fn is_server_location(db: &Path) -> bool {
    db.to_str().is_some_and(|s| s.starts_with("postgres://") || s.starts_with("postgresql://"))
}

/// Prepared statements kept per connection (see [`SqliteStore::configure`]).
const STATEMENT_CACHE: usize = 128;

/// A connection to one aryz database in `SQLite`: the `SQLite` backend behind [`Store`].
pub struct SqliteStore {
    conn: Connection,
    path: Option<PathBuf>,
    /// The `SQLCipher` key of an encrypted database (feature `encryption`).
    key: Option<String>,
    /// Whether this connection's temporary triggers noting touched records exist yet.
    tracking: bool,
}

/// Applies a `SQLCipher` key to a fresh connection, before anything else touches the file.
fn apply_key(conn: &Connection, key: Option<&str>) -> Result<()> {
    let Some(key) = key else { return Ok(()) };
    if !cfg!(feature = "encryption") {
        return Err(StoreError::EncryptionUnavailable);
    }
    if key.is_empty() {
        return Err(StoreError::WrongKey);
    }
    // SQLCipher logs decryption failures to stderr by default; a wrong key is reported as
    // one clear error instead (and nothing may print while the terminal UI is on screen).
    let _ = conn.execute_batch("PRAGMA cipher_log_level = NONE");
    conn.pragma_update(None, "key", key)?;
    Ok(())
}

impl SqliteStore {
    /// Opens an existing aryz database, migrating it forward if it is older than the binary.
    pub fn open(path: &Path) -> Result<SqliteStore> {
        SqliteStore::open_keyed(path, None)
    }

    /// Opens an existing database, encrypted with `key` when one is given.
    pub fn open_keyed(path: &Path, key: Option<&str>) -> Result<SqliteStore> {
        if !path.exists() {
            return Err(StoreError::Missing(path.to_path_buf()));
        }
        let conn = Connection::open_with_flags(
            path,
            OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_NO_MUTEX,
        )?;
        apply_key(&conn, key)?;
        let mut store =
            SqliteStore { conn, path: Some(path.to_path_buf()), key: key.map(String::from), tracking: false };
        // Check before configuring: a foreign file must be left exactly as it was (setting
        // WAL mode would rewrite its header).
        store.conn.busy_timeout(busy_timeout())?;
        store.check_is_aryz().map_err(|e| store.name_error(e))?;
        store.configure().map_err(|e| store.name_error(e))?;
        migrate::migrate(&mut store.conn)?;
        Ok(store)
    }

    /// Creates a new aryz database; refuses to touch an existing file.
    pub fn create(path: &Path) -> Result<SqliteStore> {
        SqliteStore::create_keyed(path, None)
    }

    /// Creates a new database, encrypted with `key` when one is given.
    pub fn create_keyed(path: &Path, key: Option<&str>) -> Result<SqliteStore> {
        SqliteStore::create_with(path, key, |_| Ok(()))
    }

    /// Creates a database whole or not at all: it is built under a temporary name, `init`
    /// (the first admin, the first audit entry) runs in it, and only then is it linked into
    /// place. Another process never sees a half-made database, and of two `init`s racing
    /// for one path exactly one wins; the other is told it already exists.
    pub fn create_with<E: From<StoreError>>(
        path: &Path,
        key: Option<&str>,
        init: impl FnOnce(&SqliteTx<'_>) -> std::result::Result<(), E>,
    ) -> std::result::Result<SqliteStore, E> {
        if path.exists() {
            return Err(match SqliteStore::open_keyed(path, key) {
                Ok(_) => StoreError::AlreadyExists(path.to_path_buf()),
                Err(e) => e,
            }
            .into());
        }
        if key.is_some() && !cfg!(feature = "encryption") {
            return Err(StoreError::EncryptionUnavailable.into());
        }
        let dir = path.parent().filter(|d| !d.as_os_str().is_empty()).unwrap_or(Path::new("."));
        crate::files::create_private_dir(dir)
            .map_err(|source| StoreError::Io { path: dir.to_path_buf(), source })?;
        let name = path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
        let tmp = dir.join(format!(".{name}.{}.creating", std::process::id()));
        let remove = |p: &Path| {
            for suffix in ["", "-wal", "-shm", "-journal"] {
                let mut f = p.as_os_str().to_owned();
                f.push(suffix);
                let _ = std::fs::remove_file(PathBuf::from(f));
            }
        };
        remove(&tmp);
        let built = (|| -> std::result::Result<(), E> {
            let conn = Connection::open(&tmp).map_err(StoreError::from)?;
            restrict_permissions(&tmp);
            apply_key(&conn, key)?;
            let mut store =
                SqliteStore { conn, path: Some(tmp.clone()), key: key.map(String::from), tracking: false };
            store.configure()?;
            migrate::migrate(&mut store.conn)?;
            store.write(init)?;
            // Back to a single file before it is linked into place.
            store.conn.pragma_update(None, "journal_mode", "DELETE").map_err(StoreError::from)?;
            Ok(())
        })();
        let linked = built.and_then(|()| match std::fs::hard_link(&tmp, path) {
            Ok(()) => Ok(()),
            Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => {
                Err(StoreError::AlreadyExists(path.to_path_buf()).into())
            }
            Err(source) => Err(StoreError::Io { path: path.to_path_buf(), source }.into()),
        });
        remove(&tmp);
        linked?;
        Ok(SqliteStore::open_keyed(path, key)?)
    }

    /// A private in-memory database, for tests. Migrating a database from nothing costs far
    /// more than copying one (a lib test run made hundreds of them), so the first call in a
    /// process migrates a template and every call returns a copy of it.
    pub fn in_memory() -> Result<SqliteStore> {
        static TEMPLATE: std::sync::Mutex<Option<SqliteStore>> = std::sync::Mutex::new(None);
        let mut template = TEMPLATE.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        if let Some(t) = template.as_ref() {
            return t.in_memory_copy();
        }
        let conn = Connection::open_in_memory()?;
        let mut store = SqliteStore { conn, path: None, key: None, tracking: false };
        store.configure()?;
        migrate::migrate(&mut store.conn)?;
        let copy = store.in_memory_copy();
        *template = Some(store);
        copy
    }

    /// A private in-memory copy of this database, for tests that start many cases from one
    /// built database (building it, migrations and all, costs far more than the copy).
    pub fn in_memory_copy(&self) -> Result<SqliteStore> {
        let mut conn = Connection::open_in_memory()?;
        rusqlite::backup::Backup::new(&self.conn, &mut conn)?.run_to_completion(
            256,
            Duration::from_millis(5),
            None,
        )?;
        let store = SqliteStore { conn, path: None, key: None, tracking: false };
        store.configure()?;
        Ok(store)
    }

    pub fn path(&self) -> Option<&Path> {
        self.path.as_deref()
    }

    /// The `SQLCipher` key it was opened with.
    pub(crate) fn key(&self) -> Option<&str> {
        self.key.as_deref()
    }

    fn configure(&self) -> Result<()> {
        self.conn.busy_timeout(busy_timeout())?;
        // One registration alone runs more than rusqlite's default of 16 cached statements
        // (the request, its deadlines, event, reference, and the audit entry's rehash of the
        // record across six tables): with 16, each row evicted the statements the next row
        // needed, and an import of 100,000 rows spent most of its time re-parsing SQL.
        self.conn.set_prepared_statement_cache_capacity(STATEMENT_CACHE);
        // WAL lets clerks read while another process writes; NORMAL sync is durable in WAL
        // mode except for the last transactions on power loss, never corrupting.
        // WAL is a property of the file, set when it was created; asking is much cheaper
        // than setting it again on every start.
        let mode: String = self.conn.pragma_query_value(None, "journal_mode", |r| r.get(0))?;
        if !mode.eq_ignore_ascii_case("wal") {
            self.conn.pragma_update(None, "journal_mode", "WAL")?;
        }
        self.conn.pragma_update(None, "synchronous", "NORMAL")?;
        self.conn.pragma_update(None, "foreign_keys", "ON")?;
        Ok(())
    }

    fn check_is_aryz(&self) -> Result<()> {
        let app_id: i32 = self.conn.pragma_query_value(None, "application_id", |r| r.get(0))?;
        if app_id == APPLICATION_ID {
            return Ok(());
        }
        // An empty file is a fresh SQLite database, not someone else's data: still refuse,
        // because `init` is the command that makes databases.
        Err(StoreError::NotAryz(self.path.clone().unwrap_or_default()))
    }

    fn name_error(&self, e: StoreError) -> StoreError {
        match e {
            // With a key, "not a database" means the key does not open it.
            StoreError::NotAryz(_) if self.key.is_some() => StoreError::WrongKey,
            StoreError::NotAryz(_) => StoreError::NotAryz(self.path.clone().unwrap_or_default()),
            other => other,
        }
    }

    /// Runs one use case in one write transaction. `BEGIN IMMEDIATE` takes the write lock up
    /// front, so two processes never both read and then fail to upgrade.
    /// Returning an error from `f` rolls everything back.
    pub fn write<T, E: From<StoreError>>(
        &mut self,
        f: impl FnOnce(&SqliteTx<'_>) -> std::result::Result<T, E>,
    ) -> std::result::Result<T, E> {
        if !self.tracking {
            // Created on the first write only: reads never pay for it.
            self.conn.execute_batch(records::TRACKING_SQL).map_err(StoreError::from)?;
            self.tracking = true;
        }
        let tx =
            self.conn.transaction_with_behavior(TransactionBehavior::Immediate).map_err(StoreError::from)?;
        records::clear_touched(&tx)?;
        let out = f(&SqliteTx { tx: &tx })?;
        // The kept figures of every request this use case touched, in the same transaction.
        figures::refresh_stale(&tx)?;
        tx.commit().map_err(StoreError::from)?;
        Ok(out)
    }

    /// For a bulk load by one process (demo data): a rollback journal instead of WAL (new
    /// pages are not written twice), and a large page cache. Best effort: if another
    /// process holds the database, WAL stays. `false` restores the normal settings.
    pub fn set_bulk(&self, on: bool) {
        if on {
            let _ = self.conn.pragma_update(None, "journal_mode", "DELETE");
            let _ = self.conn.pragma_update(None, "cache_size", -262_144);
        } else {
            let _ = self.conn.pragma_update(None, "cache_size", -2_000);
            let _ = self.conn.pragma_update(None, "journal_mode", "WAL");
        }
    }

    /// A large page cache for one bulk write (an import), keeping WAL: the journal mode is
    /// left alone so readers in other processes carry on. Statement journals (the undo of
    /// one statement inside the transaction) are kept in memory: written to a temporary
    /// file they were a quarter of an import's time. Neither setting touches what reaches
    /// the database file or its WAL. `false` restores the defaults.
    pub fn set_large_cache(&self, on: bool) {
        let _ = self.conn.pragma_update(None, "cache_size", if on { -262_144 } else { -2_000 });
        let _ = self.conn.pragma_update(None, "temp_store", if on { "MEMORY" } else { "DEFAULT" });
    }

    /// The number of the last audit entry that is not a read ([`crate::model::READ_ACTIONS`]):
    /// every use case that writes moves it at its commit (writers take turns, so entries
    /// commit in number order), and opening a request does not.
    pub fn change_mark(&self) -> Result<(i64, u64)> {
        let reads = vec!["?"; crate::model::READ_ACTIONS.len()].join(", ");
        let id: Option<i64> = self
            .conn
            .prepare_cached(&format!(
                "SELECT id FROM audit WHERE action NOT IN ({reads}) ORDER BY id DESC LIMIT 1"
            ))?
            .query_row(rusqlite::params_from_iter(crate::model::READ_ACTIONS), |r| r.get(0))
            .map(Some)
            .or_else(|e| if e == rusqlite::Error::QueryReturnedNoRows { Ok(None) } else { Err(e) })?;
        Ok((id.unwrap_or(0), 0))
    }

    /// Read access outside a transaction (each statement sees a consistent snapshot).
    pub fn read(&self) -> SqliteReader<'_> {
        SqliteReader { conn: &self.conn }
    }

    /// Copies the database online into `dest` (consistent while others write).
    /// The copy is written under a hidden 0600 name and linked at `dest` only when complete:
    /// a failed backup (a full disk) leaves no file to block the retry.
    pub fn backup_to(&self, dest: &Path) -> Result<()> {
        check_backup_target(dest)?;
        let dir = dest.parent().filter(|d| !d.as_os_str().is_empty()).unwrap_or(Path::new("."));
        let io = |source| StoreError::Io { path: dest.to_path_buf(), source };
        let file = crate::files::NewFile::create_named_in(dir).map_err(io)?;
        let partial = file.partial_path().map(Path::to_path_buf).unwrap_or_default();
        {
            let mut out = Connection::open(&partial)?;
            // An encrypted database is copied page by page: the copy takes the same key.
            apply_key(&out, self.key.as_deref())?;
            // No journal beside a file that has no name yet; a failed copy is discarded whole.
            out.pragma_update(None, "journal_mode", "OFF")?;
            let backup = rusqlite::backup::Backup::new(&self.conn, &mut out)?;
            backup.run_to_completion(256, Duration::from_millis(5), None)?;
        }
        file.link(dest).map_err(|e| match e.kind() {
            std::io::ErrorKind::AlreadyExists => StoreError::AlreadyExists(dest.to_path_buf()),
            _ => io(e),
        })
    }

    /// `PRAGMA integrity_check` and `foreign_key_check`; returns the problems found.
    pub fn integrity_problems(&self) -> Result<Vec<String>> {
        let mut out = Vec::new();
        let mut st = self.conn.prepare("PRAGMA integrity_check")?;
        for r in st.query_map([], |r| r.get::<_, String>(0))? {
            let r = r?;
            if r != "ok" {
                out.push(r);
            }
        }
        let mut st = self.conn.prepare("PRAGMA foreign_key_check")?;
        for r in
            st.query_map([], |r| Ok(format!("foreign key broken in table {}", r.get::<_, String>(0)?)))?
        {
            out.push(r?);
        }
        Ok(out)
    }
}

/// `SQLite`'s read-only typed queries; also available inside a write transaction through
/// [`SqliteTx::read`].
#[derive(Clone, Copy)]
pub struct SqliteReader<'c> {
    conn: &'c Connection,
}

/// `SQLite`'s typed writes inside one transaction.
#[derive(Clone, Copy)]
pub struct SqliteTx<'c> {
    tx: &'c rusqlite::Transaction<'c>,
}

impl SqliteTx<'_> {
    pub fn read(&self) -> SqliteReader<'_> {
        SqliteReader { conn: self.tx }
    }
}

/// Refuses a backup target that exists or whose directory does not: checked before
/// anything is done.
pub fn check_backup_target(dest: &Path) -> Result<()> {
    if dest.exists() {
        return Err(StoreError::AlreadyExists(dest.to_path_buf()));
    }
    let dir = dest.parent().filter(|d| !d.as_os_str().is_empty()).unwrap_or(Path::new("."));
    if !dir.is_dir() {
        return Err(StoreError::Io {
            path: dest.to_path_buf(),
            source: std::io::Error::new(std::io::ErrorKind::NotFound, "no such directory"),
        });
    }
    Ok(())
}

/// A `postgres://` URL given to an aryz built without the PostgreSQL backend.
fn refuse_without_postgres(db: &Path) -> Result<()> {
    if !cfg!(feature = "postgres") && is_server_location(db) {
        return Err(StoreError::Location(crate::msg!(
            "message.pg_not_built",
            path = db.display().to_string()
        )));
    }
    Ok(())
}

/// Databases and backups hold personal data: readable by their owner only.
fn restrict_permissions(path: &Path) {
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        // Best effort: the file may sit on a filesystem without Unix permissions.
        let _ = std::fs::set_permissions(path, std::fs::Permissions::from_mode(crate::files::private_mode()));
    }
    #[cfg(not(unix))]
    let _ = path;
}

#[cfg(test)]
#[macro_use]
mod conformance;
#[cfg(test)]
mod tests;
