-- chiso schema. A unit is a code plus its validity period: after 2025-07-01 some codes name
-- another unit, so every join goes through unit.id, never through the bare code.

-- key is the integer the observations carry: the bundled units in id order, then each addition
-- after the highest key.
CREATE TABLE IF NOT EXISTS unit (
    id          VARCHAR PRIMARY KEY,  -- 'vn63.15' (Yên Bái until 2025-06-30), 'vn34.15' (Lào Cai from 2025-07-01)
    key         INTEGER NOT NULL UNIQUE,
    code        VARCHAR NOT NULL,     -- 2-digit GSO code, reused across unit sets
    unit_set    VARCHAR NOT NULL,     -- '63' or '34'
    name_vi     VARCHAR NOT NULL,
    name_en     VARCHAR NOT NULL,
    slug        VARCHAR NOT NULL,
    kind        VARCHAR NOT NULL,     -- 'province' or 'city'
    region      VARCHAR,              -- GSO socio-economic region (63-unit system only)
    valid_from  DATE,                 -- NULL: in force before the data begins
    valid_to    DATE,                 -- NULL: still in force
    source      VARCHAR NOT NULL
);

CREATE TABLE IF NOT EXISTS lineage (
    old_unit   VARCHAR NOT NULL,
    new_unit   VARCHAR NOT NULL,
    effective  DATE NOT NULL,
    kind       VARCHAR NOT NULL,      -- 'merger', 'unchanged' or 'rename'
    source     VARCHAR NOT NULL
);

-- key is the integer the observations carry: assigned when the indicator is added (the
-- bundled catalogue in its order, then each addition after the highest key), never reused.
CREATE TABLE IF NOT EXISTS indicator (
    id                VARCHAR PRIMARY KEY,
    key               INTEGER NOT NULL UNIQUE,
    parent            VARCHAR,
    name_vi           VARCHAR NOT NULL,
    name_en           VARCHAR NOT NULL,
    unit_of_measure   VARCHAR NOT NULL,
    measure           VARCHAR NOT NULL,  -- 'index', 'rate' or 'level'
    higher_is_better  BOOLEAN,           -- NULL: neither (population, area)
    publisher         VARCHAR NOT NULL,
    scale_min         DOUBLE,
    scale_max         DOUBLE,
    first_year        INTEGER NOT NULL,
    aggregation_rule  VARCHAR NOT NULL,
    description       VARCHAR NOT NULL
);

CREATE TABLE IF NOT EXISTS indicator_break (
    indicator_id  VARCHAR NOT NULL,
    year          INTEGER NOT NULL,
    kind          VARCHAR NOT NULL,      -- 'method' or 'publication'
    note          VARCHAR NOT NULL,
    source        VARCHAR NOT NULL
);

-- key is the integer the observations carry: assigned when the source is added (the bundled
-- sources in id order, then each addition after the highest key), never reused.
CREATE TABLE IF NOT EXISTS source (
    id        VARCHAR PRIMARY KEY,       -- content hash of the citation
    key       INTEGER NOT NULL UNIQUE,
    citation  VARCHAR NOT NULL,
    url       VARCHAR                    -- first address in the citation, if any
);

-- The loads that brought figures: 'bundled', 'synthetic' or an ingest's batch id, numbered in
-- the order they were loaded. The observations carry the number (observation.batch_key).
CREATE TABLE IF NOT EXISTS batch (
    key  INTEGER PRIMARY KEY,
    id   VARCHAR NOT NULL UNIQUE
);

-- Several sources may give a figure for the same (indicator, unit, year): all are kept and
-- exactly one of them is preferred. status 'not_published' records a figure that the publisher
-- withholds by design (PCI from 2023 outside the top 30), which differs from no row at all.
-- An observation names its indicator by indicator.key, not by the id: DuckDB's zone maps keep
-- an 8-byte prefix of a VARCHAR, so 'dti.digital_economy' and 'dti.digital_society' would not
-- prune each other's row groups, while an integer does. The table is kept physically sorted by
-- (indicator_key, year, unit_key) (resortObservations). A figure's status is an ENUM, and its
-- unit, source and batch are integer keys: as text, each column cost DuckDB a dictionary and
-- string statistics on every insert (0.1–0.2 s of a 1.3M-figure ingest each).
CREATE TYPE IF NOT EXISTS figure_status AS ENUM ('published', 'not_published');

CREATE TABLE IF NOT EXISTS observation (
    indicator_key INTEGER NOT NULL,      -- indicator.key
    unit_key      INTEGER NOT NULL,      -- unit.key
    year          INTEGER NOT NULL,
    value         DOUBLE,
    rank          INTEGER,
    rank_of       INTEGER,
    status        figure_status NOT NULL, -- 'published' or 'not_published'
    verified      BOOLEAN NOT NULL,      -- false: only from a report the publisher's tables do not confirm
    preferred     BOOLEAN NOT NULL,
    source_key    INTEGER NOT NULL,      -- source.key
    batch_key     INTEGER NOT NULL       -- batch.key: the load that brought it
);

-- The dataset version's parts, one row per indicator with figures: how many figures it has and
-- the sum of their row hashes (updateVersion). The version is a hash of the sums over all rows,
-- so a write recomputes only the indicators it touched, not every figure.
CREATE TABLE IF NOT EXISTS observation_digest (
    indicator_key INTEGER NOT NULL,      -- indicator.key
    figures       BIGINT NOT NULL,
    total         HUGEINT NOT NULL       -- sum of hash(indicator id, unit, year, value, rank, rank_of, status as text, verified, preferred, source)
);

CREATE TABLE IF NOT EXISTS meta (
    key    VARCHAR PRIMARY KEY,
    value  VARCHAR NOT NULL
);
