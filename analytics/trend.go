package analytics

import (
	"errors"
	"fmt"
	"math"
	"slices"
	"sort"
	"sync"

	"gonum.org/v1/gonum/stat"
	"gonum.org/v1/gonum/stat/distuv"
)

// Errors for input that a computation cannot use.
var (
	ErrInsufficientData = errors.New("insufficient data")
	ErrLength           = errors.New("lengths differ")
	ErrNotFinite        = errors.New("value is NaN or infinite")
	ErrDuplicateX       = errors.New("duplicate year")
)

// MinTrendPoints is the fewest points a trend is computed from.
const MinTrendPoints = 3

// A Series is a time series checked once: finite values, distinct years, ordered by year.
// Gaps between years are allowed.
type Series struct {
	x, y []float64
}

// NewSeries returns the series of points (x[i], y[i]) ordered by x. len(x) must equal len(y);
// every value must be finite and every x distinct.
func NewSeries(x, y []float64) (Series, error) {
	if len(x) != len(y) {
		return Series{}, fmt.Errorf("series: %d years and %d values: %w", len(x), len(y), ErrLength)
	}
	idx := make([]int, len(x))
	for i := range x {
		if math.IsNaN(x[i]) || math.IsInf(x[i], 0) || math.IsNaN(y[i]) || math.IsInf(y[i], 0) {
			return Series{}, fmt.Errorf("series: point %d (%v, %v): %w", i, x[i], y[i], ErrNotFinite)
		}
		idx[i] = i
	}
	sort.Slice(idx, func(a, b int) bool { return x[idx[a]] < x[idx[b]] })
	s := Series{x: make([]float64, len(x)), y: make([]float64, len(y))}
	for i, j := range idx {
		s.x[i], s.y[i] = x[j], y[j]
		if i > 0 && s.x[i] == s.x[i-1] {
			return Series{}, fmt.Errorf("series: %v: %w", s.x[i], ErrDuplicateX)
		}
	}
	return s, nil
}

// Len returns the number of points.
func (s Series) Len() int { return len(s.x) }

// X returns the years, in order. The slice is the caller's.
func (s Series) X() []float64 { return slices.Clone(s.x) }

// Y returns the values, in year order. The slice is the caller's.
func (s Series) Y() []float64 { return slices.Clone(s.y) }

// A Trend summarises how a series moves. Fields that are undefined for the data (a percent
// change from zero, R² of a constant series, CAGR of a series that is not a positive level)
// are nil rather than NaN.
type Trend struct {
	N           int         `json:"n"`
	FirstYear   float64     `json:"first_year"`
	LastYear    float64     `json:"last_year"`
	First       float64     `json:"first"`
	Last        float64     `json:"last"`
	Change      float64     `json:"change"`             // last − first
	PctChange   *float64    `json:"pct_change"`         // 100 × change / |first|
	CAGR        *float64    `json:"cagr_pct,omitempty"` // compound annual growth, %, for positive levels
	Slope       float64     `json:"slope"`              // OLS, per year
	SlopeSE     float64     `json:"slope_se"`           // standard error of the OLS slope
	SlopeLow    float64     `json:"slope_ci_low"`       // 95% confidence interval (Student t, n−2 df)
	SlopeHigh   float64     `json:"slope_ci_high"`      //
	Intercept   float64     `json:"intercept"`          // OLS intercept at year 0
	R2          *float64    `json:"r2"`                 // coefficient of determination
	TheilSen    float64     `json:"theil_sen_slope"`    // median of pairwise slopes
	MannKendall MannKendall `json:"mann_kendall"`
}

