package datasets

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"
)

func date(s string) time.Time {
	d, err := time.Parse(time.DateOnly, s)
	if err != nil {
		panic(err)
	}
	return d
}

func TestResolve(t *testing.T) {
	reg := mustOpenStore(t).Registry()
	tests := []struct {
		name string
		at   string
		want string // unit id
	}{
		{"TP. Hồ Chí Minh", "2021-12-31", "vn63.79"},
		{"TP.HCM", "2021-12-31", "vn63.79"},
		{"Ho Chi Minh City", "2021-12-31", "vn63.79"},
		{"HCMC", "2021-12-31", "vn63.79"},
		{"HCMC", "2025-12-31", "vn34.79"},
		{"Thừa Thiên Huế", "2021-12-31", "vn63.46"},
		{"Thua Thien-Hue", "2021-12-31", "vn63.46"},
		{"Huế", "2025-03-01", "vn63.46.2025"},
		{"Huế", "2025-07-01", "vn34.46"},
		{"BRVT", "2021-12-31", "vn63.77"},
		{"Bà Rịa - Vũng Tàu", "2021-12-31", "vn63.77"},
		{"Dak Lak", "2021-12-31", "vn63.66"},
		{"Đắk Lắk", "2021-12-31", "vn63.66"},
		{"tỉnh Hậu Giang", "2021-12-31", "vn63.93"},
		{"93", "2021-12-31", "vn63.93"},
		{"15", "2015-12-31", "vn63.15"}, // Yên Bái
		{"15", "2025-12-31", "vn34.15"}, // Lào Cai (old 10 Lào Cai + old 15 Yên Bái)
		{"Lào Cai", "2015-12-31", "vn63.10"},
		{"Lào Cai", "2025-12-31", "vn34.15"},
		{"1", "2020-12-31", "vn63.01"},
		{"ha-noi", "2020-12-31", "vn63.01"},
		{"vn63.93", "2020-12-31", "vn63.93"},
	}
	for _, tc := range tests {
		t.Run(tc.name+"@"+tc.at, func(t *testing.T) {
			u, err := reg.Resolve(tc.name, date(tc.at))
			if err != nil {
				t.Fatalf("Resolve(%q, %s): %v", tc.name, tc.at, err)
			}
			if u.ID != tc.want {
				t.Errorf("Resolve(%q, %s) = %s (%s), want %s", tc.name, tc.at, u.ID, u.NameVI, tc.want)
			}
		})
	}
}

func TestResolveErrors(t *testing.T) {
	reg := mustOpenStore(t).Registry()
	_, err := reg.Resolve("Hau Gian", date("2020-12-31"))
	var ne *NameError
	if !errors.As(err, &ne) || !errors.Is(err, ErrUnknownProvince) || len(ne.Nearest) == 0 || ne.Nearest[0] != "Hậu Giang" {
		t.Errorf("Resolve(Hau Gian) = %v, want unknown with Hậu Giang nearest", err)
	}
	_, err = reg.Resolve("HG", date("2020-12-31"))
	if !errors.Is(err, ErrAmbiguousProvince) || !strings.Contains(err.Error(), "Hà Giang") || !strings.Contains(err.Error(), "Hậu Giang") {
		t.Errorf("Resolve(HG) = %v, want ambiguous between Hà Giang and Hậu Giang", err)
	}
	_, err = reg.Resolve("Bình Phước", date("2025-12-31"))
	if !errors.Is(err, ErrNotInForce) || !strings.Contains(err.Error(), "Đồng Nai") {
		t.Errorf("Resolve(Bình Phước, 2025) = %v, want not in force, became part of Đồng Nai", err)
	}
}

