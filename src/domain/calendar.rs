//! The working-day calendar: weekends, the fixed-date holidays of a Labour Code generated
//! for every year its rules are valid for, and dated entries (movable holidays, Cabinet
//! decrees, working Saturdays) that are data, shipped in `assets/calendar/` and added to by
//! an administrator. Every fact carries a confidence; a period that reaches a day that is
//! not confirmed, or a year the data does not cover, is uncertain and says why.

use std::collections::{BTreeMap, BTreeSet};
use std::sync::OnceLock;

use chrono::{Datelike, Days, NaiveDate, Weekday};
use serde::{Deserialize, Serialize};

use super::format::date_wd;
use crate::code_enum;

code_enum!(
    /// What a dated calendar entry does to that day.
    DayKind, "kind" {
        Holiday => "holiday",
        ExtraDayOff => "extra_day_off",
        WorkingDay => "working_day",
    }
);

/// How sure the data is of a day: `confirmed` (with a source), `expected` (a forecast, such
/// as the astronomical date of an Ait) or `unverified` (from memory, not checked).
pub const CONFIDENCES: [&str; 3] = ["confirmed", "expected", "unverified"];

/// Years outside this range have no generated days: a deadline reaching them is provisional.
pub const FIRST_YEAR: i32 = 1990;
pub const LAST_YEAR: i32 = 2100;

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

impl CalendarEntry {
    /// Confirmed by a source. `verified` is how databases before the confidence field was
    /// checked stamped every administrator's entry; it is read as confirmed.
    pub fn is_confirmed(&self) -> bool {
        matches!(self.confidence.as_str(), "confirmed" | "verified")
    }
}

/// The file format of `assets/calendar/*.toml`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct CalendarFile {
    /// Names of the holidays whose dates are announced each year.
    #[serde(default)]
    movable: Vec<String>,
    #[serde(default)]
    fixed: Vec<FixedRule>,
    #[serde(default)]
    entry: Vec<FileEntry>,
}

/// A fixed-date holiday of a Labour Code (one day, or `day` … `until_day` of one month),
/// valid from `from_year` to `to_year` (open when absent).
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FixedRule {
    pub month: u32,
    pub day: u32,
    pub until_day: Option<u32>,
    pub kind: DayKind,
    pub name: String,
    #[serde(default)]
    pub basis: String,
    #[serde(default = "all")]
    pub applies_to: String,
    pub from_year: i32,
    pub to_year: Option<i32>,
    /// The previous Code: a holiday on a weekend gives a day off on the next working day.
    #[serde(default)]
    pub weekend_transfer: bool,
    pub confidence: String,
    #[serde(default)]
    pub source: String,
}

fn all() -> String {
    "all".into()
}

impl FixedRule {
    pub fn valid_in(&self, year: i32) -> bool {
        year >= self.from_year && self.to_year.is_none_or(|t| year <= t)
    }

