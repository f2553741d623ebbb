//! Importing batches of requests received through the app (CSV or JSON). Every row is
//! validated first; with any bad row nothing is imported (or, when asked, the good rows are
//! imported and the bad ones returned). Probable duplicates are reported.

use std::collections::HashMap;

use serde::Serialize;

use crate::domain::format::parse_date;
use crate::domain::identity::parse_passport;
use crate::domain::kind::{DataCategory, Role, parse_code_list};
use crate::domain::request::{NewRequest, Subject};

use super::intake::{created_event, registration_detail};
use super::{Error, Result, Session};
use crate::domain::deadline::Deadline;
use crate::domain::kind::RequestKind;
use crate::i18n::localize::{Localize, Message};
use crate::model::Registration;
use crate::msg;

/// The columns of an import file, in the order of `assets/import/template.csv`.
pub const COLUMNS: &[&str] = &[
    "kind",
    "name",
    "pin",
    "received",
    "channel",
    "lang",
    "email",
    "phone",
    "address",
    "birth_date",
    "passport",
    "passport_issuer",
    "passport_issued",
    "categories",
    "description",
    "identity",
];
const REQUIRED: &[&str] = &["kind", "name", "pin", "received"];
/// Largest file accepted, in rows.
pub const MAX_ROWS: usize = 1_000_000;

/// One row of the file: its line number (1 = the header of a CSV, the first object of a
/// JSON array is 1) and its values by column. Compact, for files of a million rows: the
/// values share one string, and each column is a span of it (a map of strings per row took
/// about 1 KB a row).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RawRow {
    pub line: usize,
    text: String,
    spans: [(u32, u32); COLUMNS.len()],
}

impl RawRow {
    /// A row from (column, value) pairs; columns must be in [`COLUMNS`] (others are
    /// refused before rows are made). Values are trimmed.
    fn new<'a>(line: usize, pairs: impl IntoIterator<Item = (usize, &'a str)>) -> RawRow {
        let mut row = RawRow { line, text: String::new(), spans: [(0, 0); COLUMNS.len()] };
        for (col, value) in pairs {
            let start = row.text.len() as u32;
            row.text.push_str(value.trim());
            if let Some(span) = row.spans.get_mut(col) {
                *span = (start, row.text.len() as u32);
            }
        }
        row.text.shrink_to_fit();
        row
    }

    /// The value of `column` (empty when the file has no such column or cell).
    pub fn get(&self, column: &str) -> &str {
        COLUMNS
            .iter()
            .position(|c| *c == column)
            .and_then(|i| self.spans.get(i))
            .and_then(|&(a, b)| self.text.get(a as usize..b as usize))
            .unwrap_or("")
    }
}

