package server

import (
	"compress/gzip"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/klauspost/compress/zstd"
)

// TestETagIdentifiesTheRepresentation: an ETag issued for one chart or query never answers 304
// for another; the same query in another order shares it; CSV and JSON differ.
func TestETagIdentifiesTheRepresentation(t *testing.T) {
	srv, _ := newTestServer(t)
	for _, tc := range []struct{ a, b string }{
		{"/charts/line.png?indicator=pci&provinces=93", "/charts/line.png?indicator=pci&provinces=92"},
		{"/api/v1/correlations?x=pci&y=papi&year=2016", "/api/v1/correlations?x=pci&y=papi&year=2015"},
		{"/api/v1/peers?indicators=pci,papi&year=2016", "/api/v1/peers?indicators=pci,papi&year=2016&k=3"},
		{"/api/v1/rankings?indicator=pci&year=2016", "/api/v1/rankings?indicator=pci&year=2015"},
		{"/api/v1/trends?indicator=pci", "/api/v1/trends?indicator=papi"},
		{"/api/v1/compare?indicator=pci&year=2016&provinces=93", "/api/v1/compare?indicator=pci&year=2016&provinces=92"},
		{"/api/v1/rankings?indicator=pci&year=2016", "/api/v1/rankings?indicator=pci&year=2016&format=csv"},
	} {
		first, _ := get(t, srv, tc.a)
		tag := first.Header.Get("ETag")
		if first.StatusCode != 200 || tag == "" {
			t.Fatalf("GET %s: %d, ETag %q", tc.a, first.StatusCode, tag)
		}
		if resp, _ := get(t, srv, tc.b, "If-None-Match", tag); resp.StatusCode != 200 {
			t.Errorf("GET %s with the ETag of %s: %d, want 200", tc.b, tc.a, resp.StatusCode)
		}
		if resp, _ := get(t, srv, tc.a, "If-None-Match", tag); resp.StatusCode != http.StatusNotModified {
			t.Errorf("GET %s with its own ETag: %d, want 304", tc.a, resp.StatusCode)
		}
	}
	a, _ := get(t, srv, "/api/v1/trends?indicator=pci&provinces=93")
	b, _ := get(t, srv, "/api/v1/trends?indicator=pci&provinces=93", "Accept", "text/csv")
	if a.Header.Get("ETag") == b.Header.Get("ETag") || !strings.Contains(b.Header.Get("Vary"), "Accept") {
		t.Errorf("JSON and CSV of trends share ETag %s, Vary %q", a.Header.Get("ETag"), b.Header.Get("Vary"))
	}
}

// TestHEAD: every GET route answers HEAD with its headers and no body.
func TestHEAD(t *testing.T) {
	srv, _ := newTestServer(t)
	for _, p := range []string{"/healthz", "/api/v1/indicators", "/", "/embed/ranking?indicator=pci&year=2016", "/charts/map.png?indicator=pci&year=2016", "/assets/chiso.css"} {
		req, _ := http.NewRequest(http.MethodHead, srv.URL+p, nil)
		resp, err := srv.Client().Do(req)
		if err != nil {
			t.Fatal(err)
		}
		body, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode != 200 || len(body) != 0 || resp.Header.Get("Content-Type") == "" {
			t.Errorf("HEAD %s: %d, %d body bytes, Content-Type %q", p, resp.StatusCode, len(body), resp.Header.Get("Content-Type"))
		}
	}
}

func TestBadRequestsAreRefused(t *testing.T) {
	srv, _ := newTestServer(t)
	long := strings.Repeat("a", 1<<20)
	for _, tc := range []struct {
		path   string
		status int
		param  string
		want   string
	}{
		{"/api/v1/observations?indicator=pci&colour=red", 400, "colour", `unknown parameter "colour"`},
		{"/api/v1/observations?indicator=pci&indicator=papi", 400, "indicator", "one value"},
		{"/api/v1/observations?indicator=" + strings.Repeat("pci,", 60), 200, "", ""}, // repeats count once
		{"/charts/ranking.csv?indicator=pci&year=2016&lang=fr", 400, "lang", `"vi" or "en"`},
		{"/charts/heatmap.png?indicator=pci&measure=size", 400, "measure", `"rank" or "value"`},
		{"/api/v1/observations?provinces=" + strings.Repeat("x", 200), 400, "provinces", "at most 100 characters"},
		{"/api/v1/observations?format=xml", 400, "format", `"json" or "csv"`},
		{"/api/v1/provinces?format=csv", 400, "format", "no CSV form"},
		{"/assets/%ff", 404, "", ""},
		{"/api/v1/observations?provinces=" + long[:9000], 414, "", "at most"},
	} {
		resp, body := get(t, srv, tc.path)
		if resp.StatusCode != tc.status {
			t.Errorf("GET %.80s: %d, want %d: %.200s", tc.path, resp.StatusCode, tc.status, body)
			continue
		}
		if tc.param == "" && tc.want == "" {
			continue
		}
		var e errorBody
		json.Unmarshal(body, &e)
		if e.Parameter != tc.param || !strings.Contains(e.Error, tc.want) {
			t.Errorf("GET %.80s: %+v, want parameter %q and %q", tc.path, e, tc.param, tc.want)
		}
		if len(body) > 2000 {
			t.Errorf("GET %.80s: error body of %d bytes echoes the input", tc.path, len(body))
		}
	}
}

