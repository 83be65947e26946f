package report

import (
	"go/parser"
	"go/token"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

// TestImportRules checks the direction of the code's dependencies: server speaks HTTP only (no
// gonum, no DuckDB, no charts), report has no HTTP and no SQL driver, only datasets imports
// duckdb-go, only server imports chi, and analytics and charts know neither SQL nor HTTP.
func TestImportRules(t *testing.T) {
	forbidden := map[string][]string{
		"server":    {"gonum.org/", "github.com/duckdb/", "chiso/analytics", "chiso/charts", "database/sql"},
		"report":    {"net/http", "github.com/go-chi/", "github.com/duckdb/", "database/sql", "chiso/server", "chiso/web"},
		"analytics": {"net/http", "database/sql", "github.com/duckdb/", "chiso/"},
		"charts":    {"net/http", "database/sql", "github.com/duckdb/", "chiso/datasets", "chiso/report", "chiso/server"},
		"datasets":  {"net/http", "github.com/go-chi/", "chiso/report", "chiso/server", "chiso/charts", "chiso/analytics"},
		"words":     {"chiso/"},
		"web":       {"net/http", "database/sql", "chiso/datasets", "chiso/report", "chiso/server"},
	}
	for dir, bad := range forbidden {
		files, err := filepath.Glob(filepath.Join("..", dir, "*.go"))
		if err != nil || len(files) == 0 {
			t.Fatalf("no Go files in %s: %v", dir, err)
		}
		for _, f := range files {
			if strings.HasSuffix(f, "_test.go") {
				continue
			}
			src, err := os.ReadFile(f)
			if err != nil {
				t.Fatal(err)
			}
			af, err := parser.ParseFile(token.NewFileSet(), f, src, parser.ImportsOnly)
			if err != nil {
				t.Fatal(err)
			}
			for _, imp := range af.Imports {
				path, _ := strconv.Unquote(imp.Path.Value)
				for _, b := range bad {
					if strings.HasPrefix(path, b) && !(dir == "analytics" && path == "chiso/analytics") {
						t.Errorf("%s imports %s", f, path)
					}
				}
			}
		}
	}
}
