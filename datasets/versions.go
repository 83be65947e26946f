package datasets

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/duckdb/duckdb-go/v2"
)

// ErrVersionGone reports a dataset version that chiso loaded once but can no longer rebuild.
var ErrVersionGone = errors.New("dataset version no longer kept")

// A Change counts what one load did to one indicator: figures for keys that had none (Added)
// and figures for keys that already had one from another source (Changed).
type Change struct {
	Indicator string `json:"indicator"`
	Added     int    `json:"added"`
	Changed   int    `json:"changed"`
}

// A Version is one entry of the history of dataset versions.
type Version struct {
	Seq          int       `json:"seq"`
	Version      string    `json:"version"`
	LoadedAt     time.Time `json:"loaded_at"`
	Batch        string    `json:"batch"`
	Prefer       bool      `json:"prefer"` // the load made earlier figures non-preferred
	Observations int       `json:"observations"`
	Changes      []Change  `json:"changes"`
	// Rebuildable reports whether the version's figures can be rebuilt from the database: no
	// later load made earlier figures non-preferred, and every later load is a known batch.
	Rebuildable bool `json:"rebuildable"`
}

// recordVersion adds the version now in meta to the history, as made by batch ("" when the
// batch is not known: a database from before the history). It runs inside the load's
// transaction, after updateVersion.
func recordVersion(ctx context.Context, conn *sql.Conn, batch string, prefer bool) error {
	changes, err := batchChanges(ctx, conn, batch)
	if err != nil {
		return err
	}
	return recordChanges(ctx, conn, batch, prefer, changes)
}

// batchChanges counts, for each indicator, the figures of batch ("": every figure) whose key
// had no figure from another batch (added) and had one (changed).
func batchChanges(ctx context.Context, conn *sql.Conn, batch string) ([]Change, error) {
	all, key := batch == "", int32(-1)
	if !all {
		err := conn.QueryRowContext(ctx, `SELECT key FROM batch WHERE id = ?`, batch).Scan(&key)
		if err != nil && !errors.Is(err, sql.ErrNoRows) {
			return nil, fmt.Errorf("record version: %w", err)
		}
	}
	return readChanges(ctx, conn, `WITH prior AS (SELECT DISTINCT indicator_key, unit_key, year FROM observation WHERE NOT ? AND batch_key <> ?),
			added AS (SELECT indicator_key, unit_key, year FROM observation WHERE ? OR batch_key = ?)
		SELECT i.id, count(*) FILTER (WHERE p.year IS NULL), count(*) FILTER (WHERE p.year IS NOT NULL)
		FROM added a LEFT JOIN prior p USING (indicator_key, unit_key, year) JOIN indicator i ON i.key = a.indicator_key
		GROUP BY 1 ORDER BY 1`, all, key, all, key)
}

