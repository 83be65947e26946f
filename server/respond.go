package server

import (
	"bytes"
	"context"
	"encoding/csv"
	"encoding/json"
	"errors"
	"fmt"
	"hash/fnv"
	"html/template"
	"log/slog"
	"net/http"
	"strconv"
	"strings"

	"github.com/go-chi/chi/v5/middleware"

	"chiso/datasets"
	"chiso/report"
	"chiso/web"
)

// errorBody is the JSON of every error response.
type errorBody struct {
	Status    string        `json:"status"`
	ErrorType string        `json:"error_type"`
	Error     string        `json:"error"`
	Parameter string        `json:"parameter,omitempty"`
	Problems  []problemJSON `json:"problems,omitempty"`
}

type problemJSON struct {
	File     string `json:"file"`
	Sheet    string `json:"sheet,omitempty"`
	Line     int    `json:"line"`
	Column   int    `json:"column,omitempty"`
	Field    string `json:"field,omitempty"`
	Expected string `json:"expected,omitempty"`
	Found    string `json:"found,omitempty"`
	Message  string `json:"message"`
}

// errorStatus is the one place where errors become HTTP statuses, for the API's JSON and the
// pages' HTML alike.
func errorStatus(err error) (status int, errorType string) {
	var (
		pe *report.ParamError
		ie *datasets.IngestError
		ne *datasets.NameError
	)
	switch {
	case errors.As(err, &pe), errors.As(err, &ie):
		return http.StatusBadRequest, "bad_data"
	case errors.Is(err, datasets.ErrNotFound), errors.As(err, &ne):
		return http.StatusNotFound, "not_found"
	case errors.Is(err, context.Canceled):
		return 499, "canceled" // the client went away; nothing is written
	default:
		return http.StatusInternalServerError, "internal"
	}
}

// A responder writes what handlers return: envelopes, CSV, files, pages, ETags and errors.
type responder struct {
	logger *slog.Logger
	store  *datasets.Store
	tmpl   *template.Template
}

// fail writes err as JSON (the API) or as an HTML page (html). Server errors are logged here,
// once, with the request id; the client sees only "internal error".
func (rs *responder) fail(w http.ResponseWriter, r *http.Request, err error, html bool) {
	status, kind := errorStatus(err)
	if status == 499 {
		return
	}
	msg := err.Error()
	if status == http.StatusInternalServerError {
		msg = "internal error"
		rs.logger.ErrorContext(r.Context(), "request failed", "method", r.Method, "path", r.URL.RequestURI(), "err", err,
			"request_id", middleware.GetReqID(r.Context()))
	}
	if html && rs.tmpl != nil {
		lang := "vi"
		if r.URL.Query().Get("lang") == "en" {
			lang = "en"
		}
		d := rs.base(r, lang, web.Text(lang, "site"))
		d.Error = msg
		rs.render(w, r, page{name: "error.html", status: status, data: d})
		return
	}
	body := errorBody{Status: "error", ErrorType: kind, Error: msg}
	var (
		pe *report.ParamError
		ie *datasets.IngestError
	)
	if errors.As(err, &pe) {
		body.Parameter = pe.Param
	}
	if errors.As(err, &ie) {
		for _, p := range ie.Problems {
			body.Problems = append(body.Problems, problemJSON{File: p.File, Sheet: p.Sheet, Line: p.Line, Column: p.Column,
				Field: p.Field, Expected: p.Want, Found: p.Got, Message: p.Error()})
		}
	}
	rs.writeJSON(w, r, status, body)
}

// writeJSON writes v as JSON; an encoding failure (a bug) is logged, since the status is sent.
func (rs *responder) writeJSON(w http.ResponseWriter, r *http.Request, status int, v any) {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		rs.fail(w, r, fmt.Errorf("encode %T: %w", v, err), false)
		return
	}
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.WriteHeader(status)
	w.Write(buf.Bytes())
}

// An endpoint computes the view an API request asks for.
type endpoint func(r *http.Request) (any, error)

