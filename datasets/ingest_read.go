package datasets

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/xuri/excelize/v2"
	"golang.org/x/text/unicode/norm"
)

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
	tempPaths  []string // copies of the file and folders made for it, removed at the end
	temps      []string // temporary tables the reader made
	header     []string
	header2    []string // CSV: a second header row on line 2, left out of the rows
	headerLine int
	records    int
	lines      []int32        // data record i (0-based) starts on line lines[i]
	cols       map[string]int // field → 1-based column; absent fields are missing
	years      map[int]int    // wide form: column → year
	inds       map[int]string // wide by indicator: column → indicator id (one year: cols["year"] or year)
	ignored    []string
	// A file read by a recipe (see recipe.go):
	recipe   string    // its name, with " (detected)" when not asked for
	year     int       // the year the file is for
	unitsDay time.Time // if not zero, the day whose units its province names refer to
	used     []string  // what the recipe read
	skipped  []string  // what it did not
	// summaryRows counts the rows of totals and summaries ("Cả nước", "Trung bình") skipped.
	summaryRows  int
	summaryNames []string
}

func (in *inputFile) shape() string {
	if in.years != nil {
		return "wide"
	}
	if in.inds != nil {
		return "wide by indicator"
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
	"verified": "verified", "dakiemchung": "verified", "kiemchung": "verified", "daxacminh": "verified", "xacminh": "verified",
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
// indicator), wide by year (province and one column per year) or wide by indicator (province
// and one column per indicator of the catalogue, for one year: a year column or --year).
// --columns names the columns of fields by letter or header. A wide file keeps its rank column
// when it has one figure column.
func (in *inputFile) mapHeader(opts IngestOptions, cat *Catalogue, probs *problems) bool {
	in.cols = map[string]int{}
	years := map[int]int{}
	inds := map[int]string{}
	claimed := map[int]bool{}
	if opts.Columns != "" {
		given, err := in.parseColumns(opts.Columns)
		if err != nil {
			probs.add(err)
			return false
		}
		for f, c := range given {
			in.cols[f] = c
			claimed[c] = true
		}
	}
	byName := map[string]string{}
	if cat != nil {
		for _, ind := range cat.All() {
			for _, n := range []string{ind.ID, ind.NameVI, ind.NameEN} {
				byName[foldHeader(n)] = ind.ID
			}
		}
	}
	for i, h := range in.header {
		col := i + 1
		if claimed[col] {
			continue
		}
		if f, ok := headerFields[foldHeader(h)]; ok {
			if _, set := in.cols[f]; set && opts.Columns != "" {
				in.ignored = append(in.ignored, h)
				continue
			}
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
			for c, y2 := range years {
				if y2 == y {
					probs.add(&ParseError{File: in.name, Sheet: in.sheet, Line: in.hdrLine(), Column: col, Field: h,
						Want: "one column per year", Got: fmt.Sprintf("a second one for %d (column %d is %q too)", y, c, in.header[c-1])})
					return false
				}
			}
			years[col] = y
			continue
		}
		if id, ok := byName[foldHeader(h)]; ok && foldHeader(h) != "" {
			inds[col] = id
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
	_, hasInd := in.cols["indicator"]
	if in.recipe == "" {
		in.year = opts.Year
	}
	switch {
	case (hasYear || opts.Year != 0) && (hasValue || hasRank):
		for col := range years {
			in.ignored = append(in.ignored, in.header[col-1])
		}
		for col := range inds {
			in.ignored = append(in.ignored, in.header[col-1])
		}
	case len(years) > 0 && !hasYear:
		in.years = years
	case len(inds) > 0 && !hasInd:
		if !hasYear && opts.Year == 0 {
			probs.add(&ParseError{File: in.name, Sheet: in.sheet, Line: in.hdrLine(), Column: 1, Field: "--year",
				Want: "a year column or --year for a file with one column per indicator", Got: got})
			return false
		}
		in.inds = inds
	default:
		probs.add(&ParseError{File: in.name, Sheet: in.sheet, Line: in.hdrLine(), Column: 1,
			Want: "a long header (province, indicator, year, value[, rank, rank_of, source]) or a wide one (province and one column per year)", Got: got})
		return false
	}
	if hasRank && (in.years != nil || in.inds != nil) && len(years)+len(inds) > 1 {
		c := in.cols["rank"]
		probs.add(&ParseError{File: in.name, Sheet: in.sheet, Line: in.hdrLine(), Column: c, Field: in.header[c-1],
			Want: "a rank column in a wide file of one figure column (which column does it rank?)",
			Got:  fmt.Sprintf("%d figure columns; load the ranks with a long file or one column at a time (--columns)", len(years)+len(inds))})
		return false
	}
	if _, ok := in.cols["indicator"]; !ok && opts.Indicator == "" && in.inds == nil {
		want := "an indicator column, or --indicator"
		if in.years != nil {
			want = "--indicator for a wide file (one column per year)"
		}
		probs.add(&ParseError{File: in.name, Sheet: in.sheet, Line: in.hdrLine(), Column: 1, Want: want, Got: got})
		return false
	}
	return true
}

// parseColumns reads --columns: field=COLUMN pairs, a column by its letter (A, AB) or its
// header; it returns field → 1-based column.
func (in *inputFile) parseColumns(spec string) (map[string]int, *ParseError) {
	out := map[string]int{}
	fields := map[string]bool{"province": true, "indicator": true, "year": true, "value": true, "rank": true, "rank_of": true, "source": true, "verified": true}
	bad := func(want, got string) *ParseError {
		return &ParseError{File: in.name, Sheet: in.sheet, Line: in.hdrLine(), Field: "--columns", Want: want, Got: got}
	}
	for _, part := range strings.Split(spec, ",") {
		f, c, ok := strings.Cut(strings.TrimSpace(part), "=")
		f, c = strings.ToLower(strings.TrimSpace(f)), strings.TrimSpace(c)
		if !ok || !fields[f] || c == "" {
			return nil, bad("field=COLUMN pairs such as province=B,value=W,rank=X (fields: province, indicator, year, value, rank, rank_of, source, verified)", quote(part))
		}
		col := 0
		for i, h := range in.header { // a header name first: a column may be called "X"
			if foldHeader(h) == foldHeader(c) && foldHeader(c) != "" {
				col = i + 1
				break
			}
		}
		if col == 0 {
			if n, err := excelize.ColumnNameToNumber(strings.ToUpper(c)); err == nil && n <= len(in.header) {
				col = n
			}
		}
		if col == 0 {
			return nil, bad(fmt.Sprintf("a column letter (A–%s) or a header of the file (%s)", colName(len(in.header)-1), strings.Join(quoteAll(in.header), ", ")), quote(c))
		}
		out[f] = col
	}
	return out, nil
}

func (in *inputFile) hdrLine() int {
	if in.headerLine > 0 {
		return in.headerLine
	}
	return 1
}

func (ing *ingestion) read(ctx context.Context, in *inputFile, probs *problems) error {
	f, err := os.Open(in.path)
	if err != nil {
		return fmt.Errorf("ingest: %w", err)
	}
	head := make([]byte, 512)
	n, _ := io.ReadFull(f, head)
	f.Close()
	head = head[:n]
	ext := strings.ToLower(filepath.Ext(in.path))
	isZip := bytes.HasPrefix(head, []byte("PK\x03\x04"))
	isOLE := bytes.HasPrefix(head, ole2Magic)
	switch {
	case bytes.HasPrefix(head, []byte("\x1f\x8b")):
		probs.add(&ParseError{File: in.name, Line: 1, Want: "CSV or XLSX", Got: "a gzip-compressed file (decompress it first)"})
		return nil
	case bytes.HasPrefix(head, []byte("%PDF-")):
		probs.add(&ParseError{File: in.name, Line: 1, Want: "CSV or XLSX", Got: "a PDF document (export the table as CSV or XLSX)"})
		return nil
	case ext == ".ods" || isZip && bytes.Contains(head, []byte("application/vnd.oasis.opendocument")):
		probs.add(&ParseError{File: in.name, Line: 1, Want: "CSV, XLSX or XLS", Got: "an OpenDocument spreadsheet (.ods): save it as .xlsx or export it as CSV"})
		return nil
	case (ext == ".xls" || ext == ".xlsx") && !isZip && !isOLE && looksLikeHTML(head):
		probs.add(&ParseError{File: in.name, Line: 1, Want: "CSV or XLSX", Got: "an HTML page named " + ext + " (open it and save it as .xlsx or CSV)"})
		return nil
	case ing.opts.Recipe != "" && ing.opts.Recipe != "none" || ext == ".xls" || isOLE:
		return ing.readByRecipe(ctx, in, ing.opts.Recipe, probs)
	case ext == ".xlsx" || ext == ".xlsm" || isZip:
		in.format = "xlsx"
		return readXLSXFile(ctx, ing.conn, in, ing.opts.Sheet, ing.opts.HeaderRow, probs)
	default:
		in.format = "csv"
		if ing.opts.HeaderRow > 1 {
			probs.add(&ParseError{File: in.name, Line: 1, Field: "--header-row", Want: "an XLSX file (a CSV file's header is its first line)",
				Got: fmt.Sprintf("--header-row %d on a CSV file: remove the lines above the header", ing.opts.HeaderRow)})
			return nil
		}
		return readCSVFile(in, ing.opts.Encoding, ing.opts.TempDir, probs)
	}
}

// lineTooLong is DuckDB's CSV reader's message for a line over its limit.
var lineTooLong = regexp.MustCompile(`Maximum line size of (\d+) bytes exceeded\. Actual Size:(\d+) bytes`)

// ole2Magic starts an OLE2 compound file: a legacy .xls workbook, or an encrypted XLSX.
var ole2Magic = []byte("\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1")

// looksLikeHTML reports whether head starts (after blanks and a BOM) like an HTML page, as
// the "Excel" exports of many web portals do.
func looksLikeHTML(head []byte) bool {
	h := bytes.ToLower(bytes.TrimLeft(bytes.TrimPrefix(head, utf8BOM), " \t\r\n"))
	return bytes.HasPrefix(h, []byte("<html")) || bytes.HasPrefix(h, []byte("<!doctype html")) || bytes.HasPrefix(h, []byte("<table"))
}

// Each file is read into its own table chiso_raw_N in long form: the text as found (for
// messages) and the values parsed once, in the same pass that reads the file. The view
// chiso_stage puts all files together with their record numbers. A value that is neither a
// number nor empty may still mean "not published" (chiso_na).
const rawColumns = `province, indicator, year_t, value_t, rank_t, rank_of_t, source, verified_t,
	chiso_int(year_t) AS year, chiso_num(value_t) AS value, chiso_rank(rank_t) AS rank, chiso_int(rank_of_t) AS rank_of`

// The parsers: a number may use a decimal comma ("63,80"), the minus sign "−", spaces or dots
// as thousands separators ("8 587,1", "1.234,5") and a percent sign ("12,5%" is 12.5, as
// displayed); a whole number has no decimal point ("12.5" is not a rank) but may end in ".0"
// ("2022.0", as spreadsheets write years); a rank may end in "=" (a shared rank, "37="). TRY_CAST accepts surrounding spaces. chiso_has(x) is
// chiso_txt(x) IS NOT NULL without the copy that trim makes of every cell (a cell is blank
// after trim just when it is blank after ltrim). chiso_na uses list_contains, not IN: DuckDB
// skips it in a filter for the rows an earlier test settled, which it did not do for IN.
// chiso_num and chiso_rank are CASE, not coalesce: DuckDB evaluates a CASE branch only for
// the rows that reach it, so a plain number never meets the repairs (coalesce evaluated them
// for every row, which made chiso_num ten times as slow as the TRY_CAST it starts with).
const macros = `
CREATE OR REPLACE TEMP MACRO chiso_txt(x) AS nullif(trim(x), '');
CREATE OR REPLACE TEMP MACRO chiso_has(x) AS coalesce(ltrim(x) <> '', false);
CREATE OR REPLACE TEMP MACRO chiso_na(x) AS coalesce(list_contains(['n/a', 'na', 'not published', 'not_published', 'không công bố', 'khong cong bo'], lower(trim(x))), false);
CREATE OR REPLACE TEMP MACRO chiso_numtxt(x) AS replace(replace(replace(replace(trim(x), '−', '-'), ' ', ''), chr(160), ''), chr(8239), '');
CREATE OR REPLACE TEMP MACRO chiso_numfix(t) AS TRY_CAST(CASE
	WHEN contains(t, ',') AND contains(t, '.') AND strpos(t, ',') > strpos(t, '.') THEN replace(replace(rtrim(t, '%'), '.', ''), ',', '.')
	WHEN contains(t, ',') AND contains(t, '.') THEN replace(rtrim(t, '%'), ',', '')
	WHEN length(t) - length(replace(t, ',', '')) > 1 THEN replace(rtrim(t, '%'), ',', '')
	WHEN length(t) - length(replace(t, '.', '')) > 1 THEN replace(rtrim(t, '%'), '.', '')
	ELSE replace(rtrim(t, '%'), ',', '.') END AS DOUBLE);
CREATE OR REPLACE TEMP MACRO chiso_num(x) AS CASE WHEN TRY_CAST(x AS DOUBLE) IS NOT NULL THEN TRY_CAST(x AS DOUBLE) ELSE chiso_numfix(chiso_numtxt(x)) END;
CREATE OR REPLACE TEMP MACRO chiso_int(x) AS CASE WHEN NOT contains(x, '.') THEN TRY_CAST(x AS INTEGER)
	WHEN regexp_full_match(trim(x), '-?[0-9]+\.0+') THEN TRY_CAST(split_part(trim(x), '.', 1) AS INTEGER) END;
CREATE OR REPLACE TEMP MACRO chiso_rank(x) AS CASE WHEN chiso_int(x) IS NOT NULL THEN chiso_int(x) WHEN contains(x, '=') THEN chiso_int(rtrim(trim(x), '=')) END;
CREATE OR REPLACE TEMP MACRO chiso_bool(x) AS CASE WHEN list_contains(['true', 'yes', 'có', 'co', '1', 'x', 'đúng', 'dung'], lower(trim(x))) THEN true
	WHEN list_contains(['false', 'no', 'không', 'khong', '0', 'sai'], lower(trim(x))) THEN false END;
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
		if in.header2 != nil { // leave out the second header row (and its repeats)
			var eq []string
			for j, c := range in.header2 {
				eq = append(eq, fmt.Sprintf("coalesce(trim(c%d), '') = %s", j+1, sqlString(c)))
			}
			from = fmt.Sprintf("(SELECT * FROM %s WHERE NOT (%s))", from, strings.Join(eq, " AND "))
		}
	}
	recCol := ""
	if withRec {
		recCol = "rec, "
	}
	yearT := col("year")
	if _, ok := in.cols["year"]; !ok && in.year != 0 {
		yearT = fmt.Sprintf("'%d'", in.year)
	}
	if in.years == nil && in.inds == nil {
		return fmt.Sprintf(`SELECT %s%d AS vcol, %s AS province, %s AS indicator, %s AS year_t, %s AS value_t, %s AS rank_t,
			%s AS rank_of_t, %s AS source, %s AS verified_t FROM %s`, recCol, in.cols["value"], col("province"), col("indicator"), yearT,
			col("value"), col("rank"), col("rank_of"), col("source"), col("verified"), from), nil
	}
	// Wide: one row per non-empty figure cell; the column gives the year or the indicator.
	var on, cases []string
	for c, y := range in.years {
		on = append(on, fmt.Sprintf("c%d", c))
		cases = append(cases, fmt.Sprintf("WHEN 'c%d' THEN '%d'", c, y))
	}
	for c, id := range in.inds {
		on = append(on, fmt.Sprintf("c%d", c))
		cases = append(cases, fmt.Sprintf("WHEN 'c%d' THEN %s", c, sqlString(id)))
	}
	sort.Strings(on)
	sort.Strings(cases)
	yearOut, indOut := "CASE col "+strings.Join(cases, " ")+" END", "indicator"
	if in.inds != nil {
		yearOut, indOut = "year_t", "CASE col "+strings.Join(cases, " ")+" END"
	}
	return fmt.Sprintf(`SELECT %[1]sCAST(substr(col, 2) AS INTEGER) AS vcol, province, %[9]s AS indicator, %[2]s AS year_t,
			value AS value_t, rank_t, NULL::VARCHAR AS rank_of_t, source, verified_t
		FROM (UNPIVOT (SELECT %[1]s%[3]s AS province, %[4]s AS indicator, %[5]s AS source, %[8]s AS year_t, %[10]s AS rank_t,
			%[11]s AS verified_t, %[6]s FROM %[7]s)
			ON %[6]s INTO NAME col VALUE value)
		WHERE chiso_txt(value) IS NOT NULL`,
		recCol, yearOut, col("province"), col("indicator"), col("source"), strings.Join(on, ", "), from, yearT, indOut, col("rank"), col("verified")), nil
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
		if in.format == "csv" && in.years == nil && in.header2 == nil {
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
		parts = append(parts, fmt.Sprintf("SELECT %d AS file, %s AS rec, vcol, province, indicator, year_t, value_t, rank_t, rank_of_t, source, verified_t, year, value, rank, rank_of FROM %s",
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
		p := &ParseError{File: in.name, Line: line, Column: col, Want: "a well-formed CSV record", Got: msg}
		if m := lineTooLong.FindStringSubmatch(msg); m != nil {
			p.Want, p.Got = "a line of at most "+m[1]+" bytes", "a line of "+m[2]+" bytes"
		}
		duck = append(duck, p)
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
