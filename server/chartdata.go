package server

import (
	"context"
	"fmt"
	"net/url"
	"slices"
	"sort"
	"strconv"
	"strings"

	"gonum.org/v1/gonum/stat"

	"chiso/analytics"
	"chiso/charts"
	"chiso/datasets"
	"chiso/web"
)

// A chartSpec is what a chart URL asks for: /charts/{kind}.png?indicator=pci&provinces=93…
type chartSpec struct {
	kind      string
	lang      string
	indicator datasets.Indicator
	x, y      datasets.Indicator // scatter
	provinces [][]datasets.Unit
	from, to  int
	year      int
	set       string
	trend     bool
	query     url.Values // the parameters as given, to build links
}

// parseChartSpec reads a chart's parameters.
func parseChartSpec(kind string, q *query, store *datasets.Store) chartSpec {
	cat := store.Catalogue()
	s := chartSpec{kind: kind, lang: lang(q.Values), query: q.Values}
	if !charts.IsKind(kind) {
		q.keep(fmt.Errorf("no chart %q (charts: %s): %w", kind, strings.Join(charts.Kinds(), ", "), datasets.ErrNotFound))
		return s
	}
	switch kind {
	case "scatter":
		s.x, s.y = q.indicator("x", cat), q.indicator("y", cat)
	case "radar":
		if q.Get("indicator") == "" {
			q.Set("indicator", "dti") // the index whose pillars the radar shows
		}
		s.indicator = q.indicator("indicator", cat)
	default:
		s.indicator = q.indicator("indicator", cat)
	}
	s.provinces = q.provinces(store.Registry())
	s.from, s.to = q.yearRange()
	s.year = q.year("year")
	s.set = q.unitSet()
	s.trend = q.boolean("trend", false)
	if kind == "line" && len(s.provinces) > 8 {
		q.keep(&paramError{Param: "provinces", Want: "at most 8 provinces", Got: strconv.Itoa(len(s.provinces))})
	}
	if kind == "radar" && len(s.provinces) > 4 {
		q.keep(&paramError{Param: "provinces", Want: "at most 4 provinces", Got: strconv.Itoa(len(s.provinces))})
	}
	return s
}

// lang reads lang: "vi" (default) or "en".
func lang(q url.Values) string {
	if q.Get("lang") == "en" {
		return "en"
	}
	return "vi"
}

// A builtChart is a chart and everything that travels with it.
type builtChart struct {
	chart   charts.Chart
	input   charts.Input // the charts input, for the static image
	caption charts.Caption
	table   [][]string // header first: the data behind the chart
}

func name(in datasets.Indicator, lang string) string {
	if lang == "en" {
		return in.NameEN
	}
	return in.NameVI
}

func unitName(u datasets.Unit, lang string) string {
	if lang == "en" {
		return u.NameEN
	}
	return u.NameVI
}

func ptr(v float64) *float64 { return &v }

func point(f datasets.Figure, ok bool) charts.Point {
	if !ok {
		return charts.Point{}
	}
	p := charts.Point{Value: f.Value, NotPublished: f.Status == "not_published", Unverified: !f.Verified}
	if f.Status != "published" {
		p.Value = nil
	}
	return p
}

// coverageNote says how many units have a figure, when not all do: "27/63 tỉnh có số liệu".
func coverageNote(n, of int, lang string) string {
	if n >= of || of == 0 {
		return ""
	}
	if lang == "en" {
		return fmt.Sprintf("%d of %d provinces have a figure", n, of)
	}
	return fmt.Sprintf("%d/%d tỉnh, thành phố có số liệu", n, of)
}

func joinNotes(parts ...string) string {
	var out []string
	for _, p := range parts {
		if p != "" {
			out = append(out, p)
		}
	}
	return strings.Join(out, " · ")
}

// figureRow is a data-table row for one figure.
func figureRow(lang string, u datasets.Unit, year int, f datasets.Figure, ok bool) []string {
	if !ok {
		return []string{unitName(u, lang), strconv.Itoa(year), "", "", "", web.Text(lang, "no_data"), "", ""}
	}
	status := f.Status
	if status == "not_published" {
		status = web.Text(lang, "not_published")
	}
	verified := "✓"
	if !f.Verified {
		verified = web.Text(lang, "unverified")
	}
	return []string{unitName(u, lang), strconv.Itoa(year), fmtFloat(f.Value), fmtInt(f.Rank), fmtInt(f.RankOf), status, verified, f.Source.Citation}
}

