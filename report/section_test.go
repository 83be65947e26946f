package report

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"testing"

	"chiso/datasets"
)

// TestSectionsFollowTheDataset: a comparison and a ranking asked before an ingest or a
// synthetic load, whose sections are then cached, answer from the new data after it — on the
// shared panel (bundled data) and on DuckDB (above memoLimit figures).
func TestSectionsFollowTheDataset(t *testing.T) {
	for _, big := range []bool{false, true} {
		name := "SharedPanel"
		if big {
			name = "DuckDB"
		}
		t.Run(name, func(t *testing.T) {
			if big && testing.Short() {
				t.Skip("loads 530k synthetic figures")
			}
			ctx := context.Background()
			store := mustOpenStore(t)
			units := 30
			if big {
				units = 3321
			}
			if err := store.AddSyntheticUnits(ctx, units); err != nil {
				t.Fatal(err)
			}
			ids, err := store.AddSyntheticIndicators(ctx, 9)
			if err != nil {
				t.Fatal(err)
			}
			if big {
				if _, err := store.LoadSyntheticPanelOf(ctx, datasets.SyntheticSet, ids[:8], 2005, 2024, 0.42); err != nil {
					t.Fatal(err)
				}
				if n, _ := store.Figures(ctx); n <= memoLimit {
					t.Fatalf("%d figures, want more than memoLimit (%d) to read from DuckDB", n, memoLimit)
				}
			}

			// A synthetic load: the last indicator has no figure until it.
			syn := indicator(t, store, ids[8])
			view := View{Set: datasets.SyntheticSet}
			first, _ := store.Registry().Unit("syn.00001")
			cv, err := CompareOf(ctx, store, CompareSpec{Indicator: syn, Year: 2020, Provinces: [][]datasets.Unit{{first}}, View: view})
			if err != nil {
				t.Fatal(err)
			}
			rv, err := RankingOf(ctx, store, RankingSpec{Indicator: syn, Year: 2020, Derived: true, View: view})
			if err != nil {
				t.Fatal(err)
			}
			if cv.Data[0].Status != "no_data" || cv.Coverage.N != 0 || len(rv.Data) != 0 {
				t.Fatalf("before the load: %s is %q with %d values, ranking has %d rows; want no_data, 0, 0", ids[8], cv.Data[0].Status, cv.Coverage.N, len(rv.Data))
			}
			if _, err := store.LoadSyntheticPanelOf(ctx, datasets.SyntheticSet, ids[8:], 2020, 2020, 0.7); err != nil {
				t.Fatal(err)
			}
			obs, err := store.Observations(ctx, datasets.ObservationQuery{Indicators: ids[8:], UnitIDs: []string{first.ID}, From: 2020, To: 2020})
			if err != nil || len(obs) != 1 || obs[0].Figure.Value == nil {
				t.Fatalf("the loaded figure of %s: %v %v", first.ID, obs, err)
			}
			cv, err = CompareOf(ctx, store, CompareSpec{Indicator: syn, Year: 2020, Provinces: [][]datasets.Unit{{first}}, View: view})
			if err != nil {
				t.Fatal(err)
			}
			rv, err = RankingOf(ctx, store, RankingSpec{Indicator: syn, Year: 2020, Derived: true, View: view})
			if err != nil {
				t.Fatal(err)
			}
			if got := cv.Data[0].Value; got == nil || *got != *obs[0].Figure.Value || cv.Coverage.N != units {
				t.Errorf("after the load: %s = %v with %d values, want %v with %d", first.ID, got, cv.Coverage.N, *obs[0].Figure.Value, units)
			}
			if len(rv.Data) != units || rv.Coverage["valued"].N != units {
				t.Errorf("after the load: ranking has %d rows, %d valued; want %d", len(rv.Data), rv.Coverage["valued"].N, units)
			}

			// An ingest: PAR Index 2026, which the bundled data lacks, and movers since 2024.
			par := indicator(t, store, "par_index")
			hn := provinces(t, store, "Hà Nội")
			cv, err = CompareOf(ctx, store, CompareSpec{Indicator: par, Year: 2026, Provinces: hn})
			if err != nil {
				t.Fatal(err)
			}
			rv, err = RankingOf(ctx, store, RankingSpec{Indicator: par, Year: 2026, FromYear: 2025, Top: 3})
			if err != nil {
				t.Fatal(err)
			}
			if cv.Data[0].Status != "no_data" || len(rv.Data) != 0 {
				t.Fatalf("before the ingest: Hà Nội 2026 is %q, ranking has %d rows; want no_data, 0", cv.Data[0].Status, len(rv.Data))
			}
			path := filepath.Join(t.TempDir(), "par2026.csv")
			csv := "province,indicator,year,value,rank,rank_of,source\nHà Nội,par_index,2026,80,2,34,TEST FIXTURE\nHồ Chí Minh,par_index,2026,85,1,34,TEST FIXTURE\n"
			if err := os.WriteFile(path, []byte(csv), 0o644); err != nil {
				t.Fatal(err)
			}
			if _, err := store.Ingest(ctx, []string{path}, datasets.IngestOptions{}); err != nil {
				t.Fatal(err)
			}
			cv, err = CompareOf(ctx, store, CompareSpec{Indicator: par, Year: 2026, Provinces: hn})
			if err != nil {
				t.Fatal(err)
			}
			rv, err = RankingOf(ctx, store, RankingSpec{Indicator: par, Year: 2026, FromYear: 2025, Top: 3})
			if err != nil {
				t.Fatal(err)
			}
			if got := cv.Data[0]; got.Value == nil || *got.Value != 80 || got.Rank == nil || *got.Rank != 2 || cv.Coverage.N != 2 {
				t.Errorf("after the ingest: Hà Nội 2026 = %+v, %d values; want 80, rank 2, 2 values", got, cv.Coverage.N)
			}
			if len(rv.Data) != 2 || rv.Data[0].Rank == nil || *rv.Data[0].Rank != 1 {
				t.Errorf("after the ingest: ranking 2026 has %d rows, want 2 with Hồ Chí Minh first", len(rv.Data))
			}
		})
	}
}

