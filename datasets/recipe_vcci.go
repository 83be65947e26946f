package datasets

import (
	"fmt"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"time"
)

// VCCI's PCI data files (PCI_2006.xls … PCI_2015.xlsx) hold a summary sheet with the final
// weighted PCI, its rank and the sub-indices, in one of three layouts:
//
//   - one row per province, a name column and one column per figure (2006, 2007, 2009);
//   - "sorted pairs": every figure is sorted on its own and has its own name column just left
//     of it (2008, 2010–2015), under a header whose name cells may be blank;
//   - either, under a header of two or three rows (a merged title row, a row of short codes or
//     of "Chỉ số thành phần N") and beside the publisher's own row ids ("Mã PCI", "Thứ tự").
//
// Under the table come helper rows (a repeated header, a lookup block, MIN/MAX), which end it.

// pciSubIndex is a sub-index of the PCI as its header names it, in Vietnamese or English.
type pciSubIndex struct {
	id   string
	keys []string // folded words a header holds
}

// pciSubIndices are checked in order: the first whose key a header holds is its sub-index.
// (A land-access header of 2006 mentions SOEs; the SOE-bias one mentions competition.)
var pciSubIndices = []pciSubIndex{
	{"pci.entry_costs", []string{"gia nhap thi truong", "entry cost", "entry soft"}},
	{"pci.land_access", []string{"dat dai", "land access", "land use"}},
	{"pci.transparency", []string{"minh bach", "transparency"}},
	{"pci.time_costs", []string{"chi phi thoi gian", "chi phi ve thoi gian", "time cost", "regulatory compliance"}},
	{"pci.informal_charges", []string{"khong chinh thuc", "informal"}},
	{"pci.soe_bias", []string{"dnnn", "soe bias"}},
	{"pci.policy_bias", []string{"canh tranh binh dang", "bias"}},
	{"pci.proactivity", []string{"nang dong", "proactiv"}},
	{"pci.business_support", []string{"ho tro doanh nghiep", "dich vu ho tro", "phat trien khu vuc", "kttn", "business support", "private sector development"}},
	{"pci.labor_training", []string{"dao tao lao dong", "labor", "labour"}},
	{"pci.legal_institutions", []string{"thiet che phap ly", "legal"}},
}

// A pciColumn is a column of the summary sheet the recipe reads.
type pciColumn struct {
	col, nameCol int    // 0-based: the figure and the province names it goes with
	indicator    string // "pci" or a sub-index id; "" for the rank
	rank         bool
	label        string
}

var yearInText = regexp.MustCompile(`(?:^|\D)((?:19|20)\d\d)(?:\D|$)`)

func foldWords(s string) string { return strings.Join(nameWordsRaw(s), " ") }

// classifyPCIHeader says what a summary-sheet header holds: "rank", "pci", a sub-index id,
// "id" (the publisher's row ids), or "" (a column the recipe does not read).
func classifyPCIHeader(label string) string {
	f := " " + foldWords(label) + " "
	has := func(k string) bool { return strings.Contains(f, " "+k+" ") }
	switch {
	case has("nhom xep hang") || has("tier") || has("vung") || has("region"):
		return ""
	case has("ma pci") || has("pci id") || strings.TrimSpace(f) == "no" || strings.TrimSpace(f) == "stt" || strings.TrimSpace(f) == "thu tu":
		return "id"
	case has("xep hang") || has("thu hang") || has("ranking") || strings.TrimSpace(f) == "rank":
		return "rank"
	case has("chua co trong so") || has("chua trong so") || has("unweighted"):
		return ""
	}
	for _, s := range pciSubIndices {
		for _, k := range s.keys {
			if strings.Contains(f, " "+k) {
				return s.id
			}
		}
	}
	if has("pci") || has("co trong so") {
		return "pci"
	}
	return ""
}

// isProvinceHeader reports whether a header cell names the province column.
func isProvinceHeader(s string) bool {
	switch foldWords(s) {
	case "tinh", "tinh thanh pho", "tinh thanh", "province", "provinces", "dia phuong", "province city":
		return true
	}
	return false
}

// nameCell reports whether a cell is a province name the registry knows (not a number).
func nameCell(reg *Registry, s string) bool {
	if s == "" || !strings.ContainsFunc(s, func(r rune) bool { return r > '9' }) {
		return false
	}
	_, err := reg.Matches(s)
	return err == nil || vcciAlias(s) != ""
}

// vcciAlias returns the registry name of a name VCCI's files use that the registry does not
// know as such, or "".
func vcciAlias(s string) string {
	switch foldWords(s) {
	case "tp hcm", "tphcm", "hcmc", "tp ho chi minh", "ho chi minh city":
		return "Hồ Chí Minh"
	case "tt hue", "tt  hue", "tth", "thua thien hue":
		return "Thừa Thiên Huế"
	case "bac can":
		return "Bắc Kạn"
	case "dak lak", "dac lac", "dak lac":
		return "Đắk Lắk"
	case "dak nong", "dac nong":
		return "Đắk Nông"
	}
	return ""
}

