-- The audit append in as few round trips as possible while the head is locked (issue 14's
-- 50 ms write budget at the p99): every writer waits for the one `audit_head` row, so
-- what happens between locking it and COMMIT is what concurrent writers queue behind.
-- aryz now computes the records' hashes and the figures before it locks the head, then
-- makes two calls: `aryz_audit_lock_records` locks the head and returns the hashes filed
-- for the records the transaction changed, `aryz_audit_append_records` appends the entry
-- and files the records' new hashes under it. Operators no longer write `record_state`
-- directly: only through the append.

CREATE FUNCTION aryz_audit_lock_records(p_kind smallint[], p_id bigint[], p_login text[],
                                        OUT head_id bigint, OUT head_hash text, OUT head_state text,
                                        OUT filed bytea[])
SECURITY DEFINER LANGUAGE plpgsql AS $$
BEGIN
    SELECT h.id, h.hash INTO head_id, head_hash FROM audit_head h FOR UPDATE;
    SELECT a.state INTO head_state FROM audit a WHERE a.id = head_id;
    head_state := coalesce(head_state, '');
    SELECT coalesce(array_agg(s.hash ORDER BY u.n), '{}') INTO filed
    FROM unnest(p_kind, p_id, p_login) WITH ORDINALITY AS u(kind, id, login, n)
    LEFT JOIN record_state s ON s.kind = u.kind AND s.id = u.id AND s.login = u.login;
END $$;

-- Appends one entry (as `aryz_audit_append`: the actor is the session's login role unless
-- the session is the owner's or a superuser's) and files each record's hash under it (a
-- NULL hash: the record is gone). Returns the entry's number, hash and actor.
CREATE FUNCTION aryz_audit_append_records(p_at text, p_actor text, p_action text, p_target text, p_detail text,
                                          p_state text, p_kind smallint[], p_id bigint[], p_login text[],
                                          p_hash bytea[], OUT entry_id bigint, OUT entry_hash text,
                                          OUT entry_actor text)
SECURITY DEFINER LANGUAGE plpgsql AS $$
BEGIN
    SELECT a.entry_id, a.entry_hash INTO entry_id, entry_hash
    FROM aryz_audit_append(p_at, p_actor, p_action, p_target, p_detail, p_state) a;
    SELECT a.actor INTO entry_actor FROM audit a WHERE a.id = entry_id;
    IF cardinality(p_kind) > 0 THEN
        INSERT INTO record_state AS s (kind, id, login, hash, audit_id)
        SELECT u.kind, u.id, u.login, u.hash, entry_id FROM unnest(p_kind, p_id, p_login, p_hash) AS u(kind, id, login, hash)
        WHERE u.hash IS NOT NULL
        ON CONFLICT (kind, id, login) DO UPDATE SET hash = excluded.hash, audit_id = excluded.audit_id;
        DELETE FROM record_state s USING unnest(p_kind, p_id, p_login, p_hash) AS u(kind, id, login, hash)
        WHERE u.hash IS NULL AND s.kind = u.kind AND s.id = u.id AND s.login = u.login;
    END IF;
END $$;

DO $$
DECLARE
    f regprocedure;
BEGIN
    FOREACH f IN ARRAY ARRAY['aryz_audit_lock_records(smallint[], bigint[], text[])'::regprocedure,
                             'aryz_audit_append_records(text, text, text, text, text, text, smallint[], bigint[], text[], bytea[])'::regprocedure] LOOP
        EXECUTE format('ALTER FUNCTION %s SET search_path = %I, pg_temp', f, current_schema());
        EXECUTE format('REVOKE ALL ON FUNCTION %s FROM PUBLIC', f);
        EXECUTE format('GRANT EXECUTE ON FUNCTION %s TO aryz_clerk, aryz_supervisor, aryz_admin', f);
    END LOOP;
END $$;

REVOKE INSERT, UPDATE ON record_state FROM aryz_clerk, aryz_supervisor, aryz_admin;
