package server

import (
	"context"
	"log/slog"
	"math"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"gonum.org/v1/gonum/mat"

	"chiso/analytics"
	"chiso/datasets"
)

// matrix is the units × indicators table of one year's values: complete rows only, unless
// partial, when a missing value is NaN and a unit needs at least one value.
type matrix struct {
	units   []datasets.Unit
	data    *mat.Dense
	missing map[string][]string // unit id → indicators it lacks (units left out, or scored partially)
	of      int                 // units in the universe
}

func buildMatrix(p *panel, universe []datasets.Unit, inds []string, year int, partial bool) matrix {
	m := matrix{missing: map[string][]string{}, of: len(universe)}
	var rows []float64
	for _, u := range universe {
		row := make([]float64, len(inds))
		have := 0
		for j, id := range inds {
			if v, ok := p.value(id, u.ID, year); ok {
				row[j] = v
				have++
			} else {
				row[j] = math.NaN()
				m.missing[u.ID] = append(m.missing[u.ID], id)
			}
		}
		if have == len(inds) || (partial && have > 0) {
			m.units = append(m.units, u)
			rows = append(rows, row...)
		}
	}
	if len(m.units) > 0 {
		m.data = mat.NewDense(len(m.units), len(inds), rows)
	}
	return m
}

// parseIndicatorList reads a required list of at least min indicators.
func parseIndicatorList(q url.Values, name string, cat *datasets.Catalogue, min int) ([]string, error) {
	sub := url.Values{"indicator": {q.Get(name)}}
	inds, err := parseIndicators(sub, cat)
	if err != nil {
		pe := err.(*paramError)
		pe.Param = name
		return nil, pe
	}
	if len(inds) < min {
		return nil, &paramError{Param: name, Want: "at least " + strconv.Itoa(min) + " indicator ids, comma-separated", Got: strconv.Quote(q.Get(name))}
	}
	return inds, nil
}

// handleCorrelations gives Pearson's r and Spearman's rho between two indicators across the
// provinces for a year (x, y), or the correlation matrices of a set (indicators), over the
// provinces that have every value.
func handleCorrelations(logger *slog.Logger, store *datasets.Store) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		q := newQuery(r)
		cat := store.Catalogue()
		year := q.requiredYear("year")
		set := q.unitSet()
		var inds []string
		pair := q.Get("indicators") == ""
		if pair {
			inds = []string{q.indicator("x", cat).ID, q.indicator("y", cat).ID}
		} else {
			inds = q.indicatorList("indicators", cat, 2)
		}
		if q.err != nil {
			writeError(w, r, logger, q.err)
			return
		}
		if checkETag(w, r, store.Version(), "correlations") {
			return
		}
		m, err := yearMatrix(r.Context(), store, inds, year, set, false)
		if err != nil {
			writeError(w, r, logger, err)
			return
		}
		resp := map[string]any{
			"status": "success", "dataset_version": store.Version(),
			"query":    map[string]any{"indicators": inds, "year": year, "units": set},
			"coverage": coverage{len(m.units), m.of},
			"units":    unitIDs(m.units),
			"method":   "over the provinces with every value; p-values two-sided from the t distribution with n−2 df (for Spearman, an approximation)",
		}
		if len(m.units) < 3 {
			resp["note"] = "insufficient data: fewer than 3 provinces have every value for this year"
			writeJSON(w, http.StatusOK, resp)
			return
		}
		if pair {
			c, err := analytics.Correlate(mat.Col(nil, 0, m.data), mat.Col(nil, 1, m.data))
			if err != nil {
				writeError(w, r, logger, err)
				return
			}
			resp["correlation"] = c
		} else {
			for _, kind := range []string{"pearson", "spearman"} {
				cm, err := analytics.CorrelationMatrix(m.data, kind == "spearman")
				if err != nil {
					writeError(w, r, logger, err)
					return
				}
				rows := make([][]*float64, len(inds))
				for i := range rows {
					rows[i] = make([]*float64, len(inds))
					for j := range rows[i] {
						rows[i][j] = finite(cm.At(i, j))
					}
				}
				resp[kind] = rows
			}
		}
		writeJSON(w, http.StatusOK, resp)
	})
}

