// Package charts turns chiso's figures and analytics results into charts: the ECharts options
// of interactive charts (built with go-echarts) and static PNG and SVG images for reports
// (gonum/plot). It is pure and deterministic: no database, no HTTP.
//
// Each kind of chart is an Input (LineInput, RankingInput, BumpInput, SlopeInput, RadarInput,
// ScatterInput, HeatmapInput, MapInput), in a file of its own with its option builder and its
// static builder, so that the page and the image of a chart are drawn from the same fields:
//
//	in := charts.LineInput{Caption: caption, Years: years, Series: series}
//	js, err := charts.OptionJSON(in.Option(o))         // for the page
//	err = charts.Render(w, in, "png", o)               // for the report
//
// Kinds lists the kinds by the names URLs use. The words charts print come from package words;
// the colours from one palette. A value that is NaN or infinite is drawn as no data.
package charts