// api wraps an endpoint: it writes the view in the success envelope (status, dataset version,
// then the view's fields), or its table as CSV on format=csv or Accept: text/csv, with an ETag
// that identifies the representation; errors go through fail.
func (rs *responder) api(f endpoint) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		version := rs.store.Version()
		format, err := parseChoice(r.URL.Query(), "format", "", "json", "csv")
		if err != nil {
			rs.fail(w, r, err, false)
			return
		}
		w.Header().Add("Vary", "Accept")
		v, err := f(r)
		if err != nil {
			rs.fail(w, r, err, false)
			return
		}
		t, tabular := v.(report.Tabler)
		switch {
		case format == "csv" && !tabular:
			rs.fail(w, r, &report.ParamError{Param: "format", Want: `"json" (this endpoint has no CSV form)`, Got: `"csv"`}, false)
		case format == "csv" || (format == "" && tabular && strings.Contains(r.Header.Get("Accept"), "text/csv")):
			if !notModified(w, r, version, "csv") {
				writeCSV(w, t.Table())
			}
		default:
			if !notModified(w, r, version, "json") {
				rs.writeEnvelope(w, r, version, v)
			}
		}
	})
}

// writeEnvelope writes {"status":"success","dataset_version":…, the fields of v}.
func (rs *responder) writeEnvelope(w http.ResponseWriter, r *http.Request, version string, v any) {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil || buf.Len() < 2 || buf.Bytes()[0] != '{' {
		rs.fail(w, r, fmt.Errorf("encode %T: not a JSON object (%v)", v, err), false)
		return
	}
	head := `{"status":"success","dataset_version":` + strconv.Quote(version)
	if !bytes.HasPrefix(buf.Bytes(), []byte("{}")) {
		head += ","
	}
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.WriteHeader(http.StatusOK)
	w.Write([]byte(head))
	w.Write(buf.Bytes()[1:])
}

// etag identifies one representation: the dataset version, the path, the query parameters in
// canonical order and the variant (json, csv, png, …).
func etag(version string, r *http.Request, variant string) string {
	h := fnv.New64a()
	h.Write([]byte(r.URL.Path))
	h.Write([]byte{'?'})
	h.Write([]byte(r.URL.Query().Encode())) // Encode sorts by key
	h.Write([]byte{'|'})
	h.Write([]byte(variant))
	return `"` + version + "-" + strconv.FormatUint(h.Sum64(), 36) + `"`
}

// notModified sets the ETag of a response that depends only on the dataset version and the
// request, and answers 304 if the client's copy is current. Only GET and HEAD are cached.
func notModified(w http.ResponseWriter, r *http.Request, version, variant string) bool {
	if r.Method != http.MethodGet && r.Method != http.MethodHead {
		return false
	}
	tag := etag(version, r, variant)
	w.Header().Set("ETag", tag)
	w.Header().Set("Cache-Control", "no-cache")
	if etagMatches(r.Header.Get("If-None-Match"), tag) {
		w.WriteHeader(http.StatusNotModified)
		return true
	}
	return false
}

// etagMatches reports whether an If-None-Match header names etag (or "*").
func etagMatches(ifNoneMatch, etag string) bool {
	for _, m := range strings.Split(ifNoneMatch, ",") {
		m = strings.TrimPrefix(strings.TrimSpace(m), "W/")
		if m == etag || m == "*" {
			return true
		}
	}
	return false
}

// writeCSV writes a table as CSV, header first, to be saved under its name.
func writeCSV(w http.ResponseWriter, t report.Table) {
	w.Header().Set("Content-Type", "text/csv; charset=utf-8")
	w.Header().Set("Content-Disposition", `attachment; filename="`+t.Name+`"`)
	cw := csv.NewWriter(w)
	cw.Write(t.Header)
	cw.WriteAll(t.Rows)
}

// A file is a response body of its own type: an image.
type file struct {
	contentType string
	body        []byte
}

// A fileFunc computes a file, or a table to write as CSV.
type fileFunc func(r *http.Request) (variant string, f any, err error)

// files wraps a fileFunc: the file or table with its ETag, errors as JSON.
func (rs *responder) files(f fileFunc) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		version := rs.store.Version()
		variant, v, err := f(r)
		if err != nil {
			rs.fail(w, r, err, false)
			return
		}
		if notModified(w, r, version, variant) {
			return
		}
		switch v := v.(type) {
		case report.Table:
			writeCSV(w, v)
		case file:
			w.Header().Set("Content-Type", v.contentType)
			w.Write(v.body)
		}
	})
}

func (rs *responder) handleNotFound() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		rs.fail(w, r, fmt.Errorf("no such page %s: %w", report.Quote(r.URL.Path), datasets.ErrNotFound), !strings.HasPrefix(r.URL.Path, "/api/"))
	})
}

// handleAssets serves /assets/ from the embedded static files (ECharts from the npm registry,
// chiso.css, chiso.js), cached by clients for a day.
func handleAssets() http.Handler {
	fs := http.StripPrefix("/assets/", http.FileServerFS(web.Static()))
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Cache-Control", "public, max-age=86400")
		fs.ServeHTTP(w, r)
	})
}
