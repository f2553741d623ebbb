-- A bulk registration's audit entries appended as one run (issue 16: `aryz import` on
-- PostgreSQL). Until now a run of entries went through `aryz_audit_append_records` once per
-- entry: each call locked the head again, looked the session's role up, hashed through
-- `aryz_le64` (a set-returning query per field), inserted one audit row and one
-- `record_state` row, and updated `audit_head`, whose every update in the one transaction
-- left a version that the next lock had to step over (20,000 entries: 20,000 versions of
-- one row). `aryz_audit_append_run` appends the whole run under one lock with the same
-- rules: the actor is the session's login role unless the session is the owner's or a
-- superuser's, each entry's hash is `aryz_entry_hash` of the one before, and each record's
-- hash is filed under the last entry that binds it (a NULL hash: the record is gone).

-- The same bytes as before (little-endian, as Rust's u64::to_le_bytes), in one expression
-- the planner inlines.
CREATE OR REPLACE FUNCTION aryz_le64(n bigint) RETURNS bytea IMMUTABLE STRICT LANGUAGE sql AS $$
    SELECT decode(lpad(to_hex(n & 255), 2, '0') || lpad(to_hex((n >> 8) & 255), 2, '0')
                  || lpad(to_hex((n >> 16) & 255), 2, '0') || lpad(to_hex((n >> 24) & 255), 2, '0')
                  || lpad(to_hex((n >> 32) & 255), 2, '0') || lpad(to_hex((n >> 40) & 255), 2, '0')
                  || lpad(to_hex((n >> 48) & 255), 2, '0') || lpad(to_hex((n >> 56) & 255), 2, '0'), 'hex')
$$;

-- The same hash as before (each field length-prefixed, the state only when not empty, a
-- NULL field left out as `string_agg` left it out), without unnesting an array per entry.
CREATE OR REPLACE FUNCTION aryz_entry_hash(prev text, id bigint, at text, actor text, action text, target text,
                                           detail text, state text) RETURNS text IMMUTABLE LANGUAGE sql AS $$
    SELECT encode(sha256(
        coalesce(aryz_le64(octet_length(prev)) || convert_to(prev, 'UTF8'), ''::bytea)
        || coalesce(aryz_le64(octet_length(id::text)) || convert_to(id::text, 'UTF8'), ''::bytea)
        || coalesce(aryz_le64(octet_length(at)) || convert_to(at, 'UTF8'), ''::bytea)
        || coalesce(aryz_le64(octet_length(actor)) || convert_to(actor, 'UTF8'), ''::bytea)
        || coalesce(aryz_le64(octet_length(action)) || convert_to(action, 'UTF8'), ''::bytea)
        || coalesce(aryz_le64(octet_length(target)) || convert_to(target, 'UTF8'), ''::bytea)
        || coalesce(aryz_le64(octet_length(detail)) || convert_to(detail, 'UTF8'), ''::bytea)
        || CASE WHEN state = '' THEN ''::bytea
                ELSE coalesce(aryz_le64(octet_length(state)) || convert_to(state, 'UTF8'), ''::bytea) END), 'hex')
$$;

-- Appends entries `p_at[i]`… in order, entry i binding at most one record (`p_kind[i]`
-- NULL: none) whose new hash is `p_hash[i]`. Returns each entry's number, hash and actor in
-- the arrays' order.
CREATE FUNCTION aryz_audit_append_run(p_at text[], p_actor text[], p_action text[], p_target text[],
                                      p_detail text[], p_state text[], p_kind smallint[], p_id bigint[],
                                      p_login text[], p_hash bytea[])
RETURNS TABLE (entry_id bigint, entry_hash text, entry_actor text)
SECURITY DEFINER LANGUAGE plpgsql AS $$
DECLARE
    n int := coalesce(cardinality(p_at), 0);
    h_id bigint;
    h_hash text;
    own boolean;
    ids bigint[];
    actors text[];
    prevs text[];
    hashes text[];
    i int;
BEGIN
    IF n = 0 THEN
        RETURN;
    END IF;
    IF coalesce(cardinality(p_actor), 0) <> n OR coalesce(cardinality(p_action), 0) <> n
       OR coalesce(cardinality(p_target), 0) <> n OR coalesce(cardinality(p_detail), 0) <> n
       OR coalesce(cardinality(p_state), 0) <> n OR coalesce(cardinality(p_kind), 0) <> n
       OR coalesce(cardinality(p_id), 0) <> n OR coalesce(cardinality(p_login), 0) <> n
       OR coalesce(cardinality(p_hash), 0) <> n THEN
        RAISE EXCEPTION 'aryz_audit_append_run: the arrays differ in length';
    END IF;
    SELECT h.id, h.hash INTO h_id, h_hash FROM audit_head h FOR UPDATE;
    own := session_user = current_user
        OR coalesce((SELECT r.rolsuper FROM pg_catalog.pg_roles r WHERE r.rolname = session_user), false);
    IF h_id = 0 THEN
        h_hash := '0000000000000000000000000000000000000000000000000000000000000000';
    END IF;
    ids := array_fill(0::bigint, ARRAY[n]);
    actors := array_fill(''::text, ARRAY[n]);
    prevs := array_fill(''::text, ARRAY[n]);
    hashes := array_fill(''::text, ARRAY[n]);
    FOR i IN 1 .. n LOOP
        ids[i] := h_id + i;
        actors[i] := CASE WHEN own THEN p_actor[i] ELSE session_user END;
        prevs[i] := h_hash;
        h_hash := aryz_entry_hash(h_hash, ids[i], p_at[i], actors[i], p_action[i], p_target[i], p_detail[i],
                                  p_state[i]);
        hashes[i] := h_hash;
    END LOOP;
    INSERT INTO audit (id, at, actor, action, target, detail, prev_hash, hash, state)
        SELECT * FROM unnest(ids, p_at, actors, p_action, p_target, p_detail, prevs, hashes, p_state);
    UPDATE audit_head SET id = h_id + n, hash = h_hash;
    -- Each record under the last entry of the run that binds it.
    INSERT INTO record_state AS s (kind, id, login, hash, audit_id)
        SELECT l.kind, l.id, l.login, l.hash, l.audit_id FROM (
            SELECT DISTINCT ON (u.kind, u.id, u.login) u.kind, u.id, u.login, u.hash, u.audit_id
            FROM unnest(p_kind, p_id, p_login, p_hash, ids) AS u(kind, id, login, hash, audit_id)
            WHERE u.kind IS NOT NULL
            ORDER BY u.kind, u.id, u.login, u.audit_id DESC
        ) l
        WHERE l.hash IS NOT NULL
        ON CONFLICT (kind, id, login) DO UPDATE SET hash = excluded.hash, audit_id = excluded.audit_id;
    DELETE FROM record_state s USING (
            SELECT DISTINCT ON (u.kind, u.id, u.login) u.kind, u.id, u.login, u.hash
            FROM unnest(p_kind, p_id, p_login, p_hash, ids) AS u(kind, id, login, hash, audit_id)
            WHERE u.kind IS NOT NULL
            ORDER BY u.kind, u.id, u.login, u.audit_id DESC
        ) l
        WHERE l.hash IS NULL AND s.kind = l.kind AND s.id = l.id AND s.login = l.login;
    RETURN QUERY SELECT u.id, u.hash, u.actor FROM unnest(ids, hashes, actors) WITH ORDINALITY AS u(id, hash, actor, k)
        ORDER BY u.k;
END $$;

DO $$
BEGIN
    EXECUTE format('ALTER FUNCTION aryz_audit_append_run(text[], text[], text[], text[], text[], text[], smallint[], '
                   'bigint[], text[], bytea[]) SET search_path = %I, pg_temp', current_schema());
END $$;
REVOKE ALL ON FUNCTION aryz_audit_append_run(text[], text[], text[], text[], text[], text[], smallint[], bigint[],
                                             text[], bytea[]) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION aryz_audit_append_run(text[], text[], text[], text[], text[], text[], smallint[], bigint[],
                                                text[], bytea[]) TO aryz_clerk, aryz_supervisor, aryz_admin;

-- The daily figures' triggers hand `stats_contribute` only the columns it reads, not each
-- whole row as JSON (with its description, subject and search vector): a 20,000-row import
-- spent 2.1 s of the server's time turning its rows into JSON. The same keys, the same sums.
CREATE OR REPLACE FUNCTION stats_after_insert() RETURNS trigger
SECURITY DEFINER LANGUAGE plpgsql AS $$
BEGIN
    PERFORM stats_contribute((SELECT coalesce(jsonb_agg(jsonb_build_object(
                'kind', n.kind, 'status', n.status, 'received_on', n.received_on, 'due_on', n.due_on,
                'responded_on', n.responded_on, 'closed_on', n.closed_on, 'office', n.office)), '[]')
            FROM new_rows n), 1);
    RETURN NULL;
END $$;
CREATE OR REPLACE FUNCTION stats_after_delete() RETURNS trigger
SECURITY DEFINER LANGUAGE plpgsql AS $$
BEGIN
    PERFORM stats_contribute((SELECT coalesce(jsonb_agg(jsonb_build_object(
                'kind', o.kind, 'status', o.status, 'received_on', o.received_on, 'due_on', o.due_on,
                'responded_on', o.responded_on, 'closed_on', o.closed_on, 'office', o.office)), '[]')
            FROM old_rows o), -1);
    RETURN NULL;
END $$;
DO $$
BEGIN
    EXECUTE format('ALTER FUNCTION stats_after_insert() SET search_path = %I, pg_temp', current_schema());
    EXECUTE format('ALTER FUNCTION stats_after_delete() SET search_path = %I, pg_temp', current_schema());
END $$;
