package datasets

import (
	"context"
	"errors"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"
)

// findVCCIFiles returns the folder of VCCI's PCI data files in shared/publisher-files, looked
// for in every folder above the package, or "".
func findVCCIFiles(t testing.TB) string {
	t.Helper()
	dir, err := os.Getwd()
	if err != nil {
		t.Fatal(err)
	}
	for {
		p := filepath.Join(dir, "shared", "publisher-files", "vcci")
		if _, err := os.Stat(filepath.Join(p, "PCI_2015.xlsx")); err == nil {
			return p
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return ""
		}
		dir = parent
	}
}

func vcciFile(t testing.TB, year int) string {
	t.Helper()
	dir := findVCCIFiles(t)
	if dir == "" {
		t.Skip("no shared/publisher-files/vcci beside the checkout (looked in every folder above the package): the recipe is covered by the fixtures only")
	}
	ext := ".xlsx"
	if year <= 2011 {
		ext = ".xls"
	}
	return filepath.Join(dir, fmt.Sprintf("PCI_%d%s", year, ext))
}

// roundHalfUp2 rounds to 2 decimals, half away from zero, as the bundled figures were rounded.
func roundHalfUp2(v float64) float64 { return math.Floor(v*100+0.5+1e-9) / 100 }

// TestVCCIRecipeMatchesBundled: for every VCCI year, the PCI scores (to 2 dp) and ranks the
// recipe reads from the publisher's own file equal the bundled figures, and it reads every
// province the bundle has (and Hà Tây, 2006–2008).
func TestVCCIRecipeMatchesBundled(t *testing.T) {
	s := mustOpenStore(t)
	reg := s.Registry()
	for year := 2006; year <= 2015; year++ {
		t.Run(strconv.Itoa(year), func(t *testing.T) {
			path := vcciFile(t, year)
			grids, _, err := readWorkbook(path)
			if err != nil {
				t.Fatal(err)
			}
			tb, err := readVCCIPCI(grids, path, "", 0, reg)
			if err != nil {
				t.Fatal(err)
			}
			if tb.year != year {
				t.Fatalf("year = %d, want %d", tb.year, year)
			}
			want := 63
			if year <= 2008 {
				want = 64
			}
			day := tb.unitsDay
			if day.IsZero() {
				day = YearEnd(year)
			}
			got := map[string][2]string{}
			subs := map[string]int{}
			for _, r := range tb.rows {
				if r.indicator != "pci" {
					subs[r.indicator]++
					continue
				}
				u, err := reg.Resolve(r.province, day)
				if err != nil {
					t.Fatalf("row %d: %v", r.line, err)
				}
				got[u.ID] = [2]string{r.value, r.rank}
			}
			if len(got) != want {
				t.Errorf("%d provinces with a PCI, want %d", len(got), want)
			}
			wantSubs := 9
			switch {
			case year <= 2008:
				wantSubs = 10
			case year >= 2013:
				wantSubs = 10
			}
			if len(subs) != wantSubs {
				t.Errorf("sub-indices %v, want %d", subs, wantSubs)
			}
			for id, n := range subs {
				if n != want {
					t.Errorf("%s: %d rows, want %d", id, n, want)
				}
			}
			rows, err := s.db.Query(`SELECT (SELECT id FROM unit WHERE key = unit_key), value, rank FROM observation WHERE indicator_key = (SELECT key FROM indicator WHERE id = 'pci') AND year = ? AND batch_key = (SELECT key FROM batch WHERE id = 'bundled') AND preferred`, year)
			if err != nil {
				t.Fatal(err)
			}
			defer rows.Close()
			n := 0
			for rows.Next() {
				var id string
				var v float64
				var rank int
				if err := rows.Scan(&id, &v, &rank); err != nil {
					t.Fatal(err)
				}
				n++
				g, ok := got[id]
				if !ok {
					t.Errorf("%s: bundled %.2f (%d), not read from the file", id, v, rank)
					continue
				}
				fv, err := strconv.ParseFloat(g[0], 64)
				if err != nil || roundHalfUp2(fv) != v {
					t.Errorf("%s: file %q rounds to %.2f, bundled %.2f", id, g[0], roundHalfUp2(fv), v)
				}
				if g[1] != strconv.Itoa(rank) {
					t.Errorf("%s: file rank %q, bundled %d", id, g[1], rank)
				}
			}
			if n < 60 {
				t.Errorf("only %d bundled PCI figures for %d compared", n, year)
			}
		})
	}
}

