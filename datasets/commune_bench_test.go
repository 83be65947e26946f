package datasets

import (
	"context"
	"fmt"
	"io"
	"path/filepath"
	"testing"
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
	rows := 0
	writeBenchCSV(b, csvPath, "province,indicator,year,value,rank,rank_of,source", func(w io.Writer) {
		for i, ind := range ids {
			for j := range communes {
				for y := from; y <= to; y++ {
					v := float64((i*7919+j*104729+y*31)%10000) / 100
					fmt.Fprintf(w, "syn.%05d,%s,%d,%.2f,%d,%d,%s\n", j+1, ind, y, v, j+1, communes, SyntheticSource)
					rows++
				}
			}
		}
	})

	benchIngestVsReadCSV(b, dir, setup, csvPath, rows, indicators)
}
