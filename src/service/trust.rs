//! Proving who did what: audit verification and listing, database checks, backups, and
//! retention of request records.

use std::path::Path;

use chrono::{Datelike, NaiveDate};
use serde::Serialize;

use crate::domain::kind::Role;
use crate::model::{AuditEntry, AuditFilter, AuditHead, AuditProblem, Event, EventKind, Verification};
use crate::store::Store;

use super::{Error, Result, Session};

#[derive(Debug, Clone, Serialize)]
pub struct CheckReport {
    pub integrity: Vec<String>,
    pub audit_entries: usize,
    pub audit_problem: Option<AuditProblem>,
    /// Every problem of the chain and the records (the first one is `audit_problem`).
    pub audit_problems: Vec<AuditProblem>,
    /// The last entry: keep it elsewhere, and give it to `aryz audit verify --expect`.
    pub audit_head: Option<AuditHead>,
    /// Calendar data running out or unconfirmed ahead (issue 10).
    pub calendar: Vec<crate::domain::calendar::CalendarProblem>,
}

impl CheckReport {
    pub fn ok(&self) -> bool {
        self.integrity.is_empty() && self.audit_problem.is_none() && self.calendar.is_empty()
    }
}

/// What `aryz migrate --to` copied and verified.
#[cfg(feature = "postgres")]
#[derive(Debug, Clone, Serialize)]
pub struct MoveReport {
    pub moved: crate::store::postgres::Moved,
    /// Entries of the chain verified on the target (the move's own entry comes after them).
    pub verified_entries: usize,
    /// The source's head, found unchanged in the target's chain.
    pub head: Option<AuditHead>,
}

#[derive(Debug, Clone, Serialize)]
pub struct RetentionReport {
    pub closed_before: NaiveDate,
    pub erased: Vec<String>,
    pub dry_run: bool,
}

impl Session {
    /// Walks the audit chain: the number of entries and the first problem, if any.
    pub fn verify_audit(&self) -> Result<(usize, Option<AuditProblem>)> {
        self.require(Role::Supervisor, "verify_audit")?;
        Ok(self.store.read().verify_audit()?)
    }

    /// The chain and the records, and optionally a head kept elsewhere (`--expect N:HASH`).
    pub fn verify_full(&self, expect: Option<&AuditHead>) -> Result<Verification> {
        self.require(Role::Supervisor, "verify_audit")?;
        self.require_every_office_for("verify_audit")?;
        Ok(self.store.read().verify_full(expect)?)
    }

    /// The head of the audit log (number and hash of the last entry), to keep elsewhere.
    /// Not personal data: any operator may read it.
    pub fn audit_head(&self) -> Result<Option<AuditHead>> {
        Ok(self.store.read().audit_head()?)
    }

    pub fn audit_log(&self, filter: &AuditFilter) -> Result<Vec<AuditEntry>> {
        self.require(Role::Supervisor, "read_audit")?;
        Ok(self.store.read().audit_entries(filter)?)
    }

    /// Integrity check, foreign-key check and audit verification together.
    pub fn check(&self) -> Result<CheckReport> {
        self.require(Role::Supervisor, "check_database")?;
        self.require_every_office_for("check_database")?;
        let mut integrity = self.store.integrity_problems()?;
        integrity.extend(self.store.read().stats_drift()?);
        integrity.extend(self.store.read().figures_drift()?);
        let v = self.store.read().verify_full(None)?;
        let calendar = self.calendar.problems_ahead(self.today());
        Ok(CheckReport {
            integrity,
            audit_entries: v.entries,
            audit_problem: v.problems.first().cloned(),
            audit_problems: v.problems,
            audit_head: v.head,
            calendar,
        })
    }

    /// An online backup, consistent while others write; recorded in the audit log.
    pub fn backup(&mut self, dest: &Path) -> Result<()> {
        self.require(Role::Admin, "make_backups")?;
        crate::store::check_backup_target(dest)?;
        self.store.backup_to(dest)?;
        let name = dest.display().to_string();
        self.write(|tx, ctx| {
            tx.audit(&ctx.now, ctx.login, "backup", &name, "")?;
            Ok(())
        })
    }

    /// Copies this SQLite database whole into the empty PostgreSQL database at `url` (admin),
    /// then verifies the chain there against this database's head, and records the move in
    /// both logs. A target that is not empty is refused before anything is written.
    #[cfg(feature = "postgres")]
    pub fn move_up(&mut self, url: &str) -> Result<MoveReport> {
        self.require(Role::Admin, "copy the database to PostgreSQL")?;
        let head = self.store.read().audit_head()?;
        let (mut target, moved) = self.store.copy_to_postgres(url)?;
        let v = target.read().verify_full(head.as_ref())?;
        if let Some(p) = v.problems.first() {
            return Err(Error::Config(crate::msg!(
                "message.pg_chain",
                url = url,
                id = p.id,
                problem = p.problem.clone()
            )));
        }
        let source = self.store.path().map(|p| p.display().to_string()).unwrap_or_default();
        let detail = format!("{} requests, {} audit entries", moved.requests, moved.audit_entries);
        let (now, login) = (self.clock.now_string(), self.operator.login.clone());
        target.write(|tx| tx.audit(&now, &login, "moved_up_from", &source, &detail))?;
        self.write(|tx, ctx| {
            tx.audit(&ctx.now, ctx.login, "moved_up_to", url, &detail)?;
            Ok(())
        })?;
        Ok(MoveReport { moved, verified_entries: v.entries, head })
    }

