-- The day a request last went into `awaiting_subject`, kept by triggers from the time of
-- the change (its updated_at, in the office's local time), so the supervisors' "awaiting the
-- subject longer than N days" section is one index range instead of a look at each
-- request's events.
ALTER TABLE requests ADD COLUMN awaiting_since TEXT;

UPDATE requests SET awaiting_since = (
    SELECT substr(max(e.at), 1, 10) FROM events e
    WHERE e.request_id = requests.id AND e.kind = 'status_changed' AND e.new_value = 'awaiting_subject'
) WHERE status = 'awaiting_subject';
UPDATE requests SET awaiting_since = substr(updated_at, 1, 10)
    WHERE status = 'awaiting_subject' AND awaiting_since IS NULL;

CREATE TRIGGER requests_awaiting_insert AFTER INSERT ON requests WHEN new.status = 'awaiting_subject' BEGIN
    UPDATE requests SET awaiting_since = substr(new.updated_at, 1, 10) WHERE id = new.id;
END;
CREATE TRIGGER requests_awaiting_update AFTER UPDATE OF status ON requests WHEN new.status IS NOT old.status BEGIN
    UPDATE requests SET awaiting_since =
        CASE WHEN new.status = 'awaiting_subject' THEN substr(new.updated_at, 1, 10) END
    WHERE id = new.id;
END;

DROP INDEX requests_awaiting;
CREATE INDEX requests_awaiting ON requests (awaiting_since, id) WHERE status = 'awaiting_subject';
