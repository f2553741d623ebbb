//! Importing batches of requests received through the app (CSV or JSON). Every row is
//! validated first; with any bad row nothing is imported (or, when asked, the good rows are
//! imported and the bad ones returned). Probable duplicates are reported.

use std::collections::HashMap;

use serde::Serialize;

use crate::domain::format::parse_date;
use crate::domain::identity::parse_passport;
use crate::domain::kind::{DataCategory, Role, parse_code_list};
use crate::domain::request::{NewRequest, Subject};

use super::intake::insert_registered;
use super::{Error, Result, Session};

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
/// JSON array is 1) and its fields by column name.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RawRow {
    pub line: usize,
    pub fields: HashMap<String, String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Rejected {
    pub line: usize,
    pub reason: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Duplicate {
    pub line: usize,
    /// The existing reference, or the earlier line of the same file.
    pub of: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct ImportReport {
    pub rows: usize,
    pub imported: Vec<String>,
    pub rejected: Vec<Rejected>,
    pub duplicates: Vec<Duplicate>,
    pub warnings: Vec<Rejected>,
    /// False when nothing was written (a dry run, or bad rows without `keep_good`).
    pub committed: bool,
}

/// Parses CSV text (UTF-8, optional BOM, header row with the column names).
pub fn parse_csv(text: &str) -> std::result::Result<Vec<RawRow>, String> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let mut rdr = csv::ReaderBuilder::new().flexible(false).from_reader(text.as_bytes());
    let header: Vec<String> = rdr
        .headers()
        .map_err(|e| format!("line 1: {e}"))?
        .iter()
        .map(|h| h.trim().to_ascii_lowercase())
        .collect();
    check_header(&header)?;
    let mut rows = Vec::new();
    for rec in rdr.records() {
        let rec = rec.map_err(|e| match e.position() {
            Some(p) => format!("line {}: {}", p.line(), csv_error_kind(&e)),
            None => e.to_string(),
        })?;
        let line = rec.position().map(|p| p.line() as usize).unwrap_or(rows.len() + 2);
        if rows.len() >= MAX_ROWS {
            return Err(format!("more than {MAX_ROWS} rows"));
        }
        let fields = header.iter().cloned().zip(rec.iter().map(|v| v.trim().to_string())).collect();
        rows.push(RawRow { line, fields });
    }
    Ok(rows)
}

fn csv_error_kind(e: &csv::Error) -> String {
    match e.kind() {
        csv::ErrorKind::UnequalLengths { expected_len, len, .. } => {
            format!("{len} fields where the header has {expected_len}")
        }
        csv::ErrorKind::Utf8 { .. } => "not UTF-8 text".into(),
        _ => e.to_string(),
    }
}

/// Parses a JSON array of objects whose keys are the column names (values are strings, or
/// arrays of strings for `categories`).
pub fn parse_json(text: &str) -> std::result::Result<Vec<RawRow>, String> {
    let v: serde_json::Value = serde_json::from_str(text).map_err(|e| format!("line {}: {e}", e.line()))?;
    let items = v.as_array().ok_or("the file must hold a JSON array of requests")?;
    if items.len() > MAX_ROWS {
        return Err(format!("more than {MAX_ROWS} rows"));
    }
    let mut rows = Vec::new();
    for (i, item) in items.iter().enumerate() {
        let obj = item.as_object().ok_or_else(|| format!("item {}: not an object", i + 1))?;
        let mut fields = HashMap::new();
        for (k, v) in obj {
            let key = k.trim().to_ascii_lowercase();
            if !COLUMNS.contains(&key.as_str()) {
                return Err(format!(
                    "item {}: unknown field '{k}' (expected: {})",
                    i + 1,
                    COLUMNS.join(", ")
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
            fields.insert(key, value);
        }
        rows.push(RawRow { line: i + 1, fields });
    }
    Ok(rows)
}

fn check_header(header: &[String]) -> std::result::Result<(), String> {
    for h in header {
        if !COLUMNS.contains(&h.as_str()) {
            return Err(format!("line 1: unknown column '{h}' (expected: {})", COLUMNS.join(", ")));
        }
    }
    for r in REQUIRED {
        if !header.iter().any(|h| h == r) {
            return Err(format!("line 1: the column '{r}' is required"));
        }
    }
    Ok(())
}

/// Turns one raw row into a request, or the reason it cannot be one.
fn to_request(
    row: &RawRow,
    today: chrono::NaiveDate,
) -> std::result::Result<(NewRequest, Vec<String>), String> {
    let get = |k: &str| row.fields.get(k).map(String::as_str).unwrap_or("");
    let or = |k: &str, default: &'static str| {
        let v = get(k);
        if v.is_empty() { default.to_string() } else { v.to_string() }
    };
    let e = |e: &dyn std::fmt::Display| e.to_string();
    let opt_date = |k: &str| -> std::result::Result<Option<chrono::NaiveDate>, String> {
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
        warnings.extend(w.into_iter().map(|w| w.to_string()));
        Some(p)
    };
    for r in REQUIRED {
        if get(r).is_empty() {
            return Err(format!("{r}: is required"));
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
        },
        warnings,
    ))
}

impl Session {
    /// Validates every row, then imports in one transaction. With `keep_good`, bad rows are
    /// returned as rejected and the good ones imported; otherwise any bad row stops it all.
    pub fn import(&mut self, rows: &[RawRow], dry_run: bool, keep_good: bool) -> Result<ImportReport> {
        self.require(Role::Supervisor, "import requests")?;
        let today = self.today();
        let mut good = Vec::new();
        let mut report = ImportReport {
            rows: rows.len(),
            imported: vec![],
            rejected: vec![],
            duplicates: vec![],
            warnings: vec![],
            committed: false,
        };
        let mut seen: HashMap<(String, String, chrono::NaiveDate), usize> = HashMap::new();
        for row in rows {
            let checked = to_request(row, today).and_then(|(new, w)| {
                let more = new.validate(today, today, &self.calendar).map_err(|x| x.to_string())?;
                Ok((new, w.into_iter().chain(more.into_iter().map(|m| m.to_string())).collect::<Vec<_>>()))
            });
            match checked {
                Err(reason) => report.rejected.push(Rejected { line: row.line, reason }),
                Ok((new, warnings)) => {
                    for w in warnings {
                        report.warnings.push(Rejected { line: row.line, reason: w });
                    }
                    let key = (new.subject.pin.clone(), new.kind.code().to_string(), new.received_on);
                    if let Some(r) = self.store.read().duplicate_of(&key.0, new.kind, key.2)? {
                        report.duplicates.push(Duplicate { line: row.line, of: r });
                    } else if let Some(first) = seen.get(&key) {
                        report.duplicates.push(Duplicate { line: row.line, of: format!("line {first}") });
                    }
                    seen.entry(key).or_insert(row.line);
                    good.push(new);
                }
            }
        }
        if dry_run || (!report.rejected.is_empty() && !keep_good) || good.is_empty() {
            return Ok(report);
        }
        // Rows are registered in order of receipt, so references follow the dates.
        good.sort_by_key(|n| n.received_on);
        let rules = self.rules.clone();
        let cal = self.calendar.clone();
        let imported = self.write(|tx, ctx| {
            let mut refs = Vec::with_capacity(good.len());
            for new in &good {
                let deadlines = rules.deadlines(new.kind, new.received_on, ctx.today, &cal);
                refs.push(insert_registered(tx, ctx, new, &deadlines, None)?.1);
            }
            tx.audit(&ctx.now, ctx.login, "import", "", &format!("{} requests", refs.len()))?;
            Ok(refs)
        })?;
        report.imported = imported;
        report.committed = true;
        Ok(report)
    }
}

/// Reads an import file as CSV or JSON.
pub fn parse_file(text: &str, json: bool) -> Result<Vec<RawRow>> {
    let r = if json { parse_json(text) } else { parse_csv(text) };
    r.map_err(|m| Error::Invalid(crate::domain::validation::field_error("file", &m)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_template_parses() {
        let rows = parse_csv(include_str!("../../assets/import/template.csv")).unwrap();
        assert_eq!(rows.len(), 2);
        assert_eq!(rows[0].line, 2);
        assert_eq!(rows[0].fields["name"], "Testova Aigul");
        let today = "2026-11-24".parse().unwrap();
        let (r, w) = to_request(&rows[0], today).unwrap();
        assert_eq!(r.categories, vec![DataCategory::Income, DataCategory::Property]);
        assert!(w.is_empty(), "{w:?}");
        assert!(to_request(&rows[1], today).is_ok());
    }

    #[test]
    fn bad_files_name_the_line() {
        assert!(parse_csv("kind,name\naccess,x\n").unwrap_err().contains("'pin' is required"));
        assert!(parse_csv("kind,name,pin,received,shoe\n").unwrap_err().contains("unknown column 'shoe'"));
        let e = parse_csv("kind,name,pin,received\naccess,x,1\n").unwrap_err();
        assert!(e.starts_with("line 2"), "{e}");
        assert!(parse_json("{}").is_err());
        assert!(parse_json("[{\"kind\": \"access\", \"colour\": \"red\"}]").unwrap_err().contains("colour"));
        assert!(parse_json("[1,").unwrap_err().starts_with("line 1"));
    }

    #[test]
    fn rows_are_checked_field_by_field() {
        let today = "2026-11-24".parse().unwrap();
        let row =
            |s: &str| parse_csv(&format!("kind,name,pin,received,categories\n{s}\n")).unwrap().remove(0);
        assert!(
            to_request(&row("erase,x,21503199012345,2026-11-01,"), today).unwrap_err().starts_with("kind:")
        );
        assert!(
            to_request(&row("access,,21503199012345,2026-11-01,"), today).unwrap_err().starts_with("name:")
        );
        assert!(
            to_request(&row("access,x,21503199012345,01.11.2026,"), today)
                .unwrap_err()
                .starts_with("received:")
        );
        assert!(
            to_request(&row("access,x,21503199012345,2026-11-01,teeth"), today)
                .unwrap_err()
                .starts_with("category:")
        );
    }
}
