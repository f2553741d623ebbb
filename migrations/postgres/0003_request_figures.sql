-- Supervision figures read from kept results instead of a replay of every event (issue 12;
-- SQLite's 0011 in PostgreSQL's terms). `request_figures` holds what `domain::history`
-- replays for each request, as spans of days (`valid_until` '9999-12-31': still so). aryz
-- rewrites the spans of every request a write touched before that write commits
-- (`figures_stale`, filled by the statement-level triggers below); the sums follow the
-- spans by trigger: `figures_monthly` (spans that hold for good, per month of receipt,
-- kind, clerk, standing and marks) and `figures_backlog_daily` (per-day changes of the open
-- and overdue counts). Answers within a deadline are still counted from `requests` and
-- `deadlines` here (an index-backed count), so SQLite's `figures_within` has no twin.
-- No operator writes these tables: the triggers and `aryz_figures_replace` run with the
-- owner's rights.
CREATE TABLE request_figures (
    received_on text COLLATE "C" NOT NULL,
    request_id  bigint NOT NULL REFERENCES requests (id) ON DELETE CASCADE,
    valid_from  text COLLATE "C" NOT NULL,
    valid_until text COLLATE "C" NOT NULL,
    kind        text COLLATE "C" NOT NULL,
    standing    text COLLATE "C" NOT NULL
                CHECK (standing IN ('in_time', 'late', 'open_in_time', 'open_late', 'withdrawn')),
    clerk       text COLLATE "C",
    reopened    boolean NOT NULL,
    backdated   boolean NOT NULL,
    paused      boolean NOT NULL,
    extended    boolean NOT NULL,
    settled     boolean NOT NULL GENERATED ALWAYS AS
                    (valid_until = '9999-12-31' AND standing IN ('in_time', 'late', 'withdrawn')) STORED,
    PRIMARY KEY (received_on, request_id, valid_from)
);
CREATE INDEX request_figures_request ON request_figures (request_id);

CREATE TABLE figures_monthly (
    month     text COLLATE "C" NOT NULL,
    kind      text COLLATE "C" NOT NULL,
    clerk     text COLLATE "C" NOT NULL, -- '' for unassigned
    standing  text COLLATE "C" NOT NULL,
    reopened  boolean NOT NULL,
    backdated boolean NOT NULL,
    paused    boolean NOT NULL,
    extended  boolean NOT NULL,
    n         bigint NOT NULL,
    PRIMARY KEY (month, kind, clerk, standing, reopened, backdated, paused, extended)
);

CREATE TABLE figures_backlog_daily (
    day     text COLLATE "C" PRIMARY KEY,
    open    bigint NOT NULL DEFAULT 0,
    overdue bigint NOT NULL DEFAULT 0
);

CREATE TABLE figures_stale (
    request_id bigint PRIMARY KEY
);

-- What a set of spans contributes to the sums, with `sign` +1 (spans in) or -1 (spans out).
CREATE FUNCTION figures_contribute(rows_json jsonb, sign bigint) RETURNS void LANGUAGE sql AS $$
    WITH s AS (
        SELECT * FROM jsonb_to_recordset(rows_json) AS x(received_on text, valid_from text, valid_until text,
            kind text, standing text, clerk text, reopened boolean, backdated boolean, paused boolean,
            extended boolean, settled boolean)
    )
    INSERT INTO figures_monthly AS m (month, kind, clerk, standing, reopened, backdated, paused, extended, n)
    SELECT substr(received_on, 1, 7), kind, coalesce(clerk, ''), standing, reopened, backdated, paused, extended,
           sign * count(*)
    FROM s WHERE settled GROUP BY 1, 2, 3, 4, 5, 6, 7, 8
    ON CONFLICT (month, kind, clerk, standing, reopened, backdated, paused, extended) DO UPDATE SET n = m.n + excluded.n;
    WITH s AS (
        SELECT * FROM jsonb_to_recordset(rows_json) AS x(valid_from text, valid_until text, standing text)
    )
    INSERT INTO figures_backlog_daily AS b (day, open, overdue)
    SELECT day, sign * sum(o), sign * sum(l) FROM (
        SELECT valid_from AS day, 1 AS o, (standing = 'open_late')::int AS l FROM s
            WHERE standing IN ('open_in_time', 'open_late')
        UNION ALL
        SELECT valid_until, -1, -(standing = 'open_late')::int FROM s
            WHERE standing IN ('open_in_time', 'open_late') AND valid_until <> '9999-12-31'
    ) d GROUP BY day
    ON CONFLICT (day) DO UPDATE SET open = b.open + excluded.open, overdue = b.overdue + excluded.overdue;
$$;

CREATE FUNCTION figures_after_insert() RETURNS trigger
SECURITY DEFINER SET search_path FROM CURRENT LANGUAGE plpgsql AS $$
BEGIN
    PERFORM figures_contribute((SELECT coalesce(jsonb_agg(to_jsonb(n)), '[]') FROM new_rows n), 1);
    RETURN NULL;
END $$;
CREATE FUNCTION figures_after_delete() RETURNS trigger
SECURITY DEFINER SET search_path FROM CURRENT LANGUAGE plpgsql AS $$
BEGIN
    PERFORM figures_contribute((SELECT coalesce(jsonb_agg(to_jsonb(o)), '[]') FROM old_rows o), -1);
    RETURN NULL;
END $$;
CREATE TRIGGER request_figures_insert AFTER INSERT ON request_figures REFERENCING NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION figures_after_insert();
CREATE TRIGGER request_figures_delete AFTER DELETE ON request_figures REFERENCING OLD TABLE AS old_rows
    FOR EACH STATEMENT EXECUTE FUNCTION figures_after_delete();

