package datasets

import (
	"bytes"
	"context"
	"database/sql"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
)

// readByRecipe reads a workbook with the named recipe ("" detects one) into the file's raw
// table, in long form (recipeHeader). A layout the recipe does not recognise is one problem.
func (ing *ingestion) readByRecipe(ctx context.Context, in *inputFile, name string, probs *problems) error {
	grids, format, err := readWorkbook(in.path)
	in.format = format
	if err != nil {
		if ext := strings.ToLower(filepath.Ext(in.path)); ext != ".xls" && fileStartsWith(in.path, ole2Magic) {
			// An OLE2 file not named .xls that does not read as one is most likely an encrypted XLSX.
			probs.add(&ParseError{File: in.name, Line: 1, Want: "CSV or XLSX", Got: "a legacy .xls workbook or a password-protected XLSX (save it as .xlsx, without a password)"})
			return nil
		}
		probs.add(&ParseError{File: in.name, Line: 1, Want: "a readable workbook", Got: err.Error()})
		return nil
	}
	var r recipe
	switch name {
	case "":
		var found []recipe
		for _, c := range recipes {
			if c.detect(grids, in.name) {
				found = append(found, c)
			}
		}
		if len(found) != 1 {
			what := "no known layout"
			if len(found) > 1 {
				what = "more than one known layout"
			}
			got := what
			if format == "xls" {
				got += " (a legacy .xls workbook is read by a recipe only; save it as .xlsx to load it as a plain table)"
			}
			probs.add(&ParseError{File: in.name, Line: 1, Field: "--recipe", Want: "a workbook one recipe reads (" + strings.Join(RecipeNames(), ", ") + ")", Got: got})
			return nil
		}
		r = found[0]
		in.recipe = r.name + " (detected)"
	default:
		var ok bool
		if r, ok = recipeNamed(name); !ok {
			return fmt.Errorf("invalid --recipe %q: expected one of %s", name, strings.Join(RecipeNames(), ", "))
		}
		in.recipe = r.name
	}
	t, err := r.read(grids, in.name, ing.opts.Sheet, ing.opts.Year, ing.s.registry)
	if err != nil {
		var pe *ParseError
		if errors.As(err, &pe) {
			probs.add(pe)
			return nil
		}
		return fmt.Errorf("%s: recipe %s: %w", in.name, r.name, err)
	}
	if year := ing.opts.Now.Year(); t.year > year {
		probs.add(&ParseError{File: in.name, Sheet: t.sheet, Line: 1, Field: "year", Want: fmt.Sprintf("a year up to %d (this year)", year), Got: fmt.Sprintf("%d, a year in the future", t.year)})
		return nil
	}
	in.sheet, in.year, in.unitsDay, in.used, in.skipped = t.sheet, t.year, t.unitsDay, t.used, t.skipped
	in.header = recipeHeader
	in.headerLine = 1
	data, lines := t.cells()
	if ing.opts.Source != "" {
		for _, row := range data {
			row[5] = ing.opts.Source
		}
	}
	if len(data) == 0 {
		probs.add(&ParseError{File: in.name, Sheet: t.sheet, Line: 1, Want: "at least one figure", Got: "none under the header"})
		return nil
	}
	in.lines = lines
	return loadRawTable(ctx, ing.conn, in, data)
}

// loadRawTable loads text records into the file's raw table chiso_raw_N (columns c1..cN, as
// many as the header) and makes it the file's source of rows.
func loadRawTable(ctx context.Context, conn *sql.Conn, in *inputFile, data [][]string) error {
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
			if c != "" && j < len(row) {
				row[j] = c
			}
		}
		vals[i] = row
	}
	return appendRows(ctx, conn, raw, vals)
}

// detectRecipe reads an XLSX file that is not a plain table with the one recipe that
// recognises it, if there is one, and reports whether there was.
func (ing *ingestion) detectRecipe(ctx context.Context, in *inputFile, probs *problems) (bool, error) {
	grids, _, err := readWorkbook(in.path)
	if err != nil {
		return false, nil
	}
	n := 0
	for _, c := range recipes {
		if c.detect(grids, in.name) {
			n++
		}
	}
	if n != 1 {
		return false, nil
	}
	// The recipe takes the file over only if it reads it cleanly: otherwise the plain table's
	// problems (a merged title, a doubled column) say better what is wrong.
	plain := *in
	*in = inputFile{idx: in.idx, path: in.path, name: in.name, tempPaths: in.tempPaths, temps: in.temps}
	scratch := &problems{}
	if err := ing.readByRecipe(ctx, in, "", scratch); err != nil {
		return true, err
	}
	in.ready = len(in.header) > 0 && in.records > 0 && in.mapHeader(ing.opts, ing.s.Catalogue(), scratch)
	if scratch.total > 0 {
		temps := in.temps
		*in = plain
		in.temps = temps
		return false, nil
	}
	return true, nil
}

// fileStartsWith reports whether the file at path starts with prefix.
func fileStartsWith(path string, prefix []byte) bool {
	f, err := os.Open(path)
	if err != nil {
		return false
	}
	defer f.Close()
	head := make([]byte, len(prefix))
	n, _ := io.ReadFull(f, head)
	return bytes.Equal(head[:n], prefix)
}
