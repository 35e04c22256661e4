-- One identity per email, bearer tokens bound to their key, expired tokens
-- purged through an index, and a quota on resources per workspace.

-- One identity, one email: an email (lower-cased) is held by at most one
-- live member or live service account, installation-wide. The triggers
-- below keep this table in step with members and service_accounts whatever
-- writes them, so its primary key decides races between transactions and
-- between replicas, as the other unique indexes do; the store maps its
-- violation to ErrAlreadyExists like theirs. A row goes with its member or
-- service account (ON DELETE CASCADE, so also with its workspace).
CREATE TABLE identities (
    email              text PRIMARY KEY,
    member_id          text REFERENCES members (id) ON DELETE CASCADE,
    service_account_id text REFERENCES service_accounts (id) ON DELETE CASCADE,
    CONSTRAINT identities_one_holder_check CHECK (num_nonnulls(member_id, service_account_id) = 1)
);

CREATE UNIQUE INDEX identities_member_key ON identities (member_id);
CREATE UNIQUE INDEX identities_service_account_key ON identities (service_account_id);

-- Emails held before this migration: a service account keeps its email; a
-- live member that shares one with a live service account (which the rule
-- did not prevent until now) keeps its row but holds no identity, so its
-- email can never be taken by a third principal either.
INSERT INTO identities (email, service_account_id)
SELECT lower(email), id FROM service_accounts WHERE deleted_at IS NULL;
INSERT INTO identities (email, member_id)
SELECT lower(email), id FROM members WHERE removed_at IS NULL
ON CONFLICT (email) DO NOTHING;

-- A live membership holds its email; removing the member frees it.
CREATE FUNCTION members_hold_identity() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'UPDATE' THEN
        DELETE FROM identities WHERE member_id = OLD.id;
    END IF;
    IF NEW.removed_at IS NULL THEN
        INSERT INTO identities (email, member_id) VALUES (lower(NEW.email), NEW.id);
    END IF;
    RETURN NULL;
END
$$;

CREATE TRIGGER members_hold_identity
AFTER INSERT OR UPDATE OF email, removed_at ON members
FOR EACH ROW EXECUTE FUNCTION members_hold_identity();

-- A live service account holds its email; deleting the account frees it.
CREATE FUNCTION service_accounts_hold_identity() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'UPDATE' THEN
        DELETE FROM identities WHERE service_account_id = OLD.id;
    END IF;
    IF NEW.deleted_at IS NULL THEN
        INSERT INTO identities (email, service_account_id) VALUES (lower(NEW.email), NEW.id);
    END IF;
    RETURN NULL;
END
$$;

CREATE TRIGGER service_accounts_hold_identity
AFTER INSERT OR UPDATE OF email, deleted_at ON service_accounts
FOR EACH ROW EXECUTE FUNCTION service_accounts_hold_identity();

-- A bearer token belongs to the key whose signed request minted it
-- (key_id; NULL for a session). Bearers issued before this migration name
-- no key and could never be tied to one, so they are dropped: a client
-- holding one mints a new one with its key, as it does when one expires.
DELETE FROM tokens WHERE kind = 'bearer';
ALTER TABLE tokens ADD COLUMN key_id text;

-- Revoking a key deletes its bearers through this index.
CREATE INDEX tokens_key_idx ON tokens (key_id) WHERE key_id IS NOT NULL;
-- The purge of expired tokens reads this index only.
CREATE INDEX tokens_expires_at_idx ON tokens (expires_at);

-- Resources (of every kind) a workspace may hold; existing workspaces get
-- the default.
ALTER TABLE workspaces
    ADD COLUMN quota_resources integer NOT NULL DEFAULT 10000
    CONSTRAINT workspaces_quota_resources_check CHECK (quota_resources >= 0);
