package report

import (
	"context"
	"fmt"
	"strconv"

	"chiso/analytics"
	"chiso/datasets"
)

// A CompareRow is one province against the field on one indicator and year.
type CompareRow struct {
	Unit               UnitRef     `json:"unit"`
	Status             string      `json:"status"` // "published", "not_published" or "no_data"
	Value              *float64    `json:"value"`
	Rank               *int        `json:"rank"`
	RankOf             *int        `json:"rank_of"`
	Verified           bool        `json:"verified"`
	Z                  *float64    `json:"z_score"`
	Percentile         *float64    `json:"percentile"`
	PercentileLow      *float64    `json:"percentile_low,omitempty"` // when only a range is known
	PercentileHigh     *float64    `json:"percentile_high,omitempty"`
	PercentileBasis    string      `json:"percentile_basis,omitempty"`
	DiffNationalMedian *float64    `json:"diff_from_national_median"`
	DiffNationalMean   *float64    `json:"diff_from_national_mean"`
	Region             string      `json:"region,omitempty"`
	RegionMedian       *float64    `json:"region_median"`
	RegionN            int         `json:"region_n"`
	DiffRegionMedian   *float64    `json:"diff_from_region_median"`
	RegionRank         *RegionRank `json:"region_rank"`
	GapToTop10         *float64    `json:"gap_to_top10"`                // how far from the 10th best value (0 within the top 10), when the threshold is known
	GapToTop10Low      *float64    `json:"gap_to_top10_low,omitempty"`  // the range of the gap, when the threshold is an interval
	GapToTop10High     *float64    `json:"gap_to_top10_high,omitempty"` //
	GapToTarget        *float64    `json:"gap_to_target"`               // target − value (for lower-is-better: value − target)
}

// CompareSpec asks to compare provinces on one indicator in one year, optionally against a target.
type CompareSpec struct {
	Indicator datasets.Indicator
	Year      int
	Provinces [][]datasets.Unit
	Target    *float64
	View
}

// Comparison is the compare view.
type Comparison struct {
	Query struct {
		Indicator string   `json:"indicator"`
		Year      int      `json:"year"`
		Target    *float64 `json:"target"`
		Units     string   `json:"units"`
	} `json:"query"`
	Coverage       Coverage                `json:"coverage"`
	National       *analytics.Distribution `json:"national"`
	NationalNote   string                  `json:"national_note,omitempty"`
	Top10Threshold *analytics.Threshold    `json:"top10_threshold"`
	Direction      string                  `json:"direction"` // "higher_is_better", "lower_is_better" or "none"
	Method         string                  `json:"method"`
	Data           []CompareRow            `json:"data"`
}

// CompareMethod says how a comparison is computed.
const CompareMethod = "z-score with the sample standard deviation (n − 1) of the units with a value; percentile = share below plus half the share equal " +
	"when every province has a value, else from the published rank (100 × (N − rank) / (N − 1)) or the range of ranks the published ranks allow; " +
	"the top-10 threshold is the value of the province ranked 10th, or the interval between the nearest published ranks around 10, never the 10th of a partial list; " +
	"region = GSO socio-economic region (63-unit system); rank within the region derived from the national order of the published ranks (or values); " +
	"gaps are how far the value is from the threshold or target in the better direction, and are not given for an indicator without one"

