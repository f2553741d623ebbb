//! Deadlines that may change: `aryz recompute`, what `calendar add/remove` would move, the
//! days not yet confirmed, and the governing deadline beside the 30-day limit.

use std::io::Write;

use chrono::NaiveDate;
use serde_json::json;

use super::{Env, Result, output};
use crate::cli::Format;
use crate::domain::calendar::{Calendar, CalendarProblem};
use crate::domain::deadline::{Deadline, RuleSet, governing};
use crate::domain::format::date_dmy;
use crate::i18n::{t, tf};
use crate::service::Drift;

/// `binding` / `advisory`, with "governs" on the governing deadline and "limit" on the
/// 30-day limit.
pub(super) fn binds_label(d: &Deadline, governing: Option<&str>, limit: Option<&str>) -> String {
    let mut s = if d.binding { t("cli.binding") } else { t("cli.advisory") }.to_string();
    if governing == Some(d.rule.as_str()) {
        s.push_str(&format!(", {}", t("drift.governs")));
    }
    if limit == Some(d.rule.as_str()) {
        s.push_str(&format!(", {}", t("drift.limit_mark")));
    }
    s
}

/// The governing deadline and why, and the 30-day limit, under a table of deadlines.
pub(super) fn governing_lines(rules: &RuleSet, deadlines: &[Deadline], out: &mut impl Write) -> Result<()> {
    if let Some(g) = governing(deadlines) {
        let name = crate::i18n::deadline::rule_name_of(rules, &g.rule);
        writeln!(out, "{}", tf("drift.governing", &[("rule", &name), ("date", &date_dmy(g.due_on))]))?;
        if let Some(why) = &g.provisional {
            writeln!(out, "{}", tf("drift.provisional_line", &[("reason", why)]))?;
        }
    }
    if let Some(l) = rules.limit(deadlines) {
        writeln!(out, "{}", tf("drift.limit", &[("date", &date_dmy(l.due_on))]))?;
    }
    Ok(())
}

/// The stored deadlines that differ, as a table, JSON or CSV.
pub(super) fn print_drift(env: &Env, drift: &Drift, applied: bool, out: &mut impl Write) -> Result<()> {
    if env.format == Format::Json {
        output::json(
            out,
            &json!({ "applied": applied, "requests": drift.requests, "skipped": drift.skipped }),
        )?;
        return Ok(());
    }
    let date = |d: Option<NaiveDate>| d.map_or("-".to_string(), |d| d.to_string());
    let rows: Vec<Vec<String>> = drift
        .rows()
        .map(|c| vec![c.reference.clone(), c.rule.clone(), date(c.old), date(c.new), c.what.clone()])
        .collect();
    let header = ["REF", "RULE", "OLD", "NEW", "WHAT"];
    if env.format == Format::Csv {
        output::csv(out, &header, &rows)?;
        return Ok(());
    }
    if drift.requests.is_empty() {
        writeln!(out, "{}", t("drift.none"))?;
    } else {
        let key = if applied { "drift.applied" } else { "drift.would_change" };
        writeln!(out, "{}", tf(key, &[("n", &drift.requests.len())]))?;
        output::table(out, &header, &rows)?;
    }
    if !drift.skipped.is_empty() {
        writeln!(out, "{}", tf("drift.skipped", &[("refs", &drift.skipped.join(", "))]))?;
    }
    Ok(())
}

/// `aryz recompute [--apply]`.
pub(super) fn recompute(env: &Env, apply: bool, out: &mut impl Write) -> Result<()> {
    let mut s = env.session()?;
    let drift = if apply { s.recompute_apply()? } else { s.drift()? };
    print_drift(env, &drift, apply, out)
}

/// `aryz calendar expected`: the days not yet confirmed, from `from` on, and the years
/// ahead that lack a movable holiday.
pub(super) fn expected(env: &Env, cal: &Calendar, from: NaiveDate, out: &mut impl Write) -> Result<()> {
    let days: Vec<_> = cal.unconfirmed_from(from).collect();
    if env.format == Format::Json {
        output::json(out, &json!({ "from": from, "days": days }))?;
        return Ok(());
    }
    let rows: Vec<Vec<String>> = days
        .iter()
        .map(|e| {
            vec![
                e.date.to_string(),
                e.kind.to_string(),
                crate::i18n::holiday_name(&e.name),
                e.confidence.clone(),
                e.source.clone(),
            ]
        })
        .collect();
    let header = ["DATE", "KIND", "NAME", "CONFIDENCE", "SOURCE"];
    if env.format == Format::Csv {
        output::csv(out, &header, &rows)?;
    } else if rows.is_empty() {
        writeln!(out, "{}", tf("drift.expected_none", &[("from", &date_dmy(from))]))?;
    } else {
        output::table(out, &header, &rows)?;
    }
    Ok(())
}

/// The calendar lines of `aryz check`.
pub(super) fn calendar_problems(problems: &[CalendarProblem], out: &mut impl Write) -> Result<()> {
    if problems.is_empty() {
        writeln!(out, "{}", t("drift.check_calendar_ok"))?;
    }
    for p in problems {
        match p {
            CalendarProblem::Gap { reason, .. } => {
                writeln!(out, "{}", tf("drift.check_calendar_gap", &[("reason", reason)]))?;
            }
            CalendarProblem::Unconfirmed(e) => writeln!(
                out,
                "{}",
                tf(
                    "drift.check_calendar_expected",
                    &[
                        ("name", &crate::i18n::holiday_name(&e.name)),
                        ("date", &date_dmy(e.date)),
                        ("confidence", &e.confidence),
                    ]
                )
            )?,
        }
    }
    Ok(())
}
