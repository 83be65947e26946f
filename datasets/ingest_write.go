package datasets

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"
)

// readVersion reads the new dataset version into the report and publishes it in the store,
// taking s.mu for that alone; then it rereads the sources, which the ingest may have added to.
func (ing *ingestion) readVersion(ctx context.Context, rep *IngestReport) error {
	var v string
	if err := ing.conn.QueryRowContext(ctx, `SELECT value FROM meta WHERE key = 'version'`).Scan(&v); err != nil {
		return fmt.Errorf("read dataset version: %w", err)
	}
	ing.s.mu.Lock()
	ing.s.version, rep.Version = v, v
	ing.s.mu.Unlock()
	return ing.s.readSources(ctx)
}

// fast tries the ingest on the assumption that every row is valid, reading each file twice
// without staging it: once for the distinct keys, once into the observation table. It reports
// false, having changed nothing, if any file or row is not valid; stage and diagnose then say
// exactly what is wrong.
func (ing *ingestion) fast(ctx context.Context, rep *IngestReport) (bool, error) {
	var parts []string
	for _, in := range ing.files {
		long, err := in.longSQL(false, "")
		if err != nil {
			return false, err
		}
		parts = append(parts, fmt.Sprintf(`SELECT %d AS file, vcol, province, indicator, year_t, value_t, rank_t, rank_of_t, source, verified_t,
			chiso_int(year_t) AS year, chiso_num(value_t) AS value, chiso_rank(rank_t) AS rank, chiso_int(rank_of_t) AS rank_of
			FROM (%s)`, in.idx, long))
	}
	rows := "(" + strings.Join(parts, " UNION ALL ") + ")"
	ing.temps = append(ing.temps, "chiso_distinct")
	if _, err := ing.conn.ExecContext(ctx, `CREATE OR REPLACE TEMP TABLE chiso_distinct AS
		SELECT file, province, year, coalesce(source, '') AS source, indicator, grouping(indicator) AS g, count(*) AS n
		FROM `+rows+` GROUP BY GROUPING SETS ((file, province, year, coalesce(source, '')), (file, indicator))`); err != nil {
		if ctx.Err() != nil {
			return false, ctx.Err()
		}
		return false, nil // a malformed file: stage reports it
	}
	perFile := map[int]int64{}
	var total int64
	frows, err := ing.conn.QueryContext(ctx, `SELECT file, sum(n) FROM chiso_distinct WHERE g = 0 GROUP BY file`)
	if err != nil {
		return false, err
	}
	for frows.Next() {
		var f int
		var n int64
		if err := frows.Scan(&f, &n); err != nil {
			frows.Close()
			return false, err
		}
		perFile[f], total = n, total+n
	}
	frows.Close()
	for _, in := range ing.files {
		if perFile[in.idx] == 0 {
			return false, nil // no data rows: stage says so
		}
	}
	scratch := &problems{}
	if err := ing.resolve(ctx, scratch, fastDistincts); err != nil {
		return false, err
	}
	if scratch.total > 0 {
		return false, nil
	}
	for _, in := range ing.files {
		total -= int64(in.summaryRows) // totals and summaries are skipped, not written
	}
	ok, err := ing.write(ctx, rep, rows, total, true)
	if ok {
		for _, in := range ing.files {
			in.records = int(perFile[in.idx]) - in.summaryRows
		}
	}
	return ok, err
}

// verifiedSQL is the verified flag of a new figure: the row's verified cell (true/false,
// có/không), else --verified, else the source's (a source that says UNVERIFIED marks its figures).
func (ing *ingestion) verifiedSQL() string {
	def := "k.verified"
	switch ing.opts.Verified {
	case "true", "false":
		def = ing.opts.Verified
	}
	for _, in := range ing.files {
		if _, ok := in.cols["verified"]; ok {
			return "coalesce(chiso_bool(s.verified_t), " + def + ")"
		}
	}
	return def
}

