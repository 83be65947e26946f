package datasets

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"
)

func writeTestCSV(t *testing.T, name, text string) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(p, []byte(text), 0o600); err != nil {
		t.Fatal(err)
	}
	return p
}

// TestIngestComparison: against the bundled PCI 2012 (Hà Nội 53.40/51, Quảng Ninh 59.55/20,
// Hải Phòng 53.58/50, Đà Nẵng 61.71/12, TP HCM 61.19/13, Cần Thơ 60.32/14), a file that
// repeats a figure with another source wording adds nothing for it; a more precise figure is
// kept beside the bundled one and preferred; a file most of whose figures differ is refused
// unless --force, and the conflicts are listed with both figures.
// TEST FIXTURES: the differing figures are synthetic.
func TestIngestComparison(t *testing.T) {
	ctx := context.Background()
	s := mustOpenStore(t)
	same := writeTestCSV(t, "same.csv", "province,year,value,rank\nHà Nội,2012,53.40,51\nQuảng Ninh,2012,59.554321,20\n")
	before := takeSnapshot(t, s)
	rep, err := s.Ingest(ctx, []string{same}, IngestOptions{Indicator: "pci", Source: "VCCI PCI 2012 report, table 1 (another wording)", Now: testNow})
	if err != nil {
		t.Fatal(err)
	}
	if rep.Comparison.Identical != 1 || rep.Comparison.MorePrecise != 1 || rep.Comparison.Conflicting != 0 || rep.Added != 1 {
		t.Errorf("comparison %+v, added %d; want 1 identical (not added), 1 more precise (added)", rep.Comparison, rep.Added)
	}
	if after := takeSnapshot(t, s); after.rows != before.rows+1 {
		t.Errorf("rows %d → %d, want one more", before.rows, after.rows)
	}
	wantValue(t, s, "pci", "vn63.22", 2012, 59.554321) // the more precise figure is now preferred
	if o, _ := figure(t, s, "pci", "vn63.22", 2012); len(o.Alternatives) != 1 || *o.Alternatives[0].Value != 59.55 {
		t.Errorf("Quảng Ninh 2012 alternatives = %+v, want the bundled 59.55 beside it", o.Alternatives)
	}
	wantValue(t, s, "pci", "vn63.01", 2012, 53.40)

	wrong := writeTestCSV(t, "wrong.csv", "province,year,value,rank\nHà Nội,2012,50.1,60\nQuảng Ninh,2012,61,10\nHải Phòng,2012,52,55\n"+
		"Đà Nẵng,2012,66,2\nHồ Chí Minh,2012,60,18\nCần Thơ,2012,58,25\n")
	before = takeSnapshot(t, s)
	_, err = s.Ingest(ctx, []string{wrong}, IngestOptions{Indicator: "pci", Source: "a synthetic wrong sheet", Now: testNow})
	var ie *IngestError
	if !errors.As(err, &ie) || !strings.Contains(err.Error(), "6 of 6 figures differ — wrong year or wrong sheet?") {
		t.Fatalf("err = %v, want 6 of 6 figures differ", err)
	}
	if after := takeSnapshot(t, s); after != before {
		t.Errorf("a refused ingest changed the store")
	}
	rep, err = s.Ingest(ctx, []string{wrong}, IngestOptions{Indicator: "pci", Source: "a synthetic wrong sheet", DryRun: true, Now: testNow})
	if err != nil || len(rep.Warnings) != 1 || rep.Comparison.Conflicting != 6 {
		t.Errorf("dry run: %+v, %v; want 6 conflicts and the refusal as a warning", rep.Comparison, err)
	}
	rep, err = s.Ingest(ctx, []string{wrong}, IngestOptions{Indicator: "pci", Source: "a synthetic wrong sheet", Force: true, Now: testNow})
	if err != nil {
		t.Fatal(err)
	}
	c := rep.Comparison
	if c.Conflicting != 6 || len(c.Conflicts) != 6 || rep.Added != 6 {
		t.Fatalf("forced: %+v", c)
	}
	cf := c.Conflicts[0] // pci, vn63.01
	if cf.Unit != "vn63.01" || *cf.Value != 50.1 || *cf.Rank != 60 || *cf.Loaded.Value != 53.40 || *cf.Loaded.Rank != 51 ||
		cf.Source != "a synthetic wrong sheet" || !strings.Contains(cf.Loaded.Source.Citation, "PCI_2012.xlsx") || cf.Preferred != "loaded" {
		t.Errorf("conflict = %+v", cf)
	}
	wantValue(t, s, "pci", "vn63.01", 2012, 53.40) // the loaded figure stays preferred
}

