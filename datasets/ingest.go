package datasets

import (
	"bytes"
	"context"
	"database/sql"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"time"

	"golang.org/x/text/unicode/norm"
)

// IngestOptions says how to read the files of an ingest.
type IngestOptions struct {
	Indicator string // the indicator of a wide file, or of long rows without an indicator column
	Sheet     string // the XLSX sheet (default: the first)
	Units     string // the unit set the rows refer to: "" (the units in force in each row's year), "63", "34", a year or a date
	Encoding  string // the encoding of CSV files (default UTF-8), e.g. "windows-1258"
	Source    string // the source of rows that have no source column or an empty one
	Prefer    bool   // make the new figures preferred over figures already loaded for the same key
	DryRun    bool   // validate only; change nothing
	TempDir   string // where decoded copies of CSV files go (default: the system's)
	// Progress, if not nil, is told each step of the ingest as it starts.
	Progress func(step string)
	// Now fixes "today" for the year-range check (default: time.Now()).
	Now time.Time
}

// An IngestReport says what an ingest read and what it changed.
type IngestReport struct {
	Files     []FileReport `json:"files"`
	Rows      int          `json:"rows"`      // observations read
	Added     int          `json:"added"`     // observations added (0 on a dry run)
	Preferred int          `json:"preferred"` // added observations that are now the preferred figure
	Version   string       `json:"dataset_version"`
	DryRun    bool         `json:"dry_run"`
}

// A FileReport describes one ingested file.
type FileReport struct {
	File    string   `json:"file"`
	Format  string   `json:"format"` // "csv" or "xlsx"
	Sheet   string   `json:"sheet,omitempty"`
	Shape   string   `json:"shape"` // "long" or "wide"
	Rows    int      `json:"rows"`
	Ignored []string `json:"ignored_columns,omitempty"`
}

// inputFile is one file being ingested.
type inputFile struct {
	idx        int
	path, name string
	format     string
	sheet      string
	from       string   // XLSX: SQL that yields rec and the text fields c1..cN, in sheet order
	csvPath    string   // CSV: the file DuckDB reads (a decoded copy for a legacy encoding)
	delim      byte     // CSV: the field delimiter
	ready      bool     // the file was read and its header understood: it can be staged
	tempFile   string   // a decoded copy of the file, removed at the end
	temps      []string // temporary tables the reader made
	header     []string
	headerLine int
	records    int
	lines      []int32        // data record i (0-based) starts on line lines[i]
	cols       map[string]int // field → 1-based column; absent fields are missing
	years      map[int]int    // wide form: column → year
	ignored    []string
}

func (in *inputFile) shape() string {
	if in.years != nil {
		return "wide"
	}
	return "long"
}

// problem builds the ParseError for data record rec (1-based) and column col.
func (in *inputFile) problem(rec int64, col int, want, got string) *ParseError {
	p := &ParseError{File: in.name, Sheet: in.sheet, Column: col, Want: want, Got: got, Line: in.lineOf(rec)}
	if col >= 1 && col <= len(in.header) {
		p.Field = in.header[col-1]
	}
	return p
}

// problems collects what is wrong, in order, keeping the first MaxProblems by position.
type problems struct {
	list  []*ParseError
	total int
}

func (p *problems) add(e *ParseError) {
	p.total++
	p.list = append(p.list, e)
}

func (p *problems) err() error {
	if p.total == 0 {
		return nil
	}
	sort.SliceStable(p.list, func(i, j int) bool {
		a, b := p.list[i], p.list[j]
		if a.File != b.File {
			return a.File < b.File
		}
		if a.Line != b.Line {
			return a.Line < b.Line
		}
		return a.Column < b.Column
	})
	list := p.list
	if len(list) > MaxProblems {
		list = list[:MaxProblems]
	}
	return &IngestError{Problems: list, Total: p.total}
}

// headerFields maps the folded names of header cells to the fields they stand for.
var headerFields = map[string]string{
	"province": "province", "provincecode": "province", "provincename": "province", "code": "province",
	"tinh": "province", "tinhthanh": "province", "tinhthanhpho": "province", "diaphuong": "province",
	"matinh": "province", "unit": "province",
	"indicator": "indicator", "indicatorid": "indicator", "chiso": "indicator",
	"year": "year", "nam": "year",
	"value": "value", "score": "value", "giatri": "value", "diem": "value", "diemso": "value",
	"rank": "rank", "xephang": "rank", "hang": "rank", "thuhang": "rank",
	"rankof": "rank_of", "outof": "rank_of",
	"source": "source", "nguon": "source", "nguonsolieu": "source",
}

var yearHeader = regexp.MustCompile(`^(19|20)\d\d$`)

func foldHeader(h string) string {
	var b strings.Builder
	for _, w := range nameWordsRaw(h) {
		b.WriteString(w)
	}
	return b.String()
}

// nameWordsRaw folds s to lower-case ASCII words, without nameWords' prefix rules.
func nameWordsRaw(s string) []string {
	var b strings.Builder
	for _, r := range norm.NFD.String(s) {
		switch {
		case r == 'đ' || r == 'Đ':
			b.WriteByte('d')
		case r >= 'a' && r <= 'z' || r >= '0' && r <= '9':
			b.WriteRune(r)
		case r >= 'A' && r <= 'Z':
			b.WriteRune(r + 'a' - 'A')
		case r == '_':
		case r < 0x300 || r > 0x36F: // anything but a combining mark separates words
			b.WriteByte(' ')
		}
	}
	return strings.Fields(b.String())
}

