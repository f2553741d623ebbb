//! Deadline rules (data) and the arithmetic that turns them into dated deadlines, each with
//! a human explanation of how it was computed (legal-notes §4).

use chrono::{Days, NaiveDate};
use serde::{Deserialize, Serialize};

use super::calendar::Calendar;
use super::format::{date_dmy, date_wd};
use super::kind::RequestKind;
use crate::code_enum;
use crate::i18n::localize::{Arg, Message};
use crate::msg;

code_enum!(
    /// Unit of a rule's length.
    Unit, "unit" {
        CalendarDays => "calendar_days",
        WorkingDays => "working_days",
        Weeks => "weeks",
    }
);

code_enum!(
    /// The event a period counts from.
    StartEvent, "start" {
        Receipt => "receipt",
        Registration => "registration",
    }
);

/// Which kinds a rule applies to: `"all"` or a list of kind codes.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(untagged)]
pub enum KindSet {
    Named(String),
    List(Vec<RequestKind>),
}

impl KindSet {
    pub fn contains(&self, kind: RequestKind) -> bool {
        match self {
            KindSet::Named(s) => s == "all",
            KindSet::List(v) => v.contains(&kind),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DeadlineRule {
    pub id: String,
    pub name: String,
    pub kinds: KindSet,
    pub length: u32,
    pub unit: Unit,
    pub start: StartEvent,
    pub binding: bool,
    /// Most calendar days this deadline may be extended by, in total; absent: never.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub extension_max_days: Option<u32>,
    /// The legal basis of an extension, cited in the extension letter (English; also the
    /// text kept in the extension's event).
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub extension_basis: String,
    /// The same basis in Kyrgyz and Russian, for letters in those languages; a letter in a
    /// language without its own text cites the English one.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub extension_basis_ky: String,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub extension_basis_ru: String,
    /// Where the rule comes from (the law, article and the page that states it).
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub source: String,
    /// How sure the source is: "verified" (read in a primary or official source),
    /// "secondary", or "unverified" (legal-notes §0's V/W/U).
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub confidence: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ExtensionPolicy {
    pub allowed: bool,
    #[serde(default = "default_max_days")]
    pub max_days: u32,
    #[serde(default = "default_max_times")]
    pub max_times: u32,
}

fn default_max_days() -> u32 {
    30
}
fn default_max_times() -> u32 {
    1
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PausePolicy {
    pub allowed: bool,
    #[serde(default)]
    pub categories: Vec<String>,
}

/// The whole rule set: deadline rules plus the extension and pause policies.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RuleSet {
    /// The rule whose date is the limit the service promises (the policy's 30 days): shown
    /// beside the governing deadline and counted in the reports.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub limit_rule: Option<String>,
    pub rule: Vec<DeadlineRule>,
    #[serde(default = "no_extension")]
    pub extension: ExtensionPolicy,
    #[serde(default = "no_pause")]
    pub pause: PausePolicy,
}

fn no_extension() -> ExtensionPolicy {
    ExtensionPolicy { allowed: false, max_days: 30, max_times: 1 }
}
fn no_pause() -> PausePolicy {
    PausePolicy { allowed: false, categories: vec![] }
}

pub const SHIPPED_RULES: &str = include_str!("../../assets/rules/deadlines.toml");

impl RuleSet {
    /// The rule set shipped with aryz.
    pub fn shipped() -> RuleSet {
        // Parsed once per process: `aryz __batch` opens a session per line, and the tests
        // build thousands of sessions.
        static SHIPPED: std::sync::OnceLock<RuleSet> = std::sync::OnceLock::new();
        SHIPPED
            .get_or_init(|| {
                // The shipped file is tested to parse; an empty set would only follow a broken build.
                RuleSet::parse(SHIPPED_RULES).unwrap_or(RuleSet {
                    limit_rule: None,
                    rule: vec![],
                    extension: no_extension(),
                    pause: no_pause(),
                })
            })
            .clone()
    }

    /// Parses and checks a rules file; the error names the line or the rule.
    pub fn parse(text: &str) -> Result<RuleSet, Message> {
        let set: RuleSet = toml::from_str(text).map_err(|e| crate::i18n::toml_error::toml_error(text, &e))?;
        set.check()?;
        Ok(set)
    }

    fn check(&self) -> Result<(), Message> {
        let mut ids = Vec::new();
        for r in &self.rule {
            if ids.contains(&&r.id) {
                return Err(msg!("message.rules_file.id_twice", rule = &r.id));
            }
            ids.push(&r.id);
            if r.length == 0 || r.length > 3660 {
                return Err(msg!("message.rules_file.length", rule = &r.id, min = 1u32, max = 3660u32));
            }
            if let KindSet::Named(n) = &r.kinds
                && n != "all"
            {
                return Err(msg!("message.rules_file.kinds", rule = &r.id));
            }
        }
        for k in RequestKind::ALL {
            if !self.rule.iter().any(|r| r.binding && r.kinds.contains(*k)) {
                return Err(msg!("message.rules_file.no_binding_rule", kind = Arg::code("kind", k.code())));
            }
        }
        if let Some(l) = &self.limit_rule
            && !self.rule.iter().any(|r| &r.id == l)
        {
            return Err(msg!("message.rules_file.limit_rule", rule = l));
        }
        for r in &self.rule {
            if r.extension_max_days.is_some_and(|d| d == 0 || d > 366) {
                return Err(msg!(
                    "message.rules_file.extension_max_days",
                    rule = &r.id,
                    min = 1u32,
                    max = 366u32
                ));
            }
            if r.extension_max_days.is_some() && r.extension_basis.trim().is_empty() {
                return Err(msg!("message.rules_file.extension_basis", rule = &r.id));
            }
        }
        Ok(())
    }

    pub fn rules_for(&self, kind: RequestKind) -> impl Iterator<Item = &DeadlineRule> {
        self.rule.iter().filter(move |r| r.kinds.contains(kind))
    }

    /// Every deadline of a request of `kind`, binding ones first, each sorted by date.
    pub fn deadlines(
        &self,
        kind: RequestKind,
        received: NaiveDate,
        registered: NaiveDate,
        cal: &Calendar,
    ) -> Vec<Deadline> {
        let mut out: Vec<Deadline> =
            self.rules_for(kind).map(|r| r.compute(received, registered, cal)).collect();
        out.sort_by_key(|d| (!d.binding, d.due_on));
        out
    }
}

/// A dated deadline of one request, as computed by a rule.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Deadline {
    pub rule: String,
    pub due_on: NaiveDate,
    pub binding: bool,
    pub explanation: String,
    /// Why this date may still change: its counting reached an expected (unconfirmed) day
    /// or a year the calendar does not cover. `None` when every day counted is confirmed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub provisional: Option<String>,
}

impl Deadline {
    /// The explanation with the provisional mark and its reason, as shown everywhere.
    pub fn explained(&self) -> String {
        match &self.provisional {
            Some(why) => format!("{} [PROVISIONAL: {why}]", self.explanation),
            None => self.explanation.clone(),
        }
    }
}

/// The governing deadline: the earliest binding one.
pub fn governing(deadlines: &[Deadline]) -> Option<&Deadline> {
    deadlines.iter().filter(|d| d.binding).min_by_key(|d| d.due_on)
}

impl RuleSet {
    pub fn rule(&self, id: &str) -> Option<&DeadlineRule> {
        self.rule.iter().find(|r| r.id == id)
    }

    /// The deadline of the limit rule (the 30-day limit) among `deadlines`.
    pub fn limit<'a>(&self, deadlines: &'a [Deadline]) -> Option<&'a Deadline> {
        let id = self.limit_rule.as_deref()?;
        deadlines.iter().find(|d| d.rule == id)
    }

    /// Which rule governs and why, in English (the stored form of explanations).
    pub fn governing_note(&self, deadlines: &[Deadline]) -> Option<String> {
        let g = governing(deadlines)?;
        let name = self.rule(&g.rule).map_or(g.rule.as_str(), |r| r.name.as_str());
        let mut s = format!(
            "governing deadline {} ({name}): the earliest of the binding deadlines",
            date_wd(g.due_on)
        );
        if let Some(l) = self.limit(deadlines)
            && l.rule != g.rule
        {
            s.push_str(&format!("; the 30-day limit {}", date_wd(l.due_on)));
        }
        if g.provisional.is_some() {
            s.push_str("; provisional");
        }
        Some(s)
    }
}

impl DeadlineRule {
    /// The extension's legal basis in the language of a letter, else in English.
    pub fn extension_basis_in(&self, lang: crate::domain::kind::Language) -> &str {
        use crate::domain::kind::Language;
        let own = match lang {
            Language::Ky => &self.extension_basis_ky,
            Language::Ru => &self.extension_basis_ru,
            Language::En => &self.extension_basis,
        };
        if own.trim().is_empty() { &self.extension_basis } else { own }
    }

