-- The requests a replay "as of a day" may find open (the digest, `list --as-of`): open now,
-- closed on or after the day, or changed since (an answer recorded later but dated earlier).
-- The last had no index, so the three together were a scan of every request: 390 ms of the
-- digest's 565 on a million requests. With this index of closed requests by their last
-- change, each part is read through an index of its own (store/stats.rs) and the same rows
-- take about 105 ms. Closed requests change rarely (a note, retention), so it costs little.
CREATE INDEX requests_closed_updated ON requests (updated_at) WHERE is_open = 0;
