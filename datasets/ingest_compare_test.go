package datasets

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func writeCSV(t *testing.T, name, text string) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(p, []byte(text), 0o600); err != nil {
		t.Fatal(err)
	}
	return p
}

// TestIngestComparison: against the bundled PCI 2012 (Hà Nội 53.40/51, Quảng Ninh 59.55/20,
// Hải Phòng 53.58/50, Đà Nẵng 61.71/12, TP HCM 61.19/13, Cần Thơ 60.32/14), a file that
// repeats a figure with another source wording adds nothing for it; a more precise figure is
// kept beside the bundled one and preferred; a file most of whose figures differ is refused
// unless --force, and the conflicts are listed with both figures.
// TEST FIXTURES: the differing figures are synthetic.
func TestIngestComparison(t *testing.T) {
	ctx := context.Background()
	s := mustOpenStore(t)
	same := writeCSV(t, "same.csv", "province,year,value,rank\nHà Nội,2012,53.40,51\nQuảng Ninh,2012,59.554321,20\n")
	before := takeSnapshot(t, s)
	rep, err := s.Ingest(ctx, []string{same}, IngestOptions{Indicator: "pci", Source: "VCCI PCI 2012 report, table 1 (another wording)", Now: testNow})
	if err != nil {
		t.Fatal(err)
	}
	if rep.Comparison.Identical != 1 || rep.Comparison.MorePrecise != 1 || rep.Comparison.Conflicting != 0 || rep.Added != 1 {
		t.Errorf("comparison %+v, added %d; want 1 identical (not added), 1 more precise (added)", rep.Comparison, rep.Added)
	}
	if after := takeSnapshot(t, s); after.rows != before.rows+1 {
		t.Errorf("rows %d → %d, want one more", before.rows, after.rows)
	}
	wantValue(t, s, "pci", "vn63.22", 2012, 59.554321) // the more precise figure is now preferred
	if o, _ := figure(t, s, "pci", "vn63.22", 2012); len(o.Alternatives) != 1 || *o.Alternatives[0].Value != 59.55 {
		t.Errorf("Quảng Ninh 2012 alternatives = %+v, want the bundled 59.55 beside it", o.Alternatives)
	}
	wantValue(t, s, "pci", "vn63.01", 2012, 53.40)

	wrong := writeCSV(t, "wrong.csv", "province,year,value,rank\nHà Nội,2012,50.1,60\nQuảng Ninh,2012,61,10\nHải Phòng,2012,52,55\n"+
		"Đà Nẵng,2012,66,2\nHồ Chí Minh,2012,60,18\nCần Thơ,2012,58,25\n")
	before = takeSnapshot(t, s)
	_, err = s.Ingest(ctx, []string{wrong}, IngestOptions{Indicator: "pci", Source: "a synthetic wrong sheet", Now: testNow})
	var ie *IngestError
	if !errors.As(err, &ie) || !strings.Contains(err.Error(), "6 of 6 figures differ — wrong year or wrong sheet?") {
		t.Fatalf("err = %v, want 6 of 6 figures differ", err)
	}
	if after := takeSnapshot(t, s); after != before {
		t.Errorf("a refused ingest changed the store")
	}
	rep, err = s.Ingest(ctx, []string{wrong}, IngestOptions{Indicator: "pci", Source: "a synthetic wrong sheet", DryRun: true, Now: testNow})
	if err != nil || len(rep.Warnings) != 1 || rep.Comparison.Conflicting != 6 {
		t.Errorf("dry run: %+v, %v; want 6 conflicts and the refusal as a warning", rep.Comparison, err)
	}
	rep, err = s.Ingest(ctx, []string{wrong}, IngestOptions{Indicator: "pci", Source: "a synthetic wrong sheet", Force: true, Now: testNow})
	if err != nil {
		t.Fatal(err)
	}
	c := rep.Comparison
	if c.Conflicting != 6 || len(c.Conflicts) != 6 || rep.Added != 6 {
		t.Fatalf("forced: %+v", c)
	}
	cf := c.Conflicts[0] // pci, vn63.01
	if cf.Unit != "vn63.01" || *cf.Value != 50.1 || *cf.Rank != 60 || *cf.Loaded.Value != 53.40 || *cf.Loaded.Rank != 51 ||
		cf.Source != "a synthetic wrong sheet" || !strings.Contains(cf.Loaded.Source.Citation, "PCI_2012.xlsx") || cf.Preferred != "loaded" {
		t.Errorf("conflict = %+v", cf)
	}
	wantValue(t, s, "pci", "vn63.01", 2012, 53.40) // the loaded figure stays preferred
}
