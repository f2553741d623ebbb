//! The command line's help and usage errors in the interface language. clap parses as
//! always; only when it stops (a usage error, `--help`) is its answer rendered here from the
//! catalogs: the error as `aryz: error: …` with a sentence per kind of usage error (`[cli_error]`),
//! the help with localized headings, subcommand descriptions and option descriptions
//! (`[cli_help]`). clap's
//! usage line, option names and values are kept as they are: they are what is typed.
//!
//! A command that parses never builds the localized command tree, so start-up is unchanged.

use std::ffi::OsString;

use clap::error::{ContextKind, ContextValue, ErrorKind};
use clap::{Command, CommandFactory, Parser};

use crate::cli::{Cli, Lang};
use crate::i18n::localize::{Localize, Message};
use crate::i18n::{t, tf};
use crate::msg;

/// The interface language while the arguments cannot be parsed: `--lang` before the
/// subcommand (where [`crate::cli::interface_lang_first`] put it), else the config's, else the
/// locale's. Its catalogs are loaded as [`crate::commands::Env::load`] would.
pub fn choose_language(args: &[OsString]) -> Lang {
    let mut cli = None;
    let mut i = 1;
    while let Some(a) = args.get(i) {
        let a = a.to_string_lossy();
        if a == "--lang" {
            cli = args.get(i + 1).and_then(|v| Lang::from_code(&v.to_string_lossy()));
            break;
        }
        if let Some(v) = a.strip_prefix("--lang=") {
            cli = Lang::from_code(v);
            break;
        }
        if a == "--db" || a == "--format" {
            i += 2;
        } else if a.starts_with('-') {
            i += 1;
        } else {
            break;
        }
    }
    let config_dir = crate::paths::config_dir();
    let config = crate::config::Config::load(&config_dir.join(crate::paths::CONFIG_FILE)).ok();
    let lang = crate::i18n::choose(cli, config.as_ref().and_then(|c| c.language));
    if crate::i18n::init(lang, &config_dir).is_err() {
        // A broken catalog override is reported when a command runs; the usage error
        // is shown with the shipped catalog.
        crate::i18n::set_thread_language(Some(lang));
    }
    lang
}

/// Parses the arguments; on a usage error or `--help`, prints clap's answer in the interface
/// language and exits as clap does (2 for a usage error, 0 for help and version).
pub fn parse_or_exit(args: &[OsString]) -> Cli {
    match Cli::try_parse_from(args) {
        Ok(cli) => cli,
        Err(e) => usage_exit(&e, args),
    }
}

/// Prints clap's answer `e` to `args` (a usage error, the help, the version) in the
/// interface language and exits as clap does.
pub fn usage_exit(e: &clap::Error, args: &[OsString]) -> ! {
    choose_language(args);
    exit(e, args)
}

fn exit(e: &clap::Error, args: &[OsString]) -> ! {
    use std::io::Write;
    let answer = usage_answer(e, args);
    let _ = if answer.to_stdout {
        std::io::stdout().write_all(answer.text.as_bytes())
    } else {
        std::io::stderr().write_all(answer.text.as_bytes())
    };
    std::process::exit(answer.code)
}

/// What aryz prints for clap's answer `e` to `args`, in the current interface language,
/// and the exit code it then ends with: the help asked for (stdout, 0), the version
/// (stdout, 0), the help shown for a missing subcommand (stderr, 2), a usage error (stderr,
/// 2). [`usage_exit`] prints exactly this; tests read it without starting a process.
pub struct UsageAnswer {
    pub text: String,
    pub to_stdout: bool,
    pub code: i32,
}

pub fn usage_answer(e: &clap::Error, args: &[OsString]) -> UsageAnswer {
    match e.kind() {
        ErrorKind::DisplayHelp | ErrorKind::DisplayHelpOnMissingArgumentOrSubcommand => {
            // The same parse on the localized command gives the same help, in the language.
            let text = match localized_command().try_get_matches_from(args) {
                Err(h) => h.render().to_string(),
                Ok(_) => e.render().to_string(),
            };
            // Asked for, the help goes to stdout; shown for a missing subcommand, to stderr.
            let code = if e.kind() == ErrorKind::DisplayHelp { 0 } else { 2 };
            UsageAnswer { text, to_stdout: !e.use_stderr(), code }
        }
        ErrorKind::DisplayVersion => UsageAnswer { text: e.render().to_string(), to_stdout: true, code: 0 },
        _ => UsageAnswer { text: render_error(e), to_stdout: false, code: 2 },
    }
}

