//! Supervisors' figures: the performance report, the daily digest, and exports.

use chrono::{Datelike, NaiveDate};
use serde::Serialize;

use crate::domain::history::Rag;
use crate::domain::history::Standing;
use crate::domain::kind::{RequestKind, Role};
use crate::domain::request::SubjectRequest;
use crate::domain::validation::field_error;
use crate::model::{
    Ageing, AssigneeFilter, BacklogDay, Cursor, GroupBy, HistoryScope, ListFilter, Page, ReportRow, SortKey,
};

use super::{Error, Result, Session};

/// The report over requests received in `[from, to]`, with a total row.
#[derive(Debug, Clone, Serialize)]
pub struct Report {
    pub from: NaiveDate,
    pub to: NaiveDate,
    pub as_of: NaiveDate,
    /// The target "% in time" from the configuration, for the red/amber/green status.
    pub target: f64,
    pub rows: Vec<ReportRow>,
    pub total: ReportRow,
    /// Answered within the 30-day limit the service promises (the rules' `limit_rule`),
    /// beside "answered in time", which counts the governing deadline (issue 10).
    pub answered_within_limit: Option<i64>,
}

impl Report {
    /// Red, amber or green for a row against the target; `None` when nothing counts.
    pub fn status(&self, r: &ReportRow) -> Option<Rag> {
        r.percent_in_time().map(|p| Rag::of(p, self.target))
    }
}

/// The backlog history and the ageing of open requests.
#[derive(Debug, Clone, Serialize)]
pub struct Backlog {
    pub from: NaiveDate,
    pub as_of: NaiveDate,
    pub days: Vec<BacklogDay>,
    pub ageing: Ageing,
}

/// Every month `YYYY-MM` from the one of `from` to the one of `to`.
pub fn months_between(from: NaiveDate, to: NaiveDate) -> Vec<String> {
    let mut out = Vec::new();
    let (mut y, mut m) = (from.year(), from.month());
    while (y, m) <= (to.year(), to.month()) {
        out.push(format!("{y:04}-{m:02}"));
        (y, m) = if m == 12 { (y + 1, 1) } else { (y, m + 1) };
    }
    out
}

/// A date given as `YYYY-MM` (the first or, with `end`, the last day of that month) or as
/// `YYYY-MM-DD`.
pub fn month_or_date(field: &str, text: &str, end: bool) -> Result<NaiveDate> {
    let t = text.trim();
    if t.len() == 7 {
        let (first, last) = month_range(t).map_err(|_| {
            Error::Invalid(field_error(field, crate::msg!("message.not_a_date_or_month", text = t)))
        })?;
        return Ok(if end { last } else { first });
    }
    Ok(crate::domain::format::parse_date(field, t)?)
}

/// The first and last day of a month given as `YYYY-MM`.
pub fn month_range(month: &str) -> Result<(NaiveDate, NaiveDate)> {
    let bad =
        || Error::Invalid(field_error("month", crate::msg!("message.not_a_month", text = month.trim())));
    let t = month.trim();
    if t.len() != 7 {
        return Err(bad());
    }
    let first = NaiveDate::parse_from_str(&format!("{t}-01"), "%Y-%m-%d").map_err(|_| bad())?;
    let next = if first.month() == 12 {
        NaiveDate::from_ymd_opt(first.year() + 1, 1, 1)
    } else {
        NaiveDate::from_ymd_opt(first.year(), first.month() + 1, 1)
    };
    let last = next.and_then(|n| n.pred_opt()).ok_or_else(bad)?;
    Ok((first, last))
}

/// One line of the digest: no personal data, only what a supervisor needs to act.
#[derive(Debug, Clone, Serialize)]
pub struct DigestItem {
    #[serde(rename = "ref")]
    pub reference: String,
    pub kind: RequestKind,
    pub received_on: NaiveDate,
    pub due_on: NaiveDate,
    pub days_left: i64,
    pub overdue: bool,
    /// The clock is stopped (waiting for the subject).
    pub paused: bool,
}

#[derive(Debug, Clone, Serialize)]
pub struct DigestGroup {
    /// The assignee's login; `None` for unassigned requests.
    pub assignee: Option<String>,
    /// Oldest deadline first.
    pub overdue: Vec<DigestItem>,
    pub due_soon: Vec<DigestItem>,
}

