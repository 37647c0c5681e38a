-- moneytrail workspace schema, version 1: the canonical tables of DESIGN.md.
-- Amounts are DECIMAL(38, 8); timestamps are UTC; ids are deterministic MD5 hex of natural keys.

CREATE TABLE sources (
    id            VARCHAR PRIMARY KEY,   -- first 32 hex chars of the file's SHA-256
    path          VARCHAR NOT NULL,      -- path as given when ingested
    sha256        VARCHAR NOT NULL,
    size_bytes    BIGINT NOT NULL,
    format        VARCHAR NOT NULL,
    mapping       VARCHAR,               -- JSON of the mapping/options used
    ingested_at   TIMESTAMP NOT NULL,    -- UTC
    rows_ok       BIGINT NOT NULL,
    rows_rejected BIGINT NOT NULL,
    code_version  VARCHAR NOT NULL
);

-- parties, accounts and transactions have no PRIMARY KEY: their ids are unique by construction
-- (commit deduplicates inside a file and anti-joins the workspace), and an index over millions
-- of rows would cost the ingest most of its speed. Tests assert the uniqueness.
CREATE TABLE parties (
    id            VARCHAR NOT NULL,
    kind          VARCHAR NOT NULL,      -- person | company | organization | legal_entity
    name          VARCHAR NOT NULL,
    aliases       VARCHAR[],
    birth_date    DATE,
    nationality   VARCHAR,               -- ISO 3166-1 alpha-2
    country       VARCHAR,               -- ISO 3166-1 alpha-2 (residence / registration)
    source_id     VARCHAR NOT NULL,
    source_row    BIGINT
);

CREATE TABLE identifiers (
    owner_id      VARCHAR NOT NULL,      -- party or account id
    scheme        VARCHAR NOT NULL,      -- phone | national_id | passport | nina | rccm | tax_id | address | email | device | bic | other
    value         VARCHAR NOT NULL,
    source_id     VARCHAR NOT NULL,
    source_row    BIGINT
);

CREATE TABLE accounts (
    id              VARCHAR NOT NULL,
    kind            VARCHAR NOT NULL,    -- bank | mobile_money | hawala | cash | crypto | external | unknown
    institution     VARCHAR,             -- BIC, operator or bank name
    number          VARCHAR,             -- IBAN (compact), E.164 MSISDN, or the institution's number
    name            VARCHAR,             -- account name as the source gives it
    currency        VARCHAR,
    country         VARCHAR,
    holder_party_id VARCHAR,
    source_id       VARCHAR NOT NULL,
    source_row      BIGINT
);

-- No PRIMARY KEY on transactions: ids are unique by construction (commit deduplicates inside a
-- file and anti-joins the workspace), and an index on tens of millions of rows would cost the
-- ingest its speed. tests/ingest/test_idempotence.py asserts the uniqueness.
CREATE TABLE transactions (
    id               VARCHAR NOT NULL,
    ext_id           VARCHAR,            -- the source's own reference for the transaction
    ts               TIMESTAMP NOT NULL, -- UTC
    src_account_id   VARCHAR,            -- NULL: money came from outside the data
    dst_account_id   VARCHAR,            -- NULL: money left to outside the data
    amount           DECIMAL(38, 8) NOT NULL,
    currency         VARCHAR NOT NULL,
    amount_reporting DECIMAL(38, 8),     -- in the workspace's reporting currency, NULL without a rate
    channel          VARCHAR NOT NULL,
    tx_type          VARCHAR,            -- the source's own label (dépôt, retrait, CRDT, NTRF...)
    fee              DECIMAL(38, 8),
    src_country      VARCHAR,
    dst_country      VARCHAR,
    reference        VARCHAR,
    source_id        VARCHAR NOT NULL,
    source_row       BIGINT
);

CREATE TABLE quarantine (
    source_id     VARCHAR NOT NULL,
    source_path   VARCHAR NOT NULL,
    line          BIGINT,                -- physical line (or record number), NULL for the whole file
    field         VARCHAR,
    raw_value     VARCHAR,
    code          VARCHAR NOT NULL,      -- i18n key under problem.
    detail        VARCHAR,               -- engine's own message, when it gave one
    recorded_at   TIMESTAMP NOT NULL
);

CREATE TABLE fx_rates (
    currency      VARCHAR NOT NULL,      -- 1 unit of currency = rate units of reporting currency
    reporting     VARCHAR NOT NULL,
    valid_from    DATE NOT NULL,
    rate          DECIMAL(38, 12) NOT NULL,
    origin        VARCHAR NOT NULL
);

-- The CFA franc peg is law, not a market rate: 1 EUR = 655.957 XOF since 1999-01-01.
INSERT INTO fx_rates VALUES ('EUR', 'XOF', DATE '1999-01-01', 655.957, 'peg'),
                            ('XOF', 'XOF', DATE '1900-01-01', 1, 'identity'),
                            ('XAF', 'XOF', DATE '1999-01-01', 1, 'peg');

CREATE TABLE settings (
    key           VARCHAR PRIMARY KEY,
    value         VARCHAR NOT NULL
);
INSERT INTO settings VALUES ('reporting_currency', 'XOF');
