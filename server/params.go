package server

import (
	"errors"
	"fmt"
	"math"
	"net/http"
	"net/url"
	"slices"
	"sort"
	"strconv"
	"strings"
	"time"

	"chiso/datasets"
	"chiso/report"
)

// Limits on what one request may ask for; each is a 400 naming the parameter, never a silent cut.
const (
	minYear       = 1990
	maxYear       = 2100
	maxIndicators = 50
	maxNameLen    = 100 // characters of one province name, before any matching
)

// A query reads a request's parameters. It keeps the first error, so that a handler parses
// everything it needs and checks once, and it records which parameters were read: the API
// refuses the others, and caches and ETags are keyed on the recognised ones only.
type query struct {
	url.Values
	r    *http.Request
	read map[string]bool
	err  error
}

func newQuery(r *http.Request) *query {
	q := &query{Values: r.URL.Query(), r: r, read: map[string]bool{}}
	if log, ok := r.Context().Value(queryLogKey{}).(*[]*query); ok {
		*log = append(*log, q)
	}
	return q
}

// queryLogKey, in a request's context, collects the queries made for the request: tests compare
// the parameters handlers read with those the API document names.
type queryLogKey struct{}

func (q *query) keep(err error) {
	if q.err == nil {
		q.err = err
	}
}

// get returns the one value of parameter name ("" if absent); a repeated parameter is an error.
func (q *query) get(name string) string {
	q.read[name] = true
	vs := q.Values[name]
	if len(vs) > 1 {
		q.keep(&report.ParamError{Param: name, Want: "one value", Got: fmt.Sprintf("%d values (%s)", len(vs), report.Quote(strings.Join(vs, " | ")))})
	}
	if len(vs) == 0 {
		return ""
	}
	return strings.TrimSpace(vs[0])
}

// has reports whether parameter name was given.
func (q *query) has(name string) bool {
	q.read[name] = true
	return q.Values.Has(name)
}

// unknown returns the parameters given but never read, sorted.
func (q *query) unknown() []string {
	var out []string
	for k := range q.Values {
		if !q.read[k] {
			out = append(out, k)
		}
	}
	sort.Strings(out)
	return out
}

// refuseUnknown records an error for the first parameter given but never read.
func (q *query) refuseUnknown() {
	if u := q.unknown(); len(u) > 0 {
		known := slices.Sorted(func(yield func(string) bool) {
			for k := range q.read {
				if !yield(k) {
					return
				}
			}
		})
		q.keep(&report.ParamError{Param: u[0], Want: "a parameter of this endpoint (" + strings.Join(known, ", ") + ")", Got: "an unknown parameter " + report.Quote(u[0])})
	}
}

// recognised returns the parameters given that were read.
func (q *query) recognised() url.Values {
	v := url.Values{}
	for k := range q.read {
		if vs, ok := q.Values[k]; ok {
			v[k] = vs
		}
	}
	return v
}

// canonical is the recognised parameters in a canonical order: the key of caches and ETags.
func (q *query) canonical() string { return q.recognised().Encode() } // Encode sorts by key

func yearWant() string { return fmt.Sprintf("a year in [%d, %d]", minYear, maxYear) }

// year reads an optional year; 0 means absent.
func (q *query) year(name string) int {
	s := q.get(name)
	if s == "" {
		return 0
	}
	y, err := strconv.Atoi(s)
	if err != nil || y < minYear || y > maxYear {
		q.keep(&report.ParamError{Param: name, Want: yearWant(), Got: report.Quote(s)})
		return 0
	}
	return y
}

// requiredYear reads a year that must be given.
func (q *query) requiredYear(name string) int {
	y := q.year(name)
	if y == 0 && q.get(name) == "" {
		q.keep(&report.ParamError{Param: name, Want: yearWant(), Got: "nothing"})
	}
	return y
}

