//! `aryz doctor`: what aryz sees on this machine, in the interface language, each problem
//! with the command that fixes it. It loads everything leniently (a broken config file is a
//! finding, not the end), so it is the command to run when every other one fails.

use std::io::Write;
use std::path::{Path, PathBuf};

use chrono::{Datelike, NaiveDate};
use serde::Serialize;
use serde_json::json;

use super::{CliError, Result, output};
use crate::cli::{Cli, Format};
use crate::config::Config;
use crate::domain::calendar::{Calendar, CalendarProblem};
use crate::i18n::{t, tf};
use crate::store::{SCHEMA_VERSION, Store};

/// Below this much free space (or twice the database, if larger) a backup may not fit.
const MIN_FREE_BYTES: u64 = 100 * 1024 * 1024;

/// One line of the report.
#[derive(Debug, Clone, Serialize)]
pub struct Finding {
    /// What was looked at: config, keymap, rules, key, database, operator, calendar,
    /// templates, fonts, disk.
    pub area: &'static str,
    pub ok: bool,
    pub detail: String,
    /// The command that fixes a problem.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub fix: Option<String>,
}

impl Finding {
    fn ok(area: &'static str, detail: String) -> Finding {
        Finding { area, ok: true, detail, fix: None }
    }
    fn problem(area: &'static str, detail: String, fix: String) -> Finding {
        Finding { area, ok: false, detail, fix: Some(fix) }
    }
}

fn label(area: &str) -> String {
    match area {
        "config" => t("doctor.area.config"),
        "keymap" => t("doctor.area.keymap"),
        "rules" => t("doctor.area.rules"),
        "key" => t("doctor.area.key"),
        "database" => t("doctor.area.database"),
        "operator" => t("doctor.area.operator"),
        "calendar" => t("doctor.area.calendar"),
        "templates" => t("doctor.area.templates"),
        "fonts" => t("doctor.area.fonts"),
        _ => t("doctor.area.disk"),
    }
    .to_string()
}

/// The editor command that fixes a bad config file.
fn edit(path: &Path) -> String {
    format!("${{EDITOR:-nano}} {}", shell_word(&path.display().to_string()))
}

/// A path quoted for a shell when it needs it.
fn shell_word(s: &str) -> String {
    if s.chars().all(|c| c.is_ascii_alphanumeric() || "/._-+=:@,".contains(c)) {
        s.to_string()
    } else {
        format!("'{}'", s.replace('\'', "'\\''"))
    }
}

/// `--db PATH` for the fix commands, when the database is not the default one.
fn db_option(db: &Path) -> String {
    if db == crate::paths::default_db() {
        String::new()
    } else {
        format!(" --db {}", shell_word(&db.display().to_string()))
    }
}

/// What doctor needs from the command line.
pub struct Input {
    pub lang: Option<crate::i18n::Lang>,
    pub db: Option<PathBuf>,
    pub ask_key: bool,
    pub format: Format,
}

impl Input {
    pub fn of_cli(cli: &Cli) -> Input {
        Input { lang: cli.lang, db: cli.db.clone(), ask_key: cli.ask_key, format: cli.output_format() }
    }

    pub fn of_env(env: &super::Env) -> Input {
        Input { lang: None, db: Some(env.db.clone()), ask_key: false, format: env.format }
    }
}

/// Looks at everything; never fails on what it finds.
pub fn diagnose(cli: &Input) -> Vec<Finding> {
    let mut f = Vec::new();
    let config_dir = crate::paths::config_dir();
    let config_path = config_dir.join(crate::paths::CONFIG_FILE);
    let loaded = Config::load(&config_path);
    let config = loaded.as_ref().map(Clone::clone).unwrap_or_default();
    // The catalog first, so that every finding is in the interface language.
    let lang = crate::i18n::choose(cli.lang, config.language);
    // Under `commands::run` the catalog is already chosen (a second init keeps the first).
    let catalog = crate::i18n::init(lang, &config_dir);
    match &loaded {
        Ok(_) if config_path.exists() => f.push(Finding::ok("config", config_path.display().to_string())),
        Ok(_) => {
            f.push(Finding::ok("config", tf("doctor.config_absent", &[("path", &config_path.display())])));
        }
        Err(e) => f.push(Finding::problem("config", e.to_string(), edit(&config_path))),
    }
    if let Err(e) = catalog {
        f.push(Finding::problem("config", e.to_string(), edit(&config_dir.join("i18n"))));
    }
    match crate::tui::keymap::KeyMap::with_overrides(&config.keys) {
        Ok(_) if config.keys.is_empty() => f.push(Finding::ok("keymap", t("doctor.keymap_default").into())),
        Ok(_) => f.push(Finding::ok("keymap", tf("doctor.keymap_changed", &[("n", &config.keys.len())]))),
        Err(e) => f.push(Finding::problem("keymap", e.text(), edit(&config_path))),
    }
    match (&config.rules_file, config.rules(&config_dir)) {
        (None, Ok(_)) => f.push(Finding::ok("rules", t("doctor.rules_shipped").into())),
        (Some(p), Ok(_)) => f.push(Finding::ok("rules", p.display().to_string())),
        (_, Err(e)) => f.push(Finding::problem("rules", e.to_string(), edit(&config_path))),
    }
    let key = match crate::keys::load(&config, &config_dir, cli.ask_key) {
        Ok(k) => k,
        Err(e) => {
            f.push(Finding::problem("key", e.to_string(), edit(&config_path)));
            None
        }
    };
    let db = cli.db.clone().or_else(|| config.database.clone()).unwrap_or_else(crate::paths::default_db);
    database(&mut f, &db, key.as_deref(), &config);
    letters(&mut f, &config, &config_dir);
    disk(&mut f, &db);
    f
}

