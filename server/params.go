package server

import (
	"errors"
	"fmt"
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
