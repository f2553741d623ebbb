-- Kept figures per office (issue 14 item 4; SQLite's 0014). The dashboard's daily figures
-- (`stats_daily`), each request's spans (`request_figures`) and their sums
-- (`figures_monthly`, `figures_backlog_daily`) gain the request's office, so a regional
-- supervisor's dashboard and backlog add up their own office's kept rows and a head-office
-- supervisor's every office's. Moving a request moves its figures in the same transaction:
-- the statement-level triggers take the old row out and put the new one in, and the
-- request is marked so that `aryz_figures_refresh` rewrites its spans with the new office.
-- Row-level security admits an operator only to the figures of the offices they see.
-- The sums are derived data: they are counted again here, in their offices.

-- ---- Daily figures ----
ALTER TABLE stats_daily ADD COLUMN office bigint NOT NULL DEFAULT 1;
ALTER TABLE stats_daily DROP CONSTRAINT stats_daily_pkey;
ALTER TABLE stats_daily ADD PRIMARY KEY (day, kind, office);
ALTER TABLE stats_daily ALTER COLUMN office DROP DEFAULT;

CREATE OR REPLACE FUNCTION stats_contribute(rows_json jsonb, sign bigint) RETURNS void LANGUAGE sql AS $$
    WITH r AS (
        SELECT * FROM jsonb_to_recordset(rows_json)
            AS x(kind text, status text, received_on text, due_on text, responded_on text, closed_on text, office bigint)
    )
    INSERT INTO stats_daily AS s (day, kind, office, received, answered_in_time, answered_late, withdrawn)
    SELECT day, kind, office, sign * sum(rc), sign * sum(it), sign * sum(lt), sign * sum(wd) FROM (
        SELECT received_on AS day, kind, office, 1 AS rc, 0 AS it, 0 AS lt, 0 AS wd FROM r
        UNION ALL
        SELECT responded_on, kind, office, 0, (responded_on <= due_on)::int, (responded_on > due_on)::int, 0 FROM r
            WHERE status = 'answered' AND responded_on IS NOT NULL
        UNION ALL
        SELECT closed_on, kind, office, 0, 0, 0, 1 FROM r WHERE status = 'withdrawn' AND closed_on IS NOT NULL
    ) d GROUP BY day, kind, office
    ON CONFLICT (day, kind, office) DO UPDATE SET received = s.received + excluded.received,
        answered_in_time = s.answered_in_time + excluded.answered_in_time,
        answered_late = s.answered_late + excluded.answered_late,
        withdrawn = s.withdrawn + excluded.withdrawn;
    WITH r AS (
        SELECT * FROM jsonb_to_recordset(rows_json)
            AS x(kind text, status text, received_on text, due_on text, responded_on text, closed_on text)
    )
    INSERT INTO stats_backlog_daily AS b (day, overdue_from, overdue_until)
    SELECT day, sign * sum(f), sign * sum(u) FROM (
        SELECT due_on AS day, 1 AS f, 0 AS u FROM r WHERE closed_on IS NULL OR closed_on > due_on
        UNION ALL
        SELECT closed_on, 0, 1 FROM r WHERE closed_on > due_on
    ) d GROUP BY day
    ON CONFLICT (day) DO UPDATE SET overdue_from = b.overdue_from + excluded.overdue_from,
        overdue_until = b.overdue_until + excluded.overdue_until;
$$;

-- A moved request takes its figures to its new office.
CREATE OR REPLACE FUNCTION stats_after_update() RETURNS trigger
SECURITY DEFINER SET search_path FROM CURRENT LANGUAGE plpgsql AS $$
DECLARE
    changed bigint[];
BEGIN
    SELECT array_agg(o.id) INTO changed FROM old_rows o JOIN new_rows n ON n.id = o.id
    WHERE (o.kind, o.status, o.received_on, o.due_on, o.responded_on, o.closed_on, o.office)
          IS DISTINCT FROM (n.kind, n.status, n.received_on, n.due_on, n.responded_on, n.closed_on, n.office);
    IF changed IS NOT NULL THEN
        PERFORM stats_contribute((SELECT jsonb_agg(to_jsonb(o)) FROM old_rows o WHERE o.id = ANY (changed)), -1);
        PERFORM stats_contribute((SELECT jsonb_agg(to_jsonb(n)) FROM new_rows n WHERE n.id = ANY (changed)), 1);
    END IF;
    RETURN NULL;
END $$;

DELETE FROM stats_daily;
INSERT INTO stats_daily (day, kind, office, received, answered_in_time, answered_late, withdrawn)
SELECT day, kind, office, sum(rc), sum(it), sum(lt), sum(wd) FROM (
    SELECT received_on AS day, kind, office, 1 AS rc, 0 AS it, 0 AS lt, 0 AS wd FROM requests
    UNION ALL
    SELECT responded_on, kind, office, 0, (responded_on <= due_on)::int, (responded_on > due_on)::int, 0 FROM requests
        WHERE status = 'answered' AND responded_on IS NOT NULL
    UNION ALL
    SELECT closed_on, kind, office, 0, 0, 0, 1 FROM requests WHERE status = 'withdrawn' AND closed_on IS NOT NULL
) d GROUP BY day, kind, office;

-- ---- Spans and their sums ----
ALTER TABLE request_figures ADD COLUMN office bigint NOT NULL DEFAULT 1;
UPDATE request_figures f SET office = r.office FROM requests r WHERE r.id = f.request_id AND r.office <> 1;
ALTER TABLE request_figures ALTER COLUMN office DROP DEFAULT;

ALTER TABLE figures_monthly ADD COLUMN office bigint NOT NULL DEFAULT 1;
ALTER TABLE figures_monthly DROP CONSTRAINT figures_monthly_pkey;
ALTER TABLE figures_monthly ADD PRIMARY KEY (month, kind, clerk, standing, reopened, backdated, paused, extended, office);
ALTER TABLE figures_monthly ALTER COLUMN office DROP DEFAULT;

ALTER TABLE figures_backlog_daily ADD COLUMN office bigint NOT NULL DEFAULT 1;
ALTER TABLE figures_backlog_daily DROP CONSTRAINT figures_backlog_daily_pkey;
ALTER TABLE figures_backlog_daily ADD PRIMARY KEY (day, office);
ALTER TABLE figures_backlog_daily ALTER COLUMN office DROP DEFAULT;

CREATE OR REPLACE FUNCTION figures_contribute(rows_json jsonb, sign bigint) RETURNS void LANGUAGE sql AS $$
    WITH s AS (
        SELECT * FROM jsonb_to_recordset(rows_json) AS x(received_on text, valid_from text, valid_until text,
            kind text, standing text, clerk text, reopened boolean, backdated boolean, paused boolean,
            extended boolean, settled boolean, office bigint)
    )
    INSERT INTO figures_monthly AS m (month, kind, clerk, standing, reopened, backdated, paused, extended, office, n)
    SELECT substr(received_on, 1, 7), kind, coalesce(clerk, ''), standing, reopened, backdated, paused, extended,
           office, sign * count(*)
    FROM s WHERE settled GROUP BY 1, 2, 3, 4, 5, 6, 7, 8, 9
    ON CONFLICT (month, kind, clerk, standing, reopened, backdated, paused, extended, office)
        DO UPDATE SET n = m.n + excluded.n;
    WITH s AS (
        SELECT * FROM jsonb_to_recordset(rows_json) AS x(valid_from text, valid_until text, standing text, office bigint)
    )
    INSERT INTO figures_backlog_daily AS b (day, office, open, overdue)
    SELECT day, office, sign * sum(o), sign * sum(l) FROM (
        SELECT valid_from AS day, office, 1 AS o, (standing = 'open_late')::int AS l FROM s
            WHERE standing IN ('open_in_time', 'open_late')
        UNION ALL
        SELECT valid_until, office, -1, -(standing = 'open_late')::int FROM s
            WHERE standing IN ('open_in_time', 'open_late') AND valid_until <> '9999-12-31'
    ) d GROUP BY day, office
    ON CONFLICT (day, office) DO UPDATE SET open = b.open + excluded.open, overdue = b.overdue + excluded.overdue;
$$;

DELETE FROM figures_monthly;
INSERT INTO figures_monthly (month, kind, clerk, standing, reopened, backdated, paused, extended, office, n)
SELECT substr(received_on, 1, 7), kind, coalesce(clerk, ''), standing, reopened, backdated, paused, extended, office,
       count(*)
FROM request_figures WHERE settled GROUP BY 1, 2, 3, 4, 5, 6, 7, 8, 9;
DELETE FROM figures_backlog_daily;
INSERT INTO figures_backlog_daily (day, office, open, overdue)
SELECT day, office, sum(o), sum(l) FROM (
    SELECT valid_from AS day, office, 1 AS o, (standing = 'open_late')::int AS l FROM request_figures
        WHERE standing IN ('open_in_time', 'open_late')
    UNION ALL
    SELECT valid_until, office, -1, -(standing = 'open_late')::int FROM request_figures
        WHERE standing IN ('open_in_time', 'open_late') AND valid_until <> '9999-12-31'
) d GROUP BY day, office HAVING sum(o) <> 0 OR sum(l) <> 0;

-- A move marks the request: its spans are rewritten in its new office.
CREATE OR REPLACE FUNCTION figures_mark_requests() RETURNS trigger
SECURITY DEFINER SET search_path FROM CURRENT LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'INSERT' THEN
        INSERT INTO figures_stale (request_id) SELECT DISTINCT n.id FROM new_rows n ON CONFLICT DO NOTHING;
    ELSE
        INSERT INTO figures_stale (request_id)
            SELECT DISTINCT n.id FROM old_rows o JOIN new_rows n ON n.id = o.id
            WHERE (o.received_on, o.registered_on, o.kind, o.due_on, o.assignee, o.status, o.responded_on, o.closed_on,
                   o.office)
                  IS DISTINCT FROM
                  (n.received_on, n.registered_on, n.kind, n.due_on, n.assignee, n.status, n.responded_on, n.closed_on,
                   n.office)
        ON CONFLICT DO NOTHING;
    END IF;
    RETURN NULL;
END $$;

-- The server's replay (`aryz_request_spans`) with each span in its request's office.
CREATE TYPE aryz_office_span AS (received_on text, request_id bigint, valid_from text, valid_until text, kind text,
                                 standing text, clerk text, reopened boolean, backdated boolean, paused boolean,
                                 extended boolean, office bigint);
CREATE OR REPLACE FUNCTION aryz_figures_refresh(p_limit integer) RETURNS integer
SECURITY DEFINER LANGUAGE plpgsql AS $$
DECLARE
    ids bigint[];
    fresh aryz_office_span[];
    rewrite bigint[];
BEGIN
    SELECT coalesce(array_agg(s.request_id ORDER BY s.request_id), '{}') INTO ids
        FROM (SELECT f.request_id FROM figures_stale f ORDER BY f.request_id LIMIT greatest(p_limit, 1)) s;
    IF cardinality(ids) = 0 THEN
        RETURN 0;
    END IF;
    SELECT coalesce(array_agg(ROW(s.received_on, s.request_id, s.valid_from, s.valid_until, s.kind, s.standing,
                                  s.clerk, s.reopened, s.backdated, s.paused, s.extended, r.office)::aryz_office_span),
                    '{}')
        INTO fresh
        FROM unnest(ids) AS i(id) JOIN requests r ON r.id = i.id, LATERAL aryz_request_spans(i.id) AS s;
    SELECT coalesce(array_agg(DISTINCT d.request_id), '{}') INTO rewrite FROM (
        (SELECT * FROM unnest(fresh)
         EXCEPT ALL
         SELECT received_on, request_id, valid_from, valid_until, kind, standing, clerk, reopened, backdated, paused,
                extended, office
         FROM request_figures WHERE request_id = ANY (ids))
        UNION ALL
        (SELECT received_on, request_id, valid_from, valid_until, kind, standing, clerk, reopened, backdated, paused,
                extended, office
         FROM request_figures WHERE request_id = ANY (ids)
         EXCEPT ALL
         SELECT * FROM unnest(fresh))
    ) d;
    IF cardinality(rewrite) > 0 THEN
        DELETE FROM request_figures WHERE request_id = ANY (rewrite);
        INSERT INTO request_figures (received_on, request_id, valid_from, valid_until, kind, standing, clerk, reopened,
                                     backdated, paused, extended, office)
            SELECT * FROM unnest(fresh) AS f WHERE f.request_id = ANY (rewrite);
    END IF;
    DELETE FROM figures_stale WHERE request_id = ANY (ids);
    RETURN cardinality(ids);
END $$;
REVOKE ALL ON FUNCTION aryz_figures_refresh(integer) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION aryz_figures_refresh(integer) TO aryz_clerk, aryz_supervisor, aryz_admin;

-- Every SECURITY DEFINER function resolves names in the schema first and the session's
-- temporary tables last (replaced functions lose the setting 0004 gave them).
DO $$
DECLARE
    f regprocedure;
BEGIN
    FOR f IN SELECT p.oid::regprocedure FROM pg_catalog.pg_proc p JOIN pg_catalog.pg_namespace n ON n.oid = p.pronamespace
             WHERE n.nspname = current_schema() AND p.prosecdef LOOP
        EXECUTE format('ALTER FUNCTION %s SET search_path = %I, pg_temp', f, current_schema());
    END LOOP;
END $$;

-- ---- Each operator reads the figures of the offices they see ----
DO $$
DECLARE
    t text;
BEGIN
    FOREACH t IN ARRAY ARRAY['stats_daily', 'figures_monthly', 'figures_backlog_daily'] LOOP
        EXECUTE format('ALTER TABLE %I ENABLE ROW LEVEL SECURITY', t);
        EXECUTE format('CREATE POLICY %I ON %I USING ((SELECT aryz_office_scope()) = 0 '
                       'OR office = (SELECT aryz_office_scope()))', t || '_by_office', t);
    END LOOP;
END $$;

-- The dashboard's reads of some offices.
CREATE INDEX stats_daily_office ON stats_daily (office, day);
CREATE INDEX figures_backlog_daily_office ON figures_backlog_daily (office, day);
