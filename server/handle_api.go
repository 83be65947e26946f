package server

import (
	"encoding/json"
	"io"
	"net/http"
	"strconv"
	"time"

	"chiso/datasets"
	"chiso/report"
)

// handleHealthz answers 200 with the dataset version once the store is open.
func handleHealthz(rs *responder) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		rs.writeJSON(w, r, http.StatusOK, map[string]string{"status": "ok", "dataset_version": rs.store.Version()})
	})
}

// handleProvinces lists the units in force on as_of (a year or a date; default today).
func handleProvinces(store *datasets.Store) endpoint {
	return func(r *http.Request) (any, error) {
		q := newQuery(r)
		at := q.asOf(time.Now())
		if q.err != nil {
			return nil, q.err
		}
		return report.ProvincesOn(store.Registry(), at), nil
	}
}

// handleProvince shows one unit: its validity, predecessors and successors. {code} is a code,
// slug, id or name; as_of picks among units that share it (default: today, or the last unit).
func handleProvince(store *datasets.Store) endpoint {
	return func(r *http.Request) (any, error) {
		q := newQuery(r)
		at := q.asOf(time.Now())
		if q.err != nil {
			return nil, q.err
		}
		return report.ProvinceOf(store.Registry(), r.PathValue("code"), at, q.Get("as_of") != "")
	}
}

// handleIndicators lists the indicator catalogue with its methodology and publication breaks.
func handleIndicators(store *datasets.Store) endpoint {
	return func(r *http.Request) (any, error) {
		inds := store.Catalogue().All()
		return report.Indicators{Count: len(inds), Data: inds}, nil
	}
}

// handleObservations returns the figures for indicators, provinces and years: the preferred
// figure of each (indicator, unit, year) with the other sources' figures beside it.
func handleObservations(store *datasets.Store) endpoint {
	return func(r *http.Request) (any, error) {
		q := newQuery(r)
		s := report.ObservationsSpec{Indicators: q.indicators(store.Catalogue()), Provinces: q.provinces(store.Registry()), Set: q.unitSet()}
		s.From, s.To = q.yearRange()
		if q.err != nil {
			return nil, q.err
		}
		return report.ObservationsOf(r.Context(), store, s)
	}
}

// handleTrends computes each province's trend on each indicator (see report.TrendsOf).
func handleTrends(store *datasets.Store) endpoint {
	return func(r *http.Request) (any, error) {
		q := newQuery(r)
		s := report.TrendsSpec{Indicators: q.indicators(store.Catalogue()), Provinces: q.provinces(store.Registry()),
			AcrossBreaks: q.boolean("across_breaks", false)}
		s.From, s.To = q.yearRange()
		if q.err != nil {
			return nil, q.err
		}
		return report.TrendsOf(r.Context(), store, s)
	}
}

// handleRankings lists one indicator's ranking for a year, with movers since from_year.
func handleRankings(store *datasets.Store) endpoint {
	return func(r *http.Request) (any, error) {
		q := newQuery(r)
		s := report.RankingSpec{Indicator: q.indicator("indicator", store.Catalogue()), Year: q.requiredYear("year"),
			FromYear: q.year("from_year"), Derived: q.boolean("derived", false), Top: q.intIn("top", 10, 1, 100), Set: q.unitSet()}
		if q.err != nil {
			return nil, q.err
		}
		return report.RankingOf(r.Context(), store, s)
	}
}

// handleCompare compares provinces on one indicator and year.
func handleCompare(store *datasets.Store) endpoint {
	return func(r *http.Request) (any, error) {
		q := newQuery(r)
		s := report.CompareSpec{Indicator: q.indicator("indicator", store.Catalogue()), Year: q.requiredYear("year"),
			Provinces: q.provinces(store.Registry()), Set: q.unitSet()}
		if t, ok := q.float("target"); ok {
			s.Target = &t
		}
		if q.err == nil && len(s.Provinces) == 0 {
			q.keep(&report.ParamError{Param: "provinces", Want: "one or more province codes, slugs or names", Got: "nothing"})
		}
		if q.err != nil {
			return nil, q.err
		}
		return report.CompareOf(r.Context(), store, s)
	}
}

