package datasets

import (
	"crypto/sha256"
	"encoding/csv"
	"encoding/hex"
	"fmt"
	"io/fs"
	"regexp"
	"strconv"
	"strings"
	"time"
)

// The bundled dataset: copies of the reference files (real figures, one source per row) in
// bundled/, plus the indicator catalogue, its methodology breaks, the sourced figures that
// disagree with the preferred ones (alternatives.csv) and the sourced "not published" markers.

var (
	hueCityDate  = time.Date(2025, time.January, 1, 0, 0, 0, 0, time.UTC)
	lastDayTTHue = time.Date(2024, time.December, 31, 0, 0, 0, 0, time.UTC)
)

// bundle is the bundled dataset parsed into rows ready to append.
type bundle struct {
	units      []Unit
	links      []Link
	indicators [][]any
	breaks     [][]any
	sources    map[string]string // id → citation
	obs        []obsRow
	rows       []bundleRow  // rows[i] is the text obs[i] was read from
	files      []bundleFile // the files rows come from
}

// bundleFile is a bundled file of figures, for messages: its name and header, and the column
// (0-based) of each field it has, as ingest names the fields.
type bundleFile struct {
	name   string // "bundled/pci.csv"
	header []string
	cols   map[string]int
}

// bundleRow is the text of one bundled figure and where it is, as the row rules read it.
type bundleRow struct {
	file, line int // index into bundle.files; 1-based line
	nUnits     int // the units in force for the row: the rank_of a rank without one would get
	// the cells, as ingest's fields
	province, indicator, source string
	year, value, rank, rankOf   string
}

// addFile notes a file of figures whose fields are the named columns of t.
func (b *bundle) addFile(t *table, fields map[string]string) int {
	f := bundleFile{name: "bundled/" + t.name, cols: map[string]int{}}
	f.header = make([]string, len(t.cols))
	for h, i := range t.cols {
		f.header[i] = h
	}
	for field, col := range fields {
		if i, ok := t.cols[col]; ok {
			f.cols[field] = i
		}
	}
	b.files = append(b.files, f)
	return len(b.files) - 1
}

// obsRow is one observation as stored.
type obsRow struct {
	Indicator string
	UnitID    string
	Year      int
	Value     *float64
	Rank      *int
	RankOf    *int
	Status    string
	Verified  bool
	Preferred bool
	SourceID  string
}

// values returns the row of o for the observation table: its indicator has key, its unit
// unitKey, its source sourceKey, and it came in batch.
func (o obsRow) values(key, unitKey, sourceKey, batch int32) []any {
	var v, r, n any
	if o.Value != nil {
		v = *o.Value
	}
	if o.Rank != nil {
		r = int32(*o.Rank)
	}
	if o.RankOf != nil {
		n = int32(*o.RankOf)
	}
	return []any{key, unitKey, int32(o.Year), v, r, n, o.Status, o.Verified, o.Preferred, sourceKey, batch}
}

// sourceID returns the stable id of a citation: the first 12 hex digits of its SHA-256.
func sourceID(citation string) string {
	h := sha256.Sum256([]byte(citation))
	return hex.EncodeToString(h[:6])
}

var urlRE = regexp.MustCompile(`https?://[^\s"()]+`)

// citationURL returns the first address in a citation, or "".
func citationURL(citation string) string {
	return strings.TrimRight(urlRE.FindString(citation), ".,;")
}

// table is a parsed CSV file with named columns.
type table struct {
	name string
	cols map[string]int
	rows [][]string
}

func readTable(fsys fs.FS, name string) (*table, error) {
	f, err := fsys.Open(name)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	recs, err := csv.NewReader(f).ReadAll()
	if err != nil {
		return nil, fmt.Errorf("read %s: %w", name, err)
	}
	if len(recs) == 0 {
		return nil, fmt.Errorf("read %s: empty file", name)
	}
	t := &table{name: name, cols: map[string]int{}, rows: recs[1:]}
	for i, h := range recs[0] {
		t.cols[h] = i
	}
	return t, nil
}

// get returns the named column of row i ("" if the table has no such column).
func (t *table) get(row []string, col string) string {
	i, ok := t.cols[col]
	if !ok || i >= len(row) {
		return ""
	}
	return strings.TrimSpace(row[i])
}

func slugify(s string) string {
	return strings.Join(nameWords(s), "-")
}

