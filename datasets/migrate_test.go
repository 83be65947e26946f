package datasets

import (
	"bytes"
	"context"
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"strconv"
	"strings"
	"testing"
)

// TestOpenMigratesEarlierSchemas: a database file written by an earlier chiso after indicator
// keys (figures naming their unit, source and batch by id; status as text, or as figure_status)
// opens with the current schema: the same figures, in order, the same version, the views as
// they were. Read-only, it is refused with what to do. A migration that fails changes nothing.
func TestOpenMigratesEarlierSchemas(t *testing.T) {
	for _, tc := range []struct {
		name   string
		text   bool     // the old file has status as text
		age    string   // what readSchemaAge finds
		breaks []string // statements that make the migration fail
		fix    []string // and undo them
		want   string   // what the failure's error names
	}{
		{"StatusText", true, "observation.unit_id, unit without key, observation.status as text, observation.source_id, observation.batch, source without key",
			// A status outside the type (a file edited by hand): the conversion fails.
			[]string{`UPDATE observation SET status = 'withheld' WHERE status = 'not_published' AND year = (SELECT min(year) FROM observation WHERE status = 'not_published')`},
			[]string{`UPDATE observation SET status = 'not_published' WHERE status = 'withheld'`}, "withheld"},
		{"SourceIDAndBatch", false, "observation.unit_id, unit without key, observation.source_id, observation.batch, source without key",
			// A figure of a source that the source table lacks.
			[]string{`CREATE TABLE chiso_test_source AS SELECT * FROM source WHERE id IN (SELECT source_id FROM observation WHERE unit_id = 'vn63.93' AND year = 2021)`,
				`DELETE FROM source WHERE id IN (SELECT id FROM chiso_test_source)`},
			[]string{`INSERT INTO source SELECT * FROM chiso_test_source`, `DROP TABLE chiso_test_source`}, "figures name a source that the source table does not have"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			ctx := context.Background()
			path := filepath.Join(t.TempDir(), "earlier.duckdb")
			s, wantObs := openFileStore(t, path)
			var wantWithheld int
			if err := s.db.QueryRow(`SELECT count(*) FROM observation WHERE status = 'not_published'`).Scan(&wantWithheld); err != nil || wantWithheld == 0 {
				t.Fatalf("%d figures not published in the bundled data (%v); the test needs some", wantWithheld, err)
			}
			s.Close()
			if err := EarlierSchema(ctx, path, tc.text); err != nil {
				t.Fatal(err)
			}
			fileAge := func() string {
				t.Helper()
				db, done := openFile(t, path)
				defer done()
				age, err := readSchemaAge(ctx, db)
				if err != nil {
					t.Fatal(err)
				}
				return age.String()
			}
			if got := fileAge(); got != tc.age {
				t.Fatalf("the old file has %q, want %q: the test tests something else", got, tc.age)
			}

			t.Run("ReadOnlyRefuses", func(t *testing.T) {
				_, err := OpenReadOnly(ctx, path)
				if !errors.Is(err, ErrOldSchema) || !strings.Contains(err.Error(), "open it once for writing") || !strings.Contains(err.Error(), "observation.source_id") {
					t.Errorf("OpenReadOnly(earlier schema) error = %v, want ErrOldSchema naming observation.source_id and saying what to do", err)
				}
			})

			t.Run("FailedMigrationChangesNothing", func(t *testing.T) {
				execFile(t, path, tc.breaks...)
				_, err := Open(ctx, path)
				if err == nil || !strings.Contains(err.Error(), "nothing was changed") || !strings.Contains(err.Error(), tc.want) {
					t.Fatalf("Open with a migration that fails: error = %v, want one saying nothing was changed and naming %q", err, tc.want)
				}
				if got := fileAge(); got != tc.age {
					t.Errorf("after the failed migration the file has %q, want %q", got, tc.age)
				}
				execFile(t, path, append([]string{`SELECT count(*) FROM observations_v`}, tc.fix...)...)
			})

			t.Run("OK", func(t *testing.T) {
				s := openMigrated(t, path)
				defer s.Close()
				if obs, err := s.Observations(ctx, ObservationQuery{}); err != nil || !reflect.DeepEqual(obs, wantObs) {
					t.Errorf("Observations after the migration: %d, %v; want the %d before it, equal", len(obs), err, len(wantObs))
				}
				var withheld int
				if err := s.db.QueryRow(`SELECT count(*) FROM observation WHERE status = 'not_published'`).Scan(&withheld); err != nil || withheld != wantWithheld {
					t.Errorf("%d figures not published after the migration (%v), want %d", withheld, err, wantWithheld)
				}
				res, err := s.ReadOnlyQuery(ctx, `SELECT typeof(status), status, value, rank, source FROM observations_v
					WHERE indicator = 'pci' AND unit_id = 'vn63.93' AND year = 2021 AND preferred`, 10)
				if err != nil || len(res.Rows) != 1 || res.Rows[0][0] != "VARCHAR" || res.Rows[0][1] != "published" || res.Rows[0][2] != 63.80 ||
					!strings.Contains(res.Rows[0][4].(string), "PCI") {
					t.Errorf("observations_v after the migration: %v, %v; want one VARCHAR 'published' figure of 63.80 from a PCI source", res.Rows, err)
				}
			})
		})
	}
}

