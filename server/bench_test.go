package server

import (
	"context"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"slices"
	"testing"
	"time"

	"chiso/charts"
	"chiso/datasets"
)

// benchObservations runs one observations request per iteration through the handler and
// reports ns/op, allocations and the 99th-percentile latency.
func benchObservations(b *testing.B, store *datasets.Store, query string) {
	h := handleObservations(slog.New(slog.NewTextHandler(io.Discard, nil)), store)
	lat := make([]time.Duration, 0, 1<<16)
	b.ReportAllocs()
	for b.Loop() {
		req := httptest.NewRequest(http.MethodGet, "/api/v1/observations?"+query, nil)
		rec := httptest.NewRecorder()
		start := time.Now()
		h.ServeHTTP(rec, req)
		lat = append(lat, time.Since(start))
		if rec.Code != http.StatusOK {
			b.Fatalf("status %d: %s", rec.Code, rec.Body)
		}
	}
	slices.Sort(lat)
	b.ReportMetric(float64(lat[len(lat)*99/100].Microseconds())/1000, "p99-ms")
}

// BenchmarkObservationsHandler: one indicator for five provinces, on the bundled data.
func BenchmarkObservationsHandler(b *testing.B) {
	store := mustOpenStore(b)
	benchObservations(b, store, "indicator=pci&provinces=93,92,94,01,79&from=2006&to=2024")
}

// BenchmarkObservationsHandler10M: the same query on a synthetic panel of 10,080,000 figures
// (8,000 synthetic indicators × 63 provinces × 20 years) besides the bundled data.
// SYNTHETIC: benchmark only.
func BenchmarkObservationsHandler10M(b *testing.B) {
	ctx := context.Background()
	store := mustOpenStore(b)
	ids, err := store.AddSyntheticIndicators(ctx, 8000)
	if err != nil {
		b.Fatal(err)
	}
	n, err := store.LoadSyntheticPanel(ctx, ids, 2005, 2024, 0.42)
	if err != nil {
		b.Fatal(err)
	}
	b.ReportMetric(float64(n), "panel-rows")
	benchObservations(b, store, "indicator=syn04242&provinces=93,92,94,01,79&from=2005&to=2024")
}

// BenchmarkObservationsCached: the same query through the whole server, answered from the
// in-memory response cache after the first request.
func BenchmarkObservationsCached(b *testing.B) {
	store := mustOpenStore(b)
	h := NewServer(slog.New(slog.NewTextHandler(io.Discard, nil)), store)
	b.ReportAllocs()
	for b.Loop() {
		req := httptest.NewRequest(http.MethodGet, "/api/v1/observations?indicator=pci&provinces=93,92,94,01,79&from=2006&to=2024", nil)
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)
		if rec.Code != http.StatusOK {
			b.Fatalf("status %d", rec.Code)
		}
	}
}

// BenchmarkTrendsAll: trends for every province × indicator of the bundled data in one call.
func BenchmarkTrendsAll(b *testing.B) {
	store := mustOpenStore(b)
	h := handleTrends(slog.New(slog.NewTextHandler(io.Discard, nil)), store)
	b.ReportAllocs()
	for b.Loop() {
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/api/v1/trends", nil))
		if rec.Code != http.StatusOK {
			b.Fatalf("status %d", rec.Code)
		}
	}
	b.ReportMetric(float64(b.Elapsed().Microseconds())/1000/float64(b.N), "ms/op")
}

// BenchmarkCompositeDefault: the default composite with 1,000 draws, through the handler.
func BenchmarkCompositeDefault(b *testing.B) {
	store := mustOpenStore(b)
	h := handleComposite(slog.New(slog.NewTextHandler(io.Discard, nil)), store)
	b.ReportAllocs()
	for b.Loop() {
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/api/v1/composite", nil))
		if rec.Code != http.StatusOK {
			b.Fatalf("status %d", rec.Code)
		}
	}
	b.ReportMetric(float64(b.Elapsed().Microseconds())/1000/float64(b.N), "ms/op")
}

// chartQueries are one chart of each kind on the bundled data.
var chartQueries = map[string]string{
	"line": "indicator=pci&provinces=93,92,94&trend=true", "ranking": "indicator=pci&year=2016&provinces=93",
	"bump": "indicator=pci&provinces=93,92", "slope": "indicator=pci&from=2010&to=2016", "radar": "provinces=Bắc%20Ninh&year=2020",
	"scatter": "x=pci&y=papi&year=2016", "heatmap": "indicator=pci", "map": "indicator=pci&year=2016",
}

// BenchmarkChart builds each chart kind from the bundled data: the option JSON for the
// interactive chart, and the PNG for reports (data read, chart built, rendered).
func BenchmarkChart(b *testing.B) {
	store := mustOpenStore(b)
	ctx := context.Background()
	for _, kind := range []string{"line", "ranking", "bump", "slope", "radar", "scatter", "heatmap", "map"} {
		vals, _ := url.ParseQuery(chartQueries[kind])
		for _, out := range []string{"option", "png"} {
			b.Run(kind+"/"+out, func(b *testing.B) {
				b.ReportAllocs()
				for b.Loop() {
					q := &query{Values: vals}
					spec := parseChartSpec(kind, q, store)
					if q.err != nil {
						b.Fatal(q.err)
					}
					bc, err := buildChart(ctx, store, spec, "c")
					if err != nil {
						b.Fatal(err)
					}
					if out == "option" {
						_, err = charts.OptionJSON(bc.chart)
					} else {
						err = charts.Render(io.Discard, bc.input, "png", charts.Options{})
					}
					if err != nil {
						b.Fatal(err)
					}
				}
			})
		}
	}
}
