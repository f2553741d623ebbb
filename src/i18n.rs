//! The catalogs of user-visible strings, in Kyrgyz, Russian and English. Screen and command
//! code never holds a literal sentence, only a key; the catalog of the interface language
//! gives its text, with English as the fallback for a key a catalog lacks.
//!
//! Keys are dotted paths into the TOML files in `assets/i18n/` (`queue.empty_section`).
//! Placeholders are `{name}`. The catalogs are embedded; `$ARYZ_CONFIG_DIR/i18n/<lang>.toml`
//! replaces or adds texts of known keys.
//!
//! The language is chosen once at start-up ([`init`]). Tests may switch the language of
//! their own thread ([`set_thread_language`]) so that parallel tests do not disturb each other.

use std::cell::Cell;
use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::OnceLock;
use std::sync::atomic::{AtomicU8, Ordering};

use chrono::{Datelike, NaiveDate, Weekday};

pub(crate) mod deadline;
pub mod localize;
pub(crate) mod plural;
pub(crate) mod script;
pub(crate) mod timeline;
pub mod toml_error;

pub use plural::tn;

/// An interface language.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, clap::ValueEnum)]
pub enum Lang {
    /// Kyrgyz, the state language.
    Ky,
    /// Russian, the official language.
    Ru,
    /// English.
    En,
}

impl Lang {
    pub const ALL: [Lang; 3] = [Lang::Ky, Lang::Ru, Lang::En];

    pub fn code(self) -> &'static str {
        match self {
            Lang::Ky => "ky",
            Lang::Ru => "ru",
            Lang::En => "en",
        }
    }

    pub fn from_code(code: &str) -> Option<Lang> {
        Lang::ALL.into_iter().find(|l| l.code() == code)
    }

    /// The language of a POSIX locale name: `ky_KG.UTF-8` → Kyrgyz, `ru_RU` → Russian,
    /// `en_US` → English; anything else (`C`, `de_DE`) → none.
    pub fn from_locale(locale: &str) -> Option<Lang> {
        let lang = locale.split(['_', '.', '@', '-']).next().unwrap_or_default().to_ascii_lowercase();
        Lang::from_code(&lang)
    }

    /// The language of the environment's locale, by POSIX precedence: the first non-empty of
    /// `LC_ALL`, `LC_MESSAGES`, `LANG`.
    pub fn from_env() -> Option<Lang> {
        ["LC_ALL", "LC_MESSAGES", "LANG"]
            .iter()
            .filter_map(|v| std::env::var(v).ok())
            .find(|v| !v.is_empty())
            .and_then(|v| Lang::from_locale(&v))
    }

    fn index(self) -> usize {
        match self {
            Lang::Ky => 0,
            Lang::Ru => 1,
            Lang::En => 2,
        }
    }

    fn embedded(self) -> &'static str {
        match self {
            Lang::Ky => KY,
            Lang::Ru => RU,
            Lang::En => EN,
        }
    }
}

/// The interface language: the command line's choice, else the config's, else the locale's,
/// else English.
pub fn choose(cli: Option<Lang>, config: Option<Lang>) -> Lang {
    cli.or(config).or_else(Lang::from_env).unwrap_or(Lang::En)
}

/// `language = "ky"` in the configuration: refused, naming the codes, unless ky, ru or en.
impl<'de> serde::Deserialize<'de> for Lang {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = String::deserialize(d)?;
        Lang::from_code(s.trim()).ok_or_else(|| {
            serde::de::Error::custom(format!("language: unknown language '{s}' (expected ky, ru or en)"))
        })
    }
}

pub const EN: &str = include_str!("../assets/i18n/en.toml");
pub const KY: &str = include_str!("../assets/i18n/ky.toml");
pub const RU: &str = include_str!("../assets/i18n/ru.toml");

type Catalog = HashMap<String, String>;

static CATALOGS: [OnceLock<Catalog>; 3] = [OnceLock::new(), OnceLock::new(), OnceLock::new()];
static PROCESS_LANG: AtomicU8 = AtomicU8::new(2);

thread_local! {
    static THREAD_LANG: Cell<Option<Lang>> = const { Cell::new(None) };
}

/// A catalog override that cannot be used: the message names the file and the line.
#[derive(Debug, thiserror::Error)]
#[error("{}: {message}", path.display())]
pub struct CatalogError {
    pub path: PathBuf,
    pub message: localize::Message,
}

