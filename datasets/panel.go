package datasets

import (
	"context"
	"database/sql"
	"fmt"
	"strings"
)

// where returns the SQL conditions that select what q asks for, on columns of the
// observation table prefixed by prefix ("o." or ""), and their arguments. Indicators are
// compared by the keys that cat gives their ids, so that the filter on the integer column
// reaches the scan and its zone maps; an id that cat does not know selects nothing.
func (q ObservationQuery) where(prefix string, cat *Catalogue) (conds []string, args []any) {
	in := func(col string, vals []any) {
		conds = append(conds, prefix+col+" IN ("+strings.TrimSuffix(strings.Repeat("?, ", len(vals)), ", ")+")")
		args = append(args, vals...)
	}
	if len(q.Indicators) > 0 {
		var keys []any
		for _, id := range q.Indicators {
			if k, ok := cat.key(id); ok {
				keys = append(keys, k)
			}
		}
		if len(keys) == 0 {
			conds = append(conds, "false")
		} else {
			in("indicator_key", keys)
		}
	}
	if len(q.UnitIDs) > 0 {
		units := make([]any, len(q.UnitIDs))
		for i, u := range q.UnitIDs {
			units[i] = u
		}
		in("unit_id", units)
	}
	if q.From != 0 {
		conds = append(conds, prefix+"year >= ?")
		args = append(args, q.From)
	}
	if q.To != 0 {
		conds = append(conds, prefix+"year <= ?")
		args = append(args, q.To)
	}
	return conds, args
}

// EachFigure calls fn with the preferred figure of every (indicator, unit, year) that q
// selects, in no particular order: the lean read behind the views, which look figures up by
// key and need neither the units' details nor the other sources' figures. The Figure's
// pointers are fresh for each call.
func (s *Store) EachFigure(ctx context.Context, q ObservationQuery, fn func(indicator, unit string, year int, f Figure)) error {
	return s.eachFigure(ctx, q, "preferred", fn)
}

// EachAlternative is EachFigure for the figures of other sources, those not preferred.
func (s *Store) EachAlternative(ctx context.Context, q ObservationQuery, fn func(indicator, unit string, year int, f Figure)) error {
	return s.eachFigure(ctx, q, "NOT preferred", fn)
}

// figureQuery is the query of eachFigure: the figures that q selects and which (a condition:
// "preferred", "NOT preferred") keeps, with its arguments; cat gives the indicators' keys.
func figureQuery(q ObservationQuery, which string, cat *Catalogue) (string, []any) {
	where, args := q.where("", cat)
	order := ""
	if which != "preferred" { // one preferred figure a key: only other sources' come in an order
		order = " ORDER BY source_id"
	}
	return `SELECT indicator_key, unit_id, year, value, rank, rank_of, status, verified, source_id
		FROM observation WHERE ` + strings.Join(append(where, which), " AND ") + order, args
}

func (s *Store) eachFigure(ctx context.Context, q ObservationQuery, which string, fn func(indicator, unit string, year int, f Figure)) error {
	cat := s.Catalogue()
	query, args := figureQuery(q, which, cat)
	rows, err := s.db.QueryContext(ctx, query, args...)
	if err != nil {
		return fmt.Errorf("query figures: %w", err)
	}
	defer rows.Close()
	sources := s.sourceCache()
	var (
		key       int32
		unit, src string
		year      int
		v         sql.NullFloat64
		r, n      sql.NullInt64
	)
	for rows.Next() {
		var f Figure
		if err := rows.Scan(&key, &unit, &year, &v, &r, &n, &f.Status, &f.Verified, &src); err != nil {
			return fmt.Errorf("scan figure: %w", err)
		}
		ind, ok := cat.idOfKey(key)
		if !ok {
			return fmt.Errorf("query figures: figure %s/%d of indicator key %d, which the catalogue does not have", unit, year, key)
		}
		f.Source = sources[src]
		if v.Valid {
			f.Value = new(v.Float64)
		}
		if r.Valid {
			f.Rank = new(int(r.Int64))
		}
		if n.Valid {
			f.RankOf = new(int(n.Int64))
		}
		fn(ind, unit, year, f)
	}
	if err := rows.Err(); err != nil {
		return fmt.Errorf("query figures: %w", err)
	}
	return nil
}
