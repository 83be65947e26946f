package analytics

import (
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
	"strings"
	"testing"
)

// pci2018 holds VCCI's PCI 2018 as bundled (datasets/bundled/pci.csv): 20 provinces with a
// published rank out of 63, 15 of them with a published score (NaN: rank only).
var pci2018 = struct {
	codes  []string
	values []float64
	ranks  []int
}{
	codes:  []string{"01", "06", "10", "24", "25", "26", "27", "31", "35", "37", "38", "42", "45", "58", "68", "70", "74", "79", "86", "93"},
	values: []float64{65.4, math.NaN(), 64.63, 63.01, 63.95, 64.55, math.NaN(), 64.48, 62.77, 63.55, 63.94, 63.99, 61.16, 62.21, 63.79, 60.02, math.NaN(), math.NaN(), math.NaN(), 61.87},
	ranks:  []int{9, 60, 12, 36, 24, 13, 15, 16, 37, 29, 25, 23, 53, 43, 27, 61, 6, 10, 8, 44},
}

func fmtThreshold(th Threshold) string {
	f := func(p *float64) string {
		if p == nil {
			return "nil"
		}
		return fmt.Sprintf("%.2f", *p)
	}
	return fmt.Sprintf("%s exact=%s [%s, %s] ranks %d–%d", th.Kind, f(th.Exact), f(th.Low), f(th.High), th.BetterRank, th.WorseRank)
}

func TestRankThreshold(t *testing.T) {
	nan := math.NaN()
	tests := []struct {
		name   string
		values []float64
		ranks  []int
		k, of  int
		higher bool
		want   string
		basis  string // a phrase Basis must contain
	}{
		// Rank 10 (TP. Hồ Chí Minh) is published without a score; the nearest ranks with
		// scores are 9 (Hà Nội, 65.40) and 12 (Lào Cai, 64.63).
		{"PCI2018Top10", pci2018.values, pci2018.ranks, 10, 63, true, "interval exact=nil [64.63, 65.40] ranks 9–12", "ranks 9 and 12 of 63"},
		{"PCI2018Top9", pci2018.values, pci2018.ranks, 9, 63, true, "exact exact=65.40 [nil, nil] ranks 0–0", "ranked 9 of 63"},
		{"PCI2018Top30", pci2018.values, pci2018.ranks, 30, 63, true, "interval exact=nil [63.01, 63.55] ranks 29–36", "ranks 29 and 36"},
		// No score above rank 9: open above.
		{"PCI2018Top5", pci2018.values, pci2018.ranks, 5, 63, true, "interval exact=nil [65.40, nil] ranks 0–9", "better than the value of rank 9"},
		{"PCI2018Top62", pci2018.values, pci2018.ranks, 62, 63, true, "interval exact=nil [nil, 60.02] ranks 61–0", "no better than the value of rank 61"},
		// The same 15 scores without their ranks say nothing about the top 10 of 63.
		{"PCI2018NoRanks", pci2018.values, nil, 10, 63, true, "unknown exact=nil [nil, nil] ranks 0–0", "only 15 of 63 values"},
		// Ties straddling k: three units tied at rank 2 fill positions 2–4.
		{"TieSpansK", []float64{90, 80, 80, 80, 70}, []int{1, 2, 2, 2, 5}, 3, 5, true, "exact exact=80.00 [nil, nil] ranks 0–0", "3 units tied at rank 2"},
		// A tie group too small to reach k, rank k not in the list: an interval.
		{"TieShort", []float64{90, 80, 80, 60}, []int{1, 2, 2, 7}, 5, 10, true, "interval exact=nil [60.00, 80.00] ranks 2–7", "ranks 2 and 7"},
		// Lower is better: the interval is still numeric (Low ≤ High).
		{"LowerIsBetter", []float64{1.5, 3.2, nan}, []int{4, 8, 6}, 6, 20, false, "interval exact=nil [1.50, 3.20] ranks 4–8", "ranks 4 and 8"},
		{"LowerIsBetterOpen", []float64{3.2}, []int{8}, 6, 20, false, "interval exact=nil [nil, 3.20] ranks 0–8", "better than the value of rank 8"},
		// Every unit has a value: the k-th value is exact even without ranks.
		{"CompleteNoRanks", []float64{5, 9, 7, 1}, nil, 2, 4, true, "exact exact=7.00 [nil, nil] ranks 0–0", "2nd value of all 4"},
		{"CompleteLowerIsBetter", []float64{5, 9, 7, 1}, nil, 2, 4, false, "exact exact=5.00 [nil, nil] ranks 0–0", "2nd value"},
		// n == N but a value is missing: not complete.
		{"FullLengthWithGap", []float64{5, 9, nan, 1}, nil, 2, 4, true, "unknown exact=nil [nil, nil] ranks 0–0", "only 3 of 4"},
		{"RanksWithoutValues", []float64{nan, nan}, []int{3, 12}, 10, 63, true, "unknown exact=nil [nil, nil] ranks 0–0", "no published rank with a value"},
		// Rank 9 with a worse value than rank 12: the figures contradict each other.
		{"Inconsistent", []float64{60, 65}, []int{9, 12}, 10, 63, true, "unknown exact=nil [nil, nil] ranks 0–0", "disagree"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			th, err := RankThreshold(tc.values, tc.ranks, tc.k, tc.of, tc.higher)
			if err != nil {
				t.Fatal(err)
			}
			if got := fmtThreshold(th); got != tc.want || !strings.Contains(th.Basis, tc.basis) {
				t.Errorf("RankThreshold(k=%d of %d) = %s (%q), want %s (basis containing %q)", tc.k, tc.of, got, th.Basis, tc.want, tc.basis)
			}
			if th.K != tc.k || th.Of != tc.of {
				t.Errorf("K, Of = %d, %d; want %d, %d", th.K, th.Of, tc.k, tc.of)
			}
		})
	}
}

