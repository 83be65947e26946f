package datasets

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/duckdb/duckdb-go/v2"
)

// ErrOldSchema reports a database file written by an earlier chiso, whose tables are not
// those of this one, opened where it cannot be migrated.
var ErrOldSchema = errors.New("the database file has the schema of an earlier chiso; open it once for writing (chiso serve or chiso ingest, without --read-only) to migrate it")

// schemaVersion numbers the schema of this chiso, kept in meta ('schema'): a later chiso that
// changes the schema raises it, so that this one refuses a file it cannot read with ErrNewerSchema.
// Files from before the number have no such row (readSchemaAge tells their schema by its columns).
const schemaVersion = 4

// ErrNewerSchema reports a database file written by a later chiso, whose schema this one does not know.
var ErrNewerSchema = errors.New("the database file was written by a later chiso, with a schema this one does not know; open it with that chiso")

// checkSchemaVersion returns ErrNewerSchema if the database's meta says its schema is later than
// schemaVersion. A database without meta, or without the row, is not later.
func checkSchemaVersion(ctx context.Context, q queryer) error {
	if typ, err := columnType(ctx, q, "meta", "value"); err != nil || typ == "" {
		return err
	}
	var v sql.NullString
	err := q.QueryRowContext(ctx, `SELECT value FROM meta WHERE key = 'schema'`).Scan(&v)
	if errors.Is(err, sql.ErrNoRows) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("read the schema: %w", err)
	}
	if n, err := strconv.Atoi(v.String); err != nil || n > schemaVersion {
		return fmt.Errorf("%w (schema %s; this chiso knows up to %d)", ErrNewerSchema, v.String, schemaVersion)
	}
	return nil
}

// recordSchemaVersion writes schemaVersion into meta, inside the caller's transaction: when a
// database is made, and when it is migrated.
func recordSchemaVersion(ctx context.Context, conn *sql.Conn) error {
	_, err := conn.ExecContext(ctx, `INSERT OR REPLACE INTO meta VALUES ('schema', ?)`, strconv.Itoa(schemaVersion))
	return err
}

// A queryer runs queries: a *sql.DB or a *sql.Conn.
type queryer interface {
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
}

// columnType is the type of a column of a table of the database's main schema, as DuckDB
// names it ("VARCHAR", "ENUM('a', 'b')"), or "" if there is no such column.
func columnType(ctx context.Context, q queryer, table, column string) (string, error) {
	var typ string
	err := q.QueryRowContext(ctx, `SELECT data_type FROM duckdb_columns()
		WHERE database_name = current_database() AND schema_name = 'main' AND table_name = ? AND column_name = ?`,
		table, column).Scan(&typ)
	if errors.Is(err, sql.ErrNoRows) {
		return "", nil
	}
	if err != nil {
		return "", fmt.Errorf("read the schema: %w", err)
	}
	return typ, nil
}

// schemaAge is what a database file has of the schemas of earlier chisos: each is a column
// that this one no longer has, or has with another type.
type schemaAge struct {
	indicatorID bool // observation.indicator_id: figures named their indicator by id (before indicator keys)
	unitID      bool // observation.unit_id: figures named their unit by id (before unit keys)
	unitNoKey   bool // unit has no key
	statusText  bool // observation.status VARCHAR (before the type figure_status)
	sourceID    bool // observation.source_id: figures named their source by id (before source keys)
	batchText   bool // observation.batch VARCHAR: the batch's id (before the batch table)
	sourceNoKey bool // source has no key
}

// old reports whether anything is to be migrated.
func (a schemaAge) old() bool {
	return a.indicatorID || a.unitID || a.unitNoKey || a.statusText || a.sourceID || a.batchText || a.sourceNoKey
}

// String names the old columns.
func (a schemaAge) String() string {
	var cols []string
	for _, c := range []struct {
		old  bool
		name string
	}{
		{a.indicatorID, "observation.indicator_id"}, {a.unitID, "observation.unit_id"}, {a.unitNoKey, "unit without key"},
		{a.statusText, "observation.status as text"},
		{a.sourceID, "observation.source_id"}, {a.batchText, "observation.batch"}, {a.sourceNoKey, "source without key"},
	} {
		if c.old {
			cols = append(cols, c.name)
		}
	}
	return strings.Join(cols, ", ")
}

