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
	N         int      `json:"n"`
	Pearson   *float64 `json:"pearson"`
	PearsonP  *float64 `json:"pearson_p"`
	Spearman  *float64 `json:"spearman"`
	SpearmanP *float64 `json:"spearman_p"`
}

// Correlate returns Pearson's r and Spearman's rho of x and y with two-sided p-values from the
// t distribution with n−2 degrees of freedom. len(x) must equal len(y) and be at least 3;
// a coefficient is nil when either variable does not vary.
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
	rho := stat.Correlation(MidRanks(x), MidRanks(y), nil)
	pr, prho := corrP(r, len(x)), corrP(rho, len(x))
	c.Pearson, c.PearsonP, c.Spearman, c.SpearmanP = &r, &pr, &rho, &prho
	return c, nil
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
