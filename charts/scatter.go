package charts

import (
	"fmt"
	"image/color"
	"math"

	echarts "github.com/go-echarts/go-echarts/v2/charts"
	"github.com/go-echarts/go-echarts/v2/opts"
	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg"
)

// A ScatterPoint is one province on a scatter chart.
type ScatterPoint struct {
	Name      string
	X, Y      float64
	Highlight bool
}

// ScatterInput is one indicator against another across provinces for a year.
type ScatterInput struct {
	Caption
	XName, YName     string
	Points           []ScatterPoint
	Slope, Intercept float64 // the OLS line of Y on X
	R                *float64
}

// Kind returns "scatter".
func (ScatterInput) Kind() string { return "scatter" }

// Option returns Scatter(in, o).
func (in ScatterInput) Option(o Options) Chart { return Scatter(in, o) }

// drawn returns the points with a finite X and Y, and the range of their X.
func (in ScatterInput) drawn() (pts []ScatterPoint, lo, hi float64) {
	lo, hi = math.Inf(1), math.Inf(-1)
	for _, p := range in.Points {
		if isFinite(p.X) && isFinite(p.Y) {
			pts = append(pts, p)
			lo, hi = math.Min(lo, p.X), math.Max(hi, p.X)
		}
	}
	return pts, lo, hi
}

// fit returns the ends of the OLS line over the X range [lo, hi] and its legend, and false when
// there is no line to draw: fewer than two points, or a line that is not finite.
func (in ScatterInput) fit(n int, lo, hi float64) (ends plotter.XYs, label string, ok bool) {
	if n < 2 {
		return nil, "", false
	}
	ends = plotter.XYs{{X: lo, Y: in.Intercept + in.Slope*lo}, {X: hi, Y: in.Intercept + in.Slope*hi}}
	for _, e := range ends {
		if !isFinite(e.X) || !isFinite(e.Y) {
			return nil, "", false
		}
	}
	label = "OLS"
	if r, ok := finite(in.R); ok {
		label = fmt.Sprintf("OLS, r = %.2f", r)
	}
	return ends, label, true
}

// Scatter draws an indicator against another, with the regression line and r in the subtitle.
func Scatter(in ScatterInput, o Options) *echarts.Scatter {
	c := echarts.NewScatter()
	c.SetGlobalOptions(append(o.init(in.Caption),
		echarts.WithXAxisOpts(opts.XAxis{Type: "value", Name: in.XName, Scale: opts.Bool(true)}),
		echarts.WithYAxisOpts(opts.YAxis{Type: "value", Name: in.YName, Scale: opts.Bool(true)}),
		echarts.WithTooltipOpts(opts.Tooltip{Show: opts.Bool(true), Trigger: "item"}),
		echarts.WithGridOpts(opts.Grid{Top: "80", Bottom: "40", ContainLabel: opts.Bool(true)}),
	)...)
	pts, lo, hi := in.drawn()
	var plain, marked []opts.ScatterData
	for _, p := range pts {
		d := opts.ScatterData{Name: p.Name, Value: []float64{round(p.X), round(p.Y)}}
		if p.Highlight {
			d.SymbolSize = 14
			marked = append(marked, d)
		} else {
			plain = append(plain, d)
		}
	}
	c.AddSeries(in.YName, plain, echarts.WithItemStyleOpts(opts.ItemStyle{Color: colorBar}))
	if len(marked) > 0 {
		c.AddSeries(in.YName+" ★", marked, echarts.WithItemStyleOpts(opts.ItemStyle{Color: colorHighlight}),
			echarts.WithLabelOpts(opts.Label{Show: opts.Bool(true), Position: "right", Formatter: "{b}"}))
	}
	if ends, label, ok := in.fit(len(pts), lo, hi); ok {
		c.AddSeries(label, []opts.ScatterData{
			{Value: []float64{round(ends[0].X), round(ends[0].Y)}},
			{Value: []float64{round(ends[1].X), round(ends[1].Y)}},
		}, echarts.WithSeriesOpts(func(s *echarts.SingleSeries) {
			s.Type = "line"
			s.ShowSymbol = opts.Bool(false)
			s.LineStyle = &opts.LineStyle{Color: colorRule, Type: "dashed"}
		}))
	}
	return c
}

// Plot draws the provinces, the highlighted ones named, and the OLS line with r in its legend.
func (in ScatterInput) Plot(o Options) (*plot.Plot, error) {
	p := newPlot(in.Caption, o)
	p.X.Label.Text = in.XName + "\n" + p.X.Label.Text
	p.Y.Label.Text = in.YName
	pts, lo, hi := in.drawn()
	var xys, marked plotter.XYs
	var labels []string
	for _, pt := range pts {
		if pt.Highlight {
			marked = append(marked, plotter.XY{X: pt.X, Y: pt.Y})
			labels = append(labels, pt.Name)
		} else {
			xys = append(xys, plotter.XY{X: pt.X, Y: pt.Y})
		}
	}
	for _, set := range []struct {
		xys plotter.XYs
		col color.Color
	}{{xys, rgb(colorBar)}, {marked, rgb(colorHighlight)}} {
		if len(set.xys) == 0 {
			continue
		}
		sc, err := plotter.NewScatter(set.xys)
		if err != nil {
			return nil, err
		}
		sc.GlyphStyle.Color, sc.GlyphStyle.Radius = set.col, vg.Points(2.5)
		p.Add(sc)
	}
	if len(marked) > 0 {
		lb, err := plotter.NewLabels(plotter.XYLabels{XYs: marked, Labels: labels})
		if err != nil {
			return nil, err
		}
		p.Add(lb)
	}
	if ends, label, ok := in.fit(len(pts), lo, hi); ok {
		l, err := plotter.NewLine(ends)
		if err != nil {
			return nil, err
		}
		l.Dashes = []vg.Length{vg.Points(3), vg.Points(2)}
		p.Add(l)
		p.Legend.Add(label, l)
	}
	return p, nil
}
