-- Figures for the dashboard, kept current by triggers in the same transaction as every
-- change, so that the dashboard reads a few hundred rows instead of recounting a million.
-- Per day and kind: requests received that day, answered that day (in time or late against
-- the stored binding deadline), withdrawn that day.

CREATE TABLE stats_daily (
    day              TEXT NOT NULL,
    kind             TEXT NOT NULL,
    received         INTEGER NOT NULL DEFAULT 0,
    answered_in_time INTEGER NOT NULL DEFAULT 0,
    answered_late    INTEGER NOT NULL DEFAULT 0,
    withdrawn        INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (day, kind)
) STRICT, WITHOUT ROWID;

CREATE TRIGGER stats_insert AFTER INSERT ON requests BEGIN
    INSERT INTO stats_daily (day, kind, received) VALUES (new.received_on, new.kind, 1)
        ON CONFLICT (day, kind) DO UPDATE SET received = received + 1;
    INSERT INTO stats_daily (day, kind, answered_in_time, answered_late)
        SELECT new.responded_on, new.kind, new.responded_on <= new.due_on, new.responded_on > new.due_on
        WHERE new.status = 'answered' AND new.responded_on IS NOT NULL
        ON CONFLICT (day, kind) DO UPDATE SET answered_in_time = answered_in_time + excluded.answered_in_time,
            answered_late = answered_late + excluded.answered_late;
    INSERT INTO stats_daily (day, kind, withdrawn)
        SELECT new.closed_on, new.kind, 1 WHERE new.status = 'withdrawn' AND new.closed_on IS NOT NULL
        ON CONFLICT (day, kind) DO UPDATE SET withdrawn = withdrawn + 1;
END;

CREATE TRIGGER stats_update AFTER UPDATE OF status, responded_on, due_on, closed_on ON requests BEGIN
    UPDATE stats_daily SET answered_in_time = answered_in_time - (old.responded_on <= old.due_on),
            answered_late = answered_late - (old.responded_on > old.due_on)
        WHERE old.status = 'answered' AND old.responded_on IS NOT NULL AND day = old.responded_on AND kind = old.kind;
    UPDATE stats_daily SET withdrawn = withdrawn - 1
        WHERE old.status = 'withdrawn' AND old.closed_on IS NOT NULL AND day = old.closed_on AND kind = old.kind;
    INSERT INTO stats_daily (day, kind, answered_in_time, answered_late)
        SELECT new.responded_on, new.kind, new.responded_on <= new.due_on, new.responded_on > new.due_on
        WHERE new.status = 'answered' AND new.responded_on IS NOT NULL
        ON CONFLICT (day, kind) DO UPDATE SET answered_in_time = answered_in_time + excluded.answered_in_time,
            answered_late = answered_late + excluded.answered_late;
    INSERT INTO stats_daily (day, kind, withdrawn)
        SELECT new.closed_on, new.kind, 1 WHERE new.status = 'withdrawn' AND new.closed_on IS NOT NULL
        ON CONFLICT (day, kind) DO UPDATE SET withdrawn = withdrawn + 1;
END;

CREATE TRIGGER stats_delete AFTER DELETE ON requests BEGIN
    UPDATE stats_daily SET received = received - 1 WHERE day = old.received_on AND kind = old.kind;
    UPDATE stats_daily SET answered_in_time = answered_in_time - (old.responded_on <= old.due_on),
            answered_late = answered_late - (old.responded_on > old.due_on)
        WHERE old.status = 'answered' AND old.responded_on IS NOT NULL AND day = old.responded_on AND kind = old.kind;
    UPDATE stats_daily SET withdrawn = withdrawn - 1
        WHERE old.status = 'withdrawn' AND old.closed_on IS NOT NULL AND day = old.closed_on AND kind = old.kind;
END;

-- Figures for the requests already there.
INSERT INTO stats_daily (day, kind, received)
    SELECT received_on, kind, count(*) FROM requests GROUP BY received_on, kind;
INSERT INTO stats_daily (day, kind, answered_in_time, answered_late)
    SELECT responded_on, kind, sum(responded_on <= due_on), sum(responded_on > due_on) FROM requests
    WHERE status = 'answered' AND responded_on IS NOT NULL GROUP BY responded_on, kind
    ON CONFLICT (day, kind) DO UPDATE SET answered_in_time = excluded.answered_in_time,
        answered_late = excluded.answered_late;
INSERT INTO stats_daily (day, kind, withdrawn)
    SELECT closed_on, kind, count(*) FROM requests WHERE status = 'withdrawn' AND closed_on IS NOT NULL
    GROUP BY closed_on, kind
    ON CONFLICT (day, kind) DO UPDATE SET withdrawn = excluded.withdrawn;

-- Supervisors' per-clerk figures read closed requests by month with these columns only.
CREATE INDEX requests_closed_by_clerk ON requests (closed_on, assignee, received_on, responded_on)
    WHERE is_open = 0;
