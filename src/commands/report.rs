//! Supervisors' subcommands: report, digest, export.

use std::borrow::Cow;
use std::io::Write;
use std::path::Path;

use serde_json::{Value, json};

use super::requests::filter_of;
use super::{CliError, Env, Result, as_of, output};
use crate::cli::{ExportArgs, Format, ReportBy, ReportCommand};
use crate::domain::format::date_dmy;
use crate::domain::history::FORMULA;
use crate::domain::identity::mask_pin;
use crate::domain::request::SubjectRequest;
use crate::i18n::{t, tf};
use crate::model::{GroupBy, ReportRow};
use crate::service::{Backlog, DigestItem, Report, RequestView, Session, month_or_date, month_range};

pub(super) fn report(env: &Env, cmd: &ReportCommand, out: &mut impl Write) -> Result<()> {
    let s = env.session()?;
    let (from, to, by, as_of_arg, offices) = match cmd {
        ReportCommand::Monthly { month, by, as_of, offices, .. } => {
            let (f, t) = month_range(month)?;
            (f, t, *by, as_of, offices)
        }
        ReportCommand::Range { from, to, by, as_of, offices, .. } => {
            (month_or_date("from", from, false)?, month_or_date("to", to, true)?, *by, as_of, offices)
        }
        ReportCommand::Backlog { days, as_of: a, offices, .. } => {
            let as_of = as_of(&s, *a);
            let offices = s.office_ids(offices)?;
            return print_backlog(env, &s.backlog_in(*days, as_of, &offices)?, out);
        }
    };
    let offices = s.office_ids(offices)?;
    let as_of = as_of(&s, *as_of_arg);
    let group = match by {
        ReportBy::Kind => GroupBy::Kind,
        ReportBy::Clerk => GroupBy::Clerk,
        ReportBy::Month => GroupBy::Month,
        ReportBy::Office => GroupBy::Office,
    };
    let rep = s.report_in(from, to, as_of, group, &offices)?;
    print_report(env, &rep, by, out)
}

/// The report's columns after the group — JSON key, table and CSV header, value — in one
/// list, so a new figure is one more entry here.
type Column = (&'static str, &'static str, fn(&Report, &ReportRow) -> Value);

const COLUMNS: &[Column] = &[
    ("received", "RECEIVED", |_, r| json!(r.received)),
    ("answered_in_time", "IN_TIME", |_, r| json!(r.answered_in_time)),
    ("answered_late", "LATE", |_, r| json!(r.answered_late)),
    ("open_in_time", "OPEN_IN_TIME", |_, r| json!(r.open_in_time)),
    ("open_late", "OPEN_LATE", |_, r| json!(r.open_late)),
    ("withdrawn", "WITHDRAWN", |_, r| json!(r.withdrawn)),
    ("extended", "EXTENDED", |_, r| json!(r.extended)),
    ("paused", "PAUSED", |_, r| json!(r.paused)),
    ("reopened", "REOPENED", |_, r| json!(r.reopened)),
    ("backdated", "BACKDATED", |_, r| json!(r.backdated)),
    ("percent_in_time", "%_IN_TIME", |_, r| json!(r.percent_in_time().map(|p| (p * 10.0).round() / 10.0))),
    ("target", "TARGET", |rep, _| json!(rep.target)),
    ("status", "STATUS", |rep, r| json!(rep.status(r).map(super::super::domain::history::Rag::code))),
];

fn cell(v: &Value) -> String {
    match v {
        Value::Null => "-".into(),
        Value::String(s) => s.clone(),
        Value::Number(n) => match n.as_f64() {
            Some(f) if n.is_f64() => format!("{f:.1}"),
            _ => n.to_string(),
        },
        other => other.to_string(),
    }
}

