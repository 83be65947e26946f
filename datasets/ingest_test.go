package datasets

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"
)

// testNow fixes "today" for the year-range checks.
var testNow = time.Date(2026, time.November, 23, 0, 0, 0, 0, time.UTC)

// snapshot is what must not change when an ingest fails.
type snapshot struct {
	rows, sources int
	version       string
}

func takeSnapshot(t *testing.T, s *Store) snapshot {
	t.Helper()
	var sn snapshot
	if err := s.db.QueryRow(`SELECT count(*) FROM observation`).Scan(&sn.rows); err != nil {
		t.Fatal(err)
	}
	if err := s.db.QueryRow(`SELECT count(*) FROM source`).Scan(&sn.sources); err != nil {
		t.Fatal(err)
	}
	if err := s.db.QueryRow(`SELECT value FROM meta WHERE key = 'version'`).Scan(&sn.version); err != nil {
		t.Fatal(err)
	}
	return sn
}

// figure returns the preferred figure for indicator, unit and year.
func figure(t *testing.T, s *Store, indicator, unit string, year int) (Observation, bool) {
	t.Helper()
	obs, err := s.Observations(context.Background(), ObservationQuery{Indicators: []string{indicator}, UnitIDs: []string{unit}, From: year, To: year})
	if err != nil {
		t.Fatal(err)
	}
	if len(obs) == 0 {
		return Observation{}, false
	}
	return obs[0], true
}

func wantValue(t *testing.T, s *Store, indicator, unit string, year int, want float64) {
	t.Helper()
	o, ok := figure(t, s, indicator, unit, year)
	if !ok {
		t.Fatalf("%s %s %d: no figure, want %v", indicator, unit, year, want)
	}
	if o.Value == nil || *o.Value != want {
		t.Errorf("%s %s %d = %v, want %v", indicator, unit, year, o.Value, want)
	}
}

