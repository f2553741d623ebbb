//! The kept figures' statements that both backends run, written once: each builder takes
//! the dialect for the few places SQLite and PostgreSQL differ (placeholders, a truth value
//! as a number, the sum's type, a series of days). Every figure has an office dimension
//! (SQLite's migration 0014, PostgreSQL's 0007); [`office_in`] keeps a read to some offices.

/// Which SQL a statement is built for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Dialect {
    Sqlite,
    #[cfg_attr(not(feature = "postgres"), allow(dead_code))]
    Postgres,
}

impl Dialect {
    /// Placeholder `n` (1-based).
    pub(crate) fn p(self, n: usize) -> String {
        match self {
            Dialect::Sqlite => format!("?{n}"),
            Dialect::Postgres => format!("${n}"),
        }
    }

    /// `cond` as 1 or 0.
    fn int(self, cond: &str) -> String {
        match self {
            Dialect::Sqlite => format!("({cond})"),
            Dialect::Postgres => format!("({cond})::int"),
        }
    }

    /// The sum of `expr` as a 64-bit integer.
    fn sum(self, expr: &str) -> String {
        match self {
            Dialect::Sqlite => format!("sum({expr})"),
            Dialect::Postgres => format!("sum({expr})::bigint"),
        }
    }

    /// A span that holds for good.
    fn settled(self) -> &'static str {
        match self {
            Dialect::Sqlite => "settled = 1",
            Dialect::Postgres => "settled",
        }
    }
}

/// ` AND {column} IN (…)`: the rows of `offices`, or nothing when `offices` is empty (every
/// office). Office ids are numbers, written into the statement.
pub(crate) fn office_in(column: &str, offices: &[i64]) -> String {
    if offices.is_empty() {
        return String::new();
    }
    let ids: Vec<String> = offices.iter().map(i64::to_string).collect();
    format!(" AND {column} IN ({})", ids.join(", "))
}

/// The monthly sums recounted from the spans (what `figures_monthly` must hold).
pub(crate) fn recount_monthly(d: Dialect) -> String {
    format!(
        "SELECT substr(received_on, 1, 7), kind, coalesce(clerk, ''), standing, reopened, backdated,
            paused, extended, office, count(*)
        FROM request_figures WHERE {settled}
        GROUP BY 1, 2, 3, 4, 5, 6, 7, 8, 9",
        settled = d.settled()
    )
}

/// The backlog's per-day changes recounted from the spans (what `figures_backlog_daily`
/// must hold): a span open on `valid_from` adds one, and takes it away on `valid_until`.
pub(crate) fn recount_backlog(d: Dialect) -> String {
    let late = d.int("standing = 'open_late'");
    format!(
        "SELECT day, office, {open}, {overdue} FROM (
            SELECT valid_from AS day, office, 1 AS o, {late} AS l FROM request_figures
                WHERE standing IN ('open_in_time', 'open_late')
            UNION ALL
            SELECT valid_until, office, -1, -{late} FROM request_figures
                WHERE standing IN ('open_in_time', 'open_late') AND valid_until <> '9999-12-31'
        ) c GROUP BY day, office HAVING sum(o) <> 0 OR sum(l) <> 0",
        open = d.sum("o"),
        overdue = d.sum("l"),
    )
}

/// The kept monthly sums and backlog changes, as their recounts list them.
pub(crate) const KEPT_MONTHLY: &str =
    "SELECT month, kind, clerk, standing, reopened, backdated, paused, extended, office, n FROM figures_monthly
     WHERE n <> 0";
pub(crate) const KEPT_BACKLOG: &str =
    "SELECT day, office, open, overdue FROM figures_backlog_daily WHERE open <> 0 OR overdue <> 0";

/// The daily figures of `[p1, p2]` of `offices`, added over the offices, by day and kind.
pub(crate) fn day_stats(d: Dialect, offices: &[i64]) -> String {
    let kind_order = match d {
        Dialect::Sqlite => "kind",
        Dialect::Postgres => "kind COLLATE \"C\"",
    };
    format!(
        "SELECT day, kind, {}, {}, {}, {} FROM stats_daily
         WHERE day >= {} AND day <= {}{} GROUP BY day, kind ORDER BY day, {kind_order}",
        d.sum("received"),
        d.sum("answered_in_time"),
        d.sum("answered_late"),
        d.sum("withdrawn"),
        d.p(1),
        d.p(2),
        office_in("office", offices),
    )
}

