-- Initial schema of the emulator's Postgres store. Ids are UUID strings chosen
-- by the application and stored as text; every row belongs to a workspace and
-- goes with it (ON DELETE CASCADE). Uniqueness rules that must hold across
-- replicas are constraints, so concurrent transactions cannot both pass them.

CREATE TABLE workspaces (
    id                             text        PRIMARY KEY,
    name                           text        NOT NULL,
    created_at                     timestamptz NOT NULL,
    quota_service_accounts         integer     NOT NULL CHECK (quota_service_accounts >= 0),
    quota_keys_per_service_account integer     NOT NULL CHECK (quota_keys_per_service_account >= 0),
    quota_keys_per_user            integer     NOT NULL CHECK (quota_keys_per_user >= 0)
);

CREATE INDEX workspaces_created_at_idx ON workspaces (created_at, id);

CREATE TABLE members (
    id           text        PRIMARY KEY,
    workspace_id text        NOT NULL REFERENCES workspaces (id) ON DELETE CASCADE,
    email        text        NOT NULL,
    name         text        NOT NULL,
    role         text        NOT NULL CONSTRAINT members_role_check CHECK (role IN ('admin', 'member')),
    created_at   timestamptz NOT NULL,
    removed_at   timestamptz
);

-- An email is a live member of at most one workspace; removed memberships keep
-- their rows (their keys keep an owner) and free the email.
CREATE UNIQUE INDEX members_live_email_key ON members (lower(email)) WHERE removed_at IS NULL;
CREATE INDEX members_workspace_idx ON members (workspace_id, created_at, id);

CREATE TABLE service_accounts (
    id           text        PRIMARY KEY,
    workspace_id text        NOT NULL REFERENCES workspaces (id) ON DELETE CASCADE,
    name         text        NOT NULL,
    description  text        NOT NULL,
    email        text        NOT NULL,
    role         text        NOT NULL CONSTRAINT service_accounts_role_check CHECK (role IN ('admin', 'member')),
    created_at   timestamptz NOT NULL,
    created_by   text        NOT NULL,
    deleted_at   timestamptz
);

CREATE UNIQUE INDEX service_accounts_live_email_key ON service_accounts (lower(email)) WHERE deleted_at IS NULL;
CREATE INDEX service_accounts_workspace_idx ON service_accounts (workspace_id, created_at, id);

CREATE TABLE keys (
    id             text        PRIMARY KEY,
    workspace_id   text        NOT NULL REFERENCES workspaces (id) ON DELETE CASCADE,
    owner_type     text        NOT NULL CONSTRAINT keys_owner_type_check CHECK (owner_type IN ('user', 'service_account')),
    owner_id       text        NOT NULL,
    title          text        NOT NULL,
    public_key     text        NOT NULL,
    public_key_hex text        NOT NULL,
    fingerprint    text        NOT NULL,
    origin         text        NOT NULL CONSTRAINT keys_origin_check CHECK (origin IN ('uploaded', 'generated')),
    created_at     timestamptz NOT NULL,
    last_used_at   timestamptz,
    revoked_at     timestamptz,
    revoke_reason  text        NOT NULL DEFAULT ''
);

-- A public key is registered to at most one active key in the installation.
-- The store maps a violation of this index, by name, to ErrDuplicateKey.
CREATE UNIQUE INDEX keys_active_public_key_hex_key ON keys (public_key_hex) WHERE revoked_at IS NULL;
-- ResolveKey: every key ever registered under a public key, the active one
-- first, then the most recently revoked, so that LIMIT 1 reads one index entry.
CREATE INDEX keys_public_key_hex_idx ON keys (public_key_hex, revoked_at DESC NULLS FIRST, created_at DESC, id DESC);
CREATE INDEX keys_owner_idx ON keys (owner_type, owner_id, created_at, id);
CREATE INDEX keys_workspace_idx ON keys (workspace_id, created_at, id);

CREATE TABLE tokens (
    id           text        PRIMARY KEY,
    hash         text        NOT NULL CONSTRAINT tokens_hash_key UNIQUE,
    kind         text        NOT NULL CONSTRAINT tokens_kind_check CHECK (kind IN ('session', 'bearer')),
    owner_type   text        NOT NULL CONSTRAINT tokens_owner_type_check CHECK (owner_type IN ('user', 'service_account')),
    owner_id     text        NOT NULL,
    workspace_id text        NOT NULL REFERENCES workspaces (id) ON DELETE CASCADE,
    created_at   timestamptz NOT NULL,
    expires_at   timestamptz NOT NULL
);

CREATE INDEX tokens_owner_idx ON tokens (owner_type, owner_id);
CREATE INDEX tokens_workspace_idx ON tokens (workspace_id, created_at, id);

CREATE TABLE resources (
    id              text        PRIMARY KEY,
    workspace_id    text        NOT NULL REFERENCES workspaces (id) ON DELETE CASCADE,
    kind            text        NOT NULL CONSTRAINT resources_kind_check CHECK (kind IN ('project', 'dataset', 'ontology', 'storage_folder', 'group', 'cloud_integration')),
    title           text        NOT NULL,
    description     text        NOT NULL,
    created_by_type text        NOT NULL CONSTRAINT resources_created_by_type_check CHECK (created_by_type IN ('user', 'service_account')),
    created_by_id   text        NOT NULL,
    -- NULL for a nil list, a JSON array of {"type","id"} otherwise.
    shared_with     jsonb       CONSTRAINT resources_shared_with_check CHECK (shared_with IS NULL OR jsonb_typeof(shared_with) = 'array'),
    created_at      timestamptz NOT NULL,
    updated_at      timestamptz NOT NULL,
    -- json, not jsonb: the store keeps the caller's attribute text verbatim
    -- (key order and spacing included), as the memory store does.
    attributes      json
);

CREATE INDEX resources_workspace_kind_idx ON resources (workspace_id, kind, created_at, id);
