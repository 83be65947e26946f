package datasets

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"embed"
	"errors"
	"fmt"
	"io/fs"
	"maps"
	"os"
	"regexp"
	"slices"
	"sort"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/duckdb/duckdb-go/v2"
)

//go:embed schema/*.sql
var schemaFS embed.FS

//go:embed bundled/*.csv
var bundledFS embed.FS

// ErrLocked reports that another process holds the database file; errors.Is(err, ErrLocked)
// holds for every *LockError.
var ErrLocked = errors.New("database is in use by another process")

// ErrReadOnly reports that the database file cannot be opened for writing.
var ErrReadOnly = errors.New("cannot write the database file (a read-only file or file system); nothing was changed")

// ErrDiskFull reports that a write failed for want of disk space; the transaction was rolled back.
var ErrDiskFull = errors.New("the disk is full; nothing was changed (free some space and try again)")

// diskFull wraps err in ErrDiskFull if it is DuckDB's report of a full disk.
func diskFull(err error) error {
	if err != nil && strings.Contains(err.Error(), "No space left on device") {
		return fmt.Errorf("%w: %v", ErrDiskFull, err)
	}
	return err
}

// A LockError reports that another process holds the database file Path: DuckDB allows one
// read-write process per file.
type LockError struct {
	Path string
	PID  int      // the process that holds the lock, as DuckDB names it (0 if it did not)
	Args []string // that process's command line, where the system shows it (/proc), else nil
	Err  error    // DuckDB's error
}

func (e *LockError) Error() string {
	switch {
	case e.PID == 0:
		return fmt.Sprintf("open %s: %v (is `chiso serve` running?)", e.Path, ErrLocked)
	case len(e.Args) == 0:
		return fmt.Sprintf("open %s: %v (PID %d)", e.Path, ErrLocked, e.PID)
	}
	return fmt.Sprintf("open %s: %v (PID %d: %s)", e.Path, ErrLocked, e.PID, quote(strings.Join(e.Args, " ")))
}

// Is reports whether target is ErrLocked.
func (e *LockError) Is(target error) bool { return target == ErrLocked }

func (e *LockError) Unwrap() error { return e.Err }

// lockHolder matches the process that DuckDB names in a lock conflict:
// `Conflicting lock is held in /usr/bin/chiso (PID 1234) by user …`.
var lockHolder = regexp.MustCompile(`\(PID (\d+)\)`)

// lockConflict reports whether err is DuckDB's report that another process holds the file.
func lockConflict(err error) bool {
	return strings.Contains(err.Error(), "Could not set lock") || strings.Contains(err.Error(), "Conflicting lock")
}

// newLockError builds the LockError of DuckDB's lock conflict err on path, with the holder's
// PID and, where /proc shows it, its command line.
func newLockError(path string, err error) *LockError {
	le := &LockError{Path: path, Err: err}
	m := lockHolder.FindStringSubmatch(err.Error())
	if m == nil {
		return le
	}
	le.PID, _ = strconv.Atoi(m[1])
	if b, rerr := os.ReadFile(fmt.Sprintf("/proc/%d/cmdline", le.PID)); rerr == nil && len(b) > 0 {
		le.Args = strings.Split(strings.TrimSuffix(string(b), "\x00"), "\x00")
	}
	return le
}

