package report

import (
	"context"
	"errors"
	"fmt"
	"sort"
	"strconv"
	"strings"

	"chiso/analytics"
	"chiso/datasets"
)

// ReadinessSet is the default set of a composite: the digital-readiness indicators.
var ReadinessSet = []string{"dti", "dti.digital_government", "dti.digital_economy", "dti.digital_society",
	"pci", "par_index", "papi", "grdp_per_capita"}

// CompositeSpec is a composite's parameters, from a query string or a JSON body. Nil
// pointers and empty strings take their defaults in Check.
type CompositeSpec struct {
	Indicators        []string  `json:"indicators"`
	Year              int       `json:"year"`
	Normalization     string    `json:"normalization"`
	Aggregation       string    `json:"aggregation"`
	Weights           []float64 `json:"weights"`
	Draws             *int      `json:"draws"`
	Seed              *uint64   `json:"seed"`
	Concentration     *float64  `json:"concentration"`
	VaryNormalization *bool     `json:"vary_normalization"`
	Partial           bool      `json:"partial"`
	Units             string    `json:"units"`
	Agg               string    `json:"agg"`
	// Directions gives "higher" or "lower" (is better) for indicators the catalogue gives no
	// direction (population, area); it may not contradict the catalogue.
	Directions map[string]string `json:"directions"`
}

// view is the figures the composite is computed on.
func (c *CompositeSpec) view() View { return View{Set: c.Units, Agg: c.Agg} }

// MaxDrawWork caps draws × units × indicators of one composite's Monte Carlo analysis.
const MaxDrawWork = 5_000_000

// MaxDraws is the largest number of Monte Carlo draws a composite may ask for.
const MaxDraws = 100000

// Check validates a spec and fills in the defaults it can without data.
func (c *CompositeSpec) Check(cat *datasets.Catalogue) error {
	for _, id := range c.Indicators {
		if _, ok := cat.Get(id); !ok {
			return &ParamError{Param: "indicators", Want: "known indicator ids", Got: Quote(id)}
		}
	}
	if c.Normalization == "" {
		c.Normalization = analytics.MinMax
	}
	if c.Normalization != analytics.MinMax && c.Normalization != analytics.ZScore {
		return &ParamError{Param: "normalization", Want: `"minmax" or "zscore"`, Got: Quote(c.Normalization)}
	}
	if c.Aggregation == "" {
		c.Aggregation = analytics.Arithmetic
	}
	if c.Aggregation != analytics.Arithmetic && c.Aggregation != analytics.Geometric {
		return &ParamError{Param: "aggregation", Want: `"arithmetic" or "geometric"`, Got: Quote(c.Aggregation)}
	}
	for _, w := range c.Weights {
		if !(w > 0) || w > 1e12 {
			return &ParamError{Param: "weights", Want: "positive numbers", Got: fmt.Sprint(c.Weights)}
		}
	}
	if c.Weights != nil && c.Indicators != nil && len(c.Weights) != len(c.Indicators) {
		return &ParamError{Param: "weights", Want: fmt.Sprintf("%d weights, one per indicator", len(c.Indicators)), Got: strconv.Itoa(len(c.Weights))}
	}
	if c.Draws == nil {
		c.Draws = new(1000)
	}
	if *c.Draws < 0 || *c.Draws > MaxDraws {
		return &ParamError{Param: "draws", Want: fmt.Sprintf("an integer in [0, %d]", MaxDraws), Got: strconv.Itoa(*c.Draws)}
	}
	if c.Seed == nil {
		c.Seed = new(uint64(1))
	}
	if c.Concentration == nil {
		c.Concentration = new(20.0)
	}
	if !(*c.Concentration > 0) || *c.Concentration > 1e6 {
		return &ParamError{Param: "concentration", Want: "a positive number", Got: fmt.Sprint(*c.Concentration)}
	}
	if c.VaryNormalization == nil {
		c.VaryNormalization = new(true)
	}
	for id, d := range c.Directions {
		in, ok := cat.Get(id)
		if !ok {
			return &ParamError{Param: "directions", Want: "known indicator ids", Got: Quote(id)}
		}
		if d != "higher" && d != "lower" {
			return &ParamError{Param: "directions", Want: `"higher" or "lower" for ` + id, Got: Quote(d)}
		}
		if hib, known := Direction(in); known && hib != (d == "higher") {
			return &ParamError{Param: "directions", Want: id + " as the catalogue has it (" + DirectionName(in) + ")", Got: Quote(d)}
		}
	}
	if c.Units != "" && c.Units != datasets.Set63 && c.Units != datasets.Set34 {
		return &ParamError{Param: "units", Want: `"63" or "34"`, Got: Quote(c.Units)}
	}
	return nil
}

