//! Each request's figures kept as spans of days on PostgreSQL (migration 0003, SQLite's
//! 0011): the same replay as `History::pieces`, run by the server (migration 0004's
//! `aryz_request_spans`) before every commit for the requests the transaction touched
//! (marked in `figures_stale` by triggers); the sums follow the spans by statement-level
//! triggers. `aryz check` compares them with aryz's own replay (`figures_drift`).

use std::cell::RefCell;
use std::collections::{BTreeMap, HashMap};

use chrono::NaiveDate;
use postgres::Row;

use super::reads::walk_histories;
use super::{Conn, PgReader, borrow, date, ds, get};
use crate::domain::history::{Figure, History, Piece, ReportRow, Standing};
use crate::model::GroupBy;
use crate::store::figures_sql::{
    Dialect, KEPT_BACKLOG, KEPT_MONTHLY, recount_backlog, recount_monthly, report_tally,
};
use crate::store::{Result, StoreError};

/// `valid_until` of a span that still holds.
const FOREVER: &str = "9999-12-31";

/// Requests replayed and rewritten per round trip.
const CHUNK: usize = 2_000;

/// A span as stored, with the request's day of receipt and kind it is counted under.
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

fn standing_of(code: &str) -> Result<Standing> {
    Standing::from_code(code).ok_or_else(|| StoreError::Corrupt(format!("'{code}' is not a standing")))
}

/// The stored spans of the requests `ids`, by request, each in order of `valid_from`.
fn stored_spans(conn: &RefCell<Conn>, ids: &[i64]) -> Result<HashMap<i64, Vec<Stored>>> {
    let rows = borrow(conn)?.query(
        "SELECT request_id, received_on, kind, valid_from, valid_until, standing, clerk, reopened, backdated,
                paused, extended, office
         FROM request_figures WHERE request_id = ANY ($1) ORDER BY request_id, valid_from",
        &[&ids],
    )?;
    let mut out: HashMap<i64, Vec<Stored>> = HashMap::new();
    for r in &rows {
        let until: String = get(r, 4)?;
        let s = Stored {
            received_on: date(r, 1)?,
            kind: get(r, 2)?,
            office: get(r, 11)?,
            piece: Piece {
                from: date(r, 3)?,
                until: if until == FOREVER { None } else { Some(date(r, 4)?) },
                figure: Figure {
                    standing: standing_of(&get::<String>(r, 5)?)?,
                    clerk: get(r, 6)?,
                    reopened: get(r, 7)?,
                    backdated: get(r, 8)?,
                    paused: get(r, 9)?,
                    extended: get(r, 10)?,
                },
            },
        };
        out.entry(get(r, 0)?).or_default().push(s);
    }
    Ok(out)
}

/// Rewrites the spans of every request marked in `figures_stale`, inside the open
/// transaction: called by the write path before every commit (and after a migration). The
/// server replays the events itself (`aryz_figures_refresh`, migration 0004): no figures go
/// from aryz to the server, so no login role can file figures of its own making.
pub(super) fn refresh_stale(conn: &RefCell<Conn>) -> Result<()> {
    let limit = i32::try_from(CHUNK).unwrap_or(i32::MAX);
    loop {
        let done: i32 = get(&borrow(conn)?.query_one("SELECT aryz_figures_refresh($1)", &[&limit])?, 0)?;
        if done < limit {
            return Ok(());
        }
    }
}

