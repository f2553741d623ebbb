//! Proving who did what: audit verification and listing, database checks, backups, and
//! retention of request records.

use std::path::Path;

use chrono::{Datelike, NaiveDate};
use serde::Serialize;

use crate::domain::kind::Role;
use crate::store::{AuditEntry, AuditFilter, AuditProblem, Event, EventKind};

use super::{Error, Result, Session};

#[derive(Debug, Clone, Serialize)]
pub struct CheckReport {
    pub integrity: Vec<String>,
    pub audit_entries: usize,
    pub audit_problem: Option<AuditProblem>,
    /// Calendar data running out or unconfirmed ahead (issue 10).
    pub calendar: Vec<crate::domain::calendar::CalendarProblem>,
}

impl CheckReport {
    pub fn ok(&self) -> bool {
        self.integrity.is_empty() && self.audit_problem.is_none() && self.calendar.is_empty()
    }
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
        self.require(Role::Supervisor, "verify the audit log")?;
        Ok(self.store.read().verify_audit()?)
    }

    pub fn audit_log(&self, filter: &AuditFilter) -> Result<Vec<AuditEntry>> {
        self.require(Role::Supervisor, "read the audit log")?;
        Ok(self.store.read().audit_entries(filter)?)
    }

    /// Integrity check, foreign-key check and audit verification together.
    pub fn check(&self) -> Result<CheckReport> {
        self.require(Role::Supervisor, "check the database")?;
        let mut integrity = self.store.integrity_problems()?;
        integrity.extend(self.store.read().stats_drift()?);
        let (audit_entries, audit_problem) = self.store.read().verify_audit()?;
        let calendar = self.calendar.problems_ahead(self.today());
        Ok(CheckReport { integrity, audit_entries, audit_problem, calendar })
    }

    /// An online backup, consistent while others write; recorded in the audit log.
    pub fn backup(&mut self, dest: &Path) -> Result<()> {
        self.require(Role::Admin, "make backups")?;
        self.store.backup_to(dest)?;
        let name = dest.display().to_string();
        self.write(|tx, ctx| {
            tx.audit(&ctx.now, ctx.login, "backup", &name, "")?;
            Ok(())
        })
    }

    /// Erases the personal fields of requests closed more than `years` years ago. Each
    /// erasure is an event and an audit entry; the report figures do not change.
    pub fn retention(&mut self, years: u32, dry_run: bool) -> Result<RetentionReport> {
        self.require(Role::Admin, "apply retention")?;
        if !(1..=100).contains(&years) {
            return Err(Error::Invalid(crate::domain::validation::field_error(
                "years",
                "must be between 1 and 100",
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
