-- The audit console's searches (user, key, model, decision, time, the caller's own request id)
-- are answered by the store, page by page, instead of by reading the chain. The searched fields
-- live in the row's body, which the hash covers; these columns are computed from it (generated:
-- they cannot be written and cannot disagree with the hashed body), and indexed with the sequence
-- number so a search pages newest-first by seq without sorting. Adding them rewrites the table
-- once (about a second per hundred thousand rows).

-- PostgreSQL text cannot hold U+0000, and ->> fails on a document holding the escape \u0000 anywhere
-- (a caller can put one in a model name or a captured prompt), which would fail the row's insert
-- and with it the whole group commit. The escape is replaced by \u2400 (the visible symbol for
-- NUL) first: six characters for six, so the text stays valid JSON whatever precedes it.
ALTER TABLE audit_events
    ADD COLUMN key_id            TEXT COLLATE "C" GENERATED ALWAYS AS (replace(body, '\u0000', '\u2400')::json ->> 'key_id') STORED,
    ADD COLUMN model             TEXT COLLATE "C" GENERATED ALWAYS AS (replace(body, '\u0000', '\u2400')::json ->> 'model') STORED,
    ADD COLUMN decision          TEXT COLLATE "C" GENERATED ALWAYS AS (replace(body, '\u0000', '\u2400')::json ->> 'decision') STORED,
    ADD COLUMN client_request_id TEXT COLLATE "C"
        GENERATED ALWAYS AS (replace(body, '\u0000', '\u2400')::json ->> 'client_request_id') STORED;

CREATE INDEX audit_events_key ON audit_events (key_id, seq);
CREATE INDEX audit_events_model ON audit_events (model, seq);
CREATE INDEX audit_events_decision ON audit_events (decision, seq);
CREATE INDEX audit_events_client_request ON audit_events (client_request_id, seq);
