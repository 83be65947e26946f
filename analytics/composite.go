package analytics

import (
	"fmt"
	"math"
	"math/rand/v2"
	"slices"

	"gonum.org/v1/gonum/mat"
	"gonum.org/v1/gonum/stat"
	"gonum.org/v1/gonum/stat/distuv"
)

// Normalizations of a composite index.
const (
	MinMax = "minmax" // (x − min) / (max − min), scaled to 0–100
	ZScore = "zscore" // (x − mean) / sd
)

// Aggregations of a composite index.
const (
	Arithmetic = "arithmetic" // weighted mean
	Geometric  = "geometric"  // weighted geometric mean of values shifted to start at 1
)

// A CompositeSpec says how to build a composite index from indicators.
type CompositeSpec struct {
	Normalization  string    // MinMax or ZScore
	Aggregation    string    // Arithmetic or Geometric
	Weights        []float64 // one per indicator, positive; nil means equal weights
	HigherIsBetter []bool    // one per indicator; nil means all true
	// Partial allows missing values (NaN): a unit is scored on the indicators it has, with their
	// weights scaled up to sum to 1. Every unit needs at least one value.
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

// Composite scores the rows of data (units × indicators) and ranks them, 1 the best, with
// ties as published ("1224"). data needs at least two units, one indicator and finite values.
func Composite(data *mat.Dense, spec CompositeSpec) (scores []float64, ranks []int, err error) {
	r, c := data.Dims()
	if r < 2 || c < 1 {
		return nil, nil, fmt.Errorf("composite: %d units × %d indicators: %w", r, c, ErrInsufficientData)
	}
	if err := spec.check(c); err != nil {
		return nil, nil, err
	}
	if err := spec.checkValues(data); err != nil {
		return nil, nil, err
	}
	norm := normalize(data, spec)
	scores = aggregate(norm, spec.weights(c), spec.Aggregation, nil)
	ranks, err = CompetitionRanks(scores, true)
	return scores, ranks, err
}

// normalize returns the normalised columns of data, oriented so that higher is better and,
// for geometric aggregation, shifted to start at 1.
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
		if len(have) == 0 {
			have = []float64{0}
		}
		lo, hi := slices.Min(have), slices.Max(have)
		switch spec.Normalization {
		case MinMax:
			for i, x := range col {
				v := 0.0
				if hi > lo {
					v = (x - lo) / (hi - lo)
				}
				if spec.Aggregation == Geometric {
					out.Set(i, j, 1+99*v)
				} else {
					out.Set(i, j, 100*v)
				}
			}
		case ZScore:
			mean, sd := stat.MeanStdDev(have, nil)
			if len(have) < 2 {
				sd = 0
			}
			zlo := 0.0
			if sd > 0 {
				zlo = (lo - mean) / sd
			}
			for i, x := range col {
				z := 0.0
				if sd > 0 {
					z = (x - mean) / sd
				}
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
}

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
// equal chance); the units are scored and ranked. It returns each unit's median rank and 5–95%
// rank interval.
func CompositeUncertainty(data *mat.Dense, spec CompositeSpec, u UncertaintySpec) ([]RankInterval, error) {
	r, c := data.Dims()
	if _, _, err := Composite(data, spec); err != nil {
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
	scores := make([]float64, r)
	for d := 0; d < u.Draws; d++ {
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
		rk, _ := CompetitionRanks(scores, true)
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
