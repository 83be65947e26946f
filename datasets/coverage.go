package datasets

import (
	"context"
	"fmt"
)

// A Coverage counts the preferred figures of one indicator in one year on one unit set:
// Published have a value or rank, NotPublished are withheld by the publisher by design.
type Coverage struct {
	Indicator    string `json:"indicator"`
	Year         int    `json:"year"`
	Set          string `json:"unit_set"`
	Published    int    `json:"published"`
	NotPublished int    `json:"not_published"`
}

// A SourceUse is a source with how many figures of an indicator it gives.
type SourceUse struct {
	Indicator string `json:"-"`
	Source
	Figures   int `json:"figures"`
	Preferred int `json:"preferred"`
}

// Coverage returns the coverage of every indicator, year and unit set that has a figure,
// ordered by indicator, year and unit set (63 first).
func (s *Store) Coverage(ctx context.Context) ([]Coverage, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT i.id, o.year, u.unit_set,
			count(*) FILTER (WHERE o.status = 'published'), count(*) FILTER (WHERE o.status = 'not_published')
		FROM observation o JOIN indicator i ON i.key = o.indicator_key JOIN unit u ON u.key = o.unit_key
		WHERE o.preferred GROUP BY ALL ORDER BY 1, 2, 3 DESC`)
	if err != nil {
		return nil, fmt.Errorf("coverage: %w", err)
	}
	defer rows.Close()
	var out []Coverage
	for rows.Next() {
		var c Coverage
		if err := rows.Scan(&c.Indicator, &c.Year, &c.Set, &c.Published, &c.NotPublished); err != nil {
			return nil, fmt.Errorf("coverage: %w", err)
		}
		out = append(out, c)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("coverage: %w", err)
	}
	return out, nil
}

// SourceUses returns, for every indicator, the sources of its figures with their counts,
// ordered by indicator, then most figures first.
func (s *Store) SourceUses(ctx context.Context) ([]SourceUse, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT i.id, s.id, count(*), count(*) FILTER (WHERE o.preferred)
		FROM observation o JOIN indicator i ON i.key = o.indicator_key JOIN source s ON s.key = o.source_key
		GROUP BY ALL ORDER BY 1, 3 DESC, 2`)
	if err != nil {
		return nil, fmt.Errorf("source uses: %w", err)
	}
	defer rows.Close()
	srcs := s.sourceCache()
	var out []SourceUse
	for rows.Next() {
		var u SourceUse
		if err := rows.Scan(&u.Indicator, &u.ID, &u.Figures, &u.Preferred); err != nil {
			return nil, fmt.Errorf("source uses: %w", err)
		}
		u.Source = srcs[u.ID]
		out = append(out, u)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("source uses: %w", err)
	}
	return out, nil
}