// loadBundle parses the bundled files in fsys.
func loadBundle(fsys fs.FS) (*bundle, error) {
	b := &bundle{sources: map[string]string{}}
	if err := b.loadUnits(fsys); err != nil {
		return nil, err
	}
	reg, err := NewRegistry(b.units, b.links)
	if err != nil {
		return nil, err
	}
	if err := b.loadCatalogue(fsys); err != nil {
		return nil, err
	}
	type spec struct {
		file, indicator, value, rank, year string
		set                                string
		rankOf                             func(year int) int
	}
	of63 := func(int) int { return 63 }
	specs := []spec{
		{"pci.csv", "pci", "score", "rank", "year", "63", func(y int) int {
			if y <= 2008 { // PCI 2006–2008 ranked 64 units: Hà Tây still existed
				return 64
			}
			return 63
		}},
		{"par_index.csv", "par_index", "score", "rank", "year", "63", of63},
		{"dti.csv", "", "score", "rank", "year", "63", of63},
		{"dti_2024_34.csv", "", "score", "rank", "year", "34", func(int) int { return 34 }},
		{"papi.csv", "papi", "score", "", "year", "63", of63},
		{"grdp_growth.csv", "grdp_growth", "growth_pct", "rank", "year", "63", of63},
		{"grdp_level.csv", "grdp_level", "grdp_billion_vnd", "", "year", "63", of63},
		{"grdp_per_capita.csv", "grdp_per_capita", "grdp_per_capita_million_vnd", "", "year", "63", of63},
		{"population.csv", "population", "population_thousand", "", "year", "63", of63},
		{"area.csv", "area", "area_km2", "", "year_of_figure", "63", of63},
	}
	for _, s := range specs {
		t, err := readTable(fsys, s.file)
		if err != nil {
			return nil, err
		}
		codeCol := "province_code"
		if s.set == Set34 {
			codeCol = "province_code_2025"
		}
		file := b.addFile(t, map[string]string{"province": codeCol, "year": s.year, "value": s.value, "rank": s.rank,
			"indicator": "pillar", "source": "source"})
		for i, row := range t.rows {
			where := fmt.Sprintf("bundled/%s:%d", s.file, i+2)
			code := t.get(row, codeCol)
			year, err := strconv.Atoi(t.get(row, s.year))
			if err != nil {
				return nil, fmt.Errorf("%s: year: %w", where, err)
			}
			u, err := reg.Resolve(code, SetDay(s.set, year))
			if err != nil {
				return nil, fmt.Errorf("%s: %w", where, err)
			}
			ind := s.indicator
			if ind == "" {
				ind = "dti"
				if p := t.get(row, "pillar"); p != "overall" {
					ind = "dti." + p
				}
			}
			br := bundleRow{file: file, line: i + 2, nUnits: len(reg.Units(s.set, year)), province: code, indicator: ind,
				source: t.get(row, "source"), year: t.get(row, s.year), value: t.get(row, s.value), rank: t.get(row, s.rank)}
			o := obsRow{Indicator: ind, UnitID: u.ID, Year: year, Status: "published", Preferred: true}
			if o.Value, err = optFloat(t.get(row, s.value)); err != nil {
				return nil, fmt.Errorf("%s: %w", where, err)
			}
			if s.rank != "" {
				if o.Rank, err = optInt(t.get(row, s.rank)); err != nil {
					return nil, fmt.Errorf("%s: %w", where, err)
				}
				if o.Rank != nil {
					n := s.rankOf(year)
					o.RankOf = &n
					br.rankOf = strconv.Itoa(n)
				}
			}
			src := t.get(row, "source")
			o.Verified = !strings.Contains(src, "UNVERIFIED")
			o.SourceID = b.source(src)
			b.obs = append(b.obs, o)
			b.rows = append(b.rows, br)
		}
	}
	if err := b.loadAlternatives(fsys, reg); err != nil {
		return nil, err
	}
	return b, nil
}

func (b *bundle) source(citation string) string {
	id := sourceID(citation)
	b.sources[id] = citation
	return id
}

func optFloat(s string) (*float64, error) {
	if s == "" {
		return nil, nil
	}
	v, err := strconv.ParseFloat(s, 64)
	if err != nil {
		return nil, err
	}
	return &v, nil
}

func optInt(s string) (*int, error) {
	if s == "" {
		return nil, nil
	}
	v, err := strconv.Atoi(s)
	if err != nil {
		return nil, err
	}
	return &v, nil
}

