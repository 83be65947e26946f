package datasets

import (
	"fmt"
	"slices"
	"strings"
	"sync"
	"time"
)

// A Unit is a provincial-level unit: a code plus the period in which it was in force.
// The same code may name different units before and after 2025-07-01.
type Unit struct {
	ID        string    `json:"id"`
	Code      string    `json:"code"`
	Set       string    `json:"unit_set"` // "63" or "34"
	NameVI    string    `json:"name_vi"`
	NameEN    string    `json:"name_en"`
	Slug      string    `json:"slug"`
	Kind      string    `json:"kind"`
	Region    string    `json:"region,omitempty"`
	ValidFrom time.Time `json:"-"` // zero: in force before the data begins
	ValidTo   time.Time `json:"-"` // zero: still in force
	Source    string    `json:"source"`
}

// InForce reports whether u was in force on day d.
func (u Unit) InForce(d time.Time) bool {
	if !u.ValidFrom.IsZero() && d.Before(u.ValidFrom) {
		return false
	}
	if !u.ValidTo.IsZero() && d.After(u.ValidTo) {
		return false
	}
	return true
}

// A Link is one step of lineage: the old unit became (part of) the new unit on Effective.
type Link struct {
	Old       string    `json:"old_unit"`
	New       string    `json:"new_unit"`
	Effective time.Time `json:"-"`
	Kind      string    `json:"kind"` // "merger", "unchanged" or "rename"
	Source    string    `json:"source"`
}

// YearEnd returns 31 December of year: a figure for a year belongs to the unit in force then.
func YearEnd(year int) time.Time {
	return time.Date(year, time.December, 31, 0, 0, 0, 0, time.UTC)
}

// A Registry holds the provincial units and their lineage and resolves names to units.
// It is immutable once built and safe for concurrent use.
type Registry struct {
	units   []Unit
	byCode  []int // indices into units in code order (stable), the order of InForce
	byID    map[string]int
	aliases map[string][]int // normalised alias → indices into units
	names   []string         // distinct display names, for suggestions
	links   []Link
	inForce sync.Map // time.Time → []Unit: InForce's answers, computed once per day asked
	ofSet   sync.Map // setDay → []Unit: Units' answers

	// lists are the distinct lists of units those answers hold: days with the same units in
	// force share one (share), so that a server asked about every year keeps a handful of
	// lists, not one per day (at commune scale, 700 KB each for the collector to trace), and
	// the index of each (Index).
	listsMu sync.Mutex
	lists   []*unitList

	// keyOf and idOfKey map a unit's id to the integer the observations carry (unit.key) and
	// back: set by withKeys for a registry read from the database, empty otherwise.
	keyOf   map[string]int32
	idOfKey []string // by key; "" where no unit has the key
}

type unitList struct {
	units []Unit
	index map[string]int // unit id → position in units, made on first use
}

// share returns the list of units equal to units (the same ids in the same order) that an
// earlier answer holds, or else keeps units as one.
func (r *Registry) share(units []Unit) []Unit {
	if len(units) == 0 {
		return units
	}
	r.listsMu.Lock()
	defer r.listsMu.Unlock()
	for _, l := range r.lists {
		if slices.EqualFunc(l.units, units, func(a, b Unit) bool { return a.ID == b.ID }) {
			return l.units
		}
	}
	r.lists = append(r.lists, &unitList{units: units})
	return units
}

// Index maps each unit's id to its position in units. For a list that InForce or Units
// answered it is made once and shared (callers must not modify it); for any other list it is
// made anew.
func (r *Registry) Index(units []Unit) map[string]int {
	if len(units) > 0 {
		r.listsMu.Lock()
		defer r.listsMu.Unlock()
		for _, l := range r.lists {
			if &l.units[0] == &units[0] && len(l.units) == len(units) {
				if l.index == nil {
					l.index = indexOf(units)
				}
				return l.index
			}
		}
	}
	return indexOf(units)
}

func indexOf(units []Unit) map[string]int {
	index := make(map[string]int, len(units))
	for i, u := range units {
		index[u.ID] = i
	}
	return index
}