// A Store owns the DuckDB database: the schema, the province registry and every query.
// It is safe for concurrent use.
type Store struct {
	db        *sql.DB
	conn      *duckdb.Connector
	registry  *Registry
	catalogue atomic.Pointer[Catalogue]
	sources   atomic.Pointer[sourceIndex] // every source by id and by DuckDB hash of the id (sourceCache)
	memo      memo                        // values computed once per dataset version
	sandbox   sqlSandbox                  // the read-only snapshot ReadOnlyQuery runs on (sql.go)
	readOnly  bool                        // opened by OpenReadOnly: nothing is written, not even the history
	migrated  schemaAge                   // what Open migrated from an earlier chiso's schema (migrate)
	copyDir   string                      // the temporary directory of the migrated copy that OpenUnchanged opened, removed by Close

	// mu guards version. Writers take it only to publish the version of what they have
	// committed (ingest's readVersion, LoadSyntheticPanel); it does not order writes.
	mu      sync.RWMutex
	version string
	// pub orders an ingest's commit against reads that must see one version (Read): the
	// commit and the publication of its version happen with pub held for writing, so no
	// reader holding it sees part of an ingest or a version that its data does not match.
	pub sync.RWMutex
	// write serializes the transactions that write observations (an ingest's, a synthetic
	// panel's): each may rewrite the observation table (resortObservations), and two rewrites
	// at once conflict in DuckDB's catalogue. It is taken before pub, never after.
	write sync.Mutex
}

// Read returns the dataset version and holds off the commit of any ingest until release is
// called: every query in between reads that version, whole. An ingest does its work while
// readers hold it and waits only to commit; release must be called, and soon.
func (s *Store) Read() (version string, release func()) {
	s.pub.RLock()
	return s.Version(), s.pub.RUnlock
}

// Open opens the DuckDB database at path ("" for an in-memory database), creates the schema
// if it is new and loads the bundled dataset into a database that has none. The bundled
// figures must pass the row rules of Ingest; one that does not fails Open with its file and line.
func Open(ctx context.Context, path string) (*Store, error) {
	bundled, err := fs.Sub(bundledFS, "bundled")
	if err != nil {
		return nil, err
	}
	return open(ctx, path, bundled)
}

// open is Open with the bundled dataset read from the files of fsys.
func open(ctx context.Context, path string, bundled fs.FS) (*Store, error) {
	connector, err := duckdb.NewConnector(path, nil)
	if err != nil {
		if lockConflict(err) {
			return nil, newLockError(path, err)
		}
		if msg := err.Error(); strings.Contains(msg, "Read-only file system") || strings.Contains(msg, "Permission denied") {
			return nil, fmt.Errorf("open %s: %w: %v", path, ErrReadOnly, err)
		}
		return nil, fmt.Errorf("open %s: %w", displayPath(path), err)
	}
	s := &Store{db: sql.OpenDB(connector), conn: connector}
	if err := s.init(ctx, bundled); err != nil {
		s.Close()
		return nil, fmt.Errorf("open %s: %w", displayPath(path), err)
	}
	return s, nil
}

func displayPath(path string) string {
	if path == "" {
		return "in-memory database"
	}
	return path
}

// An execer runs statements: a *sql.DB, or a *sql.Conn inside a transaction.
type execer interface {
	ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error)
}

// applySchema runs the schema files in order on db; each creates only what is not there yet.
func applySchema(ctx context.Context, db execer) error {
	files, err := fs.Glob(schemaFS, "schema/*.sql")
	if err != nil {
		return err
	}
	sort.Strings(files)
	for _, f := range files {
		ddl, err := schemaFS.ReadFile(f)
		if err != nil {
			return err
		}
		if _, err := db.ExecContext(ctx, string(ddl)); err != nil {
			return fmt.Errorf("apply %s: %w", f, err)
		}
	}
	return nil
}

func (s *Store) init(ctx context.Context, bundled fs.FS) error {
	if err := checkSchemaVersion(ctx, s.db); err != nil {
		return err
	}
	if err := s.migrate(ctx); err != nil {
		return err
	}
	if err := applySchema(ctx, s.db); err != nil {
		return err
	}
	var loaded int
	if err := s.db.QueryRowContext(ctx, `SELECT count(*) FROM meta WHERE key = 'bundled'`).Scan(&loaded); err != nil {
		return fmt.Errorf("read meta: %w", err)
	}
	if loaded == 0 {
		if err := s.loadBundled(ctx, bundled); err != nil {
			return fmt.Errorf("load bundled dataset: %w", err)
		}
	}
	if err := s.keepOrder(ctx); err != nil {
		return err
	}
	return s.readState(ctx)
}