// mapHeader finds the fields of in's header: long form (province, year, value and/or rank,
// indicator) or wide form (province and one column per year).
func (in *inputFile) mapHeader(opts IngestOptions, probs *problems) bool {
	in.cols = map[string]int{}
	years := map[int]int{}
	for i, h := range in.header {
		col := i + 1
		if f, ok := headerFields[foldHeader(h)]; ok {
			if _, dup := in.cols[f]; dup {
				probs.add(&ParseError{File: in.name, Sheet: in.sheet, Line: in.hdrLine(), Column: col, Field: h,
					Want: "one column for " + f, Got: fmt.Sprintf("a second one (column %d is %q too)", in.cols[f], in.header[in.cols[f]-1])})
				return false
			}
			in.cols[f] = col
			continue
		}
		if yearHeader.MatchString(strings.TrimSpace(h)) {
			y, _ := strconv.Atoi(strings.TrimSpace(h))
			years[col] = y
			continue
		}
		in.ignored = append(in.ignored, h)
	}
	got := quote(strings.Join(in.header, ","))
	if _, ok := in.cols["province"]; !ok {
		probs.add(&ParseError{File: in.name, Sheet: in.sheet, Line: in.hdrLine(), Column: 1,
			Want: "a header with a province column (province, tỉnh, code)", Got: got})
		return false
	}
	_, hasYear := in.cols["year"]
	_, hasValue := in.cols["value"]
	_, hasRank := in.cols["rank"]
	switch {
	case hasYear && (hasValue || hasRank):
		for col := range years {
			in.ignored = append(in.ignored, in.header[col-1])
		}
	case len(years) > 0 && !hasYear:
		in.years = years
	default:
		probs.add(&ParseError{File: in.name, Sheet: in.sheet, Line: in.hdrLine(), Column: 1,
			Want: "a long header (province, indicator, year, value[, rank, rank_of, source]) or a wide one (province and one column per year)", Got: got})
		return false
	}
	if _, ok := in.cols["indicator"]; !ok && opts.Indicator == "" {
		want := "an indicator column, or --indicator"
		if in.years != nil {
			want = "--indicator for a wide file (one column per year)"
		}
		probs.add(&ParseError{File: in.name, Sheet: in.sheet, Line: in.hdrLine(), Column: 1, Want: want, Got: got})
		return false
	}
	return true
}

func (in *inputFile) hdrLine() int {
	if in.headerLine > 0 {
		return in.headerLine
	}
	return 1
}

// Ingest validates the files and, unless opts.DryRun, adds their observations to the store in
// one transaction: on any problem nothing changes, and the error is an *IngestError that
// lists up to MaxProblems problems with their file, line (or cell) and column.
func (s *Store) Ingest(ctx context.Context, paths []string, opts IngestOptions) (IngestReport, error) {
	rep := IngestReport{DryRun: opts.DryRun}
	if len(paths) == 0 {
		return rep, errors.New("ingest: no files")
	}
	if opts.Now.IsZero() {
		opts.Now = time.Now()
	}
	step := func(name string) {
		if opts.Progress != nil {
			opts.Progress(name)
		}
	}
	unitDate, err := parseUnitsOption(opts.Units)
	if err != nil {
		return rep, err
	}
	conn, err := s.db.Conn(ctx)
	if err != nil {
		return rep, err
	}
	defer conn.Close()
	ing := &ingestion{s: s, conn: conn, opts: opts, unitDate: unitDate, step: step}
	defer ing.cleanup()

	probs := &problems{}
	for i, p := range paths {
		in := &inputFile{idx: i, path: p, name: p}
		ing.files = append(ing.files, in)
		step("read " + p)
		if err := ing.read(ctx, in, probs); err != nil {
			return rep, err
		}
		if len(in.header) > 0 && in.records != 0 && in.mapHeader(opts, probs) {
			in.ready = true
		}
	}
	if err := probs.err(); err != nil {
		return rep, err
	}
	if _, err := conn.ExecContext(ctx, macros); err != nil {
		return rep, fmt.Errorf("ingest: %w", err)
	}
	files := func() []FileReport {
		var out []FileReport
		for _, in := range ing.files {
			out = append(out, FileReport{File: in.name, Format: in.format, Sheet: in.sheet, Shape: in.shape(), Rows: in.records, Ignored: in.ignored})
		}
		return out
	}
	if !opts.DryRun {
		step("write")
		ok, err := ing.fast(ctx, &rep)
		if err != nil {
			return rep, err
		}
		if ok {
			rep.Files = files()
			return rep, ing.readVersion(ctx, &rep)
		}
	}
	step("stage")
	if err := ing.stage(ctx, probs); err != nil {
		return rep, err
	}
	if err := probs.err(); err != nil {
		return rep, err
	}
	rep.Files = files()
	step("validate")
	if err := ing.resolve(ctx, probs, stageDistincts); err != nil {
		return rep, err
	}
	n, err := ing.diagnose(ctx, probs)
	if err != nil {
		return rep, err
	}
	if err := probs.err(); err != nil {
		return rep, err
	}
	if opts.DryRun {
		rep.Rows = n
		rep.Version = s.Version()
		return rep, nil
	}
	// The fast write was refused without a problem: a hash collision of two keys. Write
	// again with the exact checks that diagnose has just made.
	ok, err := ing.write(ctx, &rep, "chiso_stage", int64(n), false)
	if err != nil {
		return rep, err
	}
	if !ok {
		return rep, errors.New("ingest: rows were refused but no problem was found (please report this)")
	}
	return rep, ing.readVersion(ctx, &rep)
}

// parseUnitsOption turns --units into a function from a row's year to the day whose units
// the row refers to.
func parseUnitsOption(units string) (func(year int) time.Time, error) {
	switch units {
	case "", Set63, Set34:
		return func(y int) time.Time { return SetDay(units, y) }, nil
	}
	if y, err := strconv.Atoi(units); err == nil && y >= 1900 && y <= 2200 {
		return func(int) time.Time { return YearEnd(y) }, nil
	}
	if d, err := time.Parse(time.DateOnly, units); err == nil {
		return func(int) time.Time { return d }, nil
	}
	return nil, fmt.Errorf(`invalid --units: expected "63", "34", a year (2025) or a date (2025-07-01), got %q`, units)
}

// ingestion is the state of one Ingest call on its own connection.
type ingestion struct {
	s        *Store
	conn     *sql.Conn
	opts     IngestOptions
	unitDate func(int) time.Time
	files    []*inputFile
	temps    []string // temporary tables to drop at the end
	views    []string // temporary views to drop at the end
	step     func(string)
}

func (ing *ingestion) cleanup() {
	ctx := context.Background()
	temps := ing.temps
	for _, in := range ing.files {
		temps = append(temps, in.temps...)
		if in.tempFile != "" {
			os.Remove(in.tempFile)
		}
	}
	for _, v := range ing.views {
		ing.conn.ExecContext(ctx, "DROP VIEW IF EXISTS "+v)
	}
	for _, t := range temps {
		ing.conn.ExecContext(ctx, "DROP TABLE IF EXISTS "+t)
	}
}

