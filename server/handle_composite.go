package server

import (
	"encoding/json"

	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/url"
	"slices"
	"sort"
	"strconv"
	"strings"

	"chiso/analytics"
	"chiso/datasets"
)

// readinessSet is the default set of a composite: the digital-readiness indicators.
var readinessSet = []string{"dti", "dti.digital_government", "dti.digital_economy", "dti.digital_society",
	"pci", "par_index", "papi", "grdp_per_capita"}

// compositeRequest is a composite's parameters, from the query string or a JSON body.
type compositeRequest struct {
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
}

func compositeFromQuery(q url.Values, cat *datasets.Catalogue) (compositeRequest, error) {
	var c compositeRequest
	var err error
	if q.Get("indicators") != "" {
		if c.Indicators, err = parseIndicatorList(q, "indicators", cat, 1); err != nil {
			return c, err
		}
	}
	if c.Year, err = parseYear(q, "year"); err != nil {
		return c, err
	}
	c.Normalization, c.Aggregation = q.Get("normalization"), q.Get("aggregation")
	for _, s := range splitList(q.Get("weights")) {
		w, err := strconv.ParseFloat(s, 64)
		if err != nil {
			return c, &paramError{Param: "weights", Want: "positive numbers, comma-separated", Got: strconv.Quote(q.Get("weights"))}
		}
		c.Weights = append(c.Weights, w)
	}
	if q.Has("draws") {
		d, err := parseInt(q, "draws", 1000, 0, 100000)
		if err != nil {
			return c, err
		}
		c.Draws = &d
	}
	if s := q.Get("seed"); s != "" {
		v, err := strconv.ParseUint(s, 10, 64)
		if err != nil {
			return c, &paramError{Param: "seed", Want: "a non-negative integer", Got: strconv.Quote(s)}
		}
		c.Seed = &v
	}
	if v, ok, err := parseFloat(q, "concentration"); err != nil {
		return c, err
	} else if ok {
		c.Concentration = &v
	}
	if q.Has("vary_normalization") {
		v, err := parseBool(q, "vary_normalization", true)
		if err != nil {
			return c, err
		}
		c.VaryNormalization = &v
	}
	if c.Partial, err = parseBool(q, "partial", false); err != nil {
		return c, err
	}
	c.Units = q.Get("units")
	return c, nil
}

// check validates a request and fills in the defaults it can without data.
func (c *compositeRequest) check(cat *datasets.Catalogue) error {
	for _, id := range c.Indicators {
		if _, ok := cat.Get(id); !ok {
			return &paramError{Param: "indicators", Want: "known indicator ids", Got: strconv.Quote(id)}
		}
	}
	if c.Normalization == "" {
		c.Normalization = analytics.MinMax
	}
	if c.Normalization != analytics.MinMax && c.Normalization != analytics.ZScore {
		return &paramError{Param: "normalization", Want: `"minmax" or "zscore"`, Got: strconv.Quote(c.Normalization)}
	}
	if c.Aggregation == "" {
		c.Aggregation = analytics.Arithmetic
	}
	if c.Aggregation != analytics.Arithmetic && c.Aggregation != analytics.Geometric {
		return &paramError{Param: "aggregation", Want: `"arithmetic" or "geometric"`, Got: strconv.Quote(c.Aggregation)}
	}
	for _, w := range c.Weights {
		if !(w > 0) || w > 1e12 {
			return &paramError{Param: "weights", Want: "positive numbers", Got: fmt.Sprint(c.Weights)}
		}
	}
	if c.Weights != nil && c.Indicators != nil && len(c.Weights) != len(c.Indicators) {
		return &paramError{Param: "weights", Want: fmt.Sprintf("%d weights, one per indicator", len(c.Indicators)), Got: fmt.Sprintf("%d", len(c.Weights))}
	}
	if c.Draws == nil {
		d := 1000
		c.Draws = &d
	}
	if *c.Draws < 0 || *c.Draws > 100000 {
		return &paramError{Param: "draws", Want: "an integer in [0, 100000]", Got: strconv.Itoa(*c.Draws)}
	}
	if c.Seed == nil {
		s := uint64(1)
		c.Seed = &s
	}
	if c.Concentration == nil {
		v := 20.0
		c.Concentration = &v
	}
	if !(*c.Concentration > 0) || *c.Concentration > 1e6 {
		return &paramError{Param: "concentration", Want: "a positive number", Got: fmt.Sprint(*c.Concentration)}
	}
	if c.VaryNormalization == nil {
		v := true
		c.VaryNormalization = &v
	}
	if c.Units != "" && c.Units != "63" && c.Units != "34" {
		return &paramError{Param: "units", Want: `"63" or "34"`, Got: strconv.Quote(c.Units)}
	}
	return nil
}

