-- moneytrail workspace schema, version 5: entity resolution (moneytrail.resolve).
-- A run scores pairs of parties with a probabilistic linker (splink, Fellegi-Sunter) and keeps
-- its settings and trained model. Analysts confirm or reject pairs, each decision appended with
-- who and when (undo appends a reversal, nothing is erased). Clusters are the effective grouping
-- of a run: the linker's pairs at or above the threshold, plus confirmed pairs, never joining a
-- rejected pair. Only parties in a cluster of two or more are listed.
CREATE TABLE resolution_runs (
    id             VARCHAR PRIMARY KEY,   -- natural_key('resolution_run', settings JSON, parties fingerprint)
    created_at     TIMESTAMP NOT NULL,    -- UTC
    threshold      DOUBLE NOT NULL,
    settings       JSON NOT NULL,
    model          JSON NOT NULL,         -- splink model (m and u of every level) and training notes
    parties        BIGINT NOT NULL,
    pairs          BIGINT NOT NULL,       -- pairs stored (probability at or above keep_from)
    seconds        DOUBLE NOT NULL,
    code_version   VARCHAR NOT NULL
);

CREATE TABLE resolution_pairs (
    run_id            VARCHAR NOT NULL,
    left_id           VARCHAR NOT NULL,   -- party id, left_id < right_id
    right_id          VARCHAR NOT NULL,
    match_probability DOUBLE NOT NULL,
    match_weight      DOUBLE NOT NULL,
    explanation       JSON NOT NULL       -- per comparison, the level reached and its match weight
);

CREATE TABLE resolution_clusters (
    run_id        VARCHAR NOT NULL,
    party_id      VARCHAR NOT NULL,
    cluster_id    VARCHAR NOT NULL        -- the smallest party id of the cluster
);

CREATE TABLE resolution_decisions (
    id            VARCHAR PRIMARY KEY,    -- natural_key('resolution_decision', left, right, decision, decided_at, seq)
    seq           BIGINT NOT NULL,        -- order of the decisions, 1, 2, 3...
    left_id       VARCHAR NOT NULL,       -- party id, left_id < right_id
    right_id      VARCHAR NOT NULL,
    decision      VARCHAR NOT NULL,       -- confirm | reject | undo
    reverses      VARCHAR,                -- for undo: the id of the decision it cancels
    decided_by    VARCHAR NOT NULL,
    decided_at    TIMESTAMP NOT NULL,     -- UTC
    note          VARCHAR
);
