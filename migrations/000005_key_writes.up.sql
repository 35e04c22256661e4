-- The two writes of keys that every busy installation makes cheaper.

-- 1. Room on every page of keys for a new version of its rows: the flush
-- of last_used_at (Store.TouchKeys) rewrites the rows of every key used
-- since the last flush, and an update that finds room on the row's own
-- page and changes no indexed column is a heap-only (HOT) update: no new
-- entry in any of the five indexes of keys, and nothing for the key lookup
-- of the next request to step over. Pages written from now on keep a fifth
-- free.
ALTER TABLE keys SET (fillfactor = 80);

-- 2. The active keys of each owner, counted as keys are written, so that
-- the quota check of a key creation (Tx.CountActiveKeys) reads one row
-- instead of counting every key of the owner. The triggers below keep it
-- whatever writes keys (the store, COPY, a cascade): inserts and deletes
-- per statement, so that a bulk load or a workspace's deletion updates
-- each owner's count once; a revocation per row, and only when a key
-- becomes revoked (or active), so that the flush of last_used_at never
-- fires it. An owner without a row has no active key. The count of an
-- owner is updated under the row lock of its row, so concurrent creations
-- for one owner queue on it, as they do on the owner's lock already.
CREATE TABLE active_key_counts (
    owner_type text    NOT NULL,
    owner_id   text    NOT NULL,
    active     integer NOT NULL,
    PRIMARY KEY (owner_type, owner_id)
) WITH (fillfactor = 50);

INSERT INTO active_key_counts (owner_type, owner_id, active)
SELECT owner_type, owner_id, count(*) FROM keys WHERE revoked_at IS NULL GROUP BY owner_type, owner_id;

CREATE FUNCTION active_key_counts_inserted() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO active_key_counts AS c (owner_type, owner_id, active)
    SELECT owner_type, owner_id, count(*) FROM inserted_keys
    WHERE revoked_at IS NULL
    GROUP BY owner_type, owner_id
    ORDER BY owner_type, owner_id
    ON CONFLICT (owner_type, owner_id) DO UPDATE SET active = c.active + EXCLUDED.active;
    RETURN NULL;
END
$$;

CREATE TRIGGER active_key_counts_inserted AFTER INSERT ON keys
REFERENCING NEW TABLE AS inserted_keys
FOR EACH STATEMENT EXECUTE FUNCTION active_key_counts_inserted();

CREATE FUNCTION active_key_counts_deleted() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE active_key_counts c SET active = c.active - d.n
    FROM (
        SELECT owner_type, owner_id, count(*) AS n FROM deleted_keys
        WHERE revoked_at IS NULL
        GROUP BY owner_type, owner_id
    ) d
    WHERE c.owner_type = d.owner_type AND c.owner_id = d.owner_id;
    -- The count of an owner whose keys are all gone (its workspace
    -- deleted, the state reset) goes with them.
    DELETE FROM active_key_counts c
    USING (SELECT DISTINCT owner_type, owner_id FROM deleted_keys) d
    WHERE c.owner_type = d.owner_type AND c.owner_id = d.owner_id AND c.active = 0;
    RETURN NULL;
END
$$;

CREATE TRIGGER active_key_counts_deleted AFTER DELETE ON keys
REFERENCING OLD TABLE AS deleted_keys
FOR EACH STATEMENT EXECUTE FUNCTION active_key_counts_deleted();

CREATE FUNCTION active_key_counts_updated() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF OLD.revoked_at IS NULL THEN
        UPDATE active_key_counts SET active = active - 1
        WHERE owner_type = OLD.owner_type AND owner_id = OLD.owner_id;
    END IF;
    IF NEW.revoked_at IS NULL THEN
        INSERT INTO active_key_counts AS c (owner_type, owner_id, active)
        VALUES (NEW.owner_type, NEW.owner_id, 1)
        ON CONFLICT (owner_type, owner_id) DO UPDATE SET active = c.active + 1;
    END IF;
    RETURN NULL;
END
$$;

CREATE TRIGGER active_key_counts_updated AFTER UPDATE OF revoked_at, owner_type, owner_id ON keys
FOR EACH ROW
WHEN ((OLD.revoked_at IS NULL) <> (NEW.revoked_at IS NULL) OR OLD.owner_type <> NEW.owner_type OR OLD.owner_id <> NEW.owner_id)
EXECUTE FUNCTION active_key_counts_updated();