impl localize::Localize for CatalogError {
    fn message(&self) -> localize::Message {
        crate::msg!("message.path_error", path = &self.path, error = self.message.clone())
    }
}

/// Flattens nested TOML tables into dotted keys; `Err` names a key whose value is not text.
fn flatten(prefix: &str, table: &toml::Table, out: &mut Catalog) -> Result<(), String> {
    for (k, v) in table {
        let key = if prefix.is_empty() { k.clone() } else { format!("{prefix}.{k}") };
        match v {
            toml::Value::Table(t) => flatten(&key, t, out)?,
            toml::Value::String(s) => {
                out.insert(key, s.clone());
            }
            _ => return Err(key),
        }
    }
    Ok(())
}

/// The 1-based line where `key`'s last segment is assigned, for error messages.
fn line_of(text: &str, key: &str) -> Option<usize> {
    let leaf = key.rsplit('.').next().unwrap_or(key);
    text.lines()
        .position(|l| {
            let l = l.trim_start().trim_start_matches('"');
            l.strip_prefix(leaf)
                .is_some_and(|rest| rest.trim_start_matches('"').trim_start().starts_with('='))
        })
        .map(|i| i + 1)
}

/// Parses a catalog file into its flat key → text map.
pub fn parse_catalog(text: &str) -> Result<Catalog, localize::Message> {
    let table: toml::Table = toml::from_str(text).map_err(|e| toml_error::toml_error(text, &e))?;
    let mut out = HashMap::new();
    flatten("", &table, &mut out).map_err(|key| {
        let m = crate::msg!("message.catalog_not_text", key = &key);
        match line_of(text, &key) {
            Some(n) => crate::msg!("message.at_line", line = n, error = m),
            None => m,
        }
    })?;
    Ok(out)
}

/// The embedded catalog of `lang` with the texts of `override_text` laid over it. An
/// override may only name keys the program knows (those of the English catalog).
pub fn load_catalog(lang: Lang, override_file: Option<(&Path, &str)>) -> Result<Catalog, CatalogError> {
    let embedded = |text: &str| {
        parse_catalog(text).map_err(|message| CatalogError {
            path: format!("assets/i18n/{}.toml", lang.code()).into(),
            message,
        })
    };
    let mut catalog = embedded(lang.embedded())?;
    if let Some((path, text)) = override_file {
        let err = |message: localize::Message| CatalogError { path: path.to_path_buf(), message };
        let extra = parse_catalog(text).map_err(err)?;
        let known = embedded(EN)?;
        let mut keys: Vec<&String> = extra.keys().collect();
        keys.sort();
        if let Some(unknown) = keys.into_iter().find(|k| !known.contains_key(*k)) {
            let m = crate::msg!("message.catalog_unknown_key", key = unknown.as_str());
            return Err(err(match line_of(text, unknown) {
                Some(n) => crate::msg!("message.at_line", line = n, error = m),
                None => m,
            }));
        }
        catalog.extend(extra);
    }
    Ok(catalog)
}

/// Reads `<config_dir>/i18n/<lang>.toml` if it exists.
fn read_override(lang: Lang, config_dir: &Path) -> Result<Option<(PathBuf, String)>, CatalogError> {
    let path = config_dir.join("i18n").join(format!("{}.toml", lang.code()));
    match std::fs::read_to_string(&path) {
        Ok(text) => Ok(Some((path, text))),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
        Err(e) => Err(CatalogError { path, message: localize::io_error(&e) }),
    }
}

/// Chooses the interface language of this process and loads its catalog with the config
/// directory's override (and English's, the fallback). Call once, before anything is shown.
pub fn init(lang: Lang, config_dir: &Path) -> Result<(), CatalogError> {
    let mut langs = vec![lang];
    if lang != Lang::En {
        langs.push(Lang::En);
    }
    for l in langs {
        // Without an override the embedded catalog is parsed on first use: a command that
        // prints JSON never needs it (it was a third of `aryz list --format json`'s time).
        // An override is parsed now, so that a broken one is reported before anything runs.
        if let Some((path, text)) = read_override(l, config_dir)? {
            let catalog = load_catalog(l, Some((path.as_path(), text.as_str())))?;
            // Already loaded (a second `init` in one process): the first catalog stays.
            let _ = CATALOGS[l.index()].set(catalog);
        }
    }
    PROCESS_LANG.store(lang.index() as u8, Ordering::Relaxed);
    Ok(())
}

