package datasets

import (
	"bufio"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"
)

// BenchmarkIngestCommunes ingests a long CSV at commune scale, 3,321 SYNTHETIC communes × 20
// synthetic indicators × 20 years (1,328,400 rows, named by their unit ids, with a rank out of
// 3,321), into a file database with every validation; in the same run it times DuckDB's own
// typed read_csv of the same file into a table of a file database.
func BenchmarkIngestCommunes(b *testing.B) {
	const communes, indicators, from, to = 3321, 20, 2005, 2024
	ctx := context.Background()
	dir := b.TempDir()
	setup := func(name string) *Store {
		s, err := Open(ctx, filepath.Join(dir, name))
		if err != nil {
			b.Fatal(err)
		}
		if err := s.AddSyntheticUnits(ctx, communes); err != nil {
			b.Fatal(err)
		}
		return s
	}
	first := setup("setup.db")
	ids, err := first.AddSyntheticIndicators(ctx, indicators)
	if err != nil {
		b.Fatal(err)
	}
	first.Close()
	csvPath := filepath.Join(dir, "communes.csv")
	f, err := os.Create(csvPath)
	if err != nil {
		b.Fatal(err)
	}
	w := bufio.NewWriterSize(f, 1<<20)
	fmt.Fprintln(w, "province,indicator,year,value,rank,rank_of,source")
	rows := 0
	for i, ind := range ids {
		for j := range communes {
			for y := from; y <= to; y++ {
				v := float64((i*7919+j*104729+y*31)%10000) / 100
				fmt.Fprintf(w, "syn.%05d,%s,%d,%.2f,%d,%d,%s\n", j+1, ind, y, v, j+1, communes, SyntheticSource)
				rows++
			}
		}
	}
	if err := w.Flush(); err != nil {
		b.Fatal(err)
	}
	if err := f.Close(); err != nil {
		b.Fatal(err)
	}

	var readCSV time.Duration
	const baselineRuns = 3
	for i := range baselineRuns {
		s := setup(fmt.Sprintf("baseline%d.db", i))
		start := time.Now()
		_, err := s.db.ExecContext(ctx, fmt.Sprintf(`CREATE TABLE t AS SELECT * FROM read_csv(%s, header = true, auto_detect = false,
			columns = {'province': 'VARCHAR', 'indicator': 'VARCHAR', 'year': 'INTEGER', 'value': 'DOUBLE', 'rank': 'INTEGER',
			'rank_of': 'INTEGER', 'source': 'VARCHAR'})`, sqlString(csvPath)))
		readCSV += time.Since(start)
		if err != nil {
			b.Fatal(err)
		}
		s.Close()
	}
	baseline := float64(rows*baselineRuns) / readCSV.Seconds()

	b.ReportAllocs()
	n := 0
	for b.Loop() {
		b.StopTimer()
		name := fmt.Sprintf("ingest%d.db", n)
		s := setup(name)
		if _, err := s.AddSyntheticIndicators(ctx, indicators); err != nil {
			b.Fatal(err)
		}
		b.StartTimer()
		rep, err := s.Ingest(ctx, []string{csvPath}, IngestOptions{Exclusive: true}) // as the command line ingests
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
	b.ReportMetric(ingest, "rows/s")
	b.ReportMetric(baseline, "read_csv-rows/s")
	b.ReportMetric(ingest/baseline, "ratio")
	b.ReportMetric(peakResident(), "peak-RSS-MiB")
}

// peakResident is the process's peak resident set (VmHWM) in MiB, or 0 where /proc is absent.
func peakResident() float64 {
	b, err := os.ReadFile("/proc/self/status")
	if err != nil {
		return 0
	}
	for _, line := range strings.Split(string(b), "\n") {
		if f := strings.Fields(line); len(f) >= 2 && f[0] == "VmHWM:" {
			kb, _ := strconv.ParseFloat(f[1], 64)
			return kb / 1024
		}
	}
	return 0
}