func TestIngestGood(t *testing.T) {
	ctx := context.Background()
	t.Run("LongCSVSpellings", func(t *testing.T) {
		s := mustOpenStore(t)
		before := takeSnapshot(t, s)
		rep, err := s.Ingest(ctx, []string{"testdata/long.csv"}, IngestOptions{Now: testNow})
		if err != nil {
			t.Fatal(err)
		}
		if rep.Rows != 5 || rep.Added != 5 || rep.Preferred != 5 {
			t.Errorf("report = %+v, want 5 rows added and preferred", rep)
		}
		wantValue(t, s, "par_index", "vn63.79", 2015, 81.50)
		wantValue(t, s, "par_index", "vn63.46", 2015, 80.25)
		wantValue(t, s, "par_index", "vn63.77", 2015, 79.00)
		wantValue(t, s, "par_index", "vn63.66", 2015, 70.10)
		wantValue(t, s, "par_index", "vn63.15", 2015, 72.00) // code 15 in 2015 is Yên Bái
		if after := takeSnapshot(t, s); after.version == before.version || after.rows != before.rows+5 {
			t.Errorf("after ingest: %+v, before %+v: want 5 more rows and a new version", after, before)
		}
	})
	t.Run("BOMCRLFSemicolonDecimalComma", func(t *testing.T) {
		s := mustOpenStore(t)
		rep, err := s.Ingest(ctx, []string{"testdata/long_vn.csv"}, IngestOptions{Now: testNow})
		if err != nil {
			t.Fatal(err)
		}
		if rep.Rows != 4 {
			t.Errorf("rows = %d, want 4", rep.Rows)
		}
		wantValue(t, s, "par_index", "vn63.93", 2016, 63.80)
		wantValue(t, s, "par_index", "vn63.66", 2016, 70.5)
		wantValue(t, s, "par_index", "vn63.79", 2017, 82.25)
		if o, _ := figure(t, s, "par_index", "vn63.93", 2016); o.Rank == nil || *o.Rank != 38 || o.RankOf == nil || *o.RankOf != 63 {
			t.Errorf("rank = %v of %v, want 38 of 63", o.Rank, o.RankOf)
		}
	})
	t.Run("Wide", func(t *testing.T) {
		s := mustOpenStore(t)
		rep, err := s.Ingest(ctx, []string{"testdata/wide.csv"}, IngestOptions{Indicator: "par_index", Now: testNow})
		if err != nil {
			t.Fatal(err)
		}
		if rep.Rows != 4 || rep.Files[0].Shape != "wide" {
			t.Errorf("report = %+v, want 4 rows of a wide file", rep)
		}
		wantValue(t, s, "par_index", "vn63.01", 2014, 78.25)
		wantValue(t, s, "par_index", "vn63.77", 2014, 76.5)
		if _, ok := figure(t, s, "par_index", "vn63.77", 2013); ok {
			t.Error("an empty wide cell became a figure")
		}
	})
	t.Run("Windows1258", func(t *testing.T) {
		s := mustOpenStore(t)
		if _, err := s.Ingest(ctx, []string{"testdata/legacy_1258.csv"}, IngestOptions{Encoding: "windows-1258", Now: testNow}); err != nil {
			t.Fatal(err)
		}
		wantValue(t, s, "par_index", "vn63.01", 2012, 75.5)
	})
	t.Run("Units2025", func(t *testing.T) {
		s := mustOpenStore(t)
		if _, err := s.Ingest(ctx, []string{"testdata/units_2025.csv"}, IngestOptions{Units: "2025", Source: "x", Now: testNow}); err != nil {
			t.Fatal(err)
		}
		wantValue(t, s, "dti", "vn34.15", 2024, 0.6) // code 15 among the 34 units is Lào Cai
		wantValue(t, s, "dti", "vn34.75", 2024, 0.62)
	})
	t.Run("XLSXNumbersAsText", func(t *testing.T) {
		s := mustOpenStore(t)
		path := writeXLSX(t, [][]any{
			{"Tỉnh", "Chỉ số", "Năm", "Điểm", "Xếp hạng", "Nguồn"},
			{"Hậu Giang", "par_index", "2018", "63,80", "38", "TEST FIXTURE: synthetic figure - not real data"},
			{"Cần Thơ", "par_index", 2018, 70.25, 12, "TEST FIXTURE: synthetic figure - not real data"},
		}, "")
		rep, err := s.Ingest(ctx, []string{path}, IngestOptions{Now: testNow})
		if err != nil {
			t.Fatal(err)
		}
		if rep.Rows != 2 || rep.Files[0].Format != "xlsx" {
			t.Errorf("report = %+v", rep)
		}
		wantValue(t, s, "par_index", "vn63.93", 2018, 63.80)
		wantValue(t, s, "par_index", "vn63.92", 2018, 70.25)
	})
	t.Run("NotPublished", func(t *testing.T) {
		s := mustOpenStore(t)
		path := filepath.Join(t.TempDir(), "np.csv")
		writeFile(t, path, "province,indicator,year,value,source\nNghệ An,pci,2023,không công bố,TEST FIXTURE: synthetic status - not real data\nCà Mau,pci,2023,N/A,TEST FIXTURE: synthetic status - not real data\n")
		if _, err := s.Ingest(ctx, []string{path}, IngestOptions{Now: testNow}); err != nil {
			t.Fatal(err)
		}
		for _, u := range []string{"vn63.40", "vn63.96"} {
			o, ok := figure(t, s, "pci", u, 2023)
			if !ok || o.Status != "not_published" || o.Value != nil {
				t.Errorf("%s PCI 2023 = %+v, want not published", u, o.Figure)
			}
		}
	})
	t.Run("DryRunChangesNothing", func(t *testing.T) {
		s := mustOpenStore(t)
		before := takeSnapshot(t, s)
		rep, err := s.Ingest(ctx, []string{"testdata/long.csv"}, IngestOptions{DryRun: true, Now: testNow})
		if err != nil {
			t.Fatal(err)
		}
		if rep.Rows != 5 || rep.Added != 0 {
			t.Errorf("dry run report = %+v, want 5 rows read, 0 added", rep)
		}
		if after := takeSnapshot(t, s); after != before {
			t.Errorf("dry run changed the store: %+v → %+v", before, after)
		}
	})
	t.Run("AlternativeSourceKeepsPreferred", func(t *testing.T) {
		s := mustOpenStore(t)
		path := filepath.Join(t.TempDir(), "alt.csv")
		writeFile(t, path, "province,indicator,year,value,rank,source\nHậu Giang,pci,2021,64.5,30,TEST FIXTURE: synthetic figure - not real data\n")
		rep, err := s.Ingest(ctx, []string{path}, IngestOptions{Now: testNow})
		if err != nil {
			t.Fatal(err)
		}
		if rep.Preferred != 0 {
			t.Errorf("preferred = %d, want 0: VCCI's figure stays preferred", rep.Preferred)
		}
		o, _ := figure(t, s, "pci", "vn63.93", 2021)
		if *o.Value != 63.80 || len(o.Alternatives) != 1 || *o.Alternatives[0].Value != 64.5 {
			t.Errorf("Hậu Giang PCI 2021 = %v with alternatives %+v, want 63.80 with 64.5 beside it", *o.Value, o.Alternatives)
		}
		// --prefer makes the new figure preferred; the old one stays, as an alternative.
		path2 := filepath.Join(t.TempDir(), "alt2.csv")
		writeFile(t, path2, "province,indicator,year,value,source\nHậu Giang,pci,2021,64.75,TEST FIXTURE 2 (synthetic)\n")
		if _, err := s.Ingest(ctx, []string{path2}, IngestOptions{Prefer: true, Now: testNow}); err != nil {
			t.Fatal(err)
		}
		o, _ = figure(t, s, "pci", "vn63.93", 2021)
		if *o.Value != 64.75 || len(o.Alternatives) != 2 {
			t.Errorf("after --prefer: %v with %d alternatives, want 64.75 with 2", *o.Value, len(o.Alternatives))
		}
	})
}