/// The database, the operator and the calendar (which the database extends).
fn database(f: &mut Vec<Finding>, db: &Path, key: Option<&str>, config: &Config) {
    let shown = db.display().to_string();
    let mut calendar = Calendar::shipped();
    let mut today = None;
    if db.exists() {
        match crate::store::open(db, key) {
            Err(e) => f.push(Finding::problem(
                "database",
                format!("{shown}: {}", crate::i18n::localize::Localize::localized(&e)),
                database_fix(&e, db),
            )),
            Ok(store) => {
                let r = store.read();
                let version = r.engine_version().unwrap_or_default();
                let schema = r.schema_version().unwrap_or_default();
                f.push(Finding::ok(
                    "database",
                    tf(
                        "doctor.database_ok",
                        &[
                            ("path", &shown),
                            ("version", &version),
                            ("schema", &schema),
                            ("known", &SCHEMA_VERSION),
                        ],
                    ),
                ));
                let dev = r.meta(crate::service::DEV_IDENTITY_KEY).ok().flatten().as_deref() == Some("1");
                operator(f, &store, dev, db);
                if dev {
                    today = crate::service::env_today().ok().flatten();
                }
                calendar.extend(r.calendar_entries().unwrap_or_default());
            }
        }
    } else {
        f.push(Finding::problem(
            "database",
            tf("doctor.database_missing", &[("path", &shown)]),
            format!("aryz{} init", db_option(db)),
        ));
    }
    let today = today.unwrap_or_else(|| crate::service::Clock::new(config.offset(), None).today());
    f.push(calendar_coverage(&calendar, today));
}

/// The command that gets a database that will not open working again.
fn database_fix(e: &crate::store::StoreError, db: &Path) -> String {
    use crate::store::StoreError as E;
    let quoted = shell_word(&db.display().to_string());
    match e {
        // Most likely the wrong file: point aryz at the database, or start a new one aside.
        E::NotAryz(_) => format!(
            "aryz --db NEW.sqlite3 init   # or set `database` in config.toml; keep {quoted} for inspection"
        ),
        E::WrongKey => "export ARYZ_KEY_FILE=PATH-OF-THE-KEY   # or set key_file in config.toml".into(),
        E::EncryptionUnavailable => "cargo install --locked --path . --features encryption".into(),
        E::TooNew { .. } => {
            "sudo apt install ./aryz_NEWER_amd64.deb   # the aryz that wrote this database".into()
        }
        E::Busy => format!("fuser {quoted}   # which process holds the database"),
        E::Io { .. } => format!("ls -l {quoted}"),
        _ => format!("aryz{} check", db_option(db)),
    }
}

fn operator(f: &mut Vec<Finding>, store: &Store, dev: bool, db: &Path) {
    let login = match crate::service::effective_login(dev) {
        Ok(l) => l,
        Err(e) => {
            f.push(Finding::problem("operator", e.to_string(), "id".into()));
            return;
        }
    };
    let add = format!("aryz{} operator add {} --role clerk", db_option(db), shell_word(&login));
    match store.read().operator(&login) {
        Ok(Some(op)) if op.active => {
            let role = crate::i18n::label("role", op.role.code());
            let key = if dev { "doctor.operator_dev" } else { "doctor.operator_ok" };
            f.push(Finding::ok("operator", tf(key, &[("login", &login), ("role", &role)])));
        }
        Ok(Some(_)) => {
            f.push(Finding::problem("operator", tf("doctor.operator_disabled", &[("login", &login)]), add));
        }
        Ok(None) => {
            f.push(Finding::problem("operator", tf("doctor.operator_unknown", &[("login", &login)]), add));
        }
        Err(e) => f.push(Finding::problem("operator", e.to_string(), format!("aryz{} check", db_option(db)))),
    }
}

