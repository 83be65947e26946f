package report

import (
	"context"
	"fmt"
	"slices"

	"chiso/analytics"
	"chiso/charts"
	"chiso/datasets"
	"chiso/words"
)

// scatterChart plots two indicators against each other across the provinces in a year (by
// default the latest in which both have figures for at least three), with the OLS line and r.
func scatterChart(ctx context.Context, store *datasets.Store, s ChartSpec) (Chart, error) {
	p, err := loadPanel(ctx, store, s.View, []string{s.X.ID, s.Y.ID}, 0, 0)
	if err != nil {
		return Chart{}, err
	}
	reg := store.Registry()
	both := func(u datasets.Unit, y int) (x, yv float64, ok bool) {
		x, a := p.value(s.X.ID, u.ID, y)
		yv, b := p.value(s.Y.ID, u.ID, y)
		return x, yv, a && b
	}
	year := s.Year
	if year == 0 {
		for _, y := range slices.Backward(p.years(s.X.ID, 0, 0)) {
			n := 0
			for _, u := range reg.Units(s.Set, y) {
				if _, _, ok := both(u, y); ok {
					n++
				}
			}
			if n >= minGroup {
				year = y
				break
			}
		}
	}
	want := wanted(s.Provinces)
	units := reg.Units(s.Set, year)
	si := charts.ScatterInput{XName: IndicatorName(s.X, s.Lang), YName: IndicatorName(s.Y, s.Lang)}
	c := Chart{Table: Table{Name: "chiso-scatter.csv", Header: []string{words.Text(s.Lang, "province"), si.XName, si.YName}}}
	var xs, ys []float64
	for _, u := range units {
		x, y, ok := both(u, year)
		if !ok {
			continue
		}
		xs, ys = append(xs, x), append(ys, y)
		si.Points = append(si.Points, charts.ScatterPoint{Name: UnitName(u, s.Lang), X: x, Y: y, Highlight: want[u.ID]})
		c.Table.Rows = append(c.Table.Rows, []string{UnitName(u, s.Lang), ftoa(x), ftoa(y)})
	}
	sub := coverageNote(len(xs), len(units), s.Lang)
	if len(xs) >= minGroup { // a line and an r of fewer than five provinces say little: not drawn
		if a, b, err := analytics.LinearFit(xs, ys); err == nil {
			si.Intercept, si.Slope = a, b
		}
		if r, err := analytics.Correlate(xs, ys); err == nil && r.Pearson != nil {
			si.R = r.Pearson
			sub = joinNotes(fmt.Sprintf("r = %s, n = %d", words.Number(s.Lang, *r.Pearson, 2), r.N), sub)
		}
	}
	c.Caption = charts.Caption{Title: fmt.Sprintf("%s × %s %d", si.XName, si.YName, year), Subtitle: sub,
		Source: s.X.Publisher + "; " + s.Y.Publisher}
	si.Caption = c.Caption
	c.Input = si
	return c, nil
}
