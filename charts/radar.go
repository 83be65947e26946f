package charts

import (
	"math"

	echarts "github.com/go-echarts/go-echarts/v2/charts"
	"github.com/go-echarts/go-echarts/v2/opts"
	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
)

// A RadarAxis is one spoke of a radar chart.
type RadarAxis struct {
	Name string
	Max  float64
}

// RadarInput is the pillars or sub-indices of one index for 1–4 provinces.
type RadarInput struct {
	Caption
	Axes   []RadarAxis
	Series []Series // one point per axis
}

// Kind returns "radar".
func (RadarInput) Kind() string { return "radar" }

// Option returns Radar(in, o).
func (in RadarInput) Option(o Options) Chart { return Radar(in, o) }

// Radar draws the pillars of an index for a few provinces. An axis whose Max is NaN or
// infinite gets the maximum ECharts chooses.
func Radar(in RadarInput, o Options) *echarts.Radar {
	c := echarts.NewRadar()
	ind := make([]*opts.Indicator, len(in.Axes))
	for i, a := range in.Axes {
		ind[i] = &opts.Indicator{Name: a.Name, Max: bound(a.Max), Min: 0}
	}
	c.SetGlobalOptions(append(o.init(in.Caption),
		echarts.WithTooltipOpts(opts.Tooltip{Show: opts.Bool(true), Trigger: "item"}),
		echarts.WithLegendOpts(opts.Legend{Show: opts.Bool(true), Bottom: "0"}),
		echarts.WithRadarComponentOpts(opts.RadarComponent{Indicator: ind, Center: []string{"50%", "55%"}}),
	)...)
	for _, s := range in.Series {
		vals := make([]any, len(s.Points))
		for i, p := range s.Points {
			vals[i] = empty
			if v, ok := p.figure(); ok {
				vals[i] = round(v)
			}
		}
		c.AddSeries(s.Name, []opts.RadarData{{Name: s.Name, Value: vals}})
	}
	return c
}

// Plot draws a spoke for every axis and, for every series, its points as a share of each
// axis's Max, joined into a ring when there are three or more. A point on an axis whose Max is
// not a positive number is left out.
func (in RadarInput) Plot(o Options) (*plot.Plot, error) {
	p := newPlot(in.Caption, o)
	p.HideAxes()
	n := len(in.Axes)
	at := func(i int, r float64) plotter.XY {
		a := math.Pi/2 - 2*math.Pi*float64(i)/float64(n)
		return plotter.XY{X: r * math.Cos(a), Y: r * math.Sin(a)}
	}
	var axisLabels plotter.XYLabels
	for i, ax := range in.Axes {
		l, err := plotter.NewLine(plotter.XYs{{}, at(i, 1)})
		if err != nil {
			return nil, err
		}
		l.Color = rgb(colorFaint)
		p.Add(l)
		axisLabels.XYs = append(axisLabels.XYs, at(i, 1.08))
		axisLabels.Labels = append(axisLabels.Labels, ax.Name)
	}
	for k, s := range in.Series {
		var ring plotter.XYs
		for i, pt := range s.Points {
			v, ok := pt.figure()
			mx := in.Axes[i].Max
			if !ok || !isFinite(mx) || mx <= 0 {
				continue
			}
			r := v / mx
			if !isFinite(r) {
				continue
			}
			ring = append(ring, at(i, r))
		}
		if len(ring) == 0 {
			continue
		}
		sc, err := plotter.NewScatter(ring)
		if err != nil {
			return nil, err
		}
		sc.GlyphStyle.Color = seriesColor(k)
		p.Add(sc)
		p.Legend.Add(s.Name, sc)
		if len(ring) >= 3 {
			l, err := plotter.NewLine(append(ring, ring[0]))
			if err != nil {
				return nil, err
			}
			l.Color = seriesColor(k)
			p.Add(l)
		}
	}
	lb, err := plotter.NewLabels(axisLabels)
	if err != nil {
		return nil, err
	}
	p.Add(lb)
	p.X.Min, p.X.Max, p.Y.Min, p.Y.Max = -1.4, 1.4, -1.2, 1.25
	return p, nil
}