// TestPagesIgnoreTrackingParameters: pages and embeds accept unknown parameters but never
// key the cache on them: 300 URLs differing only in utm_source add nothing to the cache.
func TestPagesIgnoreTrackingParameters(t *testing.T) {
	store := mustOpenStore(t)
	rs := testResponder(t, store)
	rs.cache = newResponseCache(64 << 20)
	h := rs.pages(rs.handleEmbed())
	mux := http.NewServeMux()
	mux.Handle("GET /embed/{chart}", h)
	for i := range 300 {
		rec := httptest.NewRecorder()
		mux.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, fmt.Sprintf("/embed/ranking?indicator=pci&year=2016&utm_source=%d", i), nil))
		if rec.Code != 200 {
			t.Fatalf("embed with utm_source: %d", rec.Code)
		}
	}
	used, n := rs.cache.stats()
	if n != 1 || used > 300<<10 {
		t.Errorf("cache holds %d responses in %d bytes after 300 URLs that differ only in utm_source, want 1 response and only the aliases' keys", n, used)
	}
}

// TestCacheByteBudget: the cache never holds more bytes than its budget.
func TestCacheByteBudget(t *testing.T) {
	c := newResponseCache(100 << 10)
	body := make([]byte, 10<<10)
	for i := range 1000 {
		c.add(fmt.Sprint("k", i), &cachedResponse{response: response{body: body}})
	}
	if used, n := c.stats(); used > 100<<10 || n == 0 {
		t.Errorf("cache of 100 KiB holds %d bytes in %d entries", used, n)
	}
	c.add("big", &cachedResponse{response: response{body: make([]byte, 50<<10)}})
	if _, ok := c.get("big"); ok {
		t.Error("a response over a quarter of the budget was kept")
	}
}

// TestLimiterAnswers503: with one worker and no queue, a second heavy request is refused with
// 503 and Retry-After instead of piling up.
func TestLimiterAnswers503(t *testing.T) {
	store := mustOpenStore(t)
	rs := testResponder(t, store)
	rs.limit = newLimiter(1, 0, time.Millisecond)
	release, err := rs.limit.acquire(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	defer release()
	rec := httptest.NewRecorder()
	rs.api(handleComposite(store), heavy).ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/api/v1/composite?draws=10", nil))
	if rec.Code != http.StatusServiceUnavailable || rec.Header().Get("Retry-After") == "" {
		t.Errorf("composite with every worker busy: %d, Retry-After %q", rec.Code, rec.Header().Get("Retry-After"))
	}
}

func TestCompositeBodyLimit(t *testing.T) {
	srv, _ := newTestServer(t)
	body := `{"indicators":["pci"],"weights":[` + strings.Repeat("1,", 40000) + `1]}`
	resp, err := srv.Client().Post(srv.URL+"/api/v1/composite", "application/json", strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	b, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != 400 || !strings.Contains(string(b), "64 KiB") {
		t.Errorf("POST of %d bytes: %d %.200s", len(body), resp.StatusCode, b)
	}
}

// TestSecurityHeaders: nosniff everywhere; a CSP without unsafe-inline on pages; embeds may be
// framed anywhere, pages only by chiso; the read API and images are open to any origin.
func TestSecurityHeaders(t *testing.T) {
	srv, _ := newTestServer(t)
	for _, tc := range []struct {
		path, frame, cors string
	}{
		{"/", "frame-ancestors 'self'", ""},
		{"/provinces/93", "frame-ancestors 'self'", ""},
		{"/embed/ranking?indicator=pci&year=2016", "frame-ancestors *", ""},
		{"/api/v1/indicators", "", "*"},
		{"/charts/ranking.png?indicator=pci&year=2016", "", "*"},
	} {
		resp, _ := get(t, srv, tc.path)
		h := resp.Header
		if h.Get("X-Content-Type-Options") != "nosniff" || h.Get("Referrer-Policy") == "" {
			t.Errorf("%s: nosniff %q, Referrer-Policy %q", tc.path, h.Get("X-Content-Type-Options"), h.Get("Referrer-Policy"))
		}
		csp := h.Get("Content-Security-Policy")
		if tc.frame != "" && (!strings.Contains(csp, tc.frame) || strings.Contains(csp, "unsafe-inline")) {
			t.Errorf("%s: CSP %q, want %q and no unsafe-inline", tc.path, csp, tc.frame)
		}
		if h.Get("Access-Control-Allow-Origin") != tc.cors {
			t.Errorf("%s: Access-Control-Allow-Origin %q, want %q", tc.path, h.Get("Access-Control-Allow-Origin"), tc.cors)
		}
	}
}

// TestConcurrentSameURL: concurrent requests for one URL all get the same bytes.
func TestConcurrentSameURL(t *testing.T) {
	store := mustOpenStore(t)
	h := NewServer(slog.New(slog.NewTextHandler(io.Discard, nil)), Config{CacheBytes: 1 << 20}, store)
	var wg sync.WaitGroup
	bodies := make([]string, 16)
	for i := range bodies {
		wg.Go(func() {
			path := "/api/v1/observations?indicator=pci&provinces=93&from=2010&to=2012"
			if i%2 == 1 {
				path = "/api/v1/observations?indicator=papi&provinces=93&from=2010&to=2012"
			}
			rec := httptest.NewRecorder()
			h.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, path, nil))
			bodies[i] = rec.Body.String()
		})
	}
	wg.Wait()
	for i := 2; i < len(bodies); i++ {
		if bodies[i] != bodies[i%2] {
			t.Fatalf("request %d got other bytes than request %d", i, i%2)
		}
	}
	if bodies[0] == bodies[1] || !strings.Contains(bodies[0], `"indicator":"pci"`) {
		t.Error("pci and papi answers are the same")
	}
}

