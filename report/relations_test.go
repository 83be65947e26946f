package report

import (
	"context"
	"errors"
	"testing"

	"chiso/datasets"
)

// TestRelationsNeedIndicators: correlations of fewer than two indicators, and peers on none,
// are a parameter error, not a panic in the matrix code.
func TestRelationsNeedIndicators(t *testing.T) {
	ctx := context.Background()
	s := mustOpenStore(t)
	hg := mustUnit(t, s, "vn63.93")
	var pe *ParamError
	for _, inds := range [][]string{nil, {"pci"}} {
		if _, err := CorrelationsOf(ctx, s, CorrelationsSpec{Indicators: inds, Year: 2021}); !errors.As(err, &pe) || pe.Param != "indicators" {
			t.Errorf("correlations of %v: err = %v, want a ParamError on indicators", inds, err)
		}
	}
	if _, err := PeersOf(ctx, s, PeersSpec{Year: 2021, K: 5, Province: &hg}); !errors.As(err, &pe) || pe.Param != "indicators" {
		t.Errorf("peers on no indicator: err = %v, want a ParamError on indicators", err)
	}
	// Two indicators still correlate: PCI and the PAR Index of 2021, over the 6 of the 63 with
	// both in the bundled data.
	c, err := CorrelationsOf(ctx, s, CorrelationsSpec{Indicators: []string{"pci", "par_index"}, Year: 2021, Pair: true, View: View{Set: datasets.Set63}})
	if err != nil || c.Correlation == nil || c.Coverage != (Coverage{6, 63}) {
		t.Errorf("PCI and PAR Index 2021: %+v, %v; want a correlation over 6 of 63 provinces", c.Coverage, err)
	}
}