func figureHeader(lang string) []string {
	return []string{web.Text(lang, "province"), web.Text(lang, "year"), web.Text(lang, "value"), web.Text(lang, "rank"),
		web.Text(lang, "rank_of"), web.Text(lang, "status"), web.Text(lang, "verified"), web.Text(lang, "source")}
}

// yearsWithData returns the years in which indicator has any figure, within from..to (0: open).
func yearsWithData(p *panel, indicator string, from, to int) []int {
	set := map[int]bool{}
	for _, ys := range p.figures[indicator] {
		for y := range ys {
			if (from == 0 || y >= from) && (to == 0 || y <= to) {
				set[y] = true
			}
		}
	}
	var out []int
	for y := range set {
		out = append(out, y)
	}
	sort.Ints(out)
	return out
}

// latestYear returns the latest year with a value of indicator for at least one unit.
func latestYear(p *panel, indicator string) int {
	ys := yearsWithData(p, indicator, 0, 0)
	if len(ys) == 0 {
		return 0
	}
	return ys[len(ys)-1]
}

func methodBreaks(in datasets.Indicator, years []int) []charts.Break {
	var out []charts.Break
	for _, b := range in.Breaks {
		if b.Kind == "method" && len(years) > 0 && b.Year > years[0] && b.Year <= years[len(years)-1] {
			out = append(out, charts.Break{Year: b.Year, Note: b.Note})
		}
	}
	return out
}

// chartUnits returns the units a chart draws: the provinces asked for (each unit of each) that
// have a figure of indicator; if none were asked for, def.
func chartUnits(p *panel, indicator string, provinces [][]datasets.Unit, def []datasets.Unit) []datasets.Unit {
	if len(provinces) == 0 {
		return def
	}
	var out []datasets.Unit
	for _, chain := range provinces {
		for _, u := range chain {
			if len(p.figures[indicator][u.ID]) > 0 || len(chain) == 1 {
				out = append(out, u)
			}
		}
	}
	return out
}

