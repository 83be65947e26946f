package datasets

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"sort"
	"strings"
	"time"

	"golang.org/x/text/unicode/norm"
)

// distincts are the queries for the distinct values that resolve maps:
// indicators yields (file, indicator text, first record, rows);
// provinces yields (file, province text, source text, [year], [first record], [rows]): one row
// per name and source, with a list entry per year, so that each name is read and matched once.
type distincts struct{ indicators, provinces string }

// stageDistincts reads the distinct values from the staged rows, with their first record.
var stageDistincts = distincts{
	indicators: `SELECT file, coalesce(indicator, ''), min(rec), count(*) FROM chiso_stage GROUP BY ALL ORDER BY 1, 3`,
	provinces: `SELECT file, province, source, list(year ORDER BY rec), list(rec ORDER BY rec), list(n ORDER BY rec) FROM (
			SELECT file, province, year, coalesce(source, '') AS source, min(rec)::BIGINT AS rec, count(*)::BIGINT AS n FROM chiso_stage
			WHERE province IS NOT NULL AND trim(province) <> '' AND year IS NOT NULL GROUP BY ALL)
		GROUP BY ALL ORDER BY 1, min(rec)`,
}

// fastDistincts reads them from chiso_distinct, which has no record numbers.
var fastDistincts = distincts{
	indicators: `SELECT file, coalesce(indicator, ''), 0, sum(n) FROM chiso_distinct WHERE g = 0 GROUP BY ALL ORDER BY 1`,
	provinces: `SELECT file, province, source, list(year), list(0::BIGINT), list(n::BIGINT) FROM chiso_distinct
		WHERE g = 1 AND province IS NOT NULL AND trim(province) <> '' AND year IS NOT NULL GROUP BY ALL ORDER BY 1`,
}

