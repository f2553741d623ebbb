//! Pause accounting: how long a stopped clock stood still and what that does to the
//! deadlines. One rule for both ways a pause ends (resuming, and answering a paused
//! request), so the two can never count differently.

use chrono::NaiveDate;

use super::calendar::Calendar;
use super::deadline::{governing, shift_deadline};
use super::request::{Pause, SubjectRequest};

/// Calendar days a pause lasted when it ends on `on`: the day it started does not count
/// as running, the day it ends does. An end before the start (a back-dated answer) is 0.
pub(crate) fn paused_days(pause: &Pause, on: NaiveDate) -> u32 {
    u32::try_from((on - pause.since).num_days().max(0)).unwrap_or(u32::MAX)
}

/// What ending a pause did, for the events and the audit entry.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct PauseEnded {
    /// Days the clock stood still.
    pub days: u32,
    /// The reason written beside each moved deadline: "paused DD.MM.YYYY (category)".
    pub why: String,
    /// The governing date before the pause was accounted.
    pub due_before: NaiveDate,
}

/// Ends the pause of `r` on `on`: every binding deadline moves by the paused days (rolled
/// to a working day), the governing date follows, the days add to `paused_days` and the
/// pause is cleared. `None` (and `r` unchanged) when the request is not paused.
pub(crate) fn end_pause(r: &mut SubjectRequest, on: NaiveDate, calendar: &Calendar) -> Option<PauseEnded> {
    let p = r.pause.take()?;
    let days = paused_days(&p, on);
    let why = format!("paused {} ({})", p.since.format("%d.%m.%Y"), p.category);
    let due_before = r.due_on;
    shift_binding_deadlines(r, days, calendar, &why);
    r.paused_days = r.paused_days.saturating_add(days);
    Some(PauseEnded { days, why, due_before })
}

/// A pause stops every binding clock: each binding deadline moves by the paused days
/// (rolled to a working day), and the governing date follows; advisory deadlines stay.
pub(crate) fn shift_binding_deadlines(r: &mut SubjectRequest, days: u32, calendar: &Calendar, why: &str) {
    for d in r.deadlines.iter_mut().filter(|d| d.binding) {
        let (new_due, _) = shift_deadline(d.due_on, days, calendar, why);
        if new_due != d.due_on {
            d.explanation = format!("{} ; {why}: {} → {}", d.explanation, d.due_on, new_due);
            d.due_on = new_due;
        }
    }
    r.due_on = governing_date(r);
}

/// The governing date of a request: its earliest binding deadline (the stored `due_on`
/// when it has no deadline rows, as a request imported without them).
pub(crate) fn governing_date(r: &SubjectRequest) -> NaiveDate {
    governing(&r.deadlines).map_or(r.due_on, |d| d.due_on)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::calendar::Calendar;
    use crate::domain::deadline::RuleSet;
    use crate::domain::kind::RequestKind;

    fn d(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }

    /// A synthetic request received on Mon 02.03.2026 with the shipped deadlines.
    fn paused_request(since: &str) -> SubjectRequest {
        // The sample request is synthetic (no real person); only dates matter here.
        let mut r = crate::letters::sample_request(RequestKind::Access, None);
        r.deadlines =
            RuleSet::shipped().deadlines(r.kind, r.received_on, r.registered_on, &Calendar::shipped());
        r.due_on = governing_date(&r);
        r.pause = Some(Pause { since: d(since), category: "clarification".into(), reason: "asked".into() });
        r
    }

    #[test]
    fn paused_days_count_from_the_day_after_the_start() {
        let p = Pause { since: d("2026-03-10"), category: "c".into(), reason: String::new() };
        for (end, days) in [("2026-03-10", 0), ("2026-03-11", 1), ("2026-03-20", 10), ("2026-03-01", 0)] {
            assert_eq!(paused_days(&p, d(end)), days, "pause ended {end}");
        }
    }

    #[test]
    fn ending_a_pause_moves_binding_deadlines_and_accumulates() {
        let cal = Calendar::shipped();
        let mut r = paused_request("2026-03-10");
        r.paused_days = 3;
        let before = r.clone();
        let ended = end_pause(&mut r, d("2026-03-17"), &cal).unwrap();
        assert_eq!(ended.days, 7);
        assert_eq!(ended.why, "paused 10.03.2026 (clarification)");
        assert_eq!(ended.due_before, before.due_on);
        assert_eq!(r.paused_days, 10, "days add to those of earlier pauses");
        assert!(r.pause.is_none());
        for (old, new) in before.deadlines.iter().zip(&r.deadlines) {
            if old.binding {
                let (want, _) = shift_deadline(old.due_on, 7, &cal, "");
                assert_eq!(new.due_on, want, "{} moves by the paused days, rolled", old.rule);
                assert!(new.explanation.contains("paused 10.03.2026"), "{}", new.explanation);
            } else {
                assert_eq!(new, old, "advisory {} stays", old.rule);
            }
        }
        assert_eq!(r.due_on, governing_date(&r));
        assert!(r.due_on > before.due_on);
    }

    #[test]
    fn a_zero_day_pause_changes_no_deadline() {
        let cal = Calendar::shipped();
        let mut r = paused_request("2026-03-10");
        let before = r.clone();
        let ended = end_pause(&mut r, d("2026-03-09"), &cal).unwrap();
        assert_eq!(ended.days, 0, "an answer dated before the pause counts no days");
        assert_eq!(r.deadlines, before.deadlines);
        assert_eq!(r.due_on, before.due_on);
    }

    #[test]
    fn a_request_that_is_not_paused_is_left_alone() {
        let mut r = paused_request("2026-03-10");
        r.pause = None;
        let before = r.clone();
        assert_eq!(end_pause(&mut r, d("2026-03-20"), &Calendar::shipped()), None);
        assert_eq!(r, before);
    }
}
