package charts

import (
	"image/color"
	"strconv"

	echarts "github.com/go-echarts/go-echarts/v2/charts"
	"github.com/go-echarts/go-echarts/v2/opts"
	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
)

// A Tile is one province's square on the tile map.
type Tile struct {
	Code     string
	Label    string // a short name on the square
	Name     string
	Col, Row int
	Point
}

// MapInput is a tile-grid map of the provinces, coloured by one indicator.
type MapInput struct {
	Caption
	Tiles          []Tile
	Min, Max       float64 // the ends of the colour scale; a NaN or infinite end is unset
	HigherIsBetter bool
	// NotPublished names the tiles whose figures the publisher withholds ("" for the plain
	// words): "not published (top 30 only)".
	NotPublished string
}

// withheldLabel is the legend's name for figures not published.
func withheldLabel(o Options, note string) string {
	if note != "" {
		return note
	}
	return o.label("not_published")
}

// scaleEnd writes an end of a colour scale with enough decimals to tell the ends apart.
func scaleEnd(o Options, v, lo, hi float64) string {
	prec := 0
	for d := hi - lo; prec < 4 && d > 0 && d < 20; d *= 10 {
		prec++
	}
	return o.num(v, prec)
}

// Kind returns "map".
func (MapInput) Kind() string { return "map" }

// Option returns TileMap(in, o).
func (in MapInput) Option(o Options) Chart { return TileMap(in, o) }

// tileSize is the side of a tile map's cell, in pixels.
const tileSize = 28

// TileMap draws every province as a square placed roughly where it lies, coloured by value;
// provinces with no data and with figures not published are shown apart, in the legend.
func TileMap(in MapInput, o Options) Chart {
	c := echarts.NewScatter()
	cols, rows := 0, 0
	for _, t := range in.Tiles {
		cols, rows = max(cols, t.Col+1), max(rows, t.Row+1)
	}
	hidden := opts.Bool(false)
	c.SetGlobalOptions(append(o.init(in.Caption),
		echarts.WithXAxisOpts(opts.XAxis{Type: "value", Min: -0.5, Max: float64(cols) - 0.5, Show: hidden}),
		echarts.WithYAxisOpts(opts.YAxis{Type: "value", Min: -0.5, Max: float64(rows) - 0.5, Inverse: opts.Bool(true), Show: hidden}),
		echarts.WithTooltipOpts(opts.Tooltip{Show: opts.Bool(true), Trigger: "item"}),
		// The legend explains the tiles the colour scale does not: no data, not published.
		echarts.WithLegendOpts(opts.Legend{Show: opts.Bool(true), Bottom: "0", Left: "right",
			Data: []string{o.label("no_data"), withheldLabel(o, in.NotPublished)}}),
		// Square cells of tileSize pixels, centred: the map keeps its shape at any width.
		echarts.WithGridOpts(opts.Grid{Top: "50", Left: "center", Width: strconv.Itoa(cols * tileSize), Height: strconv.Itoa(rows * tileSize)}),
		// The scale's ends are the real values, written in the page's language; only the
		// first series (the tiles with a figure) is coloured by it.
		echarts.WithVisualMapOpts(opts.VisualMap{Calculable: opts.Bool(false), Min: bound(in.Min), Max: bound(in.Max),
			Text:      []string{scaleEnd(o, in.Max, in.Min, in.Max), scaleEnd(o, in.Min, in.Min, in.Max)},
			Dimension: "2", Left: "left", Bottom: "40", InRange: &opts.VisualMapInRange{Color: visualRange(in.HigherIsBetter)}}),
	)...)
	var data, none, withheld []opts.ScatterData
	for _, t := range in.Tiles {
		d := opts.ScatterData{Name: t.Name}
		v, ok := t.figure()
		switch {
		case ok:
			d.Value = []any{t.Col, t.Row, round(v), t.Label}
			data = append(data, d)
		case t.NotPublished:
			d.Value = []any{t.Col, t.Row, 0, t.Label} // 0: a drawable slot, not a figure; the colour scale skips this series
			withheld = append(withheld, d)
		default:
			d.Value = []any{t.Col, t.Row, 0, t.Label}
			none = append(none, d)
		}
	}
	square := func(s *echarts.SingleSeries) {
		s.Symbol, s.SymbolSize = "rect", tileSize-2
		s.Label = &opts.Label{Show: opts.Bool(true), Formatter: "{@[3]}", FontSize: 9}
	}
	// Tooltips: the province and its value; for a tile without a figure, the province and why.
	c.AddSeries(in.Caption.Title, data, echarts.WithSeriesOpts(square), echarts.WithSeriesOpts(func(s *echarts.SingleSeries) {
		s.SeriesTooltip = &opts.SeriesTooltip{Formatter: "{b}: {@[2]}"}
	}))
	why := echarts.WithSeriesOpts(func(s *echarts.SingleSeries) { s.SeriesTooltip = &opts.SeriesTooltip{Formatter: "{b}: {a}"} })
	c.AddSeries(o.label("no_data"), none, echarts.WithSeriesOpts(square), why, echarts.WithItemStyleOpts(opts.ItemStyle{Color: colorNoData, BorderColor: colorNoDataRim, BorderWidth: 1}))
	c.AddSeries(withheldLabel(o, in.NotPublished), withheld, echarts.WithSeriesOpts(square), why, echarts.WithItemStyleOpts(opts.ItemStyle{Color: colorWithheld}))
	return patched{c, func(m map[string]any) {
		if vm, ok := m["visualMap"].([]opts.VisualMap); ok && len(vm) > 0 {
			m["visualMap"] = []map[string]any{{"type": vm[0].Type, "calculable": false, "min": vm[0].Min, "max": vm[0].Max, "text": vm[0].Text,
				"dimension": vm[0].Dimension, "left": vm[0].Left, "bottom": vm[0].Bottom, "inRange": vm[0].InRange, "seriesIndex": 0}}
		}
	}}
}

