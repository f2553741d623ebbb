//! The command line: clap definitions. These names are a contract: scripts outside the
//! project call them. Dispatch lives in `commands`.

use std::ffi::OsString;
use std::path::PathBuf;

use chrono::NaiveDate;
use clap::builder::TypedValueParser;
use clap::{Args, Parser, Subcommand, ValueEnum};

use crate::domain::attachment::AttachmentKind;
use crate::domain::calendar::DayKind;
use crate::domain::code::UnknownCode;
use crate::domain::kind::{Channel, DataCategory, IdentityMethod, Language, RequestKind, Role};
use crate::domain::outcome::Outcome;
use crate::domain::parse::RefInput;
use crate::domain::referral::CopyMedium;
use crate::domain::status::Status;
use crate::domain::validation::FieldError;
pub use crate::i18n::Lang;
use crate::letters::{LetterFormat, LetterType};

#[derive(Debug, Parser)]
#[command(
    name = "aryz",
    version,
    about = "Personal-data subject requests of the State Tax Service (Salyk.kg)",
    long_about = "aryz registers, works and answers personal-data subject requests about the Salyk.kg app, \
each to be answered within 30 days. Without a subcommand it opens the terminal UI."
)]
pub struct Cli {
    /// Database file (default: aryz.sqlite3 in the data directory, or `ARYZ_DATA_DIR`).
    #[arg(long, global = true, value_name = "PATH")]
    pub db: Option<PathBuf>,
    /// Output format of records and lists, for the subcommand that follows (which also takes
    /// its own --format).
    #[arg(long, value_enum, value_name = "FORMAT")]
    pub format: Option<Format>,
    /// Ask for the passphrase of an encrypted database on the terminal.
    #[arg(long, global = true)]
    pub ask_key: bool,
    /// Interface language: ky, ru or en (default: `language` in config.toml, else the
    /// locale, else English). After `add` and `letter`, `--lang` is the language of the appeal
    /// or of the letter instead.
    #[arg(long, value_enum, value_name = "LANG")]
    pub lang: Option<Lang>,
    #[command(subcommand)]
    pub command: Option<Command>,
    /// A value of the command line refused by aryz's own parsers (a code, a date, a
    /// reference): reported after the configuration has chosen the interface language, as
    /// one line naming the field and the rule, exit code 1, like any other bad input.
    #[arg(skip)]
    pub rejected: Option<Rejected>,
}

/// A value refused while parsing the command line; the rest of the line is not run.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Rejected {
    Code(UnknownCode),
    Field(FieldError),
}

impl From<Rejected> for crate::service::Error {
    fn from(r: Rejected) -> Self {
        match r {
            Rejected::Code(c) => c.into(),
            Rejected::Field(f) => f.into(),
        }
    }
}

/// Why a command line could not be parsed.
#[derive(Debug)]
pub enum ParseFailure {
    /// A value aryz's parsers refused: a field error, reported as any other.
    Rejected(Rejected),
    /// Anything else clap refuses (usage, `--help`, `--version`): clap prints it.
    Usage(clap::Error),
}

/// The field error our parsers gave clap, when that is why it refused the line.
fn rejected(e: &clap::Error) -> Option<Rejected> {
    let source = std::error::Error::source(e)?;
    if let Some(c) = source.downcast_ref::<UnknownCode>() {
        return Some(Rejected::Code(c.clone()));
    }
    source.downcast_ref::<FieldError>().map(|f| Rejected::Field(f.clone()))
}

/// Parses `args` (the program name first), with [`interface_lang_first`] applied.
pub fn try_parse_from(args: Vec<OsString>) -> Result<Cli, ParseFailure> {
    let args = interface_lang_first(args);
    Cli::try_parse_from(&args).map_err(|e| match rejected(&e) {
        Some(r) => ParseFailure::Rejected(r),
        None => ParseFailure::Usage(e),
    })
}

impl Cli {
    /// Parses the process's arguments, with [`interface_lang_first`] applied. A value our
    /// parsers refuse comes back in [`Cli::rejected`], with the options before the
    /// subcommand (the database, the interface language) and no command; a usage error or
    /// the help is shown in the interface language ([`crate::cli_help`]).
    pub fn parse_args() -> Cli {
        let args = interface_lang_first(std::env::args_os().collect());
        match try_parse_from(args.clone()) {
            Ok(cli) => cli,
            Err(ParseFailure::Rejected(r)) => {
                let head = subcommand_at(&args).map_or(&args[..], |at| &args[..at]);
                match Cli::try_parse_from(head) {
                    Ok(cli) => Cli { rejected: Some(r), command: None, ask_key: false, ..cli },
                    Err(e) => crate::cli_help::usage_exit(&e, &args),
                }
            }
            Err(ParseFailure::Usage(e)) => crate::cli_help::usage_exit(&e, &args),
        }
    }

    /// The output format of records: the subcommand's `--format`, else the one before it,
    /// else a table.
    pub fn output_format(&self) -> Format {
        self.explicit_format().unwrap_or(Format::Table)
    }

    /// The `--format` given on the line, if any (the subcommand's first).
    pub fn explicit_format(&self) -> Option<Format> {
        self.command.as_ref().and_then(Command::format).or(self.format)
    }
}

/// Top-level options that take a value (to find where the subcommand starts).
const VALUED: [&str; 3] = ["--db", "--format", "--lang"];

/// Whether the subcommand `name` has a `--lang` of its own: `add` (the language of the
/// appeal) and `letter` (the language of the letter), contracts with scripts.
fn has_own_lang(name: &str) -> bool {
    <Cli as clap::CommandFactory>::command()
        .find_subcommand(name)
        .is_some_and(|c| c.get_arguments().any(|a| a.get_long() == Some("lang")))
}

