//! Subcommands that register, list, show and work requests.

use std::io::Write;

use serde_json::{Value, json};

use super::{CliError, Env, Result, as_of, output};
use crate::cli::{AddArgs, FilterArgs, Format, ListArgs, RespondArgs};
use crate::domain::format::date_dmy;
use crate::domain::identity::{mask_pin, parse_passport};
use crate::domain::kind::DataCategory;
use crate::domain::outcome::{CategoryAction, Response};
use crate::domain::parse::RefInput;
use crate::domain::request::{NewRequest, Subject, SubjectRequest};
use crate::domain::validation::field_error;
use crate::i18n::{t, tf};
use crate::model::{AssigneeFilter, EventKind, ListFilter, Page, SortKey};
use crate::service::{RequestView, Session};

pub(super) fn add(env: &Env, a: &AddArgs, out: &mut impl Write) -> Result<()> {
    let mut s = env.session()?;
    let today = s.today();
    let mut categories: Vec<DataCategory> = Vec::new();
    for c in &a.categories {
        if !categories.contains(c) {
            categories.push(*c);
        }
    }
    let mut warnings = Vec::new();
    let passport = match &a.passport {
        Some(doc) => {
            let (mut p, w) = parse_passport(doc, today, a.passport_issued)?;
            p.issuer = a.passport_issuer.trim().to_string();
            warnings.extend(w);
            Some(p)
        }
        None => None,
    };
    let new = NewRequest {
        kind: a.kind,
        channel: a.channel,
        lang: a.lang,
        received_on: a.received.unwrap_or(today),
        identity: a.identity,
        categories,
        description: a.description.trim().to_string(),
        subject: Subject {
            name: a.name.trim().to_string(),
            pin: a.pin.trim().to_string(),
            birth_date: a.birth_date,
            passport,
            address: a.address.trim().to_string(),
            email: a.email.trim().to_string(),
            phone: a.phone.trim().to_string(),
        },
        representative: a.representative.as_ref().map(|name| crate::domain::request::Representative {
            name: name.trim().to_string(),
            document: a.representative_document.trim().to_string(),
            address: a.representative_address.trim().to_string(),
            email: a.representative_email.trim().to_string(),
            phone: a.representative_phone.trim().to_string(),
        }),
        office: match &a.office {
            Some(code) => Some(s.office(code)?.id),
            None => None,
        },
    };
    // A receipt date long before today is a likely typo: registered only when confirmed.
    if !a.confirm_old_receipt && crate::service::old_receipt(&new, today).is_some() {
        new.validate(today, today, &s.calendar)?;
        let days = (today - new.received_on).num_days();
        return Err(field_error(
            "received",
            crate::msg!(
                "message.old_receipt_add",
                date = new.received_on.format("%d.%m.%Y").to_string(),
                days = days
            ),
        )
        .into());
    }
    let reg = s.register(&new, a.assignee.as_deref())?;
    warnings.extend(
        reg.warnings
            .into_iter()
            .filter(|w| !(a.confirm_old_receipt && w.field == crate::service::RECEIVED_OLD)),
    );
    for w in &warnings {
        let w = crate::i18n::localize::Localize::localized(w);
        eprintln!("{}: {}", t("letter_warning.prefix"), output::neutralise(&w));
    }
    // A provisional governing deadline is said where the operator looks, stdout staying the
    // reference alone for scripts.
    if let Some(g) = crate::domain::deadline::governing(&reg.request.deadlines)
        && let Some(why) = &g.provisional
    {
        eprintln!(
            "{}: {} {}",
            t("letter_warning.prefix"),
            g.due_on,
            crate::i18n::tf("drift.provisional_line", &[("reason", why)])
        );
    }
    match env.format {
        Format::Json => output::json(out, &RequestView::new(&s, &reg.request, today).json(false))?,
        _ => writeln!(out, "{}", reg.request.reference)?,
    }
    Ok(())
}

