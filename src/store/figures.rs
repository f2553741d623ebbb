//! Each request's figures kept as spans of days (`request_figures`, migration 0011), so the
//! reports and the backlog add up kept counts instead of replaying every event.
//!
//! The spans are [`History::pieces`](crate::domain::history::History::pieces): exactly what
//! the replay gives for every day. They are rewritten, before the write commits, for every
//! request the write touched (triggers note them in `figures_stale`); the aggregates
//! (`figures_monthly`, `figures_backlog_daily`) follow the spans through triggers. A bulk
//! load rebuilds everything in one pass ([`rebuild_all`], [`rebuild_after`]).

use std::collections::BTreeMap;

use chrono::{Datelike, NaiveDate};
use rusqlite::{Connection, params};

use super::figures_sql::{
    Dialect, KEPT_BACKLOG, KEPT_MONTHLY, recount_backlog, recount_monthly, report_tally,
};
use super::stats::walk_histories;
use super::{Result, SqliteReader};
use crate::domain::history::{Figure, History, Piece, ReportRow, Standing};
use crate::model::GroupBy;

/// `valid_until` of a span that still holds.
const FOREVER: &str = "9999-12-31";

/// The triggers that keep the aggregates in step with the spans, dropped while everything
/// is rebuilt at once.
const AGGREGATE_TRIGGERS: [&str; 2] = ["request_figures_insert", "request_figures_delete"];

/// A span as stored, with the request's month of receipt and kind it is counted under.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Stored {
    received_on: NaiveDate,
    kind: String,
    office: i64,
    piece: Piece,
}

/// The spans a request's history must be kept as, in its office.
fn stored_of(h: &History) -> Vec<Stored> {
    h.pieces()
        .into_iter()
        .map(|piece| Stored { received_on: h.received_on, kind: h.kind.clone(), office: h.office, piece })
        .collect()
}

fn insert_spans(conn: &Connection, id: i64, spans: &[Stored]) -> Result<()> {
    let mut st = conn.prepare_cached(
        "INSERT INTO request_figures (received_on, request_id, valid_from, valid_until, kind, standing, clerk,
            reopened, backdated, paused, extended, office)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12)",
    )?;
    for s in spans {
        let f = &s.piece.figure;
        st.execute(params![
            s.received_on,
            id,
            s.piece.from,
            s.piece.until.map_or_else(|| FOREVER.to_string(), |d| d.to_string()),
            s.kind,
            f.standing.code(),
            f.clerk,
            f.reopened,
            f.backdated,
            f.paused,
            f.extended,
            s.office,
        ])?;
    }
    Ok(())
}

/// The values [`insert_spans`] binds for one span.
const SPAN_WIDTH: usize = 12;

fn span_values(out: &mut Vec<rusqlite::types::Value>, id: i64, s: &Stored) {
    use rusqlite::types::Value;
    let f = &s.piece.figure;
    out.extend([
        Value::Text(s.received_on.to_string()),
        Value::Integer(id),
        Value::Text(s.piece.from.to_string()),
        Value::Text(s.piece.until.map_or_else(|| FOREVER.to_string(), |d| d.to_string())),
        Value::Text(s.kind.clone()),
        Value::Text(f.standing.code().to_string()),
        f.clerk.clone().map_or(Value::Null, Value::Text),
        Value::from(f.reopened),
        Value::from(f.backdated),
        Value::from(f.paused),
        Value::from(f.extended),
        Value::Integer(s.office),
    ]);
}

/// Inserts the spans whose values [`span_values`] gave, many per statement, as
/// [`insert_spans`] would one by one.
fn insert_span_values(conn: &Connection, values: &[rusqlite::types::Value]) -> Result<()> {
    super::requests::insert_many(
        conn,
        "INSERT INTO request_figures (received_on, request_id, valid_from, valid_until, kind, standing, clerk,
            reopened, backdated, paused, extended, office)",
        "",
        SPAN_WIDTH,
        values,
    )
}

