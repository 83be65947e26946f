package charts

import (
	"io"
	"maps"
	"slices"
	"testing"
)

// BenchmarkOption: the ECharts option JSON of each chart kind (inputs of real figures).
func BenchmarkOption(b *testing.B) {
	ins := goldenInputs()
	for _, n := range slices.Sorted(maps.Keys(ins)) {
		b.Run(n, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				if _, err := OptionJSON(ins[n].Option(goldenOptions())); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// BenchmarkPNG: the static PNG of each chart kind.
func BenchmarkPNG(b *testing.B) {
	ins := staticInputs()
	for _, n := range slices.Sorted(maps.Keys(ins)) {
		b.Run(n, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				if err := Render(io.Discard, ins[n], "png", Options{}); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
