//! The subject request: what is registered at intake and what the store gives back.

use chrono::NaiveDate;
use serde::Serialize;

use super::calendar::Calendar;
use super::deadline::Deadline;
use super::identity::{Passport, validate_email, validate_phone, validate_pin};
use super::kind::{Channel, DataCategory, IdentityMethod, Language, RequestKind};
use super::outcome::{CategoryAction, Outcome};
use super::status::Status;
use super::validation::{FieldError, FieldWarning, MAX_TEXT, check_len, check_line, field_error, warning};
use crate::msg;

/// Database identity of a request (never shown; the reference is what people use).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
pub struct RequestId(pub i64);

/// The person whose data the request concerns.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Default)]
pub struct Subject {
    pub name: String,
    pub pin: String,
    pub birth_date: Option<NaiveDate>,
    pub passport: Option<Passport>,
    pub address: String,
    pub email: String,
    pub phone: String,
}

/// Who made the request on the subject's behalf: an authorised representative (their power
/// of attorney is kept as an attachment). Letters are addressed to them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Default)]
pub struct Representative {
    pub name: String,
    /// The document they act under (power of attorney number and date, or the like).
    pub document: String,
    pub address: String,
    pub email: String,
    pub phone: String,
}

impl Representative {
    /// Hard checks: a name, one-line fields, a valid e-mail and phone when given.
    pub fn validate(&self) -> Result<(), FieldError> {
        if self.name.trim().is_empty() {
            return Err(field_error("representative", msg!("message.representative_name")));
        }
        check_line("representative", &self.name)?;
        check_line("representative_document", &self.document)?;
        check_line("representative_address", &self.address)?;
        if !self.email.is_empty() {
            validate_email(&self.email).map_err(|e| field_error("representative_email", e.rule))?;
        }
        if !self.phone.is_empty() {
            validate_phone(&self.phone).map_err(|e| field_error("representative_phone", e.rule))?;
        }
        Ok(())
    }
}

/// A request as entered at intake, before it has a reference.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct NewRequest {
    pub kind: RequestKind,
    pub channel: Channel,
    pub lang: Language,
    pub received_on: NaiveDate,
    pub identity: IdentityMethod,
    pub categories: Vec<DataCategory>,
    pub description: String,
    pub subject: Subject,
    /// The representative who made the request, if not the subject.
    pub representative: Option<Representative>,
    /// The office it is registered in (an office id). `None`: the registering operator's
    /// office; another only as a head-office supervisor or an administrator chooses. The
    /// service resolves it before the store writes the request.
    #[serde(skip)]
    pub office: Option<i64>,
}

/// How many days before registration a receipt date is taken for a likely typo.
pub const OLD_RECEIPT_DAYS: i64 = 60;

impl NewRequest {
    /// Hard checks (the first error found) and soft warnings, as of `today`, for a request
    /// registered on `registered_on`.
    pub fn validate(
        &self,
        today: NaiveDate,
        registered_on: NaiveDate,
        cal: &Calendar,
    ) -> Result<Vec<FieldWarning>, FieldError> {
        let s = &self.subject;
        if s.name.trim().is_empty() {
            return Err(field_error("name", crate::msg!("message.required")));
        }
        check_line("name", &s.name)?;
        let mut warnings = validate_pin(&s.pin, s.birth_date, today)?;
        if self.received_on > today {
            return Err(field_error("received", crate::msg!("message.future")));
        }
        if self.received_on < NaiveDate::from_ymd_opt(2000, 1, 1).unwrap_or(NaiveDate::MIN) {
            return Err(field_error("received", crate::msg!("message.before_2000")));
        }
        if let Some(b) = s.birth_date {
            if b > today {
                return Err(field_error("birth_date", crate::msg!("message.future")));
            }
            if b < NaiveDate::from_ymd_opt(1900, 1, 1).unwrap_or(NaiveDate::MIN) {
                return Err(field_error("birth_date", crate::msg!("message.before_1900")));
            }
        }
        if !s.email.is_empty() {
            validate_email(&s.email)?;
        }
        if !s.phone.is_empty() {
            validate_phone(&s.phone)?;
        }
        check_line("address", &s.address)?;
        check_len("description", &self.description, MAX_TEXT)?;
        if let Some(p) = &s.passport {
            check_line("passport_issuer", &p.issuer)?;
        }
        // Law 67: registration within one working day of receipt.
        if cal.working_days_between(self.received_on, registered_on) > 1 {
            warnings.push(warning("received", crate::msg!("message.late_registration")));
        }
        if let Some(rep) = &self.representative {
            rep.validate()?;
        }
        if self.kind.acts_on_categories() && self.categories.is_empty() {
            warnings.push(warning("category", crate::msg!("message.no_category")));
        }
        Ok(warnings)
    }
}