/// The digest's opening figures.
#[derive(Debug, Clone, Default, Serialize)]
pub struct DigestTotals {
    pub open: i64,
    pub overdue: i64,
    pub due_today: i64,
    pub due_soon: i64,
    pub paused: i64,
    pub unassigned: i64,
}

#[derive(Debug, Clone, Serialize)]
pub struct Digest {
    pub as_of: NaiveDate,
    pub due_soon_until: NaiveDate,
    pub totals: DigestTotals,
    pub due_today: Vec<DigestItem>,
    pub groups: Vec<DigestGroup>,
    /// Unassigned requests, oldest receipt first.
    pub new_unassigned: Vec<DigestItem>,
    /// The audit log's last entry, `ID:HASH`, so a reader can later check the log has not
    /// been cut back past this day's digest.
    pub audit_head: Option<String>,
}

impl Session {
    /// The performance report for requests received in `[from, to]`, as they stood at the
    /// end of `as_of` by their history (see `domain::history` for the one definition of "in
    /// time" and of whom a figure counts for; the store keeps each request's replayed
    /// figures, so the report adds them up instead of replaying).
    pub fn report(&self, from: NaiveDate, to: NaiveDate, as_of: NaiveDate, by: GroupBy) -> Result<Report> {
        self.report_in(from, to, as_of, by, &[])
    }

    /// [`Session::report`] of the requests of `offices` (ids; every office the operator sees
    /// when empty).
    pub fn report_in(
        &self,
        from: NaiveDate,
        to: NaiveDate,
        as_of: NaiveDate,
        by: GroupBy,
        offices: &[i64],
    ) -> Result<Report> {
        self.require(Role::Supervisor, "read_reports")?;
        if from > to {
            return Err(Error::Invalid(field_error("from", crate::msg!("message.not_after_to"))));
        }
        let offices =
            self.scoped(&ListFilter { offices: offices.to_vec(), ..ListFilter::default() })?.offices;
        let known = self.offices()?;
        // Read from the figures kept per request and office (the replay's result, written
        // with its events), not replayed here: see `store::figures`.
        let mut rows: Vec<ReportRow> = self.store.read().report_rows(from, to, as_of, by, &offices)?;
        if by == GroupBy::Office {
            for r in &mut rows {
                let id = r.group.as_deref().and_then(|g| g.parse::<i64>().ok());
                r.group = id.map(|id| {
                    known.iter().find(|o| o.id == id).map_or_else(|| format!("#{id}"), |o| o.code.clone())
                });
            }
        }
        let mut fill = |keys: Vec<String>| {
            for k in keys {
                if !rows.iter().any(|r| r.group.as_deref() == Some(k.as_str())) {
                    rows.push(ReportRow { group: Some(k), ..ReportRow::default() });
                }
            }
        };
        match by {
            // Every kind and every month of the range appears, with zeros when none was received.
            GroupBy::Kind => {
                fill(RequestKind::ALL.iter().map(|k| k.code().to_string()).collect());
                rows.sort_by_key(|r| {
                    RequestKind::ALL.iter().position(|k| Some(k.code()) == r.group.as_deref())
                });
            }
            GroupBy::Month => {
                fill(months_between(from, to));
                rows.sort_by(|a, b| a.group.cmp(&b.group));
            }
            // Unassigned last.
            GroupBy::Clerk => rows.sort_by_key(|r| (r.group.is_none(), r.group.clone())),
            // Every office shown (of those the operator sees), in the order of the list.
            GroupBy::Office => {
                fill(
                    known
                        .iter()
                        .filter(|o| offices.is_empty() || offices.contains(&o.id))
                        .map(|o| o.code.clone())
                        .collect(),
                );
                rows.sort_by_key(|r| known.iter().position(|o| Some(o.code.as_str()) == r.group.as_deref()));
            }
        }
        let mut total = ReportRow { group: Some("total".into()), ..ReportRow::default() };
        for r in &rows {
            total.add(r);
        }
        let answered_within_limit = match &self.rules.limit_rule {
            Some(rule) => Some(self.store.read().answered_within(from, to, rule, &offices)?),
            None => None,
        };
        Ok(Report {
            from,
            to,
            as_of,
            target: self.settings.target_percent_in_time,
            rows,
            total,
            answered_within_limit,
        })
    }

