package datasets

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"path/filepath"
	"reflect"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/duckdb/duckdb-go/v2"
)

// bundledVersion is the dataset version of the bundled data as it was before observations
// carried indicator keys (commit 8bca118): pinned URLs /v/{version} name it. It changes when
// the bundled figures change, and then only; a change of schema or of physical order must
// leave it as it is.
const bundledVersion = "1bd3391143c6f3b4"

func TestBundledVersion(t *testing.T) {
	s := mustOpenStore(t)
	if got := s.Version(); got != bundledVersion {
		t.Errorf("bundled dataset version = %s, want %s (the hash of the figures, of their indicator ids and not their keys)", got, bundledVersion)
	}
}

// rowGroupKeys returns the smallest and largest indicator key of each row group of the
// observation table, in row group order, from DuckDB's own statistics (its zone maps).
func rowGroupKeys(t *testing.T, db *sql.DB) [][2]int64 {
	t.Helper()
	rows, err := db.Query(`SELECT row_group_id, stats FROM pragma_storage_info('observation')
		WHERE column_name = 'indicator_key' AND stats LIKE '[Min:%' ORDER BY row_group_id, segment_id`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	minMax := regexp.MustCompile(`^\[Min: (-?\d+), Max: (-?\d+)\]`)
	var out [][2]int64
	last := int64(-1)
	for rows.Next() {
		var rg int64
		var stats string
		if err := rows.Scan(&rg, &stats); err != nil {
			t.Fatal(err)
		}
		m := minMax.FindStringSubmatch(stats)
		if m == nil {
			t.Fatalf("row group %d: statistics %q have no Min and Max", rg, stats)
		}
		lo, _ := strconv.ParseInt(m[1], 10, 64)
		hi, _ := strconv.ParseInt(m[2], 10, 64)
		if rg != last {
			out = append(out, [2]int64{lo, hi})
			last = rg
			continue
		}
		g := &out[len(out)-1]
		g[0], g[1] = min(g[0], lo), max(g[1], hi)
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	return out
}

// checkSorted fails t unless the row groups' key ranges follow one another: each row group's
// smallest key is at least the largest key of the row group before it.
func checkSorted(t *testing.T, groups [][2]int64, when string) {
	t.Helper()
	for i := 1; i < len(groups); i++ {
		if groups[i][0] < groups[i-1][1] {
			t.Errorf("%s: row group %d holds indicator keys %d–%d, which overlap row group %d's %d–%d: the table is not sorted and its zone maps do not prune",
				when, i, groups[i][0], groups[i][1], i-1, groups[i-1][0], groups[i-1][1])
		}
	}
}

// tableOID returns the catalogue oid of the observation table: a rewrite (resortObservations)
// makes a new table.
func tableOID(t *testing.T, db *sql.DB) int64 {
	t.Helper()
	var oid int64
	if err := db.QueryRow(`SELECT table_oid FROM duckdb_tables() WHERE table_name = 'observation' AND NOT temporary`).Scan(&oid); err != nil {
		t.Fatal(err)
	}
	return oid
}

// TestIngestKeepsSorted: an ingest whose figures interleave with the stored ones (an indicator
// key below the highest stored) leaves the table sorted, row group by row group and row by row;
// one that only appends (the highest key, or a later year of it) does not rewrite the table.
func TestIngestKeepsSorted(t *testing.T) {
	ctx := context.Background()
	s := mustOpenStore(t)
	ids, err := s.AddSyntheticIndicators(ctx, 100)
	if err != nil {
		t.Fatal(err)
	}
	// Every synthetic indicator but syn00051 (a key in the middle) and syn00100 (the highest):
	// about 150,000 figures, more than one row group (122,880 rows).
	panel := append(append([]string{}, ids[:50]...), ids[51:99]...)
	if _, err := s.LoadSyntheticPanel(ctx, panel, 2001, 2024, 0.42); err != nil {
		t.Fatal(err)
	}
	groups := rowGroupKeys(t, s.db)
	if len(groups) < 2 {
		t.Fatalf("%d row groups; the test needs at least 2", len(groups))
	}
	checkSorted(t, groups, "after the synthetic panel")

	dir := t.TempDir()
	ingest := func(id string, year int) {
		t.Helper()
		var b strings.Builder
		b.WriteString("province,indicator,year,value,source\n")
		for i, u := range s.Registry().Units(Set63, 2024) {
			fmt.Fprintf(&b, "%s,%s,%d,%d.5,%s\n", u.Code, id, year, i, SyntheticSource)
		}
		path := filepath.Join(dir, fmt.Sprintf("%s-%d.csv", id, year))
		writeFile(t, path, b.String())
		rep, err := s.Ingest(ctx, []string{path}, IngestOptions{Now: testNow, Units: Set63})
		if err != nil {
			t.Fatal(err)
		}
		if rep.Added != 63 {
			t.Fatalf("ingest of %s %d: %d added, want 63", id, year, rep.Added)
		}
	}
	inOrder := func(when string) {
		t.Helper()
		checkSorted(t, rowGroupKeys(t, s.db), when)
		if n, descents := physicalDescents(t, s.db); descents != 0 {
			t.Errorf("%s: %d of %d stored rows come after a greater key", when, descents, n)
		}
	}

	oid := tableOID(t, s.db)
	for _, c := range []struct {
		id   string
		year int
		what string
	}{
		{ids[99], 2024, "a new highest indicator key"},
		{ids[99], 2025, "a later year of the highest key"},
		{ids[98], 2025, "a later year of a lower key"},
		{ids[50], 2024, "a key in the middle"},
	} {
		version := s.Version()
		ingest(c.id, c.year)
		appends := c.id == ids[99]
		if rewrote := tableOID(t, s.db) != oid; rewrote == appends {
			t.Errorf("ingest of %s: rewrote the table %v, want %v", c.what, rewrote, !appends)
		}
		oid = tableOID(t, s.db)
		inOrder("after the ingest of " + c.what)
		if s.Version() == version {
			t.Errorf("ingest of %s: the version did not change", c.what)
		}
	}
	obs, err := s.Observations(ctx, ObservationQuery{Indicators: []string{ids[50]}})
	if err != nil || len(obs) != 63 {
		t.Errorf("Observations(%s) = %d figures, %v; want the 63 ingested", ids[50], len(obs), err)
	}
}

// scanFilters returns the Filters of every scan of the observation table in the plan of
// query, from DuckDB's EXPLAIN (FORMAT json).
func scanFilters(t *testing.T, db *sql.DB, query string, args ...any) []string {
	t.Helper()
	var name, plan string
	if err := db.QueryRow("EXPLAIN (FORMAT json) "+query, args...).Scan(&name, &plan); err != nil {
		t.Fatalf("explain %s: %v", query, err)
	}
	type node struct {
		Name     string         `json:"name"`
		Children []node         `json:"children"`
		Extra    map[string]any `json:"extra_info"`
	}
	var roots []node
	if err := json.Unmarshal([]byte(plan), &roots); err != nil {
		t.Fatal(err)
	}
	var out []string
	var walk func(n node)
	walk = func(n node) {
		if tbl, _ := n.Extra["Table"].(string); strings.HasSuffix(tbl, ".observation") {
			switch f := n.Extra["Filters"].(type) {
			case string:
				out = append(out, f)
			case []any: // several conditions
				out = append(out, fmt.Sprint(f))
			default:
				out = append(out, "")
			}
		}
		for _, c := range n.Children {
			walk(c)
		}
	}
	for _, r := range roots {
		walk(r)
	}
	return out
}

// TestIndicatorFilterReachesScan: the filters on an indicator and on a unit are comparisons of
// integer keys inside the scan of the observation table, where DuckDB's zone maps prune row
// groups.
func TestIndicatorFilterReachesScan(t *testing.T) {
	s := mustOpenStore(t)
	cat, reg := s.Catalogue(), s.Registry()
	pci, _ := cat.key("pci")
	econ, _ := cat.key("dti.digital_economy")
	hg, _ := reg.unitKey("vn63.93")
	figures := func(q ObservationQuery) string { return figureQuery(q, true, cat, reg) }
	observations := func(q ObservationQuery) string { return observationsQuery(q, cat, reg) }
	for _, tc := range []struct {
		name  string
		query func(ObservationQuery) string
		q     ObservationQuery
		want  string
	}{
		{"EachFigure", figures, ObservationQuery{Indicators: []string{"pci"}, From: 2020}, fmt.Sprintf("indicator_key=%d", pci)},
		{"Observations", observations, ObservationQuery{Indicators: []string{"pci"}, UnitIDs: []string{"vn63.01"}}, fmt.Sprintf("indicator_key=%d", pci)},
		{"TwoIndicators", figures, ObservationQuery{Indicators: []string{"pci", "dti.digital_economy"}}, "indicator_key"},
		{"Unit", figures, ObservationQuery{UnitIDs: []string{"vn63.93"}}, fmt.Sprintf("unit_key=%d", hg)},
	} {
		t.Run(tc.name, func(t *testing.T) {
			filters := scanFilters(t, s.db, tc.query(tc.q))
			if len(filters) != 1 || !strings.Contains(filters[0], tc.want) {
				t.Errorf("scans of observation have filters %q, want one with %q (keys: pci %d, dti.digital_economy %d, vn63.93 %d)", filters, tc.want, pci, econ, hg)
			}
		})
	}
	// An id the catalogue does not know selects nothing.
	n := 0
	err := s.EachFigure(context.Background(), ObservationQuery{Indicators: []string{"no_such_indicator"}}, func(string, string, int, Figure) { n++ })
	if err != nil || n != 0 {
		t.Errorf("EachFigure(no_such_indicator) = %d figures, %v; want none", n, err)
	}
	// Nor a unit id the registry does not know; a known one beside it keeps its figures.
	for _, tc := range []struct {
		units []string
		want  int
	}{{[]string{"vn63.99"}, 0}, {[]string{"vn63.99", "vn63.93"}, 1}} {
		obs, err := s.Observations(context.Background(), ObservationQuery{Indicators: []string{"pci"}, UnitIDs: tc.units, From: 2021, To: 2021})
		if err != nil || len(obs) != tc.want || tc.want == 1 && (obs[0].Unit.ID != "vn63.93" || *obs[0].Value != 63.80) {
			t.Errorf("Observations(pci 2021, %v) = %+v, %v; want %d figures (Hậu Giang 63.80)", tc.units, obs, err, tc.want)
		}
	}
}

// oldSchema is the observation, indicator, source and unit tables and the observations view as
// the schema had them before indicator keys (001_schema.sql and 090_views.sql at commit 8bca118).
const oldSchema = `
CREATE TABLE unit (
    id          VARCHAR PRIMARY KEY,
    code        VARCHAR NOT NULL,
    unit_set    VARCHAR NOT NULL,
    name_vi     VARCHAR NOT NULL,
    name_en     VARCHAR NOT NULL,
    slug        VARCHAR NOT NULL,
    kind        VARCHAR NOT NULL,
    region      VARCHAR,
    valid_from  DATE,
    valid_to    DATE,
    source      VARCHAR NOT NULL
);
CREATE TABLE source (
    id        VARCHAR PRIMARY KEY,
    citation  VARCHAR NOT NULL,
    url       VARCHAR
);
CREATE TABLE indicator (
    id                VARCHAR PRIMARY KEY,
    parent            VARCHAR,
    name_vi           VARCHAR NOT NULL,
    name_en           VARCHAR NOT NULL,
    unit_of_measure   VARCHAR NOT NULL,
    measure           VARCHAR NOT NULL,
    higher_is_better  BOOLEAN,
    publisher         VARCHAR NOT NULL,
    scale_min         DOUBLE,
    scale_max         DOUBLE,
    first_year        INTEGER NOT NULL,
    aggregation_rule  VARCHAR NOT NULL,
    description       VARCHAR NOT NULL
);
CREATE TABLE observation (
    indicator_id  VARCHAR NOT NULL,
    unit_id       VARCHAR NOT NULL,
    year          INTEGER NOT NULL,
    value         DOUBLE,
    rank          INTEGER,
    rank_of       INTEGER,
    status        VARCHAR NOT NULL,
    verified      BOOLEAN NOT NULL,
    preferred     BOOLEAN NOT NULL,
    source_id     VARCHAR NOT NULL,
    batch         VARCHAR NOT NULL
);
CREATE VIEW observations_v AS
SELECT o.indicator_id AS indicator, o.unit_id, u.code AS unit_code, u.unit_set, u.name_vi, u.name_en,
       o.year, o.value, o.rank, o.rank_of, o.status, o.verified, o.preferred,
       s.citation AS source, s.url AS source_url
FROM observation o JOIN unit u ON u.id = o.unit_id JOIN source s ON s.id = o.source_id;`

// openFile opens the database file at path outside any Store; close it with the func.
func openFile(t *testing.T, path string) (*sql.DB, func()) {
	t.Helper()
	connector, err := duckdb.NewConnector(path, nil)
	if err != nil {
		t.Fatal(err)
	}
	db := sql.OpenDB(connector)
	return db, func() { db.Close(); connector.Close() }
}

// execFile runs statements on the database file at path, outside any Store.
func execFile(t *testing.T, path string, stmts ...string) {
	t.Helper()
	db, done := openFile(t, path)
	defer done()
	for _, q := range stmts {
		if _, err := db.Exec(q); err != nil {
			t.Fatalf("%s: %v", q, err)
		}
	}
}

// openFileStore opens a store at path (the bundled data, the first time) and reads all its
// observations, for a test to compare with after it has changed the file.
func openFileStore(t *testing.T, path string) (*Store, []Observation) {
	t.Helper()
	s, err := Open(context.Background(), path)
	if err != nil {
		t.Fatal(err)
	}
	obs, err := s.Observations(context.Background(), ObservationQuery{})
	if err != nil {
		s.Close()
		t.Fatal(err)
	}
	return s, obs
}

// fileHasIndicatorID reports whether the file at path has the schema before indicator keys.
func fileHasIndicatorID(t *testing.T, path string) bool {
	t.Helper()
	return fileColumnType(t, path, "observation", "indicator_id") != ""
}

// fileColumnType is the type of table.column in the file at path ("" if there is none).
func fileColumnType(t *testing.T, path, table, column string) string {
	t.Helper()
	db, done := openFile(t, path)
	defer done()
	typ, err := columnType(context.Background(), db, table, column)
	if err != nil {
		t.Fatal(err)
	}
	return typ
}

// TestOpenMigratesIndicatorID: a database file written with the schema before indicator keys
// opens: its figures, their version and the views are what they were. A migration that fails
// changes nothing, and a read-only open refuses the file with what to do.
func TestOpenMigratesIndicatorID(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "old.duckdb")
	s, wantObs := openFileStore(t, path)
	wantCov, err := s.Coverage(ctx)
	if err != nil {
		t.Fatal(err)
	}
	wantHist, err := s.Versions(ctx)
	if err != nil {
		t.Fatal(err)
	}
	s.Close()
	// Back to the old schema: the indicator, source and observation tables as they were
	// (figures naming their indicator, source and batch by id, status as text, no batch
	// table), filled in id order as the old code kept them, and the old view.
	execFile(t, path,
		`CREATE TABLE indicator_new AS SELECT * FROM indicator`,
		`CREATE TABLE source_new AS SELECT * FROM source`,
		`CREATE TABLE unit_new AS SELECT * FROM unit`,
		`CREATE TABLE observation_new AS SELECT i.id AS indicator_id, u.id AS unit_id, o.year, o.value, o.rank, o.rank_of,
			o.status::VARCHAR AS status, o.verified, o.preferred, s.id AS source_id, b.id AS batch
			FROM observation o JOIN indicator i ON i.key = o.indicator_key JOIN unit u ON u.key = o.unit_key
				JOIN source s ON s.key = o.source_key JOIN batch b ON b.key = o.batch_key`,
		`DROP VIEW observations_v`, `DROP VIEW indicators_v`, `DROP TABLE observation`, `DROP TABLE indicator`,
		`DROP TABLE source`, `DROP TABLE batch`, `DROP TABLE unit`, `DROP TYPE figure_status`,
		oldSchema,
		`INSERT INTO indicator SELECT * EXCLUDE (key) FROM indicator_new ORDER BY id`,
		`INSERT INTO source SELECT * EXCLUDE (key) FROM source_new ORDER BY id`,
		`INSERT INTO unit SELECT * EXCLUDE (key) FROM unit_new ORDER BY id`,
		`INSERT INTO observation SELECT * FROM observation_new ORDER BY indicator_id, unit_id, year, preferred DESC, source_id`,
		`CREATE VIEW indicators_v AS SELECT id, parent, name_vi, name_en, unit_of_measure, measure, higher_is_better, publisher,
			scale_min, scale_max, first_year, aggregation_rule, description FROM indicator`,
		`DROP TABLE indicator_new`, `DROP TABLE source_new`, `DROP TABLE unit_new`, `DROP TABLE observation_new`)
	if !fileHasIndicatorID(t, path) {
		t.Fatal("the file does not have the old schema")
	}

	t.Run("ReadOnlyRefuses", func(t *testing.T) {
		_, err := OpenReadOnly(ctx, path)
		if !errors.Is(err, ErrOldSchema) || !strings.Contains(err.Error(), "open it once for writing") {
			t.Errorf("OpenReadOnly(old schema) error = %v, want ErrOldSchema saying what to do", err)
		}
	})

	t.Run("FailedMigrationChangesNothing", func(t *testing.T) {
		// A table in the way of the second rename: the migration fails after it has dropped
		// the view and renamed the indicator table.
		execFile(t, path, `CREATE TABLE chiso_observation_old (x INTEGER)`)
		_, err := Open(ctx, path)
		if err == nil || !strings.Contains(err.Error(), "nothing was changed") || !strings.Contains(err.Error(), "chiso_observation_old") {
			t.Fatalf("Open with a migration that fails: error = %v, want one saying nothing was changed and naming chiso_observation_old", err)
		}
		if !fileHasIndicatorID(t, path) || fileColumnType(t, path, "source", "key") != "" || fileColumnType(t, path, "batch", "key") != "" {
			t.Error("after the failed migration the file no longer has the old schema")
		}
		execFile(t, path, `SELECT count(*) FROM observations_v`, `SELECT id FROM indicator LIMIT 1`, `SELECT id FROM source LIMIT 1`,
			`DROP TABLE chiso_observation_old`)
	})

	t.Run("OK", func(t *testing.T) {
		s := openMigrated(t, path)
		defer s.Close()
		hist, err := s.Versions(ctx)
		if err != nil || len(hist) != len(wantHist) {
			t.Errorf("history after the migration: %d versions, %v; want the %d it had (no new version)", len(hist), err, len(wantHist))
		}
		obs, err := s.Observations(ctx, ObservationQuery{})
		if err != nil || !reflect.DeepEqual(obs, wantObs) {
			t.Errorf("Observations after the migration: %d, %v; want the %d before it, equal", len(obs), err, len(wantObs))
		}
		cov, err := s.Coverage(ctx)
		if err != nil || !reflect.DeepEqual(cov, wantCov) {
			t.Errorf("Coverage after the migration differs (%v)", err)
		}
		// The migration numbers the indicators in id order.
		if n := keysOutOfIDOrder(t, s, "indicator"); n > 0 {
			t.Errorf("%d indicator keys not in id order", n)
		}
		res, err := s.ReadOnlyQuery(ctx, `SELECT indicator, value FROM observations_v WHERE indicator = 'pci' AND unit_id = 'vn63.93' AND year = 2021 AND preferred`, 10)
		if err != nil || len(res.Rows) != 1 || res.Rows[0][0] != "pci" || res.Rows[0][1] != 63.80 {
			t.Errorf("observations_v after the migration: %v, %v; want pci 63.80", res.Rows, err)
		}
	})

	// Opened again: nothing left to migrate.
	s, err = Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	if s.Version() != bundledVersion {
		t.Errorf("version on the second open = %s, want %s", s.Version(), bundledVersion)
	}
	s.Close()
}

// TestConcurrentIngests: two ingests at once whose figures both interleave with the stored
// ones (each rewrites the table) both land. TEST FIXTURE: the figures are synthetic.
func TestConcurrentIngests(t *testing.T) {
	ctx := context.Background()
	s := mustOpenStore(t)
	paths := []string{
		writeTestCSV(t, "a.csv", "province,year,value\nHà Nội,2014,7.25\n"),
		writeTestCSV(t, "b.csv", "province,year,value\nHà Nội,2013,6.5\n"),
	}
	errs := make(chan error, len(paths))
	for _, p := range paths {
		go func() {
			_, err := s.Ingest(ctx, []string{p}, IngestOptions{Indicator: "grdp_growth", Source: "synthetic test fixture", Now: testNow})
			errs <- err
		}()
	}
	for range paths {
		if err := <-errs; err != nil {
			t.Error(err)
		}
	}
	wantValue(t, s, "grdp_growth", "vn63.01", 2014, 7.25)
	wantValue(t, s, "grdp_growth", "vn63.01", 2013, 6.5)
	checkSorted(t, rowGroupKeys(t, s.db), "after two ingests at once")
}

// TestOpenSortsOldOrder: a file whose observations an earlier chiso stored in another order
// (by indicator, unit, year) is stored in this one's (by indicator, year, unit) once it is
// opened for writing, with the same figures and version; a read-only open leaves it alone.
func TestOpenSortsOldOrder(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "old-order.duckdb")
	s, err := Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	version := s.Version()
	want, err := s.Observations(ctx, ObservationQuery{})
	if err != nil {
		t.Fatal(err)
	}
	s.Close()
	execFile(t, path,
		`CREATE TABLE observation_old AS SELECT * FROM observation ORDER BY indicator_key, unit_key, year, preferred DESC, source_key`,
		`DELETE FROM observation`, `INSERT INTO observation SELECT * FROM observation_old`, `DROP TABLE observation_old`,
		`DELETE FROM meta WHERE key = 'observation_order'`)
	descents := func(s *Store) int {
		t.Helper()
		_, n := physicalDescents(t, s.db)
		return n
	}
	ro, err := OpenReadOnly(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	if descents(ro) == 0 {
		t.Fatal("the file was not put in the old order: the test tests nothing")
	}
	ro.Close()

	s, err = Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if n := descents(s); n != 0 {
		t.Errorf("after Open, %d rows are out of order", n)
	}
	if s.Version() != version {
		t.Errorf("version %s after sorting, want %s", s.Version(), version)
	}
	got, err := s.Observations(ctx, ObservationQuery{})
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("the observations differ after sorting: %d, want %d", len(got), len(want))
	}
}
