package datasets

import (
	"errors"
	"fmt"
	"slices"
	"sort"
	"strings"
	"time"
	"unicode"

	"github.com/agnivade/levenshtein"
	"golang.org/x/text/unicode/norm"
)

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
