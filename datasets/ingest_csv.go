package datasets

import (
	"bytes"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"unicode/utf8"

	"golang.org/x/text/encoding"
	"golang.org/x/text/encoding/htmlindex"
	"golang.org/x/text/unicode/norm"
)

var utf8BOM = []byte{0xEF, 0xBB, 0xBF}

// csvLayout is what a structural scan of a CSV file found.
type csvLayout struct {
	delim   byte
	header  []string
	records int     // data records, not counting the header
	lines   []int32 // data record i (0-based) starts on line lines[i]
}

// headSize is how much of a CSV file is read in Go on the happy path: enough for the header.
const headSize = 1 << 16

// readCSVFile prepares a CSV file for DuckDB's reader: it reads the header (after a BOM), picks
// the delimiter and, for a legacy encoding, writes a UTF-8 copy. DuckDB reads the records
// themselves (the fast write, or stage) from csvPath, a path it cannot take for a pattern;
// only when something is wrong does Go read the whole file again.
func readCSVFile(in *inputFile, enc string, tmpDir string, probs *problems) error {
	in.csvPath = in.path
	if enc != "" && !strings.EqualFold(enc, "utf-8") && !strings.EqualFold(enc, "utf8") {
		e, err := htmlindex.Get(enc)
		if err != nil {
			return fmt.Errorf("--encoding %q: unknown encoding (try windows-1258, windows-1252, utf-16)", enc)
		}
		data, err := os.ReadFile(in.path)
		if err != nil {
			return err
		}
		if data, err = decode(e, data); err != nil {
			probs.add(&ParseError{File: in.name, Line: 1, Want: "text in " + enc, Got: err.Error()})
			return nil
		}
		// Legacy Vietnamese encodings write tone marks as combining characters.
		data = norm.NFC.Bytes(bytes.TrimPrefix(data, utf8BOM))
		f, err := os.CreateTemp(tmpDir, "chiso-ingest-*.csv")
		if err != nil {
			return err
		}
		in.tempPaths, in.csvPath = append(in.tempPaths, f.Name()), f.Name()
		if _, err := f.Write(data); err != nil {
			f.Close()
			return err
		}
		if err := f.Close(); err != nil {
			return err
		}
	}
	exact, err := in.exactPath(in.csvPath, tmpDir)
	if err != nil {
		return err
	}
	in.csvPath = exact
	f, err := os.Open(in.csvPath)
	if err != nil {
		return err
	}
	head := make([]byte, headSize)
	n, err := io.ReadFull(f, head)
	f.Close()
	if err != nil && err != io.ErrUnexpectedEOF && err != io.EOF {
		return err
	}
	head = head[:n]
	if bytes.HasPrefix(head, []byte{0xFF, 0xFE}) || bytes.HasPrefix(head, []byte{0xFE, 0xFF}) {
		probs.add(&ParseError{File: in.name, Line: 1, Want: "UTF-8 text", Got: "UTF-16 (pass --encoding utf-16)"})
		return nil
	}
	head = bytes.TrimPrefix(head, utf8BOM)
	if len(bytes.TrimSpace(head)) == 0 {
		probs.add(&ParseError{File: in.name, Line: 1, Want: "a header row", Got: "an empty file"})
		return nil
	}
	if i := bytes.IndexByte(head, 0); i >= 0 {
		line, col := positionOf(head, i)
		probs.add(&ParseError{File: in.name, Line: line, Column: col, Want: "text",
			Got: "a NUL byte (a binary file, or UTF-16 text without a BOM: pass --encoding utf-16)"})
		return nil
	}
	if !bytes.Contains(head, []byte{'\n'}) && bytes.Contains(head, []byte{'\r'}) {
		probs.add(&ParseError{File: in.name, Line: 1, Want: "lines that end in LF or CR LF",
			Got: "lines that end in CR alone (an old Mac format: save the file again as CSV)"})
		return nil
	}
	end := firstLineEnd(head)
	line := bytes.TrimSuffix(head[:end], []byte{'\r'})
	if !utf8.Valid(line) {
		return in.scanForProblems(probs)
	}
	in.delim = detectDelimiter(line)
	_, _, fields, _ := scanQuotedRecord(append(line, '\n'), in.delim, true)
	for _, f := range fields {
		in.header = append(in.header, strings.TrimSpace(strings.ReplaceAll(strings.Trim(string(f), `"`), `""`, `"`)))
	}
	// A second header row (Vietnamese under English, or short codes) on line 2: its cells name
	// the fields the first row does not, and the rows equal to it are left out (longSQL).
	if rest := head[min(end+1, len(head)):]; len(rest) > 0 {
		if e2 := firstLineEnd(rest); e2 < len(rest) {
			l2 := bytes.TrimSuffix(rest[:e2], []byte{'\r'})
			_, _, f2, _ := scanQuotedRecord(append(l2, '\n'), in.delim, true)
			var cells []string
			for _, f := range f2 {
				cells = append(cells, strings.TrimSpace(strings.ReplaceAll(strings.Trim(string(f), `"`), `""`, `"`)))
			}
			if len(cells) == len(in.header) && bytes.IndexByte(l2, '"') < 0 && secondHeader(cells) {
				in.header2 = cells
				for j, c := range cells {
					if _, ok := headerFields[foldHeader(in.header[j])]; !ok {
						if _, ok := headerFields[foldHeader(c)]; ok {
							in.header[j] = c
						}
					}
				}
				in.skipped = append(in.skipped, "line 2: a second header row")
			}
		}
	}
	in.records = -1 // not known until DuckDB has read the file
	return nil
}

