package datasets

import (
	"context"
	"testing"

	"gonum.org/v1/gonum/floats/scalar"

	"chiso/analytics"
)

// TestTrendAgainstDuckDB checks the OLS slope and R² of analytics against DuckDB's own
// regr_slope and regr_r2, for every province's PCI 2006–2016 in the bundled data.
func TestTrendAgainstDuckDB(t *testing.T) {
	s := mustOpenStore(t)
	ctx := context.Background()
	rows, err := s.db.QueryContext(ctx, `SELECT unit_id, regr_slope(value, year), regr_r2(value, year), count(*)
		FROM observations_v WHERE indicator = 'pci' AND preferred AND year BETWEEN 2006 AND 2016 AND value IS NOT NULL
		GROUP BY unit_id ORDER BY unit_id`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	want := map[string][2]float64{}
	for rows.Next() {
		var id string
		var slope, r2 float64
		var n int
		if err := rows.Scan(&id, &slope, &r2, &n); err != nil {
			t.Fatal(err)
		}
		if n != 11 {
			t.Fatalf("%s: %d years, want 11", id, n)
		}
		want[id] = [2]float64{slope, r2}
	}
	if len(want) != 63 {
		t.Fatalf("%d provinces, want 63", len(want))
	}
	obs, err := s.Observations(ctx, ObservationQuery{Indicators: []string{"pci"}, From: 2006, To: 2016})
	if err != nil {
		t.Fatal(err)
	}
	xs, ys := map[string][]float64{}, map[string][]float64{}
	for _, o := range obs {
		xs[o.Unit.ID] = append(xs[o.Unit.ID], float64(o.Year))
		ys[o.Unit.ID] = append(ys[o.Unit.ID], *o.Value)
	}
	for id, w := range want {
		series, err := analytics.NewSeries(xs[id], ys[id])
		if err != nil {
			t.Fatal(err)
		}
		tr, err := analytics.ComputeTrend(series, false)
		if err != nil {
			t.Fatal(err)
		}
		if !scalar.EqualWithinAbsOrRel(tr.Slope, w[0], 1e-9, 1e-9) || !scalar.EqualWithinAbsOrRel(*tr.R2, w[1], 1e-9, 1e-9) {
			t.Errorf("%s: slope %v R² %v; DuckDB %v %v", id, tr.Slope, *tr.R2, w[0], w[1])
		}
	}
}
