package report

import (
	"context"
	"errors"
	"strings"
	"testing"

	"gonum.org/v1/gonum/floats/scalar"

	"chiso/analytics"
	"chiso/datasets"
)

func indicator(t *testing.T, store *datasets.Store, id string) datasets.Indicator {
	t.Helper()
	in, ok := store.Catalogue().Get(id)
	if !ok {
		t.Fatalf("no indicator %q", id)
	}
	return in
}

func provinces(t *testing.T, store *datasets.Store, names ...string) [][]datasets.Unit {
	t.Helper()
	var out [][]datasets.Unit
	for _, n := range names {
		units, err := store.Registry().Lookup(n)
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, units)
	}
	return out
}

// TestCompareTop10FromPublishedRanks: PCI 2024 has 17 of 63 values and no published value
// between ranks 5 (71.17) and 18 (68.94), so the top-10 threshold is that interval, never the
// 10th of the 17 values held; PCI 2018 (29 of 63) publishes the 10th-ranked value, 65.34, and
// Bắc Giang (63.01, 36th) is 2.33 points from it.
func TestCompareTop10FromPublishedRanks(t *testing.T) {
	store := mustOpenStore(t)
	ctx := context.Background()
	pci := indicator(t, store, "pci")
	v, err := CompareOf(ctx, store, CompareSpec{Indicator: pci, Year: 2024, Provinces: provinces(t, store, "Bắc Giang")})
	if err != nil {
		t.Fatal(err)
	}
	th := v.Top10Threshold
	if th == nil || th.Kind != analytics.ThresholdInterval || *th.Low != 68.94 || *th.High != 71.17 || th.Exact != nil || th.BetterRank != 5 || th.WorseRank != 18 {
		t.Fatalf("PCI 2024 top-10 threshold = %+v, want the interval [68.94, 71.17] between ranks 5 and 18", th)
	}
	if bg := v.Data[0]; bg.GapToTop10 == nil || *bg.GapToTop10 != 0 {
		t.Errorf("Bắc Giang 2024 (4th) gap to the top 10 = %v, want 0", bg.GapToTop10)
	}
	if v.NationalNote == "" {
		t.Error("no note that national statistics describe 17 of 63 provinces")
	}
	v, err = CompareOf(ctx, store, CompareSpec{Indicator: pci, Year: 2018, Provinces: provinces(t, store, "Bắc Giang")})
	if err != nil {
		t.Fatal(err)
	}
	if th := v.Top10Threshold; th == nil || th.Exact == nil || *th.Exact != 65.34 {
		t.Fatalf("PCI 2018 top-10 threshold = %+v, want exactly 65.34 (the 10th-ranked value)", th)
	}
	bg := v.Data[0]
	if bg.GapToTop10 == nil || !scalar.EqualWithinAbs(*bg.GapToTop10, 65.34-63.01, 1e-9) {
		t.Errorf("Bắc Giang 2018 gap = %v, want 2.33", bg.GapToTop10)
	}
	if bg.Percentile == nil || !scalar.EqualWithinAbs(*bg.Percentile, analytics.RankPercentile(36, 63), 1e-9) || bg.PercentileBasis != "the published rank" {
		t.Errorf("Bắc Giang 2018 percentile = %v (%s), want from rank 36 of 63", bg.Percentile, bg.PercentileBasis)
	}
}

// TestCompareTop10IntervalGap: a province below an interval threshold gets the range of its gap.
func TestCompareTop10IntervalGap(t *testing.T) {
	store := mustOpenStore(t)
	v, err := CompareOf(context.Background(), store, CompareSpec{Indicator: indicator(t, store, "pci"), Year: 2024})
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for _, r := range v.Data {
		if r.Value == nil || (r.Rank != nil && *r.Rank <= 10) {
			continue
		}
		if *r.Value >= 68.94 {
			continue
		}
		n++
		if r.GapToTop10 != nil || r.GapToTop10Low == nil || !scalar.EqualWithinAbs(*r.GapToTop10Low, 68.94-*r.Value, 1e-9) || !scalar.EqualWithinAbs(*r.GapToTop10High, 71.17-*r.Value, 1e-9) {
			t.Errorf("%s (%v) gap %v [%v, %v], want [68.94 − v, 71.17 − v]", r.Unit.NameVI, *r.Value, r.GapToTop10, r.GapToTop10Low, r.GapToTop10High)
		}
	}
	if n == 0 {
		t.Fatal("no province below the 2024 interval; the test data changed")
	}
}

