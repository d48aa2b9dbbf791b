-- Admission limits per key, user and team (JSON, NULL = none), settled usage for budgets and
-- reports, and a version counter other replicas poll to pick up identity changes.

ALTER TABLE api_keys ADD COLUMN limits TEXT;
ALTER TABLE users ADD COLUMN limits TEXT;
ALTER TABLE teams ADD COLUMN limits TEXT;

CREATE TABLE usage_events (
    id                INTEGER PRIMARY KEY,
    at                TEXT NOT NULL,
    day               TEXT NOT NULL,
    request_id        TEXT NOT NULL,
    user_id           TEXT,
    user_email        TEXT,
    team              TEXT,
    key_id            TEXT,
    model             TEXT,
    prompt_tokens     INTEGER NOT NULL,
    completion_tokens INTEGER NOT NULL,
    cost_micros       INTEGER NOT NULL,
    refused           INTEGER NOT NULL,
    reason            TEXT
);

CREATE INDEX usage_events_day ON usage_events (day);
CREATE INDEX usage_events_user ON usage_events (user_id, at);
CREATE INDEX usage_events_key ON usage_events (key_id, at);
CREATE INDEX usage_events_team ON usage_events (team, at);

CREATE TABLE identity_version (
    id      INTEGER PRIMARY KEY CHECK (id = 1),
    version INTEGER NOT NULL
);

INSERT INTO identity_version (id, version) VALUES (1, 0);
