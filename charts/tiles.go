package charts

import (
	"strings"
	"unicode"
)

// A tile-grid layout of Vietnam's provinces: each unit a square placed roughly where it lies,
// north at the top. The positions are a drawing aid, not geography: neighbours stay neighbours
// where the grid allows it.

// tiles63 places the 63 units in force until 2025-06-30, by code: {col, row}.
var tiles63 = map[string][2]int{
	"12": {1, 0}, "10": {2, 0}, "02": {3, 0}, "04": {4, 0},
	"11": {0, 1}, "15": {2, 1}, "08": {3, 1}, "06": {4, 1}, "20": {5, 1},
	"14": {1, 2}, "25": {2, 2}, "26": {3, 2}, "19": {4, 2}, "24": {5, 2}, "22": {6, 2},
	"17": {2, 3}, "01": {3, 3}, "27": {4, 3}, "30": {5, 3}, "31": {6, 3},
	"35": {3, 4}, "33": {4, 4}, "34": {5, 4},
	"37": {3, 5}, "36": {4, 5},
	"38": {3, 6}, "40": {3, 7}, "42": {4, 8}, "44": {4, 9}, "45": {5, 10}, "46": {5, 11},
	"49": {5, 12}, "48": {6, 12},
	"62": {4, 13}, "51": {6, 13},
	"64": {4, 14}, "52": {6, 14},
	"66": {4, 15}, "54": {6, 15},
	"67": {3, 16}, "68": {4, 16}, "56": {6, 16},
	"70": {2, 17}, "74": {3, 17}, "75": {4, 17}, "60": {5, 17}, "58": {6, 17},
	"72": {1, 18}, "80": {2, 18}, "79": {3, 18}, "77": {4, 18},
	"89": {0, 19}, "87": {1, 19}, "82": {2, 19}, "83": {3, 19},
	"91": {0, 20}, "92": {1, 20}, "86": {2, 20}, "84": {3, 20},
	"93": {1, 21}, "94": {2, 21},
	"96": {0, 22}, "95": {1, 22},
}

// tiles34 places the 34 units in force from 2025-07-01, by code.
var tiles34 = map[string][2]int{
	"12": {0, 0}, "15": {1, 0}, "08": {2, 0}, "04": {3, 0},
	"11": {0, 1}, "14": {1, 1}, "19": {2, 1}, "20": {3, 1},
	"25": {1, 2}, "01": {2, 2}, "24": {3, 2}, "22": {4, 2},
	"37": {2, 3}, "33": {3, 3}, "31": {4, 3},
	"38": {2, 4}, "40": {2, 5}, "42": {3, 6}, "44": {3, 7}, "46": {4, 8}, "48": {4, 9},
	"51": {4, 10}, "52": {4, 11}, "66": {4, 12},
	"68": {3, 13}, "56": {4, 13},
	"80": {1, 14}, "79": {2, 14}, "75": {3, 14},
	"91": {0, 15}, "82": {1, 15}, "86": {2, 15},
	"96": {0, 16}, "92": {1, 16},
}

// TilePosition returns where the unit with code of a unit set ("63" or "34") sits on the tile map.
func TilePosition(set, code string) (col, row int, ok bool) {
	layout := tiles63
	if set == "34" {
		layout = tiles34
	}
	p, ok := layout[code]
	return p[0], p[1], ok
}

// TileLabel returns a short label for a tile: the initials of the name ("Hà Nội" → "HN",
// "Thành phố Hồ Chí Minh" → "HCM"), or the whole name if it is one word.
// TileLabels returns the short names of the tiles of names: TileLabel of each, lengthened
// with letters of the last word where two would be the same (Lào Cai LCa, Lai Châu LCh).
func TileLabels(names []string) []string {
	out := make([]string, len(names))
	count := map[string]int{}
	for i, n := range names {
		out[i] = TileLabel(n)
		count[out[i]]++
	}
	for i, n := range names {
		if count[out[i]] < 2 {
			continue
		}
		ws := strings.Fields(strings.NewReplacer("-", " ", "–", " ").Replace(n))
		last := []rune(ws[len(ws)-1])
		base := []rune(out[i])
		for k := 2; k <= len(last); k++ {
			cand := string(base[:len(base)-1]) + string(last[:k])
			clash := false
			for j, m := range names {
				if j != i && TileLabel(m) == out[i] && strings.HasPrefix(lastWord(m), string(last[:k])) {
					clash = true
				}
			}
			if !clash {
				out[i] = cand
				break
			}
		}
	}
	// Names whose last words are the same (Hà Giang, Hậu Giang): letters of the first word.
	count = map[string]int{}
	for _, l := range out {
		count[l]++
	}
	for i, n := range names {
		if count[out[i]] < 2 {
			continue
		}
		first := []rune(strings.Fields(n)[0])
		if len(first) > 1 {
			out[i] = string(first[:2]) + string([]rune(out[i])[1:])
		}
	}
	return out
}

func lastWord(name string) string {
	ws := strings.Fields(strings.NewReplacer("-", " ", "–", " ").Replace(name))
	if len(ws) == 0 {
		return ""
	}
	return ws[len(ws)-1]
}

// TileLabel returns the short name of a province on a tile: the initials of its words.
func TileLabel(name string) string {
	words := strings.Fields(strings.NewReplacer("-", " ", "–", " ").Replace(name))
	if len(words) > 2 && words[0] == "Thành" && words[1] == "phố" {
		words = words[2:]
	}
	if len(words) == 1 {
		return words[0]
	}
	var b strings.Builder
	for _, w := range words {
		r := []rune(w)
		b.WriteRune(unicode.ToUpper(r[0]))
	}
	return b.String()
}
