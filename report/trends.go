package report

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"sort"
	"strconv"

	"chiso/analytics"
	"chiso/datasets"
)

// A Window is the span a trend covers, and why.
type Window struct {
	From    int    `json:"from"`
	To      int    `json:"to"`
	Note    string `json:"note,omitempty"`    // the window was cut at a methodology break
	Warning string `json:"warning,omitempty"` // the trend spans a methodology break
}

// TrendWindow returns the span of the trend of indicator in from..to: by default the years
// since the last methodology break inside the span; with acrossBreaks the whole span, with a
// warning. This is the one home of that rule (API trends, profile statements, chart trend lines).
func TrendWindow(in datasets.Indicator, from, to int, acrossBreaks bool) Window {
	w := Window{From: from, To: to}
	for _, b := range in.Breaks {
		if b.Kind != "method" || b.Year <= from || b.Year > to {
			continue
		}
		if acrossBreaks {
			w.Warning = fmt.Sprintf("the trend spans a change of method in %d (%s); figures before and after may not be comparable", b.Year, b.Note)
			continue
		}
		w.From = b.Year
		w.Note = fmt.Sprintf("%s's method changed in %d (%s); the trend covers %d–%d. across_breaks=true computes over %d–%d.",
			in.ID, b.Year, b.Note, b.Year, to, from, to)
	}
	return w
}

// A UnitTrend is one unit's trend on one indicator.
type UnitTrend struct {
	Unit       UnitRef          `json:"unit"`
	Value      *analytics.Trend `json:"value"`
	ValueNote  string           `json:"value_note,omitempty"`
	Rank       *analytics.Trend `json:"rank"`
	RankNote   string           `json:"rank_note,omitempty"`
	RankChange *int             `json:"rank_change"` // places climbed from the first to the last year with a rank
	FasterThan *Coverage        `json:"faster_than"` // units with a smaller OLS slope, of the units with a trend
}

// IndicatorTrends are the trends of every unit (or the wanted ones) on one indicator.
type IndicatorTrends struct {
	Indicator string      `json:"indicator"`
	Window    Window      `json:"window"`
	Coverage  Coverage    `json:"coverage"` // units with a value trend, of the units in force at the end of the window
	Asked     int         `json:"asked,omitempty"`
	Data      []UnitTrend `json:"data"`
	NoFigures []NoFigure  `json:"no_figures,omitempty"` // provinces asked for without a figure in the window
}

// A NoFigure is a province asked for that has no figure to compute a trend from, and why.
type NoFigure struct {
	Unit   UnitRef `json:"unit"`
	Reason string  `json:"reason"`
}

// TrendsSpec asks for the trends of indicators (none: all) over from..to (0: open).
type TrendsSpec struct {
	Indicators   []string
	Provinces    [][]datasets.Unit
	From, To     int
	AcrossBreaks bool
	View
}

// Trends is the trends view.
type Trends struct {
	Query struct {
		Indicators   []string `json:"indicators"`
		Provinces    []string `json:"provinces,omitempty"`
		From         *int     `json:"from"`
		To           *int     `json:"to"`
		AcrossBreaks bool     `json:"across_breaks"`
		Units        string   `json:"units"`
	} `json:"query"`
	Method  string            `json:"method"`
	Results []IndicatorTrends `json:"results"`
}

// TrendsMethod says how trends are computed.
var TrendsMethod = "OLS slope per year with a 95% confidence interval (Student t, n−2 df); Theil–Sen slope; Mann–Kendall test: exact p-value for " +
	fmt.Sprintf("3–%d years without ties, otherwise the normal approximation with tie and continuity corrections (p_method says which); ", analytics.MaxExactMannKendall) +
	fmt.Sprintf("at least %d years; the rank trend is of the published rank number, so a negative slope is an improvement", analytics.MinTrendPoints)

// TrendsOf computes the trend of each province on each indicator: OLS slope with its 95%
// confidence interval, R², Theil–Sen, Mann–Kendall, change, percent change and, for levels,
// CAGR; the same for the published rank; and how the slope compares with every other unit's.
func TrendsOf(ctx context.Context, store *datasets.Store, s TrendsSpec) (Trends, error) {
	cat := store.Catalogue()
	inds := s.Indicators
	if len(inds) == 0 {
		inds = cat.IDs()
	}
	var v Trends
	v.Query.Indicators, v.Query.From, v.Query.To, v.Query.AcrossBreaks, v.Query.Units = inds, nullInt(s.From), nullInt(s.To), s.AcrossBreaks, s.Set
	for _, chain := range s.Provinces {
		v.Query.Provinces = append(v.Query.Provinces, chain[len(chain)-1].ID)
	}
	v.Method = TrendsMethod
	p, err := loadPanel(ctx, store, s.View, inds, s.From, s.To)
	if err != nil {
		return Trends{}, err
	}
	want := wanted(s.Provinces)
	for _, id := range inds {
		in, _ := cat.Get(id)
		res, ok := trendsOf(p, store.Registry(), in, s.From, s.To, s.AcrossBreaks, want, s.Set)
		if !ok {
			continue
		}
		res.Asked = len(s.Provinces)
		for _, chain := range s.Provinces {
			if !slices.ContainsFunc(res.Data, func(t UnitTrend) bool {
				return slices.ContainsFunc(chain, func(u datasets.Unit) bool { return u.ID == t.Unit.ID })
			}) {
				u, ok := unitFor(chain, s.Set, datasets.YearEnd(res.Window.To))
				if !ok {
					u = chain[len(chain)-1]
				}
				res.NoFigures = append(res.NoFigures, NoFigure{Unit: Ref(u),
					Reason: fmt.Sprintf("no figure of %s in %d–%d", in.ID, res.Window.From, res.Window.To)})
			}
		}
		v.Results = append(v.Results, res)
	}
	return v, nil
}