    pub fn compute(&self, received: NaiveDate, registered: NaiveDate, cal: &Calendar) -> Deadline {
        let (label, start) = match self.start {
            StartEvent::Receipt => ("received", received),
            StartEvent::Registration => ("registered", registered),
        };
        let n = self.length;
        let (due_on, arithmetic) = match self.unit {
            Unit::CalendarDays => {
                let raw = start.checked_add_days(Days::new(n.into())).unwrap_or(start);
                roll_explained(
                    raw,
                    cal,
                    &format!("{label} {} + {n} {}", date_wd(start), plural(n, "day", "days")),
                )
            }
            Unit::Weeks => {
                let raw = start.checked_add_days(Days::new(u64::from(n) * 7)).unwrap_or(start);
                roll_explained(
                    raw,
                    cal,
                    &format!("{label} {} + {n} {}", date_wd(start), plural(n, "week", "weeks")),
                )
            }
            Unit::WorkingDays => {
                let (end, skipped) = cal.add_working_days(start, n);
                let mut s = format!(
                    "{label} {} + {n} working {} = {}",
                    date_wd(start),
                    plural(n, "day", "days"),
                    date_wd(end)
                );
                let named: Vec<String> = skipped
                    .iter()
                    // Only weekday entries explain anything: a holiday on a Sunday moves nothing.
                    .filter(|d| !Calendar::is_weekend(**d))
                    .filter_map(|d| cal.entry(*d).map(|e| format!("{} {}", date_dmy(*d), e.name)))
                    .collect();
                if !named.is_empty() {
                    s.push_str(&format!(" (skipping {})", dedupe_names(&named)));
                }
                (end, s)
            }
        };
        Deadline {
            rule: self.id.clone(),
            due_on,
            binding: self.binding,
            explanation: format!("{}: {arithmetic}", self.name),
            provisional: cal.uncertainty(start, due_on),
        }
    }
}

/// `raw`, rolled forward to a working day, with the arithmetic written out.
fn roll_explained(raw: NaiveDate, cal: &Calendar, lhs: &str) -> (NaiveDate, String) {
    let rolled = cal.roll_forward(raw);
    if rolled == raw {
        (raw, format!("{lhs} = {}", date_wd(raw)))
    } else {
        let why = match cal.entry(raw) {
            Some(e) => e.name.clone(),
            None => "weekend".to_string(),
        };
        (rolled, format!("{lhs} = {} ({why}) → next working day {}", date_wd(raw), date_wd(rolled)))
    }
}

/// Keeps the explanation short when a range of holidays is skipped: "01.05 … 09.05 May holidays".
fn dedupe_names(named: &[String]) -> String {
    if named.len() <= 3 {
        return named.join(", ");
    }
    format!("{} non-working days incl. {}", named.len(), named[0])
}

fn plural(n: u32, one: &'static str, many: &'static str) -> &'static str {
    if n == 1 { one } else { many }
}

