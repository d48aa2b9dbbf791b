-- Who or what started an evaluation run: cli:<user>, upgrade:<from>-><to>, drift:<model>, schedule,
-- admin:<user> (docs/evaluation.md, "Smoke evaluation"). Runs stored before this version have none.
ALTER TABLE eval_runs ADD COLUMN owner TEXT;