/// Sets the interface language of the calling thread only (tests render several languages
/// in parallel); `None` returns it to the process's language.
pub fn set_thread_language(lang: Option<Lang>) {
    THREAD_LANG.with(|c| c.set(lang));
}

/// The interface language in effect on this thread.
pub fn current() -> Lang {
    THREAD_LANG.with(Cell::get).unwrap_or_else(|| match PROCESS_LANG.load(Ordering::Relaxed) {
        0 => Lang::Ky,
        1 => Lang::Ru,
        _ => Lang::En,
    })
}

fn catalog_of(lang: Lang) -> &'static Catalog {
    // The embedded catalogs are tested to parse; an empty map would only show keys.
    CATALOGS[lang.index()].get_or_init(|| {
        let text = lang.embedded();
        read_flat(text).unwrap_or_else(|| parse_catalog(text).unwrap_or_default())
    })
}

/// Reads a catalog written the way the shipped ones are: comments, `[a.b]` headers and
/// `key = "text"` lines (bare or quoted keys; escapes `\"`, `\\`, `\n`, `\t`, `\uXXXX`).
/// `None` for anything else, and the TOML parser reads it instead. Parsing the catalog
/// with the TOML parser was a fifth of the time to the first screen; this reads the same
/// map (a test compares both on every shipped catalog) in a fraction of it. Only the
/// shipped catalogs are read this way (an office's override goes through the TOML parser,
/// with its errors), so the control characters TOML refuses are left to that test.
pub fn read_flat(text: &str) -> Option<Catalog> {
    let mut out = HashMap::with_capacity(2048);
    let mut table = String::new();
    // Lines found with memchr and trimmed of ASCII blanks by hand: the generic `str`
    // searches, unoptimised in a debug build, made this most of a debug `aryz list`.
    let bytes = text.as_bytes();
    let mut start = 0;
    while start < bytes.len() {
        let end = memchr::memchr(b'\n', &bytes[start..]).map_or(bytes.len(), |i| start + i);
        let line = trim_blanks(&text[start..end]);
        start = end + 1;
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        if let Some(name) = line.strip_prefix('[') {
            let name = name.strip_suffix(']')?;
            if name.is_empty() || !name.split('.').all(is_bare_key) {
                return None;
            }
            table = name.to_string();
            continue;
        }
        let (key, rest) = if let Some(quoted) = line.strip_prefix('"') {
            let end = memchr::memchr(b'"', quoted.as_bytes())?;
            let key = &quoted[..end];
            if key.contains('\\') {
                return None;
            }
            (key, trim_blanks(&quoted[end + 1..]))
        } else {
            let end = memchr::memchr2(b' ', b'=', line.as_bytes())?;
            let key = &line[..end];
            if !is_bare_key(key) {
                return None;
            }
            (key, trim_blanks(&line[end..]))
        };
        let value = trim_blanks(rest.strip_prefix('=')?).strip_prefix('"')?;
        let (text, after) = read_basic_string(value)?;
        let after = trim_blanks(after);
        if !(after.is_empty() || after.starts_with('#')) {
            return None;
        }
        let full = if table.is_empty() { key.to_string() } else { format!("{table}.{key}") };
        // A key given twice is an error in TOML: leave it to the parser to say so.
        if out.insert(full, text).is_some() {
            return None;
        }
    }
    Some(out)
}

/// `s` without the spaces, tabs and carriage returns around it (TOML's blanks, and a
/// Windows line end).
fn trim_blanks(s: &str) -> &str {
    let b = s.as_bytes();
    let blank = |c: &u8| matches!(c, b' ' | b'\t' | b'\r');
    let from = b.iter().position(|c| !blank(c)).unwrap_or(b.len());
    let to = b.iter().rposition(|c| !blank(c)).map_or(from, |i| i + 1);
    // Blanks are ASCII: both ends are character boundaries.
    s.get(from..to).unwrap_or_default()
}

fn is_bare_key(k: &str) -> bool {
    !k.is_empty() && k.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-')
}

