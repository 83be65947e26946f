package datasets

import (
	"context"
	"errors"
	"fmt"
	"os"
	"strings"
	"testing"
	"time"
)

func TestReadOnlyQuery(t *testing.T) {
	ctx := context.Background()
	s := mustOpenStore(t)
	t.Run("BundledFigure", func(t *testing.T) {
		res, err := s.ReadOnlyQuery(ctx, `SELECT value, rank, rank_of, verified, name_vi FROM observations_v
			WHERE indicator = 'pci' AND unit_id = 'vn63.93' AND year = 2021 AND preferred`, 100)
		if err != nil {
			t.Fatal(err)
		}
		if len(res.Rows) != 1 || res.Truncated || res.Version != s.Version() {
			t.Fatalf("result = %+v, want one row, not truncated, version %s", res, s.Version())
		}
		want := []any{63.8, int64(38), int64(63), true, "Hậu Giang"}
		for i, v := range res.Rows[0] {
			if v != want[i] {
				t.Errorf("column %s = %#v, want %#v", res.Columns[i].Name, v, want[i])
			}
		}
		types := []string{"DOUBLE", "INTEGER", "INTEGER", "BOOLEAN", "VARCHAR"}
		for i, c := range res.Columns {
			if c.Type != types[i] {
				t.Errorf("column %s type %q, want %q", c.Name, c.Type, types[i])
			}
		}
	})
	t.Run("WithLineageAndDates", func(t *testing.T) {
		res, err := s.ReadOnlyQuery(ctx, `WITH m AS (SELECT * FROM lineage_v WHERE new_unit = 'vn34.15')
			SELECT old_name_vi, effective, kind FROM m ORDER BY old_unit`, 100)
		if err != nil {
			t.Fatal(err)
		}
		// New Lào Cai (vn34.15) = old Lào Cai (10) + old Yên Bái (15), from 2025-07-01.
		if len(res.Rows) != 2 || res.Rows[0][0] != "Lào Cai" || res.Rows[1][0] != "Yên Bái" || res.Rows[0][1] != "2025-07-01" {
			t.Errorf("predecessors of vn34.15 = %v, want Lào Cai and Yên Bái on 2025-07-01", res.Rows)
		}
	})
	t.Run("RowCap", func(t *testing.T) {
		res, err := s.ReadOnlyQuery(ctx, `SELECT * FROM range(100)`, 10)
		if err != nil {
			t.Fatal(err)
		}
		if len(res.Rows) != 10 || !res.Truncated || res.MaxRows != 10 {
			t.Errorf("%d rows, truncated %v, want 10 rows and truncated", len(res.Rows), res.Truncated)
		}
		res, err = s.ReadOnlyQuery(ctx, `SELECT * FROM range(10)`, 10)
		if err != nil || len(res.Rows) != 10 || res.Truncated {
			t.Errorf("10 of 10 rows: %d rows, truncated %v, err %v; want 10, not truncated", len(res.Rows), res.Truncated, err)
		}
	})
	t.Run("Values", func(t *testing.T) {
		res, err := s.ReadOnlyQuery(ctx, `SELECT 1.50::DECIMAL(9,2) AS d, 'nan'::DOUBLE AS n, [1, 2] AS l, {'a': 1} AS st,
			MAP {'k': 2} AS m, TIMESTAMP '2025-07-01 12:00:00' AS ts, NULL AS z, '\x01'::BLOB AS b,
			'5b4c1d4a-0b6e-4a51-9a7e-3b7f1e0a2c11'::UUID AS u, 170141183460469231731687303715884105727::HUGEINT AS h`, 1)
		if err != nil {
			t.Fatal(err)
		}
		got := res.Rows[0]
		want := []string{"1.5", "NaN", "[1 2]", "map[a:1]", "map[k:2]", "2025-07-01T12:00:00Z", "<nil>", "01",
			"5b4c1d4a-0b6e-4a51-9a7e-3b7f1e0a2c11", "170141183460469231731687303715884105727"}
		for i, v := range got {
			if s := fmtAny(v); s != want[i] {
				t.Errorf("%s (%s) = %s, want %s", res.Columns[i].Name, res.Columns[i].Type, s, want[i])
			}
		}
	})
}

func fmtAny(v any) string {
	if v == nil {
		return "<nil>"
	}
	return strings.TrimSpace(strings.ReplaceAll(strings.ReplaceAll(sprint(v), "\n", " "), "  ", " "))
}