fn column_index(name: &str) -> Option<usize> {
    COLUMNS.iter().position(|c| *c == name)
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Rejected {
    pub line: usize,
    /// Why, in no language yet (JSON shows it in English).
    pub reason: Message,
    /// Where the row is in its source, to fetch it again ([`RowSource::fetch`]).
    #[serde(skip)]
    pub pos: u64,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Duplicate {
    pub line: usize,
    /// The existing reference, or the earlier line of the same file (`line 3`).
    pub of: String,
    /// The earlier line of the same file, when it is one.
    #[serde(skip)]
    pub of_line: Option<usize>,
}

/// The rows that share one kind of warning (the same field and rule), in file order.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Tally {
    pub kind: Message,
    pub lines: Vec<usize>,
}

#[derive(Debug, Clone, Serialize)]
pub struct ImportReport {
    pub rows: usize,
    pub imported: Vec<String>,
    pub rejected: Vec<Rejected>,
    pub duplicates: Vec<Duplicate>,
    /// One entry per kind of warning, in order of first appearance, with every line.
    pub warnings: Vec<Tally>,
    /// False when nothing was written (a dry run, or bad rows without `keep_good`).
    pub committed: bool,
}

/// From this many rows on, the page cache is enlarged for the transaction (and the store
/// fills the search index and daily figures once at the end).
const BULK_ROWS: usize = 500;

/// Parses CSV text (UTF-8, optional BOM, header row with the column names). Lines end in
/// LF, CRLF or a lone CR (old Mac exports); each row gets the number of the line it starts
/// on, counted the way an editor counts them, whichever ending the file uses.
pub fn parse_csv(text: &str) -> std::result::Result<Vec<RawRow>, Message> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let mut lines = LineCounter::new(text.as_bytes());
    let mut rdr = csv::ReaderBuilder::new().flexible(false).from_reader(text.as_bytes());
    let header: Vec<String> = rdr
        .headers()
        .map_err(|e| at_line(1, csv_error_kind(&e)))?
        .iter()
        .map(|h| h.trim().to_ascii_lowercase())
        .collect();
    check_header(&header)?;
    // check_header refused every name outside COLUMNS.
    let columns: Vec<usize> = header.iter().map(|h| column_index(h).unwrap_or(usize::MAX)).collect();
    let mut rows = Vec::new();
    let mut rec = csv::StringRecord::new();
    loop {
        match rdr.read_record(&mut rec) {
            Ok(false) => break,
            Ok(true) => {}
            Err(e) => {
                return Err(match e.position() {
                    Some(p) => at_line(lines.line_at(p.byte() as usize), csv_error_kind(&e)),
                    None => csv_error_kind(&e),
                });
            }
        }
        if rows.len() >= MAX_ROWS {
            return Err(msg!("message.import.too_many_rows", max = MAX_ROWS));
        }
        let line = match rec.position() {
            Some(p) => lines.line_at(p.byte() as usize),
            None => rows.len() + 2,
        };
        rows.push(RawRow::new(line, columns.iter().copied().zip(rec.iter())));
    }
    Ok(rows)
}

/// Turns byte offsets into line numbers, for offsets asked in increasing order (one pass
/// over the text in all). The csv reader's own line count knows only LF, so a CR-only file
/// would be "line 1" throughout.
struct LineCounter<'a> {
    text: &'a [u8],
    at: usize,
    line: usize,
}

impl<'a> LineCounter<'a> {
    fn new(text: &'a [u8]) -> Self {
        LineCounter { text, at: 0, line: 1 }
    }

    /// The line on which the record found at byte `offset` starts (1-based). The reader
    /// reports the offset just after the previous record, which may lie before the LF of a
    /// CRLF or before blank lines it skipped, so line ends there are passed over first (no
    /// record starts with one). CRLF counts once, a lone CR or LF once.
    fn line_at(&mut self, offset: usize) -> usize {
        let mut end = offset.min(self.text.len());
        while matches!(self.text.get(end), Some(b'\r' | b'\n')) {
            end += 1;
        }
        while self.at < end {
            match self.text[self.at] {
                b'\n' => self.line += 1,
                b'\r' if self.text.get(self.at + 1) != Some(&b'\n') => self.line += 1,
                _ => {}
            }
            self.at += 1;
        }
        self.line
    }
}

/// The columns an import file may have, as typed: `kind`, `name`, …
fn known_columns() -> String {
    COLUMNS.iter().map(|c| format!("`{c}`")).collect::<Vec<_>>().join(", ")
}

/// `line N: …`.
fn at_line(line: usize, error: Message) -> Message {
    msg!("message.at_line", line = line, error = error)
}

/// What the CSV reader refused: its common errors by key, any other in its own words.
fn csv_error_kind(e: &csv::Error) -> Message {
    match e.kind() {
        csv::ErrorKind::UnequalLengths { expected_len, len, .. } => {
            msg!("message.import.unequal_fields", len = *len, expected = *expected_len)
        }
        csv::ErrorKind::Utf8 { .. } => msg!("message.import.not_utf8"),
        csv::ErrorKind::Io(io) => crate::i18n::localize::io_error(io),
        _ => msg!("message.import.csv", detail = e.to_string()),
    }
}