// TestRegionRank: Hậu Giang's PCI 2016 (37th) is 8th of the 13 Mekong Delta provinces, behind
// Đồng Tháp 3, Vĩnh Long 6, Cần Thơ 11, Bến Tre 12, Kiên Giang 13, Long An 15, Sóc Trăng 22.
func TestRegionRank(t *testing.T) {
	store := mustOpenStore(t)
	v, err := CompareOf(context.Background(), store, CompareSpec{Indicator: indicator(t, store, "pci"), Year: 2016, Provinces: provinces(t, store, "Hậu Giang")})
	if err != nil {
		t.Fatal(err)
	}
	rr := v.Data[0].RegionRank
	if rr == nil || rr.Rank != 8 || rr.Of != 13 || rr.WithValue != 13 || !rr.Derived || rr.Basis != "published ranks" {
		t.Errorf("Hậu Giang PCI 2016 region rank = %+v, want 8 of 13 (13 with a figure), derived from published ranks", rr)
	}
}

// TestCompareWithoutDirection: population has no better or worse; compare gives no gaps.
func TestCompareWithoutDirection(t *testing.T) {
	store := mustOpenStore(t)
	target := 1000.0
	v, err := CompareOf(context.Background(), store, CompareSpec{Indicator: indicator(t, store, "population"), Year: 2020,
		Provinces: provinces(t, store, "Hậu Giang"), Target: &target})
	if err != nil {
		t.Fatal(err)
	}
	row := v.Data[0]
	if v.Direction != "none" || v.Top10Threshold != nil || row.GapToTarget != nil || row.GapToTop10 != nil || row.Value == nil {
		t.Errorf("population compare: direction %q, threshold %+v, gaps %v %v, value %v", v.Direction, v.Top10Threshold, row.GapToTarget, row.GapToTop10, row.Value)
	}
}

func compositeSpec(inds []string, year int, partial bool) CompositeSpec {
	return CompositeSpec{Indicators: inds, Year: year, Partial: partial, Draws: new(200)}
}

// TestCompositePartialReweights: PCI and DTI 2024 with partial scoring: Quảng Ninh has only one
// of the two and is scored on it alone (76.80), not as if the other were 0; an indicator with a
// single value (PAR Index 2024) cannot be normalised and is refused by name.
func TestCompositePartialReweights(t *testing.T) {
	store := mustOpenStore(t)
	ctx := context.Background()
	s := compositeSpec([]string{"pci", "dti"}, 2024, true)
	if err := s.Check(store.Catalogue()); err != nil {
		t.Fatal(err)
	}
	v, err := CompositeOf(ctx, store, s)
	if err != nil {
		t.Fatal(err)
	}
	found := false
	for _, r := range v.Data {
		if r.Unit.Code == "22" {
			found = true
			if !scalar.EqualWithinAbs(r.Score, 76.80, 0.005) || r.Inputs != 1 || !r.Partial {
				t.Errorf("Quảng Ninh = %+v, want 76.80 on 1 input", r)
			}
		}
	}
	if !found {
		t.Fatal("Quảng Ninh not scored")
	}
	s = compositeSpec([]string{"pci", "par_index"}, 2024, true)
	if err := s.Check(store.Catalogue()); err != nil {
		t.Fatal(err)
	}
	_, err = CompositeOf(ctx, store, s)
	var pe *ParamError
	if !errors.As(err, &pe) || pe.Param != "indicators" || !strings.Contains(pe.Got, "par_index") {
		t.Errorf("PCI + PAR Index 2024: %v, want a 400 naming par_index", err)
	}
}

// TestCompositeDirections: an indicator without a direction needs one from the request.
func TestCompositeDirections(t *testing.T) {
	store := mustOpenStore(t)
	ctx := context.Background()
	s := compositeSpec([]string{"pci", "population"}, 2019, false)
	if err := s.Check(store.Catalogue()); err != nil {
		t.Fatal(err)
	}
	_, err := CompositeOf(ctx, store, s)
	var pe *ParamError
	if !errors.As(err, &pe) || pe.Param != "directions" || !strings.Contains(pe.Want, "population") {
		t.Fatalf("composite with population and no direction: %v, want a 400 on directions naming population", err)
	}
	s.Directions = map[string]string{"population": "higher"}
	if _, err := CompositeOf(ctx, store, s); err != nil {
		t.Errorf("with directions=population:higher: %v", err)
	}
	s.Directions = map[string]string{"pci": "lower"}
	if err := s.Check(store.Catalogue()); err == nil {
		t.Error("a direction contradicting the catalogue (pci lower) was accepted")
	}
}

