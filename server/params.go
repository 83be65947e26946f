package server

import (
	"errors"
	"fmt"
	"math"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"chiso/datasets"
	"chiso/report"
)

const (
	minYear = 1990
	maxYear = 2100
)

// parseYear reads an optional year parameter; 0 means absent.
func parseYear(q url.Values, name string) (int, error) {
	s := strings.TrimSpace(q.Get(name))
	if s == "" {
		return 0, nil
	}
	y, err := strconv.Atoi(s)
	if err != nil || y < minYear || y > maxYear {
		return 0, &report.ParamError{Param: name, Want: fmt.Sprintf("a year in [%d, %d]", minYear, maxYear), Got: report.Quote(s)}
	}
	return y, nil
}

// parseYearRange reads from and to, and checks from ≤ to.
func parseYearRange(q url.Values) (from, to int, err error) {
	if from, err = parseYear(q, "from"); err != nil {
		return 0, 0, err
	}
	if to, err = parseYear(q, "to"); err != nil {
		return 0, 0, err
	}
	if from != 0 && to != 0 && from > to {
		return 0, 0, &report.ParamError{Param: "to", Want: fmt.Sprintf("a year ≥ from (%d)", from), Got: strconv.Itoa(to)}
	}
	return from, to, nil
}

// parseAsOf reads as_of: a year (its last day) or a date; absent means today.
func parseAsOf(q url.Values, now time.Time) (time.Time, error) {
	s := strings.TrimSpace(q.Get("as_of"))
	if s == "" {
		return time.Date(now.Year(), now.Month(), now.Day(), 0, 0, 0, 0, time.UTC), nil
	}
	if y, err := strconv.Atoi(s); err == nil && y >= minYear && y <= maxYear {
		return datasets.YearEnd(y), nil
	}
	if d, err := time.Parse(time.DateOnly, s); err == nil {
		return d, nil
	}
	return time.Time{}, &report.ParamError{Param: "as_of", Want: "a year (2024) or a date (2025-07-01)", Got: report.Quote(s)}
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

// parseIndicators reads the indicator parameter (comma-separated ids; absent: all).
func parseIndicators(q url.Values, catalogue *datasets.Catalogue) ([]string, error) {
	var out []string
	for _, s := range splitList(q.Get("indicator")) {
		s = strings.ToLower(s)
		if _, ok := catalogue.Get(s); !ok {
			return nil, &report.ParamError{Param: "indicator", Want: "one of " + strings.Join(catalogue.IDs(), ", "), Got: report.Quote(s)}
		}
		out = append(out, s)
	}
	return out, nil
}

// parseProvinces reads the provinces parameter: codes, slugs, ids or any spelling of a name.
// Each item may stand for several units over time (code 15: Yên Bái, then Lào Cai).
func parseProvinces(q url.Values, reg *datasets.Registry) ([][]datasets.Unit, error) {
	var out [][]datasets.Unit
	for _, s := range splitList(q.Get("provinces")) {
		units, err := reg.Lookup(s)
		if err != nil {
			var ne *datasets.NameError
			if errors.As(err, &ne) {
				return nil, &report.ParamError{Param: "provinces", Want: "province codes, slugs or names", Got: ne.Error()}
			}
			return nil, err
		}
		out = append(out, units)
	}
	return out, nil
}

// parseUnitSet reads units: "63" or "34" keeps only the units of that set.
func parseUnitSet(q url.Values) (string, error) {
	s := strings.TrimSpace(q.Get("units"))
	switch s {
	case "", "63", "34":
		return s, nil
	}
	return "", &report.ParamError{Param: "units", Want: `"63" or "34"`, Got: report.Quote(s)}
}

// parseIndicatorList reads a required list of at least min indicators.
func parseIndicatorList(q url.Values, name string, cat *datasets.Catalogue, min int) ([]string, error) {
	inds, err := parseIndicators(url.Values{"indicator": {q.Get(name)}}, cat)
	var pe *report.ParamError
	if errors.As(err, &pe) {
		pe.Param = name
		return nil, pe
	}
	if len(inds) < min {
		return nil, &report.ParamError{Param: name, Want: "at least " + strconv.Itoa(min) + " indicator ids, comma-separated", Got: report.Quote(q.Get(name))}
	}
	return inds, nil
}

// parseChoice reads an optional parameter that must be one of choices; def if absent.
func parseChoice(q url.Values, name, def string, choices ...string) (string, error) {
	s := strings.TrimSpace(q.Get(name))
	if s == "" {
		return def, nil
	}
	if slices.Contains(choices, s) {
		return s, nil
	}
	return "", &report.ParamError{Param: name, Want: choiceList(choices), Got: report.Quote(s)}
}

// choiceList says which values are accepted: "a" or "b"; one of "a", "b", "c".
func choiceList(choices []string) string {
	q := make([]string, len(choices))
	for i, c := range choices {
		q[i] = strconv.Quote(c)
	}
	if len(q) == 2 {
		return q[0] + " or " + q[1]
	}
	return "one of " + strings.Join(q, ", ")
}

// wantsCSV reports whether the client asked for CSV (format=csv or Accept: text/csv).
func wantsCSV(q url.Values, accept string) (bool, error) {
	switch f := strings.ToLower(strings.TrimSpace(q.Get("format"))); f {
	case "csv":
		return true, nil
	case "json":
		return false, nil
	case "":
		return strings.Contains(accept, "text/csv"), nil
	default:
		return false, &report.ParamError{Param: "format", Want: `"json" or "csv"`, Got: strconv.Quote(f)}
	}
}

// parseInt reads an optional integer parameter within [lo, hi]; def if absent.
func parseInt(q url.Values, name string, def, lo, hi int) (int, error) {
	s := strings.TrimSpace(q.Get(name))
	if s == "" {
		return def, nil
	}
	n, err := strconv.Atoi(s)
	if err != nil || n < lo || n > hi {
		return 0, &report.ParamError{Param: name, Want: fmt.Sprintf("an integer in [%d, %d]", lo, hi), Got: report.Quote(s)}
	}
	return n, nil
}

// parseFloat reads an optional finite number; ok is false if absent.
func parseFloat(q url.Values, name string) (v float64, ok bool, err error) {
	s := strings.TrimSpace(q.Get(name))
	if s == "" {
		return 0, false, nil
	}
	v, err = strconv.ParseFloat(s, 64)
	if err != nil || math.IsNaN(v) || math.IsInf(v, 0) {
		return 0, false, &report.ParamError{Param: name, Want: "a number", Got: report.Quote(s)}
	}
	return v, true, nil
}

// parseBool reads an optional true/false parameter.
func parseBool(q url.Values, name string, def bool) (bool, error) {
	switch s := strings.ToLower(strings.TrimSpace(q.Get(name))); s {
	case "":
		return def, nil
	case "true", "1", "yes":
		return true, nil
	case "false", "0", "no":
		return false, nil
	default:
		return false, &report.ParamError{Param: name, Want: `"true" or "false"`, Got: report.Quote(s)}
	}
}

// requireOne reads a required single indicator id.
func requireOne(q url.Values, name string, cat *datasets.Catalogue) (datasets.Indicator, error) {
	s := strings.ToLower(strings.TrimSpace(q.Get(name)))
	if s == "" {
		return datasets.Indicator{}, &report.ParamError{Param: name, Want: "an indicator id (" + strings.Join(cat.IDs(), ", ") + ")", Got: "nothing"}
	}
	in, ok := cat.Get(s)
	if !ok {
		return datasets.Indicator{}, &report.ParamError{Param: name, Want: "one of " + strings.Join(cat.IDs(), ", "), Got: report.Quote(s)}
	}
	return in, nil
}

// requireYear reads a required year.
func requireYear(q url.Values, name string) (int, error) {
	y, err := parseYear(q, name)
	if err != nil {
		return 0, err
	}
	if y == 0 {
		return 0, &report.ParamError{Param: name, Want: fmt.Sprintf("a year in [%d, %d]", minYear, maxYear), Got: "nothing"}
	}
	return y, nil
}

// A query reads a request's parameters and keeps the first error, so that a handler parses
// everything it needs and checks once.
type query struct {
	url.Values
	accept string // the Accept header
	err    error
}

func newQuery(r *http.Request) *query {
	return &query{Values: r.URL.Query(), accept: r.Header.Get("Accept")}
}

func (q *query) keep(err error) {
	if q.err == nil {
		q.err = err
	}
}

func (q *query) year(name string) int {
	v, err := parseYear(q.Values, name)
	q.keep(err)
	return v
}

func (q *query) requiredYear(name string) int {
	v, err := requireYear(q.Values, name)
	q.keep(err)
	return v
}

func (q *query) yearRange() (from, to int) {
	from, to, err := parseYearRange(q.Values)
	q.keep(err)
	return from, to
}

func (q *query) asOf(now time.Time) time.Time {
	v, err := parseAsOf(q.Values, now)
	q.keep(err)
	return v
}

func (q *query) indicators(cat *datasets.Catalogue) []string {
	v, err := parseIndicators(q.Values, cat)
	q.keep(err)
	return v
}

func (q *query) indicator(name string, cat *datasets.Catalogue) datasets.Indicator {
	v, err := requireOne(q.Values, name, cat)
	q.keep(err)
	return v
}

// indicatorOr reads a single indicator id, def when absent.
func (q *query) indicatorOr(name, def string, cat *datasets.Catalogue) datasets.Indicator {
	if strings.TrimSpace(q.Get(name)) == "" {
		in, _ := cat.Get(def)
		return in
	}
	return q.indicator(name, cat)
}

func (q *query) indicatorList(name string, cat *datasets.Catalogue, min int) []string {
	v, err := parseIndicatorList(q.Values, name, cat, min)
	q.keep(err)
	return v
}

func (q *query) provinces(reg *datasets.Registry) [][]datasets.Unit {
	v, err := parseProvinces(q.Values, reg)
	q.keep(err)
	return v
}

func (q *query) unitSet() string {
	v, err := parseUnitSet(q.Values)
	q.keep(err)
	return v
}

func (q *query) csv() bool {
	v, err := wantsCSV(q.Values, q.accept)
	q.keep(err)
	return v
}

func (q *query) intIn(name string, def, lo, hi int) int {
	v, err := parseInt(q.Values, name, def, lo, hi)
	q.keep(err)
	return v
}

func (q *query) float(name string) (float64, bool) {
	v, ok, err := parseFloat(q.Values, name)
	q.keep(err)
	return v, ok
}

func (q *query) choice(name, def string, choices ...string) string {
	v, err := parseChoice(q.Values, name, def, choices...)
	q.keep(err)
	return v
}

// lang reads lang: "vi" (default) or "en".
func (q *query) lang() string { return q.choice("lang", "vi", "vi", "en") }

func (q *query) boolean(name string, def bool) bool {
	v, err := parseBool(q.Values, name, def)
	q.keep(err)
	return v
}
