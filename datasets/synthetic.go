package datasets

import (
	"context"
	"fmt"
)

// Synthetic data is for benchmarks and tests only. Every synthetic indicator's id is "syn"
// and a number, and its names and source say SYNTHETIC; nothing here is ever loaded by default.

// SyntheticSource is the citation of every synthetic figure.
const SyntheticSource = "SYNTHETIC: generated for benchmarks and tests; not real data"

// AddSyntheticIndicators adds n indicators syn00001 … to the catalogue (scale 0–100)
// and returns their ids. Their keys follow the highest key already given. For benchmarks and
// tests only.
func (s *Store) AddSyntheticIndicators(ctx context.Context, n int) ([]string, error) {
	conn, err := s.db.Conn(ctx)
	if err != nil {
		return nil, err
	}
	defer conn.Close()
	ids := make([]string, n)
	err = inTx(ctx, conn, func() error {
		var top int32
		if err := conn.QueryRowContext(ctx, `SELECT coalesce(max(key), 0) FROM indicator`).Scan(&top); err != nil {
			return fmt.Errorf("synthetic indicators: %w", err)
		}
		rows := make([][]any, n)
		for i := range n {
			ids[i] = fmt.Sprintf("syn%05d", i+1)
			rows[i] = []any{ids[i], top + int32(i) + 1, nil, "Chỉ số tổng hợp (SYNTHETIC) " + ids[i], "SYNTHETIC benchmark indicator " + ids[i],
				"points (0–100)", "index", true, "none (synthetic)", 0.0, 100.0, int32(2000), "none", "SYNTHETIC: for benchmarks and tests only; not real data."}
		}
		return appendRows(ctx, conn, "indicator", rows)
	})
	if err != nil {
		return nil, err
	}
	cat, err := s.readIndicators(ctx)
	if err != nil {
		return nil, err
	}
	s.catalogue.Store(cat)
	return ids, nil
}

// SyntheticSet is the unit set of synthetic communes.
const SyntheticSet = "syn"

// AddSyntheticUnits adds n synthetic communes (unit set SyntheticSet, ids syn.00001 …, in force
// throughout) to the registry — the scale of Vietnam's 3,321 communes after the 2025 reform.
// For benchmarks and tests only.
func (s *Store) AddSyntheticUnits(ctx context.Context, n int) error {
	conn, err := s.db.Conn(ctx)
	if err != nil {
		return err
	}
	defer conn.Close()
	var highest int32
	if err := conn.QueryRowContext(ctx, `SELECT coalesce(max(key), 0) FROM unit`).Scan(&highest); err != nil {
		return fmt.Errorf("synthetic units: %w", err)
	}
	rows := make([][]any, n)
	for i := range n {
		code := fmt.Sprintf("%05d", i+1)
		rows[i] = []any{"syn." + code, highest + int32(i) + 1, code, SyntheticSet, "Xã tổng hợp " + code + " (SYNTHETIC)", "Synthetic commune " + code,
			"syn-" + code, "commune", nil, nil, nil, SyntheticSource}
	}
	if err := appendRows(ctx, conn, "unit", rows); err != nil {
		return fmt.Errorf("synthetic units: %w", err)
	}
	reg, err := s.readRegistry(ctx)
	if err != nil {
		return err
	}
	s.registry = reg
	return nil
}

// LoadSyntheticPanel fills the synthetic indicators with a figure (seeded pseudo-random, 0–100)
// for every unit of the 63 and every year from..to, keeps the table sorted and updates the
// dataset version. It returns the number of figures added. For benchmarks and tests only.
func (s *Store) LoadSyntheticPanel(ctx context.Context, indicators []string, from, to int, seed float64) (int, error) {
	return s.LoadSyntheticPanelOf(ctx, Set63, indicators, from, to, seed)
}

// LoadSyntheticPanelOf is LoadSyntheticPanel for the units of set (Set63 or SyntheticSet).
func (s *Store) LoadSyntheticPanelOf(ctx context.Context, set string, indicators []string, from, to int, seed float64) (int, error) {
	conn, err := s.db.Conn(ctx)
	if err != nil {
		return 0, err
	}
	defer conn.Close()
	id := sourceID(SyntheticSource)
	cat := s.Catalogue()
	var n int64
	s.write.Lock()
	defer s.write.Unlock()
	err = inTx(ctx, conn, func() error {
		if err := addSources(ctx, conn, `(SELECT ?::VARCHAR AS id, ?::VARCHAR AS citation, NULL::VARCHAR AS url)`, id, SyntheticSource); err != nil {
			return err
		}
		batch, err := batchKey(ctx, conn, "synthetic")
		if err != nil {
			return err
		}
		if _, err := conn.ExecContext(ctx, `SELECT setseed(?)`, seed); err != nil {
			return err
		}
		if _, err := conn.ExecContext(ctx, `CREATE OR REPLACE TEMP TABLE chiso_syn_ind (id VARCHAR, key INTEGER)`); err != nil {
			return err
		}
		rows := make([][]any, len(indicators))
		for i, id := range indicators {
			key, ok := cat.key(id)
			if !ok {
				return fmt.Errorf("synthetic panel: indicator %q: %w", id, ErrNotFound)
			}
			rows[i] = []any{id, key}
		}
		if err := appendRows(ctx, conn, "chiso_syn_ind", rows); err != nil {
			return err
		}
		res, err := conn.ExecContext(ctx, `INSERT INTO observation
			SELECT i.key, u.key, y.y::INTEGER, round(random() * 100, 2), NULL, NULL, 'published', true, true,
				(SELECT key FROM source WHERE id = ?), ?
			FROM chiso_syn_ind i, (SELECT id, key FROM unit WHERE unit_set = ? AND id <> 'vn63.46.2025') u,
				generate_series(?, ?) y(y)
			ORDER BY i.id, y.y, u.id`, id, batch, set, from, to)
		if err != nil {
			return fmt.Errorf("synthetic panel: %w", err)
		}
		n, _ = res.RowsAffected()
		if _, err := conn.ExecContext(ctx, `DROP TABLE chiso_syn_ind`); err != nil {
			return err
		}
		if err := resortObservations(ctx, conn); err != nil {
			return err
		}
		if err := updateVersion(ctx, conn, ""); err != nil {
			return err
		}
		return recordVersion(ctx, conn, "synthetic", false)
	})
	if err != nil {
		return 0, err
	}
	var v string
	if err := s.db.QueryRowContext(ctx, `SELECT value FROM meta WHERE key = 'version'`).Scan(&v); err != nil {
		return 0, err
	}
	s.mu.Lock()
	s.version = v
	s.mu.Unlock()
	return int(n), s.readSources(ctx)
}
