package charts

import (
	"fmt"
	"image/color"
	"io"
	"math"
	"strconv"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/font"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
)

// Static images for reports, drawn with gonum/plot in its default font (Liberation), which has
// every Vietnamese letter. The same inputs as the interactive charts; the caption (title,
// coverage, source) is part of the image.

// Image sizes.
const (
	ImageWidth  = 20 * vg.Centimeter
	ImageHeight = 12 * vg.Centimeter
)

var (
	accent  = color.RGBA{R: 0xe8, G: 0x68, B: 0x4a, A: 0xff}
	blue    = color.RGBA{R: 0x5b, G: 0x8f, B: 0xf9, A: 0xff}
	grey    = color.RGBA{R: 0x9e, G: 0x9e, B: 0x9e, A: 0xff}
	light   = color.RGBA{R: 0xee, G: 0xee, B: 0xee, A: 0xff}
	palette = []color.Color{
		color.RGBA{R: 0x54, G: 0x70, B: 0xc6, A: 0xff}, color.RGBA{R: 0x91, G: 0xcc, B: 0x75, A: 0xff},
		color.RGBA{R: 0xfa, G: 0xc8, B: 0x58, A: 0xff}, color.RGBA{R: 0xee, G: 0x66, B: 0x66, A: 0xff},
		color.RGBA{R: 0x73, G: 0xc0, B: 0xde, A: 0xff}, color.RGBA{R: 0x3b, G: 0xa2, B: 0x72, A: 0xff},
		color.RGBA{R: 0xfc, G: 0x84, B: 0x52, A: 0xff}, color.RGBA{R: 0x9a, G: 0x60, B: 0xb4, A: 0xff},
	}
)

// Render writes the static image of a chart input (LineInput, RankingInput, BumpInput,
// SlopeInput, RadarInput, ScatterInput, HeatmapInput or MapInput) as "png" or "svg".
func Render(w io.Writer, input any, format string, o Options) error {
	if format != "png" && format != "svg" {
		return fmt.Errorf("render: format %q: want png or svg", format)
	}
	var p *plot.Plot
	var err error
	switch in := input.(type) {
	case LineInput:
		p, err = staticLines(in.Caption, in.Years, in.Series, in.Breaks, in.Median, in.Trend, false, o)
		p.Y.Label.Text = in.Unit
	case BumpInput:
		p, err = staticLines(in.Caption, in.Years, in.Series, in.Breaks, nil, nil, true, o)
		p.Y.Label.Text = o.word("rank")
	case RankingInput:
		p, err = staticRanking(in, o)
	case SlopeInput:
		p, err = staticSlope(in, o)
	case RadarInput:
		p, err = staticRadar(in, o)
	case ScatterInput:
		p, err = staticScatter(in, o)
	case HeatmapInput:
		p, err = staticHeatmap(in, o)
	case MapInput:
		p, err = staticMap(in, o)
	default:
		return fmt.Errorf("render: unknown chart input %T", input)
	}
	if err != nil {
		return err
	}
	wt, err := p.WriterTo(ImageWidth, ImageHeight, format)
	if err != nil {
		return fmt.Errorf("render: %w", err)
	}
	_, err = wt.WriteTo(w)
	return err
}

// newPlot starts a plot with the caption: title and subtitle on top, the source under the x axis.
func newPlot(c Caption, o Options) *plot.Plot {
	p := plot.New()
	p.Title.Text = c.Title
	if c.Subtitle != "" {
		p.Title.Text += "\n" + c.Subtitle
	}
	p.Title.TextStyle.Font.Size = vg.Points(11)
	if c.Source != "" {
		p.X.Label.Text = o.word("source") + ": " + c.Source
		p.X.Label.TextStyle.Font.Size = vg.Points(7)
	}
	p.Legend.Top = true
	p.Legend.TextStyle.Font.Size = vg.Points(7)
	return p
}

// yearTicks labels the x axis with whole years.
type yearTicks struct{}

