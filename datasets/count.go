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