func (b *bundle) loadUnits(fsys fs.FS) error {
	p63, err := readTable(fsys, "provinces_63.csv")
	if err != nil {
		return err
	}
	for _, row := range p63.rows {
		u := Unit{
			ID: "vn63." + p63.get(row, "code"), Code: p63.get(row, "code"), Set: "63",
			NameVI: p63.get(row, "name_vi"), NameEN: p63.get(row, "name_en"),
			Kind: p63.get(row, "kind"), Region: p63.get(row, "region"),
			ValidTo: LastDay63, Source: p63.get(row, "source"),
		}
		u.Slug = slugify(u.NameEN)
		if u.Code == "46" {
			// Thừa Thiên Huế became the centrally-run city of Huế on 2025-01-01 (same code).
			u.ValidTo = lastDayTTHue
			hue := u
			hue.ID, hue.NameVI, hue.NameEN, hue.Slug, hue.Kind = "vn63.46.2025", "Huế", "Hue", "hue", "city"
			hue.ValidFrom, hue.ValidTo = hueCityDate, LastDay63
			b.units = append(b.units, u, hue)
			b.links = append(b.links, Link{Old: u.ID, New: hue.ID, Effective: hueCityDate, Kind: "rename", Source: u.Source})
			continue
		}
		b.units = append(b.units, u)
	}
	if err := b.loadFormerUnits(fsys); err != nil {
		return err
	}
	p34, err := readTable(fsys, "provinces_34.csv")
	if err != nil {
		return err
	}
	for _, row := range p34.rows {
		u := Unit{
			ID: "vn34." + p34.get(row, "code"), Code: p34.get(row, "code"), Set: "34",
			NameVI: p34.get(row, "name_vi"), NameEN: p34.get(row, "name_en"),
			Kind: p34.get(row, "kind"), ValidFrom: MergerDate, Source: p34.get(row, "source"),
		}
		u.Slug = slugify(u.NameEN)
		b.units = append(b.units, u)
	}
	m, err := readTable(fsys, "merger_2025.csv")
	if err != nil {
		return err
	}
	preds := map[string]int{}
	for _, row := range m.rows {
		preds[m.get(row, "new_code")]++
	}
	for _, row := range m.rows {
		oldCode, newCode := m.get(row, "old_code"), m.get(row, "new_code")
		old := "vn63." + oldCode
		if oldCode == "46" {
			old = "vn63.46.2025"
		}
		kind := "merger"
		if preds[newCode] == 1 && oldCode == newCode {
			kind = "unchanged"
		}
		eff, err := time.Parse(time.DateOnly, m.get(row, "effective_date"))
		if err != nil {
			return fmt.Errorf("merger_2025.csv: effective_date: %w", err)
		}
		b.links = append(b.links, Link{Old: old, New: "vn34." + newCode, Effective: eff, Kind: kind, Source: m.get(row, "source")})
	}
	return nil
}

// loadFormerUnits adds the units that ended before the data's 63 (Hà Tây, merged into Hà Nội
// on 2008-08-01), with their lineage, from provinces_former.csv if the bundle has it.
func (b *bundle) loadFormerUnits(fsys fs.FS) error {
	if _, err := fs.Stat(fsys, "provinces_former.csv"); err != nil {
		return nil
	}
	t, err := readTable(fsys, "provinces_former.csv")
	if err != nil {
		return err
	}
	for i, row := range t.rows {
		to, err1 := time.Parse(time.DateOnly, t.get(row, "valid_to"))
		eff, err2 := time.Parse(time.DateOnly, t.get(row, "effective_date"))
		if err1 != nil || err2 != nil {
			return fmt.Errorf("provinces_former.csv:%d: valid_to or effective_date is not a date (YYYY-MM-DD)", i+2)
		}
		u := Unit{
			ID: "vn63." + t.get(row, "code"), Code: t.get(row, "code"), Set: Set63,
			NameVI: t.get(row, "name_vi"), NameEN: t.get(row, "name_en"),
			Kind: t.get(row, "kind"), Region: t.get(row, "region"), ValidTo: to, Source: t.get(row, "source"),
		}
		u.Slug = slugify(u.NameEN)
		b.units = append(b.units, u)
		b.links = append(b.links, Link{Old: u.ID, New: "vn63." + t.get(row, "successor_code"), Effective: eff, Kind: "merger", Source: u.Source})
	}
	return nil
}