func yearMatrix(ctx context.Context, store *datasets.Store, inds []string, year int, set string, partial bool) (matrix, error) {
	p, err := loadPanel(ctx, store, inds, year, year)
	if err != nil {
		return matrix{}, err
	}
	return buildMatrix(p, universe(store.Registry(), set, year), inds, year, partial), nil
}

type peerJSON struct {
	Unit     unitRef `json:"unit"`
	Distance float64 `json:"distance"`
}

type pcaPoint struct {
	Unit unitRef `json:"unit"`
	PC1  float64 `json:"pc1"`
	PC2  float64 `json:"pc2"`
}

// handlePeers finds the k provinces nearest to one province on a set of indicators
// (standardized, Euclidean) and gives every province's coordinates on the first two principal
// components with the share of variance they explain.
func handlePeers(logger *slog.Logger, store *datasets.Store) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		q := newQuery(r)
		inds := q.indicatorList("indicators", store.Catalogue(), 1)
		year := q.requiredYear("year")
		k := q.intIn("k", 5, 1, 62)
		set := q.unitSet()
		if q.err != nil {
			writeError(w, r, logger, q.err)
			return
		}
		var target *datasets.Unit
		if name := q.Get("province"); name != "" {
			u, err := store.Registry().Resolve(name, datasets.YearEnd(year))
			if err != nil {
				writeError(w, r, logger, &paramError{Param: "province", Want: "a province in force in " + strconv.Itoa(year), Got: err.Error()})
				return
			}
			target = &u
		}
		if checkETag(w, r, store.Version(), "peers") {
			return
		}
		m, err := yearMatrix(r.Context(), store, inds, year, set, false)
		if err != nil {
			writeError(w, r, logger, err)
			return
		}
		resp := map[string]any{
			"status": "success", "dataset_version": store.Version(),
			"query":    map[string]any{"indicators": inds, "year": year, "k": k, "units": set},
			"coverage": coverage{len(m.units), m.of},
			"method":   "indicators standardized (z-scores over the provinces with every value); Euclidean distance; principal components of the standardized values",
		}
		if target != nil {
			resp["province"] = toUnitRef(*target)
			idx := -1
			for i, u := range m.units {
				if u.ID == target.ID {
					idx = i
				}
			}
			switch {
			case idx < 0:
				resp["peers_note"] = "the province lacks " + strings.Join(m.missing[target.ID], ", ") + " for this year"
			case len(m.units) < 2:
				resp["peers_note"] = "insufficient data"
			default:
				ps, err := analytics.NearestPeers(m.data, idx, k)
				if err != nil {
					writeError(w, r, logger, err)
					return
				}
				var out []peerJSON
				for _, pr := range ps {
					out = append(out, peerJSON{Unit: toUnitRef(m.units[pr.Index]), Distance: pr.Distance})
				}
				resp["peers"] = out
			}
		}
		if len(inds) >= 2 && len(m.units) >= 3 {
			pj, err := analytics.PrincipalComponents(m.data)
			if err != nil {
				writeError(w, r, logger, err)
				return
			}
			pts := make([]pcaPoint, len(m.units))
			for i, u := range m.units {
				pts[i] = pcaPoint{Unit: toUnitRef(u), PC1: pj.Coords.At(i, 0), PC2: pj.Coords.At(i, 1)}
			}
			loadings := map[string][2]float64{}
			for j, id := range inds {
				loadings[id] = [2]float64{pj.Loadings.At(j, 0), pj.Loadings.At(j, 1)}
			}
			resp["pca"] = map[string]any{"explained": pj.Explained, "loadings": loadings, "points": pts}
		} else {
			resp["pca_note"] = "principal components need at least 2 indicators and 3 provinces with every value"
		}
		writeJSON(w, http.StatusOK, resp)
	})
}