func (ing *ingestion) read(ctx context.Context, in *inputFile, probs *problems) error {
	f, err := os.Open(in.path)
	if err != nil {
		return fmt.Errorf("ingest: %w", err)
	}
	head := make([]byte, 4)
	n, _ := f.Read(head)
	f.Close()
	ext := strings.ToLower(filepath.Ext(in.path))
	isZip := bytes.HasPrefix(head[:n], []byte("PK\x03\x04"))
	switch {
	case ext == ".xlsx" || ext == ".xlsm" || isZip:
		in.format = "xlsx"
		return readXLSXFile(ctx, ing.conn, in, ing.opts.Sheet, probs)
	case ext == ".xls":
		probs.add(&ParseError{File: in.name, Line: 1, Want: "CSV or XLSX", Got: "a legacy .xls workbook (save it as .xlsx)"})
		return nil
	default:
		in.format = "csv"
		return readCSVFile(in, ing.opts.Encoding, ing.opts.TempDir, probs)
	}
}

// Each file is read into its own table chiso_raw_N in long form: the text as found (for
// messages) and the values parsed once, in the same pass that reads the file. The view
// chiso_stage puts all files together with their record numbers. A value that is neither a
// number nor empty may still mean "not published" (chiso_na).
const rawColumns = `province, indicator, year_t, value_t, rank_t, rank_of_t, source,
	chiso_int(year_t) AS year, chiso_num(value_t) AS value, chiso_int(rank_t) AS rank, chiso_int(rank_of_t) AS rank_of`

// The parsers: a number may use a decimal comma ("63,80"); a whole number has no decimal
// point ("12.5" is not a rank). TRY_CAST accepts surrounding spaces.
const macros = `
CREATE OR REPLACE TEMP MACRO chiso_txt(x) AS nullif(trim(x), '');
CREATE OR REPLACE TEMP MACRO chiso_na(x) AS coalesce(lower(trim(x)) IN ('n/a', 'na', 'not published', 'not_published', 'không công bố', 'khong cong bo'), false);
CREATE OR REPLACE TEMP MACRO chiso_num(x) AS coalesce(TRY_CAST(x AS DOUBLE), CASE WHEN contains(x, ',') THEN TRY_CAST(replace(x, ',', '.') AS DOUBLE) END);
CREATE OR REPLACE TEMP MACRO chiso_int(x) AS CASE WHEN NOT contains(x, '.') THEN TRY_CAST(x AS INTEGER) END;
`

// longSQL returns SQL that yields the file's rows in long form, as text: [rec,] vcol,
// province, indicator, year_t, value_t, rank_t, rank_of_t, source. A wide file is unpivoted
// (one row per non-empty year cell). With rejects, DuckDB's CSV reader stores malformed
// records in that table instead of failing.
func (in *inputFile) longSQL(withRec bool, rejects string) (string, error) {
	col := func(field string) string {
		if c, ok := in.cols[field]; ok {
			return fmt.Sprintf("c%d", c)
		}
		return "NULL::VARCHAR"
	}
	from := in.from
	if in.format == "csv" {
		src, err := in.readCSVSQL(rejects)
		if err != nil {
			return "", err
		}
		from = src
		if withRec {
			from = fmt.Sprintf("(SELECT row_number() OVER () AS rec, * FROM %s)", src)
		}
	}
	recCol := ""
	if withRec {
		recCol = "rec, "
	}
	if in.years == nil {
		return fmt.Sprintf(`SELECT %s%d AS vcol, %s AS province, %s AS indicator, %s AS year_t, %s AS value_t, %s AS rank_t,
			%s AS rank_of_t, %s AS source FROM %s`, recCol, in.cols["value"], col("province"), col("indicator"), col("year"),
			col("value"), col("rank"), col("rank_of"), col("source"), from), nil
	}
	var on, yearCase []string
	for c, y := range in.years {
		on = append(on, fmt.Sprintf("c%d", c))
		yearCase = append(yearCase, fmt.Sprintf("WHEN 'c%d' THEN '%d'", c, y))
	}
	sort.Strings(on)
	return fmt.Sprintf(`SELECT %[1]sCAST(substr(col, 2) AS INTEGER) AS vcol, province, indicator, CASE col %[2]s END AS year_t,
			value AS value_t, NULL::VARCHAR AS rank_t, NULL::VARCHAR AS rank_of_t, source
		FROM (UNPIVOT (SELECT %[1]s%[3]s AS province, %[4]s AS indicator, %[5]s AS source, %[6]s FROM %[7]s)
			ON %[6]s INTO NAME col VALUE value)
		WHERE chiso_txt(value) IS NOT NULL`,
		recCol, strings.Join(yearCase, " "), col("province"), col("indicator"), col("source"), strings.Join(on, ", "), from), nil
}

// stage reads every file into its chiso_raw_N table and defines the view chiso_stage.
// DuckDB's reader rejects malformed CSV records; they become problems.
func (ing *ingestion) stage(ctx context.Context, probs *problems) error {
	var parts []string
	for _, in := range ing.files {
		raw := fmt.Sprintf("chiso_raw_%d", in.idx)
		rejects := fmt.Sprintf("chiso_rejects_%d", in.idx)
		ing.temps = append(ing.temps, raw, rejects, rejects+"_scan")
		// A long CSV keeps the file's order in the table (preserve_insertion_order): rowid is
		// the record, which avoids the serial row_number() on the largest files.
		rec, withRec := "rec", true
		if in.format == "csv" && in.years == nil {
			rec, withRec = "rowid + 1", false
		}
		long, err := in.longSQL(withRec, rejects)
		if err != nil {
			return err
		}
		recCol := ""
		if withRec {
			recCol = "rec, "
		}
		q := fmt.Sprintf("SELECT %svcol, %s FROM (%s)", recCol, rawColumns, long)
		if _, err := ing.conn.ExecContext(ctx, fmt.Sprintf("CREATE OR REPLACE TEMP TABLE %s AS %s", raw, q)); err != nil {
			return fmt.Errorf("read %s: %w", in.name, err)
		}
		if in.format == "csv" {
			bad, err := ing.rejected(ctx, in, rejects, probs)
			if err != nil || bad {
				if err == nil {
					continue
				}
				return err
			}
		}
		var n int
		if err := ing.conn.QueryRowContext(ctx, "SELECT count(*) FROM "+raw).Scan(&n); err != nil {
			return err
		}
		if n == 0 {
			p := &ParseError{File: in.name, Sheet: in.sheet, Line: in.hdrLine() + 1, Want: "at least one data row after the header", Got: "only the header"}
			if in.years != nil {
				p.Want, p.Got = "at least one figure", "only empty cells"
			}
			probs.add(p)
			continue
		}
		if in.records < 0 || in.years == nil {
			in.records = n
		}
		parts = append(parts, fmt.Sprintf("SELECT %d AS file, %s AS rec, vcol, province, indicator, year_t, value_t, rank_t, rank_of_t, source, year, value, rank, rank_of FROM %s",
			in.idx, rec, raw))
	}
	if len(parts) == 0 {
		return nil
	}
	ing.views = append(ing.views, "chiso_stage")
	_, err := ing.conn.ExecContext(ctx, "CREATE OR REPLACE TEMP VIEW chiso_stage AS "+strings.Join(parts, " UNION ALL "))
	return err
}

