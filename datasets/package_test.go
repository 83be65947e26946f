package datasets

import (
	"archive/zip"
	"bytes"
	"context"
	"encoding/csv"
	"encoding/json"
	"errors"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"
)

// hauGiang2021 is the news report's GRDP growth of Hậu Giang for 2021: not preferred, unverified.
func hauGiang2021(t *testing.T, s *Store, all bool) Table {
	t.Helper()
	obs, err := s.Observations(context.Background(), ObservationQuery{Indicators: []string{"grdp_growth"}, UnitIDs: []string{"vn63.93"}, From: 2021, To: 2021})
	if err != nil {
		t.Fatal(err)
	}
	return s.FigureTable("grdp_growth", FiguresOf(obs, all))
}

func column(t *testing.T, cols []Column, name string) int {
	t.Helper()
	for i, c := range cols {
		if c.Name == name {
			return i
		}
	}
	t.Fatalf("no column %q", name)
	return -1
}

// TestFiguresAllSources: sources=all gives the news report's "11%" for Hậu Giang 2021 as its
// own row, not preferred and not verified; the default gives only the preferred figure.
func TestFiguresAllSources(t *testing.T) {
	s := mustOpenStore(t)
	all, pref := hauGiang2021(t, s, true), hauGiang2021(t, s, false)
	if len(pref.Rows) != 1 || len(all.Rows) < 2 {
		t.Fatalf("preferred rows %d, all rows %d: want 1 and at least 2", len(pref.Rows), len(all.Rows))
	}
	val, p, ver := column(t, FigureColumns, "value"), column(t, FigureColumns, "preferred"), column(t, FigureColumns, "verified")
	found := false
	for _, r := range all.Rows {
		if r[val] == 11.0 {
			found = true
			if r[p] != false || r[ver] != false {
				t.Errorf("the 11%% row: preferred %v verified %v, want false and false", r[p], r[ver])
			}
		}
	}
	if !found {
		t.Errorf("no row with value 11 among %v", all.Rows)
	}
}

