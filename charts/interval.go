package charts

import (
	"fmt"

	echarts "github.com/go-echarts/go-echarts/v2/charts"
	"github.com/go-echarts/go-echarts/v2/opts"
	"github.com/go-echarts/go-echarts/v2/types"
	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
)

// An IntervalRow is one province of a composite: its rank and the 5–95% interval of its rank
// over the uncertainty draws (Lo and Hi NaN when there were none).
type IntervalRow struct {
	Name    string
	Rank    int
	Lo, Hi  float64
	Partial bool // scored on the inputs it has: drawn as a ring
}

// IntervalInput is a composite index's ranks, best first, each with its rank interval:
// a dot and a whisker per province.
type IntervalInput struct {
	Caption
	Rows []IntervalRow
	Of   int // the number of provinces ranked
}

// Kind returns "interval".
func (IntervalInput) Kind() string { return "interval" }

// Option returns Interval(in, o).
func (in IntervalInput) Option(o Options) Chart { return Interval(in, o) }

// hasInterval reports whether the row has a finite interval.
// Ranks are small: an end beyond a million is no interval either.
func (r IntervalRow) hasInterval() bool {
	return isFinite(r.Lo) && isFinite(r.Hi) && r.Hi >= r.Lo && r.Lo >= 0 && r.Hi <= 1e6
}

// Interval draws each province's rank as a dot and its 5–95% rank interval as a whisker,
// best at the top, on a rank axis from 1 to the number ranked.
func Interval(in IntervalInput, o Options) *echarts.Bar {
	c := echarts.NewBar()
	names := make([]string, len(in.Rows))
	for i, r := range in.Rows {
		names[i] = r.Name
	}
	x := opts.XAxis{Name: o.word("rank"), NameLocation: "middle", NameGap: 24, Min: 1, MinInterval: 1}
	if in.Of > 0 {
		x.Max = in.Of
	}
	c.SetGlobalOptions(append(o.init(in.Caption),
		echarts.WithTooltipOpts(opts.Tooltip{Show: opts.Bool(true), Trigger: "item"}),
		echarts.WithLegendOpts(opts.Legend{Show: opts.Bool(true), Bottom: "0"}),
		echarts.WithXAxisOpts(x),
		echarts.WithYAxisOpts(opts.YAxis{Type: "category", Inverse: opts.Bool(true)}),
		echarts.WithGridOpts(opts.Grid{Top: "40", Left: "10", Right: "30", Bottom: "56", ContainLabel: opts.Bool(true)}),
	)...)
	c.SetXAxis(names)
	base := make([]opts.BarData, len(in.Rows))
	span := make([]opts.BarData, len(in.Rows))
	dots := make([]opts.ScatterData, len(in.Rows))
	hidden := &opts.Tooltip{Show: opts.Bool(false)}
	for i, r := range in.Rows {
		base[i] = opts.BarData{Value: empty, ItemStyle: &opts.ItemStyle{Color: "transparent"}, Tooltip: hidden}
		span[i] = opts.BarData{Value: empty, Tooltip: hidden}
		if r.hasInterval() {
			lo, width := r.Lo, r.Hi-r.Lo
			if width < 0.2 { // a rank that never moved: a short mark centred on it
				lo, width = r.Lo-0.1, 0.2
			}
			base[i].Value = round(lo) // stacked bars start at 0; the axis shows ranks from 1
			span[i] = opts.BarData{Value: round(width), ItemStyle: &opts.ItemStyle{Color: colorInterval},
				Tooltip: &opts.Tooltip{Formatter: types.FuncStr(fmt.Sprintf("%s: %s %s–%s", r.Name, o.word("rank_interval"), o.num(r.Lo, 0), o.num(r.Hi, 0)))}}
		}
		d := opts.ScatterData{Name: r.Name, Value: r.Rank, Symbol: "circle", SymbolSize: 8}
		if r.Partial {
			d.Symbol = "emptyCircle"
		}
		dots[i] = d
	}
	c.AddSeries("", base, echarts.WithBarChartOpts(opts.BarChart{Stack: "interval", BarWidth: "4"}))
	c.AddSeries(o.word("rank_interval"), span, echarts.WithBarChartOpts(opts.BarChart{Stack: "interval", BarWidth: "4"}),
		echarts.WithItemStyleOpts(opts.ItemStyle{Color: colorInterval}))
	c.XYReversal()
	s := echarts.NewScatter()
	s.AddSeries(o.label("rank"), dots, echarts.WithItemStyleOpts(opts.ItemStyle{Color: colorBar}),
		echarts.WithLabelOpts(opts.Label{Show: opts.Bool(false)}))
	c.Overlap(s)
	return c
}

// Plot draws the same dots and whiskers: best at the top, rank axis from 1.
func (in IntervalInput) Plot(o Options) (*plot.Plot, error) {
	p := newPlot(in.Caption, o)
	n := len(in.Rows)
	names := make([]string, n)
	var dots, partial plotter.XYs
	for i, r := range in.Rows {
		j := float64(n - 1 - i)
		names[n-1-i] = r.Name
		if r.hasInterval() {
			l, err := plotter.NewLine(plotter.XYs{{X: r.Lo, Y: j}, {X: r.Hi, Y: j}})
			if err != nil {
				return nil, err
			}
			l.Color, l.Width = rgb(colorInterval), vg.Points(2)
			p.Add(l)
			if i == 0 {
				p.Legend.Add(o.word("rank_interval"), l)
			}
		}
		if r.Partial {
			partial = append(partial, plotter.XY{X: float64(r.Rank), Y: j})
		} else {
			dots = append(dots, plotter.XY{X: float64(r.Rank), Y: j})
		}
	}
	for k, xys := range []plotter.XYs{dots, partial} {
		if len(xys) == 0 {
			continue
		}
		sc, err := plotter.NewScatter(xys)
		if err != nil {
			return nil, err
		}
		sc.GlyphStyle.Color, sc.GlyphStyle.Radius = rgb(colorBar), vg.Points(2.5)
		sc.GlyphStyle.Shape = draw.CircleGlyph{}
		if k == 1 {
			sc.GlyphStyle.Shape = draw.RingGlyph{}
		}
		p.Add(sc)
		if k == 0 {
			p.Legend.Add(o.label("rank"), sc)
		}
	}
	if n > 0 {
		p.NominalY(names...)
		p.Y.Tick.Label.Font.Size = vg.Points(max(3, min(7, 300/float64(n))))
	}
	p.X.Min = 1
	if in.Of > 0 {
		p.X.Max = float64(in.Of)
	}
	p.X.Label.Text = o.word("rank") + "\n" + p.X.Label.Text
	return p, nil
}
