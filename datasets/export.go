package datasets

import (
	"context"
	"fmt"
	"strings"
)

// Export writes every figure that q selects (every filter of q applies), preferred or not,
// with its unit, status and source, to the file at path in format (csv, json or parquet). It
// returns the figure count. An unknown indicator or unit id is an error wrapping ErrNotFound.
func (s *Store) Export(ctx context.Context, path, format string, q ObservationQuery) (int, error) {
	opts, ok := map[string]string{"csv": "FORMAT csv, HEADER true", "json": "FORMAT json, ARRAY true", "parquet": "FORMAT parquet"}[format]
	if !ok {
		return 0, fmt.Errorf("export: unknown format %q (want csv, json or parquet)", format)
	}
	var where []string
	for _, id := range q.Indicators {
		if _, ok := s.Catalogue().Get(id); !ok {
			return 0, fmt.Errorf("export: unknown indicator %q: %w", id, ErrNotFound)
		}
		where = append(where, sqlString(id))
	}
	cond := "true"
	if len(where) > 0 {
		cond = "o.indicator_id IN (" + strings.Join(where, ", ") + ")"
	}
	var units []string
	for _, id := range q.UnitIDs {
		if _, ok := s.registry.Unit(id); !ok {
			return 0, fmt.Errorf("export: unknown unit %q: %w", id, ErrNotFound)
		}
		units = append(units, sqlString(id))
	}
	if len(units) > 0 {
		cond += " AND o.unit_id IN (" + strings.Join(units, ", ") + ")"
	}
	if q.From != 0 {
		cond += fmt.Sprintf(" AND o.year >= %d", q.From)
	}
	if q.To != 0 {
		cond += fmt.Sprintf(" AND o.year <= %d", q.To)
	}
	query := fmt.Sprintf(`COPY (
		SELECT o.indicator_id AS indicator, o.year, u.id AS unit_id, u.code, u.unit_set, u.name_vi, u.name_en,
			o.value, o.rank, o.rank_of, o.status, o.verified, o.preferred, s.citation AS source, s.url AS source_url
		FROM observation o JOIN unit u ON u.id = o.unit_id JOIN source s ON s.id = o.source_id
		WHERE %s
		ORDER BY o.indicator_id, o.year, u.code, u.unit_set DESC, o.preferred DESC, s.id
	) TO %s (%s)`, cond, sqlString(path), opts)
	res, err := s.db.ExecContext(ctx, query)
	if err != nil {
		return 0, fmt.Errorf("export %s: %w", path, err)
	}
	n, _ := res.RowsAffected()
	return int(n), nil
}