// rejected reports whether DuckDB's CSV reader rejected records of the file and turns them
// into problems: a scan of the file in Go names the bytes that are not UTF-8 and the ragged
// records exactly; anything else keeps DuckDB's own message and line.
func (ing *ingestion) rejected(ctx context.Context, in *inputFile, rejects string, probs *problems) (bool, error) {
	rows, err := ing.conn.QueryContext(ctx, fmt.Sprintf(`SELECT line, coalesce(column_idx, 0), error_message FROM %s ORDER BY line LIMIT %d`,
		rejects, MaxProblems+1))
	if err != nil {
		return false, fmt.Errorf("read %s: rejects: %w", in.name, err)
	}
	var duck []*ParseError
	for rows.Next() {
		var line, col int
		var msg string
		if err := rows.Scan(&line, &col, &msg); err != nil {
			rows.Close()
			return false, err
		}
		duck = append(duck, &ParseError{File: in.name, Line: line, Column: col, Want: "a well-formed CSV record", Got: msg})
	}
	rows.Close()
	if err := rows.Err(); err != nil || len(duck) == 0 {
		return false, err
	}
	before := probs.total
	if err := in.scanForProblems(probs); err != nil {
		return true, err
	}
	if probs.total == before {
		for _, p := range duck {
			probs.add(p)
		}
	}
	return true, nil
}

// badRow is one row of a validation query: where, which field, what was wanted and found.
type badRow struct {
	file      int
	rec       int64
	field     string
	vcol      int
	want, got string
}

func (ing *ingestion) colOf(in *inputFile, field string, vcol int) int {
	if field == "value" && vcol > 0 {
		return vcol
	}
	if in.years != nil && field == "year" {
		return vcol
	}
	if c, ok := in.cols[field]; ok {
		return c
	}
	return 1
}

// collect runs a validation query that yields (file, rec, field, vcol, want, got) rows and
// adds them as problems: the first MaxProblems+1 by position, and the count of all.
func (ing *ingestion) collect(ctx context.Context, query string, probs *problems, args ...any) error {
	if _, err := ing.conn.ExecContext(ctx, "CREATE OR REPLACE TEMP TABLE chiso_bad AS "+query, args...); err != nil {
		return fmt.Errorf("validate: %w", err)
	}
	var total int
	if err := ing.conn.QueryRowContext(ctx, "SELECT count(*) FROM chiso_bad").Scan(&total); err != nil {
		return fmt.Errorf("validate: %w", err)
	}
	if total == 0 {
		return nil
	}
	rows, err := ing.conn.QueryContext(ctx, fmt.Sprintf(`SELECT file, rec, field, coalesce(vcol, 0), want, coalesce(got, '')
		FROM chiso_bad ORDER BY file, rec LIMIT %d`, MaxProblems+1))
	if err != nil {
		return fmt.Errorf("validate: %w", err)
	}
	defer rows.Close()
	listed := 0
	for rows.Next() {
		var b badRow
		if err := rows.Scan(&b.file, &b.rec, &b.field, &b.vcol, &b.want, &b.got); err != nil {
			return fmt.Errorf("validate: %w", err)
		}
		in := ing.files[b.file]
		probs.add(in.problem(b.rec, ing.colOf(in, b.field, b.vcol), b.want, b.got))
		listed++
	}
	probs.total += total - listed
	return rows.Err()
}

// distincts are the queries for the distinct values that resolve maps:
// indicators yields (file, indicator text, first record, rows);
// provinces yields (file, province text, year, source text, first record, rows).
type distincts struct{ indicators, provinces string }

// stageDistincts reads the distinct values from the staged rows, with their first record.
var stageDistincts = distincts{
	indicators: `SELECT file, coalesce(indicator, ''), min(rec), count(*) FROM chiso_stage GROUP BY ALL ORDER BY 1, 3`,
	provinces: `SELECT file, province, year, coalesce(source, ''), min(rec), count(*) FROM chiso_stage
		WHERE province IS NOT NULL AND trim(province) <> '' AND year IS NOT NULL GROUP BY ALL ORDER BY 1, 5`,
}

// fastDistincts reads them from chiso_distinct, which has no record numbers.
var fastDistincts = distincts{
	indicators: `SELECT file, coalesce(indicator, ''), 0, sum(n) FROM chiso_distinct WHERE g = 0 GROUP BY ALL ORDER BY 1`,
	provinces: `SELECT file, province, year, source, 0, sum(n) FROM chiso_distinct
		WHERE g = 1 AND province IS NOT NULL AND trim(province) <> '' AND year IS NOT NULL GROUP BY ALL ORDER BY 1`,
}

