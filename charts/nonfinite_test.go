package charts

import (
	"bytes"
	"fmt"
	"image/png"
	"math"
	"strings"
	"testing"
)

// nonFiniteInputs returns, for a value v that cannot be drawn (or barely), an input of every kind with v in
// every numeric field it has, beside real figures (PCI 2016, VCCI) that must still be drawn.
func nonFiniteInputs(v float64) map[string]Input {
	x := func() *float64 { return &v }
	mixed := []Point{{Value: f(63.91)}, {Value: x()}, {Value: f(57.82), Unverified: true}}
	years := []int{2014, 2015, 2016}
	return map[string]Input{
		"line": LineInput{Caption: Caption{Title: "PCI", Source: "VCCI"}, Unit: "điểm", Years: years,
			Series: []Series{{Name: "Hậu Giang", Points: mixed, Highlight: true}, {Name: "x", Points: []Point{{Value: x()}, {Value: x()}, {Value: x()}}}},
			Median: []*float64{x(), f(58.47), x()},
			Trend:  &TrendLine{Name: "Hậu Giang", Fitted: []*float64{x(), f(58.2), x()}, Lo: []*float64{x(), x(), x()}, Hi: []*float64{f(59), x(), f(59)}},
			Breaks: []Break{{Year: 2015}}},
		"ranking": RankingInput{Caption: Caption{Title: "PCI 2016"}, Unit: "điểm", Names: []string{"Đà Nẵng", "x", "Hậu Giang"},
			Points: mixed, Highlight: []bool{false, true, true}, Median: x()},
		"bump": BumpInput{Caption: Caption{Title: "PCI"}, Years: years, Breaks: []Break{{Year: 2016}}, MaxRank: 63,
			Series: []Series{{Name: "Hậu Giang", Points: []Point{{Value: f(11)}, {Value: x()}, {Value: f(25)}}}, {Name: "x", Points: []Point{{Value: x()}}}}},
		"slope": SlopeInput{Caption: Caption{Title: "PCI"}, Unit: "điểm", FromYear: 2010, ToYear: 2016, Rows: []SlopeRow{
			{Name: "Hậu Giang", From: Point{Value: f(63.91)}, To: Point{Value: f(57.82)}, Highlight: true},
			{Name: "x", From: Point{Value: x()}, To: Point{Value: f(61.14)}, Highlight: true},
			{Name: "y", From: Point{Value: f(62.46)}, To: Point{Value: x()}}}},
		"radar": RadarInput{Caption: Caption{Title: "DTI 2020"},
			Axes:   []RadarAxis{{"Chính quyền số", 1}, {"Kinh tế số", 1}, {"Xã hội số", v}, {"x", 1}},
			Series: []Series{{Name: "Bắc Ninh", Points: []Point{{Value: x()}, {Value: f(0.3668)}, {Value: f(0.5)}, {Value: f(0.25)}}}}},
		"scatter": ScatterInput{Caption: Caption{Title: "PCI × PAPI 2016"}, XName: "PCI", YName: "PAPI",
			Points: []ScatterPoint{{Name: "Hậu Giang", X: 57.82, Y: 34.63, Highlight: true}, {Name: "Đà Nẵng", X: 70, Y: 38.58},
				{Name: "x", X: v, Y: 35, Highlight: true}, {Name: "y", X: 60, Y: v}},
			Slope: v, Intercept: v, R: x()},
		"heatmap": HeatmapInput{Caption: Caption{Title: "PCI"}, Years: []int{2022, 2023}, Names: []string{"Hà Tĩnh", "Hậu Giang"},
			Cells: [][]Point{{{Value: f(18)}, {Value: x()}}, {{Value: f(12)}, {Value: x(), NotPublished: true}}}, Ranks: true, Min: v, Max: v},
		"map": MapInput{Caption: Caption{Title: "PCI 2023"}, Min: v, Max: 75, HigherIsBetter: true, Tiles: []Tile{
			{Code: "38", Name: "Thanh Hóa", Label: "TH", Col: 3, Row: 6, Point: Point{Value: f(66.79)}},
			{Code: "42", Name: "Hà Tĩnh", Label: "HT", Col: 4, Row: 8, Point: Point{Value: x()}}}},
		"interval": IntervalInput{Caption: Caption{Title: "Chỉ số tổng hợp 2019"}, Of: 32, Rows: []IntervalRow{
			{Name: "Bà Rịa - Vũng Tàu", Rank: 27, Lo: 23, Hi: 31}, {Name: "x", Rank: 2, Lo: v, Hi: v}, {Name: "y", Rank: 3, Lo: 1, Hi: v}}},
	}
}

