package analytics

import (
	"errors"
	"fmt"
	"math"
	"sort"
	"testing"

	"gonum.org/v1/gonum/floats/scalar"
	"gonum.org/v1/gonum/mat"
)

// The reference values below come from SciPy 1.10.1 (scipy.stats), computed independently
// of this code: spearmanr, pearsonr, kendalltau (tau-b and its asymptotic variance),
// theilslopes and linregress.

func near(got, want float64) bool { return scalar.EqualWithinAbsOrRel(got, want, 1e-9, 1e-9) }

func mustSeries(t testing.TB, x, y []float64) Series {
	t.Helper()
	s, err := NewSeries(x, y)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func TestTrendAgainstSciPy(t *testing.T) {
	// Years with gaps; scipy.stats.linregress and theilslopes.
	s := mustSeries(t, []float64{2013, 2006, 2009, 2007, 2010}, []float64{58.9, 50.1, 51.0, 52.3, 55.2})
	tr, err := ComputeTrend(s, false)
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		name      string
		got, want float64
	}{
		{"slope", tr.Slope, 1.1966666666666665},
		{"slope SE", tr.SlopeSE, 0.3044059180813719},
		{"R²", *tr.R2, 0.8374333983105914},
		{"intercept", tr.Intercept, -2350.603333333333},
		{"CI low", tr.SlopeLow, 1.1966666666666665 - 3.182446305284263*0.3044059180813719},
		{"Theil–Sen", tr.TheilSen, 1.2452380952380944},
		{"change", tr.Change, 58.9 - 50.1},
	} {
		if !scalar.EqualWithinAbsOrRel(c.got, c.want, 1e-9, 1e-9) {
			t.Errorf("%s = %v, want %v", c.name, c.got, c.want)
		}
	}
	if tr.FirstYear != 2006 || tr.LastYear != 2013 || tr.N != 5 {
		t.Errorf("span %v–%v n=%d, want 2006–2013 n=5", tr.FirstYear, tr.LastYear, tr.N)
	}
}

func TestMannKendallWithTies(t *testing.T) {
	// S from scipy's tau-b (0.7217113056285641 = S / √(45 × 41)), the variance from its
	// asymptotic p-value (0.004713655526083429): Var(S) = 120.333…
	s := mustSeries(t, []float64{0, 1, 2, 3, 4, 5, 6, 7, 8, 9}, []float64{10, 12, 12, 11, 15, 15, 15, 14, 18, 20})
	mk := MannKendallTest(s)
	if mk.S != 31 || !near(mk.Var, 120.33333333333333) {
		t.Errorf("S = %d, Var = %v; want 31, 120.333…", mk.S, mk.Var)
	}
	if !scalar.EqualWithinAbsOrRel(mk.Z, 2.7348170645824386, 1e-9, 1e-9) || !scalar.EqualWithinAbsOrRel(mk.P, 0.006241495264271328, 1e-7, 1e-7) {
		t.Errorf("Z = %v, p = %v; want 2.7348…, 0.00624…", mk.Z, mk.P)
	}
	ts := TheilSen(s)
	if ts != 1.0 {
		t.Errorf("Theil–Sen = %v, want 1 (scipy)", ts)
	}
}

func TestTheilSenByHand(t *testing.T) {
	// Pairwise slopes of (0,0) (1,1) (2,4): 1, 2, 3 → median 2.
	if got := TheilSen(mustSeries(t, []float64{0, 1, 2}, []float64{0, 1, 4})); got != 2 {
		t.Errorf("TheilSen = %v, want 2", got)
	}
	// An outlier moves OLS but not Theil–Sen: 1,2,3,4,100 over 0..4 → slopes median 1.
	if got := TheilSen(mustSeries(t, []float64{0, 1, 2, 3, 4}, []float64{1, 2, 3, 4, 100})); got != 1 {
		t.Errorf("TheilSen with outlier = %v, want 1", got)
	}
}

func TestCorrelateAgainstSciPy(t *testing.T) {
	// The IQ / hours of television example of Spearman's rank correlation.
	iq := []float64{106, 100, 86, 101, 99, 103, 97, 113, 112, 110}
	tv := []float64{7, 27, 2, 50, 28, 29, 20, 12, 6, 17}
	c, err := Correlate(iq, tv)
	if err != nil {
		t.Fatal(err)
	}
	for _, x := range []struct {
		name      string
		got, want float64
	}{
		{"spearman", *c.Spearman, -0.17575757575757575},
		{"spearman p", *c.SpearmanP, 0.6271883447764844},
		{"pearson", *c.Pearson, -0.07021632602905671},
		{"pearson p", *c.PearsonP, 0.8471568394789464},
	} {
		if !scalar.EqualWithinAbsOrRel(x.got, x.want, 1e-9, 1e-9) {
			t.Errorf("%s = %v, want %v", x.name, x.got, x.want)
		}
	}
	if c.N != 10 {
		t.Errorf("n = %d", c.N)
	}
}

