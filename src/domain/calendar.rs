//! The working-day calendar: weekends plus dated entries (holidays, extra days off, working
//! days) that are data, shipped in `assets/calendar/` and added to by an administrator.

use std::collections::BTreeMap;

use chrono::{Datelike, Days, NaiveDate, Weekday};
use serde::{Deserialize, Serialize};

use crate::code_enum;

code_enum!(
    /// What a dated calendar entry does to that day.
    DayKind, "kind" {
        Holiday => "holiday",
        ExtraDayOff => "extra_day_off",
        WorkingDay => "working_day",
    }
);

/// One dated entry of the calendar.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CalendarEntry {
    pub date: NaiveDate,
    pub kind: DayKind,
    pub name: String,
    #[serde(default)]
    pub basis: String,
    #[serde(default)]
    pub applies_to: String,
    #[serde(default)]
    pub confidence: String,
    #[serde(default)]
    pub source: String,
}

/// The file format of `assets/calendar/*.toml`: entries, each for one day or a range.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct CalendarFile {
    #[serde(default)]
    entry: Vec<FileEntry>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct FileEntry {
    date: NaiveDate,
    /// Last day of a range of days with the same meaning (e.g. 1–7 January).
    until: Option<NaiveDate>,
    kind: DayKind,
    name: String,
    #[serde(default)]
    basis: String,
    #[serde(default)]
    applies_to: String,
    #[serde(default)]
    confidence: String,
    #[serde(default)]
    source: String,
}

/// The calendar shipped with aryz.
pub const SHIPPED_CALENDAR: &str = include_str!("../../assets/calendar/kg.toml");

/// Parses a calendar file into its entries; the error names the line.
pub fn parse_calendar(text: &str) -> Result<Vec<CalendarEntry>, String> {
    let file: CalendarFile = toml::from_str(text).map_err(|e| e.to_string())?;
    let mut out = Vec::new();
    for e in file.entry {
        let last = e.until.unwrap_or(e.date);
        if last < e.date {
            return Err(format!("calendar entry {}: 'until' is before 'date'", e.date));
        }
        if (last - e.date).num_days() > 366 {
            return Err(format!("calendar entry {}: range longer than a year", e.date));
        }
        let mut day = e.date;
        while day <= last {
            out.push(CalendarEntry {
                date: day,
                kind: e.kind,
                name: e.name.clone(),
                basis: e.basis.clone(),
                applies_to: e.applies_to.clone(),
                confidence: e.confidence.clone(),
                source: e.source.clone(),
            });
            day = day.succ_opt().ok_or("calendar date out of range")?;
        }
    }
    Ok(out)
}

/// Weekends plus dated entries. Later entries for the same date override earlier ones, so
/// the database's entries (added by an administrator) override the shipped file.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Calendar {
    entries: BTreeMap<NaiveDate, CalendarEntry>,
}

impl Calendar {
    pub fn new(entries: impl IntoIterator<Item = CalendarEntry>) -> Calendar {
        let mut cal = Calendar::default();
        cal.extend(entries);
        cal
    }

    /// The shipped calendar alone.
    pub fn shipped() -> Calendar {
        Calendar::new(parse_calendar(SHIPPED_CALENDAR).unwrap_or_default())
    }

    pub fn extend(&mut self, entries: impl IntoIterator<Item = CalendarEntry>) {
        for e in entries {
            self.entries.insert(e.date, e);
        }
    }

    pub fn entry(&self, date: NaiveDate) -> Option<&CalendarEntry> {
        self.entries.get(&date)
    }

    pub fn entries_between(&self, from: NaiveDate, to: NaiveDate) -> impl Iterator<Item = &CalendarEntry> {
        self.entries.range(from..=to).map(|(_, e)| e)
    }

    pub fn is_weekend(date: NaiveDate) -> bool {
        matches!(date.weekday(), Weekday::Sat | Weekday::Sun)
    }

    pub fn is_working_day(&self, date: NaiveDate) -> bool {
        match self.entries.get(&date).map(|e| e.kind) {
            Some(DayKind::WorkingDay) => true,
            Some(DayKind::Holiday | DayKind::ExtraDayOff) => false,
            None => !Calendar::is_weekend(date),
        }
    }

    /// `date` itself if it is a working day, else the next working day.
    pub fn roll_forward(&self, date: NaiveDate) -> NaiveDate {
        let mut d = date;
        // A calendar can hold at most a few weeks of consecutive days off; the bound keeps a
        // corrupt calendar (every day a holiday) from looping forever.
        for _ in 0..400 {
            if self.is_working_day(d) {
                return d;
            }
            match d.succ_opt() {
                Some(n) => d = n,
                None => return d,
            }
        }
        d
    }

