-- Room on every page of keys for a new version of its rows: the flush of
-- last_used_at (Store.TouchKeys) rewrites the rows of every key used since
-- the last flush, and an update that finds room on the row's own page and
-- changes no indexed column is a heap-only (HOT) update: no new entry in
-- any of the four indexes of keys, and nothing for the key lookup of the
-- next request to step over. Pages written from now on keep a fifth free.
ALTER TABLE keys SET (fillfactor = 80);
