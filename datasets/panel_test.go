package datasets

import (
	"context"
	"fmt"
	"maps"
	"testing"
)

// TestEachFigureSources: EachFigure gives every figure its source, its status and its numbers,
// whether the source comes by DuckDB's hash of its id (the usual read) or by the id itself
// (the read when two ids hash alike).
func TestEachFigureSources(t *testing.T) {
	ctx := context.Background()
	s, err := Open(ctx, "")
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	read := func() map[string]Figure {
		got := map[string]Figure{}
		err := s.EachFigure(ctx, ObservationQuery{Indicators: []string{"pci"}}, func(ind, unit string, year int, f Figure) {
			got[fmt.Sprintf("%s/%s/%d", ind, unit, year)] = f
		})
		if err != nil {
			t.Fatal(err)
		}
		return got
	}
	if s.sources.Load().byHash == nil {
		t.Fatal("the bundled sources' ids hash alike: the read by hash is not tested")
	}
	byHash := read()
	idx := *s.sources.Load()
	idx.byHash = nil
	s.sources.Store(&idx)
	byID := read()

	hg := byHash["pci/vn63.93/2021"]
	if hg.Value == nil || *hg.Value != 63.80 || hg.Rank == nil || *hg.Rank != 38 || hg.Status != "published" || hg.Source.Citation == "" {
		t.Errorf("Hậu Giang PCI 2021 = %+v, want 63.80, rank 38, published, with its source", hg)
	}
	notPublished := 0
	for k, f := range byHash {
		if f.Source.ID == "" || f.Source != idx.byID[f.Source.ID] {
			t.Errorf("%s: source %+v, not one of the store's", k, f.Source)
		}
		if f.Status == "not_published" {
			notPublished++
		}
	}
	if notPublished == 0 {
		t.Error("no PCI figure read as not published (PCI from 2023 outside the top 30)")
	}
	same := func(a, b *float64) bool { return a == nil && b == nil || a != nil && b != nil && *a == *b }
	if len(byHash) != len(byID) || !maps.EqualFunc(byHash, byID, func(a, b Figure) bool {
		return a.Source == b.Source && a.Status == b.Status && a.Verified == b.Verified && same(a.Value, b.Value)
	}) {
		t.Errorf("read by hash and by id differ: %d and %d figures", len(byHash), len(byID))
	}
}
