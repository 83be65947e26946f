package report

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"chiso/datasets"
)

// TestRankingOrderPastAThousand: a commune-scale ranking whose published ranks go past 1,000
// lists every unit with a published rank first, in rank order, and only then the units
// ranked by their values alone (derived), in that order, even where their derived ranks are
// smaller than published ranks.
func TestRankingOrderPastAThousand(t *testing.T) {
	ctx := context.Background()
	store := mustOpenStore(t)
	const units, ranked = 3321, 2000
	if err := store.AddSyntheticUnits(ctx, units); err != nil {
		t.Fatal(err)
	}
	ids, err := store.AddSyntheticIndicators(ctx, 1)
	if err != nil {
		t.Fatal(err)
	}
	var b strings.Builder
	b.WriteString("province,year,value,rank,rank_of\n")
	// The unranked units have the best values: their derived ranks are 1 … 1,321, below the
	// published ranks 1,001 … 2,000 of others.
	for i := 1; i <= units; i++ {
		if i <= ranked {
			fmt.Fprintf(&b, "syn.%05d,2020,%.2f,%d,%d\n", i, 60-float64(i)/100, i, units)
		} else {
			fmt.Fprintf(&b, "syn.%05d,2020,%.2f,,\n", i, 100-float64(i-ranked)/100)
		}
	}
	path := filepath.Join(t.TempDir(), "ranks.csv")
	if err := os.WriteFile(path, []byte(b.String()), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := store.Ingest(ctx, []string{path}, datasets.IngestOptions{Indicator: ids[0], Source: datasets.SyntheticSource}); err != nil {
		t.Fatal(err)
	}
	r, err := RankingOf(ctx, store, RankingSpec{Indicator: indicator(t, store, ids[0]), Year: 2020, Derived: true, View: View{Set: datasets.SyntheticSet}})
	if err != nil {
		t.Fatal(err)
	}
	if len(r.Data) != units {
		t.Fatalf("%d rows, want %d", len(r.Data), units)
	}
	for k, row := range r.Data {
		switch {
		case k < ranked && (row.Rank == nil || *row.Rank != k+1):
			t.Fatalf("row %d: %s with rank %v, want published rank %d", k, row.Unit.ID, row.Rank, k+1)
		case k >= ranked && (row.Rank != nil || row.DerivedRank == nil || *row.DerivedRank != k-ranked+1):
			t.Fatalf("row %d: %s with rank %v and derived rank %v, want no published rank and derived rank %d", k, row.Unit.ID, row.Rank, row.DerivedRank, k-ranked+1)
		}
	}
}
