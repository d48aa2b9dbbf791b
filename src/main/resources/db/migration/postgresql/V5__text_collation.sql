-- Every text column gets the "C" collation V1 gives all of its own: bytewise comparison and
-- ordering like SQLite's, whatever locale the database was created with. V4 declared none
-- (canary_states is read ORDER BY model, deployment) and V3 only on its keys and times. Both have
-- shipped and stay as they are (Flyway checks their checksums); this fixes the columns in place.
-- A change of collation alone rewrites no rows; the primary key's index is rebuilt.

ALTER TABLE api_keys ALTER COLUMN fallback_models TYPE TEXT COLLATE "C";

ALTER TABLE canary_states
    ALTER COLUMN model      TYPE TEXT COLLATE "C",
    ALTER COLUMN deployment TYPE TEXT COLLATE "C",
    ALTER COLUMN phase      TYPE TEXT COLLATE "C",
    ALTER COLUMN reason     TYPE TEXT COLLATE "C",
    ALTER COLUMN changed_at TYPE TEXT COLLATE "C",
    ALTER COLUMN changed_by TYPE TEXT COLLATE "C";

ALTER TABLE eval_runs
    ALTER COLUMN status      TYPE TEXT COLLATE "C",
    ALTER COLUMN generator   TYPE TEXT COLLATE "C",
    ALTER COLUMN judge       TYPE TEXT COLLATE "C",
    ALTER COLUMN golden_name TYPE TEXT COLLATE "C",
    ALTER COLUMN golden_hash TYPE TEXT COLLATE "C",
    ALTER COLUMN config      TYPE TEXT COLLATE "C",
    ALTER COLUMN summary     TYPE TEXT COLLATE "C";

ALTER TABLE eval_results ALTER COLUMN body TYPE TEXT COLLATE "C";