/// Parses a JSON array of objects whose keys are the column names (values are strings, or
/// arrays of strings for `categories`).
pub fn parse_json(text: &str) -> std::result::Result<Vec<RawRow>, Message> {
    let v: serde_json::Value = serde_json::from_str(text).map_err(|e| {
        // serde_json's words, without the position it appends (given by key instead).
        let words = e.to_string();
        let detail = words.rsplit_once(" at line ").map_or(words.as_str(), |(w, _)| w).to_string();
        msg!("message.import.json", line = e.line(), column = e.column(), detail = detail)
    })?;
    let items = v.as_array().ok_or_else(|| msg!("message.import.not_array"))?;
    if items.len() > MAX_ROWS {
        return Err(msg!("message.import.too_many_rows", max = MAX_ROWS));
    }
    let mut rows = Vec::new();
    for (i, item) in items.iter().enumerate() {
        let obj = item.as_object().ok_or_else(|| {
            msg!("message.import.at_item", item = i + 1, error = msg!("message.import.not_object"))
        })?;
        let mut fields: Vec<(usize, String)> = Vec::new();
        for (k, v) in obj {
            let key = k.trim().to_ascii_lowercase();
            if !COLUMNS.contains(&key.as_str()) {
                return Err(msg!(
                    "message.import.at_item",
                    item = i + 1,
                    error = msg!("message.import.unknown_field", field = k, known = known_columns())
                ));
            }
            let value = match v {
                serde_json::Value::String(s) => s.trim().to_string(),
                serde_json::Value::Null => String::new(),
                serde_json::Value::Array(a) => {
                    a.iter().map(|x| x.as_str().unwrap_or_default().to_string()).collect::<Vec<_>>().join(",")
                }
                other => other.to_string(),
            };
            if let Some(col) = column_index(&key) {
                fields.retain(|(c, _)| *c != col);
                fields.push((col, value));
            }
        }
        rows.push(RawRow::new(i + 1, fields.iter().map(|(c, v)| (*c, v.as_str()))));
    }
    Ok(rows)
}

fn check_header(header: &[String]) -> std::result::Result<(), Message> {
    for h in header {
        if !COLUMNS.contains(&h.as_str()) {
            return Err(at_line(
                1,
                msg!("message.import.unknown_column", column = h, known = known_columns()),
            ));
        }
    }
    for r in REQUIRED {
        if !header.iter().any(|h| h == r) {
            return Err(at_line(1, msg!("message.import.column_required", column = *r)));
        }
    }
    Ok(())
}

/// Turns one raw row into a request, or the reason it cannot be one.
fn to_request(
    row: &RawRow,
    today: chrono::NaiveDate,
) -> std::result::Result<(NewRequest, Vec<Message>), Message> {
    let get = |k: &str| row.get(k);
    let or = |k: &str, default: &'static str| {
        let v = get(k);
        if v.is_empty() { default.to_string() } else { v.to_string() }
    };
    let e = |e: &dyn Localize| e.message();
    let opt_date = |k: &str| -> std::result::Result<Option<chrono::NaiveDate>, Message> {
        let v = get(k);
        if v.is_empty() { Ok(None) } else { parse_date(k, v).map(Some).map_err(|x| e(&x)) }
    };
    let mut warnings = Vec::new();
    let passport = if get("passport").is_empty() {
        None
    } else {
        let (mut p, w) =
            parse_passport(get("passport"), today, opt_date("passport_issued")?).map_err(|x| e(&x))?;
        p.issuer = get("passport_issuer").to_string();
        warnings.extend(w.iter().map(Localize::message));
        Some(p)
    };
    for r in REQUIRED {
        if get(r).is_empty() {
            return Err(msg!(
                "message.field",
                field = crate::domain::validation::field_name(r),
                rule = msg!("message.required")
            ));
        }
    }
    let categories: Vec<DataCategory> =
        parse_code_list(&get("categories").replace(';', ",")).map_err(|x| e(&x))?;
    Ok((
        NewRequest {
            kind: get("kind").parse().map_err(|x| e(&x))?,
            channel: or("channel", "salyk_app").parse().map_err(|x| e(&x))?,
            lang: or("lang", "ky").parse().map_err(|x| e(&x))?,
            received_on: parse_date("received", get("received")).map_err(|x| e(&x))?,
            identity: or("identity", "not_verified").parse().map_err(|x| e(&x))?,
            categories,
            description: get("description").to_string(),
            subject: Subject {
                name: get("name").to_string(),
                pin: get("pin").to_string(),
                birth_date: opt_date("birth_date")?,
                passport,
                address: get("address").to_string(),
                email: get("email").to_string(),
                phone: get("phone").to_string(),
            },
            representative: None,
            office: None,
        },
        warnings,
    ))
}

