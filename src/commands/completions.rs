//! Shell completions and man pages, generated from the clap definitions so that they cannot
//! drift from `--help`, plus the small dynamic part: references and operator logins read
//! from the database by `aryz __complete refs|logins PREFIX`.

use std::io::Write;
use std::path::Path;

use clap::CommandFactory;
use clap_complete::Shell;

use super::{Env, Result};
use crate::cli::{Cli, CompleteWhat, CompletionShell};

/// How many candidates `__complete` offers at most: a shell shows no more usefully.
const MAX_CANDIDATES: usize = 200;

/// Subcommands whose first argument is a reference (the shells offer references there).
const REF_COMMANDS: &str = "show assign note status respond withdraw reopen extend pause resume letter attach attachments attachment link";

/// Bash: references after a subcommand that takes one (and after `--ref`), logins after
/// `--assignee`, `--operator`, `operator disable|add`, and after the references of
/// `assign`; everything else is clap's completion.
const BASH_DYNAMIC: &str = r#"
# --- references and logins from the database (aryz __complete)
_aryz_candidates() {
    local IFS=$'\n'
    COMPREPLY=($(compgen -W "$("${COMP_WORDS[0]}" __complete "$1" "$2" 2>/dev/null)" -- "$2"))
}
_aryz_dynamic() {
    local cur="${COMP_WORDS[COMP_CWORD]}" prev="${COMP_WORDS[COMP_CWORD-1]}" sub="" w
    for w in "${COMP_WORDS[@]:1:COMP_CWORD-1}"; do
        case "$w" in -*) ;; *) sub="$w"; break ;; esac
    done
    if [[ "$cur" != -* ]]; then
        case "$prev" in
            --assignee|--operator|disable) _aryz_candidates logins "$cur"; return 0 ;;
            --ref|--duplicate-of) _aryz_candidates refs "$cur"; return 0 ;;
        esac
        if [[ "$sub" == operator && "$prev" == add ]]; then _aryz_candidates logins "$cur"; return 0; fi
        if [[ "$sub" == assign && "$prev" == [Aa][Rr][Zz]-* ]]; then
            _aryz_candidates refs "$cur"
            local refs=("${COMPREPLY[@]}")
            _aryz_candidates logins "$cur"
            COMPREPLY+=("${refs[@]}")
            return 0
        fi
        case " __REF_COMMANDS__ " in
            *" $prev "*) if [[ "$prev" == "$sub" ]]; then _aryz_candidates refs "$cur"; return 0; fi ;;
        esac
        if [[ "$cur" == [Aa][Rr][Zz]-* ]]; then _aryz_candidates refs "$cur"; return 0; fi
    fi
    _aryz "$@"
}
complete -F _aryz_dynamic -o bashdefault -o default aryz
"#;

/// Fish: references after the subcommands that take one, logins after `--assignee`.
const FISH_DYNAMIC: &str = r#"
# --- references and logins from the database (aryz __complete)
complete -c aryz -f -n "__fish_seen_subcommand_from __REF_COMMANDS__" -a "(aryz __complete refs (commandline -ct) 2>/dev/null)"
complete -c aryz -f -l assignee -r -a "(aryz __complete logins (commandline -ct) 2>/dev/null)"
complete -c aryz -f -l operator -r -a "(aryz __complete logins (commandline -ct) 2>/dev/null)"
"#;

/// Zsh: the helpers that the generated script's REF and LOGIN arguments call instead of
/// `_default` (see [`zsh_dynamic`]).
const ZSH_HELPERS: &str = r#"
# --- references and logins from the database (aryz __complete)
_aryz_refs() {
    local -a refs
    refs=(${(f)"$(aryz __complete refs "$PREFIX" 2>/dev/null)"})
    compadd -a refs
}
_aryz_logins() {
    local -a logins
    logins=(${(f)"$(aryz __complete logins "$PREFIX" 2>/dev/null)"})
    compadd -a logins
}
"#;

