package analytics

import (
	"fmt"
	"math"
	"slices"
	"sort"

	"gonum.org/v1/gonum/stat"
)

// A Distribution describes the values given for one indicator and year. It knows only those
// values: when they cover part of the field (some provinces unpublished), its percentiles and
// thresholds are those of the units given, not of the field; RankThreshold and RankBounds
// answer for the whole field from published ranks.
type Distribution struct {
	N      int     `json:"n"`
	Mean   float64 `json:"mean"`
	Median float64 `json:"median"` // mean of the two middle values when N is even
	SD     float64 `json:"sd"`     // sample standard deviation (n − 1 denominator); 0 when N is 1
	Min    float64 `json:"min"`
	Max    float64 `json:"max"`
	sorted []float64
}

// NewDistribution summarises values. It needs at least one value, all finite.
func NewDistribution(values []float64) (Distribution, error) {
	if len(values) == 0 {
		return Distribution{}, fmt.Errorf("distribution: %w", ErrInsufficientData)
	}
	if err := checkFinite(values); err != nil {
		return Distribution{}, fmt.Errorf("distribution: %w", err)
	}
	d := Distribution{N: len(values), sorted: slices.Clone(values)}
	slices.Sort(d.sorted)
	d.Mean = stat.Mean(values, nil)
	d.Median = median(slices.Clone(d.sorted))
	if len(values) > 1 {
		d.SD = stat.StdDev(values, nil)
	}
	d.Min, d.Max = d.sorted[0], d.sorted[len(d.sorted)-1]
	return d, nil
}

// Z returns the z-score of v, (v − Mean) / SD with the sample standard deviation; 0 when the
// values do not vary.
func (d Distribution) Z(v float64) float64 {
	if d.SD == 0 {
		return 0
	}
	return (v - d.Mean) / d.SD
}

// Percentile returns the share of the N values below v plus half the share equal to it, in
// percent (the mid-rank percentile), whatever the direction of the indicator. It is a
// percentile of the values given, not of the field when they cover only part of it.
func (d Distribution) Percentile(v float64) float64 {
	if math.IsNaN(v) {
		return 0 // no value is below or equal to it
	}
	below := sort.Search(len(d.sorted), func(i int) bool { return d.sorted[i] >= v })
	notAbove := sort.Search(len(d.sorted), func(i int) bool { return d.sorted[i] > v })
	return 100 * (float64(below) + float64(notAbove-below)/2) / float64(d.N)
}

// Threshold returns the value that the k-th best of the N values given has (k from 1). ok is
// false if there are fewer than k values. It is the top-k threshold of the field only when the
// values cover the whole field; otherwise use RankThreshold, which never treats a partial list
// as complete.
func (d Distribution) Threshold(k int, higherIsBetter bool) (v float64, ok bool) {
	if k < 1 || k > d.N {
		return math.NaN(), false
	}
	if higherIsBetter {
		return d.sorted[d.N-k], true
	}
	return d.sorted[k-1], true
}
