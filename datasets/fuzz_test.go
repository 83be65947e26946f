package datasets

import (
	"archive/zip"
	"bytes"
	"context"
	"encoding/xml"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"
)

// checkIngest ingests path twice, first as a dry run, then for real, and checks what every
// reader must guarantee: no panic; every error an *IngestError whose problems are located
// (a file, and a line ≥ 1); and the two agree: the same error, or both valid with the same
// number of rows. A valid file may be loaded: the store then has the rows for the next input.
func checkIngest(t *testing.T, s *Store, path string, opts IngestOptions) {
	t.Helper()
	ctx := context.Background()
	opts.Now = testNow
	opts.DryRun = true
	dry, derr := s.Ingest(ctx, []string{path}, opts)
	opts.DryRun = false
	real, rerr := s.Ingest(ctx, []string{path}, opts)
	for _, err := range []error{derr, rerr} {
		if err == nil {
			continue
		}
		var ie *IngestError
		if !errors.As(err, &ie) {
			t.Fatalf("error %T is not an *IngestError: %v", err, err)
		}
		for _, p := range ie.Problems {
			if p.Line < 1 || p.File == "" {
				t.Fatalf("problem without a position: %+v in\n%v", p, err)
			}
		}
	}
	switch {
	case (derr == nil) != (rerr == nil):
		t.Fatalf("dry run and ingest disagree:\ndry run: %v\ningest: %v", derr, rerr)
	case derr != nil && derr.Error() != rerr.Error():
		t.Fatalf("dry run and ingest disagree:\ndry run: %v\ningest: %v", derr, rerr)
	case derr == nil && dry.Rows != real.Rows:
		t.Fatalf("dry run read %d rows, ingest added %d", dry.Rows, real.Rows)
	}
}

// FuzzIngestCSV feeds arbitrary bytes to the CSV reader, as a long file or, with wide, as a
// file of --indicator pci. Seeds: every CSV of testdata and testdata/bad.
func FuzzIngestCSV(f *testing.F) {
	for _, pattern := range []string{"testdata/*.csv", "testdata/bad/*.csv"} {
		paths, _ := filepath.Glob(pattern)
		for _, p := range paths {
			data, err := os.ReadFile(p)
			if err != nil {
				f.Fatal(err)
			}
			f.Add(data, strings.Contains(p, "wide"))
		}
	}
	s := mustOpenStore(f)
	dir := f.TempDir()
	f.Fuzz(func(t *testing.T, data []byte, wide bool) {
		path := filepath.Join(dir, "fuzz.csv")
		if err := os.WriteFile(path, data, 0o644); err != nil {
			t.Fatal(err)
		}
		var opts IngestOptions
		if wide {
			opts.Indicator = "pci"
		}
		checkIngest(t, s, path, opts)
	})
}

// FuzzIngestXLSX builds a workbook from text (rows on lines, cells split by tabs; a cell that
// parses as a number is written as one) with xlsxOf, damages byte cut of the file if cut > 0 (cutting it
// short there if cut is odd), and feeds it to the XLSX reader.
func FuzzIngestXLSX(f *testing.F) {
	const src = "\tTEST FIXTURE: synthetic figure - not real data"
	for _, seed := range []string{
		"province\tindicator\tyear\tvalue\tsource\nHà Nội\tpar_index\t2015\t70" + src,
		"province\t2013\t2014\tsource\nHà Nội\t77.5\t78.25" + src,
		"province\tindicator\tyear\tvalue\trank\trank_of\tsource\nHà Nội\tpci\t44197\t64.5\t-3\t63" + src,
		"province\tindicator\tyear\tvalue\tvalue\nHà Nội\tpci\t2021\t#REF!\t#DIV/0!",
		"Chỉ số PCI 2021\n\nprovince\tindicator\tyear\tvalue\nTổng cộng\tpci\t2021\t1e400\textra",
		"",
	} {
		f.Add(seed, uint16(0))
		f.Add(seed, uint16(401))
		f.Add(seed, uint16(1000))
	}
	s := mustOpenStore(f)
	dir := f.TempDir()
	f.Fuzz(func(t *testing.T, text string, cut uint16) {
		var rows [][]string
		for _, line := range strings.Split(text, "\n") {
			rows = append(rows, strings.Split(line, "\t"))
		}
		data := xlsxOf(t, rows)
		if n := int(cut); n > 0 && n < len(data) {
			if n%2 == 1 {
				data = data[:n]
			} else {
				data[n] ^= 0x5A
			}
		}
		path := filepath.Join(dir, "fuzz.xlsx")
		if err := os.WriteFile(path, data, 0o644); err != nil {
			t.Fatal(err)
		}
		opts := IngestOptions{}
		if strings.HasPrefix(text, "province\t20") {
			opts.Indicator = "pci"
		}
		checkIngest(t, s, path, opts)
	})
}

// xlsxOf returns a minimal XLSX workbook whose one sheet, Sheet1, holds rows: a cell that
// parses as a number is written as a number, any other as an inline string. It is written
// here rather than with excelize so that a fuzz run spends its time in the reader.
func xlsxOf(t *testing.T, rows [][]string) []byte {
	var sheet bytes.Buffer
	sheet.WriteString(`<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>`)
	for i, r := range rows {
		fmt.Fprintf(&sheet, `<row r="%d">`, i+1)
		for j, c := range r {
			ref, err := excelize.CoordinatesToCellName(j+1, i+1)
			if err != nil {
				t.Skip(err)
			}
			if _, err := strconv.ParseFloat(c, 64); err == nil {
				fmt.Fprintf(&sheet, `<c r="%s"><v>`, ref)
				xml.EscapeText(&sheet, []byte(c))
				sheet.WriteString(`</v></c>`)
				continue
			}
			fmt.Fprintf(&sheet, `<c r="%s" t="inlineStr"><is><t xml:space="preserve">`, ref)
			xml.EscapeText(&sheet, []byte(c))
			sheet.WriteString(`</t></is></c>`)
		}
		sheet.WriteString(`</row>`)
	}
	sheet.WriteString(`</sheetData></worksheet>`)
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	for _, part := range []struct{ name, data string }{
		{"[Content_Types].xml", `<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/><Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/></Types>`},
		{"_rels/.rels", `<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>`},
		{"xl/workbook.xml", `<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets><sheet name="Sheet1" sheetId="1" r:id="rId1"/></sheets></workbook>`},
		{"xl/_rels/workbook.xml.rels", `<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/></Relationships>`},
		{"xl/worksheets/sheet1.xml", sheet.String()},
	} {
		w, err := zw.Create(part.name)
		if err != nil {
			t.Fatal(err)
		}
		w.Write([]byte(part.data))
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}
