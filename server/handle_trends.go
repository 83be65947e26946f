package server

import (
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"sort"
	"strconv"

	"chiso/analytics"
	"chiso/datasets"
)

// trendWindow is the span a trend covers, and why.
type trendWindow struct {
	From    int    `json:"from"`
	To      int    `json:"to"`
	Note    string `json:"note,omitempty"`    // the window was cut at a methodology break
	Warning string `json:"warning,omitempty"` // the trend spans a methodology break
}

// window returns the span of the trend of indicator in from..to: by default the years since the
// last methodology break inside the span; with acrossBreaks the whole span, with a warning.
func window(in datasets.Indicator, from, to int, acrossBreaks bool) trendWindow {
	w := trendWindow{From: from, To: to}
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

type trendJSON struct {
	Unit       unitRef          `json:"unit"`
	Value      *analytics.Trend `json:"value"`
	ValueNote  string           `json:"value_note,omitempty"`
	Rank       *analytics.Trend `json:"rank"`
	RankNote   string           `json:"rank_note,omitempty"`
	RankChange *int             `json:"rank_change"` // places climbed from the first to the last year with a rank
	FasterThan *coverage        `json:"faster_than"` // units with a smaller OLS slope, of the units with a trend
}

type indicatorTrends struct {
	Indicator string      `json:"indicator"`
	Window    trendWindow `json:"window"`
	Coverage  coverage    `json:"coverage"` // units with a value trend, of the units with any figure in the window
	Data      []trendJSON `json:"data"`
}

// handleTrends computes the trend of each province on each indicator: OLS slope with its 95%
// confidence interval, R², Theil–Sen, Mann–Kendall, change, percent change and, for levels,
// CAGR; the same for the published rank; and how the slope compares with every other unit's.
func handleTrends(logger *slog.Logger, store *datasets.Store) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		q := newQuery(r)
		cat := store.Catalogue()
		inds := q.indicators(cat)
		provinces := q.provinces(store.Registry())
		from, to := q.yearRange()
		across := q.boolean("across_breaks", false)
		asCSV := q.csv()
		if q.err != nil {
			writeError(w, r, logger, q.err)
			return
		}
		if len(inds) == 0 {
			inds = cat.IDs()
		}
		if checkETag(w, r, store.Version(), "trends-"+strconv.FormatBool(asCSV)) {
			return
		}
		p, err := loadPanel(r.Context(), store, inds, from, to)
		if err != nil {
			writeError(w, r, logger, err)
			return
		}
		want := wanted(provinces)
		var results []indicatorTrends
		for _, id := range inds {
			in, _ := cat.Get(id)
			res, ok := trendsOf(p, store.Registry(), in, from, to, across, want)
			if ok {
				results = append(results, res)
			}
		}
		if asCSV {
			writeTrendsCSV(w, results)
			return
		}
		writeJSON(w, http.StatusOK, map[string]any{
			"status": "success", "dataset_version": store.Version(),
			"query": map[string]any{"indicators": inds, "from": nullInt(from), "to": nullInt(to), "across_breaks": across},
			"method": "OLS slope per year with a 95% confidence interval (Student t, n−2 df); Theil–Sen slope; Mann–Kendall test with tie correction (normal approximation, continuity correction); " +
				fmt.Sprintf("at least %d years; the rank trend is of the published rank number, so a negative slope is an improvement", analytics.MinTrendPoints),
			"results": results,
		})
	})
}

// trendsOf computes the trends of one indicator for every unit with figures (or the wanted ones).
func trendsOf(p *panel, reg *datasets.Registry, in datasets.Indicator, from, to int, across bool, want map[string]bool) (indicatorTrends, bool) {
	byUnit := p.figures[in.ID]
	if len(byUnit) == 0 {
		return indicatorTrends{}, false
	}
	lo, hi := from, to
	if lo == 0 || hi == 0 {
		first, last := 1<<30, 0
		for _, years := range byUnit {
			for y := range years {
				first, last = min(first, y), max(last, y)
			}
		}
		if lo == 0 {
			lo = first
		}
		if hi == 0 {
			hi = last
		}
	}
	win := window(in, lo, hi, across)
	res := indicatorTrends{Indicator: in.ID, Window: win}
	level := in.Measure == "level"
	var ids []string
	for id := range byUnit {
		ids = append(ids, id)
	}
	sort.Strings(ids)
	slopes := map[string]float64{}
	var all []trendJSON
	for _, id := range ids {
		u, _ := reg.Unit(id)
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
		res.Coverage.Of++
		t := trendJSON{Unit: toUnitRef(u)}
		t.Value, t.ValueNote = trendOrNote(xv, yv, level)
		t.Rank, t.RankNote = trendOrNote(xr, yr, false)
		if lastRankYear > firstRankYear {
			c := firstRank - lastRank
			t.RankChange = &c
		}
		if t.Value != nil {
			slopes[id] = t.Value.Slope
			res.Coverage.N++
		}
		all = append(all, t)
	}
	for i := range all {
		s, ok := slopes[all[i].Unit.ID]
		if !ok {
			continue
		}
		fc := coverage{Of: len(slopes) - 1}
		for id, o := range slopes {
			if id != all[i].Unit.ID && o < s {
				fc.N++
			}
		}
		all[i].FasterThan = &fc
	}
	for _, t := range all {
		if len(want) == 0 || want[t.Unit.ID] {
			res.Data = append(res.Data, t)
		}
	}
	if res.Data == nil {
		res.Data = []trendJSON{}
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

func writeTrendsCSV(w http.ResponseWriter, results []indicatorTrends) {
	var rows [][]string
	for _, res := range results {
		for _, t := range res.Data {
			row := []string{res.Indicator, strconv.Itoa(res.Window.From), strconv.Itoa(res.Window.To), t.Unit.ID, t.Unit.NameVI}
			if v := t.Value; v != nil {
				row = append(row, strconv.Itoa(v.N), ftoa(v.Slope), ftoa(v.SlopeLow), ftoa(v.SlopeHigh), fmtFloat(v.R2), ftoa(v.TheilSen),
					strconv.Itoa(v.MannKendall.S), ftoa(v.MannKendall.P), ftoa(v.Change), fmtFloat(v.PctChange), fmtFloat(v.CAGR))
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
	writeCSV(w, "chiso-trends.csv", []string{"indicator", "from", "to", "unit_id", "name_vi", "n", "slope", "slope_ci_low", "slope_ci_high",
		"r2", "theil_sen_slope", "mann_kendall_s", "mann_kendall_p", "change", "pct_change", "cagr_pct", "rank_slope", "rank_change",
		"faster_than", "of", "note", "window_note"}, rows)
}

func ftoa(v float64) string { return strconv.FormatFloat(v, 'f', -1, 64) }
