//! `config.toml`: the office's settings. Every key is optional; a bad file is a clear error
//! naming the line, never silently ignored.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use chrono::FixedOffset;
use serde::Deserialize;

use crate::domain::deadline::RuleSet;
use crate::i18n::localize::{Localize, Message};
use crate::i18n::toml_error::toml_error;
use crate::msg;

#[derive(Debug, Clone, Deserialize, PartialEq)]
#[serde(deny_unknown_fields, default)]
pub struct Config {
    /// Interface language: ky, ru or en.
    pub language: Option<crate::i18n::Lang>,
    /// The office's offset from UTC; "today" is the local date there. Asia/Bishkek: +06:00.
    pub utc_offset: UtcOffset,
    /// A request is "due soon" within this many working days.
    pub due_soon_working_days: u32,
    /// Supervisors' section: requests awaiting the subject longer than this many days.
    pub awaiting_subject_days: u32,
    /// The target "% in time" of the reports (red/amber/green), in percent.
    pub target_percent_in_time: f64,
    /// Replaces the shipped deadline rules.
    pub rules_file: Option<PathBuf>,
    /// The database file (the `--db` option overrides it).
    pub database: Option<PathBuf>,
    /// Where letters are saved from the terminal UI (and by `aryz letter` without --output).
    pub letters_dir: Option<PathBuf>,
    /// Letter template overrides (`ky.toml`, `ru.toml`, `en.toml`, `policy.LANG.toml`);
    /// default `templates/` in the config directory, used when it exists.
    pub templates_dir: Option<PathBuf>,
    /// Standard response texts (`responses.toml`) replacing or adding to the shipped ones;
    /// default `responses/` in the config directory, used when it exists.
    pub responses_dir: Option<PathBuf>,
    /// The letterhead per language: `[letterhead.ru] service_name = "…"`, `address`,
    /// `signer_position`, `signer_name`. Unset fields keep the template's default.
    pub letterhead: BTreeMap<String, crate::letters::LetterheadConfig>,
    /// New files (database, backups, exports, letters, log) readable by the owner's group
    /// too: for one database shared by several clerks' logins on a server.
    pub group_access: bool,
    /// File holding the key of an encrypted database (feature `encryption`).
    pub key_file: Option<PathBuf>,
    /// Personal fields of requests closed longer ago than this are erased by `aryz retention`.
    pub retention_years: u32,
    /// The largest file that may be attached to a request, in MB (1 to 500).
    pub attachment_max_mb: u64,
    /// Keymap overrides of the terminal UI: `action = "key"`.
    pub keys: BTreeMap<String, KeyBinding>,
    /// After each write, aryz appends the audit head (`N:HASH`) to this file: kept where
    /// clerks cannot write, it catches a log cut back or rewritten (SECURITY.md).
    pub audit_anchor_file: Option<PathBuf>,
    /// Where `aryz digest --deliver` (the daily timer) sends the digest.
    pub digest: DigestConfig,
    /// Where `aryz backup` without a file (the nightly timer) writes, and how many it keeps.
    pub backup: BackupConfig,
    /// How long a command waits for another aryz process's write to finish before it gives
    /// up with "the database is locked", in milliseconds.
    pub busy_timeout_ms: u64,
}

/// `[digest]`: a file to write, addresses to mail, or both.
#[derive(Debug, Clone, Deserialize, PartialEq, Eq)]
#[serde(deny_unknown_fields, default)]
pub struct DigestConfig {
    /// The file the digest is written to (replaced whole each time).
    pub output: Option<PathBuf>,
    /// Addresses the digest is mailed to through `sendmail`.
    pub mail_to: Vec<String>,
    /// The sender's address (default: the MTA's choice for the login).
    pub mail_from: Option<String>,
    /// The sendmail-compatible program (reads the message with `-t` on stdin).
    pub sendmail: PathBuf,
}

impl Default for DigestConfig {
    fn default() -> Self {
        DigestConfig {
            output: None,
            mail_to: Vec::new(),
            mail_from: None,
            sendmail: "/usr/sbin/sendmail".into(),
        }
    }
}

