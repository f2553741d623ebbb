//! The non-interactive subcommands. Each parses and validates its arguments, calls one use
//! case of the services, and prints the result as a table, JSON or CSV.

mod batch;
mod casefile;
mod completions;
mod doctor;
mod drift;
mod import;
mod letters;
mod output;
mod report;
mod requests;
mod schedule;
mod trust;

use std::io::Write;
use std::path::PathBuf;

use chrono::{Datelike, NaiveDate};
use serde_json::json;

use crate::cli::{CalendarArgs, CalendarCommand, Cli, Command, Format, OfficeCommand, OperatorCommand};
use crate::config::{Config, ConfigError};
use crate::domain::calendar::{Calendar, month_days};
use crate::domain::format::date_dmy;
use crate::domain::kind::RequestKind;
use crate::i18n::localize::{Localize, Message};
use crate::i18n::{t, tf};
use crate::service::{self, Clock, Session};

pub use completions::{CONFIG_KEYS, script as completion_script, write_man_pages};
pub use doctor::{Finding, Input as DoctorInput, diagnose, doctor};
pub use output::neutralise;

/// Errors at the edge: one line on stderr, exit code 1.
#[derive(Debug, thiserror::Error)]
pub enum CliError {
    #[error(transparent)]
    Service(#[from] service::Error),
    #[error(transparent)]
    Config(#[from] ConfigError),
    #[error(transparent)]
    Catalog(#[from] crate::i18n::CatalogError),
    #[error("{0}")]
    Io(#[from] std::io::Error),
}

impl From<crate::domain::validation::FieldError> for CliError {
    fn from(e: crate::domain::validation::FieldError) -> Self {
        CliError::Service(e.into())
    }
}

impl From<crate::store::StoreError> for CliError {
    fn from(e: crate::store::StoreError) -> Self {
        CliError::Service(e.into())
    }
}

impl From<crate::domain::code::UnknownCode> for CliError {
    fn from(e: crate::domain::code::UnknownCode) -> Self {
        CliError::Service(e.into())
    }
}

pub type Result<T> = std::result::Result<T, CliError>;

impl Localize for CliError {
    fn message(&self) -> Message {
        match self {
            CliError::Service(e) => e.message(),
            CliError::Config(e) => e.message(),
            CliError::Catalog(e) => e.message(),
            CliError::Io(e) => crate::i18n::localize::io_error(e),
        }
    }
}

impl CliError {
    /// A short name of the kind of error, safe for the log (no user input).
    pub fn kind(&self) -> String {
        use crate::service::Error as E;
        match self {
            CliError::Service(E::Invalid(f)) => format!("invalid {}", f.field),
            CliError::Service(E::NotFound(_)) => "not found".into(),
            CliError::Service(E::Transition { action, status, .. }) => {
                format!("cannot {action} when {status}")
            }
            CliError::Service(E::Forbidden { action, .. }) => format!("forbidden: {action}"),
            CliError::Service(E::NotYours { .. }) => "not assigned to the operator".into(),
            CliError::Service(E::OtherOffice { .. }) => "request of another office".into(),
            CliError::Service(E::OfficeOutOfScope { .. }) => "office outside the operator's scope".into(),
            CliError::Service(E::UnknownOffice(_)) => "unknown office".into(),
            CliError::Service(E::UnknownOperator(_)) => "unknown operator".into(),
            CliError::Service(E::DisabledOperator(_)) => "disabled operator".into(),
            CliError::Service(E::NotAllowedByRules(_)) => "not allowed by the rules".into(),
            CliError::Service(E::IdentityNotVerified { .. }) => "identity not verified".into(),
            CliError::Service(E::Config(_)) => "configuration or file".into(),
            CliError::Service(E::Store(e)) => format!("store: {}", e.kind()),
            CliError::Config(_) => "config file".into(),
            CliError::Catalog(_) => "catalog override".into(),
            CliError::Io(_) => "i/o".into(),
        }
    }
}

/// The subcommand's name, for the log.
pub fn name(c: &Command) -> &'static str {
    match c {
        Command::Init { .. } => "init",
        Command::Operator(_) => "operator",
        Command::Office(_) => "office",
        Command::Move { .. } => "move",
        Command::Add(_) => "add",
        Command::List(_) => "list",
        Command::Show { .. } => "show",
        Command::Assign { .. } => "assign",
        Command::Note { .. } => "note",
        Command::Status { .. } => "status",
        Command::Respond(_) => "respond",
        Command::Withdraw { .. } => "withdraw",
        Command::Reopen { .. } => "reopen",
        Command::Extend { .. } => "extend",
        Command::Pause { .. } => "pause",
        Command::Resume { .. } => "resume",
        Command::Deadline { .. } => "deadline",
        Command::Calendar(_) => "calendar",
        Command::Grounds { .. } => "grounds",
        Command::Report(_) => "report",
        Command::Digest { .. } => "digest",
        Command::Export(_) => "export",
        Command::Audit(_) => "audit",
        Command::Check { .. } => "check",
        Command::Recompute { .. } => "recompute",
        Command::Backup { .. } => "backup",
        Command::Migrate { .. } => "migrate",
        Command::Retention { .. } => "retention",
        Command::Import { .. } => "import",
        Command::Letter(_) => "letter",
        Command::SubjectExport { .. } => "subject-export",
        Command::Demo { .. } => "demo",
        Command::Doctor { .. } => "doctor",
        Command::Completions { .. } => "completions",
        Command::Man { .. } => "man",
        Command::Complete { .. } => "__complete",
        Command::Batch => "__batch",
        Command::Attach { .. } => "attach",
        Command::Attachments { .. } => "attachments",
        Command::Attachment { .. } => "attachment",
        Command::Link { .. } => "link",
        Command::ImportMail { .. } => "import-mail",
    }
}

/// What every command needs: where the database is, the configuration, the output format.
pub struct Env {
    /// The key of an encrypted database, from `ARYZ_KEY_FILE`, `key_file` or `--ask-key`.
    pub key: Option<String>,
    pub db: PathBuf,
    pub config: Config,
    pub config_dir: PathBuf,
    pub format: Format,
}

impl Env {
    /// Reads the configuration and chooses the interface language (`--lang`, else the
    /// configuration's, else the locale): what even a refused command line needs, to say why.
    pub fn interface(cli: &Cli) -> Result<(Config, PathBuf)> {
        let config_dir = crate::paths::config_dir();
        let config = match Config::load(&config_dir.join(crate::paths::CONFIG_FILE)) {
            Ok(config) => config,
            Err(e) => {
                // What is wrong with the configuration is said in the language of --lang
                // (else the locale's): the configuration's own choice cannot be read.
                let _ = crate::i18n::init(crate::i18n::choose(cli.lang, None), &config_dir);
                return Err(e.into());
            }
        };
        crate::i18n::init(crate::i18n::choose(cli.lang, config.language), &config_dir)?;
        Ok((config, config_dir))
    }

    pub fn load(cli: &Cli) -> Result<Env> {
        let (config, config_dir) = Env::interface(cli)?;
        let db = cli.db.clone().or_else(|| config.database.clone()).unwrap_or_else(crate::paths::default_db);
        crate::files::set_group_access(config.group_access);
        // Opened once the configuration is known: with group access the log is shared by
        // the group's logins (0660), else its owner's only.
        crate::logging::init(&crate::paths::log_file());
        crate::store::set_busy_timeout(busy_timeout(&config)?);
        let key = crate::keys::load(&config, &config_dir, cli.ask_key)?;
        Ok(Env { key, db, config, config_dir, format: cli.output_format() })
    }

    pub fn session(&self) -> Result<Session> {
        let rules = self.config.rules(&self.config_dir)?;
        crate::startup_trace::mark("deadline rules parsed");
        Ok(Session::open_keyed(&self.db, &self.config, rules, self.key.as_deref())?)
    }

    fn clock(&self) -> Clock {
        Clock::new(self.config.offset(), None)
    }
}

/// How long to wait for another process's lock: `ARYZ_BUSY_TIMEOUT_MS` (the tests' short
/// wait, or a one-off longer one) over the configuration's `busy_timeout_ms`.
fn busy_timeout(config: &Config) -> Result<std::time::Duration> {
    const VAR: &str = "ARYZ_BUSY_TIMEOUT_MS";
    let ms = match std::env::var(VAR) {
        Ok(v) if !v.is_empty() => {
            v.trim().parse::<u64>().ok().filter(|ms| crate::config::BUSY_TIMEOUT_MS.contains(ms)).ok_or_else(
                || crate::domain::validation::field_error(VAR, crate::msg!("message.busy_timeout.rule")),
            )?
        }
        _ => config.busy_timeout_ms,
    };
    Ok(std::time::Duration::from_millis(ms))
}

/// Runs a subcommand, writing its output to `out`.
pub fn run(env: &Env, command: &Command, out: &mut impl Write) -> Result<()> {
    match command {
        Command::Init { dev_identity } => {
            let (_, login) =
                service::init_database(&env.db, *dev_identity, &env.clock(), env.key.as_deref())?;
            writeln!(out, "{}", tf("cli.created", &[("path", &env.db.display()), ("login", &login)]))?;
            if *dev_identity {
                writeln!(out, "{}", t("cli.dev_identity"))?;
            }
        }
        Command::Operator(cmd) => operator(env, cmd, out)?,
        Command::Add(a) => requests::add(env, a, out)?,
        Command::List(a) => requests::list(env, a, out)?,
        Command::Show { reference, as_of, .. } => requests::show(env, reference, *as_of, out)?,
        Command::Assign { args, .. } => requests::assign(env, args, out)?,
        Command::Note { reference, text, to_subject, .. } => {
            let mut s = env.session()?;
            let r = s.note(&s.reference(reference), text, *to_subject)?;
            requests::print_done(env, &s, &r, out)?;
        }
        Command::Status { reference, status, reason, .. } => {
            let mut s = env.session()?;
            let r = s.set_status(&s.reference(reference), *status, reason, None)?;
            requests::print_done(env, &s, &r, out)?;
        }
        Command::Respond(a) => requests::respond(env, a, out)?,
        Command::Office(c) => office(env, c, out)?,
        Command::Move { reference, to, reason, .. } => {
            let mut s = env.session()?;
            let r = s.move_request(&s.reference(reference), to, reason)?;
            requests::print_done(env, &s, &r, out)?;
        }
        Command::Withdraw { reference, reason, .. } => {
            let mut s = env.session()?;
            let r = s.withdraw(&s.reference(reference), reason, None)?;
            requests::print_done(env, &s, &r, out)?;
        }
        Command::Reopen { reference, reason, .. } => {
            let mut s = env.session()?;
            let r = s.reopen(&s.reference(reference), reason, None)?;
            requests::print_done(env, &s, &r, out)?;
        }
        Command::Extend { reference, days, reason, .. } => {
            let mut s = env.session()?;
            let r = s.extend(&s.reference(reference), *days, reason, None)?;
            requests::print_done(env, &s, &r, out)?;
        }
        Command::Pause { reference, category, reason, .. } => {
            let mut s = env.session()?;
            let r = s.pause(&s.reference(reference), category, reason)?;
            requests::print_done(env, &s, &r, out)?;
        }
        Command::Resume { reference, .. } => {
            let mut s = env.session()?;
            let r = s.resume(&s.reference(reference))?;
            requests::print_done(env, &s, &r, out)?;
        }
        Command::Deadline { kind, received, registered, .. } => {
            deadline(env, *kind, *received, *registered, out)?;
        }
        Command::Calendar(a) => calendar(env, a, out)?,
        Command::Grounds { .. } => grounds(env, out)?,
        Command::Report(cmd) => report::report(env, cmd, out)?,
        Command::Digest { as_of, deliver, offices, .. } => {
            report::digest(env, *as_of, *deliver, offices, out)?;
        }
        Command::Export(a) => report::export(env, a, out)?,
        Command::Audit(cmd) => trust::audit(env, cmd, out)?,
        Command::Check { .. } => trust::check(env, out)?,
        Command::Recompute { apply, .. } => drift::recompute(env, *apply, out)?,
        Command::Backup { file, keep } => trust::backup(env, file.as_deref(), *keep, out)?,
        Command::Migrate { to } => trust::migrate(env, to, out)?,
        Command::Retention { dry_run, years, .. } => trust::retention(env, *dry_run, *years, out)?,
        Command::Import { file, dry_run, rejects, verbose, .. } => {
            import::import(env, file, *dry_run, rejects.as_deref(), *verbose, out)?;
        }
        Command::Letter(a) => letters::letter(env, a, out)?,
        Command::SubjectExport { pin, output, .. } => letters::subject_export(env, pin, output, out)?,
        Command::Demo { requests, seed } => {
            let mut s = env.session()?;
            let n = s.demo(*requests, *seed)?;
            writeln!(out, "{}", crate::i18n::tn("cli.demo_added", n as u64, &[]))?;
        }
        Command::Doctor { .. } => doctor::doctor(&doctor::Input::of_env(env), out)?,
        Command::Completions { shell } => completions::completions(*shell, out)?,
        Command::Man { dir } => completions::man(dir, out)?,
        Command::Complete { what, prefix } => completions::candidates(env, *what, prefix, out)?,
        Command::Batch => batch::batch(env, std::io::stdin().lock(), out)?,
        Command::Attach { reference, file, kind, .. } => casefile::attach(env, reference, file, *kind, out)?,
        Command::Attachments { reference, .. } => casefile::attachments(env, reference, out)?,
        Command::Attachment { reference, n, output, .. } => {
            casefile::attachment(env, reference, *n, output, out)?;
        }
        Command::Link { reference, duplicate_of, .. } => casefile::link(env, reference, duplicate_of, out)?,
        Command::ImportMail { path, kind, .. } => casefile::import_mail(env, path, *kind, out)?,
    }
    Ok(())
}

fn office(env: &Env, cmd: &OfficeCommand, out: &mut impl Write) -> Result<()> {
    let mut s = env.session()?;
    let offices = match cmd {
        OfficeCommand::Add { code, name_en, name_ky, name_ru, head, .. } => {
            vec![s.add_office(code, name_en, name_ky, name_ru, *head)?]
        }
        OfficeCommand::Edit { code, new_code, name_en, name_ky, name_ru, head, active, .. } => {
            let edit = crate::service::OfficeEdit {
                code: new_code.clone(),
                name_en: name_en.clone(),
                name_ky: name_ky.clone(),
                name_ru: name_ru.clone(),
                head: *head,
                active: *active,
            };
            vec![s.edit_office(code, &edit)?]
        }
        OfficeCommand::List { .. } => s.offices()?,
    };
    match env.format {
        Format::Json => output::json(out, &serde_json::to_value(&offices).unwrap_or_default())?,
        f => {
            let lang = crate::i18n::current().code();
            let rows: Vec<Vec<String>> = offices
                .iter()
                .map(|o| {
                    vec![
                        o.code.clone(),
                        if o.head { "head".into() } else { String::new() },
                        if o.active { "active".into() } else { "inactive".into() },
                        o.name(lang).to_string(),
                    ]
                })
                .collect();
            let header = ["CODE", "HEAD", "STATE", "NAME"];
            if f == Format::Csv {
                output::csv(out, &header, &rows)?;
            } else {
                output::table(out, &header, &rows)?;
            }
        }
    }
    Ok(())
}

fn operator(env: &Env, cmd: &OperatorCommand, out: &mut impl Write) -> Result<()> {
    let mut s = env.session()?;
    let ops = match cmd {
        OperatorCommand::Add { login, role, name, office, .. } => {
            vec![s.add_operator_in(login, *role, name, office.as_deref())?]
        }
        OperatorCommand::Disable { login, .. } => vec![s.disable_operator(login)?],
        OperatorCommand::List { .. } => s.operators()?,
    };
    match env.format {
        Format::Json => output::json(out, &serde_json::to_value(&ops).unwrap_or_default())?,
        f => {
            let rows: Vec<Vec<String>> = ops
                .iter()
                .map(|o| {
                    let state = if o.active { "active" } else { "disabled" };
                    let shown = |prefix: &str, code: &str| {
                        if f == Format::Csv { code.to_string() } else { crate::i18n::shown(prefix, code) }
                    };
                    vec![
                        o.login.clone(),
                        shown("role", o.role.code()),
                        shown("operator_state", state),
                        o.name.clone(),
                    ]
                })
                .collect();
            let header = ["LOGIN", "ROLE", "STATE", "NAME"];
            if f == Format::Csv {
                output::csv(out, &header, &rows)?;
            } else {
                output::table(out, &header, &rows)?;
            }
        }
    }
    Ok(())
}

/// The calendar of the shipped file plus the database's entries when a database is there
/// (a command that "needs no database" still honours an administrator's additions).
fn calendar_for(env: &Env) -> Calendar {
    service::stored_calendar(&env.db, env.key.as_deref()).unwrap_or_else(|_| Calendar::shipped())
}

fn deadline(
    env: &Env,
    kind: RequestKind,
    received: NaiveDate,
    registered: Option<NaiveDate>,
    out: &mut impl Write,
) -> Result<()> {
    let registered = registered.unwrap_or(received);
    if registered < received {
        return Err(crate::domain::validation::field_error(
            "registered",
            crate::msg!("message.before_received"),
        )
        .into());
    }
    let rules = env.config.rules(&env.config_dir)?;
    let cal = calendar_for(env);
    let deadlines = rules.deadlines(kind, received, registered, &cal);
    let governing = crate::domain::deadline::governing(&deadlines).map(|g| g.rule.clone());
    match env.format {
        Format::Json => output::json(
            out,
            &json!({
                "deadlines": deadlines,
                "governing": governing,
                "limit": rules.limit(&deadlines).map(|l| &l.rule),
                "provisional": deadlines.iter().any(|d| d.provisional.is_some()),
            }),
        )?,
        f => {
            let rows: Vec<Vec<String>> = deadlines
                .iter()
                .map(|d| {
                    vec![
                        d.rule.clone(),
                        d.due_on.to_string(),
                        // CSV keeps its plain values; the table marks the governing deadline and the limit.
                        if f == Format::Csv {
                            if d.binding { "binding" } else { "advisory" }.to_string()
                        } else {
                            drift::binds_label(d, governing.as_deref(), rules.limit_rule.as_deref())
                        },
                        crate::i18n::deadline::explanation(d, &rules, &cal, received, registered),
                    ]
                })
                .collect();
            let header = ["RULE", "DUE", "BINDS", "EXPLANATION"];
            if f == Format::Csv {
                output::csv(out, &header, &rows)?;
            } else {
                output::table(out, &header, &rows)?;
                drift::governing_lines(&rules, &deadlines, out)?;
            }
        }
    }
    Ok(())
}

fn parse_month(s: &str) -> Result<(i32, u32)> {
    let bad =
        || crate::domain::validation::field_error("month", crate::msg!("message.not_a_month", text = s));
    let (y, m) = s.trim().split_once('-').ok_or_else(bad)?;
    let (y, m): (i32, u32) = (y.parse().map_err(|_| bad())?, m.parse().map_err(|_| bad())?);
    if !(1..=12).contains(&m) || !(1900..=2200).contains(&y) || s.trim().len() != 7 {
        return Err(bad().into());
    }
    Ok((y, m))
}

fn calendar(env: &Env, a: &CalendarArgs, out: &mut impl Write) -> Result<()> {
    match &a.command {
        Some(CalendarCommand::Add { date, kind, name, basis, confidence, source, .. }) => {
            let (date, kind) = (*date, *kind);
            let mut s = env.session()?;
            // Without a source nothing confirms the day: it is recorded as expected.
            let confidence = confidence.clone().unwrap_or_else(|| {
                if source.trim().is_empty() { "expected".into() } else { "confirmed".into() }
            });
            let (e, drift) = s.add_calendar_entry(date, kind, name, basis, &confidence, source)?;
            writeln!(out, "{} {} ({}): {}", date_dmy(e.date), e.kind, e.confidence, neutralise(&e.name))?;
            return drift::print_drift(env, &drift, false, out);
        }
        Some(CalendarCommand::Remove { date, reason, .. }) => {
            let date = *date;
            let mut s = env.session()?;
            let drift = s.remove_calendar_date(date, reason)?;
            writeln!(out, "{}", tf("drift.removed", &[("date", &date_dmy(date))]))?;
            return drift::print_drift(env, &drift, false, out);
        }
        Some(CalendarCommand::Expected { from, .. }) => {
            let from = from.unwrap_or_else(|| env.clock().today());
            return drift::expected(env, &calendar_for(env), from, out);
        }
        None => {}
    }
    let cal = calendar_for(env);
    let months: Vec<(i32, u32)> = match (&a.month, a.year) {
        (Some(m), _) => vec![parse_month(m)?],
        (None, Some(y)) => {
            if !(1900..=2200).contains(&y) {
                return Err(crate::domain::validation::field_error(
                    "year",
                    crate::msg!("message.between", min = 1900u32, max = 2200u32),
                )
                .into());
            }
            (1..=12).map(|m| (y, m)).collect()
        }
        (None, None) => {
            let today = env.clock().today();
            (1..=12).map(|m| (today.year(), m)).collect()
        }
    };
    let data: Vec<serde_json::Value> = months
        .iter()
        .map(|(y, m)| {
            let days: Vec<serde_json::Value> = cal
                .non_working_days(*y, *m)
                .into_iter()
                .map(|(d, e)| match e {
                    Some(e) => json!({"date": d, "kind": e.kind, "name": e.name}),
                    None => json!({"date": d, "kind": "weekend", "name": crate::domain::format::weekday_en(d)}),
                })
                .collect();
            json!({"month": format!("{y:04}-{m:02}"), "working_days": cal.working_days_in_month(*y, *m), "non_working_days": days})
        })
        .collect();
    match env.format {
        Format::Json => output::json(out, &json!({ "months": data }))?,
        f => {
            let mut rows = Vec::new();
            for (y, m) in &months {
                let named: Vec<String> = cal
                    .non_working_days(*y, *m)
                    .into_iter()
                    .filter_map(|(d, e)| {
                        e.map(|e| format!("{} {}", d.format("%d"), crate::i18n::holiday_name(&e.name)))
                    })
                    .collect();
                let weekends = month_days(*y, *m)
                    .filter(|d| Calendar::is_weekend(*d) && cal.entry(*d).is_none())
                    .count();
                rows.push(vec![
                    format!("{y:04}-{m:02}"),
                    cal.working_days_in_month(*y, *m).to_string(),
                    weekends.to_string(),
                    named.join("; "),
                ]);
            }
            let header = ["MONTH", "WORKING", "WEEKEND", "HOLIDAYS AND OTHER DAYS"];
            if f == Format::Csv {
                output::csv(out, &header, &rows)?;
            } else {
                output::table(out, &header, &rows)?;
            }
        }
    }
    Ok(())
}

fn grounds(env: &Env, out: &mut impl Write) -> Result<()> {
    let g = crate::domain::outcome::default_grounds();
    match env.format {
        Format::Json => output::json(out, &serde_json::to_value(&g).unwrap_or_default())?,
        f => {
            let rows: Vec<Vec<String>> = g
                .iter()
                .map(|g| {
                    vec![
                        g.code.clone(),
                        crate::i18n::localized("ground_description", &g.code, &g.description),
                        crate::i18n::localized("ground_citation", &g.code, &g.citation),
                    ]
                })
                .collect();
            let header = ["CODE", "MEANING", "CITATION"];
            if f == Format::Csv {
                output::csv(out, &header, &rows)?;
            } else {
                output::table(out, &header, &rows)?;
            }
        }
    }
    Ok(())
}

/// `--as-of`, or today.
pub(crate) fn as_of(s: &Session, v: Option<NaiveDate>) -> NaiveDate {
    v.unwrap_or_else(|| s.today())
}
