package report

import (
	"math"

	"chiso/analytics"
	"chiso/datasets"
)

// A field is one indicator's figures in one year across the units in force: what every
// statistic that depends on the whole field (top-k thresholds, percentiles, ranks within a
// region) must be computed from, knowing which units lack a figure.
type field struct {
	units  []datasets.Unit
	pos    map[string]int // unit id → index in units
	values []float64      // NaN: no published value
	ranks  []int          // 0: no published rank
	of     int            // the number of units the publisher ranked (rank_of), else len(units)
	n      int            // units with a value
}

// fieldOf reads the field of indicator in year over units, a list of reg's.
func fieldOf(p *panel, reg *datasets.Registry, indicator string, units []datasets.Unit, year int) field {
	return newField(units, reg.Index(units), func(i int) (datasets.Figure, bool) { return p.figure(indicator, units[i].ID, year) })
}

// newField is the field of the figures of units (figure(i): unit i's, if any); pos maps their
// ids to their indices.
func newField(units []datasets.Unit, pos map[string]int, figure func(i int) (datasets.Figure, bool)) field {
	f := field{units: units, pos: pos, values: make([]float64, len(units)), ranks: make([]int, len(units)), of: len(units)}
	for i := range units {
		f.values[i] = math.NaN()
		fig, ok := figure(i)
		if !ok || fig.Status != "published" {
			continue
		}
		if fig.Value != nil {
			f.values[i] = *fig.Value
			f.n++
		}
		if fig.Rank != nil {
			f.ranks[i] = *fig.Rank
			if fig.RankOf != nil && *fig.RankOf > 0 {
				f.of = max(f.of, *fig.RankOf)
			}
		}
	}
	for _, r := range f.ranks {
		f.of = max(f.of, r)
	}
	return f
}

// complete reports whether every unit of the field has a value.
func (f field) complete() bool { return f.n == len(f.units) && f.n == f.of }

// index returns the position of unit id in the field, or -1.
func (f field) index(id string) int {
	if i, ok := f.pos[id]; ok {
		return i
	}
	return -1
}

// threshold is the value needed to be in the top k, from the published ranks where the values
// are partial (see analytics.RankThreshold).
func (f field) threshold(k int, higherIsBetter bool) *analytics.Threshold {
	if f.n == 0 || k > f.of {
		return nil
	}
	t, err := analytics.RankThreshold(f.values, f.ranks, k, f.of, higherIsBetter)
	if err != nil {
		return nil
	}
	return &t
}

// percentile is unit i's percentile in the whole field: from all values when the field is
// complete, from its published rank otherwise, else the range its value allows among the
// published ranks. basis says which.
//
// best and worst, if not nil, are the rank bounds of every unit (analytics.RankBoundsAll),
// else unit i's are computed alone.
func (f field) percentile(i int, higherIsBetter bool, d *analytics.Distribution, best, worst []int) (pc *float64, lo, hi *float64, basis string) {
	switch {
	case f.complete() && d != nil && !math.IsNaN(f.values[i]):
		return finite(d.Percentile(f.values[i])), nil, nil, "the values of every province"
	case f.ranks[i] > 0 && f.of > 1:
		return new(analytics.RankPercentile(f.ranks[i], f.of)), nil, nil, "the published rank"
	case !math.IsNaN(f.values[i]) && f.of > 1:
		b, w, err := 0, 0, error(nil)
		if best != nil {
			b, w = best[i], worst[i] // 0: inconsistent
		} else {
			b, w, err = analytics.RankBounds(f.values, f.ranks, i, f.of, higherIsBetter)
		}
		if err != nil || b == 0 {
			return nil, nil, nil, ""
		}
		return nil, new(analytics.RankPercentile(w, f.of)), new(analytics.RankPercentile(b, f.of)),
			"the range of ranks the published ranks allow; not every province has a figure"
	}
	return nil, nil, nil, ""
}

// A RegionRank is a province's rank among the provinces of its region, derived from the
// national order of the published ranks (or of the values where ranks are not published).
type RegionRank struct {
	Region    string `json:"region"`
	Rank      int    `json:"rank"`
	Of        int    `json:"of"`         // provinces of the region
	WithValue int    `json:"with_value"` // of which with a figure
	Basis     string `json:"basis"`      // "published ranks" or "values"
	Derived   bool   `json:"derived"`
}

// regionRank ranks unit i among the units of its region.
func (f field) regionRank(i int, higherIsBetter bool) *RegionRank {
	region := f.units[i].Region
	if region == "" {
		return nil
	}
	useRanks := f.ranks[i] > 0
	if !useRanks && math.IsNaN(f.values[i]) {
		return nil
	}
	var order []float64
	at := -1
	rr := &RegionRank{Region: region, Derived: true, Basis: "values"}
	if useRanks {
		rr.Basis = "published ranks"
	}
	for j, u := range f.units {
		if u.Region != region {
			continue
		}
		rr.Of++
		x := f.values[j]
		if useRanks {
			x = math.NaN()
			if f.ranks[j] > 0 {
				x = float64(f.ranks[j])
			}
		}
		if !math.IsNaN(x) {
			rr.WithValue++
		}
		if j == i {
			at = len(order)
		}
		order = append(order, x)
	}
	if useRanks {
		higherIsBetter = false // rank 1 is best
	}
	rr.Rank = analytics.RegionRanks(order, higherIsBetter)[at]
	return rr
}

// regionRanks is regionRank of every unit of the field (nil where it has none), ranking each
// region once for each basis instead of once for each unit.
func (f field) regionRanks(higherIsBetter bool) []*RegionRank {
	out := make([]*RegionRank, len(f.units))
	members := map[string][]int{} // region → its units' indices, in field order
	for i, u := range f.units {
		if u.Region != "" {
			members[u.Region] = append(members[u.Region], i)
		}
	}
	for region, idx := range members {
		byRank, byValue := make([]float64, len(idx)), make([]float64, len(idx))
		withRank, withValue := 0, 0
		for k, j := range idx {
			byRank[k], byValue[k] = math.NaN(), f.values[j]
			if f.ranks[j] > 0 {
				byRank[k] = float64(f.ranks[j])
				withRank++
			}
			if !math.IsNaN(f.values[j]) {
				withValue++
			}
		}
		var rankOrder, valueOrder []int
		for k, j := range idx {
			switch {
			case f.ranks[j] > 0:
				if rankOrder == nil {
					rankOrder = analytics.RegionRanks(byRank, false) // rank 1 is best
				}
				out[j] = &RegionRank{Region: region, Rank: rankOrder[k], Of: len(idx), WithValue: withRank, Basis: "published ranks", Derived: true}
			case !math.IsNaN(f.values[j]):
				if valueOrder == nil {
					valueOrder = analytics.RegionRanks(byValue, higherIsBetter)
				}
				out[j] = &RegionRank{Region: region, Rank: valueOrder[k], Of: len(idx), WithValue: withValue, Basis: "values", Derived: true}
			}
		}
	}
	return out
}