// drawnFigure is a real figure of each nonFiniteInputs input that must survive in its option.
var drawnFigure = map[string]string{
	"line": "63.91", "ranking": "57.82", "bump": "25", "slope": "61.14", "radar": "0.3668", "scatter": "38.58", "heatmap": "12", "map": "66.79", "interval": "27",
}

// TestNonFinite: NaN and infinite values, anywhere in any kind of input, are no data. The
// option marshals to JSON (which has no NaN nor Inf) with the real figures still in it; the
// image is a valid PNG and SVG or an error, never a panic. The largest floats, which overflow
// when rounded or made float32 bounds, are held to the same.
func TestNonFinite(t *testing.T) {
	for _, v := range []float64{math.NaN(), math.Inf(1), math.Inf(-1), math.MaxFloat64, -math.MaxFloat64} {
		ins := nonFiniteInputs(v)
		if len(ins) != len(Kinds()) {
			t.Fatalf("%d inputs for %d kinds", len(ins), len(Kinds()))
		}
		for _, kind := range Kinds() {
			in := ins[kind]
			t.Run(fmt.Sprintf("%s/%v", kind, v), func(t *testing.T) {
				var js []byte
				err := noPanic(func() error {
					var err error
					js, err = OptionJSON(in.Option(Options{ChartID: "x"}))
					return err
				})
				if err != nil {
					t.Errorf("option: %v", err)
				} else if !bytes.Contains(js, []byte(drawnFigure[kind])) {
					t.Errorf("option lacks the real figure %s:\n%s", drawnFigure[kind], js)
				}
				for _, format := range []string{"png", "svg"} {
					var buf bytes.Buffer
					err := noPanic(func() error { return Render(&buf, in, format, Options{}) })
					switch {
					case err != nil && strings.Contains(err.Error(), "panic"):
						t.Errorf("%s: %v", format, err)
					case err != nil:
						t.Logf("%s: %v", format, err) // an error is an allowed answer
					case format == "png":
						if _, err := png.Decode(&buf); err != nil {
							t.Errorf("png: does not decode: %v", err)
						}
					default:
						if s := buf.String(); !strings.HasPrefix(s, "<?xml") || !strings.Contains(s, "</svg>") {
							t.Errorf("svg: not an SVG: %.100s", s)
						}
					}
				}
			})
		}
	}
}

// noPanic runs fn and returns its error, or an error that says it panicked.
func noPanic(fn func() error) (err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("panic: %v", r)
		}
	}()
	return fn()
}

// TestRenderLineWithNaN is the case that used to panic: the plot used before its error was checked.
func TestRenderLineWithNaN(t *testing.T) {
	in := LineInput{Caption: Caption{Title: "PCI"}, Unit: "điểm", Years: []int{2015, 2016},
		Series: []Series{{Name: "Hậu Giang", Points: []Point{{Value: f(math.NaN())}, {Value: f(57.82)}}}}}
	var svg bytes.Buffer
	if err := noPanic(func() error { return Render(&svg, in, "svg", Options{}) }); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(svg.String(), "Hậu Giang") || !strings.Contains(svg.String(), "điểm") {
		t.Error("SVG lacks the series or the unit")
	}
}
