package analytics

import (
	"fmt"
	"math"
	"math/rand/v2"
	"strings"
	"testing"
)

// VCCI PCI ranks out of 63 as bundled (datasets/bundled/pci.csv), by province code.
var (
	pciRank2010 = map[string]int{"01": 43, "02": 49, "04": 52, "06": 58, "08": 34, "10": 2, "11": 47, "12": 57, "14": 62, "15": 21, "17": 60, "19": 42, "20": 59, "22": 7, "24": 32, "25": 53, "26": 15, "27": 6, "30": 35, "31": 48, "33": 61, "34": 22, "35": 56, "36": 45, "37": 11, "38": 44, "40": 54, "42": 37, "44": 46, "45": 16, "46": 18, "48": 1, "49": 26, "51": 55, "52": 20, "54": 31, "56": 40, "58": 41, "60": 28, "62": 39, "64": 50, "66": 38, "67": 63, "68": 29, "70": 36, "72": 33, "74": 5, "75": 25, "77": 19, "79": 23, "80": 12, "82": 24, "83": 10, "84": 4, "86": 9, "87": 3, "89": 14, "91": 27, "92": 13, "93": 8, "94": 17, "95": 30, "96": 51}
	pciRank2016 = map[string]int{"01": 14, "02": 59, "04": 63, "06": 60, "08": 45, "10": 5, "11": 53, "12": 62, "14": 58, "15": 47, "17": 52, "19": 7, "20": 55, "22": 2, "24": 33, "25": 29, "26": 9, "27": 17, "30": 36, "31": 21, "33": 50, "34": 40, "35": 35, "36": 30, "37": 19, "38": 31, "40": 25, "42": 39, "44": 44, "45": 43, "46": 23, "48": 1, "49": 10, "51": 26, "52": 18, "54": 51, "56": 24, "58": 49, "60": 32, "62": 56, "64": 46, "66": 28, "67": 61, "68": 27, "70": 57, "72": 20, "74": 4, "75": 34, "77": 16, "79": 8, "80": 15, "82": 48, "83": 12, "84": 42, "86": 6, "87": 3, "89": 38, "91": 13, "92": 11, "93": 37, "94": 22, "95": 41, "96": 54}
)

func moveKeys(ms []Move) string {
	var b strings.Builder
	for i, m := range ms {
		if i > 0 {
			b.WriteByte(' ')
		}
		fmt.Fprintf(&b, "%s%+d", m.Key, m.Change)
	}
	return b.String()
}

func TestTopMoves(t *testing.T) {
	pci := RankMoves(pciRank2010, pciRank2016)
	tests := []struct {
		name     string
		moves    []Move
		k        int
		up, down string
	}{
		// Nam Định (36) and TP. Hồ Chí Minh (79) both climbed 15 places, 10th and 11th:
		// both are kept.
		{"PCI2010to2016Top10", pci, 10,
			"19+35 01+29 40+29 51+29 31+27 25+24 35+21 49+16 56+16 36+15 79+15",
			"84-38 93-29 45-27 15-26 82-24 89-24 70-21 54-20 34-18 62-17"},
		// The 12th fall is one of four of 11 places.
		{"PCI2010to2016Top12", pci, 12,
			"19+35 01+29 40+29 51+29 31+27 25+24 35+21 49+16 56+16 36+15 79+15 91+14",
			"84-38 93-29 45-27 15-26 82-24 89-24 70-21 54-20 34-18 62-17 04-11 08-11 27-11 95-11"},
		// The 2nd climb is one of three of 29 places.
		{"PCI2010to2016Top2", pci, 2, "19+35 01+29 40+29 51+29", "84-38 93-29"},
		{"Unsorted", []Move{{Key: "b", Change: -1}, {Key: "a", Change: 2}, {Key: "c", Change: 0}, {Key: "d", Change: 2}}, 1, "a+2 d+2", "b-1"},
		{"NoMoves", nil, 5, "", ""},
		{"KZero", pci, 0, "", ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			up, down := TopMoves(tc.moves, tc.k)
			if got := moveKeys(up); got != tc.up {
				t.Errorf("TopMoves(k=%d) up = %s, want %s", tc.k, got, tc.up)
			}
			if got := moveKeys(down); got != tc.down {
				t.Errorf("TopMoves(k=%d) down = %s, want %s", tc.k, got, tc.down)
			}
		})
	}
}

