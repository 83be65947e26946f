package datasets

import (
	"context"
	"fmt"
	"testing"
)

// TestEachFigureSources: EachFigure gives every figure its source (found by the source's key),
// its status and its numbers: each figure's source is the one the database joins to it.
func TestEachFigureSources(t *testing.T) {
	ctx := context.Background()
	s, err := Open(ctx, "")
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	got := map[string]Figure{}
	err = s.EachFigure(ctx, ObservationQuery{Indicators: []string{"pci"}}, func(ind, unit string, year int, f Figure) {
		got[fmt.Sprintf("%s/%s/%d", ind, unit, year)] = f
	})
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]string{}
	rows, err := s.db.Query(`SELECT 'pci/' || u.id || '/' || o.year, s.id FROM observation o JOIN source s ON s.key = o.source_key
		JOIN unit u ON u.key = o.unit_key
		WHERE o.indicator_key = (SELECT key FROM indicator WHERE id = 'pci') AND o.preferred`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	for rows.Next() {
		var k, id string
		if err := rows.Scan(&k, &id); err != nil {
			t.Fatal(err)
		}
		want[k] = id
	}
	if len(got) != len(want) || len(got) == 0 {
		t.Fatalf("EachFigure gave %d PCI figures, the database has %d", len(got), len(want))
	}
	hg := got["pci/vn63.93/2021"]
	if hg.Value == nil || *hg.Value != 63.80 || hg.Rank == nil || *hg.Rank != 38 || hg.Status != "published" || hg.Source.Citation == "" {
		t.Errorf("Hậu Giang PCI 2021 = %+v, want 63.80, rank 38, published, with its source", hg)
	}
	notPublished, sources := 0, map[string]bool{}
	for k, f := range got {
		if f.Source.ID != want[k] || f.Source != s.sourceCache()[f.Source.ID] {
			t.Errorf("%s: source %+v, want %s as the store has it", k, f.Source, want[k])
		}
		sources[f.Source.ID] = true
		if f.Status == "not_published" {
			notPublished++
		}
	}
	if notPublished == 0 {
		t.Error("no PCI figure read as not published (PCI from 2023 outside the top 30)")
	}
	if len(sources) < 2 {
		t.Errorf("the PCI figures came from %d sources: the test cannot tell one source from another", len(sources))
	}
}