    fn entries(&self, year: i32) -> Vec<CalendarEntry> {
        (self.day..=self.until_day.unwrap_or(self.day))
            .filter_map(|d| NaiveDate::from_ymd_opt(year, self.month, d))
            .map(|date| CalendarEntry {
                date,
                kind: self.kind,
                name: self.name.clone(),
                basis: self.basis.clone(),
                applies_to: self.applies_to.clone(),
                confidence: self.confidence.clone(),
                source: self.source.clone(),
            })
            .collect()
    }
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

/// A reason for `aryz check` to fail on the calendar.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "problem", rename_all = "snake_case")]
pub enum CalendarProblem {
    /// A year the next 60 days reach without data (fixed rules or a movable holiday).
    Gap { year: i32, reason: String },
    /// A day within 30 days that is not confirmed.
    Unconfirmed(CalendarEntry),
}

/// The calendar shipped with aryz.
pub const SHIPPED_CALENDAR: &str = include_str!("../../assets/calendar/kg.toml");

fn check_confidence(what: &str, c: &str) -> Result<(), String> {
    if CONFIDENCES.contains(&c) {
        Ok(())
    } else {
        Err(format!("{what}: confidence must be one of {} (found '{c}')", CONFIDENCES.join(", ")))
    }
}

fn parse_file(text: &str) -> Result<CalendarFile, String> {
    let file: CalendarFile = toml::from_str(text).map_err(|e| e.to_string())?;
    for f in &file.fixed {
        let what = format!("fixed rule '{}'", f.name);
        let last = f.until_day.unwrap_or(f.day);
        if !(1..=12).contains(&f.month) || f.day == 0 || last < f.day || last > 31 {
            return Err(format!("{what}: month, day or until_day out of range"));
        }
        if f.to_year.is_some_and(|t| t < f.from_year) {
            return Err(format!("{what}: to_year is before from_year"));
        }
        check_confidence(&what, &f.confidence)?;
    }
    for e in &file.entry {
        check_confidence(&format!("calendar entry {}", e.date), &e.confidence)?;
    }
    Ok(file)
}

fn dated_entries(file: &CalendarFile) -> Result<Vec<CalendarEntry>, String> {
    let mut out = Vec::new();
    for e in &file.entry {
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

/// Parses a calendar file into its dated entries plus one instance of each fixed rule (in
/// its first valid year), so every name the file can produce is listed; the error names
/// the entry or rule.
pub fn parse_calendar(text: &str) -> Result<Vec<CalendarEntry>, String> {
    let file = parse_file(text)?;
    let mut out = dated_entries(&file)?;
    for f in &file.fixed {
        out.extend(f.entries(f.from_year.clamp(FIRST_YEAR, LAST_YEAR)));
    }
    Ok(out)
}

/// Weekends, generated fixed-date days and dated entries. Dated entries override generated
/// days, and later dated entries override earlier ones, so the database's entries (added
/// by an administrator) override the shipped file.
///
/// The fixed-date days of a year are generated the first time a date of that year is asked
/// for (a deadline reaches one or two years; generating all of 1990–2100 at start-up took
/// milliseconds of every process's start). The result is the same as generating every year
/// at once (test `lazy_years_equal_every_year_generated_at_once`).
#[derive(Debug, Clone, Default)]
pub struct Calendar {
    entries: BTreeMap<NaiveDate, CalendarEntry>,
    /// The generated days of each year from [`FIRST_YEAR`] to `LAST_YEAR + 1` (the year
    /// after takes the days moved out of the last one), each generated on first use.
    years: Box<[OnceLock<BTreeMap<NaiveDate, CalendarEntry>>]>,
    /// Generated days an administrator removed.
    removed: BTreeSet<NaiveDate>,
    fixed: Vec<FixedRule>,
    movable: Vec<String>,
}

/// Equal when they give the same answers: the same data, whichever years were generated.
impl PartialEq for Calendar {
    fn eq(&self, other: &Calendar) -> bool {
        self.entries == other.entries
            && self.removed == other.removed
            && self.fixed == other.fixed
            && self.movable == other.movable
            && self.years.len() == other.years.len()
    }
}

/// The fixed-date days that `rules` give in `year` (not yet keyed by the year they fall in:
/// a day moved off a weekend at the end of December falls in the next year).
fn year_days(rules: &[FixedRule], year: i32) -> Vec<CalendarEntry> {
    let mut days: BTreeMap<NaiveDate, (CalendarEntry, bool)> = BTreeMap::new();
    for f in rules.iter().filter(|f| f.valid_in(year)) {
        for e in f.entries(year) {
            days.insert(e.date, (e, f.weekend_transfer));
        }
    }
    // Under the previous Code a holiday on a weekend gave a day off on the next weekday
    // that is not itself a holiday (in date order, so two weekend holidays give two days).
    let mut moved: Vec<CalendarEntry> = Vec::new();
    for (date, (e, transfer)) in &days {
        if !*transfer || !Calendar::is_weekend(*date) || e.kind == DayKind::WorkingDay {
            continue;
        }
        let mut d = *date;
        while let Some(n) = d.succ_opt() {
            d = n;
            let taken = days.contains_key(&d) || moved.iter().any(|m| m.date == d);
            if !Calendar::is_weekend(d) && !taken {
                moved.push(CalendarEntry {
                    date: d,
                    kind: DayKind::ExtraDayOff,
                    name: e.name.clone(),
                    basis: format!("{}: moved from {}", e.basis, date_wd(*date)),
                    applies_to: e.applies_to.clone(),
                    confidence: e.confidence.clone(),
                    source: e.source.clone(),
                });
                break;
            }
        }
    }
    // Moved days after the year's own: a moved day overrides a day of the same date.
    days.into_values().map(|(e, _)| e).chain(moved).collect()
}

impl Calendar {
    /// A calendar of weekends and these dated entries only (no fixed rules, no years covered).
    pub fn new(entries: impl IntoIterator<Item = CalendarEntry>) -> Calendar {
        let mut cal = Calendar::default();
        cal.extend(entries);
        cal
    }

    /// Parses a whole calendar file: fixed rules (their days generated for each valid year
    /// when it is first asked for), dated entries, and the names of the movable holidays.
    pub fn parse(text: &str) -> Result<Calendar, String> {
        let file = parse_file(text)?;
        let mut cal = Calendar::new(dated_entries(&file)?);
        cal.movable = file.movable;
        cal.fixed = file.fixed;
        cal.years = (FIRST_YEAR..=LAST_YEAR + 1).map(|_| OnceLock::new()).collect();
        Ok(cal)
    }

    /// The shipped calendar alone.
    pub fn shipped() -> Calendar {
        // Parsed once per process, then copies (with the years generated so far).
        static SHIPPED: std::sync::OnceLock<Calendar> = std::sync::OnceLock::new();
        // The shipped file is tested to parse; an empty calendar would only follow a broken build.
        SHIPPED.get_or_init(|| Calendar::parse(SHIPPED_CALENDAR).unwrap_or_default()).clone()
    }

    /// The generated days falling in `year` (empty outside the years covered): that year's
    /// own days over those moved into it from the end of the year before, as generating the
    /// years in order into one map gives them.
    fn generated_year(&self, year: i32) -> Option<&BTreeMap<NaiveDate, CalendarEntry>> {
        let slot = self.years.get(usize::try_from(year - FIRST_YEAR).ok()?)?;
        Some(slot.get_or_init(|| {
            let mut map = BTreeMap::new();
            if year > FIRST_YEAR {
                for e in year_days(&self.fixed, year - 1) {
                    if e.date.year() == year {
                        map.insert(e.date, e);
                    }
                }
            }
            if year <= LAST_YEAR {
                for e in year_days(&self.fixed, year) {
                    if e.date.year() == year {
                        map.insert(e.date, e);
                    }
                }
            }
            map
        }))
    }

    /// The generated day of `date`, unless an administrator removed it.
    fn generated(&self, date: NaiveDate) -> Option<&CalendarEntry> {
        if self.removed.contains(&date) {
            return None;
        }
        self.generated_year(date.year())?.get(&date)
    }

    /// The generated days of `from..=to` (removed ones left out), in date order.
    fn generated_between(&self, from: NaiveDate, to: NaiveDate) -> impl Iterator<Item = &CalendarEntry> {
        let years = from.year().max(FIRST_YEAR)..=to.year().min(LAST_YEAR + 1);
        years
            .filter(move |_| from <= to)
            .filter_map(|y| self.generated_year(y))
            .flat_map(move |m| m.range(from..=to).map(|(_, e)| e))
            .filter(|e| !self.removed.contains(&e.date))
    }

    pub fn extend(&mut self, entries: impl IntoIterator<Item = CalendarEntry>) {
        for e in entries {
            self.entries.insert(e.date, e);
        }
    }

    /// Removes every entry of `date`, dated or generated, so that it is an ordinary day
    /// (an administrator's `calendar remove`). Returns whether anything was removed.
    pub fn remove(&mut self, date: NaiveDate) -> bool {
        let dated = self.entries.remove(&date).is_some();
        let generated = self.generated(date).is_some();
        if generated {
            self.removed.insert(date);
        }
        generated || dated
    }

    /// The entry that decides `date`: a dated one, else a generated one.
    pub fn entry(&self, date: NaiveDate) -> Option<&CalendarEntry> {
        self.entries.get(&date).or_else(|| self.generated(date))
    }

    /// Dated entries only (movable holidays, decrees, administrators' days).
    pub fn dated_between(&self, from: NaiveDate, to: NaiveDate) -> impl Iterator<Item = &CalendarEntry> {
        self.entries.range(from..=to).map(|(_, e)| e)
    }

    /// Every entry, dated or generated, of `from..=to`, in date order.
    pub fn entries_between(&self, from: NaiveDate, to: NaiveDate) -> Vec<&CalendarEntry> {
        let mut days: BTreeMap<NaiveDate, &CalendarEntry> =
            self.generated_between(from, to).map(|e| (e.date, e)).collect();
        days.extend(self.entries.range(from..=to).map(|(d, e)| (*d, e)));
        days.into_values().collect()
    }

    /// Dated entries that are not confirmed, from `from` on: what an administrator should confirm.
    pub fn unconfirmed_from(&self, from: NaiveDate) -> impl Iterator<Item = &CalendarEntry> {
        self.entries.range(from..).map(|(_, e)| e).filter(|e| !e.is_confirmed())
    }

    /// Why `year` is not covered: no fixed rules valid for it, or a movable holiday without
    /// a date in it. `None` when the data covers the year.
    pub fn coverage_gap(&self, year: i32) -> Option<String> {
        if !(FIRST_YEAR..=LAST_YEAR).contains(&year) || !self.fixed.iter().any(|f| f.valid_in(year)) {
            return Some(format!("no calendar data for {year}"));
        }
        let (first, last) = (NaiveDate::from_ymd_opt(year, 1, 1)?, NaiveDate::from_ymd_opt(year, 12, 31)?);
        let missing: Vec<&str> = self
            .movable
            .iter()
            .filter(|m| !self.dated_between(first, last).any(|e| e.name.eq_ignore_ascii_case(m)))
            .map(String::as_str)
            .collect();
        if missing.is_empty() {
            None
        } else {
            Some(format!("no date of {} for {year} in the calendar", missing.join(" or ")))
        }
    }

    /// Why a period counted over `(from, to]` is uncertain: a year the data does not cover,
    /// or a day in it (or within two days after it, as an announced Ait may differ from
    /// its forecast by a day) that is expected or unverified. `None` when all is confirmed.
    pub fn uncertainty(&self, from: NaiveDate, to: NaiveDate) -> Option<String> {
        for year in from.year()..=to.year() {
            if let Some(gap) = self.coverage_gap(year) {
                return Some(gap);
            }
        }
        let start = from.succ_opt()?;
        let end = to.checked_add_days(Days::new(2)).unwrap_or(to);
        if let Some(e) = self.dated_between(start, end).find(|e| !e.is_confirmed()) {
            return Some(format!(
                "{} {} {} on {}, not yet confirmed",
                e.name,
                e.date.year(),
                if e.confidence == "expected" { "expected" } else { "unverified" },
                date_wd(e.date)
            ));
        }
        // A generated day matters only on a weekday (or moved onto one).
        let generated = self.generated_between(start, to).find(|e| {
            !e.is_confirmed() && !Calendar::is_weekend(e.date) && !self.entries.contains_key(&e.date)
        });
        generated.map(|e| {
            format!("{} on {} is unverified (Labour Code list not checked)", e.name, date_wd(e.date))
        })
    }

    /// What `aryz check` reports as of `today`: a year without movable-holiday data within
    /// the next 60 days, and a day within the next 30 days still expected or unverified.
    pub fn problems_ahead(&self, today: NaiveDate) -> Vec<CalendarProblem> {
        let mut out = Vec::new();
        let in60 = today.checked_add_days(Days::new(60)).unwrap_or(today);
        for year in today.year()..=in60.year() {
            if let Some(reason) = self.coverage_gap(year) {
                out.push(CalendarProblem::Gap { year, reason });
            }
        }
        let in30 = today.checked_add_days(Days::new(30)).unwrap_or(today);
        for e in self.dated_between(today, in30).filter(|e| !e.is_confirmed()) {
            out.push(CalendarProblem::Unconfirmed(e.clone()));
        }
        out
    }

    pub fn is_weekend(date: NaiveDate) -> bool {
        matches!(date.weekday(), Weekday::Sat | Weekday::Sun)
    }

    pub fn is_working_day(&self, date: NaiveDate) -> bool {
        match self.entry(date).map(|e| e.kind) {
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
        month_days(year, month).filter(|d| !self.is_working_day(*d)).map(|d| (d, self.entry(d))).collect()
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

    /// Every year 1990–2100 generated in order into one map, as the calendar did at start-up
    /// before years were generated lazily: the reference the lazy years must equal.
    fn eager(cal: &Calendar) -> Calendar {
        let mut all: BTreeMap<NaiveDate, CalendarEntry> = BTreeMap::new();
        for year in FIRST_YEAR..=LAST_YEAR {
            for e in year_days(&cal.fixed, year) {
                all.insert(e.date, e);
            }
        }
        let mut out = cal.clone();
        out.years = (FIRST_YEAR..=LAST_YEAR + 1)
            .map(|y| {
                let year: BTreeMap<NaiveDate, CalendarEntry> =
                    all.iter().filter(|(d, _)| d.year() == y).map(|(d, e)| (*d, e.clone())).collect();
                OnceLock::from(year)
            })
            .collect();
        assert_eq!(all.values().filter(|e| e.date.year() > LAST_YEAR + 1).count(), 0);
        out
    }

    #[test]
    fn lazy_years_equal_every_year_generated_at_once() {
        let lazy = Calendar::shipped();
        let reference = eager(&Calendar::shipped());
        // Every day of every year covered, and the edges outside it.
        let (first, last) = (d("1989-12-01"), d("2102-01-31"));
        let mut day = first;
        while day <= last {
            assert_eq!(lazy.entry(day), reference.entry(day), "{day}");
            assert_eq!(lazy.is_working_day(day), reference.is_working_day(day), "{day}");
            day = day.succ_opt().unwrap();
        }
        assert_eq!(lazy.entries_between(first, last), reference.entries_between(first, last));
        // The previous Code's transfers exist (a weekend holiday moved to a weekday), so the
        // comparison covers moved days, including across a new year.
        assert!(reference.entries_between(first, last).iter().any(|e| e.basis.contains("moved from")));
        // Deadlines of every kind, received every 29th day 1990–2100 (each weekday in
        // turn), from a fresh lazy calendar each time a year starts: the same dates, texts
        // and uncertainty as with every year generated.
        let rules = crate::domain::deadline::RuleSet::shipped();
        let mut day = d("1990-01-01");
        let mut fresh = Calendar::shipped();
        while day <= d("2100-12-31") {
            if day.ordinal() <= 29 {
                fresh = Calendar::shipped();
            }
            for kind in crate::domain::kind::RequestKind::ALL {
                assert_eq!(
                    rules.deadlines(*kind, day, day, &fresh),
                    rules.deadlines(*kind, day, day, &reference),
                    "{kind:?} received {day}"
                );
            }
            day = day.checked_add_days(Days::new(29)).unwrap();
        }
        // A removed generated day is an ordinary day in both, and the answers stay equal.
        let (mut lazy, mut reference) = (Calendar::shipped(), eager(&Calendar::shipped()));
        assert!(lazy.remove(d("2026-03-08")) && reference.remove(d("2026-03-08")));
        assert_eq!(lazy.entry(d("2026-03-08")), None);
        assert_eq!(lazy.entries_between(first, last), reference.entries_between(first, last));
        assert_eq!(lazy, reference);
    }

    #[test]
    fn a_day_moved_past_new_year_is_found_in_the_next_year() {
        // Under a transferring Code, 31 December on a weekend moves into January; 1 January
        // on a weekend moves too, and the later year's own move wins the shared day.
        let text = r#"
[[fixed]]
month = 12
day = 31
kind = "holiday"
name = "Old Year"
from_year = 1990
to_year = 2000
weekend_transfer = true
confidence = "confirmed"

[[fixed]]
month = 1
day = 1
kind = "holiday"
name = "New Year"
from_year = 1990
to_year = 2000
weekend_transfer = true
confidence = "confirmed"
"#;
        let lazy = Calendar::parse(text).unwrap();
        let reference = eager(&Calendar::parse(text).unwrap());
        let (first, last) = (d("1989-01-01"), d("2002-12-31"));
        let mut day = first;
        while day <= last {
            assert_eq!(lazy.entry(day), reference.entry(day), "{day}");
            day = day.succ_opt().unwrap();
        }
        // Saturday 31.12.1994 → Monday 02.01.1995, which Sunday 01.01.1995's own move takes.
        assert_eq!(lazy.entry(d("1995-01-02")).unwrap().name, "New Year");
        // Sunday 31.12.2000 → Monday 01.01.2001, a day of the next year (no rule holds then).
        assert_eq!(lazy.entry(d("2001-01-01")).unwrap().name, "Old Year");
        assert_eq!(lazy.entries_between(first, last), reference.entries_between(first, last));
    }
}
