package report

import (
	"context"
	"io"
	"net/url"
	"testing"
)

// chartQueries are one chart of each kind on the bundled data.
var chartQueries = map[string]string{
	"line": "indicator=pci&provinces=93,92,94&trend=true", "ranking": "indicator=pci&year=2016&provinces=93",
	"bump": "indicator=pci&provinces=93,92", "slope": "indicator=pci&from=2010&to=2016", "radar": "provinces=Bắc%20Ninh&year=2020",
	"scatter": "x=pci&y=papi&year=2016", "heatmap": "indicator=pci", "map": "indicator=pci&year=2016",
}

// BenchmarkChart builds each chart kind from the bundled data: the option JSON for the
// interactive chart, and the PNG for reports (data read, chart built, rendered).
func BenchmarkChart(b *testing.B) {
	store := mustOpenStore(b)
	ctx := context.Background()
	for _, kind := range []string{"line", "ranking", "bump", "slope", "radar", "scatter", "heatmap", "map"} {
		vals, _ := url.ParseQuery(chartQueries[kind])
		for _, out := range []string{"option", "png"} {
			b.Run(kind+"/"+out, func(b *testing.B) {
				b.ReportAllocs()
				for b.Loop() {
					spec := chartSpec(b, store, kind, vals)
					c, err := ChartOf(ctx, store, spec, "c")
					if err != nil {
						b.Fatal(err)
					}
					if out == "option" {
						_, err = c.OptionJSON()
					} else {
						err = c.Render(io.Discard, "png", "vi")
					}
					if err != nil {
						b.Fatal(err)
					}
				}
			})
		}
	}
}

// BenchmarkProfile builds the profile of Hậu Giang (every indicator's latest figure, trend
// statements, region medians, peers) and of the new Cần Thơ (the 34-unit view).
func BenchmarkProfile(b *testing.B) {
	store := mustOpenStore(b)
	ctx := context.Background()
	for _, id := range []string{"vn63.93", "vn34.92"} {
		u, _ := store.Registry().Unit(id)
		b.Run(id, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				if _, err := ProfileOf(ctx, store, View{}, u, "vi"); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
