//! `aryz import`: a batch of requests from a CSV or JSON file, with the bad rows optionally
//! kept aside in a rejects file, and the warnings summarised per kind.

use std::io::Write;
use std::path::Path;

use super::report::write_file_atomically;
use super::{CliError, Env, Result, output};
use crate::cli::Format;
use crate::i18n::localize::{Arg, Message};
use crate::i18n::{t, tf};
use crate::service::import::{COLUMNS, CsvFile, ImportReport, RawRow, RowSource, Tally, parse_file};

/// Rows listed per kind of warning, rejection or duplicate unless `--verbose` is given.
const SHOWN: usize = 10;

/// A failure that has already been printed in full: exit 1 with a one-line summary.
fn failed(msg: crate::i18n::localize::Message) -> CliError {
    CliError::Service(crate::service::Error::Config(msg))
}

pub(super) fn import(
    env: &Env,
    file: &Path,
    dry_run: bool,
    rejects: Option<&Path>,
    verbose: bool,
    out: &mut impl Write,
) -> Result<()> {
    // A rejects file that cannot be written must stop the command before anything is read
    // or imported: a command that fails changes nothing.
    if let Some(path) = rejects.filter(|_| !dry_run) {
        check_new_file(path)?;
    }
    let open_error = |e: std::io::Error| failed(crate::msg!("message.path_error", path = file, error = e));
    let json = match env.format {
        Format::Json => true,
        Format::Csv => false,
        Format::Table | Format::Text => file.extension().is_some_and(|e| e.eq_ignore_ascii_case("json")),
    };
    // A CSV file is streamed twice and never held whole; a JSON document is parsed whole.
    let rows: Vec<RawRow>;
    let mut csv_file;
    let mut in_memory: &[RawRow];
    let source: &mut dyn RowSource = if json {
        let text = std::fs::read_to_string(file).map_err(open_error)?;
        rows = parse_file(&text, true)?;
        in_memory = &rows;
        &mut in_memory
    } else {
        let f = std::fs::File::open(file).map_err(open_error)?;
        csv_file = CsvFile::open(f).map_err(|m| {
            CliError::Service(crate::service::Error::Invalid(crate::domain::validation::field_error(
                "file", m,
            )))
        })?;
        &mut csv_file
    };
    let mut s = env.session()?;
    let mut wrote_rejects = false;
    let result = s.import_with(
        source,
        dry_run,
        rejects.is_some(),
        |report: &ImportReport, source: &mut dyn RowSource| -> Result<()> {
            if let Some(path) = rejects
                && !report.rejected.is_empty()
            {
                write_rejects(path, report, source)?;
                wrote_rejects = true;
            }
            Ok(())
        },
    );
    let report = match result {
        Ok(r) => r,
        Err(e) => {
            // The import failed after the rejects were written: take them back.
            if let Some(path) = rejects.filter(|_| wrote_rejects) {
                let _ = std::fs::remove_file(path);
            }
            return Err(e);
        }
    };
    print_summary(&report, verbose);
    let summary = tf(
        "cli.imported",
        &[
            ("rows", &report.rows),
            ("imported", &report.imported.len()),
            ("rejected", &report.rejected.len()),
            ("duplicates", &report.duplicates.len()),
        ],
    );
    writeln!(out, "{summary}{}", if dry_run { t("cli.dry_run") } else { "" })?;
    if !report.rejected.is_empty() && rejects.is_none() {
        return Err(failed(crate::msg!("message.bad_rows", n = report.rejected.len())));
    }
    Ok(())
}

/// Fails, naming the file, if `path` exists or no file can be created beside it. Checked by
/// creating and removing an empty private file in the same directory.
fn check_new_file(path: &Path) -> Result<()> {
    let refuse = |why: crate::i18n::localize::Message| CliError::Service(crate::service::Error::Config(why));
    if path.exists() {
        return Err(refuse(crate::msg!("message.rejects_exists", path = path)));
    }
    let dir = path.parent().filter(|p| !p.as_os_str().is_empty()).unwrap_or(Path::new("."));
    let name = path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
    let probe = dir.join(format!(".{name}.{}.probe", std::process::id()));
    match std::fs::OpenOptions::new().write(true).create_new(true).open(&probe) {
        Ok(_) => {
            let _ = std::fs::remove_file(&probe);
            Ok(())
        }
        Err(e) => Err(refuse(crate::msg!("message.rejects_unwritable", path = path, error = e))),
    }
}

