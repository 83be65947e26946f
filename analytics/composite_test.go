package analytics

import (
	"errors"
	"fmt"
	"math"
	"strings"
	"testing"

	"gonum.org/v1/gonum/floats/scalar"
	"gonum.org/v1/gonum/mat"
)

// The year 2024 as bundled (datasets/bundled): VCCI PCI scores of 17 provinces, the PAR Index
// score of one (Hải Phòng, 96.17; Hà Nội, Cà Mau and Bà Rịa–Vũng Tàu have ranks only), the DTI
// overall score of two (Đà Nẵng 0.8335, Quảng Nam 0.5803). Rows: province codes.
var year2024 = struct {
	codes         []string
	pci, par, dti []float64
}{
	codes: []string{"01", "10", "11", "22", "24", "25", "31", "33", "35", "38", "46", "77", "79", "80", "84", "87", "93", "48", "49"},
	pci:   []float64{68.38, 68.56, 67.77, 73.20, 71.24, 70.35, 74.84, 70.18, 68.61, 68.74, 71.13, 71.17, 67.89, 72.64, 68.94, 70.35, 70.54, nan, nan},
	par:   []float64{nan, nan, nan, nan, nan, nan, 96.17, nan, nan, nan, nan, nan, nan, nan, nan, nan, nan, nan, nan},
	dti:   []float64{nan, nan, nan, nan, nan, nan, nan, nan, nan, nan, nan, nan, nan, nan, nan, nan, nan, 0.8335, 0.5803},
}

var nan = math.NaN()

func columns(cols ...[]float64) *mat.Dense {
	m := mat.NewDense(len(cols[0]), len(cols), nil)
	for j, c := range cols {
		m.SetCol(j, c)
	}
	return m
}

func TestCompositeIndexPartial(t *testing.T) {
	const quangNinh = 3
	t.Run("PCIAndDTI2024", func(t *testing.T) {
		// Every province has one of the two: Quảng Ninh is scored on its PCI alone,
		// 100 × (73.20 − 67.77) / (74.84 − 67.77) = 76.80.
		res, err := CompositeIndex(columns(year2024.pci, year2024.dti), CompositeSpec{Normalization: MinMax, Aggregation: Arithmetic, Partial: true})
		if err != nil {
			t.Fatal(err)
		}
		if got := fmt.Sprintf("%.2f", res.Scores[quangNinh]); got != "76.80" || res.Inputs[quangNinh] != 1 {
			t.Errorf("Quảng Ninh: score %s on %d inputs, want 76.80 on 1", got, res.Inputs[quangNinh])
		}
		if n := len(res.Scores); res.Scores[n-2] != 100 || res.Scores[n-1] != 0 {
			t.Errorf("Đà Nẵng, Quảng Nam on DTI alone: %v, %v; want 100, 0", res.Scores[n-2], res.Scores[n-1])
		}
	})
	t.Run("PCIAndPAR2024", func(t *testing.T) {
		// One PAR Index score cannot be normalised: refused, naming column 1 (it used to
		// count as 0 for everyone else and halve Quảng Ninh's score to 38.40).
		const n = 17 // the provinces with a PCI score
		_, err := CompositeIndex(columns(year2024.pci[:n], year2024.par[:n]), CompositeSpec{Normalization: MinMax, Aggregation: Arithmetic, Partial: true})
		var ce *ColumnError
		if !errors.As(err, &ce) || ce.Column != 1 || ce.Values != 1 || !errors.Is(err, ErrInsufficientData) {
			t.Fatalf("err = %v, want a *ColumnError for column 1 with 1 value", err)
		}
		if want := "composite: indicator column 1: 1 values, need at least 2 values to normalise: insufficient data"; err.Error() != want {
			t.Errorf("message %q, want %q", err, want)
		}
	})
}

