package analytics

import (
	"errors"
	"fmt"
	"math"
	"slices"
)

// ErrInconsistentRanks reports published ranks that contradict the published values: a unit
// ranked better than another has a strictly worse value.
var ErrInconsistentRanks = errors.New("published ranks and values disagree")

// Kinds of Threshold.
const (
	ThresholdExact    = "exact"    // the k-th value of the field is known
	ThresholdInterval = "interval" // it lies between two published values
	ThresholdUnknown  = "unknown"  // nothing published bounds it
)

// A Threshold is the value a unit needs to be among the top k of a field of Of units: the
// value of the unit in position k when all units of the field are ordered best first.
//
// When Kind is ThresholdExact, Exact holds it. When Kind is ThresholdInterval, the threshold
// T satisfies Low ≤ T ≤ High (numerically, whatever the direction); a nil bound means the
// interval is open on that side. BetterRank and WorseRank are the published ranks whose
// values bound the interval (0 if none). Basis says in a sentence how the threshold was found.
type Threshold struct {
	K          int      `json:"k"`
	Of         int      `json:"of"`
	Kind       string   `json:"kind"`
	Exact      *float64 `json:"exact,omitempty"`
	Low        *float64 `json:"low,omitempty"`
	High       *float64 `json:"high,omitempty"`
	BetterRank int      `json:"better_rank,omitempty"`
	WorseRank  int      `json:"worse_rank,omitempty"`
	Basis      string   `json:"basis"`
}

// RankThreshold returns the threshold to be in the top k of a field of of units, from the
// figures of the units that have one: values[i] is unit i's value (NaN if not published) and
// ranks[i] its published competition rank out of of (0 if not published). ranks may be nil
// (no ranks); otherwise len(ranks) must equal len(values). k must be in [1, of] and len(values)
// at most of. If higherIsBetter the largest value is best, else the smallest.
//
// The rule, in order:
//   - Exact, from ranks: the value of a unit ranked k; or, when the units tied at the largest
//     rank r ≤ k are numerous enough to reach position k (r + ties − 1 ≥ k), their value
//     (the worst of them, should rounding make them differ).
//   - Exact, from values: the k-th best value, only when every unit of the field has a value
//     (of values, none NaN).
//   - Interval: between the value of the nearest rank above k (≤ k) and the nearest rank below
//     k (> k) that have values; one side may be open.
//   - Unknown otherwise. A threshold is never computed from a partial list as if it were the
//     whole field.
//
// If the bounding values contradict their ranks (the better rank has the worse value) the
// threshold is unknown and Basis says so.
func RankThreshold(values []float64, ranks []int, k, of int, higherIsBetter bool) (Threshold, error) {
	if err := checkRankField(values, ranks, of); err != nil {
		return Threshold{}, fmt.Errorf("rank threshold: %w", err)
	}
	if k < 1 || k > of {
		return Threshold{}, fmt.Errorf("rank threshold: parameter k: expected integer in [1, %d], got %d", of, k)
	}
	th := Threshold{K: k, Of: of, Kind: ThresholdUnknown}
	worse := func(a, b float64) bool { // a is strictly worse than b
		if higherIsBetter {
			return a < b
		}
		return a > b
	}
	// The largest published rank r ≤ k, and how many units share it.
	r, ties := 0, 0
	for _, rk := range ranks {
		switch {
		case rk > k || rk == 0:
		case rk > r:
			r, ties = rk, 1
		case rk == r:
			ties++
		}
	}
	if r > 0 && r+ties-1 >= k {
		var v float64
		found := false
		for i, rk := range ranks {
			if rk == r && !math.IsNaN(values[i]) && (!found || worse(values[i], v)) {
				v, found = values[i], true
			}
		}
		if found {
			th.Kind, th.Exact = ThresholdExact, &v
			if r == k && ties == 1 {
				th.Basis = fmt.Sprintf("the value of the unit ranked %d of %d", k, of)
			} else {
				th.Basis = fmt.Sprintf("the value of the %d units tied at rank %d of %d, which span position %d", ties, r, of, k)
			}
			return th, nil
		}
	}
	if have := present(values); len(have) == of {
		slices.Sort(have)
		v := have[k-1]
		if higherIsBetter {
			v = have[of-k]
		}
		th.Kind, th.Exact = ThresholdExact, &v
		th.Basis = fmt.Sprintf("the %s value of all %d units", ordinal(k), of)
		return th, nil
	}
	// Nearest ranks with values on either side of k. The tightest bound at a rank shared by
	// several units is the worst of them on the better side and the best on the worse side.
	var better, worseV float64
	for i, rk := range ranks {
		if rk == 0 || math.IsNaN(values[i]) {
			continue
		}
		v := values[i]
		if rk <= k && (rk > th.BetterRank || rk == th.BetterRank && worse(v, better)) {
			th.BetterRank, better = rk, v
		}
		if rk > k && (th.WorseRank == 0 || rk < th.WorseRank || rk == th.WorseRank && worse(worseV, v)) {
			th.WorseRank, worseV = rk, v
		}
	}
	switch {
	case th.BetterRank == 0 && th.WorseRank == 0:
		if ranks == nil {
			th.Basis = fmt.Sprintf("unknown: no ranks published and only %d of %d values", len(present(values)), of)
		} else {
			th.Basis = fmt.Sprintf("unknown: no published rank with a value bounds position %d of %d", k, of)
		}
		return th, nil
	case th.BetterRank != 0 && th.WorseRank != 0 && worse(better, worseV):
		th.BetterRank, th.WorseRank = 0, 0
		th.Basis = fmt.Sprintf("unknown: %v", ErrInconsistentRanks)
		return th, nil
	}
	th.Kind = ThresholdInterval
	var lo, hi *float64
	if th.BetterRank != 0 {
		hi = &better
	}
	if th.WorseRank != 0 {
		lo = &worseV
	}
	if !higherIsBetter {
		lo, hi = hi, lo
	}
	th.Low, th.High = lo, hi
	switch {
	case th.BetterRank != 0 && th.WorseRank != 0:
		th.Basis = fmt.Sprintf("interval: between the values of ranks %d and %d of %d; no value is published for rank %d", th.BetterRank, th.WorseRank, of, k)
	case th.BetterRank != 0:
		th.Basis = fmt.Sprintf("interval: no better than the value of rank %d of %d; no value is published for a rank below %d", th.BetterRank, of, k)
	default:
		th.Basis = fmt.Sprintf("interval: better than the value of rank %d of %d; no value is published for rank %d or above", th.WorseRank, of, k)
	}
	return th, nil
}

