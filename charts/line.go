package charts

import (
	"math"
	"slices"
	"strconv"

	echarts "github.com/go-echarts/go-echarts/v2/charts"
	"github.com/go-echarts/go-echarts/v2/opts"
	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
)

// A TrendLine is a fitted trend with its 95% band, aligned with the chart's years.
type TrendLine struct {
	Name           string
	Fitted, Lo, Hi []*float64
}

// LineInput is one indicator over time for one or more provinces.
type LineInput struct {
	Caption
	Unit   string
	Years  []int
	Series []Series
	Median []*float64 // national median by year, nil for none
	// MedianName names the median with its n ("Trung vị cả nước (11–63 tỉnh)"); "" for the plain word.
	MedianName string
	Trend      *TrendLine
	Breaks     []Break
	// Others are other sources' figures that differ from the preferred ones, aligned with
	// Years: drawn as marks (a diamond) without a line, one series per province that has any.
	Others []Series
}

// Kind returns "line".
func (LineInput) Kind() string { return "line" }

// Option returns Line(in, o).
func (in LineInput) Option(o Options) Chart { return Line(in, o) }

// Plot draws the lines of in, the median and the trend, with a gap and a mark at each break.
func (in LineInput) Plot(o Options) (*plot.Plot, error) {
	p, err := staticLines(in.Caption, in.Years, in.Series, in.Breaks, in.Median, in.Trend, false, o.withMedianName(in.MedianName))
	if err != nil {
		return nil, err
	}
	for _, s := range in.Others {
		var xys plotter.XYs
		for i, pt := range s.Points {
			if v, ok := pt.figure(); ok && i < len(in.Years) {
				xys = append(xys, plotter.XY{X: float64(in.Years[i]), Y: v})
			}
		}
		if len(xys) == 0 {
			continue
		}
		sc, err := plotter.NewScatter(xys)
		if err != nil {
			return nil, err
		}
		sc.GlyphStyle.Color, sc.GlyphStyle.Shape, sc.GlyphStyle.Radius = rgb(colorOther), draw.BoxGlyph{}, vg.Points(3)
		p.Add(sc)
		p.Legend.Add(s.Name, sc)
	}
	p.Y.Label.Text = in.Unit
	return p, nil
}

// Line draws an indicator over time for 1–8 provinces with the national median as a reference
// line, an optional fitted trend with its 95% band, and a gap with a mark at each change of method.
func Line(in LineInput, o Options) *echarts.Line {
	c := echarts.NewLine()
	cats, slotOf, breakSlots := slots(in.Years, in.Breaks)
	c.SetGlobalOptions(append(o.init(in.Caption),
		echarts.WithLegendOpts(opts.Legend{Show: opts.Bool(true), Bottom: "0"}),
		echarts.WithYAxisOpts(opts.YAxis{Name: in.Unit, Scale: opts.Bool(true)}),
		echarts.WithXAxisOpts(opts.XAxis{Name: o.word("year")}),
		echarts.WithGridOpts(opts.Grid{Top: "80", Bottom: "60", ContainLabel: opts.Bool(true)}),
	)...)
	c.SetXAxis(cats)
	addLines(c, in.Series, o, cats, slotOf, breakSlots)
	// plain adds a reference line; its item colour is its line's, so that the legend shows it.
	// Its points are marked, small, so that a year standing alone still shows.
	plain := func(name string, vals []*float64, style opts.LineStyle, color string) {
		c.AddSeries(name, lineData(points(vals), slotOf, len(cats)),
			echarts.WithLineChartOpts(opts.LineChart{ConnectNulls: opts.Bool(false), ShowSymbol: opts.Bool(true), Symbol: "circle", SymbolSize: 3}),
			echarts.WithLineStyleOpts(style), echarts.WithItemStyleOpts(opts.ItemStyle{Color: color}))
	}
	for _, s := range in.Others {
		data := lineData(s.Points, slotOf, len(cats))
		for i := range data {
			if data[i].Value != empty {
				data[i].Symbol, data[i].SymbolSize = "diamond", 12
			}
		}
		c.AddSeries(s.Name, data,
			echarts.WithLineChartOpts(opts.LineChart{ConnectNulls: opts.Bool(false), ShowSymbol: opts.Bool(true), Symbol: "diamond", SymbolSize: 12}),
			echarts.WithLineStyleOpts(opts.LineStyle{Width: 0, Opacity: opts.Float(0)}),
			echarts.WithItemStyleOpts(opts.ItemStyle{Color: colorOther}))
	}
	if in.Median != nil {
		plain(o.withMedianName(in.MedianName).medianName(), in.Median, opts.LineStyle{Type: "dashed", Color: colorMedian}, colorMedian)
	}
	if t := in.Trend; t != nil {
		plain(o.word("trend")+" "+t.Name, t.Fitted, opts.LineStyle{Width: 2, Color: colorTrend}, colorTrend)
		plain(o.word("trend_band"), t.Lo, opts.LineStyle{Type: "dotted", Color: colorTrend}, colorTrend)
		plain(o.word("trend_band"), t.Hi, opts.LineStyle{Type: "dotted", Color: colorTrend}, colorTrend)
	}
	return c
}

