package server

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"slices"
	"sort"
	"strconv"
	"strings"
	"testing"

	"github.com/go-chi/chi/v5"
	"github.com/pb33f/libopenapi"
	validator "github.com/pb33f/libopenapi-validator"

	"chiso/openapi"
	"chiso/report"
)

// getDocument fetches and decodes the served OpenAPI document.
func getDocument(t *testing.T, srv *httptest.Server) ([]byte, *openapi.Document) {
	t.Helper()
	resp, body := get(t, srv, "/api/v1/openapi.json")
	if resp.StatusCode != 200 || !strings.HasPrefix(resp.Header.Get("Content-Type"), "application/json") {
		t.Fatalf("GET /api/v1/openapi.json: %d %s", resp.StatusCode, resp.Header.Get("Content-Type"))
	}
	var doc openapi.Document
	if err := json.Unmarshal(body, &doc); err != nil {
		t.Fatalf("decode the document: %v", err)
	}
	return body, &doc
}

// TestRoutesDocumented: every route the router has is in the document, and every operation the
// document names is a route.
func TestRoutesDocumented(t *testing.T) {
	store := mustOpenStore(t)
	f := NewServer(slog.New(slog.NewTextHandler(io.Discard, nil)), Config{}, store)
	routes, ok := f.next.(chi.Routes)
	if !ok {
		t.Fatalf("the router is a %T, not a chi.Routes", f.next)
	}
	var have []string
	err := chi.Walk(routes, func(method, route string, _ http.Handler, _ ...func(http.Handler) http.Handler) error {
		have = append(have, method+" "+apiRoute{pattern: route}.openAPIPath())
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(f)
	defer srv.Close()
	_, doc := getDocument(t, srv)
	var documented []string
	for p, item := range doc.Paths {
		for _, m := range []string{"GET", "POST"} {
			if item.Operation(m) != nil {
				documented = append(documented, m+" "+p)
			}
		}
	}
	sort.Strings(have)
	sort.Strings(documented)
	for _, r := range have {
		if !slices.Contains(documented, r) {
			t.Errorf("route %s is not in the OpenAPI document (add it to apiRoutes in apidoc.go)", r)
		}
	}
	for _, r := range documented {
		if !slices.Contains(have, r) {
			t.Errorf("the OpenAPI document names %s, which the router does not have", r)
		}
	}
	if len(have) < 20 {
		t.Errorf("chi.Walk found %d routes: %v", len(have), have)
	}
}

// newValidator validates requests and responses against the served document. Its objects admit
// no undeclared property (additionalProperties: false) and undeclared statuses are refused. The
// validator's strict mode is not used: it also flags the keys of maps, which are declared.
func newValidator(t *testing.T, spec []byte) validator.Validator {
	t.Helper()
	d, err := libopenapi.NewDocument(spec)
	if err != nil {
		t.Fatalf("parse the document: %v", err)
	}
	v, errs := validator.NewValidator(d)
	if len(errs) > 0 {
		t.Fatalf("validator: %v", errs)
	}
	if ok, errs := v.ValidateDocument(); !ok {
		for _, e := range errs {
			t.Errorf("the document is not valid OpenAPI 3.1: %v", e)
		}
		t.FailNow()
	}
	return v
}

// validate requests uri from srv (with a body, for POST) and checks the response against the
// document, and the request too when it is meant to be valid (status 200); it returns the
// response and its body.
func validate(t *testing.T, srv *httptest.Server, v validator.Validator, method, uri string, body []byte, header ...string) (*http.Response, []byte) {
	t.Helper()
	req, err := http.NewRequest(method, srv.URL+uri, bytes.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	for i := 0; i+1 < len(header); i += 2 {
		req.Header.Set(header[i], header[i+1])
	}
	resp, err := srv.Client().Do(req)
	if err != nil {
		t.Fatal(err)
	}
	got, err := io.ReadAll(resp.Body)
	resp.Body.Close()
	if err != nil {
		t.Fatal(err)
	}
	resp.Body = io.NopCloser(bytes.NewReader(got))
	// The validator reads the request again: give it a fresh body.
	vreq, _ := http.NewRequest(method, "http://localhost"+uri, bytes.NewReader(body))
	vreq.Header = req.Header.Clone()
	check := v.ValidateHttpRequestResponse
	if resp.StatusCode != 200 {
		check = v.ValidateHttpResponse
	}
	if ok, errs := check(vreq, resp); !ok {
		for _, e := range errs {
			t.Errorf("%s %s → %d: %s %s %v", method, uri, resp.StatusCode, e.Message, e.Reason, e.SchemaValidationErrors)
		}
	}
	return resp, got
}

// TestResponsesMatchDocument requests every example of every documented route from the bundled
// data and validates request and response against the served document; also the errors.
func TestResponsesMatchDocument(t *testing.T) {
	srv, store := newTestServer(t)
	spec, _ := getDocument(t, srv)
	v := newValidator(t, spec)
	for _, rt := range apiRoutes(store) {
		if rt.method != "GET" {
			continue
		}
		t.Run(rt.id, func(t *testing.T) {
			if rt.proxy {
				t.Skip("answers as the route its path names; that route is checked")
			}
			if len(rt.examples) == 0 {
				t.Fatalf("%s %s has no example", rt.method, rt.pattern)
			}
			for _, ex := range rt.examples {
				resp, body := validate(t, srv, v, "GET", ex, nil)
				if resp.StatusCode != 200 {
					t.Errorf("GET %s: %d %.300s", ex, resp.StatusCode, body)
				}
				if rt.view != nil && !bytes.HasPrefix(body, []byte(`{"status":"success","dataset_version":"`+store.Version()+`"`)) {
					t.Errorf("GET %s: no success envelope: %.100s", ex, body)
				}
			}
			if rt.view != nil { // a parameter the route does not know
				resp, _ := validate(t, srv, v, "GET", withParam(rt.examples[0], "no_such_parameter", "1"), nil)
				if resp.StatusCode != 400 {
					t.Errorf("unknown parameter: %d, want 400", resp.StatusCode)
				}
			}
		})
	}
	t.Run("CompositePost", func(t *testing.T) {
		resp, body := validate(t, srv, v, "POST", "/api/v1/composite", []byte(`{"indicators":["pci","papi"],"year":2016,"draws":50}`))
		if resp.StatusCode != 200 {
			t.Errorf("POST /api/v1/composite: %d %.300s", resp.StatusCode, body)
		}
		if resp, _ := validate(t, srv, v, "POST", "/api/v1/composite", []byte(`{"indicators":["pci"],"year":2016,"draws":-1}`)); resp.StatusCode != 400 {
			t.Errorf("POST /api/v1/composite with draws -1: %d, want 400", resp.StatusCode)
		}
	})
	t.Run("Errors", func(t *testing.T) {
		for _, tc := range []struct {
			uri    string
			status int
		}{
			{"/api/v1/rankings?indicator=pci", 400},
			{"/api/v1/rankings?indicator=nope&year=2021", 400},
			{"/api/v1/provinces/no-such-province", 404},
			{"/api/v1/provinces/93?as_of=2026", 404},
			{"/api/v1/indicators?format=csv", 400},
			{"/api/v1/observations?provinces=" + strings.Repeat("a", maxURL), 414},
			{"/api/v1/sql?q=DELETE+FROM+observations_v", 400},
		} {
			resp, body := validate(t, srv, v, "GET", tc.uri, nil)
			if resp.StatusCode != tc.status {
				t.Errorf("GET %.80s: %d, want %d: %.200s", tc.uri, resp.StatusCode, tc.status, body)
			}
		}
	})
}

func withParam(uri, name, value string) string {
	sep := "?"
	if strings.Contains(uri, "?") {
		sep = "&"
	}
	return uri + sep + url.QueryEscape(name) + "=" + url.QueryEscape(value)
}

// readParams requests uri straight from the handler and returns the parameters its handlers read.
func readParams(t *testing.T, h http.Handler, uri string) []string {
	t.Helper()
	var log []*query
	req := httptest.NewRequest(http.MethodGet, uri, nil)
	req = req.WithContext(context.WithValue(req.Context(), queryLogKey{}, &log))
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	if rec.Code != 200 {
		t.Errorf("GET %s: %d %.200s", uri, rec.Code, rec.Body.String())
	}
	var out []string
	for _, q := range log {
		for name := range q.read {
			if !slices.Contains(out, name) {
				out = append(out, name)
			}
		}
	}
	sort.Strings(out)
	return out
}

// TestParametersDocumented: the query parameters the handlers read for a route's examples are
// those the document gives the route, no more and no fewer.
func TestParametersDocumented(t *testing.T) {
	store := mustOpenStore(t)
	h := NewServer(slog.New(slog.NewTextHandler(io.Discard, nil)), Config{}, store)
	for _, rt := range apiRoutes(store) {
		if rt.method != "GET" {
			continue
		}
		t.Run(rt.id, func(t *testing.T) {
			if rt.proxy {
				t.Skip("answers as the route its path names; that route is checked")
			}
			var documented, read []string
			for _, p := range rt.params {
				if p.In == "query" {
					documented = append(documented, p.Name)
				}
			}
			for _, ex := range rt.examples {
				for _, name := range readParams(t, h, ex) {
					if !slices.Contains(read, name) {
						read = append(read, name)
					}
				}
			}
			sort.Strings(documented)
			sort.Strings(read)
			if !slices.Equal(read, documented) {
				t.Errorf("%s reads %v; the document names %v", rt.pattern, read, documented)
			}
		})
	}
}

// TestCSVOrRefused: every API route with a JSON view answers format=csv with its table, or
// refuses it with 400 naming format; and the document says which.
func TestCSVOrRefused(t *testing.T) {
	srv, store := newTestServer(t)
	_, doc := getDocument(t, srv)
	n := 0
	for _, rt := range apiRoutes(store) {
		if rt.view == nil || rt.method != "GET" {
			continue
		}
		n++
		t.Run(rt.id, func(t *testing.T) {
			_, documented := doc.Paths[rt.openAPIPath()].Get.Responses["200"].Content["text/csv"]
			resp, body := get(t, srv, withParam(rt.examples[0], "format", "csv"))
			_, tabular := rt.view.(report.Tabler)
			switch {
			case tabular && documented:
				lines := strings.Split(strings.TrimSpace(string(body)), "\n")
				if resp.StatusCode != 200 || !strings.HasPrefix(resp.Header.Get("Content-Type"), "text/csv") || len(lines) < 2 ||
					!strings.Contains(resp.Header.Get("Content-Disposition"), ".csv") {
					t.Errorf("format=csv: %d %s, %d lines, want 200 text/csv with a header and rows: %.200s", resp.StatusCode, resp.Header.Get("Content-Type"), len(lines), body)
				}
			case !tabular && !documented:
				var e errorBody
				if resp.StatusCode != 400 || json.Unmarshal(body, &e) != nil || e.Parameter != "format" {
					t.Errorf("format=csv on a view without a table: %d %s, want 400 naming format", resp.StatusCode, body)
				}
			default:
				t.Errorf("the view is tabular: %v; the document has CSV: %v", tabular, documented)
			}
		})
	}
	if n < 11 {
		t.Errorf("%d API routes checked, want every one", n)
	}
}

// TestParameterLimits: a documented range or set of values is what the handler enforces: the
// value just past each end, or one outside the set, is a 400 naming the parameter; the ends
// themselves are not refused for their range.
func TestParameterLimits(t *testing.T) {
	srv, store := newTestServer(t)
	checked := 0
	for _, rt := range apiRoutes(store) {
		if rt.view == nil || rt.method != "GET" || rt.heavy {
			continue
		}
		for _, p := range rt.params {
			s := p.Schema
			if p.In != "query" {
				continue
			}
			var bad, good []string
			if s.Minimum != nil && s.Maximum != nil && len(s.Type) == 1 && s.Type[0] == "integer" {
				lo, hi := int(*s.Minimum), int(*s.Maximum)
				bad = []string{strconv.Itoa(lo - 1), strconv.Itoa(hi + 1)}
				good = []string{strconv.Itoa(lo), strconv.Itoa(hi)}
			}
			if len(s.Enum) > 0 {
				bad = append(bad, "not-a-value")
				for _, e := range s.Enum {
					good = append(good, fmt.Sprint(e))
				}
			}
			for _, b := range bad {
				uri := withParam(stripParam(rt.examples[0], p.Name), p.Name, b)
				resp, body := get(t, srv, uri)
				var e errorBody
				json.Unmarshal(body, &e)
				if resp.StatusCode != 400 || e.Parameter != p.Name {
					t.Errorf("GET %s: %d %s, want 400 naming %s", uri, resp.StatusCode, body, p.Name)
				}
				checked++
			}
			for _, g := range good {
				uri := withParam(stripParam(rt.examples[0], p.Name), p.Name, g)
				resp, body := get(t, srv, uri)
				var e errorBody
				json.Unmarshal(body, &e)
				if resp.StatusCode == 400 && e.Parameter == p.Name && (strings.Contains(e.Error, "in [") || strings.Contains(e.Error, "expected one of") || strings.Contains(e.Error, " or \"")) {
					t.Errorf("GET %s: %s; the document allows %s", uri, e.Error, g)
				}
			}
		}
	}
	if checked < 30 {
		t.Errorf("%d limits checked", checked)
	}
}

// stripParam removes parameter name from uri's query.
func stripParam(uri, name string) string {
	path, rawQuery, _ := strings.Cut(uri, "?")
	q, _ := url.ParseQuery(rawQuery)
	q.Del(name)
	if len(q) == 0 {
		return path
	}
	return path + "?" + q.Encode()
}
