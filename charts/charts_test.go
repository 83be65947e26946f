package charts

import (
	"bytes"
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

var update = flag.Bool("update", false, "rewrite golden files")

func f(v float64) *float64 { return &v }

// pts turns values into points; NaN is "no data".
func pts(vs ...float64) []Point {
	out := make([]Point, len(vs))
	for i, v := range vs {
		if v == v {
			out[i] = Point{Value: f(v)}
		}
	}
	return out
}

// goldenOptions are the options of the golden charts.
func goldenOptions() Options { return Options{Lang: "vi", ChartID: "chiso_test"} }

// goldenCharts returns the chart of every golden input.
func goldenCharts() map[string]Chart {
	out := map[string]Chart{}
	for name, in := range goldenInputs() {
		out[name] = in.Option(goldenOptions())
	}
	return out
}

// goldenInputs returns an input of every kind, by kind. The inputs use real figures of the
// bundled data (VCCI PCI and PAPI; DTI 2020 Bắc Ninh).
func goldenInputs() map[string]Input {
	pciCaption := Caption{Title: "PCI", Subtitle: "2010–2016", Source: "VCCI"}
	return map[string]Input{
		"line": LineInput{Caption: pciCaption, Unit: "điểm", Years: []int{2010, 2011, 2012, 2013, 2014, 2015, 2016},
			Series: []Series{
				{Name: "Hậu Giang", Points: pts(63.91, 57.40, 62.01, 59.29, 58.91, 58.33, 57.82), Highlight: true},
				{Name: "Cần Thơ", Points: pts(62.46, 62.66, 60.32, 61.46, 59.94, 59.81, 61.14)},
			},
			Median: []*float64{f(58.02), f(59.43), f(56.5), f(57.81), f(58.58), f(58.47), f(58.2)}, // medians of the 63
			Breaks: []Break{{Year: 2013, Note: "weights changed"}}},
		"ranking": RankingInput{Caption: Caption{Title: "PCI 2016", Source: "VCCI"}, Unit: "điểm",
			Names:     []string{"Đà Nẵng", "Quảng Ninh", "Đồng Tháp", "Hậu Giang"},
			Points:    []Point{{Value: f(70.00)}, {Value: f(65.60)}, {Value: f(64.96)}, {Value: f(57.82)}},
			Highlight: []bool{false, false, false, true}, Median: f(58.20)},
		"bump": BumpInput{Caption: pciCaption, Years: []int{2012, 2013, 2014},
			Series: []Series{{Name: "Hậu Giang", Points: pts(11, 20, 25)}}, Breaks: []Break{{Year: 2013}}, MaxRank: 63},
		"slope": SlopeInput{Caption: pciCaption, Unit: "điểm", FromYear: 2010, ToYear: 2016, Rows: []SlopeRow{
			{Name: "Hậu Giang", From: Point{Value: f(63.91)}, To: Point{Value: f(57.82)}, Highlight: true},
			{Name: "Cần Thơ", From: Point{Value: f(62.46)}, To: Point{Value: f(61.14)}},
		}},
		"radar": RadarInput{Caption: Caption{Title: "DTI 2020", Source: "Sở TT&TT Bắc Ninh"},
			Axes:   []RadarAxis{{Name: "Chính quyền số", Max: 1}, {Name: "Kinh tế số", Max: 1}, {Name: "Xã hội số", Max: 1}},
			Series: []Series{{Name: "Bắc Ninh", Points: []Point{{}, {Value: f(0.3668)}, {}}}}},
		"scatter": ScatterInput{Caption: Caption{Title: "PCI × PAPI 2016"}, XName: "PCI", YName: "PAPI",
			Points: []ScatterPoint{{Name: "Hậu Giang", X: 57.82, Y: 34.63, Highlight: true}, {Name: "Đà Nẵng", X: 70.00, Y: 38.58}},
			Slope:  (38.58 - 34.63) / (70.00 - 57.82), Intercept: 34.63 - 57.82*(38.58-34.63)/(70.00-57.82)},
		"heatmap": HeatmapInput{Caption: pciCaption, Years: []int{2022, 2023}, Names: []string{"Hà Tĩnh", "Hậu Giang"},
			Cells: [][]Point{{{Value: f(18)}, {NotPublished: true}}, {{Value: f(12)}, {Value: f(9)}}}, Ranks: true, Min: 1, Max: 63},
		"map": MapInput{Caption: Caption{Title: "PCI 2023"}, Min: 60, Max: 75, HigherIsBetter: true, Tiles: []Tile{
			{Code: "42", Name: "Hà Tĩnh", Label: "HT", Col: 4, Row: 8, Point: Point{NotPublished: true}},
			{Code: "38", Name: "Thanh Hóa", Label: "TH", Col: 3, Row: 6, Point: Point{Value: f(66.79)}},
			{Code: "93", Name: "Hậu Giang", Label: "HG", Col: 1, Row: 21},
		}},
		"interval": compositeInput(),
	}
}

// compositeInput is the default composite of the bundled data (PCI and GRDP per capita, 2019,
// 32 provinces scored, 1000 draws, seed 1): its first two and its last province.
func compositeInput() IntervalInput {
	return IntervalInput{Caption: Caption{Title: "Chỉ số tổng hợp 2019", Subtitle: "PCI, GRDP bình quân đầu người", Source: "VCCI; GSO"}, Of: 32,
		Rows: []IntervalRow{{Name: "Bà Rịa - Vũng Tàu", Rank: 1, Lo: 1, Hi: 3}, {Name: "Quảng Ninh", Rank: 2, Lo: 1, Hi: 2},
			{Name: "Bình Phước", Rank: 32, Lo: 32, Hi: 32}}}
}

// TestKinds: the registry lists every kind once, in the order chiso offers them, and every kind
// has its golden option, its static input and its constructor agreeing with its Option.
func TestKinds(t *testing.T) {
	want := []string{"line", "ranking", "bump", "slope", "radar", "scatter", "heatmap", "map", "interval"}
	if got := Kinds(); !slices.Equal(got, want) {
		t.Fatalf("Kinds() = %v, want %v", got, want)
	}
	for _, k := range want {
		if !IsKind(k) {
			t.Errorf("IsKind(%q) = false", k)
		}
	}
	for _, k := range []string{"", "pie", "Line", "tilemap"} {
		if IsKind(k) {
			t.Errorf("IsKind(%q) = true", k)
		}
	}
	golden, static := goldenInputs(), staticInputs()
	constructed := map[string]Chart{}
	for k, in := range golden {
		o := goldenOptions()
		switch in := in.(type) {
		case LineInput:
			constructed[k] = Line(in, o)
		case RankingInput:
			constructed[k] = Ranking(in, o)
		case BumpInput:
			constructed[k] = Bump(in, o)
		case SlopeInput:
			constructed[k] = Slope(in, o)
		case RadarInput:
			constructed[k] = Radar(in, o)
		case ScatterInput:
			constructed[k] = Scatter(in, o)
		case HeatmapInput:
			constructed[k] = Heatmap(in, o)
		case MapInput:
			constructed[k] = TileMap(in, o)
		case IntervalInput:
			constructed[k] = Interval(in, o)
		}
	}
	for _, k := range want {
		in, ok := golden[k]
		if !ok {
			t.Errorf("%s: no golden input", k)
			continue
		}
		if in.Kind() != k {
			t.Errorf("golden input %q is of kind %q", k, in.Kind())
		}
		if s, ok := static[k]; !ok || s.Kind() != k {
			t.Errorf("%s: no static input of that kind", k)
		}
		a, errA := OptionJSON(in.Option(goldenOptions()))
		b, errB := OptionJSON(constructed[k])
		if errA != nil || errB != nil || !bytes.Equal(a, b) {
			t.Errorf("%s: Option and the constructor differ (errors %v, %v)", k, errA, errB)
		}
	}
}

// TestGolden compares every chart's option JSON with testdata/<kind>.golden.json.
func TestGolden(t *testing.T) {
	for name, c := range goldenCharts() {
		t.Run(name, func(t *testing.T) {
			got, err := OptionJSON(c)
			if err != nil {
				t.Fatal(err)
			}
			path := filepath.Join("testdata", name+".golden.json")
			if *update {
				if err := os.WriteFile(path, got, 0o644); err != nil {
					t.Fatal(err)
				}
			}
			want, err := os.ReadFile(path)
			if err != nil {
				t.Fatalf("%v (run `go test ./charts -update` to create it)", err)
			}
			if !bytes.Equal(got, want) {
				t.Errorf("%s option differs from %s; run `go test ./charts -update` if the change is intended:\n%s", name, path, got)
			}
		})
	}
}

// TestBreaksAreGaps: line and bump charts never draw a line across a change of method.
func TestBreaksAreGaps(t *testing.T) {
	for _, name := range []string{"line", "bump"} {
		js, _ := OptionJSON(goldenCharts()[name])
		s := string(js)
		if !strings.Contains(s, `"Đổi phương pháp"`) || !strings.Contains(s, `"connectNulls": false`) {
			t.Errorf("%s: no break mark or connected nulls:\n%s", name, s)
		}
		// The slot before 2013 is empty in every series, so the line stops and starts again.
		var opt struct {
			XAxis  []struct{ Data []string } `json:"xAxis"`
			Series []struct {
				Data []struct{ Value any } `json:"data"`
			} `json:"series"`
		}
		if err := json.Unmarshal(js, &opt); err != nil {
			t.Fatal(err)
		}
		cats := opt.XAxis[0].Data
		gap := slices.Index(cats, "")
		if gap < 1 || cats[gap-1] != "2012" || cats[gap+1] != "2013" {
			t.Fatalf("%s: categories %v, want an empty slot between 2012 and 2013", name, cats)
		}
		for _, sr := range opt.Series {
			if sr.Data[gap].Value != "-" {
				t.Errorf("%s: series has %v in the break slot, want \"-\"", name, sr.Data[gap].Value)
			}
		}
	}
}

func TestOptionJSONEscapesScript(t *testing.T) {
	c := Ranking(RankingInput{Caption: Caption{Title: "</script><script>alert(1)</script>"}, Names: []string{"<b>x</b>"}, Points: pts(1)}, Options{ChartID: "x"})
	js, err := OptionJSON(c)
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(string(js), "<") || strings.Contains(string(js), ">") {
		t.Errorf("option JSON carries raw < or >:\n%s", js)
	}
}

func TestNoCDN(t *testing.T) {
	for name, c := range goldenCharts() {
		js, _ := OptionJSON(c)
		if strings.Contains(string(js), "go-echarts.github.io") {
			t.Errorf("%s refers to the go-echarts CDN", name)
		}
	}
}

func TestTileLayouts(t *testing.T) {
	for set, layout := range map[string]map[string][2]int{"63": tiles63, "34": tiles34} {
		seen := map[[2]int]string{}
		for code, p := range layout {
			if other, dup := seen[p]; dup {
				t.Errorf("set %s: %s and %s share tile %v", set, code, other, p)
			}
			seen[p] = code
		}
		want := map[string]int{"63": 63, "34": 34}[set]
		if len(layout) != want {
			t.Errorf("set %s: %d tiles, want %d", set, len(layout), want)
		}
	}
	for _, tc := range []struct{ name, want string }{
		{"Hà Nội", "HN"}, {"Thành phố Hồ Chí Minh", "HCM"}, {"Bà Rịa - Vũng Tàu", "BRVT"}, {"Huế", "Huế"}, {"Đắk Lắk", "ĐL"},
	} {
		if got := TileLabel(tc.name); got != tc.want {
			t.Errorf("TileLabel(%q) = %q, want %q", tc.name, got, tc.want)
		}
	}
	names := []string{"Lào Cai", "Lai Châu", "Hà Giang", "Hậu Giang", "Quảng Ninh", "Quảng Nam", "Quảng Ngãi", "Hà Nội", "Hà Nam", "Cần Thơ"}
	labels := TileLabels(names)
	if want := []string{"LCa", "LCh", "HàG", "HậG", "QNi", "QNa", "QNg", "HNộ", "HNa", "CT"}; !slices.Equal(labels, want) {
		t.Errorf("TileLabels(%v) = %v, want %v", names, labels, want)
	}
}

func ExampleOptionJSON() {
	in := BumpInput{Years: []int{2017, 2021}, Series: []Series{{Name: "Hậu Giang", Points: pts(50, 38)}}}
	js, _ := OptionJSON(in.Option(Options{ChartID: "ex"}))
	fmt.Println(strings.Contains(string(js), `"inverse": true`))
	// Output: true
}
