package report

import (
	"context"
	"math"
	"slices"
	"strings"

	"chiso/analytics"
	"chiso/datasets"
)

// Aggregation rules of the catalogue: how the figures of the units merged in 2025 combine into
// a figure of the unit they formed.
const (
	RuleSum    = "sum"  // extensive quantities: population, area, GRDP level
	RuleMean   = "mean" // survey-based and composite indices: the unweighted mean (as DTI 2024 on the 34 did)
	RuleNone   = "none" // not combinable
	rulePrefix = "weighted_mean:"
)

// Aggregation options of the 34-unit view (agg=…): the catalogue's rule, or indices weighted
// by population instead of the unweighted mean.
const (
	AggRule       = ""
	AggPopulation = "population"
)

// A DerivedInput is one predecessor's figure that a derived figure combines.
type DerivedInput struct {
	Unit       UnitRef  `json:"unit"`
	Value      float64  `json:"value"`
	Weight     *float64 `json:"weight,omitempty"`      // the weight's figure (population, GRDP level)
	WeightYear int      `json:"weight_year,omitempty"` // the year of the weight's figure
	Source     string   `json:"source"`                // the predecessor's figure's source
}

// A Derivation says how a figure of one of the 34 units was derived from its predecessors.
type Derivation struct {
	Rule    string         `json:"rule"`             // "sum", "mean" or "weighted_mean:population"…
	Weight  string         `json:"weight,omitempty"` // the indicator of the weights
	Inputs  []DerivedInput `json:"inputs"`
	RankOf  int            `json:"rank_of,omitempty"` // units ranked in the derived ranking
	Missing []UnitRef      `json:"missing,omitempty"` // predecessors without a figure (no derived figure then)
}

// derivedPanel is the 34-unit view of every indicator for every year: figures published for
// the new units where they exist, otherwise derived from the predecessors.
type derivedPanel struct {
	*panel
	derivations map[string]map[string]map[int]*Derivation // indicator → unit → year
}

// derivation returns how the figure of indicator for unit in year was derived (nil: published
// for the unit itself, or no figure).
func (p *derivedPanel) derivation(indicator, unit string, year int) *Derivation {
	if p == nil {
		return nil
	}
	return p.derivations[indicator][unit][year]
}

// loadDerived returns the 34-unit view for the aggregation option agg, built once per dataset
// version.
func loadDerived(ctx context.Context, store *datasets.Store, agg string) (*derivedPanel, error) {
	v, err := store.Memo("report.derived34|"+agg, func() (any, error) { return buildDerived(ctx, store, agg) })
	if err != nil {
		return nil, err
	}
	return v.(*derivedPanel), nil
}

// derivedInputs is the panel the 34-unit view is made from: the figures of the 34 and of the
// units that became part of them (succ), not the other units' (communes: millions of figures).
func derivedInputs(ctx context.Context, store *datasets.Store, succ map[string]datasets.Unit, units34 []datasets.Unit) (*panel, error) {
	ids := make([]string, 0, len(succ)+len(units34))
	for id := range succ {
		ids = append(ids, id)
	}
	for _, u := range units34 {
		ids = append(ids, u.ID)
	}
	slices.Sort(ids)
	return loadPublished(ctx, store, datasets.ObservationQuery{UnitIDs: ids})
}

// successor34 maps each unit of the 63 (and Huế's city of 2025) to the unit of the 34 it became part of.
func successor34(reg *datasets.Registry) map[string]datasets.Unit {
	out := map[string]datasets.Unit{}
	for _, u := range reg.All() {
		if u.Set == datasets.Set34 {
			continue
		}
		for _, s := range reg.Successors(u.ID) {
			if s.Set == datasets.Set34 {
				out[u.ID] = s
			}
		}
	}
	return out
}

// ruleOf is the rule by which indicator in combines under agg.
func ruleOf(in datasets.Indicator, agg string) string {
	r := in.AggregationRule
	if agg == AggPopulation && r == RuleMean {
		return rulePrefix + "population"
	}
	return r
}

func buildDerived(ctx context.Context, store *datasets.Store, agg string) (*derivedPanel, error) {
	cat, reg := store.Catalogue(), store.Registry()
	succ := successor34(reg)
	units34 := reg.Units(datasets.Set34, datasets.MergerDate.Year())
	all, err := derivedInputs(ctx, store, succ, units34)
	if err != nil {
		return nil, err
	}
	out := &derivedPanel{panel: &panel{figures: map[string]map[string]map[int]datasets.Figure{}},
		derivations: map[string]map[string]map[int]*Derivation{}}
	for _, in := range cat.All() {
		rule := ruleOf(in, agg)
		years := all.years(in.ID, 0, 0)
		for _, y := range years {
			// The predecessors in force for this year's figures: the 63 on their day.
			day := datasets.SetDay(datasets.Set63, y)
			preds := map[string][]datasets.Unit{}
			for _, u := range reg.InForce(day) {
				if s, ok := succ[u.ID]; ok {
					preds[s.ID] = append(preds[s.ID], u)
				}
			}
			var derived []string
			for _, nu := range units34 {
				if f, ok := all.figure(in.ID, nu.ID, y); ok {
					out.set(in.ID, nu.ID, y, f, nil) // published for the new unit itself
					continue
				}
				if rule == RuleNone || rule == "" || len(preds[nu.ID]) == 0 {
					continue
				}
				f, d, ok := derive(all, in, rule, preds[nu.ID], y)
				if ok || len(d.Missing) > 0 {
					out.set(in.ID, nu.ID, y, f, d)
				}
				if ok {
					derived = append(derived, nu.ID)
				}
			}
			out.rankDerived(in, y, derived)
		}
	}
	return out, nil
}