    /// Open and overdue requests at the end of each of the `days` days up to `as_of`, and
    /// the ageing of the requests open now.
    pub fn backlog(&self, days: u32, as_of: NaiveDate) -> Result<Backlog> {
        self.backlog_in(days, as_of, &[])
    }

    /// [`Session::backlog`] of `offices` (ids; every office the operator sees when empty).
    pub fn backlog_in(&self, days: u32, as_of: NaiveDate, offices: &[i64]) -> Result<Backlog> {
        self.require(Role::Supervisor, "read_reports")?;
        let offices =
            self.scoped(&ListFilter { offices: offices.to_vec(), ..ListFilter::default() })?.offices;
        if days == 0 || days > 3660 {
            return Err(Error::Invalid(field_error(
                "days",
                crate::msg!("message.between", min = 1u32, max = 3660u32),
            )));
        }
        let from = as_of - chrono::Duration::days(i64::from(days) - 1);
        let read = self.store.read();
        Ok(Backlog {
            from,
            as_of,
            days: read.backlog(from, as_of, &offices)?,
            ageing: read.ageing(as_of, &offices)?,
        })
    }

    /// The state of the queue at the end of `as_of`, replayed from the events (a request
    /// received or registered later does not exist; one answered later is still open):
    /// totals, due today, overdue and due soon per assignee (oldest deadline first), new
    /// unassigned requests, and the audit log's head. For a daily scheduled job.
    pub fn digest(&self, as_of: NaiveDate) -> Result<Digest> {
        self.digest_in(as_of, &[])
    }

    /// [`Session::digest`] of the requests of `offices` (ids; every office the operator sees
    /// when empty).
    pub fn digest_in(&self, as_of: NaiveDate, offices: &[i64]) -> Result<Digest> {
        self.require(Role::Supervisor, "read_digest")?;
        let offices =
            self.scoped(&ListFilter { offices: offices.to_vec(), ..ListFilter::default() })?.offices;
        let until = self.due_soon_limit(as_of);
        let mut totals = DigestTotals::default();
        let (mut due_today, mut new_unassigned) = (Vec::new(), Vec::new());
        let mut groups: Vec<DigestGroup> = Vec::new();
        let read = self.store.read();
        read.for_each_history(HistoryScope::MaybeOpen, as_of, |h| {
            if !offices.is_empty() && !offices.contains(&h.office) {
                return;
            }
            let Some(a) = h.as_of(as_of) else { return };
            let overdue = match a.figure.standing {
                Standing::OpenLate => true,
                Standing::OpenInTime => false,
                _ => return,
            };
            let Ok(kind) = h.kind.parse::<RequestKind>() else { return };
            let item = DigestItem {
                reference: h.reference.clone(),
                kind,
                received_on: h.received_on,
                due_on: a.due,
                days_left: crate::domain::deadline::days_left(a.due, as_of),
                overdue,
                paused: a.paused_now,
            };
            totals.open += 1;
            totals.overdue += i64::from(overdue);
            totals.paused += i64::from(a.paused_now);
            let soon = !overdue && a.due <= until;
            totals.due_soon += i64::from(soon);
            if a.due == as_of {
                totals.due_today += 1;
                due_today.push(item.clone());
            }
            if a.holder.is_none() {
                totals.unassigned += 1;
                new_unassigned.push(item.clone());
            }
            if overdue || soon {
                let g = if let Some(i) = groups.iter().position(|g| g.assignee == a.holder) {
                    &mut groups[i]
                } else {
                    groups.push(DigestGroup {
                        assignee: a.holder.clone(),
                        overdue: vec![],
                        due_soon: vec![],
                    });
                    let last = groups.len() - 1;
                    &mut groups[last]
                };
                if overdue { g.overdue.push(item) } else { g.due_soon.push(item) }
            }
        })?;
        let by_due = |a: &DigestItem, b: &DigestItem| (a.due_on, &a.reference).cmp(&(b.due_on, &b.reference));
        for g in &mut groups {
            g.overdue.sort_by(by_due);
            g.due_soon.sort_by(by_due);
        }
        due_today.sort_by(by_due);
        new_unassigned.sort_by(|a, b| (a.received_on, &a.reference).cmp(&(b.received_on, &b.reference)));
        groups.sort_by(|a, b| (a.assignee.is_none(), &a.assignee).cmp(&(b.assignee.is_none(), &b.assignee)));
        let audit_head = read.audit_head()?.map(|h| h.to_string());
        Ok(Digest { as_of, due_soon_until: until, totals, due_today, groups, new_unassigned, audit_head })
    }