// A CompositeRow is one province's composite score, rank and rank interval.
type CompositeRow struct {
	Unit    UnitRef  `json:"unit"`
	Score   float64  `json:"score"`
	Rank    int      `json:"rank"`
	Inputs  int      `json:"inputs"`            // indicators it was scored on
	Partial bool     `json:"partial,omitempty"` // scored on the inputs it has, weights renormalised over them
	Missing []string `json:"missing,omitempty"`
	*analytics.RankInterval
}

// A NotScored is a province left out of a composite, with the inputs it lacks.
type NotScored struct {
	Unit    UnitRef  `json:"unit"`
	Missing []string `json:"missing"`
}

// Composite is the composite view.
type Composite struct {
	Query struct {
		Indicators        []string          `json:"indicators"`
		Year              int               `json:"year"`
		Normalization     string            `json:"normalization"`
		Aggregation       string            `json:"aggregation"`
		Weights           []float64         `json:"weights"`
		Draws             int               `json:"draws"`
		Seed              uint64            `json:"seed"`
		Concentration     float64           `json:"concentration"`
		VaryNormalization bool              `json:"vary_normalization"`
		Partial           bool              `json:"partial"`
		Directions        map[string]string `json:"directions,omitempty"`
	} `json:"query"`
	Chosen    map[string]any `json:"chosen"`
	Coverage  Coverage       `json:"coverage"`
	Method    string         `json:"method"`
	NotScored []NotScored    `json:"not_scored"`
	Note      string         `json:"note,omitempty"`
	Data      []CompositeRow `json:"data"`
}

// uncertaintyMethod says how a composite's rank intervals are computed.
const uncertaintyMethod = "Uncertainty (OECD–JRC Handbook): in each draw the weights come from a Dirichlet distribution centred on the chosen weights " +
	"(concentration as given, default 20) and, if vary_normalization (default true), the normalisation is min–max or z-score with equal chance; " +
	"draws are seeded (default seed 1), so the same request gives the same intervals; median and 5–95% empirical quantiles of each province's rank over the draws"

// CompositeOf builds a composite readiness index from indicators for a year and runs its
// uncertainty analysis: scores, ranks, and each province's median rank and 5–95% rank
// interval over Monte Carlo draws of the weights and the normalisation. s must have passed Check.
func CompositeOf(ctx context.Context, store *datasets.Store, s CompositeSpec) (Composite, error) {
	cat := store.Catalogue()
	chosen, err := chooseComposite(ctx, store, &s)
	if err != nil {
		return Composite{}, err
	}
	m, err := yearMatrix(ctx, store, s.view(), s.Indicators, s.Year, s.Partial)
	if err != nil {
		return Composite{}, err
	}
	var v Composite
	q := &v.Query
	q.Indicators, q.Year, q.Normalization, q.Aggregation, q.Weights = s.Indicators, s.Year, s.Normalization, s.Aggregation, s.Weights
	q.Draws, q.Seed, q.Concentration, q.VaryNormalization, q.Partial = *s.Draws, *s.Seed, *s.Concentration, *s.VaryNormalization, s.Partial
	q.Directions = s.Directions
	spec := analytics.CompositeSpec{Normalization: s.Normalization, Aggregation: s.Aggregation, Weights: s.Weights, Partial: s.Partial}
	for _, id := range s.Indicators {
		in, _ := cat.Get(id)
		hib, known := Direction(in)
		if d, ok := s.Directions[id]; ok {
			hib, known = d == "higher", true
		}
		if !known {
			return Composite{}, &ParamError{Param: "directions", Want: fmt.Sprintf("a direction for %s, which has none in the catalogue (directions=%s:higher or %s:lower)", id, id, id), Got: "nothing"}
		}
		spec.HigherIsBetter = append(spec.HigherIsBetter, hib)
	}
	if work := *s.Draws * len(m.units) * len(s.Indicators); work > MaxDrawWork {
		return Composite{}, &ParamError{Param: "draws", Want: fmt.Sprintf("at most %d draws for %d provinces × %d indicators (draws × provinces × indicators ≤ %d)",
			MaxDrawWork/max(1, len(m.units)*len(s.Indicators)), len(m.units), len(s.Indicators), MaxDrawWork), Got: strconv.Itoa(*s.Draws)}
	}
	v.Chosen, v.Coverage, v.Method = chosen, Coverage{len(m.units), m.of}, spec.Method()+". "+uncertaintyMethod
	v.NotScored, v.Data = []NotScored{}, []CompositeRow{}
	for _, u := range store.Registry().Units(s.Units, s.Year) {
		if miss := m.missing[u.ID]; len(miss) > 0 && m.index(u.ID) < 0 {
			v.NotScored = append(v.NotScored, NotScored{Unit: Ref(u), Missing: miss})
		}
	}
	if len(m.units) < 2 {
		v.Note = "insufficient data: fewer than 2 provinces have the inputs for this year"
		return v, nil
	}
	res, err := analytics.CompositeIndex(m.data, spec)
	if err != nil {
		return Composite{}, compositeError(err, s.Indicators)
	}
	var intervals []analytics.RankInterval
	if *s.Draws > 0 {
		intervals, err = analytics.CompositeUncertainty(m.data, spec, analytics.UncertaintySpec{
			Draws: *s.Draws, Seed: *s.Seed, Concentration: *s.Concentration, VaryNormalization: *s.VaryNormalization, Done: ctx.Done()})
		if errors.Is(err, analytics.ErrStopped) {
			return Composite{}, ctx.Err()
		}
		if err != nil {
			return Composite{}, compositeError(err, s.Indicators)
		}
	}
	v.Data = make([]CompositeRow, len(m.units))
	for i, u := range m.units {
		row := CompositeRow{Unit: Ref(u), Score: res.Scores[i], Rank: res.Ranks[i], Inputs: res.Inputs[i], Missing: m.missing[u.ID]}
		row.Partial = len(row.Missing) > 0
		if intervals != nil {
			row.RankInterval = &intervals[i]
		}
		v.Data[i] = row
	}
	sort.SliceStable(v.Data, func(a, b int) bool { return v.Data[a].Rank < v.Data[b].Rank })
	return v, nil
}

