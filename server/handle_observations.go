package server

import (
	"log/slog"
	"net/http"
	"strconv"
	"time"

	"chiso/datasets"
)

// unitRef is the short form of a unit inside an observation.
type unitRef struct {
	ID     string `json:"id"`
	Code   string `json:"code"`
	Set    string `json:"unit_set"`
	NameVI string `json:"name_vi"`
	NameEN string `json:"name_en"`
	Slug   string `json:"slug"`
}

func toUnitRef(u datasets.Unit) unitRef {
	return unitRef{ID: u.ID, Code: u.Code, Set: u.Set, NameVI: u.NameVI, NameEN: u.NameEN, Slug: u.Slug}
}

type observationJSON struct {
	Indicator string  `json:"indicator"`
	Year      int     `json:"year"`
	Unit      unitRef `json:"unit"`
	datasets.Figure
	Alternatives []datasets.Figure `json:"alternatives"`
}

// missingJSON is a requested (indicator, unit, year) without a figure.
type missingJSON struct {
	Indicator string  `json:"indicator"`
	Year      int     `json:"year"`
	Unit      unitRef `json:"unit"`
	Status    string  `json:"status"` // "no_data"
	Note      string  `json:"note,omitempty"`
}

// handleObservations returns the figures for indicators, provinces and years: the preferred
// figure of each (indicator, unit, year) with the other sources' figures beside it. JSON by
// default; CSV with format=csv or Accept: text/csv.
func handleObservations(logger *slog.Logger, store *datasets.Store) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		q := newQuery(r)
		catalogue := store.Catalogue()
		inds := q.indicators(catalogue)
		provinces := q.provinces(store.Registry())
		from, to := q.yearRange()
		set := q.unitSet()
		asCSV := q.csv()
		if q.err != nil {
			writeError(w, r, logger, q.err)
			return
		}
		w.Header().Add("Vary", "Accept")
		variant := "json"
		if asCSV {
			variant = "csv"
		}
		if checkETag(w, r, store.Version(), "obs-"+variant) {
			return
		}
		var ids []string
		for _, chain := range provinces {
			for _, u := range chain {
				if set == "" || u.Set == set {
					ids = append(ids, u.ID)
				}
			}
		}
		if len(provinces) > 0 && len(ids) == 0 {
			writeError(w, r, logger, &paramError{Param: "units", Want: "a unit set that the provinces belong to", Got: strconv.Quote(set)})
			return
		}
		obs, err := store.Observations(r.Context(), datasets.ObservationQuery{Indicators: inds, UnitIDs: ids, From: from, To: to})
		if err != nil {
			writeError(w, r, logger, err)
			return
		}
		if asCSV {
			writeObservationsCSV(w, obs)
			return
		}
		data := make([]observationJSON, len(obs))
		for i, o := range obs {
			data[i] = observationJSON{Indicator: o.Indicator, Year: o.Year, Unit: toUnitRef(o.Unit), Figure: o.Figure, Alternatives: o.Alternatives}
		}
		query := map[string]any{"indicators": inds, "provinces": ids, "from": nullInt(from), "to": nullInt(to), "units": set}
		writeJSON(w, http.StatusOK, map[string]any{
			"status": "success", "dataset_version": store.Version(), "query": query,
			"count": len(data), "data": data, "missing": missing(obs, catalogue, inds, provinces, set, from, to),
		})
	})
}

func nullInt(n int) any {
	if n == 0 {
		return nil
	}
	return n
}

// missing lists the requested (indicator, unit, year) keys that have no figure, when the
// request names indicators, provinces and both ends of the year range. Each year's unit is
// the one in force at the end of that year.
func missing(obs []datasets.Observation, catalogue *datasets.Catalogue, inds []string, provinces [][]datasets.Unit, set string, from, to int) []missingJSON {
	out := []missingJSON{}
	if len(inds) == 0 || len(provinces) == 0 || from == 0 || to == 0 {
		return out
	}
	have := map[string]bool{}
	for _, o := range obs {
		have[o.Indicator+"|"+o.Unit.ID+"|"+strconv.Itoa(o.Year)] = true
	}
	for _, ind := range inds {
		in, _ := catalogue.Get(ind)
		for _, chain := range provinces {
			for y := from; y <= to; y++ {
				u, ok := unitFor(chain, set, datasets.YearEnd(y))
				if !ok || have[ind+"|"+u.ID+"|"+strconv.Itoa(y)] {
					continue
				}
				m := missingJSON{Indicator: ind, Year: y, Unit: toUnitRef(u), Status: "no_data"}
				for _, b := range in.Breaks {
					if b.Kind == "publication" && y >= b.Year {
						m.Note = b.Note
					}
				}
				out = append(out, m)
			}
		}
	}
	return out
}

// unitFor returns the unit of chain in force on day d (of the set, if one is given).
func unitFor(chain []datasets.Unit, set string, d time.Time) (datasets.Unit, bool) {
	for _, u := range chain {
		if (set == "" || u.Set == set) && u.InForce(d) {
			return u, true
		}
	}
	return datasets.Unit{}, false
}

func writeObservationsCSV(w http.ResponseWriter, obs []datasets.Observation) {
	rows := make([][]string, len(obs))
	for i, o := range obs {
		rows[i] = []string{o.Indicator, strconv.Itoa(o.Year), o.Unit.ID, o.Unit.Code, o.Unit.Set, o.Unit.NameVI, o.Unit.NameEN,
			fmtFloat(o.Value), fmtInt(o.Rank), fmtInt(o.RankOf), o.Status, strconv.FormatBool(o.Verified),
			o.Source.Citation, o.Source.URL, strconv.Itoa(len(o.Alternatives))}
	}
	writeCSV(w, "chiso-observations.csv", []string{"indicator", "year", "unit_id", "code", "unit_set", "name_vi", "name_en",
		"value", "rank", "rank_of", "status", "verified", "source", "source_url", "other_sources"}, rows)
}
