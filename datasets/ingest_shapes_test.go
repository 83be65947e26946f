package datasets

import (
	"context"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"
)

// TestIngestShapes: --columns by letter and by header, --year for a file without a year
// column, one column per indicator, a wide file's rank column, and the verified column.
// TEST FIXTURES: the figures are synthetic (years the bundle lacks).
func TestIngestShapes(t *testing.T) {
	ctx := context.Background()
	s := mustOpenStore(t)
	src := IngestOptions{Source: "synthetic test fixture", Now: testNow}

	// --columns: the file's own headers mean nothing to ingest.
	p := writeTestCSV(t, "cols.csv", "STT,Địa bàn,Chỉ tiêu A,Thứ bậc\n1,Hà Nội,41.5,2\n2,Hải Phòng,38.25,5\n")
	o := src
	o.Indicator, o.Year, o.Columns = "grdp_per_capita", 2012, "province=B,value=Chỉ tiêu A,rank=D"
	if _, err := s.Ingest(ctx, []string{p}, o); err != nil {
		t.Fatal(err)
	}
	wantValue(t, s, "grdp_per_capita", "vn63.31", 2012, 38.25)
	if f, _ := figure(t, s, "grdp_per_capita", "vn63.31", 2012); f.Rank == nil || *f.Rank != 5 {
		t.Errorf("rank = %v, want 5", f.Rank)
	}
	o.Columns = "province=B,value=Q"
	if _, err := s.Ingest(ctx, []string{p}, o); err == nil || !strings.Contains(err.Error(), `"--columns": expected a column letter (A–D) or a header of the file`) {
		t.Errorf("--columns value=Q: %v", err)
	}

	// One column per indicator, one year (--year), with a verified column.
	p = writeTestCSV(t, "inds.csv", "Tỉnh,grdp_growth,Chỉ số Cải cách hành chính (PAR Index),verified\nĐà Nẵng,7.5,80.1,không\nCần Thơ,6.25,79,có\n")
	o = src
	o.Year = 2013
	rep, err := s.Ingest(ctx, []string{p}, o)
	if err != nil {
		t.Fatal(err)
	}
	if rep.Files[0].Shape != "wide by indicator" || rep.Added != 4 {
		t.Errorf("report %+v", rep)
	}
	wantValue(t, s, "grdp_growth", "vn63.48", 2013, 7.5)
	wantValue(t, s, "par_index", "vn63.92", 2013, 79)
	if f, _ := figure(t, s, "par_index", "vn63.48", 2013); f.Verified {
		t.Error("verified=không read as verified")
	}
	if f, _ := figure(t, s, "par_index", "vn63.92", 2013); !f.Verified {
		t.Error("verified=có read as unverified")
	}

	// A wide file keeps its rank column; --verified marks the figures.
	p = writeTestCSV(t, "wide.csv", "Tỉnh,2014,Xếp hạng\nĐà Nẵng,8.1,3\n")
	o = src
	o.Indicator, o.Verified = "grdp_growth", "false"
	if _, err := s.Ingest(ctx, []string{p}, o); err != nil {
		t.Fatal(err)
	}
	if f, _ := figure(t, s, "grdp_growth", "vn63.48", 2014); f.Value == nil || *f.Value != 8.1 || f.Rank == nil || *f.Rank != 3 || f.Verified {
		t.Errorf("wide with a rank: %+v, want 8.1, rank 3, not verified", f.Figure)
	}
	p = writeTestCSV(t, "wide2.csv", "Tỉnh,2015,2016,Xếp hạng\nĐà Nẵng,8.1,8.2,3\n")
	if _, err := s.Ingest(ctx, []string{p}, o); err == nil || !strings.Contains(err.Error(), "which column does it rank?") {
		t.Errorf("a rank column beside two years: %v", err)
	}
}