// write adds the staged rows in one transaction on the assumption that they are all valid,
// and checks that assumption: every staged row is valid and, if checkKeys, no key comes twice
// and no figure is already loaded from the same source. The rows are built and checked in a
// temporary table first, so that a refused write changes nothing in the database file (a
// rolled-back insert into a persistent table would leave its blocks behind); only rows that
// passed are then inserted. If the assumption does not hold it reports false; diagnose then
// says why.
func (ing *ingestion) write(ctx context.Context, rep *IngestReport, rows string, staged int64, checkKeys bool) (bool, error) {
	c := ing.conn
	batch := fmt.Sprintf("i%x", time.Now().UnixNano()%(1<<40))
	// A new figure is preferred unless its key already has a preferred figure (or --prefer).
	var existing int
	if err := c.QueryRowContext(ctx, `SELECT count(*) FROM chiso_existing WHERE has_preferred`).Scan(&existing); err != nil {
		return false, err
	}
	preferred, joinExisting := "e.has_preferred IS NULL OR NOT e.has_preferred", `LEFT JOIN (
			SELECT ind_no, unit_no, year, bool_or(has_preferred) AS has_preferred FROM chiso_existing GROUP BY ALL) e
			ON e.ind_no = c.ind_no AND e.unit_no = k.unit_no AND e.year = s.year`
	if ing.opts.Prefer || existing == 0 {
		preferred, joinExisting = "true", ""
	}
	// Compare with the loaded figures: an identical one is not added again; a more precise
	// one takes over as preferred from the figure it refines. The comparison reads only, into
	// temporary tables, so that its refusal too leaves the database file as it was.
	ing.step("write: compare")
	rep.Comparison = Comparison{}
	perFile, err := ing.compare(ctx, rows, &rep.Comparison)
	if err != nil {
		return false, err
	}
	var identical int64
	if err := c.QueryRowContext(ctx, `SELECT count(*) FROM chiso_new n JOIN chiso_cmp x USING (file, ind, unit_id, year)
		WHERE x.class = 'identical'`).Scan(&identical); err != nil {
		return false, err
	}
	var compared int
	if err := c.QueryRowContext(ctx, `SELECT count(*) FROM chiso_cmp`).Scan(&compared); err != nil {
		return false, err
	}
	cmpJoin, cmpPref, cmpWhere := `LEFT JOIN chiso_cmp x ON x.file = s.file AND x.ind = c.id AND x.unit_id = k.unit_id AND x.year = s.year`,
		"CASE WHEN x.precise_pref THEN true ELSE (%s) END", "AND x.class IS DISTINCT FROM 'identical'"
	if compared == 0 { // nothing loaded to compare with: the plain insert
		cmpJoin, cmpPref, cmpWhere = "", "%s", ""
	}
	preferred = fmt.Sprintf(cmpPref, preferred)
	ing.step("write: check")
	// chiso_add holds the observations to add, by the integer keys of their indicator, unit
	// and source, in key order (chiso_new is the comparison's: the valid figures of indicators
	// that have loaded ones). It holds no text, so that building, checking and sorting it stays
	// cheap; the insert puts the unit and source ids and the status back (insertObservations).
	ing.temps = append(ing.temps, "chiso_add")
	// A refused write frees its rows now: diagnose, which comes next, stages the files again.
	defer c.ExecContext(context.WithoutCancel(ctx), `DROP TABLE IF EXISTS chiso_add`)
	// Two of DuckDB's optimizers are off for this statement. The row rules read the parsed
	// values (s.year, s.value, …) that the rows' projection computes once per row: pushed below
	// it (filter_pushdown), into the scan, they would parse every cell again, the macros being
	// inlined; they stay above the joins. And a file's rows, of unknown number to the planner,
	// would be the build side of the hash join with the keys (build_side_probe_side): a hash
	// table of every row, where the keys' table of a few thousand is the one to build. The
	// joins are written with the rows on the left, the side that probes. The setting is
	// global in DuckDB (it cannot be set for one connection): a query that another connection
	// plans in the meantime would run without these two optimizers — with the same result,
	// but a server's scans would no longer prune — so it is made only when the ingest has
	// the store to itself (opts.Exclusive). A plain CASE around the rules keeps them above the
	// joins too, but then the planner builds on the rows again, which measured as slow as before.
	// With the left joins to the loaded figures (an ingest into indicators that have some),
	// DuckDB planned the inner joins as cross products without filter_pushdown: 33,210 rows
	// took 28 s instead of 0.7; those ingests keep the optimizers.
	tuned := ing.opts.Exclusive && joinExisting == "" && cmpJoin == ""
	if tuned {
		if _, err := c.ExecContext(ctx, `SET disabled_optimizers = 'filter_pushdown,build_side_probe_side'`); err != nil {
			return false, fmt.Errorf("write observations: %w", err)
		}
	}
	_, err = c.ExecContext(ctx, fmt.Sprintf(`CREATE OR REPLACE TEMP TABLE chiso_add AS
		SELECT c.ind_key, k.unit_no, s.year, s.value, s.rank, CASE WHEN s.rank IS NOT NULL THEN coalesce(s.rank_of, k.n_units) END AS rank_of,
			CASE WHEN s.value IS NULL THEN chiso_na(s.value_t) ELSE false END AS not_published,
			%[6]s AS verified, %[2]s AS preferred, k.src_no
		FROM %[4]s s %[5]s
		%[3]s
		%[7]s
		WHERE %[1]s %[8]s
		ORDER BY c.ind_key, s.year, k.unit_no`, ing.rules.joinedOK(), preferred, joinExisting, rows, ing.joinDims(), ing.verifiedSQL(), cmpJoin, cmpWhere))
	if tuned {
		if _, rerr := c.ExecContext(context.WithoutCancel(ctx), `RESET disabled_optimizers`); err == nil && rerr != nil {
			err = rerr
		}
	}
	if err != nil {
		return false, fmt.Errorf("write observations: %w", err)
	}
	var added int64
	if err := c.QueryRowContext(ctx, `SELECT count(*) FROM chiso_add`).Scan(&added); err != nil {
		return false, err
	}
	if added != staged-identical {
		return false, nil
	}
	if checkKeys {
		ing.step("write: check keys")
		// The keys are integers here (unit_no numbers the unit ids one to one), so the check is exact.
		var dups int
		if err := c.QueryRowContext(ctx, `SELECT
			(SELECT count(*) FROM (SELECT 1 FROM chiso_add GROUP BY ind_key, unit_no, year HAVING count(*) > 1))
			+ (SELECT count(*) FROM chiso_existing e JOIN chiso_keys k ON k.unit_no = e.unit_no AND k.year = e.year AND k.src_no = e.same_source_no)`,
		).Scan(&dups); err != nil {
			return false, err
		}
		if dups > 0 {
			return false, nil
		}
	}
	if refused := ing.refusal(perFile); refused != nil {
		return false, refused
	}
	locked := false
	ing.s.write.Lock()
	defer ing.s.write.Unlock()
	err = inTx(ctx, c, func() error {
		if err := addSources(ctx, c, "chiso_sources"); err != nil {
			return fmt.Errorf("write: %w", err)
		}
		if ing.opts.Prefer {
			if _, err := c.ExecContext(ctx, `UPDATE observation SET preferred = false
				FROM (SELECT DISTINCT i.ind_key, u.key AS unit_key, e.year FROM chiso_existing e
					JOIN chiso_inds i USING (ind_no) JOIN chiso_units u USING (unit_no)) x
				WHERE observation.indicator_key = x.ind_key AND observation.unit_key = x.unit_key AND observation.year = x.year`); err != nil {
				return fmt.Errorf("write: %w", err)
			}
		}
		if compared > 0 {
			if _, err := c.ExecContext(ctx, `UPDATE observation SET preferred = false FROM chiso_cmp x
				WHERE x.precise_pref AND observation.preferred AND observation.indicator_key = x.ind_key
					AND observation.unit_key = x.unit_key AND observation.year = x.year`); err != nil {
				return fmt.Errorf("write: %w", err)
			}
		}
		ing.step("write: observations")
		interleaved, err := insertObservations(ctx, c, batch, ing.unitKeys)
		if err != nil {
			return err
		}
		rep.Added, rep.Rows = int(added), int(added+identical)
		rep.Comparison.New = int(added) - rep.Comparison.MorePrecise - rep.Comparison.Conflicting
		if err := c.QueryRowContext(ctx, `SELECT count(*) FROM chiso_add WHERE preferred`).Scan(&rep.Preferred); err != nil {
			return err
		}
		ing.step("write: version")
		if err := updateVersion(ctx, c, `SELECT ind_key FROM chiso_inds`); err != nil {
			return err
		}
		if interleaved { // after the version, which read 0.3 s instead of 0.02 from the rewritten table at 1.1M figures
			ing.step("write: sort")
			if err := resortObservations(ctx, c); err != nil {
				return err
			}
		}
		ing.step("write: history")
		// The history's changes as recordVersion counts them (each new figure, and whether its key
		// had figures before), from the ingest's own tables: chiso_add holds the new figures, and
		// chiso_existing the keys of this ingest that had figures. recordVersion would read the
		// whole observation table twice, which a small ingest into a large database paid for.
		changes, err := readChanges(ctx, c, `SELECT i.id, count(*) FILTER (WHERE e.year IS NULL), count(*) FILTER (WHERE e.year IS NOT NULL)
			FROM chiso_add a JOIN chiso_inds i ON i.ind_key = a.ind_key
			LEFT JOIN (SELECT DISTINCT ind_no, unit_no, year FROM chiso_existing) e
				ON e.ind_no = i.ind_no AND e.unit_no = a.unit_no AND e.year = a.year
			GROUP BY 1 ORDER BY 1`)
		if err != nil {
			return err
		}
		if err := recordChanges(ctx, c, batch, ing.opts.Prefer && existing > 0, changes); err != nil {
			return err
		}
		// Commit and publish the new version while no reader is between Read and release.
		ing.s.pub.Lock()
		locked = true
		ing.step("write: commit")
		return nil
	})
	if locked {
		if err == nil {
			err = ing.readVersion(ctx, rep)
		}
		ing.s.pub.Unlock()
	}
	return err == nil, err
}

