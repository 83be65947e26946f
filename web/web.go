// Package web holds chiso's HTML templates and its own static assets. The words of the pages,
// in Vietnamese and English, come from package words. ECharts itself is installed from the npm
// registry into static/vendor/ by `make` and embedded from there; it is never committed nor
// fetched from a CDN.
package web

import (
	"embed"
	"errors"
	"fmt"
	"html/template"
	"io/fs"

	"chiso/words"
)

//go:embed templates/*.html
var templateFS embed.FS

//go:embed static
var staticFS embed.FS

// Static returns the files served under /assets/: chiso.css, chiso.js and vendor/echarts.min.js.
func Static() fs.FS {
	sub, err := fs.Sub(staticFS, "static")
	if err != nil {
		panic(err) // the embedded tree always has static/
	}
	return sub
}

// ErrNoECharts reports that static/vendor/echarts.min.js was not embedded: the build ran before
// ECharts was installed from the npm registry.
var ErrNoECharts = errors.New("ECharts is not installed: run `make` (npm ci)")

// CheckECharts returns ErrNoECharts if ECharts was not installed (make copies it from
// node_modules), nil if it is embedded. Pages without it draw no chart: tests of the pages and
// of this package fail with this error rather than skip.
func CheckECharts() error {
	if _, err := fs.Stat(Static(), "vendor/echarts.min.js"); err != nil {
		return ErrNoECharts
	}
	return nil
}

// HasECharts reports whether ECharts was installed: CheckECharts returns nil.
func HasECharts() bool { return CheckECharts() == nil }

// Templates parses the page templates; the function t translates a key for the page's language.
func Templates() (*template.Template, error) {
	t, err := template.New("").Funcs(template.FuncMap{
		"t":     words.Text,
		"tbl":   Table,
		"short": Short,
		"region": func(lang, region string) string {
			if w := words.Text(lang, "region:"+region); w != "region:"+region {
				return w
			}
			return region
		},
	}).ParseFS(templateFS, "templates/*.html")
	if err != nil {
		return nil, fmt.Errorf("parse templates: %w", err)
	}
	return t, nil
}

// Text returns the words for key in lang; it is words.Text, kept for the pages that still call it.
func Text(lang, key string) string { return words.Text(lang, key) }