// TestCompositeDrawBudget: draws × provinces × indicators is capped, with a 400 naming draws.
func TestCompositeDrawBudget(t *testing.T) {
	store := mustOpenStore(t)
	s := compositeSpec([]string{"pci", "papi"}, 2016, false)
	s.Draws = new(MaxDraws)
	if err := s.Check(store.Catalogue()); err != nil {
		t.Fatal(err)
	}
	_, err := CompositeOf(context.Background(), store, s)
	var pe *ParamError
	if !errors.As(err, &pe) || pe.Param != "draws" {
		t.Errorf("100,000 draws × 63 × 2: %v, want a 400 on draws", err)
	}
}

// TestCompositeCancelled: a request whose client has left stops computing.
func TestCompositeCancelled(t *testing.T) {
	store := mustOpenStore(t)
	s := compositeSpec([]string{"pci", "papi"}, 2016, false)
	s.Draws = new(30000)
	if err := s.Check(store.Catalogue()); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := CompositeOf(ctx, store, s); !errors.Is(err, context.Canceled) {
		t.Errorf("cancelled composite: %v, want context.Canceled", err)
	}
}

// TestMoversKeepTies: PCI 2010 → 2016, the 10 biggest climbs: Nam Định and TP. Hồ Chí Minh
// both climbed 15 places at the cut-off, and both are listed.
func TestMoversKeepTies(t *testing.T) {
	store := mustOpenStore(t)
	v, err := RankingOf(context.Background(), store, RankingSpec{Indicator: indicator(t, store, "pci"), Year: 2016, FromYear: 2010, Top: 10})
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]int{}
	for _, m := range v.Movers.Up {
		got[m.Unit.Code] = m.Change
	}
	if got["36"] != 15 || got["79"] != 15 || len(v.Movers.Up) < 11 {
		t.Errorf("movers up = %v (%d), want Nam Định (36) and TP. HCM (79) both at +15", got, len(v.Movers.Up))
	}
}

// TestTrendsNameProvincesWithoutFigures: PAR Index for Hậu Giang and Hà Nội: a province asked for
// without a figure in the window is listed with the reason, and coverage counts the units in force.
func TestTrendsNameProvincesWithoutFigures(t *testing.T) {
	store := mustOpenStore(t)
	v, err := TrendsOf(context.Background(), store, TrendsSpec{Indicators: []string{"par_index"}, Provinces: provinces(t, store, "93", "01")})
	if err != nil {
		t.Fatal(err)
	}
	res := v.Results[0]
	if res.Coverage.Of != 63 || res.Asked != 2 || res.Coverage.N > 20 {
		t.Errorf("PAR Index coverage %+v, asked %d: want n of the 63 units in force, 2 asked", res.Coverage, res.Asked)
	}
	v, err = TrendsOf(context.Background(), store, TrendsSpec{Indicators: []string{"dti"}, Provinces: provinces(t, store, "vn34.92"), View: View{Set: datasets.Set34}})
	if err != nil {
		t.Fatal(err)
	}
	if len(v.Results) == 0 || len(v.Results[0].NoFigures) != 1 || v.Results[0].NoFigures[0].Unit.ID != "vn34.92" {
		t.Errorf("DTI of the new Cần Thơ: %+v, want it listed among the provinces without figures", v.Results)
	}
}

// TestRankingRegionRanks: rankings give each province's rank within its region, derived from the
// national order of the published ranks: Hậu Giang's PCI 2016 is 8th of the 13 Mekong Delta provinces.
func TestRankingRegionRanks(t *testing.T) {
	store := mustOpenStore(t)
	v, err := RankingOf(context.Background(), store, RankingSpec{Indicator: indicator(t, store, "pci"), Year: 2016, Top: 10})
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range v.Data {
		if r.Unit.ID != "vn63.93" {
			continue
		}
		if rr := r.RegionRank; rr == nil || rr.Rank != 8 || rr.Of != 13 || rr.WithValue != 13 || !rr.Derived {
			t.Errorf("Hậu Giang's region rank = %+v, want 8 of 13", rr)
		}
		return
	}
	t.Fatal("Hậu Giang is not in the PCI 2016 ranking")
}