/// The years around `today` whose calendar data is complete, and the problems `aryz check`
/// reports for the days ahead (the calendar's own rule: a year deadlines reach without
/// movable-holiday data, or a day soon that is still expected).
pub(super) fn coverage(cal: &Calendar, today: NaiveDate) -> (Vec<i32>, Vec<CalendarProblem>) {
    let known = (today.year() - 1..=today.year() + 4).filter(|y| cal.coverage_gap(*y).is_none()).collect();
    (known, cal.problems_ahead(today))
}

fn calendar_coverage(cal: &Calendar, today: NaiveDate) -> Finding {
    let (known, problems) = coverage(cal, today);
    let years = |v: &[i32]| {
        if v.is_empty() {
            "—".to_string()
        } else {
            v.iter().map(i32::to_string).collect::<Vec<_>>().join(", ")
        }
    };
    let missing: Vec<i32> = problems
        .iter()
        .filter_map(|p| match p {
            CalendarProblem::Gap { year, .. } => Some(*year),
            CalendarProblem::Unconfirmed(_) => None,
        })
        .collect();
    if let Some(y) = missing.first() {
        return Finding::problem(
            "calendar",
            tf("doctor.calendar_missing", &[("missing", &years(&missing)), ("years", &years(&known))]),
            format!(
                "aryz calendar add {y}-MM-DD --kind holiday --name \"Orozo Ait\" --confidence confirmed --source \"…\""
            ),
        );
    }
    if let Some(CalendarProblem::Unconfirmed(e)) = problems.first() {
        return Finding::problem(
            "calendar",
            tf(
                "doctor.calendar_unconfirmed",
                &[("name", &e.name), ("date", &e.date.format("%d.%m.%Y")), ("confidence", &e.confidence)],
            ),
            format!(
                "aryz calendar add {} --kind holiday --name \"{}\" --confidence confirmed --source \"…\"",
                e.date, e.name
            ),
        );
    }
    Finding::ok("calendar", tf("doctor.calendar_ok", &[("years", &years(&known))]))
}

/// Letter templates (with the overrides) and the embedded fonts: a sample PDF letter is
/// rendered in every language, which proves both.
fn letters(f: &mut Vec<Finding>, config: &Config, config_dir: &Path) {
    let config_path = config_dir.join(crate::paths::CONFIG_FILE);
    let kit = match crate::letters::Kit::for_config(config, config_dir).and_then(|k| k.check().map(|()| k)) {
        Ok(k) => k,
        Err(e) => {
            f.push(Finding::problem("templates", e.to_string(), edit(&config_path)));
            return;
        }
    };
    let dir =
        config.templates_dir.clone().or_else(|| Some(config_dir.join("templates")).filter(|p| p.is_dir()));
    f.push(Finding::ok(
        "templates",
        match dir {
            Some(d) => tf("doctor.templates_overridden", &[("dir", &d.display())]),
            None => t("doctor.templates_shipped").into(),
        },
    ));
    let sample = crate::letters::samples().into_iter().next();
    let rendered = sample.map(|s| {
        crate::domain::kind::Language::ALL.iter().try_for_each(|lang| {
            let letter = crate::letters::compose_sample(&kit, *lang, &s).map_err(|e| e.to_string())?;
            crate::letters::render_pdf(&letter).map(|_| ()).map_err(|e| e.to_string())
        })
    });
    match rendered {
        Some(Ok(())) | None => f.push(Finding::ok("fonts", t("doctor.fonts_ok").into())),
        Some(Err(e)) => f.push(Finding::problem("fonts", e, edit(&config_path))),
    }
}

