-- What an answer records for its letter beyond the outcome (issue 17): the medium of the
-- copy given on an access request and whether it was charged (Law 58: access is free, a
-- copy on a physical medium may be charged), and the body a request was referred to
-- (a code of assets/rules/bodies.toml). A table of its own, one row per answered request,
-- so the requests table and its readers stay as they are.
CREATE TABLE response_details (
    request_id   INTEGER PRIMARY KEY REFERENCES requests(id) ON DELETE CASCADE,
    copy_medium  TEXT CHECK (copy_medium IN ('electronic', 'paper', 'disk', 'flash_drive')),
    copy_charged INTEGER NOT NULL DEFAULT 0 CHECK (copy_charged IN (0, 1)),
    referred_to  TEXT
) STRICT;
