-- Foundation schema: identities, keys and the hash-chained audit trail. The PostgreSQL twin of
-- db/migration/sqlite/V1__foundation.sql: same tables, columns and meaning.
-- Timestamps are ISO-8601 UTC text, as in SQLite, so the audit hash covers the same bytes and time
-- bounds compare the same way on both stores. Every text column uses the "C" collation: bytewise
-- comparison and ordering like SQLite's, whatever locale the database was created with.
-- Flags stay INTEGER 0/1 so the JDBC code is the same for both stores.

CREATE TABLE teams (
    id             TEXT COLLATE "C" PRIMARY KEY,
    name           TEXT COLLATE "C" NOT NULL UNIQUE,
    allowed_models TEXT COLLATE "C" NOT NULL DEFAULT '[]',
    created_at     TEXT COLLATE "C" NOT NULL
);

CREATE TABLE users (
    id                 TEXT COLLATE "C" PRIMARY KEY,
    email              TEXT COLLATE "C" NOT NULL UNIQUE,
    name               TEXT COLLATE "C" NOT NULL,
    team_id            TEXT COLLATE "C" REFERENCES teams (id),
    status             TEXT COLLATE "C" NOT NULL CHECK (status IN ('pending', 'active', 'disabled')),
    is_admin           INTEGER NOT NULL DEFAULT 0,
    created_at         TEXT COLLATE "C" NOT NULL,
    -- highest audit sequence number already exported for this user; deletion needs it current
    audit_exported_seq BIGINT NOT NULL DEFAULT 0
);

CREATE TABLE api_keys (
    id                  TEXT COLLATE "C" PRIMARY KEY,
    secret_hash         TEXT COLLATE "C" NOT NULL,
    user_id             TEXT COLLATE "C" NOT NULL REFERENCES users (id),
    team_id             TEXT COLLATE "C" REFERENCES teams (id),
    allowed_models      TEXT COLLATE "C" NOT NULL DEFAULT '[]',
    requests_per_minute INTEGER,
    expires_at          TEXT COLLATE "C",
    revoked_at          TEXT COLLATE "C",
    label               TEXT COLLATE "C" NOT NULL DEFAULT '',
    is_admin            INTEGER NOT NULL DEFAULT 0,
    created_at          TEXT COLLATE "C" NOT NULL
);

CREATE INDEX api_keys_user ON api_keys (user_id);

-- Append-only. Each row's hash covers its content and the previous row's hash. The writer assigns
-- seq (the next after the tail it read under the chain lock), so it is a plain key, not generated.
CREATE TABLE audit_events (
    seq        BIGINT PRIMARY KEY,
    request_id TEXT COLLATE "C" NOT NULL,
    kind       TEXT COLLATE "C" NOT NULL,
    at         TEXT COLLATE "C" NOT NULL,
    user_id    TEXT COLLATE "C",
    body       TEXT COLLATE "C" NOT NULL,
    prev_hash  TEXT COLLATE "C" NOT NULL,
    hash       TEXT COLLATE "C" NOT NULL
);

CREATE INDEX audit_events_request ON audit_events (request_id);
CREATE INDEX audit_events_user ON audit_events (user_id, seq);
CREATE INDEX audit_events_at ON audit_events (at);
