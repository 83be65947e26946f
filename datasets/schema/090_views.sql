-- The documented views: what researchers query through GET /api/v1/sql (copied, table by table,
-- into a read-only snapshot) and what the README describes. Columns are named for readers, not
-- for joins; every figure keeps its unit id, status, source and whether it is preferred.
-- IF NOT EXISTS: opening a database never writes to it (a refused ingest, a full disk); a view
-- whose definition changes needs a migration that drops it (migrate.go: observations_v, when
-- the observations came to name their indicator, unit and source by key).

CREATE VIEW IF NOT EXISTS observations_v AS
SELECT i.id AS indicator, u.id AS unit_id, u.code AS unit_code, u.unit_set, u.name_vi, u.name_en,
       o.year, o.value, o.rank, o.rank_of, o.status::VARCHAR AS status, o.verified, o.preferred,
       s.citation AS source, s.url AS source_url
FROM observation o JOIN indicator i ON i.key = o.indicator_key JOIN unit u ON u.key = o.unit_key
    JOIN source s ON s.key = o.source_key;

CREATE VIEW IF NOT EXISTS indicators_v AS
SELECT id, parent, name_vi, name_en, unit_of_measure, measure, higher_is_better, publisher,
       scale_min, scale_max, first_year, aggregation_rule, description
FROM indicator;

CREATE VIEW IF NOT EXISTS indicator_breaks_v AS
SELECT indicator_id AS indicator, year, kind, note, source FROM indicator_break;

CREATE VIEW IF NOT EXISTS units_v AS
SELECT id, code, unit_set, name_vi, name_en, slug, kind, region, valid_from, valid_to, source FROM unit;

CREATE VIEW IF NOT EXISTS lineage_v AS
SELECT l.old_unit, o.code AS old_code, o.name_vi AS old_name_vi, o.name_en AS old_name_en,
       l.new_unit, n.code AS new_code, n.name_vi AS new_name_vi, n.name_en AS new_name_en,
       l.effective, l.kind, l.source
FROM lineage l JOIN unit o ON o.id = l.old_unit JOIN unit n ON n.id = l.new_unit;