/// Points the zsh script's reference and login arguments at the helpers, which go right
/// after the `#compdef` line (the script's last lines may call `_aryz` at once).
/// A spec is `':reference -- HELP:_default'` for an argument, `'--ref=[HELP]:REF:_default'`
/// for an option: the action after the last colon is replaced, whatever the help says.
fn zsh_dynamic(script: &str) -> String {
    const DEFAULT: &str = ":_default'";
    let script: String = script
        .split_inclusive('\n')
        .map(|l| {
            let spec = l.trim_start();
            let helper = if spec.starts_with("':reference")
                || [":REF:_default'", ":REF2:_default'"].iter().any(|v| l.contains(v))
            {
                Some("_aryz_refs")
            } else if spec.starts_with("':login") || l.contains(":LOGIN:_default'") {
                Some("_aryz_logins")
            } else {
                None
            };
            match (helper, l.rfind(DEFAULT)) {
                (Some(h), Some(at)) => format!("{}:{h}'{}", &l[..at], &l[at + DEFAULT.len()..]),
                _ => l.to_string(),
            }
        })
        .collect();
    match script.split_once('\n') {
        Some((first, rest)) => format!("{first}\n{ZSH_HELPERS}{rest}"),
        None => script,
    }
}

/// The completion script of `shell`.
pub fn script(shell: CompletionShell) -> Vec<u8> {
    let mut cmd = visible_command();
    let mut buf = Vec::new();
    let (generator, extra) = match shell {
        CompletionShell::Bash => (Shell::Bash, BASH_DYNAMIC),
        CompletionShell::Zsh => (Shell::Zsh, ""),
        CompletionShell::Fish => (Shell::Fish, FISH_DYNAMIC),
    };
    clap_complete::generate(generator, &mut cmd, "aryz", &mut buf);
    if shell == CompletionShell::Zsh {
        return zsh_dynamic(&String::from_utf8_lossy(&buf)).into_bytes();
    }
    buf.extend_from_slice(extra.replace("__REF_COMMANDS__", REF_COMMANDS).as_bytes());
    buf
}

/// The command line without its hidden subcommands (`man`, `__complete`): `clap_complete`'s
/// bash generator would offer them otherwise.
fn visible_command() -> clap::Command {
    let full = Cli::command();
    let mut cmd = clap::Command::new("aryz")
        .version(env!("CARGO_PKG_VERSION"))
        .args(full.get_arguments().cloned())
        .subcommands(full.get_subcommands().filter(|s| !s.is_hide_set()).cloned());
    if let Some(about) = full.get_about() {
        cmd = cmd.about(about.clone());
    }
    cmd
}

pub(super) fn completions(shell: CompletionShell, out: &mut impl Write) -> Result<()> {
    out.write_all(&script(shell))?;
    Ok(())
}

/// Prints the candidates, one a line. Any failure (no database, an unknown login) prints
/// nothing: a completion must never print an error into the command line being typed.
pub(super) fn candidates(env: &Env, what: CompleteWhat, prefix: &str, out: &mut impl Write) -> Result<()> {
    let Ok(s) = env.session() else { return Ok(()) };
    let list = match what {
        CompleteWhat::Refs => s.reference_candidates(prefix, MAX_CANDIDATES),
        CompleteWhat::Logins => s.operators().map(|ops| {
            ops.into_iter()
                .filter(|o| o.active && o.login.starts_with(prefix))
                .map(|o| o.login)
                .take(MAX_CANDIDATES)
                .collect()
        }),
    };
    for c in list.unwrap_or_default() {
        writeln!(out, "{c}")?;
    }
    Ok(())
}

/// Every key of `config.toml`, for the man page. A unit test compares this list with the
/// keys the configuration accepts, so a new key cannot go undocumented.
pub const CONFIG_KEYS: &[(&str, &str)] = &[
    ("language", "Interface language: ky, ru or en (default: the locale, else English)."),
    (
        "utc_offset",
        "The office's offset from UTC, e.g. \"+06:00\" (Asia/Bishkek); \"today\" is the local date there.",
    ),
    ("due_soon_working_days", "A request is due soon within this many working days (default 5, at most 60)."),
    (
        "awaiting_subject_days",
        "Requests awaiting the subject longer than this many days are shown to supervisors (default 10).",
    ),
    ("rules_file", "A deadline rules file replacing the shipped rules (relative to the config directory)."),
    ("database", "The database: a SQLite file or a postgres:// URL (--db overrides it)."),
    ("letters_dir", "Where letters are saved (default: letters/ in the data directory)."),
    (
        "templates_dir",
        "Letter template overrides (default: templates/ in the config directory, when it exists).",
    ),
    (
        "responses_dir",
        "Standard response texts, responses.toml (default: responses/ in the config directory, when it exists).",
    ),
    (
        "letterhead",
        "Per language ([letterhead.ky], .ru, .en): service_name, address, signer_position, signer_name.",
    ),
    ("group_access", "true: new files are readable and writable by the owner's group too (a shared server)."),
    ("key_file", "The file holding the key of an encrypted database (build feature encryption)."),
    (
        "target_percent_in_time",
        "The target \"% in time\" reports are rated against: green at or above, amber within 5 points below, red further below (default 90).",
    ),
    ("retention_years", "aryz retention erases personal data of requests closed longer ago (default 5)."),
    ("attachment_max_mb", "The largest file aryz attach accepts, in MB (default 25, 1 to 500)."),
    (
        "audit_anchor_file",
        "After each write aryz appends the audit head (N:HASH) to this append-only file; keep it where clerks cannot write (SECURITY.md).",
    ),
    ("keys", "Keys of the terminal UI: action = \"key\" or [\"key\", \"key\"]."),
    ("digest.output", "aryz digest --deliver writes the digest to this file (replaced whole)."),
    ("digest.mail_to", "aryz digest --deliver mails the digest to these addresses."),
    ("digest.mail_from", "The sender of the mailed digest (default: the mail system's choice)."),
    ("digest.sendmail", "The sendmail-compatible program used for mail (default /usr/sbin/sendmail)."),
    (
        "backup.dir",
        "Where aryz backup without FILE writes dated copies (default: backups/ in the data directory).",
    ),
    ("backup.keep", "How many dated copies aryz backup keeps (default 14)."),
    (
        "busy_timeout_ms",
        "How long a command waits for another aryz process's write before it says the database is locked, in milliseconds (default 5000, 1 to 600000).",
    ),
];

