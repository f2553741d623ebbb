//! Conversions between SQL rows and domain values.

use chrono::NaiveDate;
use rusqlite::Row;

use crate::domain::identity::Passport;
use crate::domain::kind::parse_code_list;
use crate::domain::request::{Pause, RequestId, Subject, SubjectRequest};

/// Columns of `requests` in the order [`request_from_row`] reads them.
pub(super) const REQUEST_COLUMNS: &str = "requests.id, requests.ref, requests.kind, requests.status, \
    requests.channel, requests.lang, requests.received_on, requests.registered_on, requests.identity, \
    requests.categories, requests.description, requests.subject_name, requests.subject_pin, \
    requests.birth_date, requests.passport_doc, requests.passport_issuer, requests.passport_issued, \
    requests.address, requests.email, requests.phone, requests.assignee, requests.due_on, requests.outcome, \
    requests.ground, requests.responded_on, requests.response_text, requests.response_channel, \
    requests.closed_on, requests.paused_since, requests.pause_category, requests.pause_reason, \
    requests.extensions, requests.paused_days, requests.version, requests.office";

fn corrupt(col: usize, what: impl std::fmt::Display) -> rusqlite::Error {
    rusqlite::Error::FromSqlConversionFailure(col, rusqlite::types::Type::Text, what.to_string().into())
}

/// Reads a code column into its enum.
pub(super) fn code<T: std::str::FromStr>(row: &Row<'_>, col: usize) -> rusqlite::Result<T>
where
    T::Err: std::fmt::Display,
{
    let s: String = row.get(col)?;
    s.parse().map_err(|e| corrupt(col, e))
}

fn opt_code<T: std::str::FromStr>(row: &Row<'_>, col: usize) -> rusqlite::Result<Option<T>>
where
    T::Err: std::fmt::Display,
{
    match row.get::<_, Option<String>>(col)? {
        Some(s) => s.parse().map(Some).map_err(|e| corrupt(col, e)),
        None => Ok(None),
    }
}

/// A stored date. The form aryz writes (`2026-11-24`) is read without chrono's parser,
/// which was a tenth of a large export; anything else goes through it as before.
pub(super) fn date(row: &Row<'_>, col: usize) -> rusqlite::Result<NaiveDate> {
    match row.get_ref(col)? {
        rusqlite::types::ValueRef::Text(t) => iso_date(t).map_or_else(|| row.get(col), Ok),
        _ => row.get(col),
    }
}

/// [`date`] of a column that may be NULL.
pub(super) fn opt_date(row: &Row<'_>, col: usize) -> rusqlite::Result<Option<NaiveDate>> {
    match row.get_ref(col)? {
        rusqlite::types::ValueRef::Null => Ok(None),
        rusqlite::types::ValueRef::Text(t) => iso_date(t).map_or_else(|| row.get(col), |d| Ok(Some(d))),
        _ => row.get(col),
    }
}

/// `YYYY-MM-DD` exactly, a valid date; `None` for anything else.
fn iso_date(b: &[u8]) -> Option<NaiveDate> {
    let [y1, y2, y3, y4, b'-', m1, m2, b'-', d1, d2] = *b else { return None };
    let digit = |c: u8| c.is_ascii_digit().then(|| u32::from(c - b'0'));
    let year = ((digit(y1)? * 10 + digit(y2)?) * 10 + digit(y3)?) * 10 + digit(y4)?;
    let month = digit(m1)? * 10 + digit(m2)?;
    let day = digit(d1)? * 10 + digit(d2)?;
    NaiveDate::from_ymd_opt(i32::try_from(year).ok()?, month, day)
}

pub(super) fn request_from_row(r: &Row<'_>) -> rusqlite::Result<SubjectRequest> {
    let categories: String = r.get(9)?;
    let passport_doc: Option<String> = r.get(14)?;
    let passport = passport_doc.map(|document| -> rusqlite::Result<Passport> {
        Ok(Passport { document, issuer: r.get(15)?, issued_on: opt_date(r, 16)? })
    });
    let paused_since: Option<NaiveDate> = opt_date(r, 28)?;
    Ok(SubjectRequest {
        id: RequestId(r.get(0)?),
        reference: r.get(1)?,
        kind: code(r, 2)?,
        status: code(r, 3)?,
        channel: code(r, 4)?,
        lang: code(r, 5)?,
        received_on: date(r, 6)?,
        registered_on: date(r, 7)?,
        identity: code(r, 8)?,
        categories: parse_code_list(&categories).map_err(|e| corrupt(9, e))?,
        description: r.get(10)?,
        subject: Subject {
            name: r.get(11)?,
            pin: r.get(12)?,
            birth_date: opt_date(r, 13)?,
            passport: passport.transpose()?,
            address: r.get(17)?,
            email: r.get(18)?,
            phone: r.get(19)?,
        },
        assignee: r.get(20)?,
        due_on: date(r, 21)?,
        deadlines: Vec::new(),
        outcome: opt_code(r, 22)?,
        ground: r.get(23)?,
        responded_on: opt_date(r, 24)?,
        response_text: r.get(25)?,
        response_channel: opt_code(r, 26)?,
        actions: Vec::new(),
        closed_on: opt_date(r, 27)?,
        pause: match paused_since {
            Some(since) => Some(Pause {
                since,
                category: r.get::<_, Option<String>>(29)?.unwrap_or_default(),
                reason: r.get::<_, Option<String>>(30)?.unwrap_or_default(),
            }),
            None => None,
        },
        extensions: r.get(31)?,
        paused_days: r.get(32)?,
        version: r.get(33)?,
        office: r.get(34)?,
    })
}

#[cfg(test)]
mod tests {
    #[test]
    fn iso_dates_read_as_chrono_reads_them() {
        for text in ["2026-11-24", "2024-02-29", "0001-01-01", "9999-12-31"] {
            assert_eq!(super::iso_date(text.as_bytes()), text.parse().ok(), "{text}");
        }
        for text in ["2026-02-30", "2026-13-01", "2026-1-05", "26-11-24", "2026/11/24", "2026-11-2x", ""] {
            assert_eq!(super::iso_date(text.as_bytes()), None, "{text}");
        }
    }
}