// handleCorrelations correlates two indicators (x, y) or a set (indicators) across provinces.
func handleCorrelations(store *datasets.Store) endpoint {
	return func(r *http.Request) (any, error) {
		q := newQuery(r)
		cat := store.Catalogue()
		s := report.CorrelationsSpec{Year: q.requiredYear("year"), Set: q.unitSet(), Pair: q.Get("indicators") == ""}
		if s.Pair {
			s.Indicators = []string{q.indicator("x", cat).ID, q.indicator("y", cat).ID}
		} else {
			s.Indicators = q.indicatorList("indicators", cat, 2)
		}
		if q.err != nil {
			return nil, q.err
		}
		return report.CorrelationsOf(r.Context(), store, s)
	}
}

// handlePeers finds a province's nearest peers and the principal components of a year.
func handlePeers(store *datasets.Store) endpoint {
	return func(r *http.Request) (any, error) {
		q := newQuery(r)
		s := report.PeersSpec{Indicators: q.indicatorList("indicators", store.Catalogue(), 1), Year: q.requiredYear("year"),
			K: q.intIn("k", 5, 1, 62), Set: q.unitSet()}
		if q.err != nil {
			return nil, q.err
		}
		if name := q.Get("province"); name != "" {
			u, err := store.Registry().Resolve(name, datasets.YearEnd(s.Year))
			if err != nil {
				return nil, &report.ParamError{Param: "province", Want: "a province in force in " + strconv.Itoa(s.Year), Got: err.Error()}
			}
			s.Province = &u
		}
		return report.PeersOf(r.Context(), store, s)
	}
}

// handleComposite builds a composite index with its Monte Carlo rank intervals, from the query
// string (GET) or a JSON body (POST).
func handleComposite(store *datasets.Store) endpoint {
	return func(r *http.Request) (any, error) {
		cat := store.Catalogue()
		var s report.CompositeSpec
		if r.Method == http.MethodPost {
			dec := json.NewDecoder(io.LimitReader(r.Body, 1<<20))
			dec.DisallowUnknownFields()
			if err := dec.Decode(&s); err != nil {
				return nil, &report.ParamError{Param: "body", Want: "a JSON object with indicators, year, normalization, aggregation, weights, draws, seed, concentration, vary_normalization, partial, units", Got: err.Error()}
			}
		} else if err := compositeFromQuery(newQuery(r), cat, &s); err != nil {
			return nil, err
		}
		if err := s.Check(cat); err != nil {
			return nil, err
		}
		return report.CompositeOf(r.Context(), store, s)
	}
}

// compositeFromQuery reads a composite's parameters from the query string.
func compositeFromQuery(q *query, cat *datasets.Catalogue, c *report.CompositeSpec) error {
	if q.Get("indicators") != "" {
		c.Indicators = q.indicatorList("indicators", cat, 1)
	}
	c.Year = q.year("year")
	c.Normalization, c.Aggregation = q.Get("normalization"), q.Get("aggregation")
	for _, s := range splitList(q.Get("weights")) {
		w, err := strconv.ParseFloat(s, 64)
		if err != nil {
			q.keep(&report.ParamError{Param: "weights", Want: "positive numbers, comma-separated", Got: report.Quote(q.Get("weights"))})
		}
		c.Weights = append(c.Weights, w)
	}
	if q.Has("draws") {
		c.Draws = new(q.intIn("draws", 1000, 0, report.MaxDraws))
	}
	if s := q.Get("seed"); s != "" {
		v, err := strconv.ParseUint(s, 10, 64)
		if err != nil {
			q.keep(&report.ParamError{Param: "seed", Want: "a non-negative integer", Got: report.Quote(s)})
		}
		c.Seed = &v
	}
	if v, ok := q.float("concentration"); ok {
		c.Concentration = &v
	}
	if q.Has("vary_normalization") {
		c.VaryNormalization = new(q.boolean("vary_normalization", true))
	}
	c.Partial = q.boolean("partial", false)
	c.Units = q.Get("units")
	return q.err
}

func ptr[T any](v T) *T { return &v }