// TestIngestVCCIRecipe loads VCCI's 2008 file (.xls, 64 units with Hà Tây, sorted pairs)
// and 2015 file (.xlsx, the English sheet holding 2013's figures) through Ingest.
func TestIngestVCCIRecipe(t *testing.T) {
	ctx := context.Background()
	s := mustOpenStore(t)
	path := vcciFile(t, 2008)
	rep, err := s.Ingest(ctx, []string{path}, IngestOptions{Recipe: "vcci-pci", Now: testNow})
	if err != nil {
		t.Fatal(err)
	}
	if f := rep.Files[0]; f.Recipe != "vcci-pci" || f.Year != 2008 || f.Sheet != "Tổng hợp" || f.Format != "xls" {
		t.Errorf("file report = %+v", f)
	}
	if rep.Rows != 64*11 {
		t.Errorf("rows = %d, want %d (64 units × PCI and 10 sub-indices)", rep.Rows, 64*11)
	}
	// Hà Tây: 55th of 64 in 2008, a unit of its own until 2008-07-31.
	o, ok := figure(t, s, "pci", "vn63.28", 2008)
	if !ok || o.Rank == nil || *o.Rank != 55 || o.RankOf == nil || *o.RankOf != 64 {
		t.Errorf("Hà Tây PCI 2008 = %+v, want rank 55 of 64", o)
	}
	if o, ok := figure(t, s, "pci.entry_costs", "vn63.48", 2008); !ok || o.Value == nil || math.Abs(*o.Value-9.360684) > 1e-9 {
		t.Errorf("Đà Nẵng entry costs 2008 = %+v, want 9.360684 (cell C3)", o)
	}

	// The English summary of the 2015 file holds 2013's figures: refused, naming both years.
	p15 := vcciFile(t, 2015)
	before := takeSnapshot(t, s)
	_, err = s.Ingest(ctx, []string{p15}, IngestOptions{Recipe: "vcci-pci", Sheet: "Summary", Now: testNow})
	if err == nil || !strings.Contains(err.Error(), "figures for 2013") || !strings.Contains(err.Error(), "wrong sheet") {
		t.Errorf("2015 file, sheet Summary: err = %v, want figures for 2013, wrong sheet", err)
	}
	_, err = s.Ingest(ctx, []string{p15}, IngestOptions{Recipe: "vcci-pci", Year: 2014, Now: testNow})
	if err == nil || !strings.Contains(err.Error(), `"--year": expected 2015, the year of the file, got 2014`) {
		t.Errorf("--year 2014 on the 2015 file: err = %v", err)
	}
	if after := takeSnapshot(t, s); after != before {
		t.Errorf("a refused ingest changed the store: %+v → %+v", before, after)
	}
	// Detected without --recipe, and said so.
	rep, err = s.Ingest(ctx, []string{p15}, IngestOptions{DryRun: true, Now: testNow})
	if err != nil {
		t.Fatal(err)
	}
	if f := rep.Files[0]; f.Recipe != "vcci-pci (detected)" || f.Sheet != "Summary_VN" || f.Year != 2015 || rep.Rows != 63*11 {
		t.Errorf("detected: %+v, %d rows", f, rep.Rows)
	}
}

// writeFixture writes a workbook of rows (sheet name → rows) for a test.
func writeFixture(t *testing.T, name string, sheets map[string][][]any, order []string) string {
	t.Helper()
	f := excelize.NewFile()
	for i, sh := range order {
		if i == 0 {
			f.SetSheetName("Sheet1", sh)
		} else {
			f.NewSheet(sh)
		}
		for r, row := range sheets[sh] {
			cell, _ := excelize.CoordinatesToCellName(1, r+1)
			if err := f.SetSheetRow(sh, cell, &row); err != nil {
				t.Fatal(err)
			}
		}
	}
	path := filepath.Join(t.TempDir(), name)
	if err := f.SaveAs(path); err != nil {
		t.Fatal(err)
	}
	return path
}