func (b *bundle) loadCatalogue(fsys fs.FS) error {
	ind, err := readTable(fsys, "indicators.csv")
	if err != nil {
		return err
	}
	for i, row := range ind.rows {
		first, err := strconv.Atoi(ind.get(row, "first_year"))
		if err != nil {
			return fmt.Errorf("indicators.csv:%d: first_year: %w", i+2, err)
		}
		smin, err1 := optFloat(ind.get(row, "scale_min"))
		smax, err2 := optFloat(ind.get(row, "scale_max"))
		if err1 != nil || err2 != nil {
			return fmt.Errorf("indicators.csv:%d: scale: %v %v", i+2, err1, err2)
		}
		var hib any
		switch ind.get(row, "higher_is_better") {
		case "true":
			hib = true
		case "false":
			hib = false
		}
		b.indicators = append(b.indicators, []any{
			ind.get(row, "id"), nullString(ind.get(row, "parent")), ind.get(row, "name_vi"), ind.get(row, "name_en"),
			ind.get(row, "unit_of_measure"), ind.get(row, "measure"), hib, ind.get(row, "publisher"),
			ptrOrNil(smin), ptrOrNil(smax), int32(first), ind.get(row, "aggregation_rule"), ind.get(row, "description"),
		})
	}
	br, err := readTable(fsys, "breaks.csv")
	if err != nil {
		return err
	}
	for i, row := range br.rows {
		y, err := strconv.Atoi(br.get(row, "year"))
		if err != nil {
			return fmt.Errorf("breaks.csv:%d: year: %w", i+2, err)
		}
		b.breaks = append(b.breaks, []any{br.get(row, "indicator_id"), int32(y), br.get(row, "kind"), br.get(row, "note"), br.get(row, "source")})
	}
	return nil
}

func (b *bundle) loadAlternatives(fsys fs.FS, reg *Registry) error {
	alt, err := readTable(fsys, "alternatives.csv")
	if err != nil {
		return err
	}
	altFile := b.addFile(alt, map[string]string{"province": "province_code", "year": "year", "value": "value", "rank": "rank",
		"rank_of": "rank_of", "indicator": "indicator", "source": "source"})
	for i, row := range alt.rows {
		where := fmt.Sprintf("bundled/alternatives.csv:%d", i+2)
		year, err := strconv.Atoi(alt.get(row, "year"))
		if err != nil {
			return fmt.Errorf("%s: year: %w", where, err)
		}
		u, err := reg.Resolve(alt.get(row, "province_code"), YearEnd(year))
		if err != nil {
			return fmt.Errorf("%s: %w", where, err)
		}
		o := obsRow{Indicator: alt.get(row, "indicator"), UnitID: u.ID, Year: year, Status: "published",
			Verified: alt.get(row, "verified") == "true", SourceID: b.source(alt.get(row, "source"))}
		if o.Value, err = optFloat(alt.get(row, "value")); err != nil {
			return fmt.Errorf("%s: value: %w", where, err)
		}
		if o.Rank, err = optInt(alt.get(row, "rank")); err != nil {
			return fmt.Errorf("%s: rank: %w", where, err)
		}
		if o.RankOf, err = optInt(alt.get(row, "rank_of")); err != nil {
			return fmt.Errorf("%s: rank_of: %w", where, err)
		}
		b.obs = append(b.obs, o)
		b.rows = append(b.rows, bundleRow{file: altFile, line: i + 2, nUnits: len(reg.Units("", year)),
			province: alt.get(row, "province_code"), indicator: o.Indicator, source: alt.get(row, "source"), year: alt.get(row, "year"),
			value: alt.get(row, "value"), rank: alt.get(row, "rank"), rankOf: alt.get(row, "rank_of")})
	}
	st, err := readTable(fsys, "status.csv")
	if err != nil {
		return err
	}
	// A status is the value cell of ingest's long form: "not_published" passes the row rules as
	// "not published" does in a file, and any other word is not a number.
	stFile := b.addFile(st, map[string]string{"province": "province_code", "year": "year", "value": "status",
		"indicator": "indicator", "source": "source"})
	for i, row := range st.rows {
		where := fmt.Sprintf("bundled/status.csv:%d", i+2)
		year, err := strconv.Atoi(st.get(row, "year"))
		if err != nil {
			return fmt.Errorf("%s: year: %w", where, err)
		}
		u, err := reg.Resolve(st.get(row, "province_code"), YearEnd(year))
		if err != nil {
			return fmt.Errorf("%s: %w", where, err)
		}
		b.obs = append(b.obs, obsRow{Indicator: st.get(row, "indicator"), UnitID: u.ID, Year: year,
			Status: st.get(row, "status"), Verified: true, Preferred: true,
			SourceID: b.source(st.get(row, "source"))})
		b.rows = append(b.rows, bundleRow{file: stFile, line: i + 2, nUnits: len(reg.Units("", year)),
			province: st.get(row, "province_code"), indicator: st.get(row, "indicator"), source: st.get(row, "source"),
			year: st.get(row, "year"), value: st.get(row, "status")})
	}
	return nil
}

func nullString(s string) any {
	if s == "" {
		return nil
	}
	return s
}

func ptrOrNil(p *float64) any {
	if p == nil {
		return nil
	}
	return *p
}