pub(super) fn list(env: &Env, a: &ListArgs, out: &mut impl Write) -> Result<()> {
    let s = env.session()?;
    let (filter, today) = filter_of(&s, &a.filter)?;
    if a.limit == 0 || a.limit > 10_000 {
        return Err(field_error("limit", crate::msg!("message.between", min = 1u32, max = 10000u32)).into());
    }
    // A past --as-of replays the events (a slower path); today's list pages over indexes.
    let (rows, total) = if today < s.today() {
        let mut rows = s.open_as_of(&filter, today)?;
        let total = rows.len();
        rows.truncate(a.limit);
        (rows, total)
    } else {
        let rows = s.list(&filter, SortKey::Due, &Page { limit: a.limit, ..Page::default() })?;
        // Counted only when the page is full: a shorter page is everything.
        let total = if rows.len() >= a.limit { s.count(&filter)? as usize } else { rows.len() };
        (rows, total)
    };
    print_list(env, &s, &rows, today, out)?;
    if total > rows.len() {
        // On stderr: stdout stays the rows alone for scripts.
        eprintln!("{}", tf("casefile.more_rows", &[("shown", &rows.len()), ("total", &total)]));
    }
    Ok(())
}

/// The values in the order given, each once.
fn distinct<T: Copy + PartialEq>(v: &[T]) -> Vec<T> {
    let mut out: Vec<T> = Vec::new();
    for x in v {
        if !out.contains(x) {
            out.push(*x);
        }
    }
    out
}

/// The list filter of `list` and `export`, and the as-of date.
pub(super) fn filter_of(s: &Session, a: &FilterArgs) -> Result<(ListFilter, chrono::NaiveDate)> {
    let today = as_of(s, a.as_of);
    if a.due_within.is_some_and(|d| d > 3660) {
        return Err(field_error("due-within", crate::msg!("message.at_most_days", max = 3660u32)).into());
    }
    let filter = ListFilter {
        statuses: distinct(&a.statuses),
        kinds: distinct(&a.kinds),
        channels: distinct(&a.channels),
        offices: s.office_ids(&a.offices)?,
        assignee: match (&a.assignee, a.mine, a.unassigned) {
            (Some(l), _, _) => AssigneeFilter::Is(l.clone()),
            (None, true, _) => AssigneeFilter::Is(s.operator.login.clone()),
            (None, false, true) => AssigneeFilter::Unassigned,
            _ => AssigneeFilter::Any,
        },
        overdue_as_of: a.overdue.then_some(today),
        due_from: a.due_within.map(|_| today),
        due_to: a.due_within.and_then(|d| today.checked_add_days(chrono::Days::new(d.into()))),
        search: a.search.clone(),
        all_statuses: a.all,
        ..ListFilter::default()
    };
    Ok((filter, today))
}

fn print_list(
    env: &Env,
    s: &Session,
    rows: &[SubjectRequest],
    today: chrono::NaiveDate,
    out: &mut impl Write,
) -> Result<()> {
    match env.format {
        Format::Json => {
            let views: Vec<RequestView<'_>> = rows.iter().map(|r| RequestView::new(s, r, today)).collect();
            let typed: Vec<_> = views.iter().map(|v| v.typed(true)).collect();
            crate::domain::safe_text::json_pretty(&mut *out, &typed).map_err(std::io::Error::from)?;
            writeln!(out)?;
        }
        f => {
            let header = ["REF", "KIND", "SUBJECT", "PIN", "RECEIVED", "DUE", "LEFT", "ASSIGNEE", "STATUS"];
            let table: Vec<Vec<String>> = rows
                .iter()
                .map(|r| {
                    vec![
                        r.reference.clone(),
                        code(f, "kind_short", r.kind.code()),
                        r.subject.name.clone(),
                        mask_pin(&r.subject.pin),
                        r.received_on.to_string(),
                        r.due_on.to_string(),
                        if r.is_open() { r.days_left(today).to_string() } else { "-".into() },
                        r.assignee.clone().unwrap_or_else(|| "-".into()),
                        code(f, "status_short", r.status.code()),
                    ]
                })
                .collect();
            if f == Format::Csv {
                output::csv(out, &header, &table)?;
            } else {
                output::table(out, &header, &table)?;
            }
        }
    }
    Ok(())
}