/// A usage error as shown: `aryz: error: …`, the tips, the usage, where to find more.
pub fn render_error(e: &clap::Error) -> String {
    let mut out = crate::app::error_line(&UsageError(e));
    let mut tips = Vec::new();
    for (kind, key) in [
        (ContextKind::SuggestedSubcommand, "cli_error.tip_subcommand"),
        (ContextKind::SuggestedArg, "cli_error.tip_argument"),
        (ContextKind::SuggestedValue, "cli_error.tip_value"),
    ] {
        if let Some(v) = text_of(e.get(kind)) {
            tips.push(tf(key, &[("name", &v)]));
        }
    }
    // clap's other tips are English sentences ("to pass '-x' as a value, use '-- -x'").
    if crate::i18n::current() == Lang::En
        && let Some(ContextValue::StyledStrs(s)) = e.get(ContextKind::Suggested)
    {
        tips.extend(s.iter().map(|s| format!("tip: {s}")));
    }
    if !tips.is_empty() {
        out.push('\n');
        for tip in tips {
            out.push_str("\n  ");
            out.push_str(&tip);
        }
    }
    if let Some(ContextValue::StyledStr(usage)) = e.get(ContextKind::Usage) {
        let usage = usage.to_string();
        let usage = usage.strip_prefix("Usage: ").unwrap_or(&usage);
        out.push_str(&format!("\n\n{} {usage}", t("cli_help.usage")));
    }
    out.push_str("\n\n");
    out.push_str(&tf("cli_error.more_info", &[("help", &"--help")]));
    out.push('\n');
    out
}

/// A usage error as a message: a sentence per kind of error, with clap's own words only for
/// the rare kinds no catalog names.
pub struct UsageError<'a>(pub &'a clap::Error);

impl Localize for UsageError<'_> {
    fn message(&self) -> Message {
        let e = self.0;
        let arg = text_of(e.get(ContextKind::InvalidArg)).unwrap_or_default();
        let value = text_of(e.get(ContextKind::InvalidValue)).unwrap_or_default();
        let valid = list_of(e.get(ContextKind::ValidValue));
        match e.kind() {
            ErrorKind::UnknownArgument => msg!("cli_error.unknown_argument", arg = arg),
            ErrorKind::InvalidValue if value.is_empty() => msg!("cli_error.value_required", arg = arg),
            ErrorKind::InvalidValue if !valid.is_empty() => {
                msg!("cli_error.invalid_value_of", value = value, arg = arg, values = valid.join(", "))
            }
            ErrorKind::InvalidValue | ErrorKind::ValueValidation => {
                msg!("cli_error.invalid_value", value = value, arg = arg)
            }
            ErrorKind::InvalidSubcommand => msg!(
                "cli_error.invalid_subcommand",
                name = text_of(e.get(ContextKind::InvalidSubcommand)).unwrap_or_default()
            ),
            ErrorKind::MissingRequiredArgument => msg!("cli_error.missing_required", args = arg),
            ErrorKind::MissingSubcommand => msg!(
                "cli_error.missing_subcommand",
                name = text_of(e.get(ContextKind::InvalidSubcommand)).unwrap_or_default(),
                values = list_of(e.get(ContextKind::ValidSubcommand)).join(", ")
            ),
            ErrorKind::ArgumentConflict => match text_of(e.get(ContextKind::PriorArg)) {
                Some(prior) if prior != arg => msg!("cli_error.conflict", arg = arg, other = prior),
                _ => msg!("cli_error.conflict_repeated", arg = arg),
            },
            ErrorKind::TooManyValues => msg!("cli_error.too_many", value = value, arg = arg),
            ErrorKind::TooFewValues | ErrorKind::WrongNumberOfValues => {
                msg!("cli_error.wrong_number", arg = arg)
            }
            ErrorKind::NoEquals => msg!("cli_error.no_equals", arg = arg),
            _ => {
                let text = e.render().to_string();
                let first = text.lines().next().unwrap_or_default();
                Message::plain(first.trim_start_matches("error: "))
            }
        }
    }
}

fn text_of(v: Option<&ContextValue>) -> Option<String> {
    match v? {
        ContextValue::String(s) => Some(s.clone()),
        ContextValue::Strings(v) => Some(v.join(" ")),
        ContextValue::StyledStr(s) => Some(s.to_string()),
        ContextValue::StyledStrs(v) => Some(v.iter().map(ToString::to_string).collect::<Vec<_>>().join(" ")),
        ContextValue::Number(n) => Some(n.to_string()),
        _ => None,
    }
}

fn list_of(v: Option<&ContextValue>) -> Vec<String> {
    match v {
        Some(ContextValue::Strings(v)) => v.clone(),
        Some(ContextValue::String(s)) => vec![s.clone()],
        _ => Vec::new(),
    }
}

/// The command tree with the help in the interface language: the headings, the help and
/// version flags, and each subcommand's description (`cli_help.about.<path>`) where the
/// catalog has one. English is clap's own text.
pub fn localized_command() -> Command {
    let cmd = Cli::command();
    if crate::i18n::current() == Lang::En {
        return cmd;
    }
    let mut cmd = localize(cmd, "");
    cmd.build();
    localize_help_subcommand(cmd)
}

/// The catalog key of a subcommand's description: `cli_help.about.report_monthly`.
pub fn about_key(path: &str) -> String {
    format!("cli_help.about.{}", path.replace(['-', '.'], "_"))
}

