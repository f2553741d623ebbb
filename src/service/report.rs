//! Supervisors' figures: the performance report, the daily digest, and exports.

use chrono::{Datelike, NaiveDate};
use serde::Serialize;

use crate::domain::kind::{RequestKind, Role};
use crate::domain::request::SubjectRequest;
use crate::domain::validation::field_error;
use crate::store::{AssigneeFilter, Cursor, GroupBy, ListFilter, Page, ReportRow, SortKey};

use super::{Error, Result, Session};

/// The report over requests received in `[from, to]`, with a total row.
#[derive(Debug, Clone, Serialize)]
pub struct Report {
    pub from: NaiveDate,
    pub to: NaiveDate,
    pub as_of: NaiveDate,
    pub rows: Vec<ReportRow>,
    pub total: ReportRow,
    /// Answered within the 30-day limit the service promises (the rules' `limit_rule`),
    /// beside "answered in time", which counts the governing deadline (issue 10).
    pub answered_within_limit: Option<i64>,
}

/// The first and last day of a month given as `YYYY-MM`.
pub fn month_range(month: &str) -> Result<(NaiveDate, NaiveDate)> {
    let bad =
        || Error::Invalid(field_error("month", &format!("'{}' is not a month like 2026-03", month.trim())));
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
    pub due_on: NaiveDate,
    pub days_left: i64,
    pub overdue: bool,
}

#[derive(Debug, Clone, Serialize)]
pub struct DigestGroup {
    /// The assignee's login; `None` for unassigned requests.
    pub assignee: Option<String>,
    pub overdue: Vec<DigestItem>,
    pub due_soon: Vec<DigestItem>,
}

#[derive(Debug, Clone, Serialize)]
pub struct Digest {
    pub as_of: NaiveDate,
    pub due_soon_until: NaiveDate,
    pub groups: Vec<DigestGroup>,
}

impl Session {
    /// The performance report for requests received in `[from, to]`, as of `as_of`.
    pub fn report(&self, from: NaiveDate, to: NaiveDate, as_of: NaiveDate, by: GroupBy) -> Result<Report> {
        self.require(Role::Supervisor, "read reports")?;
        if from > to {
            return Err(Error::Invalid(field_error("from", "must not be after --to")));
        }
        let mut rows = self.store.read().report(from, to, as_of, by)?;
        if by == GroupBy::Kind {
            // Every kind appears, with zeros when none was received.
            for k in RequestKind::ALL {
                if !rows.iter().any(|r| r.group.as_deref() == Some(k.code())) {
                    rows.push(ReportRow { group: Some(k.code().to_string()), ..ReportRow::default() });
                }
            }
            rows.sort_by_key(|r| RequestKind::ALL.iter().position(|k| Some(k.code()) == r.group.as_deref()));
        }
        let mut total = ReportRow { group: Some("total".into()), ..ReportRow::default() };
        for r in &rows {
            total.add(r);
        }
        let answered_within_limit = match &self.rules.limit_rule {
            Some(rule) => Some(self.store.read().answered_within(from, to, rule)?),
            None => None,
        };
        Ok(Report { from, to, as_of, rows, total, answered_within_limit })
    }

    /// Overdue and due-soon requests per assignee as of `as_of`; for a daily scheduled job.
    pub fn digest(&self, as_of: NaiveDate) -> Result<Digest> {
        self.require(Role::Supervisor, "read the digest")?;
        let until = self.due_soon_limit(as_of);
        let mut groups: Vec<DigestGroup> = Vec::new();
        let mut push = |r: &SubjectRequest, overdue: bool| {
            let item = DigestItem {
                reference: r.reference.clone(),
                kind: r.kind,
                due_on: r.due_on,
                days_left: r.days_left(as_of),
                overdue,
            };
            let g = match groups.iter_mut().position(|g| g.assignee == r.assignee) {
                Some(i) => &mut groups[i],
                None => {
                    groups.push(DigestGroup {
                        assignee: r.assignee.clone(),
                        overdue: vec![],
                        due_soon: vec![],
                    });
                    let last = groups.len() - 1;
                    &mut groups[last]
                }
            };
            if overdue { g.overdue.push(item) } else { g.due_soon.push(item) }
        };
        let overdue = ListFilter { overdue_as_of: Some(as_of), ..ListFilter::default() };
        self.for_each(&overdue, SortKey::Due, |r| {
            push(r, true);
            Ok(())
        })?;
        let soon = ListFilter { due_from: Some(as_of), due_to: Some(until), ..ListFilter::default() };
        self.for_each(&soon, SortKey::Due, |r| {
            if !r.is_overdue(as_of) {
                push(r, false);
            }
            Ok(())
        })?;
        groups.sort_by(|a, b| match (&a.assignee, &b.assignee) {
            (None, None) => std::cmp::Ordering::Equal,
            (None, _) => std::cmp::Ordering::Greater,
            (_, None) => std::cmp::Ordering::Less,
            (Some(x), Some(y)) => x.cmp(y),
        });
        Ok(Digest { as_of, due_soon_until: until, groups })
    }

    /// Calls `f` on every request matching `filter`, a page at a time (memory stays flat).
    pub fn for_each(
        &self,
        filter: &ListFilter,
        sort: SortKey,
        mut f: impl FnMut(&SubjectRequest) -> Result<()>,
    ) -> Result<usize> {
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
            self.require(
                Role::Supervisor,
                "export requests other than their own or with full personal data",
            )?;
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
