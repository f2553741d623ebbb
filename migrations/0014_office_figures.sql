-- Kept figures per office (issue 14 item 4). The dashboard's daily figures (`stats_daily`),
-- each request's spans (`request_figures`) and their sums (`figures_monthly`,
-- `figures_backlog_daily`, `figures_within`) gain the request's office, so a regional
-- supervisor's dashboard and backlog add up their own office's kept rows, and a head-office
-- supervisor's add up every office's (a few rows per office, never a replay). Moving a
-- request (`aryz move`) moves its figures in the same transaction: the triggers below take
-- them out of the old office and put them into the new one, and its spans are rewritten
-- with the new office (the request is marked in `figures_stale`).
--
-- The sums are derived data: they are made again here from the requests and the spans
-- (every span takes its request's office), so the tables are dropped and recreated with
-- the office in their keys.

DROP TRIGGER stats_insert;
DROP TRIGGER stats_update;
DROP TRIGGER stats_delete;
DROP TABLE stats_daily;
CREATE TABLE stats_daily (
    day              TEXT NOT NULL,
    kind             TEXT NOT NULL,
    office           INTEGER NOT NULL,
    received         INTEGER NOT NULL DEFAULT 0,
    answered_in_time INTEGER NOT NULL DEFAULT 0,
    answered_late    INTEGER NOT NULL DEFAULT 0,
    withdrawn        INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (day, kind, office)
) STRICT, WITHOUT ROWID;

CREATE TRIGGER stats_insert AFTER INSERT ON requests BEGIN
    INSERT INTO stats_daily (day, kind, office, received) VALUES (new.received_on, new.kind, new.office, 1)
        ON CONFLICT (day, kind, office) DO UPDATE SET received = received + 1;
    INSERT INTO stats_daily (day, kind, office, answered_in_time, answered_late)
        SELECT new.responded_on, new.kind, new.office, new.responded_on <= new.due_on, new.responded_on > new.due_on
        WHERE new.status = 'answered' AND new.responded_on IS NOT NULL
        ON CONFLICT (day, kind, office) DO UPDATE SET answered_in_time = answered_in_time + excluded.answered_in_time,
            answered_late = answered_late + excluded.answered_late;
    INSERT INTO stats_daily (day, kind, office, withdrawn)
        SELECT new.closed_on, new.kind, new.office, 1 WHERE new.status = 'withdrawn' AND new.closed_on IS NOT NULL
        ON CONFLICT (day, kind, office) DO UPDATE SET withdrawn = withdrawn + 1;
END;

-- Takes the old row's answer or withdrawal out and puts the new row's in (its office may
-- have changed too).
CREATE TRIGGER stats_update AFTER UPDATE OF status, responded_on, due_on, closed_on, office ON requests BEGIN
    UPDATE stats_daily SET answered_in_time = answered_in_time - (old.responded_on <= old.due_on),
            answered_late = answered_late - (old.responded_on > old.due_on)
        WHERE old.status = 'answered' AND old.responded_on IS NOT NULL AND day = old.responded_on AND kind = old.kind
          AND office = old.office;
    UPDATE stats_daily SET withdrawn = withdrawn - 1
        WHERE old.status = 'withdrawn' AND old.closed_on IS NOT NULL AND day = old.closed_on AND kind = old.kind
          AND office = old.office;
    INSERT INTO stats_daily (day, kind, office, answered_in_time, answered_late)
        SELECT new.responded_on, new.kind, new.office, new.responded_on <= new.due_on, new.responded_on > new.due_on
        WHERE new.status = 'answered' AND new.responded_on IS NOT NULL
        ON CONFLICT (day, kind, office) DO UPDATE SET answered_in_time = answered_in_time + excluded.answered_in_time,
            answered_late = answered_late + excluded.answered_late;
    INSERT INTO stats_daily (day, kind, office, withdrawn)
        SELECT new.closed_on, new.kind, new.office, 1 WHERE new.status = 'withdrawn' AND new.closed_on IS NOT NULL
        ON CONFLICT (day, kind, office) DO UPDATE SET withdrawn = withdrawn + 1;
END;

-- A request moved to another office takes its receipt along.
CREATE TRIGGER stats_office_update AFTER UPDATE OF office ON requests WHEN old.office <> new.office BEGIN
    UPDATE stats_daily SET received = received - 1
        WHERE day = old.received_on AND kind = old.kind AND office = old.office;
    INSERT INTO stats_daily (day, kind, office, received) VALUES (new.received_on, new.kind, new.office, 1)
        ON CONFLICT (day, kind, office) DO UPDATE SET received = received + 1;
END;

CREATE TRIGGER stats_delete AFTER DELETE ON requests BEGIN
    UPDATE stats_daily SET received = received - 1
        WHERE day = old.received_on AND kind = old.kind AND office = old.office;
    UPDATE stats_daily SET answered_in_time = answered_in_time - (old.responded_on <= old.due_on),
            answered_late = answered_late - (old.responded_on > old.due_on)
        WHERE old.status = 'answered' AND old.responded_on IS NOT NULL AND day = old.responded_on AND kind = old.kind
          AND office = old.office;
    UPDATE stats_daily SET withdrawn = withdrawn - 1
        WHERE old.status = 'withdrawn' AND old.closed_on IS NOT NULL AND day = old.closed_on AND kind = old.kind
          AND office = old.office;
END;

INSERT INTO stats_daily (day, kind, office, received)
    SELECT received_on, kind, office, count(*) FROM requests GROUP BY received_on, kind, office;
INSERT INTO stats_daily (day, kind, office, answered_in_time, answered_late)
    SELECT responded_on, kind, office, sum(responded_on <= due_on), sum(responded_on > due_on) FROM requests
    WHERE status = 'answered' AND responded_on IS NOT NULL GROUP BY responded_on, kind, office
    ON CONFLICT (day, kind, office) DO UPDATE SET answered_in_time = excluded.answered_in_time,
        answered_late = excluded.answered_late;
INSERT INTO stats_daily (day, kind, office, withdrawn)
    SELECT closed_on, kind, office, count(*) FROM requests WHERE status = 'withdrawn' AND closed_on IS NOT NULL
    GROUP BY closed_on, kind, office
    ON CONFLICT (day, kind, office) DO UPDATE SET withdrawn = excluded.withdrawn;

-- Each span carries its request's office.
DROP TRIGGER request_figures_insert;
DROP TRIGGER request_figures_delete;
DROP INDEX request_figures_live;
DROP INDEX request_figures_settled;
ALTER TABLE request_figures ADD COLUMN office INTEGER NOT NULL DEFAULT 1;
UPDATE request_figures SET office = (SELECT r.office FROM requests r WHERE r.id = request_figures.request_id);
CREATE INDEX request_figures_live ON request_figures
    (valid_until, valid_from, kind, clerk, standing, reopened, backdated, paused, extended, office) WHERE settled = 0;
CREATE INDEX request_figures_settled ON request_figures
    (valid_from, kind, clerk, standing, reopened, backdated, paused, extended, office) WHERE settled = 1;

DROP TABLE figures_monthly;
CREATE TABLE figures_monthly (
    month     TEXT NOT NULL,
    kind      TEXT NOT NULL,
    clerk     TEXT NOT NULL, -- '' for unassigned
    standing  TEXT NOT NULL,
    reopened  INTEGER NOT NULL,
    backdated INTEGER NOT NULL,
    paused    INTEGER NOT NULL,
    extended  INTEGER NOT NULL,
    office    INTEGER NOT NULL,
    n         INTEGER NOT NULL,
    PRIMARY KEY (month, kind, clerk, standing, reopened, backdated, paused, extended, office)
) STRICT, WITHOUT ROWID;

DROP TABLE figures_backlog_daily;
CREATE TABLE figures_backlog_daily (
    day     TEXT NOT NULL,
    office  INTEGER NOT NULL,
    open    INTEGER NOT NULL DEFAULT 0,
    overdue INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (day, office)
) STRICT, WITHOUT ROWID;

CREATE TRIGGER request_figures_insert AFTER INSERT ON request_figures BEGIN
    INSERT INTO figures_monthly (month, kind, clerk, standing, reopened, backdated, paused, extended, office, n)
        SELECT substr(new.received_on, 1, 7), new.kind, coalesce(new.clerk, ''), new.standing, new.reopened,
               new.backdated, new.paused, new.extended, new.office, 1
        WHERE new.valid_until = '9999-12-31' AND new.standing IN ('in_time', 'late', 'withdrawn')
        ON CONFLICT (month, kind, clerk, standing, reopened, backdated, paused, extended, office) DO UPDATE SET n = n + 1;
    INSERT INTO figures_backlog_daily (day, office, open, overdue)
        SELECT new.valid_from, new.office, 1, new.standing = 'open_late' WHERE new.standing IN ('open_in_time', 'open_late')
        ON CONFLICT (day, office) DO UPDATE SET open = open + 1, overdue = overdue + excluded.overdue;
    INSERT INTO figures_backlog_daily (day, office, open, overdue)
        SELECT new.valid_until, new.office, -1, -(new.standing = 'open_late')
        WHERE new.standing IN ('open_in_time', 'open_late') AND new.valid_until <> '9999-12-31'
        ON CONFLICT (day, office) DO UPDATE SET open = open - 1, overdue = overdue + excluded.overdue;
END;

CREATE TRIGGER request_figures_delete AFTER DELETE ON request_figures BEGIN
    UPDATE figures_monthly SET n = n - 1
        WHERE old.valid_until = '9999-12-31' AND old.standing IN ('in_time', 'late', 'withdrawn')
          AND month = substr(old.received_on, 1, 7) AND kind = old.kind AND clerk = coalesce(old.clerk, '')
          AND standing = old.standing AND reopened = old.reopened AND backdated = old.backdated
          AND paused = old.paused AND extended = old.extended AND office = old.office;
    INSERT INTO figures_backlog_daily (day, office, open, overdue)
        SELECT old.valid_from, old.office, -1, -(old.standing = 'open_late') WHERE old.standing IN ('open_in_time', 'open_late')
        ON CONFLICT (day, office) DO UPDATE SET open = open - 1, overdue = overdue + excluded.overdue;
    INSERT INTO figures_backlog_daily (day, office, open, overdue)
        SELECT old.valid_until, old.office, 1, old.standing = 'open_late'
        WHERE old.standing IN ('open_in_time', 'open_late') AND old.valid_until <> '9999-12-31'
        ON CONFLICT (day, office) DO UPDATE SET open = open + 1, overdue = overdue + excluded.overdue;
END;

INSERT INTO figures_monthly (month, kind, clerk, standing, reopened, backdated, paused, extended, office, n)
    SELECT substr(received_on, 1, 7), kind, coalesce(clerk, ''), standing, reopened, backdated, paused, extended,
           office, count(*)
    FROM request_figures WHERE settled = 1
    GROUP BY 1, 2, 3, 4, 5, 6, 7, 8, 9;
INSERT INTO figures_backlog_daily (day, office, open, overdue)
    SELECT day, office, sum(open), sum(overdue) FROM (
        SELECT valid_from AS day, office, 1 AS open, standing = 'open_late' AS overdue FROM request_figures
            WHERE standing IN ('open_in_time', 'open_late')
        UNION ALL
        SELECT valid_until, office, -1, -(standing = 'open_late') FROM request_figures
            WHERE standing IN ('open_in_time', 'open_late') AND valid_until <> '9999-12-31'
    ) GROUP BY day, office HAVING sum(open) <> 0 OR sum(overdue) <> 0;

-- A move marks the request, so its spans are rewritten with the new office.
DROP TRIGGER figures_stale_request_update;
CREATE TRIGGER figures_stale_request_update
AFTER UPDATE OF received_on, registered_on, kind, due_on, assignee, status, responded_on, closed_on, office ON requests BEGIN
    INSERT OR IGNORE INTO figures_stale (request_id) VALUES (new.id);
END;

-- Answered within a deadline, per office.
DROP TRIGGER figures_within_answer;
DROP TRIGGER figures_within_deadline_insert;
DROP TRIGGER figures_within_deadline_update;
DROP TRIGGER figures_within_deadline_delete;
DROP TABLE figures_within;
CREATE TABLE figures_within (
    day    TEXT NOT NULL,
    rule   TEXT NOT NULL,
    office INTEGER NOT NULL,
    n      INTEGER NOT NULL,
    PRIMARY KEY (day, rule, office)
) STRICT, WITHOUT ROWID;
CREATE TRIGGER figures_within_answer AFTER UPDATE OF responded_on, received_on, office ON requests BEGIN
    UPDATE figures_within SET n = n - 1
        WHERE day = old.received_on AND office = old.office AND old.responded_on IS NOT NULL
          AND rule IN (SELECT d.rule FROM deadlines d WHERE d.request_id = old.id AND old.responded_on <= d.due_on);
    INSERT INTO figures_within (day, rule, office, n)
        SELECT new.received_on, d.rule, new.office, 1 FROM deadlines d
        WHERE d.request_id = new.id AND new.responded_on IS NOT NULL AND new.responded_on <= d.due_on
        ON CONFLICT (day, rule, office) DO UPDATE SET n = n + 1;
END;
CREATE TRIGGER figures_within_deadline_insert AFTER INSERT ON deadlines BEGIN
    INSERT INTO figures_within (day, rule, office, n)
        SELECT r.received_on, new.rule, r.office, 1 FROM requests r
        WHERE r.id = new.request_id AND r.responded_on IS NOT NULL AND r.responded_on <= new.due_on
        ON CONFLICT (day, rule, office) DO UPDATE SET n = n + 1;
END;
CREATE TRIGGER figures_within_deadline_update AFTER UPDATE OF request_id, rule, due_on ON deadlines BEGIN
    UPDATE figures_within SET n = n - 1
        WHERE rule = old.rule
          AND (day, office) = (SELECT r.received_on, r.office FROM requests r
                               WHERE r.id = old.request_id AND r.responded_on IS NOT NULL AND r.responded_on <= old.due_on);
    INSERT INTO figures_within (day, rule, office, n)
        SELECT r.received_on, new.rule, r.office, 1 FROM requests r
        WHERE r.id = new.request_id AND r.responded_on IS NOT NULL AND r.responded_on <= new.due_on
        ON CONFLICT (day, rule, office) DO UPDATE SET n = n + 1;
END;
CREATE TRIGGER figures_within_deadline_delete AFTER DELETE ON deadlines BEGIN
    UPDATE figures_within SET n = n - 1
        WHERE rule = old.rule
          AND (day, office) = (SELECT r.received_on, r.office FROM requests r
                               WHERE r.id = old.request_id AND r.responded_on IS NOT NULL AND r.responded_on <= old.due_on);
END;
INSERT INTO figures_within (day, rule, office, n)
    SELECT r.received_on, d.rule, r.office, count(*) FROM requests r JOIN deadlines d ON d.request_id = r.id
    WHERE r.responded_on IS NOT NULL AND r.responded_on <= d.due_on
    GROUP BY r.received_on, d.rule, r.office;

-- The dashboard's open counts per assignee and its answers of the month, of some offices,
-- read from the indexes alone.
DROP INDEX requests_assignee_due;
CREATE INDEX requests_assignee_due ON requests (assignee, due_on, id, paused_since, office) WHERE is_open = 1;
DROP INDEX requests_closed_by_clerk;
CREATE INDEX requests_closed_by_clerk ON requests (closed_on, assignee, received_on, responded_on, office)
    WHERE is_open = 0;
DROP INDEX requests_open_received;
CREATE INDEX requests_open_received ON requests (received_on, office) WHERE is_open = 1;
