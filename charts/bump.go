package charts

import (
	echarts "github.com/go-echarts/go-echarts/v2/charts"
	"github.com/go-echarts/go-echarts/v2/opts"
	"gonum.org/v1/plot"
)

// BumpInput is the published rank over time of some provinces.
type BumpInput struct {
	Caption
	Years   []int
	Series  []Series // values are ranks
	Breaks  []Break
	MaxRank int
}

// Kind returns "bump".
func (BumpInput) Kind() string { return "bump" }

// Option returns Bump(in, o).
func (in BumpInput) Option(o Options) Chart { return Bump(in, o) }

// Plot draws rank over time, rank 1 at the top, with a gap and a mark at each break.
func (in BumpInput) Plot(o Options) (*plot.Plot, error) {
	p, err := staticLines(in.Caption, in.Years, in.Series, in.Breaks, nil, nil, true, o)
	if err != nil {
		return nil, err
	}
	p.Y.Label.Text = o.word("rank")
	return p, nil
}

// Bump draws rank over time, rank 1 at the top, with a gap at each change of method.
func Bump(in BumpInput, o Options) *echarts.Line {
	c := echarts.NewLine()
	cats, slotOf, breakSlots := slots(in.Years, in.Breaks)
	y := opts.YAxis{Name: o.word("rank"), Inverse: opts.Bool(true), Min: 1, MinInterval: 1}
	if in.MaxRank > 0 {
		y.Max = in.MaxRank
	}
	c.SetGlobalOptions(append(o.init(in.Caption),
		echarts.WithLegendOpts(opts.Legend{Show: opts.Bool(true), Bottom: "0"}),
		echarts.WithYAxisOpts(y),
		echarts.WithGridOpts(opts.Grid{Top: "80", Bottom: "60", ContainLabel: opts.Bool(true)}),
	)...)
	c.SetXAxis(cats)
	addLines(c, in.Series, o, cats, slotOf, breakSlots)
	return c
}