// readSchemaAge reads what the database has of earlier schemas, in one read of its columns; a
// database of a later chiso is ErrNewerSchema (checkSchemaVersion). A database with none of the
// tables yet has nothing old.
func readSchemaAge(ctx context.Context, q queryer) (schemaAge, error) {
	if err := checkSchemaVersion(ctx, q); err != nil {
		return schemaAge{}, err
	}
	var cols string
	err := q.QueryRowContext(ctx, `SELECT coalesce(string_agg(table_name || '.' || column_name || ' ' || data_type, chr(10)), '')
		FROM duckdb_columns() WHERE database_name = current_database() AND schema_name = 'main'
			AND table_name IN ('observation', 'source', 'unit')`).Scan(&cols)
	if err != nil {
		return schemaAge{}, fmt.Errorf("read the schema: %w", err)
	}
	typ := map[string]string{}
	for _, c := range strings.Split(cols, "\n") { // a type may hold commas: ENUM('a', 'b')
		if name, t, ok := strings.Cut(c, " "); ok {
			typ[name] = t
		}
	}
	_, indicatorID := typ["observation.indicator_id"]
	_, unitID := typ["observation.unit_id"]
	_, unit := typ["unit.id"]
	_, unitKey := typ["unit.key"]
	_, sourceID := typ["observation.source_id"]
	_, batch := typ["observation.batch"]
	_, source := typ["source.id"]
	_, sourceKey := typ["source.key"]
	return schemaAge{
		indicatorID: indicatorID,
		unitID:      unitID,
		unitNoKey:   unit && !unitKey,
		statusText:  typ["observation.status"] == "VARCHAR",
		sourceID:    sourceID,
		batchText:   batch,
		sourceNoKey: source && !sourceKey,
	}, nil
}

