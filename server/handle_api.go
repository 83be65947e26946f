package server

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"strconv"
	"strings"
	"time"

	"chiso/datasets"
	"chiso/report"
)

// maxBody is the largest request body the API reads (a composite's JSON).
const maxBody = 64 << 10

// handleHealthz answers 200 with the dataset version once the store is open.
func handleHealthz(rs *responder) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		version := rs.store.Version()
		w.Header().Set("Cache-Control", cacheNone)
		w.Header()["X-Dataset-Version"] = []string{version}
		rs.writeJSON(w, r, http.StatusOK, map[string]string{"status": "ok", "dataset_version": version})
	})
}

// view wraps a view that needs no database work.
func view(v any) compute { return func(context.Context) (any, error) { return v, nil } }

// handleProvinces lists the units in force on as_of (a year or a date; default today).
func handleProvinces(store *datasets.Store) endpoint {
	return func(q *query) compute {
		return view(report.ProvincesOn(store.Registry(), q.asOf(time.Now())))
	}
}

// handleProvince shows one unit: its validity, predecessors and successors. {code} is a code,
// slug, id or name; as_of picks among units that share it (default: today, or the last unit).
func handleProvince(store *datasets.Store) endpoint {
	return func(q *query) compute {
		at, strict := q.asOf(time.Now()), q.get("as_of") != ""
		return func(context.Context) (any, error) {
			return report.ProvinceOf(store.Registry(), q.r.PathValue("code"), at, strict)
		}
	}
}

// handleIndicators lists the indicator catalogue with its methodology and publication breaks.
func handleIndicators(store *datasets.Store) endpoint {
	return func(q *query) compute {
		inds := store.Catalogue().All()
		return view(report.Indicators{Count: len(inds), Data: inds})
	}
}

// handleObservations returns the figures for indicators, provinces and years: the preferred
// figure of each (indicator, unit, year) with the other sources' figures beside it.
func handleObservations(store *datasets.Store) endpoint {
	return func(q *query) compute {
		s := report.ObservationsSpec{Indicators: q.indicators(store.Catalogue()), Provinces: q.provinces(store.Registry()), View: q.view()}
		s.From, s.To = q.yearRange()
		return func(ctx context.Context) (any, error) { return report.ObservationsOf(ctx, store, s) }
	}
}

// handleTrends computes each province's trend on each indicator (see report.TrendsOf).
func handleTrends(store *datasets.Store) endpoint {
	return func(q *query) compute {
		s := report.TrendsSpec{Indicators: q.indicators(store.Catalogue()), Provinces: q.provinces(store.Registry()),
			AcrossBreaks: q.boolean("across_breaks", false), View: q.view()}
		s.From, s.To = q.yearRange()
		return func(ctx context.Context) (any, error) { return report.TrendsOf(ctx, store, s) }
	}
}

// handleRankings lists one indicator's ranking for a year, with movers since from_year.
func handleRankings(store *datasets.Store) endpoint {
	return func(q *query) compute {
		s := report.RankingSpec{Indicator: q.indicator("indicator", store.Catalogue()), Year: q.requiredYear("year"),
			FromYear: q.year("from_year"), Derived: q.boolean("derived", false), Top: q.intIn("top", 10, 1, 100), View: q.view()}
		return func(ctx context.Context) (any, error) { return report.RankingOf(ctx, store, s) }
	}
}

// handleCompare compares provinces on one indicator and year.
func handleCompare(store *datasets.Store) endpoint {
	return func(q *query) compute {
		s := report.CompareSpec{Indicator: q.indicator("indicator", store.Catalogue()), Year: q.requiredYear("year"),
			Provinces: q.provinces(store.Registry()), View: q.view()}
		if t, ok := q.float("target"); ok {
			s.Target = &t
		}
		if q.err == nil && len(s.Provinces) == 0 {
			q.keep(&report.ParamError{Param: "provinces", Want: "one or more province codes, slugs or names", Got: "nothing"})
		}
		return func(ctx context.Context) (any, error) { return report.CompareOf(ctx, store, s) }
	}
}

