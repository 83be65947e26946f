package report

import (
	"cmp"
	"context"
	"fmt"
	"math"
	"slices"
	"strconv"
	"sync"

	"chiso/analytics"
	"chiso/datasets"
)

// A RankingRow is one unit's place in a ranking.
type RankingRow struct {
	Unit        UnitRef     `json:"unit"`
	Value       *float64    `json:"value"`
	Rank        *int        `json:"rank"`
	RankOf      *int        `json:"rank_of"`
	Percentile  *float64    `json:"rank_percentile"` // 100 for the first, 0 for the last
	Status      string      `json:"status"`
	Verified    bool        `json:"verified"`
	DerivedRank *int        `json:"derived_rank,omitempty"` // recomputed from the values (derived=true)
	Derived     bool        `json:"derived"`                // the 34-unit view: value and rank derived from the predecessors
	RegionRank  *RegionRank `json:"region_rank,omitempty"`  // rank among the provinces of its region (derived)
}

// A MoveRow is one unit's change of rank between two years.
type MoveRow struct {
	Unit     UnitRef `json:"unit"`
	FromRank int     `json:"from_rank"`
	ToRank   int     `json:"to_rank"`
	Change   int     `json:"change"` // places climbed (negative: fell)
}

// Movers are the biggest changes of published rank between two years.
type Movers struct {
	FromYear int       `json:"from_year"`
	ToYear   int       `json:"to_year"`
	Compared int       `json:"compared"`
	Up       []MoveRow `json:"up"`
	Down     []MoveRow `json:"down"`
	Note     string    `json:"note"`
}

// RankingSpec asks for one indicator's ranking in Year; with FromYear, its movers since then.
type RankingSpec struct {
	Indicator datasets.Indicator
	Year      int
	FromYear  int
	Derived   bool
	Top       int
	View
}

// Ranking is the rankings view.
type Ranking struct {
	Query struct {
		Indicator string `json:"indicator"`
		Year      int    `json:"year"`
		FromYear  *int   `json:"from_year"`
		Derived   bool   `json:"derived"`
		Units     string `json:"units"`
	} `json:"query"`
	Method      string              `json:"method"`
	Coverage    map[string]Coverage `json:"coverage"`
	Data        []RankingRow        `json:"data"`
	DerivedNote string              `json:"derived_note,omitempty"`
	Movers      *Movers             `json:"movers,omitempty"`
}

// RankingOf lists one indicator's ranking for a year as published (ties as published, rank
// out of N), with percentiles; with Derived also ranks recomputed from the values, labelled
// derived; with FromYear the rank changes and the biggest movers up and down.
func RankingOf(ctx context.Context, store *datasets.Store, s RankingSpec) (Ranking, error) {
	in, year := s.Indicator, s.Year
	var v Ranking
	v.Query.Indicator, v.Query.Year, v.Query.FromYear, v.Query.Derived, v.Query.Units = in.ID, year, nullInt(s.FromYear), s.Derived, s.Set
	v.Method = "ranks as published (ties share a rank, rank out of N as published); rank_percentile = 100 × (N − rank) / (N − 1)"
	// The two years' sections are read at once: each may be a query.
	var since *section
	var sinceErr error
	var wg sync.WaitGroup
	if s.FromYear != 0 && s.FromYear != year {
		wg.Go(func() { since, sinceErr = sectionOf(ctx, store, s.View, in.ID, s.FromYear) })
	}
	sec, err := sectionOf(ctx, store, s.View, in.ID, year)
	wg.Wait()
	if err = cmp.Or(err, sinceErr); err != nil {
		return Ranking{}, err
	}
	if since == nil {
		since = sec
	}
	fd := sec.field
	units := fd.units
	regionRanks := fd.regionRanks(orderOf(in))
	values, valued := make([]float64, 0, fd.n), make([]int, 0, fd.n)
	v.Data = make([]RankingRow, 0, len(units))
	ranked := 0
	for i, u := range units {
		f, ok := sec.figs.at(i)
		if !ok {
			continue
		}
		row := RankingRow{Unit: Ref(u), Value: f.Value, Rank: f.Rank, RankOf: f.RankOf, Status: f.Status, Verified: f.Verified,
			Derived: sec.figs.derived(i), RegionRank: regionRanks[i]}
		if row.Derived {
			v.DerivedNote = "units=34: values derived from the predecessors' published figures and ranks recomputed among the derived values " +
				"(a derived ranking of the 34, not the publisher's); " + DerivedMethod
		}
		if f.Rank != nil && f.RankOf != nil {
			row.Percentile = new(analytics.RankPercentile(*f.Rank, *f.RankOf))
			ranked++
		}
		if x := fd.values[i]; !math.IsNaN(x) {
			values = append(values, x)
			valued = append(valued, len(v.Data))
		}
		v.Data = append(v.Data, row)
	}
	if s.Derived && len(values) > 0 {
		rk, err := analytics.CompetitionRanks(values, orderOf(in))
		if err != nil {
			return Ranking{}, err
		}
		for k, i := range valued {
			v.Data[i].DerivedRank = &rk[k]
		}
		v.DerivedNote = "derived_rank is recomputed from the values chiso has for this year (competition ranking, ties share the best rank); it is not the publisher's rank"
		if len(values) < len(units) {
			v.DerivedNote += " and covers only the units with a value"
		}
	}
	slices.SortStableFunc(v.Data, compareRankRows)
	v.Data = nonNil(v.Data)
	v.Coverage = map[string]Coverage{"ranked": {ranked, len(units)}, "valued": {len(values), len(units)}}
	if s.FromYear != 0 {
		rankIn := func(unit string, y int) (int, bool) {
			if y == year {
				return sec.rank(unit)
			}
			return since.rank(unit)
		}
		m := movers(rankIn, store.Registry(), units, s.FromYear, year, s.Top)
		v.Movers = &m
	}
	return v, nil
}