// TestSectionCacheBound: the cache drops the least recently used sections beyond its limit,
// and a section built again after it was dropped is the same as before.
func TestSectionCacheBound(t *testing.T) {
	ctx := context.Background()
	store := mustOpenStore(t)
	c := newSectionCache(100) // one section of the 63 at a time (64 figures each)
	first, err := c.get(ctx, store, View{}, "pci", 2016)
	if err != nil {
		t.Fatal(err)
	}
	for y := 2006; y <= 2024; y++ {
		if _, err := c.get(ctx, store, View{}, "pci", y); err != nil {
			t.Fatal(err)
		}
		if c.held > c.limit || c.lru.Len() != len(c.entries) || c.lru.Len() != 1 {
			t.Fatalf("after pci %d: %d figures in %d sections (%d keys), want at most %d in 1", y, c.held, c.lru.Len(), len(c.entries), c.limit)
		}
	}
	again, err := c.get(ctx, store, View{}, "pci", 2016)
	if err != nil {
		t.Fatal(err)
	}
	if again == first {
		t.Error("pci 2016 was kept past the limit")
	}
	if !reflect.DeepEqual(again, first) {
		t.Error("pci 2016 built again differs from the first build")
	}
}

// TestRegionRanksOfField: the region ranks of a whole field, computed once per region, are
// those of each unit computed alone, for every indicator and year of the bundled data in both
// unit sets and both directions.
func TestRegionRanksOfField(t *testing.T) {
	ctx := context.Background()
	store := mustOpenStore(t)
	checked := 0
	for _, v := range []View{{}, {Set: datasets.Set63}, {Set: datasets.Set34}} {
		p, err := loadPanel(ctx, store, v, nil, 0, 0)
		if err != nil {
			t.Fatal(err)
		}
		for _, in := range store.Catalogue().All() {
			for _, y := range p.years(in.ID, 0, 0) {
				fd := fieldOf(p, store.Registry(), in.ID, store.Registry().Units(v.Set, y), y)
				for _, hib := range []bool{true, false} {
					all := fd.regionRanks(hib)
					for i := range fd.units {
						if want := fd.regionRank(i, hib); !reflect.DeepEqual(all[i], want) {
							t.Fatalf("%s %d %s (units=%s): region rank %+v, want %+v", in.ID, y, fd.units[i].ID, v.Set, all[i], want)
						}
						if all[i] != nil {
							checked++
						}
					}
				}
			}
		}
	}
	if checked < 1000 {
		t.Errorf("checked %d region ranks, want the bundled data's thousands", checked)
	}
}