func writeFile(t *testing.T, path, text string) {
	t.Helper()
	if err := osWriteFile(path, []byte(text)); err != nil {
		t.Fatal(err)
	}
}

// writeXLSX writes rows to the first sheet of a new workbook; merge, if not "", is a range
// of cells to merge (e.g. "A1:B1").
func writeXLSX(t *testing.T, rows [][]any, merge string) string {
	t.Helper()
	f := excelize.NewFile()
	defer f.Close()
	for i, r := range rows {
		cell, _ := excelize.CoordinatesToCellName(1, i+1)
		if err := f.SetSheetRow("Sheet1", cell, &r); err != nil {
			t.Fatal(err)
		}
	}
	if merge != "" {
		parts := strings.Split(merge, ":")
		if err := f.MergeCell("Sheet1", parts[0], parts[1]); err != nil {
			t.Fatal(err)
		}
	}
	path := filepath.Join(t.TempDir(), "book.xlsx")
	if err := f.SaveAs(path); err != nil {
		t.Fatal(err)
	}
	return path
}

func TestIngestBad(t *testing.T) {
	ctx := context.Background()
	s := mustOpenStore(t)
	merged := writeXLSX(t, [][]any{
		{"province", "", "year", "value", "source"},
		{"Hà Nội", "par_index", 2012, 75, "x"},
	}, "A1:B1")
	longRow := writeXLSX(t, [][]any{
		{"province", "indicator", "year", "value", "source"},
		{"Hà Nội", "par_index", 2012, 75, "x", "extra"},
	}, "")
	tests := []struct {
		name  string
		file  string
		opts  IngestOptions
		want  []string // substrings of the error, in order of appearance is not required
		total int
	}{
		{"ErrNotUTF8", "testdata/bad_encoding.csv", IngestOptions{}, []string{"bad_encoding.csv:2:1:", "expected UTF-8 text, got byte 0xE0", "--encoding windows-1258"}, 1},
		{"ErrTextInNumber", "testdata/bad_number.csv", IngestOptions{}, []string{`bad_number.csv:2:4: column "value": expected a number such as 63.80 or 63,80, got "abc"`}, 1},
		{"ErrYearOutOfRange", "testdata/bad_year.csv", IngestOptions{}, []string{`bad_year.csv:2:3: column "year": expected a year from 2005 (the first year of pci) to 2026, got 1890`}, 1},
		{"ErrYearNotNumber", "testdata/bad_year_text.csv", IngestOptions{}, []string{`bad_year_text.csv:2:3: column "year": expected a year such as 2021, got "2O21"`}, 1},
		{"ErrRankAboveN", "testdata/bad_rank.csv", IngestOptions{}, []string{`bad_rank.csv:2:5: column "rank": expected a rank in 1..63 (rank_of), got 70`}, 1},
		{"ErrRankAboveUnits", "testdata/bad_rank_no_rankof.csv", IngestOptions{}, []string{`bad_rank_no_rankof.csv:2:5: column "rank": expected a rank in 1..63 (the units in force; give rank_of for a ranking of more), got 64`}, 1},
		{"ErrScoreOutsideScale", "testdata/bad_scale.csv", IngestOptions{}, []string{`bad_scale.csv:2:4: column "value": expected a value in [0.0, 100.0] (points (0–100)), got "163.8"`}, 1},
		{"ErrDuplicateKey", "testdata/bad_duplicate.csv", IngestOptions{}, []string{`bad_duplicate.csv:3:1: column "province": expected one row per indicator, province and year, got a duplicate of line 2`}, 1},
		{"ErrUnknownProvince", "testdata/bad_unknown_province.csv", IngestOptions{}, []string{`bad_unknown_province.csv:2:1: column "province": expected a known province name or 2-digit code, got "Hau Gian"; nearest known names: Hậu Giang`}, 1},
		{"ErrAmbiguousName", "testdata/bad_ambiguous.csv", IngestOptions{}, []string{`bad_ambiguous.csv:2:1: column "province": expected one province, got "QN", which matches`, "Quảng Ninh (22", "Quảng Nam (49", "Quảng Ngãi (51"}, 1},
		{"ErrEmptyFile", "testdata/bad_empty.csv", IngestOptions{}, []string{"bad_empty.csv:1: expected a header row, got an empty file"}, 1},
		{"ErrHeaderOnly", "testdata/bad_header_only.csv", IngestOptions{}, []string{"bad_header_only.csv:2: expected at least one data row after the header, got only the header"}, 1},
		{"ErrRaggedRow", "testdata/bad_ragged.csv", IngestOptions{}, []string{"bad_ragged.csv:3:8: expected 7 fields, as in the header, got 8 fields"}, 1},
		{"ErrUnknownIndicator", "testdata/bad_unknown_indicator.csv", IngestOptions{}, []string{`bad_unknown_indicator.csv:2:2: column "indicator": expected a known indicator (area, dti,`, `got "pcii"`}, 1},
		{"ErrNotInForce", "testdata/bad_not_in_force.csv", IngestOptions{}, []string{`bad_not_in_force.csv:2:1: column "province": expected a province in force in 2026, got "Hậu Giang", which is Hậu Giang (93,`, "it became part of Cần Thơ (92, 2025-07-01 to today)"}, 1},
		{"ErrNoSource", "testdata/bad_no_source.csv", IngestOptions{}, []string{`bad_no_source.csv:2:7: column "source": expected a source (a "source" column, or --source), got an empty cell`}, 1},
		{"ErrHeaderWithoutProvince", "testdata/bad_header.csv", IngestOptions{}, []string{`bad_header.csv:1:1: expected a header with a province column (province, tỉnh, code), got "name,indicator,year,value"`}, 1},
		{"ErrWideWithoutIndicator", "testdata/bad_wide_no_indicator.csv", IngestOptions{}, []string{"bad_wide_no_indicator.csv:1:1: expected --indicator for a wide file"}, 1},
		{"ErrManyListsTwenty", "testdata/bad_many.csv", IngestOptions{}, []string{"25 problems; nothing was changed", `bad_many.csv:2:4: column "value": expected a number`, `bad_many.csv:21:4:`, "… and 5 more"}, 25},
		{"ErrXLSXMergedHeader", merged, IngestOptions{}, []string{`book.xlsx: sheet "Sheet1" cell A1: expected one header cell per column, got merged cells A1:B1`}, 1},
		{"ErrXLSXRowLongerThanHeader", longRow, IngestOptions{}, []string{`book.xlsx: sheet "Sheet1" cell F2: expected 5 cells, as in the header, got 6 cells`}, 1},
		{"ErrXLSXNoSuchSheet", longRow, IngestOptions{Sheet: "PCI"}, []string{`column "--sheet": expected one of "Sheet1", got "PCI"`}, 1},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			before := takeSnapshot(t, s)
			opts := tc.opts
			opts.Now = testNow
			_, err := s.Ingest(ctx, []string{tc.file}, opts)
			var ie *IngestError
			if !errors.As(err, &ie) {
				t.Fatalf("Ingest(%s) error = %v, want an *IngestError", tc.file, err)
			}
			msg := err.Error()
			for _, w := range tc.want {
				if !strings.Contains(msg, w) {
					t.Errorf("error does not contain %q:\n%s", w, msg)
				}
			}
			if ie.Total != tc.total {
				t.Errorf("total problems = %d, want %d:\n%s", ie.Total, tc.total, msg)
			}
			for _, p := range ie.Problems {
				if p.Line < 1 || p.File == "" {
					t.Errorf("problem without a position: %+v", p)
				}
			}
			if after := takeSnapshot(t, s); after != before {
				t.Errorf("failed ingest changed the store: %+v → %+v", before, after)
			}
		})
	}
}

