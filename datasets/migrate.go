package datasets

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
)

// ErrOldSchema reports a database file written before the observations carried integer
// indicator keys (observation.indicator_id VARCHAR), opened where it cannot be migrated.
var ErrOldSchema = errors.New("the database file has the schema of an earlier chiso (observation.indicator_id); open it once for writing (chiso serve or chiso ingest, without --read-only) to migrate it")

// A queryer runs queries: a *sql.DB or a *sql.Conn.
type queryer interface {
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
}

// hasIndicatorID reports whether the database has the observation table of the schema before
// indicator keys: one whose figures name their indicator by its id (indicator_id VARCHAR).
func hasIndicatorID(ctx context.Context, q queryer) (bool, error) {
	typ, err := columnType(ctx, q, "observation", "indicator_id")
	return typ != "", err
}

// columnType is the type of a column of a table of the database's main schema, as DuckDB
// names it ("VARCHAR", "ENUM('a', 'b')"), or "" if there is no such column.
func columnType(ctx context.Context, q queryer, table, column string) (string, error) {
	var typ string
	err := q.QueryRowContext(ctx, `SELECT data_type FROM duckdb_columns()
		WHERE database_name = current_database() AND schema_name = 'main' AND table_name = ? AND column_name = ?`,
		table, column).Scan(&typ)
	if errors.Is(err, sql.ErrNoRows) {
		return "", nil
	}
	if err != nil {
		return "", fmt.Errorf("read the schema: %w", err)
	}
	return typ, nil
}

// migrate brings a database file written by the schema before indicator keys to the current
// one, in one transaction: all of it, or (on any error) nothing. The indicators get keys in id
// order, as a new database gives them; each observation gets its indicator's key in place of
// the id and the table is written sorted (observationOrder). The dataset version is a hash of
// the ids, not the keys, so it stays what it was. A database with the current schema, or with
// none yet, is left alone.
func (s *Store) migrate(ctx context.Context) error {
	old, err := hasIndicatorID(ctx, s.db)
	if err != nil || !old {
		return err
	}
	err = s.inConnTx(ctx, func(conn *sql.Conn) error {
		// A figure of an indicator missing from the catalogue would have no key: refuse
		// rather than drop it.
		var orphans int
		var example sql.NullString
		if err := conn.QueryRowContext(ctx, `SELECT count(*), min(indicator_id) FROM observation
			WHERE indicator_id NOT IN (SELECT id FROM indicator)`).Scan(&orphans, &example); err != nil {
			return err
		}
		if orphans > 0 {
			return fmt.Errorf("%d figures name an indicator that the indicator table does not have (such as %q)", orphans, example.String)
		}
		var before int64
		if err := conn.QueryRowContext(ctx, `SELECT count(*) FROM observation`).Scan(&before); err != nil {
			return err
		}
		// The view over the observations reads the new column: dropped here, it is made again
		// by applySchema, with the new tables.
		for _, q := range []string{
			`DROP VIEW IF EXISTS observations_v`,
			`ALTER TABLE indicator RENAME TO chiso_indicator_v1`,
			`ALTER TABLE observation RENAME TO chiso_observation_v1`,
		} {
			if _, err := conn.ExecContext(ctx, q); err != nil {
				return err
			}
		}
		if err := applySchema(ctx, conn); err != nil {
			return err
		}
		for _, q := range []string{
			`INSERT INTO indicator BY NAME
				SELECT *, CAST(row_number() OVER (ORDER BY id) AS INTEGER) AS key FROM chiso_indicator_v1`,
			`INSERT INTO observation BY NAME
				SELECT i.key AS indicator_key, o.* EXCLUDE (indicator_id)
				FROM chiso_observation_v1 o JOIN indicator i ON i.id = o.indicator_id
				ORDER BY ` + observationOrder,
		} {
			if _, err := conn.ExecContext(ctx, q); err != nil {
				return err
			}
		}
		var after int64
		if err := conn.QueryRowContext(ctx, `SELECT count(*) FROM observation`).Scan(&after); err != nil {
			return err
		}
		if after != before {
			return fmt.Errorf("%d figures before, %d after", before, after)
		}
		for _, q := range []string{`DROP TABLE chiso_observation_v1`, `DROP TABLE chiso_indicator_v1`} {
			if _, err := conn.ExecContext(ctx, q); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("migrate the database to indicator keys (nothing was changed): %w", diskFull(err))
	}
	return nil
}

// migrateStatus gives observation.status of a database file written when it was a VARCHAR the
// type figure_status, in one transaction: all of it, or (on any error) nothing. The values stay
// what they were, and so does the dataset version (updateVersion hashes status as text). It
// runs after applySchema, which made the type; the view over the observations is dropped and
// made again, reading the column as text as before. A database with the current schema is
// left alone.
func (s *Store) migrateStatus(ctx context.Context) error {
	typ, err := columnType(ctx, s.db, "observation", "status")
	if err != nil || typ != "VARCHAR" {
		return err
	}
	err = s.inConnTx(ctx, func(conn *sql.Conn) error {
		for _, q := range []string{
			`DROP VIEW IF EXISTS observations_v`,
			`ALTER TABLE observation ALTER status TYPE figure_status`,
		} {
			if _, err := conn.ExecContext(ctx, q); err != nil {
				return err
			}
		}
		return applySchema(ctx, conn)
	})
	if err != nil {
		return fmt.Errorf("migrate the observations' status to the type figure_status (nothing was changed): %w", diskFull(err))
	}
	return nil
}
