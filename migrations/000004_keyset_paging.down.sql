DROP TRIGGER IF EXISTS resources_grant_access ON resources;
DROP FUNCTION IF EXISTS resources_grant_access();
DROP TABLE IF EXISTS resource_access;
DROP INDEX IF EXISTS resources_workspace_kind_name_idx;
ALTER TABLE resources DROP COLUMN IF EXISTS name_key;
DROP INDEX IF EXISTS service_accounts_live_workspace_idx;
DROP INDEX IF EXISTS members_live_workspace_idx;