    /// Puts a disclosure of personal data on record before any of it leaves: an entry in its
    /// own committed transaction. Returns the entry's number; [`Session::end_disclosure`]
    /// records how it ended (an entry left without an end was killed mid-way).
    pub fn begin_disclosure(&mut self, action: &str, target: &str, detail: &str) -> Result<i64> {
        self.write(|tx, ctx| {
            tx.audit(&ctx.now, ctx.login, action, target, detail)?;
            Ok(tx.read().audit_head()?.map_or(0, |h| h.id))
        })
    }

    /// Records the end of the disclosure begun by entry `started`: `{action}_completed`, or
    /// `{action}_interrupted` with the reason (a closed pipe, a full disk…).
    pub fn end_disclosure(
        &mut self,
        started: i64,
        action: &str,
        target: &str,
        outcome: std::result::Result<String, String>,
    ) -> Result<()> {
        let (what, detail) = match outcome {
            Ok(d) => ("completed", format!("entry {started}: {d}")),
            Err(e) => ("interrupted", format!("entry {started}: {e}")),
        };
        let action = format!("{action}_{what}");
        self.write(|tx, ctx| {
            tx.audit(&ctx.now, ctx.login, &action, target, &detail)?;
            Ok(())
        })
    }

    /// Erases the personal fields of requests closed more than `years` years ago. Each
    /// erasure is an event and an audit entry; the report figures do not change.
    pub fn retention(&mut self, years: u32, dry_run: bool) -> Result<RetentionReport> {
        self.require(Role::Admin, "apply_retention")?;
        if !(1..=100).contains(&years) {
            return Err(Error::Invalid(crate::domain::validation::field_error(
                "years",
                crate::msg!("message.between", min = 1u32, max = 100u32),
            )));
        }
        let today = self.today();
        // "More than N years ago": closed before this day N years back (28.02 for a 29.02).
        let y = today.year() - years as i32;
        let closed_before =
            today.with_year(y).or_else(|| NaiveDate::from_ymd_opt(y, today.month(), 28)).unwrap_or(today);
        let mut erased = Vec::new();
        loop {
            // A batch per transaction keeps each one short while other clerks work.
            // A dry run lists everything; a real run works in batches.
            let due =
                self.store.read().retention_due(closed_before, if dry_run { usize::MAX / 2 } else { 500 })?;
            if due.is_empty() || dry_run {
                erased.extend(due.into_iter().map(|(_, r)| r));
                break;
            }
            self.write(|tx, ctx| {
                for (id, reference) in &due {
                    tx.erase_personal_data(*id, ctx.today, &ctx.now)?;
                    // The case file goes too: its files and the representative's details.
                    tx.erase_attachments(*id)?;
                    tx.erase_representative(*id)?;
                    tx.insert_event(
                        *id,
                        &Event::new(EventKind::Erased, ctx.login, &ctx.now)
                            .text(format!("retention: closed more than {years} years ago")),
                    )?;
                    tx.audit(&ctx.now, ctx.login, "erase", reference, &format!("retention {years} years"))?;
                }
                Ok(())
            })?;
            erased.extend(due.into_iter().map(|(_, r)| r));
        }
        Ok(RetentionReport { closed_before, erased, dry_run })
    }
}

/// Parses a head kept elsewhere: `N:HASH`.
pub fn parse_head(text: &str) -> Result<AuditHead> {
    let bad = || {
        Error::Invalid(crate::domain::validation::field_error("expect", crate::msg!("message.audit_expect")))
    };
    let (id, hash) = text.trim().split_once(':').ok_or_else(bad)?;
    let id: i64 = id.parse().map_err(|_| bad())?;
    if id < 1 || hash.len() != 64 || !hash.bytes().all(|b| b.is_ascii_hexdigit()) {
        return Err(bad());
    }
    Ok(AuditHead { id, hash: hash.to_ascii_lowercase() })
}

/// Opens the anchor file for appending (created 0600, or 0640 under group access).
pub(crate) fn open_anchor(path: &Path) -> Result<std::fs::File> {
    let mut o = std::fs::OpenOptions::new();
    o.append(true).create(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        o.mode(crate::files::private_mode());
    }
    o.open(path).map_err(|e| {
        Error::Config(crate::msg!(
            "message.config_path_error",
            key = "audit_anchor_file",
            path = path,
            error = e
        ))
    })
}

/// Appends the current head to the anchor file: one line, `N:HASH`.
pub(crate) fn append_anchor(store: &Store, file: &mut std::fs::File, path: &Path) -> Result<()> {
    use std::io::Write;
    let Some(head) = store.read().audit_head()? else { return Ok(()) };
    writeln!(file, "{head}")
        .and_then(|()| file.sync_data())
        .map_err(|e| Error::Config(crate::msg!("message.anchor_append", path = path, error = e)))
}

/// The last head recorded in an anchor file, if any.
pub fn last_anchor(path: &Path) -> Result<Option<AuditHead>> {
    let text = match std::fs::read_to_string(path) {
        Ok(t) => t,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
        Err(e) => {
            return Err(Error::Config(crate::msg!(
                "message.config_path_error",
                key = "audit_anchor_file",
                path = path,
                error = e
            )));
        }
    };
    text.lines().rev().find(|l| !l.trim().is_empty()).map(parse_head).transpose()
}
