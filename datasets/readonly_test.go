package datasets

import (
	"context"
	"path/filepath"
	"testing"
)

// TestOpenReadOnly: two read-only stores share one file and give the same figures; neither
// can ingest.
func TestOpenReadOnly(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "chiso.duckdb")
	w, err := Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	version := w.Version()
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	var stores []*Store
	for range 2 {
		s, err := OpenReadOnly(ctx, path)
		if err != nil {
			t.Fatalf("OpenReadOnly: %v", err)
		}
		t.Cleanup(func() { s.Close() })
		stores = append(stores, s)
	}
	for _, s := range stores {
		obs, err := s.Observations(ctx, ObservationQuery{Indicators: []string{"pci"}, UnitIDs: []string{"vn63.93"}, From: 2021, To: 2021})
		if err != nil || len(obs) != 1 || *obs[0].Value != 63.80 || s.Version() != version {
			t.Fatalf("read-only store: %v, %+v, version %s want %s", err, obs, s.Version(), version)
		}
		// The researchers' SQL runs on a snapshot that a read-only store, too, must write.
		res, err := s.ReadOnlyQuery(ctx, `SELECT value, rank FROM observations_v WHERE indicator = 'pci' AND unit_id = 'vn63.93' AND year = 2021 AND preferred`, 10)
		if err != nil || len(res.Rows) != 1 || res.Rows[0][0] != 63.80 || res.Version != version {
			t.Fatalf("SQL on a read-only store: %v, %v; want 63.80 of version %s", res, err, version)
		}
	}
	if _, err := stores[0].Ingest(ctx, []string{filepath.Join("testdata", "long.csv")}, IngestOptions{}); err == nil {
		t.Error("a read-only store ingested a file")
	}
	if _, err := OpenReadOnly(ctx, filepath.Join(t.TempDir(), "none.duckdb")); err == nil {
		t.Error("OpenReadOnly of a missing file succeeded")
	}
}

// TestOpenReadOnlyUnrecordedVersion: a file whose history lacks its current version (as a
// synthetic panel load left it before loads were recorded) opens read-only, writing nothing;
// a synthetic panel load now records its version.
func TestOpenReadOnlyUnrecordedVersion(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "chiso.duckdb")
	w, err := Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	ids, err := w.AddSyntheticIndicators(ctx, 1)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := w.LoadSyntheticPanel(ctx, ids, 2020, 2021, 0.5); err != nil {
		t.Fatal(err)
	}
	vs, err := w.Versions(ctx)
	if err != nil || len(vs) == 0 || vs[0].Version != w.Version() || vs[0].Batch != "synthetic" {
		t.Fatalf("history after a synthetic load: %v, %+v; version %s", err, vs, w.Version())
	}
	if _, err := w.db.ExecContext(ctx, `DELETE FROM dataset_version WHERE seq = (SELECT max(seq) FROM dataset_version)`); err != nil {
		t.Fatal(err)
	}
	version := w.Version()
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	r, err := OpenReadOnly(ctx, path)
	if err != nil {
		t.Fatalf("OpenReadOnly of a file with an unrecorded version: %v", err)
	}
	defer r.Close()
	if r.Version() != version {
		t.Errorf("version %s, want %s", r.Version(), version)
	}
}
