package server

import (
	"log/slog"
	"net/http"
	"sort"
	"strconv"

	"chiso/analytics"
	"chiso/datasets"
)

type rankingRow struct {
	Unit        unitRef  `json:"unit"`
	Value       *float64 `json:"value"`
	Rank        *int     `json:"rank"`
	RankOf      *int     `json:"rank_of"`
	Percentile  *float64 `json:"rank_percentile"` // 100 for the first, 0 for the last
	Status      string   `json:"status"`
	Verified    bool     `json:"verified"`
	DerivedRank *int     `json:"derived_rank,omitempty"` // recomputed from the values (derived=true)
}

type moveJSON struct {
	Unit     unitRef `json:"unit"`
	FromRank int     `json:"from_rank"`
	ToRank   int     `json:"to_rank"`
	Change   int     `json:"change"` // places climbed (negative: fell)
}

// handleRankings lists one indicator's ranking for a year as published (ties as published,
// rank out of N), with percentiles; with derived=true also ranks recomputed from the values,
// labelled derived; with from_year the rank changes and the biggest movers up and down.
func handleRankings(logger *slog.Logger, store *datasets.Store) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		q := newQuery(r)
		in := q.indicator("indicator", store.Catalogue())
		year := q.requiredYear("year")
		fromYear := q.year("from_year")
		derived := q.boolean("derived", false)
		top := q.intIn("top", 10, 1, 100)
		set := q.unitSet()
		asCSV := q.csv()
		if q.err != nil {
			writeError(w, r, logger, q.err)
			return
		}
		if checkETag(w, r, store.Version(), "rankings-"+strconv.FormatBool(asCSV)) {
			return
		}
		lo := year
		if fromYear != 0 {
			lo = min(lo, fromYear)
		}
		p, err := loadPanel(r.Context(), store, []string{in.ID}, lo, max(year, fromYear))
		if err != nil {
			writeError(w, r, logger, err)
			return
		}
		units := universe(store.Registry(), set, year)
		var rows []rankingRow
		var values []float64
		var valued []int
		ranked := 0
		for _, u := range units {
			f, ok := p.figures[in.ID][u.ID][year]
			if !ok {
				continue
			}
			row := rankingRow{Unit: toUnitRef(u), Value: f.Value, Rank: f.Rank, RankOf: f.RankOf, Status: f.Status, Verified: f.Verified}
			if f.Rank != nil && f.RankOf != nil {
				pc := analytics.RankPercentile(*f.Rank, *f.RankOf)
				row.Percentile = &pc
				ranked++
			}
			if v, ok := p.value(in.ID, u.ID, year); ok {
				values = append(values, v)
				valued = append(valued, len(rows))
			}
			rows = append(rows, row)
		}
		derivedNote := ""
		if derived && len(values) > 0 {
			rk, err := analytics.CompetitionRanks(values, higherIsBetter(in))
			if err != nil {
				writeError(w, r, logger, err)
				return
			}
			for k, i := range valued {
				rows[i].DerivedRank = &rk[k]
			}
			derivedNote = "derived_rank is recomputed from the values chiso has for this year (competition ranking, ties share the best rank); it is not the publisher's rank"
			if len(values) < len(units) {
				derivedNote += " and covers only the units with a value"
			}
		}
		sort.SliceStable(rows, func(i, j int) bool { return rankKey(rows[i]) < rankKey(rows[j]) })
		if asCSV {
			out := make([][]string, len(rows))
			for i, row := range rows {
				out[i] = []string{in.ID, strconv.Itoa(year), row.Unit.ID, row.Unit.Code, row.Unit.NameVI, fmtFloat(row.Value),
					fmtInt(row.Rank), fmtInt(row.RankOf), fmtFloat(row.Percentile), row.Status, strconv.FormatBool(row.Verified), fmtInt(row.DerivedRank)}
			}
			writeCSV(w, "chiso-ranking.csv", []string{"indicator", "year", "unit_id", "code", "name_vi", "value", "rank", "rank_of",
				"rank_percentile", "status", "verified", "derived_rank"}, out)
			return
		}
		resp := map[string]any{
			"status": "success", "dataset_version": store.Version(),
			"query":    map[string]any{"indicator": in.ID, "year": year, "from_year": nullInt(fromYear), "derived": derived, "units": set},
			"method":   "ranks as published (ties share a rank, rank out of N as published); rank_percentile = 100 × (N − rank) / (N − 1)",
			"coverage": map[string]coverage{"ranked": {ranked, len(units)}, "valued": {len(values), len(units)}},
			"data":     nonNil(rows),
		}
		if derivedNote != "" {
			resp["derived_note"] = derivedNote
		}
		if fromYear != 0 {
			from, to := map[string]int{}, map[string]int{}
			for _, u := range units {
				if rk, _, ok := p.rank(in.ID, u.ID, fromYear); ok {
					from[u.ID] = rk
				}
				if rk, _, ok := p.rank(in.ID, u.ID, year); ok {
					to[u.ID] = rk
				}
			}
			moves := analytics.RankMoves(from, to)
			var up, down []moveJSON
			for _, m := range moves {
				u, _ := store.Registry().Unit(m.Key)
				mj := moveJSON{Unit: toUnitRef(u), FromRank: m.FromRank, ToRank: m.ToRank, Change: m.Change}
				if m.Change > 0 && len(up) < top {
					up = append(up, mj)
				}
			}
			for i := len(moves) - 1; i >= 0 && len(down) < top; i-- {
				if m := moves[i]; m.Change < 0 {
					u, _ := store.Registry().Unit(m.Key)
					down = append(down, moveJSON{Unit: toUnitRef(u), FromRank: m.FromRank, ToRank: m.ToRank, Change: m.Change})
				}
			}
			resp["movers"] = map[string]any{
				"from_year": fromYear, "to_year": year, "compared": len(moves),
				"up": nonNil(up), "down": nonNil(down),
				"note": "units ranked in both years; ranks as published, so a change can reflect a different number of ranked units",
			}
		}
		writeJSON(w, http.StatusOK, resp)
	})
}

