package charts

import (
	"bytes"
	"encoding/json"
	"fmt"
	"math"
	"strconv"

	echarts "github.com/go-echarts/go-echarts/v2/charts"
	"github.com/go-echarts/go-echarts/v2/opts"
)

// Kinds are the chart names used in URLs.
var Kinds = []string{"line", "ranking", "bump", "slope", "radar", "scatter", "heatmap", "map"}

// Options set what every chart shares.
type Options struct {
	Lang    string // "vi" (default) or "en"
	ChartID string // fixed id, so that the output is the same from run to run
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

// A Point is one figure on a chart. Value nil is "no data"; NotPublished marks a figure the
// publisher withholds by design; Unverified one only reported, not confirmed.
type Point struct {
	Value        *float64
	NotPublished bool
	Unverified   bool
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

// words are the few words charts print, in each language.
var words = map[string]map[string]string{
	"vi": {"median": "Trung vị cả nước", "break": "Đổi phương pháp", "nodata": "Không có số liệu", "notpub": "Không công bố",
		"unverified": "chưa kiểm chứng", "trend": "Xu hướng", "band": "Khoảng tin cậy 95%", "source": "Nguồn", "rank": "Thứ hạng", "year": "Năm"},
	"en": {"median": "National median", "break": "Method change", "nodata": "No data", "notpub": "Not published",
		"unverified": "unverified", "trend": "Trend", "band": "95% confidence band", "source": "Source", "rank": "Rank", "year": "Year"},
}

func (o Options) word(k string) string {
	if w, ok := words[o.Lang]; ok {
		return w[k]
	}
	return words["vi"][k]
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

// slots returns the x-axis categories for years, with an empty slot before each break year so
// that no line runs across a change of method, and a function from year index to slot index.
func slots(years []int, breaks []Break) (cats []string, slotOf []int, breakSlots map[int]Break) {
	breakSlots = map[int]Break{}
	slotOf = make([]int, len(years))
	for i, y := range years {
		for _, b := range breaks {
			if b.Year == y && i > 0 {
				breakSlots[len(cats)] = b
				cats = append(cats, "")
			}
		}
		slotOf[i] = len(cats)
		cats = append(cats, strconv.Itoa(y))
	}
	return cats, slotOf, breakSlots
}

func lineData(points []Point, slotOf []int, n int) []opts.LineData {
	data := make([]opts.LineData, n)
	for i := range data {
		data[i] = opts.LineData{Value: empty}
	}
	for i, p := range points {
		if p.Value == nil {
			continue
		}
		d := opts.LineData{Value: round(*p.Value)}
		if p.Unverified {
			d.Symbol, d.SymbolSize = "triangle", 10
		}
		data[slotOf[i]] = d
	}
	return data
}

func round(v float64) float64 { return math.Round(v*1e4) / 1e4 }

func breakMarks(o Options, breakSlots map[int]Break, cats []string) echarts.SeriesOpts {
	var items []opts.MarkLineNameXAxisItem
	for s := range cats {
		if _, ok := breakSlots[s]; ok {
			items = append(items, opts.MarkLineNameXAxisItem{Name: o.word("break"), XAxis: s})
		}
	}
	return echarts.WithMarkLineNameXAxisItemOpts(items...)
}

// addLines adds one line per series, never joined across an empty slot; the first series
// carries the dashed, named marks of the method breaks.
func addLines(c *echarts.Line, series []Series, o Options, cats []string, slotOf []int, breakSlots map[int]Break) {
	for i, s := range series {
		so := []echarts.SeriesOpts{echarts.WithLineChartOpts(opts.LineChart{ConnectNulls: opts.Bool(false), ShowSymbol: opts.Bool(true)})}
		if i == 0 {
			so = append(so, breakMarks(o, breakSlots, cats), echarts.WithMarkLineStyleOpts(opts.MarkLineStyle{
				Symbol: []string{"none", "none"}, LineStyle: &opts.LineStyle{Type: "dashed", Color: "#999"},
				Label: &opts.Label{Show: opts.Bool(true), Formatter: "{b}"}}))
		}
		if s.Highlight {
			so = append(so, echarts.WithLineStyleOpts(opts.LineStyle{Width: 3}))
		}
		c.AddSeries(s.Name, lineData(s.Points, slotOf, len(cats)), so...)
	}
}

// A TrendLine is a fitted trend with its 95% band, aligned with the chart's years.
type TrendLine struct {
	Name           string
	Fitted, Lo, Hi []*float64
}

// LineInput is one indicator over time for one or more provinces.
type LineInput struct {
	Caption
	Unit   string
	Years  []int
	Series []Series
	Median []*float64 // national median by year, nil for none
	Trend  *TrendLine
	Breaks []Break
}

// Line draws an indicator over time for 1–8 provinces with the national median as a reference
// line, an optional fitted trend with its 95% band, and a gap with a mark at each change of method.
func Line(in LineInput, o Options) *echarts.Line {
	c := echarts.NewLine()
	cats, slotOf, breakSlots := slots(in.Years, in.Breaks)
	c.SetGlobalOptions(append(o.init(in.Caption),
		echarts.WithLegendOpts(opts.Legend{Show: opts.Bool(true), Bottom: "0"}),
		echarts.WithYAxisOpts(opts.YAxis{Name: in.Unit, Scale: opts.Bool(true)}),
		echarts.WithXAxisOpts(opts.XAxis{Name: o.word("year")}),
		echarts.WithGridOpts(opts.Grid{Top: "80", Bottom: "60", ContainLabel: opts.Bool(true)}),
	)...)
	c.SetXAxis(cats)
	addLines(c, in.Series, o, cats, slotOf, breakSlots)
	if in.Median != nil {
		pts := make([]Point, len(in.Median))
		for i, v := range in.Median {
			pts[i] = Point{Value: v}
		}
		c.AddSeries(o.word("median"), lineData(pts, slotOf, len(cats)),
			echarts.WithLineChartOpts(opts.LineChart{ConnectNulls: opts.Bool(false), ShowSymbol: opts.Bool(false)}),
			echarts.WithLineStyleOpts(opts.LineStyle{Type: "dashed", Color: "#777"}))
	}
	if t := in.Trend; t != nil {
		add := func(name string, vals []*float64, style opts.LineStyle) {
			pts := make([]Point, len(vals))
			for i, v := range vals {
				pts[i] = Point{Value: v}
			}
			c.AddSeries(name, lineData(pts, slotOf, len(cats)),
				echarts.WithLineChartOpts(opts.LineChart{ConnectNulls: opts.Bool(false), ShowSymbol: opts.Bool(false)}),
				echarts.WithLineStyleOpts(style))
		}
		add(o.word("trend")+" "+t.Name, t.Fitted, opts.LineStyle{Width: 2, Color: "#c0392b"})
		add(o.word("band"), t.Lo, opts.LineStyle{Type: "dotted", Color: "#c0392b"})
		add(o.word("band"), t.Hi, opts.LineStyle{Type: "dotted", Color: "#c0392b"})
	}
	return c
}

// RankingInput is every province's value for one indicator and year, best first.
type RankingInput struct {
	Caption
	Unit      string
	Names     []string
	Points    []Point
	Highlight []bool
	Median    *float64
}

// Ranking draws a bar for every province, sorted, the chosen ones highlighted, the national
// median marked; figures not published or unverified are labelled so.
func Ranking(in RankingInput, o Options) *echarts.Bar {
	c := echarts.NewBar()
	c.SetGlobalOptions(append(o.init(in.Caption),
		echarts.WithLegendOpts(opts.Legend{Show: opts.Bool(false)}),
		echarts.WithXAxisOpts(opts.XAxis{Name: in.Unit, NameLocation: "middle", NameGap: 28, Scale: opts.Bool(true)}),
		echarts.WithYAxisOpts(opts.YAxis{Type: "category", Inverse: opts.Bool(true)}),
		echarts.WithGridOpts(opts.Grid{Top: "40", Left: "10", Right: "30", Bottom: "40", ContainLabel: opts.Bool(true)}),
	)...)
	c.SetXAxis(in.Names)
	data := make([]opts.BarData, len(in.Points))
	for i, p := range in.Points {
		d := opts.BarData{Value: empty, ItemStyle: &opts.ItemStyle{Color: "#5b8ff9"}}
		if p.Value != nil {
			d.Value = round(*p.Value)
		}
		if i < len(in.Highlight) && in.Highlight[i] {
			d.ItemStyle = &opts.ItemStyle{Color: "#e8684a"}
		}
		switch {
		case p.NotPublished:
			d.Label = &opts.Label{Show: opts.Bool(true), Position: "insideLeft", Formatter: o.word("notpub")}
		case p.Unverified:
			d.Label = &opts.Label{Show: opts.Bool(true), Position: "right", Formatter: "(" + o.word("unverified") + ")"}
		}
		data[i] = d
	}
	so := []echarts.SeriesOpts{}
	if in.Median != nil {
		so = append(so, echarts.WithMarkLineNameXAxisItemOpts(opts.MarkLineNameXAxisItem{Name: o.word("median"), XAxis: round(*in.Median)}),
			echarts.WithMarkLineStyleOpts(opts.MarkLineStyle{Symbol: []string{"none", "none"}, LineStyle: &opts.LineStyle{Type: "dashed", Color: "#333"},
				Label: &opts.Label{Show: opts.Bool(true), Formatter: o.word("median")}}))
	}
	c.AddSeries(in.Unit, data, so...)
	c.XYReversal()
	return c
}

// BumpInput is the published rank over time of some provinces.
type BumpInput struct {
	Caption
	Years   []int
	Series  []Series // values are ranks
	Breaks  []Break
	MaxRank int
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
	for _, r := range in.Rows {
		style := opts.LineStyle{Color: "#c8c8c8", Width: 1}
		if r.Highlight {
			style = opts.LineStyle{Width: 3}
		}
		so := []echarts.SeriesOpts{echarts.WithLineStyleOpts(style),
			echarts.WithLineChartOpts(opts.LineChart{ConnectNulls: opts.Bool(false), ShowSymbol: opts.Bool(true)})}
		if r.Highlight {
			so = append(so, echarts.WithLabelOpts(opts.Label{Show: opts.Bool(true), Position: "right", Formatter: r.Name}))
		}
		c.AddSeries(r.Name, lineData([]Point{r.From, r.To}, []int{0, 1}, 2), so...)
	}
	return c
}

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

// Radar draws the pillars of an index for a few provinces.
func Radar(in RadarInput, o Options) *echarts.Radar {
	c := echarts.NewRadar()
	ind := make([]*opts.Indicator, len(in.Axes))
	for i, a := range in.Axes {
		ind[i] = &opts.Indicator{Name: a.Name, Max: float32(a.Max), Min: 0}
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
			if p.Value != nil {
				vals[i] = round(*p.Value)
			}
		}
		c.AddSeries(s.Name, []opts.RadarData{{Name: s.Name, Value: vals}})
	}
	return c
}

// A ScatterPoint is one province on a scatter chart.
type ScatterPoint struct {
	Name      string
	X, Y      float64
	Highlight bool
}

// ScatterInput is one indicator against another across provinces for a year.
type ScatterInput struct {
	Caption
	XName, YName     string
	Points           []ScatterPoint
	Slope, Intercept float64 // the OLS line of Y on X
	R                *float64
}

// Scatter draws an indicator against another, with the regression line and r in the subtitle.
func Scatter(in ScatterInput, o Options) *echarts.Scatter {
	c := echarts.NewScatter()
	c.SetGlobalOptions(append(o.init(in.Caption),
		echarts.WithXAxisOpts(opts.XAxis{Type: "value", Name: in.XName, Scale: opts.Bool(true)}),
		echarts.WithYAxisOpts(opts.YAxis{Type: "value", Name: in.YName, Scale: opts.Bool(true)}),
		echarts.WithTooltipOpts(opts.Tooltip{Show: opts.Bool(true), Trigger: "item"}),
		echarts.WithGridOpts(opts.Grid{Top: "80", Bottom: "40", ContainLabel: opts.Bool(true)}),
	)...)
	var plain, marked []opts.ScatterData
	lo, hi := math.Inf(1), math.Inf(-1)
	for _, p := range in.Points {
		d := opts.ScatterData{Name: p.Name, Value: []float64{round(p.X), round(p.Y)}}
		if p.Highlight {
			d.SymbolSize = 14
			marked = append(marked, d)
		} else {
			plain = append(plain, d)
		}
		lo, hi = math.Min(lo, p.X), math.Max(hi, p.X)
	}
	c.AddSeries(in.YName, plain, echarts.WithItemStyleOpts(opts.ItemStyle{Color: "#5b8ff9"}))
	if len(marked) > 0 {
		c.AddSeries(in.YName+" ★", marked, echarts.WithItemStyleOpts(opts.ItemStyle{Color: "#e8684a"}),
			echarts.WithLabelOpts(opts.Label{Show: opts.Bool(true), Position: "right", Formatter: "{b}"}))
	}
	if len(in.Points) >= 2 {
		label := "OLS"
		if in.R != nil {
			label = fmt.Sprintf("OLS, r = %.2f", *in.R)
		}
		c.AddSeries(label, []opts.ScatterData{
			{Value: []float64{round(lo), round(in.Intercept + in.Slope*lo)}},
			{Value: []float64{round(hi), round(in.Intercept + in.Slope*hi)}},
		}, echarts.WithSeriesOpts(func(s *echarts.SingleSeries) {
			s.Type = "line"
			s.ShowSymbol = opts.Bool(false)
			s.LineStyle = &opts.LineStyle{Color: "#333", Type: "dashed"}
		}))
	}
	return c
}

// HeatmapInput is provinces × years of one indicator, values or ranks.
type HeatmapInput struct {
	Caption
	Years    []int
	Names    []string
	Cells    [][]Point // Cells[i][j]: province i, year j
	Ranks    bool      // the cells are ranks: 1 is best
	Min, Max float64
}

// Heatmap colours provinces × years; empty cells are no data, grey cells not published.
func Heatmap(in HeatmapInput, o Options) *echarts.HeatMap {
	c := echarts.NewHeatMap()
	years := make([]string, len(in.Years))
	for i, y := range in.Years {
		years[i] = strconv.Itoa(y)
	}
	colors := []string{"#d7191c", "#fdae61", "#ffffbf", "#a6d96a", "#1a9641"}
	if in.Ranks {
		colors = []string{"#1a9641", "#a6d96a", "#ffffbf", "#fdae61", "#d7191c"}
	}
	c.SetGlobalOptions(append(o.init(in.Caption),
		echarts.WithXAxisOpts(opts.XAxis{Type: "category", Data: years}),
		echarts.WithYAxisOpts(opts.YAxis{Type: "category", Data: in.Names, Inverse: opts.Bool(true)}),
		echarts.WithTooltipOpts(opts.Tooltip{Show: opts.Bool(true), Trigger: "item"}),
		echarts.WithGridOpts(opts.Grid{Top: "80", Bottom: "70", ContainLabel: opts.Bool(true)}),
		echarts.WithVisualMapOpts(opts.VisualMap{Calculable: opts.Bool(true), Min: float32(in.Min), Max: float32(in.Max),
			Orient: "horizontal", Left: "center", Bottom: "0", InRange: &opts.VisualMapInRange{Color: colors}}),
	)...)
	var data, withheld []opts.HeatMapData
	for i, row := range in.Cells {
		for j, p := range row {
			switch {
			case p.Value != nil:
				data = append(data, opts.HeatMapData{Value: []any{j, i, round(*p.Value)}})
			case p.NotPublished:
				withheld = append(withheld, opts.HeatMapData{Name: o.word("notpub"), Value: []any{j, i}})
			}
		}
	}
	c.AddSeries(in.Caption.Title, data, echarts.WithLabelOpts(opts.Label{Show: opts.Bool(false)}))
	if len(withheld) > 0 {
		c.AddSeries(o.word("notpub"), withheld, echarts.WithItemStyleOpts(opts.ItemStyle{Color: "#9e9e9e"}))
	}
	return c
}

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
	Min, Max       float64
	HigherIsBetter bool
}

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
	colors := []string{"#d7191c", "#fdae61", "#ffffbf", "#a6d96a", "#1a9641"}
	if !in.HigherIsBetter {
		colors = []string{"#1a9641", "#a6d96a", "#ffffbf", "#fdae61", "#d7191c"}
	}
	hidden := opts.Bool(false)
	c.SetGlobalOptions(append(o.init(in.Caption),
		echarts.WithXAxisOpts(opts.XAxis{Type: "value", Min: -0.5, Max: float64(cols) - 0.5, Show: hidden}),
		echarts.WithYAxisOpts(opts.YAxis{Type: "value", Min: -0.5, Max: float64(rows) - 0.5, Inverse: opts.Bool(true), Show: hidden}),
		echarts.WithTooltipOpts(opts.Tooltip{Show: opts.Bool(true), Trigger: "item"}),
		echarts.WithLegendOpts(opts.Legend{Show: opts.Bool(true), Bottom: "0", Left: "right"}),
		// Square cells of tileSize pixels, centred: the map keeps its shape at any width.
		echarts.WithGridOpts(opts.Grid{Top: "50", Left: "center", Width: strconv.Itoa(cols * tileSize), Height: strconv.Itoa(rows * tileSize)}),
		echarts.WithVisualMapOpts(opts.VisualMap{Calculable: opts.Bool(true), Min: float32(in.Min), Max: float32(in.Max),
			Dimension: "2", Left: "left", Bottom: "40", InRange: &opts.VisualMapInRange{Color: colors}}),
	)...)
	var data, none, withheld []opts.ScatterData
	for _, t := range in.Tiles {
		d := opts.ScatterData{Name: t.Name}
		switch {
		case t.Value != nil:
			d.Value = []any{t.Col, t.Row, round(*t.Value), t.Label}
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
	c.AddSeries(o.word("nodata"), none, echarts.WithSeriesOpts(square), echarts.WithItemStyleOpts(opts.ItemStyle{Color: "#f7f7f7", BorderColor: "#bbbbbb", BorderWidth: 1}))
	c.AddSeries(o.word("notpub"), withheld, echarts.WithSeriesOpts(square), echarts.WithItemStyleOpts(opts.ItemStyle{Color: "#9e9e9e"}))
	return c
}

// A Chart is any of the charts above.
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
