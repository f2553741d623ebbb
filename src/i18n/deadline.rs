//! Deadline explanations in the interface language. The domain stores each deadline with an
//! English explanation (`…: received Mon 02.03.2026 + 30 days = Wed 01.04.2026`), which is
//! history and stays as it is. For display, the explanation is recomputed here from the
//! deadline's rule and the request's dates, with localized words, weekdays and plurals;
//! when the rule no longer gives the stored date (the rules changed, the deadline was
//! extended or moved by a pause) the stored text is shown, since only it is true.

use chrono::{Days, NaiveDate};

use super::{Lang, current, date_wd, lookup, t, tf};
use crate::domain::calendar::Calendar;
use crate::domain::deadline::{Deadline, DeadlineRule, RuleSet, StartEvent, Unit};
use crate::domain::format::date_dmy;

/// `deadline.<unit>_one|few|many` by the plural rules of the interface language.
fn unit(base: &str, n: u32) -> String {
    // One plural rule for the whole program (`plural::form_index`); Kyrgyz has one form.
    let lang = current();
    let form = match (lang, super::plural::form_index(lang, u64::from(n))) {
        (Lang::Ky, _) => "many",
        (_, 0) => "one",
        (Lang::Ru, 1) => "few",
        _ => "many",
    };
    let key = format!("deadline.{base}_{form}");
    lookup(&key).map_or(key, str::to_string)
}

/// The rule's name: the catalog's `rule.<id>` for the shipped rules, else the rules file's.
fn rule_name(rule: &DeadlineRule) -> String {
    lookup(&format!("rule.{}", rule.id)).map_or_else(|| rule.name.clone(), str::to_string)
}

/// `lhs = raw`, or `lhs = raw (why) → next working day rolled`.
fn rolled(raw: NaiveDate, cal: &Calendar, lhs: &str) -> (NaiveDate, String) {
    let to = cal.roll_forward(raw);
    if to == raw {
        return (raw, tf("deadline.equals", &[("lhs", &lhs), ("date", &date_wd(raw))]));
    }
    let why = match cal.entry(raw) {
        Some(e) => super::holiday_name(&e.name),
        None => t("deadline.weekend").to_string(),
    };
    let text = tf(
        "deadline.rolled",
        &[("lhs", &lhs), ("raw", &date_wd(raw)), ("why", &why), ("rolled", &date_wd(to))],
    );
    (to, text)
}

/// The rule's arithmetic for a request received and registered on these dates.
fn arithmetic(
    rule: &DeadlineRule,
    received: NaiveDate,
    registered: NaiveDate,
    cal: &Calendar,
) -> (NaiveDate, String) {
    let (label, start) = match rule.start {
        StartEvent::Receipt => (t("deadline.received"), received),
        StartEvent::Registration => (t("deadline.registered"), registered),
    };
    let n = rule.length;
    let plus = |u: String| {
        tf("deadline.plus", &[("start", &label), ("date", &date_wd(start)), ("n", &n), ("unit", &u)])
    };
    match rule.unit {
        Unit::CalendarDays => {
            let raw = start.checked_add_days(Days::new(n.into())).unwrap_or(start);
            rolled(raw, cal, &plus(unit("days", n)))
        }
        Unit::Weeks => {
            let raw = start.checked_add_days(Days::new(u64::from(n) * 7)).unwrap_or(start);
            rolled(raw, cal, &plus(unit("weeks", n)))
        }
        Unit::WorkingDays => {
            let (end, skipped) = cal.add_working_days(start, n);
            let mut s =
                tf("deadline.equals", &[("lhs", &plus(unit("working_days", n))), ("date", &date_wd(end))]);
            let named: Vec<String> = skipped
                .iter()
                .filter(|d| !Calendar::is_weekend(**d))
                .filter_map(|d| {
                    cal.entry(*d).map(|e| format!("{} {}", date_dmy(*d), super::holiday_name(&e.name)))
                })
                .collect();
            if !named.is_empty() {
                let days = if named.len() <= 3 {
                    named.join(", ")
                } else {
                    tf("deadline.many_skipped", &[("n", &named.len()), ("first", &named[0])])
                };
                s.push_str(&tf("deadline.skipping", &[("days", &days)]));
            }
            (end, s)
        }
    }
}

