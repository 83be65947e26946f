package datasets

import (
	"context"
	"database/sql"
	"embed"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"sort"
	"strings"
	"sync"
	"sync/atomic"

	"github.com/duckdb/duckdb-go/v2"
)

//go:embed schema/*.sql
var schemaFS embed.FS

//go:embed bundled/*.csv
var bundledFS embed.FS

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