// TestVCCIRecipeFixture runs everywhere: a small workbook in the "sorted pairs" layout with a
// notes sheet first, a two-row header, a total row, and helper rows under the table.
// TEST FIXTURE: the figures are synthetic.
func TestVCCIRecipeFixture(t *testing.T) {
	ctx := context.Background()
	path := writeFixture(t, "PCI_2012.xlsx", map[string][][]any{
		"Ghi chú": {{"Dữ liệu PCI 2012 — synthetic test fixture"}},
		"Tong hop": {
			{"Thứ tự", "Tỉnh", "Gia nhập\nthị trường", nil, "Tính minh bạch", nil, "PCI 2012", nil, "Xếp hạng", nil, "Nhóm xếp hạng"},
			{nil, nil, "C1", nil, "C3", nil, "PCI", nil, "R", nil, nil},
			{1, "Đà Nẵng", 9.5, "Hà Nội", 7.25, "Đà Nẵng", 66.123456, "Đà Nẵng", 1, "Đà Nẵng", "Rất tốt"},
			{2, "Hà Nội", 8.25, "Đà Nẵng", 6.5, "Hà Nội", 60.5, "Hà Nội", 2, "Hà Nội", "Tốt"},
			{nil, "Trung bình", 8.875, nil, 6.875, nil, 63.31, nil, nil},
			{},
			{"Thứ tự", "Tỉnh", "Gia nhập\nthị trường"},
			{nil, "Hà Nội", 8.25},
		},
	}, []string{"Ghi chú", "Tong hop"})
	s := mustOpenStore(t)
	rep, err := s.Ingest(ctx, []string{path}, IngestOptions{Recipe: "vcci-pci", Now: testNow})
	if err != nil {
		t.Fatal(err)
	}
	f := rep.Files[0]
	if rep.Rows != 6 || f.Year != 2012 || f.Sheet != "Tong hop" {
		t.Fatalf("report = %+v, rows %d; want 6 rows of 2012 from Tong hop", f, rep.Rows)
	}
	joined := strings.Join(f.Skipped, "; ")
	for _, want := range []string{`rows 5: totals or summaries`, `rows 7–8: under the table`, `sheet "Ghi chú"`, `column K "Nhóm xếp hạng"`} {
		if !strings.Contains(joined, want) {
			t.Errorf("skipped %q lacks %q", joined, want)
		}
	}
	if !strings.Contains(strings.Join(f.Used, "; "), `column I "Xếp hạng / R" → pci (rank), names in column H`) {
		t.Errorf("used = %q", f.Used)
	}
	// The bundled PCI 2012 stays preferred; the fixture's figure is beside it.
	o, _ := figure(t, s, "pci", "vn63.01", 2012)
	var fig *Figure
	for i, a := range o.Alternatives {
		if strings.Contains(a.Source.Citation, `column G "PCI 2012 / PCI"`) {
			fig = &o.Alternatives[i]
		}
	}
	if fig == nil || fig.Value == nil || *fig.Value != 60.5 || fig.Rank == nil || *fig.Rank != 2 {
		t.Errorf("Hà Nội 2012 = %+v, want a figure 60.5, rank 2 from column G", o)
	}
	wantValue(t, s, "pci.transparency", "vn63.01", 2012, 7.25) // the pair's own name column
	wantValue(t, s, "pci.entry_costs", "vn63.48", 2012, 9.5)

	// A workbook the recipe does not recognise stops with what it expected and found.
	bad := writeFixture(t, "other.xlsx", map[string][][]any{"Data": {{"Tên", "Điểm"}, {"Hà Nội", 1}}}, []string{"Data"})
	_, err = s.Ingest(ctx, []string{bad}, IngestOptions{Recipe: "vcci-pci", Now: testNow})
	var ie *IngestError
	if !errors.As(err, &ie) || !strings.Contains(err.Error(), "expected a PCI summary sheet") || !strings.Contains(err.Error(), `none in sheets "Data"`) {
		t.Errorf("unknown layout: err = %v", err)
	}
}
