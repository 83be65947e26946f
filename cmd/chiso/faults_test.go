package main

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"chiso/datasets"
)

// envRunChiso makes the test binary run chiso itself (see TestMain): the fault tests start
// it as a child process with chiso's arguments, to kill it or to measure it.
const envRunChiso = "CHISO_TEST_RUN_CHISO"

// chisoCmd returns a command that runs `chiso args...` in a child process.
func chisoCmd(args ...string) *exec.Cmd {
	cmd := exec.Command(os.Args[0], args...)
	cmd.Env = append(os.Environ(), envRunChiso+"=1")
	return cmd
}

// writePanelCSV writes a long CSV of the indicators × the 63 units of 2020 × the years from..to,
// every figure SYNTHETIC (seeded by its position; labelled by its source). If badAt > 0, data
// row badAt holds the text "abc" as its value. It returns the number of data rows.
func writePanelCSV(tb testing.TB, path string, reg *datasets.Registry, indicators []string, from, to, badAt int) int {
	tb.Helper()
	f, err := os.Create(path)
	if err != nil {
		tb.Fatal(err)
	}
	w := bufio.NewWriterSize(f, 1<<20)
	fmt.Fprintln(w, "province,indicator,year,value,rank,rank_of,source")
	units := reg.InForce(datasets.YearEnd(2020))
	n := 0
	for i, ind := range indicators {
		for j, u := range units {
			for y := from; y <= to; y++ {
				n++
				v := fmt.Sprintf("%.2f", float64((i*7919+j*104729+y*31)%10000)/100)
				if n == badAt {
					v = "abc"
				}
				fmt.Fprintf(w, "%s,%s,%d,%s,%d,63,%s\n", u.NameVI, ind, y, v, j+1, datasets.SyntheticSource)
			}
		}
	}
	if err := w.Flush(); err != nil {
		tb.Fatal(err)
	}
	if err := f.Close(); err != nil {
		tb.Fatal(err)
	}
	return n
}

// makeBaseDB creates a database file at path with the bundled data and n synthetic
// indicators, and returns their ids and the registry.
func makeBaseDB(tb testing.TB, path string, n int) ([]string, *datasets.Registry) {
	tb.Helper()
	ctx := context.Background()
	s, err := datasets.Open(ctx, path)
	if err != nil {
		tb.Fatal(err)
	}
	ids, err := s.AddSyntheticIndicators(ctx, n)
	if err != nil {
		tb.Fatal(err)
	}
	reg := s.Registry()
	if err := s.Close(); err != nil {
		tb.Fatal(err)
	}
	return ids, reg
}

// dbState is what a database file holds, as far as the fault tests compare it.
type dbState struct {
	Version   string
	Synthetic int // observations of the synthetic indicators
}

func readState(tb testing.TB, path string, ids []string) dbState {
	tb.Helper()
	ctx := context.Background()
	s, err := datasets.Open(ctx, path)
	if err != nil {
		tb.Fatalf("reopen %s: %v", path, err)
	}
	defer s.Close()
	obs, err := s.Observations(ctx, datasets.ObservationQuery{Indicators: ids})
	if err != nil {
		tb.Fatal(err)
	}
	return dbState{Version: s.Version(), Synthetic: len(obs)}
}

func copyDB(tb testing.TB, dst, src string) {
	tb.Helper()
	data, err := os.ReadFile(src)
	if err != nil {
		tb.Fatal(err)
	}
	if err := os.WriteFile(dst, data, 0o644); err != nil {
		tb.Fatal(err)
	}
}

