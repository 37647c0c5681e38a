-- Sanctions and watchlist screening (moneytrail.screen): list versions, their entries and names
-- (one row per name, columnar), and screening findings an analyst reviews.

CREATE TABLE screen_list_versions (
    id            VARCHAR PRIMARY KEY,   -- natural_key('list_version', list_id, sha256)
    list_id       VARCHAR NOT NULL,      -- which list this is a version of (default: its source)
    source        VARCHAR NOT NULL,      -- un | ofac_sdn | ofac_cons | uk_hmt | eu | custom | ftm
    format        VARCHAR NOT NULL,      -- loader used (un, ofac_csv, ofac_xml, uk_hmt, eu_xml...)
    version_date  DATE,                  -- date printed in the file, NULL when it has none
    file_name     VARCHAR NOT NULL,
    sha256        VARCHAR NOT NULL,
    entry_count   INTEGER NOT NULL,
    loaded_at     TIMESTAMP NOT NULL     -- UTC
);

CREATE TABLE screen_list_entries (
    version_id    VARCHAR NOT NULL,
    entry_id      VARCHAR NOT NULL,      -- the list's own id (UN reference, OFAC ent_num...)
    schema        VARCHAR NOT NULL,      -- Person | Organization | Vessel | Airplane | LegalEntity
    primary_name  VARCHAR NOT NULL,
    birth_dates   VARCHAR[],             -- ISO, possibly partial (1965, 1965-03)
    nationalities VARCHAR[],             -- ISO 3166-1 alpha-2
    countries     VARCHAR[],
    identifiers   VARCHAR[],             -- "scheme: value"
    programs      VARCHAR[],
    listed_on     VARCHAR,
    remarks       VARCHAR,
    fingerprint   VARCHAR NOT NULL,      -- md5 of every field: equal fingerprints = unchanged entry
    PRIMARY KEY (version_id, entry_id)
);

CREATE TABLE screen_list_names (
    version_id    VARCHAR NOT NULL,
    entry_id      VARCHAR NOT NULL,
    position      INTEGER NOT NULL,      -- 0 = primary name, then aliases in list order
    name          VARCHAR NOT NULL       -- as written in the list (original script kept)
);

CREATE TABLE screening_matches (
    id             VARCHAR PRIMARY KEY,  -- natural_key('screening_match', subject, version_id, entry_id, scorer)
    party_id       VARCHAR,              -- the screened workspace party, NULL for an ad-hoc query
    query          VARCHAR NOT NULL,     -- the name that was screened
    version_id     VARCHAR NOT NULL,
    entry_id       VARCHAR NOT NULL,
    matched_name   VARCHAR NOT NULL,     -- which list name scored best
    score          DOUBLE NOT NULL,      -- 0..1
    scorer         VARCHAR NOT NULL,     -- e.g. sahel-names
    scorer_version VARCHAR NOT NULL,     -- e.g. 1
    explanation    JSON NOT NULL,        -- the features that fired, on which values
    status         VARCHAR NOT NULL DEFAULT 'to_review',  -- to_review | confirmed | false_positive
    analyst_note   VARCHAR,
    decided_by     VARCHAR,
    decided_at     TIMESTAMP,
    created_at     TIMESTAMP NOT NULL
);
