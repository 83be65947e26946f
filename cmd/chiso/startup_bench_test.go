package main

import (
	"context"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"testing"
	"time"

	"chiso/datasets"
)

// makeCommuneDB writes a database file with the bundled data and a SYNTHETIC commune panel:
// 3,321 communes × indicators × 20 years (150 indicators ≈ 10M figures). Benchmarks only.
func makeCommuneDB(b *testing.B, path string, indicators int) int {
	b.Helper()
	ctx := context.Background()
	s, err := datasets.Open(ctx, path)
	if err != nil {
		b.Fatal(err)
	}
	defer s.Close()
	if err := s.AddSyntheticUnits(ctx, 3321); err != nil {
		b.Fatal(err)
	}
	ids, err := s.AddSyntheticIndicators(ctx, indicators)
	if err != nil {
		b.Fatal(err)
	}
	n, err := s.LoadSyntheticPanelOf(ctx, datasets.SyntheticSet, ids, 2005, 2024, 0.42)
	if err != nil {
		b.Fatal(err)
	}
	return n
}

// startupTime starts `chiso serve` with args on a free port and returns the time to its first
// 200 on /healthz and then to a first (uncached) ranking.
func startupTime(b *testing.B, args ...string) (healthy, ranking time.Duration) {
	b.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		b.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	cmd := chisoCmd(append([]string{"serve", "--addr", addr}, args...)...)
	start := time.Now()
	if err := cmd.Start(); err != nil {
		b.Fatal(err)
	}
	defer func() {
		cmd.Process.Kill()
		cmd.Wait()
	}()
	get := func(path string) bool {
		resp, err := http.Get("http://" + addr + path)
		if err != nil {
			return false
		}
		resp.Body.Close()
		return resp.StatusCode == http.StatusOK
	}
	for !get("/healthz") {
		if time.Since(start) > time.Minute {
			b.Fatal("no answer on /healthz within a minute")
		}
		time.Sleep(2 * time.Millisecond)
	}
	healthy = time.Since(start)
	if !get("/api/v1/rankings?indicator=pci&year=2021") {
		b.Fatal("the first ranking failed")
	}
	return healthy, time.Since(start)
}

// BenchmarkColdStart: the time from starting `chiso serve` to its first answer on /healthz
// and to a first uncached ranking: with the bundled data in memory (no flags), and read-only
// on a database file holding a SYNTHETIC commune panel of 10M figures besides the bundled data.
// The file is built once (a few minutes) and kept in CHISO_BENCH_DB if that is set.
func BenchmarkColdStart(b *testing.B) {
	run := func(b *testing.B, args ...string) {
		var health, rank []float64
		for b.Loop() {
			h, r := startupTime(b, args...)
			health = append(health, float64(h.Microseconds())/1000)
			rank = append(rank, float64(r.Microseconds())/1000)
		}
		slices.Sort(health)
		slices.Sort(rank)
		b.ReportMetric(health[len(health)/2], "ms-to-healthz")
		b.ReportMetric(rank[len(rank)/2], "ms-to-first-ranking")
	}
	b.Run("bundled", func(b *testing.B) { run(b) })
	b.Run("10M-file", func(b *testing.B) {
		path := os.Getenv("CHISO_BENCH_DB")
		if path == "" {
			path = filepath.Join(b.TempDir(), "communes.duckdb")
		}
		if _, err := os.Stat(path); err != nil {
			start := time.Now()
			n := makeCommuneDB(b, path, 150)
			fi, _ := os.Stat(path)
			b.Logf("SYNTHETIC commune panel: %d figures, file %d MiB, built in %v", n, fi.Size()>>20, time.Since(start).Round(time.Second))
		}
		b.ResetTimer()
		run(b, "--read-only", "--db", path)
	})
}