/// Where an import's rows come from: read once in order to check them, then each good row
/// again by its position to register it, so that only a date, a line and a position per row
/// are held in between, whatever the size of the file.
pub trait RowSource {
    /// Calls `each` with every row in file order and the position to fetch it again by.
    fn scan(&mut self, each: &mut dyn FnMut(RawRow, u64) -> Result<()>) -> Result<()>;
    /// The row at `pos` (a position [`RowSource::scan`] gave), numbered `line`.
    fn fetch(&mut self, pos: u64, line: usize) -> Result<RawRow>;
}

/// Rows already in memory (a JSON file): the position is the index.
impl RowSource for &[RawRow] {
    fn scan(&mut self, each: &mut dyn FnMut(RawRow, u64) -> Result<()>) -> Result<()> {
        for (i, row) in self.iter().enumerate() {
            each(row.clone(), i as u64)?;
        }
        Ok(())
    }

    fn fetch(&mut self, pos: u64, _line: usize) -> Result<RawRow> {
        usize::try_from(pos)
            .ok()
            .and_then(|i| self.get(i))
            .cloned()
            .ok_or_else(|| file_error(msg!("message.import.changed")))
    }
}

fn file_error(m: Message) -> Error {
    Error::Invalid(crate::domain::validation::field_error("file", m))
}

/// A CSV file read from disk twice, never whole: the first pass streams it, the second reads
/// each good row again at its byte offset.
pub struct CsvFile {
    file: std::sync::Arc<std::fs::File>,
    /// The reader of the second pass, moved to each row (building a reader per row was a
    /// seventh of an import).
    fetcher: csv::Reader<ReadAt>,
    /// Bytes of a UTF-8 BOM at the start (offsets are counted from the file's start).
    bom: u64,
    /// For each column of the file, its place in [`COLUMNS`].
    columns: Vec<usize>,
}

impl CsvFile {
    /// Opens `file` and checks its header.
    pub fn open(file: std::fs::File) -> std::result::Result<CsvFile, Message> {
        use std::io::Read;
        let mut start = [0u8; 3];
        let file = std::sync::Arc::new(file);
        let n = ReadAt { file: file.clone(), pos: 0 }
            .read(&mut start)
            .map_err(|e| crate::i18n::localize::io_error(&e))?;
        let bom = if n == 3 && start == [0xEF, 0xBB, 0xBF] { 3 } else { 0 };
        let mut rdr = csv::ReaderBuilder::new().from_reader(ReadAt { file: file.clone(), pos: bom });
        let header: Vec<String> = rdr
            .headers()
            .map_err(|e| at_line(1, csv_error_kind(&e)))?
            .iter()
            .map(|h| h.trim().to_ascii_lowercase())
            .collect();
        check_header(&header)?;
        let columns = header.iter().map(|h| column_index(h).unwrap_or(usize::MAX)).collect();
        drop(rdr);
        // A small buffer: one row is read, not the next 8 KB of the file each time.
        let fetcher = csv::ReaderBuilder::new()
            .has_headers(false)
            .flexible(false)
            .buffer_capacity(1024)
            .from_reader(ReadAt { file: file.clone(), pos: bom });
        Ok(CsvFile { file, fetcher, bom, columns })
    }

    /// A reader of the file from `pos` with a position of its own (two read it at once).
    fn reader_at(&self, pos: u64) -> ReadAt {
        ReadAt { file: self.file.clone(), pos }
    }
}

/// Reads a file from a position of its own (`pread`), not the shared file offset.
struct ReadAt {
    file: std::sync::Arc<std::fs::File>,
    pos: u64,
}

impl std::io::Read for ReadAt {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        #[cfg(unix)]
        let n = std::os::unix::fs::FileExt::read_at(&*self.file, buf, self.pos)?;
        #[cfg(windows)]
        let n = std::os::windows::fs::FileExt::seek_read(&*self.file, buf, self.pos)?;
        self.pos += n as u64;
        Ok(n)
    }
}

