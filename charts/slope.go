package charts

import (
	"strconv"

	echarts "github.com/go-echarts/go-echarts/v2/charts"
	"github.com/go-echarts/go-echarts/v2/opts"
	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg"
)

// A SlopeRow is one province's values in the two years of a slope chart.
type SlopeRow struct {
	Name      string
	From, To  Point
	Highlight bool
}

// SlopeInput compares two years for every province.
type SlopeInput struct {
	Caption
	Unit             string
	FromYear, ToYear int
	Rows             []SlopeRow
}

// Kind returns "slope".
func (SlopeInput) Kind() string { return "slope" }

// Option returns Slope(in, o).
func (in SlopeInput) Option(o Options) Chart { return Slope(in, o) }

// Slope draws, for every province, a line from its value in one year to its value in another;
// the movers are highlighted, the others grey.
func Slope(in SlopeInput, o Options) *echarts.Line {
	c := echarts.NewLine()
	c.SetGlobalOptions(append(o.init(in.Caption),
		echarts.WithYAxisOpts(opts.YAxis{Name: in.Unit, Scale: opts.Bool(true)}),
		echarts.WithTooltipOpts(opts.Tooltip{Show: opts.Bool(true), Trigger: "item"}),
		echarts.WithGridOpts(opts.Grid{Top: "80", Left: "60", Right: "140", Bottom: "30"}),
	)...)
	c.SetXAxis([]string{strconv.Itoa(in.FromYear), strconv.Itoa(in.ToYear)})
	// The legend names the provinces asked for; the others are grey, line and marks alike.
	var named []string
	for _, r := range in.Rows {
		if r.Highlight {
			named = append(named, r.Name)
		}
	}
	c.SetGlobalOptions(echarts.WithLegendOpts(opts.Legend{Show: opts.Bool(len(named) > 0), Bottom: "0", Data: named}))
	for _, r := range in.Rows {
		style := opts.LineStyle{Color: colorOthers, Width: 1}
		item := opts.ItemStyle{Color: colorOthers}
		if r.Highlight {
			style, item = opts.LineStyle{Width: 3}, opts.ItemStyle{}
		}
		so := []echarts.SeriesOpts{echarts.WithLineStyleOpts(style), echarts.WithItemStyleOpts(item),
			echarts.WithLineChartOpts(opts.LineChart{ConnectNulls: opts.Bool(false), ShowSymbol: opts.Bool(true)})}
		if r.Highlight {
			so = append(so, echarts.WithLabelOpts(opts.Label{Show: opts.Bool(true), Position: "right", Formatter: r.Name}))
		}
		c.AddSeries(r.Name, lineData([]Point{r.From, r.To}, []int{0, 1}, 2), so...)
	}
	return c
}

// Plot draws a line for every province with a figure in both years, the movers highlighted and
// named.
func (in SlopeInput) Plot(o Options) (*plot.Plot, error) {
	p := newPlot(in.Caption, o)
	var labels plotter.XYLabels
	for _, r := range in.Rows {
		from, ok1 := r.From.figure()
		to, ok2 := r.To.figure()
		if !ok1 || !ok2 {
			continue
		}
		l, err := plotter.NewLine(plotter.XYs{{X: 0, Y: from}, {X: 1, Y: to}})
		if err != nil {
			return nil, err
		}
		l.Color, l.Width = rgb(colorFaint), vg.Points(1)
		if r.Highlight {
			l.Color, l.Width = rgb(colorHighlight), vg.Points(2)
			labels.XYs = append(labels.XYs, plotter.XY{X: 1.02, Y: to})
			labels.Labels = append(labels.Labels, r.Name)
		}
		p.Add(l)
	}
	if err := addLabels(p, labels, 7); err != nil {
		return nil, err
	}
	p.NominalX(strconv.Itoa(in.FromYear), strconv.Itoa(in.ToYear))
	p.X.Max = 1.4
	p.Y.Label.Text = in.Unit
	return p, nil
}
