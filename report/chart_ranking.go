package report

import (
	"context"
	"fmt"
	"regexp"
	"slices"
	"sort"
	"strconv"
	"strings"

	"chiso/analytics"
	"chiso/charts"
	"chiso/datasets"
	"chiso/words"
)

// topOnly matches a publication break's note that the publisher gives only its top N.
var topOnly = regexp.MustCompile(`(?i)only for the top (\d+)`)

// withheldNote is how a chart names the figures the publisher withholds in year: "not
// published (top 30 only)" from a publication break that limits what is published, else "".
func withheldNote(in datasets.Indicator, year int, lang string) string {
	note := ""
	for _, b := range in.Breaks {
		if b.Kind == "publication" && b.Year <= year {
			if m := topOnly.FindStringSubmatch(b.Note); m != nil {
				note = fmt.Sprintf(words.Text(lang, "withheld_top"), m[1])
			}
		}
	}
	return note
}

// rankingChart builds a year's ranking as bars, or the same figures as a tile map.
func rankingChart(ctx context.Context, store *datasets.Store, s ChartSpec) (Chart, error) {
	in := s.Indicator
	p, err := loadPanel(ctx, store, s.View, []string{in.ID}, 0, 0)
	if err != nil {
		return Chart{}, err
	}
	year := s.Year
	if year == 0 {
		year = p.latestYear(in.ID)
	}
	units := store.Registry().Units(s.Set, year)
	want := wanted(s.Provinces)
	type row struct {
		u     datasets.Unit
		f     datasets.Figure
		ok    bool
		v     float64
		value bool
	}
	rows := make([]row, len(units))
	have := 0
	for i, u := range units {
		f, ok := p.figure(in.ID, u.ID, year)
		v, hv := p.value(in.ID, u.ID, year)
		rows[i] = row{u, f, ok, v, hv}
		if hv {
			have++
		}
	}
	hib := orderOf(in)
	sort.SliceStable(rows, func(i, j int) bool {
		if rows[i].value && rows[j].value {
			return gap(rows[j].v, rows[i].v, hib) < 0
		}
		return rows[i].value && !rows[j].value
	})
	withheld := withheldNote(in, year, s.Lang)
	c := Chart{Table: figureTable(s.Lang, "chiso-"+s.Kind+".csv")}
	c.Caption = charts.Caption{Title: fmt.Sprintf("%s %d", IndicatorName(in, s.Lang), year), Subtitle: coverageNote(have, len(units), s.Lang), Source: in.Publisher}
	if slices.ContainsFunc(rows, func(r row) bool { return p.derivation(in.ID, r.u.ID, year) != nil }) {
		c.Caption.Subtitle = joinNotes(words.Text(s.Lang, "derived_ranking"), c.Caption.Subtitle)
	}
	var vals []float64
	withheldN := 0
	for _, r := range rows {
		row := figureRow(s.Lang, r.u, year, r.f, r.ok, p.alternatives(in.ID, r.u.ID, year))
		if withheld != "" && r.ok && r.f.Status == "not_published" {
			row[5] = withheld
			withheldN++
		}
		c.Table.Rows = append(c.Table.Rows, row)
		if r.value {
			vals = append(vals, r.v)
		}
	}
	if withheldN > 0 {
		c.Caption.Subtitle = joinNotes(c.Caption.Subtitle, fmt.Sprintf("%d: %s", withheldN, strings.ToLower(withheld)))
	}
	if s.Kind == "map" {
		mi := charts.MapInput{Caption: c.Caption, HigherIsBetter: hib}
		if len(vals) > 0 {
			mi.Min, mi.Max = slices.Min(vals), slices.Max(vals)
		}
		var vi []string
		for _, r := range rows {
			vi = append(vi, r.u.NameVI)
		}
		labels := charts.TileLabels(vi)
		mi.NotPublished = withheld
		for i, r := range rows {
			col, rw, ok := charts.TilePosition(r.u.Set, r.u.Code)
			if !ok {
				continue
			}
			pt := p.chartPoint(in.ID, r.u.ID, year)
			mi.Tiles = append(mi.Tiles, charts.Tile{Code: r.u.Code, Name: UnitName(r.u, s.Lang), Label: labels[i],
				Col: col, Row: rw, Point: pt})
		}
		c.Input = mi
		return c, nil
	}
	ri := charts.RankingInput{Caption: c.Caption, Unit: UnitOfMeasure(in, s.Lang), NotPublished: withheld}
	if d, err := analytics.NewDistribution(vals); err == nil {
		ri.Median = new(d.Median)
		ri.MedianName = fmt.Sprintf(words.Text(s.Lang, "median_of"), strconv.Itoa(d.N))
	}
	for _, r := range rows {
		pt := p.chartPoint(in.ID, r.u.ID, year)
		if pt.Value == nil && !pt.NotPublished {
			continue // no figure: not a bar; the caption gives the coverage
		}
		ri.Names = append(ri.Names, UnitName(r.u, s.Lang))
		ri.Points = append(ri.Points, pt)
		ri.Highlight = append(ri.Highlight, want[r.u.ID])
	}
	c.Input = ri
	return c, nil
}
