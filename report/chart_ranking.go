package report

import (
	"context"
	"fmt"
	"slices"
	"sort"

	"chiso/analytics"
	"chiso/charts"
	"chiso/datasets"
	"chiso/words"
)

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
	c := Chart{Table: figureTable(s.Lang, "chiso-"+s.Kind+".csv")}
	c.Caption = charts.Caption{Title: fmt.Sprintf("%s %d", IndicatorName(in, s.Lang), year), Subtitle: coverageNote(have, len(units), s.Lang), Source: in.Publisher}
	if slices.ContainsFunc(rows, func(r row) bool { return p.derivation(in.ID, r.u.ID, year) != nil }) {
		c.Caption.Subtitle = joinNotes(words.Text(s.Lang, "derived_ranking"), c.Caption.Subtitle)
	}
	var vals []float64
	for _, r := range rows {
		c.Table.Rows = append(c.Table.Rows, figureRow(s.Lang, r.u, year, r.f, r.ok))
		if r.value {
			vals = append(vals, r.v)
		}
	}
	if s.Kind == "map" {
		mi := charts.MapInput{Caption: c.Caption, HigherIsBetter: hib}
		if len(vals) > 0 {
			mi.Min, mi.Max = slices.Min(vals), slices.Max(vals)
		}
		for _, r := range rows {
			col, rw, ok := charts.TilePosition(r.u.Set, r.u.Code)
			if !ok {
				continue
			}
			mi.Tiles = append(mi.Tiles, charts.Tile{Code: r.u.Code, Name: UnitName(r.u, s.Lang), Label: charts.TileLabel(r.u.NameVI),
				Col: col, Row: rw, Point: p.chartPoint(in.ID, r.u.ID, year)})
		}
		c.Input = mi
		return c, nil
	}
	ri := charts.RankingInput{Caption: c.Caption, Unit: in.UnitOfMeasure}
	if d, err := analytics.NewDistribution(vals); err == nil {
		ri.Median = new(d.Median)
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
