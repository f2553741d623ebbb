//! Deadlines the law would accept (issue 10): hand-worked cases across the 2026/2027 year
//! end, the May holidays, 31 August and an expected Ait, each checking every rule's date,
//! the governing date and the provisional mark; and properties over many generated dates.

use aryz::domain::calendar::{Calendar, CalendarEntry, DayKind};
use aryz::domain::deadline::{Deadline, RuleSet, governing};
use aryz::domain::kind::RequestKind;
use aryz::service::demo::Rng;
use chrono::{Datelike, Days, NaiveDate, Weekday};

fn d(s: &str) -> NaiveDate {
    s.parse().expect("date")
}

fn deadlines(kind: RequestKind, received: &str, registered: &str, cal: &Calendar) -> Vec<Deadline> {
    RuleSet::shipped().deadlines(kind, d(received), d(registered), cal)
}

/// Each rule's date and provisional mark, then the governing rule.
fn check(dl: &[Deadline], want: &[(&str, &str, Option<&str>)], governs: &str) {
    assert_eq!(dl.len(), want.len(), "{dl:#?}");
    for (rule, due, provisional) in want {
        let x = dl.iter().find(|x| x.rule == *rule).unwrap_or_else(|| panic!("no {rule}: {dl:#?}"));
        assert_eq!(x.due_on, d(due), "{rule}: {}", x.explanation);
        assert!(x.binding, "{rule} binds in the shipped rules");
        match provisional {
            None => assert_eq!(x.provisional, None, "{rule}: {x:?}"),
            Some(why) => assert_eq!(x.provisional.as_deref(), Some(*why), "{rule}"),
        }
    }
    assert_eq!(governing(dl).map(|g| g.rule.as_str()), Some(governs), "{dl:#?}");
}

fn holiday(date: &str, name: &str, confidence: &str) -> CalendarEntry {
    CalendarEntry {
        date: d(date),
        kind: DayKind::Holiday,
        name: name.into(),
        basis: String::new(),
        applies_to: String::new(),
        confidence: confidence.into(),
        source: "test".into(),
    }
}

#[test]
fn across_the_2026_2027_year_end() {
    let cal = Calendar::shipped();
    // Access received and registered Wed 02.12.2026. Art. 17: + 1 week = Wed 09.12. Law 67:
    // 3–4, 7–11, 14–18, 21–22 Dec = 14 working days → Tue 22.12. Policy: + 30 days = Fri
    // 01.01.2027, a holiday (1–7 January, Labour Code 2025), 8 January is a Friday and a
    // working day in 2027 (the 2026 Cabinet days off are not repeated) → Fri 08.01.2027.
    let dl = deadlines(RequestKind::Access, "2026-12-02", "2026-12-02", &cal);
    check(
        &dl,
        &[
            ("law58_access_1w", "2026-12-09", None),
            ("law67_14wd", "2026-12-22", None),
            ("policy_30d", "2027-01-08", None),
        ],
        "law58_access_1w",
    );
    // A complaint received Thu 24.12.2026: Law 67: 25 (1), 28–31 (5), 1–7 Jan off, 8 (6),
    // 11–15 (11), 18–20 (14) → Wed 20.01.2027. Policy: + 30 = Sat 23.01 → Mon 25.01.2027.
    let dl = deadlines(RequestKind::Complaint, "2026-12-24", "2026-12-24", &cal);
    check(&dl, &[("law67_14wd", "2027-01-20", None), ("policy_30d", "2027-01-25", None)], "law67_14wd");
}

#[test]
fn across_the_may_holidays_with_an_expected_kurman_ait() {
    let cal = Calendar::shipped();
    // Information received Fri 23.04.2027. Art. 17: Fri 30.04 (working; the May holidays
    // start on the 1st). Law 67: 26–30 Apr (5), 1–9 May off, 10–14 (10), Mon 17.05 Kurman
    // Ait (expected), 18–21 (14) → Fri 21.05, provisional. Policy: + 30 = Sun 23.05 → Mon
    // 24.05, provisional too (its period holds the expected day).
    let why = "Kurman Ait 2027 expected on Mon 17.05.2027, not yet confirmed";
    let dl = deadlines(RequestKind::Information, "2027-04-23", "2027-04-23", &cal);
    check(
        &dl,
        &[
            ("law58_access_1w", "2027-04-30", None),
            ("law67_14wd", "2027-05-21", Some(why)),
            ("policy_30d", "2027-05-24", Some(why)),
        ],
        "law58_access_1w",
    );
    assert!(dl[1].explained().contains("[PROVISIONAL: Kurman Ait 2027 expected"), "{}", dl[1].explained());
}

