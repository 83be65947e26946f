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

// largeStore is a store too large for the shared panel: the bundled data and a SYNTHETIC panel
// of 3,321 communes, 8 indicators (ids) and 20 years (531,360 figures).
func largeStore(t *testing.T) (store *datasets.Store, ids []string) {
	t.Helper()
	if testing.Short() {
		t.Skip("loads 531,360 synthetic figures")
	}
	ctx := context.Background()
	large := mustOpenStore(t)
	if err := large.AddSyntheticUnits(ctx, 3321); err != nil {
		t.Fatal(err)
	}
	ids, err := large.AddSyntheticIndicators(ctx, 8)
	if err != nil {
		t.Fatal(err)
	}
	n, err := large.LoadSyntheticPanelOf(ctx, datasets.SyntheticSet, ids, 2005, 2024, 0.42)
	if err != nil {
		t.Fatal(err)
	}
	if p, _ := sharedPanel(ctx, large); p != nil || n <= memoLimit {
		t.Fatalf("%d figures: the large store has a shared panel; the test tests nothing", n)
	}
	return large, ids
}

func mustUnit(t *testing.T, s *datasets.Store, id string) datasets.Unit {
	t.Helper()
	u, ok := s.Registry().Unit(id)
	if !ok {
		t.Fatalf("no unit %s", id)
	}
	return u
}