func TestCompetitionRanks(t *testing.T) {
	tests := []struct {
		name   string
		values []float64
		higher bool
		want   []int
	}{
		{"HigherIsBetterWithTie", []float64{70, 65, 70, 60}, true, []int{1, 3, 1, 4}},
		{"LowerIsBetter", []float64{3, 1, 2, 2}, false, []int{4, 1, 2, 2}},
		{"AllEqual", []float64{5, 5, 5}, true, []int{1, 1, 1}},
		{"Empty", nil, true, []int{}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, err := CompetitionRanks(tc.values, tc.higher)
			if err != nil {
				t.Fatal(err)
			}
			if fmt.Sprint(got) != fmt.Sprint(tc.want) {
				t.Errorf("CompetitionRanks(%v) = %v, want %v", tc.values, got, tc.want)
			}
		})
	}
	if _, err := CompetitionRanks([]float64{1, math.NaN()}, true); !errors.Is(err, ErrNotFinite) {
		t.Errorf("NaN: err = %v, want ErrNotFinite", err)
	}
}

// TestRanksInvariantToMonotoneTransform: ranks depend only on the order of the scores.
func TestRanksInvariantToMonotoneTransform(t *testing.T) {
	v := []float64{63.8, 70.1, 55.2, 63.8, 68.0, 59.9}
	r1, _ := CompetitionRanks(v, true)
	w := make([]float64, len(v))
	for i, x := range v {
		w[i] = math.Exp(x/10) + 3 // strictly increasing
	}
	r2, _ := CompetitionRanks(w, true)
	if fmt.Sprint(r1) != fmt.Sprint(r2) {
		t.Errorf("ranks changed under a monotone transform: %v vs %v", r1, r2)
	}
}

func TestTrendEdgeCases(t *testing.T) {
	if _, err := NewSeries([]float64{2020, 2021}, []float64{1}); !errors.Is(err, ErrLength) {
		t.Errorf("length mismatch: %v", err)
	}
	if _, err := NewSeries([]float64{2020, 2021}, []float64{1, math.Inf(1)}); !errors.Is(err, ErrNotFinite) {
		t.Errorf("Inf: %v", err)
	}
	if _, err := NewSeries([]float64{2020, 2020}, []float64{1, 2}); !errors.Is(err, ErrDuplicateX) {
		t.Errorf("duplicate year: %v", err)
	}
	for _, n := range []int{0, 1, 2} {
		x, y := make([]float64, n), make([]float64, n)
		for i := range x {
			x[i], y[i] = float64(2000+i), float64(i)
		}
		if _, err := ComputeTrend(mustSeries(t, x, y), false); !errors.Is(err, ErrInsufficientData) {
			t.Errorf("%d points: err = %v, want ErrInsufficientData", n, err)
		}
	}
	flat, err := ComputeTrend(mustSeries(t, []float64{2019, 2020, 2021}, []float64{60, 60, 60}), false)
	if err != nil {
		t.Fatal(err)
	}
	if flat.Slope != 0 || flat.SlopeSE != 0 || flat.R2 != nil || flat.MannKendall.S != 0 || flat.MannKendall.P != 1 || *flat.PctChange != 0 {
		t.Errorf("constant series: %+v", flat)
	}
	zero, _ := ComputeTrend(mustSeries(t, []float64{1, 2, 3}, []float64{0, 1, 2}), true)
	if zero.PctChange != nil || zero.CAGR != nil {
		t.Errorf("from zero: pct %v, CAGR %v; want both nil", zero.PctChange, zero.CAGR)
	}
	lvl, _ := ComputeTrend(mustSeries(t, []float64{2015, 2016, 2017}, []float64{100, 110, 121}), true)
	if lvl.CAGR == nil || !near(*lvl.CAGR, 10) {
		t.Errorf("CAGR of 100 → 121 over 2 years = %v, want 10", lvl.CAGR)
	}
}

func TestDistribution(t *testing.T) {
	d, err := NewDistribution([]float64{1, 2, 3, 4, 10})
	if err != nil {
		t.Fatal(err)
	}
	if d.Median != 3 || d.Mean != 4 || d.Percentile(3) != 50 || d.Percentile(10) != 90 {
		t.Errorf("distribution %+v, percentile(3) = %v, percentile(10) = %v", d, d.Percentile(3), d.Percentile(10))
	}
	if v, ok := d.Threshold(2, true); !ok || v != 4 {
		t.Errorf("2nd best = %v, %v; want 4", v, ok)
	}
	if _, ok := d.Threshold(10, true); ok {
		t.Error("Threshold(10) of 5 values reported ok")
	}
	if !near(d.Z(4), 0) {
		t.Errorf("Z(mean) = %v", d.Z(4))
	}
}