fn standing_of(code: &str) -> rusqlite::Result<Standing> {
    Standing::from_code(code).ok_or_else(|| {
        rusqlite::Error::FromSqlConversionFailure(
            0,
            rusqlite::types::Type::Text,
            format!("'{code}' is not a standing").into(),
        )
    })
}

fn stored_spans(conn: &Connection, id: i64) -> Result<Vec<Stored>> {
    let mut st = conn.prepare_cached(
        "SELECT received_on, kind, valid_from, valid_until, standing, clerk, reopened, backdated, paused, extended,
                office
         FROM request_figures INDEXED BY request_figures_request WHERE request_id = ?1 ORDER BY valid_from",
    )?;
    let rows = st
        .query_map([id], |r| {
            let until: String = r.get(3)?;
            Ok(Stored {
                received_on: r.get(0)?,
                kind: r.get(1)?,
                office: r.get(10)?,
                piece: Piece {
                    from: r.get(2)?,
                    until: if until == FOREVER { None } else { until.parse().ok() },
                    figure: Figure {
                        standing: standing_of(&r.get::<_, String>(4)?)?,
                        clerk: r.get(5)?,
                        reopened: r.get(6)?,
                        backdated: r.get(7)?,
                        paused: r.get(8)?,
                        extended: r.get(9)?,
                    },
                },
            })
        })?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    Ok(rows)
}

/// Rewrites the spans of the requests this transaction touched (noted in `figures_stale`).
/// Called by the write path before every commit.
pub(super) fn refresh_stale(conn: &Connection) -> Result<()> {
    let any: bool =
        conn.prepare_cached("SELECT EXISTS (SELECT 1 FROM figures_stale)")?.query_row([], |r| r.get(0))?;
    if !any {
        return Ok(());
    }
    let mut fresh: Vec<(i64, Vec<Stored>)> = Vec::new();
    walk_histories(conn, "r.id IN (SELECT request_id FROM figures_stale)", [], |id, h| {
        fresh.push((id, stored_of(h)));
        Ok(())
    })?;
    for (id, spans) in fresh {
        if stored_spans(conn, id)? == spans {
            continue;
        }
        conn.prepare_cached("DELETE FROM request_figures WHERE request_id = ?1")?.execute([id])?;
        insert_spans(conn, id, &spans)?;
    }
    conn.prepare_cached("DELETE FROM figures_stale")?.execute([])?;
    Ok(())
}

/// Recounts the answers within each deadline from the requests (what `figures_within`
/// must hold; the other recounts are in `figures_sql`).
const RECOUNT_WITHIN: &str =
    "SELECT r.received_on, d.rule, r.office, count(*) FROM requests r JOIN deadlines d ON d.request_id = r.id
    WHERE r.responded_on IS NOT NULL AND r.responded_on <= d.due_on GROUP BY r.received_on, d.rule, r.office";

/// Drops the triggers `names` for a bulk load and returns their own text, so that
/// [`restore_triggers`] recreates them as the migrations defined them.
pub(super) fn drop_triggers(conn: &Connection, names: &[&str]) -> Result<Vec<String>> {
    let mut saved = Vec::new();
    for name in names {
        let sql: String = conn.query_row(
            "SELECT sql FROM sqlite_master WHERE type = 'trigger' AND name = ?1",
            [name],
            |r| r.get(0),
        )?;
        conn.execute_batch(&format!("DROP TRIGGER {name};"))?;
        saved.push(sql);
    }
    Ok(saved)
}

/// Recreates the triggers [`drop_triggers`] dropped.
pub(super) fn restore_triggers(conn: &Connection, saved: Vec<String>) -> Result<()> {
    for sql in saved {
        conn.execute_batch(&sql)?;
    }
    Ok(())
}