// MannKendall is the Mann–Kendall trend test. Var is the variance of S with the tie
// correction and Z the normal score with a continuity correction of 1, whatever n. The
// two-sided p-value P is exact (PMethod PExact) for MinTrendPoints ≤ n ≤ MaxExactMannKendall
// values none of which are tied: the share of the n! orderings with |S| at least as large.
// Otherwise, and always when values are tied, it is the normal approximation (PNormal).
type MannKendall struct {
	S       int     `json:"s"`
	Var     float64 `json:"var_s"`
	Z       float64 `json:"z"`
	P       float64 `json:"p_value"`  // two-sided
	PMethod string  `json:"p_method"` // PExact or PNormal
	Tau     float64 `json:"tau"`      // Kendall's tau-a: S / (n(n−1)/2)
}

// ComputeTrend computes the trend of s. If level is true the values are levels (population,
// GRDP per capita) and the CAGR is given when first and last are positive. A series of fewer
// than MinTrendPoints points gives ErrInsufficientData.
func ComputeTrend(s Series, level bool) (Trend, error) {
	n := s.Len()
	if n < MinTrendPoints {
		return Trend{}, fmt.Errorf("trend: %d points, need %d: %w", n, MinTrendPoints, ErrInsufficientData)
	}
	t := Trend{N: n, FirstYear: s.x[0], LastYear: s.x[n-1], First: s.y[0], Last: s.y[n-1]}
	t.Change = t.Last - t.First
	if t.First != 0 {
		pc := 100 * t.Change / math.Abs(t.First)
		t.PctChange = &pc
	}
	if years := t.LastYear - t.FirstYear; level && t.First > 0 && t.Last > 0 && years > 0 {
		g := 100 * (math.Pow(t.Last/t.First, 1/years) - 1)
		t.CAGR = &g
	}
	t.Intercept, t.Slope = stat.LinearRegression(s.x, s.y, nil, false)
	var ssr float64
	for i := range s.x {
		e := s.y[i] - (t.Intercept + t.Slope*s.x[i])
		ssr += e * e
	}
	mx := stat.Mean(s.x, nil)
	var sxx float64
	for _, x := range s.x {
		sxx += (x - mx) * (x - mx)
	}
	df := float64(n - 2)
	t.SlopeSE = math.Sqrt(ssr / df / sxx)
	q := t975(n - 2)
	t.SlopeLow, t.SlopeHigh = t.Slope-q*t.SlopeSE, t.Slope+q*t.SlopeSE
	if stat.Variance(s.y, nil) > 0 {
		r2 := stat.RSquared(s.x, s.y, nil, t.Intercept, t.Slope)
		t.R2 = &r2
	}
	t.TheilSen = TheilSen(s)
	t.MannKendall = MannKendallTest(s)
	return t, nil
}

// TheilSen returns the Theil–Sen slope of s: the median of the slopes between all pairs of
// points. s must have at least two points.
func TheilSen(s Series) float64 {
	n := s.Len()
	slopes := make([]float64, 0, n*(n-1)/2)
	for i := 0; i < n; i++ {
		for j := i + 1; j < n; j++ {
			slopes = append(slopes, (s.y[j]-s.y[i])/(s.x[j]-s.x[i]))
		}
	}
	return median(slopes)
}

// median returns the median of xs, reordering xs. xs must not be empty.
func median(xs []float64) float64 {
	n := len(xs)
	hi := nth(xs, n/2)
	if n%2 == 1 {
		return hi
	}
	// The lower middle is the largest of the elements left of n/2.
	return (slices.Max(xs[:n/2]) + hi) / 2
}

// nth reorders xs so that xs[k] is the element a sort would put there, with no larger element
// before it and no smaller one after it (Hoare's selection), and returns it.
func nth(xs []float64, k int) float64 {
	lo, hi := 0, len(xs)-1
	for lo < hi {
		pivot := xs[lo+(hi-lo)/2]
		i, j := lo, hi
		for i <= j {
			for xs[i] < pivot {
				i++
			}
			for xs[j] > pivot {
				j--
			}
			if i <= j {
				xs[i], xs[j] = xs[j], xs[i]
				i++
				j--
			}
		}
		switch {
		case k <= j:
			hi = j
		case k >= i:
			lo = i
		default:
			return xs[k]
		}
	}
	return xs[k]
}

