package report

import (
	"context"
	"reflect"
	"slices"
	"strings"
	"testing"

	"chiso/datasets"
)

// TestDerivedOnLargeStore: in a store too large for the shared panel (the bundled data and a
// SYNTHETIC panel of 3,321 communes, 8 indicators and 20 years: 531,360 figures), the 34-unit
// view reads the figures of the 34 and of their predecessors alone, and derives what it
// derives from the bundled data alone.
func TestDerivedOnLargeStore(t *testing.T) {
	ctx := context.Background()
	small := mustOpenStore(t)
	large, _ := largeStore(t)
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

// TestProfileOnLargeStore: in a store too large for the shared panel, a province's page reads
// only the indicators the province has figures of, and says what it says in the bundled data
// alone; a unit without figures reads none.
func TestProfileOnLargeStore(t *testing.T) {
	ctx := context.Background()
	small := mustOpenStore(t)
	large, _ := largeStore(t)
	inds, err := profileIndicators(ctx, large, View{}, mustUnit(t, large, "vn63.93"))
	if err != nil {
		t.Fatal(err)
	}
	for _, id := range inds {
		if strings.HasPrefix(id, datasets.SyntheticSet) {
			t.Errorf("Hậu Giang's page reads %s, of which it has no figures", id)
		}
	}
	if !slices.Contains(inds, "pci") {
		t.Errorf("Hậu Giang's page does not read pci: %v", inds)
	}
	compared := 0
	for _, vw := range []View{{}, {Set: datasets.Set34}} {
		for _, id := range []string{"vn63.93", "vn63.01", "vn34.92", "vn34.01"} {
			u := mustUnit(t, large, id)
			if (vw.Set == datasets.Set34) != (u.Set == datasets.Set34) {
				continue
			}
			compared++
			want, err := ProfileOf(ctx, small, vw, u, "vi")
			if err != nil {
				t.Fatal(err)
			}
			got, err := ProfileOf(ctx, large, vw, u, "vi")
			if err != nil {
				t.Fatal(err)
			}
			if len(want.Summary) < 5 || !reflect.DeepEqual(got.Summary, want.Summary) {
				t.Errorf("%s, view %q: the page's summary differs on the large store:\n got %q\nwant %q", id, vw.Set, got.Summary, want.Summary)
			}
		}
	}
	if compared != 4 {
		t.Errorf("compared %d pages, want 4", compared)
	}
	none, err := large.IndicatorsOf(ctx, "no.such.unit")
	if err != nil || len(none) != 0 {
		t.Errorf("IndicatorsOf(no unit) = %v, %v; want none", none, err)
	}
}
