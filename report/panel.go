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
		return loadPublished(ctx, store, datasets.ObservationQuery{Indicators: indicators, From: from, To: to})
	}
	dp, err := loadDerived(ctx, store, v.Agg)
	if err != nil {
		return nil, err
	}
	return &panel{figures: dp.figures, derived: dp}, nil
}

// memoLimit is the number of figures up to which the views share one in-memory panel of every
// figure, built once per dataset version; above it each view reads what it needs from DuckDB.
const memoLimit = 500_000

// loadPublished returns the figures that q selects: the shared panel of every figure when
// there is one, which may hold more indicators, units and years than asked (views look figures
// up by key and must treat it as read-only), else those figures alone, from DuckDB.
func loadPublished(ctx context.Context, store *datasets.Store, q datasets.ObservationQuery) (*panel, error) {
	p, err := sharedPanel(ctx, store)
	if p != nil || err != nil {
		return p, err
	}
	return queryPanel(ctx, store, q)
}

// sharedPanel returns the panel of every published figure that the views share, built once per
// dataset version, or nil when the store holds more than memoLimit figures.
func sharedPanel(ctx context.Context, store *datasets.Store) (*panel, error) {
	if n, err := store.Figures(ctx); err != nil || n > memoLimit {
		return nil, nil
	}
	v, err := store.Memo("report.published", func() (any, error) { return queryPanel(ctx, store, datasets.ObservationQuery{}) })
	if err != nil {
		return nil, err
	}
	return v.(*panel), nil
}

// queryPanel reads the figures that q selects from DuckDB: the preferred ones, and the other
// sources' beside them.
func queryPanel(ctx context.Context, store *datasets.Store, q datasets.ObservationQuery) (*panel, error) {
	p := &panel{figures: map[string]map[string]map[int]datasets.Figure{}}
	err := store.EachFigure(ctx, q, func(ind, unit string, year int, f datasets.Figure) {
		byUnit := p.figures[ind]
		if byUnit == nil {
			byUnit = map[string]map[int]datasets.Figure{}
			p.figures[ind] = byUnit
		}
		if byUnit[unit] == nil {
			byUnit[unit] = map[int]datasets.Figure{}
		}
		byUnit[unit][year] = f
	})
	if err != nil {
		return nil, err
	}
	err = store.EachAlternative(ctx, q, func(ind, unit string, year int, f datasets.Figure) {
		if p.alts == nil {
			p.alts = map[string]map[string]map[int][]datasets.Figure{}
		}
		if p.alts[ind] == nil {
			p.alts[ind] = map[string]map[int][]datasets.Figure{}
		}
		if p.alts[ind][unit] == nil {
			p.alts[ind][unit] = map[int][]datasets.Figure{}
		}
		p.alts[ind][unit][year] = append(p.alts[ind][unit][year], f)
	})
	if err != nil {
		return nil, err
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

// ranker returns the published rank of indicator for a unit in a year.
func (p *panel) ranker(indicator string) func(unit string, year int) (int, bool) {
	return func(unit string, year int) (int, bool) {
		rk, _, ok := p.rank(indicator, unit, year)
		return rk, ok
	}
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

// Warm builds what the views share for the current dataset version (the panel of every
// figure, the 34-unit view, the default trends), so that the first requests are fast. A store
// of more than memoLimit figures shares no panel: each view reads what it needs, and Warm
// does nothing (warming every indicator's trends over every unit would take minutes).
func Warm(ctx context.Context, store *datasets.Store) error {
	if n, err := store.Figures(ctx); err != nil || n > memoLimit {
		return err
	}
	p, err := loadPublished(ctx, store, datasets.ObservationQuery{})
	if err != nil {
		return err
	}
	d, err := loadPanel(ctx, store, View{Set: datasets.Set34}, nil, 0, 0)
	if err != nil {
		return err
	}
	for _, in := range store.Catalogue().All() {
		if _, err := defaultTrends(store, p, View{}, in); err != nil {
			return err
		}
		if _, err := defaultTrends(store, d, View{Set: datasets.Set34}, in); err != nil {
			return err
		}
	}
	return nil
}
