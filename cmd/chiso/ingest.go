package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"strconv"
	"strings"
	"time"

	"github.com/schollz/progressbar/v3"
	"golang.org/x/term"

	"chiso/datasets"
)

// runIngest adds the figures of CSV and XLSX files to a DuckDB file, or with validateOnly
// (chiso validate) checks them and changes nothing.
func runIngest(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer, validateOnly bool) error {
	name := "ingest"
	if validateOnly {
		name = "validate"
	}
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.SetOutput(stderr)
	dbPath := fs.String("db", getenv("CHISO_DB"), "DuckDB file to add to (env CHISO_DB)")
	var opts datasets.IngestOptions
	fs.StringVar(&opts.Indicator, "indicator", "", "indicator id of a wide file, or of rows without an indicator column")
	fs.StringVar(&opts.Sheet, "sheet", "", "XLSX sheet to read (default: the first)")
	fs.StringVar(&opts.Units, "units", "", `unit set the rows refer to: "63", "34", a year (2025) or a date (default: the units in force in each row's year)`)
	fs.StringVar(&opts.Encoding, "encoding", "", "encoding of CSV files, e.g. windows-1258 (default UTF-8)")
	fs.StringVar(&opts.Source, "source", "", "source of rows that have no source of their own")
	fs.BoolVar(&opts.Prefer, "prefer", false, "make the new figures preferred over figures already loaded for the same key")
	fs.StringVar(&opts.Recipe, "recipe", "", "read a publisher's own workbook: "+strings.Join(datasets.RecipeNames(), ", ")+` (default: detected where unambiguous; "none" never)`)
	fs.IntVar(&opts.Year, "year", 0, "the year the files are for: checked against the year a recipe reads from the file")
	fs.StringVar(&opts.Columns, "columns", "", `the columns of fields, by letter or header: "province=B,value=W,rank=X" (default: found by the headers)`)
	fs.IntVar(&opts.HeaderRow, "header-row", 0, "the sheet row of an XLSX file's header (default: the first non-empty row)")
	fs.BoolVar(&opts.Force, "force", false, "load a file even if most of its figures differ from those loaded (wrong year or sheet?)")
	fs.StringVar(&opts.Verified, "verified", "", `mark every new figure verified ("true") or not ("false"); default: a source that says UNVERIFIED marks its figures`)
	fs.BoolVar(&opts.DryRun, "dry-run", validateOnly, "validate only; change nothing")
	asJSON := fs.Bool("json", false, "print the report as JSON")
	memMB := fs.Int64("memory-mb", 512, "memory DuckDB may use for the ingest, in MiB; beyond it, it spills to temporary files")
	if err := fs.Parse(args); err != nil {
		return err
	}
	files := fs.Args()
	if len(files) == 0 {
		fs.Usage()
		return errors.New(name + ": no files")
	}
	if validateOnly {
		opts.DryRun = true
	}
	if !opts.DryRun && *dbPath == "" {
		return errors.New("ingest needs --db FILE (or CHISO_DB): without a database file nothing would be kept; `chiso validate FILE` checks a file")
	}
	if *memMB < 64 {
		return fmt.Errorf("invalid --memory-mb: expected at least 64, got %d", *memMB)
	}
	// A failed ingest (or any validate) leaves no database file where there was none.
	created := false
	if *dbPath != "" {
		if _, err := os.Stat(*dbPath); errors.Is(err, os.ErrNotExist) {
			created = true
		}
	}
	spill, err := os.MkdirTemp("", "chiso-ingest-spill-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(spill)
	opts.Exclusive = true // the command holds the database file alone
	store, refused, err := openForIngest(ctx, *dbPath, files, opts, func(s *datasets.Store) error {
		return s.SetMemoryLimit(ctx, *memMB<<20, spill)
	}, stderr)
	if err != nil {
		if created {
			removeDB(*dbPath)
		}
		err = lockMessage(err)
		if *asJSON {
			if jerr := json.NewEncoder(stdout).Encode(ingestFailure(err)); jerr != nil {
				return jerr
			}
		}
		return err
	}
	keep := false
	defer func() {
		if store != nil {
			store.Close()
		}
		if created && !keep {
			removeDB(*dbPath)
		}
	}()
	if f, ok := stderr.(*os.File); ok && term.IsTerminal(int(f.Fd())) {
		bar := progressbar.NewOptions(-1, progressbar.OptionSetWriter(stderr), progressbar.OptionSpinnerType(14),
			progressbar.OptionSetElapsedTime(true), progressbar.OptionClearOnFinish())
		defer bar.Finish()
		opts.Progress = func(step string) { bar.Describe(step) }
		stop := make(chan struct{})
		defer close(stop)
		go func() {
			t := time.NewTicker(100 * time.Millisecond)
			defer t.Stop()
			for {
				select {
				case <-stop:
					return
				case <-t.C:
					bar.Add(1)
				}
			}
		}()
	}
	var rep datasets.IngestReport
	if err = refused; err == nil {
		rep, err = store.Ingest(ctx, files, opts)
	}
	if err == nil {
		keep = !rep.DryRun
	}
	if *asJSON {
		enc := json.NewEncoder(stdout)
		enc.SetIndent("", "  ")
		if err != nil {
			if jerr := enc.Encode(ingestFailure(err)); jerr != nil {
				return jerr
			}
			return err
		}
		return enc.Encode(rep)
	}
	if err != nil {
		return err
	}
	for _, f := range rep.Files {
		fmt.Fprintf(stdout, "%s: %s %s, %d rows", f.File, f.Shape, f.Format, f.Rows)
		if f.Sheet != "" {
			fmt.Fprintf(stdout, " (sheet %q)", f.Sheet)
		}
		if len(f.Ignored) > 0 {
			fmt.Fprintf(stdout, "; ignored columns %q", f.Ignored)
		}
		if f.Recipe != "" {
			fmt.Fprintf(stdout, "; recipe %s, year %d", f.Recipe, f.Year)
		}
		fmt.Fprintln(stdout)
		for _, u := range f.Used {
			fmt.Fprintf(stdout, "  used: %s\n", u)
		}
		for _, u := range f.Skipped {
			fmt.Fprintf(stdout, "  skipped: %s\n", u)
		}
	}
	fmt.Fprintf(stdout, "compared with the loaded figures: %s\n", rep.Comparison)
	for _, c := range rep.Comparison.Conflicts {
		fmt.Fprintf(stdout, "  conflict: %s %s %d (%s): %s from %q; loaded %s from %q; preferred: the %s one\n",
			c.Indicator, c.Unit, c.Year, c.Province, figureText(c.Value, c.Rank), c.Source,
			figureText(c.Loaded.Value, c.Loaded.Rank), c.Loaded.Source.Citation, c.Preferred)
	}
	if more := rep.Comparison.Conflicting - len(rep.Comparison.Conflicts); more > 0 {
		fmt.Fprintf(stdout, "  … and %d more conflicts\n", more)
	}
	for _, w := range rep.Warnings {
		fmt.Fprintf(stdout, "warning: %s\n", w)
	}
	if rep.DryRun {
		fmt.Fprintf(stdout, "valid: %d observations; nothing was changed\n", rep.Rows)
		return nil
	}
	fmt.Fprintf(stdout, "added %d observations (%d preferred); dataset version %s\n", rep.Added, rep.Preferred, rep.Version)
	return nil
}

// removeDB removes a database file that this ingest created, and its write-ahead log.
func removeDB(path string) {
	os.Remove(path)
	os.Remove(path + ".wal")
}

// lockMessage rewrites the error of a database file held by another process to say which
// process holds it: another ingest (wait for it) or a server (stop it first).
func lockMessage(err error) error {
	var le *datasets.LockError
	if !errors.As(err, &le) || len(le.Args) < 2 {
		return err
	}
	switch cmd := le.Args[1]; cmd {
	case "ingest":
		return fmt.Errorf("open %s: %v: another `chiso ingest` (PID %d) holds its lock; wait for that ingest to finish and try again", le.Path, datasets.ErrLocked, le.PID)
	case "serve":
		return fmt.Errorf("open %s: %v: `chiso serve` (PID %d) holds its lock; stop the server to ingest into this file", le.Path, datasets.ErrLocked, le.PID)
	case "validate", "export":
		return fmt.Errorf("open %s: %v: `chiso %s` (PID %d) holds its lock; wait for it to finish and try again", le.Path, datasets.ErrLocked, cmd, le.PID)
	}
	return err
}

// figureText writes a figure as "53.4 (rank 51)".
func figureText(v *float64, rank *int) string {
	var parts []string
	if v != nil {
		parts = append(parts, strconv.FormatFloat(*v, 'f', -1, 64))
	}
	if rank != nil {
		parts = append(parts, fmt.Sprintf("rank %d", *rank))
	}
	if len(parts) == 0 {
		return "no figure"
	}
	return strings.Join(parts, ", ")
}

// ingestFailure is a failed ingest as JSON: the message and, for invalid files, every problem
// listed with its position.
func ingestFailure(err error) any {
	type problem struct {
		File     string `json:"file"`
		Sheet    string `json:"sheet,omitempty"`
		Line     int    `json:"line,omitempty"`
		Column   int    `json:"column,omitempty"`
		Field    string `json:"field,omitempty"`
		Position string `json:"position"`
		Want     string `json:"expected,omitempty"`
		Got      string `json:"got,omitempty"`
		Message  string `json:"message"`
	}
	out := struct {
		Error    string    `json:"error"`
		Changed  bool      `json:"changed"`
		Total    int       `json:"problems_total,omitempty"`
		Problems []problem `json:"problems,omitempty"`
	}{Error: err.Error()}
	var ie *datasets.IngestError
	if errors.As(err, &ie) {
		out.Total = ie.Total
		for _, p := range ie.Problems {
			out.Problems = append(out.Problems, problem{File: p.File, Sheet: p.Sheet, Line: p.Line, Column: p.Column, Field: p.Field,
				Position: p.Position(), Want: p.Want, Got: p.Got, Message: p.Error()})
		}
	}
	return out
}

// migrationNotice tells, on w, that the database file at path had the schema of an earlier
// chiso: migrated in place (the figures and the version unchanged), or, if unchanged, read
// through a migrated copy with the file left as it was.
func migrationNotice(w io.Writer, path string, store *datasets.Store, unchanged bool) {
	old := store.Migrated()
	if old == "" {
		return
	}
	if unchanged {
		fmt.Fprintf(w, "chiso: %s has the schema of an earlier chiso (%s); read through a migrated copy, the file is left as it was\n", path, old)
		return
	}
	fmt.Fprintf(w, "chiso: migrated %s from the schema of an earlier chiso (%s); the migration kept its figures and dataset version\n", path, old)
}

// openForIngest opens the database file at path for an ingest of files with opts, and
// configures the store. A file of an earlier chiso's schema is migrated in place only for an
// ingest that lands: a dry run reads it through a migrated copy (datasets.OpenUnchanged), and
// an ingest is first made into such a copy, so that an ingest refused for any reason (a bad
// row, figures that mostly conflict with those loaded, values far off in scale) leaves the
// file as it was. A refusal there is returned as refused, with no store.
func openForIngest(ctx context.Context, path string, files []string, opts datasets.IngestOptions,
	configure func(*datasets.Store) error, stderr io.Writer) (store *datasets.Store, refused, err error) {
	store, err = datasets.OpenUnchanged(ctx, path)
	if err != nil {
		return nil, nil, err
	}
	if err := configure(store); err != nil {
		store.Close()
		return nil, nil, err
	}
	if store.Migrated() == "" || opts.DryRun {
		migrationNotice(stderr, path, store, true)
		return store, nil, nil
	}
	_, refused = store.Ingest(ctx, files, opts)
	store.Close()
	if refused != nil {
		fmt.Fprintf(stderr, "chiso: %s has the schema of an earlier chiso; the ingest was tried on a migrated copy and the file is left as it was\n", path)
		return nil, refused, nil
	}
	if store, err = datasets.Open(ctx, path); err != nil {
		return nil, nil, err
	}
	if err := configure(store); err != nil {
		store.Close()
		return nil, nil, err
	}
	migrationNotice(stderr, path, store, false)
	return store, nil, nil
}