// handleCorrelations correlates two indicators (x, y) or a set (indicators) across provinces.
func handleCorrelations(store *datasets.Store) endpoint {
	return func(q *query) compute {
		cat := store.Catalogue()
		s := report.CorrelationsSpec{Year: q.requiredYear("year"), View: q.view(), Pair: q.get("indicators") == ""}
		if s.Pair {
			s.Indicators = []string{q.indicator("x", cat).ID, q.indicator("y", cat).ID}
		} else {
			s.Indicators = q.indicatorList("indicators", cat, 2)
		}
		return func(ctx context.Context) (any, error) { return report.CorrelationsOf(ctx, store, s) }
	}
}

// handlePeers finds a province's nearest peers and the principal components of a year.
func handlePeers(store *datasets.Store) endpoint {
	return func(q *query) compute {
		s := report.PeersSpec{Indicators: q.indicatorList("indicators", store.Catalogue(), 1), Year: q.requiredYear("year"),
			K: q.intIn("k", 5, 1, 62), View: q.view()}
		if name := q.get("province"); name != "" && q.err == nil {
			if u, err := store.Registry().Resolve(name, datasets.YearEnd(s.Year)); err != nil {
				q.keep(&report.ParamError{Param: "province", Want: "a province in force in " + strconv.Itoa(s.Year), Got: err.Error()})
			} else {
				s.Province = &u
			}
		}
		return func(ctx context.Context) (any, error) { return report.PeersOf(ctx, store, s) }
	}
}

// handleComposite builds a composite index with its Monte Carlo rank intervals, from the query
// string (GET) or a JSON body of at most maxBody bytes (POST).
func handleComposite(store *datasets.Store) endpoint {
	return func(q *query) compute {
		cat := store.Catalogue()
		var s report.CompositeSpec
		if q.r.Method == http.MethodPost {
			dec := json.NewDecoder(http.MaxBytesReader(nil, q.r.Body, maxBody))
			dec.DisallowUnknownFields()
			if err := dec.Decode(&s); err != nil {
				q.keep(&report.ParamError{Param: "body", Want: "a JSON object of at most 64 KiB with indicators, year, normalization, aggregation, weights, draws, seed, concentration, vary_normalization, partial, units", Got: report.Quote(err.Error())})
			} else if _, err := dec.Token(); err != io.EOF {
				q.keep(&report.ParamError{Param: "body", Want: "one JSON object", Got: "more after it"})
			}
		} else {
			compositeFromQuery(q, cat, &s)
		}
		if q.err == nil {
			q.keep(s.Check(cat))
		}
		return func(ctx context.Context) (any, error) { return report.CompositeOf(ctx, store, s) }
	}
}

// compositeFromQuery reads a composite's parameters from the query string.
func compositeFromQuery(q *query, cat *datasets.Catalogue, c *report.CompositeSpec) {
	if q.get("indicators") != "" {
		c.Indicators = q.indicatorList("indicators", cat, 1)
	}
	c.Year = q.year("year")
	c.Normalization, c.Aggregation = q.get("normalization"), q.get("aggregation")
	for _, s := range splitList(q.get("weights")) {
		w, err := strconv.ParseFloat(s, 64)
		if err != nil {
			q.keep(&report.ParamError{Param: "weights", Want: "positive numbers, comma-separated", Got: report.Quote(q.get("weights"))})
		}
		c.Weights = append(c.Weights, w)
	}
	if q.has("draws") {
		c.Draws = new(q.intIn("draws", 1000, 0, report.MaxDraws))
	}
	if s := q.get("seed"); s != "" {
		v, err := strconv.ParseUint(s, 10, 64)
		if err != nil {
			q.keep(&report.ParamError{Param: "seed", Want: "a non-negative integer", Got: report.Quote(s)})
		}
		c.Seed = &v
	}
	if v, ok := q.float("concentration"); ok {
		c.Concentration = &v
	}
	if q.has("vary_normalization") {
		c.VaryNormalization = new(q.boolean("vary_normalization", true))
	}
	c.Partial = q.boolean("partial", false)
	c.Units = q.get("units")
	for _, item := range splitList(q.get("directions")) {
		id, d, ok := strings.Cut(item, ":")
		if !ok {
			q.keep(&report.ParamError{Param: "directions", Want: "indicator:higher or indicator:lower, comma-separated", Got: report.Quote(item)})
			continue
		}
		if c.Directions == nil {
			c.Directions = map[string]string{}
		}
		c.Directions[strings.ToLower(id)] = strings.ToLower(d)
	}
}
