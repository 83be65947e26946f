package analytics

import (
	"fmt"
	"math"
	"slices"

	"gonum.org/v1/gonum/stat"
)

// A Distribution describes the values of all units for one indicator and year.
type Distribution struct {
	N      int     `json:"n"`
	Mean   float64 `json:"mean"`
	Median float64 `json:"median"`
	SD     float64 `json:"sd"` // sample standard deviation
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

// Z returns the z-score of v; 0 when the values do not vary.
func (d Distribution) Z(v float64) float64 {
	if d.SD == 0 {
		return 0
	}
	return (v - d.Mean) / d.SD
}

// Percentile returns the share of values below v plus half the share equal to it, in percent
// (the mid-rank percentile): 100 means above every other value.
func (d Distribution) Percentile(v float64) float64 {
	below, equal := 0, 0
	for _, x := range d.sorted {
		switch {
		case x < v:
			below++
		case x == v:
			equal++
		}
	}
	return 100 * (float64(below) + float64(equal)/2) / float64(d.N)
}

// Threshold returns the value that the k-th best unit has (k from 1): the top-10 threshold is
// Threshold(10, true). ok is false if there are fewer than k values.
func (d Distribution) Threshold(k int, higherIsBetter bool) (v float64, ok bool) {
	if k < 1 || k > d.N {
		return math.NaN(), false
	}
	if higherIsBetter {
		return d.sorted[d.N-k], true
	}
	return d.sorted[k-1], true
}