func TestCompositeIndexByHand(t *testing.T) {
	// SYNTHETIC 4 × 2 matrix, weights 3 : 1. Min–max columns: (0, 100, 50, –) and
	// (0, –, 100, 50).
	data := mat.NewDense(4, 2, []float64{
		0, 10,
		10, nan,
		5, 30,
		nan, 20,
	})
	g := func(a, b float64) float64 { return math.Exp((3*math.Log(a) + math.Log(b)) / 4) }
	tests := []struct {
		name   string
		spec   CompositeSpec
		scores []float64
		ranks  string
	}{
		{"Arithmetic", CompositeSpec{Normalization: MinMax, Aggregation: Arithmetic, Weights: []float64{3, 1}, Partial: true},
			[]float64{0, 100, (3*50 + 100) / 4.0, 50}, "[4 1 2 3]"},
		// Geometric: min–max on 1–100 (1 + 99v): (1, 100, 50.5, –) and (1, –, 100, 50.5).
		{"Geometric", CompositeSpec{Normalization: MinMax, Aggregation: Geometric, Weights: []float64{3, 1}, Partial: true},
			[]float64{1, 100, g(50.5, 100), 50.5}, "[4 1 2 3]"},
		// Lower is better on column 0 reverses it: (100, 0, 50, –).
		{"LowerIsBetter", CompositeSpec{Normalization: MinMax, Aggregation: Arithmetic, Weights: []float64{3, 1}, HigherIsBetter: []bool{false, true}, Partial: true},
			[]float64{75, 0, (3*50 + 100) / 4.0, 50}, "[1 4 2 3]"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			res, err := CompositeIndex(data, tc.spec)
			if err != nil {
				t.Fatal(err)
			}
			for i := range tc.scores {
				if !scalar.EqualWithinAbsOrRel(res.Scores[i], tc.scores[i], 1e-12, 1e-12) {
					t.Errorf("scores = %v, want %v", res.Scores, tc.scores)
					break
				}
			}
			if fmt.Sprint(res.Ranks) != tc.ranks || fmt.Sprint(res.Inputs) != "[2 1 2 1]" {
				t.Errorf("ranks %v, inputs %v; want %s, [2 1 2 1]", res.Ranks, res.Inputs, tc.ranks)
			}
		})
	}
}

func TestCompositeZScoreUsesSampleSD(t *testing.T) {
	// (1, 2, 3): mean 2, sample SD 1, so z = −1, 0, 1 (the population SD would give ±1.2247).
	scores, _, err := Composite(mat.NewDense(3, 1, []float64{1, 2, 3}), CompositeSpec{Normalization: ZScore, Aggregation: Arithmetic})
	if err != nil {
		t.Fatal(err)
	}
	if fmt.Sprint(scores) != "[-1 0 1]" {
		t.Errorf("z-scores = %v, want [-1 0 1]", scores)
	}
	// Geometric: shifted so the lowest is 1: 1, 2, 3.
	scores, _, _ = Composite(mat.NewDense(3, 1, []float64{1, 2, 3}), CompositeSpec{Normalization: ZScore, Aggregation: Geometric})
	for i, want := range []float64{1, 2, 3} {
		if !scalar.EqualWithinAbsOrRel(scores[i], want, 1e-12, 1e-12) {
			t.Errorf("geometric z-scores = %v, want [1 2 3]", scores)
		}
	}
}

func TestCompositeRefusesColumns(t *testing.T) {
	tests := []struct {
		name    string
		data    *mat.Dense
		partial bool
		column  int
		values  int
		err     error
	}{
		{"OneValue", columns([]float64{0, 10, 5}, []float64{nan, 7, nan}), true, 1, 1, ErrInsufficientData},
		{"NoValue", columns([]float64{nan, nan, nan}, []float64{1, 2, 3}), true, 0, 0, ErrInsufficientData},
		{"AllEqual", columns([]float64{0, 10, 5}, []float64{3, 3, 3}), false, 1, 3, ErrNoSpread},
		{"AllEqualPartial", columns([]float64{0, 10, 5}, []float64{3, nan, 3}), true, 1, 2, ErrNoSpread},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			spec := CompositeSpec{Normalization: ZScore, Aggregation: Geometric, Partial: tc.partial}
			_, err := CompositeIndex(tc.data, spec)
			var ce *ColumnError
			if !errors.As(err, &ce) || ce.Column != tc.column || ce.Values != tc.values || !errors.Is(err, tc.err) {
				t.Errorf("CompositeIndex: err = %v, want column %d with %d values: %v", err, tc.column, tc.values, tc.err)
			}
			_, err = CompositeUncertainty(tc.data, spec, UncertaintySpec{Draws: 10, Seed: 1, Concentration: 20})
			if !errors.As(err, &ce) || ce.Column != tc.column {
				t.Errorf("CompositeUncertainty: err = %v, want the same refusal", err)
			}
		})
	}
	if _, err := CompositeIndex(columns([]float64{0, 10, 5}, []float64{1, nan, nan}), CompositeSpec{Normalization: MinMax, Aggregation: Arithmetic}); !errors.Is(err, ErrNotFinite) {
		t.Errorf("missing value without Partial: %v, want ErrNotFinite", err)
	}
}

