package charts

import (
	"image/color"
	"strconv"

	echarts "github.com/go-echarts/go-echarts/v2/charts"
	"github.com/go-echarts/go-echarts/v2/opts"
	"gonum.org/v1/plot"
	"gonum.org/v1/plot/vg"
)

// HeatmapInput is provinces × years of one indicator, values or ranks.
type HeatmapInput struct {
	Caption
	Years    []int
	Names    []string
	Cells    [][]Point // Cells[i][j]: province i, year j
	Ranks    bool      // the cells are ranks: 1 is best
	Min, Max float64   // the ends of the colour scale; a NaN or infinite end is unset
}

// Kind returns "heatmap".
func (HeatmapInput) Kind() string { return "heatmap" }

// Option returns Heatmap(in, o).
func (in HeatmapInput) Option(o Options) Chart { return Heatmap(in, o) }

// Heatmap colours provinces × years; empty cells are no data, grey cells not published.
func Heatmap(in HeatmapInput, o Options) *echarts.HeatMap {
	c := echarts.NewHeatMap()
	years := make([]string, len(in.Years))
	for i, y := range in.Years {
		years[i] = strconv.Itoa(y)
	}
	c.SetGlobalOptions(append(o.init(in.Caption),
		echarts.WithXAxisOpts(opts.XAxis{Type: "category", Data: years}),
		echarts.WithYAxisOpts(opts.YAxis{Type: "category", Data: in.Names, Inverse: opts.Bool(true)}),
		echarts.WithTooltipOpts(opts.Tooltip{Show: opts.Bool(true), Trigger: "item"}),
		echarts.WithGridOpts(opts.Grid{Top: "80", Bottom: "70", ContainLabel: opts.Bool(true)}),
		echarts.WithVisualMapOpts(opts.VisualMap{Calculable: opts.Bool(false), Min: bound(in.Min), Max: bound(in.Max),
			Text:   []string{scaleEnd(o, in.Max, in.Min, in.Max), scaleEnd(o, in.Min, in.Min, in.Max)},
			Orient: "horizontal", Left: "center", Bottom: "0", InRange: &opts.VisualMapInRange{Color: visualRange(!in.Ranks)}}),
	)...)
	var data, withheld []opts.HeatMapData
	for i, row := range in.Cells {
		for j, p := range row {
			v, ok := p.figure()
			switch {
			case ok:
				data = append(data, opts.HeatMapData{Value: []any{j, i, round(v)}})
			case p.NotPublished:
				withheld = append(withheld, opts.HeatMapData{Name: o.label("not_published"), Value: []any{j, i}})
			}
		}
	}
	// Each cell shows its number (a rank, or the value as published).
	c.AddSeries(in.Caption.Title, data, echarts.WithLabelOpts(opts.Label{Show: opts.Bool(true), Formatter: "{@[2]}", FontSize: 10}))
	// The colour scale explains the cells; the legend only the grey of figures not published.
	legend := opts.Legend{Show: opts.Bool(len(withheld) > 0), Bottom: "0"}
	if len(withheld) > 0 {
		legend.Data = []string{o.label("not_published")}
	}
	c.SetGlobalOptions(echarts.WithLegendOpts(legend))
	if len(withheld) > 0 {
		c.AddSeries(o.label("not_published"), withheld, echarts.WithItemStyleOpts(opts.ItemStyle{Color: colorWithheld}))
	}
	return c
}

// Plot draws a square for every cell with a figure, coloured worst (red) to best (green), and
// a grey one for every figure not published.
func (in HeatmapInput) Plot(o Options) (*plot.Plot, error) {
	p := newPlot(in.Caption, o)
	rows := len(in.Names)
	names := make([]string, rows)
	for i, row := range in.Cells {
		names[rows-1-i] = in.Names[i]
		for j, pt := range row {
			var c color.Color
			v, ok := pt.figure()
			switch {
			case ok:
				c = shade(v, in.Min, in.Max, !in.Ranks)
			case pt.NotPublished:
				c = rgb(colorWithheld)
			default:
				continue
			}
			if err := cell(p, float64(j), float64(rows-1-i), 0.48, c); err != nil {
				return nil, err
			}
		}
	}
	years := make([]string, len(in.Years))
	for i, y := range in.Years {
		years[i] = strconv.Itoa(y)
	}
	p.NominalX(years...)
	p.NominalY(names...)
	p.Y.Tick.Label.Font.Size = vg.Points(max(3, min(7, 300/float64(max(rows, 1)))))
	p.Legend.Add(o.label("not_published") + " ■")
	return p, nil
}
