package report

import (
	"context"
	"fmt"
	"os"
	"runtime"
	"slices"
	"testing"
	"time"

	"chiso/datasets"
	"chiso/internal/procstat"
)

// communeStore is a store with a SYNTHETIC panel at commune scale besides the bundled data:
// 3,321 synthetic communes × indicators × 20 years (2005–2024). Benchmarks only.
func communeStore(b *testing.B, indicators int) (*datasets.Store, []string, int) {
	b.Helper()
	ctx := context.Background()
	store := mustOpenStore(b)
	if err := store.AddSyntheticUnits(ctx, 3321); err != nil {
		b.Fatal(err)
	}
	ids, err := store.AddSyntheticIndicators(ctx, indicators)
	if err != nil {
		b.Fatal(err)
	}
	start := time.Now()
	n, err := store.LoadSyntheticPanelOf(ctx, datasets.SyntheticSet, ids, 2005, 2024, 0.42)
	if err != nil {
		b.Fatal(err)
	}

	b.Logf("synthetic commune panel: %d figures loaded in %v; peak RSS so far %.0f MiB", n, time.Since(start), procstat.PeakRSSMiB())
	return store, ids, n
}

// latencies runs fn b.N times and reports its p50, p90 and p99 in ms, and the peak RSS. Each
// call is timed between two pieces of fixed arithmetic (procstat.Steady): it also reports the
// p99 of the calls around which the machine ran steady, and the share of calls left out of it.
func latencies(b *testing.B, fn func() error) {
	b.Helper()
	var lat []time.Duration
	var calls []procstat.Call
	b.ReportAllocs()
	for b.Loop() {
		before := procstat.Piece()
		start := time.Now()
		if err := fn(); err != nil {
			b.Fatal(err)
		}
		took := time.Since(start)
		lat = append(lat, took)
		calls = append(calls, procstat.Call{Took: took, Before: before, After: procstat.Piece()})
	}
	slices.Sort(lat)
	ms := func(d time.Duration) float64 { return float64(d.Microseconds()) / 1000 }
	b.ReportMetric(ms(lat[len(lat)*99/100]), "p99-ms")
	b.ReportMetric(ms(lat[len(lat)*50/100]), "p50-ms")
	b.ReportMetric(ms(lat[len(lat)*90/100]), "p90-ms")
	if steady, left := procstat.Steady(calls); len(steady) > 0 {
		b.ReportMetric(ms(steady[len(steady)*99/100]), "p99-steady-ms")
		b.ReportMetric(100*float64(left)/float64(len(calls)), "unsteady-%")
	}
	b.ReportMetric(procstat.PeakRSSMiB(), "peak-RSS-MiB")
}

