package datasets

import (
	"context"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
)

// statusType is the type of observation.status in the file at path.
func statusType(t *testing.T, path string) string {
	t.Helper()
	return fileColumnType(t, path, "observation", "status")
}

// TestOpenMigratesStatusText: a database file written when observation.status was text opens
// with the type figure_status: the same figures in the same order and the same version, the
// view still reads the status as text. Read-only, it opens as it is. A migration that fails
// changes nothing.
func TestOpenMigratesStatusText(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "text-status.duckdb")
	s, wantObs := openFileStore(t, path)
	var wantWithheld int
	if err := s.db.QueryRow(`SELECT count(*) FROM observation WHERE status = 'not_published'`).Scan(&wantWithheld); err != nil || wantWithheld == 0 {
		t.Fatalf("%d figures not published in the bundled data (%v); the test needs some", wantWithheld, err)
	}
	s.Close()
	if typ := statusType(t, path); !strings.HasPrefix(typ, "ENUM") {
		t.Fatalf("a new file's observation.status is %s, want the ENUM figure_status", typ)
	}
	// Back to text, with the view as it was defined then.
	execFile(t, path, `DROP VIEW observations_v`, `ALTER TABLE observation ALTER status TYPE VARCHAR`,
		`CREATE VIEW observations_v AS
		SELECT i.id AS indicator, o.unit_id, u.code AS unit_code, u.unit_set, u.name_vi, u.name_en,
			o.year, o.value, o.rank, o.rank_of, o.status, o.verified, o.preferred, s.citation AS source, s.url AS source_url
		FROM observation o JOIN indicator i ON i.key = o.indicator_key JOIN unit u ON u.id = o.unit_id
			JOIN source s ON s.id = o.source_id`)
	if typ := statusType(t, path); typ != "VARCHAR" {
		t.Fatalf("status is %s, want VARCHAR for the test", typ)
	}

	t.Run("ReadOnly", func(t *testing.T) {
		s, err := OpenReadOnly(ctx, path)
		if err != nil {
			t.Fatal(err)
		}
		defer s.Close()
		if got := s.Version(); got != bundledVersion {
			t.Errorf("version = %s, want %s", got, bundledVersion)
		}
		if obs, err := s.Observations(ctx, ObservationQuery{}); err != nil || !reflect.DeepEqual(obs, wantObs) {
			t.Errorf("Observations read-only from a text status: %d, %v; want the %d of the new file, equal", len(obs), err, len(wantObs))
		}
	})

	t.Run("FailedMigrationChangesNothing", func(t *testing.T) {
		// A status outside the type (a file edited by hand): the conversion fails.
		execFile(t, path, `UPDATE observation SET status = 'withheld' WHERE status = 'not_published' AND year = (SELECT min(year) FROM observation WHERE status = 'not_published')`)
		_, err := Open(ctx, path)
		if err == nil || !strings.Contains(err.Error(), "nothing was changed") || !strings.Contains(err.Error(), "withheld") {
			t.Fatalf("Open with a status outside the type: error = %v, want one saying nothing was changed and naming the value", err)
		}
		if typ := statusType(t, path); typ != "VARCHAR" {
			t.Errorf("after the failed migration status is %s, want VARCHAR still", typ)
		}
		execFile(t, path, `SELECT count(*) FROM observations_v`, `UPDATE observation SET status = 'not_published' WHERE status = 'withheld'`)
	})

	t.Run("OK", func(t *testing.T) {
		s, err := Open(ctx, path)
		if err != nil {
			t.Fatal(err)
		}
		defer s.Close()
		if typ, err := columnType(ctx, s.db, "observation", "status"); err != nil || !strings.HasPrefix(typ, "ENUM") {
			t.Errorf("status after the migration is %s (%v), want the ENUM", typ, err)
		}
		if got := s.Version(); got != bundledVersion {
			t.Errorf("version after the migration = %s, want %s", got, bundledVersion)
		}
		if obs, err := s.Observations(ctx, ObservationQuery{}); err != nil || !reflect.DeepEqual(obs, wantObs) {
			t.Errorf("Observations after the migration: %d, %v; want the %d before it, equal", len(obs), err, len(wantObs))
		}
		var withheld int
		if err := s.db.QueryRow(`SELECT count(*) FROM observation WHERE status = 'not_published'`).Scan(&withheld); err != nil || withheld != wantWithheld {
			t.Errorf("%d figures not published after the migration (%v), want %d", withheld, err, wantWithheld)
		}
		if n, descents := physicalDescents(t, s.db); descents != 0 {
			t.Errorf("%d of %d figures out of order after the migration", descents, n)
		}
		res, err := s.ReadOnlyQuery(ctx, `SELECT typeof(status), status, value, rank FROM observations_v
			WHERE indicator = 'pci' AND unit_id = 'vn63.93' AND year = 2021 AND preferred`, 10)
		if err != nil || len(res.Rows) != 1 || res.Rows[0][0] != "VARCHAR" || res.Rows[0][1] != "published" || res.Rows[0][2] != 63.80 {
			t.Errorf("observations_v after the migration: %v, %v; want one VARCHAR 'published' figure of 63.80", res.Rows, err)
		}
	})
}
