-- Supervision figures read from kept results instead of a replay of every event (issue 12).
--
-- `request_figures` holds what `domain::history` replays for each request, as spans of
-- days: from `valid_from` up to the day before `valid_until` ('9999-12-31': still so) the
-- request counts as `standing`, for `clerk` (NULL: unassigned), with its marks. A request
-- has a span for each change of its figure: typically open in time from its receipt, then
-- answered (or open late from the day after its deadline). The store rewrites the spans of
-- every request a write touched before that write commits (`figures_stale`, filled by the
-- triggers below), so they are never behind the events. Reports as of a day add up:
--   * `figures_monthly`: spans that hold for good (answered or withdrawn, nothing after),
--     counted per month of receipt, kind, clerk, standing and marks;
--   * the few spans still changing on that day (open requests, later answers) read from
--     the partial index `request_figures_live`, and settled spans that begin after it
--     taken back out (`request_figures_settled`).
-- `figures_backlog_daily` holds per-day changes of the open and overdue counts (a span
-- adds one on `valid_from` and takes it away on `valid_until`): the backlog on a day is
-- the sum of the changes up to it. `figures_within` counts, per day of receipt and rule,
-- requests answered on or before that rule's deadline (the report's "answered within the
-- 30-day limit"). The rows are filled for the requests already there by the migration's
-- second step (in Rust: `store::figures::rebuild_all`); `aryz check` compares all of it
-- with a full replay.
CREATE TABLE request_figures (
    received_on TEXT NOT NULL,
    request_id  INTEGER NOT NULL REFERENCES requests (id) ON DELETE CASCADE,
    valid_from  TEXT NOT NULL,
    valid_until TEXT NOT NULL,
    kind        TEXT NOT NULL,
    standing    TEXT NOT NULL CHECK (standing IN ('in_time', 'late', 'open_in_time', 'open_late', 'withdrawn')),
    clerk       TEXT,
    reopened    INTEGER NOT NULL CHECK (reopened IN (0, 1)),
    backdated   INTEGER NOT NULL CHECK (backdated IN (0, 1)),
    paused      INTEGER NOT NULL CHECK (paused IN (0, 1)),
    extended    INTEGER NOT NULL CHECK (extended IN (0, 1)),
    settled     INTEGER NOT NULL GENERATED ALWAYS AS
                    (valid_until = '9999-12-31' AND standing IN ('in_time', 'late', 'withdrawn')) STORED,
    PRIMARY KEY (received_on, request_id, valid_from)
) STRICT, WITHOUT ROWID;
CREATE INDEX request_figures_request ON request_figures (request_id);
CREATE INDEX request_figures_live ON request_figures
    (valid_until, valid_from, kind, clerk, standing, reopened, backdated, paused, extended) WHERE settled = 0;
CREATE INDEX request_figures_settled ON request_figures
    (valid_from, kind, clerk, standing, reopened, backdated, paused, extended) WHERE settled = 1;

CREATE TABLE figures_monthly (
    month     TEXT NOT NULL,
    kind      TEXT NOT NULL,
    clerk     TEXT NOT NULL, -- '' for unassigned
    standing  TEXT NOT NULL,
    reopened  INTEGER NOT NULL,
    backdated INTEGER NOT NULL,
    paused    INTEGER NOT NULL,
    extended  INTEGER NOT NULL,
    n         INTEGER NOT NULL,
    PRIMARY KEY (month, kind, clerk, standing, reopened, backdated, paused, extended)
) STRICT, WITHOUT ROWID;

CREATE TABLE figures_backlog_daily (
    day     TEXT PRIMARY KEY,
    open    INTEGER NOT NULL DEFAULT 0,
    overdue INTEGER NOT NULL DEFAULT 0
) STRICT, WITHOUT ROWID;

CREATE TABLE figures_within (
    day  TEXT NOT NULL,
    rule TEXT NOT NULL,
    n    INTEGER NOT NULL,
    PRIMARY KEY (day, rule)
) STRICT, WITHOUT ROWID;

CREATE TABLE figures_stale (
    request_id INTEGER PRIMARY KEY
) STRICT;

CREATE TRIGGER request_figures_insert AFTER INSERT ON request_figures BEGIN
    INSERT INTO figures_monthly (month, kind, clerk, standing, reopened, backdated, paused, extended, n)
        SELECT substr(new.received_on, 1, 7), new.kind, coalesce(new.clerk, ''), new.standing, new.reopened,
               new.backdated, new.paused, new.extended, 1
        WHERE new.valid_until = '9999-12-31' AND new.standing IN ('in_time', 'late', 'withdrawn')
        ON CONFLICT (month, kind, clerk, standing, reopened, backdated, paused, extended) DO UPDATE SET n = n + 1;
    INSERT INTO figures_backlog_daily (day, open, overdue)
        SELECT new.valid_from, 1, new.standing = 'open_late' WHERE new.standing IN ('open_in_time', 'open_late')
        ON CONFLICT (day) DO UPDATE SET open = open + 1, overdue = overdue + excluded.overdue;
    INSERT INTO figures_backlog_daily (day, open, overdue)
        SELECT new.valid_until, -1, -(new.standing = 'open_late')
        WHERE new.standing IN ('open_in_time', 'open_late') AND new.valid_until <> '9999-12-31'
        ON CONFLICT (day) DO UPDATE SET open = open - 1, overdue = overdue + excluded.overdue;
END;

