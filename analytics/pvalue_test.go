package analytics

import (
	"math"
	"testing"

	"gonum.org/v1/gonum/floats/scalar"
)

// The exact p-values below were computed independently of this code by brute force over all n!
// orderings, in exact fractions, by analytics/testdata/exact_p.py (plain python3; SciPy was not
// available). The series are VCCI PCI figures from datasets/bundled/pci.csv.

func TestMannKendallExactP(t *testing.T) {
	years := func(from int, n int) []float64 {
		x := make([]float64, n)
		for i := range x {
			x[i] = float64(from + i)
		}
		return x
	}
	tests := []struct {
		name   string
		x, y   []float64
		s      int
		p      float64
		method string
	}{
		{"HauGiang2017to2021", years(2017, 5), []float64{60.14, 61.87, 64.14, 63.11, 63.80}, 6, 7.0 / 30, PExact},
		// 2018 has no figure: the years have a gap, the test uses the order only.
		{"QuangNinh2015to2022", []float64{2015, 2016, 2017, 2019, 2020, 2021, 2022}, []float64{65.75, 65.6, 70.69, 73.4, 75.09, 73.02, 72.95}, 9, 43.0 / 180, PExact},
		{"QuangNinh2006to2015", years(2006, 10), []float64{53.25, 58.34, 54.7, 60.81, 64.41, 63.25, 59.55, 63.51, 62.16, 65.75}, 27, 30239.0 / 1814400, PExact},
		{"Rising3", years(0, 3), []float64{1, 2, 3}, 3, 1.0 / 3, PExact},
		{"Falling4", years(0, 4), []float64{4, 3, 2, 1}, -6, 1.0 / 12, PExact},
		// 11 values: beyond MaxExactMannKendall, the normal approximation
		// 2·(1 − Φ((S − 1)/√Var)), Var = 11·10·27/18 = 165.
		{"QuangNinh2006to2016", years(2006, 11), []float64{53.25, 58.34, 54.7, 60.81, 64.41, 63.25, 59.55, 63.51, 62.16, 65.75, 65.6}, 35, math.Erfc(34 / math.Sqrt(165) / math.Sqrt2), PNormal},
		// A tie: the normal approximation with the tie-corrected variance, even at n = 4.
		// Pairs +,+,+,0,+,+ give S = 5; Var = (4·3·13 − 2·1·9)/18 = 138/18.
		{"TiedFour", years(0, 4), []float64{1, 2, 2, 3}, 5, math.Erfc(4 / math.Sqrt(138.0/18) / math.Sqrt2), PNormal},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			mk := MannKendallTest(mustSeries(t, tc.x, tc.y))
			if mk.S != tc.s || mk.PMethod != tc.method || !scalar.EqualWithinAbsOrRel(mk.P, tc.p, 1e-12, 1e-12) {
				t.Errorf("MannKendallTest = S %d, p %v (%s); want S %d, p %v (%s)", mk.S, mk.P, mk.PMethod, tc.s, tc.p, tc.method)
			}
		})
	}
}

func TestSpearmanExactP(t *testing.T) {
	// VCCI PCI 2018 (x) and 2019 (y) of the provinces with both, in code order 01, 24, 25, 26,
	// 31, 35, 37, 38, 42.
	x := []float64{65.4, 63.01, 63.95, 64.55, 64.48, 62.77, 63.55, 63.94, 63.99}
	y := []float64{68.8, 64.47, 65.54, 66.75, 68.73, 65.07, 64.58, 65.64, 65.46}
	tests := []struct {
		name      string
		x, y      []float64
		rho, p    float64
		method    string
		tolerance float64
	}{
		{"PCI2018vs2019N7", x[:7], y[:7], 6.0 / 7, 1.0 / 42, PExact, 1e-12},
		{"PCI2018vs2019N9", x, y, 13.0 / 15, 409.0 / 90720, PExact, 1e-12},
		{"Perfect3", []float64{1, 2, 3}, []float64{10, 20, 30}, 1, 1.0 / 3, PExact, 1e-12},
		{"Scrambled5", []float64{1, 2, 3, 4, 5}, []float64{2, 1, 4, 3, 5}, 0.8, 2.0 / 15, PExact, 1e-12},
		// Ten pairs: the t approximation, SciPy's spearmanr p (see TestCorrelateAgainstSciPy).
		{"IQTelevisionN10", []float64{106, 100, 86, 101, 99, 103, 97, 113, 112, 110}, []float64{7, 27, 2, 50, 28, 29, 20, 12, 6, 17}, -0.17575757575757575, 0.6271883447764844, PStudentT, 1e-9},
		// A tie in y: the t approximation even at n = 4. rho of the mid-ranks (1, 2, 3, 4) and
		// (1, 2.5, 2.5, 4) is 4.5/√(5 · 4.5) = √0.9; t = rho √(2/(1 − rho²)) = √18. With 2 df
		// the t distribution's CDF is 1/2 + t/(2√(2 + t²)), so p = 1 − √18/√20 = 1 − √0.9.
		{"TiedY", []float64{1, 2, 3, 4}, []float64{1, 5, 5, 9}, math.Sqrt(0.9), 1 - math.Sqrt(0.9), PStudentT, 1e-9},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			c, err := Correlate(tc.x, tc.y)
			if err != nil {
				t.Fatal(err)
			}
			if !scalar.EqualWithinAbsOrRel(*c.Spearman, tc.rho, 1e-12, 1e-12) || !scalar.EqualWithinAbsOrRel(*c.SpearmanP, tc.p, tc.tolerance, tc.tolerance) || c.SpearmanPMethod != tc.method {
				t.Errorf("Correlate: rho %v, p %v (%s); want %v, %v (%s)", *c.Spearman, *c.SpearmanP, c.SpearmanPMethod, tc.rho, tc.p, tc.method)
			}
		})
	}
}