impl std::io::Seek for ReadAt {
    fn seek(&mut self, to: std::io::SeekFrom) -> std::io::Result<u64> {
        let moved = match to {
            std::io::SeekFrom::Start(p) => Some(p),
            std::io::SeekFrom::Current(d) => self.pos.checked_add_signed(d),
            std::io::SeekFrom::End(_) => None,
        };
        self.pos = moved.ok_or_else(|| std::io::Error::other("seek outside the file"))?;
        Ok(self.pos)
    }
}

impl RowSource for CsvFile {
    fn scan(&mut self, each: &mut dyn FnMut(RawRow, u64) -> Result<()>) -> Result<()> {
        let io = |e: std::io::Error| file_error(crate::i18n::localize::io_error(&e));
        // A second reader of the same file numbers the lines as an editor does (LF, CRLF or
        // a lone CR), a little behind the parser; it holds no more than its buffer.
        let mut lines = StreamLines::new(std::io::BufReader::new(self.reader_at(self.bom)), self.bom);
        let mut rdr = csv::ReaderBuilder::new()
            .flexible(false)
            .buffer_capacity(64 * 1024)
            .from_reader(self.reader_at(self.bom));
        rdr.headers().map_err(|e| file_error(at_line(1, csv_error_kind(&e))))?;
        let mut rec = csv::StringRecord::new();
        let mut n = 0usize;
        loop {
            match rdr.read_record(&mut rec) {
                Ok(false) => break,
                Ok(true) => {}
                Err(e) => {
                    return Err(file_error(match e.position() {
                        Some(p) => {
                            at_line(lines.line_at(self.bom + p.byte()).map_err(io)?, csv_error_kind(&e))
                        }
                        None => csv_error_kind(&e),
                    }));
                }
            }
            n += 1;
            if n > MAX_ROWS {
                return Err(file_error(msg!("message.import.too_many_rows", max = MAX_ROWS)));
            }
            let pos = rec.position().map_or(0, |p| self.bom + p.byte());
            let line = lines.line_at(pos).map_err(io)?;
            each(RawRow::new(line, self.columns.iter().copied().zip(rec.iter())), pos)?;
        }
        Ok(())
    }

    fn fetch(&mut self, pos: u64, line: usize) -> Result<RawRow> {
        let mut at = csv::Position::new();
        at.set_byte(pos);
        if let Err(e) = self.fetcher.seek(at) {
            return Err(file_error(at_line(line, csv_error_kind(&e))));
        }
        let mut rec = csv::StringRecord::new();
        match self.fetcher.read_record(&mut rec) {
            Ok(true) if rec.len() == self.columns.len() => {
                Ok(RawRow::new(line, self.columns.iter().copied().zip(rec.iter())))
            }
            Ok(_) => Err(file_error(at_line(line, msg!("message.import.changed")))),
            Err(e) => Err(file_error(at_line(line, csv_error_kind(&e)))),
        }
    }
}

/// [`LineCounter`] over a stream: the line on which the record at each (increasing) byte
/// offset starts.
struct StreamLines<R: std::io::BufRead> {
    r: R,
    at: u64,
    line: usize,
    prev_cr: bool,
}

impl<R: std::io::BufRead> StreamLines<R> {
    /// Counts from `start`, where `r` begins.
    fn new(r: R, start: u64) -> Self {
        StreamLines { r, at: start, line: 1, prev_cr: false }
    }

    /// A lone CR or LF counts once, CRLF once (counted at its CR).
    fn count(&mut self, b: u8) {
        match b {
            b'\r' => self.line += 1,
            b'\n' if !self.prev_cr => self.line += 1,
            _ => {}
        }
        self.prev_cr = b == b'\r';
        self.at += 1;
    }