// resolve maps the distinct indicators, provinces (per year) and sources of the staged rows
// to small integer keys, in Go, and notes which keys already have figures in the database.
// Unknown indicators and provinces become problems.
func (ing *ingestion) resolve(ctx context.Context, probs *problems, d distincts) error {
	c := ing.conn
	known := map[string]bool{}
	var ids []string
	for _, in := range ing.s.Catalogue().All() {
		known[in.ID] = true
		ids = append(ids, in.ID)
	}
	ing.step("validate: indicators")
	// Indicators: the distinct ids, checked against the catalogue in Go and numbered in id order.
	rows, err := c.QueryContext(ctx, d.indicators)
	if err != nil {
		return fmt.Errorf("validate indicators: %w", err)
	}
	used := map[string]bool{}
	rawIDs := map[string]string{} // the text as found → the indicator id
	for rows.Next() {
		var file int
		var raw string
		var rec, n int64
		if err := rows.Scan(&file, &raw, &rec, &n); err != nil {
			rows.Close()
			return err
		}
		id := strings.ToLower(strings.TrimSpace(raw))
		if id == "" {
			id = strings.ToLower(strings.TrimSpace(ing.opts.Indicator))
		}
		if id == "" {
			continue // reported as an empty cell
		}
		if known[id] {
			used[id] = true
			rawIDs[raw] = id
			continue
		}
		in := ing.files[file]
		got := quote(id)
		if n > 1 {
			got += fmt.Sprintf(" (in %d rows)", n)
		}
		p := in.problem(rec, ing.colOf(in, "indicator", 0), "a known indicator ("+strings.Join(ids, ", ")+")", got)
		if _, hasCol := in.cols["indicator"]; !hasCol || strings.TrimSpace(raw) == "" {
			p.Field, p.Column = "--indicator", 0
		}
		probs.add(p)
	}
	rows.Close()
	indNo := map[string]int32{}
	var indRows [][]any
	for _, id := range ids { // ids are in id order, so ind_no sorts as the id does
		if used[id] {
			indNo[id] = int32(len(indRows))
			indRows = append(indRows, []any{id, int32(len(indRows))})
		}
	}
	if err := ing.table(ctx, "chiso_inds", "id VARCHAR, ind_no INTEGER", indRows); err != nil {
		return err
	}
	var rawRows [][]any
	for raw, id := range rawIDs {
		rawRows = append(rawRows, []any{raw, indNo[id]})
	}
	if err := ing.table(ctx, "chiso_indraw", "raw VARCHAR, ind_no INTEGER", rawRows); err != nil {
		return err
	}

	ing.step("validate: provinces")
	// Provinces and sources: the distinct (name, year, source) triples. Each name is resolved in
	// Go to the unit in force at the end of its year (or on the --units day); each source is
	// cleaned and hashed once.
	rows, err = c.QueryContext(ctx, d.provinces)
	if err != nil {
		return fmt.Errorf("validate provinces: %w", err)
	}
	type unitKey struct {
		id    string
		count int
	}
	unitNo := map[string]int{}
	var units []unitKey
	srcNo := map[string]int{}
	var srcRows [][]any
	var keys [][]any
	nUnits := map[time.Time]int{}
	reported := map[string]bool{}
	for rows.Next() {
		var file, year int
		var name string
		var source string
		var rec, n int64
		if err := rows.Scan(&file, &name, &year, &source, &rec, &n); err != nil {
			rows.Close()
			return err
		}
		at := ing.unitDate(year)
		u, err := ing.s.registry.Resolve(name, at)
		if err != nil {
			var ne *NameError
			if !errors.As(err, &ne) {
				rows.Close()
				return err
			}
			key := fmt.Sprintf("%d|%s|%d", file, name, year)
			if ne.Err == ErrUnknownProvince {
				key = fmt.Sprintf("%d|%s", file, name) // one report per unknown name and file
			}
			if !reported[key] {
				reported[key] = true
				in := ing.files[file]
				probs.add(in.problem(rec, ing.colOf(in, "province", 0), nameWant(ne, year), quote(name)+nameGot(ne)))
			}
			continue
		}
		if _, ok := nUnits[at]; !ok {
			nUnits[at] = countSet(ing.s.registry.InForce(at), u.Set)
		}
		un, ok := unitNo[u.ID]
		if !ok {
			un = len(units)
			unitNo[u.ID] = un
			units = append(units, unitKey{u.ID, nUnits[at]})
		}
		cit := ing.opts.Source
		if strings.TrimSpace(source) != "" {
			cit = source
		}
		clean := norm.NFC.String(strings.TrimSpace(cit))
		if clean == "" {
			continue // reported as a missing source
		}
		sn, ok := srcNo[clean]
		if !ok {
			sn = len(srcRows)
			srcNo[clean] = sn
			srcRows = append(srcRows, []any{int32(sn), sourceID(clean), clean, nullString(citationURL(clean))})
		}
		keys = append(keys, []any{name, int32(year), source, int32(un), int32(sn), int32(nUnits[at])})
	}
	rows.Close()
	// Units are numbered in id order, so that (ind_no, unit_no, year) sorts as the stored table does.
	sort.Slice(units, func(i, j int) bool { return units[i].id < units[j].id })
	renumber := make([]int32, len(units))
	var unitRows [][]any
	for i, u := range units {
		renumber[unitNo[u.id]] = int32(i)
		unitRows = append(unitRows, []any{u.id, int32(i)})
	}
	for _, k := range keys {
		k[3] = renumber[k[3].(int32)]
	}
	if err := ing.table(ctx, "chiso_units", "id VARCHAR, unit_no INTEGER", unitRows); err != nil {
		return err
	}
	if err := ing.table(ctx, "chiso_sources", "src_no INTEGER, id VARCHAR, citation VARCHAR, url VARCHAR", srcRows); err != nil {
		return err
	}
	if err := ing.table(ctx, "chiso_keys", "province VARCHAR, year INTEGER, source VARCHAR, unit_no INTEGER, src_no INTEGER, n_units INTEGER", keys); err != nil {
		return err
	}

	// chiso_existing: the keys of this ingest that already have figures in the database.
	if _, err := c.ExecContext(ctx, `CREATE OR REPLACE TEMP TABLE chiso_existing AS
		SELECT i.ind_no, u.unit_no, o.year, bool_or(o.preferred) AS has_preferred, src.src_no AS same_source_no
		FROM observation o JOIN chiso_inds i ON i.id = o.indicator_id JOIN chiso_units u ON u.id = o.unit_id
		LEFT JOIN chiso_sources src ON src.id = o.source_id
		GROUP BY ALL`); err != nil {
		return fmt.Errorf("validate: %w", err)
	}
	ing.temps = append(ing.temps, "chiso_existing")
	return nil
}

// rowOK is the condition on a staged row s (joined to its indicator c and key k) that every
// field parsed and is within range; diagnose names the rows where it does not hold.
const rowOK = `s.year BETWEEN c.first_year AND %[1]d
	AND (s.value IS NOT NULL OR chiso_txt(s.value_t) IS NULL OR chiso_na(s.value_t))
	AND (s.value IS NOT NULL OR chiso_txt(s.value_t) IS NOT NULL OR chiso_txt(s.rank_t) IS NOT NULL)
	AND (s.value IS NULL OR (isfinite(s.value) AND s.value >= coalesce(c.scale_min, s.value) AND s.value <= coalesce(c.scale_max, s.value)))
	AND (s.rank_t IS NULL OR trim(s.rank_t) = '' OR (s.rank >= 1 AND s.rank <= coalesce(s.rank_of, k.n_units)))
	AND (s.rank_of_t IS NULL OR trim(s.rank_of_t) = '' OR s.rank_of >= 1)
	AND chiso_txt(s.province) IS NOT NULL`