// movers compares the published ranks of units in two years (rankIn: a unit's rank in a year)
// and lists the top biggest climbs and falls. This is the one home of the movers rule
// (rankings API and overview page).
func movers(rankIn func(unit string, year int) (int, bool), reg *datasets.Registry, units []datasets.Unit, fromYear, toYear, top int) Movers {
	from, to := make(map[string]int, len(units)), make(map[string]int, len(units))
	for _, u := range units {
		if rk, ok := rankIn(u.ID, fromYear); ok {
			from[u.ID] = rk
		}
		if rk, ok := rankIn(u.ID, toYear); ok {
			to[u.ID] = rk
		}
	}
	moves := analytics.RankMoves(from, to)
	row := func(m analytics.Move) MoveRow {
		u, _ := reg.Unit(m.Key)
		return MoveRow{Unit: Ref(u), FromRank: m.FromRank, ToRank: m.ToRank, Change: m.Change}
	}
	out := Movers{FromYear: fromYear, ToYear: toYear, Compared: len(moves), Up: []MoveRow{}, Down: []MoveRow{},
		Note: fmt.Sprintf("units ranked in both years; ranks as published, so a change can reflect a different number of ranked units; the %d biggest moves each way, with every move tied with the last", top)}
	up, down := analytics.TopMoves(moves, top)
	for _, m := range up {
		out.Up = append(out.Up, row(m))
	}
	for _, m := range down {
		out.Down = append(out.Down, row(m))
	}
	return out
}

// compareRankRows orders rows by published rank, then the units without one by derived rank,
// then the rest (ties keep their order: the sort is stable).
func compareRankRows(a, b RankingRow) int {
	group := func(r RankingRow) (int, int) {
		switch {
		case r.Rank != nil:
			return 0, *r.Rank
		case r.DerivedRank != nil:
			return 1, *r.DerivedRank
		default:
			return 2, 0
		}
	}
	ga, ra := group(a)
	gb, rb := group(b)
	return cmp.Or(cmp.Compare(ga, gb), cmp.Compare(ra, rb))
}

// Table is the ranking as rows.
func (v Ranking) Table() Table {
	out := make([][]string, len(v.Data))
	for i, row := range v.Data {
		out[i] = []string{v.Query.Indicator, strconv.Itoa(v.Query.Year), row.Unit.ID, row.Unit.Code, row.Unit.NameVI, fmtFloat(row.Value),
			fmtInt(row.Rank), fmtInt(row.RankOf), fmtFloat(row.Percentile), row.Status, strconv.FormatBool(row.Verified), fmtInt(row.DerivedRank)}
	}
	return Table{Name: "chiso-ranking.csv", Header: []string{"indicator", "year", "unit_id", "code", "name_vi", "value", "rank", "rank_of",
		"rank_percentile", "status", "verified", "derived_rank"}, Rows: out}
}