// insertObservations appends the rows of chiso_add, as batch, to the observation table in
// its physical order, inside the caller's transaction, after the sources of chiso_sources
// are in the source table, and reports whether they interleave with the stored ones: whether
// they do not all sort after them. The caller then rewrites the table in order
// (resortObservations). New rows that sort after every stored one (a new indicator, or a new
// year of the last indicator) only append, and nothing is to be rewritten. chiso_add is in
// key order already (ind_key, year, unit_no: unit_no numbers the unit ids in their order,
// and no key comes twice, so that is the order of observationOrder), and a plain scan of it
// keeps that order into the table (preserve_insertion_order). So the unit and source keys are
// put back by position in lists of unitKeys (by unit_no) and of the sources' keys (by
// src_no), not by joins, which would not keep the order exactly.
func insertObservations(ctx context.Context, c *sql.Conn, batch string, unitKeys []int32) (interleaved bool, err error) {
	interleaved, err = interleaves(ctx, c)
	if err != nil {
		return false, fmt.Errorf("write observations: %w", err)
	}
	var sourceKeys string
	var missing int
	if err := c.QueryRowContext(ctx, `SELECT coalesce(list(s.key ORDER BY n.src_no)::VARCHAR, '[]'), count(*) FILTER (WHERE s.key IS NULL)
		FROM chiso_sources n LEFT JOIN source s USING (id)`).Scan(&sourceKeys, &missing); err != nil {
		return false, fmt.Errorf("write observations: %w", err)
	}
	if missing > 0 {
		return false, fmt.Errorf("write observations: %d of the ingest's sources are not in the source table", missing)
	}
	batchNo, err := batchKey(ctx, c, batch)
	if err != nil {
		return false, fmt.Errorf("write observations: %w", err)
	}
	if _, err := c.ExecContext(ctx, fmt.Sprintf(`INSERT INTO observation
		SELECT a.ind_key, %s[a.unit_no + 1], a.year, a.value, a.rank, a.rank_of, CASE WHEN a.not_published THEN 'not_published'::figure_status ELSE 'published'::figure_status END,
			a.verified, a.preferred, %s[a.src_no + 1], %d
		FROM chiso_add a`, intList(unitKeys), sourceKeys, batchNo)); err != nil {
		return false, fmt.Errorf("write observations: %w", err)
	}
	return interleaved, nil
}