    fn line_at(&mut self, offset: u64) -> std::io::Result<usize> {
        while self.at < offset {
            let buf = self.r.fill_buf()?;
            if buf.is_empty() {
                break;
            }
            let take = buf.len().min(usize::try_from(offset - self.at).unwrap_or(usize::MAX));
            let chunk: Vec<u8> = buf[..take].to_vec();
            self.r.consume(take);
            for b in chunk {
                self.count(b);
            }
        }
        // Line ends at the offset come before the record (see LineCounter::line_at).
        loop {
            let next = self.r.fill_buf()?.first().copied();
            match next {
                Some(b @ (b'\r' | b'\n')) => {
                    self.r.consume(1);
                    self.count(b);
                }
                _ => break,
            }
        }
        Ok(self.line)
    }
}

/// A good row between the two passes: what ordering and fetching it again need.
#[derive(Debug, Clone, Copy)]
struct Pending {
    received_on: chrono::NaiveDate,
    line: usize,
    pos: u64,
}

/// Good rows registered per batch of the one transaction: bounds what is held at once.
const CHUNK: usize = 20_000;

impl Session {
    /// Validates every row, then imports in one transaction. With `keep_good`, bad rows are
    /// returned as rejected and the good ones imported; otherwise any bad row stops it all.
    pub fn import(&mut self, rows: &[RawRow], dry_run: bool, keep_good: bool) -> Result<ImportReport> {
        self.import_with(&mut { rows }, dry_run, keep_good, |_, _| Ok(()))
    }

    /// [`Session::import`] from any [`RowSource`], with `before_write` called once every row
    /// is checked and before the transaction starts (not on a dry run, nor when a bad row
    /// stops the import); it may fetch rows again from the source (the rejected ones, by
    /// [`Rejected::pos`]). An error from it stops the import with nothing written: this is
    /// where the caller writes the rejects file, so a rejects file that cannot be written
    /// imports nothing.
    pub fn import_with<E: From<Error>>(
        &mut self,
        source: &mut dyn RowSource,
        dry_run: bool,
        keep_good: bool,
        before_write: impl FnOnce(&ImportReport, &mut dyn RowSource) -> std::result::Result<(), E>,
    ) -> std::result::Result<ImportReport, E> {
        self.require(Role::Supervisor, "import_requests")?;
        // Imported requests belong to the importing operator's office.
        let office = self.operator.office;
        let today = self.today();
        let mut good: Vec<Pending> = Vec::new();
        let mut report = ImportReport {
            rows: 0,
            imported: vec![],
            rejected: vec![],
            duplicates: vec![],
            warnings: vec![],
            committed: false,
        };
        let mut kinds: HashMap<Message, usize> = HashMap::new();
        // Earlier rows of the file by (PIN, kind, day of receipt), kept as a hash of the
        // three: a few bytes a row instead of the strings.
        let mut seen: HashMap<u64, usize> = HashMap::new();
        source.scan(&mut |row, pos| {
            report.rows += 1;
            let checked = to_request(&row, today).and_then(|(new, w)| {
                let more = new.validate(today, today, &self.calendar).map_err(|x| x.message())?;
                Ok((new, w.into_iter().chain(more.iter().map(Localize::message)).collect::<Vec<_>>()))
            });
            match checked {
                Err(reason) => report.rejected.push(Rejected { line: row.line, reason, pos }),
                Ok((new, warnings)) => {
                    for w in warnings {
                        let at = *kinds.entry(w).or_insert_with_key(|k| {
                            report.warnings.push(Tally { kind: k.clone(), lines: vec![] });
                            report.warnings.len() - 1
                        });
                        report.warnings[at].lines.push(row.line);
                    }
                    if let Some(r) =
                        self.store.read().duplicate_of(&new.subject.pin, new.kind, new.received_on)?
                    {
                        report.duplicates.push(Duplicate { line: row.line, of: r, of_line: None });
                    } else if let Some(first) = seen.get(&duplicate_key(&new)) {
                        report.duplicates.push(Duplicate {
                            line: row.line,
                            of: format!("line {first}"),
                            of_line: Some(*first),
                        });
                    }
                    seen.entry(duplicate_key(&new)).or_insert(row.line);
                    good.push(Pending { received_on: new.received_on, line: row.line, pos });
                }
            }
            Ok(())
        })?;
        drop(seen);
        if dry_run || (!report.rejected.is_empty() && !keep_good) {
            return Ok(report);
        }
        before_write(&report, source)?;
        if good.is_empty() {
            return Ok(report);
        }
        // Rows are registered in order of receipt (file order within a day), so references
        // follow the dates.
        good.sort_by_key(|p| p.received_on);
        let bulk = good.len() >= BULK_ROWS;
        if bulk {
            self.store.set_large_cache(true);
        }
        let imported = self.write(|tx, ctx| {
            // Deadlines depend on the kind and the day of receipt only (registered today, by
            // one calendar): computed once per pair, not once per row.
            let mut deadlines: HashMap<(RequestKind, chrono::NaiveDate), Vec<Deadline>> = HashMap::new();
            let mut refs = Vec::with_capacity(good.len());
            for chunk in good.chunks(CHUNK) {
                let mut news = Vec::with_capacity(chunk.len());
                for p in chunk {
                    let row = source.fetch(p.pos, p.line)?;
                    let (mut new, _) = to_request(&row, today).map_err(|reason| {
                        file_error(at_line(p.line, msg!("message.import.changed_because", reason = reason)))
                    })?;
                    deadlines.entry((new.kind, new.received_on)).or_insert_with(|| {
                        ctx.rules.deadlines(new.kind, new.received_on, ctx.today, ctx.calendar)
                    });
                    new.office = Some(office);
                    news.push(new);
                }
                let batch: Vec<Registration<'_>> = news
                    .iter()
                    .map(|new| {
                        let d = deadlines.get(&(new.kind, new.received_on)).map_or(&[][..], Vec::as_slice);
                        Registration {
                            new,
                            deadlines: d,
                            created: created_event(ctx, d),
                            audit_detail: registration_detail(new),
                        }
                    })
                    .collect();
                // Registration as one at a time: the same rows, events and audit entry each.
                refs.extend(tx.register_batch(&batch, ctx.today, &ctx.now, ctx.login)?);
            }
            tx.audit(&ctx.now, ctx.login, "import", "", &format!("{} requests", refs.len()))?;
            // Everything written, nothing committed: where the crash test kills it.
            crate::testpoint::reach("import", refs.len());
            Ok(refs)
        });
        if bulk {
            self.store.set_large_cache(false);
        }
        report.imported = imported?;
        report.committed = true;
        Ok(report)
    }
}