// yearRange reads from and to, and checks from ≤ to.
func (q *query) yearRange() (from, to int) {
	from, to = q.year("from"), q.year("to")
	if from != 0 && to != 0 && from > to {
		q.keep(&report.ParamError{Param: "to", Want: fmt.Sprintf("a year ≥ from (%d)", from), Got: strconv.Itoa(to)})
	}
	return from, to
}

// asOf reads as_of: a year (its last day) or a date; absent means today.
func (q *query) asOf(now time.Time) time.Time {
	s := q.get("as_of")
	if s == "" {
		return time.Date(now.Year(), now.Month(), now.Day(), 0, 0, 0, 0, time.UTC)
	}
	if y, err := strconv.Atoi(s); err == nil && y >= minYear && y <= maxYear {
		return datasets.YearEnd(y)
	}
	if d, err := time.Parse(time.DateOnly, s); err == nil {
		return d
	}
	q.keep(&report.ParamError{Param: "as_of", Want: "a year (2024) or a date (2025-07-01)", Got: report.Quote(s)})
	return time.Time{}
}

// splitList splits a comma-separated parameter, dropping empty items.
func splitList(s string) []string {
	var out []string
	for _, p := range strings.Split(s, ",") {
		if p = strings.TrimSpace(p); p != "" {
			out = append(out, p)
		}
	}
	return out
}

// indicatorIDs reads a comma-separated list of indicator ids (absent: none), at most maxIndicators.
func (q *query) indicatorIDs(name string, cat *datasets.Catalogue) []string {
	var out []string
	for _, s := range splitList(q.get(name)) {
		s = strings.ToLower(s)
		if _, ok := cat.Get(s); !ok {
			q.keep(&report.ParamError{Param: name, Want: "one of " + strings.Join(cat.IDs(), ", "), Got: report.Quote(s)})
			return nil
		}
		if !slices.Contains(out, s) {
			out = append(out, s)
		}
	}
	if len(out) > maxIndicators {
		q.keep(&report.ParamError{Param: name, Want: fmt.Sprintf("at most %d indicators", maxIndicators), Got: strconv.Itoa(len(out))})
	}
	return out
}

// indicators reads the indicator parameter (comma-separated ids; absent: all).
func (q *query) indicators(cat *datasets.Catalogue) []string { return q.indicatorIDs("indicator", cat) }

// indicatorList reads a required list of at least min indicators.
func (q *query) indicatorList(name string, cat *datasets.Catalogue, min int) []string {
	inds := q.indicatorIDs(name, cat)
	if q.err == nil && len(inds) < min {
		q.keep(&report.ParamError{Param: name, Want: "at least " + strconv.Itoa(min) + " indicator ids, comma-separated", Got: report.Quote(q.get(name))})
	}
	return inds
}

// indicator reads a required single indicator id.
func (q *query) indicator(name string, cat *datasets.Catalogue) datasets.Indicator {
	s := strings.ToLower(q.get(name))
	if s == "" {
		q.keep(&report.ParamError{Param: name, Want: "an indicator id (" + strings.Join(cat.IDs(), ", ") + ")", Got: "nothing"})
		return datasets.Indicator{}
	}
	in, ok := cat.Get(s)
	if !ok {
		q.keep(&report.ParamError{Param: name, Want: "one of " + strings.Join(cat.IDs(), ", "), Got: report.Quote(s)})
	}
	return in
}

// indicatorOr reads a single indicator id, def when absent.
func (q *query) indicatorOr(name, def string, cat *datasets.Catalogue) datasets.Indicator {
	if q.get(name) == "" {
		in, _ := cat.Get(def)
		return in
	}
	return q.indicator(name, cat)
}

