package report

import (
	"math"
	"slices"
	"time"

	"chiso/datasets"
	"chiso/words"
)

// A UnitRef is the short form of a unit inside a view.
type UnitRef struct {
	ID     string `json:"id"`
	Code   string `json:"code"`
	Set    string `json:"unit_set"`
	NameVI string `json:"name_vi"`
	NameEN string `json:"name_en"`
	Slug   string `json:"slug"`
}

// Ref returns the short form of u.
func Ref(u datasets.Unit) UnitRef {
	return UnitRef{ID: u.ID, Code: u.Code, Set: u.Set, NameVI: u.NameVI, NameEN: u.NameEN, Slug: u.Slug}
}

// Coverage says how many of the units a figure set covers: "27 of 63".
type Coverage struct {
	N  int `json:"n"`
	Of int `json:"of"`
}

// A Unit is a unit as the API shows it, with its validity as dates.
type Unit struct {
	datasets.Unit
	ValidFrom *string `json:"valid_from"` // null: in force before the data begins
	ValidTo   *string `json:"valid_to"`   // null: still in force
}

// UnitOf returns u with its validity as dates.
func UnitOf(u datasets.Unit) Unit {
	j := Unit{Unit: u}
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

// Direction is the direction of an indicator as the catalogue declares it: whether higher is
// better, and whether it has a direction at all (population and area have none).
func Direction(in datasets.Indicator) (higherIsBetter, known bool) {
	if in.HigherIsBetter == nil {
		return true, false
	}
	return *in.HigherIsBetter, true
}

// DirectionName says an indicator's direction: "higher_is_better", "lower_is_better" or "none".
func DirectionName(in datasets.Indicator) string {
	switch hib, known := Direction(in); {
	case !known:
		return "none"
	case hib:
		return "higher_is_better"
	}
	return "lower_is_better"
}

// orderOf is the order in which to list an indicator's values: best first, or largest first
// for an indicator without a direction.
func orderOf(in datasets.Indicator) (higherFirst bool) {
	hib, _ := Direction(in)
	return hib
}

// finite returns v, or nil for NaN and infinities (which JSON cannot carry).
func finite(v float64) *float64 {
	if math.IsNaN(v) || math.IsInf(v, 0) {
		return nil
	}
	return &v
}

func nonNil[T any](s []T) []T {
	if s == nil {
		return []T{}
	}
	return s
}

// nullInt is n, or nil for 0 (an open end of a range).
func nullInt(n int) *int {
	if n == 0 {
		return nil
	}
	return &n
}

// unitIDs returns the ids of units, in order.
func unitIDs(units []datasets.Unit) []string {
	out := make([]string, len(units))
	for i, u := range units {
		out[i] = u.ID
	}
	return out
}

// selectUnits returns the units of all that provinces names (all of them, if none named).
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

// wanted returns the ids of every unit the provinces named (each unit of each chain).
func wanted(provinces [][]datasets.Unit) map[string]bool {
	out := map[string]bool{}
	for _, chain := range provinces {
		for _, u := range chain {
			out[u.ID] = true
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

// IndicatorName is the indicator's name in lang.
func IndicatorName(in datasets.Indicator, lang string) string {
	if lang == "en" {
		return in.NameEN
	}
	return in.NameVI
}

// UnitOfMeasure is the indicator's unit of measure in lang.
func UnitOfMeasure(in datasets.Indicator, lang string) string {
	if w := words.Text(lang, "uom:"+in.UnitOfMeasure); w != "uom:"+in.UnitOfMeasure {
		return w
	}
	return in.UnitOfMeasure
}

// RegionName is a region's name in lang.
func RegionName(region, lang string) string {
	if w := words.Text(lang, "region:"+region); w != "region:"+region {
		return w
	}
	return region
}

// UnitName is the unit's name in lang.
func UnitName(u datasets.Unit, lang string) string {
	if lang == "en" {
		return u.NameEN
	}
	return u.NameVI
}