const ENVIRONMENT: &[(&str, &str)] = &[
    ("ARYZ_DATA_DIR", "The data directory: database, log, letters, backups (default ~/.local/share/aryz)."),
    ("ARYZ_CONFIG_DIR", "The config directory: config.toml, i18n/, templates/ (default ~/.config/aryz)."),
    ("ARYZ_KEY_FILE", "The key file of an encrypted database (overrides key_file)."),
    (
        "ARYZ_BUSY_TIMEOUT_MS",
        "How long to wait for another aryz process's write, in milliseconds (overrides busy_timeout_ms).",
    ),
    ("ARYZ_OPERATOR", "On a database created with init --dev-identity only: the operator's login."),
    ("ARYZ_TODAY", "On a database created with init --dev-identity only: today's date, YYYY-MM-DD."),
    ("LC_ALL, LC_MESSAGES, LANG", "The interface language when neither --lang nor language is set."),
    ("NO_COLOR", "When set to anything non-empty, the terminal UI uses no colours."),
];

const FILES: &[(&str, &str)] = &[
    (
        "~/.local/share/aryz/aryz.sqlite3",
        "The database (one SQLite file, with -wal and -shm beside it while in use).",
    ),
    (
        "~/.local/share/aryz/aryz.log",
        "The log: command names, logins, counts and error kinds, never personal data.",
    ),
    ("~/.local/share/aryz/backups/", "Dated copies written by aryz backup without FILE."),
    ("~/.config/aryz/config.toml", "The configuration (see CONFIGURATION)."),
    ("~/.config/aryz/i18n/LANG.toml", "Replacements of interface texts."),
    ("~/.config/aryz/templates/", "Letter template overrides."),
    ("/usr/share/doc/aryz/config.toml", "An example configuration with every key."),
    (
        "/lib/systemd/system/aryz-digest@.timer, aryz-backup@.timer, aryz-check@.timer",
        "The timers of the daily digest, the nightly backup and the weekly check; the instance is the login they run as.",
    ),
];

const EXIT_STATUS: &[(&str, &str)] = &[
    ("0", "Success (aryz doctor: all is well)."),
    (
        "1",
        "Failure: one line on standard error naming the field and the rule (aryz doctor: problems were found; aryz check and aryz audit verify: the database failed a check).",
    ),
    ("2", "Usage error: an unknown option or a missing argument."),
];

/// Escapes text for a roff line: backslashes, and a leading dot or quote.
fn roff_text(s: &str) -> String {
    let s = s.replace('\\', "\\e").replace('-', "\\-");
    if s.starts_with('.') || s.starts_with('\'') { format!("\\&{s}") } else { s }
}

fn roff_section(out: &mut Vec<u8>, title: &str, intro: &str, items: &[(&str, &str)]) {
    let mut s = format!(".SH \"{title}\"\n");
    if !intro.is_empty() {
        s.push_str(&format!("{}\n", roff_text(intro)));
    }
    for (term, text) in items {
        s.push_str(&format!(".TP\n\\fB{}\\fR\n{}\n", roff_text(term), roff_text(text)));
    }
    out.extend_from_slice(s.as_bytes());
}

