package charts

import (
	"bytes"
	"encoding/csv"
	"image/png"
	"os"
	"strings"
	"testing"
)

// staticInputs returns an input of every kind, of real figures, for the static renderer.
func staticInputs() map[string]Input {
	return map[string]Input{
		"line": LineInput{Caption: Caption{Title: "PCI — Hậu Giang", Subtitle: "2010–2016", Source: "VCCI"}, Unit: "điểm",
			Years:  []int{2010, 2011, 2012, 2013, 2014, 2015, 2016},
			Series: []Series{{Name: "Hậu Giang", Points: pts(63.91, 57.40, 62.01, 59.29, 58.91, 58.33, 57.82)}},
			Breaks: []Break{{Year: 2013}}},
		"ranking": RankingInput{Caption: Caption{Title: "PCI 2016", Source: "VCCI"}, Names: []string{"Đà Nẵng", "Bà Rịa - Vũng Tàu", "Hậu Giang"},
			Points: pts(70.00, 61.97, 57.82), Highlight: []bool{false, false, true}},
		"bump":     BumpInput{Caption: Caption{Title: "PCI"}, Years: []int{2012, 2013, 2014}, Series: []Series{{Name: "Hậu Giang", Points: pts(11, 20, 25)}}},
		"slope":    SlopeInput{Caption: Caption{Title: "PCI"}, FromYear: 2010, ToYear: 2016, Rows: []SlopeRow{{Name: "Hậu Giang", From: Point{Value: f(63.91)}, To: Point{Value: f(57.82)}, Highlight: true}}},
		"radar":    RadarInput{Caption: Caption{Title: "DTI 2020"}, Axes: []RadarAxis{{"Chính quyền số", 1}, {"Kinh tế số", 1}, {"Xã hội số", 1}}, Series: []Series{{Name: "Bắc Ninh", Points: []Point{{}, {Value: f(0.3668)}, {}}}}},
		"scatter":  ScatterInput{Caption: Caption{Title: "PCI × PAPI 2016"}, XName: "PCI", YName: "PAPI", Points: []ScatterPoint{{Name: "Hậu Giang", X: 57.82, Y: 34.63, Highlight: true}, {Name: "Đà Nẵng", X: 70, Y: 38.58}}},
		"heatmap":  HeatmapInput{Caption: Caption{Title: "PCI"}, Years: []int{2022, 2023}, Names: []string{"Hà Tĩnh", "Hậu Giang"}, Cells: [][]Point{{{Value: f(18)}, {NotPublished: true}}, {{Value: f(12)}, {Value: f(9)}}}, Ranks: true, Min: 1, Max: 63},
		"interval": compositeInput(),
		"map":      MapInput{Caption: Caption{Title: "PCI 2023"}, Min: 60, Max: 75, HigherIsBetter: true, Tiles: []Tile{{Code: "38", Name: "Thanh Hóa", Label: "TH", Col: 3, Row: 6, Point: Point{Value: f(66.79)}}, {Code: "42", Name: "Hà Tĩnh", Label: "HT", Col: 4, Row: 8, Point: Point{NotPublished: true}}}},
	}
}

func TestRenderPNGAndSVG(t *testing.T) {
	for name, in := range staticInputs() {
		t.Run(name, func(t *testing.T) {
			var pngBuf, svgBuf bytes.Buffer
			if err := Render(&pngBuf, in, "png", Options{}); err != nil {
				t.Fatal(err)
			}
			img, err := png.Decode(&pngBuf)
			if err != nil {
				t.Fatalf("PNG does not decode: %v", err)
			}
			if b := img.Bounds(); b.Dx() != 756 || b.Dy() != 454 {
				t.Errorf("PNG is %dx%d, want 756x454 (20 × 12 cm at 96 dpi)", b.Dx(), b.Dy())
			}
			if err := Render(&svgBuf, in, "svg", Options{}); err != nil {
				t.Fatal(err)
			}
			svg := svgBuf.String()
			if !strings.HasPrefix(strings.TrimSpace(svg), "<?xml") || !strings.Contains(svg, "<svg") {
				t.Fatalf("not an SVG: %.100s", svg)
			}
			var cap string
			switch c := in.(type) {
			case LineInput:
				cap = c.Caption.Title
			case RankingInput:
				cap = c.Caption.Title
			case MapInput:
				cap = c.Caption.Title
			}
			if cap != "" && !strings.Contains(svg, strings.Fields(cap)[0]) {
				t.Errorf("SVG lacks the caption %q", cap)
			}
		})
	}
	// Series names and the source line are in the SVG, diacritics and all.
	var svg bytes.Buffer
	if err := Render(&svg, staticInputs()["line"], "svg", Options{Lang: "vi"}); err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"Hậu Giang", "Nguồn: VCCI", "Đổi phương pháp 2013"} {
		if !strings.Contains(svg.String(), want) {
			t.Errorf("SVG lacks %q", want)
		}
	}
	if err := Render(&svg, nil, "png", Options{}); err == nil {
		t.Error("nil input rendered")
	}
	if err := Render(&svg, staticInputs()["line"], "gif", Options{}); err == nil || !strings.Contains(err.Error(), `"gif"`) {
		t.Errorf("Render as gif: error %v, want one naming the format", err)
	}
}

// TestVietnameseGlyphs: the static images' font draws every letter of every province name,
// the 63 and the 34, and the Vietnamese alphabet with all its tone marks.
func TestVietnameseGlyphs(t *testing.T) {
	var names []string
	for _, file := range []string{"../datasets/bundled/provinces_63.csv", "../datasets/bundled/provinces_34.csv"} {
		f, err := os.Open(file)
		if err != nil {
			t.Fatal(err)
		}
		recs, err := csv.NewReader(f).ReadAll()
		f.Close()
		if err != nil {
			t.Fatal(err)
		}
		for _, r := range recs[1:] {
			names = append(names, r[1])
		}
	}
	names = append(names, "ăâđêôơư ĂÂĐÊÔƠƯ àáảãạ ằắẳẵặ ầấẩẫậ èéẻẽẹ ềếểễệ ìíỉĩị òóỏõọ ồốổỗộ ờớởỡợ ùúủũụ ừứửữự ỳýỷỹỵ")
	for _, n := range names {
		if m := MissingGlyphs(n); len(m) > 0 {
			t.Errorf("%q: the font has no glyph for %q", n, string(m))
		}
	}
	if len(names) != 98 {
		t.Errorf("checked %d names, want 63 + 34 + the alphabet", len(names))
	}
}