// NewRegistry builds a registry from units and lineage links. Unit ids must be unique.
func NewRegistry(units []Unit, links []Link) (*Registry, error) {
	r := &Registry{
		units:   slices.Clone(units),
		byID:    make(map[string]int, len(units)),
		aliases: make(map[string][]int),
		links:   slices.Clone(links),
	}
	seen := map[string]bool{}
	for i, u := range r.units {
		if _, dup := r.byID[u.ID]; dup {
			return nil, fmt.Errorf("duplicate unit id %q", u.ID)
		}
		r.byID[u.ID] = i
		for _, a := range unitAliases(u) {
			key := Normalize(a)
			if key == "" || slices.Contains(r.aliases[key], i) {
				continue
			}
			r.aliases[key] = append(r.aliases[key], i)
		}
		if !seen[u.NameVI] {
			seen[u.NameVI] = true
			r.names = append(r.names, u.NameVI)
		}
	}
	r.byCode = make([]int, len(r.units))
	for i := range r.byCode {
		r.byCode[i] = i
	}
	slices.SortStableFunc(r.byCode, func(i, j int) int { return strings.Compare(r.units[i].Code, r.units[j].Code) })
	for _, l := range r.links {
		if _, ok := r.byID[l.Old]; !ok {
			return nil, fmt.Errorf("lineage: unknown unit %q", l.Old)
		}
		if _, ok := r.byID[l.New]; !ok {
			return nil, fmt.Errorf("lineage: unknown unit %q", l.New)
		}
	}
	return r, nil
}

// Len returns the number of units, the 63 and the 34 and those before them.
func (r *Registry) Len() int { return len(r.units) }

// All returns every unit, the 63 and the 34, in registry order.
func (r *Registry) All() []Unit { return slices.Clone(r.units) }

// Unit sets: the 63 provincial units in force until 30 June 2025, the 34 from 1 July 2025.
const (
	Set63 = "63"
	Set34 = "34"
)

// The first day of the 34 units and the last day of the 63 (resolution 202/2025/QH15).
var (
	MergerDate = time.Date(2025, time.July, 1, 0, 0, 0, 0, time.UTC)
	LastDay63  = time.Date(2025, time.June, 30, 0, 0, 0, 0, time.UTC)
)

// SetDay returns the day whose units a figure of year in unit set refers to. This is the
// one home of the unit-set rule: set "" is the set in force at the end of the year; "63" for
// a year after the merger is the 63 as they stood on their last day; "34" for a year before
// it is the 34 (DTI 2024 was published for both sets).
func SetDay(set string, year int) time.Time {
	d := YearEnd(year)
	switch {
	case set == Set34 && d.Before(MergerDate):
		return MergerDate
	case set == Set63 && !d.Before(MergerDate):
		return LastDay63
	}
	return d
}

// Units returns the units of set in force for year (see SetDay), ordered by code; set "" is
// every unit in force at the end of year. The slice is shared: callers must not modify it.
func (r *Registry) Units(set string, year int) []Unit {
	day := SetDay(set, year)
	if set == "" {
		return r.InForce(day)
	}
	key := setDay{set, day}
	if v, ok := r.ofSet.Load(key); ok {
		return v.([]Unit)
	}
	var out []Unit
	for _, u := range r.InForce(day) {
		if u.Set == set {
			out = append(out, u)
		}
	}
	out = r.share(out)
	r.ofSet.Store(key, out)
	return out
}

type setDay struct {
	set string
	day time.Time
}

// Unit returns the unit with the given id.
func (r *Registry) Unit(id string) (Unit, bool) {
	i, ok := r.byID[id]
	if !ok {
		return Unit{}, false
	}
	return r.units[i], true
}

// InForce returns the units in force on day d, ordered by code. The slice is shared: callers
// must not modify it.
func (r *Registry) InForce(d time.Time) []Unit {
	if v, ok := r.inForce.Load(d); ok {
		return v.([]Unit)
	}
	out := r.share(r.inForceOn(d))
	r.inForce.Store(d, out)
	return out
}

func (r *Registry) inForceOn(d time.Time) []Unit {
	n := 0
	for _, u := range r.units {
		if u.InForce(d) {
			n++
		}
	}
	out := make([]Unit, 0, n)
	for _, i := range r.byCode {
		if u := r.units[i]; u.InForce(d) {
			out = append(out, u)
		}
	}
	return out
}

// Successors returns the units that the unit with the given id became, following lineage
// until a unit still in force (or the end of the chain).
func (r *Registry) Successors(id string) []Unit {
	var out []Unit
	for _, l := range r.links {
		if l.Old != id {
			continue
		}
		u := r.units[r.byID[l.New]]
		if next := r.Successors(u.ID); len(next) > 0 && !u.ValidTo.IsZero() {
			out = append(out, next...)
			continue
		}
		out = append(out, u)
	}
	return out
}

// Links returns the lineage steps into (predecessors) and out of (successors) the unit.
func (r *Registry) Links(id string) (in, out []Link) {
	for _, l := range r.links {
		if l.New == id {
			in = append(in, l)
		}
		if l.Old == id {
			out = append(out, l)
		}
	}
	return in, out
}