func (yearTicks) Ticks(min, max float64) []plot.Tick {
	var ts []plot.Tick
	step := math.Max(1, math.Ceil((max-min)/10))
	for y := math.Ceil(min); y <= max; y += step {
		ts = append(ts, plot.Tick{Value: y, Label: strconv.Itoa(int(y))})
	}
	return ts
}

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
	addRuns := func(name string, pts []*float64, style func(*plotter.Line), legend bool) error {
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
		for i, v := range pts {
			if isBreak[years[i]] || v == nil {
				if err := flush(); err != nil {
					return err
				}
			}
			if v != nil {
				run = append(run, plotter.XY{X: float64(years[i]), Y: *v})
			}
		}
		return flush()
	}
	for k, s := range series {
		col := palette[k%len(palette)]
		vals := make([]*float64, len(s.Points))
		var marks, unverified plotter.XYs
		for i, pt := range s.Points {
			vals[i] = pt.Value
			if pt.Value != nil {
				xy := plotter.XY{X: float64(years[i]), Y: *pt.Value}
				if pt.Unverified {
					unverified = append(unverified, xy)
				} else {
					marks = append(marks, xy)
				}
			}
		}
		width := vg.Points(1.5)
		if s.Highlight {
			width = vg.Points(2.5)
		}
		if err := addRuns(s.Name, vals, func(l *plotter.Line) { l.Color, l.Width = col, width }, true); err != nil {
			return nil, err
		}
		for _, m := range []struct {
			xys   plotter.XYs
			shape draw.GlyphDrawer
		}{{marks, draw.CircleGlyph{}}, {unverified, draw.TriangleGlyph{}}} {
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
			sc, _ := plotter.NewScatter(unverified[:1])
			sc.GlyphStyle.Shape = draw.TriangleGlyph{}
			p.Legend.Add(o.word("unverified"), sc)
		}
	}
	if median != nil {
		if err := addRuns(o.word("median"), median, func(l *plotter.Line) {
			l.Color, l.Dashes = grey, []vg.Length{vg.Points(4), vg.Points(3)}
		}, true); err != nil {
			return nil, err
		}
	}
	if trend != nil {
		red := color.RGBA{R: 0xc0, G: 0x39, B: 0x2b, A: 0xff}
		if err := addRuns(o.word("trend")+" "+trend.Name, trend.Fitted, func(l *plotter.Line) { l.Color, l.Width = red, vg.Points(1.5) }, true); err != nil {
			return nil, err
		}
		for i, band := range [][]*float64{trend.Lo, trend.Hi} {
			if err := addRuns(o.word("band"), band, func(l *plotter.Line) {
				l.Color, l.Dashes = red, []vg.Length{vg.Points(1), vg.Points(2)}
			}, i == 0); err != nil {
				return nil, err
			}
		}
	}
	for _, b := range breaks {
		x := float64(b.Year) - 0.5
		l, err := plotter.NewLine(plotter.XYs{{X: x, Y: p.Y.Min}, {X: x, Y: p.Y.Max}})
		if err != nil {
			return nil, err
		}
		l.Color, l.Dashes = grey, []vg.Length{vg.Points(2), vg.Points(2)}
		p.Add(l)
		lb, err := plotter.NewLabels(plotter.XYLabels{XYs: plotter.XYs{{X: x, Y: p.Y.Max}}, Labels: []string{o.word("break") + " " + strconv.Itoa(b.Year)}})
		if err != nil {
			return nil, err
		}
		lb.TextStyle[0].Font.Size = vg.Points(7)
		p.Add(lb)
	}
	return p, nil
}