#[test]
fn across_31_august() {
    let cal = Calendar::shipped();
    // Access received Mon 24.08.2026. Art. 17: Mon 31.08, Independence Day → Tue 01.09.
    // Law 67: 25–28 (4), 31 off, 1–4 Sep (8), 7–11 (13), 14 (14) → Mon 14.09. Policy: Wed 23.09.
    let dl = deadlines(RequestKind::Access, "2026-08-24", "2026-08-24", &cal);
    check(
        &dl,
        &[
            ("law58_access_1w", "2026-09-01", None),
            ("law67_14wd", "2026-09-14", None),
            ("policy_30d", "2026-09-23", None),
        ],
        "law58_access_1w",
    );
    assert!(
        dl[0].explanation.contains("(Independence Day) → next working day Tue 01.09.2026"),
        "{}",
        dl[0].explanation
    );
}

#[test]
fn on_an_expected_orozo_ait_and_after_it_is_confirmed_or_corrected() {
    let mut cal = Calendar::shipped();
    // Access received Wed 03.03.2027. Art. 17: Wed 10.03, Orozo Ait (expected) → Thu 11.03.
    // Law 67: 4–5 (2), Mon 08.03 off, 9 (3), 10 off, 11–12 (5), 15–19 (10), 22–25 (14) →
    // Thu 25.03 (Nooruz falls on Sunday 21.03: no day moved). Policy: Fri 02.04.2027.
    let why = "Orozo Ait 2027 expected on Wed 10.03.2027, not yet confirmed";
    let dl = deadlines(RequestKind::Access, "2027-03-03", "2027-03-03", &cal);
    check(
        &dl,
        &[
            ("law58_access_1w", "2027-03-11", Some(why)),
            ("law67_14wd", "2027-03-25", Some(why)),
            ("policy_30d", "2027-04-02", Some(why)),
        ],
        "law58_access_1w",
    );
    // Confirmed as forecast: same dates, no longer provisional.
    cal.extend([holiday("2027-03-10", "Orozo Ait", "confirmed")]);
    let dl = deadlines(RequestKind::Access, "2027-03-03", "2027-03-03", &cal);
    check(
        &dl,
        &[
            ("law58_access_1w", "2027-03-11", None),
            ("law67_14wd", "2027-03-25", None),
            ("policy_30d", "2027-04-02", None),
        ],
        "law58_access_1w",
    );
    // Announced a day earlier instead (Tue 09.03): Art. 17's week ends on Wed 10.03, now a
    // working day; Law 67 skips 09.03 instead of 10.03 and still ends Thu 25.03.
    cal.remove(d("2027-03-10"));
    cal.extend([holiday("2027-03-09", "Orozo Ait", "confirmed")]);
    let dl = deadlines(RequestKind::Access, "2027-03-03", "2027-03-03", &cal);
    check(
        &dl,
        &[
            ("law58_access_1w", "2027-03-10", None),
            ("law67_14wd", "2027-03-25", None),
            ("policy_30d", "2027-04-02", None),
        ],
        "law58_access_1w",
    );
}

#[test]
fn years_without_data_are_provisional_and_say_so() {
    let cal = Calendar::shipped();
    // 2031: fixed days generated (1–7 January), no Ait dates. Law 67 from Fri 20.12.2030:
    // 23–27 (5), 30–31 (7), 1–7 Jan off, 8–10 (10), 13–16 (14) → Thu 16.01.2031.
    let why = "no date of Orozo Ait or Kurman Ait for 2031 in the calendar";
    let dl = deadlines(RequestKind::Access, "2030-12-20", "2030-12-20", &cal);
    check(
        &dl,
        &[
            ("law58_access_1w", "2030-12-27", None),
            ("law67_14wd", "2031-01-16", Some(why)),
            ("policy_30d", "2031-01-20", Some(why)),
        ],
        "law58_access_1w",
    );
    // Before 2017 nothing is shipped at all.
    let dl = deadlines(RequestKind::Complaint, "2016-03-01", "2016-03-01", &cal);
    assert!(dl.iter().all(|x| x.provisional.as_deref() == Some("no calendar data for 2016")), "{dl:#?}");
}

