package server

import (
	"bytes"
	"context"
	"net/http"
	"time"

	"chiso/datasets"
	"chiso/report"
	"chiso/web"
)

// Cache-Control values: short for what changes with the data, long and immutable for what a
// dataset version names.
const (
	cacheShortHTML     = "public, max-age=60"
	cacheShortDownload = "public, max-age=300"
	cacheImmutable     = "public, max-age=31536000, immutable"
	cacheNone          = "no-store"
)

// origin is the scheme and host the client used: what absolute links start with.
func origin(r *http.Request) string { return scheme(r) + "://" + r.Host }

// handleDatasetsAPI is the datasets page as JSON: indicators, coverage, sources, version,
// downloads and snippets. Its URLs are absolute, so its cache key carries the host.
func (rs *responder) handleDatasetsAPI() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		q := newQuery(r)
		q.refuseUnknown()
		base := origin(r) + pinnedPrefix(r)
		rs.serve(w, r, q, "json|"+origin(r), false, false, func(ctx context.Context, version string) (response, error) {
			d, err := report.DatasetsOf(ctx, rs.store, trimPin(base, version), time.Now())
			if err != nil {
				return response{}, err
			}
			return envelope(version, d)
		})
	})
}

// trimPin drops a pinned prefix from base: DatasetsOf adds the version's own.
func trimPin(base, version string) string {
	if n := len(base) - len("/v/"+version); n >= 0 && base[n:] == "/v/"+version {
		return base[:n]
	}
	return base
}

// handleVersions lists the history of dataset versions and those served at pinned URLs.
func handleVersions(rs *responder) endpoint {
	return func(q *query) compute {
		return func(ctx context.Context) (any, error) { return report.VersionsOf(ctx, rs.store, rs.keep) }
	}
}

// handleDatasetsPage: every indicator with its coverage grid and sources, the downloads and
// the snippets that load them.
func (rs *responder) handleDatasetsPage() pageFunc {
	return func(q *query) func(ctx context.Context) (page, error) {
		lang := q.lang()
		return func(ctx context.Context) (page, error) {
			r := q.r
			v, err := report.DatasetsOf(ctx, rs.store, origin(r), time.Now())
			if err != nil {
				return page{}, err
			}
			rows := make([]datasetRow, len(v.Indicators))
			for i, in := range v.Indicators {
				rows[i] = datasetRow{DatasetIndicator: in, Name: in.NameVI, Cells: in.Grid(v.Years, lang)}
				if lang == "en" {
					rows[i].Name = in.NameEN
				}
			}
			return page{name: "datasets.html", data: datasetsPage{Page: rs.base(r, lang, web.Text(lang, "datasets")), Lang: lang, Datasets: v, Rows: rows}}, nil
		}
	}
}

type datasetsPage struct {
	Page     pageData
	Lang     string
	Datasets report.Datasets
	Rows     []datasetRow
}

type datasetRow struct {
	report.DatasetIndicator
	Name  string
	Cells []report.GridCell
}

// handleDownload serves /datasets/download.{ext}: the figures of an observations query (the
// parameters of /api/v1/observations, with sources=all and, for CSV, excel=vn) in a file
// named for its indicators and the dataset version; .zip is the whole dataset.
func (rs *responder) handleDownload(ext string) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if rs.cached(w, r, false) {
			return
		}
		q := newQuery(r)
		format := ext
		var s report.DownloadSpec
		if ext != "zip" {
			s.Indicators, s.Provinces, s.View = q.indicators(rs.store.Catalogue()), q.provinces(rs.store.Registry()), q.view()
			s.From, s.To = q.yearRange()
			s.AllSources = q.choice("sources", "preferred", "preferred", "all") == "all"
			if ext == "csv" && q.choice("excel", "", "vn") == "vn" {
				format = "csv_vn"
			}
		}
		q.refuseUnknown()
		w.Header().Set("Link", `<`+origin(r)+"/v/"+rs.store.Version()+stripPin(r)+`>; rel="canonical"`)
		rs.serve(w, r, q, format, false, true, func(ctx context.Context, version string) (response, error) {
			if ext == "zip" {
				p, err := rs.store.Package(ctx)
				if err != nil {
					return response{}, err
				}
				return response{contentType: datasets.ContentType("zip"), disposition: attachment(datasets.PackageName(p.Version)), body: p.Zip}, nil
			}
			d, err := report.DownloadOf(ctx, rs.store, s)
			if err != nil {
				return response{}, err
			}
			var buf bytes.Buffer
			if err := rs.store.Encode(ctx, &buf, format, d.Table, d.Meta); err != nil {
				return response{}, err
			}
			return response{contentType: datasets.ContentType(format), disposition: attachment(d.FileName(format)), body: buf.Bytes()}, nil
		})
	})
}

func attachment(name string) string { return `attachment; filename="` + name + `"` }

// cachePolicy sets Cache-Control on what next answers: value on success (and 304), no-store
// on errors.
func cachePolicy(value string) func(http.Handler) http.Handler {
	return func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			// Set now, so that an answer kept in the cache keeps it; errors get no-store below.
			w.Header().Set("Cache-Control", value)
			next.ServeHTTP(&policyWriter{ResponseWriter: w, value: value}, r)
		})
	}
}

// A policyWriter sets Cache-Control just before the status is written, over what the
// handler set.
type policyWriter struct {
	http.ResponseWriter
	value string
	wrote bool
}

func (w *policyWriter) WriteHeader(code int) {
	if !w.wrote {
		w.wrote = true
		if code < 400 {
			w.Header().Set("Cache-Control", w.value)
		} else {
			w.Header().Set("Cache-Control", cacheNone)
		}
	}
	w.ResponseWriter.WriteHeader(code)
}

func (w *policyWriter) Write(b []byte) (int, error) {
	if !w.wrote {
		w.WriteHeader(http.StatusOK)
	}
	return w.ResponseWriter.Write(b)
}

func (w *policyWriter) Unwrap() http.ResponseWriter { return w.ResponseWriter }
