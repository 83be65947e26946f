package datasets

import (
	"database/sql"
	"encoding/csv"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"sort"
	"strconv"
	"strings"
	"testing"
)

// findReference walks up from the package directory to the folder that holds
// shared/reference (the checkout's sibling) and returns that path, or "".
func findReference(t *testing.T) string {
	t.Helper()
	dir, err := os.Getwd()
	if err != nil {
		t.Fatal(err)
	}
	for {
		ref := filepath.Join(dir, "shared", "reference")
		if _, err := os.Stat(filepath.Join(ref, "pci.csv")); err == nil {
			return ref
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return ""
		}
		dir = parent
	}
}

// readRefCSV reads a reference CSV. A record with more fields than the header had an
// unquoted comma in its last field (the source): the extra fields are joined back into it,
// which is how the bundled copy quotes it.
func readRefCSV(t *testing.T, path string) (header []string, rows [][]string) {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	r := csv.NewReader(f)
	r.FieldsPerRecord = -1
	recs, err := r.ReadAll()
	if err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	if len(recs) == 0 {
		t.Fatalf("%s: empty", path)
	}
	header = recs[0]
	for i, rec := range recs[1:] {
		if len(rec) < len(header) {
			t.Fatalf("%s:%d: %d fields, header has %d", path, i+2, len(rec), len(header))
		}
		if len(rec) > len(header) {
			n := len(header)
			rec = append(rec[:n-1:n-1], strings.Join(rec[n-1:], ","))
		}
		rows = append(rows, rec)
	}
	return header, rows
}

// refFigureFile says how a reference file holds figures. It is written out here, apart from
// the loader's own list, so that the test does not take the loader's word for it.
type refFigureFile struct {
	indicator string // "" for dti files: "dti" or "dti.<pillar>"
	code      string // the column of the unit code
	year      string
	value     string
	rank      string // "" if the file has no ranks
	set34     bool   // codes of the 34 units
}

var refFigureFiles = map[string]refFigureFile{
	"pci.csv":             {"pci", "province_code", "year", "score", "rank", false},
	"par_index.csv":       {"par_index", "province_code", "year", "score", "rank", false},
	"dti.csv":             {"", "province_code", "year", "score", "rank", false},
	"dti_2024_34.csv":     {"", "province_code_2025", "year", "score", "rank", true},
	"papi.csv":            {"papi", "province_code", "year", "score", "", false},
	"grdp_growth.csv":     {"grdp_growth", "province_code", "year", "growth_pct", "rank", false},
	"grdp_level.csv":      {"grdp_level", "province_code", "year", "grdp_billion_vnd", "", false},
	"grdp_per_capita.csv": {"grdp_per_capita", "province_code", "year", "grdp_per_capita_million_vnd", "", false},
	"population.csv":      {"population", "province_code", "year", "population_thousand", "", false},
	"area.csv":            {"area", "province_code", "year_of_figure", "area_km2", "", false},
}

// refOtherFiles are the reference CSVs that hold no figures; they are bundled as they are.
var refOtherFiles = map[string]bool{
	"provinces_63.csv": true, "provinces_34.csv": true, "merger_2025.csv": true, "hau_giang_news_crosscheck.csv": true,
}

type figKey struct {
	indicator, unit string
	year            int
}

func (k figKey) String() string { return fmt.Sprintf("%s %s %d", k.indicator, k.unit, k.year) }

// storedFigure is one row of the observation table, as the test reads it.
type storedFigure struct {
	value            *float64
	rank, rankOf     *int
	status, source   string
	verified, prefer bool
}

func (f storedFigure) String() string {
	return fmt.Sprintf("value %s rank %s of %s, %s, verified %v, preferred %v, source %.60q",
		fmtPtr(f.value), fmtPtr(f.rank), fmtPtr(f.rankOf), f.status, f.verified, f.prefer, f.source)
}

func fmtPtr[T any](p *T) string {
	if p == nil {
		return "-"
	}
	return fmt.Sprint(*p)
}

