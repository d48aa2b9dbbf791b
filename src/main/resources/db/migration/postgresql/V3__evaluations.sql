-- Evaluation runs and their per-case results (answers, checks, verdicts, timings as JSON).

CREATE TABLE eval_runs (
    id          TEXT COLLATE "C" PRIMARY KEY,
    created_at  TEXT COLLATE "C" NOT NULL,
    finished_at TEXT COLLATE "C",
    status      TEXT NOT NULL,
    generator   TEXT NOT NULL,
    judge       TEXT NOT NULL,
    golden_name TEXT NOT NULL,
    golden_hash TEXT NOT NULL,
    config      TEXT NOT NULL,
    summary     TEXT
);

CREATE INDEX eval_runs_created ON eval_runs (created_at);

CREATE TABLE eval_results (
    run_id       TEXT COLLATE "C" NOT NULL REFERENCES eval_runs (id),
    case_id      TEXT COLLATE "C" NOT NULL,
    repeat_index INTEGER NOT NULL,
    body         TEXT NOT NULL,
    PRIMARY KEY (run_id, case_id, repeat_index)
);