// TestIngestSkipsTotals: rows of national and regional totals and summaries are skipped and
// counted, not reported as unknown provinces ("Cả nước" is not "nearest: Hà Nội").
// TEST FIXTURE: the figures are synthetic.
func TestIngestSkipsTotals(t *testing.T) {
	ctx := context.Background()
	s := mustOpenStore(t)
	p := writeTestCSV(t, "totals.csv", "province,year,value\nCả nước,2019,5.1\nHà Nội,2019,7.1\nĐồng bằng sông Hồng,2019,6.9\nTrung bình,2019,5\nHighest,2019,9\n")
	for _, dry := range []bool{true, false} {
		rep, err := s.Ingest(ctx, []string{p}, IngestOptions{Indicator: "grdp_growth", Source: "synthetic test fixture", DryRun: dry, Now: testNow})
		if err != nil {
			t.Fatalf("dry run %v: %v", dry, err)
		}
		if f := rep.Files[0]; rep.Rows != 1 || f.SummaryRows != 4 || len(f.Skipped) != 1 || !strings.Contains(f.Skipped[0], `"Cả nước"`) {
			t.Errorf("dry run %v: rows %d, file %+v; want 1 row and 4 skipped", dry, rep.Rows, f)
		}
	}
}

// TestIngestNumbersAsWritten: numbers as Vietnamese and Excel files write them.
// TEST FIXTURE: the figures are synthetic.
func TestIngestNumbersAsWritten(t *testing.T) {
	ctx := context.Background()
	s := mustOpenStore(t)
	p := writeTestCSV(t, "numbers.csv", "province;year;value;rank\n"+
		"Hà Nội;2012.0;8 587,1;37=\nHải Phòng;2012;1.234,5;\nHồ Chí Minh;2012;12,5%;\nCần Thơ;2012;1,234.5;\n")
	if _, err := s.Ingest(ctx, []string{p}, IngestOptions{Indicator: "grdp_per_capita", Source: "synthetic test fixture", Now: testNow}); err != nil {
		t.Fatal(err)
	}
	for unit, want := range map[string]float64{"vn63.01": 8587.1, "vn63.31": 1234.5, "vn63.79": 12.5, "vn63.92": 1234.5} {
		wantValue(t, s, "grdp_per_capita", unit, 2012, want)
	}
	minus := writeTestCSV(t, "minus.csv", "province,year,value\nĐà Nẵng,2013,\"−2,5\"\n")
	if _, err := s.Ingest(ctx, []string{minus}, IngestOptions{Indicator: "grdp_growth", Source: "synthetic test fixture", Now: testNow}); err != nil {
		t.Fatal(err)
	}
	wantValue(t, s, "grdp_growth", "vn63.48", 2013, -2.5)
	if o, _ := figure(t, s, "grdp_per_capita", "vn63.01", 2012); o.Rank == nil || *o.Rank != 37 {
		t.Errorf("rank 37= read as %v, want 37", o.Rank)
	}
	// An Excel date where a year is expected, and a year in the future, say so.
	bad := writeTestCSV(t, "dates.csv", "province,year,value\nHà Nội,44562,1\nHải Phòng,2031,2\n")
	_, err := s.Ingest(ctx, []string{bad}, IngestOptions{Indicator: "grdp_per_capita", Source: "synthetic test fixture", Now: testNow})
	if err == nil || !strings.Contains(err.Error(), "got the date 2022-01-01 (an Excel date") || !strings.Contains(err.Error(), "got 2031, a year in the future") {
		t.Errorf("err = %v", err)
	}
}

// TestIngestImplausibleColumn: PAR Index figures written as fractions (0.85 for 85%) sit 100×
// below the loaded ones: refused with that hint unless --force.
// TEST FIXTURE: the figures are synthetic.
func TestIngestImplausibleColumn(t *testing.T) {
	ctx := context.Background()
	s := mustOpenStore(t)
	p := writeTestCSV(t, "fractions.csv", "province,year,value\nHà Nội,2013,0.85\nHải Phòng,2013,0.8\nĐà Nẵng,2013,0.9\nCần Thơ,2013,0.75\n")
	opts := IngestOptions{Indicator: "par_index", Source: "synthetic test fixture", Now: testNow}
	_, err := s.Ingest(ctx, []string{p}, opts)
	if err == nil || !strings.Contains(err.Error(), "about 100× below — a fraction where a percent is expected?") {
		t.Fatalf("err = %v", err)
	}
	opts.Force = true
	if _, err := s.Ingest(ctx, []string{p}, opts); err != nil {
		t.Errorf("--force: %v", err)
	}
}