func TestRegistryCounts(t *testing.T) {
	reg := mustOpenStore(t).Registry()
	for _, tc := range []struct {
		at   string
		want int
	}{{"2024-12-31", 63}, {"2025-03-01", 63}, {"2025-07-01", 34}, {"2006-12-31", 64}, {"2008-07-31", 64}, {"2008-08-01", 63}} {
		if got := len(reg.InForce(date(tc.at))); got != tc.want {
			t.Errorf("units in force on %s = %d, want %d", tc.at, got, tc.want)
		}
	}
	succ := reg.Successors("vn63.93")
	if len(succ) != 1 || succ[0].ID != "vn34.92" {
		t.Errorf("successors of Hậu Giang = %v, want Cần Thơ vn34.92", succ)
	}
	succ = reg.Successors("vn63.46")
	if len(succ) != 1 || succ[0].ID != "vn34.46" {
		t.Errorf("successors of Thừa Thiên Huế = %v, want Huế vn34.46", succ)
	}
	// Hà Tây (64 units until 2008-07-31) became part of Hà Nội, which became Hà Nội of the 34.
	succ = reg.Successors("vn63.28")
	if len(succ) != 1 || succ[0].ID != "vn34.01" {
		t.Errorf("successors of Hà Tây = %v, want Hà Nội vn34.01", succ)
	}
	if _, out := reg.Links("vn63.28"); len(out) != 1 || out[0].New != "vn63.01" || out[0].Effective.Format(time.DateOnly) != "2008-08-01" {
		t.Errorf("lineage of Hà Tây = %v, want into vn63.01 on 2008-08-01", out)
	}
	in, _ := reg.Links("vn34.92")
	if len(in) != 3 {
		t.Errorf("predecessors of new Cần Thơ = %d, want 3 (Cần Thơ, Hậu Giang, Sóc Trăng)", len(in))
	}
}

// FuzzResolve: resolution never panics, every error is a *NameError, and every unit's
// canonical names resolve to it on a day it is in force.
func FuzzResolve(f *testing.F) {
	for _, s := range []string{"TP. Hồ Chí Minh", "TP.HCM", "Ho Chi Minh City", "HCMC", "Thừa Thiên Huế",
		"Thua Thien-Hue", "BRVT", "Bà Rịa - Vũng Tàu", "Dak Lak", "Đắk Lắk", "15", "", "tỉnh", "thành phố", "\xff", "QN"} {
		f.Add(s, 2020)
	}
	s, err := Open(f.Context(), "")
	if err != nil {
		f.Fatal(err)
	}
	f.Cleanup(func() { s.Close() })
	reg := s.Registry()
	for _, u := range reg.All() {
		day := u.ValidFrom
		if day.IsZero() {
			day = date("2020-06-30")
			if !u.ValidTo.IsZero() && u.ValidTo.Before(day) {
				day = u.ValidTo // a unit that ended before (Hà Tây)
			}
		}
		for _, name := range []string{u.NameVI, u.NameEN, u.ID, u.Code} {
			got, err := reg.Resolve(name, day)
			if err != nil || got.ID != u.ID {
				f.Errorf("Resolve(%q, %s) = %s, %v; want %s", name, day.Format(time.DateOnly), got.ID, err, u.ID)
			}
		}
	}
	f.Fuzz(func(t *testing.T, name string, year int) {
		_, err := reg.Resolve(name, YearEnd(2000+(year%40+40)%40))
		if err != nil {
			var ne *NameError
			if !errors.As(err, &ne) {
				t.Errorf("Resolve(%q) error %T %v, want *NameError", name, err, err)
			}
		}
	})
}

// TestUnitsOfSet: a set's units are that set's alone, whatever else the registry holds (here
// synthetic communes, in force throughout); set "" is every unit in force.
func TestUnitsOfSet(t *testing.T) {
	s := mustOpenStore(t)
	if err := s.AddSyntheticUnits(context.Background(), 40); err != nil {
		t.Fatal(err)
	}
	reg := s.Registry()
	for _, c := range []struct {
		set  string
		year int
		want int
	}{{Set63, 2020, 63}, {Set63, 2026, 63}, {Set34, 2026, 34}, {Set34, 2020, 34}, {SyntheticSet, 2020, 40}, {"", 2020, 103}, {"", 2026, 74}} {
		units := reg.Units(c.set, c.year)
		if len(units) != c.want {
			t.Errorf("Units(%q, %d): %d units, want %d", c.set, c.year, len(units), c.want)
		}
		for _, u := range units {
			if c.set != "" && u.Set != c.set {
				t.Errorf("Units(%q, %d) holds %s of set %q", c.set, c.year, u.ID, u.Set)
				break
			}
		}
	}
}

