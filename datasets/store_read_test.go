package datasets

import (
	"context"
	"testing"
	"time"
)

// TestReadHoldsOffCommit: while a reader holds Read, an ingest does its work but does not
// commit: the reader sees one version throughout; after release the ingest finishes and the
// new version is published. TEST FIXTURE: the figure is synthetic.
func TestReadHoldsOffCommit(t *testing.T) {
	ctx := context.Background()
	s := mustOpenStore(t)
	p := writeTestCSV(t, "one.csv", "province,year,value\nHà Nội,2014,7.25\n")
	v0, release := s.Read()
	done := make(chan error, 1)
	go func() {
		_, err := s.Ingest(ctx, []string{p}, IngestOptions{Indicator: "grdp_growth", Source: "synthetic test fixture", Now: testNow})
		done <- err
	}()
	select {
	case err := <-done:
		t.Fatalf("the ingest finished while a reader held the version: %v", err)
	case <-time.After(500 * time.Millisecond):
	}
	if _, ok := figure(t, s, "grdp_growth", "vn63.01", 2014); ok || s.Version() != v0 {
		t.Fatal("a reader saw the ingest before it committed")
	}
	release()
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	if s.Version() == v0 {
		t.Error("the version did not change")
	}
	wantValue(t, s, "grdp_growth", "vn63.01", 2014, 7.25)
}
