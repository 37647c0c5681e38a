-- moneytrail workspace schema, version 7: run records of multi-step jobs (moneytrail.engine.runs).
-- A job (detect, score, screen, resolve) writes and commits its record as 'running' before its one
-- transaction begins, and sets it 'done' or 'failed' after. A process killed in the middle leaves
-- its record 'running' and none of its results (the transaction is never committed): the next
-- reader sees an interrupted run instead of a silent partial result. The next job of the same
-- kind marks such a record 'interrupted' once it has said so.
CREATE TABLE job_runs (
    id            VARCHAR PRIMARY KEY,   -- natural_key('job_run', kind, started_at, owner)
    kind          VARCHAR NOT NULL,      -- detect | score | screen | resolve
    started_at    TIMESTAMP NOT NULL,    -- UTC
    finished_at   TIMESTAMP,             -- UTC, NULL while running (or when interrupted)
    status        VARCHAR NOT NULL,      -- running | done | failed | interrupted
    settings      JSON NOT NULL,         -- what the job was asked to do (rules and parameters, model, thresholds...)
    code_version  VARCHAR NOT NULL,
    counts        JSON,                  -- what it did (hits, alerts new, matches...), when done
    error         VARCHAR,               -- why it failed, or what noticed the interruption
    owner         VARCHAR NOT NULL       -- host:pid:process start time of the process that ran it
);
