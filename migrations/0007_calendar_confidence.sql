-- Issue 10: an administrator can remove a day from the calendar (a forecast Ait that proved
-- wrong, a shipped day that does not apply), kept as a tombstone so that the removal also
-- hides the shipped or generated day of that date; and a deadline can be provisional (its
-- counting reached an expected day or a year without calendar data), with the reason.
ALTER TABLE calendar_entries ADD COLUMN removed INTEGER NOT NULL DEFAULT 0 CHECK (removed IN (0, 1));
ALTER TABLE deadlines ADD COLUMN provisional TEXT;