fn print_report(env: &Env, rep: &Report, by: ReportBy, out: &mut impl Write) -> Result<()> {
    let label = |r: &ReportRow| r.group.clone().unwrap_or_else(|| "(unassigned)".into());
    let row_json = |r: &ReportRow| {
        let mut m = serde_json::Map::new();
        m.insert("group".into(), json!(r.group));
        for (name, _, f) in COLUMNS {
            m.insert((*name).into(), f(rep, r));
        }
        Value::Object(m)
    };
    match env.format {
        Format::Json => output::json(
            out,
            &json!({
                "from": rep.from, "to": rep.to, "as_of": rep.as_of,
                "by": match by {
                    ReportBy::Kind => "kind",
                    ReportBy::Clerk => "clerk",
                    ReportBy::Month => "month",
                    ReportBy::Office => "office",
                },
                "formula": FORMULA,
                "rows": rep.rows.iter().map(row_json).collect::<Vec<_>>(),
                "total": row_json(&rep.total),
                "answered_within_limit": rep.answered_within_limit,
            }),
        )?,
        f => {
            let first = match by {
                ReportBy::Kind => "KIND",
                ReportBy::Clerk => "CLERK",
                ReportBy::Month => "MONTH",
                ReportBy::Office => "OFFICE",
            };
            let header: Vec<&str> = std::iter::once(first).chain(COLUMNS.iter().map(|c| c.1)).collect();
            // The table names kinds, the total and the ratings in the language; CSV keeps codes.
            let shown = |r: &ReportRow, v: String| -> String {
                if f == Format::Csv {
                    return v;
                }
                match (r.group.as_deref(), by) {
                    (Some("total"), _) if std::ptr::eq(r, &raw const rep.total) => {
                        crate::i18n::shown("report", "total")
                    }
                    (Some(g), ReportBy::Kind) => crate::i18n::shown("kind", g),
                    (None, _) => crate::i18n::t("cli.digest_unassigned").to_string(),
                    _ => v,
                }
            };
            let rag = |v: String| -> String {
                if f == Format::Csv || !["green", "amber", "red"].contains(&v.as_str()) {
                    v
                } else {
                    crate::i18n::shown("supervision", &format!("rag_{v}"))
                }
            };
            let rows: Vec<Vec<String>> = rep
                .rows
                .iter()
                .chain(std::iter::once(&rep.total))
                .map(|r| {
                    std::iter::once(shown(r, label(r)))
                        .chain(COLUMNS.iter().map(|(name, _, f)| {
                            let v = cell(&f(rep, r));
                            if *name == "status" { rag(v) } else { v }
                        }))
                        .collect()
                })
                .collect();
            if f == Format::Csv {
                output::csv(out, &header, &rows)?;
            } else {
                writeln!(
                    out,
                    "{}",
                    tf(
                        "cli.report_title",
                        &[
                            ("from", &date_dmy(rep.from)),
                            ("to", &date_dmy(rep.to)),
                            ("as_of", &date_dmy(rep.as_of))
                        ]
                    )
                )?;
                output::table(out, &header, &rows)?;
                if let Some(n) = rep.answered_within_limit {
                    writeln!(out, "{}", crate::i18n::tf("drift.report_limit", &[("n", &n)]))?;
                }
                writeln!(out, "\n{}", t("report.formula"))?;
            }
        }
    }
    Ok(())
}

fn print_backlog(env: &Env, b: &Backlog, out: &mut impl Write) -> Result<()> {
    match env.format {
        Format::Json => output::json(out, &serde_json::to_value(b).unwrap_or_default())?,
        f => {
            let rows: Vec<Vec<String>> = b
                .days
                .iter()
                .map(|d| vec![d.day.to_string(), d.open.to_string(), d.overdue.to_string()])
                .collect();
            if f == Format::Csv {
                output::csv(out, &["DAY", "OPEN", "OVERDUE"], &rows)?;
            } else {
                output::table(out, &["DAY", "OPEN", "OVERDUE"], &rows)?;
                let a = &b.ageing;
                writeln!(out)?;
                output::table(
                    out,
                    &["OPEN_DAYS_0_7", "OPEN_DAYS_8_14", "OPEN_DAYS_15_30", "OPEN_OVER_30"],
                    &[vec![
                        a.days_0_7.to_string(),
                        a.days_8_14.to_string(),
                        a.days_15_30.to_string(),
                        a.over_30.to_string(),
                    ]],
                )?;
            }
        }
    }
    Ok(())
}

/// The digest on `out`, or with `deliver` where `[digest]` of the config says.
pub(super) fn digest(
    env: &Env,
    as_of_arg: Option<chrono::NaiveDate>,
    deliver: bool,
    offices: &[String],
    out: &mut impl Write,
) -> Result<()> {
    if deliver {
        if let Some(day) = super::schedule::non_working_day(env, as_of_arg)? {
            writeln!(out, "{}", tf("schedule.digest_skipped", &[("date", &date_dmy(day))]))?;
            return Ok(());
        }
        let mut text = Vec::new();
        digest_to(env, as_of_arg, offices, &mut text)?;
        return super::schedule::deliver_digest(env, &text, out);
    }
    digest_to(env, as_of_arg, offices, out)
}