    /// The `n`-th working day after `start` (the day after `start` counts as the first if it
    /// is a working day). Returns the day and the non-working days skipped on the way.
    pub fn add_working_days(&self, start: NaiveDate, n: u32) -> (NaiveDate, Vec<NaiveDate>) {
        let mut d = start;
        let mut counted = 0;
        let mut skipped = Vec::new();
        while counted < n {
            match d.succ_opt() {
                Some(next) => d = next,
                None => break,
            }
            if self.is_working_day(d) {
                counted += 1;
            } else {
                skipped.push(d);
            }
        }
        (d, skipped)
    }

    /// Working days in `(from, to]`; zero when `to <= from`.
    pub fn working_days_between(&self, from: NaiveDate, to: NaiveDate) -> i64 {
        let mut n = 0;
        let mut d = from;
        while d < to {
            match d.succ_opt() {
                Some(next) => d = next,
                None => break,
            }
            if self.is_working_day(d) {
                n += 1;
            }
        }
        n
    }

    /// Non-working days of one month (weekends and dated entries), with their reason.
    pub fn non_working_days(&self, year: i32, month: u32) -> Vec<(NaiveDate, Option<&CalendarEntry>)> {
        month_days(year, month)
            .filter(|d| !self.is_working_day(*d))
            .map(|d| (d, self.entries.get(&d)))
            .collect()
    }

    pub fn working_days_in_month(&self, year: i32, month: u32) -> usize {
        month_days(year, month).filter(|d| self.is_working_day(*d)).count()
    }
}

/// Every day of a month; empty for an impossible month.
pub fn month_days(year: i32, month: u32) -> impl Iterator<Item = NaiveDate> {
    let first = NaiveDate::from_ymd_opt(year, month, 1);
    let mut day = first;
    std::iter::from_fn(move || {
        let d = day?;
        if Some(d.month()) != first.map(|f| f.month()) {
            return None;
        }
        day = d.checked_add_days(Days::new(1));
        Some(d)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }

    #[test]
    fn shipped_calendar_has_the_known_days() {
        let cal = Calendar::shipped();
        for day in [
            "2026-01-01",
            "2026-01-07",
            "2026-01-08",
            "2026-01-09",
            "2026-03-20",
            "2026-05-01",
            "2026-05-08",
            "2026-08-31",
            "2025-03-21",
            "2025-06-06",
        ] {
            assert!(!cal.is_working_day(d(day)), "{day} should be a day off");
        }
        for day in ["2026-02-23", "2026-04-07", "2026-11-09", "2026-01-12"] {
            assert!(cal.is_working_day(d(day)), "{day} should be a working day");
        }
        assert_eq!(cal.entry(d("2026-01-08")).unwrap().kind, DayKind::ExtraDayOff);
    }

    #[test]
    fn working_day_entry_overrides_weekend() {
        let mut cal = Calendar::shipped();
        assert!(!cal.is_working_day(d("2026-12-05")));
        cal.extend([CalendarEntry {
            date: d("2026-12-05"),
            kind: DayKind::WorkingDay,
            name: "Transferred working day".into(),
            basis: String::new(),
            applies_to: String::new(),
            confidence: String::new(),
            source: String::new(),
        }]);
        assert!(cal.is_working_day(d("2026-12-05")));
    }

    #[test]
    fn roll_and_add_working_days() {
        let cal = Calendar::shipped();
        // Saturday 21.03.2026 (Nooruz) → Monday 23.03.
        assert_eq!(cal.roll_forward(d("2026-03-21")), d("2026-03-23"));
        // Thursday 31.12.2026 + 1 working day → Friday 01.01 is a holiday; 01–09.01 off;
        // 10–11.01 weekend → Monday 12.01.2027 is not in the shipped data, so the 2027
        // holidays are unknown: only weekends apply beyond 2026.
        let (end, skipped) = cal.add_working_days(d("2025-12-31"), 1);
        assert_eq!(end, d("2026-01-12"));
        assert_eq!(skipped.len(), 11);
        assert_eq!(cal.working_days_between(d("2026-03-16"), d("2026-03-23")), 4);
    }

    #[test]
    fn month_helpers() {
        let cal = Calendar::shipped();
        assert_eq!(month_days(2026, 2).count(), 28);
        assert_eq!(month_days(2024, 2).count(), 29);
        assert_eq!(month_days(2026, 13).count(), 0);
        // January 2026: 31 days, 9 weekend days, 1–9 Jan off of which 7 on weekdays.
        assert_eq!(cal.working_days_in_month(2026, 1), 31 - 9 - 7);
    }

    #[test]
    fn bad_calendar_files_name_the_problem() {
        assert!(parse_calendar("[[entry]]\ndate = \"2026-01-01\"\nkind = \"party\"\nname = \"x\"").is_err());
        assert!(
            parse_calendar(
                "[[entry]]\ndate = \"2026-01-05\"\nuntil = \"2026-01-01\"\nkind = \"holiday\"\nname = \"x\""
            )
            .is_err()
        );
    }
}