/// The interface language option may follow any subcommand except those with a `--lang` of
/// their own ([`has_own_lang`]). clap knows the interface's `--lang` only before the
/// subcommand, so an `--lang X` / `--lang=X` after another subcommand is moved to just
/// before it. Nothing after a `--` is touched.
pub fn interface_lang_first(args: Vec<OsString>) -> Vec<OsString> {
    // Most commands have no --lang at all: nothing to move, and no need to build clap's
    // whole command tree to ask which subcommands own one.
    if !args.iter().skip(1).any(|a| a.to_string_lossy().starts_with("--lang")) {
        return args;
    }
    let Some(sub) = subcommand_at(&args) else { return args };
    if has_own_lang(&args[sub].to_string_lossy()) {
        return args;
    }
    let mut head: Vec<OsString> = args[..sub].to_vec();
    let mut tail: Vec<OsString> = Vec::new();
    let mut rest = args[sub..].iter();
    while let Some(a) = rest.next() {
        if a == "--" {
            tail.push(a.clone());
            tail.extend(rest.by_ref().cloned());
            break;
        }
        if a == "--lang" {
            head.push(a.clone());
            if let Some(v) = rest.next() {
                head.push(v.clone());
            }
        } else if a.to_string_lossy().starts_with("--lang=") {
            head.push(a.clone());
        } else {
            tail.push(a.clone());
        }
    }
    head.extend(tail);
    head
}

