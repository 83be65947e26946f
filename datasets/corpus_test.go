package datasets

import (
	"archive/zip"
	"bytes"
	"context"
	"errors"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

var update = flag.Bool("update", false, "rewrite the golden messages of testdata/bad")

// badOptions are the ingest options of the corpus files that need any.
var badOptions = map[string]IngestOptions{
	"wide_dup_year.csv":  {Indicator: "pci"},
	"wide_text_cell.csv": {Indicator: "pci"},
}

// TestBadCorpus ingests every file of testdata/bad (written by testdata/bad/gen.go) and two
// made here (a 10 MB line and an XLSX zip bomb): each must be refused with exactly the message
// in testdata/bad/NAME.want, every problem located (line ≥ 1), the same message on a dry
// run, and the store unchanged. Run `go test ./datasets -run TestBadCorpus -update` to rewrite
// the .want files after a deliberate change of a message, and read the diff.
func TestBadCorpus(t *testing.T) {
	ctx := context.Background()
	s := mustOpenStore(t)
	entries, err := os.ReadDir("testdata/bad")
	if err != nil {
		t.Fatal(err)
	}
	var files []string
	for _, e := range entries {
		if ext := filepath.Ext(e.Name()); ext != ".go" && ext != ".want" {
			files = append(files, filepath.Join("testdata/bad", e.Name()))
		}
	}
	tmp := t.TempDir()
	files = append(files, writeLongLine(t, tmp), writeZipBomb(t, tmp))
	if len(files) < 40 {
		t.Fatalf("the corpus has %d files, want at least 40", len(files))
	}
	for _, path := range files {
		name := filepath.Base(path)
		t.Run(name, func(t *testing.T) {
			before := takeSnapshot(t, s)
			opts := badOptions[name]
			opts.Now = testNow
			start := time.Now()
			_, err := s.Ingest(ctx, []string{path}, opts)
			took := time.Since(start)
			if err == nil {
				t.Fatalf("Ingest(%s) succeeded", path)
			}
			msg := strings.ReplaceAll(err.Error(), tmp+string(filepath.Separator), "TMP/")
			var ie *IngestError
			if !errors.As(err, &ie) {
				t.Errorf("Ingest(%s) error is not an *IngestError: %v", path, err)
			} else {
				for _, p := range ie.Problems {
					if p.Line < 1 || p.File == "" {
						t.Errorf("problem without a position: %+v", p)
					}
				}
			}
			golden := filepath.Join("testdata/bad", name+".want")
			if *update {
				if err := os.WriteFile(golden, []byte(msg+"\n"), 0o644); err != nil {
					t.Fatal(err)
				}
			}
			want, err := os.ReadFile(golden)
			if err != nil {
				t.Fatalf("%v (run `go test ./datasets -run TestBadCorpus -update`)", err)
			}
			if got := msg + "\n"; got != string(want) {
				t.Errorf("Ingest(%s) error:\n%s\nwant (%s):\n%s(run `go test ./datasets -run TestBadCorpus -update` if the change is deliberate)", path, got, golden, want)
			}
			if after := takeSnapshot(t, s); after != before {
				t.Errorf("refused ingest changed the store: %+v → %+v", before, after)
			}
			opts.DryRun = true
			_, derr := s.Ingest(ctx, []string{path}, opts)
			if derr == nil || strings.ReplaceAll(derr.Error(), tmp+string(filepath.Separator), "TMP/") != msg {
				t.Errorf("dry run of %s: %v\nwant the ingest's error:\n%s", path, derr, msg)
			}
			if took > 20*time.Second {
				t.Errorf("Ingest(%s) took %v", path, took)
			}
		})
	}
}

// writeLongLine writes a CSV whose second data row is one 10 MB line (a value of 10 MB).
func writeLongLine(t *testing.T, dir string) string {
	t.Helper()
	var b bytes.Buffer
	b.WriteString("province,indicator,year,value,rank,rank_of,source\n")
	b.WriteString("Hà Nội,pci,2021,64.50,10,63,TEST FIXTURE: synthetic figure - not real data\n")
	b.WriteString("Hải Phòng,pci,2021,")
	b.Write(bytes.Repeat([]byte{'9'}, 10<<20))
	b.WriteString(",12,63,TEST FIXTURE: synthetic figure - not real data\n")
	path := filepath.Join(dir, "long_line.csv")
	if err := os.WriteFile(path, b.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

// writeZipBomb writes an XLSX of about 300 KB whose sheet unzips to 300 MB: a header and
// millions of identical rows. It returns its path.
func writeZipBomb(t *testing.T, dir string) string {
	t.Helper()
	path := filepath.Join(dir, "zip_bomb.xlsx")
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	zw := zip.NewWriter(f)
	add := func(name, data string) {
		w, err := zw.Create(name)
		if err != nil {
			t.Fatal(err)
		}
		w.Write([]byte(data))
	}
	add("[Content_Types].xml", `<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/><Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/></Types>`)
	add("_rels/.rels", `<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>`)
	add("xl/workbook.xml", `<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets><sheet name="Sheet1" sheetId="1" r:id="rId1"/></sheets></workbook>`)
	add("xl/_rels/workbook.xml.rels", `<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/></Relationships>`)
	w, err := zw.Create("xl/worksheets/sheet1.xml")
	if err != nil {
		t.Fatal(err)
	}
	w.Write([]byte(`<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>`))
	row := []byte(`<row><c t="inlineStr"><is><t>Hà Nội</t></is></c><c t="inlineStr"><is><t>pci</t></is></c><c><v>2021</v></c><c><v>64.5</v></c></row>`)
	chunk := bytes.Repeat(row, 1<<14)
	for written := 0; written < 300<<20; written += len(chunk) {
		w.Write(chunk)
	}
	w.Write([]byte(`</sheetData></worksheet>`))
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	if err := f.Close(); err != nil {
		t.Fatal(err)
	}
	return path
}

// TestAcceptedCorpus: files that testdata/bad once held and that an ingest now reads, since
// rows of totals and summaries are skipped and "64.5%", "2021.0" and "1,234.5" are parsed
// (testdata/accepted, synthetic TEST FIXTURE figures). A dry run on a fresh store finds
// exactly the figures each file holds, with the summary rows counted as skipped.
func TestAcceptedCorpus(t *testing.T) {
	ctx := context.Background()
	for _, tc := range []struct {
		file          string
		rows, summary int
	}{
		{"average_row.csv", 1, 1},
		{"country_row.csv", 1, 1},
		{"totals_row.csv", 2, 1},
		{"totals_row.xlsx", 1, 1},
		{"percent_value.csv", 1, 0},
		{"thousands_value.csv", 1, 0},
		{"year_float.csv", 1, 0},
	} {
		t.Run(tc.file, func(t *testing.T) {
			s := mustOpenStore(t)
			rep, err := s.Ingest(ctx, []string{filepath.Join("testdata/accepted", tc.file)}, IngestOptions{DryRun: true, Now: testNow})
			if err != nil {
				t.Fatalf("Ingest(%s): %v", tc.file, err)
			}
			if rep.Rows != tc.rows || len(rep.Files) != 1 || rep.Files[0].SummaryRows != tc.summary {
				t.Errorf("Ingest(%s): %d rows, files %+v; want %d rows, %d summary rows", tc.file, rep.Rows, rep.Files, tc.rows, tc.summary)
			}
		})
	}
}