func TestCompositeOneIndicatorIsItsOrder(t *testing.T) {
	v := []float64{63.8, 70.1, 55.2, 68.0, 59.9}
	want, _ := CompetitionRanks(v, true)
	for _, norm := range []string{MinMax, ZScore} {
		for _, agg := range []string{Arithmetic, Geometric} {
			_, ranks, err := Composite(mat.NewDense(len(v), 1, v), CompositeSpec{Normalization: norm, Aggregation: agg})
			if err != nil {
				t.Fatal(err)
			}
			if fmt.Sprint(ranks) != fmt.Sprint(want) {
				t.Errorf("%s/%s: ranks %v, want %v", norm, agg, ranks, want)
			}
		}
	}
	// Lower is better reverses the order.
	_, ranks, _ := Composite(mat.NewDense(len(v), 1, v), CompositeSpec{Normalization: MinMax, Aggregation: Arithmetic, HigherIsBetter: []bool{false}})
	rev, _ := CompetitionRanks(v, false)
	if fmt.Sprint(ranks) != fmt.Sprint(rev) {
		t.Errorf("lower is better: %v, want %v", ranks, rev)
	}
}

func TestCompositeMinMaxByHand(t *testing.T) {
	// Two indicators, equal weights: min–max 0–100 then the mean.
	data := mat.NewDense(3, 2, []float64{
		0, 10,
		5, 30,
		10, 20,
	})
	scores, ranks, err := Composite(data, CompositeSpec{Normalization: MinMax, Aggregation: Arithmetic})
	if err != nil {
		t.Fatal(err)
	}
	want := []float64{0, 75, 75}
	for i := range want {
		if !near(scores[i], want[i]) {
			t.Errorf("scores = %v, want %v", scores, want)
		}
	}
	if fmt.Sprint(ranks) != "[3 1 1]" {
		t.Errorf("ranks = %v, want [3 1 1]", ranks)
	}
	if _, _, err := Composite(data, CompositeSpec{Normalization: "rank", Aggregation: Arithmetic}); err == nil {
		t.Error("unknown normalization accepted")
	}
	if _, _, err := Composite(data, CompositeSpec{Normalization: MinMax, Aggregation: Arithmetic, Weights: []float64{1, -1}}); err == nil {
		t.Error("negative weight accepted")
	}
}

func TestCompositeUncertaintyReproducible(t *testing.T) {
	data := mat.NewDense(6, 3, []float64{
		60, 0.5, 80,
		65, 0.4, 85,
		70, 0.7, 70,
		55, 0.3, 90,
		62, 0.6, 75,
		68, 0.45, 82,
	})
	spec := CompositeSpec{Normalization: MinMax, Aggregation: Arithmetic}
	u := UncertaintySpec{Draws: 500, Seed: 7, Concentration: 20, VaryNormalization: true}
	a, err := CompositeUncertainty(data, spec, u)
	if err != nil {
		t.Fatal(err)
	}
	b, _ := CompositeUncertainty(data, spec, u)
	if fmt.Sprint(a) != fmt.Sprint(b) {
		t.Errorf("same seed, different results:\n%v\n%v", a, b)
	}
	u.Seed = 8
	c, _ := CompositeUncertainty(data, spec, u)
	if fmt.Sprint(a) == fmt.Sprint(c) {
		t.Log("another seed gave the same intervals (possible, but unlikely)")
	}
	for i, ri := range a {
		if ri.P05 > ri.Median || ri.Median > ri.P95 || float64(ri.Best) > ri.P05 || float64(ri.Worst) < ri.P95 || ri.Best < 1 || ri.Worst > 6 {
			t.Errorf("unit %d: interval %+v is not ordered within 1..6", i, ri)
		}
	}
}

func TestPeersAndPCA(t *testing.T) {
	data := mat.NewDense(5, 2, []float64{
		1, 1,
		1.1, 0.9,
		5, 5,
		5.2, 4.9,
		3, 3,
	})
	peers, err := NearestPeers(data, 0, 2)
	if err != nil {
		t.Fatal(err)
	}
	if peers[0].Index != 1 || peers[1].Index != 4 {
		t.Errorf("peers of unit 0 = %+v, want units 1 then 4", peers)
	}
	p, err := PrincipalComponents(data)
	if err != nil {
		t.Fatal(err)
	}
	// Two nearly collinear indicators: the first component explains almost everything.
	if p.Explained[0] < 0.99 || !near(p.Explained[0]+p.Explained[1], 1) {
		t.Errorf("explained = %v", p.Explained)
	}
	if _, err := PrincipalComponents(mat.NewDense(2, 2, []float64{1, 2, 3, 4})); !errors.Is(err, ErrInsufficientData) {
		t.Errorf("2 units: %v", err)
	}
}

