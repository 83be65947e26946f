package report

import "strconv"

// A Table is a view as rows of text: what CSV downloads and data tables under charts show.
type Table struct {
	Name   string // a file name for the download, e.g. "chiso-trends.csv"
	Header []string
	Rows   [][]string
}

// A Tabler is a view that can be written as a table.
type Tabler interface {
	Table() Table
}

// fmtFloat formats an optional number for a table ("" for none).
func fmtFloat(v *float64) string {
	if v == nil {
		return ""
	}
	return ftoa(*v)
}

// fmtInt formats an optional integer for a table.
func fmtInt(v *int) string {
	if v == nil {
		return ""
	}
	return strconv.Itoa(*v)
}

func ftoa(v float64) string { return strconv.FormatFloat(v, 'f', -1, 64) }