// buildChart reads the data a chart needs and builds it with its caption and data table.
func buildChart(ctx context.Context, store *datasets.Store, s chartSpec, chartID string) (builtChart, error) {
	o := charts.Options{Lang: s.lang, ChartID: chartID}
	reg := store.Registry()
	switch s.kind {
	case "scatter":
		return buildScatter(ctx, store, s, o)
	case "radar":
		return buildRadar(ctx, store, s, o)
	}
	in := s.indicator
	p, err := loadPanel(ctx, store, []string{in.ID}, 0, 0)
	if err != nil {
		return builtChart{}, err
	}
	year := s.year
	if year == 0 {
		year = latestYear(p, in.ID)
	}
	src := in.Publisher
	switch s.kind {
	case "line", "bump":
		years := yearsWithData(p, in.ID, s.from, s.to)
		if len(s.provinces) == 0 {
			return builtChart{}, &paramError{Param: "provinces", Want: "one to eight province codes or names", Got: "nothing"}
		}
		units := chartUnits(p, in.ID, s.provinces, nil)
		b := builtChart{table: [][]string{figureHeader(s.lang)}}
		var series []charts.Series
		have := 0
		for _, u := range units {
			sr := charts.Series{Name: unitName(u, s.lang), Highlight: len(units) == 1}
			for _, y := range years {
				f, ok := p.figures[in.ID][u.ID][y]
				pt := point(f, ok)
				if s.kind == "bump" {
					pt = charts.Point{Unverified: ok && !f.Verified}
					if ok && f.Rank != nil && f.Status == "published" {
						pt.Value = ptr(float64(*f.Rank))
					}
				}
				if pt.Value != nil {
					have++
				}
				sr.Points = append(sr.Points, pt)
				b.table = append(b.table, figureRow(s.lang, u, y, f, ok))
			}
			series = append(series, sr)
		}
		span := ""
		if len(years) > 0 {
			span = fmt.Sprintf("%d–%d", years[0], years[len(years)-1])
		}
		b.caption = charts.Caption{Title: name(in, s.lang), Subtitle: joinNotes(span, coverageNote(have, len(units)*len(years), s.lang)), Source: src}
		if s.kind == "bump" {
			b.caption.Title += " — " + web.Text(s.lang, "rank")
			maxRank := 0
			for _, ys := range p.figures[in.ID] {
				for _, f := range ys {
					if f.RankOf != nil {
						maxRank = max(maxRank, *f.RankOf)
					}
				}
			}
			bi := charts.BumpInput{Caption: b.caption, Years: years, Series: series, Breaks: methodBreaks(in, years), MaxRank: maxRank}
			b.chart, b.input = charts.Bump(bi, o), bi
			return b, nil
		}
		li := charts.LineInput{Caption: b.caption, Unit: in.UnitOfMeasure, Years: years, Series: series, Breaks: methodBreaks(in, years)}
		for _, y := range years {
			var vals []float64
			for _, u := range universe(reg, "", y) {
				if v, ok := p.value(in.ID, u.ID, y); ok {
					vals = append(vals, v)
				}
			}
			var m *float64
			if d, err := analytics.NewDistribution(vals); err == nil && len(vals) >= 10 {
				m = ptr(d.Median)
			}
			li.Median = append(li.Median, m)
		}
		if s.trend && len(units) == 1 {
			li.Trend = trendLine(p, in, units[0], years, unitName(units[0], s.lang))
		}
		b.chart, b.input = charts.Line(li, o), li
		return b, nil
	case "ranking", "map":
		units := universe(reg, s.set, year)
		want := wanted(s.provinces)
		type row struct {
			u  datasets.Unit
			f  datasets.Figure
			ok bool
		}
		var rows []row
		have := 0
		for _, u := range units {
			f, ok := p.figures[in.ID][u.ID][year]
			rows = append(rows, row{u, f, ok})
			if _, hv := p.value(in.ID, u.ID, year); hv {
				have++
			}
		}
		hib := higherIsBetter(in)
		sort.SliceStable(rows, func(i, j int) bool {
			vi, iok := p.value(in.ID, rows[i].u.ID, year)
			vj, jok := p.value(in.ID, rows[j].u.ID, year)
			switch {
			case iok && jok:
				if hib {
					return vi > vj
				}
				return vi < vj
			default:
				return iok && !jok
			}
		})
		b := builtChart{table: [][]string{figureHeader(s.lang)}}
		b.caption = charts.Caption{Title: fmt.Sprintf("%s %d", name(in, s.lang), year), Subtitle: coverageNote(have, len(units), s.lang), Source: src}
		var vals []float64
		for _, r := range rows {
			b.table = append(b.table, figureRow(s.lang, r.u, year, r.f, r.ok))
			if v, ok := p.value(in.ID, r.u.ID, year); ok {
				vals = append(vals, v)
			}
		}
		if s.kind == "map" {
			mi := charts.MapInput{Caption: b.caption, HigherIsBetter: hib}
			if len(vals) > 0 {
				mi.Min, mi.Max = slices.Min(vals), slices.Max(vals)
			}
			for _, r := range rows {
				col, rw, ok := charts.TilePosition(r.u.Set, r.u.Code)
				if !ok {
					continue
				}
				mi.Tiles = append(mi.Tiles, charts.Tile{Code: r.u.Code, Name: unitName(r.u, s.lang), Label: charts.TileLabel(r.u.NameVI),
					Col: col, Row: rw, Point: point(r.f, r.ok)})
			}
			b.chart, b.input = charts.TileMap(mi, o), mi
			return b, nil
		}
		ri := charts.RankingInput{Caption: b.caption, Unit: in.UnitOfMeasure}
		if d, err := analytics.NewDistribution(vals); err == nil {
			ri.Median = ptr(d.Median)
		}
		for _, r := range rows {
			pt := point(r.f, r.ok)
			if pt.Value == nil && !pt.NotPublished {
				continue // no figure: not a bar; the caption gives the coverage
			}
			ri.Names = append(ri.Names, unitName(r.u, s.lang))
			ri.Points = append(ri.Points, pt)
			ri.Highlight = append(ri.Highlight, want[r.u.ID])
		}
		b.chart, b.input = charts.Ranking(ri, o), ri
		return b, nil
	case "slope":
		years := yearsWithData(p, in.ID, s.from, s.to)
		if len(years) < 2 {
			return builtChart{}, &paramError{Param: "from", Want: "two years with figures", Got: fmt.Sprint(years)}
		}
		y0, y1 := years[0], years[len(years)-1]
		if s.from != 0 && s.to != 0 {
			y0, y1 = s.from, s.to
		}
		want := wanted(s.provinces)
		type mv struct {
			u    datasets.Unit
			a, b float64
		}
		var moves []mv
		for _, u := range universe(reg, s.set, y1) {
			a, aok := p.value(in.ID, u.ID, y0)
			c, cok := p.value(in.ID, u.ID, y1)
			if aok && cok {
				moves = append(moves, mv{u, a, c})
			}
		}
		if len(want) == 0 { // highlight the five biggest movers either way
			byMove := slices.Clone(moves)
			sort.Slice(byMove, func(i, j int) bool { return abs(byMove[i].b-byMove[i].a) > abs(byMove[j].b-byMove[j].a) })
			for _, m := range byMove[:min(5, len(byMove))] {
				want[m.u.ID] = true
			}
		}
		b := builtChart{table: [][]string{{web.Text(s.lang, "province"), strconv.Itoa(y0), strconv.Itoa(y1)}}}
		si := charts.SlopeInput{Unit: in.UnitOfMeasure, FromYear: y0, ToYear: y1}
		for _, m := range moves {
			si.Rows = append(si.Rows, charts.SlopeRow{Name: unitName(m.u, s.lang), From: charts.Point{Value: ptr(m.a)}, To: charts.Point{Value: ptr(m.b)}, Highlight: want[m.u.ID]})
			b.table = append(b.table, []string{unitName(m.u, s.lang), ftoa(m.a), ftoa(m.b)})
		}
		b.caption = charts.Caption{Title: fmt.Sprintf("%s %d → %d", name(in, s.lang), y0, y1),
			Subtitle: coverageNote(len(moves), len(universe(reg, s.set, y1)), s.lang), Source: src}
		si.Caption = b.caption
		b.chart, b.input = charts.Slope(si, o), si
		return b, nil
	case "heatmap":
		years := yearsWithData(p, in.ID, s.from, s.to)
		units := chartUnits(p, in.ID, s.provinces, nil)
		if len(units) == 0 {
			for id := range p.figures[in.ID] {
				u, _ := reg.Unit(id)
				units = append(units, u)
			}
			sort.Slice(units, func(i, j int) bool { return units[i].ID < units[j].ID })
		}
		ranks := s.query.Get("measure") != "value"
		hi := charts.HeatmapInput{Years: years, Ranks: ranks, Min: 1, Max: 1}
		b := builtChart{table: [][]string{figureHeader(s.lang)}}
		first := true
		for _, u := range units {
			hi.Names = append(hi.Names, unitName(u, s.lang))
			var row []charts.Point
			for _, y := range years {
				f, ok := p.figures[in.ID][u.ID][y]
				pt := point(f, ok)
				if ranks {
					pt.Value = nil
					if ok && f.Rank != nil && f.Status == "published" {
						pt.Value = ptr(float64(*f.Rank))
					}
				}
				if pt.Value != nil {
					if first {
						hi.Min, hi.Max, first = *pt.Value, *pt.Value, false
					}
					hi.Min, hi.Max = min(hi.Min, *pt.Value), max(hi.Max, *pt.Value)
				}
				row = append(row, pt)
				if ok {
					b.table = append(b.table, figureRow(s.lang, u, y, f, ok))
				}
			}
			hi.Cells = append(hi.Cells, row)
		}
		title := name(in, s.lang)
		if ranks {
			title += " — " + web.Text(s.lang, "rank")
		}
		b.caption = charts.Caption{Title: title, Source: src}
		if len(years) > 0 {
			b.caption.Subtitle = fmt.Sprintf("%d–%d", years[0], years[len(years)-1])
		}
		hi.Caption = b.caption
		b.chart, b.input = charts.Heatmap(hi, o), hi
		return b, nil
	}
	return builtChart{}, fmt.Errorf("chart %q: %w", s.kind, datasets.ErrNotFound)
}