/// Replays every request and rewrites all the kept figures in one pass: the migration's
/// backfill and a bulk load's (demo data). The aggregates are recounted once instead of a
/// trigger per span.
pub(super) fn rebuild_all(conn: &Connection) -> Result<()> {
    let saved = drop_triggers(conn, &AGGREGATE_TRIGGERS)?;
    conn.execute_batch(
        "DELETE FROM request_figures; DELETE FROM figures_monthly; DELETE FROM figures_backlog_daily;
         DELETE FROM figures_within; DELETE FROM figures_stale;",
    )?;
    walk_histories(conn, "1 = 1", [], |id, h| insert_spans(conn, id, &stored_of(h)))?;
    conn.execute_batch(&format!(
        "INSERT INTO figures_monthly (month, kind, clerk, standing, reopened, backdated, paused, extended, office, n)
             {};
         INSERT INTO figures_backlog_daily (day, office, open, overdue) {};
         INSERT INTO figures_within (day, rule, office, n) {RECOUNT_WITHIN};",
        recount_monthly(Dialect::Sqlite),
        recount_backlog(Dialect::Sqlite),
    ))?;
    restore_triggers(conn, saved)?;
    Ok(())
}

/// Adds the figures of the requests with ids above `after` (loaded in bulk with the
/// marking triggers suspended): their spans, the aggregates summed set-wise from them per
/// office (as the triggers would add them span by span), and their answers within each
/// deadline.
pub(super) fn rebuild_after(conn: &Connection, after: i64) -> Result<()> {
    // The aggregates are added set-wise from the new spans, as the triggers would add them
    // one span at a time (the triggers were a quarter of a bulk import).
    let saved = drop_triggers(conn, &AGGREGATE_TRIGGERS)?;
    // Many spans per statement (a bulk load's spans, one statement per span, were most of
    // this function).
    let mut values: Vec<rusqlite::types::Value> = Vec::new();
    walk_histories(conn, "r.id > ?1", [after], |id, h| {
        for s in stored_of(h) {
            span_values(&mut values, id, &s);
        }
        if values.len() >= SPAN_WIDTH * 64 {
            insert_span_values(conn, &values)?;
            values.clear();
        }
        Ok(())
    })?;
    insert_span_values(conn, &values)?;
    // `request_figures_insert`, summed: settled spans per month, group and office (each
    // span's own office, as the trigger takes `new.office`) …
    conn.prepare(
        "INSERT INTO figures_monthly (month, kind, clerk, standing, reopened, backdated, paused, extended, office, n)
         SELECT substr(received_on, 1, 7), kind, coalesce(clerk, ''), standing, reopened, backdated, paused,
             extended, office, count(*)
         FROM request_figures INDEXED BY request_figures_request
         WHERE request_id > ?1 AND valid_until = '9999-12-31' AND standing IN ('in_time', 'late', 'withdrawn')
         GROUP BY 1, 2, 3, 4, 5, 6, 7, 8, 9
         ON CONFLICT (month, kind, clerk, standing, reopened, backdated, paused, extended, office)
             DO UPDATE SET n = n + excluded.n",
    )?
    .execute([after])?;
    // … and the open and overdue counts' changes per day and office (a day any span starts
    // or ends on gets a row, as with the trigger, even when its changes sum to nothing).
    conn.prepare(
        "INSERT INTO figures_backlog_daily (day, office, open, overdue)
         SELECT day, office, sum(open), sum(overdue) FROM (
             SELECT valid_from AS day, office, 1 AS open, standing = 'open_late' AS overdue
                 FROM request_figures INDEXED BY request_figures_request
                 WHERE request_id > ?1 AND standing IN ('open_in_time', 'open_late')
             UNION ALL
             SELECT valid_until, office, -1, -(standing = 'open_late')
                 FROM request_figures INDEXED BY request_figures_request
                 WHERE request_id > ?1 AND standing IN ('open_in_time', 'open_late') AND valid_until <> '9999-12-31'
         ) WHERE 1 GROUP BY day, office
         ON CONFLICT (day, office) DO UPDATE SET open = open + excluded.open, overdue = overdue + excluded.overdue",
    )?
    .execute([after])?;
    restore_triggers(conn, saved)?;
    conn.prepare(
        "INSERT INTO figures_within (day, rule, office, n)
         SELECT r.received_on, d.rule, r.office, count(*) FROM requests r JOIN deadlines d ON d.request_id = r.id
         WHERE r.id > ?1 AND r.responded_on IS NOT NULL AND r.responded_on <= d.due_on
         GROUP BY r.received_on, d.rule, r.office
         ON CONFLICT (day, rule, office) DO UPDATE SET n = n + excluded.n",
    )?
    .execute([after])?;
    Ok(())
}