// keepOrder re-sorts the observations of a database file that an earlier chiso stored in
// another order (meta's observation_order is not observationOrder), in one transaction.
// Nothing changes but the order, so the dataset version stays.
func (s *Store) keepOrder(ctx context.Context) error {
	var order string
	err := s.db.QueryRowContext(ctx, `SELECT value FROM meta WHERE key = 'observation_order'`).Scan(&order)
	if err == nil && order == observationOrder {
		return nil
	}
	if err != nil && !errors.Is(err, sql.ErrNoRows) {
		return fmt.Errorf("read meta: %w", err)
	}
	if err := s.inConnTx(ctx, func(conn *sql.Conn) error { return resortObservations(ctx, conn) }); err != nil {
		return fmt.Errorf("sort the observations in the order of this chiso (nothing was changed): %w", diskFull(err))
	}
	return nil
}

// readState reads what the store keeps in memory: the registry, the catalogue, the sources and
// the dataset version.
func (s *Store) readState(ctx context.Context) error {
	var err error
	if s.registry, err = s.readRegistry(ctx); err != nil {
		return err
	}
	cat, err := s.readIndicators(ctx)
	if err != nil {
		return err
	}
	s.catalogue.Store(cat)
	if err := s.readSources(ctx); err != nil {
		return err
	}
	if err := s.db.QueryRowContext(ctx, `SELECT value FROM meta WHERE key = 'version'`).Scan(&s.version); err != nil {
		return fmt.Errorf("read dataset version: %w", err)
	}
	if err := s.ensureHistory(ctx); err != nil {
		return err
	}
	// The first query after opening is slower: warm the observation scan up now.
	key, _ := cat.key("pci")
	_, err = s.db.ExecContext(ctx, `SELECT count(*), sum(value) FROM observation WHERE indicator_key = ?`, key)
	return err
}

// SetMemoryLimit caps the memory DuckDB's buffer manager uses (tables, temporary tables,
// joins, sorts) at limit bytes; above it DuckDB spills to files in tempDir ("" leaves DuckDB's
// default: FILE.tmp beside a database file). Go's own memory is not counted.
func (s *Store) SetMemoryLimit(ctx context.Context, limit int64, tempDir string) error {
	if _, err := s.db.ExecContext(ctx, fmt.Sprintf("SET memory_limit = '%dB'", limit)); err != nil {
		return fmt.Errorf("set memory limit: %w", err)
	}
	if tempDir != "" {
		if _, err := s.db.ExecContext(ctx, "SET temp_directory = "+sqlString(tempDir)); err != nil {
			return fmt.Errorf("set temp directory: %w", err)
		}
	}
	return nil
}

// Close closes the database; for a file database this flushes the write-ahead log.
func (s *Store) Close() error {
	err := s.closeSandbox()
	if cerr := s.db.Close(); err == nil {
		err = cerr
	}
	if cerr := s.conn.Close(); err == nil {
		err = cerr
	}
	if s.copyDir != "" {
		if rerr := os.RemoveAll(s.copyDir); err == nil {
			err = rerr
		}
	}
	return err
}

// Registry returns the province registry: the 63 and the 34 units and their lineage.
func (s *Store) Registry() *Registry { return s.registry }

