package datasets

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"math/big"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/duckdb/duckdb-go/v2"
)

// SQLViews are the views researchers may query with ReadOnlyQuery (schema/090_views.sql).
var SQLViews = []string{"observations_v", "indicators_v", "indicator_breaks_v", "units_v", "lineage_v"}

// sqlSettings configure the snapshot database that ReadOnlyQuery runs on: opened read-only,
// no file, network or extension access beyond its own file, bounded memory and threads, and the
// configuration locked so that a query cannot undo any of it.
var sqlSettings = []string{
	"access_mode=READ_ONLY",
	"enable_external_access=false",
	"allow_community_extensions=false",
	"allow_unsigned_extensions=false",
	"autoinstall_known_extensions=false",
	"autoload_known_extensions=false",
	"allow_persistent_secrets=false",
	"threads=2",
	"memory_limit=512MB",
	"max_temp_directory_size=0KB",
	"lock_configuration=true",
}

// A SQLError is a query that ReadOnlyQuery refuses or DuckDB cannot run: not one SELECT, a
// syntax or binder error, a permission refused by the read-only connection. Reason says why.
type SQLError struct {
	Reason string
}

func (e *SQLError) Error() string { return e.Reason }

// An SQLColumn is a result column: its name and its DuckDB type ("VARCHAR", "DOUBLE", "INTEGER[]").
type SQLColumn struct {
	Name string `json:"name"`
	Type string `json:"type"`
}

// A Result is what a read-only query returned: its columns and rows, at most MaxRows of them.
// Values are plain Go values: nil, bool, int64, float64 (NaN and infinities as the strings
// "NaN", "Infinity", "-Infinity"), string (dates, times and timestamps in ISO 8601, UUIDs,
// intervals), json.Number (DECIMAL, HUGEINT and other exact numbers), []any (LIST, ARRAY),
// map[string]any (STRUCT, MAP with keys as text) and hex text for BLOBs.
type Result struct {
	Version   string // the dataset version of the snapshot queried
	Columns   []SQLColumn
	Rows      [][]any
	Truncated bool // the query had more than MaxRows rows; the rest were not read
	MaxRows   int
}

// ReadOnlyQuery runs one SELECT (or WITH … SELECT) statement over the SQLViews and returns at
// most maxRows rows. It runs on a separate DuckDB database: a snapshot of the views taken for the
// current dataset version, opened read-only with external access disabled and its configuration
// locked (sqlSettings). The statement is checked by DuckDB's own parser first: anything but a
// single SELECT is a *SQLError and never runs. The caller bounds the time with ctx: DuckDB
// interrupts the query when ctx is done, and the ctx error is returned wrapped.
func (s *Store) ReadOnlyQuery(ctx context.Context, query string, maxRows int) (Result, error) {
	if maxRows < 1 {
		return Result{}, fmt.Errorf("read-only query: maxRows %d < 1", maxRows)
	}
	box, release, err := s.sqlBox(ctx)
	if err != nil {
		return Result{}, err
	}
	defer release()
	conn, err := box.db.Conn(ctx)
	if err != nil {
		return Result{}, fmt.Errorf("read-only query: %w", err)
	}
	defer conn.Close()
	if err := checkSelect(ctx, conn, query); err != nil {
		return Result{}, err
	}
	res := Result{Version: box.version, MaxRows: maxRows}
	err = conn.Raw(func(dc any) error {
		c, ok := dc.(*duckdb.Conn)
		if !ok {
			return fmt.Errorf("driver connection is %T, not *duckdb.Conn", dc)
		}
		// One statement, checked above: preparing it executes nothing (duckdb-go runs every
		// statement but the last while preparing a multi-statement string).
		st, err := c.PrepareContext(ctx, query)
		if err != nil {
			return sqlError(ctx, err)
		}
		defer st.Close()
		stmt := st.(*duckdb.Stmt)
		if t, err := stmt.StatementType(); err != nil || t != duckdb.STATEMENT_TYPE_SELECT {
			return &SQLError{Reason: "only a SELECT or WITH … SELECT query may run"}
		}
		if stmt.NumInput() > 0 {
			return &SQLError{Reason: fmt.Sprintf("the query has %d parameters ($1, ?); write the values into it", stmt.NumInput())}
		}
		rows, err := stmt.QueryContext(ctx, nil)
		if err != nil {
			return sqlError(ctx, err)
		}
		defer rows.Close()
		return readRows(ctx, rows, &res)
	})
	if err != nil {
		return Result{}, err
	}
	return res, nil
}

