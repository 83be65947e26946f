package report

import (
	"context"
	"net/url"
	"testing"

	"chiso/charts"
	"chiso/datasets"
)

func mustOpenStore(tb testing.TB) *datasets.Store {
	tb.Helper()
	s, err := datasets.Open(context.Background(), "")
	if err != nil {
		tb.Fatalf("Open: %v", err)
	}
	tb.Cleanup(func() { s.Close() })
	return s
}

// chartSpec is the spec of a chart from URL-style parameters, as the server parses them.
func chartSpec(tb testing.TB, store *datasets.Store, kind string, q url.Values) ChartSpec {
	tb.Helper()
	cat, reg := store.Catalogue(), store.Registry()
	s := ChartSpec{Kind: kind, Lang: "vi", Ranks: q.Get("measure") != "value", Trend: q.Get("trend") == "true"}
	get := func(name, def string) datasets.Indicator {
		id := q.Get(name)
		if id == "" {
			id = def
		}
		in, ok := cat.Get(id)
		if !ok {
			tb.Fatalf("no indicator %q", id)
		}
		return in
	}
	switch kind {
	case "scatter":
		s.X, s.Y = get("x", ""), get("y", "")
	case "radar":
		s.Indicator = get("indicator", "dti")
	default:
		s.Indicator = get("indicator", "")
	}
	for _, name := range splitComma(q.Get("provinces")) {
		units, err := reg.Lookup(name)
		if err != nil {
			tb.Fatal(err)
		}
		s.Provinces = append(s.Provinces, units)
	}
	for name, dst := range map[string]*int{"from": &s.From, "to": &s.To, "year": &s.Year} {
		if v := q.Get(name); v != "" {
			if _, err := fmtSscan(v, dst); err != nil {
				tb.Fatal(err)
			}
		}
	}
	return s
}

// TestChartKindsAgree: every kind charts knows has a builder here, and no other.
func TestChartKindsAgree(t *testing.T) {
	for _, k := range charts.Kinds() {
		if !IsChartKind(k) {
			t.Errorf("charts kind %q has no report builder", k)
		}
	}
	if len(chartBuilders) != len(charts.Kinds()) {
		t.Errorf("%d report builders for %d chart kinds", len(chartBuilders), len(charts.Kinds()))
	}
}
