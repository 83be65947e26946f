// Command chiso serves, ingests, validates and exports the provincial indicators of Vietnam.
//
//	chiso serve    [--addr HOST:PORT] [--db FILE] [--admin-token-file FILE]
//	               (default 127.0.0.1:8080; --addr :8080 for every interface; the admin token,
//	               from the file or CHISO_ADMIN_TOKEN, enables the upload at /admin/upload)
//	chiso ingest   --db FILE [--indicator ID] [--sheet NAME] [--units 63|34|YEAR|DATE]
//	               [--encoding NAME] [--source TEXT] [--prefer] [--dry-run] [--json]
//	               [--recipe vcci-pci|none] [--year YEAR] [--columns FIELD=COL,...] [--header-row N]
//	               [--force] [--verified true|false] FILE...
//	chiso validate [--db FILE] [same options as ingest] FILE...
//	chiso export   [--db FILE] [--format csv|json|parquet|xlsx|zip] [--indicator IDS] [--provinces P] [--years Y] [--units 63|34] [--sources all|preferred] [--out FILE]
package main

import (
	"context"
	"fmt"
	"io"
	"os"
)

func main() {
	if err := run(context.Background(), os.Args, os.Getenv, os.Stdin, os.Stdout, os.Stderr); err != nil {
		fmt.Fprintln(os.Stderr, "chiso:", err)
		os.Exit(1)
	}
}

const usage = `chiso compares Vietnam's provinces on PCI, PAR Index, DTI, PAPI and GRDP.

Usage:
  chiso serve    [--addr HOST:PORT] [--db FILE]   serve the API on the bundled data (and FILE's);
                                                  default 127.0.0.1:8080, --addr :8080 for every interface
  chiso ingest   --db FILE [options] FILE...      add figures from CSV, XLSX or (with a recipe) XLS files, atomically
  chiso validate [--db FILE] [options] FILE...    check files without changing anything
  chiso export   [--db FILE] [--format csv|json|parquet|xlsx|zip] [--indicator IDS] [--provinces P]
                 [--years FROM-TO] [--units 63|34] [--sources all|preferred] [--excel-vn] [--out FILE]

Run 'chiso COMMAND --help' for a command's options.
`

// run is chiso's whole program: it parses args and runs one subcommand.
func run(ctx context.Context, args []string, getenv func(string) string, stdin io.Reader, stdout, stderr io.Writer) error {
	if len(args) < 2 {
		fmt.Fprint(stderr, usage)
		return fmt.Errorf("no command")
	}
	switch cmd, rest := args[1], args[2:]; cmd {
	case "serve":
		return runServe(ctx, rest, getenv, stdout, stderr)
	case "ingest":
		return runIngest(ctx, rest, getenv, stdout, stderr, false)
	case "validate":
		return runIngest(ctx, rest, getenv, stdout, stderr, true)
	case "export":
		return runExport(ctx, rest, getenv, stdout, stderr)
	case "help", "-h", "--help":
		fmt.Fprint(stdout, usage)
		return nil
	default:
		fmt.Fprint(stderr, usage)
		return fmt.Errorf("unknown command %q", cmd)
	}
}

// envOr returns getenv(key), or def if it is empty.
func envOr(getenv func(string) string, key, def string) string {
	if v := getenv(key); v != "" {
		return v
	}
	return def
}
