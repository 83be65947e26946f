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
	"strconv"
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
func readXLSXFile(ctx context.Context, conn *sql.Conn, in *inputFile, sheet string, headerRow int, probs *problems) error {
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
	var empty []int // empty rows under the header
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
			if headerLine > 0 {
				empty = append(empty, line)
			}
			continue
		}
		if headerLine == 0 && line < headerRow {
			continue // above the header that --header-row names
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
	if len(data) > 1 && secondHeader(data[0]) {
		// A second header row (Vietnamese under English, or short codes): a field the first
		// row does not name may be named here.
		for j, c := range data[0] {
			if j < len(in.header) {
				if _, ok := headerFields[foldHeader(in.header[j])]; !ok {
					if _, ok := headerFields[foldHeader(c)]; ok {
						in.header[j] = c
					}
				}
			}
		}
		in.skipped = append(in.skipped, fmt.Sprintf("row %d: a second header row", in.lines[0]))
		data, in.lines = data[1:], in.lines[1:]
	}
	if formulaWithoutValue(f, sheet, in, data, probs) {
		return nil
	}
	if len(data) > 0 {
		last := int(in.lines[len(in.lines)-1])
		n := 0
		for _, l := range empty {
			if l < last {
				n++ // an empty row within the table (those under it end the sheet)
			}
		}
		if n > 0 {
			in.skipped = append(in.skipped, plural(n, "empty row"))
		}
	}
	percentColumns(f, sheet, data, in.lines)
	return loadRawTable(ctx, conn, in, data)
}

func quoteAll(ss []string) []string {
	out := make([]string, len(ss))
	for i, s := range ss {
		out[i] = quote(s)
	}
	return out
}

// percentColumns reads the columns whose cells are formatted as percentages as they are
// displayed: 0.125 shown as 12.5% is read as 12.5. A column's format is that of its first
// non-empty data cell.
func percentColumns(f *excelize.File, sheet string, data [][]string, lines []int32) {
	width := 0
	for _, r := range data {
		width = max(width, len(r))
	}
	for j := 0; j < width; j++ {
		first := -1
		for i, r := range data {
			if j < len(r) && r[j] != "" {
				first = i
				break
			}
		}
		if first < 0 {
			continue
		}
		cell, err := excelize.CoordinatesToCellName(j+1, int(lines[first]))
		if err != nil || !isPercentCell(f, sheet, cell) {
			continue
		}
		for _, r := range data {
			if j < len(r) && r[j] != "" {
				r[j] = timesHundred(r[j])
			}
		}
	}
}

func isPercentCell(f *excelize.File, sheet, cell string) bool {
	id, err := f.GetCellStyle(sheet, cell)
	if err != nil || id == 0 {
		return false
	}
	st, err := f.GetStyle(id)
	if err != nil || st == nil {
		return false
	}
	if st.NumFmt == 9 || st.NumFmt == 10 {
		return true
	}
	return st.CustomNumFmt != nil && strings.Contains(*st.CustomNumFmt, "%")
}

// timesHundred multiplies a stored number by 100 by moving its decimal point, so that 0.07
// becomes 7, not 7.000000000000001; text that is not a plain number is left as it is.
func timesHundred(s string) string {
	neg := strings.HasPrefix(s, "-")
	digits := strings.TrimPrefix(s, "-")
	if digits == "" || strings.Trim(digits, "0123456789.") != "" || strings.Count(digits, ".") > 1 {
		if v, err := strconv.ParseFloat(s, 64); err == nil {
			return strconv.FormatFloat(v*100, 'g', 12, 64)
		}
		return s
	}
	intPart, frac, _ := strings.Cut(digits, ".")
	frac += "00"
	intPart, frac = intPart+frac[:2], frac[2:]
	intPart = strings.TrimLeft(intPart, "0")
	if intPart == "" {
		intPart = "0"
	}
	frac = strings.TrimRight(frac, "0")
	out := intPart
	if frac != "" {
		out += "." + frac
	}
	if neg && out != "0" {
		out = "-" + out
	}
	return out
}

// notesSheet returns the problem of a workbook whose first sheet holds no table (notes, a
// title page) while it has other sheets: which sheets, and --sheet. nil if it has one sheet.
func notesSheet(in *inputFile) *ParseError {
	f, err := excelize.OpenFile(in.path)
	if err != nil {
		return nil
	}
	defer f.Close()
	sheets := f.GetSheetList()
	if len(sheets) < 2 {
		return nil
	}
	return &ParseError{File: in.name, Sheet: in.sheet, Line: in.hdrLine(), Column: 1,
		Want: "a table (a header with a province column) on the first sheet, or --sheet",
		Got:  fmt.Sprintf("no table on sheet %q; sheets: %s — use --sheet NAME", in.sheet, strings.Join(quoteAll(sheets), ", "))}
}

// secondHeader reports whether a first data row is a second header row: no number in it, and
// either a header word (tỉnh, năm, giá trị) or only short codes ("C1", "PCI").
func secondHeader(cells []string) bool {
	words, short := false, true
	for _, c := range cells {
		if c == "" {
			continue
		}
		if _, err := strconv.ParseFloat(strings.ReplaceAll(c, ",", "."), 64); err == nil {
			return false
		}
		if _, ok := headerFields[foldHeader(c)]; ok {
			words = true
		}
		if len(c) > 8 || strings.ContainsAny(c, " \t") {
			short = false
		}
	}
	return words || short
}

// formulaWithoutValue reports (as a problem) the first empty data cell that holds a formula:
// a workbook written by a program that saved formulas without their values. It looks at up
// to 5000 empty cells.
func formulaWithoutValue(f *excelize.File, sheet string, in *inputFile, data [][]string, probs *problems) bool {
	budget := 5000
	for i, r := range data {
		for j := 0; j < len(in.header) && budget > 0; j++ {
			if j < len(r) && r[j] != "" {
				continue
			}
			budget--
			cell, err := excelize.CoordinatesToCellName(j+1, int(in.lines[i]))
			if err != nil {
				continue
			}
			if fx, err := f.GetCellFormula(sheet, cell); err == nil && fx != "" {
				probs.add(&ParseError{File: in.name, Sheet: sheet, Line: int(in.lines[i]), Column: j + 1, Field: in.header[j],
					Want: "a value", Got: fmt.Sprintf("the formula =%s without a saved value (open the file in a spreadsheet program and save it, or paste the values)", fx)})
				return true
			}
		}
	}
	return false
}

// plural writes "1 empty row" or "3 empty rows".
func plural(n int, what string) string {
	if n == 1 {
		return "1 " + what
	}
	return fmt.Sprintf("%d %ss", n, what)
}
