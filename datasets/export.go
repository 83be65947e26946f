package datasets

import (
	"bytes"
	"context"
	"database/sql"
	"database/sql/driver"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"io"
	"math"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strconv"
	"strings"
	"sync/atomic"
	"time"

	"github.com/duckdb/duckdb-go/v2"
	"github.com/xuri/excelize/v2"
)

// Export writes every figure that q selects (every filter of q applies), preferred or not,
// with its unit, status and source, to the file at path in format (one of Formats), with the
// columns FigureColumns and the dataset version in the file's metadata. It returns the figure
// count. An unknown indicator or unit id is an error wrapping ErrNotFound.
func (s *Store) Export(ctx context.Context, path, format string, q ObservationQuery) (int, error) {
	if !slices.Contains(Formats, format) {
		return 0, fmt.Errorf("export: unknown format %q (want one of %s)", format, strings.Join(Formats, ", "))
	}
	for _, id := range q.Indicators {
		if _, ok := s.Catalogue().Get(id); !ok {
			return 0, fmt.Errorf("export: unknown indicator %q: %w", id, ErrNotFound)
		}
	}
	for _, id := range q.UnitIDs {
		if _, ok := s.registry.Unit(id); !ok {
			return 0, fmt.Errorf("export: unknown unit %q: %w", id, ErrNotFound)
		}
	}
	obs, err := s.Observations(ctx, q)
	if err != nil {
		return 0, fmt.Errorf("export: %w", err)
	}
	t := s.FigureTable("observations", FiguresOf(obs, true))
	version := s.Version()
	m := Meta{Version: version, Title: "chiso", Citation: s.Citation(version, q.Indicators, time.Time{}), Sources: TableSources(s, t)}
	var buf bytes.Buffer
	if err := s.Encode(ctx, &buf, format, t, m); err != nil {
		return 0, fmt.Errorf("export %s: %w", path, err)
	}
	if err := os.WriteFile(path, buf.Bytes(), 0o644); err != nil {
		return 0, fmt.Errorf("export: %w", err)
	}
	return len(t.Rows), nil
}

// A Column is one column of a Table: its name, its Frictionless type ("string", "integer",
// "number" or "boolean") and what it holds, in Vietnamese and English.
type Column struct {
	Name string `json:"name"`
	Type string `json:"type"`
	VI   string `json:"description_vi"`
	EN   string `json:"description_en"`
}

// A Table is rows of typed values ready to be written in any download format. Each value is
// a string, an int, a float64, a bool or nil (no value), as its column's type says.
type Table struct {
	Name    string // base of the file name, without version or extension
	Columns []Column
	Rows    [][]any
}

// Meta is what every download says about itself: the dataset version, a title, the citation
// string and the sources of its figures.
type Meta struct {
	Version  string
	Title    string
	Citation string
	Sources  []Source
	Accessed time.Time
}

// Formats are the download formats Encode writes. "csv_vn" is CSV for Excel set to Vietnamese:
// ";" between fields and a decimal comma.
var Formats = []string{"csv", "csv_vn", "json", "parquet", "xlsx"}

// ContentType returns the media type of a download format.
func ContentType(format string) string {
	switch format {
	case "csv", "csv_vn":
		return "text/csv; charset=utf-8"
	case "json":
		return "application/json; charset=utf-8"
	case "parquet":
		return "application/vnd.apache.parquet"
	case "xlsx":
		return "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
	case "zip":
		return "application/zip"
	}
	return "application/octet-stream"
}

// Extension returns the file extension of a download format.
func Extension(format string) string {
	if format == "csv_vn" {
		return "csv"
	}
	return format
}

// FileName is the name a download is saved under: chiso-{name}-{version}.{ext}.
func FileName(name, version, format string) string {
	suffix := ""
	if format == "csv_vn" {
		suffix = "-excel-vn"
	}
	return "chiso-" + name + "-" + version + suffix + "." + Extension(format)
}

// Encode writes t in format (one of Formats) to w, with m in the file's own metadata where
// the format has any: Parquet key-value metadata, XLSX document properties and a sheet of
// sources, a JSON object's fields. Parquet is written by DuckDB, so it needs the store.
func (s *Store) Encode(ctx context.Context, w io.Writer, format string, t Table, m Meta) error {
	switch format {
	case "csv":
		return writeCSV(w, t, ',', '.')
	case "csv_vn":
		return writeCSV(w, t, ';', ',')
	case "json":
		return writeJSON(w, t, m)
	case "parquet":
		return s.writeParquet(ctx, w, t, m)
	case "xlsx":
		return writeWorkbook(w, t, m)
	}
	return fmt.Errorf("encode: unknown format %q (want one of %s)", format, strings.Join(Formats, ", "))
}

// cell is a value as CSV text; decimal is the decimal separator of numbers.
func cell(v any, decimal byte) string {
	switch x := v.(type) {
	case nil:
		return ""
	case string:
		return x
	case int:
		return strconv.Itoa(x)
	case float64:
		s := strconv.FormatFloat(x, 'f', -1, 64)
		if decimal != '.' {
			s = strings.Replace(s, ".", string(decimal), 1)
		}
		return s
	case bool:
		return strconv.FormatBool(x)
	}
	return fmt.Sprint(v)
}

