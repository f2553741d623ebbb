//! The command line: clap definitions. These names are a contract: scripts outside the
//! project call them. Dispatch lives in `commands`.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand, ValueEnum};

#[derive(Debug, Parser)]
#[command(
    name = "aryz",
    version,
    about = "Personal-data subject requests of the State Tax Service (Salyk.kg)",
    long_about = "aryz registers, works and answers personal-data subject requests about the Salyk.kg app, \
each to be answered within 30 days. Without a subcommand it opens the terminal UI."
)]
pub struct Cli {
    /// Database file (default: aryz.sqlite3 in the data directory, or ARYZ_DATA_DIR).
    #[arg(long, global = true, value_name = "PATH")]
    pub db: Option<PathBuf>,
    /// Output format of records and lists.
    #[arg(long, global = true, value_enum, default_value_t = Format::Table)]
    pub format: Format,
    /// Ask for the passphrase of an encrypted database on the terminal.
    #[arg(long, global = true)]
    pub ask_key: bool,
    #[command(subcommand)]
    pub command: Option<Command>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Format {
    Table,
    /// Same as table (the digest's plain-text form).
    Text,
    Json,
    Csv,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Create the database; the current OS login becomes its first admin.
    Init {
        /// Let ARYZ_OPERATOR (and ARYZ_TODAY) choose the operator and date: demos and tests only.
        #[arg(long)]
        dev_identity: bool,
    },
    /// Manage operators (admin).
    #[command(subcommand)]
    Operator(OperatorCommand),
    /// Register a request; prints its reference.
    Add(Box<AddArgs>),
    /// List requests, most urgent first (open ones unless --status or --all).
    List(Box<ListArgs>),
    /// Show one request with its deadlines and timeline.
    Show {
        #[arg(value_name = "REF")]
        reference: String,
        /// Compute days left as of this date (YYYY-MM-DD).
        #[arg(long, value_name = "DATE")]
        as_of: Option<String>,
    },
    /// Assign one or more requests to an operator (all or nothing).
    Assign {
        /// References, then the login: `aryz assign ARZ-2026-000001 ARZ-2026-000002 aibek`.
        #[arg(value_name = "REF... LOGIN", num_args = 2.., required = true)]
        args: Vec<String>,
    },
    /// Add an internal note (or, with --to-subject, record a message sent to the subject).
    Note {
        #[arg(value_name = "REF")]
        reference: String,
        text: String,
        #[arg(long)]
        to_subject: bool,
    },
    /// Set the status: in_progress or awaiting_subject.
    Status {
        #[arg(value_name = "REF")]
        reference: String,
        #[arg(value_name = "STATUS")]
        status: String,
        #[arg(long, default_value = "")]
        reason: String,
    },
    /// Record the answer to a request.
    Respond(Box<RespondArgs>),
    /// Close a request the subject withdrew.
    Withdraw {
        #[arg(value_name = "REF")]
        reference: String,
        #[arg(long)]
        reason: String,
    },
    /// Reopen an answered or withdrawn request (supervisor).
    Reopen {
        #[arg(value_name = "REF")]
        reference: String,
        #[arg(long)]
        reason: String,
    },
    /// Extend the binding deadline, when the rules allow it.
    Extend {
        #[arg(value_name = "REF")]
        reference: String,
        #[arg(long)]
        days: u32,
        #[arg(long)]
        reason: String,
    },
    /// Stop the clock while waiting for the subject, when the rules allow it.
    Pause {
        #[arg(value_name = "REF")]
        reference: String,
        #[arg(long)]
        category: String,
        #[arg(long)]
        reason: String,
    },
    /// Restart a paused clock; the deadline moves by the paused days.
    Resume {
        #[arg(value_name = "REF")]
        reference: String,
    },
    /// Every deadline of a request of KIND received on DATE, with the arithmetic. Needs no database.
    Deadline {
        #[arg(long)]
        kind: String,
        #[arg(long, value_name = "DATE")]
        received: String,
        #[arg(long, value_name = "DATE")]
        registered: Option<String>,
    },
    /// Non-working days and working days per month; `calendar add` (admin) adds a day.
    Calendar(CalendarArgs),
    /// The refusal grounds and their legal citations.
    Grounds,
    /// Performance reports: received, answered in time and late, open, withdrawn (supervisor).
    #[command(subcommand)]
    Report(ReportCommand),
    /// Overdue and due-soon requests per assignee, for a daily scheduled job (no personal data).
    Digest {
        #[arg(long, value_name = "DATE")]
        as_of: Option<String>,
    },
    /// Export requests with every field and every stored deadline.
    Export(Box<ExportArgs>),
    /// Verify or read the tamper-evident audit log (supervisor).
    #[command(subcommand)]
    Audit(AuditCommand),
    /// Integrity check, foreign-key check and audit verification.
    Check,
    /// Copy the database online to FILE, consistent while others write (admin).
    Backup {
        #[arg(value_name = "FILE")]
        file: PathBuf,
    },
    /// Erase the personal fields of requests closed more than N years ago (admin).
    Retention {
        /// Only list what would be erased.
        #[arg(long)]
        dry_run: bool,
        /// Years after closing (default: `retention_years` in the config, else 5).
        #[arg(long)]
        years: Option<u32>,
    },
    /// Import a batch of requests from a CSV or JSON file (columns: see the README).
    Import {
        #[arg(value_name = "FILE")]
        file: PathBuf,
        /// Validate and report only.
        #[arg(long)]
        dry_run: bool,
        /// Import the good rows and write the bad ones, with their reasons, to this CSV file.
        #[arg(long, value_name = "FILE")]
        rejects: Option<PathBuf>,
    },
    /// Write a letter to the subject (acknowledgement, reply or extension notice) as text or PDF.
    Letter(Box<LetterArgs>),
    /// Write everything aryz holds about one person (by PIN) to a JSON file (supervisor; audited).
    SubjectExport {
        #[arg(value_name = "PIN")]
        pin: String,
        #[arg(long, value_name = "FILE")]
        output: PathBuf,
    },
    /// Fill a --dev-identity database with synthetic requests.
    Demo {
        #[arg(long, default_value_t = 300)]
        requests: usize,
        #[arg(long, default_value_t = 1)]
        seed: u64,
    },
}

#[derive(Debug, Subcommand)]
pub enum AuditCommand {
    /// Walk the hash chain; exit 1 at the first broken or missing entry.
    Verify,
    /// List audit entries, newest first.
    Log {
        #[arg(long = "ref", value_name = "REF")]
        reference: Option<String>,
        #[arg(long, value_name = "LOGIN")]
        operator: Option<String>,
        #[arg(long, value_name = "DATE")]
        since: Option<String>,
        #[arg(long, default_value_t = 100)]
        limit: usize,
    },
}

#[derive(Debug, Subcommand)]
pub enum OperatorCommand {
    /// Add an operator (or change the role of an existing one and re-enable it).
    Add {
        login: String,
        #[arg(long)]
        role: String,
        #[arg(long, default_value = "")]
        name: String,
    },
    /// List operators.
    List,
    /// Disable an operator.
    Disable { login: String },
}

#[derive(Debug, Args)]
pub struct AddArgs {
    #[arg(long)]
    pub kind: String,
    /// Subject's full name.
    #[arg(long)]
    pub name: String,
    /// Subject's PIN (14 digits).
    #[arg(long)]
    pub pin: String,
    /// Date received (YYYY-MM-DD); default today.
    #[arg(long, value_name = "DATE")]
    pub received: Option<String>,
    #[arg(long, default_value = "salyk_app")]
    pub channel: String,
    /// Language of the appeal: ky, ru or en.
    #[arg(long, default_value = "ky")]
    pub lang: String,
    #[arg(long, default_value = "")]
    pub email: String,
    #[arg(long, default_value = "")]
    pub phone: String,
    #[arg(long, default_value = "")]
    pub address: String,
    #[arg(long, value_name = "DATE")]
    pub birth_date: Option<String>,
    /// Passport or ID card (e.g. ID1234567), or a foreign document.
    #[arg(long, value_name = "DOC")]
    pub passport: Option<String>,
    #[arg(long, default_value = "")]
    pub passport_issuer: String,
    #[arg(long, value_name = "DATE")]
    pub passport_issued: Option<String>,
    /// Data category concerned (repeatable, or comma-separated).
    #[arg(long = "category", value_name = "C")]
    pub categories: Vec<String>,
    #[arg(long, default_value = "")]
    pub description: String,
    /// How identity was established.
    #[arg(long, default_value = "not_verified")]
    pub identity: String,
    /// Assign at once (yourself, or anyone if you are a supervisor).
    #[arg(long, value_name = "LOGIN")]
    pub assignee: Option<String>,
}

#[derive(Debug, Args)]
pub struct LetterArgs {
    #[arg(value_name = "REF")]
    pub reference: String,
    /// acknowledgement, reply or extension.
    #[arg(long = "type", value_name = "TYPE")]
    pub letter_type: String,
    /// Language of the letter: ky, ru or en (default: the language of the appeal).
    #[arg(long, value_name = "LANG")]
    pub lang: Option<String>,
    /// txt or pdf (default: from the extension of --output, else pdf).
    #[arg(long = "as", value_name = "FORMAT")]
    pub as_format: Option<String>,
    /// The file to write ('-': a text letter on stdout). Default: REF-TYPE-LANG.EXT in
    /// `letters_dir` of the config, else in the current directory.
    #[arg(long, value_name = "FILE")]
    pub output: Option<PathBuf>,
}

#[derive(Debug, Args)]
pub struct ListArgs {
    #[command(flatten)]
    pub filter: FilterArgs,
    #[arg(long, default_value_t = 100)]
    pub limit: usize,
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
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ReportBy {
    Kind,
    Clerk,
}

#[derive(Debug, Subcommand)]
pub enum ReportCommand {
    /// Requests received in one month.
    Monthly {
        /// YYYY-MM
        #[arg(long)]
        month: String,
        #[arg(long, value_enum, default_value_t = ReportBy::Kind)]
        by: ReportBy,
        /// Count open requests as of this date (default today).
        #[arg(long, value_name = "DATE")]
        as_of: Option<String>,
    },
    /// Requests received between two dates (inclusive).
    Range {
        #[arg(long, value_name = "DATE")]
        from: String,
        #[arg(long, value_name = "DATE")]
        to: String,
        #[arg(long, value_enum, default_value_t = ReportBy::Kind)]
        by: ReportBy,
        #[arg(long, value_name = "DATE")]
        as_of: Option<String>,
    },
}

/// Filters shared by `list` and `export`.
#[derive(Debug, Args)]
pub struct FilterArgs {
    #[arg(long = "status", value_name = "S")]
    pub statuses: Vec<String>,
    #[arg(long = "kind", value_name = "K")]
    pub kinds: Vec<String>,
    #[arg(long = "channel", value_name = "C")]
    pub channels: Vec<String>,
    #[arg(long, value_name = "LOGIN", conflicts_with_all = ["mine", "unassigned"])]
    pub assignee: Option<String>,
    #[arg(long, conflicts_with = "unassigned")]
    pub mine: bool,
    #[arg(long)]
    pub unassigned: bool,
    /// Only requests past their binding deadline.
    #[arg(long)]
    pub overdue: bool,
    /// Only requests due within DAYS calendar days (today included).
    #[arg(long, value_name = "DAYS")]
    pub due_within: Option<u32>,
    #[arg(long, value_name = "TEXT")]
    pub search: Option<String>,
    #[arg(long, value_name = "DATE")]
    pub as_of: Option<String>,
    /// Open and closed requests.
    #[arg(long)]
    pub all: bool,
}

#[derive(Debug, Args)]
pub struct RespondArgs {
    #[arg(value_name = "REF")]
    pub reference: String,
    #[arg(long)]
    pub outcome: String,
    /// Refusal ground code (see `aryz grounds`); required for a refusal.
    #[arg(long)]
    pub ground: Option<String>,
    #[arg(long, default_value = "")]
    pub text: String,
    /// Date of the response (YYYY-MM-DD); default today.
    #[arg(long, value_name = "DATE")]
    pub responded: Option<String>,
    #[arg(long)]
    pub channel: Option<String>,
    /// What was done per category: CATEGORY=done|refused|not_held (repeatable).
    #[arg(long = "action", value_name = "CATEGORY=ACTION")]
    pub actions: Vec<String>,
}

#[derive(Debug, Args)]
#[command(args_conflicts_with_subcommands = true)]
pub struct CalendarArgs {
    #[command(subcommand)]
    pub command: Option<CalendarCommand>,
    #[arg(long, conflicts_with = "month")]
    pub year: Option<i32>,
    /// YYYY-MM
    #[arg(long)]
    pub month: Option<String>,
}

#[derive(Debug, Subcommand)]
pub enum CalendarCommand {
    /// Add or replace a dated entry (admin).
    Add {
        #[arg(value_name = "DATE")]
        date: String,
        #[arg(long)]
        kind: String,
        #[arg(long)]
        name: String,
        #[arg(long, default_value = "")]
        basis: String,
    },
}
