-- Keyset paging: every paged listing reads one range of one index, in the
-- listing's order ((sort key, id) after the last item of the previous
-- page), so that a page costs O(log n + page) however long the listing.
-- The listings oldest first use the indexes of 000001 on
-- (..., created_at, id); this adds what the others need.

-- Members and service accounts not removed, oldest first.
CREATE INDEX members_live_workspace_idx ON members (workspace_id, created_at, id) WHERE removed_at IS NULL;
CREATE INDEX service_accounts_live_workspace_idx ON service_accounts (workspace_id, created_at, id) WHERE deleted_at IS NULL;

-- Resources by name. The sort key is the title lower-cased by the
-- application (store.NameKey), compared byte by byte (COLLATE "C"), so
-- that both stores order names alike whatever the database's collation.
-- Rows written before this migration get lower(title), which is the same
-- key for every title the database lower-cases as Go does.
ALTER TABLE resources ADD COLUMN name_key text COLLATE "C";
UPDATE resources SET name_key = lower(title);
ALTER TABLE resources ALTER COLUMN name_key SET NOT NULL;
CREATE INDEX resources_workspace_kind_name_idx ON resources (workspace_id, kind, name_key, id);

-- resource_access lists each resource under every principal that reaches
-- it directly: its creator and each principal in shared_with. It carries
-- the resource's sort keys, so that the resources of a kind a principal
-- sees are one range of one index in either order. The trigger below
-- keeps it in step with resources, whatever writes them; a row goes with
-- its resource (ON DELETE CASCADE, so also with its workspace).
CREATE TABLE resource_access (
    resource_id  text        NOT NULL REFERENCES resources (id) ON DELETE CASCADE,
    workspace_id text        NOT NULL,
    kind         text        NOT NULL,
    owner_type   text        NOT NULL,
    owner_id     text        NOT NULL,
    created_at   timestamptz NOT NULL,
    name_key     text        COLLATE "C" NOT NULL,
    PRIMARY KEY (resource_id, owner_type, owner_id)
);

CREATE INDEX resource_access_created_idx ON resource_access (workspace_id, kind, owner_type, owner_id, created_at, resource_id);
CREATE INDEX resource_access_name_idx ON resource_access (workspace_id, kind, owner_type, owner_id, name_key, resource_id);

CREATE FUNCTION resources_grant_access() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'UPDATE' THEN
        DELETE FROM resource_access WHERE resource_id = OLD.id;
    END IF;
    INSERT INTO resource_access (resource_id, workspace_id, kind, owner_type, owner_id, created_at, name_key)
    SELECT NEW.id, NEW.workspace_id, NEW.kind, o.owner_type, o.owner_id, NEW.created_at, NEW.name_key
    FROM (
        SELECT NEW.created_by_type, NEW.created_by_id
        UNION
        SELECT e ->> 'type', e ->> 'id' FROM jsonb_array_elements(COALESCE(NEW.shared_with, '[]'::jsonb)) AS e
    ) AS o (owner_type, owner_id);
    RETURN NULL;
END
$$;

CREATE TRIGGER resources_grant_access
AFTER INSERT OR UPDATE OF created_by_type, created_by_id, shared_with, name_key ON resources
FOR EACH ROW EXECUTE FUNCTION resources_grant_access();

INSERT INTO resource_access (resource_id, workspace_id, kind, owner_type, owner_id, created_at, name_key)
SELECT r.id, r.workspace_id, r.kind, o.owner_type, o.owner_id, r.created_at, r.name_key
FROM resources r CROSS JOIN LATERAL (
    SELECT r.created_by_type, r.created_by_id
    UNION
    SELECT e ->> 'type', e ->> 'id' FROM jsonb_array_elements(COALESCE(r.shared_with, '[]'::jsonb)) AS e
) AS o (owner_type, owner_id);