func TestRankThresholdErrors(t *testing.T) {
	tests := []struct {
		name   string
		values []float64
		ranks  []int
		k, of  int
		want   string
	}{
		{"KTooLarge", []float64{1}, nil, 64, 63, `parameter k: expected integer in [1, 63], got 64`},
		{"KZero", []float64{1}, nil, 0, 63, `parameter k: expected integer in [1, 63], got 0`},
		{"Lengths", []float64{1, 2}, []int{1}, 1, 63, "2 values and 1 ranks: lengths differ"},
		{"MoreUnitsThanField", []float64{1, 2, 3}, nil, 1, 2, "parameter of: expected at least the 3 units given, got 2"},
		{"RankOutOfField", []float64{1}, []int{64}, 1, 63, "rank 0: expected 0 (not published) or a rank in [1, 63], got 64"},
		{"Inf", []float64{math.Inf(1)}, nil, 1, 63, "value 0: value is NaN or infinite"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := RankThreshold(tc.values, tc.ranks, tc.k, tc.of, true)
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("RankThreshold error = %v, want one containing %q", err, tc.want)
			}
		})
	}
}

func TestRankBounds(t *testing.T) {
	nan := math.NaN()
	// PCI 2018 as bundled plus one hypothetical unranked unit (SYNTHETIC: value 64.50, no
	// rank) to show how the published neighbours bound it.
	values := append(append([]float64(nil), pci2018.values...), 64.50)
	ranks := append(append([]int(nil), pci2018.ranks...), 0)
	tests := []struct {
		name        string
		values      []float64
		ranks       []int
		i, of       int
		higher      bool
		best, worst int
	}{
		{"Published", pci2018.values, pci2018.ranks, 0, 63, true, 9, 9},
		// 64.50 is below 64.55 (rank 13) and above 64.48 (rank 16): ranks 14–15.
		{"BetweenPublished", values, ranks, len(values) - 1, 63, true, 14, 15},
		{"NoFigure", []float64{nan, 5}, []int{0, 1}, 0, 63, true, 1, 63},
		// Without ranks, values bound by counting: two better, one worse, of 10.
		{"CountsOnly", []float64{9, 8, 7, 1}, nil, 2, 10, true, 3, 9},
		{"CompleteField", []float64{9, 8, 7, 1}, nil, 2, 4, true, 3, 3},
		{"LowerIsBetter", []float64{1, 4, 6}, []int{3, 0, 9}, 1, 20, false, 4, 8},
		// An equal value bounds nothing (published values are rounded).
		{"EqualValue", []float64{5, 5}, []int{7, 0}, 1, 20, true, 1, 20},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			best, worst, err := RankBounds(tc.values, tc.ranks, tc.i, tc.of, tc.higher)
			if err != nil {
				t.Fatal(err)
			}
			if best != tc.best || worst != tc.worst {
				t.Errorf("RankBounds(unit %d) = %d, %d; want %d, %d", tc.i, best, worst, tc.best, tc.worst)
			}
		})
	}
	if _, _, err := RankBounds([]float64{60, 65, 62}, []int{3, 4, 0}, 2, 63, true); !errors.Is(err, ErrInconsistentRanks) {
		t.Errorf("contradicting ranks: err = %v, want ErrInconsistentRanks", err)
	}
	if _, _, err := RankBounds([]float64{1}, nil, 1, 63, true); err == nil || !strings.Contains(err.Error(), "parameter i: expected index in [0, 1), got 1") {
		t.Errorf("index out of range: err = %v", err)
	}
}