func writeCSV(w io.Writer, t Table, comma rune, decimal byte) error {
	var buf bytes.Buffer
	buf.Write(utf8BOM) // so that Excel reads the Vietnamese letters as UTF-8
	cw := csv.NewWriter(&buf)
	cw.Comma = comma
	header := make([]string, len(t.Columns))
	for i, c := range t.Columns {
		header[i] = c.Name
	}
	cw.Write(header)
	rec := make([]string, len(t.Columns))
	for _, row := range t.Rows {
		for i, v := range row {
			rec[i] = cell(v, decimal)
		}
		cw.Write(rec)
	}
	cw.Flush()
	if err := cw.Error(); err != nil {
		return fmt.Errorf("write csv: %w", err)
	}
	_, err := w.Write(buf.Bytes())
	return err
}

// jsonHead is a JSON download's fields before its rows.
type jsonHead struct {
	Version  string   `json:"dataset_version"`
	Title    string   `json:"title"`
	Citation string   `json:"citation"`
	Columns  []Column `json:"columns"`
	Count    int      `json:"count"`
}

// writeJSON writes {"dataset_version", "title", "citation", "columns", "count", "data": [rows
// as objects, keys in column order]}. Rows are written by hand: encoding a map per row costs
// twenty times more.
func writeJSON(w io.Writer, t Table, m Meta) error {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(jsonHead{Version: m.Version, Title: m.Title, Citation: m.Citation, Columns: t.Columns, Count: len(t.Rows)}); err != nil {
		return fmt.Errorf("write json: %w", err)
	}
	buf.Truncate(buf.Len() - 2) // "}\n"
	buf.WriteString(`,"data":[`)
	keys := make([][]byte, len(t.Columns))
	for i, c := range t.Columns {
		keys[i] = append(appendJSONString(nil, c.Name), ':')
	}
	b := buf.Bytes()
	for i, row := range t.Rows {
		if i > 0 {
			b = append(b, ',')
		}
		b = append(b, '{')
		for j, v := range row {
			if j > 0 {
				b = append(b, ',')
			}
			b = append(b, keys[j]...)
			b = appendJSONValue(b, v)
		}
		b = append(b, '}')
	}
	b = append(b, "]}\n"...)
	_, err := w.Write(b)
	return err
}

// appendJSONValue appends v (nil, string, int, float64 or bool) as JSON; a NaN or infinite
// number, which JSON cannot hold, as null.
func appendJSONValue(b []byte, v any) []byte {
	switch x := v.(type) {
	case nil:
		return append(b, "null"...)
	case string:
		return appendJSONString(b, x)
	case int:
		return strconv.AppendInt(b, int64(x), 10)
	case float64:
		if math.IsNaN(x) || math.IsInf(x, 0) {
			return append(b, "null"...)
		}
		return strconv.AppendFloat(b, x, 'f', -1, 64)
	case bool:
		return strconv.AppendBool(b, x)
	}
	js, _ := json.Marshal(v)
	return append(b, js...)
}

// appendJSONString appends s as a JSON string.
func appendJSONString(b []byte, s string) []byte {
	for i := 0; i < len(s); i++ {
		if c := s[i]; c < 0x20 || c == '"' || c == '\\' {
			var buf bytes.Buffer
			enc := json.NewEncoder(&buf)
			enc.SetEscapeHTML(false)
			enc.Encode(s)
			return append(b, bytes.TrimSuffix(buf.Bytes(), []byte("\n"))...)
		}
	}
	b = append(b, '"')
	b = append(b, s...)
	return append(b, '"')
}

// duckType is the DuckDB type of a Frictionless type.
func duckType(t string) string {
	return map[string]string{"string": "VARCHAR", "integer": "INTEGER", "number": "DOUBLE", "boolean": "BOOLEAN", "date": "DATE"}[t]
}

var parquetSeq atomic.Int64

// writeParquet loads t into a temporary table and has DuckDB write it as Parquet, with the
// dataset version, title and citation as key-value metadata.
func (s *Store) writeParquet(ctx context.Context, w io.Writer, t Table, m Meta) error {
	dir, err := os.MkdirTemp("", "chiso-parquet-*")
	if err != nil {
		return fmt.Errorf("write parquet: %w", err)
	}
	defer os.RemoveAll(dir)
	path := filepath.Join(dir, "out.parquet")
	if err := s.parquetFile(ctx, path, t, m); err != nil {
		return err
	}
	f, err := os.Open(path)
	if err != nil {
		return fmt.Errorf("write parquet: %w", err)
	}
	defer f.Close()
	_, err = io.Copy(w, f)
	return err
}

