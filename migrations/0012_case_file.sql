-- The clerk's case file (issue 15): documents kept with a request, requests made through a
-- representative, requests closed as duplicates of another, and messages taken in by e-mail.
-- Tables of their own, so the requests table and the hashes of its rows stay as they are.

-- File contents, addressed by their SHA-256 (hex): a file attached twice is stored once.
CREATE TABLE blobs (
    id     INTEGER PRIMARY KEY,
    sha256 TEXT NOT NULL UNIQUE CHECK (length(sha256) = 64),
    size   INTEGER NOT NULL CHECK (size >= 0),
    data   BLOB NOT NULL
) STRICT;

-- The files of a request, numbered from 1 in the order they were added.
CREATE TABLE attachments (
    request_id INTEGER NOT NULL REFERENCES requests (id) ON DELETE CASCADE,
    n          INTEGER NOT NULL CHECK (n >= 1),
    kind       TEXT NOT NULL CHECK (kind IN ('request_scan', 'identity_document', 'power_of_attorney',
                                             'outgoing_letter', 'data_extract', 'other')),
    file_name  TEXT NOT NULL,
    sha256     TEXT NOT NULL REFERENCES blobs (sha256),
    size       INTEGER NOT NULL CHECK (size >= 0),
    added_by   TEXT NOT NULL,
    added_at   TEXT NOT NULL,
    PRIMARY KEY (request_id, n)
) STRICT, WITHOUT ROWID;
CREATE INDEX attachments_sha256 ON attachments (sha256);

-- Who made the request on the subject's behalf (an authorised representative).
CREATE TABLE representatives (
    request_id INTEGER PRIMARY KEY REFERENCES requests (id) ON DELETE CASCADE,
    name       TEXT NOT NULL,
    document   TEXT NOT NULL DEFAULT '',
    address    TEXT NOT NULL DEFAULT '',
    email      TEXT NOT NULL DEFAULT '',
    phone      TEXT NOT NULL DEFAULT ''
) STRICT;

-- A request closed as a duplicate of another (status withdrawn, closed as 'duplicate').
CREATE TABLE request_links (
    request_id   INTEGER PRIMARY KEY REFERENCES requests (id) ON DELETE CASCADE,
    duplicate_of INTEGER NOT NULL REFERENCES requests (id),
    CHECK (request_id <> duplicate_of)
) STRICT;
CREATE INDEX request_links_target ON request_links (duplicate_of);

-- Messages registered by `aryz import-mail`, by Message-ID, so none is registered twice.
CREATE TABLE mail_imports (
    message_id TEXT PRIMARY KEY,
    request_id INTEGER NOT NULL REFERENCES requests (id) ON DELETE CASCADE,
    imported_at TEXT NOT NULL
) STRICT;
CREATE INDEX mail_imports_request ON mail_imports (request_id);

-- Search covers e-mail, phone (also as bare digits) and the tail of a reference (`234` for
-- ARZ-2026-000234). The index is rebuilt with the new columns.
ALTER TABLE requests ADD COLUMN ref_tail TEXT GENERATED ALWAYS AS (ltrim(substr(ref, 10), '0')) VIRTUAL;
ALTER TABLE requests ADD COLUMN phone_digits TEXT GENERATED ALWAYS AS
    (replace(replace(replace(replace(replace(replace(phone, ' ', ''), '-', ''), '(', ''), ')', ''), '+', ''), '.', '')) VIRTUAL;

DROP TRIGGER requests_fts_insert;
DROP TRIGGER requests_fts_delete;
DROP TRIGGER requests_fts_update;
DROP TABLE requests_fts;
CREATE VIRTUAL TABLE requests_fts USING fts5 (
    ref, ref_tail, subject_name, subject_pin, description, email, phone, phone_digits,
    content = 'requests', content_rowid = 'id',
    tokenize = 'unicode61 remove_diacritics 0'
);
CREATE TRIGGER requests_fts_insert AFTER INSERT ON requests BEGIN
    INSERT INTO requests_fts (rowid, ref, ref_tail, subject_name, subject_pin, description, email, phone, phone_digits)
    VALUES (new.id, new.ref, new.ref_tail, new.subject_name, new.subject_pin, new.description, new.email, new.phone, new.phone_digits);
END;
CREATE TRIGGER requests_fts_delete AFTER DELETE ON requests BEGIN
    INSERT INTO requests_fts (requests_fts, rowid, ref, ref_tail, subject_name, subject_pin, description, email, phone, phone_digits)
    VALUES ('delete', old.id, old.ref, old.ref_tail, old.subject_name, old.subject_pin, old.description, old.email, old.phone, old.phone_digits);
END;
CREATE TRIGGER requests_fts_update AFTER UPDATE OF ref, subject_name, subject_pin, description, email, phone ON requests BEGIN
    INSERT INTO requests_fts (requests_fts, rowid, ref, ref_tail, subject_name, subject_pin, description, email, phone, phone_digits)
    VALUES ('delete', old.id, old.ref, old.ref_tail, old.subject_name, old.subject_pin, old.description, old.email, old.phone, old.phone_digits);
    INSERT INTO requests_fts (rowid, ref, ref_tail, subject_name, subject_pin, description, email, phone, phone_digits)
    VALUES (new.id, new.ref, new.ref_tail, new.subject_name, new.subject_pin, new.description, new.email, new.phone, new.phone_digits);
END;
INSERT INTO requests_fts (requests_fts) VALUES ('rebuild');