func FuzzTrend(f *testing.F) {
	f.Add(2017.0, 60.1, 2018.0, 61.5, 2019.0, 59.0, 2021.0, 63.8)
	f.Add(1.0, 0.0, 2.0, 0.0, 3.0, 0.0, 4.0, 0.0)
	f.Add(0.0, math.NaN(), 1.0, 1.0, 2.0, 2.0, 3.0, 3.0)
	f.Fuzz(func(t *testing.T, x1, y1, x2, y2, x3, y3, x4, y4 float64) {
		s, err := NewSeries([]float64{x1, x2, x3, x4}, []float64{y1, y2, y3, y4})
		if err != nil {
			return // rejected input is fine; a panic is not
		}
		tr, err := ComputeTrend(s, true)
		if err != nil {
			return
		}
		if tr.N != 4 || tr.MannKendall.P < 0 || tr.MannKendall.P > 1+1e-12 {
			t.Errorf("trend %+v", tr)
		}
		if tr.R2 != nil && (math.IsNaN(*tr.R2) || *tr.R2 < -1e-9 || *tr.R2 > 1+1e-9) {
			t.Errorf("R² = %v", *tr.R2)
		}
	})
}

func ExampleComputeTrend() {
	// Hậu Giang's PCI, 2017–2021 (VCCI): 60.14, 61.87, 64.14, 63.11, 63.80.
	s, _ := NewSeries([]float64{2017, 2018, 2019, 2020, 2021}, []float64{60.14, 61.87, 64.14, 63.11, 63.80})
	t, _ := ComputeTrend(s, false)
	fmt.Printf("%.2f points a year (95%% CI %.2f to %.2f), Mann–Kendall S = %d\n", t.Slope, t.SlopeLow, t.SlopeHigh, t.MannKendall.S)
	// Output: 0.86 points a year (95% CI -0.20 to 1.92), Mann–Kendall S = 6
}

func TestCompositePartial(t *testing.T) {
	nan := math.NaN()
	data := mat.NewDense(3, 2, []float64{
		0, 10,
		10, nan,
		5, 30,
	})
	if _, _, err := Composite(data, CompositeSpec{Normalization: MinMax, Aggregation: Arithmetic}); !errors.Is(err, ErrNotFinite) {
		t.Errorf("missing value without Partial: %v", err)
	}
	scores, _, err := Composite(data, CompositeSpec{Normalization: MinMax, Aggregation: Arithmetic, Partial: true})
	if err != nil {
		t.Fatal(err)
	}
	// Unit 1 is scored on the first indicator alone: 100.
	if !near(scores[0], 0) || !near(scores[1], 100) || !near(scores[2], 75) {
		t.Errorf("partial scores = %v, want [0 100 75]", scores)
	}
}

func TestMedianMatchesSort(t *testing.T) {
	for n := 1; n < 40; n++ {
		xs := make([]float64, n)
		for i := range xs {
			xs[i] = float64((i*7919 + n*31) % 13) // many ties
		}
		sorted := append([]float64(nil), xs...)
		sort.Float64s(sorted)
		want := sorted[n/2]
		if n%2 == 0 {
			want = (sorted[n/2-1] + sorted[n/2]) / 2
		}
		if got := median(xs); got != want {
			t.Errorf("n=%d: median = %v, want %v", n, got, want)
		}
	}
	if got := t975(3); !near(got, 3.182446305284263) { // scipy.stats.t.ppf(0.975, 3)
		t.Errorf("t975(3) = %v", got)
	}
}

func TestConfidenceBand(t *testing.T) {
	// At the mean year the band's half-width is t · s_e / √n; SciPy's linregress of the same
	// points: slope 1.1966666666666665, s_e from its stderr × √Sxx.
	s := mustSeries(t, []float64{2006, 2007, 2009, 2010, 2013}, []float64{50.1, 52.3, 51.0, 55.2, 58.9})
	fit, lo, hi, err := ConfidenceBand(s, []float64{2009})
	if err != nil {
		t.Fatal(err)
	}
	sxx := 30.0 // Σ(x − 2009)²
	se := 0.3044059180813719 * math.Sqrt(sxx)
	want := 3.182446305284263 * se / math.Sqrt(5)
	if !scalar.EqualWithinAbsOrRel(hi[0]-fit[0], want, 1e-9, 1e-9) || !scalar.EqualWithinAbsOrRel(fit[0]-lo[0], want, 1e-9, 1e-9) {
		t.Errorf("half-width at the mean = %v, want %v", hi[0]-fit[0], want)
	}
	if !scalar.EqualWithinAbsOrRel(fit[0], 53.5, 1e-9, 1e-9) { // the fit passes through (x̄, ȳ)
		t.Errorf("fit at x̄ = %v, want ȳ = 53.5", fit[0])
	}
}
