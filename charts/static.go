package charts

import (
	"errors"
	"fmt"
	"image/color"
	"io"
	"math"
	"strconv"
	"strings"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/font"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg"
)

// Static images for reports, drawn with gonum/plot in its default font (Liberation), which has
// every Vietnamese letter. Each input's Plot draws from the same fields as its Option; the
// caption (title, coverage, source) is part of the image.

// Image sizes.
const (
	ImageWidth  = 20 * vg.Centimeter
	ImageHeight = 12 * vg.Centimeter
)

// Render writes the static image of a chart input, ImageWidth × ImageHeight, as format "png"
// or "svg".
func Render(w io.Writer, in Input, format string, o Options) error {
	if format != "png" && format != "svg" {
		return fmt.Errorf("render: format %q: want png or svg", format)
	}
	if in == nil {
		return errors.New("render: no chart input")
	}
	p, err := in.Plot(o)
	if err != nil {
		return fmt.Errorf("render %s: %w", in.Kind(), err)
	}
	legendRoom(p)
	p.X.Tick.Marker, p.Y.Tick.Marker = localTicks{p.X.Tick.Marker, o}, localTicks{p.Y.Tick.Marker, o}
	wt, err := p.WriterTo(ImageWidth, ImageHeight, format)
	if err != nil {
		return fmt.Errorf("render %s: %w", in.Kind(), err)
	}
	_, err = wt.WriteTo(w)
	return err
}

// legendRoom raises the top of a plot with a legend, so that the legend (drawn inside the
// plot, at the top) stands above the data rather than over it.
// Only charts over time (line) get it: the others place their legends clear of the data.
func legendRoom(p *plot.Plot) {
	if _, overTime := p.X.Tick.Marker.(yearTicks); !overTime || !p.Legend.Top || !isFinite(p.Y.Min) || !isFinite(p.Y.Max) || p.Y.Max <= p.Y.Min {
		return
	}
	if _, inverted := p.Y.Scale.(plot.InvertedScale); inverted {
		return
	}
	if top := p.Y.Max + (p.Y.Max-p.Y.Min)*0.2; isFinite(top) && isFinite(top-p.Y.Min) && top-p.Y.Min < 1e300 {
		p.Y.Max = top
	}
}

// localTicks writes the decimal labels of a ticker's ticks as the chart's language writes
// numbers (0,75 in Vietnamese); other labels (years, names) are kept.
type localTicks struct {
	plot.Ticker
	o Options
}

// Ticks returns the ticker's ticks with their decimal labels localised.
func (t localTicks) Ticks(min, max float64) []plot.Tick {
	ts := t.Ticker.Ticks(min, max)
	for i, tk := range ts {
		if whole, frac, ok := strings.Cut(tk.Label, "."); ok && isDigits(strings.TrimPrefix(whole, "-")) && isDigits(frac) {
			v, err := strconv.ParseFloat(tk.Label, 64)
			if err == nil {
				ts[i].Label = t.o.num(v, len(frac))
			}
		}
	}
	return ts
}

func isDigits(s string) bool {
	for _, r := range s {
		if r < '0' || r > '9' {
			return false
		}
	}
	return s != ""
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

// shade interpolates the colour of v in [lo, hi] on the diverging scale: red (worst) to green
// (best). Without a range (hi not above lo, or an end NaN or infinite) v gets the middle colour.
func shade(v, lo, hi float64, higherIsBetter bool) color.Color {
	scale := diverging()
	stops := make([]color.RGBA, len(scale))
	for i, s := range scale {
		stops[i] = rgb(s)
	}
	t := 0.5
	if isFinite(lo) && isFinite(hi) && hi > lo {
		t = (v - lo) / (hi - lo)
	}
	if math.IsNaN(t) {
		t = 0.5
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
	poly.Color, poly.LineStyle.Color = c, rgb(colorPaper)
	p.Add(poly)
	return nil
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

// addLabels adds text labels at points to p in a font of size points; none is nothing.
func addLabels(p *plot.Plot, labels plotter.XYLabels, size float64) error {
	if len(labels.XYs) == 0 {
		return nil
	}
	lb, err := plotter.NewLabels(labels)
	if err != nil {
		return err
	}
	for i := range lb.TextStyle {
		lb.TextStyle[i].Font.Size = vg.Points(size)
	}
	p.Add(lb)
	return nil
}