// TestIngestKilled kills `chiso ingest --db FILE` with SIGKILL at seeded random moments of a
// 25,200-row ingest; each time the reopened database must hold exactly the data before or
// exactly the data after, and the ingest, repeated, must then either add the rows (if the
// kill came first) or refuse them as already loaded (if the commit did).
func TestIngestKilled(t *testing.T) {
	if testing.Short() {
		t.Skip("kills 20 child processes")
	}
	dir := t.TempDir()
	base := filepath.Join(dir, "base.db")
	ids, reg := makeBaseDB(t, base, 20)
	csvPath := filepath.Join(dir, "panel.csv")
	rows := writePanelCSV(t, csvPath, reg, ids, 2005, 2024, 0)
	before := readState(t, base, ids)

	// One ingest to completion gives the state after, and how long an ingest takes.
	full := filepath.Join(dir, "full.db")
	copyDB(t, full, base)
	start := time.Now()
	if out, err := chisoCmd("ingest", "--db", full, csvPath).CombinedOutput(); err != nil {
		t.Fatalf("ingest: %v\n%s", err, out)
	}
	took := time.Since(start)
	after := readState(t, full, ids)
	if after.Synthetic != rows || after.Version == before.Version {
		t.Fatalf("after a full ingest: %+v, want %d synthetic rows and a new version (before %+v)", after, rows, before)
	}

	// A kill counts when it lands on a running ingest; one that comes after the process
	// has exited narrows the window to that run's length and is tried again.
	// The first repeats outcomes of each kind are followed by the ingest again (the costly part).
	const trials, maxAttempts, repeats = 20, 60, 4
	rng := rand.New(rand.NewPCG(9, 20261130))
	window := took
	var kills, sawBefore, sawAfter int
	for i := 0; kills < trials && i < maxAttempts; i++ {
		db := filepath.Join(dir, fmt.Sprintf("trial%d.db", i))
		copyDB(t, db, base)
		at := time.Duration(rng.Int64N(int64(window)))
		cmd := chisoCmd("ingest", "--db", db, csvPath)
		var out bytes.Buffer
		cmd.Stdout, cmd.Stderr = &out, &out
		start := time.Now()
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		time.Sleep(at)
		cmd.Process.Signal(syscall.SIGKILL)
		werr := cmd.Wait()
		ws, _ := cmd.ProcessState.Sys().(syscall.WaitStatus)
		killed := ws.Signaled() && ws.Signal() == syscall.SIGKILL
		if killed {
			kills++
		} else {
			window = min(window, time.Since(start)) * 9 / 10
		}
		got := readState(t, db, ids)
		switch {
		case got == before && killed:
			sawBefore++
			if sawBefore > repeats {
				break
			}
			o, err := chisoCmd("ingest", "--db", db, csvPath).CombinedOutput()
			if err != nil {
				t.Fatalf("attempt %d (killed at %v, before): repeat ingest: %v\n%s", i, at, err, o)
			}
			if again := readState(t, db, ids); again != after {
				t.Errorf("attempt %d: repeat ingest gave %+v, want %+v", i, again, after)
			}
		case got == after:
			if killed {
				sawAfter++
			}
			if sawAfter > repeats {
				break
			}
			o, err := chisoCmd("ingest", "--db", db, csvPath).CombinedOutput()
			if err == nil || !strings.Contains(string(o), "already in the database") {
				t.Errorf("attempt %d (killed at %v, after): repeat ingest: %v, want the rows refused as already in the database:\n%.500s", i, at, err, o)
			}
			if again := readState(t, db, ids); again != after {
				t.Errorf("attempt %d: refused repeat ingest changed the database: %+v, want %+v", i, again, after)
			}
		default:
			t.Errorf("attempt %d: killed at %v (exit %v) left %+v; want exactly before %+v or after %+v\n%s", i, at, werr, got, before, after, out.String())
		}
		os.Remove(db)
		os.Remove(db + ".wal")
	}
	t.Logf("%d kills of a running %d-row ingest (%v to completion, kill window %v): %d left the data before, %d the data after",
		kills, rows, took.Round(time.Millisecond), window.Round(time.Millisecond), sawBefore, sawAfter)
	if kills < trials {
		t.Errorf("only %d of %d kills landed on a running ingest", kills, trials)
	}
	if sawBefore == 0 {
		t.Errorf("no kill came before the commit: the kills do not test the ingest")
	}
}