// TestCompositeUncertaintyPartial: the Monte Carlo draws follow the partial rule. Unit 1 has
// only column 0, where it is best: in every draw its renormalised score is 100, so it is
// ranked 1 whatever the weights. With weights held near equal, the median ranks are the
// composite's.
func TestCompositeUncertaintyPartial(t *testing.T) {
	data := mat.NewDense(4, 2, []float64{ // SYNTHETIC
		0, 10,
		10, nan,
		5, 30,
		nan, 20,
	})
	spec := CompositeSpec{Normalization: MinMax, Aggregation: Arithmetic, Partial: true}
	ri, err := CompositeUncertainty(data, spec, UncertaintySpec{Draws: 200, Seed: 3, Concentration: 2})
	if err != nil {
		t.Fatal(err)
	}
	if ri[1].Best != 1 || ri[1].Worst != 1 {
		t.Errorf("unit 1 (one input, best on it): ranks %d–%d over the draws, want 1–1", ri[1].Best, ri[1].Worst)
	}
	res, _ := CompositeIndex(data, spec)
	tight, _ := CompositeUncertainty(data, spec, UncertaintySpec{Draws: 200, Seed: 3, Concentration: 1e6})
	for i := range tight {
		if tight[i].Median != float64(res.Ranks[i]) {
			t.Errorf("unit %d: median rank %v with weights held still, want the composite's %d", i, tight[i].Median, res.Ranks[i])
		}
	}
}

func TestCompositeMethod(t *testing.T) {
	tests := []struct {
		spec CompositeSpec
		want []string
	}{
		{CompositeSpec{Normalization: MinMax, Aggregation: Arithmetic}, []string{"100 × (x − min) / (max − min)", "weighted arithmetic mean", "equal weights"}},
		{CompositeSpec{Normalization: MinMax, Aggregation: Geometric, Weights: []float64{1, 2}}, []string{"1 + 99 × (x − min) / (max − min)", "weighted geometric mean", "given weights"}},
		{CompositeSpec{Normalization: ZScore, Aggregation: Arithmetic, Partial: true}, []string{"sample standard deviation (n − 1)", "weights renormalised"}},
		{CompositeSpec{Normalization: ZScore, Aggregation: Geometric}, []string{"z − min z + 1"}},
	}
	for _, tc := range tests {
		t.Run(tc.spec.Normalization+"/"+tc.spec.Aggregation, func(t *testing.T) {
			m := tc.spec.Method()
			for _, w := range tc.want {
				if !strings.Contains(m, w) {
					t.Errorf("Method() = %q, want it to contain %q", m, w)
				}
			}
		})
	}
}

func ExampleCompositeIndex() {
	// PCI 2024 (VCCI) of three provinces, and a second indicator that Quảng Ninh lacks
	// (SYNTHETIC values). Quảng Ninh is scored on its PCI alone, with the full weight.
	data := mat.NewDense(3, 2, []float64{
		74.84, 40, // Hải Phòng
		73.20, math.NaN(), // Quảng Ninh
		67.77, 60, // Điện Biên
	})
	res, _ := CompositeIndex(data, CompositeSpec{Normalization: MinMax, Aggregation: Arithmetic, Partial: true})
	for i, name := range []string{"Hải Phòng", "Quảng Ninh", "Điện Biên"} {
		fmt.Printf("%s: %.2f on %d inputs, rank %d\n", name, res.Scores[i], res.Inputs[i], res.Ranks[i])
	}
	// Output:
	// Hải Phòng: 50.00 on 2 inputs, rank 2
	// Quảng Ninh: 76.80 on 1 inputs, rank 1
	// Điện Biên: 50.00 on 2 inputs, rank 2
}

func TestCompositeUncertaintyStops(t *testing.T) {
	data := mat.NewDense(4, 2, []float64{1, 2, 3, 4, 5, 6, 7, 9})
	done := make(chan struct{})
	close(done)
	_, err := CompositeUncertainty(data, CompositeSpec{Normalization: MinMax, Aggregation: Arithmetic},
		UncertaintySpec{Draws: 1000, Seed: 1, Concentration: 20, Done: done})
	if !errors.Is(err, ErrStopped) {
		t.Errorf("CompositeUncertainty with Done closed: %v, want ErrStopped", err)
	}
}