// TestUnitListsShared: the days with the same units in force share one list of them, so a
// server asked about every year keeps one list per distinct set of units, not one per day.
func TestUnitListsShared(t *testing.T) {
	reg := mustOpenStore(t).Registry()
	same := func(a, b []Unit) bool { return len(a) > 0 && len(a) == len(b) && &a[0] == &b[0] }
	if a, b := reg.InForce(YearEnd(2018)), reg.InForce(YearEnd(2022)); !same(a, b) {
		t.Error("InForce of 2018 and of 2022 (the same 63 provinces) are two lists")
	}
	if a, b := reg.InForce(YearEnd(2022)), reg.InForce(YearEnd(2026)); same(a, b) || len(a) != 63 || len(b) != 34 {
		t.Errorf("InForce of 2022 and of 2026: %d and %d units, shared %v; want 63 and 34 in two lists", len(a), len(b), same(a, b))
	}
	if a, b := reg.Units(Set63, 2016), reg.Units(Set63, 2020); !same(a, b) || len(a) != 63 {
		t.Errorf("Units(63) of 2016 and of 2020: %d units, shared %v; want the 63 in one list", len(a), same(a, b))
	}
	if a, b := reg.Units(Set34, 2026), reg.InForce(YearEnd(2026)); !same(a, b) {
		t.Error("Units(34, 2026) and InForce(2026), the same 34 provinces, are two lists")
	}
}

// TestUnitListIndex: a shared list's index is made once and gives each unit's position; a
// list the registry did not answer gets an index of its own.
func TestUnitListIndex(t *testing.T) {
	reg := mustOpenStore(t).Registry()
	units := reg.InForce(YearEnd(2020))
	index := reg.Index(units)
	for i, u := range units {
		if index[u.ID] != i {
			t.Fatalf("Index: %s at %d, want %d", u.ID, index[u.ID], i)
		}
	}
	if again := reg.Index(reg.InForce(YearEnd(2022))); fmt.Sprintf("%p", again) != fmt.Sprintf("%p", index) {
		t.Error("the index of the same 63 provinces was made twice")
	}
	own := slices.Clone(units[:3])
	if got := reg.Index(own); len(got) != 3 || got[own[2].ID] != 2 {
		t.Errorf("Index of a list of its own: %v", got)
	}
}

// TestInForceInCodeOrder: the units in force come in code order, units of one code in the
// registry's order, whatever order the registry was given them in.
func TestInForceInCodeOrder(t *testing.T) {
	units := []Unit{
		{ID: "t.b", Code: "02", NameVI: "Bê"},
		{ID: "t.a1", Code: "01", NameVI: "A Một"},
		{ID: "t.old", Code: "00", NameVI: "Cũ", ValidTo: date("2010-12-31")},
		{ID: "t.a2", Code: "01", NameVI: "A Hai"},
	}
	reg, err := NewRegistry(units, nil)
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		day  string
		want []string
	}{
		{"2010-12-31", []string{"t.old", "t.a1", "t.a2", "t.b"}},
		{"2011-01-01", []string{"t.a1", "t.a2", "t.b"}},
	} {
		var got []string
		for _, u := range reg.InForce(date(tc.day)) {
			got = append(got, u.ID)
		}
		if !slices.Equal(got, tc.want) {
			t.Errorf("InForce(%s) = %v, want %v", tc.day, got, tc.want)
		}
	}
	// The bundled registry: each day's units are those in force, in code order.
	bundled := mustOpenStore(t).Registry()
	for _, day := range []string{"2006-12-31", "2024-12-31", "2025-07-01"} {
		d := date(day)
		got := bundled.InForce(d)
		var want []Unit
		for _, u := range bundled.All() {
			if u.InForce(d) {
				want = append(want, u)
			}
		}
		slices.SortStableFunc(want, func(a, b Unit) int { return strings.Compare(a.Code, b.Code) })
		if !slices.EqualFunc(got, want, func(a, b Unit) bool { return a.ID == b.ID }) {
			t.Errorf("InForce(%s): %d units, not the %d in force in code order", day, len(got), len(want))
		}
	}
}