// checkSelect asks DuckDB's parser (json_serialize_sql, which serialises SELECT statements
// only) whether query is exactly one SELECT statement. Comments and string literals are the
// parser's business, so a statement hidden after "--" or inside a string is seen for what it is.
func checkSelect(ctx context.Context, conn *sql.Conn, query string) error {
	if strings.TrimSpace(query) == "" {
		return &SQLError{Reason: "the query is empty"}
	}
	var js string
	if err := conn.QueryRowContext(ctx, `SELECT json_serialize_sql(?::VARCHAR)::VARCHAR`, query).Scan(&js); err != nil {
		return sqlError(ctx, err)
	}
	var parsed struct {
		Error      bool              `json:"error"`
		Type       string            `json:"error_type"`
		Message    string            `json:"error_message"`
		Statements []json.RawMessage `json:"statements"`
	}
	if err := json.Unmarshal([]byte(js), &parsed); err != nil {
		return fmt.Errorf("read-only query: read the parse of the query: %w", err)
	}
	switch {
	case parsed.Error && parsed.Type == "not implemented":
		return &SQLError{Reason: "only a SELECT or WITH … SELECT query may run (no COPY, ATTACH, INSTALL, LOAD, PRAGMA, SET, CREATE, INSERT, UPDATE, DELETE, CALL or EXPLAIN)"}
	case parsed.Error:
		return &SQLError{Reason: parsed.Message}
	case len(parsed.Statements) != 1:
		return &SQLError{Reason: fmt.Sprintf("one statement may run; the query has %d", len(parsed.Statements))}
	}
	return nil
}

// sqlError turns a failure of the user's query into a *SQLError, unless ctx ended it.
func sqlError(ctx context.Context, err error) error {
	if ctx.Err() != nil {
		return fmt.Errorf("read-only query: %w", ctx.Err())
	}
	var de *duckdb.Error
	if errors.As(err, &de) {
		return &SQLError{Reason: de.Msg}
	}
	return &SQLError{Reason: err.Error()}
}

// readRows reads at most res.MaxRows rows into res, noting whether there were more.
func readRows(ctx context.Context, rows driver.Rows, res *Result) error {
	names := rows.Columns()
	typed, _ := rows.(driver.RowsColumnTypeDatabaseTypeName)
	for i, n := range names {
		c := SQLColumn{Name: n}
		if typed != nil {
			c.Type = typed.ColumnTypeDatabaseTypeName(i)
		}
		res.Columns = append(res.Columns, c)
	}
	res.Rows = [][]any{}
	for {
		dest := make([]driver.Value, len(names))
		err := rows.Next(dest)
		if err == io.EOF {
			return nil
		}
		if err != nil {
			return sqlError(ctx, err)
		}
		if len(res.Rows) == res.MaxRows {
			res.Truncated = true
			return nil
		}
		row := make([]any, len(dest))
		for i, v := range dest {
			row[i] = plainValue(v, res.Columns[i].Type)
		}
		res.Rows = append(res.Rows, row)
	}
}

