package analytics

import (
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
	"slices"

	"gonum.org/v1/gonum/mat"
	"gonum.org/v1/gonum/stat"
	"gonum.org/v1/gonum/stat/distuv"
)

// Normalizations of a composite index. Each indicator is first oriented so that higher is
// better (negated when lower is better), then normalised over the units that have a value for
// it. The exact formulas, which depend on the aggregation, are in CompositeSpec.Method.
const (
	// MinMax is 100 × (x − min) / (max − min), a 0–100 scale, for the arithmetic mean; for the
	// geometric mean it is 1 + 99 × (x − min) / (max − min), a 1–100 scale, so that every
	// value has a logarithm.
	MinMax = "minmax"
	// ZScore is (x − mean) / s, s the sample standard deviation (n − 1 denominator), for the
	// arithmetic mean; for the geometric mean the z-scores are shifted so that the lowest is 1:
	// z − min z + 1.
	ZScore = "zscore"
)

// Aggregations of a composite index.
const (
	Arithmetic = "arithmetic" // weighted arithmetic mean of the normalised values
	Geometric  = "geometric"  // weighted geometric mean of the normalised values, made ≥ 1 as MinMax and ZScore say
)

// A CompositeSpec says how to build a composite index from indicators.
type CompositeSpec struct {
	Normalization  string    // MinMax or ZScore
	Aggregation    string    // Arithmetic or Geometric
	Weights        []float64 // one per indicator, positive; nil means equal weights
	HigherIsBetter []bool    // one per indicator; nil means all true
	// Partial allows missing values (NaN): a unit is scored on the indicators it has, with
	// their weights renormalised to sum to 1 over those indicators. Every unit needs at least
	// one value. Normalisation uses, for each indicator, the units that have it.
	Partial bool
}

func (spec CompositeSpec) check(indicators int) error {
	if spec.Normalization != MinMax && spec.Normalization != ZScore {
		return fmt.Errorf("composite: normalization %q: want %q or %q", spec.Normalization, MinMax, ZScore)
	}
	if spec.Aggregation != Arithmetic && spec.Aggregation != Geometric {
		return fmt.Errorf("composite: aggregation %q: want %q or %q", spec.Aggregation, Arithmetic, Geometric)
	}
	if spec.Weights != nil {
		if len(spec.Weights) != indicators {
			return fmt.Errorf("composite: %d weights for %d indicators: %w", len(spec.Weights), indicators, ErrLength)
		}
		for i, w := range spec.Weights {
			if !(w > 0) || math.IsInf(w, 0) {
				return fmt.Errorf("composite: weight %d is %v: want a positive number", i, w)
			}
		}
	}
	if spec.HigherIsBetter != nil && len(spec.HigherIsBetter) != indicators {
		return fmt.Errorf("composite: %d directions for %d indicators: %w", len(spec.HigherIsBetter), indicators, ErrLength)
	}
	return nil
}

// checkValues checks that data is finite, or with Partial that its only non-finite values are
// NaN and every row has a value.
func (spec CompositeSpec) checkValues(data *mat.Dense) error {
	if !spec.Partial {
		if err := checkFinite(data.RawMatrix().Data); err != nil {
			return fmt.Errorf("composite: %w (pass Partial to score units on the values they have)", err)
		}
		return nil
	}
	r, _ := data.Dims()
	for i := 0; i < r; i++ {
		has := false
		for _, x := range data.RawRowView(i) {
			if math.IsInf(x, 0) {
				return fmt.Errorf("composite: unit %d: %w", i, ErrNotFinite)
			}
			has = has || !math.IsNaN(x)
		}
		if !has {
			return fmt.Errorf("composite: unit %d has no value: %w", i, ErrInsufficientData)
		}
	}
	return nil
}

// present returns the values of col that are not NaN.
func present(col []float64) []float64 {
	out := make([]float64, 0, len(col))
	for _, x := range col {
		if !math.IsNaN(x) {
			out = append(out, x)
		}
	}
	return out
}

