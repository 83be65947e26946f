// Package charts turns chiso's figures and analytics results into chart specifications: the
// ECharts options of interactive charts (built with go-echarts) and static PNG and SVG images
// for reports (gonum/plot). It is pure and deterministic: no database, no HTTP.
package charts
