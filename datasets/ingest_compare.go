package datasets

import (
	"context"
	"database/sql"
	"fmt"
	"strconv"
	"strings"
)

// The comparison of an ingest's figures with those already loaded for the same key
// (indicator, unit, year) from other sources. Each new figure is:
//
//	new          no figure is loaded for its key
//	identical    a loaded figure has the same value and rank (another source's wording of the
//	             same figure): it is not added again
//	more precise a loaded figure equals it at the loaded one's precision (at least 2 decimals:
//	             VCCI's 65.59555 and the bundled 65.60): it is added beside it, with its own
//	             source, and takes over as the preferred figure if the loaded one was
//	conflicting  every loaded figure differs: it is added, and the loaded one stays preferred
//	             (unless --prefer)
//
// A file most of whose figures conflict ("63 of 63 figures differ") is refused unless --force:
// it is probably another year's or another sheet's.

// MaxConflicts is how many conflicts a report lists.
const MaxConflicts = 20

// minRefused is the fewest conflicts that make a file refused (when they are most of it), so
// that a small file of corrections is not.
const minRefused = 5

// A Comparison says how the figures of an ingest compare with those loaded.
type Comparison struct {
	New         int              `json:"new"`
	Identical   int              `json:"identical"`
	MorePrecise int              `json:"more_precise"`
	Conflicting int              `json:"conflicting"`
	Conflicts   []Conflict       `json:"conflicts,omitempty"` // the first MaxConflicts
	Preview     []ComparedFigure `json:"preview,omitempty"`   // the first MaxPreview figures, as they compare
}

// MaxPreview is how many figures a comparison previews.
const MaxPreview = 10

// A ComparedFigure is one figure of an ingest and how it compares: "new", "identical", "precise"
// (more precise than the loaded one) or "conflict".
type ComparedFigure struct {
	File      string   `json:"file"`
	Indicator string   `json:"indicator"`
	Unit      string   `json:"unit_id"`
	Province  string   `json:"province"`
	Year      int      `json:"year"`
	Value     *float64 `json:"value"`
	Rank      *int     `json:"rank"`
	Kind      string   `json:"kind"`
}

// A Conflict is a figure that differs from the one loaded for its key.
type Conflict struct {
	File      string   `json:"file"`
	Indicator string   `json:"indicator"`
	Unit      string   `json:"unit_id"`
	Province  string   `json:"province"` // as the file names it
	Year      int      `json:"year"`
	Value     *float64 `json:"value"`
	Rank      *int     `json:"rank"`
	Source    string   `json:"source"`
	Loaded    Figure   `json:"loaded"`    // the loaded figure it differs from (the preferred one, if any)
	Preferred string   `json:"preferred"` // "loaded" or "new"
}

// compareMacros: chiso_decimals(x) is the number of decimals of x as DuckDB prints it.
const compareMacros = `CREATE OR REPLACE TEMP MACRO chiso_decimals(x) AS
	CAST(CASE WHEN x = round(x) THEN 0 ELSE length(split_part(CAST(x AS VARCHAR), '.', 2)) END AS INTEGER);`