// patched is a go-echarts chart whose option JSON is amended where go-echarts has no field
// for what ECharts takes (a visual map's seriesIndex).
type patched struct {
	Chart
	patch func(map[string]any)
}

// JSON returns the chart's option with the patch applied.
func (p patched) JSON() map[string]any {
	m := p.Chart.JSON()
	p.patch(m)
	return m
}

// Plot draws every province as a labelled square, coloured worst (red) to best (green), grey
// where the figure is not published and faint where there is none.
func (in MapInput) Plot(o Options) (*plot.Plot, error) {
	p := newPlot(in.Caption, o)
	p.HideAxes()
	var labels plotter.XYLabels
	maxRow := 0
	for _, t := range in.Tiles {
		maxRow = max(maxRow, t.Row)
	}
	for _, t := range in.Tiles {
		var c color.Color = rgb(colorFaint)
		v, ok := t.figure()
		switch {
		case ok:
			c = shade(v, in.Min, in.Max, in.HigherIsBetter)
		case t.NotPublished:
			c = rgb(colorWithheld)
		}
		x, y := float64(t.Col), float64(maxRow-t.Row)
		if err := cell(p, x, y, 0.46, c); err != nil {
			return nil, err
		}
		labels.XYs = append(labels.XYs, plotter.XY{X: x - 0.35, Y: y - 0.15})
		labels.Labels = append(labels.Labels, t.Label)
	}
	if err := addLabels(p, labels, 5); err != nil {
		return nil, err
	}
	p.Legend.Add(o.label("no_data") + " □  " + withheldLabel(o, in.NotPublished) + " ■")
	// The colour scale: five swatches from the worst to the best value, with their values.
	if isFinite(in.Min) && isFinite(in.Max) && in.Max > in.Min {
		for i := 0; i <= 4; i++ {
			v := in.Min + float64(i)/4*(in.Max-in.Min)
			sw, err := plotter.NewScatter(plotter.XYs{{X: 0, Y: 0}})
			if err != nil {
				return nil, err
			}
			sw.GlyphStyle.Shape, sw.GlyphStyle.Radius = draw.BoxGlyph{}, vg.Points(3.5)
			sw.GlyphStyle.Color = shade(v, in.Min, in.Max, in.HigherIsBetter)
			p.Legend.Add(scaleEnd(o, v, in.Min, in.Max), sw)
		}
	}
	// Square cells: the x range follows the image's shape, the tiles centred in it.
	maxCol := 0
	for _, t := range in.Tiles {
		maxCol = max(maxCol, t.Col)
	}
	yr := float64(maxRow) + 1.5
	xr := yr * float64(ImageWidth) / float64(ImageHeight) * 0.92
	mid := float64(maxCol) / 2
	p.X.Min, p.X.Max = mid-xr/2, mid+xr/2
	p.Y.Min, p.Y.Max = -0.75, float64(maxRow)+0.75
	return p, nil
}
