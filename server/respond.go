package server

import (
	"bytes"
	"cmp"
	"context"
	"encoding/csv"
	"encoding/json"
	"errors"
	"fmt"
	"hash/fnv"
	"html/template"
	"io/fs"
	"log/slog"
	"net/http"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

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
	case errors.Is(err, datasets.ErrVersionGone):
		return http.StatusGone, "gone"
	case errors.As(err, new(*methodError)):
		return http.StatusMethodNotAllowed, "bad_data"
	case errors.Is(err, errBusy):
		return http.StatusServiceUnavailable, "unavailable"
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
	latest *datasets.Store // the store of the current version (store itself, unless store is a snapshot)
	keep   int             // dataset versions served at pinned URLs
	pins   *pins           // /v/{version}/…; nil on the routes that pins itself serves
	tmpl   *template.Template
	cache  *responseCache
	limit  *limiter
	admin  *admin // the operators' upload; nil (no routes) without an admin token
}

// fail writes err as JSON (the API) or as an HTML page (html). Server errors are logged here,
// once, with the request id; the client sees only "internal error".
func (rs *responder) fail(w http.ResponseWriter, r *http.Request, err error, html bool) {
	status, kind := errorStatus(err)
	if status == 499 {
		return
	}
	w.Header().Set("Cache-Control", cacheNone)
	msg := err.Error()
	if status == http.StatusInternalServerError {
		msg = "internal error"
		rs.logger.ErrorContext(r.Context(), "request failed", "method", r.Method, "path", r.URL.RequestURI(), "err", err,
			"request_id", middleware.GetReqID(r.Context()))
	}
	if status == http.StatusServiceUnavailable {
		w.Header().Set("Retry-After", "5")
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

// A compute produces a view once a request's parameters are parsed.
type compute func(ctx context.Context) (any, error)

// An endpoint reads an API request's parameters and returns how to compute its view.
type endpoint func(q *query) compute

// A response is what a handler writes, whole: what the cache keeps.
type response struct {
	status      int
	contentType string
	disposition string      // Content-Disposition, for downloads
	header      http.Header // any other headers
	body        []byte
}

// api wraps an endpoint: the view in the success envelope (status, dataset version, then the
// view's fields), or its table as CSV on format=csv or Accept: text/csv. Unknown parameters
// are refused. heavy work runs behind the limiter.
func (rs *responder) api(f endpoint, heavy bool) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Add("Vary", "Accept")
		if rs.cached(w, r, false) {
			return
		}
		q := newQuery(r)
		format := q.choice("format", "", "json", "csv")
		run := f(q)
		q.refuseUnknown()
		variant := "json"
		if format == "csv" || (format == "" && strings.Contains(r.Header.Get("Accept"), "text/csv")) {
			variant = "csv"
		}
		rs.serve(w, r, q, variant, false, heavy, func(ctx context.Context, version string) (response, error) {
			v, err := run(ctx)
			if err != nil {
				return response{}, err
			}
			t, tabular := v.(report.Tabler)
			switch {
			case format == "csv" && !tabular:
				return response{}, &report.ParamError{Param: "format", Want: `"json" (this endpoint has no CSV form)`, Got: `"csv"`}
			case variant == "csv" && tabular:
				return csvResponse(t.Table()), nil
			}
			return envelope(version, v)
		})
	})
}

// serve answers a parsed request: from the cache when it can (GET and HEAD), otherwise by
// producing the response (behind the limiter if heavy) and keeping it. html says how errors
// are shown.
func (rs *responder) serve(w http.ResponseWriter, r *http.Request, q *query, variant string, html, heavy bool,
	produce func(ctx context.Context, version string) (response, error)) {
	if q.err != nil {
		rs.fail(w, r, q.err, html)
		return
	}
	version := rs.store.Version()
	w.Header()["X-Dataset-Version"] = []string{version}
	cacheable := r.Method == http.MethodGet || r.Method == http.MethodHead
	key := ""
	if cacheable {
		key = cacheKey(version, r, q, variant, html)
		if hit, ok := rs.cache.get(key); ok {
			rs.cache.alias(rawKey(version, r, html), key)
			writeCached(w, r, hit)
			return
		}
	}
	if heavy {
		release, err := rs.limit.acquire(r.Context())
		if err != nil {
			rs.fail(w, r, err, html)
			return
		}
		defer release()
	}
	// The response is computed wholly on one dataset version: an ingest commits only when no
	// response is being computed (datasets.Store.Read).
	now, done := rs.store.Read()
	defer done()
	if now != version {
		version = now
		if cacheable {
			key = cacheKey(version, r, q, variant, html)
		}
	}
	resp, err := produce(r.Context(), version)
	if err != nil {
		rs.fail(w, r, err, html)
		return
	}
	resp.status = cmp.Or(resp.status, http.StatusOK)
	if cacheable && resp.status == http.StatusOK {
		cr := rs.cache.newCachedResponse(resp, etagOf(version, key), w.Header())
		rs.cache.add(key, cr)
		rs.cache.alias(rawKey(version, r, html), key)
		writeCached(w, r, cr)
		return
	}
	write(w, r, resp, "")
}