fn digest_to(
    env: &Env,
    as_of_arg: Option<chrono::NaiveDate>,
    offices: &[String],
    out: &mut impl Write,
) -> Result<()> {
    let s = env.session()?;
    let as_of = as_of(&s, as_of_arg);
    let offices = s.office_ids(offices)?;
    let dg = s.digest_in(as_of, &offices)?;
    match env.format {
        Format::Json => output::json(out, &serde_json::to_value(&dg).unwrap_or_default())?,
        Format::Csv => {
            let mut rows = Vec::new();
            let mut push = |section: &str, who: Option<&String>, i: &DigestItem| {
                rows.push(vec![
                    section.to_string(),
                    who.cloned().unwrap_or_default(),
                    i.reference.clone(),
                    i.kind.to_string(),
                    i.due_on.to_string(),
                    i.days_left.to_string(),
                    if i.overdue { "overdue" } else { "due_soon" }.into(),
                    i.paused.to_string(),
                ]);
            };
            for i in &dg.due_today {
                push("due_today", None, i);
            }
            for g in &dg.groups {
                for i in g.overdue.iter().chain(&g.due_soon) {
                    push("by_clerk", g.assignee.as_ref(), i);
                }
            }
            for i in &dg.new_unassigned {
                push("new_unassigned", None, i);
            }
            output::csv(
                out,
                &["SECTION", "ASSIGNEE", "REF", "KIND", "DUE", "DAYS_LEFT", "STATE", "PAUSED"],
                &rows,
            )?;
        }
        Format::Table | Format::Text => {
            writeln!(
                out,
                "{}",
                tf(
                    "cli.digest_title",
                    &[("as_of", &date_dmy(dg.as_of)), ("until", &date_dmy(dg.due_soon_until))]
                )
            )?;
            let tt = &dg.totals;
            writeln!(
                out,
                "{}",
                tf(
                    "supervision.totals",
                    &[
                        ("open", &tt.open),
                        ("overdue", &tt.overdue),
                        ("due_today", &tt.due_today),
                        ("due_soon", &tt.due_soon),
                        ("paused", &tt.paused),
                        ("unassigned", &tt.unassigned)
                    ]
                )
            )?;
            let line = |out: &mut dyn Write, i: &DigestItem| -> std::io::Result<()> {
                let state = if i.overdue {
                    crate::i18n::tn("cli.digest_days_overdue", i.days_left.unsigned_abs(), &[])
                } else {
                    crate::i18n::tn("cli.digest_days_left", i.days_left.unsigned_abs(), &[])
                };
                let paused =
                    if i.paused { format!("  [{}]", t("supervision.paused")) } else { String::new() };
                writeln!(
                    out,
                    "  {}  {:<15}  {}  {state}{paused}",
                    i.reference,
                    crate::i18n::shown("kind_short", i.kind.code()),
                    tf("cli.digest_due", &[("due", &date_dmy(i.due_on))])
                )
            };
            if !dg.due_today.is_empty() {
                writeln!(out, "\n{}", t("supervision.due_today"))?;
                for i in &dg.due_today {
                    line(out, i)?;
                }
            }
            if dg.groups.is_empty() {
                writeln!(out, "\n{}", t("cli.digest_nothing"))?;
            } else {
                writeln!(out, "\n{}", t("supervision.overdue_by_clerk"))?;
            }
            for g in &dg.groups {
                writeln!(
                    out,
                    "\n{}",
                    tf(
                        "cli.digest_group",
                        &[
                            (
                                "assignee",
                                &output::neutralise(
                                    g.assignee.as_deref().unwrap_or(t("cli.digest_unassigned"))
                                )
                            ),
                            ("overdue", &g.overdue.len()),
                            ("due_soon", &g.due_soon.len())
                        ]
                    )
                )?;
                for i in g.overdue.iter().chain(&g.due_soon) {
                    line(out, i)?;
                }
            }
            if !dg.new_unassigned.is_empty() {
                writeln!(out, "\n{}", t("supervision.new_unassigned"))?;
                for i in &dg.new_unassigned {
                    line(out, i)?;
                }
            }
            if let Some(head) = &dg.audit_head {
                writeln!(out, "\n{}", tf("supervision.audit_head", &[("head", head)]))?;
            }
        }
    }
    Ok(())
}

const EXPORT_HEADER: [&str; 28] = [
    "ref",
    "kind",
    "status",
    "channel",
    "lang",
    "received_on",
    "registered_on",
    "due_on",
    "days_left",
    "overdue",
    "assignee",
    "subject_name",
    "subject_pin",
    "birth_date",
    "passport",
    "address",
    "email",
    "phone",
    "identity",
    "categories",
    "description",
    "outcome",
    "ground",
    "responded_on",
    "answered_in_time",
    "closed_on",
    "extensions",
    "deadlines",
];