-- What the replay reads: the request's own columns and its events of the kinds a history
-- is made of (a note or a letter changes no figure).
CREATE FUNCTION figures_mark_requests() RETURNS trigger
SECURITY DEFINER SET search_path FROM CURRENT LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'INSERT' THEN
        INSERT INTO figures_stale (request_id) SELECT DISTINCT n.id FROM new_rows n ON CONFLICT DO NOTHING;
    ELSE
        INSERT INTO figures_stale (request_id)
            SELECT DISTINCT n.id FROM old_rows o JOIN new_rows n ON n.id = o.id
            WHERE (o.received_on, o.registered_on, o.kind, o.due_on, o.assignee, o.status, o.responded_on, o.closed_on)
                  IS DISTINCT FROM
                  (n.received_on, n.registered_on, n.kind, n.due_on, n.assignee, n.status, n.responded_on, n.closed_on)
        ON CONFLICT DO NOTHING;
    END IF;
    RETURN NULL;
END $$;
CREATE TRIGGER figures_stale_request_insert AFTER INSERT ON requests REFERENCING NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION figures_mark_requests();
CREATE TRIGGER figures_stale_request_update AFTER UPDATE ON requests REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION figures_mark_requests();

CREATE FUNCTION figures_mark_events() RETURNS trigger
SECURITY DEFINER SET search_path FROM CURRENT LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'INSERT' THEN
        INSERT INTO figures_stale (request_id)
            SELECT DISTINCT n.request_id FROM new_rows n
            WHERE n.kind IN ('assigned', 'responded', 'withdrawn', 'reopened', 'deadline_changed', 'paused',
                             'resumed', 'status_changed')
        ON CONFLICT DO NOTHING;
    ELSIF TG_OP = 'UPDATE' THEN
        INSERT INTO figures_stale (request_id)
            SELECT o.request_id FROM old_rows o JOIN new_rows n ON n.id = o.id
            WHERE (o.request_id, o.at, o.actor, o.kind, o.old_value, o.new_value, o.effective_on)
                  IS DISTINCT FROM (n.request_id, n.at, n.actor, n.kind, n.old_value, n.new_value, n.effective_on)
            UNION
            SELECT n.request_id FROM old_rows o JOIN new_rows n ON n.id = o.id
            WHERE (o.request_id, o.at, o.actor, o.kind, o.old_value, o.new_value, o.effective_on)
                  IS DISTINCT FROM (n.request_id, n.at, n.actor, n.kind, n.old_value, n.new_value, n.effective_on)
        ON CONFLICT DO NOTHING;
    ELSE
        -- A request being deleted takes its events along: nothing left to mark.
        INSERT INTO figures_stale (request_id)
            SELECT DISTINCT o.request_id FROM old_rows o WHERE EXISTS (SELECT 1 FROM requests r WHERE r.id = o.request_id)
        ON CONFLICT DO NOTHING;
    END IF;
    RETURN NULL;
END $$;
CREATE TRIGGER figures_stale_event_insert AFTER INSERT ON events REFERENCING NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION figures_mark_events();
CREATE TRIGGER figures_stale_event_update AFTER UPDATE ON events REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION figures_mark_events();
CREATE TRIGGER figures_stale_event_delete AFTER DELETE ON events REFERENCING OLD TABLE AS old_rows
    FOR EACH STATEMENT EXECUTE FUNCTION figures_mark_events();

-- Rewrites the spans of `p_rewrite` with the rows given (the replay's result, computed by
-- aryz) and clears the marks of `p_stale`.
CREATE FUNCTION aryz_figures_replace(p_stale bigint[], p_rewrite bigint[], p_request bigint[], p_received text[],
                                     p_kind text[], p_from text[], p_until text[], p_standing text[], p_clerk text[],
                                     p_reopened boolean[], p_backdated boolean[], p_paused boolean[],
                                     p_extended boolean[]) RETURNS void
SECURITY DEFINER SET search_path FROM CURRENT LANGUAGE plpgsql AS $$
BEGIN
    IF cardinality(p_rewrite) > 0 THEN
        DELETE FROM request_figures WHERE request_id = ANY (p_rewrite);
    END IF;
    IF cardinality(p_request) > 0 THEN
        INSERT INTO request_figures (received_on, request_id, valid_from, valid_until, kind, standing, clerk,
                                     reopened, backdated, paused, extended)
        SELECT * FROM unnest(p_received, p_request, p_from, p_until, p_kind, p_standing, p_clerk,
                             p_reopened, p_backdated, p_paused, p_extended);
    END IF;
    DELETE FROM figures_stale WHERE request_id = ANY (p_stale);
END $$;
REVOKE ALL ON FUNCTION aryz_figures_replace(bigint[], bigint[], bigint[], text[], text[], text[], text[], text[],
                                            text[], boolean[], boolean[], boolean[], boolean[]) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION aryz_figures_replace(bigint[], bigint[], bigint[], text[], text[], text[], text[], text[],
                                               text[], boolean[], boolean[], boolean[], boolean[])
    TO aryz_clerk, aryz_supervisor, aryz_admin;

DO $$
DECLARE
    s text := quote_ident(current_schema());
    t text;
BEGIN
    FOREACH t IN ARRAY ARRAY['request_figures', 'figures_monthly', 'figures_backlog_daily', 'figures_stale'] LOOP
        EXECUTE format('REVOKE ALL ON %s.%I FROM PUBLIC', s, t);
        EXECUTE format('GRANT SELECT ON %s.%I TO aryz_clerk, aryz_supervisor, aryz_admin', s, t);
    END LOOP;
END $$;

-- The requests already there: every one waits for its figures, which aryz writes right
-- after this migration (the replay is Rust).
INSERT INTO figures_stale (request_id) SELECT id FROM requests;
