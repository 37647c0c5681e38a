-- moneytrail workspace schema, version 2: ground-truth labels of benchmark data sets.
-- A label says what a data set's authors know about a subject (AMLworld "Is Laundering",
-- AMLSim isFraud / SAR alerts). Labels are for evaluating detectors and for training exercises;
-- they are never evidence. Only positive labels are stored: an unlabelled subject is "not known
-- to be laundering", not "clean".
CREATE TABLE labels (
    subject_kind  VARCHAR NOT NULL,      -- transaction | account | party
    subject_id    VARCHAR NOT NULL,      -- id in transactions / accounts / parties
    label         VARCHAR NOT NULL,      -- laundering | fraud | suspicious | sar_alert
    typology      VARCHAR,               -- fan_in, cycle... as the data set names it
    instance_id   VARCHAR,               -- the data set's own pattern / alert id
    source_id     VARCHAR NOT NULL,
    source_row    BIGINT
);
