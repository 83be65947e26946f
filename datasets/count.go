package datasets

import (
	"context"
	"fmt"
)

// Figures returns the number of preferred figures in the store, counted once per dataset version.
func (s *Store) Figures(ctx context.Context) (int, error) {
	v, err := s.Memo("datasets.figures", func() (any, error) {
		var n int
		if err := s.db.QueryRowContext(ctx, `SELECT count(*) FROM observation WHERE preferred`).Scan(&n); err != nil {
			return nil, fmt.Errorf("count figures: %w", err)
		}
		return n, nil
	})
	if err != nil {
		return 0, err
	}
	return v.(int), nil
}

// IndicatorsOf returns, in catalogue order, the ids of the indicators with a figure (preferred
// or not) for the unit with id unitID.
func (s *Store) IndicatorsOf(ctx context.Context, unitID string) ([]string, error) {
	key, ok := s.registry.unitKey(unitID)
	if !ok {
		return nil, nil
	}
	rows, err := s.db.QueryContext(ctx, `SELECT DISTINCT indicator_key FROM observation WHERE unit_key = ?`, key)
	if err != nil {
		return nil, fmt.Errorf("indicators of %s: %w", unitID, err)
	}
	defer rows.Close()
	cat := s.Catalogue()
	has := map[string]bool{}
	for rows.Next() {
		var key int32
		if err := rows.Scan(&key); err != nil {
			return nil, fmt.Errorf("indicators of %s: %w", unitID, err)
		}
		if id, ok := cat.idOfKey(key); ok {
			has[id] = true
		}
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("indicators of %s: %w", unitID, err)
	}
	var out []string
	for _, id := range cat.IDs() {
		if has[id] {
			out = append(out, id)
		}
	}
	return out, nil
}
