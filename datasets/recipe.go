package datasets

import (
	"fmt"
	"slices"
	"sort"
	"strings"
	"time"
)

// A recipe reads a publisher's own workbook, as it comes, into long rows: it finds the sheet
// and the columns by their headers and says what it used and skipped. A layout it does not
// recognise is an error that names what it expected and what it found, never a partial read.
type recipe struct {
	name string
	// read returns the table of the workbook, or a *ParseError (or an error) on a layout it
	// does not recognise. sheet, if not "", is the sheet to read; year, if not 0, must be the
	// year the file is for.
	read func(g []*grid, file, sheet string, year int, reg *Registry) (*recipeTable, error)
	// detect reports whether the workbook is (unambiguously) one this recipe reads.
	detect func(g []*grid, file string) bool
}

// recipes are the known publisher layouts, by the name --recipe takes.
var recipes = []recipe{
	{name: "vcci-pci", read: readVCCIPCI, detect: detectVCCIPCI},
}

// RecipeNames returns the names --recipe accepts.
func RecipeNames() []string {
	var out []string
	for _, r := range recipes {
		out = append(out, r.name)
	}
	return out
}

func recipeNamed(name string) (recipe, bool) {
	for _, r := range recipes {
		if r.name == name {
			return r, true
		}
	}
	return recipe{}, false
}

// recipeTable is what a recipe read: long rows with the sheet row each came from.
type recipeTable struct {
	sheet    string
	year     int
	unitsDay time.Time // if not zero, the day whose units the province names refer to
	rows     []recipeRow
	used     []string // what was read: "column W \"PCI 2015\" → pci (score)"
	skipped  []string // what was not: columns, rows
}

type recipeRow struct {
	line                                     int // sheet row, 1-based
	province, indicator, value, rank, source string
}

// recipeHeader is the header of the long rows a recipe yields, as ingest maps headers.
var recipeHeader = []string{"province", "indicator", "year", "value", "rank", "source"}

// cells returns the rows as text records in the order of recipeHeader.
func (t *recipeTable) cells() ([][]string, []int32) {
	data := make([][]string, len(t.rows))
	lines := make([]int32, len(t.rows))
	y := fmt.Sprint(t.year)
	for i, r := range t.rows {
		data[i] = []string{r.province, r.indicator, y, r.value, r.rank, r.source}
		lines[i] = int32(r.line)
	}
	return data, lines
}

// colName returns the letters of a 0-based column: 0 → "A".
func colName(c int) string {
	s := ""
	for c++; c > 0; c = (c - 1) / 26 {
		s = string(rune('A'+(c-1)%26)) + s
	}
	return s
}

// rowRanges writes sorted 1-based rows as "65–68, 70".
func rowRanges(rows []int) string {
	sort.Ints(rows)
	rows = slices.Compact(rows)
	var parts []string
	for i := 0; i < len(rows); {
		j := i
		for j+1 < len(rows) && rows[j+1] == rows[j]+1 {
			j++
		}
		if j == i {
			parts = append(parts, fmt.Sprint(rows[i]))
		} else {
			parts = append(parts, fmt.Sprintf("%d–%d", rows[i], rows[j]))
		}
		i = j + 1
	}
	return strings.Join(parts, ", ")
}