// slots returns the x-axis categories for years, with an empty slot before each break year so
// that no line runs across a change of method, and a function from year index to slot index.
func slots(years []int, breaks []Break) (cats []string, slotOf []int, breakSlots map[int]Break) {
	breakSlots = map[int]Break{}
	slotOf = make([]int, len(years))
	for i, y := range years {
		for _, b := range breaks {
			if b.Year == y && i > 0 {
				breakSlots[len(cats)] = b
				cats = append(cats, "")
			}
		}
		slotOf[i] = len(cats)
		cats = append(cats, strconv.Itoa(y))
	}
	return cats, slotOf, breakSlots
}

// lineData places points in n slots; a slot without a figure is empty.
func lineData(points []Point, slotOf []int, n int) []opts.LineData {
	data := make([]opts.LineData, n)
	for i := range data {
		data[i] = opts.LineData{Value: empty}
	}
	for i, p := range points {
		v, ok := p.figure()
		if !ok {
			continue
		}
		d := opts.LineData{Value: round(v)}
		switch {
		case p.Unverified:
			d.Symbol, d.SymbolSize = "triangle", 10
		case p.Derived:
			d.Symbol, d.SymbolSize = "emptyCircle", 8
		}
		data[slotOf[i]] = d
	}
	return data
}

func breakMarks(o Options, breakSlots map[int]Break, cats []string) echarts.SeriesOpts {
	var items []opts.MarkLineNameXAxisItem
	for s := range cats {
		if _, ok := breakSlots[s]; ok {
			items = append(items, opts.MarkLineNameXAxisItem{Name: o.word("method_break"), XAxis: s})
		}
	}
	return echarts.WithMarkLineNameXAxisItemOpts(items...)
}

// addLines adds one line per series, never joined across an empty slot; the first series
// carries the dashed, named marks of the method breaks.
func addLines(c *echarts.Line, series []Series, o Options, cats []string, slotOf []int, breakSlots map[int]Break) {
	for i, s := range series {
		so := []echarts.SeriesOpts{echarts.WithLineChartOpts(opts.LineChart{ConnectNulls: opts.Bool(false), ShowSymbol: opts.Bool(true)})}
		if i == 0 {
			so = append(so, breakMarks(o, breakSlots, cats), echarts.WithMarkLineStyleOpts(opts.MarkLineStyle{
				Symbol: []string{"none", "none"}, LineStyle: &opts.LineStyle{Type: "dashed", Color: colorBreak},
				Label: &opts.Label{Show: opts.Bool(true), Formatter: "{b}"}}))
		}
		if s.Highlight {
			so = append(so, echarts.WithLineStyleOpts(opts.LineStyle{Width: 3}))
		}
		c.AddSeries(s.Name, lineData(s.Points, slotOf, len(cats)), so...)
	}
	// The marks' meanings in the legend: a triangle is unverified, a ring derived.
	for _, m := range []struct {
		key, symbol string
		has         func(Point) bool
	}{{"unverified", "triangle", func(p Point) bool { return p.Unverified }}, {"derived", "emptyCircle", func(p Point) bool { return p.Derived && !p.Unverified }}} {
		if !slices.ContainsFunc(series, func(s Series) bool { return slices.ContainsFunc(s.Points, m.has) }) {
			continue
		}
		none := make([]opts.LineData, len(cats))
		for i := range none {
			none[i] = opts.LineData{Value: empty}
		}
		c.AddSeries(o.label(m.key), none,
			echarts.WithLineChartOpts(opts.LineChart{ShowSymbol: opts.Bool(true), Symbol: m.symbol, SymbolSize: 10}),
			echarts.WithLineStyleOpts(opts.LineStyle{Width: 0, Opacity: opts.Float(0)}),
			echarts.WithItemStyleOpts(opts.ItemStyle{Color: colorMedian}))
	}
}

// yearTicks labels the x axis with whole years.
type yearTicks struct{}

// Ticks returns a tick for every year, or every few years when there are more than ten.
func (yearTicks) Ticks(min, max float64) []plot.Tick {
	var ts []plot.Tick
	step := math.Max(1, math.Ceil((max-min)/10))
	for y := math.Ceil(min); y <= max; y += step {
		ts = append(ts, plot.Tick{Value: y, Label: strconv.Itoa(int(y))})
	}
	return ts
}