// TestIngestPercentCells: a percent-formatted XLSX cell is read as displayed (12.5%, not 0.125).
// TEST FIXTURE: the figures are synthetic.
func TestIngestPercentCells(t *testing.T) {
	ctx := context.Background()
	s := mustOpenStore(t)
	path := writeFixture(t, "growth.xlsx", map[string][][]any{"Data": {{"province", "year", "value"}, {"Hà Nội", 2013, 0.07}, {"Hải Phòng", 2013, 0.125}}}, []string{"Data"})
	if got := timesHundred("0.07"); got != "7" {
		t.Errorf("timesHundred(0.07) = %s", got)
	}
	// Format column C as a percentage.
	f, err := excelize.OpenFile(path)
	if err != nil {
		t.Fatal(err)
	}
	st, _ := f.NewStyle(&excelize.Style{NumFmt: 10})
	f.SetCellStyle("Data", "C2", "C3", st)
	if err := f.Save(); err != nil {
		t.Fatal(err)
	}
	f.Close()
	if _, err := s.Ingest(ctx, []string{path}, IngestOptions{Indicator: "grdp_growth", Source: "synthetic test fixture", Now: testNow}); err != nil {
		t.Fatal(err)
	}
	wantValue(t, s, "grdp_growth", "vn63.01", 2013, 7)
	wantValue(t, s, "grdp_growth", "vn63.31", 2013, 12.5)
}

// TestIngestNotesFirstSheet: a workbook whose first sheet is notes says which sheets it has.
func TestIngestNotesFirstSheet(t *testing.T) {
	s := mustOpenStore(t)
	path := writeFixture(t, "notes.xlsx", map[string][][]any{"Ghi chú": {{"Nguồn: synthetic test fixture"}, {"Đơn vị: %"}},
		"Số liệu": {{"province", "year", "value"}, {"Hà Nội", 2013, 7}}}, []string{"Ghi chú", "Số liệu"})
	_, err := s.Ingest(context.Background(), []string{path}, IngestOptions{Indicator: "grdp_growth", Source: "x", Now: testNow})
	if err == nil || !strings.Contains(err.Error(), `no table on sheet "Ghi chú"; sheets: "Ghi chú", "Số liệu" — use --sheet NAME`) {
		t.Errorf("err = %v", err)
	}
}

// TestIngestHistoryChanges: the changes an ingest records in the history (figures added to a
// key without figures, and to a key that had some) are those that the history's general count
// (batchChanges) finds for its batch, through new keys, keys with bundled figures, identical
// figures (not added), more precise ones and --prefer.
// TEST FIXTURES: the figures of "another source" are synthetic.
func TestIngestHistoryChanges(t *testing.T) {
	ctx := context.Background()
	s := mustOpenStore(t)
	steps := []struct {
		csv  string
		opts IngestOptions
		want []Change
	}{
		// Quảng Ninh 2012 is bundled (59.55), more precise here; 2026 has no PCI yet.
		{"province,year,value\nQuảng Ninh,2012,59.554321\nHà Nội,2012,53.40\nHà Nội,2026,55.5\nQuảng Ninh,2026,60.5\n",
			IngestOptions{Indicator: "pci", Source: "another source, table 1", Now: testNow},
			[]Change{{Indicator: "pci", Added: 2, Changed: 1}}},
		{"province,year,value\nHà Nội,2026,55.7\nHải Phòng,2026,54.1\n",
			IngestOptions{Indicator: "pci", Source: "another source, table 2", Prefer: true, Force: true, Now: testNow},
			[]Change{{Indicator: "pci", Added: 1, Changed: 1}}},
	}
	for i, st := range steps {
		if _, err := s.Ingest(ctx, []string{writeTestCSV(t, "step.csv", st.csv)}, st.opts); err != nil {
			t.Fatalf("step %d: %v", i, err)
		}
		hist, err := s.Versions(ctx)
		if err != nil {
			t.Fatal(err)
		}
		conn, err := s.db.Conn(ctx)
		if err != nil {
			t.Fatal(err)
		}
		b := hist[0].Batch
		general, err := batchChanges(ctx, conn, b)
		conn.Close()
		if err != nil {
			t.Fatal(err)
		}
		if !reflect.DeepEqual(hist[0].Changes, general) || !reflect.DeepEqual(hist[0].Changes, st.want) {
			t.Errorf("step %d: recorded %+v; the general count gives %+v; want %+v", i, hist[0].Changes, general, st.want)
		}
	}
}
