-- Routing and model lifecycle: per-key fallback models, and where each canary stands.

ALTER TABLE api_keys ADD COLUMN fallback_models TEXT NOT NULL DEFAULT '[]';

-- One row per canary that was promoted or rolled back (no row: the canary is active).
-- Shared by every replica, so a rollback decided by one stops the canary on all.
CREATE TABLE canary_states (
    model      TEXT NOT NULL,
    deployment TEXT NOT NULL,
    phase      TEXT NOT NULL,
    reason     TEXT NOT NULL,
    changed_at TEXT NOT NULL,
    changed_by TEXT NOT NULL,
    PRIMARY KEY (model, deployment)
);
