package report

import (
	"context"
	"math"
	"sort"
	"strings"
	"testing"

	"gonum.org/v1/gonum/floats/scalar"

	"chiso/datasets"
)

// TestMergerMapping: the 63 units map onto exactly the 34, 11 of them unchanged.
func TestMergerMapping(t *testing.T) {
	store := mustOpenStore(t)
	reg := store.Registry()
	succ := successor34(reg)
	onto := map[string][]string{}
	n63 := 0
	for _, u := range reg.Units(datasets.Set63, 2024) {
		s, ok := succ[u.ID]
		if !ok {
			t.Errorf("%s (%s) has no unit among the 34", u.NameVI, u.ID)
			continue
		}
		n63++
		onto[s.ID] = append(onto[s.ID], u.Code)
	}
	if n63 != 63 || len(onto) != 34 {
		t.Fatalf("%d units of the 63 onto %d of the 34, want 63 onto 34", n63, len(onto))
	}
	single := 0
	for _, olds := range onto {
		if len(olds) == 1 {
			single++
		}
	}
	if single != 11 {
		t.Errorf("%d units of the 34 have a single predecessor, want 11 unchanged", single)
	}
	for new, want := range map[string][]string{"vn34.92": {"92", "93", "94"}, "vn34.75": {"70", "75"}, "vn34.01": {"01"}, "vn34.46": {"46"}} {
		got := onto[new]
		sort.Strings(got)
		if len(got) != len(want) || got[0] != want[0] || got[len(got)-1] != want[len(want)-1] {
			t.Errorf("%s formed from %v, want %v", new, got, want)
		}
	}
	// Thừa Thiên Huế → Huế (2025-01-01) → Huế.
	if s := succ["vn63.46"]; s.ID != "vn34.46" {
		t.Errorf("Thừa Thiên Huế became %s, want vn34.46 through the city of Huế", s.ID)
	}
	if s := succ["vn63.46.2025"]; s.ID != "vn34.46" {
		t.Errorf("the city of Huế (2025) became %s, want vn34.46", s.ID)
	}
}

// TestDerivedWorkedByHand: the new Cần Thơ's PCI 2016 is the mean of Cần Thơ 61.14, Hậu Giang
// 57.82 and Sóc Trăng 60.07 = 59.68; its population 2016 is 1,214.6 + 740.1 + 1,227.6 =
// 3,182.3 thousand; weighted by population its PCI 2016 is 190,795.15 / 3,182.3 = 59.955.
func TestDerivedWorkedByHand(t *testing.T) {
	store := mustOpenStore(t)
	ctx := context.Background()
	for _, tc := range []struct {
		ind, agg, rule string
		want           float64
		tol            float64
	}{
		{"pci", AggRule, RuleMean, 59.68, 0.005},
		{"population", AggRule, RuleSum, 3182.3, 1e-9},
		{"pci", AggPopulation, "weighted_mean:population", (61.14*1214.6 + 57.82*740.1 + 60.07*1227.6) / 3182.3, 1e-6},
	} {
		v, err := ObservationsOf(ctx, store, ObservationsSpec{Indicators: []string{tc.ind}, Provinces: provinces(t, store, "vn34.92"),
			From: 2016, To: 2016, View: View{Set: datasets.Set34, Agg: tc.agg}})
		if err != nil {
			t.Fatal(err)
		}
		if len(v.Data) != 1 {
			t.Fatalf("%s 2016 of the new Cần Thơ (%s): %d figures", tc.ind, tc.agg, len(v.Data))
		}
		o := v.Data[0]
		if !o.Derived || o.Derivation.Rule != tc.rule || len(o.Derivation.Inputs) != 3 || !scalar.EqualWithinAbs(*o.Value, tc.want, tc.tol) {
			t.Errorf("%s 2016 of the new Cần Thơ (%s) = %v by %q from %d inputs, want %v by %q from 3", tc.ind, tc.agg, *o.Value, o.Derivation.Rule, len(o.Derivation.Inputs), tc.want, tc.rule)
		}
		if tc.agg == AggPopulation && (o.Derivation.Inputs[1].Weight == nil || *o.Derivation.Inputs[1].Weight != 740.1 || o.Derivation.Inputs[1].WeightYear != 2016) {
			t.Errorf("weights = %+v, want Hậu Giang's population 2016 (740.1)", o.Derivation.Inputs)
		}
	}
}

