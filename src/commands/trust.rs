//! Subcommands that prove and protect: audit, check, backup, retention, import.

use std::io::Write;
use std::path::Path;

use serde_json::json;

use super::report::write_file_atomically;
use super::{CliError, Env, Result, output};
use crate::cli::{AuditCommand, Format};
use crate::domain::format::parse_date;
use crate::domain::request::parse_reference;
use crate::i18n::{t, tf};
use crate::service::import::parse_file;
use crate::store::AuditFilter;

/// A failure that has already been printed in full: exit 1 with a one-line summary.
fn failed(msg: String) -> CliError {
    CliError::Service(crate::service::Error::Config(msg))
}

pub fn audit(env: &Env, cmd: &AuditCommand, out: &mut impl Write) -> Result<()> {
    let s = env.session()?;
    match cmd {
        AuditCommand::Verify => {
            let (n, problem) = s.verify_audit()?;
            match problem {
                None => {
                    match env.format {
                        Format::Json => output::json(out, &json!({"entries": n, "ok": true}))?,
                        _ => writeln!(out, "{}", tf("cli.audit_intact", &[("n", &n)]))?,
                    }
                    Ok(())
                }
                Some(p) => {
                    if env.format == Format::Json {
                        output::json(out, &json!({"entries": n, "ok": false, "first_problem": p}))?;
                    }
                    Err(failed(format!("audit log broken at entry {}: {}", p.id, p.problem)))
                }
            }
        }
        AuditCommand::Log { reference, operator, since, limit } => {
            let f = AuditFilter {
                target: reference.as_deref().map(parse_reference).transpose()?,
                actor: operator.clone(),
                since: since.as_deref().map(|d| parse_date("since", d)).transpose()?.map(|d| d.to_string()),
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
                        output::csv(out, &header, &rows)?
                    } else {
                        output::table(out, &header, &rows)?
                    }
                }
            }
            Ok(())
        }
    }
}

pub fn check(env: &Env, out: &mut impl Write) -> Result<()> {
    let s = env.session()?;
    let r = s.check()?;
    if env.format == Format::Json {
        output::json(out, &serde_json::to_value(&r).unwrap_or_default())?;
    } else {
        let result =
            if r.integrity.is_empty() { t("cli.check_ok").to_string() } else { r.integrity.join("; ") };
        writeln!(out, "{}", tf("cli.check_integrity", &[("result", &result)]))?;
        match &r.audit_problem {
            None => writeln!(out, "{}", tf("cli.check_audit_intact", &[("n", &r.audit_entries)]))?,
            Some(p) => {
                writeln!(out, "{}", tf("cli.check_audit_broken", &[("id", &p.id), ("problem", &p.problem)]))?
            }
        }
        super::drift::calendar_problems(&r.calendar, out)?;
    }
    if r.ok() { Ok(()) } else { Err(failed("the database failed its checks".into())) }
}

pub fn backup(env: &Env, file: &Path, out: &mut impl Write) -> Result<()> {
    let mut s = env.session()?;
    s.backup(file)?;
    writeln!(out, "{}", tf("cli.backed_up", &[("path", &file.display())]))?;
    Ok(())
}

pub fn retention(env: &Env, dry_run: bool, years: Option<u32>, out: &mut impl Write) -> Result<()> {
    let mut s = env.session()?;
    let r = s.retention(years.unwrap_or(env.config.retention_years), dry_run)?;
    match env.format {
        Format::Json => output::json(out, &serde_json::to_value(&r).unwrap_or_default())?,
        _ => {
            let key = if dry_run { "cli.would_erase" } else { "cli.erased" };
            writeln!(out, "{}", tf(key, &[("n", &r.erased.len()), ("date", &r.closed_before)]))?;
            for reference in &r.erased {
                writeln!(out, "  {reference}")?;
            }
        }
    }
    Ok(())
}

pub fn import(
    env: &Env,
    file: &Path,
    dry_run: bool,
    rejects: Option<&Path>,
    out: &mut impl Write,
) -> Result<()> {
    let text = std::fs::read_to_string(file).map_err(|e| failed(format!("{}: {e}", file.display())))?;
    let json = match env.format {
        Format::Json => true,
        Format::Csv => false,
        Format::Table | Format::Text => file.extension().is_some_and(|e| e.eq_ignore_ascii_case("json")),
    };
    let rows = parse_file(&text, json)?;
    let mut s = env.session()?;
    let report = s.import(&rows, dry_run, rejects.is_some())?;
    for r in &report.rejected {
        eprintln!("line {}: {}", r.line, output::neutralise(&r.reason));
    }
    for w in &report.warnings {
        eprintln!("line {}: warning: {}", w.line, output::neutralise(&w.reason));
    }
    for d in &report.duplicates {
        eprintln!("line {}: probable duplicate of {}", d.line, d.of);
    }
    if let Some(path) = rejects
        && !report.rejected.is_empty()
        && !dry_run
    {
        let bad: Vec<Vec<String>> = report
            .rejected
            .iter()
            .map(|r| {
                let raw = rows.iter().find(|x| x.line == r.line);
                let mut cells = vec![r.line.to_string(), r.reason.clone()];
                cells.extend(
                    crate::service::import::COLUMNS
                        .iter()
                        .map(|c| raw.and_then(|x| x.fields.get(*c)).cloned().unwrap_or_default()),
                );
                cells
            })
            .collect();
        let mut header = vec!["line", "reason"];
        header.extend(crate::service::import::COLUMNS);
        write_file_atomically(path, |w| {
            output::csv(w, &header, &bad).map_err(CliError::Io)?;
            Ok(())
        })?;
    }
    let summary = tf(
        "cli.imported",
        &[
            ("rows", &report.rows),
            ("imported", &report.imported.len()),
            ("rejected", &report.rejected.len()),
            ("duplicates", &report.duplicates.len()),
        ],
    );
    writeln!(out, "{summary}{}", if dry_run { t("cli.dry_run") } else { "" })?;
    if !report.rejected.is_empty() && rejects.is_none() {
        return Err(failed(format!("{} bad rows; nothing was imported", report.rejected.len())));
    }
    Ok(())
}