// compare classifies the valid rows of rows (a relation with the columns of chiso_stage and
// file) against the loaded figures into chiso_cmp, one row per file and key that has loaded
// figures, and fills cmp. It returns, per file, the number of valid rows and of conflicts.
func (ing *ingestion) compare(ctx context.Context, rows string, cmp *Comparison) (map[int][2]int, error) {
	c := ing.conn
	if _, err := c.ExecContext(ctx, compareMacros); err != nil {
		return nil, fmt.Errorf("compare: %w", err)
	}
	ing.temps = append(ing.temps, "chiso_new", "chiso_cmp")
	// Only the figures of indicators that have loaded figures can be identical, more precise,
	// conflicting or implausible: the others (a whole new indicator) are new, and not read again.
	var loaded int
	if err := c.QueryRowContext(ctx, `SELECT count(*) FROM chiso_inds i
		WHERE EXISTS (SELECT 1 FROM observation o WHERE o.indicator_key = i.ind_key)`).Scan(&loaded); err != nil {
		return nil, fmt.Errorf("compare: %w", err)
	}
	q := fmt.Sprintf(`CREATE OR REPLACE TEMP TABLE chiso_new AS
		SELECT s.file, s.vcol, s.province, c.id AS ind, c.ind_key, k.unit_id, k.unit_key, s.year, s.value, s.rank, k.source_id
		FROM %s s %s WHERE %s AND c.ind_key IN (SELECT DISTINCT indicator_key FROM observation)`, rows, ing.joinDims(), ing.rules.allOK())
	if loaded == 0 {
		q = `CREATE OR REPLACE TEMP TABLE chiso_new (file INTEGER, vcol INTEGER, province VARCHAR, ind VARCHAR, ind_key INTEGER, unit_id VARCHAR,
			unit_key INTEGER, year INTEGER, value DOUBLE, rank INTEGER, source_id VARCHAR)`
	}
	if _, err := c.ExecContext(ctx, q); err != nil {
		return nil, fmt.Errorf("compare: %w", err)
	}
	if _, err := c.ExecContext(ctx, `CREATE OR REPLACE TEMP TABLE chiso_cmp AS
		WITH j AS (
			SELECT n.*, o.value AS ov, o.rank AS orank, o.rank_of AS orank_of, o.preferred AS opref, os.id AS osrc, o.verified AS over,
				(o.value IS NOT DISTINCT FROM n.value AND (n.rank IS NULL OR o.rank IS NOT DISTINCT FROM n.rank)) AS same,
				(n.value IS NOT NULL AND o.value IS NOT NULL AND chiso_decimals(n.value) > greatest(chiso_decimals(o.value), 2)
					AND round(n.value, greatest(chiso_decimals(o.value), 2)) = o.value
					AND (n.rank IS NULL OR o.rank IS NOT DISTINCT FROM n.rank)) AS precise
			FROM chiso_new n JOIN observation o ON o.indicator_key = n.ind_key AND o.unit_key = n.unit_key AND o.year = n.year
				AND o.status = 'published'
				JOIN source os ON os.key = o.source_key AND os.id <> n.source_id)
		SELECT file, ind, any_value(ind_key) AS ind_key, unit_id, any_value(unit_key) AS unit_key, year, any_value(province) AS province, any_value(value) AS value, any_value(rank) AS rank,
			any_value(source_id) AS source_id,
			CASE WHEN bool_or(same) THEN 'identical' WHEN bool_or(precise) THEN 'precise' ELSE 'conflict' END AS class,
			bool_or(precise AND opref) AS precise_pref,
			arg_max(ov, opref) AS ov, arg_max(orank, opref) AS orank, arg_max(orank_of, opref) AS orank_of,
			arg_max(osrc, opref) AS osrc, arg_max(over, opref) AS over
		FROM j GROUP BY file, ind, unit_id, year`); err != nil {
		return nil, fmt.Errorf("compare: %w", err)
	}
	if err := ing.plausible(ctx); err != nil {
		return nil, err
	}
	perFile := map[int][2]int{}
	// New is set by the caller: the valid figures that are none of the others.
	r, err := c.QueryContext(ctx, `SELECT n.file, count(*), count(x.class) FILTER (x.class = 'conflict'),
			count(x.class) FILTER (x.class = 'identical'), count(x.class) FILTER (x.class = 'precise'), 0
		FROM chiso_new n LEFT JOIN chiso_cmp x USING (file, ind, unit_id, year) GROUP BY n.file`)
	if err != nil {
		return nil, fmt.Errorf("compare: %w", err)
	}
	for r.Next() {
		var f, n, conf, ident, prec, fresh int
		if err := r.Scan(&f, &n, &conf, &ident, &prec, &fresh); err != nil {
			r.Close()
			return nil, err
		}
		perFile[f] = [2]int{n, conf}
		cmp.Conflicting += conf
		cmp.Identical += ident
		cmp.MorePrecise += prec
		_ = fresh
	}
	r.Close()
	pv, err := c.QueryContext(ctx, fmt.Sprintf(`SELECT n.file, n.ind, n.unit_id, n.province, n.year, n.value, n.rank, coalesce(x.class, 'new')
		FROM chiso_new n LEFT JOIN chiso_cmp x USING (file, ind, unit_id, year) ORDER BY n.file, n.ind, n.unit_id, n.year LIMIT %d`, MaxPreview))
	if err != nil {
		return nil, fmt.Errorf("compare: %w", err)
	}
	for pv.Next() {
		var ch ComparedFigure
		var file int
		var v sql.NullFloat64
		var rk sql.NullInt64
		if err := pv.Scan(&file, &ch.Indicator, &ch.Unit, &ch.Province, &ch.Year, &v, &rk, &ch.Kind); err != nil {
			pv.Close()
			return nil, err
		}
		ch.File, ch.Value, ch.Rank = ing.files[file].name, floatPtr(v), intPtr(rk)
		cmp.Preview = append(cmp.Preview, ch)
	}
	pv.Close()
	rows2, err := c.QueryContext(ctx, fmt.Sprintf(`SELECT x.file, x.ind, x.unit_id, x.province, x.year, x.value, x.rank, ns.citation,
			x.ov, x.orank, x.orank_of, x.over, os.id, os.citation, coalesce(os.url, '')
		FROM chiso_cmp x JOIN source os ON os.id = x.osrc LEFT JOIN chiso_sources ns ON ns.id = x.source_id
		WHERE x.class = 'conflict' ORDER BY x.file, x.ind, x.unit_id, x.year LIMIT %d`, MaxConflicts))
	if err != nil {
		return nil, fmt.Errorf("compare: %w", err)
	}
	defer rows2.Close()
	for rows2.Next() {
		var cf Conflict
		var file int
		var v, ov sql.NullFloat64
		var rk, ork, orkOf sql.NullInt64
		var nsrc sql.NullString
		if err := rows2.Scan(&file, &cf.Indicator, &cf.Unit, &cf.Province, &cf.Year, &v, &rk, &nsrc,
			&ov, &ork, &orkOf, &cf.Loaded.Verified, &cf.Loaded.Source.ID, &cf.Loaded.Source.Citation, &cf.Loaded.Source.URL); err != nil {
			return nil, err
		}
		cf.File = ing.files[file].name
		cf.Value, cf.Rank, cf.Source = floatPtr(v), intPtr(rk), nsrc.String
		cf.Loaded.Value, cf.Loaded.Rank, cf.Loaded.RankOf, cf.Loaded.Status = floatPtr(ov), intPtr(ork), intPtr(orkOf), "published"
		cf.Preferred = "loaded"
		if ing.opts.Prefer {
			cf.Preferred = "new"
		}
		cmp.Conflicts = append(cmp.Conflicts, cf)
	}
	return perFile, rows2.Err()
}