/// The explanation of `d` to show, with its provisional mark and reason when it has one.
pub(crate) fn explanation(
    d: &Deadline,
    rules: &RuleSet,
    cal: &Calendar,
    received: NaiveDate,
    registered: NaiveDate,
) -> String {
    let text = arithmetic_text(d, rules, cal, received, registered);
    match &d.provisional {
        Some(why) => format!("{text}{}", tf("drift.provisional", &[("reason", why)])),
        None => text,
    }
}

/// A rule's name in the interface language, by its id (the id itself for an unknown rule).
pub(crate) fn rule_name_of(rules: &RuleSet, id: &str) -> String {
    rules.rule(id).map_or_else(|| id.to_string(), rule_name)
}

/// In English the stored text; in Kyrgyz or Russian the text recomputed from its rule when
/// that rule still gives the stored date.
fn arithmetic_text(
    d: &Deadline,
    rules: &RuleSet,
    cal: &Calendar,
    received: NaiveDate,
    registered: NaiveDate,
) -> String {
    if current() == Lang::En {
        return d.explanation.clone();
    }
    let Some(rule) = rules.rule.iter().find(|r| r.id == d.rule) else {
        return d.explanation.clone();
    };
    let (due, text) = arithmetic(rule, received, registered, cal);
    if due != d.due_on || rule.binding != d.binding {
        return d.explanation.clone();
    }
    format!("{}: {text}", rule_name(rule))
}

/// Replaces the explanations of deadlines about to be shown with [`explanation`]'s.
pub(crate) fn localize(
    deadlines: &mut [Deadline],
    rules: &RuleSet,
    cal: &Calendar,
    received: NaiveDate,
    registered: NaiveDate,
) {
    for d in deadlines {
        d.explanation = explanation(d, rules, cal, received, registered);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::kind::RequestKind;
    use crate::i18n::set_thread_language;

    fn date(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }

    #[test]
    fn recomputed_in_each_language_with_the_stored_dates() {
        let rules = RuleSet::shipped();
        let cal = Calendar::shipped();
        // Received Thu 01.10.2026: 30 days end on Sat 31.10.2026, rolled to Mon 02.11.2026.
        let (r, g) = (date("2026-10-01"), date("2026-10-01"));
        let stored = rules.deadlines(RequestKind::Access, r, g, &cal);
        set_thread_language(Some(Lang::Ru));
        let ru: Vec<String> = stored.iter().map(|d| explanation(d, &rules, &cal, r, g)).collect();
        assert!(
            ru[2].ends_with("поступило Чт 01.10.2026 + 30 дней = Сб 31.10.2026 (выходной) → следующий рабочий день Пн 02.11.2026"),
            "{ru:?}"
        );
        assert!(ru.iter().any(|s| s.contains("+ 1 неделя = Чт 08.10.2026")), "{ru:?}");
        assert!(ru.iter().any(|s| s.contains("+ 14 рабочих дней = Ср 21.10.2026")), "{ru:?}");
        set_thread_language(Some(Lang::Ky));
        // Every rule binds: the week first, the 30 days (the limit) last.
        assert_eq!(stored[2].rule, "policy_30d");
        let ky = explanation(&stored[2], &rules, &cal, r, g);
        assert!(ky.contains("+ 30 күн = Иш 31.10.2026 (дем алыш)"), "{ky}");
        set_thread_language(Some(Lang::En));
        assert_eq!(explanation(&stored[2], &rules, &cal, r, g), stored[2].explanation);
        // Recomputing in English gives the domain's own words: the two formatters agree.
        for d in &stored {
            let rule = rules.rule.iter().find(|x| x.id == d.rule).unwrap();
            let (due, text) = arithmetic(rule, r, g, &cal);
            assert_eq!(due, d.due_on);
            assert_eq!(format!("{}: {text}", rule_name(rule)), d.explanation);
        }
        // A moved deadline keeps its stored text.
        set_thread_language(Some(Lang::Ru));
        let mut moved = stored[0].clone();
        moved.due_on = date("2026-11-20");
        assert_eq!(explanation(&moved, &rules, &cal, r, g), moved.explanation);
        set_thread_language(None);
    }

    #[test]
    fn russian_plurals() {
        set_thread_language(Some(Lang::Ru));
        let got: Vec<String> = [1, 2, 5, 11, 14, 21, 22, 30].iter().map(|n| unit("days", *n)).collect();
        assert_eq!(got, ["день", "дня", "дней", "дней", "дней", "день", "дня", "дней"]);
        set_thread_language(None);
    }
}