/// Where the subcommand starts in `args` (the program name first), if there is one before
/// any `--`.
fn subcommand_at(args: &[OsString]) -> Option<usize> {
    let mut i = 1;
    loop {
        let a = args.get(i)?.to_string_lossy();
        if a == "--" {
            return None;
        }
        if VALUED.contains(&a.as_ref()) {
            i += 2;
        } else if a.starts_with('-') {
            i += 1;
        } else {
            return Some(i);
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Format {
    Table,
    /// Same as table (the digest's plain-text form).
    #[value(hide = true)]
    Text,
    Json,
    Csv,
}

/// The `--format` of a subcommand that prints records.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Args)]
pub struct Output {
    /// Output format (default: a table, or the --format given before the subcommand).
    #[arg(long, value_enum, value_name = "FORMAT")]
    pub format: Option<Format>,
}

/// clap's parser of a date option: [`crate::domain::parse::date`] (`DD.MM.YYYY` or
/// `YYYY-MM-DD`), naming the option (`received`, `as-of`…) on error.
#[derive(Debug, Clone, Copy)]
pub struct DateArg;

impl TypedValueParser for DateArg {
    type Value = NaiveDate;

    fn parse_ref(
        &self,
        cmd: &clap::Command,
        arg: Option<&clap::Arg>,
        value: &std::ffi::OsStr,
    ) -> Result<NaiveDate, clap::Error> {
        let field = arg.map_or_else(String::new, |a| a.get_long().unwrap_or(a.get_id().as_str()).to_string());
        (move |s: &str| crate::domain::parse::date(&field, s)).parse_ref(cmd, arg, value)
    }
}

/// clap's parser of `--identity-verified-by`: an [`IdentityMethod`] that verifies
/// (`not_verified` is no way of verifying), so `--help` lists only those.
#[derive(Debug, Clone, Copy)]
pub struct VerifiedByArg;

impl VerifiedByArg {
    const METHODS: [IdentityMethod; 2] = [IdentityMethod::ESignature, IdentityMethod::DocumentPresented];
}

impl TypedValueParser for VerifiedByArg {
    type Value = IdentityMethod;

    fn parse_ref(
        &self,
        cmd: &clap::Command,
        arg: Option<&clap::Arg>,
        value: &std::ffi::OsStr,
    ) -> Result<IdentityMethod, clap::Error> {
        let parse = |s: &str| {
            s.parse::<IdentityMethod>().ok().filter(|m| Self::METHODS.contains(m)).ok_or_else(|| {
                UnknownCode {
                    field: "identity_verified_by",
                    value: s.to_string(),
                    allowed: Self::METHODS.map(IdentityMethod::code).join(", "),
                }
            })
        };
        parse.parse_ref(cmd, arg, value)
    }

    fn possible_values(&self) -> Option<Box<dyn Iterator<Item = clap::builder::PossibleValue> + '_>> {
        Some(Box::new(Self::METHODS.into_iter().map(|m| clap::builder::PossibleValue::new(m.code()))))
    }
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Create the database; the current OS login becomes its first admin.
    Init {
        /// Let `ARYZ_OPERATOR` (and `ARYZ_TODAY`) choose the operator and date: demos and tests only.
        #[arg(long)]
        dev_identity: bool,
    },
    /// Manage operators (admin).
    #[command(subcommand)]
    Operator(OperatorCommand),
    /// The offices requests and operators belong to (administrators edit the list).
    #[command(subcommand)]
    Office(OfficeCommand),
    /// Move a request to another office (a supervisor of the head office, or an administrator).
    Move {
        /// The reference, or the number of a request of this year (`123`).
        #[arg(value_name = "REF")]
        reference: RefInput,
        /// The code of the office it moves to.
        #[arg(long, value_name = "OFFICE")]
        to: String,
        /// Why, in a few words (kept in the timeline).
        #[arg(long, default_value = "")]
        reason: String,
        #[command(flatten)]
        out: Output,
    },
    /// Register a request; prints its reference.
    Add(Box<AddArgs>),
    /// List requests, most urgent first (open ones unless --status or --all).
    List(Box<ListArgs>),
    /// Show one request with its deadlines and timeline.
    Show {
        /// The reference, or the number of a request of this year (`123`).
        #[arg(value_name = "REF")]
        reference: RefInput,
        /// Compute days left as of this date (DD.MM.YYYY or YYYY-MM-DD).
        #[arg(long, value_name = "DATE", value_parser = DateArg)]
        as_of: Option<NaiveDate>,
        #[command(flatten)]
        out: Output,
    },
    /// Assign one or more requests to an operator (all or nothing).
    Assign {
        /// References, then the login: `aryz assign ARZ-2026-000001 ARZ-2026-000002 aibek`.
        #[arg(value_name = "REF... LOGIN", num_args = 2.., required = true)]
        args: Vec<String>,
        #[command(flatten)]
        out: Output,
    },
    /// Add an internal note (or, with --to-subject, record a message sent to the subject).
    Note {
        /// The reference, or the number of a request of this year (`123`).
        #[arg(value_name = "REF")]
        reference: RefInput,
        /// The note's text (with --to-subject: what the message said).
        text: String,
        /// Record a message sent to the subject, not an internal note.
        #[arg(long)]
        to_subject: bool,
        #[command(flatten)]
        out: Output,
    },
    /// Set the status: `in_progress` or `awaiting_subject`.
    Status {
        /// The reference, or the number of a request of this year (`123`).
        #[arg(value_name = "REF")]
        reference: RefInput,
        /// The new status.
        #[arg(value_name = "STATUS")]
        status: crate::service::StatusTarget,
        /// Why, in a few words (kept in the timeline).
        #[arg(long, default_value = "")]
        reason: String,
        #[command(flatten)]
        out: Output,
    },
    /// Record the answer to a request.
    Respond(Box<RespondArgs>),
    /// Close a request the subject withdrew.
    Withdraw {
        /// The reference, or the number of a request of this year (`123`).
        #[arg(value_name = "REF")]
        reference: RefInput,
        /// Why, in a few words (kept in the timeline).
        #[arg(long)]
        reason: String,
        #[command(flatten)]
        out: Output,
    },
    /// Reopen an answered or withdrawn request (supervisor).
    Reopen {
        /// The reference, or the number of a request of this year (`123`).
        #[arg(value_name = "REF")]
        reference: RefInput,
        /// Why, in a few words (kept in the timeline).
        #[arg(long)]
        reason: String,
        #[command(flatten)]
        out: Output,
    },
    /// Extend the binding deadline, when the rules allow it.
    Extend {
        /// The reference, or the number of a request of this year (`123`).
        #[arg(value_name = "REF")]
        reference: RefInput,
        /// By how many days (at most what the rules allow).
        #[arg(long)]
        days: u32,
        /// Why, in a few words (kept in the timeline).
        #[arg(long)]
        reason: String,
        #[command(flatten)]
        out: Output,
    },
    /// Stop the clock while waiting for the subject, when the rules allow it.
    Pause {
        /// The reference, or the number of a request of this year (`123`).
        #[arg(value_name = "REF")]
        reference: RefInput,
        /// Why the clock stops: one of the pause categories of the rules (the shipped
        /// rules: see `pause.categories` in assets/rules/).
        #[arg(long)]
        category: String,
        /// Why, in a few words (kept in the timeline).
        #[arg(long)]
        reason: String,
        #[command(flatten)]
        out: Output,
    },
    /// Restart a paused clock; the deadline moves by the paused days.
    Resume {
        /// The reference, or the number of a request of this year (`123`).
        #[arg(value_name = "REF")]
        reference: RefInput,
        #[command(flatten)]
        out: Output,
    },
    /// Every deadline of a request of KIND received on DATE, with the arithmetic. Needs no database.
    Deadline {
        /// What the subject asks for.
        #[arg(long)]
        kind: RequestKind,
        /// Date received (DD.MM.YYYY or YYYY-MM-DD).
        #[arg(long, value_name = "DATE", value_parser = DateArg)]
        received: NaiveDate,
        /// Date registered, when later than received (default: the date received).
        #[arg(long, value_name = "DATE", value_parser = DateArg)]
        registered: Option<NaiveDate>,
        #[command(flatten)]
        out: Output,
    },
    /// Non-working days and working days per month; `calendar add` (admin) adds a day.
    Calendar(CalendarArgs),
    /// The refusal grounds and their legal citations.
    Grounds {
        #[command(flatten)]
        out: Output,
    },
    /// Performance reports: received, answered in time and late, open, withdrawn (supervisor).
    ///
    /// % in time = (answered in time + open in time) / (answered in time + answered late +
    /// open in time + open late); withdrawn requests are counted apart, outside the %. An
    /// answer in time counts for the clerk who answered; a late answer or a request open past
    /// its governing deadline for the clerk who held it when the deadline passed. With
    /// --as-of D the figures are the ones recorded by the end of D: requests received later
    /// do not exist, answers recorded later are still open.
    #[command(subcommand, verbatim_doc_comment)]
    Report(ReportCommand),
    /// Overdue and due-soon requests per assignee, for a daily scheduled job (no personal data).
    Digest {
        /// The digest of this date (default today).
        #[arg(long, value_name = "DATE", value_parser = DateArg)]
        as_of: Option<NaiveDate>,
        /// Deliver as `[digest]` of the config says (write `output`, mail `mail_to`, or both);
        /// nothing on a day the calendar says is not a working day.
        #[arg(long)]
        deliver: bool,
        /// Only the figures of these offices (codes; repeatable, or comma-separated; default:
        /// every office you see).
        #[arg(long = "office", value_name = "OFFICE", value_delimiter = ',')]
        offices: Vec<String>,
        #[command(flatten)]
        out: Output,
    },
    /// Export requests with every field and every stored deadline.
    Export(Box<ExportArgs>),
    /// Verify or read the tamper-evident audit log (supervisor).
    #[command(subcommand)]
    Audit(AuditCommand),
    /// Integrity check, foreign-key check and audit verification.
    Check {
        #[command(flatten)]
        out: Output,
    },
    /// Open requests whose stored deadlines differ from today's rules and calendar
    /// (supervisor); --apply rewrites them, each with an event and an audit entry (admin).
    Recompute {
        /// Rewrite the stored deadlines (admin).
        #[arg(long)]
        apply: bool,
        #[command(flatten)]
        out: Output,
    },
    /// Copy the database online to FILE, consistent while others write (admin). Without
    /// FILE: a dated copy in `[backup] dir`, keeping the newest `keep` (or --keep N) copies.
    Backup {
        /// The copy to write: a new file.
        #[arg(value_name = "FILE")]
        file: Option<PathBuf>,
        /// Without FILE: how many dated copies to keep (default `[backup] keep`, else 14).
        #[arg(long, value_name = "N", conflicts_with = "file")]
        keep: Option<usize>,
    },
    /// Copy this SQLite database whole (requests, events, operators, the audit chain with its
    /// hashes) into an empty PostgreSQL database, and verify the chain there (admin).
    Migrate {
        /// The target: postgres://… (no password in it: PGPASSWORD or ~/.pgpass).
        #[arg(long, value_name = "URL")]
        to: String,
    },
    /// Erase the personal fields of requests closed more than N years ago (admin).
    Retention {
        /// Only list what would be erased.
        #[arg(long)]
        dry_run: bool,
        /// Years after closing (default: `retention_years` in the config, else 5).
        #[arg(long)]
        years: Option<u32>,
        #[command(flatten)]
        out: Output,
    },
    /// Import a batch of requests from a CSV or JSON file (columns: see the README).
    // `--format` comes from the shared `Output`; here it also names the file's format, so the
    // help says so (a doc comment on a flattened field is not used by clap).
    #[command(mut_arg("format", |a| a.help(
        "The file's format, json or csv (default: from its extension), and the report's format"
    )))]
    Import {
        /// The CSV or JSON file.
        #[arg(value_name = "FILE")]
        file: PathBuf,
        /// Validate and report only.
        #[arg(long)]
        dry_run: bool,
        /// Import the good rows and write the bad ones, with their reasons, to this CSV file.
        #[arg(long, value_name = "FILE")]
        rejects: Option<PathBuf>,
        /// List every row that has a warning, not the first ten of each kind.
        #[arg(long)]
        verbose: bool,
        #[command(flatten)]
        out: Output,
    },
    /// Write a letter to the subject (acknowledgement, reply or extension notice) as text or PDF.
    Letter(Box<LetterArgs>),
    /// Write everything aryz holds about one person (by PIN) to a JSON file (supervisor; audited).
    SubjectExport {
        /// The person's PIN (14 digits).
        #[arg(value_name = "PIN")]
        pin: String,
        /// The JSON file to write.
        #[arg(long, value_name = "FILE")]
        output: PathBuf,
        #[command(flatten)]
        out: Output,
    },
    /// Fill a --dev-identity database with synthetic requests.
    Demo {
        /// How many requests to create.
        #[arg(long, default_value_t = 300)]
        requests: usize,
        /// The same seed gives the same requests.
        #[arg(long, default_value_t = 1)]
        seed: u64,
    },
    // --- installation and diagnosis (issue 18): keep these together.
    /// What aryz sees: database, operator, calendar, config, templates, disk; each problem
    /// with the command that fixes it. Exit 0 when all is well, 1 on problems.
    Doctor {
        #[command(flatten)]
        out: Output,
    },
    /// Print the completion script of a shell: `aryz completions bash > ~/.local/share/bash-completion/completions/aryz`.
    Completions {
        /// The shell.
        #[arg(value_enum)]
        shell: CompletionShell,
    },
    /// Write the man pages (aryz.1 and one per subcommand) into DIR: for packaging.
    #[command(hide = true)]
    Man {
        #[arg(long, value_name = "DIR")]
        dir: PathBuf,
    },
    /// Completion candidates for the shell scripts: references or operator logins.
    #[command(name = "__complete", hide = true)]
    Complete {
        #[arg(value_enum)]
        what: CompleteWhat,
        #[arg(default_value = "")]
        prefix: String,
    },
    // --- the case file (issue 15): keep these together.
    /// Attach a file to a request (kept in the database; a file attached twice is stored once).
    Attach {
        /// The reference, or the number of a request of this year (`123`).
        #[arg(value_name = "REF")]
        reference: RefInput,
        /// The file to keep (its base name is recorded; at most `attachment_max_mb`).
        #[arg(value_name = "FILE")]
        file: PathBuf,
        /// What the file is to the case.
        #[arg(long, value_name = "KIND", default_value = "other")]
        kind: AttachmentKind,
        #[command(flatten)]
        out: Output,
    },
    /// List the files of a request: number, kind, name, size, SHA-256, who added it and when.
    Attachments {
        /// The reference, or the number of a request of this year (`123`).
        #[arg(value_name = "REF")]
        reference: RefInput,
        #[command(flatten)]
        out: Output,
    },
    /// Write file N of a request to a new FILE, byte for byte (audited as a disclosure).
    Attachment {
        /// The reference, or the number of a request of this year (`123`).
        #[arg(value_name = "REF")]
        reference: RefInput,
        /// The file's number, as `aryz attachments` lists it.
        #[arg(value_name = "N")]
        n: i64,
        /// Where to write it: a new file (an existing one is never overwritten).
        #[arg(long, value_name = "FILE")]
        output: PathBuf,
        #[command(flatten)]
        out: Output,
    },
    /// Register requests that arrived by e-mail (a .eml file or a Maildir folder)
    ///
    /// A `.eml` file, or a Maildir folder (the messages in its `new/`, else the files in the
    /// folder). One request per message, channel e-mail, the sender as name and contact, the
    /// text as description, identity not verified, the message and its files attached; each
    /// in its own transaction. Messages already registered (by Message-ID) are skipped; a
    /// message without a PIN or that cannot be read is rejected with the reason (exit 1 after
    /// the others).
    ImportMail {
        /// A `.eml` file or a Maildir folder.
        #[arg(value_name = "PATH")]
        path: PathBuf,
        /// The kind recorded for every message (check each after import).
        #[arg(long, value_name = "KIND")]
        kind: RequestKind,
        #[command(flatten)]
        out: Output,
    },
    /// Close REF as a duplicate of REF2 (supervisor)
    ///
    /// Withdrawn, closed as "duplicate", outside "% in time"; both timelines say so.
    Link {
        /// The reference, or the number of a request of this year (`123`).
        #[arg(value_name = "REF")]
        reference: RefInput,
        /// The request it duplicates (a reference, or a number of this year).
        #[arg(long, value_name = "REF2")]
        duplicate_of: RefInput,
        #[command(flatten)]
        out: Output,
    },
    /// Runs the subcommands on standard input, one JSON array of arguments per line, each as
    /// its own `aryz ARGS` would: for tests that need many writes from few processes.
    #[command(name = "__batch", hide = true)]
    Batch,
}

