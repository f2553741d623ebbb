//! No silent drift: the stored deadlines of open requests compared with what today's rules
//! and calendar give, and, on an administrator's word, rewritten with an event and an
//! audit entry each, all in one transaction.

use chrono::NaiveDate;
use serde::Serialize;

use crate::domain::calendar::Calendar;
use crate::domain::deadline::{Deadline, RuleSet, governing};
use crate::domain::kind::Role;
use crate::domain::request::SubjectRequest;
use crate::model::{Cursor, Event, EventKind, ListFilter, Page, SortKey};
use crate::store::{Reader, Tx};

use super::{Ctx, Result, Session};

/// One stored deadline that today's rules and calendar would give differently.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct DeadlineDrift {
    pub reference: String,
    pub rule: String,
    /// `None`: the rule is new for this request (or, for `new`, no longer applies).
    pub old: Option<NaiveDate>,
    pub new: Option<NaiveDate>,
    /// What changes besides the date: binding-ness or the provisional mark.
    pub what: String,
}

/// A request whose deadlines differ, with the governing date before and after.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RequestDrift {
    pub reference: String,
    pub old_due: NaiveDate,
    pub new_due: NaiveDate,
    pub changes: Vec<DeadlineDrift>,
    #[serde(skip)]
    fresh: Vec<Deadline>,
}

/// What a recomputation found: the requests that differ and those left alone because an
/// extension or a pause moved their deadlines (those are checked by hand).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Drift {
    pub requests: Vec<RequestDrift>,
    pub skipped: Vec<String>,
}

impl Drift {
    pub fn rows(&self) -> impl Iterator<Item = &DeadlineDrift> {
        self.requests.iter().flat_map(|r| r.changes.iter())
    }
}

/// Compares one request's stored deadlines with `fresh` ones.
fn compare(r: &SubjectRequest, fresh: &[Deadline]) -> Vec<DeadlineDrift> {
    let mut out = Vec::new();
    for f in fresh {
        let stored = r.deadlines.iter().find(|d| d.rule == f.rule);
        let mut what = Vec::new();
        if let Some(s) = stored {
            if s.binding != f.binding {
                what.push(if f.binding { "now binding" } else { "now advisory" });
            }
            if s.provisional.is_some() != f.provisional.is_some() {
                what.push(if f.provisional.is_some() { "now provisional" } else { "now firm" });
            }
            if s.due_on == f.due_on && what.is_empty() {
                continue;
            }
        } else {
            what.push("new rule");
        }
        out.push(DeadlineDrift {
            reference: r.reference.clone(),
            rule: f.rule.clone(),
            old: stored.map(|s| s.due_on),
            new: Some(f.due_on),
            what: what.join(", "),
        });
    }
    for s in r.deadlines.iter().filter(|s| !fresh.iter().any(|f| f.rule == s.rule)) {
        out.push(DeadlineDrift {
            reference: r.reference.clone(),
            rule: s.rule.clone(),
            old: Some(s.due_on),
            new: None,
            what: "rule no longer applies".into(),
        });
    }
    out
}

/// Every open request whose stored deadlines differ from `rules` on `cal`.
pub(super) fn find_drift(read: &Reader<'_>, rules: &RuleSet, cal: &Calendar) -> Result<Drift> {
    let mut drift = Drift::default();
    let mut page = Page { limit: 500, ..Page::default() };
    loop {
        let rows = read.list(&ListFilter::default(), SortKey::Reference, &page)?;
        let Some(last) = rows.last() else { break };
        page.after = Some(Cursor::of(last, SortKey::Reference));
        for r in rows {
            let fresh = rules.deadlines(r.kind, r.received_on, r.registered_on, cal);
            let changes = compare(&r, &fresh);
            if changes.is_empty() {
                continue;
            }
            // An extension or a pause moved the stored dates on purpose; recomputing from
            // the rules alone would undo it.
            if r.extensions > 0 || r.paused_days > 0 || r.pause.is_some() {
                drift.skipped.push(r.reference.clone());
                continue;
            }
            let new_due = governing(&fresh).map_or(r.due_on, |d| d.due_on);
            drift.requests.push(RequestDrift {
                reference: r.reference.clone(),
                old_due: r.due_on,
                new_due,
                changes,
                fresh,
            });
        }
    }
    Ok(drift)
}

/// Rewrites the drifted requests: deadlines, governing date, an event and an audit entry each.
fn apply(tx: &Tx<'_>, ctx: &Ctx<'_>, drift: &Drift) -> Result<()> {
    for d in &drift.requests {
        let Some(mut r) = tx.read().request_by_ref(&d.reference)? else { continue };
        let why: Vec<String> = d
            .changes
            .iter()
            .map(|c| {
                let date = |x: Option<NaiveDate>| x.map_or("—".to_string(), |x| x.to_string());
                let mut s = format!("{} {} → {}", c.rule, date(c.old), date(c.new));
                if !c.what.is_empty() {
                    s.push_str(&format!(" ({})", c.what));
                }
                s
            })
            .collect();
        let text = format!("recomputed under the rules and calendar in force: {}", why.join("; "));
        for c in d.changes.iter().filter(|c| c.new.is_none()) {
            tx.delete_deadline(r.id, &c.rule)?;
        }
        r.deadlines.clone_from(&d.fresh);
        r.due_on = d.new_due;
        tx.update_request(&r, &ctx.now)?;
        for dl in &r.deadlines {
            tx.put_deadline(r.id, dl)?;
        }
        tx.insert_event(
            r.id,
            &Event::new(EventKind::DeadlineChanged, ctx.login, &ctx.now)
                .change(Some(d.old_due.to_string()), Some(d.new_due.to_string()))
                .text(text),
        )?;
        tx.audit(&ctx.now, ctx.login, "recompute", &r.reference, &format!("{} → {}", d.old_due, d.new_due))?;
    }
    Ok(())
}

impl Session {
    /// The open requests whose stored deadlines differ from today's rules and calendar
    /// (supervisors and administrators).
    pub fn drift(&self) -> Result<Drift> {
        self.require(Role::Supervisor, "compare_deadlines")?;
        find_drift(&self.store.read(), &self.rules, &self.calendar)
    }

    /// What `calendar` (a calendar about to be saved) would change, against the current rules.
    pub(crate) fn drift_under(&self, calendar: &Calendar) -> Result<Drift> {
        find_drift(&self.store.read(), &self.rules, calendar)
    }

    /// Rewrites every drifted request in one transaction (administrators). Returns what
    /// was rewritten; the comparison is made again inside the transaction, so what is
    /// written is what is true at that moment.
    pub fn recompute_apply(&mut self) -> Result<Drift> {
        self.require(Role::Admin, "recompute_deadlines")?;
        self.write(|tx, ctx| {
            let drift = find_drift(&tx.read(), ctx.rules, ctx.calendar)?;
            apply(tx, ctx, &drift)?;
            Ok(drift)
        })
    }
}