// TestReadOnlyQueryRefuses: every way out of a read-only SELECT over the views is a *SQLError,
// a runaway query is stopped by its context, and afterwards the data and its version are as
// they were and the store still answers.
func TestReadOnlyQueryRefuses(t *testing.T) {
	ctx := context.Background()
	s := mustOpenStore(t)
	version := s.Version()
	count := func() int {
		var n int
		if err := s.db.QueryRowContext(ctx, `SELECT count(*) FROM observation`).Scan(&n); err != nil {
			t.Fatal(err)
		}
		return n
	}
	before := count()
	for _, tc := range []struct{ name, query, want string }{
		{"ReadFile", `SELECT * FROM read_csv('/etc/passwd')`, "disabled by configuration"},
		{"ReadText", `SELECT * FROM read_text('/etc/hostname')`, "disabled by configuration"},
		{"Glob", `SELECT * FROM glob('/etc/*')`, "disabled by configuration"},
		{"CopyTo", `COPY (SELECT * FROM observations_v) TO '/tmp/chiso-leak.csv'`, "only a SELECT"},
		{"Attach", `ATTACH '/tmp/chiso-other.duckdb' AS other`, "only a SELECT"},
		{"Install", `INSTALL httpfs`, "only a SELECT"},
		{"Load", `LOAD httpfs`, "only a SELECT"},
		{"Pragma", `PRAGMA enable_profiling`, "only a SELECT"},
		{"Set", `SET enable_external_access = true`, "only a SELECT"},
		{"Create", `CREATE TABLE x AS SELECT 1`, "only a SELECT"},
		{"CreateTemp", `CREATE TEMP TABLE x AS SELECT 1`, "only a SELECT"},
		{"Delete", `DELETE FROM observations_v`, "only a SELECT"},
		{"Update", `UPDATE observations_v SET value = 0`, "only a SELECT"},
		{"Call", `CALL checkpoint()`, "only a SELECT"},
		{"TwoSelects", `SELECT 1; SELECT 2`, "one statement may run; the query has 2"},
		{"SelectThenDelete", `SELECT 1; DELETE FROM observations_v`, "only a SELECT"},
		{"CommentHidden", "SELECT 1 -- a comment\n; DELETE FROM observations_v", "only a SELECT"},
		{"BlockCommentHidden", "SELECT 1 /* ; */ ; DROP VIEW observations_v", "only a SELECT"},
		{"QueryFunction", `SELECT * FROM query('DELETE FROM observations_v')`, ""},
		{"Nextval", `SELECT nextval('s')`, "does not exist"},
		{"Syntax", `SELEC 1`, "syntax error"},
		{"Empty", " ;", ""},
		{"Parameter", `SELECT $1`, "parameters"},
		{"Unknown", `SELECT * FROM observation_v`, "does not exist"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := s.ReadOnlyQuery(ctx, tc.query, 100)
			var se *SQLError
			if !errors.As(err, &se) {
				t.Fatalf("ReadOnlyQuery(%q) = %v, want a *SQLError", tc.query, err)
			}
			if !strings.Contains(se.Reason, tc.want) {
				t.Errorf("ReadOnlyQuery(%q) = %q, want it to say %q", tc.query, se.Reason, tc.want)
			}
		})
	}
	t.Run("Runaway", func(t *testing.T) {
		tctx, cancel := context.WithTimeout(ctx, 1500*time.Millisecond)
		defer cancel()
		start := time.Now()
		_, err := s.ReadOnlyQuery(tctx, `SELECT count(*) FROM range(1000000) a, range(1000000) b`, 100)
		if !errors.Is(err, context.DeadlineExceeded) {
			t.Errorf("cross join of two ranges of 1e6: %v, want context.DeadlineExceeded", err)
		}
		if d := time.Since(start); d > 5*time.Second {
			t.Errorf("the runaway query stopped after %v, want about 1.5 s", d)
		}
	})
	if _, err := os.Stat("/tmp/chiso-leak.csv"); err == nil {
		t.Errorf("COPY TO wrote /tmp/chiso-leak.csv")
	}
	if s.Version() != version || count() != before {
		t.Errorf("after the refused queries: version %s, %d observations; want %s, %d", s.Version(), count(), version, before)
	}
	res, err := s.ReadOnlyQuery(ctx, `SELECT count(*) FROM observations_v`, 1)
	if err != nil || res.Rows[0][0] != int64(before) {
		t.Errorf("count(*) FROM observations_v = %v, %v; want %d", res.Rows, err, before)
	}
}

// TestReadOnlyQueryFollowsIngest: a query after an ingest sees the new dataset version.
func TestReadOnlyQueryFollowsIngest(t *testing.T) {
	ctx := context.Background()
	s := mustOpenStore(t)
	q := `SELECT count(*) FROM observations_v WHERE indicator = 'par_index' AND year = 2015`
	before, err := s.ReadOnlyQuery(ctx, q, 1)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.Ingest(ctx, []string{"testdata/long.csv"}, IngestOptions{Now: testNow}); err != nil {
		t.Fatal(err)
	}
	after, err := s.ReadOnlyQuery(ctx, q, 1)
	if err != nil {
		t.Fatal(err)
	}
	if after.Version == before.Version || after.Version != s.Version() || after.Rows[0][0].(int64) != before.Rows[0][0].(int64)+5 {
		t.Errorf("after ingesting 5 figures: %v rows (version %s), before %v (version %s)", after.Rows, after.Version, before.Rows, before.Version)
	}
}

func TestSQLTables(t *testing.T) {
	s := mustOpenStore(t)
	tables, err := s.SQLTables(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if len(tables) != len(SQLViews) {
		t.Fatalf("%d tables, want %d (%v)", len(tables), len(SQLViews), SQLViews)
	}
	for i, tb := range tables {
		if tb.Name != SQLViews[i] || len(tb.Columns) == 0 {
			t.Errorf("table %d = %s with %d columns, want %s", i, tb.Name, len(tb.Columns), SQLViews[i])
		}
	}
	if c := tables[0].Columns[0]; c.Name != "indicator" || c.Type != "VARCHAR" {
		t.Errorf("observations_v's first column = %+v, want indicator VARCHAR", c)
	}
}

func sprint(v any) string { return fmt.Sprint(v) }