// staticLines draws series over years (ranks, if inverted), and the median and trend if given,
// with no line across a change of method.
func staticLines(c Caption, years []int, series []Series, breaks []Break, median []*float64, trend *TrendLine, inverted bool, o Options) (*plot.Plot, error) {
	p := newPlot(c, o)
	p.X.Tick.Marker = yearTicks{}
	if inverted {
		p.Y.Scale = plot.InvertedScale{Normalizer: plot.LinearScale{}}
		p.Y.Tick.Marker = plot.TickerFunc(func(min, max float64) []plot.Tick {
			var ts []plot.Tick
			for _, t := range (plot.DefaultTicks{}).Ticks(min, max) {
				if t.Value == math.Trunc(t.Value) {
					ts = append(ts, t)
				}
			}
			return ts
		})
	}
	isBreak := map[int]bool{}
	for _, b := range breaks {
		isBreak[b.Year] = true
	}
	addRuns := func(name string, pts []Point, style func(*plotter.Line), legend bool) error {
		var run plotter.XYs
		flush := func() error {
			if len(run) == 0 {
				return nil
			}
			l, err := plotter.NewLine(run)
			if err != nil {
				return err
			}
			style(l)
			p.Add(l)
			if legend {
				p.Legend.Add(name, l)
				legend = false
			}
			run = nil
			return nil
		}
		for i, pt := range pts {
			v, ok := pt.figure()
			if isBreak[years[i]] || !ok {
				if err := flush(); err != nil {
					return err
				}
			}
			if ok {
				run = append(run, plotter.XY{X: float64(years[i]), Y: v})
			}
		}
		return flush()
	}
	for k, s := range series {
		col := seriesColor(k)
		var marks, unverified, derived plotter.XYs
		for i, pt := range s.Points {
			if v, ok := pt.figure(); ok {
				xy := plotter.XY{X: float64(years[i]), Y: v}
				switch {
				case pt.Unverified:
					unverified = append(unverified, xy)
				case pt.Derived:
					derived = append(derived, xy)
				default:
					marks = append(marks, xy)
				}
			}
		}
		width := vg.Points(1.5)
		if s.Highlight {
			width = vg.Points(2.5)
		}
		if err := addRuns(s.Name, s.Points, func(l *plotter.Line) { l.Color, l.Width = col, width }, true); err != nil {
			return nil, err
		}
		for _, m := range []struct {
			xys   plotter.XYs
			shape draw.GlyphDrawer
		}{{marks, draw.CircleGlyph{}}, {unverified, draw.TriangleGlyph{}}, {derived, draw.RingGlyph{}}} {
			if len(m.xys) == 0 {
				continue
			}
			sc, err := plotter.NewScatter(m.xys)
			if err != nil {
				return nil, err
			}
			sc.GlyphStyle.Color, sc.GlyphStyle.Shape, sc.GlyphStyle.Radius = col, m.shape, vg.Points(2.5)
			p.Add(sc)
		}
		if len(unverified) > 0 && k == 0 {
			sc, err := plotter.NewScatter(unverified[:1])
			if err != nil {
				return nil, err
			}
			sc.GlyphStyle.Shape = draw.TriangleGlyph{}
			p.Legend.Add(o.word("unverified"), sc)
		}
	}
	if median != nil {
		if err := addRuns(o.medianName(), points(median), func(l *plotter.Line) {
			l.Color, l.Dashes = rgb(colorWithheld), []vg.Length{vg.Points(4), vg.Points(3)}
		}, true); err != nil {
			return nil, err
		}
		// Its points, small, so that a year standing alone still shows.
		var xys plotter.XYs
		for i, m := range median {
			if v, ok := finite(m); ok && i < len(years) {
				xys = append(xys, plotter.XY{X: float64(years[i]), Y: v})
			}
		}
		if len(xys) > 0 {
			sc, err := plotter.NewScatter(xys)
			if err != nil {
				return nil, err
			}
			sc.GlyphStyle.Color, sc.GlyphStyle.Radius = rgb(colorWithheld), vg.Points(1.5)
			p.Add(sc)
		}
	}
	if trend != nil {
		red := rgb(colorTrend)
		if err := addRuns(o.word("trend")+" "+trend.Name, points(trend.Fitted), func(l *plotter.Line) { l.Color, l.Width = red, vg.Points(1.5) }, true); err != nil {
			return nil, err
		}
		for i, band := range [][]*float64{trend.Lo, trend.Hi} {
			if err := addRuns(o.word("trend_band"), points(band), func(l *plotter.Line) {
				l.Color, l.Dashes = red, []vg.Length{vg.Points(1), vg.Points(2)}
			}, i == 0); err != nil {
				return nil, err
			}
		}
	}
	if math.IsInf(p.Y.Min, 0) || math.IsInf(p.Y.Max, 0) {
		return p, nil // nothing drawn: no height to mark the breaks on
	}
	for _, b := range breaks {
		x := float64(b.Year) - 0.5
		l, err := plotter.NewLine(plotter.XYs{{X: x, Y: p.Y.Min}, {X: x, Y: p.Y.Max}})
		if err != nil {
			return nil, err
		}
		l.Color, l.Dashes = rgb(colorWithheld), []vg.Length{vg.Points(2), vg.Points(2)}
		p.Add(l)
		lb, err := plotter.NewLabels(plotter.XYLabels{XYs: plotter.XYs{{X: x, Y: p.Y.Max}}, Labels: []string{o.word("method_break") + " " + strconv.Itoa(b.Year)}})
		if err != nil {
			return nil, err
		}
		lb.TextStyle[0].Font.Size = vg.Points(7)
		p.Add(lb)
	}
	return p, nil
}