func (s *Store) parquetFile(ctx context.Context, path string, t Table, m Meta) error {
	conn, err := s.db.Conn(ctx)
	if err != nil {
		return fmt.Errorf("write parquet: %w", err)
	}
	defer conn.Close()
	table := fmt.Sprintf("chiso_out_%d", parquetSeq.Add(1))
	cols := make([]string, len(t.Columns))
	for i, c := range t.Columns {
		cols[i] = quoteIdent(c.Name) + " " + duckType(c.Type)
	}
	if _, err := conn.ExecContext(ctx, "CREATE TEMP TABLE "+table+" ("+strings.Join(cols, ", ")+")"); err != nil {
		return fmt.Errorf("write parquet: %w", err)
	}
	defer conn.ExecContext(context.WithoutCancel(ctx), "DROP TABLE IF EXISTS "+table)
	rows := make([][]any, len(t.Rows))
	for i, r := range t.Rows {
		row := make([]any, len(r))
		for j, v := range r {
			if n, ok := v.(int); ok {
				v = int32(n)
			}
			row[j] = v
		}
		rows[i] = row
	}
	if err := appendTemp(ctx, conn, table, rows); err != nil {
		return fmt.Errorf("write parquet: %w", err)
	}
	kv := []string{"chiso_dataset_version: " + sqlString(m.Version), "title: " + sqlString(m.Title), "citation: " + sqlString(m.Citation)}
	if _, err := conn.ExecContext(ctx, fmt.Sprintf("COPY %s TO %s (FORMAT parquet, KV_METADATA {%s})", table, sqlString(path), strings.Join(kv, ", "))); err != nil {
		return fmt.Errorf("write parquet: %w", err)
	}
	return nil
}

// appendTemp bulk-loads rows into a temporary table through the DuckDB Appender.
func appendTemp(ctx context.Context, conn *sql.Conn, table string, rows [][]any) error {
	return appendWith(ctx, conn, table, rows, func(dc driver.Conn) (*duckdb.Appender, error) {
		return duckdb.NewAppender(dc, "temp", "main", table)
	})
}

// quoteIdent quotes a SQL identifier.
func quoteIdent(s string) string { return `"` + strings.ReplaceAll(s, `"`, `""`) + `"` }

// writeWorkbook writes a workbook: the data sheet with typed cells (codes as text) under a frozen
// header, and a sheet with the citation, the version and the sources.
func writeWorkbook(w io.Writer, t Table, m Meta) error {
	f := excelize.NewFile()
	defer f.Close()
	const data, about = "data", "sources"
	if err := f.SetSheetName("Sheet1", data); err != nil {
		return fmt.Errorf("write xlsx: %w", err)
	}
	sw, err := f.NewStreamWriter(data)
	if err != nil {
		return fmt.Errorf("write xlsx: %w", err)
	}
	if err := sw.SetPanes(&excelize.Panes{Freeze: true, YSplit: 1, TopLeftCell: "A2", ActivePane: "bottomLeft"}); err != nil {
		return fmt.Errorf("write xlsx: %w", err)
	}
	header := make([]any, len(t.Columns))
	for i, c := range t.Columns {
		header[i] = c.Name
	}
	if err := sw.SetRow("A1", header); err != nil {
		return fmt.Errorf("write xlsx: %w", err)
	}
	cells := make([]any, len(t.Columns))
	for i, row := range t.Rows {
		for j, v := range row {
			if x, ok := v.(float64); ok && (math.IsNaN(x) || math.IsInf(x, 0)) {
				v = nil
			}
			cells[j] = v
		}
		ref, _ := excelize.CoordinatesToCellName(1, i+2)
		if err := sw.SetRow(ref, cells); err != nil {
			return fmt.Errorf("write xlsx: row %d: %w", i+2, err)
		}
	}
	if err := sw.Flush(); err != nil {
		return fmt.Errorf("write xlsx: %w", err)
	}
	if _, err := f.NewSheet(about); err != nil {
		return fmt.Errorf("write xlsx: %w", err)
	}
	lines := [][]any{
		{"title", m.Title},
		{"citation", m.Citation},
		{"dataset_version", m.Version},
		{},
		{"source_id", "citation", "url"},
	}
	srcs := append([]Source{}, m.Sources...)
	sort.Slice(srcs, func(i, j int) bool { return srcs[i].Citation < srcs[j].Citation })
	for _, src := range srcs {
		lines = append(lines, []any{src.ID, src.Citation, src.URL})
	}
	for i, l := range lines {
		ref, _ := excelize.CoordinatesToCellName(1, i+1)
		if err := f.SetSheetRow(about, ref, &l); err != nil {
			return fmt.Errorf("write xlsx: %w", err)
		}
	}
	if err := f.SetDocProps(&excelize.DocProperties{Title: m.Title, Subject: m.Citation, Creator: "chiso",
		Identifier: "chiso-" + m.Version, Version: m.Version, Description: m.Citation, Keywords: "chiso; dataset version " + m.Version}); err != nil {
		return fmt.Errorf("write xlsx: %w", err)
	}
	if _, err := f.WriteTo(w); err != nil {
		return fmt.Errorf("write xlsx: %w", err)
	}
	return nil
}