// CompareOf compares provinces on one indicator and year: value, rank, z-score, percentile,
// the differences from the national median and mean and from the median of the province's
// region, its rank within the region, and the gap to the top-10 threshold or to a target.
func CompareOf(ctx context.Context, store *datasets.Store, s CompareSpec) (Comparison, error) {
	in, year := s.Indicator, s.Year
	var v Comparison
	v.Query.Indicator, v.Query.Year, v.Query.Target, v.Query.Units = in.ID, year, s.Target, s.Set
	v.Method = CompareMethod
	sec, err := sectionOf(ctx, store, s.View, in.ID, year)
	if err != nil {
		return Comparison{}, err
	}
	fd := sec.field
	units := fd.units
	hib, directed := Direction(in)
	v.Direction = DirectionName(in)
	national, byRegion := sec.spread()
	if national != nil {
		d := *national
		v.National = &d
		if !fd.complete() {
			v.NationalNote = fmt.Sprintf("mean, median and z-scores describe the %d of %d provinces with a value, not the whole field", fd.n, len(units))
		}
	}
	if directed {
		v.Top10Threshold = fd.threshold(10, hib)
	}
	v.Coverage = Coverage{fd.n, len(units)}
	var best, worst []int
	if !fd.complete() {
		best, worst = sec.rankBounds(hib)
	}
	for _, u := range selectUnits(units, s.Provinces) {
		row := CompareRow{Unit: Ref(u), Status: "no_data", Region: u.Region}
		if f, ok := sec.figure(u.ID); ok {
			row.Status, row.Value, row.Rank, row.RankOf, row.Verified = f.Status, f.Value, f.Rank, f.RankOf, f.Verified
		}
		if reg := byRegion[u.Region]; len(reg) > 0 {
			d, _ := analytics.NewDistribution(reg)
			row.RegionMedian, row.RegionN = &d.Median, d.N
		}
		i := fd.index(u.ID)
		if i >= 0 {
			row.Percentile, row.PercentileLow, row.PercentileHigh, row.PercentileBasis = fd.percentile(i, hib, v.National, best, worst)
			row.RegionRank = fd.regionRank(i, hib)
		}
		if x, ok := sec.value(u.ID); ok && v.National != nil {
			nat := v.National
			row.Z = finite(nat.Z(x))
			row.DiffNationalMedian = finite(x - nat.Median)
			row.DiffNationalMean = finite(x - nat.Mean)
			if row.RegionMedian != nil {
				row.DiffRegionMedian = finite(x - *row.RegionMedian)
			}
			if directed {
				row.GapToTop10, row.GapToTop10Low, row.GapToTop10High = topGap(v.Top10Threshold, x, row.Rank, hib)
				if s.Target != nil {
					row.GapToTarget = finite(gap(*s.Target, x, hib))
				}
			}
		}
		v.Data = append(v.Data, row)
	}
	v.Data = nonNil(v.Data)
	return v, nil
}

// topGap is how far x is from the top-10 threshold t in the better direction (0 within the
// top 10): a number when t is exact, a range when t is an interval.
func topGap(t *analytics.Threshold, x float64, rank *int, hib bool) (g, lo, hi *float64) {
	if rank != nil && *rank <= 10 {
		return new(0.0), nil, nil
	}
	switch {
	case t == nil:
		return nil, nil, nil
	case t.Exact != nil:
		return finite(max(gap(*t.Exact, x, hib), 0)), nil, nil
	case t.Kind == analytics.ThresholdInterval && t.Low != nil && t.High != nil:
		a, b := max(gap(*t.Low, x, hib), 0), max(gap(*t.High, x, hib), 0)
		return nil, finite(min(a, b)), finite(max(a, b))
	}
	return nil, nil, nil
}

// gap is how far x is from goal in the better direction.
func gap(goal, x float64, higherIsBetter bool) float64 {
	if higherIsBetter {
		return goal - x
	}
	return x - goal
}

// Table is the comparison as rows.
func (v Comparison) Table() Table {
	out := make([][]string, len(v.Data))
	for i, row := range v.Data {
		out[i] = []string{v.Query.Indicator, strconv.Itoa(v.Query.Year), row.Unit.ID, row.Unit.NameVI, row.Status, fmtFloat(row.Value), fmtInt(row.Rank),
			fmtInt(row.RankOf), fmtFloat(row.Z), fmtFloat(row.Percentile), fmtFloat(row.DiffNationalMedian), fmtFloat(row.DiffNationalMean),
			row.Region, fmtFloat(row.RegionMedian), fmtFloat(row.DiffRegionMedian), fmtFloat(row.GapToTop10), fmtFloat(row.GapToTarget)}
	}
	return Table{Name: "chiso-compare.csv", Header: []string{"indicator", "year", "unit_id", "name_vi", "status", "value", "rank", "rank_of", "z_score",
		"percentile", "diff_from_national_median", "diff_from_national_mean", "region", "region_median", "diff_from_region_median",
		"gap_to_top10", "gap_to_target"}, Rows: out}
}
