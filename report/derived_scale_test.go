package report

import (
	"context"
	"reflect"
	"strings"
	"testing"

	"chiso/datasets"
)

// TestDerivedOnLargeStore: in a store too large for the shared panel (the bundled data and a
// SYNTHETIC panel of 3,321 communes, 8 indicators and 20 years: 531,360 figures), the 34-unit
// view reads the figures of the 34 and of their predecessors alone, and derives what it
// derives from the bundled data alone.
func TestDerivedOnLargeStore(t *testing.T) {
	if testing.Short() {
		t.Skip("loads 531,360 synthetic figures")
	}
	ctx := context.Background()
	small := mustOpenStore(t)
	large := mustOpenStore(t)
	if err := large.AddSyntheticUnits(ctx, 3321); err != nil {
		t.Fatal(err)
	}
	ids, err := large.AddSyntheticIndicators(ctx, 8)
	if err != nil {
		t.Fatal(err)
	}
	n, err := large.LoadSyntheticPanelOf(ctx, datasets.SyntheticSet, ids, 2005, 2024, 0.42)
	if err != nil {
		t.Fatal(err)
	}
	if p, _ := sharedPanel(ctx, large); p != nil || n <= memoLimit {
		t.Fatalf("%d figures: the large store has a shared panel; the test tests nothing", n)
	}
	reg := large.Registry()
	in, err := derivedInputs(ctx, large, successor34(reg), reg.Units(datasets.Set34, datasets.MergerDate.Year()))
	if err != nil {
		t.Fatal(err)
	}
	for ind, byUnit := range in.figures {
		for unit := range byUnit {
			if strings.HasPrefix(unit, datasets.SyntheticSet+".") {
				t.Fatalf("the 34-unit view read the figures of %s (%s)", unit, ind)
			}
		}
	}
	for _, agg := range []string{"", AggPopulation} {
		want, err := buildDerived(ctx, small, agg)
		if err != nil {
			t.Fatal(err)
		}
		got, err := buildDerived(ctx, large, agg)
		if err != nil {
			t.Fatal(err)
		}
		if len(want.figures) == 0 {
			t.Fatal("no derived figures: the test tests nothing")
		}
		for ind := range want.figures {
			if !reflect.DeepEqual(got.figures[ind], want.figures[ind]) || !reflect.DeepEqual(got.derivations[ind], want.derivations[ind]) {
				t.Errorf("agg %q, %s: the 34-unit view differs on the large store", agg, ind)
			}
		}
		for ind := range got.figures {
			if _, ok := want.figures[ind]; !ok && len(got.figures[ind]) > 0 {
				t.Errorf("agg %q: %s has 34-unit figures only on the large store", agg, ind)
			}
		}
	}
}
