//! PIN and passport validation (legal-notes §6). Hard rules reject; doubts only warn, because
//! the formats are known from secondary sources and foreigners have PINs and documents too.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use super::validation::{FieldError, FieldWarning, field_error, warning};

/// Checks a PIN: exactly 14 digits is the only hard rule. Returns the soft warnings.
pub fn validate_pin(
    pin: &str,
    birth_date: Option<NaiveDate>,
    today: NaiveDate,
) -> Result<Vec<FieldWarning>, FieldError> {
    if pin.chars().count() != 14 || !pin.chars().all(|c| c.is_ascii_digit()) {
        return Err(field_error("pin", crate::msg!("message.pin_digits")));
    }
    let mut warnings = Vec::new();
    if !matches!(pin.as_bytes()[0], b'1' | b'2') {
        warnings.push(warning("pin", crate::msg!("message.pin_first_digit")));
    }
    match pin_birth_date(pin) {
        None => warnings.push(warning("pin", crate::msg!("message.pin_date"))),
        Some(d) if d > today => warnings.push(warning("pin", crate::msg!("message.pin_future"))),
        Some(d) => {
            if let Some(b) = birth_date
                && b != d
            {
                warnings.push(warning(
                    "pin",
                    crate::msg!(
                        "message.pin_birth",
                        pin = d.format("%d.%m.%Y").to_string(),
                        birth = b.format("%d.%m.%Y").to_string()
                    ),
                ));
            }
        }
    }
    Ok(warnings)
}

/// The birth date encoded in digits 2–9 (DDMMYYYY), if they form a date.
pub fn pin_birth_date(pin: &str) -> Option<NaiveDate> {
    let digits = pin.get(1..9)?;
    NaiveDate::parse_from_str(digits, "%d%m%Y").ok()
}

/// The gender a PIN gives in its first digit (1 female, 2 male), only when the PIN is valid:
/// 14 digits whose digits 2–9 form a date. Anything else gives none, so that a letter's
/// salutation stays neutral rather than guess.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PinGender {
    Female,
    Male,
}

pub fn pin_gender(pin: &str) -> Option<PinGender> {
    let pin = pin.trim();
    if pin.len() != 14 || !pin.bytes().all(|b| b.is_ascii_digit()) || pin_birth_date(pin).is_none() {
        return None;
    }
    match pin.as_bytes()[0] {
        b'1' => Some(PinGender::Female),
        b'2' => Some(PinGender::Male),
        _ => None,
    }
}

/// The PIN as shown in lists: only the last four digits.
pub fn mask_pin(pin: &str) -> String {
    let n = pin.chars().count();
    if n <= 4 {
        return "*".repeat(n);
    }
    let tail: String = pin.chars().skip(n - 4).collect();
    format!("{}{tail}", "*".repeat(n - 4))
}

/// An identity document: a Kyrgyz passport or ID card (series + number) or a free-form
/// foreign document.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
pub struct Passport {
    /// The document as entered, normalised (`ID1234567`) for Kyrgyz documents.
    pub document: String,
    pub issuer: String,
    pub issued_on: Option<NaiveDate>,
}

impl Passport {
    /// Series and number when the document has the Kyrgyz pattern.
    pub fn series_number(&self) -> Option<(&str, &str)> {
        let d = &self.document;
        if d.len() == 9
            && d.is_ascii()
            && d[..2].chars().all(|c| c.is_ascii_uppercase())
            && d[2..].chars().all(|c| c.is_ascii_digit())
        {
            Some((&d[..2], &d[2..]))
        } else {
            None
        }
    }

    /// The document as shown in lists: series and the last three digits.
    pub fn masked(&self) -> String {
        match self.series_number() {
            Some((s, n)) => format!("{s}****{}", &n[4..]),
            None => "*".repeat(self.document.chars().count().min(9)),
        }
    }
}

/// Normalises and checks a document string. `ID 1234567`, `id1234567` → `ID1234567`.
/// Anything else is kept as a foreign document, with a warning.
pub fn parse_passport(
    doc: &str,
    today: NaiveDate,
    issued_on: Option<NaiveDate>,
) -> Result<(Passport, Vec<FieldWarning>), FieldError> {
    let trimmed = doc.trim();
    if trimmed.is_empty() {
        return Err(field_error("passport", crate::msg!("message.empty")));
    }
    super::validation::check_line("passport", trimmed)?;
    let compact: String = trimmed.chars().filter(|c| !c.is_whitespace() && *c != '-').collect();
    let upper = compact.to_ascii_uppercase();
    let mut warnings = Vec::new();
    let kg_pattern = upper.len() == 9
        && upper.is_ascii()
        && upper[..2].chars().all(|c| c.is_ascii_uppercase())
        && upper[2..].chars().all(|c| c.is_ascii_digit());
    let document = if kg_pattern {
        match &upper[..2] {
            "ID" | "AC" => {}
            "AN" => warnings.push(warning("passport", crate::msg!("message.series_an"))),
            other => {
                warnings.push(warning("passport", crate::msg!("message.series_unknown", series = other)));
            }
        }
        upper
    } else {
        warnings.push(warning("passport", crate::msg!("message.passport_foreign")));
        trimmed.to_string()
    };
    if let Some(d) = issued_on
        && d > today
    {
        return Err(field_error("passport_issued", crate::msg!("message.issue_future")));
    }
    Ok((Passport { document, issuer: String::new(), issued_on }, warnings))
}

