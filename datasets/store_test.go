package datasets

import (
	"context"
	"testing"
)

func mustOpenStore(t testing.TB) *Store {
	t.Helper()
	s, err := Open(context.Background(), "")
	if err != nil {
		t.Fatalf("Open: %v", err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

func TestBundledHauGiang(t *testing.T) {
	s := mustOpenStore(t)
	obs, err := s.Observations(context.Background(), ObservationQuery{Indicators: []string{"pci"}, UnitIDs: []string{"vn63.93"}, From: 2021, To: 2021})
	if err != nil {
		t.Fatal(err)
	}
	if len(obs) != 1 {
		t.Fatalf("got %d observations, want 1", len(obs))
	}
	o := obs[0]
	if o.Value == nil || *o.Value != 63.80 || o.Rank == nil || *o.Rank != 38 || o.RankOf == nil || *o.RankOf != 63 {
		t.Errorf("Hậu Giang PCI 2021 = %+v, want 63.80 rank 38 of 63", o.Figure)
	}
	t.Logf("version %s", s.Version())
}