// openMigrated opens the file at path, which has the bundled data in the schema of an earlier
// chiso, and checks what every migration must give: nothing of an earlier schema left, the
// version as it was, the figures in order, unit and source keys in id order, and one batch.
func openMigrated(t *testing.T, path string) *Store {
	t.Helper()
	ctx := context.Background()
	s, err := Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	if age, err := readSchemaAge(ctx, s.db); err != nil || age.old() {
		s.Close()
		t.Fatalf("after Open the file still has %s (%v)", age, err)
	}
	if got := s.Version(); got != bundledVersion {
		t.Errorf("version after the migration = %s, want %s", got, bundledVersion)
	}
	if n, descents := physicalDescents(t, s.db); descents != 0 {
		t.Errorf("%d of %d figures out of order after the migration", descents, n)
	}
	for _, table := range []string{"unit", "source"} {
		if n := keysOutOfIDOrder(t, s, table); n > 0 {
			t.Errorf("%d %s keys not in id order", n, table)
		}
	}
	var batches string
	if err := s.db.QueryRow(`SELECT string_agg(key || ' ' || id, ', ' ORDER BY key) FROM batch`).Scan(&batches); err != nil || batches != "1 bundled" {
		t.Errorf("batches after the migration: %q (%v), want 1 bundled", batches, err)
	}
	var schema string
	if err := s.db.QueryRow(`SELECT value FROM meta WHERE key = 'schema'`).Scan(&schema); err != nil || schema != strconv.Itoa(schemaVersion) {
		t.Errorf("meta schema after the migration: %q (%v), want %d", schema, err, schemaVersion)
	}
	return s
}

// keysOutOfIDOrder is the number of rows of table (indicator or source) whose key is not their
// rank in id order.
func keysOutOfIDOrder(t *testing.T, s *Store, table string) int {
	t.Helper()
	var n int
	if err := s.db.QueryRow(`SELECT count(*) FROM (SELECT key, row_number() OVER (ORDER BY id) AS n FROM ` + table + `) WHERE key <> n`).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

// TestOpenUnchanged: a file of an earlier chiso's schema, opened for work that changes nothing,
// is read through a migrated copy: the figures and the version are the file's, the file stays
// byte for byte as it was, and Close removes the copy. A file of the current schema is opened
// as it is.
func TestOpenUnchanged(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "earlier.duckdb")
	s, wantObs := openFileStore(t, path)
	s.Close()
	if err := EarlierSchema(ctx, path, false); err != nil {
		t.Fatal(err)
	}
	before, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	s, err = OpenUnchanged(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	copyDir := s.copyDir
	if s.Migrated() != "observation.unit_id, unit without key, observation.source_id, observation.batch, source without key" || copyDir == "" {
		t.Errorf("Migrated() = %q, copy in %q; want the old columns and a copy", s.Migrated(), copyDir)
	}
	if obs, err := s.Observations(ctx, ObservationQuery{}); err != nil || !reflect.DeepEqual(obs, wantObs) || s.Version() != bundledVersion {
		t.Errorf("through the copy: %d figures, %v, version %s; want the %d of the file, version %s", len(obs), err, s.Version(), len(wantObs), bundledVersion)
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(copyDir); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("the copy's directory is still there after Close: %v", err)
	}
	after, err := os.ReadFile(path)
	if err != nil || !bytes.Equal(before, after) {
		t.Errorf("OpenUnchanged changed the file: %d bytes → %d (%v)", len(before), len(after), err)
	}

	// Migrated in place by Open, the file is then opened as it is.
	s = openMigrated(t, path)
	if s.Migrated() == "" {
		t.Error("Open migrated the file but Migrated() is empty")
	}
	s.Close()
	s, err = OpenUnchanged(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if s.copyDir != "" || s.Migrated() != "" {
		t.Errorf("a file of the current schema: copy %q, Migrated() %q; want the file itself", s.copyDir, s.Migrated())
	}
}

// TestNewerSchemaRefused: a new database records its schema's number; a file whose number is
// later than this chiso's is refused by every way of opening it, with ErrNewerSchema, and left
// as it was.
func TestNewerSchemaRefused(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "later.duckdb")
	s, _ := openFileStore(t, path)
	var schema string
	if err := s.db.QueryRow(`SELECT value FROM meta WHERE key = 'schema'`).Scan(&schema); err != nil || schema != strconv.Itoa(schemaVersion) {
		t.Errorf("a new database's schema: %q (%v), want %d", schema, err, schemaVersion)
	}
	s.Close()
	execFile(t, path, `UPDATE meta SET value = '`+strconv.Itoa(schemaVersion+1)+`' WHERE key = 'schema'`)
	before, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	for name, open := range map[string]func(context.Context, string) (*Store, error){"Open": Open, "OpenReadOnly": OpenReadOnly, "OpenUnchanged": OpenUnchanged} {
		s, err := open(ctx, path)
		if err == nil {
			s.Close()
		}
		if !errors.Is(err, ErrNewerSchema) || !strings.Contains(err.Error(), "later chiso") {
			t.Errorf("%s of a later schema: %v, want ErrNewerSchema", name, err)
		}
	}
	if after, err := os.ReadFile(path); err != nil || !bytes.Equal(before, after) {
		t.Errorf("opening a file of a later schema changed it (%v)", err)
	}
}
