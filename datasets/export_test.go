package datasets

import (
	"bytes"
	"context"
	"encoding/csv"
	"errors"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"testing"
)

// TestExportFilters: Export applies every filter of the query, and writes the same figures
// as Observations (preferred and alternatives) for it.
func TestExportFilters(t *testing.T) {
	s := mustOpenStore(t)
	ctx := context.Background()
	tests := []struct {
		name string
		q    ObservationQuery
	}{
		{"UnitsYearsIndicator", ObservationQuery{Indicators: []string{"pci"}, UnitIDs: []string{"vn63.93", "vn63.42"}, From: 2006, To: 2011}},
		{"UnitsOnly", ObservationQuery{UnitIDs: []string{"vn63.93"}}},
		{"YearsOnly", ObservationQuery{From: 2021, To: 2021}},
		{"Unit34", ObservationQuery{UnitIDs: []string{"vn34.01"}}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			obs, err := s.Observations(ctx, tc.q)
			if err != nil {
				t.Fatal(err)
			}
			want := 0
			for _, o := range obs {
				want += 1 + len(o.Alternatives)
			}
			if want == 0 {
				t.Fatal("the query selects nothing: the test would prove nothing")
			}
			path := filepath.Join(t.TempDir(), "out.csv")
			n, err := s.Export(ctx, path, "csv", tc.q)
			if err != nil {
				t.Fatal(err)
			}
			recs := mustReadCSV(t, path)
			if n != want || len(recs)-1 != want {
				t.Errorf("Export wrote %d figures (%d rows), want %d", n, len(recs)-1, want)
			}
			col := map[string]int{}
			for i, h := range recs[0] {
				col[h] = i
			}
			units := map[string]bool{}
			for _, id := range tc.q.UnitIDs {
				units[id] = true
			}
			inds := map[string]bool{}
			for _, id := range tc.q.Indicators {
				inds[id] = true
			}
			for _, r := range recs[1:] {
				year, _ := strconv.Atoi(r[col["year"]])
				if len(units) > 0 && !units[r[col["unit_id"]]] ||
					len(inds) > 0 && !inds[r[col["indicator"]]] ||
					tc.q.From != 0 && year < tc.q.From || tc.q.To != 0 && year > tc.q.To {
					t.Errorf("row outside the query %+v: %v", tc.q, r)
				}
			}
		})
	}
	t.Run("ErrUnknownUnit", func(t *testing.T) {
		_, err := s.Export(ctx, filepath.Join(t.TempDir(), "x.csv"), "csv", ObservationQuery{UnitIDs: []string{"vn63.99"}})
		if !errors.Is(err, ErrNotFound) {
			t.Errorf("Export(unknown unit) error = %v, want ErrNotFound", err)
		}
	})
}

func mustReadCSV(t *testing.T, path string) [][]string {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	b, err := io.ReadAll(f)
	if err != nil {
		t.Fatal(err)
	}
	recs, err := csv.NewReader(bytes.NewReader(bytes.TrimPrefix(b, utf8BOM))).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	return recs
}