/// One request's export cells. Text the request holds is borrowed, not copied, and codes
/// are their static strings: a million-row export made 28 strings a row before.
fn export_row(r: &SubjectRequest, today: chrono::NaiveDate, unmasked: bool) -> [Cow<'_, str>; 28] {
    fn text(t: &str) -> Cow<'_, str> {
        Cow::Borrowed(t)
    }
    let s = &r.subject;
    let date = |d: chrono::NaiveDate| Cow::Owned(crate::domain::format::date_iso(d));
    let opt = |d: Option<chrono::NaiveDate>| d.map_or(Cow::Borrowed(""), date);
    let flag = |b: bool| Cow::Borrowed(if b { "true" } else { "false" });
    [
        text(&r.reference),
        text(r.kind.code()),
        text(r.status.code()),
        text(r.channel.code()),
        text(r.lang.code()),
        date(r.received_on),
        date(r.registered_on),
        date(r.due_on),
        if r.is_open() { Cow::Owned(r.days_left(today).to_string()) } else { text("") },
        flag(r.is_overdue(today)),
        text(r.assignee.as_deref().unwrap_or_default()),
        text(&s.name),
        if unmasked { text(&s.pin) } else { Cow::Owned(mask_pin(&s.pin)) },
        opt(s.birth_date),
        s.passport
            .as_ref()
            .map(|p| if unmasked { text(&p.document) } else { Cow::Owned(p.masked()) })
            .unwrap_or_default(),
        text(&s.address),
        text(&s.email),
        text(&s.phone),
        text(r.identity.code()),
        Cow::Owned(r.categories.iter().map(|c| c.code()).collect::<Vec<_>>().join(";")),
        text(&r.description),
        r.outcome.map_or(text(""), |o| text(o.code())),
        text(r.ground.as_deref().unwrap_or_default()),
        opt(r.responded_on),
        r.answered_in_time().map_or(text(""), flag),
        opt(r.closed_on),
        Cow::Owned(r.extensions.to_string()),
        Cow::Owned(
            r.deadlines
                .iter()
                .map(|d| {
                    let provisional = if d.provisional.is_some() { " (provisional)" } else { "" };
                    format!(
                        "{}={}{}{provisional}",
                        d.rule,
                        d.due_on,
                        if d.binding { " (binding)" } else { "" }
                    )
                })
                .collect::<Vec<_>>()
                .join("; "),
        ),
    ]
}

pub(super) fn export(env: &Env, a: &ExportArgs, out: &mut impl Write) -> Result<()> {
    let mut s = env.session()?;
    let (filter, today) = filter_of(&s, &a.filter)?;
    // Every check before the export is put on record, so a refused export changes nothing.
    if let Some(path) = &a.output {
        if same_file(path, &env.db) {
            return Err(
                crate::domain::validation::field_error("output", crate::msg!("message.is_database")).into()
            );
        }
        check_new_file(path)?;
    }
    // On record, committed, before the first byte leaves.
    let started = s.begin_export(&filter, a.unmasked)?;
    let result = match &a.output {
        None => write_export(&s, env.format, a, &filter, today, out).and_then(|n| {
            out.flush()?;
            Ok(n)
        }),
        Some(path) => write_file_atomically(path, |w| write_export(&s, env.format, a, &filter, today, w)),
    };
    let outcome = match &result {
        Ok(n) => Ok(format!("{n} requests")),
        Err(CliError::Io(e)) if e.kind() == std::io::ErrorKind::BrokenPipe => {
            Err("the reader closed the pipe".into())
        }
        Err(e) => Err(e.to_string()),
    };
    s.end_disclosure(started, "export", "", outcome)?;
    match result {
        Ok(n) => {
            if let Some(path) = &a.output {
                eprintln!("{}", crate::i18n::tn("cli.exported", n as u64, &[("path", &path.display())]));
            }
            Ok(())
        }
        // Unlike a list, an export cut short is a failure: the reader has part of it.
        Err(CliError::Io(e)) if e.kind() == std::io::ErrorKind::BrokenPipe => {
            Err(crate::service::Error::Config(crate::msg!("message.export_cut_short", entry = started))
                .into())
        }
        Err(e) => Err(e),
    }
}

/// Is `a` the database file `db` (or its WAL or shared-memory file)?
pub(super) fn same_file(a: &Path, db: &Path) -> bool {
    let canon = |p: &Path| std::fs::canonicalize(p).ok();
    let Some(target) = canon(a) else { return false };
    ["", "-wal", "-shm"].iter().any(|suffix| {
        let mut p = db.as_os_str().to_owned();
        p.push(suffix);
        canon(Path::new(&p)).is_some_and(|c| c == target)
    })
}

