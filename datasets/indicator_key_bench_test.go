package datasets

import (
	"context"
	"database/sql"
	"fmt"
	"strconv"
	"testing"

	"github.com/duckdb/duckdb-go/v2"
)

// BenchmarkIndicatorQuery reads one indicator's preferred figures (the query of EachFigure)
// from a SYNTHETIC table of 1,000 indicators × 64 units × 24 years (1,536,000 figures plus the
// bundled ones), laid out three ways:
//   - Interleaved: in (year, unit, indicator) order, as appending ingests of one year across
//     all indicators would leave it without a re-sort;
//   - Sorted: in (indicator_key, unit_key, year) order, as resortObservations leaves it;
//   - SortedVarchar: the same sorted rows in a copy of the table keyed by a VARCHAR id, the
//     ids sharing their first 12 bytes as dti.digital_economy and dti.digital_society do.
//
// Besides ns/op it reports rows-scanned/op, DuckDB's count of the rows its scan read (the
// rows of the row groups and vectors its zone maps did not skip), and figures/op.
func BenchmarkIndicatorQuery(b *testing.B) {
	ctx := context.Background()
	s, err := Open(ctx, "")
	if err != nil {
		b.Fatal(err)
	}
	defer s.Close()
	ids, err := s.AddSyntheticIndicators(ctx, 1000)
	if err != nil {
		b.Fatal(err)
	}
	if _, err := s.LoadSyntheticPanel(ctx, ids, 2001, 2024, 0.42); err != nil {
		b.Fatal(err)
	}
	target := ids[499]
	key, _ := s.Catalogue().key(target)
	conn, err := s.db.Conn(ctx)
	if err != nil {
		b.Fatal(err)
	}
	defer conn.Close()
	exec := func(qs ...string) {
		b.Helper()
		for _, q := range qs {
			if _, err := conn.ExecContext(ctx, q); err != nil {
				b.Fatalf("%s: %v", q, err)
			}
		}
	}
	// The VARCHAR copy, sorted by its id.
	exec(`CREATE TABLE observation_varchar AS
		SELECT 'dti.digital_' || lpad(indicator_key::VARCHAR, 5, '0') AS indicator_id, * EXCLUDE (indicator_key)
		FROM observation ORDER BY indicator_id, unit_key, year, preferred DESC, source_key`)
	const cols = "unit_key, year, value, rank, rank_of, status, verified, source_key"
	query := func(table, col string) string {
		return fmt.Sprintf(`SELECT %s, %s FROM %s WHERE %s = ? AND preferred ORDER BY source_key`, col, cols, table, col)
	}
	run := func(b *testing.B, q string, arg any) {
		rowsScanned := scanned(b, conn, q, arg)
		var n int
		b.ReportAllocs()
		for b.Loop() {
			n = 0
			rows, err := conn.QueryContext(ctx, q, arg)
			if err != nil {
				b.Fatal(err)
			}
			var (
				ind       any
				unit, src string
				year      int
				v         sql.NullFloat64
				r, ro     sql.NullInt64
				st        string
				ver       bool
			)
			for rows.Next() {
				if err := rows.Scan(&ind, &unit, &year, &v, &r, &ro, &st, &ver, &src); err != nil {
					b.Fatal(err)
				}
				n++
			}
			if err := rows.Close(); err != nil {
				b.Fatal(err)
			}
		}
		if n == 0 {
			b.Fatal("no figures")
		}
		b.ReportMetric(float64(rowsScanned), "rows-scanned/op")
		b.ReportMetric(float64(n), "figures/op")
	}
	exec(`CREATE TABLE observation_interleaved AS SELECT * FROM observation ORDER BY year, unit_key, indicator_key`)
	b.Run("Interleaved", func(b *testing.B) { run(b, query("observation_interleaved", "indicator_key"), key) })
	b.Run("Sorted", func(b *testing.B) { run(b, query("observation", "indicator_key"), key) })
	b.Run("SortedVarchar", func(b *testing.B) {
		run(b, query("observation_varchar", "indicator_id"), "dti.digital_"+fmt.Sprintf("%05d", key))
	})
}

// scanned runs q once with DuckDB's profiler on conn and returns the rows its table scans read.
func scanned(b *testing.B, conn *sql.Conn, q string, arg any) int64 {
	b.Helper()
	ctx := context.Background()
	for _, s := range []string{`PRAGMA enable_profiling = 'no_output'`,
		`SET custom_profiling_settings = '{"OPERATOR_ROWS_SCANNED": "true", "OPERATOR_TYPE": "true"}'`} {
		if _, err := conn.ExecContext(ctx, s); err != nil {
			b.Fatal(err)
		}
	}
	defer conn.ExecContext(ctx, `PRAGMA disable_profiling`)
	rows, err := conn.QueryContext(ctx, q, arg)
	if err != nil {
		b.Fatal(err)
	}
	for rows.Next() {
	}
	rows.Close()
	info, err := duckdb.GetProfilingInfo(conn)
	if err != nil {
		b.Fatal(err)
	}
	var total int64
	var walk func(p duckdb.ProfilingInfo)
	walk = func(p duckdb.ProfilingInfo) {
		if p.Metrics["OPERATOR_TYPE"] == "TABLE_SCAN" {
			n, _ := strconv.ParseInt(p.Metrics["OPERATOR_ROWS_SCANNED"], 10, 64)
			total += n
		}
		for _, c := range p.Children {
			walk(c)
		}
	}
	walk(info)
	return total
}