/// The first and last day of the whole months inside `[from, to]`, if there is one.
fn whole_months(from: NaiveDate, to: NaiveDate) -> Option<(NaiveDate, NaiveDate)> {
    let first =
        if from.day() == 1 { from } else { from.with_day(1)?.checked_add_months(chrono::Months::new(1))? };
    let last = match to.succ_opt() {
        Some(next) if next.day() == 1 => to,
        _ => to.with_day(1)?.pred_opt()?,
    };
    (first < last).then_some((first, last))
}

/// One group's figures while they are added up.
struct Tally<'a> {
    by: GroupBy,
    offices: &'a [i64],
    groups: BTreeMap<Option<String>, ReportRow>,
}

impl Tally<'_> {
    fn add(&mut self, r: &rusqlite::Row<'_>, sign: i64) -> rusqlite::Result<()> {
        // Columns: the group (kind, clerk or month), standing, four marks, count.
        let key: Option<String> = r.get(0)?;
        let figure = Figure {
            standing: standing_of(&r.get::<_, String>(1)?)?,
            clerk: None,
            reopened: r.get(2)?,
            backdated: r.get(3)?,
            paused: r.get(4)?,
            extended: r.get(5)?,
        };
        let n: i64 = r.get(6)?;
        self.groups
            .entry(key.clone())
            .or_insert_with(|| ReportRow { group: key, ..ReportRow::default() })
            .count_n(&figure, sign * n);
        Ok(())
    }

    /// `SELECT` of the group, standing, marks and count over `from` (spans or the monthly
    /// sums) where `filter`, summed by `SQLite` so that only a few rows reach Rust.
    fn sql(&self, from: &str, filter: &str) -> String {
        report_tally(self.by, from, filter, self.offices)
    }

    fn read(&mut self, conn: &Connection, sql: &str, p: impl rusqlite::Params, sign: i64) -> Result<()> {
        let mut st = conn.prepare_cached(sql)?;
        let mut rows = st.query(p)?;
        while let Some(r) = rows.next()? {
            self.add(r, sign)?;
        }
        Ok(())
    }
}