/// A basic string's text after its opening quote, and what follows its closing quote.
/// The text between escapes is copied a run at a time: a catalog is read at every start,
/// and going character by character was half of what a debug build's `aryz list` did.
fn read_basic_string(s: &str) -> Option<(String, &str)> {
    let bytes = s.as_bytes();
    let mut out = String::with_capacity(s.len().min(256));
    let mut from = 0;
    loop {
        // `"` and `\` are ASCII: never inside a character's bytes, so `at` is a boundary.
        let at = from + memchr::memchr2(b'"', b'\\', &bytes[from..])?;
        out.push_str(&s[from..at]);
        if bytes[at] == b'"' {
            return Some((out, &s[at + 1..]));
        }
        let (escaped, len) = match bytes.get(at + 1)? {
            b'"' => ('"', 1),
            b'\\' => ('\\', 1),
            b'n' => ('\n', 1),
            b't' => ('\t', 1),
            b'u' => {
                let hex = s.get(at + 2..at + 6)?;
                (char::from_u32(u32::from_str_radix(hex, 16).ok()?)?, 5)
            }
            _ => return None,
        };
        out.push(escaped);
        from = at + 1 + len;
    }
}

fn lookup(key: &str) -> Option<&'static str> {
    let lang = current();
    catalog_of(lang)
        .get(key)
        .or_else(|| if lang == Lang::En { None } else { catalog_of(Lang::En).get(key) })
        .map(String::as_str)
}