impl Command {
    /// The subcommand's own `--format`, if it prints records and one was given.
    pub fn format(&self) -> Option<Format> {
        use Command as C;
        let out = match self {
            C::Init { .. }
            | C::Backup { .. }
            | C::Migrate { .. }
            | C::Letter(_)
            | C::Demo { .. }
            | C::Completions { .. }
            | C::Man { .. }
            | C::Complete { .. }
            | C::Batch => return None,
            C::Operator(c) => match c {
                OperatorCommand::Add { out, .. }
                | OperatorCommand::List { out }
                | OperatorCommand::Disable { out, .. } => out,
            },
            C::Office(c) => match c {
                OfficeCommand::Add { out, .. }
                | OfficeCommand::List { out }
                | OfficeCommand::Edit { out, .. } => out,
            },
            C::Add(a) => &a.out,
            C::List(a) => &a.out,
            C::Export(a) => &a.out,
            C::Respond(a) => &a.out,
            C::Show { out, .. }
            | C::Assign { out, .. }
            | C::Note { out, .. }
            | C::Status { out, .. }
            | C::Withdraw { out, .. }
            | C::Move { out, .. }
            | C::Reopen { out, .. }
            | C::Extend { out, .. }
            | C::Pause { out, .. }
            | C::Resume { out, .. }
            | C::Deadline { out, .. }
            | C::Grounds { out }
            | C::Digest { out, .. }
            | C::Check { out }
            | C::Recompute { out, .. }
            | C::Retention { out, .. }
            | C::Import { out, .. }
            | C::SubjectExport { out, .. }
            | C::Doctor { out }
            | C::Attach { out, .. }
            | C::Attachments { out, .. }
            | C::Attachment { out, .. }
            | C::ImportMail { out, .. }
            | C::Link { out, .. } => out,
            C::Calendar(a) => match &a.command {
                None => &a.out,
                Some(
                    CalendarCommand::Add { out, .. }
                    | CalendarCommand::Remove { out, .. }
                    | CalendarCommand::Expected { out, .. },
                ) => out,
            },
            C::Report(c) => match c {
                ReportCommand::Monthly { out, .. }
                | ReportCommand::Range { out, .. }
                | ReportCommand::Backlog { out, .. } => out,
            },
            C::Audit(c) => match c {
                AuditCommand::Verify { out, .. }
                | AuditCommand::Head { out }
                | AuditCommand::Log { out, .. } => out,
            },
        };
        out.format
    }
}

