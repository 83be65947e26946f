package report

import (
	"context"
	"strings"
	"testing"
	"time"

	"chiso/datasets"
)

func TestServed(t *testing.T) {
	v := func(name string, ok bool) datasets.Version { return datasets.Version{Version: name, Rebuildable: ok} }
	tests := []struct {
		name string
		hist []datasets.Version
		keep int
		want string
	}{
		{"CurrentOnly", []datasets.Version{v("c", true), v("b", true)}, 1, "c"},
		{"Newest", []datasets.Version{v("c", true), v("b", true), v("a", true)}, 2, "c b"},
		{"StopsAtGone", []datasets.Version{v("c", true), v("b", false), v("a", false)}, 3, "c"},
		{"KeepZeroKeepsCurrent", []datasets.Version{v("c", true)}, 0, "c"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if got := strings.Join(Served(tc.hist, tc.keep), " "); got != tc.want {
				t.Errorf("Served(keep %d) = %q, want %q", tc.keep, got, tc.want)
			}
		})
	}
}

// TestDatasetsGrid: PCI 2023 on the bundled data: Hà Tĩnh and Gia Lai not published (outside
// the top 30), shown as "+2" apart from the missing; a year without figures is empty.
func TestDatasetsGrid(t *testing.T) {
	store := mustOpenStore(t)
	d, err := DatasetsOf(context.Background(), store, "http://x", time.Date(2026, 11, 30, 0, 0, 0, 0, time.UTC))
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(d.Downloads[0].URL, "http://x/v/"+store.Version()+"/") || !strings.Contains(d.Citation, "Accessed 2026-11-30") {
		t.Errorf("downloads %v, citation %q: want pinned URLs and the access date", d.Downloads[0], d.Citation)
	}
	for _, in := range d.Indicators {
		if in.ID != "pci" {
			continue
		}
		cells := in.Grid([]int{2004, 2023}, "en")
		if cells[0].Kind != "none" || cells[0].Text != "" {
			t.Errorf("pci 2004: %+v, want an empty cell", cells[0])
		}
		if c := cells[1]; c.Kind != "withheld" || !strings.HasSuffix(c.Text, "/63 +2") || !strings.Contains(c.Title, "2 not published") {
			t.Errorf("pci 2023: %+v, want n/63 +2, withheld", c)
		}
		return
	}
	t.Fatal("no pci")
}