// provinces reads the provinces parameter: codes, slugs, ids or any spelling of a name, or
// "all" (none named: all units). Each item may stand for several units over time (code 15:
// Yên Bái, then Lào Cai); a unit named twice counts once.
func (q *query) provinces(reg *datasets.Registry) [][]datasets.Unit {
	s := q.get("provinces")
	if strings.EqualFold(s, "all") {
		return nil
	}
	var out [][]datasets.Unit
	seen := map[string]bool{}
	for _, name := range splitList(s) {
		if n := len([]rune(name)); n > maxNameLen {
			q.keep(&report.ParamError{Param: "provinces", Want: fmt.Sprintf("province codes, slugs or names of at most %d characters", maxNameLen), Got: fmt.Sprintf("a name of %d characters", n)})
			return nil
		}
		units, err := reg.Lookup(name)
		if err != nil {
			var ne *datasets.NameError
			if errors.As(err, &ne) {
				q.keep(&report.ParamError{Param: "provinces", Want: "province codes, slugs or names", Got: ne.Error()})
			} else {
				q.keep(err)
			}
			return nil
		}
		if key := units[0].ID; !seen[key] {
			seen[key] = true
			out = append(out, units)
		}
	}
	if n := reg.Len(); len(out) > n {
		q.keep(&report.ParamError{Param: "provinces", Want: fmt.Sprintf("at most %d provinces (or provinces=all)", n), Got: strconv.Itoa(len(out))})
	}
	return out
}

// unitSet reads units: "63" or "34" keeps only the units of that set.
func (q *query) unitSet() string { return q.choice("units", "", datasets.Set63, datasets.Set34) }

// view reads units and agg: which figures a view shows (see report.View). agg (the 34-unit
// view's weighting of indices) needs units=34.
func (q *query) view() report.View {
	v := report.View{Set: q.unitSet(), Agg: q.choice("agg", "", report.AggPopulation)}
	if v.Agg != "" && v.Set != datasets.Set34 {
		q.keep(&report.ParamError{Param: "agg", Want: "units=34 (agg weights the 34-unit view's derived figures)", Got: report.Quote(v.Agg)})
	}
	return v
}

// lang reads lang: "vi" (default) or "en".
func (q *query) lang() string { return q.choice("lang", "vi", "vi", "en") }

// choice reads an optional parameter that must be one of choices; def if absent.
func (q *query) choice(name, def string, choices ...string) string {
	s := q.get(name)
	if s == "" {
		return def
	}
	if !slices.Contains(choices, s) {
		q.keep(&report.ParamError{Param: name, Want: choiceList(choices), Got: report.Quote(s)})
		return def
	}
	return s
}

// choiceList says which values are accepted: "a" or "b"; one of "a", "b", "c".
func choiceList(choices []string) string {
	qs := make([]string, len(choices))
	for i, c := range choices {
		qs[i] = strconv.Quote(c)
	}
	if len(qs) == 2 {
		return qs[0] + " or " + qs[1]
	}
	return "one of " + strings.Join(qs, ", ")
}

// intIn reads an optional integer within [lo, hi]; def if absent.
func (q *query) intIn(name string, def, lo, hi int) int {
	s := q.get(name)
	if s == "" {
		return def
	}
	n, err := strconv.Atoi(s)
	if err != nil || n < lo || n > hi {
		q.keep(&report.ParamError{Param: name, Want: fmt.Sprintf("an integer in [%d, %d]", lo, hi), Got: report.Quote(s)})
		return def
	}
	return n
}

// float reads an optional finite number; ok is false if absent.
func (q *query) float(name string) (v float64, ok bool) {
	s := q.get(name)
	if s == "" {
		return 0, false
	}
	v, err := strconv.ParseFloat(s, 64)
	if err != nil || math.IsNaN(v) || math.IsInf(v, 0) {
		q.keep(&report.ParamError{Param: name, Want: "a number", Got: report.Quote(s)})
		return 0, false
	}
	return v, true
}

// boolean reads an optional true/false parameter.
func (q *query) boolean(name string, def bool) bool {
	switch s := strings.ToLower(q.get(name)); s {
	case "":
		return def
	case "true", "1", "yes":
		return true
	case "false", "0", "no":
		return false
	default:
		q.keep(&report.ParamError{Param: name, Want: `"true" or "false"`, Got: report.Quote(s)})
		return def
	}
}
