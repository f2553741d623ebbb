-- Figures for a past date are replayed from the events, so that reassigning, reopening or
-- extending later never rewrites them. An answer keeps two dates: `at`, when it was
-- recorded, and `effective_on`, the date the clerk entered (earlier when backdated).
ALTER TABLE events ADD COLUMN effective_on TEXT;

-- Answers recorded before this column existed: the request's own date of response belongs
-- to its latest answer; earlier answers (before a reopening) keep their recording date.
UPDATE events SET effective_on = (SELECT r.responded_on FROM requests r WHERE r.id = events.request_id)
WHERE kind = 'responded'
  AND id = (SELECT max(e.id) FROM events e WHERE e.request_id = events.request_id AND e.kind = 'responded')
  AND (SELECT r.responded_on FROM requests r WHERE r.id = events.request_id) IS NOT NULL;

-- The backlog history (open and overdue requests at the end of each day) from per-day
-- counts kept by triggers, so 90 days are read from a few hundred rows, not recounted.
-- A request is overdue from the day after `due_on` until the day it is closed: `overdue_from`
-- counts requests by their `due_on` (open ones, or closed after it) and `overdue_until` by
-- their `closed_on` (when closed after `due_on`). Overdue at the end of D =
-- sum(overdue_from before D) - sum(overdue_until up to D).
CREATE TABLE stats_backlog_daily (
    day           TEXT PRIMARY KEY,
    overdue_from  INTEGER NOT NULL DEFAULT 0,
    overdue_until INTEGER NOT NULL DEFAULT 0
) STRICT, WITHOUT ROWID;

CREATE TRIGGER stats_backlog_insert AFTER INSERT ON requests
WHEN new.closed_on IS NULL OR new.closed_on > new.due_on BEGIN
    INSERT INTO stats_backlog_daily (day, overdue_from) VALUES (new.due_on, 1)
        ON CONFLICT (day) DO UPDATE SET overdue_from = overdue_from + 1;
    INSERT INTO stats_backlog_daily (day, overdue_until) SELECT new.closed_on, 1 WHERE new.closed_on IS NOT NULL
        ON CONFLICT (day) DO UPDATE SET overdue_until = overdue_until + 1;
END;

CREATE TRIGGER stats_backlog_update AFTER UPDATE OF due_on, closed_on ON requests
WHEN old.due_on IS NOT new.due_on OR old.closed_on IS NOT new.closed_on BEGIN
    UPDATE stats_backlog_daily SET overdue_from = overdue_from - 1
        WHERE day = old.due_on AND (old.closed_on IS NULL OR old.closed_on > old.due_on);
    UPDATE stats_backlog_daily SET overdue_until = overdue_until - 1
        WHERE day = old.closed_on AND old.closed_on > old.due_on;
    INSERT INTO stats_backlog_daily (day, overdue_from)
        SELECT new.due_on, 1 WHERE new.closed_on IS NULL OR new.closed_on > new.due_on
        ON CONFLICT (day) DO UPDATE SET overdue_from = overdue_from + 1;
    INSERT INTO stats_backlog_daily (day, overdue_until)
        SELECT new.closed_on, 1 WHERE new.closed_on > new.due_on
        ON CONFLICT (day) DO UPDATE SET overdue_until = overdue_until + 1;
END;

CREATE TRIGGER stats_backlog_delete AFTER DELETE ON requests BEGIN
    UPDATE stats_backlog_daily SET overdue_from = overdue_from - 1
        WHERE day = old.due_on AND (old.closed_on IS NULL OR old.closed_on > old.due_on);
    UPDATE stats_backlog_daily SET overdue_until = overdue_until - 1
        WHERE day = old.closed_on AND old.closed_on > old.due_on;
END;

INSERT INTO stats_backlog_daily (day, overdue_from)
    SELECT due_on, count(*) FROM requests WHERE closed_on IS NULL OR closed_on > due_on GROUP BY due_on;
INSERT INTO stats_backlog_daily (day, overdue_until)
    SELECT closed_on, count(*) FROM requests WHERE closed_on > due_on GROUP BY closed_on
    ON CONFLICT (day) DO UPDATE SET overdue_until = excluded.overdue_until;

-- The ageing of open requests (days since receipt) counted from the index alone.
CREATE INDEX requests_open_received ON requests (received_on) WHERE is_open = 1;