// t975 returns the 0.975 quantile of Student's t distribution with df degrees of freedom, the
// multiplier of a 95% confidence interval. Small df come from a table computed once.
func t975(df int) float64 {
	if df < len(t975Table()) {
		return t975Table()[df]
	}
	return distuv.StudentsT{Mu: 0, Sigma: 1, Nu: float64(df)}.Quantile(0.975)
}

// t975Table holds t975 for df 0..199 (index 0 unused). It is computed once and never changed.
var t975Table = sync.OnceValue(func() []float64 {
	tab := make([]float64, 200)
	for df := 1; df < len(tab); df++ {
		tab[df] = distuv.StudentsT{Mu: 0, Sigma: 1, Nu: float64(df)}.Quantile(0.975)
	}
	return tab
})

// MannKendallTest returns the Mann–Kendall test of s, in year order.
func MannKendallTest(s Series) MannKendall {
	n := s.Len()
	var mk MannKendall
	for i := 0; i < n; i++ {
		for j := i + 1; j < n; j++ {
			switch d := s.y[j] - s.y[i]; {
			case d > 0:
				mk.S++
			case d < 0:
				mk.S--
			}
		}
	}
	// Tie correction: groups of equal values.
	ys := slices.Clone(s.y)
	sort.Float64s(ys)
	var ties float64
	tied := false
	for i := 0; i < n; {
		j := i
		for j < n && ys[j] == ys[i] {
			j++
		}
		if t := float64(j - i); t > 1 {
			ties += t * (t - 1) * (2*t + 5)
			tied = true
		}
		i = j
	}
	fn := float64(n)
	mk.Var = (fn*(fn-1)*(2*fn+5) - ties) / 18
	switch {
	case mk.Var <= 0:
		mk.Z = 0
	case mk.S > 0:
		mk.Z = (float64(mk.S) - 1) / math.Sqrt(mk.Var)
	case mk.S < 0:
		mk.Z = (float64(mk.S) + 1) / math.Sqrt(mk.Var)
	}
	if n >= MinTrendPoints && n <= MaxExactMannKendall && !tied {
		mk.P, mk.PMethod = mannKendallExactP(mk.S, n), PExact
	} else {
		mk.P, mk.PMethod = 2*(1-distuv.UnitNormal.CDF(math.Abs(mk.Z))), PNormal
	}
	mk.Tau = float64(mk.S) / (fn * (fn - 1) / 2)
	return mk
}

// ConfidenceBand returns the OLS fit of s at the years at, with the 95% confidence band of the
// fitted mean: ŷ ± t(0.975, n−2) · s_e · √(1/n + (x − x̄)² / Sxx). s needs MinTrendPoints points.
func ConfidenceBand(s Series, at []float64) (fit, lo, hi []float64, err error) {
	n := s.Len()
	if n < MinTrendPoints {
		return nil, nil, nil, fmt.Errorf("confidence band: %d points, need %d: %w", n, MinTrendPoints, ErrInsufficientData)
	}
	a, b := stat.LinearRegression(s.x, s.y, nil, false)
	mx := stat.Mean(s.x, nil)
	var sxx, ssr float64
	for i, x := range s.x {
		sxx += (x - mx) * (x - mx)
		e := s.y[i] - (a + b*x)
		ssr += e * e
	}
	se := math.Sqrt(ssr / float64(n-2))
	q := t975(n - 2)
	fit, lo, hi = make([]float64, len(at)), make([]float64, len(at)), make([]float64, len(at))
	for i, x := range at {
		fit[i] = a + b*x
		h := q * se * math.Sqrt(1/float64(n)+(x-mx)*(x-mx)/sxx)
		lo[i], hi[i] = fit[i]-h, fit[i]+h
	}
	return fit, lo, hi, nil
}
