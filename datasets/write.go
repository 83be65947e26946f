package datasets

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"errors"
	"fmt"
	"strings"

	"github.com/duckdb/duckdb-go/v2"
)

// batchKey returns the key of the batch id in the batch table, adding it after the highest
// key if it is not there.
func batchKey(ctx context.Context, conn *sql.Conn, id string) (int32, error) {
	if _, err := conn.ExecContext(ctx, `INSERT INTO batch SELECT (SELECT coalesce(max(key), 0) + 1 FROM batch), ?
		WHERE NOT EXISTS (SELECT 1 FROM batch WHERE id = ?)`, id, id); err != nil {
		return 0, fmt.Errorf("batch %s: %w", id, err)
	}
	var key int32
	if err := conn.QueryRowContext(ctx, `SELECT key FROM batch WHERE id = ?`, id).Scan(&key); err != nil {
		return 0, fmt.Errorf("batch %s: %w", id, err)
	}
	return key, nil
}

// addSources adds the sources of relation (a table or a subquery with columns id, citation
// and url) that the source table does not have, with keys after the highest, in id order.
func addSources(ctx context.Context, conn *sql.Conn, relation string, args ...any) error {
	if _, err := conn.ExecContext(ctx, `INSERT INTO source
		SELECT n.id, (SELECT coalesce(max(key), 0) FROM source) + row_number() OVER (ORDER BY n.id), n.citation, n.url
		FROM (SELECT DISTINCT id, citation, url FROM `+relation+`) n WHERE n.id NOT IN (SELECT id FROM source)`, args...); err != nil {
		return fmt.Errorf("add sources: %w", err)
	}
	return nil
}

// inConnTx runs fn on a connection of its own inside one transaction (inTx).
func (s *Store) inConnTx(ctx context.Context, fn func(conn *sql.Conn) error) error {
	conn, err := s.db.Conn(ctx)
	if err != nil {
		return err
	}
	defer conn.Close()
	return inTx(ctx, conn, func() error { return fn(conn) })
}

// inTx runs fn inside one transaction on conn: all of it lands, or none of it.
func inTx(ctx context.Context, conn *sql.Conn, fn func() error) error {
	if _, err := conn.ExecContext(ctx, "BEGIN TRANSACTION"); err != nil {
		return fmt.Errorf("begin: %w", err)
	}
	if err := fn(); err != nil {
		// A cancelled ctx must not keep the rollback from running.
		if _, rerr := conn.ExecContext(context.WithoutCancel(ctx), "ROLLBACK"); rerr != nil {
			return errors.Join(err, fmt.Errorf("rollback: %w", rerr))
		}
		return err
	}
	if _, err := conn.ExecContext(ctx, "COMMIT"); err != nil {
		return fmt.Errorf("commit: %w", err)
	}
	return nil
}

// appendRows bulk-loads rows into table through the DuckDB Appender.
func appendRows(ctx context.Context, conn *sql.Conn, table string, rows [][]any) error {
	return appendWith(ctx, conn, table, rows, func(dc driver.Conn) (*duckdb.Appender, error) {
		return duckdb.NewAppenderFromConn(dc, "", table)
	})
}

// appendWith bulk-loads rows through the Appender that open makes on the connection.
func appendWith(ctx context.Context, conn *sql.Conn, table string, rows [][]any, open func(driver.Conn) (*duckdb.Appender, error)) error {
	return conn.Raw(func(dc any) error {
		a, err := open(dc.(driver.Conn))
		if err != nil {
			return fmt.Errorf("appender %s: %w", table, err)
		}
		vals := make([]driver.Value, 0, 16)
		for _, r := range rows {
			vals = vals[:0]
			for _, v := range r {
				vals = append(vals, v)
			}
			if err := a.AppendRow(vals...); err != nil {
				a.Close()
				return fmt.Errorf("append %s: %w", table, err)
			}
		}
		if err := a.CloseWithCancel(ctx); err != nil {
			return fmt.Errorf("append %s: %w", table, err)
		}
		return nil
	})
}