/// Open and overdue requests of `offices` at the end of each day of `[p1, p2]`: a running
/// sum of the kept per-day changes (a few thousand rows).
pub(crate) fn backlog(d: Dialect, offices: &[i64]) -> String {
    let days = match d {
        Dialect::Sqlite => "WITH RECURSIVE days(day) AS (
                 SELECT ?1 UNION ALL SELECT date(day, '+1 day') FROM days WHERE day < ?2
             )"
        .to_string(),
        Dialect::Postgres => "WITH days AS (
                 SELECT to_char(g, 'YYYY-MM-DD') AS day
                 FROM generate_series($1::text::date, $2::text::date, interval '1 day') AS g
             )"
        .to_string(),
    };
    let only = office_in("office", offices);
    let total = |col: &str| match d {
        Dialect::Sqlite => format!("(SELECT {col} FROM base) + sum(coalesce(b.{col}, 0)) OVER w"),
        Dialect::Postgres => format!("((SELECT {col} FROM base) + sum(coalesce(b.{col}, 0)) OVER w)::bigint"),
    };
    format!(
        "{days},
         base AS (
             SELECT coalesce(sum(open), 0) AS open, coalesce(sum(overdue), 0) AS overdue
             FROM figures_backlog_daily WHERE day < {p1}{only}
         ),
         changes AS (
             SELECT day, sum(open) AS open, sum(overdue) AS overdue FROM figures_backlog_daily
             WHERE day >= {p1} AND day <= {p2}{only} GROUP BY day
         )
         SELECT d.day, {open}, {overdue}
         FROM days d
         LEFT JOIN changes b ON b.day = d.day
         WINDOW w AS (ORDER BY d.day ROWS UNBOUNDED PRECEDING)
         ORDER BY d.day",
        p1 = d.p(1),
        p2 = d.p(2),
        open = total("open"),
        overdue = total("overdue"),
    )
}

/// `SELECT` of the report's group, standing, marks and count over `from` (spans or the
/// monthly sums) where `filter`, summed so that only a few rows leave the server.
pub(crate) fn report_tally(by: crate::model::GroupBy, from: &str, filter: &str, offices: &[i64]) -> String {
    use crate::model::GroupBy;
    let monthly = from == "figures_monthly";
    let key = match (by, monthly) {
        (GroupBy::Kind, _) => "kind",
        (GroupBy::Clerk, false) => "clerk",
        (GroupBy::Clerk, true) => "nullif(clerk, '')",
        (GroupBy::Month, false) => "substr(received_on, 1, 7)",
        (GroupBy::Month, true) => "month",
        (GroupBy::Office, _) => "CAST(office AS TEXT)",
    };
    let n = if monthly { "sum(n)" } else { "count(*)" };
    format!(
        "SELECT {key}, standing, reopened, backdated, paused, extended, {n} FROM {from}
         WHERE {filter}{only} GROUP BY 1, 2, 3, 4, 5, 6",
        only = office_in("office", offices)
    )
}

/// Days, kinds and offices whose kept daily figures (`stats_daily`) differ from a recount of
/// the requests, at most 20.
pub(crate) fn stats_drift(d: Dialect) -> String {
    format!(
        "WITH recount AS (
            SELECT day, kind, office, {received} AS received, {in_time} AS in_time, {late} AS late,
                   {withdrawn} AS withdrawn
            FROM (
                SELECT received_on AS day, kind, office, 1 AS rc, 0 AS it, 0 AS lt, 0 AS wd FROM requests
                UNION ALL
                SELECT responded_on, kind, office, 0, {on_time}, {past}, 0 FROM requests
                    WHERE status = 'answered' AND responded_on IS NOT NULL
                UNION ALL
                SELECT closed_on, kind, office, 0, 0, 0, 1 FROM requests
                    WHERE status = 'withdrawn' AND closed_on IS NOT NULL
            ) c GROUP BY day, kind, office
        ),
        kept AS (
            SELECT day, kind, office, received, answered_in_time AS in_time, answered_late AS late, withdrawn
            FROM stats_daily WHERE received <> 0 OR answered_in_time <> 0 OR answered_late <> 0 OR withdrawn <> 0
        )
        SELECT day, kind FROM (SELECT * FROM recount EXCEPT SELECT * FROM kept) a
        UNION
        SELECT day, kind FROM (SELECT * FROM kept EXCEPT SELECT * FROM recount) b
        ORDER BY 1, 2 LIMIT 20",
        received = d.sum("rc"),
        in_time = d.sum("it"),
        late = d.sum("lt"),
        withdrawn = d.sum("wd"),
        on_time = d.int("responded_on <= due_on"),
        past = d.int("responded_on > due_on"),
    )
}
