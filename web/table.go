package web

import (
	"net/url"
	"regexp"
	"strconv"
	"strings"

	"chiso/words"
)

// A Cell is one cell of a table as a page shows it: its text (numbers written as the page's
// language writes them), a link, and whether it is a number (aligned right).
type Cell struct {
	Text, Href string
	Num        bool
	Long       bool // a long text (a citation): shown short, whole on demand
}

// A TableView is a table of text rows (header first) ready for the page: see Table.
type TableView struct {
	Head []string
	Rows [][]Cell
}

var (
	decimal = regexp.MustCompile(`^-?\d+\.\d+$`)
	integer = regexp.MustCompile(`^-?\d{5,}$`)
)

// Table prepares rows (header first) for a page in lang: numbers written in the language
// (63,8 in Vietnamese), and every cell of a province column (headed "Tỉnh, thành phố" or
// "Province", or listed in linkCols) a link to that province's profile.
func Table(lang string, rows [][]string, linkCols ...int) TableView {
	var v TableView
	if len(rows) == 0 {
		return v
	}
	v.Head = rows[0]
	link := map[int]bool{}
	for _, c := range linkCols {
		link[c] = true
	}
	for i, h := range v.Head {
		if h == words.Text(lang, "province") {
			link[i] = true
		}
	}
	for _, row := range rows[1:] {
		cells := make([]Cell, len(row))
		for i, s := range row {
			c := Cell{Text: s}
			switch {
			case decimal.MatchString(s):
				f, _ := strconv.ParseFloat(s, 64)
				_, frac, _ := strings.Cut(s, ".")
				c.Text, c.Num = words.Number(lang, f, len(frac)), true
			case integer.MatchString(s):
				f, _ := strconv.ParseFloat(s, 64)
				c.Text, c.Num = words.Number(lang, f, 0), true
			case isInt(s):
				c.Num = true
			}
			if link[i] && s != "" && !c.Num {
				c.Href = "/provinces/" + url.PathEscape(s) + "?lang=" + lang
			}
			c.Long = len([]rune(s)) > 90
			cells[i] = c
		}
		v.Rows = append(v.Rows, cells)
	}
	return v
}

func isInt(s string) bool {
	_, err := strconv.Atoi(s)
	return err == nil
}

// Short is the first words of a long text, for a cell that shows the whole on demand.
func Short(s string) string {
	r := []rune(s)
	if len(r) <= 60 {
		return s
	}
	cut := strings.LastIndex(string(r[:60]), " ")
	if cut < 20 {
		cut = len(string(r[:60]))
	}
	return strings.TrimRight(string(r[:60])[:cut], " ,;(") + " …"
}
