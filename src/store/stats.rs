//! Aggregates for reports: counts over a cohort of requests received in a date range.

use chrono::NaiveDate;

use super::figures_sql::{Dialect, office_in};
use super::{Result, SqliteReader};
use crate::domain::history::{Happening, History, Step};
use crate::model::{Ageing, BacklogDay, HistoryScope};

/// The recorded changes a history is replayed from.
const HISTORY_KINDS: &str = "'assigned', 'responded', 'withdrawn', 'reopened', 'deadline_changed', 'paused', 'resumed', 'status_changed'";

/// A request as read for its history.
pub(super) struct Head {
    pub(super) id: i64,
    pub(super) received_on: NaiveDate,
    pub(super) registered_on: NaiveDate,
    pub(super) kind: String,
    pub(super) due_on: NaiveDate,
    pub(super) reference: String,
    pub(super) assignee: Option<String>,
    pub(super) status: String,
    pub(super) responded_on: Option<NaiveDate>,
    pub(super) closed_on: Option<NaiveDate>,
    pub(super) office: i64,
}

/// One event row as read for a history.
pub(super) struct RawEvent {
    pub(super) at: String,
    pub(super) actor: String,
    pub(super) kind: String,
    pub(super) old: Option<String>,
    pub(super) new: Option<String>,
    pub(super) effective_on: Option<String>,
}

fn day_of(at: &str) -> Option<NaiveDate> {
    at.get(..10).and_then(|d| d.parse().ok())
}

/// Turns a request's event rows into its history. The governing deadline an answer is
/// measured against is the one in force once its own transaction (which may end a pause and
/// move the deadline) was recorded.
pub(super) fn history_of(head: &Head, events: &[RawEvent]) -> History {
    let (received_on, registered_on, kind, due_now) =
        (head.received_on, head.registered_on, head.kind.clone(), head.due_on);
    let reference = head.reference.clone();
    // Requests loaded in bulk (or by older versions) may lack the events of their current
    // state: their assignee held them from the start, and their answer or withdrawal
    // happened on its stored date.
    let first_holder = match events.iter().find(|e| e.kind == "assigned") {
        Some(e) => e.old.clone(),
        None => head.assignee.clone(),
    };
    let first_due = events
        .iter()
        .find(|e| e.kind == "deadline_changed")
        .and_then(|e| e.old.as_deref())
        .and_then(|d| d.parse().ok())
        .unwrap_or(due_now);
    let mut steps = Vec::with_capacity(events.len());
    let mut due = first_due;
    for (i, e) in events.iter().enumerate() {
        let Some(day) = day_of(&e.at) else { continue };
        let same_time = || events.iter().filter(move |o| o.at == e.at);
        let what = match e.kind.as_str() {
            "assigned" => Happening::Assigned(e.new.clone()),
            "responded" => {
                let due_then = events[i..]
                    .iter()
                    .take_while(|o| o.at == e.at)
                    .filter(|o| o.kind == "deadline_changed")
                    .filter_map(|o| o.new.as_deref().and_then(|d| d.parse().ok()))
                    .last()
                    .unwrap_or(due);
                let on = e.effective_on.as_deref().and_then(|d| d.parse().ok()).unwrap_or(day);
                Happening::Answered { by: e.actor.clone(), on, due: due_then }
            }
            "withdrawn" => Happening::Withdrawn,
            "reopened" => {
                // The status it reopened into follows, as a status change would.
                steps.push(Step { day, what: Happening::Reopened });
                match &e.new {
                    Some(code) => Happening::Status(code.clone()),
                    None => continue,
                }
            }
            "deadline_changed" => {
                let Some(to) = e.new.as_deref().and_then(|d| d.parse().ok()) else { continue };
                due = to;
                let extension = !same_time().any(|o| o.kind == "resumed" || o.kind == "responded");
                Happening::DueChanged { to, extension }
            }
            "paused" => Happening::Paused,
            "resumed" => Happening::Resumed,
            "status_changed" => match &e.new {
                Some(code) => Happening::Status(code.clone()),
                None => continue,
            },
            _ => continue,
        };
        steps.push(Step { day, what });
    }
    let has = |k: &str| events.iter().any(|e| e.kind == k);
    if head.status == "answered"
        && !has("responded")
        && let Some(on) = head.responded_on
    {
        let by = head.assignee.clone().unwrap_or_default();
        steps.push(Step { day: on, what: Happening::Answered { by, on, due } });
    }
    if head.status == "withdrawn"
        && !has("withdrawn")
        && let Some(on) = head.closed_on
    {
        steps.push(Step { day: on, what: Happening::Withdrawn });
    }
    steps.sort_by_key(|s| s.day);
    History {
        reference,
        received_on,
        registered_on,
        kind,
        first_due,
        first_holder,
        steps,
        office: head.office,
    }
}

impl SqliteReader<'_> {
    /// Calls `f` with the history of every request in `scope` received and registered on or
    /// before `as_of`. One pass over the requests in order with their events; memory holds
    /// one history at a time.
    pub fn for_each_history(
        &self,
        scope: HistoryScope,
        as_of: NaiveDate,
        mut f: impl FnMut(&History),
    ) -> Result<()> {
        let (filter, from, to) = match scope {
            HistoryScope::Received { from, to } => ("r.received_on BETWEEN ?1 AND ?2", from, to.min(as_of)),
            // Open now, closed on or after the day, or changed since (a backdated answer
            // recorded later). Written as three parts, each read through an index of its own
            // (migration 0016): as one OR the planner scanned every request.
            HistoryScope::MaybeOpen => (
                "r.id IN (SELECT id FROM requests WHERE is_open = 1
                          UNION ALL SELECT id FROM requests WHERE is_open = 0 AND closed_on >= ?1
                          UNION ALL SELECT id FROM requests WHERE is_open = 0 AND updated_at >= ?1)
                 AND r.received_on <= ?2",
                as_of,
                as_of,
            ),
        };
        let filter = format!("{filter} AND r.registered_on <= ?3");
        walk_histories(self.conn, &filter, rusqlite::params![from, to, as_of], |_, h| {
            f(h);
            Ok(())
        })
    }
}