// TestCachedGzip: a kept response is served gzipped to clients that take it, from the bytes
// compressed once, and decodes to the same body as the plain one.
func TestCachedGzip(t *testing.T) {
	store := mustOpenStore(t)
	h := NewServer(slog.New(slog.NewTextHandler(io.Discard, nil)), Config{}, store)
	path := "/api/v1/observations?indicator=pci&provinces=93,92,94&from=2006&to=2024"
	do := func(ae string) *httptest.ResponseRecorder {
		rec := httptest.NewRecorder()
		req := httptest.NewRequest(http.MethodGet, path, nil)
		req.Header.Set("Accept-Encoding", ae)
		h.ServeHTTP(rec, req)
		return rec
	}
	plain := do("")
	first, second := do("gzip, deflate"), do("gzip")
	if second.Header().Get("Content-Encoding") != "gzip" || !strings.Contains(strings.Join(second.Header().Values("Vary"), ","), "Accept-Encoding") {
		t.Fatalf("cached response: Content-Encoding %q, Vary %q", second.Header().Get("Content-Encoding"), second.Header().Get("Vary"))
	}
	gzipLen := second.Body.Len()
	for _, rec := range []*httptest.ResponseRecorder{first, second} {
		zr, err := gzip.NewReader(rec.Body)
		if err != nil {
			t.Fatal(err)
		}
		got, _ := io.ReadAll(zr)
		if string(got) != plain.Body.String() || len(plain.Body.String()) < 1000 {
			t.Errorf("gzipped body decodes to %d bytes, plain is %d", len(got), plain.Body.Len())
		}
	}
	if plain.Header().Get("ETag") != second.Header().Get("ETag") {
		t.Error("the gzipped and plain forms of a cached response have different ETags")
	}
	// A client that takes zstd as well gets the smaller zstd form; one that refuses gzip gets zstd or nothing.
	for _, ae := range []string{"gzip, deflate, br, zstd", "zstd", "zstd;q=1, gzip;q=0"} {
		rec := do(ae)
		if rec.Header().Get("Content-Encoding") != "zstd" || rec.Body.Len() >= gzipLen {
			t.Errorf("Accept-Encoding %q: Content-Encoding %q, %d bytes (gzip: %d)", ae, rec.Header().Get("Content-Encoding"), rec.Body.Len(), gzipLen)
			continue
		}
		zr, err := zstd.NewReader(rec.Body)
		if err != nil {
			t.Fatal(err)
		}
		got, err := io.ReadAll(zr)
		zr.Close()
		if err != nil || string(got) != plain.Body.String() {
			t.Errorf("Accept-Encoding %q: the zstd body decodes to %d bytes (%v), plain is %d", ae, len(got), err, plain.Body.Len())
		}
	}
	if rec := do("gzip;q=0, zstd;q=0"); rec.Header().Get("Content-Encoding") != "" {
		t.Errorf("a client refusing both codings got %q", rec.Header().Get("Content-Encoding"))
	}
}