// scanForProblems reads the whole file in Go to report what DuckDB's reader rejected (or
// could not read) with exact positions: bytes that are not UTF-8 and ragged records.
func (in *inputFile) scanForProblems(probs *problems) error {
	data, err := os.ReadFile(in.csvPath)
	if err != nil {
		return err
	}
	data = bytes.TrimPrefix(data, utf8BOM)
	if !utf8.Valid(data) {
		off := invalidUTF8At(data)
		line, col := positionOf(data, off)
		probs.add(&ParseError{File: in.name, Line: line, Column: col, Want: "UTF-8 text",
			Got: fmt.Sprintf("byte 0x%02X (for a legacy file pass --encoding, e.g. --encoding windows-1258)", data[off])})
		return nil
	}
	lay, _ := scanCSV(data, in.name, probs)
	in.lines = lay.lines
	return nil
}

// lineOf returns the line on which data record rec (1-based) starts.
func (in *inputFile) lineOf(rec int64) int {
	if in.lines == nil && in.format == "csv" {
		if data, err := os.ReadFile(in.csvPath); err == nil {
			lay, _ := scanCSV(bytes.TrimPrefix(data, utf8BOM), in.name, &problems{})
			in.lines = lay.lines
		}
	}
	if rec >= 1 && int(rec) <= len(in.lines) {
		return int(in.lines[rec-1])
	}
	return 0
}

// globChars are the characters that DuckDB's file readers take as a pattern in a path:
// read_csv('x?.csv') reads xy.csv too, and read_csv('a[1].csv') reads a1.csv.
const globChars = "*?[]{}\\"

// exactPath returns a path by which DuckDB reads exactly the file at path: path itself (made
// absolute) if it holds no pattern characters, else a link to the file (or, where links are
// not allowed, a copy) in a new folder of tmpDir, removed at the end of the ingest.
func (in *inputFile) exactPath(path, tmpDir string) (string, error) {
	abs, err := filepath.Abs(path)
	if err != nil {
		return "", err
	}
	if !strings.ContainsAny(abs, globChars) {
		return abs, nil
	}
	dir, err := os.MkdirTemp(tmpDir, "chiso-ingest-")
	if err != nil {
		return "", err
	}
	in.tempPaths = append(in.tempPaths, dir)
	link := filepath.Join(dir, "input.csv")
	if strings.ContainsAny(link, globChars) {
		return "", fmt.Errorf("ingest %s: the temporary folder %s has one of %s in its path, which DuckDB reads as a pattern", in.name, dir, globChars)
	}
	if err := os.Symlink(abs, link); err != nil {
		data, rerr := os.ReadFile(abs)
		if rerr != nil {
			return "", rerr
		}
		if err := os.WriteFile(link, data, 0o600); err != nil {
			return "", err
		}
	}
	return link, nil
}

// csvColumns is the columns argument of read_csv: every field as text, named c1..cN.
func (in *inputFile) csvColumns() string {
	cols := make([]string, len(in.header))
	for i := range cols {
		cols[i] = fmt.Sprintf("'c%d': 'VARCHAR'", i+1)
	}
	return "{" + strings.Join(cols, ", ") + "}"
}

// readCSVSQL is the read_csv call for the file; with rejects, bad records go to that table.
func (in *inputFile) readCSVSQL(rejects string) (string, error) {
	abs, err := filepath.Abs(in.csvPath)
	if err != nil {
		return "", err
	}
	q := fmt.Sprintf(`read_csv(%s, delim = %s, header = true, auto_detect = false, quote = '"', escape = '"', columns = %s`,
		sqlString(abs), sqlString(string(in.delim)), in.csvColumns())
	if rejects != "" {
		q += fmt.Sprintf(", store_rejects = true, rejects_table = '%s', rejects_scan = '%s_scan'", rejects, rejects)
	}
	return q + ")", nil
}

func decode(e encoding.Encoding, data []byte) ([]byte, error) {
	out, err := e.NewDecoder().Bytes(data)
	if err != nil {
		return nil, err
	}
	return out, nil
}

func sqlString(s string) string { return "'" + strings.ReplaceAll(s, "'", "''") + "'" }

