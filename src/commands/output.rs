//! Writing records and lists as aligned tables, JSON or CSV.

use std::io::Write;

use unicode_width::UnicodeWidthStr;

/// Display width of `s` (Kyrgyz and Russian letters are one column each).
fn width(s: &str) -> usize {
    UnicodeWidthStr::width(s)
}

/// Stored text for one line of a terminal: hidden characters shown as `⟨U+XXXX⟩`
/// (see [`crate::domain::safe_text`]).
pub fn neutralise(s: &str) -> String {
    crate::domain::safe_text::clean(s)
}

/// A `--format table` header in the interface language: the catalog's `cli.col.<name>`,
/// where `name` is the CSV header in lower case (`%` as `pct`, spaces as `_`).
fn header_text(h: &str) -> String {
    let key = h.to_lowercase().replace('%', "pct").replace(' ', "_");
    let text = crate::i18n::label_owned("cli.col", &key);
    // A header no catalog names yet stays as given (upper case), not as its lookup key.
    if text == key { h.to_string() } else { text }
}

/// Prints rows as columns aligned by display width, under headers in the interface language.
pub(super) fn table(out: &mut impl Write, header: &[&str], rows: &[Vec<String>]) -> std::io::Result<()> {
    let header: Vec<String> = header.iter().map(|h| header_text(h)).collect();
    let header: Vec<&str> = header.iter().map(String::as_str).collect();
    let rows: Vec<Vec<String>> = rows.iter().map(|r| r.iter().map(|c| neutralise(c)).collect()).collect();
    let mut widths: Vec<usize> = header.iter().map(|h| width(h)).collect();
    for r in &rows {
        for (i, c) in r.iter().enumerate() {
            if i < widths.len() {
                widths[i] = widths[i].max(width(c));
            }
        }
    }
    let line = |cells: Vec<&str>| {
        let mut s = String::new();
        for (i, c) in cells.iter().enumerate() {
            if i + 1 == cells.len() {
                s.push_str(c);
            } else {
                s.push_str(c);
                s.push_str(&" ".repeat(widths[i].saturating_sub(width(c)) + 2));
            }
        }
        s.trim_end().to_string()
    };
    writeln!(out, "{}", line(header.clone()))?;
    for r in &rows {
        writeln!(out, "{}", line(r.iter().map(String::as_str).collect()))?;
    }
    Ok(())
}

/// `key: value` lines, keys aligned; the keys in the interface language (`cli.field.<key>`).
pub(super) fn record(out: &mut impl Write, fields: &[(&str, String)]) -> std::io::Result<()> {
    let fields: Vec<(String, &String)> = fields
        .iter()
        .map(|(k, v)| (crate::i18n::label_owned("cli.field", &k.replace(' ', "_")), v))
        .collect();
    let w = fields.iter().map(|(k, _)| width(k)).max().unwrap_or(0);
    for (k, v) in &fields {
        writeln!(out, "{k}:{} {}", " ".repeat(w - width(k)), neutralise(v))?;
    }
    Ok(())
}

/// Whether `s` is a plain number (`-3`, `12.5`): a spreadsheet reads it as a number, never
/// as a formula, so it keeps its sign.
fn is_number(s: &str) -> bool {
    let digits = s.strip_prefix(['-', '+']).unwrap_or(s);
    let (int, frac) = digits.split_once('.').unwrap_or((digits, "0"));
    !int.is_empty()
        && !frac.is_empty()
        && int.bytes().all(|b| b.is_ascii_digit())
        && frac.bytes().all(|b| b.is_ascii_digit())
}

/// One cell as a spreadsheet may receive it: hidden characters shown by code (newlines
/// kept), and a cell a spreadsheet would run as a formula — starting with `=`, `+`, `-`,
/// `@`, TAB or CR — prefixed with an apostrophe, as OWASP recommends.
pub(super) fn spreadsheet_cell(s: &str) -> std::borrow::Cow<'_, str> {
    let shown = crate::domain::safe_text::multiline(s);
    if matches!(s.chars().next(), Some('=' | '+' | '-' | '@' | '\t' | '\r')) && !is_number(s) {
        std::borrow::Cow::Owned(format!("'{shown}"))
    } else {
        shown
    }
}