// migrate brings a database file written by an earlier chiso to the current schema, in one
// transaction: all of it, or (on any error) nothing. The observations are copied into the
// current table, sorted (observationOrder): each gets the keys of its indicator, unit and
// source in place of their ids (each table, if it had no keys, gets them in id order), its
// batch's key in place of the batch's id (the batches numbered in the order of the history,
// dataset_version) and its status as figure_status. The dataset version is a hash of the ids,
// not the keys, and of the status as text, so it stays what it was. A database with the
// current schema, or with none yet, is left alone; one of a later chiso is ErrNewerSchema.
func (s *Store) migrate(ctx context.Context) error {
	age, err := readSchemaAge(ctx, s.db)
	if err != nil || !age.old() {
		return err
	}
	s.migrated = age
	// The tables that had no keys yet: each is renamed, made again by applySchema, and filled
	// from the old one with keys in id order (the indicator table had none when the figures
	// named their indicator by id).
	var keyless []string
	for _, t := range []struct {
		old   bool
		table string
	}{{age.indicatorID, "indicator"}, {age.unitNoKey, "unit"}, {age.sourceNoKey, "source"}} {
		if t.old {
			keyless = append(keyless, t.table)
		}
	}
	err = s.inConnTx(ctx, func(conn *sql.Conn) error {
		// A figure whose indicator, unit or source is missing from its table would have no
		// key: refuse rather than drop it.
		for _, ref := range []struct {
			old                 bool
			column, table, what string
		}{
			{age.indicatorID, "indicator_id", "indicator", "an indicator"},
			{age.unitID, "unit_id", "unit", "a unit"},
			{age.sourceID, "source_id", "source", "a source"},
		} {
			if !ref.old {
				continue
			}
			var orphans int
			var example sql.NullString
			if err := conn.QueryRowContext(ctx, fmt.Sprintf(`SELECT count(*), min(%[1]s) FROM observation
				WHERE %[1]s NOT IN (SELECT id FROM %[2]s)`, ref.column, ref.table)).Scan(&orphans, &example); err != nil {
				return err
			}
			if orphans > 0 {
				return fmt.Errorf("%d figures name %s that the %s table does not have (such as %q)", orphans, ref.what, ref.table, example.String)
			}
		}
		var before int64
		if err := conn.QueryRowContext(ctx, `SELECT count(*) FROM observation`).Scan(&before); err != nil {
			return err
		}
		// The view over the observations reads the new columns: dropped here, it is made again
		// by applySchema, with the new tables.
		renames := []string{`DROP VIEW IF EXISTS observations_v`}
		for _, t := range keyless {
			renames = append(renames, `ALTER TABLE `+t+` RENAME TO chiso_`+t+`_old`)
		}
		renames = append(renames, `ALTER TABLE observation RENAME TO chiso_observation_old`)
		for _, q := range renames {
			if _, err := conn.ExecContext(ctx, q); err != nil {
				return err
			}
		}
		if err := applySchema(ctx, conn); err != nil {
			return err
		}
		ind, unit, src, batch, joins := "o.indicator_key", "o.unit_key", "o.source_key", "o.batch_key", ""
		var fill []string
		for _, t := range keyless {
			fill = append(fill, `INSERT INTO `+t+` BY NAME
				SELECT *, CAST(row_number() OVER (ORDER BY id) AS INTEGER) AS key FROM chiso_`+t+`_old`)
		}
		if age.indicatorID {
			ind, joins = "i.key", joins+" JOIN indicator i ON i.id = o.indicator_id"
		}
		if age.unitID {
			unit, joins = "u.key", joins+" JOIN unit u ON u.id = o.unit_id"
		}
		if age.sourceID {
			src, joins = "s.key", joins+" JOIN source s ON s.id = o.source_id"
		}
		if age.batchText {
			fill = append(fill, `INSERT INTO batch
				SELECT CAST(row_number() OVER (ORDER BY v.seq NULLS LAST, b.id) AS INTEGER), b.id
				FROM (SELECT DISTINCT batch AS id FROM chiso_observation_old) b
				LEFT JOIN (SELECT batch AS id, min(seq) AS seq FROM dataset_version GROUP BY 1) v USING (id)`)
			batch, joins = "b.key", joins+" JOIN batch b ON b.id = o.batch"
		}
		fill = append(fill, fmt.Sprintf(`INSERT INTO observation
			SELECT %s AS indicator_key, %s AS unit_key, o.year, o.value, o.rank, o.rank_of, o.status::figure_status AS status,
				o.verified, o.preferred, %s AS source_key, %s AS batch_key
			FROM chiso_observation_old o%s
			ORDER BY `+observationOrder, ind, unit, src, batch, joins),
			`INSERT OR REPLACE INTO meta VALUES ('observation_order', '`+observationOrder+`')`)
		for _, q := range fill {
			if _, err := conn.ExecContext(ctx, q); err != nil {
				return err
			}
		}
		if err := recordSchemaVersion(ctx, conn); err != nil {
			return err
		}
		var after int64
		if err := conn.QueryRowContext(ctx, `SELECT count(*) FROM observation`).Scan(&after); err != nil {
			return err
		}
		if after != before {
			return fmt.Errorf("%d figures before, %d after", before, after)
		}
		drops := []string{`DROP TABLE chiso_observation_old`}
		for _, t := range keyless {
			drops = append(drops, `DROP TABLE chiso_`+t+`_old`)
		}
		for _, q := range drops {
			if _, err := conn.ExecContext(ctx, q); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("migrate the database from the schema of an earlier chiso (%s; nothing was changed): %w", age, diskFull(err))
	}
	return nil
}

// Migrated names what Open brought to the current schema from that of an earlier chiso (the
// old columns, as "observation.source_id, observation.batch"), or "" if the file needed
// nothing. The figures and the dataset version are those the file had.
func (s *Store) Migrated() string { return s.migrated.String() }

// OpenUnchanged opens the database file at path for work that changes nothing in it (validate,
// export, an ingest's dry run). It is Open, except for a file of an earlier chiso's schema,
// which Open would migrate in place: OpenUnchanged migrates a copy of it in a temporary
// directory and opens that, and Close removes the copy; the file stays as it was. Migrated
// then says what the copy was migrated from.
func OpenUnchanged(ctx context.Context, path string) (*Store, error) {
	if path == "" {
		return Open(ctx, path)
	}
	if _, err := os.Stat(path); errors.Is(err, os.ErrNotExist) {
		return Open(ctx, path) // a new file: nothing of it to change
	}
	age, err := fileSchemaAge(ctx, path)
	if err != nil {
		if lockConflict(err) {
			return Open(ctx, path) // which names the process that holds the file
		}
		return nil, fmt.Errorf("open %s: %w", path, err)
	}
	if !age.old() {
		return Open(ctx, path)
	}
	dir, err := os.MkdirTemp("", "chiso-migrated-")
	if err != nil {
		return nil, fmt.Errorf("open %s: a copy to migrate: %w", path, err)
	}
	cp := filepath.Join(dir, filepath.Base(path))
	for _, suffix := range []string{"", ".wal"} {
		if err := copyFile(path+suffix, cp+suffix); err != nil && !(suffix != "" && errors.Is(err, os.ErrNotExist)) {
			os.RemoveAll(dir)
			return nil, fmt.Errorf("open %s: a copy to migrate: %w", path, diskFull(err))
		}
	}
	s, err := Open(ctx, cp)
	if err != nil {
		os.RemoveAll(dir)
		return nil, fmt.Errorf("open %s (a migrated copy): %w", path, err)
	}
	s.copyDir = dir
	return s, nil
}

// fileSchemaAge is readSchemaAge of the database file at path, opened read-only.
func fileSchemaAge(ctx context.Context, path string) (schemaAge, error) {
	connector, err := duckdb.NewConnector(path+"?access_mode=READ_ONLY", nil)
	if err != nil {
		return schemaAge{}, err
	}
	defer connector.Close()
	db := sql.OpenDB(connector)
	defer db.Close()
	return readSchemaAge(ctx, db)
}

// copyFile copies the file src to dst, a new file.
func copyFile(src, dst string) error {
	in, err := os.Open(src)
	if err != nil {
		return err
	}
	defer in.Close()
	out, err := os.OpenFile(dst, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if err != nil {
		return err
	}
	if _, err := io.Copy(out, in); err != nil {
		out.Close()
		return err
	}
	return out.Close()
}