func abs(x float64) float64 {
	if x < 0 {
		return -x
	}
	return x
}

// trendLine fits the OLS trend of one unit's values (since the last method break) with its band.
func trendLine(p *panel, in datasets.Indicator, u datasets.Unit, years []int, label string) *charts.TrendLine {
	if len(years) == 0 {
		return nil
	}
	win := window(in, years[0], years[len(years)-1], false)
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
		t.Fitted, t.Lo, t.Hi = append(t.Fitted, ptr(fit[i])), append(t.Lo, ptr(lo[i])), append(t.Hi, ptr(hi[i]))
	}
	return t
}

func buildScatter(ctx context.Context, store *datasets.Store, s chartSpec, o charts.Options) (builtChart, error) {
	p, err := loadPanel(ctx, store, []string{s.x.ID, s.y.ID}, 0, 0)
	if err != nil {
		return builtChart{}, err
	}
	year := s.year
	if year == 0 { // the latest year in which both have figures for at least three provinces
		for _, y := range slices.Backward(yearsWithData(p, s.x.ID, 0, 0)) {
			n := 0
			for _, u := range universe(store.Registry(), s.set, y) {
				_, a := p.value(s.x.ID, u.ID, y)
				_, b := p.value(s.y.ID, u.ID, y)
				if a && b {
					n++
				}
			}
			if n >= 3 {
				year = y
				break
			}
		}
	}
	want := wanted(s.provinces)
	units := universe(store.Registry(), s.set, year)
	si := charts.ScatterInput{XName: name(s.x, s.lang), YName: name(s.y, s.lang)}
	b := builtChart{table: [][]string{{web.Text(s.lang, "province"), name(s.x, s.lang), name(s.y, s.lang)}}}
	var xs, ys []float64
	for _, u := range units {
		x, a := p.value(s.x.ID, u.ID, year)
		y, c := p.value(s.y.ID, u.ID, year)
		if !a || !c {
			continue
		}
		xs, ys = append(xs, x), append(ys, y)
		si.Points = append(si.Points, charts.ScatterPoint{Name: unitName(u, s.lang), X: x, Y: y, Highlight: want[u.ID]})
		b.table = append(b.table, []string{unitName(u, s.lang), ftoa(x), ftoa(y)})
	}
	sub := coverageNote(len(xs), len(units), s.lang)
	if len(xs) >= 3 {
		si.Intercept, si.Slope = stat.LinearRegression(xs, ys, nil, false)
		if c, err := analytics.Correlate(xs, ys); err == nil && c.Pearson != nil {
			si.R = c.Pearson
			sub = joinNotes(fmt.Sprintf("r = %.2f, n = %d", *c.Pearson, c.N), sub)
		}
	}
	b.caption = charts.Caption{Title: fmt.Sprintf("%s × %s %d", name(s.x, s.lang), name(s.y, s.lang), year), Subtitle: sub,
		Source: s.x.Publisher + "; " + s.y.Publisher}
	si.Caption = b.caption
	b.chart, b.input = charts.Scatter(si, o), si
	return b, nil
}