func TestRegionRanks(t *testing.T) {
	nan := math.NaN()
	// The Red River Delta's provinces in code order (01 Hà Nội, 22 Quảng Ninh, 26 Vĩnh Phúc,
	// 27 Bắc Ninh, 30 Hải Dương, 31 Hải Phòng, 33 Hưng Yên, 34 Thái Bình, 35 Hà Nam,
	// 36 Nam Định, 37 Ninh Bình) and their national PCI 2016 ranks.
	rrd := []float64{14, 2, 9, 17, 36, 21, 50, 40, 35, 30, 19}
	tests := []struct {
		name   string
		order  []float64
		higher bool
		want   string
	}{
		{"PCI2016RedRiverDelta", rrd, false, "[3 1 2 4 9 6 11 10 8 7 5]"},
		// PCI 2024 scores of 01, 22, 31, 35 (no ranks published for some): higher is better.
		{"ValuesHigherIsBetter", []float64{68.38, 73.20, 74.84, 68.61}, true, "[4 2 1 3]"},
		{"TiesShared", []float64{5, 3, 3, 9}, false, "[3 1 1 4]"},
		{"MissingIsZero", []float64{12, nan, 4, 12}, false, "[2 0 1 2]"},
		{"Empty", nil, true, "[]"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if got := fmt.Sprint(RegionRanks(tc.order, tc.higher)); got != tc.want {
				t.Errorf("RegionRanks(%v) = %s, want %s", tc.order, got, tc.want)
			}
		})
	}
}

func ExampleTopMoves() {
	// VCCI PCI ranks, 2010 → 2016, of five provinces.
	from := map[string]int{"Nam Định": 45, "TP. Hồ Chí Minh": 23, "Quảng Nam": 26, "Cần Thơ": 4, "Hậu Giang": 8}
	to := map[string]int{"Nam Định": 30, "TP. Hồ Chí Minh": 8, "Quảng Nam": 10, "Cần Thơ": 42, "Hậu Giang": 37}
	up, down := TopMoves(RankMoves(from, to), 2)
	for _, m := range up {
		fmt.Printf("↑ %s: %d → %d (%+d)\n", m.Key, m.FromRank, m.ToRank, m.Change)
	}
	for _, m := range down {
		fmt.Printf("↓ %s: %d → %d (%+d)\n", m.Key, m.FromRank, m.ToRank, m.Change)
	}
	// Output:
	// ↑ Quảng Nam: 26 → 10 (+16)
	// ↑ Nam Định: 45 → 30 (+15)
	// ↑ TP. Hồ Chí Minh: 23 → 8 (+15)
	// ↓ Cần Thơ: 4 → 42 (-38)
	// ↓ Hậu Giang: 8 → 37 (-29)
}

func ExampleRegionRanks() {
	// National PCI 2016 ranks of four Red River Delta provinces: Hà Nội 14, Quảng Ninh 2,
	// Vĩnh Phúc 9, Bắc Ninh 17.
	fmt.Println(RegionRanks([]float64{14, 2, 9, 17}, false))
	// Output: [3 1 2 4]
}

// TestCompetitionRanksByDefinition: each rank is 1 + the number of values strictly better,
// counted pair by pair, on SYNTHETIC fields with many ties (and 0 next to −0), in both directions.
func TestCompetitionRanksByDefinition(t *testing.T) {
	rng := rand.New(rand.NewPCG(7, 8))
	for _, n := range []int{1, 2, 3, 10, 63, 500} {
		values := make([]float64, n)
		for i := range values {
			values[i] = float64(rng.IntN(max(2, n/4))) / 2
			if values[i] == 0 && rng.IntN(2) == 0 {
				values[i] = math.Copysign(0, -1)
			}
		}
		for _, higher := range []bool{true, false} {
			got, err := CompetitionRanks(values, higher)
			if err != nil {
				t.Fatal(err)
			}
			for i, v := range values {
				want := 1
				for _, w := range values {
					if higher && w > v || !higher && w < v {
						want++
					}
				}
				if got[i] != want {
					t.Fatalf("n=%d higher=%v: rank of values[%d]=%v is %d, want %d", n, higher, i, v, got[i], want)
				}
			}
		}
	}
}