// BenchmarkCommunes: views of a SYNTHETIC commune-scale panel (3,321 units × 20 indicators ×
// 20 years ≈ 1.3M figures; and 150 indicators ≈ 10M), uncached: a comparison of five communes
// and a one-year ranking (target p99 < 20 ms), the trends of every unit on one indicator, and
// a composite of five indicators with 200 Monte Carlo draws.
func BenchmarkCommunes(b *testing.B) {
	for _, nind := range benchCommuneSizes() {
		store, ids, n := communeStore(b, nind)
		ctx := context.Background()
		cat := store.Catalogue()
		in, _ := cat.Get(ids[nind/2])
		view := View{Set: datasets.SyntheticSet}
		var five [][]datasets.Unit
		for _, c := range []string{"syn.00001", "syn.00777", "syn.01500", "syn.02222", "syn.03321"} {
			u, _ := store.Registry().Unit(c)
			five = append(five, []datasets.Unit{u})
		}
		label := fmt.Sprintf("%.1fM", float64(n)/1e6)
		b.Run(label+"/compare", func(b *testing.B) {
			latencies(b, func() error {
				_, err := CompareOf(ctx, store, CompareSpec{Indicator: in, Year: 2020, Provinces: five, View: view})
				return err
			})
		})
		// The machine's own spread: a fixed piece of pure Go arithmetic of about the time of an
		// uncached comparison, timed as the views are. Its p99 against its p50 is what the machine
		// adds to any view's tail, whatever the view does.
		b.Run(label+"/machine-jitter", func(b *testing.B) {
			latencies(b, func() error {
				if procstat.Arithmetic(3_000_000) == 0 {
					return fmt.Errorf("no work done")
				}
				return nil
			})
		})
		// How much of the time the machine itself ran slowed (see procstat.Slowdown): 50 ms of
		// small pieces of arithmetic an iteration (a window is cut at an iteration's end). A view that overlaps such a window runs several
		// times slower whatever it does.
		b.Run(label+"/machine-slowdown", func(b *testing.B) {
			var share float64
			var windows int
			var longest time.Duration
			for b.Loop() {
				s := procstat.MeasureSlowdown(50 * time.Millisecond)
				share += s.Share
				windows += s.Windows
				longest = max(longest, s.Longest)
			}
			b.ReportMetric(100*share/float64(b.N), "slowed-%")
			b.ReportMetric(float64(windows)/(float64(b.N)*0.05), "windows/s")
			b.ReportMetric(float64(longest.Microseconds())/1000, "longest-ms")
		})
		b.Run(label+"/ranking", func(b *testing.B) {
			latencies(b, func() error {
				_, err := RankingOf(ctx, store, RankingSpec{Indicator: in, Year: 2020, FromYear: 2015, Top: 10, View: view})
				return err
			})
		})
		// The same on sections not read before: each call asks for an indicator-year (and, for
		// the ranking, a from-year) that no earlier call of the run asked for.
		b.Run(label+"/compare-cold", func(b *testing.B) {
			i := 0
			latencies(b, func() error {
				in, _ := cat.Get(ids[i%nind])
				year := 2005 + (i/nind)%20
				i++
				_, err := CompareOf(ctx, store, CompareSpec{Indicator: in, Year: year, Provinces: five, View: view})
				return err
			})
		})
		b.Run(label+"/ranking-cold", func(b *testing.B) {
			i := 0
			latencies(b, func() error {
				in, _ := cat.Get(ids[(i+nind/2)%nind])
				year := 2015 + (i/nind)%10
				i++
				_, err := RankingOf(ctx, store, RankingSpec{Indicator: in, Year: year, FromYear: year - 10, Top: 10, View: view})
				return err
			})
		})
		// What a section costs: the heap a new section holds, and what the cache holds at its bound.
		b.Run(label+"/section-memory", func(b *testing.B) {
			i := 0
			for b.Loop() {
				if _, err := newSectionCache(sectionFigures).get(ctx, store, view, ids[i%nind], 2005+i/nind%20); err != nil {
					b.Fatal(err)
				}
				i++
			}
			const n = 10
			var before, after runtime.MemStats
			runtime.GC()
			runtime.ReadMemStats(&before)
			c := newSectionCache(sectionFigures)
			for k := range n {
				if _, err := c.get(ctx, store, view, ids[k%nind], 2005+k/nind); err != nil {
					b.Fatal(err)
				}
			}
			runtime.GC()
			runtime.ReadMemStats(&after)
			runtime.KeepAlive(c)
			per := float64(after.HeapAlloc-before.HeapAlloc) / n
			b.ReportMetric(per/1024, "KiB/section")
			b.ReportMetric(per*float64(sectionFigures)/float64(c.held/n)/(1<<20), "cache-MiB")
		})
		// The 34-unit view of the bundled data in this store, built anew each time (it is built
		// once per dataset version): it reads the figures of the provinces alone.
		b.Run(label+"/derived-34-view", func(b *testing.B) {
			latencies(b, func() error {
				_, err := buildDerived(ctx, store, AggRule)
				return err
			})
		})
		// A province's page, uncached, in a store that also holds the communes' figures.
		b.Run(label+"/profile-page", func(b *testing.B) {
			hg, _ := store.Registry().Unit("vn63.93")
			latencies(b, func() error {
				_, err := ProfileOf(ctx, store, View{}, hg, "vi")
				return err
			})
		})
		b.Run(label+"/trends-all-units", func(b *testing.B) {
			latencies(b, func() error {
				_, err := TrendsOf(ctx, store, TrendsSpec{Indicators: []string{in.ID}, View: view})
				return err
			})
		})
		b.Run(label+"/composite", func(b *testing.B) {
			latencies(b, func() error {
				s := CompositeSpec{Indicators: ids[:5], Year: 2020, Units: datasets.SyntheticSet, Draws: new(200)}
				if err := s.Check(cat); err == nil {
					return fmt.Errorf("units=%s accepted by Check", datasets.SyntheticSet)
				}
				s.Units = "" // the composite's units check admits only 63 and 34: compute on every unit in force
				if err := s.Check(cat); err != nil {
					return err
				}
				s.Units = datasets.SyntheticSet
				_, err := CompositeOf(ctx, store, s)
				return err
			})
		})
		store.Close()
	}
}

// benchCommuneSizes are the panel sizes of BenchmarkCommunes: 20 indicators (1.3M figures) and
// 150 (10M); CHISO_BENCH_SMALL=1 keeps only the first.
func benchCommuneSizes() []int {
	if os.Getenv("CHISO_BENCH_SMALL") != "" {
		return []int{20}
	}
	return []int{20, 150}
}