// RankBounds returns the best and worst competition rank out of of that unit i can hold, from
// the figures of the units that have one (values[i] NaN if not published, ranks[i] 0 if not
// published, ranks nil if none are; len(values) at most of). A published rank is returned as
// both bounds. Otherwise the bounds come from the units whose values are strictly better or
// worse than unit i's: a unit ranked r with a better value puts i at r + 1 or below, one ranked
// r with a worse value puts i at r − 1 or above, and every unit with a better (worse) value
// pushes the bound by one. Equal values bound nothing, since published values are rounded. A
// unit with neither rank nor value gets 1 and of.
//
// The matching percentiles of the field are RankPercentile(worst, of) to
// RankPercentile(best, of). If the bounds cross, the published figures contradict each other
// and RankBounds returns ErrInconsistentRanks.
func RankBounds(values []float64, ranks []int, i, of int, higherIsBetter bool) (best, worst int, err error) {
	if err := checkRankField(values, ranks, of); err != nil {
		return 0, 0, fmt.Errorf("rank bounds: %w", err)
	}
	if i < 0 || i >= len(values) {
		return 0, 0, fmt.Errorf("rank bounds: parameter i: expected index in [0, %d), got %d", len(values), i)
	}
	if ranks != nil && ranks[i] != 0 {
		return ranks[i], ranks[i], nil
	}
	best, worst = 1, of
	v := values[i]
	if math.IsNaN(v) {
		return best, worst, nil
	}
	nBetter, nWorse := 0, 0
	for j, x := range values {
		if j == i || math.IsNaN(x) || x == v {
			continue
		}
		isBetter := (x > v) == higherIsBetter
		rk := 0
		if ranks != nil {
			rk = ranks[j]
		}
		if isBetter {
			nBetter++
			if rk != 0 {
				best = max(best, rk+1)
			}
		} else {
			nWorse++
			if rk != 0 {
				worst = min(worst, rk-1)
			}
		}
	}
	best, worst = max(best, 1+nBetter), min(worst, of-nWorse)
	if best > worst {
		return 0, 0, fmt.Errorf("rank bounds: unit %d: best rank %d, worst %d: %w", i, best, worst, ErrInconsistentRanks)
	}
	return best, worst, nil
}

