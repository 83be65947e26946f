package report

import (
	"context"

	"chiso/analytics"
	"chiso/charts"
	"chiso/datasets"
	"chiso/words"
)

// lineChart builds a line chart of values (with the national median and, for one province,
// its trend) or a bump chart of published ranks, for one to eight provinces over the years.
func lineChart(ctx context.Context, store *datasets.Store, s ChartSpec) (Chart, error) {
	in := s.Indicator
	if len(s.Provinces) == 0 {
		return Chart{}, &ParamError{Param: "provinces", Want: "one to eight province codes or names", Got: "nothing"}
	}
	p, err := loadPanel(ctx, store, s.View, []string{in.ID}, 0, 0)
	if err != nil {
		return Chart{}, err
	}
	years := p.years(in.ID, s.From, s.To)
	units := chartUnits(p, in.ID, s.Provinces)
	bump := s.Kind == "bump"
	c := Chart{Table: figureTable(s.Lang, "chiso-"+s.Kind+".csv")}
	var series []charts.Series
	have := 0
	for _, u := range units {
		sr := charts.Series{Name: UnitName(u, s.Lang), Highlight: len(units) == 1}
		for _, y := range years {
			f, ok := p.figure(in.ID, u.ID, y)
			pt := figurePoint(f, ok)
			if bump {
				pt = rankPoint(f, ok)
			}
			pt.Derived = p.derivation(in.ID, u.ID, y) != nil && ok
			if pt.Value != nil {
				have++
			}
			sr.Points = append(sr.Points, pt)
			c.Table.Rows = append(c.Table.Rows, figureRow(s.Lang, u, y, f, ok))
		}
		series = append(series, sr)
	}
	c.Caption = charts.Caption{Title: IndicatorName(in, s.Lang), Subtitle: joinNotes(span(years), coverageNote(have, len(units)*len(years), s.Lang)), Source: in.Publisher}
	if bump {
		c.Caption.Title += " — " + words.Text(s.Lang, "rank")
		maxRank := 0
		for _, ys := range p.figures[in.ID] {
			for _, f := range ys {
				if f.RankOf != nil {
					maxRank = max(maxRank, *f.RankOf)
				}
			}
		}
		bi := charts.BumpInput{Caption: c.Caption, Years: years, Series: series, Breaks: methodBreaks(in, years), MaxRank: maxRank}
		c.Input = bi
		return c, nil
	}
	li := charts.LineInput{Caption: c.Caption, Unit: in.UnitOfMeasure, Years: years, Series: series, Breaks: methodBreaks(in, years)}
	for _, y := range years {
		vals := p.values(in.ID, store.Registry().Units(s.Set, y), y)
		var m *float64
		if d, err := analytics.NewDistribution(vals); err == nil && len(vals) >= 10 {
			m = new(d.Median)
		}
		li.Median = append(li.Median, m)
	}
	if s.Trend && len(units) == 1 {
		li.Trend = trendLine(p, in, units[0], years, UnitName(units[0], s.Lang))
	}
	c.Input = li
	return c, nil
}

// trendLine fits the OLS trend of one unit's values (since the last method break) with its band.
func trendLine(p *panel, in datasets.Indicator, u datasets.Unit, years []int, label string) *charts.TrendLine {
	if len(years) == 0 {
		return nil
	}
	win := TrendWindow(in, years[0], years[len(years)-1], false)
	var xs, ys []float64
	for _, y := range years {
		if v, ok := p.value(in.ID, u.ID, y); ok && y >= win.From {
			xs, ys = append(xs, float64(y)), append(ys, v)
		}
	}
	s, err := analytics.NewSeries(xs, ys)
	if err != nil {
		return nil
	}
	at := make([]float64, len(years))
	for i, y := range years {
		at[i] = float64(y)
	}
	fit, lo, hi, err := analytics.ConfidenceBand(s, at)
	if err != nil {
		return nil
	}
	t := &charts.TrendLine{Name: label}
	for i, y := range years {
		if y < win.From {
			t.Fitted, t.Lo, t.Hi = append(t.Fitted, nil), append(t.Lo, nil), append(t.Hi, nil)
			continue
		}
		t.Fitted, t.Lo, t.Hi = append(t.Fitted, new(fit[i])), append(t.Lo, new(lo[i])), append(t.Hi, new(hi[i]))
	}
	return t
}
