package datasets

import (
	"context"
	"database/sql"
	"fmt"
)

// readRegistry reads the units, with their keys, and the lineage into a new Registry.
func (s *Store) readRegistry(ctx context.Context) (*Registry, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT id, key, code, unit_set, name_vi, name_en, slug, kind,
		coalesce(region, ''), valid_from, valid_to, source FROM unit ORDER BY unit_set DESC, code, valid_from NULLS FIRST`)
	if err != nil {
		return nil, fmt.Errorf("read units: %w", err)
	}
	defer rows.Close()
	var units []Unit
	var keys []int32
	for rows.Next() {
		var u Unit
		var key int32
		var from, to sql.NullTime
		if err := rows.Scan(&u.ID, &key, &u.Code, &u.Set, &u.NameVI, &u.NameEN, &u.Slug, &u.Kind, &u.Region, &from, &to, &u.Source); err != nil {
			return nil, fmt.Errorf("read units: %w", err)
		}
		u.ValidFrom, u.ValidTo = from.Time, to.Time
		units = append(units, u)
		keys = append(keys, key)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("read units: %w", err)
	}
	lrows, err := s.db.QueryContext(ctx, `SELECT old_unit, new_unit, effective, kind, source FROM lineage ORDER BY effective, old_unit`)
	if err != nil {
		return nil, fmt.Errorf("read lineage: %w", err)
	}
	defer lrows.Close()
	var links []Link
	for lrows.Next() {
		var l Link
		if err := lrows.Scan(&l.Old, &l.New, &l.Effective, &l.Kind, &l.Source); err != nil {
			return nil, fmt.Errorf("read lineage: %w", err)
		}
		links = append(links, l)
	}
	if err := lrows.Err(); err != nil {
		return nil, fmt.Errorf("read lineage: %w", err)
	}
	reg, err := NewRegistry(units, links)
	if err != nil {
		return nil, err
	}
	return reg.withKeys(keys)
}

// withKeys gives the registry the keys of its units, keys[i] that of the i-th unit given to
// NewRegistry, and returns it.
func (r *Registry) withKeys(keys []int32) (*Registry, error) {
	if len(keys) != len(r.units) {
		return nil, fmt.Errorf("%d unit keys for %d units", len(keys), len(r.units))
	}
	r.keyOf = make(map[string]int32, len(keys))
	for i, k := range keys {
		if k < 0 {
			return nil, fmt.Errorf("unit %s has the key %d", r.units[i].ID, k)
		}
		if int(k) >= len(r.idOfKey) {
			r.idOfKey = append(r.idOfKey, make([]string, int(k)+1-len(r.idOfKey))...)
		}
		r.keyOf[r.units[i].ID] = k
		r.idOfKey[k] = r.units[i].ID
	}
	return r, nil
}

// unitKey returns the key of the unit with id.
func (r *Registry) unitKey(id string) (int32, bool) {
	k, ok := r.keyOf[id]
	return k, ok
}

// unitIDOfKey returns the id of the unit with key.
func (r *Registry) unitIDOfKey(key int32) (string, bool) {
	if key < 0 || int(key) >= len(r.idOfKey) || r.idOfKey[key] == "" {
		return "", false
	}
	return r.idOfKey[key], true
}