/// A pause of the clock while waiting on the subject (only when the rules allow it).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Pause {
    pub since: NaiveDate,
    pub category: String,
    pub reason: String,
}

/// A registered request as stored.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SubjectRequest {
    #[serde(skip)]
    pub id: RequestId,
    #[serde(rename = "ref")]
    pub reference: String,
    pub kind: RequestKind,
    pub status: Status,
    pub channel: Channel,
    pub lang: Language,
    pub received_on: NaiveDate,
    pub registered_on: NaiveDate,
    pub identity: IdentityMethod,
    pub categories: Vec<DataCategory>,
    pub description: String,
    pub subject: Subject,
    pub assignee: Option<String>,
    /// The binding deadline, as stored (moved only by extensions and pauses, with events).
    pub due_on: NaiveDate,
    pub deadlines: Vec<Deadline>,
    pub outcome: Option<Outcome>,
    pub ground: Option<String>,
    pub responded_on: Option<NaiveDate>,
    pub response_text: String,
    pub response_channel: Option<Channel>,
    pub actions: Vec<(DataCategory, CategoryAction)>,
    pub closed_on: Option<NaiveDate>,
    pub pause: Option<Pause>,
    pub extensions: u32,
    pub paused_days: u32,
    /// Incremented on every change: a save based on an older version is a conflict.
    pub version: i64,
    /// The office the request belongs to (an office id; see `model::Office`).
    #[serde(skip)]
    pub office: i64,
}

impl SubjectRequest {
    pub fn is_open(&self) -> bool {
        self.status.is_open()
    }

    /// Days left to the binding deadline as of `today`; while paused, the clock stands still
    /// at the day the pause began.
    pub fn days_left(&self, today: NaiveDate) -> i64 {
        let as_of = match &self.pause {
            Some(p) => p.since.min(today),
            None => today,
        };
        super::deadline::days_left(self.due_on, as_of)
    }

    /// Any open request past its binding deadline is overdue, whatever its status
    /// (a request paused before its due day is not).
    pub fn is_overdue(&self, today: NaiveDate) -> bool {
        self.is_open() && self.days_left(today) < 0
    }

    /// Was it answered by its binding deadline?
    pub fn answered_in_time(&self) -> Option<bool> {
        self.responded_on.map(|r| r <= self.due_on)
    }
}

/// A reference `ARZ-YYYY-NNNNNN`.
pub fn format_reference(year: i32, seq: i64) -> String {
    format!("ARZ-{year:04}-{seq:06}")
}

/// Parses a reference, accepting lower case and surrounding spaces.
pub fn parse_reference(s: &str) -> Result<String, FieldError> {
    let t = s.trim().to_ascii_uppercase();
    let ok = t.len() == 15
        && t.is_ascii()
        && t.starts_with("ARZ-")
        && t[4..8].chars().all(|c| c.is_ascii_digit())
        && &t[8..9] == "-"
        && t[9..].chars().all(|c| c.is_ascii_digit());
    if ok { Ok(t) } else { Err(field_error("ref", crate::msg!("message.not_a_reference", text = s.trim()))) }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }

    fn sample() -> NewRequest {
        NewRequest {
            kind: RequestKind::Access,
            channel: Channel::SalykApp,
            lang: Language::Ky,
            received_on: d("2026-11-23"),
            identity: IdentityMethod::ESignature,
            categories: vec![DataCategory::Income],
            description: String::new(),
            subject: Subject {
                name: "Test Subject".into(),
                pin: "21503199012345".into(),
                ..Subject::default()
            },
            representative: None,
            office: None,
        }
    }

    #[test]
    fn intake_validation() {
        let cal = Calendar::shipped();
        let today = d("2026-11-24");
        assert!(sample().validate(today, today, &cal).unwrap().is_empty());
        let mut r = sample();
        r.received_on = d("2026-11-25");
        assert_eq!(r.validate(today, today, &cal).unwrap_err().field, "received");
        let mut r = sample();
        r.subject.name = "  ".into();
        assert_eq!(r.validate(today, today, &cal).unwrap_err().field, "name");
        let mut r = sample();
        r.subject.email = "nope".into();
        assert_eq!(r.validate(today, today, &cal).unwrap_err().field, "email");
        let mut r = sample();
        r.received_on = d("2026-11-18");
        let w = r.validate(today, today, &cal).unwrap();
        assert_eq!(w[0].field, "received", "late registration warns");
    }

    #[test]
    fn references() {
        assert_eq!(format_reference(2026, 123), "ARZ-2026-000123");
        assert_eq!(parse_reference(" arz-2026-000123 ").unwrap(), "ARZ-2026-000123");
        assert!(parse_reference("ARZ-26-1").is_err());
        assert!(parse_reference("ARZ-2026-00012X").is_err());
        assert!(parse_reference("ARZ-2026-000123-").is_err());
    }
}