func staticRanking(in RankingInput, o Options) (*plot.Plot, error) {
	p := newPlot(in.Caption, o)
	n := len(in.Points)
	vals, hl := make(plotter.Values, n), make(plotter.Values, n)
	names := make([]string, n)
	for i, pt := range in.Points {
		j := n - 1 - i // the best at the top
		names[j] = in.Names[i]
		if pt.NotPublished {
			names[j] += " (" + o.word("notpub") + ")"
		}
		if pt.Unverified {
			names[j] += " (" + o.word("unverified") + ")"
		}
		if pt.Value == nil {
			continue
		}
		if i < len(in.Highlight) && in.Highlight[i] {
			hl[j] = *pt.Value
		} else {
			vals[j] = *pt.Value
		}
	}
	for _, b := range []struct {
		v   plotter.Values
		col color.Color
	}{{vals, blue}, {hl, accent}} {
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
	if in.Median != nil {
		l, err := plotter.NewLine(plotter.XYs{{X: *in.Median, Y: -0.5}, {X: *in.Median, Y: float64(n) - 0.5}})
		if err != nil {
			return nil, err
		}
		l.Color, l.Dashes = color.Black, []vg.Length{vg.Points(3), vg.Points(2)}
		p.Add(l)
		p.Legend.Add(o.word("median"), l)
	}
	return p, nil
}

func staticSlope(in SlopeInput, o Options) (*plot.Plot, error) {
	p := newPlot(in.Caption, o)
	var labels plotter.XYLabels
	for _, r := range in.Rows {
		if r.From.Value == nil || r.To.Value == nil {
			continue
		}
		l, err := plotter.NewLine(plotter.XYs{{X: 0, Y: *r.From.Value}, {X: 1, Y: *r.To.Value}})
		if err != nil {
			return nil, err
		}
		l.Color, l.Width = light, vg.Points(1)
		if r.Highlight {
			l.Color, l.Width = accent, vg.Points(2)
			labels.XYs = append(labels.XYs, plotter.XY{X: 1.02, Y: *r.To.Value})
			labels.Labels = append(labels.Labels, r.Name)
		}
		p.Add(l)
	}
	if len(labels.XYs) > 0 {
		lb, err := plotter.NewLabels(labels)
		if err != nil {
			return nil, err
		}
		for i := range lb.TextStyle {
			lb.TextStyle[i].Font.Size = vg.Points(7)
		}
		p.Add(lb)
	}
	p.NominalX(strconv.Itoa(in.FromYear), strconv.Itoa(in.ToYear))
	p.X.Max = 1.4
	p.Y.Label.Text = in.Unit
	return p, nil
}

func staticScatter(in ScatterInput, o Options) (*plot.Plot, error) {
	p := newPlot(in.Caption, o)
	p.X.Label.Text = in.XName + "\n" + p.X.Label.Text
	p.Y.Label.Text = in.YName
	var xys, marked plotter.XYs
	var labels []string
	lo, hi := math.Inf(1), math.Inf(-1)
	for _, pt := range in.Points {
		if pt.Highlight {
			marked = append(marked, plotter.XY{X: pt.X, Y: pt.Y})
			labels = append(labels, pt.Name)
		} else {
			xys = append(xys, plotter.XY{X: pt.X, Y: pt.Y})
		}
		lo, hi = math.Min(lo, pt.X), math.Max(hi, pt.X)
	}
	for _, set := range []struct {
		xys plotter.XYs
		col color.Color
	}{{xys, blue}, {marked, accent}} {
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
	if len(in.Points) >= 2 && !math.IsInf(lo, 0) {
		l, err := plotter.NewLine(plotter.XYs{{X: lo, Y: in.Intercept + in.Slope*lo}, {X: hi, Y: in.Intercept + in.Slope*hi}})
		if err != nil {
			return nil, err
		}
		l.Dashes = []vg.Length{vg.Points(3), vg.Points(2)}
		label := "OLS"
		if in.R != nil {
			label = fmt.Sprintf("OLS, r = %.2f", *in.R)
		}
		p.Add(l)
		p.Legend.Add(label, l)
	}
	return p, nil
}

func staticRadar(in RadarInput, o Options) (*plot.Plot, error) {
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
		l.Color = light
		p.Add(l)
		axisLabels.XYs = append(axisLabels.XYs, at(i, 1.08))
		axisLabels.Labels = append(axisLabels.Labels, ax.Name)
	}
	for k, s := range in.Series {
		var ring plotter.XYs
		for i, pt := range s.Points {
			if pt.Value == nil || in.Axes[i].Max <= 0 {
				continue
			}
			ring = append(ring, at(i, *pt.Value/in.Axes[i].Max))
		}
		if len(ring) == 0 {
			continue
		}
		sc, err := plotter.NewScatter(ring)
		if err != nil {
			return nil, err
		}
		sc.GlyphStyle.Color = palette[k%len(palette)]
		p.Add(sc)
		p.Legend.Add(s.Name, sc)
		if len(ring) >= 3 {
			l, err := plotter.NewLine(append(ring, ring[0]))
			if err != nil {
				return nil, err
			}
			l.Color = palette[k%len(palette)]
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

// shade interpolates the colour of v in [lo, hi]: red (worst) to green (best).
func shade(v, lo, hi float64, higherIsBetter bool) color.Color {
	stops := []color.RGBA{{0xd7, 0x19, 0x1c, 0xff}, {0xfd, 0xae, 0x61, 0xff}, {0xff, 0xff, 0xbf, 0xff}, {0xa6, 0xd9, 0x6a, 0xff}, {0x1a, 0x96, 0x41, 0xff}}
	t := 0.5
	if hi > lo {
		t = (v - lo) / (hi - lo)
	}
	if !higherIsBetter {
		t = 1 - t
	}
	t = math.Max(0, math.Min(1, t)) * float64(len(stops)-1)
	i := int(math.Min(t, float64(len(stops)-2)))
	f := t - float64(i)
	mix := func(a, b uint8) uint8 { return uint8(float64(a) + f*(float64(b)-float64(a))) }
	a, b := stops[i], stops[i+1]
	return color.RGBA{R: mix(a.R, b.R), G: mix(a.G, b.G), B: mix(a.B, b.B), A: 0xff}
}

// cell draws a filled square centred on (x, y).
func cell(p *plot.Plot, x, y, half float64, c color.Color) error {
	poly, err := plotter.NewPolygon(plotter.XYs{{X: x - half, Y: y - half}, {X: x + half, Y: y - half}, {X: x + half, Y: y + half}, {X: x - half, Y: y + half}})
	if err != nil {
		return err
	}
	poly.Color, poly.LineStyle.Color = c, color.White
	p.Add(poly)
	return nil
}

func staticHeatmap(in HeatmapInput, o Options) (*plot.Plot, error) {
	p := newPlot(in.Caption, o)
	rows := len(in.Names)
	names := make([]string, rows)
	for i, row := range in.Cells {
		names[rows-1-i] = in.Names[i]
		for j, pt := range row {
			var c color.Color
			switch {
			case pt.Value != nil:
				c = shade(*pt.Value, in.Min, in.Max, !in.Ranks)
			case pt.NotPublished:
				c = grey
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
	p.Legend.Add(o.word("notpub") + " ■")
	return p, nil
}

func staticMap(in MapInput, o Options) (*plot.Plot, error) {
	p := newPlot(in.Caption, o)
	p.HideAxes()
	var labels plotter.XYLabels
	maxRow := 0
	for _, t := range in.Tiles {
		maxRow = max(maxRow, t.Row)
	}
	for _, t := range in.Tiles {
		c := color.Color(light)
		switch {
		case t.Value != nil:
			c = shade(*t.Value, in.Min, in.Max, in.HigherIsBetter)
		case t.NotPublished:
			c = grey
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
	p.Legend.Add(o.word("nodata") + " □  " + o.word("notpub") + " ■")
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

// MissingGlyphs returns the runes of s that the static images' font cannot draw.
func MissingGlyphs(s string) []rune {
	face := font.DefaultCache.Lookup(plot.New().Title.TextStyle.Font, vg.Points(10))
	var missing []rune
	for _, r := range s {
		if r == ' ' {
			continue
		}
		if idx, err := face.Face.GlyphIndex(nil, r); err != nil || idx == 0 {
			missing = append(missing, r)
		}
	}
	return missing
}
