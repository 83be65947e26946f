package charts

import (
	"bytes"
	"encoding/json"
	"fmt"
	"math"
	"slices"
	"unicode"
	"unicode/utf8"

	echarts "github.com/go-echarts/go-echarts/v2/charts"
	"github.com/go-echarts/go-echarts/v2/opts"
	"gonum.org/v1/plot"

	"chiso/words"
)

// An Input is the data of one chart; it builds its ECharts option and its static image from the
// same fields. The inputs are LineInput, RankingInput, BumpInput, SlopeInput, RadarInput,
// ScatterInput, HeatmapInput and MapInput. A value that is NaN or infinite is drawn as no data.
type Input interface {
	// Kind returns the chart's name in URLs: "line", "ranking", ...
	Kind() string
	// Option returns the go-echarts chart, whose JSON is the ECharts option.
	Option(o Options) Chart
	// Plot returns the gonum/plot image, without its size: Render sets it.
	Plot(o Options) (*plot.Plot, error)
}

// registry returns an empty input of every kind, in the order chiso offers them.
func registry() []Input {
	return []Input{LineInput{}, RankingInput{}, BumpInput{}, SlopeInput{}, RadarInput{}, ScatterInput{}, HeatmapInput{}, MapInput{}, IntervalInput{}}
}

// Kinds returns the names of the chart kinds, as used in URLs, in the order chiso offers them:
// line, ranking, bump, slope, radar, scatter, heatmap, map.
func Kinds() []string {
	var ks []string
	for _, in := range registry() {
		ks = append(ks, in.Kind())
	}
	return ks
}

// IsKind reports whether kind names a chart kind.
func IsKind(kind string) bool { return slices.Contains(Kinds(), kind) }

// A Chart is the go-echarts chart of an input: Validate completes its options, JSON returns them.
type Chart interface {
	Validate()
	JSON() map[string]any
}

// OptionJSON returns a chart's ECharts option, indented, with <, > and & escaped so that it can
// sit inside a <script> element of a page.
func OptionJSON(c Chart) ([]byte, error) {
	c.Validate()
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetIndent("", "  ")
	if err := enc.Encode(c.JSON()); err != nil {
		return nil, fmt.Errorf("chart option: %w", err)
	}
	return buf.Bytes(), nil
}

// Options set what every chart shares.
type Options struct {
	Lang    string // "vi" (default) or "en"
	ChartID string // fixed id, so that the output is the same from run to run

	median string // the national median's name with its n, if the input gives one
}

// withMedianName returns o naming the national median name ("" keeps the plain words).
func (o Options) withMedianName(name string) Options { o.median = name; return o }

// medianName is the national median's name: with its n where the input gives it.
func (o Options) medianName() string {
	if o.median != "" {
		return o.median
	}
	return o.word("national_median")
}

// AssetsHost is where chiso serves ECharts; never a CDN.
const AssetsHost = "/assets/"

// A Caption is the text around a chart: the title, a subtitle (years, coverage) and the source
// line that must travel with the chart into a report.
type Caption struct {
	Title    string
	Subtitle string
	Source   string
}

// A Point is one figure on a chart. Value nil is "no data", and so is a NaN or infinite value;
// NotPublished marks a figure the publisher withholds by design; Unverified one only reported,
// not confirmed; Derived one computed from the figures of the units a new unit was formed from.
type Point struct {
	Value        *float64
	NotPublished bool
	Unverified   bool
	Derived      bool
}

// figure returns the point's value and whether it has one that can be drawn.
func (p Point) figure() (float64, bool) { return finite(p.Value) }

// finite returns *v and whether v is a number that can be drawn: not nil, NaN or infinite.
func finite(v *float64) (float64, bool) {
	if v == nil || math.IsNaN(*v) || math.IsInf(*v, 0) {
		return 0, false
	}
	return *v, true
}

// isFinite reports whether v is neither NaN nor infinite.
func isFinite(v float64) bool { return !math.IsNaN(v) && !math.IsInf(v, 0) }

// points turns values (nil for none) into points.
func points(vals []*float64) []Point {
	pts := make([]Point, len(vals))
	for i, v := range vals {
		pts[i] = Point{Value: v}
	}
	return pts
}

// A Series is one named line (a province, or the national median), its points aligned with the
// chart's years.
type Series struct {
	Name      string
	Points    []Point
	Highlight bool
}

// A Break is a change of method from Year on: lines do not run across it.
type Break struct {
	Year int
	Note string
}

// word returns the words for key in the chart's language.
func (o Options) word(key string) string { return words.Text(o.Lang, key) }

// label returns the words for key capitalised, for a label standing on its own.
func (o Options) label(key string) string {
	w := o.word(key)
	r, n := utf8.DecodeRuneInString(w)
	return string(unicode.ToUpper(r)) + w[n:]
}

// init sets what every chart shares. The title is the chart's; its subtitle (coverage) and
// source line travel in the caption that pages, embeds and images print with the chart.
func (o Options) init(c Caption) []echarts.GlobalOpts {
	return []echarts.GlobalOpts{
		echarts.WithInitializationOpts(opts.Initialization{AssetsHost: AssetsHost, ChartID: o.ChartID, Width: "100%", Height: "100%"}),
		echarts.WithTitleOpts(opts.Title{Title: c.Title, Left: "left", TitleStyle: &opts.TextStyle{FontSize: 14}}),
		echarts.WithTooltipOpts(opts.Tooltip{Show: opts.Bool(true), Trigger: "axis"}),
		echarts.WithAnimation(false),
	}
}

// empty is how ECharts is told a data slot has no value.
const empty = "-"

// round keeps four decimals of v, which is enough for any figure chiso shows.
func round(v float64) float64 {
	if r := math.Round(v*1e4) / 1e4; isFinite(r) {
		return r
	}
	return v // too large to scale: already whole
}

// bound returns v as an ECharts bound (axis or visual map): 0, which go-echarts omits, when v
// is NaN or beyond float32.
func bound(v float64) float32 {
	if f := float32(v); isFinite(float64(f)) {
		return f
	}
	return 0
}

// num writes v with prec decimals in the chart's language: 63,80 or 63.80.
func (o Options) num(v float64, prec int) string { return words.Number(o.Lang, v, prec) }