// TestIngestHeaderRows: --header-row skips a title block; a second header row (Vietnamese
// under English) is recognised and skipped. TEST FIXTURE: the figures are synthetic.
func TestIngestHeaderRows(t *testing.T) {
	ctx := context.Background()
	s := mustOpenStore(t)
	path := writeFixture(t, "titled.xlsx", map[string][][]any{"Data": {
		{"BẢNG 3. Tăng trưởng GRDP (synthetic test fixture)"},
		{"Đơn vị: %"},
		{"Province", "Year", "Growth"},
		{"Tỉnh", "Năm", "Giá trị"},
		{},
		{"Hà Nội", 2014, 7.25},
		{"Cả nước", 2014, 6.8},
	}}, []string{"Data"})
	opts := IngestOptions{Indicator: "grdp_growth", Source: "synthetic test fixture", HeaderRow: 3, Now: testNow}
	rep, err := s.Ingest(ctx, []string{path}, opts)
	if err != nil {
		t.Fatal(err)
	}
	if f := rep.Files[0]; rep.Added != 1 || f.SummaryRows != 1 || strings.Join(f.Skipped, "; ") != `row 4: a second header row; 1 empty row; 1 row of totals or summaries ("Cả nước")` {
		t.Errorf("added %d, file %+v; want 1 added, the second header, the empty row and the total skipped", rep.Added, f)
	}
	wantValue(t, s, "grdp_growth", "vn63.01", 2014, 7.25)
	csv := writeTestCSV(t, "x.csv", "province,year,value\n")
	if _, err := s.Ingest(ctx, []string{csv}, opts); err == nil || !strings.Contains(err.Error(), "remove the lines above the header") {
		t.Errorf("--header-row on a CSV: %v", err)
	}
}

// TestIngestFormulaWithoutValue: a formula cell that was saved without its value says so.
func TestIngestFormulaWithoutValue(t *testing.T) {
	path := writeFixture(t, "formula.xlsx", map[string][][]any{"Data": {{"province", "year", "value"}, {"Hà Nội", 2014, nil}}}, []string{"Data"})
	f, err := excelize.OpenFile(path)
	if err != nil {
		t.Fatal(err)
	}
	f.SetCellFormula("Data", "C2", "SUM(D2:E2)")
	f.Save()
	f.Close()
	s := mustOpenStore(t)
	_, err = s.Ingest(context.Background(), []string{path}, IngestOptions{Indicator: "grdp_growth", Source: "x", Now: testNow})
	if err == nil || !strings.Contains(err.Error(), `cell C2: column "value": expected a value, got the formula =SUM(D2:E2) without a saved value`) {
		t.Errorf("err = %v", err)
	}
}

// TestIngestODS: an OpenDocument spreadsheet says to save it as .xlsx.
func TestIngestODS(t *testing.T) {
	p := writeTestCSV(t, "data.ods", "PK\x03\x04 not really")
	_, err := mustOpenStore(t).Ingest(context.Background(), []string{p}, IngestOptions{Indicator: "pci", Source: "x", Now: testNow})
	if err == nil || !strings.Contains(err.Error(), "an OpenDocument spreadsheet (.ods): save it as .xlsx") {
		t.Errorf("err = %v", err)
	}
}

// TestIngestCSVSecondHeader: a CSV file's second header row is recognised and left out; the
// line numbers of problems stay those of the file. TEST FIXTURE: the figures are synthetic.
func TestIngestCSVSecondHeader(t *testing.T) {
	ctx := context.Background()
	s := mustOpenStore(t)
	p := writeTestCSV(t, "two.csv", "Province,Year,Growth\nTỉnh,Năm,Giá trị\nHà Nội,2014,7.25\nHải Phòng,2014,6.5\n")
	opts := IngestOptions{Indicator: "grdp_growth", Source: "synthetic test fixture", Now: testNow}
	rep, err := s.Ingest(ctx, []string{p}, opts)
	if err != nil {
		t.Fatal(err)
	}
	if rep.Added != 2 || len(rep.Files[0].Skipped) != 1 {
		t.Errorf("report %+v", rep)
	}
	wantValue(t, s, "grdp_growth", "vn63.31", 2014, 6.5)
	bad := writeTestCSV(t, "two_bad.csv", "Province,Year,Growth\nTỉnh,Năm,Giá trị\nHà Nội,2015,7.25\nHải Phòng,2015,6x5\n")
	if _, err := s.Ingest(ctx, []string{bad}, opts); err == nil || !strings.Contains(err.Error(), `two_bad.csv:4:3: column "Giá trị": expected a number`) {
		t.Errorf("err = %v", err)
	}
}