// trendsOf computes the trends of one indicator for every unit with figures (or the wanted ones).
func trendsOf(p *panel, reg *datasets.Registry, in datasets.Indicator, from, to int, across bool, want map[string]bool, set string) (IndicatorTrends, bool) {
	byUnit := p.figures[in.ID]
	if len(byUnit) == 0 {
		return IndicatorTrends{}, false
	}
	lo, hi := from, to
	if ys := p.years(in.ID, 0, 0); len(ys) > 0 {
		if lo == 0 {
			lo = ys[0]
		}
		if hi == 0 {
			hi = ys[len(ys)-1]
		}
	}
	win := TrendWindow(in, lo, hi, across)
	res := IndicatorTrends{Indicator: in.ID, Window: win}
	res.Coverage.Of = len(reg.Units(set, win.To))
	level := in.Measure == "level"
	ids := make([]string, 0, len(byUnit))
	for id := range byUnit {
		ids = append(ids, id)
	}
	sort.Strings(ids)
	slopes := map[string]float64{}
	var all []UnitTrend
	for _, id := range ids {
		u, _ := reg.Unit(id)
		if set != "" && u.Set != set {
			continue
		}
		var xv, yv, xr, yr []float64
		firstRank, lastRank, firstRankYear, lastRankYear := 0, 0, 1<<30, 0
		for y := range byUnit[id] {
			if y < win.From || y > win.To {
				continue
			}
			if v, ok := p.value(in.ID, id, y); ok {
				xv, yv = append(xv, float64(y)), append(yv, v)
			}
			if rk, _, ok := p.rank(in.ID, id, y); ok {
				xr, yr = append(xr, float64(y)), append(yr, float64(rk))
				if y < firstRankYear {
					firstRank, firstRankYear = rk, y
				}
				if y > lastRankYear {
					lastRank, lastRankYear = rk, y
				}
			}
		}
		if len(xv) == 0 && len(xr) == 0 {
			continue
		}
		t := UnitTrend{Unit: Ref(u)}
		t.Value, t.ValueNote = trendOrNote(xv, yv, level)
		t.Rank, t.RankNote = trendOrNote(xr, yr, false)
		if lastRankYear > firstRankYear {
			t.RankChange = new(firstRank - lastRank)
		}
		if t.Value != nil {
			slopes[id] = t.Value.Slope
			res.Coverage.N++
		}
		all = append(all, t)
	}
	sorted := make([]float64, 0, len(slopes))
	for _, s := range slopes {
		sorted = append(sorted, s)
	}
	slices.Sort(sorted)
	for i := range all {
		s, ok := slopes[all[i].Unit.ID]
		if !ok {
			continue
		}
		below, _ := slices.BinarySearch(sorted, s) // the units with a strictly smaller slope
		all[i].FasterThan = &Coverage{N: below, Of: len(slopes) - 1}
	}
	res.Data = []UnitTrend{}
	for _, t := range all {
		if len(want) == 0 || want[t.Unit.ID] {
			res.Data = append(res.Data, t)
		}
	}
	return res, true
}

// trendOrNote computes a trend, or says why there is none.
func trendOrNote(x, y []float64, level bool) (*analytics.Trend, string) {
	s, err := analytics.NewSeries(x, y)
	if err != nil {
		return nil, err.Error()
	}
	t, err := analytics.ComputeTrend(s, level)
	if errors.Is(err, analytics.ErrInsufficientData) {
		return nil, fmt.Sprintf("insufficient data: %d years with a figure, a trend needs %d", len(x), analytics.MinTrendPoints)
	}
	if err != nil {
		return nil, err.Error()
	}
	return &t, ""
}

// Table is the trends as rows, one per unit and indicator.
func (v Trends) Table() Table {
	var rows [][]string
	for _, res := range v.Results {
		for _, t := range res.Data {
			row := []string{res.Indicator, strconv.Itoa(res.Window.From), strconv.Itoa(res.Window.To), t.Unit.ID, t.Unit.NameVI}
			if tv := t.Value; tv != nil {
				row = append(row, strconv.Itoa(tv.N), ftoa(tv.Slope), ftoa(tv.SlopeLow), ftoa(tv.SlopeHigh), fmtFloat(tv.R2), ftoa(tv.TheilSen),
					strconv.Itoa(tv.MannKendall.S), ftoa(tv.MannKendall.P), ftoa(tv.Change), fmtFloat(tv.PctChange), fmtFloat(tv.CAGR))
			} else {
				row = append(row, "0", "", "", "", "", "", "", "", "", "", "")
			}
			rankSlope := ""
			if t.Rank != nil {
				rankSlope = ftoa(t.Rank.Slope)
			}
			fast, of := "", ""
			if t.FasterThan != nil {
				fast, of = strconv.Itoa(t.FasterThan.N), strconv.Itoa(t.FasterThan.Of)
			}
			rows = append(rows, append(row, rankSlope, fmtInt(t.RankChange), fast, of, t.ValueNote, res.Window.Note+res.Window.Warning))
		}
	}
	return Table{Name: "chiso-trends.csv", Header: []string{"indicator", "from", "to", "unit_id", "name_vi", "n", "slope", "slope_ci_low", "slope_ci_high",
		"r2", "theil_sen_slope", "mann_kendall_s", "mann_kendall_p", "change", "pct_change", "cagr_pct", "rank_slope", "rank_change",
		"faster_than", "of", "note", "window_note"}, Rows: rows}
}