/// Moves a binding deadline by `days` calendar days, rolled to a working day; used by
/// extensions and by the end of a pause. Returns the new date and its explanation.
pub fn shift_deadline(due: NaiveDate, days: u32, cal: &Calendar, why: &str) -> (NaiveDate, String) {
    let raw = due.checked_add_days(Days::new(days.into())).unwrap_or(due);
    let (d, s) =
        roll_explained(raw, cal, &format!("due {} + {days} {}", date_wd(due), plural(days, "day", "days")));
    (d, format!("{why}: {s}"))
}

/// Calendar days from `today` to `due` (negative when overdue), in the office's local dates.
pub fn days_left(due: NaiveDate, today: NaiveDate) -> i64 {
    (due - today).num_days()
}

/// How urgent a deadline is, for colouring and sections.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Urgency {
    Overdue,
    DueToday,
    DueSoon,
    OnTime,
}

/// Urgency of an open request: overdue past the due day, due soon within `soon_working_days`
/// working days.
pub fn urgency(due: NaiveDate, today: NaiveDate, soon_working_days: u32, cal: &Calendar) -> Urgency {
    if due < today {
        Urgency::Overdue
    } else if due == today {
        Urgency::DueToday
    } else if due <= due_soon_limit(today, soon_working_days, cal) {
        Urgency::DueSoon
    } else {
        Urgency::OnTime
    }
}

