package server

import (
	"context"
	"math"
	"slices"
	"time"

	"chiso/datasets"
)

// A panel holds the preferred published figures of some indicators: indicator → unit id →
// year → figure. Figures marked "not published" are kept apart (they have no value).
type panel struct {
	store   *datasets.Store
	figures map[string]map[string]map[int]datasets.Figure
}

// loadPanel reads the preferred figures of the indicators from..to (0: open) into memory.
func loadPanel(ctx context.Context, store *datasets.Store, indicators []string, from, to int) (*panel, error) {
	obs, err := store.Observations(ctx, datasets.ObservationQuery{Indicators: indicators, From: from, To: to})
	if err != nil {
		return nil, err
	}
	p := &panel{store: store, figures: map[string]map[string]map[int]datasets.Figure{}}
	for _, o := range obs {
		byUnit := p.figures[o.Indicator]
		if byUnit == nil {
			byUnit = map[string]map[int]datasets.Figure{}
			p.figures[o.Indicator] = byUnit
		}
		if byUnit[o.Unit.ID] == nil {
			byUnit[o.Unit.ID] = map[int]datasets.Figure{}
		}
		byUnit[o.Unit.ID][o.Year] = o.Figure
	}
	return p, nil
}

// value returns the published value of indicator for unit in year.
func (p *panel) value(indicator, unit string, year int) (float64, bool) {
	f, ok := p.figures[indicator][unit][year]
	if !ok || f.Value == nil || f.Status != "published" {
		return 0, false
	}
	return *f.Value, true
}

// rank returns the published rank (and rank_of) of indicator for unit in year.
func (p *panel) rank(indicator, unit string, year int) (rank, of int, ok bool) {
	f, ok := p.figures[indicator][unit][year]
	if !ok || f.Rank == nil || f.Status != "published" {
		return 0, 0, false
	}
	of = 0
	if f.RankOf != nil {
		of = *f.RankOf
	}
	return *f.Rank, of, true
}

// universe returns the units of a set in force for year: set "" picks the set in force at the
// end of the year; "34" for a year before the merger means the 34 units (DTI 2024 was
// published for both sets).
func universe(reg *datasets.Registry, set string, year int) []datasets.Unit {
	day := datasets.YearEnd(year)
	switch {
	case set == "34" && day.Before(mergerDay):
		day = mergerDay
	case set == "63" && !day.Before(mergerDay):
		day = mergerDay.AddDate(0, 0, -1)
	}
	return reg.InForce(day)
}

var mergerDay = time.Date(2025, time.July, 1, 0, 0, 0, 0, time.UTC)

// coverage says how many of the units a figure set covers: "27 of 63".
type coverage struct {
	N  int `json:"n"`
	Of int `json:"of"`
}

// higherIsBetter is the direction of an indicator; neither (population, area) counts as higher.
func higherIsBetter(in datasets.Indicator) bool {
	return in.HigherIsBetter == nil || *in.HigherIsBetter
}

// finite returns v, or nil for NaN and infinities (which JSON cannot carry).
func finite(v float64) *float64 {
	if math.IsNaN(v) || math.IsInf(v, 0) {
		return nil
	}
	return &v
}

// unitIDs returns the ids of units, in order.
func unitIDs(units []datasets.Unit) []string {
	out := make([]string, len(units))
	for i, u := range units {
		out[i] = u.ID
	}
	return out
}

// selectUnits returns the units of the universe named by provinces (all, if none named).
func selectUnits(all []datasets.Unit, provinces [][]datasets.Unit) []datasets.Unit {
	if len(provinces) == 0 {
		return all
	}
	var out []datasets.Unit
	for _, chain := range provinces {
		for _, u := range chain {
			if slices.ContainsFunc(all, func(a datasets.Unit) bool { return a.ID == u.ID }) {
				out = append(out, u)
			}
		}
	}
	return out
}

// wanted returns the ids of every unit the provinces parameter named (each unit of each chain).
func wanted(provinces [][]datasets.Unit) map[string]bool {
	out := map[string]bool{}
	for _, chain := range provinces {
		for _, u := range chain {
			out[u.ID] = true
		}
	}
	return out
}
