-- moneytrail workspace schema, version 6: conflicting facts about one transaction.
-- When a later source gives a transaction already in the workspace (the same id: the same bank
-- reference) with other facts (time, amount, currency, accounts), both versions are evidence.
-- `transactions` keeps the version it has (the first source) and every other version lands
-- here, to be reviewed. An analyst's decision may put another version in use: the row of
-- `transactions` and the chosen version swap places, so nothing is ever deleted.
CREATE TABLE transaction_versions (
    id               VARCHAR PRIMARY KEY,   -- natural_key('tx_version', transaction_id, source_id, source_row)
    transaction_id   VARCHAR NOT NULL,      -- the row of `transactions` it disagrees with
    ext_id           VARCHAR,
    ts               TIMESTAMP NOT NULL,
    src_account_id   VARCHAR,
    dst_account_id   VARCHAR,
    amount           DECIMAL(38, 8) NOT NULL,
    currency         VARCHAR NOT NULL,
    amount_reporting DECIMAL(38, 8),
    channel          VARCHAR NOT NULL,
    tx_type          VARCHAR,
    fee              DECIMAL(38, 8),
    src_country      VARCHAR,
    dst_country      VARCHAR,
    reference        VARCHAR,
    source_id        VARCHAR NOT NULL,
    source_row       BIGINT,
    differs          VARCHAR[] NOT NULL,    -- facts that differ from the row in use when recorded
    status           VARCHAR NOT NULL,      -- to_review | set_aside (another version is in use)
    decided_by       VARCHAR,
    decided_at       TIMESTAMP,             -- UTC
    note             VARCHAR,
    recorded_at      TIMESTAMP NOT NULL     -- UTC
);
