-- Retention: when a request's personal fields were erased (NULL while they are kept).
ALTER TABLE requests ADD COLUMN erased_on TEXT;
