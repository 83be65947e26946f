package server

import (
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
)

// FuzzQuery sends arbitrary query strings to every API route and chart file: the answer is
// never a 5xx, and a 4xx names what was wrong in the error shape.
func FuzzQuery(f *testing.F) {
	for _, seed := range []string{
		"indicator=pci&provinces=93,92&from=2010&to=2020",
		"indicator=pci&year=2016&from_year=2010&top=3&derived=true",
		"x=pci&y=papi&year=2016", "indicators=pci,papi&year=2016&province=93&k=3",
		"indicators=pci,dti&year=2024&partial=true&draws=10&directions=population:higher",
		"provinces=-1", "provinces=%ff", "year=99999999999999999999", "indicator=pci&indicator=papi",
		"units=34&agg=population&indicator=population", "format=csv", "lang=fr", "measure=x",
	} {
		f.Add(seed)
	}
	routes := []string{"/api/v1/provinces", "/api/v1/provinces/93", "/api/v1/indicators", "/api/v1/observations", "/api/v1/trends",
		"/api/v1/rankings", "/api/v1/compare", "/api/v1/correlations", "/api/v1/peers", "/api/v1/composite",
		"/charts/line.csv", "/charts/ranking.csv", "/charts/map.csv", "/charts/scatter.csv"}
	store := mustOpenStore(f)
	h := NewServer(slog.New(slog.NewTextHandler(io.Discard, nil)), Config{CacheBytes: 1 << 20}, store)
	f.Fuzz(func(t *testing.T, raw string) {
		if _, err := url.ParseQuery(raw); err != nil {
			return
		}
		for _, r := range routes {
			if strings.Contains(raw, "draws") && !strings.HasSuffix(r, "composite") {
				continue
			}
			rec := httptest.NewRecorder()
			req := httptest.NewRequest(http.MethodGet, r, nil)
			req.URL.RawQuery = raw
			h.ServeHTTP(rec, req)
			if rec.Code >= 500 {
				t.Fatalf("GET %s?%s: %d %s", r, raw, rec.Code, rec.Body)
			}
			if rec.Code >= 400 && rec.Code != 404 {
				var e errorBody
				if err := json.Unmarshal(rec.Body.Bytes(), &e); err != nil || e.Error == "" || e.Status != "error" {
					t.Fatalf("GET %s?%s: %d with %q", r, raw, rec.Code, rec.Body)
				}
			}
		}
	})
}
