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

/// Parses `DD.MM.YYYY` or `YYYY-MM-DD`, naming the field on error: [`super::parse::date`].
pub fn parse_date(field: &str, s: &str) -> Result<NaiveDate, super::validation::FieldError> {
    super::parse::date(field, s)
}

#[cfg(test)]
mod tests {
    use super::*;

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
