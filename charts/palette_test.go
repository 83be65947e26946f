package charts

import (
	"image/color"
	"regexp"
	"testing"
)

// TestPalette: every colour of the palette is CSS hex that rgb reads.
func TestPalette(t *testing.T) {
	hex := regexp.MustCompile(`^#([0-9a-f]{3}|[0-9a-f]{6})$`)
	all := []string{colorBar, colorHighlight, colorTrend, colorWithheld, colorMedian, colorBreak, colorRule, colorInk,
		colorOthers, colorFaint, colorNoData, colorNoDataRim, colorPaper}
	all = append(append(all, diverging()...), seriesColors()...)
	for _, c := range all {
		if !hex.MatchString(c) {
			t.Errorf("colour %q is not lowercase #rgb or #rrggbb", c)
		}
	}
	for _, tc := range []struct {
		hex  string
		want color.RGBA
	}{
		{"#5b8ff9", color.RGBA{0x5b, 0x8f, 0xf9, 0xff}},
		{"#999", color.RGBA{0x99, 0x99, 0x99, 0xff}},
		{"#fff", color.RGBA{0xff, 0xff, 0xff, 0xff}},
		{"#000", color.RGBA{0, 0, 0, 0xff}},
		{"5b8ff9", color.RGBA{A: 0xff}},
		{"#5b8ff", color.RGBA{A: 0xff}},
		{"#zzz", color.RGBA{A: 0xff}},
	} {
		if got := rgb(tc.hex); got != tc.want {
			t.Errorf("rgb(%q) = %v, want %v", tc.hex, got, tc.want)
		}
	}
	if v := visualRange(false); v[0] != "#1a9641" || v[4] != "#d7191c" || diverging()[0] != "#d7191c" {
		t.Errorf("visualRange(false) = %v, want the diverging scale reversed, and diverging() left as it was", v)
	}
}