/// A very small e-mail check: something@something.tld, no spaces.
pub fn validate_email(email: &str) -> Result<(), FieldError> {
    super::validation::check_line("email", email)?;
    let ok = email.len() <= 254
        && !email.chars().any(char::is_whitespace)
        && email.split_once('@').is_some_and(|(local, domain)| {
            !local.is_empty() && domain.contains('.') && !domain.starts_with('.') && !domain.ends_with('.')
        });
    if ok { Ok(()) } else { Err(field_error("email", crate::msg!("message.email"))) }
}

/// Phone numbers: digits with optional `+`, spaces, dashes and brackets; 6 to 15 digits.
pub fn validate_phone(phone: &str) -> Result<(), FieldError> {
    let digits = phone.chars().filter(char::is_ascii_digit).count();
    let allowed = phone.chars().all(|c| c.is_ascii_digit() || " +-()".contains(c));
    if allowed && (6..=15).contains(&digits) {
        Ok(())
    } else {
        Err(field_error("phone", crate::msg!("message.phone")))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }
    const TODAY: &str = "2026-11-24";

    #[test]
    fn pin_hard_rules() {
        for bad in ["", "1234567890123", "123456789012345", "1234567890123a", "１２３４５６７８９０１２３４"]
        {
            let e = validate_pin(bad, None, d(TODAY)).unwrap_err();
            assert_eq!(e.field, "pin", "{bad}");
        }
    }

    #[test]
    fn pin_soft_warnings() {
        let today = d(TODAY);
        let cases: [(&str, Option<&str>, usize, &str); 6] = [
            ("21503199012345", None, 0, "valid male PIN, 15.03.1990"),
            ("11503199012345", Some("1990-03-15"), 0, "birth date matches"),
            ("31503199012345", None, 1, "first digit 3"),
            ("21513199012345", None, 1, "month 13 is not a date"),
            ("21503209912345", None, 1, "year 2099 in the future"),
            ("21503199012345", Some("1990-03-16"), 1, "birth date differs"),
        ];
        for (pin, birth, n, why) in cases {
            let w = validate_pin(pin, birth.map(d), today).unwrap();
            assert_eq!(w.len(), n, "{why}: {w:?}");
        }
        assert_eq!(pin_birth_date("21503199012345"), Some(d("1990-03-15")));
    }

    #[test]
    fn masking() {
        assert_eq!(mask_pin("21503199012345"), "**********2345");
        assert_eq!(mask_pin("123"), "***");
        let (p, _) = parse_passport("ID 1234567", d(TODAY), None).unwrap();
        assert_eq!(p.masked(), "ID****567");
    }

    #[test]
    fn passports() {
        let today = d(TODAY);
        let (p, w) = parse_passport("id1234567", today, None).unwrap();
        assert_eq!(p.document, "ID1234567");
        assert!(w.is_empty());
        let (_, w) = parse_passport("AN 1234567", today, None).unwrap();
        assert_eq!(w.len(), 1, "withdrawn series warns");
        let (_, w) = parse_passport("ZZ1234567", today, None).unwrap();
        assert_eq!(w.len(), 1, "unknown series warns");
        let (p, w) = parse_passport("Reisepass C01X00T47", today, None).unwrap();
        assert_eq!(p.document, "Reisepass C01X00T47");
        assert_eq!(w.len(), 1, "foreign document warns, is kept");
        assert!(parse_passport("  ", today, None).is_err());
        assert!(parse_passport("ID1234567", today, Some(d("2027-01-01"))).is_err());
    }

    #[test]
    fn email_and_phone() {
        assert!(validate_email("aigul.test@example.kg").is_ok());
        for bad in ["", "a@b", "no at.kg", "@example.kg", "a@.kg"] {
            assert!(validate_email(bad).is_err(), "{bad}");
        }
        assert!(validate_phone("+996 (555) 12-34-56").is_ok());
        assert!(validate_phone("12").is_err());
        assert!(validate_phone("call me").is_err());
    }
}

#[cfg(test)]
mod gender_tests {
    use super::*;

    #[test]
    fn gender_only_from_a_valid_pin() {
        assert_eq!(pin_gender("11503199012345"), Some(PinGender::Female));
        assert_eq!(pin_gender("21503199012345"), Some(PinGender::Male));
        assert_eq!(pin_gender("31503199012345"), None, "first digit not 1/2");
        assert_eq!(pin_gender("12345678901234"), None, "digits 2–9 not a date");
        assert_eq!(pin_gender("2150319901234"), None, "13 digits");
        assert_eq!(pin_gender("2150319901234x"), None);
    }
}
