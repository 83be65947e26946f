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
	raw        string // its temporary table of text fields c1..cN
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
	p := &ParseError{File: in.name, Sheet: in.sheet, Column: col, Want: want, Got: got}
	if rec >= 1 && int(rec) <= len(in.lines) {
		p.Line = int(in.lines[rec-1])
	}
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
	ing := &ingestion{s: s, conn: conn, opts: opts, unitDate: unitDate}
	defer ing.cleanup()

	probs := &problems{}
	for i, p := range paths {
		in := &inputFile{idx: i, path: p, name: p, raw: fmt.Sprintf("chiso_raw_%d", i)}
		ing.files = append(ing.files, in)
		ing.temps = append(ing.temps, in.raw)
		step("read " + p)
		if err := ing.read(ctx, in, probs); err != nil {
			return rep, err
		}
		if in.records > 0 && in.mapHeader(opts, probs) {
			rep.Files = append(rep.Files, FileReport{File: in.name, Format: in.format, Sheet: in.sheet, Shape: in.shape(), Rows: in.records, Ignored: in.ignored})
		}
	}
	if err := probs.err(); err != nil {
		return rep, err
	}
	step("stage")
	if err := ing.stage(ctx); err != nil {
		return rep, err
	}
	step("validate")
	n, err := ing.validate(ctx, probs)
	if err != nil {
		return rep, err
	}
	if err := probs.err(); err != nil {
		return rep, err
	}
	rep.Rows = n
	if opts.DryRun {
		rep.Version = s.Version()
		return rep, nil
	}
	step("write")
	s.mu.Lock()
	defer s.mu.Unlock()
	if err := ing.write(ctx, &rep); err != nil {
		return rep, err
	}
	var v string
	if err := conn.QueryRowContext(ctx, `SELECT value FROM meta WHERE key = 'version'`).Scan(&v); err != nil {
		return rep, fmt.Errorf("read dataset version: %w", err)
	}
	s.version = v
	rep.Version = v
	return rep, nil
}

