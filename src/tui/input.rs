//! Reading what the operator typed: dates as written in Kyrgyzstan (`DD.MM.YYYY`), or ISO,
//! with the command line's parser ([`crate::domain::parse::date`]).

use chrono::NaiveDate;

use crate::i18n::t;

/// Parses `24.11.2026` (or `1.3.2026`) or `2026-11-24`; the error is the interface's.
pub(crate) fn parse_date(text: &str) -> Result<NaiveDate, String> {
    crate::domain::parse::date("date", text).map_err(|_| t("error.date").to_string())
}

/// An optional date: empty is `None`.
pub(crate) fn parse_optional_date(text: &str) -> Result<Option<NaiveDate>, String> {
    if text.trim().is_empty() { Ok(None) } else { parse_date(text).map(Some) }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_in_both_forms() {
        let d = NaiveDate::from_ymd_opt(2026, 11, 24).unwrap();
        assert_eq!(parse_date("24.11.2026").unwrap(), d);
        assert_eq!(parse_date(" 2026-11-24 ").unwrap(), d);
        assert!(parse_date("31.02.2026").is_err());
        assert!(parse_date("tomorrow").is_err());
        assert_eq!(parse_optional_date("  ").unwrap(), None);
    }
}
