package report

import (
	"context"
	"fmt"
	"maps"
	"slices"
	"sort"
	"strconv"
	"strings"
	"time"

	"chiso/datasets"
)

// ObservationsSpec asks for the figures of indicators (none: all), provinces (none: all) and
// years from..to (0: open), optionally only of one unit set ("63" or "34").
type ObservationsSpec struct {
	Indicators []string
	Provinces  [][]datasets.Unit
	From, To   int
	View
}

// An Observation is the preferred figure of one (indicator, unit, year) with the other
// sources' figures beside it.
type Observation struct {
	Indicator string  `json:"indicator"`
	Year      int     `json:"year"`
	Unit      UnitRef `json:"unit"`
	datasets.Figure
	Alternatives []datasets.Figure `json:"alternatives"`
	Derived      bool              `json:"derived"`              // derived from the predecessors (units=34)
	Derivation   *Derivation       `json:"derivation,omitempty"` // how
}

// A Missing is a requested (indicator, unit, year) without a figure.
type Missing struct {
	Indicator string  `json:"indicator"`
	Year      int     `json:"year"`
	Unit      UnitRef `json:"unit"`
	Status    string  `json:"status"` // "no_data"
	Note      string  `json:"note,omitempty"`
}

// Observations is the observations view.
type Observations struct {
	Query struct {
		Indicators []string `json:"indicators"`
		Provinces  []string `json:"provinces"`
		From       *int     `json:"from"`
		To         *int     `json:"to"`
		Units      string   `json:"units"`
	} `json:"query"`
	Count   int           `json:"count"`
	Data    []Observation `json:"data"`
	Missing []Missing     `json:"missing"`
}

// ObservationsOf returns the figures a spec asks for, and the requested keys without one
// (when the spec names indicators, provinces and both ends of the year range).
func ObservationsOf(ctx context.Context, store *datasets.Store, s ObservationsSpec) (Observations, error) {
	var ids []string
	for _, chain := range s.Provinces {
		for _, u := range chain {
			if s.Set == "" || u.Set == s.Set {
				ids = append(ids, u.ID)
			}
		}
	}
	if len(s.Provinces) > 0 && len(ids) == 0 {
		return Observations{}, &ParamError{Param: "units", Want: "a unit set that the provinces belong to", Got: strconv.Quote(s.Set)}
	}
	var obs []datasets.Observation
	var p *panel
	var err error
	if s.Set == datasets.Set34 {
		obs, p, err = derivedObservations(ctx, store, s, ids)
	} else {
		obs, err = store.Observations(ctx, datasets.ObservationQuery{Indicators: s.Indicators, UnitIDs: ids, From: s.From, To: s.To})
	}
	if err != nil {
		return Observations{}, err
	}
	var v Observations
	v.Query.Indicators, v.Query.Provinces, v.Query.From, v.Query.To, v.Query.Units = s.Indicators, ids, nullInt(s.From), nullInt(s.To), s.Set
	v.Data = make([]Observation, len(obs))
	for i, o := range obs {
		v.Data[i] = Observation{Indicator: o.Indicator, Year: o.Year, Unit: Ref(o.Unit), Figure: o.Figure, Alternatives: nonNil(o.Alternatives)}
		if p != nil {
			if d := p.derivation(o.Indicator, o.Unit.ID, o.Year); d != nil {
				v.Data[i].Derived, v.Data[i].Derivation = true, d
			}
		}
	}
	v.Count = len(v.Data)
	v.Missing = missing(obs, store.Registry(), store.Catalogue(), s, p)
	return v, nil
}

// derivedObservations are the figures of the 34-unit view that s selects, in the order of
// store.Observations (indicator, unit code, year).
func derivedObservations(ctx context.Context, store *datasets.Store, s ObservationsSpec, ids []string) ([]datasets.Observation, *panel, error) {
	inds := s.Indicators
	if len(inds) == 0 {
		inds = store.Catalogue().IDs()
	}
	p, err := loadPanel(ctx, store, s.View, inds, s.From, s.To)
	if err != nil {
		return nil, nil, err
	}
	reg := store.Registry()
	var obs []datasets.Observation
	for _, ind := range inds {
		units := ids
		if len(units) == 0 {
			units = unitIDs(reg.Units(datasets.Set34, datasets.MergerDate.Year()))
		}
		for _, id := range units {
			u, _ := reg.Unit(id)
			for _, y := range slices.Sorted(maps.Keys(p.figures[ind][id])) {
				if (s.From != 0 && y < s.From) || (s.To != 0 && y > s.To) {
					continue
				}
				obs = append(obs, datasets.Observation{Indicator: ind, Unit: u, Year: y, Figure: p.figures[ind][id][y]})
			}
		}
	}
	sort.SliceStable(obs, func(i, j int) bool {
		if obs[i].Indicator != obs[j].Indicator {
			return obs[i].Indicator < obs[j].Indicator
		}
		return obs[i].Unit.Code < obs[j].Unit.Code
	})
	return obs, p, nil
}

