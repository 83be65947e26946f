package datasets

import (
	"context"
	"database/sql"
	"fmt"

	"github.com/duckdb/duckdb-go/v2"
)

// EarlierSchema rewrites the database file at path, of the current schema, into the schema
// that chiso wrote before figures named their unit, source and batch by key (commit a85b0f3;
// with statusText, before that, when the status was text too): figures naming their unit,
// source and batch by id, unit and source tables without keys, no batch table. The observations keep their
// order, as that chiso sorted them. It is for the tests of the migration, here and in the
// command's; chiso itself never calls it.
func EarlierSchema(ctx context.Context, path string, statusText bool) error {
	status, statusType := "o.status", "figure_status"
	if statusText {
		status, statusType = "o.status::VARCHAR", "VARCHAR"
	}
	connector, err := duckdb.NewConnector(path, nil)
	if err != nil {
		return err
	}
	defer connector.Close()
	db := sql.OpenDB(connector)
	defer db.Close()
	for _, q := range []string{
		`CREATE TABLE source_new AS SELECT * EXCLUDE (key) FROM source`,
		`CREATE TABLE unit_new AS SELECT * EXCLUDE (key) FROM unit`,
		`CREATE TABLE observation_new AS SELECT o.indicator_key, u.id AS unit_id, o.year, o.value, o.rank, o.rank_of, ` + status + ` AS status,
			o.verified, o.preferred, s.id AS source_id, b.id AS batch
			FROM observation o JOIN unit u ON u.key = o.unit_key JOIN source s ON s.key = o.source_key JOIN batch b ON b.key = o.batch_key
			ORDER BY o.indicator_key, o.year, u.id, o.preferred DESC, s.id`,
		`DROP VIEW observations_v`, `DROP TABLE observation`, `DROP TABLE source`, `DROP TABLE batch`, `DROP TABLE unit`,
		`CREATE TABLE unit (id VARCHAR PRIMARY KEY, code VARCHAR NOT NULL, unit_set VARCHAR NOT NULL, name_vi VARCHAR NOT NULL,
			name_en VARCHAR NOT NULL, slug VARCHAR NOT NULL, kind VARCHAR NOT NULL, region VARCHAR, valid_from DATE, valid_to DATE,
			source VARCHAR NOT NULL)`,
		`INSERT INTO unit SELECT * FROM unit_new ORDER BY id`,
		`CREATE TABLE source (id VARCHAR PRIMARY KEY, citation VARCHAR NOT NULL, url VARCHAR)`,
		`INSERT INTO source SELECT * FROM source_new ORDER BY id`,
		`CREATE TABLE observation (indicator_key INTEGER NOT NULL, unit_id VARCHAR NOT NULL, year INTEGER NOT NULL,
			value DOUBLE, rank INTEGER, rank_of INTEGER, status ` + statusType + ` NOT NULL, verified BOOLEAN NOT NULL,
			preferred BOOLEAN NOT NULL, source_id VARCHAR NOT NULL, batch VARCHAR NOT NULL)`,
		`INSERT INTO observation SELECT * FROM observation_new`,
		`CREATE VIEW observations_v AS
		SELECT i.id AS indicator, o.unit_id, u.code AS unit_code, u.unit_set, u.name_vi, u.name_en,
			o.year, o.value, o.rank, o.rank_of, o.status::VARCHAR AS status, o.verified, o.preferred, s.citation AS source, s.url AS source_url
		FROM observation o JOIN indicator i ON i.key = o.indicator_key JOIN unit u ON u.id = o.unit_id
			JOIN source s ON s.id = o.source_id`,
		`DROP TABLE source_new`, `DROP TABLE unit_new`, `DROP TABLE observation_new`,
		`INSERT OR REPLACE INTO meta VALUES ('observation_order', 'indicator_key, year, unit_id, preferred DESC, source_id')`,
	} {
		if _, err := db.ExecContext(ctx, q); err != nil {
			return fmt.Errorf("earlier schema: %w", err)
		}
	}
	return nil
}