func (p *derivedPanel) set(indicator, unit string, year int, f datasets.Figure, d *Derivation) {
	if p.figures[indicator] == nil {
		p.figures[indicator] = map[string]map[int]datasets.Figure{}
		p.derivations[indicator] = map[string]map[int]*Derivation{}
	}
	if p.figures[indicator][unit] == nil {
		p.figures[indicator][unit] = map[int]datasets.Figure{}
		p.derivations[indicator][unit] = map[int]*Derivation{}
	}
	if d != nil && len(d.Missing) > 0 && f.Value == nil {
		p.derivations[indicator][unit][year] = d // no figure: only the reason
		return
	}
	p.figures[indicator][unit][year] = f
	if d != nil {
		p.derivations[indicator][unit][year] = d
	}
}

// derive combines the predecessors' published values of in for year by rule. ok is false when
// a predecessor (or a weight) lacks a figure; the derivation then names what was missing.
func derive(all *panel, in datasets.Indicator, rule string, preds []datasets.Unit, year int) (datasets.Figure, *Derivation, bool) {
	d := &Derivation{Rule: rule}
	verified := true
	var names []string
	for _, u := range preds {
		v, ok := all.value(in.ID, u.ID, year)
		if !ok {
			d.Missing = append(d.Missing, Ref(u))
			continue
		}
		f, _ := all.figure(in.ID, u.ID, year)
		verified = verified && f.Verified
		names = append(names, u.NameVI)
		d.Inputs = append(d.Inputs, DerivedInput{Unit: Ref(u), Value: v, Source: f.Source.Citation})
	}
	if len(d.Missing) > 0 {
		return datasets.Figure{}, d, false
	}
	var value float64
	switch {
	case rule == RuleSum:
		for _, x := range d.Inputs {
			value += x.Value
		}
	case rule == RuleMean:
		for _, x := range d.Inputs {
			value += x.Value
		}
		value /= float64(len(d.Inputs))
	case strings.HasPrefix(rule, rulePrefix):
		d.Weight = strings.TrimPrefix(rule, rulePrefix)
		wy, ok := weightYear(all, d.Weight, preds, year)
		if !ok {
			d.Missing = nil
			for _, u := range preds {
				d.Missing = append(d.Missing, Ref(u))
			}
			d.Inputs = nil
			return datasets.Figure{}, d, false
		}
		var sw float64
		for i, u := range preds {
			w, _ := all.value(d.Weight, u.ID, wy)
			d.Inputs[i].Weight, d.Inputs[i].WeightYear = new(w), wy
			value += w * d.Inputs[i].Value
			sw += w
		}
		value /= sw
	default: // a rule this version does not know: no derived figure
		return datasets.Figure{}, &Derivation{Rule: rule}, false
	}
	value = math.Round(value*1e9) / 1e9 // no float noise: 1214.6 + 740.1 + 1227.6 is 3182.3
	return datasets.Figure{Value: new(value), Status: "published", Verified: verified,
		Source: datasets.Source{ID: "derived", Citation: "derived by chiso (" + rule + ") from the published figures of " + strings.Join(names, ", ")}}, d, true
}

// weightYear is the year of the weights: the figure's own year if every predecessor has a
// positive weight then, else the nearest year in which they all do.
func weightYear(all *panel, weight string, preds []datasets.Unit, year int) (int, bool) {
	has := func(y int) bool {
		for _, u := range preds {
			if w, ok := all.value(weight, u.ID, y); !ok || !(w > 0) {
				return false
			}
		}
		return true
	}
	for d := 0; d <= 30; d++ {
		if has(year - d) {
			return year - d, true
		}
		if d > 0 && has(year+d) {
			return year + d, true
		}
	}
	return 0, false
}

// rankDerived gives the derived figures of one year their rank among the 34, recomputed from
// the values (competition ranks, ties shared) — never a sum or mean of ranks. Units whose
// figure was published for the 34 keep the published rank.
func (p *derivedPanel) rankDerived(in datasets.Indicator, year int, ids []string) {
	if len(ids) == 0 {
		return
	}
	hib, _ := Direction(in)
	values := make([]float64, len(ids))
	for i, id := range ids {
		values[i] = *p.figures[in.ID][id][year].Value
	}
	ranks, err := analytics.CompetitionRanks(values, hib)
	if err != nil {
		return
	}
	for i, id := range ids {
		f := p.figures[in.ID][id][year]
		f.Rank, f.RankOf = new(ranks[i]), new(len(ids))
		p.figures[in.ID][id][year] = f
		p.derivations[in.ID][id][year].RankOf = len(ids)
	}
}

// DerivedMethod states the rules of the 34-unit view.
const DerivedMethod = "34-unit view: a figure published for one of the 34 units is used as published; otherwise it is derived from the " +
	"figures published for its predecessors in the same year by the rule the catalogue declares: sum for extensive quantities (population, " +
	"area, GRDP level); the mean weighted by the predecessors' size for rates and per-head figures (GRDP growth by GRDP level, GRDP per capita " +
	"by population, weights of the same year or the nearest year with all of them); the unweighted mean for survey-based and composite indices " +
	"(agg=population weights them by population). A derived figure needs every predecessor's figure. Ranks among the 34 are recomputed from " +
	"the derived values (ties shared), never summed or averaged."
