package datasets

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"os"
	"slices"
	"sort"
	"strconv"
	"strings"
	"time"
)

// An ingest runs in stages, each in its own file:
//
//	read      ingest_read.go (header, long or wide form, staging), ingest_csv.go, ingest_xlsx.go
//	resolve   ingest_resolve.go: indicators, provinces and sources to small integer keys
//	validate  ingest_rules.go: the row rules, the one home of what makes a row valid
//	write     ingest_write.go: the fast write on the assumption that every row is valid
//	diagnose  ingest_diagnose.go: every problem, with its position
//
// Ingest (below) runs them: read, then the fast write; only if that is refused (or on a dry
// run) stage, resolve and diagnose, which say exactly what is wrong.

// IngestOptions says how to read the files of an ingest.
type IngestOptions struct {
	Indicator string // the indicator of a wide file, or of long rows without an indicator column
	Sheet     string // the XLSX sheet (default: the first)
	Units     string // the unit set the rows refer to: "" (the units in force in each row's year), "63", "34", a year or a date
	Encoding  string // the encoding of CSV files (default UTF-8), e.g. "windows-1258"
	Source    string // the source of rows that have no source column or an empty one
	Recipe    string // a publisher layout to read the files with (RecipeNames); "" detects one where unambiguous, "none" never
	Year      int    // the year the files are for: checked against a recipe's, and the year of files without a year column
	Columns   string // the columns of fields, by letter or header: "province=B,value=W,rank=X" (default: found by their headers)
	HeaderRow int    // the sheet row of an XLSX file's header (default: the first non-empty row)
	Prefer    bool   // make the new figures preferred over figures already loaded for the same key
	Force     bool   // load a file even if most of its figures conflict with those loaded
	Verified  string // "true" or "false": mark every new figure so; "" (default): a source that says UNVERIFIED marks its figures
	DryRun    bool   // validate only; change nothing
	TempDir   string // where decoded copies of CSV files go (default: the system's)
	// Exclusive says that nothing else queries the store while the ingest runs (the command
	// line's ingest, which holds the database file alone). The ingest may then turn off two of
	// DuckDB's optimizers for its main statement, a setting DuckDB holds for the whole
	// database: a server's queries planned meanwhile would run without them.
	Exclusive bool
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
	// Comparison says how the figures compare with those already loaded for the same key.
	Comparison Comparison `json:"comparison"`
	// Warnings: what a real ingest would refuse (a dry run reports it and goes on).
	Warnings []string `json:"warnings,omitempty"`
}

