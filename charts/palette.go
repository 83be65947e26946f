package charts

import (
	"image/color"
	"strconv"
	"strings"
)

// The palette: every colour of the charts, written once, in the CSS hex notation ECharts takes;
// the static images convert them with rgb. Where a role has two colours, one is for the
// interactive chart and the other for the printed image.
const (
	colorBar       = "#5b8ff9" // bars and points
	colorHighlight = "#e8684a" // the provinces asked for
	colorTrend     = "#c0392b" // a fitted trend and its 95% band
	colorWithheld  = "#9e9e9e" // figures not published; in images also the median and break lines
	colorMedian    = "#777"    // the national median line
	colorBreak     = "#999"    // the mark of a change of method
	colorRule      = "#333"    // the median mark of a ranking, the OLS line
	colorInk       = "#000"    // in images, the median mark of a ranking
	colorOthers    = "#c8c8c8" // the slopes of the provinces not asked for
	colorFaint     = "#eeeeee" // in images, the other slopes, radar spokes and tiles with no data
	colorNoData    = "#f7f7f7" // tiles with no data
	colorNoDataRim = "#bbbbbb" // their border
	colorPaper     = "#fff"    // in images, the border of a cell
	colorInterval  = "#9db8f0" // the whisker of a rank interval
	colorOther     = "#8a4b00" // another source's figure
)

// diverging returns the colour scale of maps and heatmaps, worst to best: red, yellow, green
// (ColorBrewer RdYlGn).
func diverging() []string {
	return []string{"#d7191c", "#fdae61", "#ffffbf", "#a6d96a", "#1a9641"}
}

// visualRange returns the scale of an ECharts visual map, which runs from low to high values:
// worst to best when higher is better, best to worst otherwise.
func visualRange(higherIsBetter bool) []string {
	c := diverging()
	if !higherIsBetter {
		for i, j := 0, len(c)-1; i < j; i, j = i+1, j-1 {
			c[i], c[j] = c[j], c[i]
		}
	}
	return c
}

// seriesColors returns the colours of the lines of series, in turn: those of ECharts' default
// theme, which the options leave to ECharts and the images copy.
func seriesColors() []string {
	return []string{"#5470c6", "#91cc75", "#fac858", "#ee6666", "#73c0de", "#3ba272", "#fc8452", "#9a60b4"}
}

// seriesColor returns the colour of the k-th series of an image.
func seriesColor(k int) color.Color {
	c := seriesColors()
	return rgb(c[k%len(c)])
}

// rgb converts a colour of the palette, "#rgb" or "#rrggbb", for the static images. The palette
// is tested to hold only such colours; anything else is black.
func rgb(hex string) color.RGBA {
	s, ok := strings.CutPrefix(hex, "#")
	if len(s) == 3 {
		s = string([]byte{s[0], s[0], s[1], s[1], s[2], s[2]})
	}
	n, err := strconv.ParseUint(s, 16, 32)
	if !ok || err != nil || len(s) != 6 {
		return color.RGBA{A: 0xff}
	}
	return color.RGBA{R: uint8(n >> 16), G: uint8(n >> 8), B: uint8(n), A: 0xff}
}
