package datasets

import (
	"archive/zip"
	"context"
	"database/sql"
	"errors"
	"fmt"
	"io"
	"os"
	"slices"
	"strings"

	"github.com/xuri/excelize/v2"
)

// MaxXLSXUnzipped is the largest XLSX workbook an ingest reads, in bytes once unzipped: a
// sheet of 500,000 rows of seven cells fits; a zip bomb (a small file that unzips to a huge
// sheet) is refused before anything is unzipped. Larger tables come as CSV.
const MaxXLSXUnzipped = 128 << 20

// xlsxXMLInMemory is the size above which excelize unzips a part to a temporary file instead
// of memory.
const xlsxXMLInMemory = 16 << 20

// unzippedSize returns the total unzipped size of the zip archive at path, as its directory
// declares it (archive/zip refuses to unzip more than a file declares).
func unzippedSize(path string) (uint64, error) {
	zr, err := zip.OpenReader(path)
	if err != nil {
		head := make([]byte, 4)
		if f, ferr := os.Open(path); ferr == nil {
			io.ReadFull(f, head)
			f.Close()
		}
		if string(head) == "PK\x03\x04" {
			return 0, fmt.Errorf("a damaged or truncated zip archive (%v)", err)
		}
		return 0, fmt.Errorf("a file that is not a zip archive (%v)", err)
	}
	defer zr.Close()
	var n uint64
	workbook := false
	for _, f := range zr.File {
		n += f.UncompressedSize64
		workbook = workbook || f.Name == "xl/workbook.xml"
	}
	if !workbook {
		return 0, errors.New("a zip archive without xl/workbook.xml")
	}
	return n, nil
}

