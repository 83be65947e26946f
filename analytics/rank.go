package analytics

import (
	"fmt"
	"math"
	"sort"
)

// CompetitionRanks ranks values the way publishers do ("1224" competition ranking): equal
// values share the best rank and the next rank skips. If higherIsBetter the largest value is
// rank 1, else the smallest. Values must be finite.
func CompetitionRanks(values []float64, higherIsBetter bool) ([]int, error) {
	if err := checkFinite(values); err != nil {
		return nil, err
	}
	idx := order(values, higherIsBetter)
	ranks := make([]int, len(values))
	for pos, i := range idx {
		if pos > 0 && values[i] == values[idx[pos-1]] {
			ranks[i] = ranks[idx[pos-1]]
			continue
		}
		ranks[i] = pos + 1
	}
	return ranks, nil
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
	sort.SliceStable(idx, func(a, b int) bool {
		if higherIsBetter {
			return values[idx[a]] > values[idx[b]]
		}
		return values[idx[a]] < values[idx[b]]
	})
	return idx
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
// first, 0 for the last, 100 × (n − rank) / (n − 1) in between. n must be at least 2.
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