/// `[backup]`: the directory of dated copies and how many to keep.
#[derive(Debug, Clone, Deserialize, PartialEq, Eq)]
#[serde(deny_unknown_fields, default)]
pub struct BackupConfig {
    /// Default: `backups/` in the data directory.
    pub dir: Option<PathBuf>,
    pub keep: usize,
}

impl Default for BackupConfig {
    fn default() -> Self {
        BackupConfig { dir: None, keep: 14 }
    }
}

/// `utc_offset = "+06:00"`: parsed once, when the configuration is read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct UtcOffset(pub FixedOffset);

impl UtcOffset {
    /// Asia/Bishkek, the default.
    pub fn bishkek() -> UtcOffset {
        UtcOffset(FixedOffset::east_opt(6 * 3600).unwrap_or_else(|| chrono::Offset::fix(&chrono::Utc)))
    }
}

impl<'de> Deserialize<'de> for UtcOffset {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = String::deserialize(d)?;
        parse_offset(&s).map(UtcOffset).ok_or_else(|| {
            serde::de::Error::custom(format!("utc_offset: '{s}' is not an offset like +06:00"))
        })
    }
}

/// One key or several keys for an action.
#[derive(Debug, Clone, Deserialize, PartialEq, Eq)]
#[serde(untagged)]
pub enum KeyBinding {
    One(String),
    Many(Vec<String>),
}

impl KeyBinding {
    pub fn keys(&self) -> Vec<&str> {
        match self {
            KeyBinding::One(k) => vec![k.as_str()],
            KeyBinding::Many(v) => v.iter().map(String::as_str).collect(),
        }
    }
}

impl Default for Config {
    fn default() -> Self {
        Config {
            language: None,
            utc_offset: UtcOffset::bishkek(),
            due_soon_working_days: 5,
            awaiting_subject_days: 10,
            target_percent_in_time: 90.0,
            rules_file: None,
            database: None,
            letters_dir: None,
            templates_dir: None,
            responses_dir: None,
            letterhead: BTreeMap::new(),
            retention_years: 5,
            attachment_max_mb: crate::domain::attachment::DEFAULT_MAX_MB,
            key_file: None,
            group_access: false,
            keys: BTreeMap::new(),
            audit_anchor_file: None,
            digest: DigestConfig::default(),
            backup: BackupConfig::default(),
            busy_timeout_ms: crate::store::DEFAULT_BUSY_TIMEOUT_MS,
        }
    }
}

/// The busy timeouts accepted, in milliseconds: waiting not at all would fail whenever two
/// clerks save at the same moment; over ten minutes a stuck process would look like a hang.
pub const BUSY_TIMEOUT_MS: std::ops::RangeInclusive<u64> = 1..=600_000;

#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    #[error("{}", self.message())]
    Invalid { path: PathBuf, message: Message },
    #[error("{}", self.message())]
    Io { path: PathBuf, source: std::io::Error },
}

impl Localize for ConfigError {
    fn message(&self) -> Message {
        match self {
            ConfigError::Invalid { path, message } => {
                msg!("message.path_error", path = path, error = message.clone())
            }
            ConfigError::Io { path, source } => msg!("message.path_error", path = path, error = source),
        }
    }
}

