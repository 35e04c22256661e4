ALTER TABLE workspaces DROP COLUMN IF EXISTS quota_resources;

DROP INDEX IF EXISTS tokens_expires_at_idx;
DROP INDEX IF EXISTS tokens_key_idx;
ALTER TABLE tokens DROP COLUMN IF EXISTS key_id;

DROP TRIGGER IF EXISTS service_accounts_hold_identity ON service_accounts;
DROP FUNCTION IF EXISTS service_accounts_hold_identity();
DROP TRIGGER IF EXISTS members_hold_identity ON members;
DROP FUNCTION IF EXISTS members_hold_identity();
DROP TABLE IF EXISTS identities;