/// The shells `aryz completions` writes scripts for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum CompletionShell {
    Bash,
    Zsh,
    Fish,
}

/// What `aryz __complete` lists.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum CompleteWhat {
    Refs,
    Logins,
}

#[derive(Debug, Subcommand)]
pub enum AuditCommand {
    /// Walk the hash chain and rehash every record; exit 1 on any problem.
    Verify {
        /// A head kept elsewhere (`aryz audit head`): fail if that entry is missing or differs.
        /// Default: the last line of `audit_anchor_file`, when configured.
        #[arg(long, value_name = "N:HASH")]
        expect: Option<String>,
        #[command(flatten)]
        out: Output,
    },
    /// Print the head of the log (number and hash of the last entry), to keep elsewhere.
    Head {
        #[command(flatten)]
        out: Output,
    },
    /// List audit entries, newest first.
    Log {
        /// Only the entries about this request.
        #[arg(long = "ref", value_name = "REF")]
        reference: Option<RefInput>,
        /// Only the entries of this operator.
        #[arg(long, value_name = "LOGIN")]
        operator: Option<String>,
        /// Only the entries from this date on (DD.MM.YYYY or YYYY-MM-DD).
        #[arg(long, value_name = "DATE", value_parser = DateArg)]
        since: Option<NaiveDate>,
        /// At most this many entries.
        #[arg(long, default_value_t = 100)]
        limit: usize,
        #[command(flatten)]
        out: Output,
    },
}

#[derive(Debug, Subcommand)]
pub enum OperatorCommand {
    /// Add an operator (or change the role of an existing one and re-enable it).
    Add {
        /// The operator's login.
        login: String,
        /// What the operator may do.
        #[arg(long)]
        role: Role,
        /// The operator's full name.
        #[arg(long, default_value = "")]
        name: String,
        /// The office's code (a new operator: the default office; an existing one: unchanged).
        #[arg(long, value_name = "OFFICE")]
        office: Option<String>,
        #[command(flatten)]
        out: Output,
    },
    /// List operators.
    List {
        #[command(flatten)]
        out: Output,
    },
    /// Disable an operator.
    Disable {
        /// The operator's login.
        login: String,
        #[command(flatten)]
        out: Output,
    },
}