func readStored(t *testing.T, s *Store) map[figKey][]storedFigure {
	t.Helper()
	rows, err := s.db.Query(`SELECT i.id, u.id, o.year, o.value, o.rank, o.rank_of, o.status, o.verified,
		o.preferred, src.citation FROM observation o JOIN indicator i ON i.key = o.indicator_key JOIN unit u ON u.key = o.unit_key
		JOIN source src ON src.key = o.source_key`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	out := map[figKey][]storedFigure{}
	for rows.Next() {
		var k figKey
		var f storedFigure
		var v sql.NullFloat64
		var r, n sql.NullInt64
		if err := rows.Scan(&k.indicator, &k.unit, &k.year, &v, &r, &n, &f.status, &f.verified, &f.prefer, &f.source); err != nil {
			t.Fatal(err)
		}
		if v.Valid {
			f.value = &v.Float64
		}
		if r.Valid {
			x := int(r.Int64)
			f.rank = &x
		}
		if n.Valid {
			x := int(n.Int64)
			f.rankOf = &x
		}
		out[k] = append(out[k], f)
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	return out
}

func parseOpt[T any](t *testing.T, s string, parse func(string) (T, error)) *T {
	t.Helper()
	if s = strings.TrimSpace(s); s == "" {
		return nil
	}
	v, err := parse(s)
	if err != nil {
		t.Fatalf("reference value %q: %v", s, err)
	}
	return &v
}

func parseF(s string) (float64, error) { return strconv.ParseFloat(s, 64) }

func eqPtr[T comparable](a, b *T) bool {
	if a == nil || b == nil {
		return a == nil && b == nil
	}
	return *a == *b
}

// TestBundledMatchesReference checks the bundled data against ../shared/reference, where it
// is present: every reference CSV is bundled with the same records; every figure of every
// reference file is in the store loaded from the bundled data with the same value, rank,
// rank_of, verified flag and source; and the store holds no figure the reference lacks,
// except the rows of alternatives.csv and status.csv, which are checked against what they
// rest on (the reference figure they disagree with, hau_giang_news_crosscheck.csv, the gap
// they mark).
func TestBundledMatchesReference(t *testing.T) {
	ref := findReference(t)
	if ref == "" {
		t.Skip("no shared/reference beside the checkout (looked in every folder above the package): nothing to compare the bundled data with")
	}
	t.Logf("reference: %s", ref)
	var diffs []string
	diff := func(format string, args ...any) { diffs = append(diffs, fmt.Sprintf(format, args...)) }
	defer func() {
		if len(diffs) == 0 {
			return
		}
		const show = 25
		list := diffs
		if len(list) > show {
			list = list[:show]
		}
		t.Errorf("the bundled data (datasets/bundled) differs from %s in %d places; the first %d:\n  %s\n"+
			"bring datasets/bundled up to date with the reference (quote a source with commas; keep every figure equal)",
			ref, len(diffs), len(list), strings.Join(list, "\n  "))
	}()

	files, err := filepath.Glob(filepath.Join(ref, "*.csv"))
	if err != nil {
		t.Fatal(err)
	}
	bundledDir := "bundled"
	want := map[figKey]storedFigure{}
	wantFile := map[figKey]string{}
	for _, path := range files {
		name := filepath.Base(path)
		spec, isFigures := refFigureFiles[name]
		if !isFigures && !refOtherFiles[name] {
			diff("%s: a reference file this test does not know: bundle it and add it to refFigureFiles or refOtherFiles", name)
			continue
		}
		header, rows := readRefCSV(t, path)
		if _, err := os.Stat(filepath.Join(bundledDir, name)); err != nil {
			diff("%s: not bundled", name)
			continue
		}
		bh, brows := readRefCSV(t, filepath.Join(bundledDir, name))
		if !reflect.DeepEqual(header, bh) {
			diff("%s: header %q, reference %q", name, bh, header)
		}
		// The same records, in any order: each record's count in one file and the other.
		count := map[string]int{}
		for _, r := range rows {
			count[strings.Join(r, "\x00")]++
		}
		for _, r := range brows {
			count[strings.Join(r, "\x00")]--
		}
		for i, r := range rows {
			if count[strings.Join(r, "\x00")] > 0 {
				diff("%s:%d (reference): not bundled: %.160q", name, i+2, r)
			}
		}
		for i, r := range brows {
			if count[strings.Join(r, "\x00")] < 0 {
				diff("bundled/%s:%d: not in the reference: %.160q", name, i+2, r)
			}
		}
		if !isFigures {
			continue
		}
		col := map[string]int{}
		for i, h := range header {
			col[h] = i
		}
		get := func(row []string, c string) string {
			if c == "" {
				return ""
			}
			i, ok := col[c]
			if !ok {
				t.Fatalf("%s: no column %q", name, c)
			}
			return strings.TrimSpace(row[i])
		}
		for i, row := range rows {
			year, err := strconv.Atoi(get(row, spec.year))
			if err != nil {
				t.Fatalf("%s:%d: year: %v", name, i+2, err)
			}
			unit := "vn63." + get(row, spec.code)
			if spec.set34 {
				unit = "vn34." + get(row, spec.code)
			}
			ind := spec.indicator
			if ind == "" {
				ind = "dti"
				if p := get(row, "pillar"); p != "overall" {
					ind = "dti." + p
				}
			}
			src := get(row, "source")
			f := storedFigure{value: parseOpt(t, get(row, spec.value), parseF), rank: parseOpt(t, get(row, spec.rank), strconv.Atoi),
				status: "published", source: src, verified: !strings.Contains(src, "UNVERIFIED"), prefer: true}
			if f.rank != nil {
				n := 63 // published ranks are among the units of their year
				switch {
				case spec.set34:
					n = 34
				case ind == "pci" && year <= 2008:
					n = 64 // PCI 2006–2008 ranked 64 units: Hà Tây still existed
				}
				f.rankOf = &n
			}
			k := figKey{ind, unit, year}
			if prev, dup := wantFile[k]; dup {
				diff("%s:%d: %s is also in %s", name, i+2, k, prev)
			}
			want[k], wantFile[k] = f, fmt.Sprintf("%s:%d", name, i+2)
		}
	}

	s := mustOpenStore(t)
	stored := readStored(t, s)
	for k, w := range want {
		var got *storedFigure
		for i, f := range stored[k] {
			if f.prefer {
				got = &stored[k][i]
			}
		}
		switch {
		case got == nil:
			diff("%s (%s): not in the store; reference: %s", wantFile[k], k, w)
		case !eqPtr(got.value, w.value) || !eqPtr(got.rank, w.rank) || !eqPtr(got.rankOf, w.rankOf) ||
			got.verified != w.verified || got.source != w.source || got.status != w.status:
			diff("%s (%s):\n      store     %s\n      reference %s", wantFile[k], k, got, w)
		}
	}

	// Every stored figure is a reference figure, or a row of alternatives.csv or status.csv.
	cross := readCrosscheck(t, ref)
	keys := make([]figKey, 0, len(stored))
	for k := range stored {
		keys = append(keys, k)
	}
	sort.Slice(keys, func(i, j int) bool { return keys[i].String() < keys[j].String() })
	for _, k := range keys {
		w, inRef := want[k]
		for _, f := range stored[k] {
			switch {
			case f.prefer && f.status == "published":
				if !inRef {
					diff("store: %s: %s is in no reference file", k, f)
				}
			case f.status == "not_published": // status.csv: a gap the reference leaves
				if inRef {
					diff("status.csv: %s marked not published, but %s has %s", k, wantFile[k], w)
				}
				if !f.prefer || f.value != nil || f.rank != nil {
					diff("status.csv: %s: %s, want a preferred marker without value or rank", k, f)
				}
			default: // alternatives.csv: a figure that disagrees with the reference's
				switch {
				case !inRef:
					diff("alternatives.csv: %s: %s disagrees with no reference figure", k, f)
				case eqPtr(f.value, w.value) && eqPtr(f.rank, w.rank):
					diff("alternatives.csv: %s: %s repeats the reference figure (%s)", k, f, wantFile[k])
				case f.source == w.source:
					diff("alternatives.csv: %s: the source is the reference figure's own", k)
				case f.verified == strings.Contains(f.source, "UNVERIFIED"):
					diff("alternatives.csv: %s: verified %v, but the source says %.80q", k, f.verified, f.source)
				}
				if c, ok := cross[k]; ok && c.status == "DISAGREES" &&
					(!eqPtr(f.value, c.claimedValue) || !eqPtr(f.rank, c.claimedRank)) {
					diff("alternatives.csv: %s: %s, but hau_giang_news_crosscheck.csv records the claim as value %s rank %s",
						k, f, fmtPtr(c.claimedValue), fmtPtr(c.claimedRank))
				}
			}
		}
	}
	// The cross-check's findings hold in the store: a confirmed or disputed claim's key has the
	// figure found; a claim not found is, if bundled at all, not verified.
	for k, c := range cross {
		w, inRef := want[k]
		switch c.status {
		case "CONFIRMED", "DISAGREES":
			if !inRef || (c.foundValue != nil && !eqPtr(w.value, c.foundValue)) || (c.foundRank != nil && !eqPtr(w.rank, c.foundRank)) {
				diff("hau_giang_news_crosscheck.csv: %s %s: found value %s rank %s; the reference has %v %s",
					k, c.status, fmtPtr(c.foundValue), fmtPtr(c.foundRank), inRef, w)
			}
			if c.status == "DISAGREES" {
				alt := false
				for _, f := range stored[k] {
					alt = alt || (!f.prefer && !f.verified)
				}
				if !alt {
					diff("hau_giang_news_crosscheck.csv: %s: the disputed claim is not kept as an unverified alternative", k)
				}
			}
		case "NOT FOUND":
			if inRef && w.verified {
				diff("hau_giang_news_crosscheck.csv: %s: not found in any source, but the reference figure is verified", k)
			}
		}
	}
}

// crossClaim is one row of hau_giang_news_crosscheck.csv.
type crossClaim struct {
	claimedValue, foundValue *float64
	claimedRank, foundRank   *int
	status                   string // CONFIRMED, DISAGREES or NOT FOUND
}

func readCrosscheck(t *testing.T, ref string) map[figKey]crossClaim {
	t.Helper()
	header, rows := readRefCSV(t, filepath.Join(ref, "hau_giang_news_crosscheck.csv"))
	col := map[string]int{}
	for i, h := range header {
		col[h] = i
	}
	num := func(s string) *float64 {
		v, err := strconv.ParseFloat(strings.TrimSpace(s), 64)
		if err != nil {
			return nil // "top 30", or empty
		}
		return &v
	}
	whole := func(s string) *int {
		v, err := strconv.Atoi(strings.TrimSpace(s))
		if err != nil {
			return nil
		}
		return &v
	}
	out := map[figKey]crossClaim{}
	for _, r := range rows {
		year, err := strconv.Atoi(r[col["year"]])
		if err != nil {
			t.Fatalf("hau_giang_news_crosscheck.csv: year %q", r[col["year"]])
		}
		ind := r[col["indicator"]]
		if p := r[col["pillar"]]; ind == "dti" && p != "" && p != "overall" {
			ind += "." + p
		}
		status := r[col["status"]]
		for _, s := range []string{"CONFIRMED", "DISAGREES", "NOT FOUND"} {
			if strings.HasPrefix(status, s) {
				status = s
			}
		}
		out[figKey{ind, "vn63." + r[col["province_code"]], year}] = crossClaim{
			claimedValue: num(r[col["claimed_value"]]), claimedRank: whole(r[col["claimed_rank"]]),
			foundValue: num(r[col["found_value"]]), foundRank: whole(r[col["found_rank"]]), status: status,
		}
	}
	return out
}

// TestReadRefCSVJoinsUnquotedSource pins how a reference row with an unquoted comma in its
// source is read: as the bundled copy quotes it.
func TestReadRefCSVJoinsUnquotedSource(t *testing.T) {
	path := filepath.Join(t.TempDir(), "r.csv")
	writeFile(t, path, "province_code,year,score,source\n93,2019,,news, as quoted; (UNVERIFIED)\n")
	_, rows := readRefCSV(t, path)
	if want := []string{"93", "2019", "", "news, as quoted; (UNVERIFIED)"}; !reflect.DeepEqual(rows[0], want) {
		t.Errorf("row = %q, want %q", rows[0], want)
	}
}