// plainValue converts a value duckdb-go returns into the plain values Result documents.
func plainValue(v any, typ string) any {
	switch x := v.(type) {
	case nil, bool, string, int64:
		return x
	case int8:
		return int64(x)
	case int16:
		return int64(x)
	case int32:
		return int64(x)
	case int:
		return int64(x)
	case uint8:
		return int64(x)
	case uint16:
		return int64(x)
	case uint32:
		return int64(x)
	case uint64:
		return json.Number(strconv.FormatUint(x, 10))
	case float32:
		return plainFloat(float64(x))
	case float64:
		return plainFloat(x)
	case *big.Int:
		return json.Number(x.String())
	case duckdb.Decimal:
		if x.Value == nil {
			return nil
		}
		return json.Number(x.String())
	case time.Time:
		switch {
		case typ == "DATE":
			return x.Format(time.DateOnly)
		case strings.HasPrefix(typ, "TIME") && !strings.HasPrefix(typ, "TIMESTAMP"):
			return x.Format("15:04:05.999999")
		}
		return x.Format(time.RFC3339Nano)
	case duckdb.Interval:
		return fmt.Sprintf("%d months %d days %d microseconds", x.Months, x.Days, x.Micros)
	case []byte:
		if typ == "UUID" && len(x) == 16 {
			return fmt.Sprintf("%x-%x-%x-%x-%x", x[0:4], x[4:6], x[6:8], x[8:10], x[10:16])
		}
		return hex.EncodeToString(x)
	case []any:
		out := make([]any, len(x))
		for i, e := range x {
			out[i] = plainValue(e, "")
		}
		return out
	case map[string]any:
		out := make(map[string]any, len(x))
		for k, e := range x {
			out[k] = plainValue(e, "")
		}
		return out
	case duckdb.OrderedMap:
		out := make(map[string]any, x.Len())
		keys, values := x.Keys(), x.Values()
		for i, k := range keys {
			out[fmt.Sprint(plainValue(k, ""))] = plainValue(values[i], "")
		}
		return out
	case duckdb.Union:
		return map[string]any{x.Tag: plainValue(x.Value, "")}
	default:
		return fmt.Sprint(x)
	}
}

func plainFloat(f float64) any {
	switch {
	case math.IsNaN(f):
		return "NaN"
	case math.IsInf(f, 1):
		return "Infinity"
	case math.IsInf(f, -1):
		return "-Infinity"
	}
	return f
}

// SQLTable is one of the SQLViews with its columns, as the snapshot has them.
type SQLTable struct {
	Name    string      `json:"name"`
	Columns []SQLColumn `json:"columns"`
}

// SQLTables lists the SQLViews and their columns and types.
func (s *Store) SQLTables(ctx context.Context) ([]SQLTable, error) {
	box, release, err := s.sqlBox(ctx)
	if err != nil {
		return nil, err
	}
	defer release()
	rows, err := box.db.QueryContext(ctx, `SELECT table_name, column_name, data_type FROM information_schema.columns
		WHERE table_schema = 'main' ORDER BY table_name, ordinal_position`)
	if err != nil {
		return nil, fmt.Errorf("list the SQL views: %w", err)
	}
	defer rows.Close()
	byName := map[string]*SQLTable{}
	for rows.Next() {
		var table string
		var c SQLColumn
		if err := rows.Scan(&table, &c.Name, &c.Type); err != nil {
			return nil, fmt.Errorf("list the SQL views: %w", err)
		}
		if byName[table] == nil {
			byName[table] = &SQLTable{Name: table}
		}
		byName[table].Columns = append(byName[table].Columns, c)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("list the SQL views: %w", err)
	}
	var out []SQLTable
	for _, name := range SQLViews {
		if t := byName[name]; t != nil {
			out = append(out, *t)
		}
	}
	return out, nil
}

// A sqlSnapshot is a read-only DuckDB database holding the SQLViews of one dataset version, in
// a temporary directory of its own.
type sqlSnapshot struct {
	version string
	dir     string
	conn    *duckdb.Connector
	db      *sql.DB
	users   sync.WaitGroup // queries running on it
}

