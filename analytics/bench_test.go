package analytics

import (
	"fmt"
	"math/rand/v2"
	"testing"

	"gonum.org/v1/gonum/mat"
)

// BenchmarkCompositeUncertainty: 1,000 Monte Carlo draws over 63 provinces × 5 indicators.
// SYNTHETIC values, benchmark only.
func BenchmarkCompositeUncertainty(b *testing.B) {
	rng := rand.New(rand.NewPCG(1, 2))
	data := mat.NewDense(63, 5, nil)
	for i := 0; i < 63; i++ {
		for j := 0; j < 5; j++ {
			data.Set(i, j, 40+60*rng.Float64())
		}
	}
	spec := CompositeSpec{Normalization: MinMax, Aggregation: Arithmetic}
	u := UncertaintySpec{Draws: 1000, Seed: 1, Concentration: 20, VaryNormalization: true}
	b.ReportAllocs()
	for b.Loop() {
		if _, err := CompositeUncertainty(data, spec, u); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(b.Elapsed().Milliseconds())/float64(b.N), "ms/op")
}

// BenchmarkTrendPanel computes the trend of every unit × indicator of a SYNTHETIC panel of
// 20 indicators × 20 years, at 33, 330 and 3,300 units (the size of commune-level data).
func BenchmarkTrendPanel(b *testing.B) {
	for _, units := range []int{33, 330, 3300} {
		b.Run(fmt.Sprintf("units=%d", units), func(b *testing.B) {
			rng := rand.New(rand.NewPCG(3, 4))
			const indicators, years = 20, 20
			x := make([]float64, years)
			for i := range x {
				x[i] = float64(2005 + i)
			}
			ys := make([][]float64, units*indicators)
			for k := range ys {
				ys[k] = make([]float64, years)
				base, slope := 50+20*rng.Float64(), rng.NormFloat64()
				for i := range ys[k] {
					ys[k][i] = base + slope*float64(i) + rng.NormFloat64()
				}
			}
			b.ReportAllocs()
			for b.Loop() {
				for _, y := range ys {
					s, err := NewSeries(x, y)
					if err != nil {
						b.Fatal(err)
					}
					if _, err := ComputeTrend(s, false); err != nil {
						b.Fatal(err)
					}
				}
			}
			b.ReportMetric(float64(len(ys)*b.N)/b.Elapsed().Seconds(), "series/s")
		})
	}
}