// parseUnitsOption turns --units into a function from a row's year to the day whose units
// the row refers to.
func parseUnitsOption(units string) (func(year int) time.Time, error) {
	switch units {
	case "":
		return YearEnd, nil
	case "63":
		return func(y int) time.Time {
			if d := YearEnd(y); d.Before(lastDay63) {
				return d
			}
			return lastDay63
		}, nil
	case "34":
		return func(y int) time.Time {
			if d := YearEnd(y); d.After(mergerDate) {
				return d
			}
			return mergerDate
		}, nil
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
	temps    []string
}

func (ing *ingestion) cleanup() {
	ctx := context.Background()
	for _, t := range ing.temps {
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
		return readCSVFile(ctx, ing.conn, in, ing.opts.Encoding, ing.opts.TempDir, probs)
	}
}

const stageDDL = `CREATE OR REPLACE TEMP TABLE chiso_stage (
	file INTEGER, rec BIGINT, province VARCHAR, indicator VARCHAR, year VARCHAR, value VARCHAR,
	rank VARCHAR, rank_of VARCHAR, source VARCHAR, vcol INTEGER)`

const macros = `
CREATE OR REPLACE TEMP MACRO chiso_txt(x) AS nullif(trim(x), '');
CREATE OR REPLACE TEMP MACRO chiso_na(x) AS lower(chiso_txt(x)) IN ('n/a', 'na', 'not published', 'not_published', 'không công bố', 'khong cong bo');
CREATE OR REPLACE TEMP MACRO chiso_num0(x) AS TRY_CAST(CASE WHEN contains(x, ',') AND NOT contains(x, '.') THEN replace(x, ',', '.') ELSE x END AS DOUBLE);
CREATE OR REPLACE TEMP MACRO chiso_num(x) AS CASE WHEN isfinite(chiso_num0(chiso_txt(x))) THEN chiso_num0(chiso_txt(x)) END;
CREATE OR REPLACE TEMP MACRO chiso_int(x) AS CASE WHEN regexp_full_match(chiso_txt(x), '[0-9]+') THEN TRY_CAST(chiso_txt(x) AS INTEGER) END;
`

// stage copies every file's rows into one table of text fields: the long form of all files.
func (ing *ingestion) stage(ctx context.Context) error {
	ing.temps = append(ing.temps, "chiso_stage", "chiso_keys", "chiso_sources", "chiso_typed", "chiso_bad")
	if _, err := ing.conn.ExecContext(ctx, stageDDL+";"+macros); err != nil {
		return fmt.Errorf("stage: %w", err)
	}
	defInd := sqlString(strings.ToLower(strings.TrimSpace(ing.opts.Indicator)))
	for _, in := range ing.files {
		col := func(field string) string {
			if c, ok := in.cols[field]; ok {
				return fmt.Sprintf("c%d", c)
			}
			return "NULL"
		}
		ind := fmt.Sprintf("lower(trim(coalesce(chiso_txt(%s), %s)))", col("indicator"), defInd)
		var q string
		if in.years == nil {
			q = fmt.Sprintf(`INSERT INTO chiso_stage SELECT %d, rowid + 1, %s, %s, %s, %s, %s, %s, %s, %d FROM %s`,
				in.idx, col("province"), ind, col("year"), col("value"), col("rank"), col("rank_of"), col("source"),
				in.cols["value"], in.raw)
		} else {
			var on, yearCase []string
			for c, y := range in.years {
				on = append(on, fmt.Sprintf("c%d", c))
				yearCase = append(yearCase, fmt.Sprintf("WHEN 'c%d' THEN '%d'", c, y))
			}
			sort.Strings(on)
			q = fmt.Sprintf(`INSERT INTO chiso_stage
				SELECT %d, rec, province, ind, CASE col %s END, value, NULL, NULL, source, CAST(substr(col, 2) AS INTEGER)
				FROM (UNPIVOT (SELECT rowid + 1 AS rec, %s AS province, %s AS ind, %s AS source, %s FROM %s)
					ON %s INTO NAME col VALUE value)
				WHERE chiso_txt(value) IS NOT NULL`,
				in.idx, strings.Join(yearCase, " "), col("province"), ind, col("source"), strings.Join(on, ", "), in.raw, strings.Join(on, ", "))
		}
		if _, err := ing.conn.ExecContext(ctx, q); err != nil {
			return fmt.Errorf("stage %s: %w", in.name, err)
		}
	}
	return nil
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

// validate checks every staged row and returns how many there are.
func (ing *ingestion) validate(ctx context.Context, probs *problems) (int, error) {
	c := ing.conn
	noSource := ing.opts.Source == ""
	typeChecks := `
		SELECT file, rec, 'province' AS field, vcol, 'a province name or code' AS want, 'an empty cell' AS got
			FROM chiso_stage WHERE chiso_txt(province) IS NULL
		UNION ALL SELECT file, rec, 'indicator', vcol, 'an indicator id such as pci', 'an empty cell'
			FROM chiso_stage WHERE chiso_txt(indicator) IS NULL
		UNION ALL SELECT file, rec, 'year', vcol, 'a year such as 2021', '"' || coalesce(year, '') || '"'
			FROM chiso_stage WHERE chiso_int(year) IS NULL
		UNION ALL SELECT file, rec, 'value', vcol, 'a number such as 63.80 or 63,80', '"' || value || '"'
			FROM chiso_stage WHERE chiso_txt(value) IS NOT NULL AND NOT chiso_na(value) AND chiso_num(value) IS NULL
		UNION ALL SELECT file, rec, 'rank', vcol, 'a whole number ≥ 1', '"' || rank || '"'
			FROM chiso_stage WHERE chiso_txt(rank) IS NOT NULL AND (chiso_int(rank) IS NULL OR chiso_int(rank) < 1)
		UNION ALL SELECT file, rec, 'rank_of', vcol, 'a whole number ≥ 1', '"' || rank_of || '"'
			FROM chiso_stage WHERE chiso_txt(rank_of) IS NOT NULL AND (chiso_int(rank_of) IS NULL OR chiso_int(rank_of) < 1)
		UNION ALL SELECT file, rec, 'value', vcol, 'a value or a rank', 'neither'
			FROM chiso_stage WHERE chiso_txt(value) IS NULL AND chiso_txt(rank) IS NULL`
	if noSource {
		typeChecks += `
		UNION ALL SELECT file, rec, 'source', vcol, 'a source (a "source" column, or --source)', 'an empty cell'
			FROM chiso_stage WHERE chiso_txt(source) IS NULL`
	}
	if err := ing.collect(ctx, typeChecks, probs); err != nil {
		return 0, err
	}

	// Indicators: a handful of distinct ids, checked against the catalogue in Go.
	inds, err := ing.s.Indicators(ctx)
	if err != nil {
		return 0, err
	}
	known := map[string]Indicator{}
	var ids []string
	for _, in := range inds {
		known[in.ID] = in
		ids = append(ids, in.ID)
	}
	rows, err := c.QueryContext(ctx, `SELECT file, indicator, min(rec), count(*) FROM chiso_stage
		WHERE chiso_txt(indicator) IS NOT NULL GROUP BY ALL ORDER BY 1, 3`)
	if err != nil {
		return 0, fmt.Errorf("validate indicators: %w", err)
	}
	for rows.Next() {
		var file int
		var ind string
		var rec, n int64
		if err := rows.Scan(&file, &ind, &rec, &n); err != nil {
			rows.Close()
			return 0, err
		}
		if _, ok := known[ind]; ok {
			continue
		}
		in := ing.files[file]
		got := quote(ind)
		if n > 1 {
			got += fmt.Sprintf(" (in %d rows)", n)
		}
		p := in.problem(rec, ing.colOf(in, "indicator", 0), "a known indicator ("+strings.Join(ids, ", ")+")", got)
		if _, hasCol := in.cols["indicator"]; !hasCol {
			p.Field, p.Column = "--indicator", 0
		}
		probs.add(p)
	}
	rows.Close()

	// Provinces: distinct (name, year) pairs, resolved in Go to the unit in force.
	if _, err := c.ExecContext(ctx, `CREATE OR REPLACE TEMP TABLE chiso_keys (province VARCHAR, year INTEGER, unit_id VARCHAR, n_units INTEGER)`); err != nil {
		return 0, err
	}
	rows, err = c.QueryContext(ctx, `SELECT file, province, chiso_int(year) AS y, min(rec), count(*) FROM chiso_stage
		WHERE chiso_txt(province) IS NOT NULL AND chiso_int(year) IS NOT NULL GROUP BY ALL ORDER BY 1, 4`)
	if err != nil {
		return 0, fmt.Errorf("validate provinces: %w", err)
	}
	var keys [][]any
	nUnits := map[time.Time]int{}
	reported := map[string]bool{}
	for rows.Next() {
		var file, year int
		var name string
		var rec, n int64
		if err := rows.Scan(&file, &name, &year, &rec, &n); err != nil {
			rows.Close()
			return 0, err
		}
		at := ing.unitDate(year)
		u, err := ing.s.registry.Resolve(name, at)
		if err != nil {
			var ne *NameError
			if !errors.As(err, &ne) {
				rows.Close()
				return 0, err
			}
			in := ing.files[file]
			key := fmt.Sprintf("%d/%s/%v", file, name, ne.Err == ErrUnknownProvince)
			if ne.Err == ErrUnknownProvince && reported[key] {
				continue // one report per unknown name and file
			}
			reported[key] = true
			probs.add(in.problem(rec, ing.colOf(in, "province", 0), nameWant(ne, year), quote(name)+nameGot(ne)))
			continue
		}
		if _, ok := nUnits[at]; !ok {
			nUnits[at] = countSet(ing.s.registry.InForce(at), u.Set)
		}
		keys = append(keys, []any{name, int32(year), u.ID, int32(nUnits[at])})
	}
	rows.Close()
	if err := appendRows(ctx, c, "chiso_keys", keys); err != nil {
		return 0, err
	}

	// Sources: distinct citations, hashed in Go.
	if _, err := c.ExecContext(ctx, `CREATE OR REPLACE TEMP TABLE chiso_sources (citation VARCHAR, id VARCHAR, url VARCHAR)`); err != nil {
		return 0, err
	}
	rows, err = c.QueryContext(ctx, `SELECT DISTINCT coalesce(chiso_txt(source), ?) FROM chiso_stage`, ing.opts.Source)
	if err != nil {
		return 0, fmt.Errorf("validate sources: %w", err)
	}
	var srcs [][]any
	for rows.Next() {
		var cit string
		if err := rows.Scan(&cit); err != nil {
			rows.Close()
			return 0, err
		}
		if cit != "" {
			srcs = append(srcs, []any{cit, sourceID(cit), nullString(citationURL(cit))})
		}
	}
	rows.Close()
	if err := appendRows(ctx, c, "chiso_sources", srcs); err != nil {
		return 0, err
	}

	// Typed rows: every row whose fields parsed, with its unit, indicator and source.
	if _, err := c.ExecContext(ctx, `CREATE OR REPLACE TEMP TABLE chiso_typed AS
		SELECT s.file, s.rec, s.vcol, i.id AS indicator_id, k.unit_id, k.n_units, chiso_int(s.year) AS year,
			chiso_num(s.value) AS value, chiso_int(s.rank) AS rank,
			CASE WHEN chiso_int(s.rank) IS NOT NULL THEN coalesce(chiso_int(s.rank_of), k.n_units) END AS rank_of,
			CASE WHEN chiso_na(s.value) THEN 'not_published' ELSE 'published' END AS status,
			src.id AS source_id, src.citation, s.value AS value_text, chiso_int(s.rank_of) IS NOT NULL AS rank_of_given,
			i.scale_min, i.scale_max, i.first_year, i.unit_of_measure
		FROM chiso_stage s
		JOIN indicator i ON i.id = s.indicator
		JOIN chiso_keys k ON k.province = s.province AND k.year = chiso_int(s.year)
		JOIN chiso_sources src ON src.citation = coalesce(chiso_txt(s.source), ?)
		WHERE (chiso_txt(s.value) IS NULL OR chiso_na(s.value) OR chiso_num(s.value) IS NOT NULL)
			AND (chiso_txt(s.rank) IS NULL OR chiso_int(s.rank) >= 1)
			AND (chiso_txt(s.rank_of) IS NULL OR chiso_int(s.rank_of) >= 1)`, ing.opts.Source); err != nil {
		return 0, fmt.Errorf("validate: %w", err)
	}
	lastYear := ing.opts.Now.Year()
	checks := fmt.Sprintf(`
		SELECT file, rec, 'year' AS field, vcol, 'a year from ' || first_year || ' (the first year of ' || indicator_id || ') to %[1]d' AS want,
			year::VARCHAR AS got
			FROM chiso_typed WHERE year < first_year OR year > %[1]d
		UNION ALL SELECT file, rec, 'value', vcol,
			'a value in [' || coalesce(scale_min::VARCHAR, '…') || ', ' || coalesce(scale_max::VARCHAR, '…') || '] (' || unit_of_measure || ')',
			'"' || value_text || '"'
			FROM chiso_typed WHERE value < scale_min OR value > scale_max
		UNION ALL SELECT file, rec, 'rank', vcol,
			'a rank in 1..' || rank_of || CASE WHEN rank_of_given THEN ' (rank_of)' ELSE ' (the units in force; give rank_of for a ranking of more)' END,
			rank::VARCHAR
			FROM chiso_typed WHERE rank > rank_of
		UNION ALL SELECT file, rec, 'province', vcol,
			'one row per indicator, province and year', 'a duplicate of line ' || first_rec::VARCHAR || CASE WHEN first_file <> file THEN ' of another file' ELSE '' END
			FROM (SELECT *, first_value(rec) OVER w AS first_rec, first_value(file) OVER w AS first_file,
					row_number() OVER w AS n
				FROM chiso_typed WINDOW w AS (PARTITION BY indicator_id, unit_id, year ORDER BY file, rec))
			WHERE n > 1
		UNION ALL SELECT t.file, t.rec, 'source', t.vcol, 'a figure not yet loaded from this source',
			'the same key from the same source already in the database'
			FROM chiso_typed t JOIN observation o ON o.indicator_id = t.indicator_id AND o.unit_id = t.unit_id
				AND o.year = t.year AND o.source_id = t.source_id`, lastYear)
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

// write adds the typed rows in one transaction and keeps the table sorted.
func (ing *ingestion) write(ctx context.Context, rep *IngestReport) error {
	batch := fmt.Sprintf("ingest %s", time.Now().UTC().Format(time.RFC3339Nano))
	return inTx(ctx, ing.conn, func() error {
		c := ing.conn
		if _, err := c.ExecContext(ctx, `INSERT INTO source SELECT DISTINCT id, citation, url FROM chiso_sources
			WHERE id NOT IN (SELECT id FROM source)`); err != nil {
			return fmt.Errorf("write sources: %w", err)
		}
		if ing.opts.Prefer {
			if _, err := c.ExecContext(ctx, `UPDATE observation SET preferred = false
				FROM chiso_typed t WHERE observation.indicator_id = t.indicator_id
				AND observation.unit_id = t.unit_id AND observation.year = t.year`); err != nil {
				return fmt.Errorf("write: %w", err)
			}
		}
		res, err := c.ExecContext(ctx, `INSERT INTO observation
			SELECT t.indicator_id, t.unit_id, t.year, t.value, t.rank, t.rank_of, t.status,
				NOT contains(t.citation, 'UNVERIFIED'),
				NOT EXISTS (SELECT 1 FROM observation o WHERE o.preferred AND o.indicator_id = t.indicator_id
					AND o.unit_id = t.unit_id AND o.year = t.year),
				t.source_id, ?
			FROM chiso_typed t`, batch)
		if err != nil {
			return fmt.Errorf("write observations: %w", err)
		}
		added, _ := res.RowsAffected()
		rep.Added = int(added)
		if err := c.QueryRowContext(ctx, `SELECT count(*) FROM observation WHERE batch = ? AND preferred`, batch).Scan(&rep.Preferred); err != nil {
			return err
		}
		if err := resortObservations(ctx, c); err != nil {
			return err
		}
		return updateVersion(ctx, c)
	})
}