// weights returns the weights normalised to sum to 1.
func (spec CompositeSpec) weights(indicators int) []float64 {
	w := make([]float64, indicators)
	var sum float64
	for i := range w {
		w[i] = 1
		if spec.Weights != nil {
			w[i] = spec.Weights[i]
		}
		sum += w[i]
	}
	for i := range w {
		w[i] /= sum
	}
	return w
}

// ErrNoSpread reports an indicator whose values are all equal, so that it cannot be normalised.
var ErrNoSpread = errors.New("values do not vary")

// A ColumnError reports an indicator (a column of a composite's data) that cannot be
// normalised: it has fewer than two values, or its values are all equal. Column is 0-based.
// Err is ErrInsufficientData or ErrNoSpread.
type ColumnError struct {
	Column int // 0-based index of the column in data (and in the spec's weights)
	Values int // how many units have a value for it
	Err    error
}

func (e *ColumnError) Error() string {
	want := "at least 2 values"
	if errors.Is(e.Err, ErrNoSpread) {
		want = "values that differ"
	}
	return fmt.Sprintf("composite: indicator column %d: %d values, need %s to normalise: %v", e.Column, e.Values, want, e.Err)
}

func (e *ColumnError) Unwrap() error { return e.Err }

// checkSpread checks that every column of data has two values that differ (NaN is missing).
func checkSpread(data *mat.Dense) error {
	r, c := data.Dims()
	col := make([]float64, r)
	for j := 0; j < c; j++ {
		have := present(mat.Col(col, j, data))
		switch {
		case len(have) < 2:
			return &ColumnError{Column: j, Values: len(have), Err: ErrInsufficientData}
		case slices.Min(have) == slices.Max(have):
			return &ColumnError{Column: j, Values: len(have), Err: ErrNoSpread}
		}
	}
	return nil
}

// A CompositeResult is a composite index of units.
type CompositeResult struct {
	Scores []float64 // one per unit, in the rows' order
	Ranks  []int     // 1 the best, ties shared ("1224")
	Inputs []int     // how many indicators each unit was scored on
}

// CompositeIndex scores the rows of data (units × indicators) and ranks them, 1 the best, with
// ties as published ("1224"). data needs at least two units and one indicator. Without
// spec.Partial every value must be finite; with it, NaN marks a missing value and each unit is
// scored on the indicators it has, their weights renormalised to sum to 1 over those
// indicators. Every indicator needs two units with values that differ; one that has not is
// refused with a *ColumnError naming its column, never scored as 0 or dropped. The caller
// decides whether to drop it and say so.
func CompositeIndex(data *mat.Dense, spec CompositeSpec) (CompositeResult, error) {
	r, c := data.Dims()
	if r < 2 || c < 1 {
		return CompositeResult{}, fmt.Errorf("composite: %d units × %d indicators: %w", r, c, ErrInsufficientData)
	}
	if err := spec.check(c); err != nil {
		return CompositeResult{}, err
	}
	if err := spec.checkValues(data); err != nil {
		return CompositeResult{}, err
	}
	if err := checkSpread(data); err != nil {
		return CompositeResult{}, err
	}
	res := CompositeResult{Inputs: make([]int, r)}
	for i := range res.Inputs {
		res.Inputs[i] = len(present(data.RawRowView(i)))
	}
	res.Scores = aggregate(normalize(data, spec), spec.weights(c), spec.Aggregation, nil)
	var err error
	res.Ranks, err = CompetitionRanks(res.Scores, true)
	return res, err
}

// Composite is CompositeIndex without the count of inputs per unit.
func Composite(data *mat.Dense, spec CompositeSpec) (scores []float64, ranks []int, err error) {
	res, err := CompositeIndex(data, spec)
	if err != nil {
		return nil, nil, err
	}
	return res.Scores, res.Ranks, nil
}

