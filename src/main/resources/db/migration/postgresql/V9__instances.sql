-- Serving processes ("instances"), so a restarted or surviving replica can charge the requests a
-- crashed one left in flight. The PostgreSQL twin of db/migration/sqlite/V9__instances.sql.

CREATE TABLE palisade_instances (
    id                TEXT COLLATE "C" PRIMARY KEY,
    started_millis    BIGINT NOT NULL,
    heartbeat_millis  BIGINT NOT NULL,
    watermark_seq     BIGINT NOT NULL,
    claimed_by        TEXT COLLATE "C",
    ended_millis      BIGINT,
    charged           BIGINT
);

CREATE INDEX palisade_instances_open ON palisade_instances (ended_millis);

CREATE INDEX IF NOT EXISTS usage_events_request ON usage_events (request_id);
