package charts

import (
	"image/color"
	"strconv"

	echarts "github.com/go-echarts/go-echarts/v2/charts"
	"github.com/go-echarts/go-echarts/v2/opts"
	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg"
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
}

// Kind returns "map".
func (MapInput) Kind() string { return "map" }

// Option returns TileMap(in, o).
func (in MapInput) Option(o Options) Chart { return TileMap(in, o) }

// tileSize is the side of a tile map's cell, in pixels.
const tileSize = 28

// TileMap draws every province as a square placed roughly where it lies, coloured by value;
// provinces with no data and with figures not published are shown apart, in the legend.
func TileMap(in MapInput, o Options) *echarts.Scatter {
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
		echarts.WithLegendOpts(opts.Legend{Show: opts.Bool(true), Bottom: "0", Left: "right"}),
		// Square cells of tileSize pixels, centred: the map keeps its shape at any width.
		echarts.WithGridOpts(opts.Grid{Top: "50", Left: "center", Width: strconv.Itoa(cols * tileSize), Height: strconv.Itoa(rows * tileSize)}),
		echarts.WithVisualMapOpts(opts.VisualMap{Calculable: opts.Bool(true), Min: bound(in.Min), Max: bound(in.Max),
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
			d.Value = []any{t.Col, t.Row, empty, t.Label}
			withheld = append(withheld, d)
		default:
			d.Value = []any{t.Col, t.Row, empty, t.Label}
			none = append(none, d)
		}
	}
	square := func(s *echarts.SingleSeries) {
		s.Symbol, s.SymbolSize = "rect", tileSize-2
		s.Label = &opts.Label{Show: opts.Bool(true), Formatter: "{@[3]}", FontSize: 9}
	}
	c.AddSeries(in.Caption.Title, data, echarts.WithSeriesOpts(square))
	c.AddSeries(o.label("no_data"), none, echarts.WithSeriesOpts(square), echarts.WithItemStyleOpts(opts.ItemStyle{Color: colorNoData, BorderColor: colorNoDataRim, BorderWidth: 1}))
	c.AddSeries(o.label("not_published"), withheld, echarts.WithSeriesOpts(square), echarts.WithItemStyleOpts(opts.ItemStyle{Color: colorWithheld}))
	return c
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
	if len(labels.XYs) > 0 {
		lb, err := plotter.NewLabels(labels)
		if err != nil {
			return nil, err
		}
		for i := range lb.TextStyle {
			lb.TextStyle[i].Font.Size = vg.Points(5)
		}
		p.Add(lb)
	}
	p.Legend.Add(o.label("no_data") + " □  " + o.label("not_published") + " ■")
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
