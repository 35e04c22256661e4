-- The emulator's controls, shared by every replica: fault rules and the clock
-- setting. They are not part of the accounts' state (no workspace owns them).
-- Every change notifies the channel emulator_control with the payload
-- '<schema>.<topic>', so replicas reload their cached copy at once; the
-- schema lets replicas of several installations share one database.

CREATE TABLE fault_rules (
    id         text        PRIMARY KEY,
    created_at timestamptz NOT NULL,
    -- The rule as package faults encodes it, kept verbatim.
    definition json        NOT NULL,
    -- How many times the rule may fire in all; 0 means no limit.
    fire_limit bigint      NOT NULL CHECK (fire_limit >= 0),
    matched    bigint      NOT NULL DEFAULT 0 CHECK (matched >= 0),
    fired      bigint      NOT NULL DEFAULT 0 CHECK (fired >= 0),
    CONSTRAINT fault_rules_fired_within_limit CHECK (fire_limit = 0 OR fired <= fire_limit)
);

CREATE INDEX fault_rules_created_at_idx ON fault_rules (created_at, id);

-- At most one row: no row is real time.
CREATE TABLE emulator_clock (
    singleton boolean     PRIMARY KEY DEFAULT true CHECK (singleton),
    offset_us bigint      NOT NULL DEFAULT 0,
    frozen_at timestamptz,
    CONSTRAINT emulator_clock_offset_or_frozen CHECK (offset_us = 0 OR frozen_at IS NULL)
);

CREATE FUNCTION emulator_notify_control() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    PERFORM pg_notify('emulator_control', TG_TABLE_SCHEMA || '.' || TG_ARGV[0]);
    RETURN NULL;
END
$$;

-- Counting matches and firings changes no rule: only the definition columns
-- notify.
CREATE TRIGGER fault_rules_changed
    AFTER INSERT OR DELETE OR UPDATE OF id, definition, fire_limit ON fault_rules
    FOR EACH STATEMENT EXECUTE FUNCTION emulator_notify_control('faults');
CREATE TRIGGER fault_rules_truncated
    AFTER TRUNCATE ON fault_rules
    FOR EACH STATEMENT EXECUTE FUNCTION emulator_notify_control('faults');
CREATE TRIGGER emulator_clock_changed
    AFTER INSERT OR DELETE OR UPDATE ON emulator_clock
    FOR EACH STATEMENT EXECUTE FUNCTION emulator_notify_control('clock');
CREATE TRIGGER emulator_clock_truncated
    AFTER TRUNCATE ON emulator_clock
    FOR EACH STATEMENT EXECUTE FUNCTION emulator_notify_control('clock');
