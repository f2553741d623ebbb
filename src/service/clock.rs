//! "Today" is the office's local date (UTC+06:00 by default), never the UTC date.

use chrono::{FixedOffset, NaiveDate, Offset, Utc};

use super::{Error, Result};

#[derive(Debug, Clone)]
pub struct Clock {
    offset: FixedOffset,
    fixed_today: Option<NaiveDate>,
}

impl Clock {
    pub fn new(offset: FixedOffset, fixed_today: Option<NaiveDate>) -> Clock {
        Clock { offset, fixed_today }
    }

    /// A clock stopped on `today`, for tests and demos.
    pub fn fixed(today: NaiveDate) -> Clock {
        Clock {
            // +06:00 is a valid offset: `east_opt` only refuses offsets of a day or more.
            offset: FixedOffset::east_opt(6 * 3600).unwrap_or_else(|| Utc.fix()),
            fixed_today: Some(today),
        }
    }

    /// The office's offset from UTC.
    pub fn offset(&self) -> FixedOffset {
        self.offset
    }

    pub fn today(&self) -> NaiveDate {
        self.fixed_today.unwrap_or_else(|| Utc::now().with_timezone(&self.offset).date_naive())
    }

    /// Timestamp of events and audit entries, in the office's offset.
    pub fn now_string(&self) -> String {
        let now = Utc::now().with_timezone(&self.offset);
        match self.fixed_today {
            // Keep the time of day but move the date, so fixed-date sessions stay ordered.
            Some(d) => format!("{}T{}", d, now.format("%H:%M:%S%:z")),
            None => now.format("%Y-%m-%dT%H:%M:%S%:z").to_string(),
        }
    }
}

/// `ARYZ_TODAY=YYYY-MM-DD` fixes the date; honoured only on `--dev-identity` databases.
pub fn env_today() -> Result<Option<NaiveDate>> {
    match std::env::var("ARYZ_TODAY") {
        Ok(s) if !s.trim().is_empty() => {
            crate::domain::format::parse_date("ARYZ_TODAY", &s).map(Some).map_err(Error::from)
        }
        _ => Ok(None),
    }
}