// observationOrder is the physical order of the observation table.
//
// Year before unit: a comparison or a ranking reads one indicator in one year, which is then
// one run of rows (a few vectors), not one row in every twenty across the indicator's rows.
const observationOrder = "indicator_key, year, unit_key, preferred DESC, source_key"

// resortObservations rewrites the observation table physically ordered by (indicator key,
// year, unit), so that DuckDB's zone maps answer a comparison or a ranking from a few row groups.
// It builds a new table and swaps it in: deleting and re-inserting would leave the deleted
// row groups in the scans.
func resortObservations(ctx context.Context, conn *sql.Conn) error {
	var ddl string
	if err := conn.QueryRowContext(ctx, `SELECT sql FROM duckdb_tables() WHERE table_name = 'observation' AND NOT temporary`).Scan(&ddl); err != nil {
		return fmt.Errorf("sort observations: %w", err)
	}
	ddl = strings.Replace(ddl, "observation", "observation_sorted", 1)
	for _, q := range []string{
		`DROP TABLE IF EXISTS observation_sorted`,
		ddl,
		`INSERT INTO observation_sorted SELECT * FROM observation ORDER BY ` + observationOrder,
		`DROP TABLE observation`,
		`ALTER TABLE observation_sorted RENAME TO observation`,
		`INSERT OR REPLACE INTO meta VALUES ('observation_order', '` + observationOrder + `')`,
	} {
		if _, err := conn.ExecContext(ctx, q); err != nil {
			return fmt.Errorf("sort observations: %w", err)
		}
	}
	return nil
}

// updateVersion recomputes the dataset version: a hash of the count and the sum of a hash of
// every observation's content and source. The sum does not depend on the physical order of
// the rows. It hashes the indicator's, unit's and source's ids, not their keys, so that the same
// figures have the same version whatever keys the database gave them (and as before the keys
// existed: pinned URLs /v/{version} name it). The counts and sums are kept by indicator in
// observation_digest: touched is a query of the indicator keys whose figures the write
// changed, and only those are summed again; "" (or a digest not yet made, in a database of an
// earlier chiso) sums every figure.
func updateVersion(ctx context.Context, conn *sql.Conn, touched string) error {
	if touched != "" {
		var digested, figures bool
		if err := conn.QueryRowContext(ctx, `SELECT EXISTS (FROM observation_digest), EXISTS (FROM observation)`).Scan(&digested, &figures); err != nil {
			return fmt.Errorf("dataset version: %w", err)
		}
		if !digested && figures {
			touched = ""
		}
	}
	only, onlyO := "", ""
	if touched != "" {
		only, onlyO = " WHERE indicator_key IN ("+touched+")", " WHERE o.indicator_key IN ("+touched+")"
	}
	for _, q := range []string{
		`DELETE FROM observation_digest` + only,
		`INSERT INTO observation_digest
			SELECT o.indicator_key, count(*), sum(hash(i.id, u.id, o.year, o.value, o.rank, o.rank_of, o.status::VARCHAR, o.verified, o.preferred, s.id)::HUGEINT)
			FROM observation o LEFT JOIN indicator i ON i.key = o.indicator_key LEFT JOIN unit u ON u.key = o.unit_key
				LEFT JOIN source s ON s.key = o.source_key` + onlyO + `
			GROUP BY o.indicator_key`,
		`INSERT OR REPLACE INTO meta
			SELECT 'version', left(md5(coalesce(sum(figures), 0)::VARCHAR || ':' || coalesce(sum(total), 0)::VARCHAR), 16) FROM observation_digest`,
	} {
		if _, err := conn.ExecContext(ctx, q); err != nil {
			return fmt.Errorf("dataset version: %w", err)
		}
	}
	return nil
}
