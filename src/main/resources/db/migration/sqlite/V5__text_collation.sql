-- Nothing to do in SQLite: its text columns always compare bytewise. This version exists so that
-- both dialects keep the same migration versions; the PostgreSQL V5 gives the text columns of V3
-- and V4 the "C" collation they lacked.
SELECT 1;
