-- The server enforces aryz's rules (issue 14): operators are login roles in three group
-- roles; the audit log takes no direct writes, only appends through a SECURITY DEFINER
-- function that locks the head, takes the actor from session_user and computes the same hash
-- as aryz (domain/audit_chain.rs); a clerk connecting with psql can do nothing aryz refuses.
-- The role applying this migration owns the tables and needs CREATEROLE (or the three group
-- roles must exist already).

DO $$
BEGIN
    IF NOT EXISTS (SELECT FROM pg_catalog.pg_roles WHERE rolname = 'aryz_clerk') THEN
        CREATE ROLE aryz_clerk NOLOGIN;
    END IF;
    IF NOT EXISTS (SELECT FROM pg_catalog.pg_roles WHERE rolname = 'aryz_supervisor') THEN
        CREATE ROLE aryz_supervisor NOLOGIN;
    END IF;
    IF NOT EXISTS (SELECT FROM pg_catalog.pg_roles WHERE rolname = 'aryz_admin') THEN
        CREATE ROLE aryz_admin NOLOGIN;
    END IF;
END $$;

-- Little-endian 8 bytes of n, as Rust's u64::to_le_bytes.
CREATE FUNCTION aryz_le64(n bigint) RETURNS bytea IMMUTABLE STRICT LANGUAGE sql AS $$
    SELECT decode(string_agg(lpad(to_hex((n >> (8 * i)) & 255), 2, '0'), '' ORDER BY i), 'hex')
    FROM generate_series(0, 7) AS i
$$;

-- The entry hash of domain/audit_chain.rs: SHA-256 over length-prefixed fields (the state
-- only when not empty), as lower-case hex.
CREATE FUNCTION aryz_entry_hash(prev text, id bigint, at text, actor text, action text, target text,
                                detail text, state text) RETURNS text IMMUTABLE LANGUAGE sql AS $$
    SELECT encode(sha256(string_agg(aryz_le64(octet_length(p)) || convert_to(p, 'UTF8'), ''::bytea ORDER BY n)), 'hex')
    FROM unnest(ARRAY[prev, id::text, at, actor, action, target, detail]
                || CASE WHEN state = '' THEN ARRAY[]::text[] ELSE ARRAY[state] END) WITH ORDINALITY AS u(p, n)
$$;

-- Locks the head for the rest of the transaction; returns it and the state its entry bound.
CREATE FUNCTION aryz_audit_lock(OUT head_id bigint, OUT head_hash text, OUT head_state text)
SECURITY DEFINER SET search_path FROM CURRENT LANGUAGE plpgsql AS $$
BEGIN
    SELECT h.id, h.hash INTO head_id, head_hash FROM audit_head h FOR UPDATE;
    SELECT a.state INTO head_state FROM audit a WHERE a.id = head_id;
    head_state := coalesce(head_state, '');
END $$;

