package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"os/signal"
	"runtime"
	"strings"
	"syscall"
	"time"

	"chiso/datasets"
	"chiso/report"
	"chiso/server"
)

// defaultAddr is where serve listens without --addr or CHISO_ADDR: the loopback interface
// only, so that a laptop does not offer the service to its network. A server gives --addr :8080.
const defaultAddr = "127.0.0.1:8080"

// serveConfig is what serve is told by its flags, or else by the environment.
type serveConfig struct {
	Addr     string // listen address
	DBPath   string // DuckDB file; "" keeps everything in memory
	CacheMB  int64  // byte budget of the response cache, in MiB
	ReadOnly bool   // open DBPath for reading only (replicas sharing one file)
	// KeepVersions is how many dataset versions are served at pinned URLs /v/{version}/…
	// (0: the server's default; in memory only the current one exists).
	KeepVersions int
	// DebugAddr, if set, is where /debug/vars (goroutines and Go memory statistics, as JSON)
	// is served, on its own listener apart from the public routes.
	DebugAddr string
	// AdminToken enables the operators' upload (POST /api/v1/admin/ingest, /admin/upload);
	// "" leaves those routes out.
	AdminToken string
}

// minAdminToken is the shortest admin token serve accepts.
const minAdminToken = 16

// parseServeFlags reads serve's flags, falling back to CHISO_ADDR and CHISO_DB, then to the defaults.
func parseServeFlags(args []string, getenv func(string) string, stderr io.Writer) (serveConfig, error) {
	var cfg serveConfig
	fs := flag.NewFlagSet("serve", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.StringVar(&cfg.Addr, "addr", envOr(getenv, "CHISO_ADDR", defaultAddr), "listen address, e.g. :8080 for every interface (env CHISO_ADDR)")
	fs.StringVar(&cfg.DBPath, "db", getenv("CHISO_DB"), "DuckDB file that keeps ingested data (env CHISO_DB; default: in memory, bundled data only)")
	fs.BoolVar(&cfg.ReadOnly, "read-only", false, "open --db for reading only, so that several replicas can serve one file")
	fs.Int64Var(&cfg.CacheMB, "cache-mb", server.DefaultCacheBytes>>20, "byte budget of the in-memory response cache, in MiB")
	fs.IntVar(&cfg.KeepVersions, "keep-versions", 0, fmt.Sprintf("dataset versions served at pinned URLs /v/{version}/…, the current one included (default %d; in memory: the current one)", server.DefaultKeepVersions))
	fs.StringVar(&cfg.DebugAddr, "debug-addr", getenv("CHISO_DEBUG_ADDR"), "if set, serve /debug/vars (goroutines, memory) on this address, e.g. 127.0.0.1:6060 (env CHISO_DEBUG_ADDR)")
	tokenFile := fs.String("admin-token-file", "", "file holding the admin token that enables the upload (POST /api/v1/admin/ingest, /admin/upload); "+
		"env CHISO_ADMIN_TOKEN gives the token itself; without either the upload routes do not exist")
	if err := fs.Parse(args); err != nil {
		return serveConfig{}, err
	}
	cfg.AdminToken = strings.TrimSpace(getenv("CHISO_ADMIN_TOKEN"))
	if *tokenFile != "" {
		b, err := os.ReadFile(*tokenFile)
		if err != nil {
			return serveConfig{}, fmt.Errorf("invalid --admin-token-file: %w", err)
		}
		cfg.AdminToken = strings.TrimSpace(string(b))
		if cfg.AdminToken == "" {
			return serveConfig{}, fmt.Errorf("invalid --admin-token-file %s: expected a token, got an empty file", *tokenFile)
		}
	}
	if cfg.AdminToken != "" && len(cfg.AdminToken) < minAdminToken {
		return serveConfig{}, fmt.Errorf("invalid admin token: expected at least %d characters, got %d", minAdminToken, len(cfg.AdminToken))
	}
	if fs.NArg() > 0 {
		return serveConfig{}, fmt.Errorf("serve: unexpected argument %q: expected only the flags --addr, --db, --read-only, --cache-mb, --keep-versions, --debug-addr and --admin-token-file", fs.Arg(0))
	}
	if cfg.KeepVersions < 0 {
		return serveConfig{}, fmt.Errorf("invalid --keep-versions: expected at least 1, got %d", cfg.KeepVersions)
	}
	if cfg.ReadOnly && cfg.DBPath == "" {
		return serveConfig{}, fmt.Errorf("serve: --read-only needs --db FILE")
	}
	if cfg.ReadOnly && cfg.AdminToken != "" {
		return serveConfig{}, fmt.Errorf("serve: --read-only serves no upload: expected no admin token (--admin-token-file or CHISO_ADMIN_TOKEN), got one")
	}
	if cfg.CacheMB < 1 {
		return serveConfig{}, fmt.Errorf("invalid --cache-mb: expected at least 1, got %d", cfg.CacheMB)
	}
	return cfg, nil
}

func runServe(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	cfg, err := parseServeFlags(args, getenv, stderr)
	if err != nil {
		return err
	}
	ctx, stop := signal.NotifyContext(ctx, os.Interrupt, syscall.SIGTERM)
	defer stop()
	logger := slog.New(slog.NewJSONHandler(stderr, nil))

	start := time.Now()
	open := datasets.Open
	if cfg.ReadOnly {
		open = datasets.OpenReadOnly
	}
	store, err := open(ctx, cfg.DBPath)
	if err != nil {
		return err
	}
	defer store.Close()
	if old := store.Migrated(); old != "" {
		logger.Info("migrated the database file from the schema of an earlier chiso; the migration kept its figures and dataset version",
			"db", dbName(cfg.DBPath), "old", old, "took", time.Since(start).String())
	}
	if err := report.Warm(ctx, store); err != nil {
		return fmt.Errorf("warm up: %w", err)
	}
	srv := server.NewServer(logger, server.Config{CacheBytes: cfg.CacheMB << 20, KeepVersions: keepVersions(cfg), AccessLog: stderr, AdminToken: cfg.AdminToken}, store)
	defer srv.Close()
	ln, err := net.Listen("tcp", cfg.Addr)
	if err != nil {
		return fmt.Errorf("listen %s: %w", cfg.Addr, err)
	}
	logger.Info("chiso listening", "addr", ln.Addr().String(), "db", dbName(cfg.DBPath),
		"dataset_version", store.Version(), "startup", time.Since(start).String(), "admin_upload", cfg.AdminToken != "")
	errc := make(chan error, 2)
	go func() { errc <- srv.Serve(ctx, ln) }()
	if cfg.DebugAddr != "" {
		dln, err := net.Listen("tcp", cfg.DebugAddr)
		if err != nil {
			return fmt.Errorf("listen %s: %w", cfg.DebugAddr, err)
		}
		mux := http.NewServeMux()
		mux.Handle("GET /debug/vars", handleDebugVars())
		dsrv := &http.Server{Handler: mux, ReadHeaderTimeout: 5 * time.Second}
		defer dsrv.Close()
		go func() {
			if err := dsrv.Serve(dln); !errors.Is(err, http.ErrServerClosed) {
				errc <- err
			}
		}()
		logger.Info("chiso debug listening", "addr", dln.Addr().String())
	}
	err = <-errc
	logger.Info("shut down")
	if err != nil {
		return fmt.Errorf("serve: %w", err)
	}
	return nil
}

// keepVersions is how many versions serve keeps: an in-memory database starts afresh from the
// bundled data, so it has only the current version (and those ingested since it started).
func keepVersions(cfg serveConfig) int {
	if cfg.KeepVersions == 0 && cfg.DBPath == "" {
		return 1
	}
	return cfg.KeepVersions
}

func dbName(path string) string {
	if path == "" {
		return "(in memory)"
	}
	return path
}

// handleDebugVars reports the process's goroutines and Go memory statistics as JSON, for
// soak tests and operators; it is mounted only on --debug-addr.
func handleDebugVars() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		var m runtime.MemStats
		runtime.ReadMemStats(&m)
		w.Header().Set("Content-Type", "application/json")
		json.NewEncoder(w).Encode(map[string]any{
			"goroutines": runtime.NumGoroutine(),
			"heap_alloc": m.HeapAlloc, "heap_sys": m.HeapSys, "heap_objects": m.HeapObjects,
			"sys": m.Sys, "num_gc": m.NumGC,
		})
	})
}
