//! Date formats of the domain's explanations: `DD.MM.YYYY`, as dates are written in the
//! Kyrgyz Republic, with an English weekday (the interface translates in `i18n`).

use chrono::{Datelike, NaiveDate, Weekday};

pub fn date_dmy(d: NaiveDate) -> String {
    d.format("%d.%m.%Y").to_string()
}

/// `2026-11-24`, as `d.to_string()` writes it, without the formatting machinery (an export
/// writes seven dates a row).
pub fn date_iso(d: NaiveDate) -> String {
    let y = d.year();
    if !(0..=9999).contains(&y) {
        return d.to_string();
    }
    let (y, m, day) = (y as u32, d.month(), d.day());
    let digit = |v: u32| char::from(b'0' + (v % 10) as u8);
    [y / 1000, y / 100, y / 10, y]
        .into_iter()
        .map(digit)
        .chain(['-', digit(m / 10), digit(m), '-', digit(day / 10), digit(day)])
        .collect()
}

pub fn weekday_en(d: NaiveDate) -> &'static str {
    match d.weekday() {
        Weekday::Mon => "Mon",
        Weekday::Tue => "Tue",
        Weekday::Wed => "Wed",
        Weekday::Thu => "Thu",
        Weekday::Fri => "Fri",
        Weekday::Sat => "Sat",
        Weekday::Sun => "Sun",
    }
}

/// `Mon 02.03.2026`.
pub fn date_wd(d: NaiveDate) -> String {
    format!("{} {}", weekday_en(d), date_dmy(d))
}

/// Parses `DD.MM.YYYY` or `YYYY-MM-DD`, naming the field on error: [`super::parse::date`].
pub fn parse_date(field: &str, s: &str) -> Result<NaiveDate, super::validation::FieldError> {
    super::parse::date(field, s)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn iso_dates_are_written_as_chrono_writes_them() {
        for text in ["2026-11-24", "0001-01-01", "9999-12-31", "2024-02-29", "0999-10-05"] {
            let d: NaiveDate = text.parse().unwrap();
            assert_eq!(date_iso(d), d.to_string());
        }
    }

    #[test]
    fn formats() {
        let d = NaiveDate::from_ymd_opt(2026, 3, 2).unwrap();
        assert_eq!(date_wd(d), "Mon 02.03.2026");
        assert!(parse_date("received", "2026-02-30").is_err());
        assert_eq!(parse_date("received", "02.03.2026").unwrap(), d);
        assert!(parse_date("received", "32.03.2026").unwrap_err().to_string().starts_with("received:"));
        assert_eq!(parse_date("received", " 2026-03-02 ").unwrap(), d);
        for bad in ["+262142-12-20", "0000-01-01", "2026-3-2", "12026-01-01", "2201-01-01"] {
            assert!(parse_date("received", bad).is_err(), "{bad}");
        }
    }
}