/// The catalog key of the description of option `id` of the subcommand at `path`: its
/// own (`cli_help.option_of.report_monthly.as_of`), else the one of every subcommand
/// whose option of that name says the same (`cli_help.option.format`); `None` when the
/// catalog has neither.
pub fn option_key(path: &str, id: &str) -> Option<String> {
    let id = id.replace('-', "_");
    let own = format!("cli_help.option_of.{}.{id}", path.replace(['-', '.'], "_"));
    let shared = format!("cli_help.option.{id}");
    [own, shared].into_iter().find(|k| crate::i18n::has(k))
}

/// An option's description from the catalog (`key`), and its values and default in the
/// interface language (clap writes "possible values" and "default" in English).
fn localize_arg(mut a: clap::Arg, key: Option<&str>) -> clap::Arg {
    if let Some((prefix, code)) = key.and_then(|k| k.rsplit_once('.')) {
        a = a.help(crate::i18n::label_owned(prefix, code)).long_help(None::<&'static str>);
    }
    let values: Vec<String> = a
        .get_possible_values()
        .iter()
        .filter(|v| !v.is_hide_set())
        .map(|v| v.get_name().to_string())
        .collect();
    // An empty default is shown as clap shows it, `""`.
    let default: Vec<String> = a
        .get_default_values()
        .iter()
        .map(|v| if v.is_empty() { "\"\"".to_string() } else { v.to_string_lossy().into_owned() })
        .collect();
    if !a.get_action().takes_values()
        || a.is_hide_possible_values_set()
        || (values.is_empty() && default.is_empty())
    {
        return a;
    }
    let mut help = a.get_help().map(ToString::to_string).unwrap_or_default();
    if !values.is_empty() {
        help.push_str(&format!(" [{}: {}]", t("cli_help.possible_values"), values.join(", ")));
    }
    if !default.is_empty() && !a.is_hide_default_value_set() {
        help.push_str(&format!(" [{}: {}]", t("cli_help.default"), default.join(", ")));
    }
    a.help(help.trim().to_string())
        .long_help(None::<&'static str>)
        .hide_possible_values(true)
        .hide_default_value(true)
}

/// The `help` subcommand clap adds to every command with subcommands, described in the
/// language (it exists only once the tree is built).
fn localize_help_subcommand(mut cmd: Command) -> Command {
    let subs: Vec<String> = cmd.get_subcommands().map(|s| s.get_name().to_string()).collect();
    for name in subs {
        cmd = if name == "help" {
            cmd.mut_subcommand(&name, |h| h.about(t("cli_help.help_command")))
        } else {
            cmd.mut_subcommand(&name, localize_help_subcommand)
        };
    }
    cmd
}

fn localize(mut cmd: Command, path: &str) -> Command {
    if path.is_empty() {
        cmd = cmd.about(t("cli_help.about_aryz")).long_about(t("cli_help.long_about_aryz"));
    } else {
        let key = about_key(path);
        if crate::i18n::has(&key) {
            let text = crate::i18n::label_owned("cli_help.about", key.trim_start_matches("cli_help.about."));
            cmd = cmd.about(text).long_about(None);
        }
    }
    let template = format!(
        "{{before-help}}{{about-with-newline}}\n{} {{usage}}\n\n{{all-args}}{{after-help}}",
        t("cli_help.usage")
    );
    cmd = cmd
        .help_template(template)
        .subcommand_help_heading(t("cli_help.commands"))
        .disable_help_flag(true)
        .arg(
            clap::Arg::new("help")
                .short('h')
                .long("help")
                .action(clap::ArgAction::Help)
                .help(t("cli_help.help_flag"))
                .help_heading(t("cli_help.options")),
        );
    if path.is_empty() {
        cmd = cmd.disable_version_flag(true).arg(
            clap::Arg::new("version")
                .short('V')
                .long("version")
                .action(clap::ArgAction::Version)
                .help(t("cli_help.version_flag"))
                .help_heading(t("cli_help.options")),
        );
    }
    let ids: Vec<(String, bool)> = cmd
        .get_arguments()
        .filter(|a| a.get_id() != "help" && a.get_id() != "version")
        .map(|a| (a.get_id().to_string(), a.is_positional()))
        .collect();
    for (id, positional) in ids {
        let heading = if positional { t("cli_help.arguments") } else { t("cli_help.options") };
        let key = if path.is_empty() {
            Some(format!("cli_help.arg.{}", id.replace('-', "_"))).filter(|k| crate::i18n::has(k))
        } else {
            option_key(path, &id)
        };
        cmd = cmd.mut_arg(&id, |a| localize_arg(a.help_heading(heading), key.as_deref()));
    }
    let subs: Vec<String> = cmd.get_subcommands().map(|s| s.get_name().to_string()).collect();
    for name in subs {
        let sub_path = if path.is_empty() { name.clone() } else { format!("{path}.{name}") };
        cmd = cmd.mut_subcommand(&name, |s| localize(s, &sub_path));
    }
    cmd
}
