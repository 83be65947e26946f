package datasets

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"os"

	"github.com/duckdb/duckdb-go/v2"
)

// OpenReadOnly opens an existing database file for reading only, as replicas behind a cache
// do: several processes may read one file at once, and none of them writes it (no schema, no
// bundled data; ingest fails). The file must have been created by Open or chiso ingest.
func OpenReadOnly(ctx context.Context, path string) (*Store, error) {
	if path == "" {
		return nil, errors.New("open read-only: a database file is needed (--db FILE)")
	}
	if _, err := os.Stat(path); err != nil {
		return nil, fmt.Errorf("open read-only %s: %w", path, err)
	}
	connector, err := duckdb.NewConnector(path+"?access_mode=READ_ONLY", nil)
	if err != nil {
		return nil, fmt.Errorf("open read-only %s: %w", path, err)
	}
	s := &Store{db: sql.OpenDB(connector), conn: connector, readOnly: true}
	if age, err := readSchemaAge(ctx, s.db); err != nil || age.old() {
		s.Close()
		if err == nil {
			err = fmt.Errorf("%w (%s)", ErrOldSchema, age)
		}
		return nil, fmt.Errorf("open read-only %s: %w", path, err)
	}
	if err := s.readState(ctx); err != nil {
		s.Close()
		return nil, fmt.Errorf("open read-only %s: %w", path, err)
	}
	return s, nil
}