// readVersion reads the new dataset version into the store and the report. The caller holds s.mu.
func (ing *ingestion) readVersion(ctx context.Context, rep *IngestReport) error {
	var v string
	if err := ing.conn.QueryRowContext(ctx, `SELECT value FROM meta WHERE key = 'version'`).Scan(&v); err != nil {
		return fmt.Errorf("read dataset version: %w", err)
	}
	ing.s.mu.Lock()
	ing.s.version, rep.Version = v, v
	ing.s.mu.Unlock()
	return ing.s.readSources(ctx)
}

// fast tries the ingest on the assumption that every row is valid, reading each file twice
// without staging it: once for the distinct keys, once into the observation table. It reports
// false, having changed nothing, if any file or row is not valid; stage and diagnose then say
// exactly what is wrong.
func (ing *ingestion) fast(ctx context.Context, rep *IngestReport) (bool, error) {
	var parts []string
	for _, in := range ing.files {
		long, err := in.longSQL(false, "")
		if err != nil {
			return false, err
		}
		parts = append(parts, fmt.Sprintf(`SELECT %d AS file, vcol, province, indicator, year_t, value_t, rank_t, rank_of_t, source,
			chiso_int(year_t) AS year, chiso_num(value_t) AS value, chiso_int(rank_t) AS rank, chiso_int(rank_of_t) AS rank_of
			FROM (%s)`, in.idx, long))
	}
	rows := "(" + strings.Join(parts, " UNION ALL ") + ")"
	ing.temps = append(ing.temps, "chiso_distinct")
	if _, err := ing.conn.ExecContext(ctx, `CREATE OR REPLACE TEMP TABLE chiso_distinct AS
		SELECT file, province, year, coalesce(source, '') AS source, indicator, grouping(indicator) AS g, count(*) AS n
		FROM `+rows+` GROUP BY GROUPING SETS ((file, province, year, coalesce(source, '')), (file, indicator))`); err != nil {
		if ctx.Err() != nil {
			return false, ctx.Err()
		}
		return false, nil // a malformed file: stage reports it
	}
	perFile := map[int]int64{}
	var total int64
	frows, err := ing.conn.QueryContext(ctx, `SELECT file, sum(n) FROM chiso_distinct WHERE g = 0 GROUP BY file`)
	if err != nil {
		return false, err
	}
	for frows.Next() {
		var f int
		var n int64
		if err := frows.Scan(&f, &n); err != nil {
			frows.Close()
			return false, err
		}
		perFile[f], total = n, total+n
	}
	frows.Close()
	for _, in := range ing.files {
		if perFile[in.idx] == 0 {
			return false, nil // no data rows: stage says so
		}
	}
	scratch := &problems{}
	if err := ing.resolve(ctx, scratch, fastDistincts); err != nil {
		return false, err
	}
	if scratch.total > 0 {
		return false, nil
	}
	ok, err := ing.write(ctx, rep, rows, total, true)
	if ok {
		for _, in := range ing.files {
			in.records = int(perFile[in.idx])
		}
	}
	return ok, err
}

// write adds the staged rows in one transaction on the assumption that they are all valid,
// and checks that assumption: every staged row went in and, if checkKeys, no key twice and no
// figure already loaded from the same source. If it does not hold, it rolls back and reports
// false; diagnose then says why.
func (ing *ingestion) write(ctx context.Context, rep *IngestReport, rows string, staged int64, checkKeys bool) (bool, error) {
	c := ing.conn
	batch := fmt.Sprintf("i%x", time.Now().UnixNano()%(1<<40))
	errInvalid := errors.New("invalid rows")
	err := inTx(ctx, c, func() error {
		if _, err := c.ExecContext(ctx, `INSERT INTO source SELECT id, citation, url FROM chiso_sources
			WHERE id NOT IN (SELECT id FROM source)`); err != nil {
			return fmt.Errorf("write sources: %w", err)
		}
		if ing.opts.Prefer {
			if _, err := c.ExecContext(ctx, `UPDATE observation SET preferred = false
				FROM (SELECT DISTINCT i.id, u.id AS unit_id, e.year FROM chiso_existing e
					JOIN chiso_inds i USING (ind_no) JOIN chiso_units u USING (unit_no)) x
				WHERE observation.indicator_id = x.id AND observation.unit_id = x.unit_id AND observation.year = x.year`); err != nil {
				return fmt.Errorf("write: %w", err)
			}
		}
		// A new figure is preferred unless its key already has a preferred figure (or --prefer).
		var existing int
		if err := c.QueryRowContext(ctx, `SELECT count(*) FROM chiso_existing WHERE has_preferred`).Scan(&existing); err != nil {
			return err
		}
		preferred, joinExisting := "e.has_preferred IS NULL OR NOT e.has_preferred", `LEFT JOIN (
				SELECT ind_no, unit_no, year, bool_or(has_preferred) AS has_preferred FROM chiso_existing GROUP BY ALL) e
				ON e.ind_no = c.ind_no AND e.unit_no = k.unit_no AND e.year = s.year`
		if ing.opts.Prefer || existing == 0 {
			preferred, joinExisting = "true", ""
		}
		// Two small dimension tables, so that the rows meet only two hash joins.
		ing.temps = append(ing.temps, "chiso_inddim", "chiso_keydim")
		if _, err := c.ExecContext(ctx, `CREATE OR REPLACE TEMP TABLE chiso_inddim AS
			SELECT r.raw, i.ind_no, i.id, c.first_year, c.scale_min, c.scale_max
			FROM chiso_indraw r JOIN chiso_inds i USING (ind_no) JOIN indicator c ON c.id = i.id;
			CREATE OR REPLACE TEMP TABLE chiso_keydim AS
			SELECT k.province, k.year, k.source, k.unit_no, u.id AS unit_id, k.n_units, src.id AS source_id,
				NOT contains(src.citation, 'UNVERIFIED') AS verified
			FROM chiso_keys k JOIN chiso_units u USING (unit_no) JOIN chiso_sources src USING (src_no)`); err != nil {
			return fmt.Errorf("write: %w", err)
		}
		res, err := c.ExecContext(ctx, fmt.Sprintf(`INSERT INTO observation
			SELECT c.id, k.unit_id, s.year, s.value, s.rank, CASE WHEN s.rank IS NOT NULL THEN coalesce(s.rank_of, k.n_units) END,
				CASE WHEN s.value IS NULL AND chiso_na(s.value_t) THEN 'not_published' ELSE 'published' END,
				k.verified, %[2]s, k.source_id, ?
			FROM %[4]s s
			JOIN chiso_inddim c ON c.raw = coalesce(s.indicator, '')
			JOIN chiso_keydim k ON k.province = s.province AND k.year = s.year AND k.source = coalesce(s.source, '')
			%[3]s
			WHERE %[1]s`, fmt.Sprintf(rowOK, ing.opts.Now.Year()), preferred, joinExisting, rows), batch)
		if err != nil {
			return fmt.Errorf("write observations: %w", err)
		}
		added, _ := res.RowsAffected()
		if added != staged {
			return errInvalid
		}
		if checkKeys {
			ing.step("write: check keys")
			// Keys are compared by their hash here: a collision only sends the ingest down the exact,
			// slower path of diagnose.
			var dups int
			if err := c.QueryRowContext(ctx, `SELECT
				(SELECT count(*) FROM (SELECT 1 FROM observation WHERE batch = ? GROUP BY hash(indicator_id, unit_id, year) HAVING count(*) > 1))
				+ (SELECT count(*) FROM chiso_existing e JOIN chiso_keys k ON k.unit_no = e.unit_no AND k.year = e.year AND k.src_no = e.same_source_no)`,
				batch).Scan(&dups); err != nil {
				return err
			}
			if dups > 0 {
				return errInvalid
			}
		}
		rep.Added, rep.Rows = int(added), int(added)
		if err := c.QueryRowContext(ctx, `SELECT count(*) FROM observation WHERE batch = ? AND preferred`, batch).Scan(&rep.Preferred); err != nil {
			return err
		}
		ing.step("write: version")
		return updateVersion(ctx, c)
	})
	if errors.Is(err, errInvalid) {
		return false, nil
	}
	return err == nil, err
}

