package datasets

import (
	"context"
	"database/sql/driver"
	"fmt"
	"io"
	"strconv"
	"strings"
)

// where returns the SQL conditions that select what q asks for, on columns of the
// observation table prefixed by prefix ("o." or ""). Indicators and units are compared by
// the keys that cat and reg give their ids, so that the filters on the integer columns reach
// the scan and its zone maps; an id that they do not know selects nothing. The keys and
// years, integers, are written into the SQL: a query with no parameter is planned once,
// where one with parameters was planned again when they were bound (a cross-section's read
// took 3.7 ms of CPU with parameters, 3.1 without).
func (q ObservationQuery) where(prefix string, cat *Catalogue, reg *Registry) []string {
	var conds []string
	in := func(column string, keys []string) {
		if len(keys) == 0 {
			conds = append(conds, "false")
			return
		}
		conds = append(conds, prefix+column+" IN ("+strings.Join(keys, ", ")+")")
	}
	if len(q.Indicators) > 0 {
		var keys []string
		for _, id := range q.Indicators {
			if k, ok := cat.key(id); ok {
				keys = append(keys, strconv.Itoa(int(k)))
			}
		}
		in("indicator_key", keys)
	}
	if len(q.UnitIDs) > 0 {
		var keys []string
		for _, id := range q.UnitIDs {
			if k, ok := reg.unitKey(id); ok {
				keys = append(keys, strconv.Itoa(int(k)))
			}
		}
		in("unit_key", keys)
	}
	if q.From != 0 {
		conds = append(conds, prefix+"year >= "+strconv.Itoa(q.From))
	}
	if q.To != 0 {
		conds = append(conds, prefix+"year <= "+strconv.Itoa(q.To))
	}
	return conds
}

// EachFigure calls fn with the preferred figure of every (indicator, unit, year) that q
// selects, in no particular order: the lean read behind the views, which look figures up by
// key and need neither the units' details nor the other sources' figures. The Figure's
// pointers are fresh for each call.
func (s *Store) EachFigure(ctx context.Context, q ObservationQuery, fn func(indicator, unit string, year int, f Figure)) error {
	return s.eachFigure(ctx, q, true, fn)
}

// EachAlternative is EachFigure for the figures of other sources, those not preferred, in
// the order of their sources' ids.
func (s *Store) EachAlternative(ctx context.Context, q ObservationQuery, fn func(indicator, unit string, year int, f Figure)) error {
	return s.eachFigure(ctx, q, false, fn)
}

// figureQuery is the query of eachFigure: the figures that q selects, preferred or not; cat
// and reg give the indicators' and units' keys. The unit comes as its key, the status as 0
// (published) or 1 (not published), and the source last, as its key.
func figureQuery(q ObservationQuery, preferred bool, cat *Catalogue, reg *Registry) string {
	where := q.where("o.", cat, reg)
	from, which, order := "observation o", "o.preferred", ""
	if !preferred { // one preferred figure a key: only other sources' come in an order
		from, which, order = "observation o JOIN source s ON s.key = o.source_key", "NOT o.preferred", " ORDER BY s.id"
	}
	return `SELECT o.indicator_key, o.unit_key, o.year, o.value, o.rank, o.rank_of,
			CASE o.status WHEN 'published' THEN 0 WHEN 'not_published' THEN 1 END, o.verified, o.source_key
		FROM ` + from + ` WHERE ` + strings.Join(append(where, which), " AND ") + order
}

// figureStatus is the status of figureQuery's numbers.
var figureStatus = [...]string{"published", "not_published"}

// eachFigure reads the figures of figureQuery row by row from the driver, past database/sql's
// Scan: at a few thousand rows a view, converting each cell through reflection cost as much
// as the query.
func (s *Store) eachFigure(ctx context.Context, q ObservationQuery, preferred bool, fn func(indicator, unit string, year int, f Figure)) error {
	cat := s.Catalogue()
	sources := s.sources.Load()
	reg := s.registry
	query := figureQuery(q, preferred, cat, reg)
	conn, err := s.db.Conn(ctx)
	if err != nil {
		return fmt.Errorf("query figures: %w", err)
	}
	defer conn.Close()
	err = conn.Raw(func(dc any) error {
		qc, ok := dc.(driver.QueryerContext)
		if !ok {
			return fmt.Errorf("driver %T cannot query", dc)
		}
		rows, err := qc.QueryContext(ctx, query, nil)
		if err != nil {
			return err
		}
		defer rows.Close()
		row := make([]driver.Value, 9)
		var floats slab[float64]
		var ints slab[int]
		for {
			if err := rows.Next(row); err == io.EOF {
				return nil
			} else if err != nil {
				return err
			}
			key, ok1 := row[0].(int32)
			unitKey, ok2 := row[1].(int32)
			year, ok3 := row[2].(int32)
			st, ok4 := row[6].(int32)
			if !ok1 || !ok2 || !ok3 {
				return fmt.Errorf("a figure's key came as %T, %T, %T", row[0], row[1], row[2])
			}
			unit, ok := reg.unitIDOfKey(unitKey)
			if !ok {
				return fmt.Errorf("figure of unit key %d, which the registry does not have", unitKey)
			}
			if !ok4 {
				return fmt.Errorf("figure %s/%d: a status other than published and not_published", unit, year)
			}
			f := Figure{Status: figureStatus[st]}
			f.Verified, _ = row[7].(bool)
			src, _ := row[8].(int32)
			f.Source = sources.ofKey(src)
			if v, isFloat := row[3].(float64); isFloat {
				f.Value = floats.next(v)
			}
			if r, isInt := row[4].(int32); isInt {
				f.Rank = ints.next(int(r))
			}
			if n, isInt := row[5].(int32); isInt {
				f.RankOf = ints.next(int(n))
			}
			ind, ok := cat.idOfKey(key)
			if !ok {
				return fmt.Errorf("figure %s/%d of indicator key %d, which the catalogue does not have", unit, year, key)
			}
			fn(ind, unit, int(year), f)
		}
	})
	if err != nil {
		return fmt.Errorf("query figures: %w", err)
	}
	return nil
}

// slab hands out pointers to values from blocks it allocates: one allocation for every
// slabSize values, where new(v) is one each. Each pointer is to its own value.
type slab[T any] struct{ block []T }

const slabSize = 512

func (s *slab[T]) next(v T) *T {
	if len(s.block) == cap(s.block) {
		s.block = make([]T, 0, slabSize)
	}
	s.block = append(s.block, v)
	return &s.block[len(s.block)-1]
}
