-- moneytrail workspace schema, version 8: goAML reports read by the goAML reader (issue 16).
-- One row per <report> of an ingested goAML file: what the reporting entity said about the
-- transactions as a whole (report code, reason, action, indicators), kept beside the canonical
-- rows it gave and searchable (`moneytrail goaml reports`). Written in the same transaction as
-- the file's rows, so a refused file leaves none. The same report in a second file (same
-- reporting entity, same entity reference) is recognised by its id and not stored twice.
CREATE TABLE goaml_reports (
    id                VARCHAR PRIMARY KEY,   -- natural_key('goaml_report', rentity_id, entity_reference)
    source_id         VARCHAR NOT NULL,      -- sources.id of the file (or ZIP) that gave it first
    source_row        BIGINT,                -- line of <report> (ZIP: member * 1e9 + line)
    member            VARCHAR,               -- ZIP member name, NULL for a plain file
    profile           VARCHAR NOT NULL,      -- goAML profile it was validated against (uae-5.0.2)
    report_code       VARCHAR NOT NULL,      -- STR, SAR, CTR, AIF...
    submission_code   VARCHAR,               -- E (electronic) or M (manual)
    rentity_id        VARCHAR NOT NULL,      -- the reporting entity's id at the FIU
    rentity_branch    VARCHAR,
    entity_reference  VARCHAR NOT NULL,      -- the reporting entity's own reference
    fiu_ref_number    VARCHAR,
    submission_date   TIMESTAMP,             -- submission_date or report_date, UTC
    currency_local    VARCHAR,
    reason            VARCHAR,               -- free text, kept as written
    action            VARCHAR,               -- free text, kept as written
    indicators        VARCHAR[] NOT NULL,    -- report_indicators/indicator codes, in order
    transaction_ids   VARCHAR[] NOT NULL     -- transactions.id of its transactions, in order
);