CREATE TRIGGER request_figures_delete AFTER DELETE ON request_figures BEGIN
    UPDATE figures_monthly SET n = n - 1
        WHERE old.valid_until = '9999-12-31' AND old.standing IN ('in_time', 'late', 'withdrawn')
          AND month = substr(old.received_on, 1, 7) AND kind = old.kind AND clerk = coalesce(old.clerk, '')
          AND standing = old.standing AND reopened = old.reopened AND backdated = old.backdated
          AND paused = old.paused AND extended = old.extended;
    -- Upserts: a day whose changes summed to nothing may have no row.
    INSERT INTO figures_backlog_daily (day, open, overdue)
        SELECT old.valid_from, -1, -(old.standing = 'open_late') WHERE old.standing IN ('open_in_time', 'open_late')
        ON CONFLICT (day) DO UPDATE SET open = open - 1, overdue = overdue + excluded.overdue;
    INSERT INTO figures_backlog_daily (day, open, overdue)
        SELECT old.valid_until, 1, old.standing = 'open_late'
        WHERE old.standing IN ('open_in_time', 'open_late') AND old.valid_until <> '9999-12-31'
        ON CONFLICT (day) DO UPDATE SET open = open + 1, overdue = overdue + excluded.overdue;
END;

-- What the replay reads: the request's own columns (bulk-loaded requests may have no
-- events for their state) and its events of the kinds a history is made of (a note or a
-- letter changes no figure).
CREATE TRIGGER figures_stale_request_insert AFTER INSERT ON requests BEGIN
    INSERT OR IGNORE INTO figures_stale (request_id) VALUES (new.id);
END;
CREATE TRIGGER figures_stale_request_update
AFTER UPDATE OF received_on, registered_on, kind, due_on, assignee, status, responded_on, closed_on ON requests BEGIN
    INSERT OR IGNORE INTO figures_stale (request_id) VALUES (new.id);
END;
CREATE TRIGGER figures_stale_event_insert AFTER INSERT ON events
WHEN new.kind IN ('assigned', 'responded', 'withdrawn', 'reopened', 'deadline_changed', 'paused', 'resumed', 'status_changed') BEGIN
    INSERT OR IGNORE INTO figures_stale (request_id) VALUES (new.request_id);
END;
CREATE TRIGGER figures_stale_event_update
AFTER UPDATE OF request_id, at, actor, kind, old_value, new_value, effective_on ON events BEGIN
    INSERT OR IGNORE INTO figures_stale (request_id) VALUES (old.request_id), (new.request_id);
END;
CREATE TRIGGER figures_stale_event_delete AFTER DELETE ON events BEGIN
    INSERT OR IGNORE INTO figures_stale (request_id) VALUES (old.request_id);
END;

-- Answered within a deadline: kept from both sides (the answer's date, the deadline's).
CREATE TRIGGER figures_within_answer AFTER UPDATE OF responded_on, received_on ON requests BEGIN
    UPDATE figures_within SET n = n - 1
        WHERE day = old.received_on AND old.responded_on IS NOT NULL
          AND rule IN (SELECT d.rule FROM deadlines d WHERE d.request_id = old.id AND old.responded_on <= d.due_on);
    INSERT INTO figures_within (day, rule, n)
        SELECT new.received_on, d.rule, 1 FROM deadlines d
        WHERE d.request_id = new.id AND new.responded_on IS NOT NULL AND new.responded_on <= d.due_on
        ON CONFLICT (day, rule) DO UPDATE SET n = n + 1;
END;
-- A request's deadlines go before it (not by the cascade after it), so that their own
-- trigger still sees the request's dates.
CREATE TRIGGER figures_within_request_delete BEFORE DELETE ON requests BEGIN
    DELETE FROM deadlines WHERE request_id = old.id;
END;
CREATE TRIGGER figures_within_deadline_insert AFTER INSERT ON deadlines BEGIN
    INSERT INTO figures_within (day, rule, n)
        SELECT r.received_on, new.rule, 1 FROM requests r
        WHERE r.id = new.request_id AND r.responded_on IS NOT NULL AND r.responded_on <= new.due_on
        ON CONFLICT (day, rule) DO UPDATE SET n = n + 1;
END;
CREATE TRIGGER figures_within_deadline_update AFTER UPDATE OF request_id, rule, due_on ON deadlines BEGIN
    UPDATE figures_within SET n = n - 1
        WHERE rule = old.rule
          AND day = (SELECT r.received_on FROM requests r
                     WHERE r.id = old.request_id AND r.responded_on IS NOT NULL AND r.responded_on <= old.due_on);
    INSERT INTO figures_within (day, rule, n)
        SELECT r.received_on, new.rule, 1 FROM requests r
        WHERE r.id = new.request_id AND r.responded_on IS NOT NULL AND r.responded_on <= new.due_on
        ON CONFLICT (day, rule) DO UPDATE SET n = n + 1;
END;
CREATE TRIGGER figures_within_deadline_delete AFTER DELETE ON deadlines BEGIN
    UPDATE figures_within SET n = n - 1
        WHERE rule = old.rule
          AND day = (SELECT r.received_on FROM requests r
                     WHERE r.id = old.request_id AND r.responded_on IS NOT NULL AND r.responded_on <= old.due_on);
END;

INSERT INTO figures_within (day, rule, n)
    SELECT r.received_on, d.rule, count(*) FROM requests r JOIN deadlines d ON d.request_id = r.id
    WHERE r.responded_on IS NOT NULL AND r.responded_on <= d.due_on
    GROUP BY r.received_on, d.rule;

-- The backlog is now replayed (a later extension or reopening no longer rewrites a past
-- day's overdue count): the per-day counts of migration 0009 go.
DROP TRIGGER stats_backlog_insert;
DROP TRIGGER stats_backlog_update;
DROP TRIGGER stats_backlog_delete;
DROP TABLE stats_backlog_daily;
