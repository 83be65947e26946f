package server

import (
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"testing"
)

// discardWriter is a ResponseWriter that keeps nothing, so that a benchmark measures the
// server, not the recorder.
type discardWriter struct {
	h      http.Header
	status int
}

func (d *discardWriter) Header() http.Header         { return d.h }
func (d *discardWriter) Write(p []byte) (int, error) { return len(p), nil }
func (d *discardWriter) WriteHeader(s int)           { d.status = s }

// BenchmarkCachedRoutes: answers from the cache through the whole handler (middleware,
// routing, the access log), per route.
func BenchmarkCachedRoutes(b *testing.B) {
	store := mustOpenStore(b)
	h := NewServer(slog.New(slog.NewJSONHandler(io.Discard, nil)), Config{}, store)
	for _, tc := range []struct{ name, path string }{
		{"observations", "/api/v1/observations?indicator=pci&provinces=93,92,94,89,91&from=2006&to=2024"},
		{"embed", "/embed/ranking?indicator=pci&year=2016"},
		{"png", "/charts/line.png?indicator=pci&provinces=93,92"},
	} {
		req := httptest.NewRequest(http.MethodGet, tc.path, nil)
		h.ServeHTTP(httptest.NewRecorder(), req)
		b.Run(tc.name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				w := &discardWriter{h: http.Header{}}
				h.ServeHTTP(w, req)
				if w.status != http.StatusOK {
					b.Fatalf("status %d", w.status)
				}
			}
		})
	}
}