// TestIngestAtomicAcrossFiles: one bad file among good ones loads none of them.
func TestIngestAtomicAcrossFiles(t *testing.T) {
	s := mustOpenStore(t)
	before := takeSnapshot(t, s)
	_, err := s.Ingest(context.Background(), []string{"testdata/long.csv", "testdata/bad_number.csv"}, IngestOptions{Now: testNow})
	if err == nil {
		t.Fatal("Ingest of a good and a bad file succeeded")
	}
	if after := takeSnapshot(t, s); after != before {
		t.Errorf("store changed: %+v → %+v", before, after)
	}
}

// TestIngestSameSourceTwice: loading the same figures from the same source again is refused.
func TestIngestSameSourceTwice(t *testing.T) {
	s := mustOpenStore(t)
	ctx := context.Background()
	if _, err := s.Ingest(ctx, []string{"testdata/long.csv"}, IngestOptions{Now: testNow}); err != nil {
		t.Fatal(err)
	}
	_, err := s.Ingest(ctx, []string{"testdata/long.csv"}, IngestOptions{Now: testNow})
	if err == nil || !strings.Contains(err.Error(), "the same key from the same source already in the database") {
		t.Errorf("second ingest error = %v, want the same-source refusal", err)
	}
}

func osWriteFile(path string, data []byte) error { return os.WriteFile(path, data, 0o644) }