/// The key under which two rows of one file are probable duplicates, hashed.
fn duplicate_key(new: &NewRequest) -> u64 {
    use std::hash::{Hash, Hasher};
    let mut h = std::collections::hash_map::DefaultHasher::new();
    (&new.subject.pin, new.kind, new.received_on).hash(&mut h);
    h.finish()
}

/// Reads an import file as CSV or JSON.
pub fn parse_file(text: &str, json: bool) -> Result<Vec<RawRow>> {
    let r = if json { parse_json(text) } else { parse_csv(text) };
    r.map_err(file_error)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_template_parses() {
        let rows = parse_csv(include_str!("../../assets/import/template.csv")).unwrap();
        assert_eq!(rows.len(), 2);
        assert_eq!(rows[0].line, 2);
        assert_eq!(rows[0].get("name"), "Testova Aigul");
        let today = "2026-11-24".parse().unwrap();
        let (r, w) = to_request(&rows[0], today).unwrap();
        assert_eq!(r.categories, vec![DataCategory::Income, DataCategory::Property]);
        assert!(w.is_empty(), "{w:?}");
        assert!(to_request(&rows[1], today).is_ok());
    }

    #[test]
    fn bad_files_name_the_line() {
        assert!(parse_csv("kind,name\naccess,x\n").unwrap_err().to_string().contains("'pin' is required"));
        assert!(
            parse_csv("kind,name,pin,received,shoe\n")
                .unwrap_err()
                .to_string()
                .contains("unknown column `shoe`")
        );
        let e = parse_csv("kind,name,pin,received\naccess,x,1\n").unwrap_err().to_string();
        assert!(e.starts_with("line 2"), "{e}");
        assert!(parse_json("{}").is_err());
        assert!(
            parse_json("[{\"kind\": \"access\", \"colour\": \"red\"}]")
                .unwrap_err()
                .to_string()
                .contains("colour")
        );
        assert!(parse_json("[1,").unwrap_err().to_string().starts_with("line 1"));
    }

    #[test]
    fn line_numbers_are_right_for_lf_crlf_and_cr_only_files() {
        // A quoted field across two lines, and a blank line, move the numbering as an
        // editor would show it.
        let lines = ["kind,name,pin,received", "access,A,1,x", "access,\"B", "B\",2,x", "", "access,C,3,x"];
        for end in ["\n", "\r\n", "\r"] {
            let text = lines.join(end) + end;
            let rows = parse_csv(&text).unwrap();
            let got: Vec<(usize, &str)> = rows.iter().map(|r| (r.line, r.get("pin"))).collect();
            assert_eq!(got, vec![(2, "1"), (3, "2"), (6, "3")], "ending {end:?}");
            // With a BOM too.
            let rows = parse_csv(&format!("\u{feff}{text}")).unwrap();
            assert_eq!(rows[2].line, 6, "ending {end:?} after a BOM");
            // An error names its line the same way.
            let bad = format!("{}{end}access,D{end}", lines.join(end));
            assert!(
                parse_csv(&bad).unwrap_err().to_string().starts_with("line 7:"),
                "ending {end:?}: {:?}",
                parse_csv(&bad)
            );
        }
    }

    #[test]
    fn a_streamed_file_gives_the_rows_and_lines_of_the_whole_text() {
        let lines = ["kind,name,pin,received", "access,A,1,x", "access,\"B", "B\",2,x", "", "access,C,3,x"];
        for end in ["\n", "\r\n", "\r"] {
            for bom in ["", "\u{feff}"] {
                let text = format!("{bom}{}{end}", lines.join(end));
                let mut f = tempfile::tempfile().unwrap();
                std::io::Write::write_all(&mut f, text.as_bytes()).unwrap();
                let mut file = CsvFile::open(f).unwrap();
                let mut got = Vec::new();
                file.scan(&mut |row, pos| {
                    got.push((row, pos));
                    Ok(())
                })
                .unwrap();
                let whole = parse_csv(&text).unwrap();
                assert_eq!(got.iter().map(|(r, _)| r.clone()).collect::<Vec<_>>(), whole, "{end:?} {bom:?}");
                // Each row read again by its position, in any order.
                for (row, pos) in got.iter().rev() {
                    assert_eq!(&file.fetch(*pos, row.line).unwrap(), row, "{end:?} {bom:?}");
                }
                // An error names its line the same way.
                let bad = format!("{bom}{}{end}access,D{end}", lines.join(end));
                let mut f = tempfile::tempfile().unwrap();
                std::io::Write::write_all(&mut f, bad.as_bytes()).unwrap();
                let err = CsvFile::open(f).unwrap().scan(&mut |_, _| Ok(())).unwrap_err().to_string();
                assert!(err.contains("line 7:"), "{end:?} {bom:?}: {err}");
            }
        }
    }

    #[test]
    fn rows_are_checked_field_by_field() {
        let today = "2026-11-24".parse().unwrap();
        let row =
            |s: &str| parse_csv(&format!("kind,name,pin,received,categories\n{s}\n")).unwrap().remove(0);
        assert!(
            to_request(&row("erase,x,21503199012345,2026-11-01,"), today)
                .unwrap_err()
                .to_string()
                .starts_with("kind:")
        );
        assert!(
            to_request(&row("access,,21503199012345,2026-11-01,"), today)
                .unwrap_err()
                .to_string()
                .starts_with("name:")
        );
        assert_eq!(
            to_request(&row("access,x,21503199012345,01.11.2026,"), today).unwrap().0.received_on,
            "2026-11-01".parse().unwrap(),
            "a date as written in Kyrgyzstan is read as the command line reads it"
        );
        assert!(
            to_request(&row("access,x,21503199012345,31.11.2026,"), today)
                .unwrap_err()
                .to_string()
                .starts_with("received:")
        );
        assert!(
            to_request(&row("access,x,21503199012345,2026-11-01,teeth"), today)
                .unwrap_err()
                .to_string()
                .starts_with("category:")
        );
    }
}