impl SqliteReader<'_> {
    /// The report's rows for requests received in `[from, to]` as they stood at the end of
    /// `as_of`, grouped `by` kind, clerk or month of receipt: exactly what replaying their
    /// events gives (`domain::history`), read from the kept spans. Whole months come from
    /// `figures_monthly`, corrected by the spans that still change after `as_of`; the days
    /// of a part month are read span by span. Groups where nothing counts are left out.
    pub fn report_rows(
        &self,
        from: NaiveDate,
        to: NaiveDate,
        as_of: NaiveDate,
        by: GroupBy,
        offices: &[i64],
    ) -> Result<Vec<ReportRow>> {
        let to = to.min(as_of);
        let mut tally = Tally { by, offices, groups: BTreeMap::new() };
        if from <= to {
            let mut parts: Vec<(NaiveDate, NaiveDate)> = Vec::new();
            match whole_months(from, to) {
                Some((first, last)) => {
                    self.whole_months(&mut tally, first, last, as_of)?;
                    if let Some(before) = first.pred_opt().filter(|d| *d >= from) {
                        parts.push((from, before));
                    }
                    if let Some(after) = last.succ_opt().filter(|d| *d <= to) {
                        parts.push((after, to));
                    }
                }
                None => parts.push((from, to)),
            }
            for (a, b) in parts {
                // `+` keeps the span dates out of the index choice: the days of receipt
                // (the table's own order) are the narrow range here.
                let sql = tally.sql(
                    "request_figures",
                    "received_on BETWEEN ?1 AND ?2 AND +valid_from <= ?3 AND +valid_until > ?3",
                );
                tally.read(self.conn, &sql, params![a, b, as_of], 1)?;
            }
        }
        Ok(tally.groups.into_values().filter(|r| r.received != 0).collect())
    }

    fn whole_months(
        &self,
        tally: &mut Tally<'_>,
        first: NaiveDate,
        last: NaiveDate,
        as_of: NaiveDate,
    ) -> Result<()> {
        let month = |d: NaiveDate| d.format("%Y-%m").to_string();
        // Spans that hold for good, as if every one had begun by `as_of`…
        let sql = tally.sql("figures_monthly", "month BETWEEN ?1 AND ?2 AND n <> 0");
        tally.read(self.conn, &sql, params![month(first), month(last)], 1)?;
        // …less those that begin after it…
        let sql = tally.sql(
            "request_figures INDEXED BY request_figures_settled",
            "settled = 1 AND valid_from > ?3 AND received_on BETWEEN ?1 AND ?2",
        );
        tally.read(self.conn, &sql, params![first, last, as_of], -1)?;
        // …and the spans that hold on `as_of` but end or change later.
        let sql = tally.sql(
            "request_figures INDEXED BY request_figures_live",
            "settled = 0 AND valid_until > ?3 AND valid_from <= ?3 AND received_on BETWEEN ?1 AND ?2",
        );
        tally.read(self.conn, &sql, params![first, last, as_of], 1)?;
        Ok(())
    }

    /// Where the kept figures differ from a full replay and a recount (empty when they
    /// agree): every request's spans, the monthly and backlog sums, the answers within each
    /// deadline. Reads every request and event: for `aryz check`.
    pub fn figures_drift(&self) -> Result<Vec<String>> {
        let conn = self.conn;
        let mut out = Vec::new();
        let stale: i64 = conn.query_row("SELECT count(*) FROM figures_stale", [], |r| r.get(0))?;
        if stale > 0 {
            out.push(format!("the figures of {stale} requests wait to be rewritten"));
        }
        let mut wrong = 0usize;
        let mut first: Vec<String> = Vec::new();
        walk_histories(conn, "1 = 1", [], |id, h| {
            if stored_spans(conn, id)? != stored_of(h) {
                wrong += 1;
                if first.len() < 5 {
                    first.push(h.reference.clone());
                }
            }
            Ok(())
        })?;
        let orphans: i64 = conn.query_row(
            "SELECT count(DISTINCT request_id) FROM request_figures WHERE request_id NOT IN (SELECT id FROM requests)",
            [],
            |r| r.get(0),
        )?;
        if wrong > 0 {
            out.push(format!(
                "kept figures of {wrong} requests differ from a replay of their events (first: {})",
                first.join(", ")
            ));
        }
        if orphans > 0 {
            out.push(format!("kept figures of {orphans} requests that do not exist"));
        }
        for (what, kept, recount) in [
            ("monthly figures", KEPT_MONTHLY, recount_monthly(Dialect::Sqlite)),
            ("backlog changes", KEPT_BACKLOG, recount_backlog(Dialect::Sqlite)),
            (
                "answers within a deadline",
                "SELECT day, rule, office, n FROM figures_within WHERE n <> 0",
                RECOUNT_WITHIN.to_string(),
            ),
        ] {
            let n = differing(conn, kept, &recount)?;
            if n > 0 {
                out.push(format!("{what}: {n} rows differ from a recount"));
            }
        }
        Ok(out)
    }
}

/// Rows of `kept` not in `recount` and the other way round (zero rows left out of both).
fn differing(conn: &Connection, kept: &str, recount: &str) -> Result<i64> {
    let sql = format!(
        "WITH kept AS ({kept}), recount AS ({recount})
         SELECT (SELECT count(*) FROM (SELECT * FROM kept EXCEPT SELECT * FROM recount))
              + (SELECT count(*) FROM (SELECT * FROM recount EXCEPT SELECT * FROM kept))"
    );
    Ok(conn.query_row(&sql, [], |r| r.get(0))?)
}
