//! Date formats of the domain's explanations: `DD.MM.YYYY`, as dates are written in the
//! Kyrgyz Republic, with an English weekday (the interface translates in `i18n`).

use chrono::{Datelike, NaiveDate, Weekday};

pub fn date_dmy(d: NaiveDate) -> String {
    d.format("%d.%m.%Y").to_string()
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

/// Parses `YYYY-MM-DD`, naming the field on error.
/// Only years 1900–2200 are accepted: dates are stored as text and compared as text, and
/// nothing in an office's records lies outside that range.
pub fn parse_date(field: &str, s: &str) -> Result<NaiveDate, super::validation::FieldError> {
    let t = s.trim();
    let bad = || super::validation::field_error(field, crate::msg!("message.not_a_date", text = t));
    if t.len() != 10 || !t.starts_with(|c: char| c.is_ascii_digit()) {
        return Err(bad());
    }
    let d = NaiveDate::parse_from_str(t, "%Y-%m-%d").map_err(|_| bad())?;
    if !(1900..=2200).contains(&d.year()) {
        return Err(super::validation::field_error(field, crate::msg!("message.year_range")));
    }
    Ok(d)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats() {
        let d = NaiveDate::from_ymd_opt(2026, 3, 2).unwrap();
        assert_eq!(date_wd(d), "Mon 02.03.2026");
        assert!(parse_date("received", "2026-02-30").is_err());
        assert!(parse_date("received", "02.03.2026").unwrap_err().to_string().starts_with("received:"));
        assert_eq!(parse_date("received", " 2026-03-02 ").unwrap(), d);
        for bad in ["+262142-12-20", "0000-01-01", "2026-3-2", "12026-01-01", "2201-01-01"] {
            assert!(parse_date("received", bad).is_err(), "{bad}");
        }
    }
}