func ExampleRankThreshold() {
	// VCCI PCI 2018 as bundled: 15 of the 63 provinces have a published score. Hà Nội is ranked
	// 9th (65.40), TP. Hồ Chí Minh 10th without a score, Lào Cai 12th (64.63).
	nan := math.NaN()
	values := []float64{65.4, nan, 64.63}
	ranks := []int{9, 10, 12}
	th, _ := RankThreshold(values, ranks, 10, 63, true)
	fmt.Printf("%s: %.2f–%.2f (%s)\n", th.Kind, *th.Low, *th.High, th.Basis)
	// Output: interval: 64.63–65.40 (interval: between the values of ranks 9 and 12 of 63; no value is published for rank 10)
}

// TestRankThresholdContainsTruth hides figures of SYNTHETIC complete fields at random (values
// drawn from a small range, so ties are common) and checks that what RankThreshold and
// RankBounds claim about the field holds for the hidden truth.
func TestRankThresholdContainsTruth(t *testing.T) {
	rng := rand.New(rand.NewPCG(11, 12))
	for trial := 0; trial < 3000; trial++ {
		of := 2 + rng.IntN(20)
		higher := rng.IntN(2) == 0
		field := make([]float64, of)
		for i := range field {
			field[i] = float64(rng.IntN(8))
		}
		trueRanks, _ := CompetitionRanks(field, higher)
		n := 1 + rng.IntN(of) // the units with some figure
		perm := rng.Perm(of)[:n]
		values, ranks := make([]float64, n), make([]int, n)
		for i, u := range perm {
			values[i], ranks[i] = field[u], trueRanks[u]
			switch rng.IntN(4) {
			case 0:
				values[i] = math.NaN()
			case 1:
				ranks[i] = 0
			}
		}
		if rng.IntN(5) == 0 {
			ranks = nil
		}
		k := 1 + rng.IntN(of)
		th, err := RankThreshold(values, ranks, k, of, higher)
		if err != nil {
			t.Fatal(err)
		}
		dist, _ := NewDistribution(field)
		truth, _ := dist.Threshold(k, higher)
		ok := true
		switch th.Kind {
		case ThresholdExact:
			ok = *th.Exact == truth
		case ThresholdInterval:
			ok = (th.Low == nil || *th.Low <= truth) && (th.High == nil || truth <= *th.High) && (th.Low != nil || th.High != nil)
		}
		if !ok {
			t.Fatalf("field %v (ranks %v), figures %v %v, k=%d higher=%v: %s, true threshold %v", field, trueRanks, values, ranks, k, higher, fmtThreshold(th), truth)
		}
		i := rng.IntN(n)
		best, worst, err := RankBounds(values, ranks, i, of, higher)
		if err != nil || trueRanks[perm[i]] < best || trueRanks[perm[i]] > worst {
			t.Fatalf("field %v (ranks %v), figures %v %v, unit %d: bounds %d–%d (%v), true rank %d", field, trueRanks, values, ranks, i, best, worst, err, trueRanks[perm[i]])
		}
	}
}

// TestRankBoundsAll: the bounds of every unit at once are RankBounds of each unit, on SYNTHETIC
// partial fields with ties, ranks hidden or absent, and ranks that contradict the values.
func TestRankBoundsAll(t *testing.T) {
	rng := rand.New(rand.NewPCG(13, 14))
	inconsistent := 0
	for trial := 0; trial < 3000; trial++ {
		of := 2 + rng.IntN(30)
		higher := rng.IntN(2) == 0
		n := 1 + rng.IntN(of)
		values, ranks := make([]float64, n), make([]int, n)
		for i := range values {
			values[i] = float64(rng.IntN(8))
			switch rng.IntN(4) {
			case 0:
				values[i] = math.NaN()
			case 1:
				ranks[i] = 1 + rng.IntN(of) // may contradict the values
			}
		}
		if rng.IntN(5) == 0 {
			ranks = nil
		}
		best, worst, err := RankBoundsAll(values, ranks, of, higher)
		if err != nil {
			t.Fatal(err)
		}
		for i := range values {
			b, w, err := RankBounds(values, ranks, i, of, higher)
			if errors.Is(err, ErrInconsistentRanks) {
				b, w = 0, 0
				inconsistent++
			} else if err != nil {
				t.Fatal(err)
			}
			if best[i] != b || worst[i] != w {
				t.Fatalf("values %v ranks %v of %d higher=%v: unit %d bounds %d–%d, RankBounds %d–%d", values, ranks, of, higher, i, best[i], worst[i], b, w)
			}
		}
	}
	if inconsistent == 0 {
		t.Error("no field with contradicting ranks was checked")
	}
	if _, _, err := RankBoundsAll([]float64{1, 2}, []int{1}, 63, true); !errors.Is(err, ErrLength) {
		t.Errorf("ranks of another length: err = %v, want ErrLength", err)
	}
}