// TestRefusedIngestLeavesFile: an ingest refused for one bad row near the end of a large file
// leaves the database file as it was, byte for byte, and a failed ingest into a file that did
// not exist does not create it.
func TestRefusedIngestLeavesFile(t *testing.T) {
	dir := t.TempDir()
	db := filepath.Join(dir, "chiso.db")
	ids, reg := makeBaseDB(t, db, 200)
	csvPath := filepath.Join(dir, "panel.csv")
	rows := writePanelCSV(t, csvPath, reg, ids, 2005, 2024, 0)
	bad := rows - 100
	writePanelCSV(t, csvPath, reg, ids, 2005, 2024, bad)
	want, err := os.ReadFile(db)
	if err != nil {
		t.Fatal(err)
	}
	out, err := chisoCmd("ingest", "--db", db, csvPath).CombinedOutput()
	wantMsg := fmt.Sprintf(`panel.csv:%d:4: column "value": expected a number such as 63.80 or 63,80, got "abc"`, bad+1)
	if err == nil || !strings.Contains(string(out), wantMsg) {
		t.Fatalf("ingest of %d rows with a bad row %d: %v, want %q:\n%.1000s", rows, bad, err, wantMsg, out)
	}
	got, err := os.ReadFile(db)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("refused ingest of %d rows changed the database file: %d bytes → %d bytes", rows, len(want), len(got))
	}
	if _, err := os.Stat(db + ".wal"); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("refused ingest left a write-ahead log: %v", err)
	}
	t.Logf("refused ingest of %d rows: database file %d bytes before, %d after", rows, len(want), len(got))

	t.Run("NoNewFile", func(t *testing.T) {
		fresh := filepath.Join(t.TempDir(), "new.db")
		out, err := chisoCmd("ingest", "--db", fresh, fixtureDir+"bad_number.csv").CombinedOutput()
		if err == nil || !strings.Contains(string(out), "bad_number.csv:2:4") {
			t.Fatalf("ingest of a bad file: %v:\n%s", err, out)
		}
		for _, p := range []string{fresh, fresh + ".wal"} {
			if _, err := os.Stat(p); !errors.Is(err, os.ErrNotExist) {
				t.Errorf("a failed ingest left %s: %v", filepath.Base(p), err)
			}
		}
	})
}

// peakRSS runs `chiso args...` and returns its peak resident set size in bytes, as the
// kernel reports it to the parent (getrusage's ru_maxrss, in KiB on Linux).
func peakRSS(tb testing.TB, args ...string) (int64, []byte, error) {
	tb.Helper()
	cmd := chisoCmd(args...)
	out, err := cmd.CombinedOutput()
	ru, ok := cmd.ProcessState.SysUsage().(*syscall.Rusage)
	if !ok {
		tb.Skip("no rusage on this system")
	}
	return ru.Maxrss << 10, out, err
}

// BenchmarkIngestPeakRSS ingests a 2,016,000-row long CSV (1,600 synthetic indicators × 63 ×
// 20 years) with `chiso ingest --db` (default --memory-mb) in a child process, and a file of
// the same rows with one bad value near the end, and reports the peak RSS of each process:
// ru_maxrss of the child as wait4 reports it, so it counts DuckDB's memory and Go's alike.
func BenchmarkIngestPeakRSS(b *testing.B) {
	dir := b.TempDir()
	base := filepath.Join(dir, "base.db")
	ids, reg := makeBaseDB(b, base, 1600)
	good := filepath.Join(dir, "good.csv")
	rows := writePanelCSV(b, good, reg, ids, 2005, 2024, 0)
	bad := filepath.Join(dir, "bad.csv")
	writePanelCSV(b, bad, reg, ids, 2005, 2024, rows-100)
	var okPeak, refusedPeak int64
	for b.Loop() {
		db := filepath.Join(dir, "run.db")
		copyDB(b, db, base)
		rss, out, err := peakRSS(b, "ingest", "--db", db, good)
		if err != nil {
			b.Fatalf("ingest: %v\n%s", err, out)
		}
		okPeak = max(okPeak, rss)
		rss, out, err = peakRSS(b, "ingest", "--db", db, bad)
		if err == nil {
			b.Fatalf("ingest of a bad file succeeded:\n%s", out)
		}
		refusedPeak = max(refusedPeak, rss)
		os.Remove(db)
	}
	b.ReportMetric(float64(rows), "rows")
	b.ReportMetric(float64(okPeak)/(1<<20), "peak-RSS-MiB")
	b.ReportMetric(float64(refusedPeak)/(1<<20), "refused-peak-RSS-MiB")
}