// diagnose finds every problem of the staged rows, with its position, and returns the number
// of valid rows. It is the validation of a dry run, and what explains a refused fast write.
func (ing *ingestion) diagnose(ctx context.Context, probs *problems) (int, error) {
	c := ing.conn
	ing.step("validate: fields")
	// Field checks: one cheap pass finds the suspect rows; the messages come from those only.
	bad := `(year IS NULL OR province IS NULL OR trim(province) = ''
		OR (value IS NULL AND value_t IS NOT NULL) OR (value IS NULL AND rank_t IS NULL) OR NOT isfinite(value)
		OR (rank_t IS NOT NULL AND coalesce(rank, 0) < 1) OR (rank_of_t IS NOT NULL AND coalesce(rank_of, 0) < 1)`
	if ing.opts.Source == "" {
		bad += ` OR source IS NULL OR trim(source) = ''`
	}
	if ing.opts.Indicator == "" {
		bad += ` OR indicator IS NULL OR trim(indicator) = ''`
	}
	bad += ")"
	if _, err := c.ExecContext(ctx, `CREATE OR REPLACE TEMP TABLE chiso_suspect AS SELECT * FROM chiso_stage WHERE `+bad); err != nil {
		return 0, fmt.Errorf("validate: %w", err)
	}
	ing.temps = append(ing.temps, "chiso_suspect")
	typeChecks := `
		SELECT file, rec, 'province' AS field, vcol, 'a province name or code' AS want, 'an empty cell' AS got
			FROM chiso_suspect WHERE chiso_txt(province) IS NULL
		UNION ALL SELECT file, rec, 'indicator', vcol, 'an indicator id such as pci (or --indicator)', 'an empty cell'
			FROM chiso_suspect WHERE chiso_txt(indicator) IS NULL AND ?::VARCHAR = ''
		UNION ALL SELECT file, rec, 'year', vcol, 'a year such as 2021', '"' || coalesce(year_t, '') || '"'
			FROM chiso_suspect WHERE year IS NULL
		UNION ALL SELECT file, rec, 'value', vcol, 'a number such as 63.80 or 63,80', '"' || value_t || '"'
			FROM chiso_suspect WHERE (value IS NULL OR NOT isfinite(value)) AND chiso_txt(value_t) IS NOT NULL AND NOT chiso_na(value_t)
		UNION ALL SELECT file, rec, 'rank', vcol, 'a whole number ≥ 1', '"' || rank_t || '"'
			FROM chiso_suspect WHERE chiso_txt(rank_t) IS NOT NULL AND coalesce(rank, 0) < 1
		UNION ALL SELECT file, rec, 'rank_of', vcol, 'a whole number ≥ 1', '"' || rank_of_t || '"'
			FROM chiso_suspect WHERE chiso_txt(rank_of_t) IS NOT NULL AND coalesce(rank_of, 0) < 1
		UNION ALL SELECT file, rec, 'value', vcol, 'a value or a rank', 'neither'
			FROM chiso_suspect WHERE chiso_txt(value_t) IS NULL AND chiso_txt(rank_t) IS NULL`
	if ing.opts.Source == "" {
		typeChecks += `
		UNION ALL SELECT file, rec, 'source', vcol, 'a source (a "source" column, or --source)', 'an empty cell'
			FROM chiso_suspect WHERE chiso_txt(source) IS NULL`
	}
	if err := ing.collect(ctx, typeChecks, probs, ing.opts.Indicator); err != nil {
		return 0, err
	}
	// A suspect row that is fine after all is a value meaning "not published" (N/A).
	okRow := `(year IS NOT NULL AND chiso_txt(province) IS NOT NULL
		AND (value IS NULL OR isfinite(value)) AND (value IS NOT NULL OR chiso_txt(value_t) IS NULL OR chiso_na(value_t))
		AND (value IS NOT NULL OR chiso_txt(value_t) IS NOT NULL OR chiso_txt(rank_t) IS NOT NULL)
		AND (chiso_txt(rank_t) IS NULL OR rank >= 1) AND (chiso_txt(rank_of_t) IS NULL OR rank_of >= 1)`
	if ing.opts.Source == "" {
		okRow += ` AND chiso_txt(source) IS NOT NULL`
	}
	if ing.opts.Indicator == "" {
		okRow += ` AND chiso_txt(indicator) IS NOT NULL`
	}
	okRow += ")"

	ing.step("validate: rows")
	// Typed rows: every row whose fields parsed, on integer keys.
	if _, err := c.ExecContext(ctx, `CREATE OR REPLACE TEMP TABLE chiso_typed AS
		SELECT s.file, s.rec, s.vcol, i.ind_no, k.unit_no, k.src_no, k.n_units, s.year, s.value, s.rank,
			CASE WHEN s.rank IS NOT NULL THEN coalesce(s.rank_of, k.n_units) END AS rank_of, s.rank_of IS NOT NULL AS rank_of_given,
			s.value IS NULL AND chiso_na(s.value_t) AS na
		FROM (SELECT * FROM chiso_stage WHERE NOT `+bad+` OR `+okRow+`) s
		JOIN chiso_indraw i ON i.raw = coalesce(s.indicator, '')
		JOIN chiso_keys k ON k.province = s.province AND k.year = s.year AND k.source = coalesce(s.source, '')`); err != nil {
		return 0, fmt.Errorf("validate: %w", err)
	}
	lastYear := ing.opts.Now.Year()
	checks := fmt.Sprintf(`
		SELECT t.file, t.rec, 'year' AS field, t.vcol,
			'a year from ' || c.first_year || ' (the first year of ' || c.id || ') to %[1]d' AS want, t.year::VARCHAR AS got
			FROM chiso_typed t JOIN chiso_inds i USING (ind_no) JOIN indicator c ON c.id = i.id
			WHERE t.year < c.first_year OR t.year > %[1]d
		UNION ALL SELECT t.file, t.rec, 'value', t.vcol,
			'a value in [' || coalesce(c.scale_min::VARCHAR, '…') || ', ' || coalesce(c.scale_max::VARCHAR, '…') || '] (' || c.unit_of_measure || ')',
			'"' || s.value_t || '"'
			FROM chiso_typed t JOIN chiso_inds i USING (ind_no) JOIN indicator c ON c.id = i.id
				JOIN chiso_stage s ON s.file = t.file AND s.rec = t.rec AND s.vcol = t.vcol
			WHERE t.value < c.scale_min OR t.value > c.scale_max
		UNION ALL SELECT file, rec, 'rank', vcol,
			'a rank in 1..' || rank_of || CASE WHEN rank_of_given THEN ' (rank_of)' ELSE ' (the units in force; give rank_of for a ranking of more)' END,
			rank::VARCHAR
			FROM chiso_typed WHERE rank > rank_of
		UNION ALL SELECT t.file, t.rec, 'province', t.vcol,
			'one row per indicator, province and year',
			'a duplicate of line ' || d.first_rec::VARCHAR || CASE WHEN d.first_file <> t.file THEN ' of another file' ELSE '' END
			FROM chiso_typed t JOIN (
				SELECT ind_no, unit_no, year, arg_min(rec, (file, rec)) AS first_rec, min(file) AS first_file
				FROM chiso_typed GROUP BY ALL HAVING count(*) > 1) d USING (ind_no, unit_no, year)
			WHERE NOT (t.file = d.first_file AND t.rec = d.first_rec)
		UNION ALL SELECT t.file, t.rec, 'source', t.vcol, 'a figure not yet loaded from this source',
			'the same key from the same source already in the database'
			FROM chiso_typed t JOIN chiso_existing e USING (ind_no, unit_no, year)
			WHERE e.same_source_no = t.src_no`, lastYear)
	ing.step("validate: keys")
	ing.temps = append(ing.temps, "chiso_existing", "chiso_inds", "chiso_units")
	if err := ing.collect(ctx, checks, probs); err != nil {
		return 0, err
	}
	// The duplicate check names the first line as a record number: turn it into a line.
	for _, p := range probs.list {
		ing.fixDuplicateLine(p)
	}
	var n int
	if err := c.QueryRowContext(ctx, `SELECT count(*) FROM chiso_typed`).Scan(&n); err != nil {
		return 0, err
	}
	return n, nil
}