// cached answers a request from the cache by its raw URL, before any parsing: the same URL
// (and Accept, and for pages the host) always gives the same response for a dataset version.
func (rs *responder) cached(w http.ResponseWriter, r *http.Request, html bool) bool {
	if r.Method != http.MethodGet && r.Method != http.MethodHead {
		return false
	}
	hit, ok := rs.cache.get(rawKey(rs.store.Version(), r, html))
	if ok {
		writeCached(w, r, hit)
	}
	return ok
}

// rawKey is the alias of a request: the URL as requested, with what else selects the response.
func rawKey(version string, r *http.Request, html bool) string {
	return string(appendRawKey(make([]byte, 0, 128), version, r.URL.Path, r.URL.RawQuery,
		strings.Contains(r.Header.Get("Accept"), "text/csv"), html, scheme(r) == "https", r.Host))
}

// appendRawKey appends to b the alias key of a request for path?query (raw query), whether it
// asks for CSV (Accept), and for pages (html) the origin the links name: one rule for the
// requests of net/http (strings) and of the front server (bytes).
func appendRawKey[T string | []byte](b []byte, version string, path, query T, csv, html, https bool, host T) []byte {
	b = append(b, "raw|"...)
	b = append(b, version...)
	b = append(b, '|')
	b = strconv.AppendInt(b, time.Now().Unix()/86400, 10) // the day: the default as_of
	b = append(b, '|')
	b = append(b, path...)
	b = append(b, '?')
	b = append(b, query...)
	if csv {
		b = append(b, "|csv"...)
	}
	if html {
		b = append(b, '|')
		if https {
			b = append(b, "https://"...)
		} else {
			b = append(b, "http://"...)
		}
		b = append(b, host...)
	}
	return b
}

// writeCached writes a kept response: 304 when the client's copy is current, the gzip form
// when the client takes it.
func writeCached(w http.ResponseWriter, r *http.Request, cr *cachedResponse) {
	h := w.Header()
	for k, v := range cr.header {
		h[k] = v
	}
	h["Etag"] = []string{cr.etag}
	if _, ok := cr.header["Cache-Control"]; !ok {
		h["Cache-Control"] = noCache
	}
	rp := cr.reply(r.Header.Get("If-None-Match"), r.Header.Get("Accept-Encoding"))
	if rp.status == http.StatusNotModified {
		w.WriteHeader(rp.status)
		return
	}
	h["Content-Type"] = []string{cr.contentType}
	if cr.disposition != "" {
		h["Content-Disposition"] = []string{cr.disposition}
	}
	if cr.encoded != nil {
		h["Vary"] = append(h["Vary"][:len(h["Vary"]):len(h["Vary"])], "Accept-Encoding")
	}
	if rp.coding != nil {
		h["Content-Encoding"] = rp.coding
	}
	h["Content-Length"] = []string{strconv.Itoa(len(rp.body))}
	w.WriteHeader(rp.status)
	if r.Method != http.MethodHead {
		w.Write(rp.body)
	}
}

// A cachedReply is what a kept response sends one client: its status, its body and the body's
// content coding (nil: none).
type cachedReply struct {
	status int
	body   []byte
	coding []string
}

// reply is the answer from cr to a client with the If-None-Match and Accept-Encoding headers
// given: 304 when its copy is current, else the smallest form it takes. Both servers' writers
// (writeCached, writeCachedFast) follow it.
func (cr *cachedResponse) reply(ifNoneMatch, acceptEncoding string) cachedReply {
	if etagMatches(ifNoneMatch, cr.etag) {
		return cachedReply{status: http.StatusNotModified}
	}
	if f, ok := cr.encoding(acceptEncoding); ok {
		return cachedReply{status: cr.status, body: f.body, coding: f.coding}
	}
	return cachedReply{status: cr.status, body: cr.body}
}

// Header values shared by every cached answer (never modified).
var (
	noCache    = []string{"no-cache"}
	gzipCoding = []string{"gzip"}
	zstdCoding = []string{"zstd"}
)

