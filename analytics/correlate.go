package analytics

import (
	"fmt"
	"math"

	"gonum.org/v1/gonum/mat"
	"gonum.org/v1/gonum/stat"
	"gonum.org/v1/gonum/stat/distuv"
)

// A Correlation is the association of two indicators across units.
type Correlation struct {
	N               int      `json:"n"`
	Pearson         *float64 `json:"pearson"`
	PearsonP        *float64 `json:"pearson_p"` // from Student's t (PStudentT)
	Spearman        *float64 `json:"spearman"`
	SpearmanP       *float64 `json:"spearman_p"`
	SpearmanPMethod string   `json:"spearman_p_method,omitempty"` // PExact or PStudentT; empty when Spearman is nil
}

// Correlate returns Pearson's r and Spearman's rho (Pearson's r of the mid-ranks) of x and y
// with two-sided p-values. Pearson's p comes from Student's t distribution with n−2 degrees of
// freedom. Spearman's p is exact (SpearmanPMethod PExact) for n ≤ MaxExactSpearman pairs
// without ties in x or y: the share of the n! pairings whose |rho| is at least as large;
// otherwise it comes from the same t distribution (PStudentT). len(x) must equal len(y) and be
// at least 3; a coefficient is nil when either variable does not vary.
func Correlate(x, y []float64) (Correlation, error) {
	if len(x) != len(y) {
		return Correlation{}, fmt.Errorf("correlate: %d and %d values: %w", len(x), len(y), ErrLength)
	}
	if len(x) < 3 {
		return Correlation{}, fmt.Errorf("correlate: %d pairs, need 3: %w", len(x), ErrInsufficientData)
	}
	if err := checkFinite(x); err != nil {
		return Correlation{}, fmt.Errorf("correlate: x: %w", err)
	}
	if err := checkFinite(y); err != nil {
		return Correlation{}, fmt.Errorf("correlate: y: %w", err)
	}
	c := Correlation{N: len(x)}
	if stat.Variance(x, nil) == 0 || stat.Variance(y, nil) == 0 {
		return c, nil
	}
	r := stat.Correlation(x, y, nil)
	rx, ry := MidRanks(x), MidRanks(y)
	rho := stat.Correlation(rx, ry, nil)
	pr, prho := corrP(r, len(x)), corrP(rho, len(x))
	c.SpearmanPMethod = PStudentT
	if n := len(x); n <= MaxExactSpearman && !hasTies(rx) && !hasTies(ry) {
		var d2 int
		for i := range rx {
			d := int(rx[i]) - int(ry[i]) // mid-ranks are integers without ties
			d2 += d * d
		}
		prho, c.SpearmanPMethod = spearmanExactP(d2, n), PExact
	}
	c.Pearson, c.PearsonP, c.Spearman, c.SpearmanP = &r, &pr, &rho, &prho
	return c, nil
}

// hasTies reports whether ranks (mid-ranks of values) hold a tie: without ties they are
// exactly the integers 1…n.
func hasTies(ranks []float64) bool {
	for _, r := range ranks {
		if r != math.Trunc(r) {
			return true
		}
	}
	seen := make([]bool, len(ranks)+1)
	for _, r := range ranks {
		if seen[int(r)] {
			return true
		}
		seen[int(r)] = true
	}
	return false
}

// corrP is the two-sided p-value of a correlation r of n pairs: t = r √((n−2)/(1−r²)).
func corrP(r float64, n int) float64 {
	if math.Abs(r) >= 1 {
		return 0
	}
	df := float64(n - 2)
	t := r * math.Sqrt(df/(1-r*r))
	return 2 * distuv.StudentsT{Mu: 0, Sigma: 1, Nu: df}.Survival(math.Abs(t))
}

// CorrelationMatrix returns the Pearson (or, if spearman, Spearman) correlation matrix of the
// columns of data (units × indicators). data needs at least 3 rows.
func CorrelationMatrix(data *mat.Dense, spearman bool) (*mat.SymDense, error) {
	r, c := data.Dims()
	if r < 3 {
		return nil, fmt.Errorf("correlation matrix: %d units, need 3: %w", r, ErrInsufficientData)
	}
	if err := checkFinite(data.RawMatrix().Data); err != nil {
		return nil, fmt.Errorf("correlation matrix: %w", err)
	}
	m := mat.DenseCopyOf(data)
	if spearman {
		col := make([]float64, r)
		for j := 0; j < c; j++ {
			mat.Col(col, j, m)
			m.SetCol(j, MidRanks(col))
		}
	}
	out := mat.NewSymDense(c, nil)
	stat.CorrelationMatrix(out, m, nil)
	return out, nil
}