type compositeRow struct {
	Unit    unitRef  `json:"unit"`
	Score   float64  `json:"score"`
	Rank    int      `json:"rank"`
	Partial bool     `json:"partial,omitempty"` // scored on the inputs it has
	Missing []string `json:"missing,omitempty"`
	*analytics.RankInterval
}

// handleComposite builds a composite readiness index from indicators for a year and runs its
// uncertainty analysis: scores, ranks, and each province's median rank and 5–95% rank interval
// over Monte Carlo draws of the weights and the normalisation.
func handleComposite(logger *slog.Logger, store *datasets.Store) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		cat := store.Catalogue()
		var req compositeRequest
		var err error
		if r.Method == http.MethodPost {
			dec := json.NewDecoder(io.LimitReader(r.Body, 1<<20))
			dec.DisallowUnknownFields()
			if err := dec.Decode(&req); err != nil {
				writeError(w, r, logger, &paramError{Param: "body", Want: "a JSON object with indicators, year, normalization, aggregation, weights, draws, seed, concentration, vary_normalization, partial, units", Got: err.Error()})
				return
			}
		} else if req, err = compositeFromQuery(r.URL.Query(), cat); err != nil {
			writeError(w, r, logger, err)
			return
		}
		if err := req.check(cat); err != nil {
			writeError(w, r, logger, err)
			return
		}
		if _, err := wantsCSV(r.URL.Query(), r.Header.Get("Accept")); err != nil {
			writeError(w, r, logger, err)
			return
		}
		if r.Method == http.MethodGet && checkETag(w, r, store.Version(), "composite-"+r.URL.Query().Get("format")+r.Header.Get("Accept")) {
			return
		}
		chosen, err := chooseComposite(r, store, &req)
		if err != nil {
			writeError(w, r, logger, err)
			return
		}
		m, err := yearMatrix(r.Context(), store, req.Indicators, req.Year, req.Units, req.Partial)
		if err != nil {
			writeError(w, r, logger, err)
			return
		}
		resp := map[string]any{
			"status": "success", "dataset_version": store.Version(),
			"query": map[string]any{"indicators": req.Indicators, "year": req.Year, "normalization": req.Normalization,
				"aggregation": req.Aggregation, "weights": req.Weights, "draws": *req.Draws, "seed": *req.Seed,
				"concentration": *req.Concentration, "vary_normalization": *req.VaryNormalization, "partial": req.Partial},
			"chosen":   chosen,
			"coverage": coverage{len(m.units), m.of},
			"method": "each indicator oriented so that higher is better and normalised (minmax: 0–100; zscore); weighted arithmetic or geometric " +
				"mean (geometric: values shifted to start at 1); ranks 1 = best, ties shared. Uncertainty (OECD–JRC Handbook): weights drawn from a " +
				"Dirichlet distribution centred on the chosen weights (concentration as given), normalisation drawn at random if vary_normalization; " +
				"median and 5–95% range of each province's rank over the draws",
		}
		var notScored []map[string]any
		for _, u := range universe(store.Registry(), req.Units, req.Year) {
			if miss := m.missing[u.ID]; len(miss) > 0 && !slices.ContainsFunc(m.units, func(x datasets.Unit) bool { return x.ID == u.ID }) {
				notScored = append(notScored, map[string]any{"unit": toUnitRef(u), "missing": miss})
			}
		}
		resp["not_scored"] = nonNil(notScored)
		if len(m.units) < 2 {
			resp["note"] = "insufficient data: fewer than 2 provinces have the inputs for this year"
			resp["data"] = []compositeRow{}
			writeJSON(w, http.StatusOK, resp)
			return
		}
		spec := analytics.CompositeSpec{Normalization: req.Normalization, Aggregation: req.Aggregation, Weights: req.Weights, Partial: req.Partial}
		for _, id := range req.Indicators {
			in, _ := cat.Get(id)
			spec.HigherIsBetter = append(spec.HigherIsBetter, higherIsBetter(in))
		}
		scores, ranks, err := analytics.Composite(m.data, spec)
		if err != nil {
			writeError(w, r, logger, err)
			return
		}
		var intervals []analytics.RankInterval
		if *req.Draws > 0 {
			intervals, err = analytics.CompositeUncertainty(m.data, spec, analytics.UncertaintySpec{
				Draws: *req.Draws, Seed: *req.Seed, Concentration: *req.Concentration, VaryNormalization: *req.VaryNormalization})
			if err != nil {
				writeError(w, r, logger, err)
				return
			}
		}
		rows := make([]compositeRow, len(m.units))
		for i, u := range m.units {
			rows[i] = compositeRow{Unit: toUnitRef(u), Score: scores[i], Rank: ranks[i], Missing: m.missing[u.ID]}
			rows[i].Partial = len(rows[i].Missing) > 0
			if intervals != nil {
				rows[i].RankInterval = &intervals[i]
			}
		}
		sort.SliceStable(rows, func(a, b int) bool { return rows[a].Rank < rows[b].Rank })
		if asCSV, _ := wantsCSV(r.URL.Query(), r.Header.Get("Accept")); asCSV {
			out := make([][]string, len(rows))
			for i, row := range rows {
				out[i] = []string{strconv.Itoa(req.Year), row.Unit.ID, row.Unit.NameVI, ftoa(row.Score), strconv.Itoa(row.Rank),
					strconv.FormatBool(row.Partial), strings.Join(row.Missing, ";"), "", "", ""}
				if ri := row.RankInterval; ri != nil {
					out[i][7], out[i][8], out[i][9] = ftoa(ri.Median), ftoa(ri.P05), ftoa(ri.P95)
				}
			}
			writeCSV(w, "chiso-composite.csv", []string{"year", "unit_id", "name_vi", "score", "rank", "partial", "missing",
				"median_rank", "rank_p05", "rank_p95"}, out)
			return
		}
		resp["data"] = rows
		writeJSON(w, http.StatusOK, resp)
	})
}