func TestEncode(t *testing.T) {
	s := mustOpenStore(t)
	ctx := context.Background()
	tbl := hauGiang2021(t, s, true)
	m := Meta{Version: s.Version(), Title: "test", Citation: s.Citation(s.Version(), []string{"grdp_growth"}, time.Time{})}
	m.Sources = TableSources(s, tbl)
	enc := func(format string) []byte {
		var b bytes.Buffer
		if err := s.Encode(ctx, &b, format, tbl, m); err != nil {
			t.Fatalf("Encode %s: %v", format, err)
		}
		return b.Bytes()
	}
	t.Run("CSV", func(t *testing.T) {
		b := enc("csv")
		if !bytes.HasPrefix(b, utf8BOM) {
			t.Fatalf("CSV starts %q, want the UTF-8 BOM", b[:8])
		}
		recs, err := csv.NewReader(bytes.NewReader(b[3:])).ReadAll()
		if err != nil {
			t.Fatal(err)
		}
		if recs[1][column(t, FigureColumns, "code")] != "93" || !strings.Contains(string(b), "Hậu Giang") {
			t.Errorf("CSV row %v: want code 93 and the Vietnamese name intact", recs[1])
		}
	})
	t.Run("CSVReadByDuckDB", func(t *testing.T) {
		// The DuckDB snippet of the datasets page: the BOM is skipped, codes stay text.
		all, err := s.AllFigures(ctx)
		if err != nil {
			t.Fatal(err)
		}
		var b bytes.Buffer
		if err := s.Encode(ctx, &b, "csv", all, m); err != nil {
			t.Fatal(err)
		}
		path := filepath.Join(t.TempDir(), "x.csv")
		if err := os.WriteFile(path, b.Bytes(), 0o644); err != nil {
			t.Fatal(err)
		}
		var code, set string
		var n int
		if err := s.db.QueryRow(`SELECT code, unit_set, (SELECT count(*) FROM read_csv($1, types = {'code': 'VARCHAR', 'unit_set': 'VARCHAR'}))
			FROM read_csv($1, types = {'code': 'VARCHAR', 'unit_set': 'VARCHAR'}) WHERE unit_id = 'vn63.01' LIMIT 1`, path).Scan(&code, &set, &n); err != nil {
			t.Fatal(err)
		}
		if code != "01" || set != "63" || n != len(all.Rows) {
			t.Errorf("read_csv: Hà Nội's code %q, unit_set %q, %d rows; want 01, 63, %d", code, set, n, len(all.Rows))
		}
	})
	t.Run("CSVExcelVN", func(t *testing.T) {
		recs, err := func() ([][]string, error) {
			r := csv.NewReader(bytes.NewReader(enc("csv_vn")[3:]))
			r.Comma = ';'
			return r.ReadAll()
		}()
		if err != nil {
			t.Fatal(err)
		}
		found := false
		for _, r := range recs[1:] {
			if strings.Contains(r[column(t, FigureColumns, "value")], ".") {
				t.Errorf("value %q has a decimal point, want a decimal comma", r[column(t, FigureColumns, "value")])
			}
			found = found || r[column(t, FigureColumns, "value")] == "11"
		}
		if !found {
			t.Error("no value 11")
		}
	})
	t.Run("XLSX", func(t *testing.T) {
		f, err := excelize.OpenReader(bytes.NewReader(enc("xlsx")))
		if err != nil {
			t.Fatal(err)
		}
		defer f.Close()
		code, _ := excelize.CoordinatesToCellName(column(t, FigureColumns, "code")+1, 2)
		if typ, _ := f.GetCellType("data", code); typ == excelize.CellTypeNumber {
			t.Errorf("code cell %s is a number, want text", code)
		}
		year, _ := excelize.CoordinatesToCellName(column(t, FigureColumns, "year")+1, 2)
		if typ, _ := f.GetCellType("data", year); typ != excelize.CellTypeNumber && typ != excelize.CellTypeUnset {
			t.Errorf("year cell type %v, want a number", typ)
		}
		panes, err := f.GetPanes("data")
		if err != nil || !panes.Freeze || panes.YSplit != 1 {
			t.Errorf("panes %+v (%v), want the header row frozen", panes, err)
		}
		props, err := f.GetDocProps()
		if err != nil || props.Version != m.Version {
			t.Errorf("document version %q (%v), want %q", props.Version, err, m.Version)
		}
		c, _ := f.GetCellValue("sources", "B2")
		if c != m.Citation {
			t.Errorf("sources!B2 = %q, want the citation %q", c, m.Citation)
		}
	})
	t.Run("Parquet", func(t *testing.T) {
		path := filepath.Join(t.TempDir(), "x.parquet")
		if err := os.WriteFile(path, enc("parquet"), 0o644); err != nil {
			t.Fatal(err)
		}
		var v string
		if err := s.db.QueryRow(`SELECT decode(value) FROM parquet_kv_metadata(?) WHERE decode(key) = 'chiso_dataset_version'`, path).Scan(&v); err != nil || v != m.Version {
			t.Errorf("parquet version metadata %q (%v), want %q", v, err, m.Version)
		}
		var codeType, setType string
		var n int
		if err := s.db.QueryRow(`SELECT typeof(code), typeof(unit_set), count(*) OVER () FROM read_parquet(?) LIMIT 1`, path).Scan(&codeType, &setType, &n); err != nil {
			t.Fatal(err)
		}
		if codeType != "VARCHAR" || setType != "VARCHAR" || n != len(tbl.Rows) {
			t.Errorf("code %s, unit_set %s, %d rows: want VARCHAR, VARCHAR, %d", codeType, setType, n, len(tbl.Rows))
		}
	})
	t.Run("JSON", func(t *testing.T) {
		var d struct {
			Version string           `json:"dataset_version"`
			Data    []map[string]any `json:"data"`
		}
		if err := json.Unmarshal(enc("json"), &d); err != nil {
			t.Fatal(err)
		}
		if d.Version != m.Version || len(d.Data) != len(tbl.Rows) || d.Data[0]["code"] != "93" {
			t.Errorf("json: version %q, %d rows, first %v", d.Version, len(d.Data), d.Data[0])
		}
	})
	t.Run("ErrUnknownFormat", func(t *testing.T) {
		if err := s.Encode(ctx, io.Discard, "ods", tbl, m); err == nil || !strings.Contains(err.Error(), `"ods"`) {
			t.Errorf("Encode(ods) = %v, want an error naming the format", err)
		}
	})
}

