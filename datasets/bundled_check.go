package datasets

import (
	"context"
	"database/sql"
	"fmt"
)

// checkBundle checks the bundled figures as ingest checks the rows of a file: every figure
// must name a known indicator and meet every row rule (rowRules: year range, scale, rank
// within the units, …), with lastYear the last year a figure may be for. It runs on conn
// once the indicator catalogue is in the database. A figure that does not is a problem at its
// file, line and column, and the error is an *IngestError.
func checkBundle(ctx context.Context, conn *sql.Conn, b *bundle, lastYear int) error {
	probs := &problems{}
	known := map[string]bool{}
	for _, ind := range b.indicators {
		known[ind[0].(string)] = true
	}
	rows := make([][]any, len(b.rows))
	for i, r := range b.rows {
		if !known[r.indicator] {
			probs.add(b.problem(r, "indicator", "a known indicator (indicators.csv)", quote(r.indicator)))
		}
		rows[i] = []any{int32(r.file), int64(i), int32(r.nUnits), nullString(r.province), nullString(r.indicator),
			nullString(r.year), nullString(r.value), nullString(r.rank), nullString(r.rankOf), nullString(r.source), nil}
	}
	if _, err := conn.ExecContext(ctx, macros+`
		CREATE OR REPLACE TEMP TABLE chiso_bundle_text (file INTEGER, rec BIGINT, n_units INTEGER, province VARCHAR,
			indicator VARCHAR, year_t VARCHAR, value_t VARCHAR, rank_t VARCHAR, rank_of_t VARCHAR, source VARCHAR, verified_t VARCHAR)`); err != nil {
		return fmt.Errorf("check bundled figures: %w", err)
	}
	drop := context.WithoutCancel(ctx)
	defer conn.ExecContext(drop, "DROP TABLE IF EXISTS chiso_bundle_text; DROP TABLE IF EXISTS chiso_bundle")
	if err := appendRows(ctx, conn, "chiso_bundle_text", rows); err != nil {
		return fmt.Errorf("check bundled figures: %w", err)
	}
	// chiso_bundle: the rows as ingest stages them (s), each with its indicator (c) and its own
	// count of units (k).
	rs := rulesFor(IngestOptions{}, lastYear)
	if _, err := conn.ExecContext(ctx, `CREATE OR REPLACE TEMP TABLE chiso_bundle AS
		SELECT file, rec, 0 AS vcol, n_units, `+rawColumns+` FROM chiso_bundle_text`); err != nil {
		return fmt.Errorf("check bundled figures: %w", err)
	}
	const keyed = `chiso_bundle s JOIN (SELECT id AS raw, * FROM indicator) c ON c.raw = s.indicator
		JOIN (SELECT rec, n_units FROM chiso_bundle) k ON k.rec = s.rec`
	// One pass over the rows; the messages come only if a row breaks a rule. A row of an
	// unknown indicator has no c: it was reported above.
	var bad int
	if err := conn.QueryRowContext(ctx, `SELECT count(*) FROM `+keyed+` WHERE `+broken(rs.allOK())).Scan(&bad); err != nil {
		return fmt.Errorf("check bundled figures: %w", err)
	}
	if bad == 0 {
		return probs.err()
	}
	query := rs.violations(rs.pick(false), "chiso_bundle s", "") + "\nUNION ALL " + rs.violations(rs.pick(true), keyed, rs.unkeyedOK())
	err := collectBad(ctx, conn, query, probs, func(bad badRow) *ParseError {
		return b.problem(b.rows[bad.rec], bad.field, bad.want, bad.got)
	})
	if err != nil {
		return fmt.Errorf("check bundled figures: %w", err)
	}
	return probs.err()
}

// problem builds the ParseError for bundled row r and field.
func (b *bundle) problem(r bundleRow, field, want, got string) *ParseError {
	f := b.files[r.file]
	p := &ParseError{File: f.name, Line: r.line, Want: want, Got: got}
	if i, ok := f.cols[field]; ok {
		p.Column, p.Field = i+1, f.header[i]
	}
	return p
}