pub(super) fn show(
    env: &Env,
    reference: &RefInput,
    as_of_arg: Option<chrono::NaiveDate>,
    out: &mut impl Write,
) -> Result<()> {
    let mut s = env.session()?;
    let today = as_of(&s, as_of_arg);
    let reference = s.reference(reference);
    // The view is on record before the first byte leaves; a view cut short (a closed pipe,
    // a full disk) is marked interrupted and fails, like an export.
    let (d, entry) = s.show_on_record(&reference)?;
    let result = write_detail(env, &s, &d, today, out).and_then(|()| Ok(out.flush()?));
    if let Err(e) = result {
        let reason = match &e {
            CliError::Io(io) if io.kind() == std::io::ErrorKind::BrokenPipe => {
                crate::msg!("message.reader_closed")
            }
            other => crate::i18n::localize::Localize::message(other),
        };
        s.end_disclosure(entry, "view", &d.request.reference, Err(reason.to_string()))?;
        return Err(crate::service::Error::Config(crate::msg!(
            "message.view_cut_short",
            reason = reason,
            entry = entry
        ))
        .into());
    }
    Ok(())
}

/// Prints one request's detail: its fields, deadlines, timeline and related requests.
fn write_detail(
    env: &Env,
    s: &crate::service::Session,
    d: &crate::service::Detail,
    today: chrono::NaiveDate,
    out: &mut impl Write,
) -> Result<()> {
    let view = RequestView::new(s, &d.request, today);
    match env.format {
        Format::Json => {
            let mut v = view.json(false);
            v["events"] = serde_json::to_value(&d.events).unwrap_or_default();
            v["related"] = Value::Array(d.related.iter().map(|r| json!({"ref": r.reference, "kind": r.kind, "status": r.status, "received_on": r.received_on})).collect());
            v["attachments"] = serde_json::to_value(&d.attachments).unwrap_or_default();
            v["representative"] = serde_json::to_value(&d.representative).unwrap_or_default();
            v["closed_as"] = json!(d.duplicate_of.as_ref().map(|_| "duplicate"));
            v["duplicate_of"] = json!(d.duplicate_of);
            v["duplicates"] = json!(d.duplicates);
            output::json(out, &v)?;
        }
        f => {
            let r = &d.request;
            let sub = &r.subject;
            let mut fields = vec![
                ("ref", r.reference.clone()),
                ("kind", code(f, "kind", r.kind.code())),
                ("status", code(f, "status", r.status.code())),
                ("channel", code(f, "channel", r.channel.code())),
                ("lang", code(f, "lang", r.lang.code())),
                ("received", date_dmy(r.received_on)),
                ("registered", date_dmy(r.registered_on)),
                ("due", date_dmy(r.due_on)),
            ];
            if r.is_open() {
                let left = r.days_left(today);
                fields.push((
                    "days left",
                    if left < 0 { tf("cli.overdue_days", &[("days", &left)]) } else { left.to_string() },
                ));
            }
            fields.extend([
                ("assignee", r.assignee.clone().unwrap_or_else(|| "-".into())),
                ("subject", sub.name.clone()),
                ("pin", sub.pin.clone()),
                ("birth date", sub.birth_date.map(date_dmy).unwrap_or_default()),
                ("passport", sub.passport.as_ref().map(|p| p.document.clone()).unwrap_or_default()),
                ("address", sub.address.clone()),
                ("email", sub.email.clone()),
                ("phone", sub.phone.clone()),
                ("identity", code(f, "identity", r.identity.code())),
                (
                    "categories",
                    r.categories.iter().map(|c| code(f, "category", c.code())).collect::<Vec<_>>().join(", "),
                ),
                ("description", r.description.clone()),
            ]);
            if let Some(o) = r.outcome {
                fields.push(("outcome", code(f, "outcome", o.code())));
                fields
                    .push(("ground", r.ground.as_deref().map(|g| code(f, "ground", g)).unwrap_or_default()));
                fields.push(("responded", r.responded_on.map(date_dmy).unwrap_or_default()));
            }
            if let Some(rep) = &d.representative {
                let contacts: Vec<&str> = [&rep.document, &rep.address, &rep.email, &rep.phone]
                    .into_iter()
                    .map(String::as_str)
                    .filter(|x| !x.is_empty())
                    .collect();
                let mut text = rep.name.clone();
                if !contacts.is_empty() {
                    text = format!("{text} ({})", contacts.join(", "));
                }
                fields.push(("representative", text));
            }
            if let Some(o) = &d.duplicate_of {
                fields.push(("duplicate of", o.clone()));
            }
            if !d.duplicates.is_empty() {
                fields.push(("duplicates", d.duplicates.join(", ")));
            }
            if let Some(p) = &r.pause {
                fields.push((
                    "paused",
                    tf(
                        "cli.paused_since",
                        &[
                            ("since", &date_dmy(p.since)),
                            ("category", &code(f, "pause", &p.category)),
                            ("reason", &p.reason),
                        ],
                    ),
                ));
            }
            if f == Format::Csv {
                let header: Vec<&str> = fields.iter().map(|(k, _)| *k).collect();
                output::csv(out, &header, &[fields.iter().map(|(_, v)| v.clone()).collect()])?;
                return Ok(());
            }
            output::record(out, &fields)?;
            writeln!(out, "\n{}", t("cli.deadlines"))?;
            let (binding, advisory) = (t("cli.binding"), t("cli.advisory"));
            let w = binding.chars().count().max(advisory.chars().count());
            for dl in &r.deadlines {
                writeln!(
                    out,
                    "  {} {:<w$} {}",
                    date_dmy(dl.due_on),
                    if dl.binding { binding } else { advisory },
                    output::neutralise(&crate::i18n::deadline::explanation(
                        dl,
                        &s.rules,
                        &s.calendar,
                        r.received_on,
                        r.registered_on
                    ))
                )?;
            }
            super::drift::governing_lines(&s.rules, &r.deadlines, out)?;
            writeln!(out, "\n{}", t("cli.timeline"))?;
            for e in &d.events {
                // The old and new values of a status or an answer are codes.
                let value = |v: &str| match e.kind {
                    EventKind::StatusChanged | EventKind::Reopened | EventKind::Withdrawn => {
                        crate::i18n::shown("status", v)
                    }
                    EventKind::Responded => crate::i18n::shown("outcome", v),
                    _ => v.to_string(),
                };
                let change = match (&e.old, &e.new) {
                    _ if !crate::i18n::timeline::shows_change(e) => String::new(),
                    (Some(o), Some(n)) => format!(" {} → {}", value(o), value(n)),
                    (None, Some(n)) => format!(" {}", value(n)),
                    _ => String::new(),
                };
                // The case file's events are said in the language, as the terminal UI says them.
                let text = match crate::i18n::timeline::said(e, &d.attachments) {
                    Some(said) => format!(": {said}"),
                    None if e.text.is_empty() => String::new(),
                    None => format!(": {}", e.text),
                };
                let kind = crate::i18n::shown("event", e.kind.code());
                // Every part is stored text: the time and actor could be planted too.
                writeln!(
                    out,
                    "  {}",
                    output::neutralise(&format!("{} {} {kind}{change}{text}", e.at, e.actor))
                )?;
            }
            if !d.attachments.is_empty() {
                writeln!(out, "\n{}", t("casefile.attachments"))?;
                for a in &d.attachments {
                    let kind = crate::i18n::label_owned("attachment_kind", a.kind.code());
                    let line = format!(
                        "  {} {kind}: {} ({}) {} {}",
                        a.n,
                        a.file_name,
                        crate::i18n::timeline::size_text(a.size),
                        a.added_by,
                        a.added_at
                    );
                    writeln!(out, "{}", output::neutralise(&line))?;
                }
            }
            if !d.related.is_empty() {
                writeln!(out, "\n{}", t("cli.related"))?;
                for o in &d.related {
                    writeln!(
                        out,
                        "  {} {} {} {}",
                        o.reference,
                        crate::i18n::shown("kind", o.kind.code()),
                        crate::i18n::shown("status", o.status.code()),
                        date_dmy(o.received_on)
                    )?;
                }
            }
        }
    }
    Ok(())
}

