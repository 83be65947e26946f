package datasets

import (
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"testing"

	"chiso/internal/procstat"
)

// BenchmarkIngestIntoLarge: a small ingest into a large store, a database file holding a
// SYNTHETIC commune panel (3,321 communes × 20 indicators × 12 years, 2005–2016, ≈ 800k figures;
// and 150 indicators ≈ 6M unless CHISO_BENCH_SMALL is set) besides the bundled data. Each ingest adds
// one new year (2017, 2018, …; at most 10 ingests a case) of one indicator for every commune (3,321 rows): of the first
// synthetic indicator, whose rows interleave with the stored ones (the table is re-sorted), or
// of the last, whose rows sort after every stored one (they are appended). And a second source's
// figures for keys already loaded.
func BenchmarkIngestIntoLarge(b *testing.B) {
	ctx := context.Background()
	sizes := []int{20, 150}
	if os.Getenv("CHISO_BENCH_SMALL") != "" {
		sizes = sizes[:1]
	}
	for _, nind := range sizes {
		dir := b.TempDir()
		s, err := Open(ctx, filepath.Join(dir, "large.db"))
		if err != nil {
			b.Fatal(err)
		}
		if err := s.AddSyntheticUnits(ctx, 3321); err != nil {
			b.Fatal(err)
		}
		ids, err := s.AddSyntheticIndicators(ctx, nind)
		if err != nil {
			b.Fatal(err)
		}
		n, err := s.LoadSyntheticPanelOf(ctx, SyntheticSet, ids, 2005, 2016, 0.42)
		if err != nil {
			b.Fatal(err)
		}
		for _, c := range []struct {
			name      string
			indicator string
		}{{"interleaving", ids[0]}, {"appending", ids[nind-1]}} {
			year := 2017 // the next year to add: the benchmark function runs more than once
			b.Run(fmt.Sprintf("%.1fM/%s", float64(n)/1e6, c.name), func(b *testing.B) {
				for b.Loop() {
					if year > 2026 {
						b.Fatal("at most 10 ingests a case (-benchtime 10x)")
					}
					b.StopTimer()
					path := filepath.Join(dir, fmt.Sprintf("year%d.csv", year))
					writeBenchCSV(b, path, "province,indicator,year,value,source", func(w io.Writer) {
						for j := range 3321 {
							fmt.Fprintf(w, "syn.%05d,%s,%d,%.2f,%s\n", j+1, c.indicator, year, float64((j*104729+year)%10000)/100, SyntheticSource)
						}
					})
					year++
					opts := benchOptions()
					b.StartTimer()
					rep, err := s.Ingest(ctx, []string{path}, opts)
					if err != nil {
						b.Fatal(err)
					}
					if rep.Added != 3321 {
						b.Fatalf("added %d, want 3321", rep.Added)
					}
				}
				b.ReportMetric(float64(b.Elapsed().Milliseconds())/float64(b.N), "ms/ingest")
				b.ReportMetric(procstat.PeakRSSMiB(), "peak-RSS-MiB")
			})
		}
		// A second source's figures for keys already loaded: one indicator, 10 years of every
		// commune (33,210 rows), compared figure by figure with the loaded ones.
		round := 0 // the last other source added
		b.Run(fmt.Sprintf("%.1fM/another-source", float64(n)/1e6), func(b *testing.B) {
			for b.Loop() {
				b.StopTimer()
				round++
				path := filepath.Join(dir, fmt.Sprintf("source%d.csv", round))
				writeBenchCSV(b, path, "province,indicator,year,value,source", func(w io.Writer) {
					for j := range 3321 {
						for y := 2007; y <= 2016; y++ {
							fmt.Fprintf(w, "syn.%05d,%s,%d,%.2f,%s (another source %d)\n", j+1, ids[1], y, float64((j*7+y+round)%10000)/100, SyntheticSource, round)
						}
					}
				})
				b.StartTimer()
				opts := benchOptions()
				opts.Force = true
				rep, err := s.Ingest(ctx, []string{path}, opts)
				if err != nil {
					b.Fatal(err)
				}
				if rep.Added == 0 {
					b.Fatal("nothing added")
				}
			}
			b.ReportMetric(float64(b.Elapsed().Milliseconds())/float64(b.N), "ms/ingest")
		})
		s.Close()
	}
}
