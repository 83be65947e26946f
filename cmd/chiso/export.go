package main

import (
	"bytes"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"slices"
	"strconv"
	"strings"

	"chiso/datasets"
	"chiso/report"
)

// exportFormats are what export writes; zip is the whole dataset package.
var exportFormats = []string{"csv", "json", "parquet", "xlsx", "zip"}

// runExport writes figures with the filters of the API (indicators, provinces, years, units,
// sources) as CSV, JSON, Parquet or XLSX, or the whole dataset as a ZIP package. Without
// --sources it writes every source's figure, as export always has.
func runExport(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("export", flag.ContinueOnError)
	fs.SetOutput(stderr)
	dbPath := fs.String("db", getenv("CHISO_DB"), "DuckDB file (env CHISO_DB; default: the bundled data)")
	format := fs.String("format", "csv", "csv, json, parquet, xlsx or zip (the whole dataset: CSV, Parquet, datapackage.json, README, CITATION.cff)")
	indicators := fs.String("indicator", "", "comma-separated indicator ids (default: all)")
	provinces := fs.String("provinces", "", "comma-separated province codes, slugs or names (default: all)")
	years := fs.String("years", "", "a year or a range FROM-TO, either end open (e.g. 2015-2020, 2021-)")
	units := fs.String("units", "", `"63" or "34" (the 34-unit view, with figures derived from the predecessors where needed)`)
	sources := fs.String("sources", "all", `"all" (every source's figure, one row each) or "preferred"`)
	excelVN := fs.Bool("excel-vn", false, "CSV for Excel set to Vietnamese: ';' between fields, decimal comma")
	out := fs.String("out", "", "output file (default: standard output)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if !slices.Contains(exportFormats, *format) {
		return fmt.Errorf("invalid --format: expected one of %s, got %q", strings.Join(exportFormats, ", "), *format)
	}
	if *sources != "all" && *sources != "preferred" {
		return fmt.Errorf(`invalid --sources: expected "all" or "preferred", got %q`, *sources)
	}
	if *units != "" && *units != datasets.Set63 && *units != datasets.Set34 {
		return fmt.Errorf(`invalid --units: expected "63" or "34", got %q`, *units)
	}
	if *excelVN && *format != "csv" {
		return fmt.Errorf("invalid --excel-vn: only with --format csv, got --format %s", *format)
	}
	from, to, err := parseYears(*years)
	if err != nil {
		return err
	}
	store, err := datasets.OpenUnchanged(ctx, *dbPath)
	if err != nil {
		return err
	}
	defer store.Close()
	migrationNotice(stderr, *dbPath, store, true)
	var buf bytes.Buffer
	if *format == "zip" {
		if *indicators != "" || *provinces != "" || *years != "" || *units != "" {
			return errors.New("--format zip is the whole dataset: it takes no --indicator, --provinces, --years or --units")
		}
		p, err := store.Package(ctx)
		if err != nil {
			return err
		}
		buf.Write(p.Zip)
	} else {
		spec := report.DownloadSpec{AllSources: *sources == "all"}
		spec.From, spec.To, spec.Set = from, to, *units
		for _, id := range splitFlag(*indicators) {
			if _, ok := store.Catalogue().Get(id); !ok {
				return fmt.Errorf("invalid --indicator: unknown indicator %q (known: %s)", id, strings.Join(store.Catalogue().IDs(), ", "))
			}
			spec.Indicators = append(spec.Indicators, id)
		}
		for _, name := range splitFlag(*provinces) {
			us, err := store.Registry().Lookup(name)
			if err != nil {
				return fmt.Errorf("invalid --provinces: %w", err)
			}
			spec.Provinces = append(spec.Provinces, us)
		}
		d, err := report.DownloadOf(ctx, store, spec)
		if err != nil {
			return err
		}
		f := *format
		if *excelVN {
			f = "csv_vn"
		}
		if err := store.Encode(ctx, &buf, f, d.Table, d.Meta); err != nil {
			return err
		}
		if f == "csv" && *out == "" {
			// Standard output goes to other programs: no BOM. A file keeps it, for Excel.
			b := bytes.TrimPrefix(buf.Bytes(), []byte("\ufeff"))
			buf = *bytes.NewBuffer(b)
		}
	}
	if *out == "" {
		_, err := stdout.Write(buf.Bytes())
		return err
	}
	if err := os.WriteFile(*out, buf.Bytes(), 0o644); err != nil {
		return fmt.Errorf("export: %w", err)
	}
	fmt.Fprintf(stderr, "exported dataset version %s to %s (%d bytes)\n", store.Version(), *out, buf.Len())
	return nil
}

func splitFlag(s string) []string {
	var out []string
	for _, x := range strings.Split(s, ",") {
		if x = strings.TrimSpace(x); x != "" {
			out = append(out, x)
		}
	}
	return out
}

// parseYears reads --years: "", "2021", "2015-2020", "2015-" or "-2020".
func parseYears(s string) (from, to int, err error) {
	if s == "" {
		return 0, 0, nil
	}
	bad := fmt.Errorf("invalid --years: expected a year or FROM-TO (e.g. 2015-2020), got %q", s)
	a, b, isRange := strings.Cut(s, "-")
	num := func(x string) (int, bool) {
		if x == "" {
			return 0, true
		}
		n, err := strconv.Atoi(strings.TrimSpace(x))
		return n, err == nil && n >= 1990 && n <= 2100
	}
	var ok1, ok2 bool
	from, ok1 = num(a)
	to, ok2 = from, true
	if isRange {
		to, ok2 = num(b)
	}
	if !ok1 || !ok2 || (from != 0 && to != 0 && from > to) || (from == 0 && to == 0) {
		return 0, 0, bad
	}
	return from, to, nil
}
