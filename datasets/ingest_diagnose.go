package datasets

import (
	"context"
	"database/sql"
	"fmt"
	"path/filepath"
)

// badRow is one row of a validation query: where, which field, what was wanted and found.
// A duplicate key also names the record it repeats (dupFile, dupRec).
type badRow struct {
	file      int
	rec       int64
	field     string
	vcol      int
	want, got string
	dupFile   sql.NullInt64
	dupRec    sql.NullInt64
}

func (ing *ingestion) colOf(in *inputFile, field string, vcol int) int {
	if field == "value" && vcol > 0 {
		return vcol
	}
	if in.years != nil && field == "year" {
		return vcol
	}
	if c, ok := in.cols[field]; ok {
		return c
	}
	return 1
}

// collect runs a validation query that yields (file, rec, field, vcol, want, got, dup_file,
// dup_rec) rows and adds them as problems: the first MaxProblems+1 by position, and the count of all.
func (ing *ingestion) collect(ctx context.Context, query string, probs *problems) error {
	return collectBad(ctx, ing.conn, query, probs, func(b badRow) *ParseError {
		in := ing.files[b.file]
		if b.dupRec.Valid {
			b.got = "a duplicate of " + ing.recordName(int(b.dupFile.Int64), b.dupRec.Int64, in)
		}
		return in.problem(b.rec, ing.colOf(in, b.field, b.vcol), b.want, b.got)
	})
}

// recordName names data record rec of file f, as seen from a problem in file from:
// "line 12 of a.csv", "row 12 of a.xlsx" of a sheet, and "line 12 of dir/other.csv" in another file.
func (ing *ingestion) recordName(f int, rec int64, from *inputFile) string {
	in := ing.files[f]
	word := "line"
	if in.sheet != "" {
		word = "row"
	}
	s := fmt.Sprintf("%s %d", word, in.lineOf(rec))
	if in != from {
		return s + " of " + in.name
	}
	return s + " of " + filepath.Base(in.name) // the same file: named, for messages read on their own
}

// collectBad runs query, which yields problem rows, into a temporary table and adds the first
// MaxProblems+1 by position to probs (as toProblem makes them), and the count of all.
func collectBad(ctx context.Context, conn *sql.Conn, query string, probs *problems, toProblem func(badRow) *ParseError) error {
	if _, err := conn.ExecContext(ctx, "CREATE OR REPLACE TEMP TABLE chiso_bad AS "+query); err != nil {
		return fmt.Errorf("validate: %w", err)
	}
	defer conn.ExecContext(context.WithoutCancel(ctx), "DROP TABLE IF EXISTS chiso_bad")
	var total int
	if err := conn.QueryRowContext(ctx, "SELECT count(*) FROM chiso_bad").Scan(&total); err != nil {
		return fmt.Errorf("validate: %w", err)
	}
	if total == 0 {
		return nil
	}
	rows, err := conn.QueryContext(ctx, fmt.Sprintf(`SELECT file, rec, field, coalesce(vcol, 0), want, coalesce(got, ''), dup_file, dup_rec
		FROM chiso_bad ORDER BY file, rec LIMIT %d`, MaxProblems+1))
	if err != nil {
		return fmt.Errorf("validate: %w", err)
	}
	defer rows.Close()
	listed := 0
	for rows.Next() {
		var b badRow
		if err := rows.Scan(&b.file, &b.rec, &b.field, &b.vcol, &b.want, &b.got, &b.dupFile, &b.dupRec); err != nil {
			return fmt.Errorf("validate: %w", err)
		}
		probs.add(toProblem(b))
		listed++
	}
	probs.total += total - listed
	return rows.Err()
}

// diagnose finds every problem of the staged rows, with its position, and returns the number
// of valid rows. It is the validation of a dry run, and what explains a refused fast write.
// The rows are checked against the row rules in two passes (the rules that are not keyed on
// every row, the keyed ones on the rows that passed and resolved), then across rows.
func (ing *ingestion) diagnose(ctx context.Context, probs *problems) (int, error) {
	c := ing.conn
	rs := ing.rules
	ing.step("validate: fields")
	// One pass finds the rows that break a rule; the messages come from those only.
	ing.temps = append(ing.temps, "chiso_suspect", "chiso_typed")
	if _, err := c.ExecContext(ctx, `CREATE OR REPLACE TEMP TABLE chiso_suspect AS
		SELECT * FROM chiso_stage s WHERE `+broken(rs.unkeyedOK())); err != nil {
		return 0, fmt.Errorf("validate: %w", err)
	}
	if err := ing.collect(ctx, rs.violations(rs.pick(false), "chiso_suspect s", ""), probs); err != nil {
		return 0, err
	}

	ing.step("validate: rows")
	// Typed rows: every row that meets the rules that are not keyed and whose indicator and
	// key resolved, with its integer keys.
	if _, err := c.ExecContext(ctx, `CREATE OR REPLACE TEMP TABLE chiso_typed AS
		SELECT s.*, c.ind_no, k.unit_no, k.src_no
		FROM chiso_stage s `+ing.joinDims()+`
		WHERE `+rs.unkeyedOK()); err != nil {
		return 0, fmt.Errorf("validate: %w", err)
	}
	checks := rs.violations(rs.pick(true), "chiso_typed s "+ing.joinDims(), "") + `
		UNION ALL SELECT t.file, t.rec, 'province', t.vcol, 'one row per indicator, province and year', NULL, d.first_file, d.first_rec
			FROM chiso_typed t JOIN (
				SELECT ind_no, unit_no, year, arg_min(rec, (file, rec)) AS first_rec, min(file) AS first_file
				FROM chiso_typed GROUP BY ALL HAVING count(*) > 1) d USING (ind_no, unit_no, year)
			WHERE NOT (t.file = d.first_file AND t.rec = d.first_rec)
		UNION ALL SELECT t.file, t.rec, 'source', t.vcol, 'a figure not yet loaded from this source',
			'the same key from the same source already in the database', NULL, NULL
			FROM chiso_typed t JOIN chiso_existing e USING (ind_no, unit_no, year)
			WHERE e.same_source_no = t.src_no`
	ing.step("validate: keys")
	if err := ing.collect(ctx, checks, probs); err != nil {
		return 0, err
	}
	var n int
	if err := c.QueryRowContext(ctx, `SELECT count(*) FROM chiso_typed`).Scan(&n); err != nil {
		return 0, err
	}
	return n, nil
}