// TestPackage validates the whole-dataset ZIP: every resource of datapackage.json is in the
// archive, each CSV's header is its schema's fields and every value parses as its field's
// type, and DuckDB reads the Parquet back with the schema's types and the same rows.
func TestPackage(t *testing.T) {
	s := mustOpenStore(t)
	ctx := context.Background()
	p, err := s.Package(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if again, _ := s.Package(ctx); &again.Zip[0] != &p.Zip[0] {
		t.Error("Package built the ZIP twice for one version")
	}
	zr, err := zip.NewReader(bytes.NewReader(p.Zip), int64(len(p.Zip)))
	if err != nil {
		t.Fatal(err)
	}
	files := map[string][]byte{}
	for _, f := range zr.File {
		rc, err := f.Open()
		if err != nil {
			t.Fatal(err)
		}
		files[f.Name], _ = io.ReadAll(rc)
		rc.Close()
	}
	for _, name := range []string{"datapackage.json", "README.md", "CITATION.cff"} {
		if len(files[name]) == 0 {
			t.Errorf("%s missing or empty", name)
		}
	}
	if !strings.Contains(string(files["CITATION.cff"]), "version: \""+s.Version()+"\"") {
		t.Errorf("CITATION.cff does not give version %s:\n%s", s.Version(), files["CITATION.cff"])
	}
	var dp struct {
		Version   string `json:"version"`
		Licenses  []map[string]string
		Resources []struct {
			Name, Path, Format string
			Rows               int
			Schema             struct {
				Fields []struct{ Name, Type, Description string }
			}
		}
	}
	if err := json.Unmarshal(files["datapackage.json"], &dp); err != nil {
		t.Fatal(err)
	}
	if dp.Version != s.Version() || len(dp.Licenses) == 0 {
		t.Errorf("datapackage version %q, licences %v: want %q and a licence", dp.Version, dp.Licenses, s.Version())
	}
	names := map[string]bool{}
	for _, r := range dp.Resources {
		names[r.Name] = true
		body, ok := files[r.Path]
		if !ok {
			t.Errorf("resource %s: %s not in the ZIP", r.Name, r.Path)
			continue
		}
		for _, f := range r.Schema.Fields {
			if f.Description == "" {
				t.Errorf("resource %s field %s: no description", r.Name, f.Name)
			}
		}
		switch r.Format {
		case "csv":
			recs, err := csv.NewReader(bytes.NewReader(body)).ReadAll()
			if err != nil {
				t.Fatalf("%s: %v", r.Path, err)
			}
			if len(recs)-1 != r.Rows {
				t.Errorf("%s: %d rows, datapackage says %d", r.Path, len(recs)-1, r.Rows)
			}
			if len(recs[0]) != len(r.Schema.Fields) {
				t.Fatalf("%s: header %v, schema has %d fields", r.Path, recs[0], len(r.Schema.Fields))
			}
			for i, f := range r.Schema.Fields {
				if recs[0][i] != f.Name {
					t.Errorf("%s column %d is %q, schema says %q", r.Path, i+1, recs[0][i], f.Name)
				}
			}
			for line, rec := range recs[1:] {
				for i, f := range r.Schema.Fields {
					if err := checkType(rec[i], f.Type); err != nil {
						t.Fatalf("%s:%d:%d: field %s: %v", r.Path, line+2, i+1, f.Name, err)
					}
				}
			}
		case "parquet":
			path := filepath.Join(t.TempDir(), "obs.parquet")
			os.WriteFile(path, body, 0o644)
			rows, err := s.db.Query(`SELECT column_name, column_type FROM (DESCRIBE SELECT * FROM read_parquet(?))`, path)
			if err != nil {
				t.Fatal(err)
			}
			i := 0
			for rows.Next() {
				var name, typ string
				rows.Scan(&name, &typ)
				if i >= len(r.Schema.Fields) || r.Schema.Fields[i].Name != name || duckType(r.Schema.Fields[i].Type) != typ {
					t.Errorf("parquet column %d: %s %s, schema %+v", i+1, name, typ, r.Schema.Fields[min(i, len(r.Schema.Fields)-1)])
				}
				i++
			}
			rows.Close()
			var n, hg int
			if err := s.db.QueryRow(`SELECT count(*), count(*) FILTER (WHERE code = '93' AND indicator = 'grdp_growth' AND year = 2021 AND value = 11 AND NOT preferred)
				FROM read_parquet(?)`, path).Scan(&n, &hg); err != nil {
				t.Fatal(err)
			}
			if n != r.Rows || hg != 1 {
				t.Errorf("parquet: %d rows (datapackage %d), %d rows of Hậu Giang's 11%% (want 1)", n, r.Rows, hg)
			}
		}
	}
	for _, want := range []string{"observations", "observations-parquet", "indicators", "units", "lineage", "sources"} {
		if !names[want] {
			t.Errorf("no resource %s", want)
		}
	}
}

// checkType reports whether a CSV field parses as a Frictionless type ("" is missing).
func checkType(v, typ string) error {
	if v == "" {
		return nil
	}
	var err error
	switch typ {
	case "integer":
		_, err = strconv.Atoi(v)
	case "number":
		_, err = strconv.ParseFloat(v, 64)
	case "boolean":
		_, err = strconv.ParseBool(v)
	case "date":
		_, err = time.Parse(time.DateOnly, v)
	case "string":
	default:
		err = errors.New("unknown type " + typ)
	}
	return err
}

// TestVersions: the history records the bundled load and each ingest with its changes; an
// earlier version is rebuilt exactly until a load that prefers its figures over older ones.
func TestVersions(t *testing.T) {
	s := mustOpenStore(t)
	ctx := context.Background()
	v0 := s.Version()
	hist, err := s.Versions(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if len(hist) != 1 || hist[0].Version != v0 || hist[0].Batch != "bundled" || len(hist[0].Changes) == 0 {
		t.Fatalf("history %+v, want the bundled load only", hist)
	}
	if _, err := s.Ingest(ctx, []string{"testdata/long.csv"}, IngestOptions{Now: testNow}); err != nil {
		t.Fatal(err)
	}
	hist, _ = s.Versions(ctx)
	if len(hist) != 2 || hist[0].Version != s.Version() || hist[0].Version == v0 {
		t.Fatalf("history %+v, want the ingest on top of the bundled load", hist)
	}
	if c := hist[0].Changes; len(c) != 1 || c[0].Indicator != "par_index" || c[0].Added != 5 || c[0].Changed != 0 {
		t.Errorf("changes %+v, want 5 par_index figures added", c)
	}
	snap, err := s.Snapshot(ctx, v0)
	if err != nil {
		t.Fatal(err)
	}
	if snap.Version() != v0 {
		t.Errorf("snapshot version %s, want %s", snap.Version(), v0)
	}
	obs, _ := snap.Observations(ctx, ObservationQuery{Indicators: []string{"par_index"}, UnitIDs: []string{"vn63.79"}, From: 2015, To: 2015})
	if len(obs) != 0 {
		t.Errorf("snapshot of %s has the ingested figure %+v", v0, obs)
	}
	snap.Close()
	if _, err := s.Snapshot(ctx, "0123456789abcdef"); !errors.Is(err, ErrNotFound) {
		t.Errorf("Snapshot(unknown) = %v, want ErrNotFound", err)
	}
	// An ingest that makes its figures preferred over loaded ones: earlier versions are gone.
	if _, err := s.Ingest(ctx, []string{"testdata/long_vn.csv"}, IngestOptions{Now: testNow, Prefer: true}); err != nil {
		t.Fatal(err)
	}
	hist, _ = s.Versions(ctx)
	if !hist[0].Rebuildable || hist[1].Rebuildable {
		t.Errorf("rebuildable %v, %v: want the newest only", hist[0].Rebuildable, hist[1].Rebuildable)
	}
	if _, err := s.Snapshot(ctx, v0); !errors.Is(err, ErrVersionGone) {
		t.Errorf("Snapshot(%s) after a preferring ingest = %v, want ErrVersionGone", v0, err)
	}
}

// TestVersionsFile: in a database file the history outlives the process, and an earlier version
// is rebuilt after a restart.
func TestVersionsFile(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "chiso.db")
	s, err := Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	v0 := s.Version()
	if _, err := s.Ingest(ctx, []string{"testdata/long.csv"}, IngestOptions{Now: testNow}); err != nil {
		t.Fatal(err)
	}
	v1 := s.Version()
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	s, err = Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	hist, err := s.Versions(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if len(hist) != 2 || hist[0].Version != v1 || hist[1].Version != v0 || !hist[1].Rebuildable {
		t.Fatalf("history after a restart: %+v, want %s then %s", hist, v1, v0)
	}
	snap, err := s.Snapshot(ctx, v0)
	if err != nil {
		t.Fatal(err)
	}
	defer snap.Close()
	if snap.Version() != v0 {
		t.Errorf("snapshot version %s, want %s", snap.Version(), v0)
	}
}
