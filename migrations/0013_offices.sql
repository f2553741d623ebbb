-- Offices (issue 14 item 4): requests and operators each belong to one office. The list is
-- data that an administrator edits (`aryz office add|edit`); no office is ever deleted, only
-- made inactive. Office 1 is made here for every database: every request and operator that
-- already exists belongs to it, and it is the head office (its supervisors see every office),
-- so a database with one office behaves exactly as before.
--
-- The office is under the audit chain: a request or an operator outside office 1 hashes
-- with its office added (store/records.rs), so the hashes of records in office 1, and so
-- every existing record, stay as they were.
CREATE TABLE offices (
    id         INTEGER PRIMARY KEY,
    code       TEXT NOT NULL UNIQUE CHECK (length(code) BETWEEN 1 AND 16),
    name_en    TEXT NOT NULL DEFAULT '',
    name_ky    TEXT NOT NULL DEFAULT '',
    name_ru    TEXT NOT NULL DEFAULT '',
    head       INTEGER NOT NULL DEFAULT 0 CHECK (head IN (0, 1)),
    active     INTEGER NOT NULL DEFAULT 1 CHECK (active IN (0, 1)),
    created_by TEXT NOT NULL DEFAULT '',
    created_at TEXT NOT NULL DEFAULT '',
    updated_by TEXT NOT NULL DEFAULT '',
    updated_at TEXT NOT NULL DEFAULT ''
) STRICT;

INSERT INTO offices (id, code, name_en, name_ky, name_ru, head, active, created_by, created_at)
VALUES (1, 'MAIN', 'Main office', 'Башкы кеңсе', 'Главный офис', 1, 1, 'aryz', strftime('%Y-%m-%dT%H:%M:%SZ', 'now'));

-- SQLite cannot add a REFERENCES column with a default, so triggers keep the reference.
ALTER TABLE requests ADD COLUMN office INTEGER NOT NULL DEFAULT 1;
ALTER TABLE operators ADD COLUMN office INTEGER NOT NULL DEFAULT 1;
CREATE TRIGGER requests_office_insert BEFORE INSERT ON requests
WHEN NOT EXISTS (SELECT 1 FROM offices WHERE id = new.office) BEGIN
    SELECT RAISE(ABORT, 'requests.office: no such office');
END;
CREATE TRIGGER requests_office_update BEFORE UPDATE OF office ON requests
WHEN NOT EXISTS (SELECT 1 FROM offices WHERE id = new.office) BEGIN
    SELECT RAISE(ABORT, 'requests.office: no such office');
END;
CREATE TRIGGER operators_office_insert BEFORE INSERT ON operators
WHEN NOT EXISTS (SELECT 1 FROM offices WHERE id = new.office) BEGIN
    SELECT RAISE(ABORT, 'operators.office: no such office');
END;
CREATE TRIGGER operators_office_update BEFORE UPDATE OF office ON operators
WHEN NOT EXISTS (SELECT 1 FROM offices WHERE id = new.office) BEGIN
    SELECT RAISE(ABORT, 'operators.office: no such office');
END;
CREATE TRIGGER offices_no_delete BEFORE DELETE ON offices BEGIN
    SELECT RAISE(ABORT, 'offices are never deleted, only made inactive');
END;

-- A clerk's queue is one office's open requests by due date.
CREATE INDEX requests_office_open ON requests (office, due_on, id) WHERE is_open = 1;
CREATE INDEX requests_office ON requests (office, id);
