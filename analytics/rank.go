package analytics

import (
	"cmp"
	"fmt"
	"math"
	"slices"
	"sort"
)

// CompetitionRanks ranks values the way publishers do ("1224" competition ranking): equal
// values share the best rank and the next rank skips. If higherIsBetter the largest value is
// rank 1, else the smallest. Values must be finite.
func CompetitionRanks(values []float64, higherIsBetter bool) ([]int, error) {
	if err := checkFinite(values); err != nil {
		return nil, err
	}
	return competitionRanks(make([]int, len(values)), values, make([]float64, len(values)), higherIsBetter), nil
}

// competitionRanks writes the competition ranks of the finite values into dst and returns
// it: 1 + the number of values strictly better. sorted is scratch space of len(values).
func competitionRanks(dst []int, values, sorted []float64, higherIsBetter bool) []int {
	copy(sorted, values)
	slices.Sort(sorted)
	n := len(sorted)
	for i, v := range values {
		// lo: the values below v (or, if higherIsBetter, not above it), by bisection.
		lo, hi := 0, n
		for lo < hi {
			m := int(uint(lo+hi) >> 1)
			if sorted[m] < v || higherIsBetter && sorted[m] == v {
				lo = m + 1
			} else {
				hi = m
			}
		}
		if higherIsBetter {
			dst[i] = 1 + n - lo
		} else {
			dst[i] = 1 + lo
		}
	}
	return dst
}

// MidRanks returns the ranks of values in ascending order, ties given the mean of the ranks
// they span (1-based), as Spearman's correlation uses them.
func MidRanks(values []float64) []float64 {
	idx := order(values, false)
	ranks := make([]float64, len(values))
	for i := 0; i < len(idx); {
		j := i
		for j < len(idx) && values[idx[j]] == values[idx[i]] {
			j++
		}
		mid := float64(i+j+1) / 2 // mean of ranks i+1 … j
		for k := i; k < j; k++ {
			ranks[idx[k]] = mid
		}
		i = j
	}
	return ranks
}

// order returns the indices of values sorted best first (descending if higherIsBetter).
// Equal values keep their input order.
func order(values []float64, higherIsBetter bool) []int {
	idx := make([]int, len(values))
	for i := range idx {
		idx[i] = i
	}
	slices.SortStableFunc(idx, bestFirst(values, higherIsBetter))
	return idx
}

// bestFirst compares the indices of two values, the better first (the larger if higherIsBetter).
func bestFirst(values []float64, higherIsBetter bool) func(a, b int) int {
	return func(a, b int) int {
		x, y := values[a], values[b]
		if higherIsBetter {
			x, y = y, x
		}
		switch {
		case x < y:
			return -1
		case y < x:
			return 1
		}
		return 0
	}
}

func checkFinite(xs []float64) error {
	for i, x := range xs {
		if math.IsNaN(x) || math.IsInf(x, 0) {
			return fmt.Errorf("value %d: %w", i, ErrNotFinite)
		}
	}
	return nil
}

// RankPercentile returns where rank stands among n ranked units, as a percentile: 100 for the
// first, 0 for the last, 100 × (n − rank) / (n − 1) in between. n is the whole field (the N
// a publisher ranks out of), not the units that happen to have figures. n must be at least 2;
// for n < 2 it returns 100.
func RankPercentile(rank, n int) float64 {
	if n < 2 {
		return 100
	}
	return 100 * float64(n-rank) / float64(n-1)
}

// A Move is one unit's change of rank between two years. A positive Change is an improvement
// (the rank number fell).
type Move struct {
	Key      string `json:"key"`
	FromRank int    `json:"from_rank"`
	ToRank   int    `json:"to_rank"`
	Change   int    `json:"change"` // FromRank − ToRank
}

// RankMoves returns the moves of the units ranked in both years, biggest improvement first
// (ties by key). from and to map a unit key to its rank.
func RankMoves(from, to map[string]int) []Move {
	var out []Move
	for k, r0 := range from {
		r1, ok := to[k]
		if !ok {
			continue
		}
		out = append(out, Move{Key: k, FromRank: r0, ToRank: r1, Change: r0 - r1})
	}
	sort.Slice(out, func(i, j int) bool {
		if out[i].Change != out[j].Change {
			return out[i].Change > out[j].Change
		}
		return out[i].Key < out[j].Key
	})
	return out
}

// TopMoves returns the k biggest improvements (up, biggest first) and the k biggest falls
// (down, biggest fall first) among moves, each extended by every move tied with its k-th: a
// cut-off never separates units that moved by the same number of places, so either list may be
// longer than k. Within equal changes moves are ordered by key. Moves with Change 0 are in
// neither list. moves need not be sorted and is not modified; k < 1 gives empty lists.
func TopMoves(moves []Move, k int) (up, down []Move) {
	if k < 1 {
		return nil, nil
	}
	sorted := slices.Clone(moves)
	slices.SortFunc(sorted, func(a, b Move) int {
		if c := cmp.Compare(b.Change, a.Change); c != 0 {
			return c
		}
		return cmp.Compare(a.Key, b.Key)
	})
	for _, m := range sorted {
		if m.Change <= 0 || len(up) >= k && m.Change != up[len(up)-1].Change {
			break
		}
		up = append(up, m)
	}
	slices.SortStableFunc(sorted, func(a, b Move) int { return cmp.Compare(a.Change, b.Change) })
	for _, m := range sorted {
		if m.Change >= 0 || len(down) >= k && m.Change != down[len(down)-1].Change {
			break
		}
		down = append(down, m)
	}
	return up, down
}

// RegionRanks returns the competition ranks ("1224") of a subset of units (a region, a peer
// group) within the subset, from their order in the whole field: order[i] is unit i's
// published national rank (pass higherIsBetter false) or, where ranks are not published, its
// value (higherIsBetter as the indicator says). Equal entries share a rank. A NaN entry is a
// unit without a figure: its rank is 0 and it does not count for the others.
func RegionRanks(order []float64, higherIsBetter bool) []int {
	idx := make([]int, 0, len(order))
	for i, x := range order {
		if !math.IsNaN(x) {
			idx = append(idx, i)
		}
	}
	sort.SliceStable(idx, func(a, b int) bool {
		if higherIsBetter {
			return order[idx[a]] > order[idx[b]]
		}
		return order[idx[a]] < order[idx[b]]
	})
	ranks := make([]int, len(order))
	for pos, i := range idx {
		if pos > 0 && order[i] == order[idx[pos-1]] {
			ranks[i] = ranks[idx[pos-1]]
			continue
		}
		ranks[i] = pos + 1
	}
	return ranks
}