// sqlSandbox holds the snapshot of the current dataset version; Store.Close closes it.
type sqlSandbox struct {
	mu      sync.Mutex
	current *sqlSnapshot
	closed  bool
}

// sqlBox returns the snapshot of the current dataset version, taking one if there is none or
// the data changed since; release must be called when the query is done. A replaced snapshot is
// closed and removed once its last query is done.
func (s *Store) sqlBox(ctx context.Context) (*sqlSnapshot, func(), error) {
	sb := &s.sandbox
	sb.mu.Lock()
	defer sb.mu.Unlock()
	if sb.closed {
		return nil, nil, errors.New("read-only query: the store is closed")
	}
	if sb.current == nil || sb.current.version != s.Version() {
		snap, err := s.snapshotViews(ctx)
		if err != nil {
			return nil, nil, err
		}
		if old := sb.current; old != nil {
			go func() { old.users.Wait(); old.close() }()
		}
		sb.current = snap
	}
	snap := sb.current
	snap.users.Add(1)
	return snap, snap.users.Done, nil
}

// closeSandbox closes the current snapshot once its queries are done.
func (s *Store) closeSandbox() error {
	sb := &s.sandbox
	sb.mu.Lock()
	defer sb.mu.Unlock()
	sb.closed = true
	if sb.current == nil {
		return nil
	}
	sb.current.users.Wait()
	err := sb.current.close()
	sb.current = nil
	return err
}

// snapshotViews copies the SQLViews, in one transaction, into a new DuckDB file and opens that
// file read-only with sqlSettings.
func (s *Store) snapshotViews(ctx context.Context) (_ *sqlSnapshot, err error) {
	dir, err := os.MkdirTemp("", "chiso-sql-")
	if err != nil {
		return nil, fmt.Errorf("snapshot for SQL: %w", err)
	}
	defer func() {
		if err != nil {
			os.RemoveAll(dir)
		}
	}()
	path := filepath.Join(dir, "views.duckdb")
	conn, err := s.db.Conn(ctx)
	if err != nil {
		return nil, fmt.Errorf("snapshot for SQL: %w", err)
	}
	defer conn.Close()
	// READ_WRITE: in a store opened read-only (a replica) an attached database is read-only
	// unless it says otherwise, and the new file could not be made.
	if _, err := conn.ExecContext(ctx, `ATTACH `+sqlString(path)+` AS chiso_sql_snapshot (READ_WRITE)`); err != nil {
		return nil, fmt.Errorf("snapshot for SQL: attach %s: %w", path, err)
	}
	var version string
	err = inTx(ctx, conn, func() error {
		for _, v := range SQLViews {
			if _, err := conn.ExecContext(ctx, `CREATE TABLE chiso_sql_snapshot.main.`+v+` AS SELECT * FROM main.`+v); err != nil {
				return fmt.Errorf("copy %s: %w", v, err)
			}
		}
		return conn.QueryRowContext(ctx, `SELECT value FROM meta WHERE key = 'version'`).Scan(&version)
	})
	if _, derr := conn.ExecContext(context.WithoutCancel(ctx), `DETACH chiso_sql_snapshot`); err == nil && derr != nil {
		err = derr
	}
	if err != nil {
		return nil, fmt.Errorf("snapshot for SQL: %w", err)
	}
	connector, err := duckdb.NewConnector(path+"?"+strings.Join(sqlSettings, "&"), nil)
	if err != nil {
		return nil, fmt.Errorf("snapshot for SQL: open %s read-only: %w", path, err)
	}
	return &sqlSnapshot{version: version, dir: dir, conn: connector, db: sql.OpenDB(connector)}, nil
}

func (b *sqlSnapshot) close() error {
	err := b.db.Close()
	if cerr := b.conn.Close(); err == nil {
		err = cerr
	}
	if rerr := os.RemoveAll(b.dir); err == nil {
		err = rerr
	}
	return err
}