    /// Calls `f` on every request matching `filter`, a page at a time (memory stays flat).
    pub fn for_each(
        &self,
        filter: &ListFilter,
        sort: SortKey,
        mut f: impl FnMut(&SubjectRequest) -> Result<()>,
    ) -> Result<usize> {
        let filter = &self.scoped(filter)?;
        let mut after: Option<Cursor> = None;
        let mut n = 0;
        loop {
            let page = self.store.read().list(
                filter,
                sort,
                &Page { after: after.take(), before: None, limit: 500 },
            )?;
            for r in &page {
                f(r)?;
                n += 1;
            }
            match page.last() {
                Some(last) if page.len() == 500 => after = Some(Cursor::of(last, sort)),
                _ => return Ok(n),
            }
        }
    }

    /// Refuses an export the operator may not make: clerks export only their own requests,
    /// and only masked.
    pub fn check_export(&self, filter: &ListFilter, unmasked: bool) -> Result<()> {
        if self.role() < Role::Supervisor
            && (unmasked || filter.assignee != AssigneeFilter::Is(self.operator.login.clone()))
        {
            self.require(Role::Supervisor, "export_others")?;
        }
        Ok(())
    }

    /// Exports every request matching `filter` through `f`. Full PINs and passports only for
    /// supervisors and admins who ask (`unmasked`); the export is written to the audit log.
    pub fn export(
        &mut self,
        filter: &ListFilter,
        unmasked: bool,
        f: impl FnMut(&SubjectRequest) -> Result<()>,
    ) -> Result<usize> {
        let started = self.begin_export(filter, unmasked)?;
        let result = self.export_rows(filter, f);
        let outcome = match &result {
            Ok(n) => Ok(format!("{n} requests")),
            Err(e) => Err(e.to_string()),
        };
        self.end_disclosure(started, "export", "", outcome)?;
        result
    }

    /// Checks and puts an export on record before its first row leaves (its own committed
    /// entry); returns that entry's number for [`Session::end_disclosure`].
    pub fn begin_export(&mut self, filter: &ListFilter, unmasked: bool) -> Result<i64> {
        self.check_export(filter, unmasked)?;
        self.begin_disclosure("export", "", if unmasked { "unmasked" } else { "masked" })
    }

    /// The rows of an export begun with [`Session::begin_export`].
    pub fn export_rows(
        &self,
        filter: &ListFilter,
        f: impl FnMut(&SubjectRequest) -> Result<()>,
    ) -> Result<usize> {
        self.for_each(filter, SortKey::Reference, f)
    }

    /// The rows of an export begun with [`Session::begin_export`] for a past day `as_of`:
    /// the requests open at the end of that day, as they stood then (see
    /// [`Session::open_as_of`]).
    pub fn export_rows_as_of(
        &self,
        filter: &ListFilter,
        as_of: NaiveDate,
        mut f: impl FnMut(&SubjectRequest) -> Result<()>,
    ) -> Result<usize> {
        let rows = self.open_as_of(filter, as_of)?;
        for r in &rows {
            f(r)?;
        }
        Ok(rows.len())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn months() {
        let d = |s: &str| s.parse::<NaiveDate>().unwrap();
        assert_eq!(month_range("2026-02").unwrap(), (d("2026-02-01"), d("2026-02-28")));
        assert_eq!(month_range("2026-12").unwrap(), (d("2026-12-01"), d("2026-12-31")));
        for bad in ["2026-13", "2026-1", "26-01", "march", "2026-00", ""] {
            assert!(month_range(bad).is_err(), "{bad}");
        }
    }
}