// TestIngestDuplicateAcrossFiles: a key given in two files names the line of the first, in
// the file that holds it.
func TestIngestDuplicateAcrossFiles(t *testing.T) {
	s := mustOpenStore(t)
	dir := t.TempDir()
	a, b := filepath.Join(dir, "a.csv"), filepath.Join(dir, "b.csv")
	const src = "TEST FIXTURE: synthetic figure - not real data"
	writeFile(t, a, "province,indicator,year,value,source\nHà Nội,par_index,2015,70,"+src+"\nCần Thơ,par_index,2015,71,"+src+"\n")
	writeFile(t, b, "province,indicator,year,value,source\nCần Thơ,par_index,2015,72,"+src+"\n")
	for _, dry := range []bool{true, false} {
		_, err := s.Ingest(context.Background(), []string{a, b}, IngestOptions{DryRun: dry, Now: testNow})
		want := `b.csv:2:1: column "province": expected one row per indicator, province and year, got a duplicate of line 3 of ` + a
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("Ingest(dry run %v) error = %v, want %s", dry, err, want)
		}
	}
}

// TestIngestExactFileName: a file name is a name, never a pattern, whatever it holds
// (DuckDB's read_csv would take ? * and […] as a glob).
func TestIngestExactFileName(t *testing.T) {
	ctx := context.Background()
	const src = "TEST FIXTURE: synthetic figure - not real data"
	row := func(province string, value string) string {
		return "province,indicator,year,value,source\n" + province + ",par_index,2015," + value + "," + src + "\n"
	}
	t.Run("ErrPatternMatchesAnotherFile", func(t *testing.T) {
		s := mustOpenStore(t)
		dir := t.TempDir()
		writeFile(t, filepath.Join(dir, "xy.csv"), row("Hà Nội", "70"))
		before := takeSnapshot(t, s)
		for _, dry := range []bool{true, false} {
			_, err := s.Ingest(ctx, []string{filepath.Join(dir, "x?.csv")}, IngestOptions{DryRun: dry, Now: testNow})
			if err == nil || !strings.Contains(err.Error(), "no such file") {
				t.Errorf("Ingest(x?.csv, dry run %v) error = %v, want no such file", dry, err)
			}
		}
		if after := takeSnapshot(t, s); after != before {
			t.Errorf("store changed: %+v → %+v", before, after)
		}
	})
	tests := []struct {
		name, file, other string // other: a file the name matches as a pattern
	}{
		{"QuestionMark", "x?.csv", "xy.csv"},
		{"Star", "p*.csv", "pq.csv"},
		{"Brackets", "a[1].csv", "a1.csv"},
		{"BracketsInFolder", filepath.Join("d[1]", "p.csv"), filepath.Join("d1", "p.csv")},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			s := mustOpenStore(t)
			dir := t.TempDir()
			for _, f := range []string{tc.file, tc.other} {
				if err := os.MkdirAll(filepath.Dir(filepath.Join(dir, f)), 0o755); err != nil {
					t.Fatal(err)
				}
			}
			writeFile(t, filepath.Join(dir, tc.file), row("Hà Nội", "70"))
			writeFile(t, filepath.Join(dir, tc.other), row("Cần Thơ", "71"))
			rep, err := s.Ingest(ctx, []string{filepath.Join(dir, tc.file)}, IngestOptions{Now: testNow})
			if err != nil {
				t.Fatal(err)
			}
			if rep.Rows != 1 {
				t.Errorf("rows = %d, want the 1 row of %s", rep.Rows, tc.file)
			}
			wantValue(t, s, "par_index", "vn63.01", 2015, 70)
			if o, ok := figure(t, s, "par_index", "vn63.92", 2015); ok {
				t.Errorf("the rows of %s were stored too: %+v", tc.other, o.Figure)
			}
			// A problem names the file as given.
			bad := filepath.Join(dir, tc.file)
			writeFile(t, bad, row("Hà Nội", "7O"))
			_, err = s.Ingest(ctx, []string{bad}, IngestOptions{DryRun: true, Now: testNow})
			if want := bad + `:2:4: column "value": expected a number`; err == nil || !strings.Contains(err.Error(), want) {
				t.Errorf("error = %v, want %s", err, want)
			}
		})
	}
}