impl PgReader<'_> {
    /// The report's rows for requests received in `[from, to]` as they stood at the end of
    /// `as_of`, grouped `by`: the spans holding on `as_of`, summed by the server. Groups
    /// where nothing counts are left out.
    pub fn report_rows(
        &self,
        from: NaiveDate,
        to: NaiveDate,
        as_of: NaiveDate,
        by: GroupBy,
        offices: &[i64],
    ) -> Result<Vec<ReportRow>> {
        let to = to.min(as_of);
        let mut groups: BTreeMap<Option<String>, ReportRow> = BTreeMap::new();
        if from <= to {
            let sql = report_tally(
                by,
                "request_figures",
                "received_on BETWEEN $1 AND $2 AND valid_from <= $3 AND valid_until > $3",
                offices,
            );
            let rows = borrow(self.conn)?.query(&sql, &[&ds(from), &ds(to), &ds(as_of)])?;
            for r in &rows {
                add(&mut groups, r)?;
            }
        }
        Ok(groups.into_values().filter(|r| r.received != 0).collect())
    }

    /// Where the kept figures differ from a full replay and a recount (empty when they
    /// agree). Reads every request and event: for `aryz check`.
    pub fn figures_drift(&self) -> Result<Vec<String>> {
        let mut out = Vec::new();
        let stale: i64 = get(&borrow(self.conn)?.query_one("SELECT count(*) FROM figures_stale", &[])?, 0)?;
        if stale > 0 {
            out.push(format!("the figures of {stale} requests wait to be rewritten"));
        }
        let mut wrong = 0usize;
        let mut first: Vec<String> = Vec::new();
        self.snapshot(|| {
            let ids: Vec<i64> = borrow(self.conn)?
                .query("SELECT id FROM requests ORDER BY id", &[])?
                .iter()
                .map(|r| get(r, 0))
                .collect::<Result<_>>()?;
            for chunk in ids.chunks(CHUNK) {
                let mut fresh: Vec<(i64, String, Vec<Stored>)> = Vec::new();
                walk_histories(self.conn, "r.id = ANY ($1)", &[&chunk], |id, h| {
                    fresh.push((id, h.reference.clone(), stored_of(h)));
                    Ok(())
                })?;
                let mut kept = stored_spans(self.conn, chunk)?;
                for (id, reference, spans) in fresh {
                    if kept.remove(&id).unwrap_or_default() != spans {
                        wrong += 1;
                        if first.len() < 5 {
                            first.push(reference);
                        }
                    }
                }
            }
            Ok(())
        })?;
        if wrong > 0 {
            out.push(format!(
                "kept figures of {wrong} requests differ from a replay of their events (first: {})",
                first.join(", ")
            ));
        }
        let orphans: i64 = get(
            &borrow(self.conn)?.query_one(
                "SELECT count(DISTINCT request_id) FROM request_figures f
                 WHERE NOT EXISTS (SELECT 1 FROM requests r WHERE r.id = f.request_id)",
                &[],
            )?,
            0,
        )?;
        if orphans > 0 {
            out.push(format!("kept figures of {orphans} requests that do not exist"));
        }
        for (what, kept, recount) in [
            ("monthly figures", KEPT_MONTHLY, recount_monthly(Dialect::Postgres)),
            ("backlog changes", KEPT_BACKLOG, recount_backlog(Dialect::Postgres)),
        ] {
            let sql = format!(
                "WITH kept AS ({kept}), recount AS ({recount})
                 SELECT (SELECT count(*) FROM (SELECT * FROM kept EXCEPT SELECT * FROM recount) a)
                      + (SELECT count(*) FROM (SELECT * FROM recount EXCEPT SELECT * FROM kept) b)"
            );
            let n: i64 = get(&borrow(self.conn)?.query_one(&sql, &[])?, 0)?;
            if n > 0 {
                out.push(format!("{what}: {n} rows differ from a recount"));
            }
        }
        Ok(out)
    }
}

/// Adds one summed row (group, standing, four marks, count) to its group.
fn add(groups: &mut BTreeMap<Option<String>, ReportRow>, r: &Row) -> Result<()> {
    let key: Option<String> = get(r, 0)?;
    let figure = Figure {
        standing: standing_of(&get::<String>(r, 1)?)?,
        clerk: None,
        reopened: get(r, 2)?,
        backdated: get(r, 3)?,
        paused: get(r, 4)?,
        extended: get(r, 5)?,
    };
    let n: i64 = get(r, 6)?;
    groups
        .entry(key.clone())
        .or_insert_with(|| ReportRow { group: key, ..ReportRow::default() })
        .count_n(&figure, n);
    Ok(())
}
