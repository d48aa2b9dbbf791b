-- Issue 17, retention (docs/backup.md, "Retention and archives"). Once records were archived and
-- removed from the start of the chain, the chain in the store starts at first_seq, whose row's
-- prev_hash must be prev_hash: the hash of the last archived record. One row at most; none while
-- nothing was removed (the chain starts at record 1 from the genesis hash).

CREATE TABLE audit_anchor (
    id          INTEGER PRIMARY KEY CHECK (id = 1),
    first_seq   BIGINT NOT NULL,
    prev_hash   TEXT COLLATE "C" NOT NULL,
    archived_at TEXT COLLATE "C" NOT NULL
);
