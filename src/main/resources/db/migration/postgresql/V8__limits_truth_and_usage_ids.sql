-- Issue 15, items 5 and 21. The PostgreSQL twin of db/migration/sqlite/V8__limits_truth_and_usage_ids.sql.
--
-- A key's requests-per-minute limit had two homes: api_keys.requests_per_minute (set by
-- `keys create --rpm`) and the key's limits JSON (set by `admin limits set key`), and the column
-- silently won. The limits JSON is now the only home: each key's column value moves into its
-- limits (replacing any requests_per_minute there, as the column did when it was enforced, so
-- what was enforced before stays enforced), and the column goes.
UPDATE api_keys
   SET limits = jsonb_set(COALESCE(limits, '{}')::jsonb, '{requests_per_minute}', to_jsonb(requests_per_minute))::text
 WHERE requests_per_minute IS NOT NULL;
ALTER TABLE api_keys DROP COLUMN requests_per_minute;

-- Every usage row gets its own id, made when the row is recorded, so a batch written again after
-- a failed or ambiguous commit (the recorder retries and spools) stores each row once:
-- INSERT ... ON CONFLICT (event_id) DO NOTHING. Rows from before have none (NULLs are distinct).
ALTER TABLE usage_events ADD COLUMN event_id TEXT COLLATE "C";
CREATE UNIQUE INDEX usage_events_event ON usage_events (event_id);