#[derive(Debug, Subcommand)]
pub enum OfficeCommand {
    /// Add an office.
    Add {
        /// A short code: 1 to 16 letters, digits or '-' (upper-cased).
        code: String,
        /// The office's name in English.
        #[arg(long, default_value = "")]
        name_en: String,
        /// The office's name in Kyrgyz.
        #[arg(long, default_value = "")]
        name_ky: String,
        /// The office's name in Russian.
        #[arg(long, default_value = "")]
        name_ru: String,
        /// The head office: its supervisors see every office.
        #[arg(long)]
        head: bool,
        #[command(flatten)]
        out: Output,
    },
    /// List the offices.
    List {
        #[command(flatten)]
        out: Output,
    },
    /// Change an office's code, names, head-office mark or whether it is active.
    Edit {
        /// The office's code as it is now.
        code: String,
        /// A new code for the office (1 to 16 letters, digits or '-').
        #[arg(long = "code", value_name = "NEW")]
        new_code: Option<String>,
        /// The office's name in English.
        #[arg(long)]
        name_en: Option<String>,
        /// The office's name in Kyrgyz.
        #[arg(long)]
        name_ky: Option<String>,
        /// The office's name in Russian.
        #[arg(long)]
        name_ru: Option<String>,
        /// Whether it is the head office, whose supervisors see every office.
        #[arg(long, value_name = "BOOL")]
        head: Option<bool>,
        /// Whether requests may be registered in or moved to it.
        #[arg(long, value_name = "BOOL")]
        active: Option<bool>,
        #[command(flatten)]
        out: Output,
    },
}

#[derive(Debug, Args)]
pub struct AddArgs {
    /// The office to register it in (a head-office supervisor or an administrator; others
    /// register in their own office).
    #[arg(long, value_name = "OFFICE")]
    pub office: Option<String>,
    /// What the subject asks for.
    #[arg(long)]
    pub kind: RequestKind,
    /// Subject's full name.
    #[arg(long)]
    pub name: String,
    /// Subject's PIN (14 digits).
    #[arg(long)]
    pub pin: String,
    /// Date received (DD.MM.YYYY or YYYY-MM-DD); default today.
    #[arg(long, value_name = "DATE", value_parser = DateArg)]
    pub received: Option<NaiveDate>,
    /// How the request arrived.
    #[arg(long, default_value = "salyk_app")]
    pub channel: Channel,
    /// Language of the appeal.
    #[arg(long, default_value = "ky")]
    pub lang: Language,
    /// Subject's e-mail address.
    #[arg(long, default_value = "")]
    pub email: String,
    /// Subject's phone number.
    #[arg(long, default_value = "")]
    pub phone: String,
    /// Subject's postal address.
    #[arg(long, default_value = "")]
    pub address: String,
    /// Subject's date of birth (DD.MM.YYYY or YYYY-MM-DD).
    #[arg(long, value_name = "DATE", value_parser = DateArg)]
    pub birth_date: Option<NaiveDate>,
    /// Passport or ID card (e.g. ID1234567), or a foreign document.
    #[arg(long, value_name = "DOC")]
    pub passport: Option<String>,
    /// Who issued the passport or ID card.
    #[arg(long, default_value = "")]
    pub passport_issuer: String,
    /// When the passport or ID card was issued (DD.MM.YYYY or YYYY-MM-DD).
    #[arg(long, value_name = "DATE", value_parser = DateArg)]
    pub passport_issued: Option<NaiveDate>,
    /// Data category concerned (repeatable, or comma-separated).
    #[arg(long = "category", value_name = "C", value_delimiter = ',')]
    pub categories: Vec<DataCategory>,
    /// What the subject asks, in their words.
    #[arg(long, default_value = "")]
    pub description: String,
    /// How identity was established.
    #[arg(long, default_value = "not_verified")]
    pub identity: IdentityMethod,
    /// Assign at once (yourself, or anyone if you are a supervisor).
    #[arg(long, value_name = "LOGIN")]
    pub assignee: Option<String>,
    /// Register although the receipt date is more than 60 days before today (a likely typo
    /// otherwise, refused without this).
    #[arg(long)]
    pub confirm_old_receipt: bool,
    /// The request was made by an authorised representative of this name (letters are
    /// addressed to them; attach the power of attorney with `aryz attach --kind power_of_attorney`).
    #[arg(long, value_name = "NAME")]
    pub representative: Option<String>,
    /// The representative's authority: power of attorney number and date, or the like.
    #[arg(long, value_name = "TEXT", default_value = "", requires = "representative")]
    pub representative_document: String,
    /// The representative's postal address.
    #[arg(long, value_name = "ADDRESS", default_value = "", requires = "representative")]
    pub representative_address: String,
    /// The representative's e-mail address.
    #[arg(long, value_name = "EMAIL", default_value = "", requires = "representative")]
    pub representative_email: String,
    /// The representative's phone number.
    #[arg(long, value_name = "PHONE", default_value = "", requires = "representative")]
    pub representative_phone: String,
    #[command(flatten)]
    pub out: Output,
}

#[derive(Debug, Args)]
pub struct LetterArgs {
    /// The reference, or the number of a request of this year (`123`).
    #[arg(value_name = "REF", required_unless_present = "all_samples")]
    pub reference: Option<RefInput>,
    /// Which letter.
    #[arg(long = "type", value_name = "TYPE", required_unless_present = "all_samples")]
    pub letter_type: Option<LetterType>,
    /// Every letter type × kind × outcome on synthetic data, as text, for a reader to
    /// review in one sitting (no database needed).
    #[arg(long, conflicts_with_all = ["reference", "letter_type"])]
    pub all_samples: bool,
    /// Language of the letter (default: the language of the appeal).
    #[arg(long, value_name = "LANG")]
    pub lang: Option<Language>,
    /// Default: from the extension of --output, else pdf. (`--as` is the same option.)
    #[arg(long = "format", alias = "as", value_name = "FORMAT")]
    pub format: Option<LetterFormat>,
    /// The file to write ('-': a text letter on stdout). Default: REF-TYPE-LANG.EXT in
    /// `letters_dir` of the config, else in the current directory.
    #[arg(long, value_name = "FILE")]
    pub output: Option<PathBuf>,
}

#[derive(Debug, Args)]
pub struct ListArgs {
    #[command(flatten)]
    pub filter: FilterArgs,
    /// At most this many rows (1 to 10000); stderr says when more match.
    #[arg(long, default_value_t = 100)]
    pub limit: usize,
    #[command(flatten)]
    pub out: Output,
}

