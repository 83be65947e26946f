package server

import (
	"fmt"
	"log/slog"
	"net/http"
	"time"

	"chiso/datasets"
)

// unitJSON is a unit as the API shows it, with its validity as dates.
type unitJSON struct {
	datasets.Unit
	ValidFrom *string `json:"valid_from"` // null: in force before the data begins
	ValidTo   *string `json:"valid_to"`   // null: still in force
}

func toUnitJSON(u datasets.Unit) unitJSON {
	j := unitJSON{Unit: u}
	if !u.ValidFrom.IsZero() {
		s := u.ValidFrom.Format(time.DateOnly)
		j.ValidFrom = &s
	}
	if !u.ValidTo.IsZero() {
		s := u.ValidTo.Format(time.DateOnly)
		j.ValidTo = &s
	}
	return j
}

// handleHealthz answers 200 with the dataset version once the store is open.
func handleHealthz(store *datasets.Store) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		writeJSON(w, http.StatusOK, map[string]string{"status": "ok", "dataset_version": store.Version()})
	})
}

// handleProvinces lists the units in force on as_of (a year or a date; default today).
func handleProvinces(logger *slog.Logger, store *datasets.Store) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		q := newQuery(r)
		at := q.asOf(time.Now())
		if q.err != nil {
			writeError(w, r, logger, q.err)
			return
		}
		if checkETag(w, r, store.Version(), "provinces-"+at.Format(time.DateOnly)) {
			return
		}
		units := store.Registry().InForce(at)
		data := make([]unitJSON, len(units))
		for i, u := range units {
			data[i] = toUnitJSON(u)
		}
		writeJSON(w, http.StatusOK, map[string]any{
			"status": "success", "dataset_version": store.Version(),
			"as_of": at.Format(time.DateOnly), "count": len(data), "data": data,
		})
	})
}

// linkJSON is one lineage step with the unit at its other end.
type linkJSON struct {
	Unit      unitJSON `json:"unit"`
	Effective string   `json:"effective"`
	Kind      string   `json:"kind"`
	Source    string   `json:"source"`
}

// handleProvince shows one unit: its validity, predecessors and successors. {code} is a code,
// slug, id or name; as_of picks among units that share it (default: today, or the last unit).
func handleProvince(logger *slog.Logger, store *datasets.Store) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		name := r.PathValue("code")
		reg := store.Registry()
		units, err := reg.Lookup(name)
		if err != nil {
			writeError(w, r, logger, err)
			return
		}
		q := r.URL.Query()
		at, err := parseAsOf(q, time.Now())
		if err != nil {
			writeError(w, r, logger, err)
			return
		}
		u := units[len(units)-1] // the latest, if none is in force on as_of
		found := false
		for _, c := range units {
			if c.InForce(at) {
				u, found = c, true
			}
		}
		if !found && q.Get("as_of") != "" {
			writeError(w, r, logger, fmt.Errorf("no unit %q in force on %s: %w", name, at.Format(time.DateOnly), datasets.ErrNotFound))
			return
		}
		if checkETag(w, r, store.Version(), "province-"+u.ID) {
			return
		}
		in, out := reg.Links(u.ID)
		toJSON := func(links []datasets.Link, other func(datasets.Link) string) []linkJSON {
			res := []linkJSON{}
			for _, l := range links {
				o, _ := reg.Unit(other(l))
				res = append(res, linkJSON{Unit: toUnitJSON(o), Effective: l.Effective.Format(time.DateOnly), Kind: l.Kind, Source: l.Source})
			}
			return res
		}
		others := []unitJSON{}
		for _, c := range units {
			if c.ID != u.ID {
				others = append(others, toUnitJSON(c))
			}
		}
		writeJSON(w, http.StatusOK, map[string]any{
			"status": "success", "dataset_version": store.Version(),
			"data": map[string]any{
				"unit":                             toUnitJSON(u),
				"predecessors":                     toJSON(in, func(l datasets.Link) string { return l.Old }),
				"successors":                       toJSON(out, func(l datasets.Link) string { return l.New }),
				"same_name_or_code_at_other_times": others,
			},
		})
	})
}

// handleIndicators lists the indicator catalogue with its methodology and publication breaks.
func handleIndicators(logger *slog.Logger, store *datasets.Store) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if checkETag(w, r, store.Version(), "indicators") {
			return
		}
		inds, err := store.Indicators(r.Context())
		if err != nil {
			writeError(w, r, logger, err)
			return
		}
		writeJSON(w, http.StatusOK, map[string]any{"status": "success", "dataset_version": store.Version(), "count": len(inds), "data": inds})
	})
}