/// RFC 4180 CSV (UTF-8, CRLF line ends, what Excel and `LibreOffice` expect) through the
/// `csv` crate's writer; cells made [`spreadsheet_cell`]-safe unless `raw`.
pub(super) struct CsvOut<W: Write> {
    w: csv::Writer<W>,
    raw: bool,
}

impl<W: Write> CsvOut<W> {
    pub(super) fn new(w: W, raw: bool) -> CsvOut<W> {
        CsvOut { w: csv::WriterBuilder::new().terminator(csv::Terminator::CRLF).from_writer(w), raw }
    }

    pub(super) fn row<S: AsRef<str>>(&mut self, cells: &[S]) -> std::io::Result<()> {
        let r = if self.raw {
            self.w.write_record(cells.iter().map(|c| c.as_ref().as_bytes()))
        } else {
            self.w.write_record(cells.iter().map(|c| match spreadsheet_cell(c.as_ref()) {
                std::borrow::Cow::Borrowed(s) => std::borrow::Cow::Borrowed(s.as_bytes()),
                std::borrow::Cow::Owned(s) => std::borrow::Cow::Owned(s.into_bytes()),
            }))
        };
        // Keep the I/O error itself: a closed pipe must stay recognisable as one.
        r.map_err(|e| match e.into_kind() {
            csv::ErrorKind::Io(e) => e,
            other => std::io::Error::other(format!("{other:?}")),
        })
    }

    /// Writes out what is buffered; an error here (a closed pipe, a full disk) is the
    /// export's error.
    pub(super) fn flush(&mut self) -> std::io::Result<()> {
        self.w.flush()
    }
}

/// A whole CSV document: header and rows, cells spreadsheet-safe.
pub(super) fn csv(
    out: &mut (impl Write + ?Sized),
    header: &[&str],
    rows: &[Vec<String>],
) -> std::io::Result<()> {
    let mut c = CsvOut::new(out, false);
    c.row(header)?;
    for r in rows {
        c.row(r)?;
    }
    c.flush()
}

pub(super) fn json(out: &mut impl Write, v: &serde_json::Value) -> std::io::Result<()> {
    crate::domain::safe_text::json_pretty(&mut *out, v)?;
    writeln!(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tables_align_cyrillic_by_width() {
        let mut out = Vec::new();
        table(&mut out, &["A", "B"], &[vec!["Өмүрбеков".into(), "x".into()], vec!["ab".into(), "y".into()]])
            .unwrap();
        let s = String::from_utf8(out).unwrap();
        let lines: Vec<&str> = s.lines().collect();
        assert_eq!(lines[1], "Өмүрбеков  x");
        assert_eq!(lines[2], "ab         y");
    }

    #[test]
    fn each_formula_start_is_neutralised_unless_raw() {
        for (cell, safe) in [
            ("=HYPERLINK(\"http://x\")", "'=HYPERLINK(\"http://x\")"),
            ("+cmd", "'+cmd"),
            ("-2+3", "'-2+3"),
            ("@SUM(A1)", "'@SUM(A1)"),
            ("\tx", "' x"),
            ("\r=1", "'⟨U+000D⟩=1"),
            ("-3", "-3"),
            ("12.5", "12.5"),
            ("Asel", "Asel"),
        ] {
            assert_eq!(spreadsheet_cell(cell), safe, "{cell:?}");
            let mut out = Vec::new();
            let mut c = CsvOut::new(&mut out, true);
            c.row(&[cell]).unwrap();
            c.flush().unwrap();
            drop(c);
            let back = csv::ReaderBuilder::new().has_headers(false).from_reader(&out[..]).records().next();
            assert_eq!(&back.unwrap().unwrap()[0], cell, "--raw keeps {cell:?}");
        }
    }

    #[test]
    fn csv_quotes_and_neutralise() {
        let mut out = Vec::new();
        csv(&mut out, &["a"], &[vec!["x,\"y\"".into()]]).unwrap();
        assert_eq!(String::from_utf8(out).unwrap(), "a\r\n\"x,\"\"y\"\"\"\r\n");
        assert_eq!(neutralise("a\u{1b}[2Jb"), "a⟨U+001B⟩[2Jb");
    }
}
