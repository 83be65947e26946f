package report

import (
	"context"
	"fmt"

	"chiso/charts"
	"chiso/datasets"
)

// radarChart shows the pillars of an index (dti) for one to four provinces in a year.
func radarChart(ctx context.Context, store *datasets.Store, s ChartSpec) (Chart, error) {
	var axes []datasets.Indicator
	for _, in := range store.Catalogue().All() {
		if in.Parent == s.Indicator.ID {
			axes = append(axes, in)
		}
	}
	if len(axes) < 3 {
		return Chart{}, &ParamError{Param: "indicator", Want: "an index with pillars or sub-indices (dti)", Got: Quote(s.Indicator.ID)}
	}
	if len(s.Provinces) == 0 {
		return Chart{}, &ParamError{Param: "provinces", Want: "one to four province codes or names", Got: "nothing"}
	}
	ids := make([]string, len(axes))
	for i, a := range axes {
		ids[i] = a.ID
	}
	p, err := loadPanel(ctx, store, s.View, ids, 0, 0)
	if err != nil {
		return Chart{}, err
	}
	year := s.Year
	if year == 0 {
		for _, id := range ids {
			year = max(year, p.latestYear(id))
		}
	}
	ri := charts.RadarInput{}
	c := Chart{Table: figureTable(s.Lang, "chiso-radar.csv")}
	for _, a := range axes {
		mx := 1.0
		if a.ScaleMax != nil {
			mx = *a.ScaleMax
		}
		ri.Axes = append(ri.Axes, charts.RadarAxis{Name: IndicatorName(a, s.Lang), Max: mx})
	}
	have, total := 0, 0
	for _, chain := range s.Provinces {
		for _, u := range chain {
			if !u.InForce(datasets.YearEnd(year)) && len(chain) > 1 {
				continue
			}
			sr := charts.Series{Name: UnitName(u, s.Lang)}
			for _, a := range axes {
				f, ok := p.figure(a.ID, u.ID, year)
				pt := p.chartPoint(a.ID, u.ID, year)
				sr.Points = append(sr.Points, pt)
				row := figureRow(s.Lang, u, year, f, ok)
				row[0] = UnitName(u, s.Lang) + " — " + IndicatorName(a, s.Lang)
				c.Table.Rows = append(c.Table.Rows, row)
				total++
				if pt.Value != nil {
					have++
				}
			}
			ri.Series = append(ri.Series, sr)
		}
	}
	c.Caption = charts.Caption{Title: fmt.Sprintf("%s %d", IndicatorName(s.Indicator, s.Lang), year), Source: s.Indicator.Publisher}
	if have < total && s.Lang != "en" {
		c.Caption.Subtitle = fmt.Sprintf("%d/%d điểm trụ cột có số liệu", have, total)
	} else if have < total {
		c.Caption.Subtitle = fmt.Sprintf("%d of %d pillar scores have a figure", have, total)
	}
	ri.Caption = c.Caption
	c.Input = ri
	return c, nil
}