// Version returns the dataset version: a content hash of the observations loaded.
func (s *Store) Version() string {
	s.mu.RLock()
	defer s.mu.RUnlock()
	return s.version
}

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
		// Unit keys in id order.
		var rows [][]any
		unitKeys := map[string]int32{}
		for _, u := range b.units {
			unitKeys[u.ID] = 0
		}
		for i, id := range slices.Sorted(maps.Keys(unitKeys)) {
			unitKeys[id] = int32(i + 1)
		}
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
		// Source keys in id order too.
		rows = rows[:0]
		sourceKeys := map[string]int32{}
		for i, id := range slices.Sorted(maps.Keys(b.sources)) {
			sourceKeys[id] = int32(i + 1)
			rows = append(rows, []any{id, int32(i + 1), b.sources[id], nullString(citationURL(b.sources[id]))})
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

// batchKey returns the key of the batch id in the batch table, adding it after the highest
// key if it is not there.
func batchKey(ctx context.Context, conn *sql.Conn, id string) (int32, error) {
	if _, err := conn.ExecContext(ctx, `INSERT INTO batch SELECT (SELECT coalesce(max(key), 0) + 1 FROM batch), ?
		WHERE NOT EXISTS (SELECT 1 FROM batch WHERE id = ?)`, id, id); err != nil {
		return 0, fmt.Errorf("batch %s: %w", id, err)
	}
	var key int32
	if err := conn.QueryRowContext(ctx, `SELECT key FROM batch WHERE id = ?`, id).Scan(&key); err != nil {
		return 0, fmt.Errorf("batch %s: %w", id, err)
	}
	return key, nil
}

// addSources adds the sources of relation (a table or a subquery with columns id, citation
// and url) that the source table does not have, with keys after the highest, in id order.
func addSources(ctx context.Context, conn *sql.Conn, relation string, args ...any) error {
	if _, err := conn.ExecContext(ctx, `INSERT INTO source
		SELECT n.id, (SELECT coalesce(max(key), 0) FROM source) + row_number() OVER (ORDER BY n.id), n.citation, n.url
		FROM (SELECT DISTINCT id, citation, url FROM `+relation+`) n WHERE n.id NOT IN (SELECT id FROM source)`, args...); err != nil {
		return fmt.Errorf("add sources: %w", err)
	}
	return nil
}

// inConnTx runs fn on a connection of its own inside one transaction (inTx).
func (s *Store) inConnTx(ctx context.Context, fn func(conn *sql.Conn) error) error {
	conn, err := s.db.Conn(ctx)
	if err != nil {
		return err
	}
	defer conn.Close()
	return inTx(ctx, conn, func() error { return fn(conn) })
}

// inTx runs fn inside one transaction on conn: all of it lands, or none of it.
func inTx(ctx context.Context, conn *sql.Conn, fn func() error) error {
	if _, err := conn.ExecContext(ctx, "BEGIN TRANSACTION"); err != nil {
		return fmt.Errorf("begin: %w", err)
	}
	if err := fn(); err != nil {
		// A cancelled ctx must not keep the rollback from running.
		if _, rerr := conn.ExecContext(context.WithoutCancel(ctx), "ROLLBACK"); rerr != nil {
			return errors.Join(err, fmt.Errorf("rollback: %w", rerr))
		}
		return err
	}
	if _, err := conn.ExecContext(ctx, "COMMIT"); err != nil {
		return fmt.Errorf("commit: %w", err)
	}
	return nil
}

// appendRows bulk-loads rows into table through the DuckDB Appender.
func appendRows(ctx context.Context, conn *sql.Conn, table string, rows [][]any) error {
	return appendWith(ctx, conn, table, rows, func(dc driver.Conn) (*duckdb.Appender, error) {
		return duckdb.NewAppenderFromConn(dc, "", table)
	})
}

// appendWith bulk-loads rows through the Appender that open makes on the connection.
func appendWith(ctx context.Context, conn *sql.Conn, table string, rows [][]any, open func(driver.Conn) (*duckdb.Appender, error)) error {
	return conn.Raw(func(dc any) error {
		a, err := open(dc.(driver.Conn))
		if err != nil {
			return fmt.Errorf("appender %s: %w", table, err)
		}
		vals := make([]driver.Value, 0, 16)
		for _, r := range rows {
			vals = vals[:0]
			for _, v := range r {
				vals = append(vals, v)
			}
			if err := a.AppendRow(vals...); err != nil {
				a.Close()
				return fmt.Errorf("append %s: %w", table, err)
			}
		}
		if err := a.CloseWithCancel(ctx); err != nil {
			return fmt.Errorf("append %s: %w", table, err)
		}
		return nil
	})
}

// observationOrder is the physical order of the observation table.
//
// Year before unit: a comparison or a ranking reads one indicator in one year, which is then
// one run of rows (a few vectors), not one row in every twenty across the indicator's rows.
const observationOrder = "indicator_key, year, unit_key, preferred DESC, source_key"

// resortObservations rewrites the observation table physically ordered by (indicator key,
// year, unit), so that DuckDB's zone maps answer a comparison or a ranking from a few row groups.
// It builds a new table and swaps it in: deleting and re-inserting would leave the deleted
// row groups in the scans.
func resortObservations(ctx context.Context, conn *sql.Conn) error {
	var ddl string
	if err := conn.QueryRowContext(ctx, `SELECT sql FROM duckdb_tables() WHERE table_name = 'observation' AND NOT temporary`).Scan(&ddl); err != nil {
		return fmt.Errorf("sort observations: %w", err)
	}
	ddl = strings.Replace(ddl, "observation", "observation_sorted", 1)
	for _, q := range []string{
		`DROP TABLE IF EXISTS observation_sorted`,
		ddl,
		`INSERT INTO observation_sorted SELECT * FROM observation ORDER BY ` + observationOrder,
		`DROP TABLE observation`,
		`ALTER TABLE observation_sorted RENAME TO observation`,
		`INSERT OR REPLACE INTO meta VALUES ('observation_order', '` + observationOrder + `')`,
	} {
		if _, err := conn.ExecContext(ctx, q); err != nil {
			return fmt.Errorf("sort observations: %w", err)
		}
	}
	return nil
}

// updateVersion recomputes the dataset version: a hash of the count and the sum of a hash of
// every observation's content and source. The sum does not depend on the physical order of
// the rows. It hashes the indicator's, unit's and source's ids, not their keys, so that the same
// figures have the same version whatever keys the database gave them (and as before the keys
// existed: pinned URLs /v/{version} name it). The counts and sums are kept by indicator in
// observation_digest: touched is a query of the indicator keys whose figures the write
// changed, and only those are summed again; "" (or a digest not yet made, in a database of an
// earlier chiso) sums every figure.
func updateVersion(ctx context.Context, conn *sql.Conn, touched string) error {
	if touched != "" {
		var digested, figures bool
		if err := conn.QueryRowContext(ctx, `SELECT EXISTS (FROM observation_digest), EXISTS (FROM observation)`).Scan(&digested, &figures); err != nil {
			return fmt.Errorf("dataset version: %w", err)
		}
		if !digested && figures {
			touched = ""
		}
	}
	only, onlyO := "", ""
	if touched != "" {
		only, onlyO = " WHERE indicator_key IN ("+touched+")", " WHERE o.indicator_key IN ("+touched+")"
	}
	for _, q := range []string{
		`DELETE FROM observation_digest` + only,
		`INSERT INTO observation_digest
			SELECT o.indicator_key, count(*), sum(hash(i.id, u.id, o.year, o.value, o.rank, o.rank_of, o.status::VARCHAR, o.verified, o.preferred, s.id)::HUGEINT)
			FROM observation o LEFT JOIN indicator i ON i.key = o.indicator_key LEFT JOIN unit u ON u.key = o.unit_key
				LEFT JOIN source s ON s.key = o.source_key` + onlyO + `
			GROUP BY o.indicator_key`,
		`INSERT OR REPLACE INTO meta
			SELECT 'version', left(md5(coalesce(sum(figures), 0)::VARCHAR || ':' || coalesce(sum(total), 0)::VARCHAR), 16) FROM observation_digest`,
	} {
		if _, err := conn.ExecContext(ctx, q); err != nil {
			return fmt.Errorf("dataset version: %w", err)
		}
	}
	return nil
}

func nullTime(t time.Time) any {
	if t.IsZero() {
		return nil
	}
	return t
}

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
