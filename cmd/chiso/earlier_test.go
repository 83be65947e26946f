package main

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"chiso/datasets"
)

// TestEarlierSchemaFile: on a database file of an earlier chiso's schema, validate, a dry run,
// export and a refused ingest (a bad row; figures that mostly conflict with those loaded) leave
// the file byte for byte as it was, saying they read a migrated copy; an ingest of a good file
// migrates it in place, says so, and adds its figures.
func TestEarlierSchemaFile(t *testing.T) {
	ctx := context.Background()
	db := filepath.Join(t.TempDir(), "earlier.db")
	s, err := datasets.Open(ctx, db)
	if err != nil {
		t.Fatal(err)
	}
	s.Close()
	if err := datasets.EarlierSchema(ctx, db, false); err != nil {
		t.Fatal(err)
	}
	want, err := os.ReadFile(db)
	if err != nil {
		t.Fatal(err)
	}
	unchanged := func(step string) {
		t.Helper()
		got, err := os.ReadFile(db)
		if err != nil || !bytes.Equal(got, want) {
			t.Fatalf("%s changed the file: %d bytes → %d (%v)", step, len(want), len(got), err)
		}
	}
	// Figures that mostly differ from the loaded ones: a dry run only warns, an ingest refuses.
	wrong := filepath.Join(t.TempDir(), "wrong.csv")
	if err := os.WriteFile(wrong, []byte("province,year,value,rank\nHà Nội,2012,50.1,60\nQuảng Ninh,2012,61,10\nHải Phòng,2012,52,55\n"+
		"Đà Nẵng,2012,66,2\nHồ Chí Minh,2012,60,18\nCần Thơ,2012,58,25\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name    string
		args    []string
		wantOut string
		wantErr string
		notice  string
	}{
		{"Validate", []string{"validate", "--db", db, fixtureDir + "long.csv"}, "nothing was changed", "", "read through a migrated copy, the file is left as it was"},
		{"DryRun", []string{"ingest", "--dry-run", "--db", db, fixtureDir + "long.csv"}, "nothing was changed", "", "read through a migrated copy, the file is left as it was"},
		{"Export", []string{"export", "--db", db, "--indicator", "pci", "--format", "csv"}, "pci,2021,vn63.93,93,63,Hậu Giang,Hau Giang,63.8,38,63,published,true,true,", "", "read through a migrated copy"},
		{"RefusedIngest", []string{"ingest", "--db", db, fixtureDir + "bad_rank.csv"}, "", `bad_rank.csv:2:5: column "rank"`, "the ingest was tried on a migrated copy and the file is left as it was"},
		{"ConflictingIngest", []string{"ingest", "--db", db, "--indicator", "pci", "--source", "a SYNTHETIC wrong sheet", wrong}, "", "6 of 6 figures differ", "the ingest was tried on a migrated copy and the file is left as it was"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			out, stderr, err := runCmd(t, nil, tc.args...)
			if tc.wantErr == "" && err != nil || tc.wantErr != "" && (err == nil || !strings.Contains(err.Error(), tc.wantErr)) {
				t.Fatalf("chiso %s: %v; want error %q", strings.Join(tc.args, " "), err, tc.wantErr)
			}
			if !strings.Contains(out, tc.wantOut) || !strings.Contains(stderr, tc.notice) || !strings.Contains(stderr, "observation.source_id") && !strings.HasSuffix(tc.name, "Ingest") {
				t.Errorf("chiso %s: output %.300q, stderr %q; want %q and the notice %q", strings.Join(tc.args, " "), out, stderr, tc.wantOut, tc.notice)
			}
			unchanged(tc.name)
		})
	}

	out, stderr, err := runCmd(t, nil, "ingest", "--db", db, fixtureDir+"long.csv")
	if err != nil || !strings.Contains(out, "added 5 observations (5 preferred)") ||
		!strings.Contains(stderr, "migrated "+db+" from the schema of an earlier chiso (observation.unit_id, unit without key, observation.source_id, observation.batch, source without key); the migration kept its figures and dataset version") {
		t.Fatalf("ingest into the earlier file: %v; output %q, stderr %q", err, out, stderr)
	}
	ro, err := datasets.OpenReadOnly(ctx, db) // refused before the migration
	if err != nil {
		t.Fatalf("read-only after the ingest: %v", err)
	}
	defer ro.Close()
	obs, err := ro.Observations(ctx, datasets.ObservationQuery{Indicators: []string{"par_index"}, UnitIDs: []string{"vn63.79"}, From: 2015, To: 2015})
	if err != nil || len(obs) != 1 || *obs[0].Value != 81.50 {
		t.Errorf("the ingested PAR Index 2015 of vn63.79: %+v, %v; want 81.50", obs, err)
	}
}
