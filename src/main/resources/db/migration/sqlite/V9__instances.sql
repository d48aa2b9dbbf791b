-- Serving processes ("instances"), so a restarted or surviving process can charge the requests a
-- crashed one left in flight (docs/admission.md, "After a crash"). One row per start.
-- watermark_seq: no "started" audit row of the instance with a seq at or below it lacks its
-- completion; the sweep reads the instance's rows after it only.

CREATE TABLE palisade_instances (
    id                TEXT PRIMARY KEY,
    started_millis    INTEGER NOT NULL,
    heartbeat_millis  INTEGER NOT NULL,
    watermark_seq     INTEGER NOT NULL,
    claimed_by        TEXT,
    ended_millis      INTEGER,
    charged           INTEGER
);

CREATE INDEX palisade_instances_open ON palisade_instances (ended_millis);

-- The sweep asks whether a request already has its usage row. IF NOT EXISTS: another migration
-- may index the same column (uniquely) under this name.
CREATE INDEX IF NOT EXISTS usage_events_request ON usage_events (request_id);