// resolve maps the distinct indicators, provinces (per year) and sources of the staged rows
// to small integer keys, in Go, and notes which keys already have figures in the database.
// Unknown indicators and provinces become problems.
func (ing *ingestion) resolve(ctx context.Context, probs *problems, d distincts) error {
	c := ing.conn
	known := map[string]bool{}
	var ids []string
	cat := ing.s.Catalogue()
	for _, in := range cat.All() {
		known[in.ID] = true
		ids = append(ids, in.ID)
	}
	ing.step("validate: indicators")
	// Indicators: the distinct ids, checked against the catalogue in Go and numbered in id order.
	rows, err := c.QueryContext(ctx, d.indicators)
	if err != nil {
		return fmt.Errorf("validate indicators: %w", err)
	}
	used := map[string]bool{}
	rawIDs := map[string]string{} // the text as found → the indicator id
	for rows.Next() {
		var file int
		var raw string
		var rec, n int64
		if err := rows.Scan(&file, &raw, &rec, &n); err != nil {
			rows.Close()
			return err
		}
		id := strings.ToLower(strings.TrimSpace(raw))
		if id == "" {
			id = strings.ToLower(strings.TrimSpace(ing.opts.Indicator))
		}
		if id == "" {
			continue // reported as an empty cell
		}
		if known[id] {
			used[id] = true
			rawIDs[raw] = id
			continue
		}
		in := ing.files[file]
		got := quote(id)
		if n > 1 {
			got += fmt.Sprintf(" (in %d rows)", n)
		}
		p := in.problem(rec, ing.colOf(in, "indicator", 0), "a known indicator ("+strings.Join(ids, ", ")+")", got)
		if _, hasCol := in.cols["indicator"]; !hasCol || strings.TrimSpace(raw) == "" {
			p.Field, p.Column = "--indicator", 0
		}
		probs.add(p)
	}
	rows.Close()
	indNo := map[string]int32{}
	var indRows [][]any
	for _, id := range ids { // ids are in id order, so ind_no sorts as the id does
		if used[id] {
			key, _ := cat.key(id)
			indNo[id] = int32(len(indRows))
			indRows = append(indRows, []any{id, int32(len(indRows)), key})
		}
	}
	// ind_key is the indicator's key in the observation table.
	if err := ing.table(ctx, "chiso_inds", "id VARCHAR, ind_no INTEGER, ind_key INTEGER", indRows); err != nil {
		return err
	}
	var rawRows [][]any
	for raw, id := range rawIDs {
		rawRows = append(rawRows, []any{raw, indNo[id]})
	}
	if err := ing.table(ctx, "chiso_indraw", "raw VARCHAR, ind_no INTEGER", rawRows); err != nil {
		return err
	}

	ing.step("validate: provinces")
	for _, in := range ing.files {
		in.summaryRows, in.summaryNames = 0, nil
	}
	// Provinces and sources: the distinct (name, year, source) triples. Each name is resolved in
	// Go to the unit in force at the end of its year (or on the --units day); each source is
	// cleaned and hashed once.
	rows, err = c.QueryContext(ctx, d.provinces)
	if err != nil {
		return fmt.Errorf("validate provinces: %w", err)
	}
	type unitKey struct {
		id    string
		count int
	}
	unitNo := map[string]int{}
	var units []unitKey
	srcNo := map[string]int{}
	var srcRows [][]any
	var keys [][]any
	nUnits := map[time.Time]int{}
	reported := map[string]bool{}
	// A source comes once per name: each is looked at once.
	srcOf := map[string]int{}  // the source cell → its src_no, or -1 for none
	cells := map[string]bool{} // every source cell of a row with a name and a year
	for rows.Next() {
		var file int
		var name, source string
		var years, recs, ns any
		if err := rows.Scan(&file, &name, &source, &years, &recs, &ns); err != nil {
			rows.Close()
			return err
		}
		yearList, recList, nList := years.([]any), recs.([]any), ns.([]any)
		cells[source] = true
		if _, isSummary := summaryRow(name); isSummary {
			// A total or summary row ("Cả nước", "Trung bình", a region): skipped and counted.
			in := ing.files[file]
			for _, n := range nList {
				in.summaryRows += int(n.(int64))
			}
			if !slices.Contains(in.summaryNames, name) {
				in.summaryNames = append(in.summaryNames, name)
			}
			continue
		}
		all, matchErr := ing.s.registry.Matches(name)
		matches := unitMatches(all)
		for i, y := range yearList {
			year, rec := int(y.(int32)), recList[i].(int64)
			at := ing.units.at(year)
			fileDay := ing.files[file].unitsDay
			if !fileDay.IsZero() {
				at = fileDay
			}
			u, err := matches.in(ing.s.registry, name, at, matchErr)
			if err != nil {
				var ne *NameError
				if !errors.As(err, &ne) {
					rows.Close()
					return err
				}
				key := fmt.Sprintf("%d|%s|%d", file, name, year)
				if ne.Err == ErrUnknownProvince {
					key = fmt.Sprintf("%d|%s", file, name) // one report per unknown name and file
				}
				if !reported[key] {
					reported[key] = true
					in := ing.files[file]
					probs.add(in.problem(rec, ing.colOf(in, "province", 0), nameWant(ne, year), quote(name)+nameGot(ne)))
				}
				continue
			}
			if _, ok := nUnits[at]; !ok {
				nUnits[at] = len(ing.units.units(ing.s.registry, year))
				if !fileDay.IsZero() {
					nUnits[at] = len(ing.s.registry.InForce(at))
				}
			}
			un, ok := unitNo[u.ID]
			if !ok {
				un = len(units)
				unitNo[u.ID] = un
				units = append(units, unitKey{u.ID, nUnits[at]})
			}
			sn, ok := srcOf[source]
			if !ok {
				sn = -1
				cit := ing.opts.Source
				if strings.TrimSpace(source) != "" {
					cit = source
				}
				if clean := norm.NFC.String(strings.TrimSpace(cit)); clean != "" {
					if sn, ok = srcNo[clean]; !ok {
						sn = len(srcRows)
						srcNo[clean] = sn
						srcRows = append(srcRows, []any{int32(sn), sourceID(clean), clean, nullString(citationURL(clean))})
					}
				}
				srcOf[source] = sn
			}
			if sn < 0 {
				continue // reported as a missing source
			}
			keys = append(keys, []any{name, int32(year), source, int32(un), int32(sn), int32(nUnits[at])})
		}
	}
	rows.Close()
	// One source cell for every row that may join a key (a row without a name or a year joins
	// none): then a row's province and year find its key.
	ing.oneSource = len(cells) == 1
	// Units are numbered in the order of their keys, so that (ind_no, year, unit_no) sorts as
	// the stored table does.
	reg := ing.s.registry
	unitKeyOf := func(id string) int32 { k, _ := reg.unitKey(id); return k }
	sort.Slice(units, func(i, j int) bool { return unitKeyOf(units[i].id) < unitKeyOf(units[j].id) })
	renumber := make([]int32, len(units))
	var unitRows [][]any
	ing.unitKeys = nil
	for i, u := range units {
		k, ok := reg.unitKey(u.id)
		if !ok {
			return fmt.Errorf("validate provinces: unit %s has no key", u.id)
		}
		renumber[unitNo[u.id]] = int32(i)
		unitRows = append(unitRows, []any{u.id, int32(i), k})
		ing.unitKeys = append(ing.unitKeys, k)
	}
	for _, k := range keys {
		k[3] = renumber[k[3].(int32)]
	}
	if err := ing.table(ctx, "chiso_units", "id VARCHAR, unit_no INTEGER, key INTEGER", unitRows); err != nil {
		return err
	}
	if err := ing.table(ctx, "chiso_sources", "src_no INTEGER, id VARCHAR, citation VARCHAR, url VARCHAR", srcRows); err != nil {
		return err
	}
	if err := ing.table(ctx, "chiso_keys", "province VARCHAR, year INTEGER, source VARCHAR, unit_no INTEGER, src_no INTEGER, n_units INTEGER", keys); err != nil {
		return err
	}

	// chiso_existing: the keys of this ingest that already have figures in the database.
	if _, err := c.ExecContext(ctx, `CREATE OR REPLACE TEMP TABLE chiso_existing AS
		SELECT i.ind_no, u.unit_no, o.year, bool_or(o.preferred) AS has_preferred, src.src_no AS same_source_no
		FROM observation o JOIN chiso_inds i ON i.ind_key = o.indicator_key JOIN chiso_units u ON u.key = o.unit_key
		LEFT JOIN source os ON os.key = o.source_key LEFT JOIN chiso_sources src ON src.id = os.id
		GROUP BY ALL`); err != nil {
		return fmt.Errorf("validate: %w", err)
	}
	ing.temps = append(ing.temps, "chiso_existing")

	// The two dimensions the row rules read (c and k), small, so that the rows meet only two
	// hash joins (joinDims).
	ing.temps = append(ing.temps, "chiso_inddim", "chiso_keydim")
	if _, err := c.ExecContext(ctx, `CREATE OR REPLACE TEMP TABLE chiso_inddim AS
		SELECT r.raw, i.ind_no, i.id, i.ind_key, c.first_year, c.scale_min, c.scale_max, c.unit_of_measure
		FROM chiso_indraw r JOIN chiso_inds i USING (ind_no) JOIN indicator c ON c.id = i.id;
		CREATE OR REPLACE TEMP TABLE chiso_keydim AS
		SELECT k.province, k.year, k.source, k.unit_no, u.id AS unit_id, u.key AS unit_key, k.n_units, k.src_no, src.id AS source_id,
			NOT contains(src.citation, 'UNVERIFIED') AS verified
		FROM chiso_keys k JOIN chiso_units u USING (unit_no) JOIN chiso_sources src USING (src_no)`); err != nil {
		return fmt.Errorf("validate: %w", err)
	}
	return nil
}