// rankKey orders rows by published rank, then units without a rank by derived rank.
func rankKey(r rankingRow) int {
	switch {
	case r.Rank != nil:
		return *r.Rank
	case r.DerivedRank != nil:
		return 1000 + *r.DerivedRank
	default:
		return 1 << 20
	}
}

func nonNil[T any](s []T) []T {
	if s == nil {
		return []T{}
	}
	return s
}

type compareRow struct {
	Unit               unitRef  `json:"unit"`
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

// handleCompare compares provinces on one indicator and year: value, rank, z-score,
// percentile, the differences from the national median and mean and from the median of the
// province's region, and the gap to the top-10 threshold or to a target.
func handleCompare(logger *slog.Logger, store *datasets.Store) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		q := newQuery(r)
		in := q.indicator("indicator", store.Catalogue())
		year := q.requiredYear("year")
		provinces := q.provinces(store.Registry())
		if q.err == nil && len(provinces) == 0 {
			q.keep(&paramError{Param: "provinces", Want: "one or more province codes, slugs or names", Got: "nothing"})
		}
		target, hasTarget := q.float("target")
		set := q.unitSet()
		asCSV := q.csv()
		if q.err != nil {
			writeError(w, r, logger, q.err)
			return
		}
		if checkETag(w, r, store.Version(), "compare-"+strconv.FormatBool(asCSV)) {
			return
		}
		p, err := loadPanel(r.Context(), store, []string{in.ID}, year, year)
		if err != nil {
			writeError(w, r, logger, err)
			return
		}
		units := universe(store.Registry(), set, year)
		var all []float64
		byRegion := map[string][]float64{}
		for _, u := range units {
			if v, ok := p.value(in.ID, u.ID, year); ok {
				all = append(all, v)
				if u.Region != "" {
					byRegion[u.Region] = append(byRegion[u.Region], v)
				}
			}
		}
		hib := higherIsBetter(in)
		var nat *analytics.Distribution
		if d, err := analytics.NewDistribution(all); err == nil {
			nat = &d
		}
		var threshold *float64
		if nat != nil {
			if v, ok := nat.Threshold(10, hib); ok {
				threshold = &v
			}
		}
		var rows []compareRow
		for _, u := range selectUnits(units, provinces) {
			row := compareRow{Unit: toUnitRef(u), Status: "no_data", Region: u.Region}
			if f, ok := p.figures[in.ID][u.ID][year]; ok {
				row.Status, row.Value, row.Rank, row.RankOf, row.Verified = f.Status, f.Value, f.Rank, f.RankOf, f.Verified
			}
			if reg := byRegion[u.Region]; len(reg) > 0 {
				d, _ := analytics.NewDistribution(reg)
				row.RegionMedian, row.RegionN = &d.Median, d.N
			}
			if v, ok := p.value(in.ID, u.ID, year); ok && nat != nil {
				row.Z = finite(nat.Z(v))
				row.Percentile = finite(nat.Percentile(v))
				row.DiffNationalMedian = finite(v - nat.Median)
				row.DiffNationalMean = finite(v - nat.Mean)
				if row.RegionMedian != nil {
					row.DiffRegionMedian = finite(v - *row.RegionMedian)
				}
				if threshold != nil {
					gap := *threshold - v
					if !hib {
						gap = v - *threshold
					}
					row.GapToTop10 = finite(max(gap, 0))
				}
				if hasTarget {
					gap := target - v
					if !hib {
						gap = v - target
					}
					row.GapToTarget = finite(gap)
				}
			}
			rows = append(rows, row)
		}
		if asCSV {
			out := make([][]string, len(rows))
			for i, row := range rows {
				out[i] = []string{in.ID, strconv.Itoa(year), row.Unit.ID, row.Unit.NameVI, row.Status, fmtFloat(row.Value), fmtInt(row.Rank),
					fmtInt(row.RankOf), fmtFloat(row.Z), fmtFloat(row.Percentile), fmtFloat(row.DiffNationalMedian), fmtFloat(row.DiffNationalMean),
					row.Region, fmtFloat(row.RegionMedian), fmtFloat(row.DiffRegionMedian), fmtFloat(row.GapToTop10), fmtFloat(row.GapToTarget)}
			}
			writeCSV(w, "chiso-compare.csv", []string{"indicator", "year", "unit_id", "name_vi", "status", "value", "rank", "rank_of", "z_score",
				"percentile", "diff_from_national_median", "diff_from_national_mean", "region", "region_median", "diff_from_region_median",
				"gap_to_top10", "gap_to_target"}, out)
			return
		}
		resp := map[string]any{
			"status": "success", "dataset_version": store.Version(),
			"query":    map[string]any{"indicator": in.ID, "year": year, "target": finiteOrNil(target, hasTarget), "units": set},
			"coverage": coverage{len(all), len(units)},
			"national": nat, "top10_threshold": threshold,
			"method": "z-score with the sample standard deviation of the units with a value; percentile = share below plus half the share equal; " +
				"region = GSO socio-economic region (63-unit system); gaps are how far the value is from the threshold or target in the better direction",
			"data": nonNil(rows),
		}
		writeJSON(w, http.StatusOK, resp)
	})
}

func finiteOrNil(v float64, ok bool) *float64 {
	if !ok {
		return nil
	}
	return finite(v)
}
