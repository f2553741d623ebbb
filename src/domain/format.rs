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
pub fn parse_date(field: &str, s: &str) -> Result<NaiveDate, super::validation::FieldError> {
    NaiveDate::parse_from_str(s.trim(), "%Y-%m-%d").map_err(|_| {
        super::validation::field_error(field, &format!("'{}' is not a date in the form YYYY-MM-DD", s.trim()))
    })
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
    }
}