// readChanges reads the rows (indicator id, added, changed) of query into Changes.
func readChanges(ctx context.Context, conn *sql.Conn, query string, args ...any) ([]Change, error) {
	var changes []Change
	rows, err := conn.QueryContext(ctx, query, args...)
	if err != nil {
		return nil, fmt.Errorf("record version: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var c Change
		if err := rows.Scan(&c.Indicator, &c.Added, &c.Changed); err != nil {
			return nil, fmt.Errorf("record version: %w", err)
		}
		changes = append(changes, c)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("record version: %w", err)
	}
	return changes, nil
}

// recordChanges adds the version now in meta to the history with its changes (recordVersion).
func recordChanges(ctx context.Context, conn *sql.Conn, batch string, prefer bool, changes []Change) error {
	if changes == nil {
		changes = []Change{}
	}
	js, err := json.Marshal(changes)
	if err != nil {
		return fmt.Errorf("record version: %w", err)
	}
	_, err = conn.ExecContext(ctx, `INSERT INTO dataset_version
		SELECT coalesce((SELECT max(seq) FROM dataset_version), 0) + 1, (SELECT value FROM meta WHERE key = 'version'),
			?, ?, ?, (SELECT count(*) FROM observation), ?`, time.Now().UTC(), batch, prefer, string(js))
	if err != nil {
		return fmt.Errorf("record version: %w", err)
	}
	return nil
}

// ensureHistory records the current version if the history does not end with it (a database
// written before the history was kept).
func (s *Store) ensureHistory(ctx context.Context) error {
	var last sql.NullString
	if err := s.db.QueryRowContext(ctx, `SELECT version FROM dataset_version ORDER BY seq DESC LIMIT 1`).Scan(&last); err != nil && !errors.Is(err, sql.ErrNoRows) {
		return fmt.Errorf("read version history: %w", err)
	}
	if last.Valid && last.String == s.version || s.readOnly {
		return nil // a read-only store lists the history as it was written
	}
	conn, err := s.db.Conn(ctx)
	if err != nil {
		return err
	}
	defer conn.Close()
	return recordVersion(ctx, conn, "", false)
}

// Versions returns the history of dataset versions, newest first.
func (s *Store) Versions(ctx context.Context) ([]Version, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT seq, version, loaded_at, batch, prefer, observations, changes
		FROM dataset_version ORDER BY seq DESC`)
	if err != nil {
		return nil, fmt.Errorf("read version history: %w", err)
	}
	defer rows.Close()
	out := []Version{}
	for rows.Next() {
		var v Version
		var changes string
		if err := rows.Scan(&v.Seq, &v.Version, &v.LoadedAt, &v.Batch, &v.Prefer, &v.Observations, &changes); err != nil {
			return nil, fmt.Errorf("read version history: %w", err)
		}
		v.LoadedAt = v.LoadedAt.UTC()
		if err := json.Unmarshal([]byte(changes), &v.Changes); err != nil {
			return nil, fmt.Errorf("read version history: version %s: %w", v.Version, err)
		}
		out = append(out, v)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("read version history: %w", err)
	}
	// Newest first: a version is rebuildable while every later load is a known batch that
	// only added figures.
	ok := true
	for i := range out {
		out[i].Rebuildable = ok
		if out[i].Prefer || out[i].Batch == "" {
			ok = false
		}
	}
	return out, nil
}

// snapshotTables are the tables a snapshot copies, each with the order its rows keep.
var snapshotTables = []struct{ name, order string }{
	{"unit", "id"},
	{"lineage", "effective, old_unit"},
	{"indicator", "id"},
	{"indicator_break", "indicator_id, year"},
	{"source", "id"},
	{"batch", "key"},
	{"observation", observationOrder},
}

// Snapshot rebuilds an earlier dataset version as a new in-memory Store: the figures of every
// batch except those loaded after it. The caller closes it. An unknown version is an error
// wrapping ErrNotFound; a version that can no longer be rebuilt (see Version.Rebuildable), or
// whose rebuilt figures do not hash to it, wraps ErrVersionGone.
func (s *Store) Snapshot(ctx context.Context, version string) (*Store, error) {
	hist, err := s.Versions(ctx)
	if err != nil {
		return nil, err
	}
	var later []string
	found := false
	for _, v := range hist {
		if v.Version == version {
			if !v.Rebuildable {
				return nil, fmt.Errorf("dataset version %s: %w", version, ErrVersionGone)
			}
			found = true
			break
		}
		later = append(later, sqlString(v.Batch))
	}
	if !found {
		return nil, fmt.Errorf("dataset version %s: %w", version, ErrNotFound)
	}
	dir, err := os.MkdirTemp("", "chiso-snapshot-*")
	if err != nil {
		return nil, fmt.Errorf("snapshot %s: %w", version, err)
	}
	defer os.RemoveAll(dir)
	for _, t := range snapshotTables {
		where := "true"
		if t.name == "observation" && len(later) > 0 {
			where = "batch_key NOT IN (SELECT key FROM batch WHERE id IN (" + strings.Join(later, ", ") + "))"
		}
		path := filepath.Join(dir, t.name+".parquet")
		if _, err := s.db.ExecContext(ctx, fmt.Sprintf(`COPY (SELECT * FROM %s WHERE %s ORDER BY %s) TO %s (FORMAT parquet)`,
			t.name, where, t.order, sqlString(path))); err != nil {
			return nil, fmt.Errorf("snapshot %s: copy %s: %w", version, t.name, err)
		}
	}
	connector, err := duckdb.NewConnector("", nil)
	if err != nil {
		return nil, fmt.Errorf("snapshot %s: %w", version, err)
	}
	snap := &Store{db: sql.OpenDB(connector), conn: connector}
	fail := func(err error) (*Store, error) {
		snap.Close()
		return nil, fmt.Errorf("snapshot %s: %w", version, err)
	}
	if err := applySchema(ctx, snap.db); err != nil {
		return fail(err)
	}
	for _, t := range snapshotTables {
		if _, err := snap.db.ExecContext(ctx, fmt.Sprintf(`INSERT INTO %s SELECT * FROM read_parquet(%s)`,
			t.name, sqlString(filepath.Join(dir, t.name+".parquet")))); err != nil {
			return fail(fmt.Errorf("load %s: %w", t.name, err))
		}
	}
	conn, err := snap.db.Conn(ctx)
	if err != nil {
		return fail(err)
	}
	err = updateVersion(ctx, conn, "")
	conn.Close()
	if err != nil {
		return fail(err)
	}
	if _, err := snap.db.ExecContext(ctx, `INSERT INTO meta VALUES ('bundled', 'snapshot')`); err != nil {
		return fail(err)
	}
	if err := snap.init(ctx, nil); err != nil {
		return fail(err)
	}
	if got := snap.Version(); got != version {
		snap.Close()
		return nil, fmt.Errorf("dataset version %s: its figures rebuild as version %s: %w", version, got, ErrVersionGone)
	}
	return snap, nil
}