// interleaves reports whether the rows of chiso_add would not all come after the stored
// observations in observationOrder: whether the first new (indicator key, year) is at or
// before the last stored one. Both ends are read through zone maps: the highest key, then its
// latest year.
func interleaves(ctx context.Context, c *sql.Conn) (bool, error) {
	var newKey, newYear, lastKey, lastYear sql.NullInt64
	if err := c.QueryRowContext(ctx, `SELECT ind_key, year FROM chiso_add ORDER BY ind_key, year LIMIT 1`).Scan(&newKey, &newYear); err != nil {
		if errors.Is(err, sql.ErrNoRows) {
			return false, nil
		}
		return false, err
	}
	if err := c.QueryRowContext(ctx, `SELECT max(indicator_key) FROM observation`).Scan(&lastKey); err != nil {
		return false, err
	}
	if !lastKey.Valid || newKey.Int64 > lastKey.Int64 {
		return false, nil
	}
	if newKey.Int64 < lastKey.Int64 {
		return true, nil
	}
	if err := c.QueryRowContext(ctx, `SELECT max(year) FROM observation WHERE indicator_key = ?`, lastKey.Int64).Scan(&lastYear); err != nil {
		return false, err
	}
	return newYear.Int64 <= lastYear.Int64, nil
}

// intList is the SQL literal of a list of integers.
func intList(items []int32) string {
	q := make([]string, len(items))
	for i, n := range items {
		q[i] = strconv.Itoa(int(n))
	}
	return "([" + strings.Join(q, ", ") + "]::INTEGER[])"
}