func invalidUTF8At(data []byte) int {
	for i := 0; i < len(data); {
		r, size := utf8.DecodeRune(data[i:])
		if r == utf8.RuneError && size <= 1 {
			return i
		}
		i += size
	}
	return len(data)
}

// positionOf returns the 1-based line and field of byte offset off (fields split on , ; or tab).
func positionOf(data []byte, off int) (line, col int) {
	start := bytes.LastIndexByte(data[:off], '\n') + 1
	line = bytes.Count(data[:start], []byte{'\n'}) + 1
	delim := detectDelimiter(data[:min(len(data), firstLineEnd(data))])
	return line, bytes.Count(data[start:off], []byte{delim}) + 1
}

func firstLineEnd(data []byte) int {
	if i := bytes.IndexByte(data, '\n'); i >= 0 {
		return i
	}
	return len(data)
}

// detectDelimiter picks the most frequent of , ; and tab outside quotes in the header line.
func detectDelimiter(header []byte) byte {
	best, bestN := byte(','), 0
	for _, d := range []byte{',', ';', '\t'} {
		n, inQ := 0, false
		for _, c := range header {
			switch {
			case c == '"':
				inQ = !inQ
			case c == d && !inQ:
				n++
			}
		}
		if n > bestN {
			best, bestN = d, n
		}
	}
	return best
}

// scanCSV checks the structure of a CSV file: a header, and the same number of fields in
// every record. Blank lines are skipped, as DuckDB's reader skips them. It reports up to
// MaxProblems ragged records.
func scanCSV(data []byte, name string, probs *problems) (csvLayout, bool) {
	var lay csvLayout
	if len(bytes.TrimSpace(data)) == 0 {
		probs.add(&ParseError{File: name, Line: 1, Want: "a header row", Got: "an empty file"})
		return lay, false
	}
	lay.delim = detectDelimiter(data[:firstLineEnd(data)])
	ok := true
	line, i := 1, 0
	wantFields := -1
	for i < len(data) {
		startLine := line
		// Fast path: a line without quotes is one record.
		end := bytes.IndexByte(data[i:], '\n')
		if end < 0 {
			end = len(data)
		} else {
			end += i
		}
		rec := bytes.TrimSuffix(data[i:end], []byte{'\r'})
		var fields int
		var fieldsText [][]byte
		next := end + 1
		if bytes.IndexByte(rec, '"') < 0 {
			if len(rec) == 0 {
				i, line = next, line+1
				continue
			}
			fields = bytes.Count(rec, []byte{lay.delim}) + 1
			if wantFields < 0 {
				fieldsText = bytes.Split(rec, []byte{lay.delim})
			}
			line++
		} else {
			var n int
			var open bool
			fields, n, fieldsText, open = scanQuotedRecord(data[i:], lay.delim, wantFields < 0)
			if open {
				probs.add(&ParseError{File: name, Line: startLine, Column: fields,
					Want: fmt.Sprintf("a closing quote for the field opened on line %d", startLine), Got: "the end of the file"})
				return lay, false
			}
			line += bytes.Count(data[i:i+n], []byte{'\n'})
			next = i + n
		}
		if wantFields < 0 {
			wantFields = fields
			for _, f := range fieldsText {
				lay.header = append(lay.header, strings.TrimSpace(strings.Trim(string(f), `"`)))
			}
		} else {
			if fields != wantFields {
				ok = false
				probs.add(&ParseError{File: name, Line: startLine, Column: min(fields, wantFields) + 1,
					Want: fmt.Sprintf("%d fields, as in the header", wantFields), Got: fmt.Sprintf("%d fields", fields)})
			}
			lay.lines = append(lay.lines, int32(startLine))
			lay.records++
		}
		i = next
	}
	if ok && lay.records == 0 {
		probs.add(&ParseError{File: name, Line: 2, Want: "at least one data row after the header", Got: "only the header"})
		ok = false
	}
	return lay, ok
}

// scanQuotedRecord scans one record that may hold quoted fields (with delimiters, doubled
// quotes and newlines inside). It returns the number of fields, the bytes consumed including
// the record's newline, if keep the fields' text, and whether the data ended inside a quoted
// field.
func scanQuotedRecord(data []byte, delim byte, keep bool) (fields, n int, text [][]byte, open bool) {
	inQ := false
	start := 0
	fields = 1
	for n = 0; n < len(data); n++ {
		c := data[n]
		switch {
		case c == '"' && (inQ || n == start): // as DuckDB reads: a quote opens a field only at its start
			inQ = !inQ
		case inQ:
		case c == delim:
			if keep {
				text = append(text, data[start:n])
			}
			start = n + 1
			fields++
		case c == '\n':
			if keep {
				text = append(text, bytes.TrimSuffix(data[start:n], []byte{'\r'}))
			}
			return fields, n + 1, text, false
		}
	}
	if keep {
		text = append(text, bytes.TrimSuffix(data[start:], []byte{'\r'}))
	}
	return fields, n, text, inQ
}