/// The last date that counts as "due soon" as of `today`.
pub fn due_soon_limit(today: NaiveDate, soon_working_days: u32, cal: &Calendar) -> NaiveDate {
    cal.add_working_days(today, soon_working_days).0
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }

    fn binding(kind: RequestKind, received: &str) -> Deadline {
        let rules = RuleSet::shipped();
        let cal = Calendar::shipped();
        rules
            .deadlines(kind, d(received), d(received), &cal)
            .into_iter()
            .find(|x| x.rule == "policy_30d")
            .unwrap()
    }

    #[test]
    fn shipped_rules_parse_with_four_rules() {
        let r = RuleSet::parse(SHIPPED_RULES).unwrap();
        assert_eq!(r.rule.len(), 4);
        // The authority inquiry's week (issue 15) carries its source and confidence.
        let w = r.rule("law58_authority_1w").unwrap();
        assert!(w.source.contains("Art. 17(g)") && w.confidence == "verified", "{w:?}");
        assert!(w.kinds.contains(RequestKind::AuthorityInquiry) && !w.kinds.contains(RequestKind::Access));
        assert!(!r.extension.allowed && !r.pause.allowed);
    }

    /// The policy's 30 calendar days from receipt, rolled to the next working day.
    #[test]
    fn thirty_day_binding_deadline_table() {
        let cases = [
            // received, due, why
            ("2026-03-02", "2026-04-01", "plain: Mon + 30 = Wed"),
            ("2026-01-30", "2026-03-02", "across February: Sun 01.03 → Mon 02.03"),
            ("2026-01-31", "2026-03-02", "month end, 30 days lands on Mon 02.03"),
            ("2026-02-28", "2026-03-30", "lands on Mon 30.03"),
            ("2026-03-06", "2026-04-06", "lands on Sun 05.04 → Mon 06.04"),
            ("2026-03-05", "2026-04-06", "lands on Sat 04.04 → Mon 06.04"),
            ("2025-12-02", "2026-01-12", "lands on Thu 01.01 → 1–9 Jan off, weekend → Mon 12.01"),
            ("2025-12-09", "2026-01-12", "lands on 08.01 extra day off → Mon 12.01"),
            ("2025-12-10", "2026-01-12", "lands on 09.01 extra day off → Mon 12.01"),
            ("2026-02-18", "2026-03-23", "lands on Fri 20.03 Orozo Ait, Sat Nooruz, Sun → Mon 23.03"),
            ("2026-04-01", "2026-05-11", "lands on 01.05 → May holidays to 09.05, Sun 10.05 → Mon 11.05"),
            ("2026-04-05", "2026-05-11", "lands on 05.05 in the May holidays"),
            ("2026-04-28", "2026-05-28", "lands on Thu 28.05, after Kurman Ait"),
            ("2026-04-27", "2026-05-28", "lands on Wed 27.05 Kurman Ait → Thu 28.05"),
            ("2026-08-01", "2026-09-01", "lands on Mon 31.08 Independence Day → Tue 01.09"),
        ];
        for (received, due, why) in cases {
            assert_eq!(binding(RequestKind::Access, received).due_on, d(due), "{received}: {why}");
        }
        // 2024: the previous Code's fixed days (unverified), no Ait dates. 29.02 + 30 = Sat
        // 30.03 → Mon 01.04, and provisional because 2024 has no movable-holiday data.
        let old = binding(RequestKind::Complaint, "2024-02-29");
        assert_eq!(old.due_on, d("2024-04-01"));
        assert_eq!(
            old.provisional.as_deref(),
            Some("no date of Orozo Ait or Kurman Ait for 2024 in the calendar")
        );
    }

    #[test]
    fn explanation_shows_the_arithmetic() {
        let dl = binding(RequestKind::Access, "2026-03-02");
        assert!(
            dl.explanation.ends_with("received Mon 02.03.2026 + 30 days = Wed 01.04.2026"),
            "{}",
            dl.explanation
        );
        let rolled = binding(RequestKind::Access, "2026-03-06");
        assert!(
            rolled.explanation.contains("= Sun 05.04.2026 (weekend) → next working day Mon 06.04.2026"),
            "{}",
            rolled.explanation
        );
        let holiday = binding(RequestKind::Access, "2026-02-18");
        assert!(
            holiday.explanation.contains("(Orozo Ait) → next working day Mon 23.03.2026"),
            "{}",
            holiday.explanation
        );
    }

    #[test]
    fn advisory_rules_per_kind() {
        let rules = RuleSet::shipped();
        let cal = Calendar::shipped();
        let access = rules.deadlines(RequestKind::Access, d("2026-03-02"), d("2026-03-02"), &cal);
        assert_eq!(access.len(), 3);
        assert!(access[0].binding);
        let week = access.iter().find(|x| x.rule == "law58_access_1w").unwrap();
        assert_eq!(week.due_on, d("2026-03-09"), "Mon + 1 week = Mon");
        let complaint = rules.deadlines(RequestKind::Complaint, d("2026-03-02"), d("2026-03-02"), &cal);
        assert_eq!(complaint.len(), 2, "no Art. 17 week for complaints");
        // One week landing on a holiday: Fri 13.03 + 1 week = Fri 20.03 Orozo Ait → Mon 23.03.
        let w = rules.deadlines(RequestKind::Information, d("2026-03-13"), d("2026-03-13"), &cal);
        assert_eq!(w.iter().find(|x| x.rule == "law58_access_1w").unwrap().due_on, d("2026-03-23"));
    }

    #[test]
    fn working_day_rule_skips_holidays() {
        let rules = RuleSet::shipped();
        let cal = Calendar::shipped();
        let cases = [
            // registered, 14 working days later
            ("2026-03-02", "2026-03-23", "skips 08.03 (Sun), 20.03 Orozo Ait, 21.03"),
            ("2026-04-24", "2026-05-22", "skips the May holidays 01–09.05"),
            ("2025-12-25", "2026-01-23", "skips 01–09.01"),
            ("2026-11-02", "2026-11-20", "no holidays: plain two weeks and four days"),
        ];
        for (registered, due, why) in cases {
            let dl = rules
                .deadlines(RequestKind::Complaint, d(registered), d(registered), &cal)
                .into_iter()
                .find(|x| x.rule == "law67_14wd")
                .unwrap();
            assert_eq!(dl.due_on, d(due), "{registered}: {why}");
        }
        let dl = rules.rule[2].compute(d("2026-03-02"), d("2026-03-02"), &cal);
        assert!(dl.explanation.contains("(skipping 20.03.2026 Orozo Ait)"), "{}", dl.explanation);
    }

    #[test]
    fn registration_date_drives_working_day_rule() {
        let rules = RuleSet::shipped();
        let cal = Calendar::shipped();
        let a = rules.deadlines(RequestKind::Access, d("2026-03-02"), d("2026-03-03"), &cal);
        assert_eq!(a.iter().find(|x| x.rule == "law67_14wd").unwrap().due_on, d("2026-03-24"));
        assert_eq!(a.iter().find(|x| x.rule == "policy_30d").unwrap().due_on, d("2026-04-01"));
    }

    #[test]
    fn extension_and_pause_shift_arithmetic() {
        let cal = Calendar::shipped();
        // Extension by 30 days from Wed 01.04.2026 → Fri 01.05 holiday … → Mon 11.05.
        let (due, why) = shift_deadline(d("2026-04-01"), 30, &cal, "extension");
        assert_eq!(due, d("2026-05-11"));
        assert!(why.starts_with("extension: due Wed 01.04.2026 + 30 days = Fri 01.05.2026"), "{why}");
        // Pause of 3 days: Mon 02.03 → Thu 05.03.
        assert_eq!(shift_deadline(d("2026-03-02"), 3, &cal, "pause").0, d("2026-03-05"));
        // Pause of 4 days from Tue 17.03 → Sat 21.03 → Mon 23.03.
        assert_eq!(shift_deadline(d("2026-03-17"), 4, &cal, "pause").0, d("2026-03-23"));
        assert_eq!(shift_deadline(d("2026-03-17"), 0, &cal, "pause").0, d("2026-03-17"));
    }

    #[test]
    fn urgency_and_days_left() {
        let cal = Calendar::shipped();
        let today = d("2026-11-16"); // Monday
        assert_eq!(days_left(d("2026-11-13"), today), -3);
        assert_eq!(urgency(d("2026-11-13"), today, 5, &cal), Urgency::Overdue);
        assert_eq!(urgency(today, today, 5, &cal), Urgency::DueToday);
        assert_eq!(urgency(d("2026-11-23"), today, 5, &cal), Urgency::DueSoon);
        assert_eq!(urgency(d("2026-11-24"), today, 5, &cal), Urgency::OnTime);
    }

    #[test]
    fn bad_rules_are_refused_with_a_reason() {
        assert!(RuleSet::parse("[[rule]]\nid='x'\nname='x'\nkinds='all'\nlength=0\nunit='calendar_days'\nstart='receipt'\nbinding=true").unwrap_err().to_string().contains("length"));
        assert!(RuleSet::parse("[[rule]]\nid='x'\nname='x'\nkinds=['access']\nlength=3\nunit='calendar_days'\nstart='receipt'\nbinding=true").unwrap_err().to_string().contains("no binding rule"));
        assert!(RuleSet::parse("[[rule]]\nid='x'\nname='x'\nkinds='all'\nlength=3\nunit='fortnights'\nstart='receipt'\nbinding=true").is_err());
    }
}
