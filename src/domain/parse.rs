//! One parser for what people type, shared by the command line, the terminal UI, imports
//! and the configuration: dates (`DD.MM.YYYY`, as dates are written in the Kyrgyz Republic,
//! or ISO `YYYY-MM-DD`) and references (`ARZ-2026-000234`, or the short `234` / `:234` for
//! a request of the current year, as the terminal UI's jump takes them).

use chrono::{Datelike, NaiveDate};

use super::request::format_reference;
use super::validation::{FieldError, field_error};

/// The years a date may have: dates are stored as text and compared as text, and nothing
/// in an office's records lies outside this range.
pub(crate) const YEARS: std::ops::RangeInclusive<i32> = 1900..=2200;

/// Parses `24.11.2026` (day and month may have one digit: `1.3.2026`) or `2026-11-24`,
/// naming `field` on error.
pub(crate) fn date(field: &str, s: &str) -> Result<NaiveDate, FieldError> {
    let t = s.trim();
    let bad = || field_error(field, crate::msg!("message.not_a_date", text = t));
    let digits = |p: &str, len: std::ops::RangeInclusive<usize>| {
        len.contains(&p.len()) && p.bytes().all(|b| b.is_ascii_digit())
    };
    let parts: Vec<&str> = if t.contains('.') { t.split('.').collect() } else { t.split('-').collect() };
    let (y, m, d) = match parts.as_slice() {
        [d, m, y] if t.contains('.') && digits(d, 1..=2) && digits(m, 1..=2) && digits(y, 4..=4) => (y, m, d),
        [y, m, d] if !t.contains('.') && digits(y, 4..=4) && digits(m, 2..=2) && digits(d, 2..=2) => {
            (y, m, d)
        }
        _ => return Err(bad()),
    };
    let (y, m, d): (i32, u32, u32) =
        (y.parse().map_err(|_| bad())?, m.parse().map_err(|_| bad())?, d.parse().map_err(|_| bad())?);
    let date = NaiveDate::from_ymd_opt(y, m, d).ok_or_else(bad)?;
    if !YEARS.contains(&date.year()) {
        return Err(field_error(field, crate::msg!("message.year_range")));
    }
    Ok(date)
}

/// A reference as typed: a full one, or the number of a request of the current year.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RefInput {
    /// `ARZ-2026-000234`, upper-cased.
    Full(String),
    /// `234` or `:234`.
    Number(u32),
}

/// The longest sequence number a reference holds (six digits).
const MAX_SEQ: u32 = 999_999;

impl std::str::FromStr for RefInput {
    type Err = FieldError;

    fn from_str(s: &str) -> Result<RefInput, FieldError> {
        let t = s.trim();
        let short = t.strip_prefix(':').unwrap_or(t);
        if !short.is_empty() && short.len() <= 6 && short.bytes().all(|b| b.is_ascii_digit()) {
            return match short.parse::<u32>() {
                Ok(n) if (1..=MAX_SEQ).contains(&n) => Ok(RefInput::Number(n)),
                _ => Err(not_a_reference(t)),
            };
        }
        super::request::parse_reference(t).map(RefInput::Full).map_err(|_| not_a_reference(t))
    }
}

impl RefInput {
    /// The full reference; a short one is of `year` (the current year of the office).
    pub fn resolve(&self, year: i32) -> String {
        match self {
            RefInput::Full(r) => r.clone(),
            RefInput::Number(n) => format_reference(year, i64::from(*n)),
        }
    }
}

impl std::fmt::Display for RefInput {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            RefInput::Full(r) => f.write_str(r),
            RefInput::Number(n) => write!(f, "{n}"),
        }
    }
}

fn not_a_reference(t: &str) -> FieldError {
    field_error("ref", crate::msg!("message.not_a_short_reference", text = t))
}

/// Parses a reference as people type it; a short one (`234`, `:234`) is of `year`.
pub(crate) fn reference(s: &str, year: i32) -> Result<String, FieldError> {
    Ok(s.parse::<RefInput>()?.resolve(year))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_in_both_forms() {
        let d = NaiveDate::from_ymd_opt(2026, 3, 2).unwrap();
        for ok in ["2026-03-02", " 2026-03-02 ", "02.03.2026", "2.3.2026", "02.3.2026"] {
            assert_eq!(date("received", ok).unwrap(), d, "{ok}");
        }
        for bad in [
            "2026-02-30",
            "31.02.2026",
            "+262142-12-20",
            "0000-01-01",
            "2026-3-2",
            "12026-01-01",
            "2201-01-01",
            "01.01.1899",
            "02.03.26",
            "2026.03.02",
            "02-03-2026",
            "tomorrow",
            "",
            "٠٢.٠٣.٢٠٢٦",
        ] {
            let e = date("received", bad).unwrap_err();
            assert_eq!(e.field, "received", "{bad}");
        }
        assert!(date("received", "x").unwrap_err().to_string().contains("DD.MM.YYYY or YYYY-MM-DD"));
    }

    #[test]
    fn references_long_and_short() {
        assert_eq!(reference(" arz-2026-000123 ", 2027).unwrap(), "ARZ-2026-000123");
        assert_eq!(reference("234", 2026).unwrap(), "ARZ-2026-000234");
        assert_eq!(reference(":234", 2026).unwrap(), "ARZ-2026-000234");
        assert_eq!(reference(" :999999", 2026).unwrap(), "ARZ-2026-999999");
        for bad in ["0", ":0", "1234567", "-1", ":", "", "ARZ-26-1", "2026-000001", "12a", "::1"] {
            assert_eq!(reference(bad, 2026).unwrap_err().field, "ref", "{bad}");
        }
    }
}