// Method describes how spec builds the index, formulas included, in a form a report can quote.
// spec is assumed valid.
func (spec CompositeSpec) Method() string {
	var norm string
	switch {
	case spec.Normalization == MinMax && spec.Aggregation == Geometric:
		norm = "min–max rescaled to 1–100: 1 + 99 × (x − min) / (max − min)"
	case spec.Normalization == MinMax:
		norm = "min–max rescaled to 0–100: 100 × (x − min) / (max − min)"
	case spec.Aggregation == Geometric:
		norm = "z-scores (x − mean) / s, s the sample standard deviation (n − 1), shifted so that the lowest is 1: z − min z + 1"
	default:
		norm = "z-scores (x − mean) / s, s the sample standard deviation (n − 1)"
	}
	agg := "weighted arithmetic mean"
	if spec.Aggregation == Geometric {
		agg = "weighted geometric mean"
	}
	weights := "equal weights"
	if spec.Weights != nil {
		weights = "the given weights, scaled to sum to 1"
	}
	m := fmt.Sprintf("each indicator oriented so that higher is better and normalised over the units that have it: %s; %s with %s; "+
		"an indicator with fewer than two distinct values is refused", norm, agg, weights)
	if spec.Partial {
		m += "; a unit missing an indicator is scored on those it has, their weights renormalised to sum to 1"
	}
	return m + "; ranks 1 = best, ties shared"
}

// normalize returns the normalised columns of data, oriented so that higher is better and,
// for geometric aggregation, made ≥ 1 (see MinMax and ZScore). Missing values (NaN) stay NaN.
// Every column must have two values that differ (checkSpread).
func normalize(data *mat.Dense, spec CompositeSpec) *mat.Dense {
	r, c := data.Dims()
	out := mat.NewDense(r, c, nil)
	col := make([]float64, r)
	for j := 0; j < c; j++ {
		mat.Col(col, j, data)
		if spec.HigherIsBetter != nil && !spec.HigherIsBetter[j] {
			for i := range col {
				col[i] = -col[i]
			}
		}
		have := present(col)
		lo, hi := slices.Min(have), slices.Max(have)
		switch spec.Normalization {
		case MinMax:
			for i, x := range col {
				v := (x - lo) / (hi - lo)
				if spec.Aggregation == Geometric {
					out.Set(i, j, 1+99*v)
				} else {
					out.Set(i, j, 100*v)
				}
			}
		case ZScore:
			mean, sd := stat.MeanStdDev(have, nil) // sample standard deviation
			zlo := (lo - mean) / sd
			for i, x := range col {
				z := (x - mean) / sd
				if spec.Aggregation == Geometric {
					z = z - zlo + 1
				}
				out.Set(i, j, z)
			}
		}
	}
	return out
}

// aggregate combines the columns of norm with weights w (summing to 1) into dst (allocated if nil).
func aggregate(norm *mat.Dense, w []float64, aggregation string, dst []float64) []float64 {
	r, _ := norm.Dims()
	if dst == nil {
		dst = make([]float64, r)
	}
	for i := 0; i < r; i++ {
		row := norm.RawRowView(i)
		var s, wsum float64
		for j, x := range row {
			if math.IsNaN(x) { // missing (Partial): the other weights scale up
				continue
			}
			if aggregation == Geometric {
				s += w[j] * math.Log(x)
			} else {
				s += w[j] * x
			}
			wsum += w[j]
		}
		s /= wsum
		if aggregation == Geometric {
			s = math.Exp(s)
		}
		dst[i] = s
	}
	return dst
}

// An UncertaintySpec sets up the Monte Carlo analysis of a composite's ranks.
type UncertaintySpec struct {
	Draws         int     // number of draws (1,000 is usual)
	Seed          uint64  // the same seed gives the same result
	Concentration float64 // Dirichlet concentration around the weights; larger is tighter
	// VaryNormalization draws the normalisation (min–max or z-score) at random in each draw.
	VaryNormalization bool
	// Done, if not nil, stops the draws when it is closed (a request whose client has left):
	// CompositeUncertainty then returns ErrStopped.
	Done <-chan struct{}
}

