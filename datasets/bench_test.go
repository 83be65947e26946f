package datasets

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"testing"
	"time"

	"chiso/internal/procstat"
)

// writeSyntheticCSV writes a long CSV of len(indicators) × 63 units × years rows, naming the
// provinces by their Vietnamese names. SYNTHETIC: for benchmarks only.
func writeSyntheticCSV(tb testing.TB, path string, reg *Registry, indicators []string, from, to int) int {
	tb.Helper()
	units := reg.InForce(YearEnd(2020))
	n := 0
	writeBenchCSV(tb, path, "province,indicator,year,value,rank,rank_of,source", func(w io.Writer) {
		for i, ind := range indicators {
			for j, u := range units {
				for y := from; y <= to; y++ {
					v := float64((i*7919+j*104729+y*31)%10000) / 100
					fmt.Fprintf(w, "%s,%s,%d,%.2f,%d,63,%s\n", u.NameVI, ind, y, v, j+1, SyntheticSource)
					n++
				}
			}
		}
	})
	return n
}

// BenchmarkIngestLongCSV ingests a 1,008,000-row long CSV (800 synthetic indicators × 63
// provinces × 20 years) into a file database with every validation, and in the same run
// times DuckDB's own typed read_csv of the same file into a table of a file database.
func BenchmarkIngestLongCSV(b *testing.B) {
	ctx := context.Background()
	dir := b.TempDir()
	setup := func(name string) *Store {
		s, err := Open(ctx, filepath.Join(dir, name))
		if err != nil {
			b.Fatal(err)
		}
		return s
	}
	first := setup("setup.db")
	ids, err := first.AddSyntheticIndicators(ctx, 800)
	if err != nil {
		b.Fatal(err)
	}
	csvPath := filepath.Join(dir, "panel.csv")
	rows := writeSyntheticCSV(b, csvPath, first.Registry(), ids, 2005, 2024)
	first.Close()

	benchIngestVsReadCSV(b, dir, setup, csvPath, rows, 800)
}

// benchOptions are the options of a benchmark's ingest: exclusive, as the command line
// ingests; with CHISO_BENCH_STEPS set, the time of each step is printed on stderr.
func benchOptions() IngestOptions {
	opts := IngestOptions{Exclusive: true}
	if os.Getenv("CHISO_BENCH_STEPS") != "" {
		last, lastName := time.Now(), "start"
		opts.Progress = func(name string) {
			fmt.Fprintf(os.Stderr, "%-24s %6.3f s\n", lastName, time.Since(last).Seconds())
			last, lastName = time.Now(), name
		}
	}
	return opts
}

// writeBenchCSV writes the file at path: a header line, then the lines of fill.
func writeBenchCSV(tb testing.TB, path, header string, fill func(w io.Writer)) {
	tb.Helper()
	f, err := os.Create(path)
	if err != nil {
		tb.Fatal(err)
	}
	w := bufio.NewWriterSize(f, 1<<20)
	fmt.Fprintln(w, header)
	fill(w)
	if err := w.Flush(); err != nil {
		tb.Fatal(err)
	}
	if err := f.Close(); err != nil {
		tb.Fatal(err)
	}
}

// benchIngestVsReadCSV times, in one run and in turns, DuckDB's own typed read_csv of the long CSV at
// csvPath (rows data rows) into a table of a new file database, and the ingest of the same file
// with every validation into a store from setup with its indicators (the first n synthetic
// ones) added; it reports both rates, their ratio and the process's peak RSS.
func benchIngestVsReadCSV(b *testing.B, dir string, setup func(name string) *Store, csvPath string, rows, indicators int) {
	ctx := context.Background()
	var readCSV time.Duration
	baselineRuns := 0
	// readCSVOnce times one read_csv; it runs before each ingest, so that both see the machine
	// in the same state (read_csv alone went from 0.84 to 1.2M rows/s between runs here).
	readCSVOnce := func() {
		s := setup(fmt.Sprintf("baseline%d.db", baselineRuns))
		start := time.Now()
		_, err := s.db.ExecContext(ctx, fmt.Sprintf(`CREATE TABLE t AS SELECT * FROM read_csv(%s, header = true, auto_detect = false,
			columns = {'province': 'VARCHAR', 'indicator': 'VARCHAR', 'year': 'INTEGER', 'value': 'DOUBLE', 'rank': 'INTEGER',
			'rank_of': 'INTEGER', 'source': 'VARCHAR'})`, sqlString(csvPath)))
		readCSV += time.Since(start)
		if err != nil {
			b.Fatal(err)
		}
		s.Close()
		os.Remove(filepath.Join(dir, fmt.Sprintf("baseline%d.db", baselineRuns)))
		baselineRuns++
	}

	b.ReportAllocs()
	n := 0
	for b.Loop() {
		b.StopTimer()
		readCSVOnce()
		name := fmt.Sprintf("ingest%d.db", n)
		s := setup(name)
		if _, err := s.AddSyntheticIndicators(ctx, indicators); err != nil {
			b.Fatal(err)
		}
		b.StartTimer()
		opts := benchOptions()
		rep, err := s.Ingest(ctx, []string{csvPath}, opts)
		if opts.Progress != nil {
			opts.Progress("end")
		}
		if err != nil {
			b.Fatal(err)
		}
		if rep.Added != rows {
			b.Fatalf("added %d, want %d", rep.Added, rows)
		}
		b.StopTimer()
		s.Close()
		os.Remove(filepath.Join(dir, name))
		n++
		b.StartTimer()
	}
	ingest := float64(rows*b.N) / b.Elapsed().Seconds()
	baseline := float64(rows*baselineRuns) / readCSV.Seconds()
	b.ReportMetric(ingest, "rows/s")
	b.ReportMetric(baseline, "read_csv-rows/s")
	b.ReportMetric(ingest/baseline, "ratio")
	b.ReportMetric(procstat.PeakRSSMiB(), "peak-RSS-MiB")
}

// BenchmarkObservations queries one indicator for five provinces over all years.
func BenchmarkObservations(b *testing.B) {
	ctx := context.Background()
	s, err := Open(ctx, "")
	if err != nil {
		b.Fatal(err)
	}
	defer s.Close()
	q := ObservationQuery{Indicators: []string{"pci"}, UnitIDs: []string{"vn63.93", "vn63.92", "vn63.94", "vn63.01", "vn63.79"}}
	b.ReportAllocs()
	for b.Loop() {
		obs, err := s.Observations(ctx, q)
		if err != nil || len(obs) == 0 {
			b.Fatal(err)
		}
	}
}
