package report

import (
	"context"
	"strconv"

	"chiso/analytics"
	"chiso/datasets"
)

// A CompareRow is one province against the field on one indicator and year.
type CompareRow struct {
	Unit               UnitRef  `json:"unit"`
	Status             string   `json:"status"` // "published", "not_published" or "no_data"
	Value              *float64 `json:"value"`
	Rank               *int     `json:"rank"`
	RankOf             *int     `json:"rank_of"`
	Verified           bool     `json:"verified"`
	Z                  *float64 `json:"z_score"`
	Percentile         *float64 `json:"percentile"`
	DiffNationalMedian *float64 `json:"diff_from_national_median"`
	DiffNationalMean   *float64 `json:"diff_from_national_mean"`
	Region             string   `json:"region,omitempty"`
	RegionMedian       *float64 `json:"region_median"`
	RegionN            int      `json:"region_n"`
	DiffRegionMedian   *float64 `json:"diff_from_region_median"`
	GapToTop10         *float64 `json:"gap_to_top10"`  // how far from the 10th best value (0 when within the top 10)
	GapToTarget        *float64 `json:"gap_to_target"` // target − value (for lower-is-better: value − target)
}

// CompareSpec asks to compare provinces on one indicator in one year, optionally against a target.
type CompareSpec struct {
	Indicator datasets.Indicator
	Year      int
	Provinces [][]datasets.Unit
	Target    *float64
	Set       string
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
	Top10Threshold *float64                `json:"top10_threshold"`
	Method         string                  `json:"method"`
	Data           []CompareRow            `json:"data"`
}

// CompareOf compares provinces on one indicator and year: value, rank, z-score, percentile,
// the differences from the national median and mean and from the median of the province's
// region, and the gap to the top-10 threshold or to a target.
func CompareOf(ctx context.Context, store *datasets.Store, s CompareSpec) (Comparison, error) {
	in, year := s.Indicator, s.Year
	var v Comparison
	v.Query.Indicator, v.Query.Year, v.Query.Target, v.Query.Units = in.ID, year, s.Target, s.Set
	v.Method = "z-score with the sample standard deviation of the units with a value; percentile = share below plus half the share equal; " +
		"region = GSO socio-economic region (63-unit system); gaps are how far the value is from the threshold or target in the better direction"
	p, err := loadPanel(ctx, store, []string{in.ID}, year, year)
	if err != nil {
		return Comparison{}, err
	}
	units := store.Registry().Units(s.Set, year)
	all := p.values(in.ID, units, year)
	byRegion := map[string][]float64{}
	for _, u := range units {
		if x, ok := p.value(in.ID, u.ID, year); ok && u.Region != "" {
			byRegion[u.Region] = append(byRegion[u.Region], x)
		}
	}
	hib := higherIsBetter(in)
	if d, err := analytics.NewDistribution(all); err == nil {
		v.National = &d
		if t, ok := d.Threshold(10, hib); ok {
			v.Top10Threshold = &t
		}
	}
	v.Coverage = Coverage{len(all), len(units)}
	for _, u := range selectUnits(units, s.Provinces) {
		row := CompareRow{Unit: Ref(u), Status: "no_data", Region: u.Region}
		if f, ok := p.figure(in.ID, u.ID, year); ok {
			row.Status, row.Value, row.Rank, row.RankOf, row.Verified = f.Status, f.Value, f.Rank, f.RankOf, f.Verified
		}
		if reg := byRegion[u.Region]; len(reg) > 0 {
			d, _ := analytics.NewDistribution(reg)
			row.RegionMedian, row.RegionN = &d.Median, d.N
		}
		if x, ok := p.value(in.ID, u.ID, year); ok && v.National != nil {
			nat := v.National
			row.Z = finite(nat.Z(x))
			row.Percentile = finite(nat.Percentile(x))
			row.DiffNationalMedian = finite(x - nat.Median)
			row.DiffNationalMean = finite(x - nat.Mean)
			if row.RegionMedian != nil {
				row.DiffRegionMedian = finite(x - *row.RegionMedian)
			}
			if v.Top10Threshold != nil {
				row.GapToTop10 = finite(max(gap(*v.Top10Threshold, x, hib), 0))
			}
			if s.Target != nil {
				row.GapToTarget = finite(gap(*s.Target, x, hib))
			}
		}
		v.Data = append(v.Data, row)
	}
	v.Data = nonNil(v.Data)
	return v, nil
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
