-- The audit console's searches (user, key, model, decision, time, the caller's own request id)
-- are answered by the store, page by page, instead of by reading the chain. The searched fields
-- live in the row's body, which the hash covers; these columns are computed from it (virtual:
-- nothing more is stored, and they cannot disagree with the hashed body), and indexed with the
-- sequence number so a search pages newest-first by seq without sorting.

ALTER TABLE audit_events ADD COLUMN key_id TEXT GENERATED ALWAYS AS (json_extract(body, '$.key_id')) VIRTUAL;
ALTER TABLE audit_events ADD COLUMN model TEXT GENERATED ALWAYS AS (json_extract(body, '$.model')) VIRTUAL;
ALTER TABLE audit_events ADD COLUMN decision TEXT GENERATED ALWAYS AS (json_extract(body, '$.decision')) VIRTUAL;
ALTER TABLE audit_events ADD COLUMN client_request_id TEXT GENERATED ALWAYS AS (json_extract(body, '$.client_request_id')) VIRTUAL;

CREATE INDEX audit_events_key ON audit_events (key_id, seq);
CREATE INDEX audit_events_model ON audit_events (model, seq);
CREATE INDEX audit_events_decision ON audit_events (decision, seq);
CREATE INDEX audit_events_client_request ON audit_events (client_request_id, seq);