/// Calls `f` with the id and history of every request matching `filter` (SQL over `r`, the
/// requests), in order of id. Every event is read (the first deadline change names the
/// deadline it started from); a replay stops at its own day.
pub(super) fn walk_histories(
    conn: &rusqlite::Connection,
    filter: &str,
    params: impl rusqlite::Params,
    mut f: impl FnMut(i64, &History) -> Result<()>,
) -> Result<()> {
    // Before migration 0013 (figures rebuilt by migration 0011) every request is in office 1.
    let office = if conn
        .prepare_cached("SELECT 1 FROM pragma_table_info('requests') WHERE name = 'office'")?
        .exists([])?
    {
        "r.office"
    } else {
        "1"
    };
    let sql = format!(
        "SELECT r.id, r.received_on, r.registered_on, r.kind, r.due_on, r.ref, e.at, e.actor, e.kind, e.old_value,
                e.new_value, e.effective_on, r.assignee, r.status, r.responded_on, r.closed_on, {office}
         FROM requests r
         LEFT JOIN events e ON e.request_id = r.id AND e.kind IN ({HISTORY_KINDS})
         WHERE {filter}
         ORDER BY r.id, e.id"
    );
    let mut st = conn.prepare_cached(&sql)?;
    let mut rows = st.query(params)?;
    let mut current: Option<Head> = None;
    let mut events: Vec<RawEvent> = Vec::new();
    while let Some(r) = rows.next()? {
        let id: i64 = r.get(0)?;
        if current.as_ref().is_some_and(|c| c.id != id) {
            if let Some(head) = current.take() {
                f(head.id, &history_of(&head, &events))?;
            }
            events.clear();
        }
        if current.is_none() {
            current = Some(Head {
                id,
                received_on: r.get(1)?,
                registered_on: r.get(2)?,
                kind: r.get(3)?,
                due_on: r.get(4)?,
                reference: r.get(5)?,
                assignee: r.get(12)?,
                status: r.get(13)?,
                responded_on: r.get(14)?,
                closed_on: r.get(15)?,
                office: r.get(16)?,
            });
        }
        if let Some(at) = r.get::<_, Option<String>>(6)? {
            events.push(RawEvent {
                at,
                actor: r.get(7)?,
                kind: r.get(8)?,
                old: r.get(9)?,
                new: r.get(10)?,
                effective_on: r.get(11)?,
            });
        }
    }
    if let Some(head) = current.take() {
        f(head.id, &history_of(&head, &events))?;
    }
    Ok(())
}

impl SqliteReader<'_> {
    /// Days and kinds whose kept figures differ from a recount of the requests (empty when
    /// the triggers kept `stats_daily` right). Reads every request: for `aryz check`.
    pub fn stats_drift(&self) -> Result<Vec<String>> {
        let mut st = self.conn.prepare(&super::figures_sql::stats_drift(Dialect::Sqlite))?;
        let rows = st
            .query_map([], |r| {
                Ok(format!(
                    "daily figures of {} / {} differ from a recount",
                    r.get::<_, String>(0)?,
                    r.get::<_, String>(1)?
                ))
            })?
            .collect::<rusqlite::Result<Vec<_>>>()?;
        Ok(rows)
    }
}

impl SqliteReader<'_> {
    /// Open and overdue requests at the end of each day of `[from, to]`, as the events
    /// recorded them by that day (the replay's standing, see `domain::history`): a running
    /// sum of the per-day changes kept in `figures_backlog_daily`, a few thousand rows.
    pub fn backlog(&self, from: NaiveDate, to: NaiveDate, offices: &[i64]) -> Result<Vec<BacklogDay>> {
        let mut st = self.conn.prepare_cached(&super::figures_sql::backlog(Dialect::Sqlite, offices))?;
        let rows = st
            .query_map(rusqlite::params![from.to_string(), to.to_string()], |r| {
                Ok(BacklogDay { day: r.get(0)?, open: r.get(1)?, overdue: r.get(2)? })
            })?
            .collect::<rusqlite::Result<Vec<_>>>()?;
        Ok(rows)
    }

    /// The requests of `offices` open now, by days since receipt as of `today`.
    pub fn ageing(&self, today: NaiveDate, offices: &[i64]) -> Result<Ageing> {
        let day = |n: i64| (today - chrono::Duration::days(n)).to_string();
        let mut st = self.conn.prepare_cached(&format!(
            "SELECT coalesce(sum(received_on >= ?1), 0), coalesce(sum(received_on < ?1 AND received_on >= ?2), 0),
                    coalesce(sum(received_on < ?2 AND received_on >= ?3), 0), coalesce(sum(received_on < ?3), 0)
             FROM requests INDEXED BY requests_open_received WHERE is_open = 1{}",
            office_in("office", offices)
        ))?;
        Ok(st.query_row(rusqlite::params![day(7), day(14), day(30)], |r| {
            Ok(Ageing {
                days_0_7: r.get(0)?,
                days_8_14: r.get(1)?,
                days_15_30: r.get(2)?,
                over_30: r.get(3)?,
            })
        })?)
    }
}