// A FileReport describes one ingested file.
type FileReport struct {
	File    string   `json:"file"`
	Format  string   `json:"format"` // "csv" or "xlsx"
	Sheet   string   `json:"sheet,omitempty"`
	Shape   string   `json:"shape"` // "long" or "wide"
	Rows    int      `json:"rows"`
	Ignored []string `json:"ignored_columns,omitempty"`
	Recipe  string   `json:"recipe,omitempty"`  // the recipe that read the file ("vcci-pci", "vcci-pci (detected)")
	Year    int      `json:"year,omitempty"`    // the year a recipe found the file to be for
	Used    []string `json:"used,omitempty"`    // what the recipe read: sheet, columns, rows
	Skipped []string `json:"skipped,omitempty"` // what it did not: sheets, columns, rows
	// SummaryRows counts the rows of national or regional totals and summaries ("Cả nước",
	// "Trung bình", "Highest", a region) that were skipped, not loaded.
	SummaryRows int `json:"summary_rows,omitempty"`
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

// merge adds the problems of q.
func (p *problems) merge(q *problems) {
	p.list = append(p.list, q.list...)
	p.total += q.total
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

// Ingest validates the files and, unless opts.DryRun, adds their observations to the store in
// one transaction: on any problem nothing changes, and the error is an *IngestError that
// lists up to MaxProblems problems with their file, line (or cell) and column.
func (s *Store) Ingest(ctx context.Context, paths []string, opts IngestOptions) (IngestReport, error) {
	rep, err := s.ingest(ctx, paths, opts)
	return rep, diskFull(err)
}

func (s *Store) ingest(ctx context.Context, paths []string, opts IngestOptions) (IngestReport, error) {
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
	units, err := parseUnitsOption(opts.Units)
	if err != nil {
		return rep, err
	}
	switch opts.Verified {
	case "", "true", "false":
	default:
		return rep, fmt.Errorf(`invalid --verified: expected true or false, got %q`, opts.Verified)
	}
	conn, err := s.db.Conn(ctx)
	if err != nil {
		return rep, err
	}
	defer conn.Close()
	ing := &ingestion{s: s, conn: conn, opts: opts, units: units, rules: rulesFor(opts, opts.Now.Year()), step: step}
	defer ing.cleanup()

	probs := &problems{}
	for i, p := range paths {
		in := &inputFile{idx: i, path: p, name: p}
		ing.files = append(ing.files, in)
		step("read " + p)
		scratch := &problems{}
		if err := ing.read(ctx, in, scratch); err != nil {
			return rep, err
		}
		if len(in.header) > 0 && in.records != 0 && in.mapHeader(opts, s.Catalogue(), scratch) {
			in.ready = true
		}
		if scratch.total > 0 && in.format == "xlsx" && in.recipe == "" && opts.Recipe == "" {
			// Not a plain table: a publisher's workbook that a recipe recognises?
			if ok, err := ing.detectRecipe(ctx, in, probs); err != nil {
				return rep, err
			} else if ok {
				continue
			}
		}
		if scratch.total > 0 && in.format == "xlsx" && opts.Sheet == "" && len(in.header) > 0 && in.cols["province"] == 0 {
			if p := notesSheet(in); p != nil {
				scratch = &problems{}
				scratch.add(p)
			}
		}
		probs.merge(scratch)
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
			skipped := in.skipped
			if in.summaryRows > 0 {
				skipped = append(slices.Clone(skipped), fmt.Sprintf("%s of totals or summaries (%s)", plural(in.summaryRows, "row"), strings.Join(quoteAll(in.summaryNames), ", ")))
			}
			out = append(out, FileReport{File: in.name, Format: in.format, Sheet: in.sheet, Shape: in.shape(), Rows: in.records, Ignored: in.ignored,
				Recipe: in.recipe, Year: in.year, Used: in.used, Skipped: skipped, SummaryRows: in.summaryRows})
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
	rep.Files = files() // with the rows that resolve skipped
	if opts.DryRun {
		rep.Rows = n
		rep.Version = s.Version()
		perFile, err := ing.compare(ctx, "chiso_stage", &rep.Comparison)
		if err != nil {
			return rep, err
		}
		c := &rep.Comparison
		c.New = n - c.Identical - c.MorePrecise - c.Conflicting
		if refused := ing.refusal(perFile); refused != nil {
			for _, p := range refused.Problems {
				rep.Warnings = append(rep.Warnings, p.Error())
			}
		}
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

// unitsOption is --units: which units the rows' province names and codes refer to.
type unitsOption struct {
	set string    // "" (the set in force in each row's year), Set63 or Set34; see SetDay
	day time.Time // if not zero, every row refers to the units in force on day
}

// parseUnitsOption reads --units: "", "63", "34", a year or a date.
func parseUnitsOption(units string) (unitsOption, error) {
	switch units {
	case "", Set63, Set34:
		return unitsOption{set: units}, nil
	}
	if y, err := strconv.Atoi(units); err == nil && y >= 1900 && y <= 2200 {
		return unitsOption{day: YearEnd(y)}, nil
	}
	if d, err := time.Parse(time.DateOnly, units); err == nil {
		return unitsOption{day: d}, nil
	}
	return unitsOption{}, fmt.Errorf(`invalid --units: expected "63", "34", a year (2025) or a date (2025-07-01), got %q`, units)
}

// at returns the day whose units a row of year refers to.
func (u unitsOption) at(year int) time.Time {
	if !u.day.IsZero() {
		return u.day
	}
	return SetDay(u.set, year)
}

// units returns the units a row of year may name: those in force on u.at(year).
func (u unitsOption) units(reg *Registry, year int) []Unit {
	if !u.day.IsZero() {
		return reg.InForce(u.day)
	}
	return reg.Units(u.set, year)
}

// ingestion is the state of one Ingest call on its own connection.
type ingestion struct {
	s     *Store
	conn  *sql.Conn
	opts  IngestOptions
	units unitsOption
	rules ruleSet // the row rules under opts
	files []*inputFile
	temps []string // temporary tables to drop at the end
	views []string // temporary views to drop at the end
	step  func(string)
	// oneSource: every row that may join a key has the same source cell (see joinDims).
	oneSource bool
	// unitKeys are the keys of chiso_units by unit_no.
	unitKeys []int32
	// implausible lists the value columns far from the indicator's loaded figures (plausible).
	implausible []*ParseError
}

func (ing *ingestion) cleanup() {
	ctx := context.Background()
	temps := ing.temps
	for _, in := range ing.files {
		temps = append(temps, in.temps...)
		for _, p := range in.tempPaths {
			os.RemoveAll(p)
		}
	}
	for _, v := range ing.views {
		ing.conn.ExecContext(ctx, "DROP VIEW IF EXISTS "+v)
	}
	for _, t := range temps {
		ing.conn.ExecContext(ctx, "DROP TABLE IF EXISTS "+t)
	}
}

// table creates the temporary table name with the given columns and appends rows to it.
func (ing *ingestion) table(ctx context.Context, name, columns string, rows [][]any) error {
	if _, err := ing.conn.ExecContext(ctx, fmt.Sprintf("CREATE OR REPLACE TEMP TABLE %s (%s)", name, columns)); err != nil {
		return fmt.Errorf("validate: %w", err)
	}
	ing.temps = append(ing.temps, name)
	return appendRows(ctx, ing.conn, name, rows)
}
