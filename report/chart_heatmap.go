package report

import (
	"context"
	"sort"

	"chiso/charts"
	"chiso/datasets"
	"chiso/words"
)

// heatmapChart builds a provinces × years heatmap of published ranks (or values).
func heatmapChart(ctx context.Context, store *datasets.Store, s ChartSpec) (Chart, error) {
	in := s.Indicator
	p, err := loadPanel(ctx, store, s.View, []string{in.ID}, 0, 0)
	if err != nil {
		return Chart{}, err
	}
	years := p.years(in.ID, s.From, s.To)
	units := chartUnits(p, in.ID, s.Provinces)
	if len(units) == 0 {
		for id := range p.figures[in.ID] {
			u, _ := store.Registry().Unit(id)
			units = append(units, u)
		}
		sort.Slice(units, func(i, j int) bool { return units[i].ID < units[j].ID })
	}
	hi := charts.HeatmapInput{Years: years, Ranks: s.Ranks, Min: 1, Max: 1}
	c := Chart{Table: figureTable(s.Lang, "chiso-heatmap.csv")}
	first := true
	for _, u := range units {
		hi.Names = append(hi.Names, UnitName(u, s.Lang))
		var row []charts.Point
		for _, y := range years {
			f, ok := p.figure(in.ID, u.ID, y)
			pt := p.chartPoint(in.ID, u.ID, y)
			if s.Ranks {
				pt.Value = rankPoint(f, ok).Value
			}
			if pt.Value != nil {
				if first {
					hi.Min, hi.Max, first = *pt.Value, *pt.Value, false
				}
				hi.Min, hi.Max = min(hi.Min, *pt.Value), max(hi.Max, *pt.Value)
			}
			row = append(row, pt)
			if ok {
				c.Table.Rows = append(c.Table.Rows, figureRow(s.Lang, u, y, f, ok, p.alternatives(in.ID, u.ID, y)))
			}
		}
		hi.Cells = append(hi.Cells, row)
	}
	title := IndicatorName(in, s.Lang)
	if s.Ranks {
		title += " — " + words.Text(s.Lang, "rank")
	}
	c.Caption = charts.Caption{Title: title, Subtitle: span(years), Source: in.Publisher}
	hi.Caption = c.Caption
	c.Input = hi
	return c, nil
}