// detectVCCIPCI reports whether the workbook has a sheet the vcci-pci recipe reads.
func detectVCCIPCI(gs []*grid, file string) bool {
	for _, g := range gs {
		if _, _, ok := pciHeaderRow(g); ok {
			return true
		}
	}
	return false
}

// pciHeaderRow finds the row (0-based) of a summary sheet's header among the first rows:
// one with a province header and a PCI column. It returns the row and the PCI column.
func pciHeaderRow(g *grid) (int, int, bool) {
	for r := 0; r < min(len(g.rows), 8); r++ {
		prov, pci := -1, -1
		for c, s := range g.rows[r] {
			if isProvinceHeader(s) && prov < 0 {
				prov = c
			}
			if classifyPCIHeader(s) == "pci" && pci < 0 {
				pci = c
			}
		}
		if prov >= 0 && pci >= 0 {
			return r, pci, true
		}
		// A two-row header puts the PCI column's name in the row above or below.
		if prov >= 0 {
			for _, rr := range []int{r - 1, r + 1} {
				for c := range g.width() {
					if classifyPCIHeader(g.cell(rr, c)) == "pci" && !isProvinceHeader(g.cell(r, c)) {
						return r, c, true
					}
				}
			}
		}
	}
	return 0, 0, false
}

// readVCCIPCI reads the summary sheet of a VCCI PCI data file.
func readVCCIPCI(gs []*grid, file, sheet string, wantYear int, reg *Registry) (*recipeTable, error) {
	base := filepath.Base(file)
	var g *grid
	var names []string
	for _, x := range gs {
		names = append(names, quote(x.name))
		if sheet != "" {
			if x.name == sheet || strings.TrimSpace(x.name) == strings.TrimSpace(sheet) {
				g = x
			}
			continue
		}
		if _, _, ok := pciHeaderRow(x); ok && g == nil {
			g = x
		}
	}
	layoutErr := func(sh string, line, col int, want, got string) error {
		return &ParseError{File: file, Sheet: sh, Line: line, Column: col, Want: want, Got: got}
	}
	switch {
	case g == nil && sheet != "":
		return nil, &ParseError{File: file, Line: 1, Field: "--sheet", Want: "one of " + strings.Join(names, ", "), Got: quote(sheet)}
	case g == nil:
		return nil, layoutErr("", 1, 0, "a PCI summary sheet (a header with a province column, \"Tỉnh\" or \"Province\", and a PCI column, \"PCI 2015\" or \"Chỉ số PCI … có trọng số\") in the first 8 rows of a sheet",
			"none in sheets "+strings.Join(names, ", ")+" (is this VCCI's PCI data file?)")
	}
	hdr, pciCol, ok := pciHeaderRow(g)
	if !ok {
		return nil, layoutErr(g.name, 1, 1, "a header with a province column (\"Tỉnh\", \"Province\") and a PCI column (\"PCI 2015\", \"Chỉ số PCI … có trọng số\") in the first 8 rows",
			"none: "+quote(strings.Join(g.rows[min(len(g.rows)-1, 0)], " | ")))
	}
	t := &recipeTable{sheet: g.name}

	// The first data row: the first row under the header with a province name in it.
	first := -1
	for r := hdr + 1; r < min(len(g.rows), hdr+6); r++ {
		for _, s := range g.rows[r] {
			if nameCell(reg, s) {
				first = r
				break
			}
		}
		if first >= 0 {
			break
		}
	}
	if first < 0 {
		return nil, layoutErr(g.name, hdr+2, 1, "a province name in one of the 5 rows under the header", "none")
	}
	// The header block: from the first non-empty row down to the row above the first data row.
	top := hdr
	for top > 0 && len(g.rows[top-1]) > 0 {
		top--
	}
	label := func(c int) string {
		var parts []string
		for r := top; r < first; r++ {
			if s := strings.TrimSpace(g.cell(r, c)); s != "" {
				parts = append(parts, strings.Join(strings.Fields(s), " "))
			}
		}
		return strings.Join(parts, " / ")
	}
	// Province columns: the cells of the first data row that are names.
	var nameCols []int
	isName := map[int]bool{}
	for c, s := range g.rows[first] {
		if nameCell(reg, s) {
			nameCols = append(nameCols, c)
			isName[c] = true
		}
	}
	nameColOf := func(c int) int {
		best := -1
		if len(nameCols) == 1 {
			return nameCols[0] // one name column for the whole table, wherever it is
		}
		for _, n := range nameCols {
			if n < c {
				best = n
			}
		}
		return best
	}
	var cols []pciColumn
	seen := map[string]int{}
	idCol := -1
	for c := range g.width() {
		if isName[c] {
			continue
		}
		l := label(c)
		kind := classifyPCIHeader(l)
		if c == pciCol {
			kind = "pci"
		}
		switch {
		case l == "" && c == 0:
			idCol = c // the row numbers left of the table (2006)
			continue
		case kind == "id":
			if idCol < 0 {
				idCol = c
			}
			t.skipped = append(t.skipped, fmt.Sprintf("column %s %q: the publisher's row ids", colName(c), l))
			continue
		case kind == "":
			if l != "" {
				t.skipped = append(t.skipped, fmt.Sprintf("column %s %q", colName(c), l))
			}
			continue
		}
		nc := nameColOf(c)
		if nc < 0 {
			return nil, layoutErr(g.name, first+1, c+1, "a province name column left of "+quote(l), "none")
		}
		key := kind
		if prev, dup := seen[key]; dup {
			return nil, layoutErr(g.name, hdr+1, c+1, "one column for "+key,
				fmt.Sprintf("a second one: %s %q (column %s is %q)", colName(c), l, colName(prev), label(prev)))
		}
		seen[key] = c
		pc := pciColumn{col: c, nameCol: nc, label: l}
		if kind == "rank" {
			pc.rank = true
		} else {
			pc.indicator = kind
		}
		cols = append(cols, pc)
	}
	var score *pciColumn
	for i := range cols {
		if cols[i].indicator == "pci" {
			score = &cols[i]
		}
	}
	if score == nil {
		return nil, layoutErr(g.name, hdr+1, pciCol+1, "the final weighted PCI column", quote(label(pciCol)))
	}

	// The year: from the PCI column's header, else from the file name; --year must agree.
	nameYear := 0
	if m := yearInText.FindStringSubmatch(base); m != nil {
		nameYear, _ = strconv.Atoi(m[1])
	}
	if m := yearInText.FindStringSubmatch(score.label); m != nil {
		t.year, _ = strconv.Atoi(m[1])
		t.used = append(t.used, fmt.Sprintf("year %d from the header of column %s %q", t.year, colName(score.col), score.label))
		if nameYear != 0 && nameYear != t.year && wantYear != t.year {
			return nil, layoutErr(g.name, hdr+1, score.col+1, fmt.Sprintf("figures for %d, as the file name says", nameYear),
				fmt.Sprintf("%q, figures for %d — wrong sheet? (pick one with --sheet, or pass --year %d if the file name is wrong)", score.label, t.year, t.year))
		}
	} else if nameYear != 0 {
		t.year = nameYear
		t.used = append(t.used, fmt.Sprintf("year %d from the file name (the header %q has none)", t.year, score.label))
	} else if wantYear != 0 {
		t.year = wantYear
		t.used = append(t.used, fmt.Sprintf("year %d from --year", t.year))
	} else {
		return nil, layoutErr(g.name, hdr+1, score.col+1, "a year in the PCI column's header or the file name, or --year", quote(score.label))
	}
	if wantYear != 0 && wantYear != t.year {
		return nil, &ParseError{File: file, Sheet: g.name, Line: hdr + 1, Column: score.col + 1, Field: "--year",
			Want: fmt.Sprintf("%d, the year of the file", t.year), Got: fmt.Sprint(wantYear)}
	}

	// The rank: a rank column, else the row ids if they are the order of the PCI (2006, 2008).
	var rank *pciColumn
	for i := range cols {
		if cols[i].rank {
			rank = &cols[i]
		}
	}

	// The data rows: from the first one down to the first row without a name in the first
	// province column; total and summary rows in between are skipped.
	last := first
	var skippedRows, summaryRows []int
	for r := first; r < len(g.rows); r++ {
		s := g.cell(r, nameCols[0])
		if s == "" {
			break
		}
		if _, ok := summaryRow(s); ok {
			summaryRows = append(summaryRows, r+1)
			continue
		}
		last = r
	}
	for r := last + 1; r < len(g.rows); r++ {
		if len(g.rows[r]) > 0 && !slicesAllEmpty(g.rows[r]) && !containsInt(summaryRows, r+1) {
			skippedRows = append(skippedRows, r+1)
		}
	}
	if rank == nil && idCol >= 0 {
		if ok := rowIDsAreRanks(g, first, last, idCol, score.col, summaryRows); ok {
			rank = &pciColumn{col: idCol, nameCol: score.nameCol, rank: true, label: label(idCol)}
			t.used = append(t.used, fmt.Sprintf("rank from column %s %q (the row order, checked against the order of column %s)", colName(idCol), label(idCol), colName(score.col)))
		}
	}
	src := func(c pciColumn) string {
		return fmt.Sprintf("VCCI PCI %d data file (%s, sheet %q, column %s %q)", t.year, base, strings.TrimSpace(g.name), colName(c.col), c.label)
	}
	// Each figure column yields one row per province row; the rank joins the PCI by name.
	ranks := map[string]string{}
	rankLine := map[string]int{}
	if rank != nil {
		for r := first; r <= last; r++ {
			if containsInt(summaryRows, r+1) {
				continue
			}
			name := g.cell(r, rank.nameCol)
			if rank.nameCol == score.nameCol || rank.col == idCol {
				name = g.cell(r, score.nameCol)
			}
			ranks[name] = strings.TrimSuffix(g.cell(r, rank.col), ".00")
			rankLine[name] = r + 1
		}
		if rank.col != idCol {
			t.used = append(t.used, fmt.Sprintf("column %s %q → pci (rank), names in column %s", colName(rank.col), rank.label, colName(rank.nameCol)))
		}
	}
	for _, c := range cols {
		if c.rank {
			continue
		}
		t.used = append(t.used, fmt.Sprintf("column %s %q → %s, names in column %s", colName(c.col), c.label, c.indicator, colName(c.nameCol)))
		for r := first; r <= last; r++ {
			if containsInt(summaryRows, r+1) {
				continue
			}
			name := g.cell(r, c.nameCol)
			v := g.cell(r, c.col)
			if name == "" && v == "" {
				continue
			}
			row := recipeRow{line: r + 1, province: name, indicator: c.indicator, value: v, source: src(c)}
			if a := vcciAlias(name); a != "" {
				row.province = a
			}
			if c.indicator == "pci" {
				row.rank = ranks[name]
				delete(ranks, name)
			}
			t.rows = append(t.rows, row)
		}
	}
	for name, rk := range ranks { // a rank whose name has no PCI score
		t.rows = append(t.rows, recipeRow{line: rankLine[name], province: name, indicator: "pci", rank: rk, source: src(*rank)})
	}
	t.used = append(t.used, fmt.Sprintf("rows %d–%d of sheet %q", first+1, last+1, strings.TrimSpace(g.name)))
	if len(summaryRows) > 0 {
		t.skipped = append(t.skipped, fmt.Sprintf("rows %s: totals or summaries", rowRanges(summaryRows)))
	}
	if len(skippedRows) > 0 {
		t.skipped = append(t.skipped, fmt.Sprintf("rows %s: under the table (helper rows)", rowRanges(skippedRows)))
	}
	for _, x := range gs {
		if x != g {
			t.skipped = append(t.skipped, fmt.Sprintf("sheet %q", strings.TrimSpace(x.name)))
		}
	}
	if err := t.resolveDay(reg); err != nil {
		return nil, err
	}
	return t, nil
}