// chooseComposite fills in the indicators and year a request left out and says what it chose:
// by default the digital-readiness indicators that have figures for at least half of the
// provinces in the latest year in which two or more of them do.
func chooseComposite(r *http.Request, store *datasets.Store, req *compositeRequest) (map[string]any, error) {
	if req.Indicators != nil && req.Year != 0 {
		return map[string]any{"by": "request"}, nil
	}
	cands := req.Indicators
	if cands == nil {
		cands = readinessSet
	}
	p, err := loadPanel(r.Context(), store, cands, 0, 0)
	if err != nil {
		return nil, err
	}
	years := map[int]bool{}
	for _, byUnit := range p.figures {
		for _, ys := range byUnit {
			for y := range ys {
				years[y] = true
			}
		}
	}
	var ys []int
	for y := range years {
		if req.Year == 0 || y == req.Year {
			ys = append(ys, y)
		}
	}
	sort.Sort(sort.Reverse(sort.IntSlice(ys)))
	for _, y := range ys {
		units := universe(store.Registry(), req.Units, y)
		var ok []string
		counts := map[string]int{}
		for _, id := range cands {
			for _, u := range units {
				if _, has := p.value(id, u.ID, y); has {
					counts[id]++
				}
			}
			if 2*counts[id] >= len(units) {
				ok = append(ok, id)
			}
		}
		need := 2
		if req.Indicators != nil {
			need = len(req.Indicators) // the user's own set: all of it must qualify
		}
		if len(ok) >= need && len(ok) > 0 {
			if req.Weights != nil && len(req.Weights) != len(ok) {
				return nil, &paramError{Param: "weights", Want: fmt.Sprintf("%d weights, one per chosen indicator (%s)", len(ok), strings.Join(ok, ", ")), Got: strconv.Itoa(len(req.Weights))}
			}
			req.Indicators, req.Year = ok, y
			return map[string]any{
				"by": "default", "year": y, "indicators": ok, "coverage_by_indicator": counts,
				"reason": fmt.Sprintf("the latest year in which at least %d of the candidate indicators (%s) have figures for at least half of the %d provinces",
					need, strings.Join(cands, ", "), len(units)),
			}, nil
		}
	}
	return nil, &paramError{Param: "indicators", Want: "indicators with figures for at least half of the provinces in some year",
		Got: strings.Join(cands, ", ")}
}
