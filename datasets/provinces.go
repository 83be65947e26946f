package datasets

import (
	"errors"
	"fmt"
	"slices"
	"sort"
	"strings"
	"sync"
	"time"
	"unicode"

	"github.com/agnivade/levenshtein"
	"golang.org/x/text/unicode/norm"
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

// Name-resolution failures.
var (
	ErrUnknownProvince   = errors.New("unknown province")
	ErrAmbiguousProvince = errors.New("ambiguous province")
	ErrNotInForce        = errors.New("province not in force")
)

// A NameError reports a province name or code that does not resolve to exactly one unit.
type NameError struct {
	Name       string
	At         time.Time // zero when no date was involved
	Err        error     // ErrUnknownProvince, ErrAmbiguousProvince or ErrNotInForce
	Candidates []Unit    // the units the name matched (ambiguous, not in force)
	Nearest    []string  // the nearest known names (unknown)
	Successor  []Unit    // for ErrNotInForce: what the unit became
}

func (e *NameError) Error() string {
	switch e.Err {
	case ErrAmbiguousProvince:
		return fmt.Sprintf("ambiguous province %q: it matches %s", e.Name, listUnits(e.Candidates))
	case ErrNotInForce:
		msg := fmt.Sprintf("province %q (%s) was not in force on %s", e.Name, listUnits(e.Candidates), e.At.Format(time.DateOnly))
		if len(e.Successor) > 0 {
			msg += fmt.Sprintf("; it became part of %s", listUnits(e.Successor))
		}
		return msg
	default:
		if len(e.Nearest) == 0 {
			return fmt.Sprintf("unknown province %q", e.Name)
		}
		return fmt.Sprintf("unknown province %q; nearest known names: %s", e.Name, strings.Join(e.Nearest, ", "))
	}
}

func (e *NameError) Unwrap() error { return e.Err }

func listUnits(us []Unit) string {
	parts := make([]string, len(us))
	for i, u := range us {
		parts[i] = fmt.Sprintf("%s (%s, %s)", u.NameVI, u.Code, validity(u))
	}
	return strings.Join(parts, ", ")
}

func validity(u Unit) string {
	from, to := "…", "today"
	if !u.ValidFrom.IsZero() {
		from = u.ValidFrom.Format(time.DateOnly)
	}
	if !u.ValidTo.IsZero() {
		to = u.ValidTo.Format(time.DateOnly)
	}
	return from + " to " + to
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

// withKeys gives the registry the keys of its units, keys[i] that of the i-th unit given to
// NewRegistry, and returns it.
func (r *Registry) withKeys(keys []int32) (*Registry, error) {
	if len(keys) != len(r.units) {
		return nil, fmt.Errorf("%d unit keys for %d units", len(keys), len(r.units))
	}
	r.keyOf = make(map[string]int32, len(keys))
	for i, k := range keys {
		if k < 0 {
			return nil, fmt.Errorf("unit %s has the key %d", r.units[i].ID, k)
		}
		if int(k) >= len(r.idOfKey) {
			r.idOfKey = append(r.idOfKey, make([]string, int(k)+1-len(r.idOfKey))...)
		}
		r.keyOf[r.units[i].ID] = k
		r.idOfKey[k] = r.units[i].ID
	}
	return r, nil
}

// unitKey returns the key of the unit with id.
func (r *Registry) unitKey(id string) (int32, bool) {
	k, ok := r.keyOf[id]
	return k, ok
}

// unitIDOfKey returns the id of the unit with key.
func (r *Registry) unitIDOfKey(key int32) (string, bool) {
	if key < 0 || int(key) >= len(r.idOfKey) || r.idOfKey[key] == "" {
		return "", false
	}
	return r.idOfKey[key], true
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

// extraAliases are spellings in common use that the names and initials do not produce.
// Keys are unit ids.
var extraAliases = map[string][]string{
	"vn63.79":      {"TPHCM", "HCMC", "Sài Gòn", "Saigon", "TP HCM"},
	"vn34.79":      {"TPHCM", "HCMC", "Sài Gòn", "Saigon", "TP HCM"},
	"vn63.46":      {"Huế", "TT-Huế", "TT Huế", "Thừa Thiên - Huế"},
	"vn63.06":      {"Bắc Cạn"},
	"vn63.66":      {"Đắc Lắk", "Daklak", "Đắk Lăk"},
	"vn34.66":      {"Đắc Lắk", "Daklak", "Đắk Lăk"},
	"vn63.67":      {"Đắc Nông", "Daknong"},
	"vn63.77":      {"Vũng Tàu", "BR-VT"},
	"vn63.46.2025": {"Thừa Thiên Huế"},
	"vn34.46":      {"Thừa Thiên Huế"},
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

func unitAliases(u Unit) []string {
	as := []string{u.ID, u.Code, u.NameVI, u.NameEN, u.Slug}
	if ini := initials(u.NameVI); ini != "" {
		as = append(as, ini)
	}
	return append(as, extraAliases[u.ID]...)
}

// initials returns the first letters of the words of a name of two or more words,
// after the "Thành phố" prefix: "Bà Rịa - Vũng Tàu" → "brvt", "Thành phố Hồ Chí Minh" → "hcm".
func initials(name string) string {
	words := nameWords(name)
	if len(words) < 2 {
		return ""
	}
	var b strings.Builder
	for _, w := range words {
		b.WriteByte(w[0])
	}
	return b.String()
}

// Normalize folds a province name for matching: no diacritics, lower case, no spaces or
// punctuation, and without the words "tỉnh", "thành phố"/"TP" in front or "city"/"province"
// at the end. A one-digit code gets its leading zero.
func Normalize(name string) string {
	words := nameWords(name)
	s := strings.Join(words, "")
	if len(s) == 1 && s[0] >= '0' && s[0] <= '9' {
		return "0" + s
	}
	return s
}

func nameWords(name string) []string {
	var b strings.Builder
	for _, r := range norm.NFD.String(name) {
		switch {
		case r == 'đ' || r == 'Đ':
			b.WriteByte('d')
		case unicode.Is(unicode.Mn, r):
		case unicode.IsLetter(r) || unicode.IsDigit(r):
			b.WriteRune(unicode.ToLower(r))
		default:
			b.WriteByte(' ')
		}
	}
	words := strings.Fields(b.String())
	trimmed := words
	switch {
	case len(trimmed) > 2 && trimmed[0] == "thanh" && trimmed[1] == "pho":
		trimmed = trimmed[2:]
	case len(trimmed) > 1 && (trimmed[0] == "tp" || trimmed[0] == "tinh"):
		trimmed = trimmed[1:]
	}
	if n := len(trimmed); n > 1 && (trimmed[n-1] == "city" || trimmed[n-1] == "province") {
		trimmed = trimmed[:n-1]
	}
	return trimmed
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

// Matches returns every unit, at any time, that name (a code, slug, id or any spelling of a
// name) refers to. An unknown name gives a *NameError with the nearest known names.
func (r *Registry) Matches(name string) ([]Unit, error) {
	idx := r.aliases[Normalize(name)]
	if len(idx) == 0 {
		return nil, &NameError{Name: name, Err: ErrUnknownProvince, Nearest: r.nearest(name, 3)}
	}
	out := make([]Unit, len(idx))
	for i, j := range idx {
		out[i] = r.units[j]
	}
	return out, nil
}

// Resolve returns the one unit in force on day d that name refers to.
func (r *Registry) Resolve(name string, d time.Time) (Unit, error) {
	all, err := r.Matches(name)
	return unitMatches(all).in(r, name, d, err)
}

// unitMatches are the units that a name refers to at any time (Matches).
type unitMatches []Unit

// in is Resolve(name, d) for the matches all of name and the error err of Matches, so that a
// name given for many days is looked up once.
func (all unitMatches) in(r *Registry, name string, d time.Time, err error) (Unit, error) {
	if err != nil {
		return Unit{}, err
	}
	inForce := func(u Unit) bool { return u.InForce(d) }
	first := slices.IndexFunc(all, inForce)
	switch {
	case first >= 0 && !slices.ContainsFunc(all[first+1:], inForce):
		return all[first], nil
	case first < 0:
		e := &NameError{Name: name, At: d, Err: ErrNotInForce, Candidates: all}
		for _, u := range all {
			e.Successor = append(e.Successor, r.Successors(u.ID)...)
		}
		return Unit{}, e
	default:
		live := slices.DeleteFunc(slices.Clone(all), func(u Unit) bool { return !u.InForce(d) })
		return Unit{}, &NameError{Name: name, At: d, Err: ErrAmbiguousProvince, Candidates: live}
	}
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

// nearest returns up to n known names closest to name by edit distance of their normal forms.
func (r *Registry) nearest(name string, n int) []string {
	key := Normalize(name)
	type cand struct {
		name string
		d    int
	}
	cs := make([]cand, 0, len(r.names))
	for _, nm := range r.names {
		cs = append(cs, cand{nm, levenshtein.ComputeDistance(key, Normalize(nm))})
	}
	sort.SliceStable(cs, func(i, j int) bool { return cs[i].d < cs[j].d })
	out := make([]string, 0, n)
	for _, c := range cs[:min(n, len(cs))] {
		out = append(out, c.name)
	}
	return out
}

// Lookup returns the units that name refers to over time: one unit, or units with that code or
// name that followed one another (code 15: Yên Bái until 2025-06-30, then Lào Cai). A name
// that matches two units in force at the same time is ambiguous.
func (r *Registry) Lookup(name string) ([]Unit, error) {
	all, err := r.Matches(name)
	if err != nil {
		return nil, err
	}
	for i := range all {
		for j := i + 1; j < len(all); j++ {
			if overlap(all[i], all[j]) {
				return nil, &NameError{Name: name, Err: ErrAmbiguousProvince, Candidates: all}
			}
		}
	}
	sort.Slice(all, func(i, j int) bool { return all[i].ValidFrom.Before(all[j].ValidFrom) })
	return all, nil
}

func overlap(a, b Unit) bool {
	aFrom, bFrom := a.ValidFrom, b.ValidFrom
	aTo, bTo := a.ValidTo, b.ValidTo
	far := time.Date(9999, 1, 1, 0, 0, 0, 0, time.UTC)
	if aTo.IsZero() {
		aTo = far
	}
	if bTo.IsZero() {
		bTo = far
	}
	return !aFrom.After(bTo) && !bFrom.After(aTo)
}