// readXLSXFile reads one sheet of a workbook (the first, or the one named) and loads its data
// rows as text into the temporary table raw. The first non-empty row is the header.
func readXLSXFile(ctx context.Context, conn *sql.Conn, in *inputFile, sheet string, probs *problems) error {
	if size, err := unzippedSize(in.path); err != nil {
		probs.add(&ParseError{File: in.name, Line: 1, Want: "an XLSX workbook", Got: err.Error()})
		return nil
	} else if size > MaxXLSXUnzipped {
		probs.add(&ParseError{File: in.name, Line: 1, Want: fmt.Sprintf("an XLSX workbook of at most %d MiB unzipped", MaxXLSXUnzipped>>20),
			Got: fmt.Sprintf("one of %d MiB (save the sheet as CSV)", size>>20)})
		return nil
	}
	f, err := excelize.OpenFile(in.path, excelize.Options{UnzipSizeLimit: MaxXLSXUnzipped, UnzipXMLSizeLimit: xlsxXMLInMemory})
	if err != nil {
		probs.add(&ParseError{File: in.name, Line: 1, Want: "an XLSX workbook", Got: err.Error()})
		return nil
	}
	defer f.Close()
	sheets := f.GetSheetList()
	switch {
	case sheet == "" && len(sheets) > 0:
		sheet = sheets[0]
	case !slices.Contains(sheets, sheet):
		probs.add(&ParseError{File: in.name, Line: 1, Field: "--sheet", Want: "one of " + strings.Join(quoteAll(sheets), ", "), Got: quote(sheet)})
		return nil
	}
	in.sheet = sheet
	rows, err := f.Rows(sheet)
	if err != nil {
		probs.add(&ParseError{File: in.name, Sheet: sheet, Line: 1, Column: 1, Want: "a well-formed sheet", Got: err.Error()})
		return nil
	}
	defer rows.Close()
	var data [][]string
	headerLine := 0
	ragged := false
	var raggedRows []*ParseError // rows longer than the header, reported unless the header is a title
	for line := 1; rows.Next(); line++ {
		cells, err := rows.Columns(excelize.Options{RawCellValue: true})
		if err != nil {
			probs.add(&ParseError{File: in.name, Sheet: sheet, Line: line, Column: 1, Want: "a well-formed sheet", Got: err.Error()})
			return nil
		}
		for i := range cells {
			cells[i] = strings.TrimSpace(cells[i])
		}
		for len(cells) > 0 && cells[len(cells)-1] == "" {
			cells = cells[:len(cells)-1]
		}
		if len(cells) == 0 {
			continue
		}
		if headerLine == 0 {
			headerLine = line
			in.header = cells
			continue
		}
		if len(cells) > len(in.header) {
			ragged = true
			raggedRows = append(raggedRows, &ParseError{File: in.name, Sheet: sheet, Line: line, Column: len(in.header) + 1,
				Want: fmt.Sprintf("%d cells, as in the header", len(in.header)), Got: fmt.Sprintf("%d cells", len(cells))})
			continue
		}
		data = append(data, cells)
		in.lines = append(in.lines, int32(line))
	}
	if err := rows.Error(); err != nil {
		probs.add(&ParseError{File: in.name, Sheet: sheet, Line: max(headerLine, 1), Column: 1, Want: "a well-formed sheet", Got: err.Error()})
		return nil
	}
	if headerLine == 0 {
		probs.add(&ParseError{File: in.name, Sheet: sheet, Line: 1, Column: 1, Want: "a header row", Got: "an empty sheet"})
		return nil
	}
	in.headerLine = headerLine
	merged, err := f.GetMergeCells(sheet)
	if err != nil {
		probs.add(&ParseError{File: in.name, Sheet: sheet, Line: headerLine, Column: 1, Want: "a well-formed sheet", Got: "merged cells: " + err.Error()})
		return nil
	}
	for _, mc := range merged {
		c1, r1, err1 := excelize.CellNameToCoordinates(mc.GetStartAxis())
		_, r2, err2 := excelize.CellNameToCoordinates(mc.GetEndAxis())
		if err1 != nil || err2 != nil || r1 > headerLine || r2 < headerLine {
			continue
		}
		ragged = true
		if len(in.header) == 1 && len(raggedRows) > 0 {
			// One cell merged across the columns above the table: a title, not a header.
			probs.add(&ParseError{File: in.name, Sheet: sheet, Line: r1, Column: c1,
				Want: "a header row (province, year, value, …) as the first row",
				Got:  fmt.Sprintf("a title %s merged across %s:%s (delete the rows above the header)", quote(in.header[0]), mc.GetStartAxis(), mc.GetEndAxis())})
			return nil
		}
		probs.add(&ParseError{File: in.name, Sheet: sheet, Line: r1, Column: c1,
			Want: "one header cell per column", Got: fmt.Sprintf("merged cells %s:%s", mc.GetStartAxis(), mc.GetEndAxis())})
	}
	for _, p := range raggedRows {
		probs.add(p)
	}
	if ragged {
		return nil
	}
	if len(data) == 0 {
		probs.add(&ParseError{File: in.name, Sheet: sheet, Line: headerLine + 1, Column: 1, Want: "at least one data row after the header", Got: "only the header"})
		return nil
	}
	in.records = len(data)
	cols := make([]string, len(in.header))
	for i := range cols {
		cols[i] = fmt.Sprintf("c%d VARCHAR", i+1)
	}
	raw := fmt.Sprintf("chiso_raw_%d", in.idx)
	if _, err := conn.ExecContext(ctx, fmt.Sprintf("CREATE OR REPLACE TEMP TABLE %s (%s)", raw, strings.Join(cols, ", "))); err != nil {
		return err
	}
	in.from = fmt.Sprintf("(SELECT rowid + 1 AS rec, * FROM %s)", raw)
	in.temps = append(in.temps, raw)
	vals := make([][]any, len(data))
	for i, cells := range data {
		row := make([]any, len(in.header))
		for j, c := range cells {
			if c != "" {
				row[j] = c
			}
		}
		vals[i] = row
	}
	return appendRows(ctx, conn, raw, vals)
}

func quoteAll(ss []string) []string {
	out := make([]string, len(ss))
	for i, s := range ss {
		out[i] = quote(s)
	}
	return out
}