// ErrStopped is returned by work stopped through its Done channel.
var ErrStopped = errors.New("stopped")

// A RankInterval is the spread of one unit's rank over the Monte Carlo draws.
type RankInterval struct {
	Median float64 `json:"median_rank"`
	P05    float64 `json:"rank_p05"`
	P95    float64 `json:"rank_p95"`
	Best   int     `json:"best_rank"`
	Worst  int     `json:"worst_rank"`
}

// CompositeUncertainty is the uncertainty analysis of the OECD–JRC Handbook on Constructing
// Composite Indicators: in each draw the weights come from a Dirichlet distribution centred on
// spec's weights (and the normalisation, if VaryNormalization, from min–max or z-score with
// equal chance); the units are scored and ranked as CompositeIndex does, so with spec.Partial
// each unit is scored on the indicators it has with the drawn weights renormalised over them,
// and an indicator that cannot be normalised is refused with a *ColumnError. It returns each
// unit's median rank and 5–95% rank interval (empirical quantiles of the draws' ranks).
func CompositeUncertainty(data *mat.Dense, spec CompositeSpec, u UncertaintySpec) ([]RankInterval, error) {
	r, c := data.Dims()
	if _, err := CompositeIndex(data, spec); err != nil {
		return nil, err
	}
	if u.Draws < 1 {
		return nil, fmt.Errorf("composite uncertainty: %d draws: want at least 1", u.Draws)
	}
	if !(u.Concentration > 0) {
		return nil, fmt.Errorf("composite uncertainty: concentration %v: want a positive number", u.Concentration)
	}
	src := rand.NewPCG(u.Seed, u.Seed^0x9e3779b97f4a7c15)
	rng := rand.New(src)
	base := spec.weights(c)
	gammas := make([]distuv.Gamma, c)
	for j := range gammas {
		gammas[j] = distuv.Gamma{Alpha: u.Concentration * base[j], Beta: 1, Src: src}
	}
	normed := map[string]*mat.Dense{}
	for _, n := range []string{MinMax, ZScore} {
		s := spec
		s.Normalization = n
		normed[n] = normalize(data, s)
	}
	ranks := make([][]float64, r) // unit → rank in each draw
	for i := range ranks {
		ranks[i] = make([]float64, u.Draws)
	}
	w := make([]float64, c)
	scores, sorted, rk := make([]float64, r), make([]float64, r), make([]int, r)
	for d := 0; d < u.Draws; d++ {
		if d%64 == 0 && u.Done != nil {
			select {
			case <-u.Done:
				return nil, fmt.Errorf("composite uncertainty: after %d of %d draws: %w", d, u.Draws, ErrStopped)
			default:
			}
		}
		var sum float64
		for j := range w {
			w[j] = gammas[j].Rand()
			sum += w[j]
		}
		for j := range w {
			w[j] /= sum
		}
		n := spec.Normalization
		if u.VaryNormalization && rng.IntN(2) == 1 {
			n = map[string]string{MinMax: ZScore, ZScore: MinMax}[n]
		}
		aggregate(normed[n], w, spec.Aggregation, scores)
		if checkFinite(scores) != nil {
			continue // no ranks in this draw, as CompetitionRanks refuses such scores
		}
		competitionRanks(rk, scores, sorted, true)
		for i, x := range rk {
			ranks[i][d] = float64(x)
		}
	}
	out := make([]RankInterval, r)
	for i, rs := range ranks {
		slices.Sort(rs)
		out[i] = RankInterval{
			Median: stat.Quantile(0.5, stat.Empirical, rs, nil),
			P05:    stat.Quantile(0.05, stat.Empirical, rs, nil),
			P95:    stat.Quantile(0.95, stat.Empirical, rs, nil),
			Best:   int(rs[0]),
			Worst:  int(rs[len(rs)-1]),
		}
	}
	return out, nil
}