// plausible finds the value columns whose figures sit about 100× or 1000× away from the
// indicator's loaded figures (medians of the absolute values, at least 3 figures on each side):
// a fraction where a percent is expected, or "3.359" for 3,359 km².
func (ing *ingestion) plausible(ctx context.Context) error {
	ing.implausible = nil
	rows, err := ing.conn.QueryContext(ctx, `WITH n AS (
			SELECT file, vcol, ind, ind_key, median(abs(value)) AS m, count(*) AS k FROM chiso_new
			WHERE value IS NOT NULL AND value <> 0 GROUP BY ALL HAVING count(*) >= 3),
		o AS (
			SELECT indicator_key AS ind_key, median(abs(value)) AS m FROM observation
			WHERE preferred AND value IS NOT NULL AND value <> 0 AND indicator_key IN (SELECT ind_key FROM n)
			GROUP BY ALL HAVING count(*) >= 3)
		SELECT n.file, n.vcol, n.ind, n.m, o.m FROM n JOIN o USING (ind_key)
		WHERE n.m / o.m >= 30 OR o.m / n.m >= 30 ORDER BY 1, 2, 3`)
	if err != nil {
		return fmt.Errorf("compare: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var file, vcol int
		var ind string
		var nm, om float64
		if err := rows.Scan(&file, &vcol, &ind, &nm, &om); err != nil {
			return err
		}
		in := ing.files[file]
		ratio, way := nm/om, "above"
		if ratio < 1 {
			ratio, way = 1/ratio, "below"
		}
		factor := 100.0
		if ratio > 300 {
			factor = 1000
		}
		hint := "a number written in another unit"
		switch {
		case way == "below" && factor == 100:
			hint = "a fraction where a percent is expected"
		case way == "below" && factor == 1000:
			hint = `thousands written with a decimal point ("3.359" for 3,359)`
		case way == "above" && factor == 100:
			hint = "a percent where a fraction is expected"
		}
		p := in.problem(0, vcol, fmt.Sprintf("figures of the size of the loaded %s (median %s)", ind, strconv.FormatFloat(om, 'g', 4, 64)),
			fmt.Sprintf("a median of %s, about %.0f× %s — %s? (pass --force to load them anyway)", strconv.FormatFloat(nm, 'g', 4, 64), factor, way, hint))
		p.Line = in.hdrLine()
		ing.implausible = append(ing.implausible, p)
	}
	return rows.Err()
}

// refusal returns the problems of files most of whose figures conflict with those loaded, or
// whose values are implausible beside them.
func (ing *ingestion) refusal(perFile map[int][2]int) *IngestError {
	if ing.opts.Force {
		return nil
	}
	list := append([]*ParseError(nil), ing.implausible...)
	for _, in := range ing.files {
		nc := perFile[in.idx]
		if nc[1] >= minRefused && 2*nc[1] > nc[0] {
			list = append(list, &ParseError{File: in.name, Sheet: in.sheet, Want: "figures that mostly agree with those loaded for the same indicator, province and year",
				Got: fmt.Sprintf("%d of %d figures differ — wrong year or wrong sheet? (pass --force to load them anyway)", nc[1], nc[0])})
		}
	}
	if len(list) == 0 {
		return nil
	}
	return &IngestError{Problems: list, Total: len(list)}
}

// String sums the comparison up in a line: "63 new, 2 identical (not added), …".
func (c Comparison) String() string {
	parts := []string{fmt.Sprintf("%d new", c.New)}
	if c.Identical > 0 {
		parts = append(parts, fmt.Sprintf("%d identical to figures loaded from other sources (not added again)", c.Identical))
	}
	if c.MorePrecise > 0 {
		parts = append(parts, fmt.Sprintf("%d equal to loaded figures at their precision (kept at the higher precision, with both sources)", c.MorePrecise))
	}
	if c.Conflicting > 0 {
		parts = append(parts, fmt.Sprintf("%d conflicting", c.Conflicting))
	}
	return strings.Join(parts, ", ")
}

func floatPtr(v sql.NullFloat64) *float64 {
	if !v.Valid {
		return nil
	}
	return &v.Float64
}

func intPtr(v sql.NullInt64) *int {
	if !v.Valid {
		return nil
	}
	n := int(v.Int64)
	return &n
}
