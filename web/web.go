// Package web holds chiso's HTML templates, its own static assets and the words of its pages
// in Vietnamese and English. ECharts itself is installed from the npm registry into
// static/vendor/ by `make` and embedded from there; it is never committed nor fetched from a CDN.
package web

import (
	"embed"
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

// HasECharts reports whether ECharts was installed (make copies it from node_modules).
func HasECharts() bool {
	_, err := fs.Stat(Static(), "vendor/echarts.min.js")
	return err == nil
}

// Templates parses the page templates; the function t translates a key for the page's language.
func Templates() (*template.Template, error) {
	t, err := template.New("").Funcs(template.FuncMap{
		"t": func(lang, key string) string { return Text(lang, key) },
	}).ParseFS(templateFS, "templates/*.html")
	if err != nil {
		return nil, fmt.Errorf("parse templates: %w", err)
	}
	return t, nil
}

// Text returns the words for key in lang ("vi" or "en"); Vietnamese when lang is unknown.
func Text(lang, key string) string { return words.Text(lang, key) }