/// The text of `key`; a missing key shows itself, so a gap is visible rather than blank.
pub fn t(key: &'static str) -> &'static str {
    lookup(key).unwrap_or(key)
}

/// The text of `prefix.code` (vocabularies: `kind.access`), else the code itself.
pub fn label(prefix: &str, code: &'static str) -> &'static str {
    lookup(&format!("{prefix}.{code}")).unwrap_or(code)
}

/// Like [`label`] for codes that are not `'static` (refusal grounds, pause categories).
pub fn label_owned(prefix: &str, code: &str) -> String {
    lookup(&format!("{prefix}.{code}")).map_or_else(|| code.to_string(), str::to_string)
}

/// A code as a person reads it in a table or a record: in English the code itself (what
/// the command line always showed, and what scripts match), in Kyrgyz and Russian its label
/// `prefix.code` (`status.in_progress` → "в работе"). JSON and CSV keep the code.
pub fn shown(prefix: &str, code: &str) -> String {
    if current() == Lang::En { code.to_string() } else { label_owned(prefix, code) }
}

/// Data with a translation in the catalog (the shipped refusal grounds' citations): in
/// English the data's own text (it may come from an office's file), else the catalog's
/// text of `prefix.code` when there is one.
pub fn localized(prefix: &str, code: &str, data: &str) -> String {
    if current() == Lang::En {
        return data.to_string();
    }
    lookup(&format!("{prefix}.{code}")).map_or_else(|| data.to_string(), str::to_string)
}

/// The catalog key of a shipped calendar name: `Kurman Ait` → `kurman_ait`.
pub fn holiday_key(name: &str) -> String {
    let s: String =
        name.chars().map(|c| if c.is_ascii_alphanumeric() { c.to_ascii_lowercase() } else { '_' }).collect();
    s.split('_').filter(|p| !p.is_empty()).collect::<Vec<_>>().join("_")
}

/// A calendar entry's name in the interface language: the catalog's `holiday.<key>` for
/// the names of the shipped calendar, else the name as written (an administrator's entry).
pub fn holiday_name(name: &str) -> String {
    localized("holiday", &holiday_key(name), name)
}

/// The text of `key` with `{name}` placeholders replaced.
pub fn tf(key: &'static str, args: &[(&str, &dyn std::fmt::Display)]) -> String {
    let mut s = t(key).to_string();
    for (name, value) in args {
        s = s.replace(&format!("{{{name}}}"), &value.to_string());
    }
    s
}

/// Whether the English catalog, which defines the keys, has `key`.
pub fn has(key: &str) -> bool {
    catalog_of(Lang::En).contains_key(key)
}

/// The weekday's short name in the interface language (`weekday.mon`).
pub fn weekday(d: NaiveDate) -> &'static str {
    label(
        "weekday",
        match d.weekday() {
            Weekday::Mon => "mon",
            Weekday::Tue => "tue",
            Weekday::Wed => "wed",
            Weekday::Thu => "thu",
            Weekday::Fri => "fri",
            Weekday::Sat => "sat",
            Weekday::Sun => "sun",
        },
    )
}

/// `Mon 02.03.2026` in the interface language (`Дш 02.03.2026`, `Пн 02.03.2026`).
pub fn date_wd(d: NaiveDate) -> String {
    format!("{} {}", weekday(d), crate::domain::format::date_dmy(d))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The quick reader gives exactly the TOML parser's map for every shipped catalog, and
    /// leaves what it does not know to the parser.
    #[test]
    fn the_quick_reader_reads_the_shipped_catalogs_as_toml_does() {
        for l in Lang::ALL {
            let quick = read_flat(l.embedded()).unwrap_or_else(|| panic!("{}: not read quickly", l.code()));
            assert_eq!(quick, parse_catalog(l.embedded()).unwrap(), "{}", l.code());
        }
        let tricky = "# c\n[a.b]\nx = \"q \\\" \\\\ \\n \\u00e9\" # note\n\"k-1\" = \"v\"\n";
        assert_eq!(read_flat(tricky).unwrap(), parse_catalog(tricky).unwrap());
        for other in
            ["x = 3", "x = 'lit'", "x = \"\"\"long\"\"\"", "[a]\nx = \"1\"\nx = \"2\"", "x = \"a\" y", "[t]]"]
        {
            assert_eq!(read_flat(other), None, "{other}");
        }
    }

    #[test]
    fn english_catalog_parses_and_formats() {
        let c = parse_catalog(EN).unwrap();
        assert!(c.len() > 50);
        assert_eq!(t("no.such.key"), "no.such.key");
        assert_eq!(label("kind", "access"), c["kind.access"]);
        assert!(tf("msg.registered", &[("reference", &"ARZ-2026-000001")]).contains("ARZ-2026-000001"));
    }

    #[test]
    fn every_language_parses() {
        for l in Lang::ALL {
            let c = parse_catalog(l.embedded()).unwrap_or_else(|e| panic!("{}: {e}", l.code()));
            assert!(c.len() > 50);
        }
    }

    #[test]
    fn thread_language_and_weekdays() {
        let d = NaiveDate::from_ymd_opt(2026, 3, 2).unwrap();
        set_thread_language(Some(Lang::Ky));
        assert_eq!(current(), Lang::Ky);
        assert_eq!(date_wd(d), "Дш 02.03.2026");
        set_thread_language(Some(Lang::Ru));
        assert_eq!(date_wd(d), "Пн 02.03.2026");
        set_thread_language(Some(Lang::En));
        assert_eq!(date_wd(d), "Mon 02.03.2026");
        set_thread_language(None);
    }

    #[test]
    fn locales() {
        assert_eq!(Lang::from_locale("ky_KG.UTF-8"), Some(Lang::Ky));
        assert_eq!(Lang::from_locale("ru_RU.utf8"), Some(Lang::Ru));
        assert_eq!(Lang::from_locale("ru"), Some(Lang::Ru));
        assert_eq!(Lang::from_locale("en_GB"), Some(Lang::En));
        assert_eq!(Lang::from_locale("C.UTF-8"), None);
        assert_eq!(Lang::from_locale("de_DE"), None);
        assert_eq!(choose(Some(Lang::Ru), Some(Lang::Ky)), Lang::Ru);
        assert_eq!(choose(None, Some(Lang::Ky)), Lang::Ky);
    }

    #[test]
    fn overrides_replace_known_keys_and_name_bad_lines() {
        let p = Path::new("/cfg/i18n/ky.toml");
        let c = load_catalog(Lang::Ky, Some((p, "[queue]\ntoday = \"бүгүн!\"\n"))).unwrap();
        assert_eq!(c["queue.today"], "бүгүн!");
        assert!(c.contains_key("queue.search"));
        let e = load_catalog(Lang::Ky, Some((p, "[queue]\ntoday = \"x\"\ntodya = \"y\"\n"))).unwrap_err();
        assert_eq!(e.path, p);
        assert!(
            e.message.to_string().contains("line 3") && e.message.to_string().contains("queue.todya"),
            "{e}"
        );
        let e = load_catalog(Lang::Ky, Some((p, "[queue]\ntoday = \"x\n"))).unwrap_err();
        assert!(e.to_string().contains("line 2") && e.to_string().starts_with("/cfg/i18n/ky.toml"), "{e}");
        let e = load_catalog(Lang::Ru, Some((p, "[queue]\n\ntoday = 3\n"))).unwrap_err();
        assert!(e.message.to_string().contains("line 3"), "{e}");
    }
}