impl Config {
    /// Reads `path`; a missing file is the default configuration.
    pub fn load(path: &Path) -> Result<Config, ConfigError> {
        let text = match std::fs::read_to_string(path) {
            Ok(t) => t,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Config::default()),
            Err(source) => {
                return Err(ConfigError::Io { path: path.to_path_buf(), source });
            }
        };
        Config::parse(&text).map_err(|message| ConfigError::Invalid { path: path.to_path_buf(), message })
    }

    /// Parses and checks the text of a config file; the message names the line or the key.
    pub fn parse(text: &str) -> Result<Config, Message> {
        let key = |key: &str, rule: Message| msg!("message.field", field = key, rule = rule);
        // TOML forbids raw control characters except in comments, where a NUL would still
        // hide the rest of a line from other tools; refuse it anywhere.
        if let Some(at) = text.find('\0') {
            let line = text[..at].matches('\n').count() + 1;
            return Err(msg!("message.config_nul", line = line));
        }
        // The TOML parser's errors by their line, column and key ([`toml_error`]). The typed
        // values it checks itself are checked first here, to name the rule in the interface
        // language.
        let raw: toml::Table = toml::from_str(text).map_err(|e| toml_error(text, &e))?;
        if let Some(toml::Value::String(s)) = raw.get("utc_offset")
            && parse_offset(s).is_none()
        {
            return Err(key("utc_offset", msg!("message.not_an_offset", text = s)));
        }
        if let Some(toml::Value::String(l)) = raw.get("language")
            && crate::i18n::Lang::from_code(l).is_none()
        {
            return Err(key("language", msg!("message.unknown_language", lang = l)));
        }
        let cfg: Config = toml::from_str(text).map_err(|e| toml_error(text, &e))?;
        if !(1..=500).contains(&cfg.attachment_max_mb) {
            return Err(key("attachment_max_mb", msg!("message.between", min = 1u32, max = 500u32)));
        }
        if !(0.0..=100.0).contains(&cfg.target_percent_in_time) {
            return Err(key("target_percent_in_time", msg!("message.between", min = 0u32, max = 100u32)));
        }
        if cfg.due_soon_working_days > 60 {
            return Err(key("due_soon_working_days", msg!("message.at_most", max = 60u32)));
        }
        if !BUSY_TIMEOUT_MS.contains(&cfg.busy_timeout_ms) {
            return Err(key("busy_timeout_ms", msg!("message.busy_timeout.rule")));
        }
        if cfg.backup.keep == 0 {
            return Err(key("backup.keep", msg!("message.backup_keep")));
        }
        if let Some(a) = cfg
            .digest
            .mail_to
            .iter()
            .find(|a| !a.contains('@') || a.starts_with('-') || a.contains(char::is_whitespace))
        {
            return Err(key("digest.mail_to", msg!("message.not_an_address", text = a)));
        }
        if let Some(l) = cfg.letterhead.keys().find(|l| !["ky", "ru", "en"].contains(&l.as_str())) {
            return Err(key("letterhead", msg!("message.unknown_language", lang = l)));
        }
        Ok(cfg)
    }

    /// The office's UTC offset.
    pub fn offset(&self) -> FixedOffset {
        self.utc_offset.0
    }

    /// The deadline rules: the configured file, else the shipped set.
    pub fn rules(&self, config_dir: &Path) -> Result<RuleSet, ConfigError> {
        match &self.rules_file {
            None => Ok(RuleSet::shipped()),
            Some(p) => {
                let path = if p.is_absolute() { p.clone() } else { config_dir.join(p) };
                let text = std::fs::read_to_string(&path)
                    .map_err(|source| ConfigError::Io { path: path.clone(), source })?;
                RuleSet::parse(&text).map_err(|message| ConfigError::Invalid { path, message })
            }
        }
    }
}

fn parse_offset(s: &str) -> Option<FixedOffset> {
    let s = s.trim();
    let (sign, rest) = match s.as_bytes().first()? {
        b'+' => (1, &s[1..]),
        b'-' => (-1, &s[1..]),
        _ => return None,
    };
    let (h, m) = rest.split_once(':')?;
    let (h, m): (i32, i32) = (h.parse().ok()?, m.parse().ok()?);
    if h > 14 || m > 59 || h < 0 || m < 0 {
        return None;
    }
    FixedOffset::east_opt(sign * (h * 3600 + m * 60))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_and_parse() {
        let c = Config::parse("").unwrap();
        assert_eq!(c, Config::default());
        assert_eq!(c.offset().local_minus_utc(), 6 * 3600);
        let c = Config::parse("utc_offset = \"-03:30\"\ndue_soon_working_days = 3\n[keys]\nquit = \"x\"\n")
            .unwrap();
        assert_eq!(c.offset().local_minus_utc(), -(3 * 3600 + 1800));
        assert_eq!(c.keys["quit"].keys(), vec!["x"]);
    }

    #[test]
    fn errors_name_the_line() {
        let e = Config::parse("language = \"en\"\ncolour = 3\n").unwrap_err();
        let e = e.to_string();
        assert!(e.contains("line 2"), "{e}");
        assert!(!e.contains('\n'));
        assert!(Config::parse("utc_offset = \"Bishkek\"").unwrap_err().to_string().contains("utc_offset"));
        assert!(Config::parse("language = \"de\"").unwrap_err().to_string().contains("language"));
        assert!(Config::parse("due_soon_working_days = -1").is_err());
    }
}
