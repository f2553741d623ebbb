//! Writing records and lists as aligned tables, JSON or CSV.

use std::io::Write;

use unicode_width::UnicodeWidthStr;

/// Display width of `s` (Kyrgyz and Russian letters are one column each).
fn width(s: &str) -> usize {
    UnicodeWidthStr::width(s)
}

/// Replaces control characters so that data never moves the cursor of a terminal.
pub fn neutralise(s: &str) -> String {
    s.chars().map(|c| if c.is_control() { ' ' } else { c }).collect()
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
pub fn table(out: &mut impl Write, header: &[&str], rows: &[Vec<String>]) -> std::io::Result<()> {
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
    writeln!(out, "{}", line(header.to_vec()))?;
    for r in &rows {
        writeln!(out, "{}", line(r.iter().map(String::as_str).collect()))?;
    }
    Ok(())
}

/// `key: value` lines, keys aligned; the keys in the interface language (`cli.field.<key>`).
pub fn record(out: &mut impl Write, fields: &[(&str, String)]) -> std::io::Result<()> {
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

fn csv_cell(s: &str) -> String {
    if s.contains([',', '"', '\n', '\r']) { format!("\"{}\"", s.replace('"', "\"\"")) } else { s.to_string() }
}

/// RFC 4180 CSV, UTF-8, CRLF line ends (what Excel and LibreOffice expect).
pub fn csv(out: &mut (impl Write + ?Sized), header: &[&str], rows: &[Vec<String>]) -> std::io::Result<()> {
    let header: Vec<String> = header.iter().map(|h| h.to_string()).collect();
    csv_row(out, &header)?;
    for r in rows {
        csv_row(out, r)?;
    }
    Ok(())
}

pub fn csv_row(out: &mut (impl Write + ?Sized), row: &[String]) -> std::io::Result<()> {
    let cells: Vec<String> = row.iter().map(|c| csv_cell(c)).collect();
    write!(out, "{}\r\n", cells.join(","))
}

pub fn json(out: &mut impl Write, v: &serde_json::Value) -> std::io::Result<()> {
    serde_json::to_writer_pretty(&mut *out, v)?;
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
    fn csv_quotes_and_neutralise() {
        let mut out = Vec::new();
        csv(&mut out, &["a"], &[vec!["x,\"y\"".into()]]).unwrap();
        assert_eq!(String::from_utf8(out).unwrap(), "a\r\n\"x,\"\"y\"\"\"\r\n");
        assert_eq!(neutralise("a\u{1b}[2Jb"), "a [2Jb");
    }
}
