package server

import (
	"context"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"slices"
	"testing"
	"time"

	"chiso/datasets"
	"chiso/web"
)

// benchObservations runs one observations request per iteration through the handler and
// reports ns/op, allocations and the 99th-percentile latency.
func benchObservations(b *testing.B, store *datasets.Store, query string) {
	h := testResponder(b, store).api(handleObservations(store), light)
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
	h := NewServer(slog.New(slog.NewTextHandler(io.Discard, nil)), Config{}, store)
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
	h := testResponder(b, store).api(handleTrends(store), light)
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
	h := testResponder(b, store).api(handleComposite(store), heavy)
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

// testResponder is the responder NewServer builds, for benchmarks of one handler.
func testResponder(tb testing.TB, store *datasets.Store) *responder {
	tmpl, err := web.Templates()
	if err != nil {
		tb.Fatal(err)
	}
	return &responder{logger: slog.New(slog.NewTextHandler(io.Discard, nil)), store: store, tmpl: tmpl, cache: newResponseCache(1), limit: newLimiter(2, 8, time.Second)}
}

// BenchmarkDownloadAll: a full-dataset download through the whole router, every source's
// figure, in each format, once the response cache keeps it (the first request builds it).
func BenchmarkDownloadAll(b *testing.B) {
	store := mustOpenStore(b)
	h := NewServer(slog.New(slog.NewTextHandler(io.Discard, nil)), Config{}, store)
	for _, path := range []string{"download.csv?sources=all", "download.csv?sources=all&excel=vn", "download.json?sources=all",
		"download.parquet?sources=all", "download.xlsx?sources=all", "download.zip"} {
		b.Run(path, func(b *testing.B) {
			start := time.Now()
			rec := httptest.NewRecorder()
			h.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/datasets/"+path, nil))
			if rec.Code != http.StatusOK {
				b.Fatalf("status %d: %s", rec.Code, rec.Body)
			}
			first := time.Since(start)
			b.ReportAllocs()
			for b.Loop() {
				rec := httptest.NewRecorder()
				h.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/datasets/"+path, nil))
			}
			b.ReportMetric(float64(first.Microseconds())/1000, "first-ms")
			b.ReportMetric(float64(rec.Body.Len()), "bytes")
		})
	}
}