// TestDerivedRanks: PCI 2016 on the 34 is ranked 1..34 from the derived values, ties shared,
// each rank out of 34 and labelled derived.
func TestDerivedRanks(t *testing.T) {
	store := mustOpenStore(t)
	v, err := RankingOf(context.Background(), store, RankingSpec{Indicator: indicator(t, store, "pci"), Year: 2016, View: View{Set: datasets.Set34}, Top: 10})
	if err != nil {
		t.Fatal(err)
	}
	if len(v.Data) != 34 || v.DerivedNote == "" {
		t.Fatalf("%d rows, note %q, want 34 derived", len(v.Data), v.DerivedNote)
	}
	prev := math.Inf(1)
	for i, r := range v.Data {
		if !r.Derived || r.Rank == nil || *r.RankOf != 34 || *r.Rank < 1 || *r.Rank > 34 {
			t.Fatalf("row %d = %+v, want a derived rank of 34", i, r)
		}
		if *r.Value > prev {
			t.Errorf("row %d: %v after %v, want descending values", i, *r.Value, prev)
		}
		if i > 0 && *r.Value == prev && *r.Rank != *v.Data[i-1].Rank {
			t.Errorf("tie at %v ranked %d and %d", prev, *v.Data[i-1].Rank, *r.Rank)
		}
		if i > 0 && *r.Value < prev && *r.Rank != i+1 {
			t.Errorf("row %d has rank %d, want %d (competition ranking)", i, *r.Rank, i+1)
		}
		prev = *r.Value
	}
}

// TestDerivedNeedsEveryPredecessor: PCI 2018 is published for 15 of the 63; a unit of the 34
// with a predecessor lacking it gets no figure, and the answer names the predecessor.
func TestDerivedNeedsEveryPredecessor(t *testing.T) {
	store := mustOpenStore(t)
	dp, err := loadDerived(context.Background(), store, AggRule)
	if err != nil {
		t.Fatal(err)
	}
	found := false
	for _, u := range store.Registry().Units(datasets.Set34, 2025) {
		d := dp.derivation("pci", u.ID, 2018)
		if d == nil || len(d.Missing) == 0 {
			continue
		}
		found = true
		if _, ok := dp.value("pci", u.ID, 2018); ok {
			t.Errorf("%s has a PCI 2018 although %v lack one", u.NameVI, d.Missing)
		}
		v, err := ObservationsOf(context.Background(), store, ObservationsSpec{Indicators: []string{"pci"}, Provinces: provinces(t, store, u.ID),
			From: 2018, To: 2018, View: View{Set: datasets.Set34}})
		if err != nil {
			t.Fatal(err)
		}
		if len(v.Missing) != 1 || !containsAll(v.Missing[0].Note, d.Missing[0].NameVI, "predecessor") {
			t.Errorf("%s PCI 2018: missing %+v, want a note naming %s", u.NameVI, v.Missing, d.Missing[0].NameVI)
		}
		break
	}
	if !found {
		t.Fatal("no unit of the 34 lacks a predecessor's PCI 2018; the test data changed")
	}
}

func containsAll(s string, subs ...string) bool {
	for _, sub := range subs {
		if !strings.Contains(s, sub) {
			return false
		}
	}
	return true
}

// BenchmarkDerivedPanel builds the 34-unit view of every indicator and year from the bundled data.
func BenchmarkDerivedPanel(b *testing.B) {
	store := mustOpenStore(b)
	ctx := context.Background()
	b.ReportAllocs()
	for b.Loop() {
		if _, err := buildDerived(ctx, store, AggRule); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(b.Elapsed().Microseconds())/1000/float64(b.N), "ms/op")
}

// BenchmarkObservations34: one indicator for all 34 units, every year, from the memoised view.
func BenchmarkObservations34(b *testing.B) {
	store := mustOpenStore(b)
	ctx := context.Background()
	b.ReportAllocs()
	for b.Loop() {
		v, err := ObservationsOf(ctx, store, ObservationsSpec{Indicators: []string{"pci"}, View: View{Set: datasets.Set34}})
		if err != nil || v.Count == 0 {
			b.Fatal(err, v.Count)
		}
	}
}