// missing lists the requested (indicator, unit, year) keys that have no figure. Each year's
// unit is the one in force at the end of that year.
func missing(obs []datasets.Observation, reg *datasets.Registry, catalogue *datasets.Catalogue, s ObservationsSpec, p *panel) []Missing {
	out := []Missing{}
	if len(s.Indicators) == 0 || len(s.Provinces) == 0 || s.From == 0 || s.To == 0 {
		return out
	}
	type key struct {
		ind, unit string
		year      int
	}
	have := map[key]bool{}
	for _, o := range obs {
		have[key{o.Indicator, o.Unit.ID, o.Year}] = true
	}
	for _, ind := range s.Indicators {
		in, _ := catalogue.Get(ind)
		for _, chain := range s.Provinces {
			for y := s.From; y <= s.To; y++ {
				u, ok := unitFor(chain, s.Set, datasets.SetDay(s.Set, y))
				if !ok {
					if m, ok := notYetFormed(reg, chain, ind, y, s.Set); ok {
						out = append(out, m)
					}
					continue
				}
				if have[key{ind, u.ID, y}] {
					continue
				}
				m := Missing{Indicator: ind, Year: y, Unit: Ref(u), Status: "no_data"}
				for _, b := range in.Breaks {
					if b.Kind == "publication" && y >= b.Year {
						m.Note = b.Note
					}
				}
				if d := p.derivation(ind, u.ID, y); d != nil && len(d.Missing) > 0 {
					m.Note = joinNotes(m.Note, "no derived figure: no figure for "+refNames(d.Missing)+" (predecessor)")
				}
				out = append(out, m)
			}
		}
	}
	return out
}

// notYetFormed explains a year asked of a unit of the 34 before it existed: its figures
// then belong to its predecessors, and units=34 gives the derived series.
func notYetFormed(reg *datasets.Registry, chain []datasets.Unit, ind string, year int, set string) (Missing, bool) {
	u := chain[len(chain)-1]
	if u.Set != datasets.Set34 || set == datasets.Set34 || !datasets.YearEnd(year).Before(u.ValidFrom) {
		return Missing{}, false
	}
	in, _ := reg.Links(u.ID)
	var preds []UnitRef
	for _, l := range in {
		if p, ok := reg.Unit(l.Old); ok {
			preds = append(preds, Ref(p))
		}
	}
	return Missing{Indicator: ind, Year: year, Unit: Ref(u), Status: "no_data",
		Note: fmt.Sprintf("%s was formed on %s from %s; figures for %d belong to them: ask for them, or add units=34 for the series derived from their figures",
			u.NameVI, u.ValidFrom.Format(time.DateOnly), refNames(preds), year)}, true
}

// refNames lists units' Vietnamese names.
func refNames(us []UnitRef) string {
	names := make([]string, len(us))
	for i, u := range us {
		names[i] = u.NameVI
	}
	return strings.Join(names, ", ")
}

// Table is the observations as rows, one per figure, with the number of other sources.
func (v Observations) Table() Table {
	rows := make([][]string, len(v.Data))
	for i, o := range v.Data {
		rule := ""
		if o.Derivation != nil {
			rule = o.Derivation.Rule
		}
		rows[i] = []string{o.Indicator, strconv.Itoa(o.Year), o.Unit.ID, o.Unit.Code, o.Unit.Set, o.Unit.NameVI, o.Unit.NameEN,
			fmtFloat(o.Value), fmtInt(o.Rank), fmtInt(o.RankOf), o.Status, strconv.FormatBool(o.Verified),
			o.Source.Citation, o.Source.URL, strconv.Itoa(len(o.Alternatives)), strconv.FormatBool(o.Derived), rule}
	}
	return Table{Name: "chiso-observations.csv", Header: []string{"indicator", "year", "unit_id", "code", "unit_set", "name_vi", "name_en",
		"value", "rank", "rank_of", "status", "verified", "source", "source_url", "other_sources", "derived", "derivation_rule"}, Rows: rows}
}
