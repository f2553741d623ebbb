-- The audit chain covers the records (issue 11). Every audit entry binds `state`: the
-- count and the sum (mod 2^256) of the SHA-256 hashes of every request (with its events
-- and category actions) and every operator as they stand after that entry's change.
-- `record_state` keeps each record's hash as the last audited change left it, so that
-- `aryz audit verify` can name the record that differs; the sums in the chain catch an
-- edit of `record_state` itself. Rows existing before this migration are taken into a
-- baseline entry written by aryz when it applies this migration (see store/migrate.rs).
ALTER TABLE audit ADD COLUMN state TEXT NOT NULL DEFAULT '';

CREATE TABLE record_state (
    kind     INTEGER NOT NULL CHECK (kind IN (1, 2)),  -- 1 request, 2 operator
    key      ANY NOT NULL,                             -- request id, operator login
    hash     BLOB NOT NULL,
    audit_id INTEGER NOT NULL,                         -- the entry that left this state
    PRIMARY KEY (kind, key)
) STRICT, WITHOUT ROWID;
