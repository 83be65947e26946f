package datasets

import (
	"fmt"
	"strings"

	"github.com/xuri/excelize/v2"
)

// A ParseError reports a malformed or invalid value in an input file.
// Line and Column are 1-based; Column counts fields, not bytes. For a spreadsheet, Sheet is
// set and the position is the cell (Column 1 is column A, Line is the sheet row).
type ParseError struct {
	File         string
	Sheet        string
	Line, Column int
	Field        string // header name, if known
	Want, Got    string // what was expected and what was found
	Err          error  // underlying cause, if any
}

func (e *ParseError) Error() string {
	var b strings.Builder
	b.WriteString(e.Position())
	b.WriteString(": ")
	if e.Field != "" {
		fmt.Fprintf(&b, "column %q: ", e.Field)
	}
	switch {
	case e.Want != "":
		fmt.Fprintf(&b, "expected %s, got %s", e.Want, e.Got)
	case e.Err != nil:
		b.WriteString(e.Err.Error())
	default:
		b.WriteString(e.Got)
	}
	return b.String()
}

// Position returns where the problem is: "file.csv:14:3", `file.xlsx: sheet "PCI" cell C14`,
// or the file alone for a problem of the whole file.
func (e *ParseError) Position() string {
	if e.Sheet != "" {
		if e.Line == 0 {
			return fmt.Sprintf("%s: sheet %q", e.File, e.Sheet)
		}
		cell, err := excelize.CoordinatesToCellName(max(e.Column, 1), e.Line)
		if err != nil {
			cell = fmt.Sprintf("R%dC%d", e.Line, e.Column)
		}
		return fmt.Sprintf("%s: sheet %q cell %s", e.File, e.Sheet, cell)
	}
	if e.Line == 0 { // the whole file
		return e.File
	}
	if e.Column == 0 {
		return fmt.Sprintf("%s:%d", e.File, e.Line)
	}
	return fmt.Sprintf("%s:%d:%d", e.File, e.Line, e.Column)
}

func (e *ParseError) Unwrap() error { return e.Err }

// MaxProblems is how many problems an ingest reports at most.
const MaxProblems = 20

// An IngestError lists the problems that stopped an ingest; nothing was changed.
type IngestError struct {
	Problems []*ParseError // the first MaxProblems, in file and line order
	Total    int           // how many problems were found in all
}

func (e *IngestError) Error() string {
	var b strings.Builder
	if e.Total == 1 {
		b.WriteString("1 problem; nothing was changed:")
	} else {
		fmt.Fprintf(&b, "%d problems; nothing was changed:", e.Total)
	}
	for _, p := range e.Problems {
		b.WriteString("\n  ")
		b.WriteString(p.Error())
	}
	if more := e.Total - len(e.Problems); more > 0 {
		fmt.Fprintf(&b, "\n  … and %d more", more)
	}
	return b.String()
}

// quote shows a found value the way error messages show it.
func quote(s string) string {
	const maxLen = 60
	if r := []rune(s); len(r) > maxLen {
		s = string(r[:maxLen]) + "…"
	}
	return fmt.Sprintf("%q", s)
}
