//! The use cases, shared by the terminal UI and the command line. A rule enforced here
//! (role, transition, deadline, audit entry) holds for both. Each use case runs in one store
//! transaction with its events and its audit entry.

mod admin;
pub(crate) mod casefile;
mod clock;
mod dashboard;
pub mod demo;
mod error;
pub mod import;
mod intake;
pub(crate) mod letters;
mod login;
pub(crate) mod offices;
pub(crate) mod permissions;
mod queries;
mod recompute;
mod report;
mod respond;
mod trust;
mod workflow;

use std::path::Path;

use chrono::NaiveDate;

pub use clock::Clock;
pub use clock::env_today;
pub use dashboard::{Caseload, ClerkLine, Dashboard, KindLine, MONTHS, MonthBar, WEEKS, WeekBar};
pub use error::{Error, PRIVILEGES, Result, VERBS};
pub use intake::{RECEIVED_OLD, Registered, old_receipt};
pub use login::{effective_login, os_login};
pub use offices::{OfficeEdit, office_code};
pub use queries::{Detail, RequestView};
pub use recompute::{DeadlineDrift, Drift, RequestDrift};
pub use report::{
    Backlog, Digest, DigestGroup, DigestItem, Report, month_or_date, month_range, months_between,
};
pub use trust::{CheckReport, RetentionReport, last_anchor, parse_head};
pub use workflow::StatusTarget;

use crate::config::Config;
use crate::domain::calendar::Calendar;
use crate::domain::deadline::RuleSet;
use crate::domain::kind::Role;
use crate::domain::outcome::{RefusalGround, default_grounds};
use crate::domain::request::{SubjectRequest, parse_reference};
use crate::model::Operator;
use crate::store::{Store, Tx};

/// Settings the use cases need from the configuration.
#[derive(Debug, Clone)]
pub struct Settings {
    pub due_soon_working_days: u32,
    pub awaiting_subject_days: u32,
    /// Append-only file receiving the audit head after each write (`audit_anchor_file`).
    pub audit_anchor_file: Option<std::path::PathBuf>,
    /// The target "% in time" reports are rated against (red/amber/green).
    pub target_percent_in_time: f64,
    /// The largest file that may be attached to a request, in MB (`attachment_max_mb`).
    pub attachment_max_mb: u64,
}

impl Default for Settings {
    fn default() -> Self {
        Settings {
            due_soon_working_days: 5,
            awaiting_subject_days: 10,
            audit_anchor_file: None,
            target_percent_in_time: 90.0,
            attachment_max_mb: crate::domain::attachment::DEFAULT_MAX_MB,
        }
    }
}

/// An operator's session on one database: who acts, under which rules, on which calendar.
pub struct Session {
    /// Private: everything reaches the database through a use case, which checks the
    /// operator's role and writes the audit entry.
    store: Store,
    pub operator: Operator,
    pub rules: RuleSet,
    pub calendar: Calendar,
    pub grounds: Vec<RefusalGround>,
    /// Bodies a request may be referred to (`bodies.toml` of the config directory, else shipped).
    pub bodies: Vec<crate::domain::referral::ReferralBody>,
    pub clock: Clock,
    pub settings: Settings,
    pub dev_identity: bool,
    /// The offices, as read at the start and after each change of the list or a refresh
    /// (for showing a request's office without a read per frame).
    pub office_list: Vec<crate::model::Office>,
}

/// Meta key marking a database whose operator may be chosen with `ARYZ_OPERATOR`.
pub const DEV_IDENTITY_KEY: &str = "dev_identity";

impl Session {
    /// Opens a session as the OS login (or `ARYZ_OPERATOR` on a `--dev-identity` database).
    pub fn open(db: &Path, config: &Config, rules: RuleSet) -> Result<Session> {
        Session::open_keyed(db, config, rules, None)
    }

    /// Opens a session on a database encrypted with `key` (feature `encryption`).
    pub fn open_keyed(db: &Path, config: &Config, rules: RuleSet, key: Option<&str>) -> Result<Session> {
        let store = crate::store::open(db, key)?;
        crate::startup_trace::mark("database file opened, schema version checked");
        let dev_identity = store.read().meta(DEV_IDENTITY_KEY)?.as_deref() == Some("1");
        let login = login::effective_login(dev_identity)?;
        let offset = config.offset();
        let fixed_today = if dev_identity { clock::env_today()? } else { None };
        let clock = Clock::new(offset, fixed_today);
        let mut session = Session::with_store(store, &login, rules, clock, settings_of(config))?;
        crate::startup_trace::mark("calendar built");
        session.bodies =
            crate::domain::referral::load_bodies(&crate::paths::config_dir()).map_err(Error::Config)?;
        Ok(session)
    }

    /// A session on an open store, as `login`. Refuses unknown and disabled operators.
    pub fn with_store(
        store: Store,
        login: &str,
        rules: RuleSet,
        clock: Clock,
        settings: Settings,
    ) -> Result<Session> {
        let operator = match store.read().operator(login)? {
            Some(op) if op.active => op,
            Some(_) => return Err(Error::DisabledOperator(login.to_string())),
            None => return Err(Error::UnknownOperator(login.to_string())),
        };
        let dev_identity = store.read().meta(DEV_IDENTITY_KEY)?.as_deref() == Some("1");
        crate::startup_trace::mark("operator read");
        let calendar = load_calendar(&store.read())?;
        let office_list = store.read().offices()?;
        Ok(Session {
            office_list,
            store,
            operator,
            rules,
            calendar,
            grounds: default_grounds(),
            bodies: crate::domain::referral::shipped_bodies(),
            clock,
            settings,
            dev_identity,
        })
    }