// accepts reports whether an Accept-Encoding header takes the content coding name.
func accepts(ae, name string) bool {
	for _, part := range strings.Split(ae, ",") {
		coding, params, _ := strings.Cut(strings.TrimSpace(part), ";")
		if strings.EqualFold(strings.TrimSpace(coding), name) || strings.TrimSpace(coding) == "*" {
			return !strings.Contains(strings.ReplaceAll(params, " ", ""), "q=0") || strings.Contains(params, "q=0.")
		}
	}
	return false
}

// cacheKey identifies a representation: the dataset version, today's date (the default as_of),
// the path, the recognised parameters in canonical order, the variant, and for pages the
// scheme and host their links carry.
func cacheKey(version string, r *http.Request, q *query, variant string, html bool) string {
	var b strings.Builder
	b.WriteString(version)
	b.WriteByte('|')
	b.WriteString(time.Now().Format(time.DateOnly))
	b.WriteByte('|')
	b.WriteString(r.URL.Path)
	b.WriteByte('?')
	b.WriteString(q.canonical())
	b.WriteByte('|')
	b.WriteString(variant)
	if html {
		b.WriteByte('|')
		b.WriteString(scheme(r) + "://" + r.Host)
	}
	return b.String()
}

// etagOf is the ETag of the representation with the given cache key.
func etagOf(version, key string) string {
	h := fnv.New64a()
	h.Write([]byte(key))
	return `"` + version + "-" + strconv.FormatUint(h.Sum64(), 36) + `"`
}

// write writes a response with its ETag (if any), answering 304 when the client's copy is current.
func write(w http.ResponseWriter, r *http.Request, resp response, tag string) {
	h := w.Header()
	if tag != "" {
		h.Set("ETag", tag)
		h.Set("Cache-Control", "no-cache")
		if etagMatches(r.Header.Get("If-None-Match"), tag) {
			w.WriteHeader(http.StatusNotModified)
			return
		}
	}
	for k, v := range resp.header {
		h[k] = v
	}
	h.Set("Content-Type", resp.contentType)
	if resp.disposition != "" {
		h.Set("Content-Disposition", resp.disposition)
	}
	w.WriteHeader(resp.status)
	if r.Method != http.MethodHead {
		w.Write(resp.body)
	}
}

// envelope is {"status":"success","dataset_version":…, the fields of v} as JSON.
func envelope(version string, v any) (response, error) {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return response{}, fmt.Errorf("encode %T: %w", v, err)
	}
	body := buf.Bytes()
	if len(body) < 2 || body[0] != '{' {
		return response{}, fmt.Errorf("encode %T: not a JSON object", v)
	}
	head := `{"status":"success","dataset_version":` + strconv.Quote(version)
	if !bytes.HasPrefix(body, []byte("{}")) {
		head += ","
	}
	return response{contentType: "application/json; charset=utf-8", body: append([]byte(head), body[1:]...)}, nil
}

// csvResponse is a table as CSV, header first, to be saved under its name.
func csvResponse(t report.Table) response {
	var buf bytes.Buffer
	cw := csv.NewWriter(&buf)
	cw.Write(t.Header)
	cw.WriteAll(t.Rows)
	return response{contentType: "text/csv; charset=utf-8", disposition: `attachment; filename="` + t.Name + `"`, body: buf.Bytes()}
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

// scheme is the scheme the client used, as far as the server can tell.
func scheme(r *http.Request) string {
	if r.TLS != nil || r.Header.Get("X-Forwarded-Proto") == "https" {
		return "https"
	}
	return "http"
}

func (rs *responder) handleNotFound() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		rs.fail(w, r, fmt.Errorf("no such page %s: %w", report.Quote(r.URL.Path), datasets.ErrNotFound), !strings.HasPrefix(r.URL.Path, "/api/"))
	})
}

func (rs *responder) handleMethodNotAllowed() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Allow", "GET, HEAD")
		rs.fail(w, r, &methodError{r.Method}, !strings.HasPrefix(r.URL.Path, "/api/"))
	})
}

// A methodError is a request with a method the route does not take.
type methodError struct{ method string }

func (e *methodError) Error() string { return "method " + report.Quote(e.method) + " not allowed" }

// handleAssets serves /assets/ from the embedded static files (ECharts from the npm registry,
// chiso.css, chiso.js), cached by clients for a day.
func handleAssets() http.Handler {
	static := web.Static()
	files := http.StripPrefix("/assets/", http.FileServerFS(static))
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		name := strings.TrimPrefix(r.URL.Path, "/assets/")
		if !fs.ValidPath(name) || !utf8.ValidString(name) {
			http.Error(w, "404 page not found", http.StatusNotFound)
			return
		}
		w.Header().Set("Cache-Control", "public, max-age=86400")
		files.ServeHTTP(w, r)
	})
}
