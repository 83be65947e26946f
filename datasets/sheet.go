package datasets

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"unicode/utf8"

	"github.com/shakinm/xlsReader/xls"
	"github.com/xuri/excelize/v2"
	"golang.org/x/text/unicode/norm"
)

// A grid is one sheet of a workbook as text: rows[i][j] is the cell in sheet row i+1 and
// column j+1, "" when empty. Numbers are in full precision, as stored (not as displayed).
type grid struct {
	name string
	rows [][]string
}

// cell returns the text of row r and column c (both 0-based), "" outside the grid.
func (g *grid) cell(r, c int) string {
	if r < 0 || r >= len(g.rows) || c < 0 || c >= len(g.rows[r]) {
		return ""
	}
	return g.rows[r][c]
}

// width returns the number of columns of the widest row.
func (g *grid) width() int {
	w := 0
	for _, r := range g.rows {
		w = max(w, len(r))
	}
	return w
}

// workbookFormat returns "xlsx", "xls", "ods" or "" from a file's name and first bytes.
func workbookFormat(path string) string {
	f, err := os.Open(path)
	if err != nil {
		return ""
	}
	head := make([]byte, 8)
	n, _ := f.Read(head)
	f.Close()
	head = head[:n]
	ext := strings.ToLower(filepath.Ext(path))
	switch {
	case ext == ".ods":
		return "ods"
	case ext == ".xlsx" || ext == ".xlsm" || bytes.HasPrefix(head, []byte("PK\x03\x04")):
		return "xlsx"
	case ext == ".xls" || bytes.HasPrefix(head, []byte{0xD0, 0xCF, 0x11, 0xE0}):
		return "xls"
	}
	return ""
}

// readWorkbook reads every sheet of an XLSX or a legacy XLS workbook as text grids.
func readWorkbook(path string) ([]*grid, string, error) {
	switch format := workbookFormat(path); format {
	case "xlsx":
		g, err := readXLSXGrids(path)
		return g, format, err
	case "xls":
		g, err := readXLSGrids(path)
		return g, format, err
	case "ods":
		return nil, format, fmt.Errorf("an OpenDocument spreadsheet (.ods): save it as .xlsx")
	default:
		return nil, format, fmt.Errorf("not a workbook (expected .xlsx or .xls)")
	}
}

func readXLSXGrids(path string) ([]*grid, error) {
	if size, err := unzippedSize(path); err != nil {
		return nil, err
	} else if size > MaxXLSXUnzipped {
		return nil, fmt.Errorf("a workbook of %d MiB unzipped, over the %d MiB an ingest reads (save the sheet as CSV)", size>>20, MaxXLSXUnzipped>>20)
	}
	f, err := excelize.OpenFile(path, excelize.Options{UnzipSizeLimit: MaxXLSXUnzipped, UnzipXMLSizeLimit: xlsxXMLInMemory})
	if err != nil {
		return nil, err
	}
	defer f.Close()
	var out []*grid
	for _, name := range f.GetSheetList() {
		rows, err := f.GetRows(name, excelize.Options{RawCellValue: true})
		if err != nil {
			return nil, fmt.Errorf("sheet %q: %w", name, err)
		}
		for _, r := range rows {
			for j := range r {
				r[j] = norm.NFC.String(strings.TrimSpace(r[j]))
			}
		}
		out = append(out, &grid{name: norm.NFC.String(name), rows: rows})
	}
	return out, nil
}

// readXLSGrids reads a legacy BIFF8 workbook. The reader returns 8-bit ("compressed") strings
// as raw bytes, which are Latin-1 by the format: they are decoded here.
func readXLSGrids(path string) (out []*grid, err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("unreadable .xls workbook (%v): save it as .xlsx", r)
		}
	}()
	wb, err := xls.OpenFile(path)
	if err != nil {
		return nil, fmt.Errorf("unreadable .xls workbook (%v): save it as .xlsx", err)
	}
	for i := 0; i < wb.GetNumberSheets(); i++ {
		sh, err := wb.GetSheet(i)
		if err != nil {
			return nil, fmt.Errorf("sheet %d: %w", i+1, err)
		}
		g := &grid{name: latin1(sh.GetName())}
		for r := 0; r < sh.GetNumberRows(); r++ {
			row, err := sh.GetRow(r)
			if err != nil {
				g.rows = append(g.rows, nil)
				continue
			}
			cols := row.GetCols()
			cells := make([]string, len(cols))
			for j, c := range cols {
				cells[j] = latin1(strings.TrimSpace(c.GetString()))
			}
			for len(cells) > 0 && cells[len(cells)-1] == "" {
				cells = cells[:len(cells)-1]
			}
			g.rows = append(g.rows, cells)
		}
		out = append(out, g)
	}
	return out, nil
}

// latin1 decodes s as Latin-1 unless it is valid UTF-8 already, and puts it in NFC.
func latin1(s string) string {
	if !utf8.ValidString(s) {
		r := make([]rune, len(s))
		for i := 0; i < len(s); i++ {
			r[i] = rune(s[i])
		}
		s = string(r)
	}
	return norm.NFC.String(s)
}