    /// Ends the session and gives its database back (to open another operator's session
    /// on it, as tests do).
    pub fn into_store(self) -> Store {
        self.store
    }

    /// The database's change counter (one cheap statement): equal to the last one read,
    /// nothing was committed since, by anyone, and re-reading would show nothing new.
    pub fn change_mark(&self) -> Result<crate::store::ChangeMark> {
        Ok(self.store.change_mark()?)
    }

    /// Whether the connection to the database server is known to be broken.
    pub fn connection_lost(&self) -> bool {
        self.store.connection_lost()
    }

    /// The same operator's session on a new connection to the same database, with the same
    /// rules, clock and settings: the terminal UI's reader off its screen thread, and each
    /// reconnect after a lost connection. The operator is checked again (a disabled login
    /// gets no new connection).
    pub fn connect_again(&self) -> Result<Session> {
        let store = self.store.reopen()?;
        let mut s = Session::with_store(
            store,
            &self.operator.login,
            self.rules.clone(),
            self.clock.clone(),
            self.settings.clone(),
        )?;
        s.grounds.clone_from(&self.grounds);
        s.bodies.clone_from(&self.bodies);
        Ok(s)
    }

    /// References starting with `prefix` (shell completion); at most `limit`.
    pub fn reference_candidates(&self, prefix: &str, limit: usize) -> Result<Vec<String>> {
        Ok(self.store.read().references_starting_with(prefix, limit)?)
    }

    pub fn today(&self) -> NaiveDate {
        self.clock.today()
    }

    /// A reference as typed; a short one (`123`, `:123`) is of the office's current year,
    /// as the terminal UI's jump reads it.
    pub fn reference(&self, r: &crate::domain::parse::RefInput) -> String {
        r.resolve(chrono::Datelike::year(&self.today()))
    }

    /// Reloads what another process may have changed: the operator's role and the calendar.
    pub fn refresh(&mut self) -> Result<()> {
        match self.store.read().operator(&self.operator.login)? {
            Some(op) if op.active => self.operator = op,
            Some(_) => return Err(Error::DisabledOperator(self.operator.login.clone())),
            None => return Err(Error::UnknownOperator(self.operator.login.clone())),
        }
        self.calendar = load_calendar(&self.store.read())?;
        self.office_list = self.store.read().offices()?;
        Ok(())
    }

    pub fn role(&self) -> Role {
        self.operator.role
    }

    /// Refuses unless the operator has at least `role`.
    pub(crate) fn require(&self, role: Role, action: &'static str) -> Result<()> {
        if self.operator.role >= role {
            Ok(())
        } else {
            Err(Error::Forbidden { login: self.operator.login.clone(), role: self.operator.role, action })
        }
    }

    /// Loads a request by reference inside a transaction, for `op`: a request of an office
    /// they do not see is refused, saying so.
    pub(crate) fn load(tx: &Tx<'_>, op: &Operator, reference: &str) -> Result<SubjectRequest> {
        let reference = parse_reference(reference)?;
        let r = tx.read().request_by_ref(&reference)?.ok_or(Error::NotFound(reference))?;
        Session::require_office(op, &r)?;
        Ok(r)
    }

    /// A request by reference, for this operator (outside a transaction): a request of an
    /// office they do not see is refused, saying so.
    pub(crate) fn visible(&self, read: &crate::store::Reader<'_>, reference: &str) -> Result<SubjectRequest> {
        let r = read.request_by_ref(reference)?.ok_or_else(|| Error::NotFound(reference.to_string()))?;
        Session::require_office(&self.operator, &r)?;
        Ok(r)
    }

    /// Runs a use case in one transaction.
    pub(crate) fn write<T>(&mut self, f: impl FnOnce(&Tx<'_>, &Ctx<'_>) -> Result<T>) -> Result<T> {
        let ctx = Ctx {
            login: &self.operator.login,
            now: self.clock.now_string(),
            today: self.clock.today(),
            rules: &self.rules,
            calendar: &self.calendar,
        };
        // Opened before the change, so that an anchor file that cannot be written stops the
        // command before anything is committed.
        let mut anchor = match &self.settings.audit_anchor_file {
            Some(path) => Some((trust::open_anchor(path)?, path.clone())),
            None => None,
        };
        let out = self.store.write(|tx| f(tx, &ctx))?;
        if let Some((file, path)) = &mut anchor {
            trust::append_anchor(&self.store, file, path)?;
        }
        Ok(out)
    }
}

/// The calendar of the database at `db` (shipped days with its entries over them), for a
/// command that needs no operator.
pub fn stored_calendar(db: &Path, key: Option<&str>) -> Result<Calendar> {
    load_calendar(&crate::store::open(db, key)?.read())
}

/// The shipped calendar with the database's entries over it and its removed dates taken out.
pub fn load_calendar(read: &crate::store::Reader<'_>) -> Result<Calendar> {
    let mut calendar = Calendar::shipped();
    calendar.extend(read.calendar_entries()?);
    for d in read.calendar_removals()? {
        calendar.remove(d);
    }
    Ok(calendar)
}

/// What a use case needs besides the transaction: who, when, and under which rules.
pub(crate) struct Ctx<'a> {
    pub login: &'a str,
    pub now: String,
    pub today: NaiveDate,
    pub rules: &'a RuleSet,
    pub calendar: &'a Calendar,
}

pub fn settings_of(config: &Config) -> Settings {
    Settings {
        due_soon_working_days: config.due_soon_working_days,
        awaiting_subject_days: config.awaiting_subject_days,
        audit_anchor_file: config.audit_anchor_file.clone(),
        target_percent_in_time: config.target_percent_in_time,
        attachment_max_mb: config.attachment_max_mb,
    }
}

pub use admin::init_database;

#[cfg(test)]
mod tests;
