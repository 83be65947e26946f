package datasets

import (
	"bytes"
	"context"
	"testing"
	"time"
)

// BenchmarkEncodeAll writes every figure of the bundled dataset (every source's, one row
// each) in each download format: the cost of a full-dataset download before the server's
// cache keeps it. Reports the file size in bytes.
func BenchmarkEncodeAll(b *testing.B) {
	s := mustOpenStore(b)
	ctx := context.Background()
	t, err := s.AllFigures(ctx)
	if err != nil {
		b.Fatal(err)
	}
	m := Meta{Version: s.Version(), Title: "bench", Citation: s.Citation(s.Version(), nil, time.Now()), Sources: TableSources(s, t)}
	for _, f := range Formats {
		b.Run(f, func(b *testing.B) {
			var buf bytes.Buffer
			b.ReportAllocs()
			for b.Loop() {
				buf.Reset()
				if err := s.Encode(ctx, &buf, f, t, m); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64(buf.Len()), "bytes")
			b.ReportMetric(float64(len(t.Rows)), "rows")
		})
	}
}

// BenchmarkPackage: building the whole-dataset ZIP (Build), and asking for it again within one
// dataset version (Memo), which returns the ZIP built once.
func BenchmarkPackage(b *testing.B) {
	s := mustOpenStore(b)
	ctx := context.Background()
	b.Run("Build", func(b *testing.B) {
		var p Package
		var err error
		for b.Loop() {
			if p, err = s.buildPackage(ctx); err != nil {
				b.Fatal(err)
			}
		}
		b.ReportMetric(float64(len(p.Zip)), "bytes")
	})
	b.Run("Memo", func(b *testing.B) {
		if _, err := s.Package(ctx); err != nil {
			b.Fatal(err)
		}
		b.ReportAllocs()
		for b.Loop() {
			if _, err := s.Package(ctx); err != nil {
				b.Fatal(err)
			}
		}
	})
}