// table creates the temporary table name with the given columns and appends rows to it.
func (ing *ingestion) table(ctx context.Context, name, columns string, rows [][]any) error {
	if _, err := ing.conn.ExecContext(ctx, fmt.Sprintf("CREATE OR REPLACE TEMP TABLE %s (%s)", name, columns)); err != nil {
		return fmt.Errorf("validate: %w", err)
	}
	ing.temps = append(ing.temps, name)
	return appendRows(ctx, ing.conn, name, rows)
}

var dupRE = regexp.MustCompile(`^a duplicate of line (\d+)`)

func (ing *ingestion) fixDuplicateLine(p *ParseError) {
	m := dupRE.FindStringSubmatch(p.Got)
	if m == nil {
		return
	}
	rec, _ := strconv.Atoi(m[1])
	for _, in := range ing.files {
		if in.name == p.File && rec >= 1 && rec <= len(in.lines) {
			p.Got = strings.Replace(p.Got, m[0], fmt.Sprintf("a duplicate of line %d", in.lines[rec-1]), 1)
			if in.sheet != "" {
				p.Got = strings.Replace(p.Got, "line", "row", 1)
			}
			return
		}
	}
}

func countSet(units []Unit, set string) int {
	n := 0
	for _, u := range units {
		if u.Set == set {
			n++
		}
	}
	return n
}

func nameWant(ne *NameError, year int) string {
	switch ne.Err {
	case ErrAmbiguousProvince:
		return "one province"
	case ErrNotInForce:
		return fmt.Sprintf("a province in force in %d", year)
	default:
		return "a known province name or 2-digit code"
	}
}

func nameGot(ne *NameError) string {
	switch ne.Err {
	case ErrAmbiguousProvince:
		return ", which matches " + listUnits(ne.Candidates)
	case ErrNotInForce:
		s := fmt.Sprintf(", which is %s", listUnits(ne.Candidates))
		if len(ne.Successor) > 0 {
			s += "; it became part of " + listUnits(ne.Successor) + " (or pass --units 63)"
		}
		return s
	default:
		if len(ne.Nearest) > 0 {
			return "; nearest known names: " + strings.Join(ne.Nearest, ", ")
		}
		return ""
	}
}
