package report

import (
	"context"
	"sort"

	"chiso/datasets"
)

// A panel holds the preferred figures of some indicators: indicator → unit id → year →
// figure. Figures marked "not published" are kept (they have no value).
type panel struct {
	figures map[string]map[string]map[int]datasets.Figure
	alts    map[string]map[string]map[int][]datasets.Figure // other sources' figures, as published
	derived *derivedPanel                                   // the 34-unit view's derivations, if the panel is of it
}

// alternatives returns the other sources' figures for indicator, unit and year (nil: none).
func (p *panel) alternatives(indicator, unit string, year int) []datasets.Figure {
	if p == nil {
		return nil
	}
	return p.alts[indicator][unit][year]
}

// derivation returns how a figure of the 34-unit view was derived (nil: as published).
func (p *panel) derivation(indicator, unit string, year int) *Derivation {
	if p == nil {
		return nil
	}
	return p.derived.derivation(indicator, unit, year)
}

// A View is which figures a view shows: as published (Set "" or "63"), or the 34-unit view
// (Set "34"), in which figures of the 34 units are published or derived from their
// predecessors (Agg: the catalogue's rule, or "population" to weight indices by population).
type View struct {
	Set string // "", "63" or "34"
	Agg string // "" or "population" (Set "34" only)
}

// loadPanel reads the figures of the indicators from..to (0: open) as the view shows them.
func loadPanel(ctx context.Context, store *datasets.Store, v View, indicators []string, from, to int) (*panel, error) {
	if v.Set != datasets.Set34 {
		return loadPublished(ctx, store, indicators, from, to)
	}
	dp, err := loadDerived(ctx, store, v.Agg)
	if err != nil {
		return nil, err
	}
	p := &panel{figures: map[string]map[string]map[int]datasets.Figure{}, derived: dp}
	for _, ind := range indicators {
		for unit, years := range dp.figures[ind] {
			for y, f := range years {
				if (from == 0 || y >= from) && (to == 0 || y <= to) {
					if p.figures[ind] == nil {
						p.figures[ind] = map[string]map[int]datasets.Figure{}
					}
					if p.figures[ind][unit] == nil {
						p.figures[ind][unit] = map[int]datasets.Figure{}
					}
					p.figures[ind][unit][y] = f
				}
			}
		}
	}
	return p, nil
}

// loadPublished reads the preferred published figures of the indicators from..to (0: open).
func loadPublished(ctx context.Context, store *datasets.Store, indicators []string, from, to int) (*panel, error) {
	obs, err := store.Observations(ctx, datasets.ObservationQuery{Indicators: indicators, From: from, To: to})
	if err != nil {
		return nil, err
	}
	p := &panel{figures: map[string]map[string]map[int]datasets.Figure{}}
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
		if len(o.Alternatives) > 0 {
			if p.alts == nil {
				p.alts = map[string]map[string]map[int][]datasets.Figure{}
			}
			if p.alts[o.Indicator] == nil {
				p.alts[o.Indicator] = map[string]map[int][]datasets.Figure{}
			}
			if p.alts[o.Indicator][o.Unit.ID] == nil {
				p.alts[o.Indicator][o.Unit.ID] = map[int][]datasets.Figure{}
			}
			p.alts[o.Indicator][o.Unit.ID][o.Year] = o.Alternatives
		}
	}
	return p, nil
}

// figure returns the figure of indicator for unit in year, published or not.
func (p *panel) figure(indicator, unit string, year int) (datasets.Figure, bool) {
	f, ok := p.figures[indicator][unit][year]
	return f, ok
}

// has reports whether unit has any figure of indicator.
func (p *panel) has(indicator, unit string) bool { return len(p.figures[indicator][unit]) > 0 }

// value returns the published value of indicator for unit in year.
func (p *panel) value(indicator, unit string, year int) (float64, bool) {
	f, ok := p.figures[indicator][unit][year]
	if !ok || f.Value == nil || f.Status != "published" {
		return 0, false
	}
	return *f.Value, true
}

// rank returns the published rank (and rank_of, 0 if not given) of indicator for unit in year.
func (p *panel) rank(indicator, unit string, year int) (rank, of int, ok bool) {
	f, ok := p.figures[indicator][unit][year]
	if !ok || f.Rank == nil || f.Status != "published" {
		return 0, 0, false
	}
	if f.RankOf != nil {
		of = *f.RankOf
	}
	return *f.Rank, of, true
}

// years returns the years in which indicator has any figure, within from..to (0: open), ascending.
func (p *panel) years(indicator string, from, to int) []int {
	set := map[int]bool{}
	for _, ys := range p.figures[indicator] {
		for y := range ys {
			if (from == 0 || y >= from) && (to == 0 || y <= to) {
				set[y] = true
			}
		}
	}
	out := make([]int, 0, len(set))
	for y := range set {
		out = append(out, y)
	}
	sort.Ints(out)
	return out
}

// latestYear returns the latest year with a figure of indicator, or 0.
func (p *panel) latestYear(indicator string) int {
	ys := p.years(indicator, 0, 0)
	if len(ys) == 0 {
		return 0
	}
	return ys[len(ys)-1]
}

// values returns the published values of indicator in year of the units given, in their order.
func (p *panel) values(indicator string, units []datasets.Unit, year int) []float64 {
	var out []float64
	for _, u := range units {
		if v, ok := p.value(indicator, u.ID, year); ok {
			out = append(out, v)
		}
	}
	return out
}
