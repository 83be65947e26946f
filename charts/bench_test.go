package charts

import (
	"io"
	"sort"
	"testing"
)

// BenchmarkOption: the ECharts option JSON of each chart kind (inputs of real figures).
func BenchmarkOption(b *testing.B) {
	cs := goldenBuilders()
	names := make([]string, 0, len(cs))
	for n := range cs {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, n := range names {
		b.Run(n, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				if _, err := OptionJSON(cs[n]()); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// BenchmarkPNG: the static PNG of each chart kind.
func BenchmarkPNG(b *testing.B) {
	ins := staticInputs()
	names := make([]string, 0, len(ins))
	for n := range ins {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, n := range names {
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
