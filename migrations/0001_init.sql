-- aryz schema, version 1. Migrations are append-only: never edit a released one.

CREATE TABLE meta (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
) STRICT;

CREATE TABLE operators (
    login      TEXT PRIMARY KEY,
    name       TEXT NOT NULL DEFAULT '',
    role       TEXT NOT NULL CHECK (role IN ('clerk', 'supervisor', 'admin')),
    active     INTEGER NOT NULL DEFAULT 1 CHECK (active IN (0, 1)),
    created_at TEXT NOT NULL
) STRICT;

-- Sequence of references per year of receipt: ARZ-YYYY-NNNNNN.
CREATE TABLE ref_sequences (
    year INTEGER PRIMARY KEY,
    last INTEGER NOT NULL
) STRICT;

CREATE TABLE requests (
    id               INTEGER PRIMARY KEY,
    ref              TEXT NOT NULL UNIQUE,
    kind             TEXT NOT NULL,
    status           TEXT NOT NULL,
    is_open          INTEGER NOT NULL GENERATED ALWAYS AS (status IN ('new', 'in_progress', 'awaiting_subject')) STORED,
    channel          TEXT NOT NULL,
    lang             TEXT NOT NULL,
    received_on      TEXT NOT NULL,
    registered_on    TEXT NOT NULL,
    identity         TEXT NOT NULL,
    categories       TEXT NOT NULL DEFAULT '',
    description      TEXT NOT NULL DEFAULT '',
    subject_name     TEXT NOT NULL,
    subject_pin      TEXT NOT NULL,
    birth_date       TEXT,
    passport_doc     TEXT,
    passport_issuer  TEXT NOT NULL DEFAULT '',
    passport_issued  TEXT,
    address          TEXT NOT NULL DEFAULT '',
    email            TEXT NOT NULL DEFAULT '',
    phone            TEXT NOT NULL DEFAULT '',
    assignee         TEXT REFERENCES operators (login),
    due_on           TEXT NOT NULL,
    outcome          TEXT,
    ground           TEXT,
    responded_on     TEXT,
    response_text    TEXT NOT NULL DEFAULT '',
    response_channel TEXT,
    closed_on        TEXT,
    paused_since     TEXT,
    pause_category   TEXT,
    pause_reason     TEXT,
    extensions       INTEGER NOT NULL DEFAULT 0,
    paused_days      INTEGER NOT NULL DEFAULT 0,
    version          INTEGER NOT NULL DEFAULT 1,
    created_at       TEXT NOT NULL,
    updated_at       TEXT NOT NULL
) STRICT;

-- Queue orders: open requests by due date (keyset: due_on, id), per assignee, closed by date.
CREATE INDEX requests_open_due ON requests (due_on, id) WHERE is_open = 1;
CREATE INDEX requests_assignee_due ON requests (assignee, due_on, id) WHERE is_open = 1;
CREATE INDEX requests_closed ON requests (closed_on DESC, id DESC) WHERE is_open = 0;
CREATE INDEX requests_received ON requests (received_on, id);
CREATE INDEX requests_pin ON requests (subject_pin);

-- Every deadline of a request, as computed when registered, with its explanation.
CREATE TABLE deadlines (
    request_id  INTEGER NOT NULL REFERENCES requests (id) ON DELETE CASCADE,
    rule        TEXT NOT NULL,
    due_on      TEXT NOT NULL,
    binding     INTEGER NOT NULL CHECK (binding IN (0, 1)),
    explanation TEXT NOT NULL,
    PRIMARY KEY (request_id, rule)
) STRICT, WITHOUT ROWID;

-- What was done per data category on correction, blocking and destruction.
CREATE TABLE category_actions (
    request_id INTEGER NOT NULL REFERENCES requests (id) ON DELETE CASCADE,
    category   TEXT NOT NULL,
    action     TEXT NOT NULL CHECK (action IN ('done', 'refused', 'not_held')),
    PRIMARY KEY (request_id, category)
) STRICT, WITHOUT ROWID;

-- The timeline: every change to a request.
CREATE TABLE events (
    id         INTEGER PRIMARY KEY,
    request_id INTEGER NOT NULL REFERENCES requests (id) ON DELETE CASCADE,
    at         TEXT NOT NULL,
    actor      TEXT NOT NULL,
    kind       TEXT NOT NULL,
    old_value  TEXT,
    new_value  TEXT,
    text       TEXT NOT NULL DEFAULT ''
) STRICT;
CREATE INDEX events_request ON events (request_id, id);

-- Append-only, hash-chained audit log.
CREATE TABLE audit (
    id        INTEGER PRIMARY KEY,
    at        TEXT NOT NULL,
    actor     TEXT NOT NULL,
    action    TEXT NOT NULL,
    target    TEXT NOT NULL DEFAULT '',
    detail    TEXT NOT NULL DEFAULT '',
    prev_hash TEXT NOT NULL,
    hash      TEXT NOT NULL
) STRICT;
CREATE TRIGGER audit_no_update BEFORE UPDATE ON audit BEGIN
    SELECT RAISE(ABORT, 'the audit log is append-only');
END;
CREATE TRIGGER audit_no_delete BEFORE DELETE ON audit BEGIN
    SELECT RAISE(ABORT, 'the audit log is append-only');
END;

-- Calendar entries added by administrators; they override the shipped calendar.
CREATE TABLE calendar_entries (
    date       TEXT PRIMARY KEY,
    kind       TEXT NOT NULL CHECK (kind IN ('holiday', 'extra_day_off', 'working_day')),
    name       TEXT NOT NULL,
    basis      TEXT NOT NULL DEFAULT '',
    applies_to TEXT NOT NULL DEFAULT '',
    confidence TEXT NOT NULL DEFAULT '',
    source     TEXT NOT NULL DEFAULT '',
    added_by   TEXT NOT NULL,
    added_at   TEXT NOT NULL
) STRICT;

-- Full-text search over reference, subject name, PIN and description.
CREATE VIRTUAL TABLE requests_fts USING fts5 (
    ref, subject_name, subject_pin, description,
    content = 'requests', content_rowid = 'id',
    tokenize = 'unicode61 remove_diacritics 0'
);
CREATE TRIGGER requests_fts_insert AFTER INSERT ON requests BEGIN
    INSERT INTO requests_fts (rowid, ref, subject_name, subject_pin, description)
    VALUES (new.id, new.ref, new.subject_name, new.subject_pin, new.description);
END;
CREATE TRIGGER requests_fts_delete AFTER DELETE ON requests BEGIN
    INSERT INTO requests_fts (requests_fts, rowid, ref, subject_name, subject_pin, description)
    VALUES ('delete', old.id, old.ref, old.subject_name, old.subject_pin, old.description);
END;
CREATE TRIGGER requests_fts_update AFTER UPDATE OF ref, subject_name, subject_pin, description ON requests BEGIN
    INSERT INTO requests_fts (requests_fts, rowid, ref, subject_name, subject_pin, description)
    VALUES ('delete', old.id, old.ref, old.subject_name, old.subject_pin, old.description);
    INSERT INTO requests_fts (rowid, ref, subject_name, subject_pin, description)
    VALUES (new.id, new.ref, new.subject_name, new.subject_pin, new.description);
END;