func buildRadar(ctx context.Context, store *datasets.Store, s chartSpec, o charts.Options) (builtChart, error) {
	var axes []datasets.Indicator
	for _, in := range store.Catalogue().All() {
		if in.Parent == s.indicator.ID {
			axes = append(axes, in)
		}
	}
	if len(axes) < 3 {
		return builtChart{}, &paramError{Param: "indicator", Want: "an index with pillars or sub-indices (dti)", Got: strconv.Quote(s.indicator.ID)}
	}
	if len(s.provinces) == 0 {
		return builtChart{}, &paramError{Param: "provinces", Want: "one to four province codes or names", Got: "nothing"}
	}
	ids := make([]string, len(axes))
	for i, a := range axes {
		ids[i] = a.ID
	}
	p, err := loadPanel(ctx, store, ids, 0, 0)
	if err != nil {
		return builtChart{}, err
	}
	year := s.year
	if year == 0 {
		for _, id := range ids {
			year = max(year, latestYear(p, id))
		}
	}
	ri := charts.RadarInput{}
	b := builtChart{table: [][]string{figureHeader(s.lang)}}
	for _, a := range axes {
		mx := 1.0
		if a.ScaleMax != nil {
			mx = *a.ScaleMax
		}
		ri.Axes = append(ri.Axes, charts.RadarAxis{Name: name(a, s.lang), Max: mx})
	}
	have, total := 0, 0
	for _, chain := range s.provinces {
		for _, u := range chain {
			if !u.InForce(datasets.YearEnd(year)) && len(chain) > 1 {
				continue
			}
			sr := charts.Series{Name: unitName(u, s.lang)}
			for _, a := range axes {
				f, ok := p.figures[a.ID][u.ID][year]
				pt := point(f, ok)
				sr.Points = append(sr.Points, pt)
				row := figureRow(s.lang, u, year, f, ok)
				row[0] = unitName(u, s.lang) + " — " + name(a, s.lang)
				b.table = append(b.table, row)
				total++
				if pt.Value != nil {
					have++
				}
			}
			ri.Series = append(ri.Series, sr)
		}
	}
	b.caption = charts.Caption{Title: fmt.Sprintf("%s %d", name(s.indicator, s.lang), year), Source: s.indicator.Publisher,
		Subtitle: coverageNote(have, total, s.lang)}
	if have < total && s.lang != "en" {
		b.caption.Subtitle = fmt.Sprintf("%d/%d điểm trụ cột có số liệu", have, total)
	} else if have < total {
		b.caption.Subtitle = fmt.Sprintf("%d of %d pillar scores have a figure", have, total)
	}
	ri.Caption = b.caption
	b.chart, b.input = charts.Radar(ri, o), ri
	return b, nil
}