#[derive(Debug, Args)]
pub struct ExportArgs {
    #[command(flatten)]
    pub filter: FilterArgs,
    /// Write to FILE (created readable by its owner only) instead of stdout.
    #[arg(long, value_name = "FILE")]
    pub output: Option<PathBuf>,
    /// Start the CSV with a byte-order mark, for Excel.
    #[arg(long)]
    pub bom: bool,
    /// Full PINs and passport numbers (supervisors and admins; audited).
    #[arg(long)]
    pub unmasked: bool,
    /// CSV cells exactly as stored: no apostrophe before a leading =, +, -, @, TAB or CR
    /// (which a spreadsheet would run as a formula) and no marking of hidden characters.
    #[arg(long)]
    pub raw: bool,
    #[command(flatten)]
    pub out: Output,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ReportBy {
    Kind,
    Clerk,
    /// One row per month of receipt, rated against `target_percent_in_time`.
    Month,
    /// One row per office.
    Office,
}

#[derive(Debug, Subcommand)]
pub enum ReportCommand {
    /// Requests received in one month.
    Monthly {
        /// The month (YYYY-MM).
        #[arg(long)]
        month: String,
        /// One row per kind, per clerk, per month or per office.
        #[arg(long, value_enum, default_value_t = ReportBy::Kind)]
        by: ReportBy,
        /// Count open requests as of this date (default today).
        #[arg(long, value_name = "DATE", value_parser = DateArg)]
        as_of: Option<NaiveDate>,
        /// Only the figures of these offices (codes; repeatable, or comma-separated; default:
        /// every office you see).
        #[arg(long = "office", value_name = "OFFICE", value_delimiter = ',')]
        offices: Vec<String>,
        #[command(flatten)]
        out: Output,
    },
    /// Requests received between two dates or months (inclusive): --from 2026-01 --to 2026-12.
    Range {
        /// YYYY-MM-DD, or YYYY-MM for the first day of that month.
        #[arg(long, value_name = "DATE")]
        from: String,
        /// YYYY-MM-DD, or YYYY-MM for the last day of that month.
        #[arg(long, value_name = "DATE")]
        to: String,
        /// One row per kind, per clerk, per month or per office.
        #[arg(long, value_enum, default_value_t = ReportBy::Kind)]
        by: ReportBy,
        /// The figures as recorded by the end of this date (default today).
        #[arg(long, value_name = "DATE", value_parser = DateArg)]
        as_of: Option<NaiveDate>,
        /// Only the figures of these offices (codes; repeatable, or comma-separated; default:
        /// every office you see).
        #[arg(long = "office", value_name = "OFFICE", value_delimiter = ',')]
        offices: Vec<String>,
        #[command(flatten)]
        out: Output,
    },
    /// Open and overdue requests at the end of each of the last DAYS days, and ageing
    /// buckets of the requests open now (0-7, 8-14, 15-30, over 30 days).
    Backlog {
        /// How many days back the daily figures go.
        #[arg(long, default_value_t = 90, value_name = "DAYS")]
        days: u32,
        /// The figures as recorded by the end of this date (default today).
        #[arg(long, value_name = "DATE", value_parser = DateArg)]
        as_of: Option<NaiveDate>,
        /// Only the figures of these offices (codes; repeatable, or comma-separated; default:
        /// every office you see).
        #[arg(long = "office", value_name = "OFFICE", value_delimiter = ',')]
        offices: Vec<String>,
        #[command(flatten)]
        out: Output,
    },
}

/// Filters shared by `list` and `export`.
#[derive(Debug, Args)]
pub struct FilterArgs {
    /// Only requests in these statuses (repeatable, or comma-separated).
    #[arg(long = "status", value_name = "S", value_delimiter = ',')]
    pub statuses: Vec<Status>,
    /// Only requests of these kinds (repeatable, or comma-separated).
    #[arg(long = "kind", value_name = "K", value_delimiter = ',')]
    pub kinds: Vec<RequestKind>,
    /// Only requests that arrived by these channels (repeatable, or comma-separated).
    #[arg(long = "channel", value_name = "C", value_delimiter = ',')]
    pub channels: Vec<Channel>,
    /// Only requests of these offices (codes; repeatable, or comma-separated).
    #[arg(long = "office", value_name = "OFFICE", value_delimiter = ',')]
    pub offices: Vec<String>,
    /// Only requests assigned to this operator.
    #[arg(long, value_name = "LOGIN", conflicts_with_all = ["mine", "unassigned"])]
    pub assignee: Option<String>,
    /// Only requests assigned to you.
    #[arg(long, conflicts_with = "unassigned")]
    pub mine: bool,
    /// Only requests assigned to nobody.
    #[arg(long)]
    pub unassigned: bool,
    /// Only requests past their binding deadline.
    #[arg(long)]
    pub overdue: bool,
    /// Only requests due within DAYS calendar days (today included).
    #[arg(long, value_name = "DAYS")]
    pub due_within: Option<u32>,
    /// Only requests with these words in the reference, the subject's name, the PIN or the
    /// description.
    #[arg(long, value_name = "TEXT")]
    pub search: Option<String>,
    /// The requests as they stood at the end of this date, with days left as of it.
    #[arg(long, value_name = "DATE", value_parser = DateArg)]
    pub as_of: Option<NaiveDate>,
    /// Open and closed requests.
    #[arg(long)]
    pub all: bool,
}

#[derive(Debug, Args)]
pub struct RespondArgs {
    /// The reference, or the number of a request of this year (`123`).
    #[arg(value_name = "REF")]
    pub reference: RefInput,
    /// What the answer gives the subject.
    #[arg(long)]
    pub outcome: Outcome,
    /// Refusal ground code (see `aryz grounds`); required for a refusal.
    #[arg(long)]
    pub ground: Option<String>,
    /// The answer's text.
    #[arg(long, default_value = "")]
    pub text: String,
    /// Date of the response; default today. A date before today needs --reason.
    #[arg(long, value_name = "DATE", value_parser = DateArg)]
    pub responded: Option<NaiveDate>,
    /// Why the answer is dated before today (required then; kept in the timeline with both
    /// the date entered and the real date).
    #[arg(long, value_name = "TEXT")]
    pub reason: Option<String>,
    /// How the answer was sent.
    #[arg(long)]
    pub channel: Option<Channel>,
    /// What was done per category: `CATEGORY=done|refused|not_held` (repeatable).
    #[arg(long = "action", value_name = "CATEGORY=ACTION")]
    pub actions: Vec<String>,
    /// Access: the medium of the copy given.
    #[arg(long, value_name = "MEDIUM")]
    pub medium: Option<CopyMedium>,
    /// Access: the copy on a physical medium was charged for.
    #[arg(long)]
    pub charged: bool,
    /// Referred: the code of the receiving body (assets/rules/bodies.toml).
    #[arg(long, value_name = "BODY")]
    pub referred_to: Option<String>,
    /// The subject's identity, not verified at intake, was verified now (`e_signature` or
    /// `document_presented`). Needed before disclosing personal data (fulfilled or partially
    /// fulfilled access or information).
    #[arg(long, value_name = "METHOD", conflicts_with = "identity_override", value_parser = VerifiedByArg)]
    pub identity_verified_by: Option<IdentityMethod>,
    /// Supervisor: disclose although the identity is not verified, for this reason (audited).
    #[arg(long, value_name = "REASON")]
    pub identity_override: Option<String>,
    #[command(flatten)]
    pub out: Output,
}

#[derive(Debug, Args)]
#[command(args_conflicts_with_subcommands = true)]
pub struct CalendarArgs {
    #[command(subcommand)]
    pub command: Option<CalendarCommand>,
    /// Every month of this year (default: the current year).
    #[arg(long, conflicts_with = "month")]
    pub year: Option<i32>,
    /// Only this month (YYYY-MM).
    #[arg(long)]
    pub month: Option<String>,
    #[command(flatten)]
    pub out: Output,
}

#[derive(Debug, Subcommand)]
pub enum CalendarCommand {
    /// Add or replace a dated entry (admin).
    Add {
        /// The day (DD.MM.YYYY or YYYY-MM-DD).
        #[arg(value_name = "DATE", value_parser = DateArg)]
        date: NaiveDate,
        /// What the day is.
        #[arg(long)]
        kind: DayKind,
        /// The day's name.
        #[arg(long)]
        name: String,
        /// The legal basis: the law or decree that sets the day.
        #[arg(long, default_value = "")]
        basis: String,
        /// confirmed (needs --source) or expected; default: confirmed with --source, else expected
        #[arg(long)]
        confidence: Option<String>,
        /// What confirms the day: the decree, the Muftiyat's announcement, the publication
        #[arg(long, default_value = "")]
        source: String,
        #[command(flatten)]
        out: Output,
    },
    /// Remove a day (shipped, generated or added) from the calendar (admin).
    Remove {
        /// The day (DD.MM.YYYY or YYYY-MM-DD).
        #[arg(value_name = "DATE", value_parser = DateArg)]
        date: NaiveDate,
        /// Why, in a few words (kept in the audit log).
        #[arg(long)]
        reason: String,
        #[command(flatten)]
        out: Output,
    },
    /// Days that are expected or unverified, not confirmed, from today (or --from) on.
    Expected {
        /// From this date instead of today (DD.MM.YYYY or YYYY-MM-DD).
        #[arg(long, value_name = "DATE", value_parser = DateArg)]
        from: Option<NaiveDate>,
        #[command(flatten)]
        out: Output,
    },
}

#[cfg(test)]
mod tests {
    use super::*;