// TestSectionCacheConcurrent: callers sharing a cache small enough to drop sections while
// others build them get the sections a cache of their own builds (run with -race).
func TestSectionCacheConcurrent(t *testing.T) {
	ctx := context.Background()
	store := mustOpenStore(t)
	type key struct {
		view View
		year int
	}
	var keys []key
	for _, v := range []View{{}, {Set: datasets.Set34}} {
		for y := 2006; y <= 2024; y++ {
			keys = append(keys, key{v, y})
		}
	}
	want := map[key]*section{}
	for _, k := range keys {
		s, err := newSectionCache(sectionFigures).get(ctx, store, k.view, "pci", k.year)
		if err != nil {
			t.Fatal(err)
		}
		want[k] = s
	}
	c := newSectionCache(200)
	errs := make(chan error, 8)
	for g := range 8 {
		go func() {
			for i := range 3 * len(keys) {
				k := keys[(i*(g+1))%len(keys)]
				s, err := c.get(ctx, store, k.view, "pci", k.year)
				if err == nil && fieldString(s.field) != fieldString(want[k].field) {
					err = fmt.Errorf("pci %d (units=%q): the shared cache's field differs", k.year, k.view.Set)
				}
				if err != nil {
					errs <- err
					return
				}
			}
			errs <- nil
		}()
	}
	for range 8 {
		if err := <-errs; err != nil {
			t.Error(err)
		}
	}
	if c.held > c.limit+64 {
		t.Errorf("the cache holds %d figures, want about %d at most", c.held, c.limit)
	}
}

// fieldString prints a field's figures (NaN as NaN, which reflect.DeepEqual never finds equal).
func fieldString(f field) string {
	return fmt.Sprintf("%d units, %v, %v, of %d, n %d", len(f.units), f.values, f.ranks, f.of, f.n)
}

// TestColumnsKeepFigures: a figure put in a section's columns reads back the same, field by
// field, whichever of its parts are missing; and each unit's figure keeps its own source.
func TestColumnsKeepFigures(t *testing.T) {
	a := datasets.Source{ID: "a", Citation: "Source A", URL: "https://example.org/a"}
	b := datasets.Source{ID: "b", Citation: "Source B"}
	figs := []struct {
		f       datasets.Figure
		derived bool
	}{
		{datasets.Figure{Value: new(63.8), Rank: new(38), RankOf: new(63), Status: "published", Verified: true, Source: a}, false},
		{datasets.Figure{Status: "not_published", Verified: true, Source: b}, false},
		{datasets.Figure{Value: new(0.0), Status: "published", Source: a}, true},
		{datasets.Figure{Rank: new(1), Status: "published", Verified: true, Source: b}, false},
		{datasets.Figure{Value: new(12.5), Rank: new(7), Status: "not_published", Source: a}, false},
	}
	c := newColumns(len(figs) + 1)
	for i, x := range figs {
		if !c.set(i, x.f, x.derived) {
			t.Fatalf("figure %d: not put", i)
		}
	}
	for i, x := range figs {
		got, ok := c.at(i)
		if !ok || !reflect.DeepEqual(got, x.f) || c.derived(i) != x.derived {
			t.Errorf("figure %d: read %s (derived %v), put %s (derived %v)", i, figureString(got), c.derived(i), figureString(x.f), x.derived)
		}
		pub := x.f.Status == "published"
		if v, ok := published(&c, i, figureValue, c.value); ok != (pub && x.f.Value != nil) || ok && v != *x.f.Value {
			t.Errorf("figure %d %s: published value %v, %v", i, figureString(x.f), v, ok)
		}
		if r, ok := published(&c, i, figureRank, c.rank); ok != (pub && x.f.Rank != nil) || ok && r != *x.f.Rank {
			t.Errorf("figure %d %s: published rank %v, %v", i, figureString(x.f), r, ok)
		}
	}
	if f, ok := c.at(len(figs)); ok {
		t.Errorf("an empty place reads as %s", figureString(f))
	}
}

func figureString(f datasets.Figure) string {
	ptr := func(p any) string {
		switch v := p.(type) {
		case *float64:
			if v != nil {
				return fmt.Sprint(*v)
			}
		case *int:
			if v != nil {
				return fmt.Sprint(*v)
			}
		}
		return "-"
	}
	return fmt.Sprintf("{value %s rank %s/%s %s verified %v source %s}", ptr(f.Value), ptr(f.Rank), ptr(f.RankOf), f.Status, f.Verified, f.Source.ID)
}
