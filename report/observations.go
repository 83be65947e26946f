package report

import (
	"context"
	"strconv"

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
	obs, err := store.Observations(ctx, datasets.ObservationQuery{Indicators: s.Indicators, UnitIDs: ids, From: s.From, To: s.To})
	if err != nil {
		return Observations{}, err
	}
	var v Observations
	v.Query.Indicators, v.Query.Provinces, v.Query.From, v.Query.To, v.Query.Units = s.Indicators, ids, nullInt(s.From), nullInt(s.To), s.Set
	v.Data = make([]Observation, len(obs))
	for i, o := range obs {
		v.Data[i] = Observation{Indicator: o.Indicator, Year: o.Year, Unit: Ref(o.Unit), Figure: o.Figure, Alternatives: o.Alternatives}
	}
	v.Count = len(v.Data)
	v.Missing = missing(obs, store.Catalogue(), s)
	return v, nil
}

// missing lists the requested (indicator, unit, year) keys that have no figure. Each year's
// unit is the one in force at the end of that year.
func missing(obs []datasets.Observation, catalogue *datasets.Catalogue, s ObservationsSpec) []Missing {
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
				u, ok := unitFor(chain, s.Set, datasets.YearEnd(y))
				if !ok || have[key{ind, u.ID, y}] {
					continue
				}
				m := Missing{Indicator: ind, Year: y, Unit: Ref(u), Status: "no_data"}
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

// Table is the observations as rows, one per figure, with the number of other sources.
func (v Observations) Table() Table {
	rows := make([][]string, len(v.Data))
	for i, o := range v.Data {
		rows[i] = []string{o.Indicator, strconv.Itoa(o.Year), o.Unit.ID, o.Unit.Code, o.Unit.Set, o.Unit.NameVI, o.Unit.NameEN,
			fmtFloat(o.Value), fmtInt(o.Rank), fmtInt(o.RankOf), o.Status, strconv.FormatBool(o.Verified),
			o.Source.Citation, o.Source.URL, strconv.Itoa(len(o.Alternatives))}
	}
	return Table{Name: "chiso-observations.csv", Header: []string{"indicator", "year", "unit_id", "code", "unit_set", "name_vi", "name_en",
		"value", "rank", "rank_of", "status", "verified", "source", "source_url", "other_sources"}, Rows: rows}
}