// mountTmpfs mounts a tmpfs of size (e.g. "8m") on a new folder and unmounts it at the end of
// the test; it skips the test unless it runs as root on Linux.
func mountTmpfs(t *testing.T, size string) string {
	t.Helper()
	if os.Geteuid() != 0 {
		t.Skip("mounting a tmpfs needs root; run the tests as root to cover this fault")
	}
	dir := t.TempDir()
	if out, err := exec.Command("mount", "-t", "tmpfs", "-o", "size="+size, "tmpfs", dir).CombinedOutput(); err != nil {
		t.Skipf("mount tmpfs: %v: %s", err, out)
	}
	t.Cleanup(func() {
		if out, err := exec.Command("umount", dir).CombinedOutput(); err != nil {
			t.Errorf("umount %s: %v: %s", dir, err, out)
		}
	})
	return dir
}

// TestIngestReadOnly: an ingest into a database file that cannot be written says so and
// changes nothing. As root (who may write any file) the file is on a read-only tmpfs.
func TestIngestReadOnly(t *testing.T) {
	var dir string
	if os.Geteuid() == 0 {
		dir = mountTmpfs(t, "16m")
	} else {
		dir = t.TempDir()
	}
	db := filepath.Join(dir, "chiso.db")
	ids, reg := makeBaseDB(t, db, 5)
	csvPath := filepath.Join(t.TempDir(), "panel.csv")
	writePanelCSV(t, csvPath, reg, ids, 2020, 2021, 0)
	if os.Geteuid() == 0 {
		if out, err := exec.Command("mount", "-o", "remount,ro", dir).CombinedOutput(); err != nil {
			t.Fatalf("remount read-only: %v: %s", err, out)
		}
	} else {
		os.Chmod(db, 0o444)
		os.Chmod(dir, 0o555)
		t.Cleanup(func() { os.Chmod(dir, 0o755) })
	}
	before, err := os.ReadFile(db)
	if err != nil {
		t.Fatal(err)
	}
	out, err := chisoCmd("ingest", "--db", db, csvPath).CombinedOutput()
	want := "chiso: open " + db + ": cannot write the database file (a read-only file or file system); nothing was changed"
	if err == nil || !strings.Contains(string(out), want) {
		t.Errorf("ingest into a read-only file: %v\n%s\nwant %q", err, out, want)
	}
	if after, err := os.ReadFile(db); err != nil || !bytes.Equal(after, before) {
		t.Errorf("ingest into a read-only file changed it: %v", err)
	}
}

// TestIngestDiskFull: an ingest that runs out of disk space says so, and the database, once
// there is room again, holds exactly the data before; the same ingest then succeeds.
func TestIngestDiskFull(t *testing.T) {
	// Room for the database (4.2 MB) and the ingest's 63,000 rows once the filler is gone.
	dir := mountTmpfs(t, "16m")
	db := filepath.Join(dir, "chiso.db")
	ids, reg := makeBaseDB(t, db, 50)
	csvPath := filepath.Join(t.TempDir(), "panel.csv")
	rows := writePanelCSV(t, csvPath, reg, ids, 2005, 2024, 0)
	before := readState(t, db, ids)
	// Fill the disk but for 256 KiB.
	var st syscall.Statfs_t
	if err := syscall.Statfs(dir, &st); err != nil {
		t.Fatal(err)
	}
	filler := filepath.Join(dir, "filler")
	free := int64(st.Bavail) * st.Bsize
	if err := os.WriteFile(filler, make([]byte, free-256<<10), 0o644); err != nil {
		t.Fatal(err)
	}
	out, err := chisoCmd("ingest", "--db", db, csvPath).CombinedOutput()
	const want = "chiso: the disk is full; nothing was changed (free some space and try again): "
	if err == nil || !strings.Contains(string(out), want) {
		t.Errorf("ingest of %d rows onto a full disk: %v\n%s\nwant %q", rows, err, out, want)
	}
	t.Logf("disk full: %s", bytes.TrimSpace(out))
	if err := os.Remove(filler); err != nil {
		t.Fatal(err)
	}
	if got := readState(t, db, ids); got != before {
		t.Errorf("after a failed ingest onto a full disk: %+v, want %+v", got, before)
	}
	if out, err := chisoCmd("ingest", "--db", db, csvPath).CombinedOutput(); err != nil {
		t.Errorf("ingest with room again: %v\n%s", err, out)
	}
	if got := readState(t, db, ids); got.Synthetic != rows {
		t.Errorf("after the ingest with room again: %d synthetic rows, want %d", got.Synthetic, rows)
	}
}
