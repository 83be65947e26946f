package datasets

import (
	"context"
	"io/fs"
	"iter"
	"maps"
	"slices"
	"time"
)

// loadBundled writes the bundled dataset of fsys into a new database in one transaction: units,
// lineage, indicators, breaks, sources and figures, with their keys, sorted, its version and
// its first entry in the history.
func (s *Store) loadBundled(ctx context.Context, fsys fs.FS) error {
	b, err := loadBundle(fsys)
	if err != nil {
		return err
	}
	conn, err := s.db.Conn(ctx)
	if err != nil {
		return err
	}
	defer conn.Close()
	return inTx(ctx, conn, func() error {
		var rows [][]any
		unitIDs := make([]string, len(b.units))
		for i, u := range b.units {
			unitIDs[i] = u.ID
		}
		unitKeys := keysInIDOrder(slices.Values(unitIDs))
		for _, u := range b.units {
			rows = append(rows, []any{u.ID, unitKeys[u.ID], u.Code, u.Set, u.NameVI, u.NameEN, u.Slug, u.Kind,
				nullString(u.Region), nullTime(u.ValidFrom), nullTime(u.ValidTo), u.Source})
		}
		if err := appendRows(ctx, conn, "unit", rows); err != nil {
			return err
		}
		rows = rows[:0]
		for _, l := range b.links {
			rows = append(rows, []any{l.Old, l.New, l.Effective, l.Kind, l.Source})
		}
		if err := appendRows(ctx, conn, "lineage", rows); err != nil {
			return err
		}
		// Keys in the catalogue's order (indicators.csv).
		keys := map[string]int32{}
		rows = rows[:0]
		for i, in := range b.indicators {
			keys[in[0].(string)] = int32(i + 1)
			rows = append(rows, slices.Insert(slices.Clone(in), 1, any(int32(i+1))))
		}
		if err := appendRows(ctx, conn, "indicator", rows); err != nil {
			return err
		}
		if err := appendRows(ctx, conn, "indicator_break", b.breaks); err != nil {
			return err
		}
		if err := checkBundle(ctx, conn, b, time.Now().Year()); err != nil {
			return err
		}
		rows = rows[:0]
		sourceKeys := keysInIDOrder(maps.Keys(b.sources))
		for id, c := range b.sources {
			rows = append(rows, []any{id, sourceKeys[id], c, nullString(citationURL(c))})
		}
		if err := appendRows(ctx, conn, "source", rows); err != nil {
			return err
		}
		batch, err := batchKey(ctx, conn, "bundled")
		if err != nil {
			return err
		}
		rows = rows[:0]
		for _, o := range b.obs {
			rows = append(rows, o.values(keys[o.Indicator], unitKeys[o.UnitID], sourceKeys[o.SourceID], batch))
		}
		if err := appendRows(ctx, conn, "observation", rows); err != nil {
			return err
		}
		if err := resortObservations(ctx, conn); err != nil {
			return err
		}
		if _, err := conn.ExecContext(ctx, `INSERT INTO meta VALUES ('bundled', ?)`, time.Now().UTC().Format(time.RFC3339)); err != nil {
			return err
		}
		if err := recordSchemaVersion(ctx, conn); err != nil {
			return err
		}
		if err := updateVersion(ctx, conn, ""); err != nil {
			return err
		}
		return recordVersion(ctx, conn, "bundled", false)
	})
}

func nullTime(t time.Time) any {
	if t.IsZero() {
		return nil
	}
	return t
}

// keysInIDOrder numbers ids from 1 in their order: the keys a new database gives its units and
// sources, which then sort by key as by id.
func keysInIDOrder(ids iter.Seq[string]) map[string]int32 {
	keys := map[string]int32{}
	for i, id := range slices.Sorted(ids) {
		keys[id] = int32(i + 1)
	}
	return keys
}