// TestIngestKeepsPhysicalOrder: after an ingest the observation table is stored in key order
// (indicator key, year, unit id), whether the file came in that order (appended as it is) or
// not (sorted first), over enough rows that DuckDB reads and writes them in parallel. The
// rows are SYNTHETIC.
func TestIngestKeepsPhysicalOrder(t *testing.T) {
	if testing.Short() {
		t.Skip("writes 2 × 332,100 rows")
	}
	ctx := context.Background()
	const communes, indicators, from, to = 3321, 10, 2015, 2024
	for _, inOrder := range []bool{true, false} {
		t.Run(map[bool]string{true: "InOrder", false: "Shuffled"}[inOrder], func(t *testing.T) {
			s, err := Open(ctx, filepath.Join(t.TempDir(), "order.db"))
			if err != nil {
				t.Fatal(err)
			}
			defer s.Close()
			if err := s.AddSyntheticUnits(ctx, communes); err != nil {
				t.Fatal(err)
			}
			ids, err := s.AddSyntheticIndicators(ctx, indicators)
			if err != nil {
				t.Fatal(err)
			}
			var b strings.Builder
			b.WriteString("province,indicator,year,value,source\n")
			rows := 0
			for i, ind := range ids {
				for j := range communes {
					if !inOrder { // the units from last to first, and the years across them
						j = communes - 1 - j
					}
					for y := from; y <= to; y++ {
						fmt.Fprintf(&b, "syn.%05d,%s,%d,%d.5,%s\n", j+1, ind, y, (i+j+y)%100, SyntheticSource)
						rows++
					}
				}
			}
			path := filepath.Join(t.TempDir(), "communes.csv")
			writeFile(t, path, b.String())
			rep, err := s.Ingest(ctx, []string{path}, IngestOptions{Now: testNow})
			if err != nil {
				t.Fatal(err)
			}
			if rep.Added != rows {
				t.Fatalf("added %d, want %d", rep.Added, rows)
			}
			if n, descents := physicalDescents(t, s.db); descents != 0 {
				t.Errorf("%d of %d stored rows come after a greater key", descents, n)
			}
		})
	}
}