/// Free space where the database (and by default its backups) live.
fn disk(f: &mut Vec<Finding>, db: &Path) {
    let mut dir: PathBuf = db.parent().filter(|d| !d.as_os_str().is_empty()).unwrap_or(Path::new(".")).into();
    while !dir.exists() {
        match dir.parent() {
            Some(p) if !p.as_os_str().is_empty() => dir = p.to_path_buf(),
            _ => {
                dir = PathBuf::from(".");
                break;
            }
        }
    }
    let Some(free) = free_bytes(&dir) else {
        f.push(Finding::ok("disk", tf("doctor.disk_unknown", &[("dir", &dir.display())])));
        return;
    };
    let db_size = std::fs::metadata(db).map_or(0, |m| m.len());
    let need = MIN_FREE_BYTES.max(db_size.saturating_mul(2));
    let args = [("free", &human(free) as &dyn std::fmt::Display), ("dir", &dir.display())];
    if free >= need {
        f.push(Finding::ok("disk", tf("doctor.disk_ok", &args)));
    } else {
        f.push(Finding::problem(
            "disk",
            tf("doctor.disk_low", &[("free", &human(free)), ("dir", &dir.display()), ("need", &human(need))]),
            format!("df -h {}", shell_word(&dir.display().to_string())),
        ));
    }
}

fn human(bytes: u64) -> String {
    const UNITS: [&str; 5] = ["B", "KiB", "MiB", "GiB", "TiB"];
    let mut v = bytes as f64;
    let mut u = 0;
    while v >= 1024.0 && u + 1 < UNITS.len() {
        v /= 1024.0;
        u += 1;
    }
    if u == 0 { format!("{bytes} B") } else { format!("{v:.1} {}", UNITS[u]) }
}

/// Bytes available to an unprivileged user on the file system holding `dir`.
fn free_bytes(dir: &Path) -> Option<u64> {
    #[cfg(unix)]
    {
        let s = rustix::fs::statvfs(dir).ok()?;
        Some(s.f_bavail.saturating_mul(s.f_frsize))
    }
    #[cfg(not(unix))]
    {
        let _ = dir;
        None
    }
}

/// Prints the report; exit 1 (with one line on stderr) when there are problems.
pub fn doctor(cli: &Input, out: &mut impl Write) -> Result<()> {
    let findings = diagnose(cli);
    let problems = findings.iter().filter(|f| !f.ok).count();
    if cli.format == Format::Json {
        output::json(out, &json!({ "ok": problems == 0, "findings": findings }))?;
    } else {
        writeln!(out, "{}", t("doctor.title"))?;
        let width =
            findings.iter().map(|f| unicode_width::UnicodeWidthStr::width(label(f.area).as_str())).max();
        let width = width.unwrap_or(0);
        for f in &findings {
            let mark = if f.ok { t("doctor.ok") } else { t("doctor.problem") };
            let name = label(f.area);
            let pad = width.saturating_sub(unicode_width::UnicodeWidthStr::width(name.as_str()));
            writeln!(out, "  {mark:<3} {name}{}  {}", " ".repeat(pad), output::neutralise(&f.detail))?;
            if let Some(fix) = &f.fix {
                writeln!(out, "      {} {}", t("doctor.fix"), output::neutralise(fix))?;
            }
        }
        if problems == 0 {
            writeln!(out, "{}", t("doctor.all_well"))?;
        }
    }
    if problems == 0 {
        Ok(())
    } else {
        Err(CliError::Service(crate::service::Error::Config(crate::msg!("doctor.problems", n = problems))))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn date(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }

    #[test]
    fn coverage_needs_the_years_deadlines_reach() {
        let cal = Calendar::shipped();
        let gaps = |p: Vec<CalendarProblem>| -> Vec<i32> {
            p.into_iter()
                .filter_map(|p| match p {
                    CalendarProblem::Gap { year, .. } => Some(year),
                    CalendarProblem::Unconfirmed(_) => None,
                })
                .collect()
        };
        let (known, problems) = coverage(&cal, date("2026-03-10"));
        assert!(known.contains(&2025) && known.contains(&2026), "{known:?}");
        assert!(problems.is_empty(), "{problems:?}");
        // Late in the last known year, deadlines reach into the next one.
        let (_, problems) = coverage(&Calendar::new(Vec::new()), date("2026-12-01"));
        assert_eq!(gaps(problems), vec![2026, 2027]);
        let (_, problems) = coverage(&cal, date("2031-06-01"));
        assert!(gaps(problems).contains(&2031));
        // An expected day within 30 days is a problem too.
        let (_, problems) = coverage(&cal, date("2027-02-20"));
        assert!(problems.iter().any(|p| matches!(p, CalendarProblem::Unconfirmed(_))), "{problems:?}");
    }

    #[test]
    fn sizes_and_shell_words() {
        assert_eq!(human(512), "512 B");
        assert_eq!(human(3 * 1024 * 1024), "3.0 MiB");
        assert_eq!(shell_word("/srv/aryz/a.sqlite3"), "/srv/aryz/a.sqlite3");
        assert_eq!(shell_word("/tmp/my db"), "'/tmp/my db'");
        assert!(free_bytes(Path::new("/")).is_some());
    }
}