-- Appends one entry. The actor is the session's login role; only the owner of the tables
-- (aryz run by the database's administrator: init, imports) or a superuser may name another.
CREATE FUNCTION aryz_audit_append(p_at text, p_actor text, p_action text, p_target text, p_detail text,
                                  p_state text, OUT entry_id bigint, OUT entry_hash text)
SECURITY DEFINER SET search_path FROM CURRENT LANGUAGE plpgsql AS $$
DECLARE
    h_id bigint;
    h_hash text;
    actor text;
BEGIN
    SELECT h.id, h.hash INTO h_id, h_hash FROM audit_head h FOR UPDATE;
    IF session_user = current_user
       OR (SELECT r.rolsuper FROM pg_catalog.pg_roles r WHERE r.rolname = session_user) THEN
        actor := p_actor;
    ELSE
        actor := session_user;
    END IF;
    entry_id := h_id + 1;
    IF h_id = 0 THEN
        h_hash := '0000000000000000000000000000000000000000000000000000000000000000';
    END IF;
    entry_hash := aryz_entry_hash(h_hash, entry_id, p_at, actor, p_action, p_target, p_detail, p_state);
    INSERT INTO audit (id, at, actor, action, target, detail, prev_hash, hash, state)
        VALUES (entry_id, p_at, actor, p_action, p_target, p_detail, h_hash, entry_hash, p_state);
    UPDATE audit_head SET id = entry_id, hash = entry_hash;
END $$;

-- The figures are kept by the triggers with the owner's rights: no operator writes them.
ALTER FUNCTION stats_after_insert() SECURITY DEFINER SET search_path FROM CURRENT;
ALTER FUNCTION stats_after_update() SECURITY DEFINER SET search_path FROM CURRENT;
ALTER FUNCTION stats_after_delete() SECURITY DEFINER SET search_path FROM CURRENT;

DO $$
DECLARE
    s text := quote_ident(current_schema());
    t text;
BEGIN
    EXECUTE format('GRANT USAGE ON SCHEMA %s TO aryz_clerk, aryz_supervisor, aryz_admin', s);
    FOR t IN SELECT c.relname FROM pg_catalog.pg_class c JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
             WHERE n.nspname = current_schema() AND c.relkind = 'r' LOOP
        EXECUTE format('REVOKE ALL ON %s.%I FROM PUBLIC', s, t);
        EXECUTE format('GRANT SELECT ON %s.%I TO aryz_clerk, aryz_supervisor, aryz_admin', s, t);
    END LOOP;
    FOR t IN SELECT c.relname FROM pg_catalog.pg_class c JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
             WHERE n.nspname = current_schema() AND c.relkind = 'S' LOOP
        EXECUTE format('GRANT USAGE ON SEQUENCE %s.%I TO aryz_clerk, aryz_supervisor, aryz_admin', s, t);
    END LOOP;
END $$;

REVOKE ALL ON FUNCTION aryz_audit_lock(), aryz_audit_append(text, text, text, text, text, text) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION aryz_audit_lock(), aryz_audit_append(text, text, text, text, text, text)
    TO aryz_clerk, aryz_supervisor, aryz_admin;

-- Every operator: register and work requests (only the columns of the workflow; never the
-- reference, kind, dates of receipt or the erasure mark), their events, deadlines, answers.
GRANT INSERT ON requests, events, deadlines, category_actions, response_details, ref_sequences, record_state
    TO aryz_clerk, aryz_supervisor, aryz_admin;
GRANT UPDATE (status, assignee, due_on, outcome, ground, responded_on, response_text, response_channel,
              closed_on, paused_since, pause_category, pause_reason, extensions, paused_days, subject_name,
              subject_pin, birth_date, passport_doc, passport_issuer, passport_issued, address, email, phone,
              description, updated_at, version)
    ON requests TO aryz_clerk, aryz_supervisor;
GRANT UPDATE (due_on, binding, explanation, provisional) ON deadlines TO aryz_clerk, aryz_supervisor;
GRANT UPDATE (action) ON category_actions TO aryz_clerk, aryz_supervisor;
GRANT DELETE ON category_actions TO aryz_clerk, aryz_supervisor, aryz_admin;
GRANT UPDATE (copy_medium, copy_charged, referred_to) ON response_details TO aryz_clerk, aryz_supervisor, aryz_admin;
GRANT UPDATE (last) ON ref_sequences TO aryz_clerk, aryz_supervisor, aryz_admin;
GRANT UPDATE (hash, audit_id) ON record_state TO aryz_clerk, aryz_supervisor, aryz_admin;
-- Administrators: operators, the calendar, settings, retention (erasure) and recomputed deadlines.
GRANT UPDATE ON requests, deadlines TO aryz_admin;
GRANT UPDATE (text) ON events TO aryz_admin;
GRANT DELETE ON deadlines TO aryz_admin;
GRANT INSERT, UPDATE ON operators, calendar_entries, meta TO aryz_admin;

-- An operator's login role, in the group of their aryz role; a disabled operator cannot log
-- in. Run with the rights of the aryz administrator who adds or changes the operator (who
-- needs CREATEROLE). A superuser's attributes are never touched.
CREATE FUNCTION aryz_sync_role(p_login text, p_role text, p_active boolean) RETURNS void LANGUAGE plpgsql AS $$
DECLARE
    g text := 'aryz_' || p_role;
    other text;
BEGIN
    IF p_role NOT IN ('clerk', 'supervisor', 'admin') THEN
        RAISE EXCEPTION 'role: % is not clerk, supervisor or admin', p_role;
    END IF;
    IF NOT EXISTS (SELECT FROM pg_catalog.pg_roles WHERE rolname = p_login) THEN
        EXECUTE format('CREATE ROLE %I LOGIN', p_login);
    END IF;
    IF (SELECT rolsuper FROM pg_catalog.pg_roles WHERE rolname = p_login) THEN
        RETURN;
    END IF;
    EXECUTE format('GRANT %I TO %I', g, p_login);
    FOREACH other IN ARRAY ARRAY['aryz_clerk', 'aryz_supervisor', 'aryz_admin'] LOOP
        IF other <> g AND pg_has_role(p_login, other, 'MEMBER') THEN
            EXECUTE format('REVOKE %I FROM %I', other, p_login);
        END IF;
    END LOOP;
    EXECUTE format('ALTER ROLE %I %s', p_login, CASE WHEN p_active THEN 'LOGIN' ELSE 'NOLOGIN' END);
    -- An aryz administrator adds operators, so creates their roles.
    EXECUTE format('ALTER ROLE %I %s', p_login, CASE WHEN p_role = 'admin' THEN 'CREATEROLE' ELSE 'NOCREATEROLE' END);
END $$;
REVOKE ALL ON FUNCTION aryz_sync_role(text, text, boolean) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION aryz_sync_role(text, text, boolean) TO aryz_admin;
