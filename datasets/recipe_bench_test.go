package datasets

import (
	"context"
	"testing"
)

// BenchmarkIngestVCCIFile: one VCCI PCI data file (2015, .xlsx, 63 units × PCI, rank and 10
// sub-indices = 693 figures) read by the vcci-pci recipe and ingested into a fresh store with
// the bundled data. b.N counts whole ingests; the store is opened outside the timer.
func BenchmarkIngestVCCIFile(b *testing.B) {
	for _, year := range []int{2015, 2008} {
		path := vcciFile(b, year)
		b.Run(map[int]string{2015: "xlsx-2015", 2008: "xls-2008"}[year], func(b *testing.B) {
			ctx := context.Background()
			for b.Loop() {
				b.StopTimer()
				s, err := Open(ctx, "")
				if err != nil {
					b.Fatal(err)
				}
				b.StartTimer()
				rep, err := s.Ingest(ctx, []string{path}, IngestOptions{Recipe: "vcci-pci", Now: testNow})
				b.StopTimer()
				if err != nil || rep.Rows < 690 {
					b.Fatalf("%v, %d rows", err, rep.Rows)
				}
				s.Close()
				b.StartTimer()
			}
		})
	}
}
