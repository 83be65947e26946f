package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"os/signal"
	"syscall"
	"time"

	"chiso/datasets"
	"chiso/server"
)

func runServe(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("serve", flag.ContinueOnError)
	fs.SetOutput(stderr)
	addr := fs.String("addr", envOr(getenv, "CHISO_ADDR", ":8080"), "listen address (env CHISO_ADDR)")
	dbPath := fs.String("db", getenv("CHISO_DB"), "DuckDB file that keeps ingested data (env CHISO_DB; default: in memory, bundled data only)")
	cacheMB := fs.Int64("cache-mb", server.DefaultCacheBytes>>20, "byte budget of the in-memory response cache, in MiB")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if *cacheMB < 1 {
		return fmt.Errorf("invalid --cache-mb: expected at least 1, got %d", *cacheMB)
	}
	ctx, stop := signal.NotifyContext(ctx, os.Interrupt, syscall.SIGTERM)
	defer stop()
	logger := slog.New(slog.NewJSONHandler(stderr, nil))

	start := time.Now()
	store, err := datasets.Open(ctx, *dbPath)
	if err != nil {
		return err
	}
	defer store.Close()
	srv := &http.Server{
		Addr:              *addr,
		Handler:           server.NewServer(logger, server.Config{CacheBytes: *cacheMB << 20}, store),
		MaxHeaderBytes:    16 << 10,
		ReadHeaderTimeout: 5 * time.Second,
		ReadTimeout:       30 * time.Second,
		WriteTimeout:      60 * time.Second,
		IdleTimeout:       120 * time.Second,
		ErrorLog:          slog.NewLogLogger(logger.Handler(), slog.LevelWarn),
	}
	ln, err := net.Listen("tcp", *addr)
	if err != nil {
		return fmt.Errorf("listen %s: %w", *addr, err)
	}
	logger.Info("chiso listening", "addr", ln.Addr().String(), "db", dbName(*dbPath),
		"dataset_version", store.Version(), "startup", time.Since(start).String())
	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(ln) }()
	select {
	case err := <-errc:
		return fmt.Errorf("serve: %w", err)
	case <-ctx.Done():
	}
	logger.Info("shutting down")
	shutCtx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 10*time.Second)
	defer cancel()
	if err := srv.Shutdown(shutCtx); err != nil && !errors.Is(err, http.ErrServerClosed) {
		return fmt.Errorf("shutdown: %w", err)
	}
	return nil
}

func dbName(path string) string {
	if path == "" {
		return "(in memory)"
	}
	return path
}