// compositeError names the indicator an analytics error is about.
func compositeError(err error, indicators []string) error {
	var ce *analytics.ColumnError
	if errors.As(err, &ce) && ce.Column >= 0 && ce.Column < len(indicators) {
		return &ParamError{Param: "indicators", Want: "indicators whose values differ across at least two provinces in the year",
			Got: fmt.Sprintf("%s with %d value(s) that cannot be normalised (%v)", indicators[ce.Column], ce.Values, ce.Err)}
	}
	return err
}

// chooseComposite fills in the indicators and year a spec left out and says what it chose:
// by default the digital-readiness indicators that have figures for at least half of the
// provinces in the latest year in which two or more of them do.
func chooseComposite(ctx context.Context, store *datasets.Store, s *CompositeSpec) (map[string]any, error) {
	if s.Indicators != nil && s.Year != 0 {
		return map[string]any{"by": "request"}, nil
	}
	cands := s.Indicators
	if cands == nil {
		cands = ReadinessSet
	}
	p, err := loadPanel(ctx, store, s.view(), cands, 0, 0)
	if err != nil {
		return nil, err
	}
	years := map[int]bool{}
	for _, id := range cands {
		for _, y := range p.years(id, 0, 0) {
			if s.Year == 0 || y == s.Year {
				years[y] = true
			}
		}
	}
	ys := make([]int, 0, len(years))
	for y := range years {
		ys = append(ys, y)
	}
	sort.Sort(sort.Reverse(sort.IntSlice(ys)))
	need := 2
	if s.Indicators != nil {
		need = len(s.Indicators) // the user's own set: all of it must qualify
	}
	for _, y := range ys {
		units := store.Registry().Units(s.Units, y)
		var ok []string
		counts := map[string]int{}
		for _, id := range cands {
			counts[id] = len(p.values(id, units, y))
			if 2*counts[id] >= len(units) {
				ok = append(ok, id)
			}
		}
		if len(ok) >= need && len(ok) > 0 {
			if s.Weights != nil && len(s.Weights) != len(ok) {
				return nil, &ParamError{Param: "weights", Want: fmt.Sprintf("%d weights, one per chosen indicator (%s)", len(ok), strings.Join(ok, ", ")), Got: strconv.Itoa(len(s.Weights))}
			}
			s.Indicators, s.Year = ok, y
			return map[string]any{
				"by": "default", "year": y, "indicators": ok, "coverage_by_indicator": counts,
				"reason": fmt.Sprintf("the latest year in which at least %d of the candidate indicators (%s) have figures for at least half of the %d provinces",
					need, strings.Join(cands, ", "), len(units)),
			}, nil
		}
	}
	return nil, &ParamError{Param: "indicators", Want: "indicators with figures for at least half of the provinces in some year",
		Got: strings.Join(cands, ", ")}
}

// Table is the composite as rows.
func (v Composite) Table() Table {
	out := make([][]string, len(v.Data))
	for i, row := range v.Data {
		out[i] = []string{strconv.Itoa(v.Query.Year), row.Unit.ID, row.Unit.NameVI, ftoa(row.Score), strconv.Itoa(row.Rank),
			strconv.FormatBool(row.Partial), strings.Join(row.Missing, ";"), "", "", ""}
		if ri := row.RankInterval; ri != nil {
			out[i][7], out[i][8], out[i][9] = ftoa(ri.Median), ftoa(ri.P05), ftoa(ri.P95)
		}
	}
	return Table{Name: "chiso-composite.csv", Header: []string{"year", "unit_id", "name_vi", "score", "rank", "partial", "missing",
		"median_rank", "rank_p05", "rank_p95"}, Rows: out}
}
