DROP TRIGGER IF EXISTS active_key_counts_updated ON keys;
DROP TRIGGER IF EXISTS active_key_counts_deleted ON keys;
DROP TRIGGER IF EXISTS active_key_counts_inserted ON keys;
DROP FUNCTION IF EXISTS active_key_counts_updated();
DROP FUNCTION IF EXISTS active_key_counts_deleted();
DROP FUNCTION IF EXISTS active_key_counts_inserted();
DROP TABLE IF EXISTS active_key_counts;
ALTER TABLE keys RESET (fillfactor);
