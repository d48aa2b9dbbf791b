-- Foundation schema: identities, keys and the hash-chained audit trail.
-- Timestamps are ISO-8601 UTC text; JSON lists are stored as JSON text.

CREATE TABLE teams (
    id             TEXT PRIMARY KEY,
    name           TEXT NOT NULL UNIQUE,
    allowed_models TEXT NOT NULL DEFAULT '[]',
    created_at     TEXT NOT NULL
);

CREATE TABLE users (
    id                 TEXT PRIMARY KEY,
    email              TEXT NOT NULL UNIQUE,
    name               TEXT NOT NULL,
    team_id            TEXT REFERENCES teams (id),
    status             TEXT NOT NULL CHECK (status IN ('pending', 'active', 'disabled')),
    is_admin           INTEGER NOT NULL DEFAULT 0,
    created_at         TEXT NOT NULL,
    -- highest audit sequence number already exported for this user; deletion needs it current
    audit_exported_seq INTEGER NOT NULL DEFAULT 0
);

CREATE TABLE api_keys (
    id                  TEXT PRIMARY KEY,
    secret_hash         TEXT NOT NULL,
    user_id             TEXT NOT NULL REFERENCES users (id),
    team_id             TEXT REFERENCES teams (id),
    allowed_models      TEXT NOT NULL DEFAULT '[]',
    requests_per_minute INTEGER,
    expires_at          TEXT,
    revoked_at          TEXT,
    label               TEXT NOT NULL DEFAULT '',
    is_admin            INTEGER NOT NULL DEFAULT 0,
    created_at          TEXT NOT NULL
);

CREATE INDEX api_keys_user ON api_keys (user_id);

-- Append-only. Each row's hash covers its content and the previous row's hash.
CREATE TABLE audit_events (
    seq        INTEGER PRIMARY KEY,
    request_id TEXT NOT NULL,
    kind       TEXT NOT NULL,
    at         TEXT NOT NULL,
    user_id    TEXT,
    body       TEXT NOT NULL,
    prev_hash  TEXT NOT NULL,
    hash       TEXT NOT NULL
);

CREATE INDEX audit_events_request ON audit_events (request_id);
CREATE INDEX audit_events_user ON audit_events (user_id, seq);
CREATE INDEX audit_events_at ON audit_events (at);