// RankBoundsAll is RankBounds for every unit of the field at once, in O(n log n) rather than
// O(n) per unit: best[i] and worst[i] are unit i's bounds, and both are 0 where RankBounds
// would return ErrInconsistentRanks. err reports a malformed field, as RankBounds does.
func RankBoundsAll(values []float64, ranks []int, of int, higherIsBetter bool) (best, worst []int, err error) {
	if err := checkRankField(values, ranks, of); err != nil {
		return nil, nil, fmt.Errorf("rank bounds: %w", err)
	}
	n := len(values)
	best, worst = make([]int, n), make([]int, n)
	rankOf := func(j int) int {
		if ranks == nil {
			return 0
		}
		return ranks[j]
	}
	var idx []int // the units with a value, best first
	for i, x := range values {
		if !math.IsNaN(x) {
			idx = append(idx, i)
		}
	}
	slices.SortFunc(idx, bestFirst(values, higherIsBetter))
	m := len(idx)
	// suffixMin[k]: the smallest published rank among idx[k:] (of+1: none).
	suffixMin := make([]int, m+1)
	suffixMin[m] = of + 1
	for k := m - 1; k >= 0; k-- {
		suffixMin[k] = suffixMin[k+1]
		if rk := rankOf(idx[k]); rk != 0 {
			suffixMin[k] = min(suffixMin[k], rk)
		}
	}
	prefixMax := 0 // the largest published rank among the units strictly better than the group
	for a := 0; a < m; {
		b := a + 1
		for b < m && values[idx[b]] == values[idx[a]] {
			b++
		}
		// idx[a:b] share a value: a units are strictly better, m − b strictly worse.
		bst, wst := max(1, prefixMax+1, 1+a), min(of, suffixMin[b]-1, of-(m-b))
		for _, i := range idx[a:b] {
			if bst <= wst {
				best[i], worst[i] = bst, wst
			}
		}
		for _, i := range idx[a:b] {
			prefixMax = max(prefixMax, rankOf(i))
		}
		a = b
	}
	for i := range values {
		switch {
		case rankOf(i) != 0:
			best[i], worst[i] = ranks[i], ranks[i]
		case math.IsNaN(values[i]):
			best[i], worst[i] = 1, of
		}
	}
	return best, worst, nil
}

// checkRankField checks the figures of part of a field of of units.
func checkRankField(values []float64, ranks []int, of int) error {
	if ranks != nil && len(ranks) != len(values) {
		return fmt.Errorf("%d values and %d ranks: %w", len(values), len(ranks), ErrLength)
	}
	if len(values) > of {
		return fmt.Errorf("parameter of: expected at least the %d units given, got %d", len(values), of)
	}
	for i, x := range values {
		if math.IsInf(x, 0) {
			return fmt.Errorf("value %d: %w", i, ErrNotFinite)
		}
	}
	for i, rk := range ranks {
		if rk < 0 || rk > of {
			return fmt.Errorf("rank %d: expected 0 (not published) or a rank in [1, %d], got %d", i, of, rk)
		}
	}
	return nil
}

// ordinal returns n as an English ordinal: 1st, 2nd, 3rd, 4th, 11th, 21st.
func ordinal(n int) string {
	suffix := "th"
	switch n % 10 {
	case 1:
		suffix = "st"
	case 2:
		suffix = "nd"
	case 3:
		suffix = "rd"
	}
	if n%100 >= 11 && n%100 <= 13 {
		suffix = "th"
	}
	return fmt.Sprintf("%d%s", n, suffix)
}
