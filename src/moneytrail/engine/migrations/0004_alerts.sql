-- moneytrail workspace schema, version 4: detection alerts (moneytrail.detect).
-- An alert is a finding an analyst reviews: raised by a typology rule or by the scoring model,
-- it names the subject, the typology (FR/EN text lives in the rule library, keyed by typology),
-- the transactions that support it and a JSON explanation (rule parameters and values, or the
-- model features that weighed most). Re-running a detector never duplicates an alert (the id is
-- a natural key of detector, subject and evidence) and never overwrites an analyst's decision.
CREATE TABLE alerts (
    id               VARCHAR PRIMARY KEY,   -- natural_key('alert', detector, detector_version, subject_kind, subject_id, window)
    detector         VARCHAR NOT NULL,      -- rule id (e.g. structuring_below_threshold) or model name
    detector_kind    VARCHAR NOT NULL,      -- rule | model
    detector_version VARCHAR NOT NULL,
    typology         VARCHAR NOT NULL,      -- typology key (fan_in, structuring, ...)
    subject_kind     VARCHAR NOT NULL,      -- account | party | transaction
    subject_id       VARCHAR NOT NULL,
    window_start     TIMESTAMP,             -- UTC, the period the evidence covers
    window_end       TIMESTAMP,
    score            DOUBLE NOT NULL,       -- rules: severity 0..1, model: probability
    amount_reporting DECIMAL(38, 8),        -- total of the supporting transactions, reporting currency
    transaction_ids  VARCHAR[] NOT NULL,    -- the evidence
    explanation      JSON NOT NULL,         -- what fired, on which values
    status           VARCHAR NOT NULL DEFAULT 'to_review',  -- to_review | confirmed | false_positive | escalated
    analyst_note     VARCHAR,
    decided_by       VARCHAR,
    decided_at       TIMESTAMP,
    created_at       TIMESTAMP NOT NULL
);