/// The bad rows with their line, reason and original fields, each read again from the
/// file by its position: linear in the rows, whatever their number.
fn write_rejects(path: &Path, report: &ImportReport, source: &mut dyn RowSource) -> Result<()> {
    let mut bad: Vec<Vec<String>> = Vec::with_capacity(report.rejected.len());
    for r in &report.rejected {
        let raw = source.fetch(r.pos, r.line)?;
        // The reasons are for the person who mends the rows: in the interface language.
        let mut cells = vec![r.line.to_string(), r.reason.text()];
        cells.extend(COLUMNS.iter().map(|c| raw.get(c).to_string()));
        bad.push(cells);
    }
    let mut header = vec!["line", "reason"];
    header.extend(COLUMNS);
    write_file_atomically(path, |w| {
        output::csv(w, &header, &bad).map_err(CliError::Io)?;
        Ok(())
    })
}

/// Prints to stderr, per kind of rejection, warning and duplicate, the first rows and a
/// count (every row with `verbose`): a batch of 100,000 rows with one warning each gives a
/// dozen lines, not 100,000.
fn print_summary(report: &ImportReport, verbose: bool) {
    let err = std::io::stderr();
    let mut err = std::io::BufWriter::new(err.lock());
    let limit = if verbose { usize::MAX } else { SHOWN };
    // Rejections by field (the field the reason names); each row keeps its own reason.
    let mut fields: Vec<(Option<&Arg>, Vec<&crate::service::import::Rejected>)> = Vec::new();
    for r in &report.rejected {
        let field = r.reason.args.iter().find(|(name, _)| *name == "field").map(|(_, a)| a);
        match fields.iter_mut().find(|(f, _)| *f == field) {
            Some((_, v)) => v.push(r),
            None => fields.push((field, vec![r])),
        }
    }
    let row = |key: &'static str, line: usize, text: String| {
        Message::new(key).with("line", line).with("text", output::neutralise(&text)).text()
    };
    for (field, rs) in &fields {
        for r in rs.iter().take(limit) {
            let _ = writeln!(err, "{}", row("cli_import.row", r.line, r.reason.text()));
        }
        let field = field.cloned().unwrap_or_else(|| Arg::Text(String::new()));
        let kind = Message::new("cli_import.rejected_kind").with("field", field).text();
        more(&mut err, rs.len(), limit, &output::neutralise(&kind));
    }
    for Tally { kind, lines } in &report.warnings {
        let kind = output::neutralise(&kind.text());
        for line in lines.iter().take(limit) {
            let _ = writeln!(err, "{}", row("cli_import.row_warning", *line, kind.clone()));
        }
        more(&mut err, lines.len(), limit, &kind);
    }
    for d in report.duplicates.iter().take(limit) {
        let line = match d.of_line {
            Some(first) => tf("cli_import.row_duplicate_line", &[("line", &d.line), ("of", &first)]),
            None => tf("cli_import.row_duplicate", &[("line", &d.line), ("of", &d.of)]),
        };
        let _ = writeln!(err, "{line}");
    }
    more(&mut err, report.duplicates.len(), limit, t("cli_import.duplicate_kind"));
    let _ = err.flush();
}

/// "… 99,990 more rows with: KIND (N in all; --verbose lists every row)" when rows were left out.
fn more(err: &mut impl Write, count: usize, limit: usize, kind: &str) {
    if count > limit {
        let _ = writeln!(
            err,
            "{}",
            tf("cli_import.more", &[("more", &(count - limit)), ("count", &count), ("kind", &kind)])
        );
    }
}