// resolveDay sets the day whose units the names refer to: the end of the year, unless a
// name is of a unit that ended during the year (Hà Tây, 2008), whose last day it then is.
func (t *recipeTable) resolveDay(reg *Registry) error {
	end := YearEnd(t.year)
	start := time.Date(t.year, time.January, 1, 0, 0, 0, 0, time.UTC)
	day := end
	for _, r := range t.rows {
		units, err := reg.Matches(r.province)
		if err != nil {
			continue
		}
		for _, u := range units {
			if !u.ValidTo.IsZero() && u.ValidTo.Before(day) && !u.ValidTo.Before(start) {
				day = u.ValidTo
			}
		}
	}
	if day != end {
		t.unitsDay = day
		t.used = append(t.used, fmt.Sprintf("provinces as on %s (a unit of the file ended during %d)", day.Format(time.DateOnly), t.year))
	}
	return nil
}

// rowIDsAreRanks reports whether the numbers in column id are 1, 2, … down the rows and the
// scores in column score fall as they rise: the row order is the rank.
func rowIDsAreRanks(g *grid, first, last, id, score int, skip []int) bool {
	prev := 0.0
	n := 0
	for r := first; r <= last; r++ {
		if containsInt(skip, r+1) {
			continue
		}
		n++
		k, err := strconv.Atoi(strings.TrimSuffix(g.cell(r, id), ".0"))
		if err != nil || k != n {
			return false
		}
		v, err := strconv.ParseFloat(g.cell(r, score), 64)
		if err != nil || (n > 1 && v > prev) {
			return false
		}
		prev = v
	}
	return n > 0
}

func containsInt(xs []int, x int) bool {
	for _, y := range xs {
		if y == x {
			return true
		}
	}
	return false
}

func slicesAllEmpty(ss []string) bool {
	for _, s := range ss {
		if s != "" {
			return false
		}
	}
	return true
}