#[test]
fn the_previous_code_moved_weekend_holidays_to_monday() {
    let cal = Calendar::shipped();
    // 2023: 1 January was a Sunday; under the 2004 Code the day off moved to Mon 02.01.
    assert!(!cal.is_working_day(d("2023-01-02")));
    assert_eq!(cal.entry(d("2023-01-02")).map(|e| e.kind), Some(DayKind::ExtraDayOff));
    assert_eq!(cal.entry(d("2023-01-02")).map(|e| e.confidence.as_str()), Some("unverified"));
    // Since 2025 no transfer: Sun 21.03.2027 (Nooruz) gives no Monday off.
    assert!(cal.is_working_day(d("2027-03-22")));
    // Fixed days for any year from the rules: 1–7 January 2045, 31 August 2099.
    assert!(!cal.is_working_day(d("2045-01-05")) && !cal.is_working_day(d("2099-08-31")));
}

const KINDS: [RequestKind; 7] = [
    RequestKind::Information,
    RequestKind::Access,
    RequestKind::Correction,
    RequestKind::Blocking,
    RequestKind::Destruction,
    RequestKind::StopProcessing,
    RequestKind::Complaint,
];

/// A date between 2017 and 2031, and a registration 0–3 days later.
fn random_case(rng: &mut Rng) -> (RequestKind, NaiveDate, NaiveDate) {
    let start = d("2017-01-01");
    let received = start.checked_add_days(Days::new(rng.below(15 * 365))).expect("date");
    let registered = received.checked_add_days(Days::new(rng.below(4))).expect("date");
    (KINDS[rng.below(7) as usize], received, registered)
}

#[test]
fn governing_deadline_is_a_working_day_no_later_than_the_30_day_limit() {
    let (rules, cal) = (RuleSet::shipped(), Calendar::shipped());
    let mut rng = Rng::new(10);
    for _ in 0..5_000 {
        let (kind, received, registered) = random_case(&mut rng);
        let dl = rules.deadlines(kind, received, registered, &cal);
        let g = governing(&dl).expect("a binding deadline");
        assert!(cal.is_working_day(g.due_on), "{kind} {received} {registered}: {g:?}");
        let limit = rules.limit(&dl).expect("the 30-day limit");
        assert!(g.due_on <= limit.due_on, "{kind} {received} {registered}: {dl:#?}");
        for x in &dl {
            assert!(cal.is_working_day(x.due_on), "every deadline ends on a working day: {x:?}");
        }
    }
}

#[test]
fn a_day_off_outside_the_counting_period_changes_no_deadline() {
    let rules = RuleSet::shipped();
    let mut rng = Rng::new(11);
    // Built once: each case adds its day off to a copy, so the cases stay independent.
    let cal = Calendar::shipped();
    for _ in 0..2_000 {
        let (kind, received, registered) = random_case(&mut rng);
        let before = rules.deadlines(kind, received, registered, &cal);
        let last = before.iter().map(|x| x.due_on).max().expect("deadlines");
        // A weekday holiday on or before the receipt, or after the last due date.
        let day = if rng.below(2) == 0 {
            received.checked_sub_days(Days::new(rng.below(60))).expect("date")
        } else {
            last.checked_add_days(Days::new(1 + rng.below(60))).expect("date")
        };
        if matches!(day.weekday(), Weekday::Sat | Weekday::Sun) {
            continue;
        }
        let mut more = cal.clone();
        more.extend([holiday(&day.to_string(), "Test day off", "confirmed")]);
        let after = rules.deadlines(kind, received, registered, &more);
        let dates = |v: &[Deadline]| v.iter().map(|x| (x.rule.clone(), x.due_on)).collect::<Vec<_>>();
        assert_eq!(dates(&before), dates(&after), "{kind} {received} {registered}, day off {day}");
    }
}

#[test]
fn a_day_off_inside_the_counting_period_of_a_working_day_rule_moves_it() {
    // The converse, so the property above cannot hold vacuously: a weekday holiday inside
    // Law 67's 14 working days moves its end by one working day.
    let rules = RuleSet::shipped();
    let cal = Calendar::shipped();
    let before = rules.deadlines(RequestKind::Complaint, d("2026-11-02"), d("2026-11-02"), &cal);
    let mut more = cal.clone();
    more.extend([holiday("2026-11-10", "Test day off", "confirmed")]);
    let after = rules.deadlines(RequestKind::Complaint, d("2026-11-02"), d("2026-11-02"), &more);
    let law67 = |v: &[Deadline]| v.iter().find(|x| x.rule == "law67_14wd").map(|x| x.due_on);
    assert_eq!((law67(&before), law67(&after)), (Some(d("2026-11-20")), Some(d("2026-11-23"))));
}
