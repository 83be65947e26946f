package datasets

import (
	"context"
	"errors"
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

func TestBundledRanksAsPublished(t *testing.T) {
	s := mustOpenStore(t)
	ctx := context.Background()
	// PCI 2006–2008 ranked 64 units (Hà Tây still existed): Lai Châu was 64th of 64 in 2006.
	obs, err := s.Observations(ctx, ObservationQuery{Indicators: []string{"pci"}, UnitIDs: []string{"vn63.12"}, From: 2006, To: 2006})
	if err != nil || len(obs) != 1 || *obs[0].Rank != 64 || *obs[0].RankOf != 64 {
		t.Errorf("Lai Châu PCI 2006 = %+v, %v; want rank 64 of 64", obs, err)
	}
	// DTI 2022: the published tie at rank 15 (Thanh Hóa and Yên Bái) is kept as published.
	obs, err = s.Observations(ctx, ObservationQuery{Indicators: []string{"dti"}, From: 2022, To: 2022})
	if err != nil {
		t.Fatal(err)
	}
	var tied []string
	for _, o := range obs {
		if o.Rank != nil && *o.Rank == 15 {
			tied = append(tied, o.Unit.NameVI)
		}
	}
	if len(obs) != 63 || len(tied) != 2 {
		t.Errorf("DTI 2022: %d units, rank 15 = %v; want 63 units and the Thanh Hóa–Yên Bái tie", len(obs), tied)
	}
}

func TestVersionChangesWithContent(t *testing.T) {
	a, b := mustOpenStore(t), mustOpenStore(t)
	if a.Version() != b.Version() || len(a.Version()) != 16 {
		t.Fatalf("two loads of the bundled data: versions %q and %q, want equal 16-hex", a.Version(), b.Version())
	}
	if _, err := b.Ingest(context.Background(), []string{"testdata/long.csv"}, IngestOptions{Now: testNow}); err != nil {
		t.Fatal(err)
	}
	if a.Version() == b.Version() {
		t.Error("version did not change after an ingest")
	}
}

func TestIndicatorsHonoursContext(t *testing.T) {
	s := mustOpenStore(t)
	inds, err := s.Indicators(context.Background())
	if err != nil || len(inds) != s.Catalogue().Len() {
		t.Fatalf("Indicators = %d indicators, %v; want %d", len(inds), err, s.Catalogue().Len())
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := s.Indicators(ctx); !errors.Is(err, context.Canceled) {
		t.Errorf("Indicators(cancelled ctx) error = %v, want context.Canceled", err)
	}
}

// TestObservationsOrder: ordered by indicator, unit id and year, as documented.
func TestObservationsOrder(t *testing.T) {
	s := mustOpenStore(t)
	obs, err := s.Observations(context.Background(), ObservationQuery{Indicators: []string{"pci", "dti"}, From: 2020, To: 2022})
	if err != nil {
		t.Fatal(err)
	}
	less := func(a, b Observation) bool {
		if a.Indicator != b.Indicator {
			return a.Indicator < b.Indicator
		}
		if a.Unit.ID != b.Unit.ID {
			return a.Unit.ID < b.Unit.ID
		}
		return a.Year < b.Year
	}
	for i := 1; i < len(obs); i++ {
		if !less(obs[i-1], obs[i]) {
			t.Fatalf("observation %d (%s %s %d) does not sort after %d (%s %s %d)", i, obs[i].Indicator, obs[i].Unit.ID, obs[i].Year,
				i-1, obs[i-1].Indicator, obs[i-1].Unit.ID, obs[i-1].Year)
		}
	}
}

// TestBatchAndSourceKeys: a batch id already in the batch table keeps its key and a new one
// gets the key after the highest; a source already in the source table is not added again,
// and new ones get keys after the highest, in id order.
func TestBatchAndSourceKeys(t *testing.T) {
	ctx := context.Background()
	s := mustOpenStore(t)
	for _, table := range []string{"unit", "source"} { // a new database numbers them in id order
		if n := keysOutOfIDOrder(t, s, table); n > 0 {
			t.Errorf("%d %s keys of a new database not in id order", n, table)
		}
	}
	conn, err := s.db.Conn(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	for _, tc := range []struct {
		id   string
		want int32
	}{{"bundled", 1}, {"i1", 2}, {"i1", 2}, {"bundled", 1}, {"synthetic", 3}} {
		if got, err := batchKey(ctx, conn, tc.id); err != nil || got != tc.want {
			t.Errorf("batchKey(%q) = %d, %v; want %d", tc.id, got, err, tc.want)
		}
	}
	var batches int
	if err := conn.QueryRowContext(ctx, `SELECT count(*) FROM batch`).Scan(&batches); err != nil || batches != 3 {
		t.Errorf("%d batches (%v), want 3", batches, err)
	}

	var before, highest int32
	var known string
	if err := conn.QueryRowContext(ctx, `SELECT count(*), max(key), min(id) FROM source`).Scan(&before, &highest, &known); err != nil {
		t.Fatal(err)
	}
	if err := addSources(ctx, conn, `(VALUES (?, 'known again', NULL), ('zz-b', 'b', NULL), ('zz-a', 'a', NULL)) v(id, citation, url)`, known); err != nil {
		t.Fatal(err)
	}
	var got string
	if err := conn.QueryRowContext(ctx, `SELECT string_agg(id || ' ' || (key - ?), ', ' ORDER BY key) FROM source WHERE key > ?`, highest, highest).Scan(&got); err != nil {
		t.Fatal(err)
	}
	if got != "zz-a 1, zz-b 2" {
		t.Errorf("sources added: %q, want zz-a and zz-b after the highest key, in id order", got)
	}
	var citation string
	if err := conn.QueryRowContext(ctx, `SELECT citation FROM source WHERE id = ?`, known).Scan(&citation); err != nil || citation == "known again" {
		t.Errorf("the known source's citation is %q (%v): it was added again", citation, err)
	}
}
