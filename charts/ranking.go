package charts

import (
	"image/color"

	echarts "github.com/go-echarts/go-echarts/v2/charts"
	"github.com/go-echarts/go-echarts/v2/opts"
	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg"
)

// RankingInput is every province's value for one indicator and year, best first.
type RankingInput struct {
	Caption
	Unit      string
	Names     []string
	Points    []Point
	Highlight []bool
	Median    *float64
	// MedianName names the median with its n ("" for the plain words).
	MedianName string
	// NotPublished labels the bars of figures the publisher withholds ("" for the plain words).
	NotPublished string
}

// Kind returns "ranking".
func (RankingInput) Kind() string { return "ranking" }

// Option returns Ranking(in, o).
func (in RankingInput) Option(o Options) Chart { return Ranking(in, o) }

// Ranking draws a bar for every province, sorted, the chosen ones highlighted, the national
// median marked; figures not published or unverified are labelled so.
func Ranking(in RankingInput, o Options) *echarts.Bar {
	c := echarts.NewBar()
	c.SetGlobalOptions(append(o.init(in.Caption),
		echarts.WithLegendOpts(opts.Legend{Show: opts.Bool(false)}),
		// Bars start at zero: their lengths compare the values.
		echarts.WithXAxisOpts(opts.XAxis{Name: in.Unit, NameLocation: "middle", NameGap: 28, Scale: opts.Bool(false)}),
		echarts.WithYAxisOpts(opts.YAxis{Type: "category", Inverse: opts.Bool(true)}),
		echarts.WithGridOpts(opts.Grid{Top: "40", Left: "10", Right: "30", Bottom: "40", ContainLabel: opts.Bool(true)}),
	)...)
	c.SetXAxis(in.Names)
	data := make([]opts.BarData, len(in.Points))
	for i, p := range in.Points {
		d := opts.BarData{Value: empty, ItemStyle: &opts.ItemStyle{Color: colorBar}}
		if v, ok := p.figure(); ok {
			d.Value = round(v)
		}
		if i < len(in.Highlight) && in.Highlight[i] {
			d.ItemStyle = &opts.ItemStyle{Color: colorHighlight}
		}
		switch {
		case p.NotPublished:
			d.Label = &opts.Label{Show: opts.Bool(true), Position: "insideLeft", Formatter: withheldLabel(o, in.NotPublished)}
		case p.Unverified:
			d.Label = &opts.Label{Show: opts.Bool(true), Position: "right", Formatter: "(" + o.word("unverified") + ")"}
		case p.Derived:
			d.Label = &opts.Label{Show: opts.Bool(true), Position: "right", Formatter: "(" + o.word("derived") + ")"}
		}
		data[i] = d
	}
	so := []echarts.SeriesOpts{}
	if m, ok := finite(in.Median); ok {
		so = append(so, echarts.WithMarkLineNameXAxisItemOpts(opts.MarkLineNameXAxisItem{Name: o.word("national_median"), XAxis: round(m)}),
			echarts.WithMarkLineStyleOpts(opts.MarkLineStyle{Symbol: []string{"none", "none"}, LineStyle: &opts.LineStyle{Type: "dashed", Color: colorRule},
				Label: &opts.Label{Show: opts.Bool(true), Formatter: o.withMedianName(in.MedianName).medianName()}}))
	}
	c.AddSeries(in.Unit, data, so...)
	c.XYReversal()
	return c
}

// Plot draws a horizontal bar for every province, the best at the top, the chosen ones
// highlighted, the national median as a dashed line.
func (in RankingInput) Plot(o Options) (*plot.Plot, error) {
	p := newPlot(in.Caption, o)
	n := len(in.Points)
	vals, hl := make(plotter.Values, n), make(plotter.Values, n)
	names := make([]string, n)
	for i, pt := range in.Points {
		j := n - 1 - i // the best at the top
		names[j] = in.Names[i]
		if pt.NotPublished {
			names[j] += " (" + o.label("not_published") + ")"
		}
		if pt.Unverified {
			names[j] += " (" + o.word("unverified") + ")"
		}
		if pt.Derived {
			names[j] += " (" + o.word("derived") + ")"
		}
		v, ok := pt.figure()
		if !ok {
			continue
		}
		if i < len(in.Highlight) && in.Highlight[i] {
			hl[j] = v
		} else {
			vals[j] = v
		}
	}
	for _, b := range []struct {
		v   plotter.Values
		col color.Color
	}{{vals, rgb(colorBar)}, {hl, rgb(colorHighlight)}} {
		bc, err := plotter.NewBarChart(b.v, vg.Points(4))
		if err != nil {
			return nil, err
		}
		bc.Horizontal, bc.Color, bc.LineStyle.Width = true, b.col, 0
		p.Add(bc)
	}
	p.NominalY(names...)
	p.Y.Tick.Label.Font.Size = vg.Points(max(3, min(7, 300/float64(max(n, 1)))))
	p.X.Label.Text = in.Unit + "\n" + p.X.Label.Text
	if m, ok := finite(in.Median); ok {
		l, err := plotter.NewLine(plotter.XYs{{X: m, Y: -0.5}, {X: m, Y: float64(n) - 0.5}})
		if err != nil {
			return nil, err
		}
		l.Color, l.Dashes = rgb(colorInk), []vg.Length{vg.Points(3), vg.Points(2)}
		p.Add(l)
		p.Legend.Add(o.withMedianName(in.MedianName).medianName(), l)
	}
	return p, nil
}
