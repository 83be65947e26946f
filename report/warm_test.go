package report

import (
	"context"
	"testing"

	"chiso/datasets"
)

// TestWarmBoundedByMemoLimit: Warm builds the default trends when the views share one panel,
// and builds nothing for a store above memoLimit figures (where warming every indicator over
// every unit took a minute at 10M figures).
func TestWarmBoundedByMemoLimit(t *testing.T) {
	warmed := func(store *datasets.Store, id string) bool {
		computed := false
		store.Memo("report.trends|||"+id, func() (any, error) { computed = true; return map[string]UnitTrend{}, nil })
		return !computed
	}
	ctx := context.Background()
	small := mustOpenStore(t)
	if err := Warm(ctx, small); err != nil {
		t.Fatal(err)
	}
	if !warmed(small, "pci") {
		t.Error("Warm did not build PCI's default trends on the bundled data")
	}
	big, ids := largeStore(t)
	if err := Warm(ctx, big); err != nil {
		t.Fatal(err)
	}
	if warmed(big, "pci") || warmed(big, ids[0]) {
		t.Error("Warm built default trends on a store above memoLimit figures")
	}
}
