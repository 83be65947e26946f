package report

import (
	"context"
	"strings"
	"testing"
	"time"

	"chiso/charts"
	"chiso/datasets"
)

// TestTileLabelsUnique: every tile of the 63-unit and the 34-unit map has its own label.
func TestTileLabelsUnique(t *testing.T) {
	store := mustOpenStore(t)
	for _, set := range []string{datasets.Set63, datasets.Set34} {
		year := 2024
		if set == datasets.Set34 {
			year = 2025
		}
		var names []string
		for _, u := range store.Registry().Units(set, year) {
			names = append(names, u.NameVI)
		}
		seen := map[string]string{}
		for i, l := range charts.TileLabels(names) {
			if other, dup := seen[l]; dup {
				t.Errorf("set %s: %s and %s are both %q", set, other, names[i], l)
			}
			seen[l] = names[i]
		}
		if len(names) < 34 {
			t.Errorf("set %s: %d units", set, len(names))
		}
	}
}

// TestProfileTruth: Hậu Giang's profile gives its GRDP growth with its unit and the other
// source's figure, in the page's language, and hides statements about fewer than five provinces.
func TestProfileTruth(t *testing.T) {
	store := mustOpenStore(t)
	units, err := store.Registry().Lookup("93")
	if err != nil {
		t.Fatal(err)
	}
	u := Current(units, time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC))
	for lang, want := range map[string]string{
		"vi": "12,27 %/năm",
		"en": "12.27 % a year",
	} {
		v, err := ProfileOf(context.Background(), store, View{}, u, lang)
		if err != nil {
			t.Fatal(err)
		}
		found := false
		for _, row := range v.Summary[1:] {
			if strings.HasPrefix(row[2], want) {
				found = true
			}
			if strings.Contains(row[5], "/1;") || strings.Contains(row[5], " 1 of 1") || strings.Contains(row[5], "trên 1;") {
				t.Errorf("%s: a statement about one province: %q", lang, row[5])
			}
		}
		if !found {
			t.Errorf("%s: no value %q in %v", lang, want, v.Summary)
		}
	}
	// The 2021 figure and its other source, as the table writes them.
	p, err := loadPanel(context.Background(), store, View{}, []string{"grdp_growth"}, 2021, 2021)
	if err != nil {
		t.Fatal(err)
	}
	if got := AltText("vi", p.alternatives("grdp_growth", u.ID, 2021)); got != "11 (báo chí, chưa kiểm chứng, hạng 8/63)" {
		t.Errorf("AltText = %q", got)
	}
}