// physicalDescents counts the observations and those stored right after a greater key of
// observationOrder (indicator key, year, unit): 0 descents is a table in order.
func physicalDescents(t *testing.T, db *sql.DB) (n, descents int) {
	t.Helper()
	if err := db.QueryRow(`SELECT count(*), count(*) FILTER (WHERE p1 IS NOT NULL AND (indicator_key, year, unit_key) < (p1, p2, p3)) FROM (
		SELECT indicator_key, year, unit_key, lag(indicator_key) OVER w AS p1, lag(year) OVER w AS p2, lag(unit_key) OVER w AS p3
		FROM observation WINDOW w AS (ORDER BY rowid))`).Scan(&n, &descents); err != nil {
		t.Fatal(err)
	}
	return n, descents
}

// TestIngestExclusive: an ingest that has the store to itself (the command line) gives the same
// dataset as any other, and leaves DuckDB's optimizers as they were: for new figures, and for
// figures of keys already loaded from another source (more precise, conflicting, identical).
func TestIngestExclusive(t *testing.T) {
	ctx := context.Background()
	var versions []string
	// TEST FIXTURES: "another source"'s figures are synthetic (Hà Nội 2012 repeats the bundled one).
	overlapping := writeTestCSV(t, "overlap.csv", "province,year,value\nQuảng Ninh,2012,59.554321\nHà Nội,2012,53.40\nHà Nội,2026,55.5\nĐà Nẵng,2021,1.5\n")
	for _, exclusive := range []bool{false, true} {
		s := mustOpenStore(t)
		if _, err := s.Ingest(ctx, []string{filepath.Join("testdata", "long.csv")}, IngestOptions{Exclusive: exclusive}); err != nil {
			t.Fatalf("exclusive %v: %v", exclusive, err)
		}
		rep, err := s.Ingest(ctx, []string{overlapping}, IngestOptions{Exclusive: exclusive, Indicator: "pci", Source: "another source", Force: true, Now: testNow})
		if err != nil {
			t.Fatalf("exclusive %v: %v", exclusive, err)
		}
		if c := rep.Comparison; rep.Added != 3 || c.MorePrecise != 1 || c.Identical != 1 || c.Conflicting != 1 {
			t.Errorf("exclusive %v: added %d, %+v; want 3 added: 1 more precise, 1 identical (not added), 1 conflicting", exclusive, rep.Added, c)
		}
		var disabled string
		if err := s.db.QueryRowContext(ctx, `SELECT current_setting('disabled_optimizers')`).Scan(&disabled); err != nil {
			t.Fatal(err)
		}
		if disabled != "" {
			t.Errorf("exclusive %v: optimizers left disabled: %q", exclusive, disabled)
		}
		versions = append(versions, s.Version())
	}
	if versions[0] != versions[1] {
		t.Errorf("versions %v: an exclusive ingest loaded other figures", versions)
	}
}

// TestStrayQuoteLines: a quote inside an unquoted field is a plain character (as DuckDB reads
// it), so the problems of the rows after it name their lines; a quote that opens a field and
// never closes is named as such. (Problems were reported at line 0.)
func TestStrayQuoteLines(t *testing.T) {
	s := mustOpenStore(t)
	for _, c := range []struct{ name, data, want string }{
		{"quote in a header cell", "provinCe,indiCAtor,YeAr,,rAnk\" \n,,,,", `:2:1: column "provinCe": expected a province name or code, got an empty cell`},
		{"quote inside a value", "province,indicator,year,value,source\nHà Nội,pci,2021,6\"4.5,x\n", `:2:4: column "value": expected a number such as 63.80 or 63,80, got "6"4.5"`},
		{"quote never closed", "province,indicator,year,value,source\n\"Hà Nội,pci,2021,64.5,x\n", `:2:1: expected a closing quote for the field opened on line 2, got the end of the file`},
	} {
		path := filepath.Join(t.TempDir(), "quote.csv")
		if err := os.WriteFile(path, []byte(c.data), 0o644); err != nil {
			t.Fatal(err)
		}
		_, err := s.Ingest(context.Background(), []string{path}, IngestOptions{DryRun: true})
		var ie *IngestError
		if !errors.As(err, &ie) || !strings.HasSuffix(ie.Problems[0].Error(), c.want) {
			t.Errorf("%s: %v; want a first problem ending %q", c.name, err, c.want)
		}
	}
}
