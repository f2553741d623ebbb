-- The office indexes of 0013, reshaped after a measured planner trap (session 10).
--
-- With `requests_office (office, id)` over every request, SQLite 3.54 answered "how many
-- open requests in office 1" by walking that index and reading each row to test
-- `is_open`: on a 1,000,000-request database with one office, 440 ms for `aryz list` as a
-- clerk, where `requests_office_open` answers in 2 ms. It did so with statistics from
-- ANALYZE as well as without them, so the cure is the schema, not the statistics.
--
-- * The office index over every request becomes one over closed requests only: an open
--   query can no longer pick it, a closed one still finds an office's rows without a scan.
-- * The open index of an office carries `paused_since`, as `requests_open_due` does, so
--   "overdue in this office" (which asks whether the clock stopped before the due date)
--   is answered from the index without reading rows (25 ms -> 1 ms on the same database).
DROP INDEX requests_office;
CREATE INDEX requests_office_closed ON requests (office, id) WHERE is_open = 0;
DROP INDEX requests_office_open;
CREATE INDEX requests_office_open ON requests (office, due_on, id, paused_since) WHERE is_open = 1;