pub(super) fn assign(env: &Env, args: &[String], out: &mut impl Write) -> Result<()> {
    let (login, refs) =
        args.split_last().ok_or_else(|| field_error("login", crate::msg!("message.required")))?;
    let mut s = env.session()?;
    let year = chrono::Datelike::year(&s.today());
    let refs = refs
        .iter()
        .map(|r| crate::domain::parse::reference(r, year))
        .collect::<std::result::Result<Vec<_>, _>>()?;
    let done = s.assign_many(&refs, login, None)?;
    let today = s.today();
    match env.format {
        Format::Json => output::json(
            out,
            &Value::Array(done.iter().map(|r| RequestView::new(&s, r, today).json(true)).collect()),
        )?,
        _ => {
            for r in &done {
                writeln!(out, "{} → {login}", r.reference)?;
            }
        }
    }
    Ok(())
}

pub(super) fn respond(env: &Env, a: &RespondArgs, out: &mut impl Write) -> Result<()> {
    let mut s = env.session()?;
    let mut actions = Vec::new();
    for spec in &a.actions {
        let (c, act) = spec
            .split_once('=')
            .ok_or_else(|| field_error("action", crate::msg!("message.action_spec", text = spec)))?;
        actions.push((c.parse::<DataCategory>()?, act.parse::<CategoryAction>()?));
    }
    let response = Response {
        outcome: a.outcome,
        ground: a.ground.clone().filter(|g| !g.trim().is_empty()),
        text: a.text.trim().to_string(),
        responded_on: a.responded.unwrap_or(s.today()),
        channel: a.channel,
        actions,
        details: crate::domain::referral::ResponseDetails {
            copy_medium: a.medium,
            copy_charged: a.charged,
            referred_to: a.referred_to.clone().filter(|b| !b.trim().is_empty()),
        },
        backdate_reason: a.reason.clone().unwrap_or_default().trim().to_string(),
        identity: crate::domain::outcome::IdentityAtAnswer {
            verified_by: a.identity_verified_by,
            override_reason: a.identity_override.clone(),
        },
    };
    let r = s.respond(&s.reference(&a.reference), &response, None)?;
    print_done(env, &s, &r, out)
}

/// After a change: the reference and new status, or the whole record as JSON.
pub(super) fn print_done(env: &Env, s: &Session, r: &SubjectRequest, out: &mut impl Write) -> Result<()> {
    match env.format {
        Format::Json => output::json(out, &RequestView::new(s, r, s.today()).json(true))?,
        _ => writeln!(
            out,
            "{}",
            tf(
                "cli.done_due",
                &[("reference", &r.reference), ("status", &r.status), ("due", &date_dmy(r.due_on))]
            )
        )?,
    }
    Ok(())
}

/// A code in a table or record: its label in the interface language (English: the code);
/// CSV keeps the code.
fn code(f: Format, prefix: &str, code: &str) -> String {
    if f == Format::Csv { code.to_string() } else { crate::i18n::shown(prefix, code) }
}