// joinDims joins a row s to its indicator c and its key k, the relations the row rules read.
// A row whose indicator or province did not resolve, or that has no source, has neither.
// When every row has the same source cell (ing.oneSource) the key is joined on province and
// year alone: comparing a long citation on every row was the join's main cost.
func (ing *ingestion) joinDims() string {
	src := " AND k.source = coalesce(s.source, '')"
	if ing.oneSource {
		src = ""
	}
	return `JOIN chiso_inddim c ON c.raw = coalesce(s.indicator, '')
	JOIN chiso_keydim k ON k.province = s.province AND k.year = s.year` + src
}

func nameWant(ne *NameError, year int) string {
	switch ne.Err {
	case ErrAmbiguousProvince:
		return "one province"
	case ErrNotInForce:
		return fmt.Sprintf("a province in force in %d", year)
	default:
		return "a known province name or 2-digit code"
	}
}

func nameGot(ne *NameError) string {
	switch ne.Err {
	case ErrAmbiguousProvince:
		return ", which matches " + listUnits(ne.Candidates)
	case ErrNotInForce:
		s := fmt.Sprintf(", which is %s", listUnits(ne.Candidates))
		if len(ne.Successor) > 0 {
			s += "; it became part of " + listUnits(ne.Successor) + " (or pass --units 63)"
		}
		return s
	default:
		if len(ne.Nearest) > 0 {
			return "; nearest known names: " + strings.Join(ne.Nearest, ", ")
		}
		return ""
	}
}