fn write_export(
    s: &Session,
    format: Format,
    a: &ExportArgs,
    filter: &crate::model::ListFilter,
    today: chrono::NaiveDate,
    w: &mut dyn Write,
) -> Result<usize> {
    let unmasked = a.unmasked;
    // The derived fields need the calendar and the due-soon window, not the session itself.
    let (cal, soon) = (s.calendar.clone(), s.settings.due_soon_working_days);
    // The service's callback speaks service errors; keep the I/O error itself (a closed
    // pipe, a full disk) and report it after.
    let mut io_error: Option<std::io::Error> = None;
    // A past --as-of exports the requests open on that day as they stood then.
    let past = today < s.today();
    let rows = |f: &mut dyn FnMut(&SubjectRequest) -> crate::service::Result<()>| {
        if past { s.export_rows_as_of(filter, today, f) } else { s.export_rows(filter, f) }
    };
    let n = if format == Format::Json {
        w.write_all(b"[\n")?;
        let mut first = true;
        let n = rows(&mut |r| {
            let mut v: Value = RequestView::with(&cal, soon, r, today).json(!unmasked);
            if let Some(sub) = v.get_mut("subject")
                && !unmasked
            {
                sub["address"] = json!(r.subject.address);
                sub["email"] = json!(r.subject.email);
                sub["phone"] = json!(r.subject.phone);
            }
            let sep: &[u8] = if first { b"" } else { b",\n" };
            first = false;
            w.write_all(sep)
                .and_then(|()| {
                    crate::domain::safe_text::json_compact(&mut *w, &v).map_err(std::io::Error::from)
                })
                .map_err(|e| keep_io(&mut io_error, e))
        });
        if let Some(e) = io_error {
            return Err(CliError::Io(e));
        }
        let n = n?;
        w.write_all(b"\n]\n")?;
        n
    } else {
        if a.bom {
            w.write_all("\u{feff}".as_bytes())?;
        }
        let mut csv = output::CsvOut::new(&mut *w, a.raw);
        csv.row(&EXPORT_HEADER)?;
        let n =
            rows(&mut |r| csv.row(&export_row(r, today, unmasked)).map_err(|e| keep_io(&mut io_error, e)));
        if let Some(e) = io_error {
            return Err(CliError::Io(e));
        }
        let n = n?;
        csv.flush()?;
        n
    };
    Ok(n)
}

fn keep_io(slot: &mut Option<std::io::Error>, e: std::io::Error) -> crate::service::Error {
    let msg = crate::msg!("message.writing_export", error = &e);
    *slot = Some(e);
    crate::service::Error::Config(msg)
}

/// Checks, before anything is done, that `path` can become a new file: not taken, its
/// directory existing or creatable. (Also checked again, atomically, when it is linked.)
pub(super) fn check_new_file(path: &Path) -> Result<()> {
    if path.exists() {
        return Err(crate::service::Error::Config(crate::msg!("message.file_exists", path = path)).into());
    }
    let dir = path.parent().filter(|p| !p.as_os_str().is_empty()).unwrap_or(Path::new("."));
    if !dir.is_dir() {
        return Err(crate::service::Error::Config(crate::msg!(
            "message.no_directory",
            path = path,
            dir = dir
        ))
        .into());
    }
    Ok(())
}

/// Writes `path` as an unnamed file linked into place only when everything was written
/// ([`crate::files::NewFile`]): a failed or killed export leaves nothing behind.
pub(super) fn write_file_atomically<T>(
    path: &Path,
    f: impl FnOnce(&mut dyn Write) -> Result<T>,
) -> Result<T> {
    check_new_file(path)?;
    let dir = path.parent().filter(|p| !p.as_os_str().is_empty()).unwrap_or(Path::new("."));
    let io_err = |e: std::io::Error| -> CliError {
        crate::service::Error::Config(crate::msg!("message.path_error", path = path, error = e)).into()
    };
    let mut file = crate::files::NewFile::create_in(dir).map_err(io_err)?;
    let v = {
        let mut w = std::io::BufWriter::new(file.file());
        let v = f(&mut w)?;
        w.flush().map_err(io_err)?;
        v
    };
    file.link(path).map_err(|e| {
        if e.kind() == std::io::ErrorKind::AlreadyExists {
            crate::service::Error::Config(crate::msg!("message.file_exists", path = path)).into()
        } else {
            io_err(e)
        }
    })?;
    Ok(v)
}