    fn moved(args: &[&str]) -> Vec<String> {
        let args: Vec<OsString> = args.iter().map(OsString::from).collect();
        interface_lang_first(args).into_iter().map(|a| a.to_string_lossy().into_owned()).collect()
    }

    #[test]
    fn lang_after_a_subcommand_moves_before_it_except_after_add() {
        assert_eq!(moved(&["aryz", "list", "--lang", "ky"]), ["aryz", "--lang", "ky", "list"]);
        assert_eq!(
            moved(&["aryz", "--db", "x", "list", "--lang=ru"]),
            ["aryz", "--db", "x", "--lang=ru", "list"]
        );
        assert_eq!(
            moved(&["aryz", "--format", "json", "report", "monthly", "--lang", "ru", "--month", "2026-11"]),
            ["aryz", "--format", "json", "--lang", "ru", "report", "monthly", "--month", "2026-11"]
        );
        let add = ["aryz", "--lang", "ky", "add", "--kind", "access", "--lang", "ru"];
        assert_eq!(moved(&add), add);
        let letter = ["aryz", "letter", "ARZ-2026-000001", "--type", "reply", "--lang", "ru"];
        assert_eq!(moved(&letter), letter);
        assert!(has_own_lang("add") && has_own_lang("letter") && !has_own_lang("list"));
        let note = ["aryz", "note", "ARZ-2026-000001", "--", "--lang", "ky"];
        assert_eq!(moved(&note), note);
        assert_eq!(moved(&["aryz", "--lang"]), ["aryz", "--lang"]);
        assert_eq!(moved(&["aryz"]), ["aryz"]);
    }

    #[test]
    fn clap_reads_both_languages() {
        let cli = Cli::parse_from(moved(&[
            "aryz", "--lang", "ky", "add", "--kind", "access", "--name", "A", "--pin", "1", "--lang", "ru",
        ]));
        assert_eq!(cli.lang, Some(Lang::Ky));
        match cli.command {
            Some(Command::Add(a)) => assert_eq!(a.lang, Language::Ru),
            other => panic!("{other:?}"),
        }
        let cli = Cli::parse_from(moved(&["aryz", "list", "--lang", "ru"]));
        assert_eq!(cli.lang, Some(Lang::Ru));
    }
}