/// The main page, `aryz.1`: clap's sections and the configuration, environment, files and
/// exit status.
pub(super) fn main_page() -> std::io::Result<Vec<u8>> {
    let cmd = Cli::command().disable_help_subcommand(true);
    let mut out = Vec::new();
    clap_mangen::Man::new(cmd).manual("aryz manual").render(&mut out)?;
    roff_section(
        &mut out,
        "CONFIGURATION",
        "config.toml in the config directory; every key is optional. An example with every key is /usr/share/doc/aryz/config.toml.",
        CONFIG_KEYS,
    );
    roff_section(&mut out, "ENVIRONMENT", "", ENVIRONMENT);
    roff_section(&mut out, "FILES", "", FILES);
    roff_section(&mut out, "EXIT STATUS", "", EXIT_STATUS);
    roff_section(
        &mut out,
        "SEE ALSO",
        "The pages of the subcommands, e.g. aryz-list(1); aryz doctor shows what aryz sees on this machine.",
        &[],
    );
    Ok(out)
}

/// Writes `aryz.1` and one page per visible subcommand (`aryz-list.1`, `aryz-operator-add.1`)
/// into `dir`; returns the file names written.
pub fn write_man_pages(dir: &Path) -> std::io::Result<Vec<String>> {
    fn sub_pages(cmd: &clap::Command, dir: &Path, names: &mut Vec<String>) -> std::io::Result<()> {
        for sub in cmd.get_subcommands().filter(|s| !s.is_hide_set()) {
            sub_pages(sub, dir, names)?;
            let man = clap_mangen::Man::new(sub.clone()).manual("aryz manual");
            names.push(man.get_filename());
            man.generate_to(dir)?;
        }
        Ok(())
    }
    std::fs::create_dir_all(dir)?;
    let mut cmd = Cli::command().disable_help_subcommand(true);
    cmd.build();
    let mut names = vec!["aryz.1".to_string()];
    std::fs::write(dir.join("aryz.1"), main_page()?)?;
    sub_pages(&cmd, dir, &mut names)?;
    Ok(names)
}

pub(super) fn man(dir: &Path, out: &mut impl Write) -> Result<()> {
    for name in write_man_pages(dir)? {
        writeln!(out, "{}", dir.join(name).display())?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The fields serde accepts in a table, from its "unknown field" message
    /// ("expected `a` or `b`", "expected one of `a`, `b`, `c`").
    fn accepted_fields(toml_text: &str) -> Vec<String> {
        let e = crate::config::Config::parse(toml_text).unwrap_err().to_string();
        let list = e.split("expected").nth(1).unwrap_or_else(|| panic!("{e}"));
        list.split('`').skip(1).step_by(2).map(String::from).collect()
    }

    #[test]
    fn every_config_key_is_documented() {
        let documented: Vec<&str> = CONFIG_KEYS.iter().map(|(k, _)| *k).collect();
        let mut accepted = accepted_fields("zz_not_a_key = 1\n");
        accepted.extend(
            accepted_fields("[digest]\nzz_not_a_key = 1\n").into_iter().map(|f| format!("digest.{f}")),
        );
        accepted.extend(
            accepted_fields("[backup]\nzz_not_a_key = 1\n").into_iter().map(|f| format!("backup.{f}")),
        );
        assert!(accepted.len() > 15, "{accepted:?}");
        for key in &accepted {
            if key == "digest" || key == "backup" {
                continue;
            }
            assert!(documented.contains(&key.as_str()), "config key {key} is not in CONFIG_KEYS");
        }
        for key in documented {
            assert!(
                accepted.iter().any(|a| a == key),
                "CONFIG_KEYS documents {key}, which the config refuses"
            );
        }
    }

    #[test]
    fn the_example_config_is_valid_and_names_every_key() {
        let text = include_str!("../../packaging/config.toml");
        crate::config::Config::parse(text).unwrap();
        let uncommented: String =
            text.lines().map(|l| l.strip_prefix("# ").unwrap_or(l)).collect::<Vec<_>>().join("\n");
        for (key, _) in CONFIG_KEYS {
            let leaf = key.rsplit('.').next().unwrap_or(key);
            assert!(uncommented.contains(leaf), "packaging/config.toml does not show {key}");
        }
    }

    #[test]
    fn roff_escapes_what_roff_would_read_as_requests() {
        assert_eq!(roff_text(".hidden"), "\\&.hidden");
        assert_eq!(roff_text("a\\b"), "a\\eb");
        assert_eq!(roff_text("--db"), "\\-\\-db");
    }
}
