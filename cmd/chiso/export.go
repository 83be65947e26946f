package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"os"
	"strings"

	"chiso/datasets"
)

// runExport writes every figure (preferred or not, with its source) as CSV, JSON or Parquet.
func runExport(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("export", flag.ContinueOnError)
	fs.SetOutput(stderr)
	dbPath := fs.String("db", getenv("CHISO_DB"), "DuckDB file (env CHISO_DB; default: the bundled data)")
	format := fs.String("format", "csv", "csv, json or parquet")
	indicators := fs.String("indicator", "", "comma-separated indicator ids (default: all)")
	out := fs.String("out", "", "output file (default: standard output)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	store, err := datasets.Open(ctx, *dbPath)
	if err != nil {
		return err
	}
	defer store.Close()
	q := datasets.ObservationQuery{}
	for _, s := range strings.Split(*indicators, ",") {
		if s = strings.TrimSpace(s); s != "" {
			q.Indicators = append(q.Indicators, s)
		}
	}
	path := *out
	if path == "" {
		tmp, err := os.CreateTemp("", "chiso-export-*")
		if err != nil {
			return err
		}
		tmp.Close()
		path = tmp.Name()
		defer os.Remove(path)
	}
	n, err := store.Export(ctx, path, *format, q)
	if err != nil {
		return err
	}
	if *out == "" {
		f, err := os.Open(path)
		if err != nil {
			return err
		}
		defer f.Close()
		_, err = io.Copy(stdout, f)
		return err
	}
	fmt.Fprintf(stderr, "exported %d figures to %s\n", n, *out)
	return nil
}
