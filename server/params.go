package server

import (
	"errors"
	"fmt"
	"math"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"chiso/datasets"
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
		return 0, &paramError{Param: name, Want: fmt.Sprintf("a year in [%d, %d]", minYear, maxYear), Got: strconv.Quote(s)}
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
		return 0, 0, &paramError{Param: "to", Want: fmt.Sprintf("a year ≥ from (%d)", from), Got: strconv.Itoa(to)}
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
	return time.Time{}, &paramError{Param: "as_of", Want: "a year (2024) or a date (2025-07-01)", Got: strconv.Quote(s)}
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
			return nil, &paramError{Param: "indicator", Want: "one of " + strings.Join(catalogue.IDs(), ", "), Got: strconv.Quote(s)}
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
				return nil, &paramError{Param: "provinces", Want: "province codes, slugs or names", Got: ne.Error()}
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
	return "", &paramError{Param: "units", Want: `"63" or "34"`, Got: strconv.Quote(s)}
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
		return false, &paramError{Param: "format", Want: `"json" or "csv"`, Got: strconv.Quote(f)}
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
		return 0, &paramError{Param: name, Want: fmt.Sprintf("an integer in [%d, %d]", lo, hi), Got: strconv.Quote(s)}
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
		return 0, false, &paramError{Param: name, Want: "a number", Got: strconv.Quote(s)}
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
		return false, &paramError{Param: name, Want: `"true" or "false"`, Got: strconv.Quote(s)}
	}
}

// requireOne reads a required single indicator id.
func requireOne(q url.Values, name string, cat *datasets.Catalogue) (datasets.Indicator, error) {
	s := strings.ToLower(strings.TrimSpace(q.Get(name)))
	if s == "" {
		return datasets.Indicator{}, &paramError{Param: name, Want: "an indicator id (" + strings.Join(cat.IDs(), ", ") + ")", Got: "nothing"}
	}
	in, ok := cat.Get(s)
	if !ok {
		return datasets.Indicator{}, &paramError{Param: name, Want: "one of " + strings.Join(cat.IDs(), ", "), Got: strconv.Quote(s)}
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
		return 0, &paramError{Param: name, Want: fmt.Sprintf("a year in [%d, %d]", minYear, maxYear), Got: "nothing"}
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

func (q *query) boolean(name string, def bool) bool {
	v, err := parseBool(q.Values, name, def)
	q.keep(err)
	return v
}
