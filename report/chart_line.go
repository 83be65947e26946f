package report

import (
	"context"
	"fmt"
	"strconv"
	"strings"

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
	years := yearAxis(p.years(in.ID, s.From, s.To), s.From, s.To)
	units := chartUnits(p, in.ID, s.Provinces)
	bump := s.Kind == "bump"
	c := Chart{Table: figureTable(s.Lang, "chiso-"+s.Kind+".csv")}
	var series []charts.Series
	drawn, withYear := 0, map[int]bool{}
	var none []string
	for _, u := range units {
		sr := charts.Series{Name: UnitName(u, s.Lang), Highlight: len(units) == 1}
		points := 0
		for _, y := range years {
			f, ok := p.figure(in.ID, u.ID, y)
			pt := figurePoint(f, ok)
			if bump {
				pt = rankPoint(f, ok)
			}
			pt.Derived = p.derivation(in.ID, u.ID, y) != nil && ok
			if pt.Value != nil {
				points++
				withYear[y] = true
			}
			sr.Points = append(sr.Points, pt)
			if ok {
				c.Table.Rows = append(c.Table.Rows, figureRow(s.Lang, u, y, f, ok, p.alternatives(in.ID, u.ID, y)))
			}
		}
		if points == 0 {
			none = append(none, UnitName(u, s.Lang))
			c.Table.Rows = append(c.Table.Rows, figureRow(s.Lang, u, 0, datasets.Figure{}, false, nil))
			continue // nothing to draw: named in the caption, not an empty legend entry
		}
		drawn++
		series = append(series, sr)
	}
	c.Caption = charts.Caption{Title: IndicatorName(in, s.Lang), Subtitle: joinNotes(lineCoverage(drawn, len(units), years, len(withYear), s.Lang), noFigureNote(none, s.Lang)), Source: in.Publisher}
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
	li := charts.LineInput{Caption: c.Caption, Unit: UnitOfMeasure(in, s.Lang), Years: years, Series: series, Breaks: methodBreaks(in, years)}
	for _, u := range units {
		other := charts.Series{Name: UnitName(u, s.Lang) + " — " + words.Text(s.Lang, "other_source")}
		any := false
		for _, y := range years {
			var pt charts.Point
			for _, a := range p.alternatives(in.ID, u.ID, y) {
				if a.Value != nil && a.Status == "published" {
					pt = charts.Point{Value: a.Value, Unverified: !a.Verified}
					any = true
					break
				}
			}
			other.Points = append(other.Points, pt)
		}
		if any {
			li.Others = append(li.Others, other)
		}
	}
	lo, hi := 0, 0
	for _, y := range years {
		vals := p.values(in.ID, store.Registry().Units(s.Set, y), y)
		var m *float64
		if d, err := analytics.NewDistribution(vals); err == nil && len(vals) >= 10 {
			m = new(d.Median)
			if lo == 0 || len(vals) < lo {
				lo = len(vals)
			}
			hi = max(hi, len(vals))
		}
		li.Median = append(li.Median, m)
	}
	if hi > 0 {
		n := strconv.Itoa(lo)
		if hi > lo {
			n += "–" + strconv.Itoa(hi)
		}
		li.MedianName = fmt.Sprintf(words.Text(s.Lang, "median_of"), n)
	}
	if s.Trend && len(units) == 1 {
		li.Trend = trendLine(p, in, units[0], years, UnitName(units[0], s.Lang))
	}
	c.Input = li
	return c, nil
}

// yearAxis is the years a chart over time shows: every year from the first to the last (the
// range asked for, if any), so that a year without figures is a gap, not a missing tick.
func yearAxis(withFigures []int, from, to int) []int {
	if len(withFigures) == 0 && (from == 0 || to == 0) {
		return withFigures
	}
	first, last := from, to
	if first == 0 {
		first = withFigures[0]
	}
	if last == 0 {
		last = withFigures[len(withFigures)-1]
	}
	if last-first > 100 { // a range no data fills: from the first to the last year with figures
		first, last = max(first, withFigures[0]), min(last, withFigures[len(withFigures)-1])
	}
	var out []int
	for y := first; y <= last; y++ {
		out = append(out, y)
	}
	return out
}

// lineCoverage says how many provinces and years of a chart over time have figures:
// "3 trên 4 tỉnh, thành phố có số liệu; 2006–2024, 18 trên 19 năm".
func lineCoverage(drawn, units int, years []int, withFigures int, lang string) string {
	var parts []string
	if drawn < units {
		parts = append(parts, fmt.Sprintf(words.Text(lang, "provinces_with_figures"), drawn, units))
	}
	if len(years) > 0 {
		sp := span(years)
		if withFigures < len(years) {
			sp += ", " + fmt.Sprintf(words.Text(lang, "years_with_figures"), withFigures, len(years))
		}
		parts = append(parts, sp)
	}
	return strings.Join(parts, "; ")
}

// noFigureNote names the provinces asked for that have no figure to draw.
func noFigureNote(names []string, lang string) string {
	if len(names) == 0 {
		return ""
	}
	return words.Text(lang, "no_figures_for") + ": " + strings.Join(names, ", ")
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
