//! Subcommands that prove and protect: audit, check, backup, retention, import.

use std::io::Write;
use std::path::Path;

use serde_json::json;

use super::{CliError, Env, Result, output};
use crate::cli::{AuditCommand, Format};
use crate::i18n::{t, tf};
use crate::model::AuditFilter;

/// A failure that has already been printed in full: exit 1 with a one-line summary.
fn failed(msg: crate::i18n::localize::Message) -> CliError {
    CliError::Service(crate::service::Error::Config(msg))
}

pub(super) fn audit(env: &Env, cmd: &AuditCommand, out: &mut impl Write) -> Result<()> {
    let s = env.session()?;
    match cmd {
        AuditCommand::Verify { expect, .. } => {
            let expect = match expect {
                Some(text) => Some(crate::service::parse_head(text)?),
                None => match &env.config.audit_anchor_file {
                    Some(path) => crate::service::last_anchor(path)?,
                    None => None,
                },
            };
            let v = s.verify_full(expect.as_ref())?;
            if env.format == Format::Json {
                output::json(
                    out,
                    &json!({"entries": v.entries, "ok": v.problems.is_empty(), "head": v.head, "expected": expect, "problems": v.problems}),
                )?;
            }
            if v.problems.is_empty() {
                if env.format != Format::Json {
                    writeln!(out, "{}", crate::i18n::tn("cli.audit_intact", v.entries as u64, &[]))?;
                    if let Some(head) = &v.head {
                        writeln!(out, "{}", tf("audit_trust.head_line", &[("head", head)]))?;
                    }
                }
                return Ok(());
            }
            // One line on stderr names the first problem; `check` and JSON list them all.
            let first = &v.problems[0];
            let problem = output::neutralise(&first.problem);
            let message = if first.id == 0 {
                crate::msg!("message.records_broken", problem = problem)
            } else {
                crate::msg!("message.audit_broken", id = first.id, problem = problem)
            };
            Err(failed(match v.problems.len() {
                1 => message,
                n => crate::msg!("message.and_more", message = message, n = n - 1),
            }))
        }
        AuditCommand::Head { .. } => {
            let head = s.audit_head()?;
            match (env.format, head) {
                (Format::Json, h) => output::json(out, &json!({"head": h}))?,
                (_, Some(h)) => writeln!(out, "{h}")?,
                (_, None) => return Err(failed(crate::msg!("message.audit_empty"))),
            }
            Ok(())
        }
        AuditCommand::Log { reference, operator, since, limit, .. } => {
            let f = AuditFilter {
                target: reference.as_ref().map(|r| s.reference(r)),
                actor: operator.clone(),
                since: since.map(|d| d.to_string()),
                limit: *limit,
            };
            let entries = s.audit_log(&f)?;
            match env.format {
                Format::Json => output::json(out, &serde_json::to_value(&entries).unwrap_or_default())?,
                f => {
                    let rows: Vec<Vec<String>> = entries
                        .iter()
                        .map(|e| {
                            vec![
                                e.id.to_string(),
                                e.at.clone(),
                                e.actor.clone(),
                                e.action.clone(),
                                e.target.clone(),
                                e.detail.clone(),
                            ]
                        })
                        .collect();
                    let header = ["ID", "AT", "OPERATOR", "ACTION", "TARGET", "DETAIL"];
                    if f == Format::Csv {
                        output::csv(out, &header, &rows)?;
                    } else {
                        output::table(out, &header, &rows)?;
                    }
                }
            }
            Ok(())
        }
    }
}

/// One problem on one line: the entry it concerns, or the record alone.
fn describe(p: &crate::model::AuditProblem) -> String {
    if p.id == 0 { p.problem.clone() } else { format!("entry {}: {}", p.id, p.problem) }
}

pub(super) fn check(env: &Env, out: &mut impl Write) -> Result<()> {
    let s = env.session()?;
    let r = s.check()?;
    if env.format == Format::Json {
        output::json(out, &serde_json::to_value(&r).unwrap_or_default())?;
    } else {
        let result =
            if r.integrity.is_empty() { t("cli.check_ok").to_string() } else { r.integrity.join("; ") };
        writeln!(out, "{}", tf("cli.check_integrity", &[("result", &result)]))?;
        match &r.audit_problem {
            None => {
                writeln!(out, "{}", crate::i18n::tn("cli.check_audit_intact", r.audit_entries as u64, &[]))?;
            }
            Some(p) => writeln!(
                out,
                "{}",
                tf("cli.check_audit_broken", &[("id", &p.id), ("problem", &output::neutralise(&p.problem))])
            )?,
        }
        for p in r.audit_problems.iter().skip(1).take(20) {
            writeln!(out, "  {}", output::neutralise(&describe(p)))?;
        }
        if let Some(head) = &r.audit_head {
            writeln!(out, "{}", tf("audit_trust.head_line", &[("head", head)]))?;
        }
        super::drift::calendar_problems(&r.calendar, out)?;
    }
    if r.ok() { Ok(()) } else { Err(failed(crate::msg!("message.checks_failed"))) }
}

/// A backup to FILE, or (without one) a dated copy in `[backup] dir` with rotation.
pub(super) fn backup(
    env: &Env,
    file: Option<&Path>,
    keep: Option<usize>,
    out: &mut impl Write,
) -> Result<()> {
    let Some(file) = file else { return super::schedule::rotating_backup(env, keep, out) };
    let mut s = env.session()?;
    s.backup(file)?;
    writeln!(out, "{}", tf("cli.backed_up", &[("path", &file.display())]))?;
    Ok(())
}

pub(super) fn retention(env: &Env, dry_run: bool, years: Option<u32>, out: &mut impl Write) -> Result<()> {
    let mut s = env.session()?;
    let r = s.retention(years.unwrap_or(env.config.retention_years), dry_run)?;
    if env.format == Format::Json {
        output::json(out, &serde_json::to_value(&r).unwrap_or_default())?;
    } else {
        let key = if dry_run { "cli.would_erase" } else { "cli.erased" };
        writeln!(out, "{}", crate::i18n::tn(key, r.erased.len() as u64, &[("date", &r.closed_before)]))?;
        for reference in &r.erased {
            writeln!(out, "  {reference}")?;
        }
    }
    Ok(())
}
