package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"chiso/datasets"
)

// TestMain lets the test binary stand in for a second chiso process that holds a database
// file open (for the lock test).
func TestMain(m *testing.M) {
	if os.Getenv(envRunChiso) == "1" {
		// The test binary stands in for the chiso binary: the fault tests start it as a
		// child process (to kill it, or to measure its peak RSS) with chiso's arguments.
		if err := run(context.Background(), append([]string{"chiso"}, os.Args[1:]...), os.Getenv, os.Stdin, os.Stdout, os.Stderr); err != nil {
			fmt.Fprintln(os.Stderr, "chiso:", err)
			os.Exit(1)
		}
		os.Exit(0)
	}
	if path := os.Getenv("CHISO_TEST_HOLD_DB"); path != "" {
		s, err := datasets.Open(context.Background(), path)
		if err != nil {
			fmt.Println("error:", err)
			os.Exit(1)
		}
		fmt.Println("holding")
		time.Sleep(30 * time.Second)
		s.Close()
		os.Exit(0)
	}
	os.Exit(m.Run())
}

func runCmd(t *testing.T, env map[string]string, args ...string) (stdout, stderr string, err error) {
	t.Helper()
	var out, errb bytes.Buffer
	err = run(context.Background(), append([]string{"chiso"}, args...), func(k string) string { return env[k] }, strings.NewReader(""), &out, &errb)
	return out.String(), errb.String(), err
}

const fixtureDir = "../../datasets/testdata/"

func TestIngestPersists(t *testing.T) {
	db := filepath.Join(t.TempDir(), "chiso.db")
	out, _, err := runCmd(t, nil, "ingest", "--db", db, fixtureDir+"long.csv")
	if err != nil {
		t.Fatalf("ingest: %v", err)
	}
	if !strings.Contains(out, "added 5 observations (5 preferred)") {
		t.Errorf("ingest output = %q", out)
	}
	// A new process (here: a new store) sees the ingested figures and the bundled ones.
	s, err := datasets.Open(context.Background(), db)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	for _, tc := range []struct {
		indicator, unit string
		year            int
		want            float64
	}{{"par_index", "vn63.79", 2015, 81.50}, {"pci", "vn63.93", 2021, 63.80}} {
		obs, err := s.Observations(context.Background(), datasets.ObservationQuery{Indicators: []string{tc.indicator}, UnitIDs: []string{tc.unit}, From: tc.year, To: tc.year})
		if err != nil || len(obs) != 1 || *obs[0].Value != tc.want {
			t.Errorf("%s %s %d after reopening: %+v, %v; want %v", tc.indicator, tc.unit, tc.year, obs, err, tc.want)
		}
	}
}

func TestIngestNeedsDB(t *testing.T) {
	_, _, err := runCmd(t, nil, "ingest", fixtureDir+"long.csv")
	if err == nil || !strings.Contains(err.Error(), "ingest needs --db FILE") {
		t.Errorf("ingest without --db: %v", err)
	}
}

func TestValidate(t *testing.T) {
	out, _, err := runCmd(t, nil, "validate", fixtureDir+"long_vn.csv")
	if err != nil || !strings.Contains(out, "valid: 4 observations; nothing was changed") {
		t.Errorf("validate good file: %q, %v", out, err)
	}
	_, _, err = runCmd(t, nil, "validate", fixtureDir+"bad_rank.csv")
	if err == nil || !strings.Contains(err.Error(), `bad_rank.csv:2:5: column "rank": expected a rank in 1..63`) {
		t.Errorf("validate bad file: %v", err)
	}
}

func TestExport(t *testing.T) {
	out, _, err := runCmd(t, nil, "export", "--indicator", "pci", "--format", "csv")
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(out, "pci,2021,vn63.93,93,63,Hậu Giang,Hau Giang,63.8,38,63,published,true,true,") {
		t.Errorf("export lacks Hậu Giang PCI 2021: %.300s", out)
	}
	pq := filepath.Join(t.TempDir(), "pci.parquet")
	if _, _, err := runCmd(t, nil, "export", "--format", "parquet", "--out", pq); err != nil {
		t.Fatal(err)
	}
	if fi, err := os.Stat(pq); err != nil || fi.Size() == 0 {
		t.Errorf("parquet export: %v", err)
	}
}

// TestExportFormats: export takes the API's filters and writes XLSX and the whole-dataset ZIP;
// the 34-unit view gives derived figures, marked so.
func TestExportFormats(t *testing.T) {
	dir := t.TempDir()
	out, _, err := runCmd(t, nil, "export", "--indicator", "grdp_growth", "--provinces", "93", "--years", "2021")
	if err != nil {
		t.Fatal(err)
	}
	if strings.HasPrefix(out, "\ufeff") || strings.Count(out, "\n") != 3 || !strings.Contains(out, ",11,8,63,published,false,false,") {
		t.Errorf("export of Hậu Giang's GRDP growth 2021, every source: want the header, two figures, the news report's 11 not preferred:\n%s", out)
	}
	out, _, err = runCmd(t, nil, "export", "--indicator", "pci", "--provinces", "đồng nai", "--years", "2019", "--units", "34", "--sources", "preferred")
	if err != nil {
		t.Fatal(err)
	}
	if lines := strings.Split(strings.TrimSpace(out), "\n"); len(lines) != 2 || !strings.Contains(lines[1], "vn34.75") || !strings.Contains(lines[1], ",true,") {
		t.Errorf("units=34 export: %s", out)
	}
	for _, f := range []string{"xlsx", "zip"} {
		path := filepath.Join(dir, "out."+f)
		if _, stderr, err := runCmd(t, nil, "export", "--format", f, "--out", path); err != nil || !strings.Contains(stderr, "dataset version") {
			t.Fatalf("export --format %s: %v %s", f, err, stderr)
		}
		b, err := os.ReadFile(path)
		if err != nil || !bytes.HasPrefix(b, []byte("PK")) {
			t.Errorf("%s: not a ZIP container (%v)", path, err)
		}
	}
	for _, args := range [][]string{
		{"--format", "ods"},
		{"--years", "2020-2010"},
		{"--units", "35"},
		{"--format", "zip", "--indicator", "pci"},
		{"--indicator", "nope"},
	} {
		if _, _, err := runCmd(t, nil, append([]string{"export"}, args...)...); err == nil {
			t.Errorf("export %v: no error", args)
		}
	}
}

// holdDB starts a second process that holds db open, with the command line args after the
// program name, and returns its PID.
func holdDB(t *testing.T, db string, args ...string) int {
	t.Helper()
	holder := exec.Command(os.Args[0], args...)
	holder.Env = append(os.Environ(), "CHISO_TEST_HOLD_DB="+db)
	stdout, err := holder.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := holder.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { holder.Process.Kill(); holder.Wait() })
	line, _ := bufio.NewReader(stdout).ReadString('\n')
	if !strings.HasPrefix(line, "holding") {
		t.Fatalf("holder: %q", line)
	}
	return holder.Process.Pid
}

// TestLockedDatabase: an ingest into a file another process holds fails with a message that
// names the holder, and changes nothing.
func TestLockedDatabase(t *testing.T) {
	for _, tc := range []struct {
		name string
		args []string // the holder's command line after the program
		want string   // %d is the holder's PID
	}{
		{"OtherProcess", []string{"-test.run=^$"}, "database is in use by another process (PID %d: "},
		{"Ingest", []string{"ingest", "--db", "x.db", "a.csv"}, "database is in use by another process: another `chiso ingest` (PID %d) holds its lock; wait for that ingest to finish and try again"},
		{"Serve", []string{"serve", "--db", "x.db"}, "database is in use by another process: `chiso serve` (PID %d) holds its lock; stop the server to ingest into this file"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			db := filepath.Join(t.TempDir(), "chiso.db")
			pid := holdDB(t, db, tc.args...)
			before, err := os.ReadFile(db)
			if err != nil {
				t.Fatal(err)
			}
			_, _, err = runCmd(t, nil, "ingest", "--db", db, fixtureDir+"long.csv")
			if want := fmt.Sprintf(tc.want, pid); err == nil || !strings.Contains(err.Error(), want) {
				t.Errorf("ingest into a held file: %v\nwant %q", err, want)
			}
			if !errors.Is(err, datasets.ErrLocked) && !strings.Contains(err.Error(), datasets.ErrLocked.Error()) {
				t.Errorf("error %v does not say the database is locked", err)
			}
			if after, err := os.ReadFile(db); err != nil || !bytes.Equal(after, before) {
				t.Errorf("ingest into a held file changed it: %d → %d bytes, %v", len(before), len(after), err)
			}
		})
	}
}

// startServe runs `chiso serve` on a free loopback port until the returned stop is called,
// and waits for its first 200 on /healthz. stop returns what run returned.
func startServe(t *testing.T) (addr string, stop func() error) {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr = ln.Addr().String()
	ln.Close()
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() {
		done <- run(ctx, []string{"chiso", "serve", "--addr", addr}, func(string) string { return "" }, strings.NewReader(""), io.Discard, io.Discard)
	}()
	deadline := time.Now().Add(10 * time.Second)
	for {
		resp, err := http.Get("http://" + addr + "/healthz")
		if err == nil {
			resp.Body.Close()
			if resp.StatusCode != 200 {
				t.Fatalf("healthz: %d", resp.StatusCode)
			}
			break
		}
		if time.Now().After(deadline) {
			cancel()
			t.Fatalf("serve did not answer /healthz: %v", err)
		}
		time.Sleep(20 * time.Millisecond)
	}
	return addr, func() error {
		cancel()
		select {
		case err := <-done:
			return err
		case <-time.After(15 * time.Second):
			return errors.New("serve did not shut down")
		}
	}
}

func TestServe(t *testing.T) {
	_, stop := startServe(t)
	if err := stop(); err != nil {
		t.Errorf("serve returned %v after shutdown", err)
	}
}

// browserNeeds lists what the browser test lacks, each with how to install it: node, the
// Chromium binary at chromium, and playwright-core under nodeModules.
func browserNeeds(chromium, nodeModules string) []string {
	var needs []string
	if _, err := exec.LookPath("node"); err != nil {
		needs = append(needs, "node (apt-get install -y nodejs npm)")
	}
	if fi, err := os.Stat(chromium); err != nil || fi.IsDir() {
		needs = append(needs, fmt.Sprintf("chromium at %s (apt-get install -y chromium, or CHROMIUM=/path/to/chromium)", chromium))
	}
	if _, err := os.Stat(filepath.Join(nodeModules, "playwright-core")); err != nil {
		needs = append(needs, fmt.Sprintf("playwright-core in %s (npm ci)", nodeModules))
	}
	return needs
}

func TestBrowserNeeds(t *testing.T) {
	dir := t.TempDir()
	needs := strings.Join(browserNeeds(filepath.Join(dir, "chromium"), filepath.Join(dir, "node_modules")), "; ")
	for _, want := range []string{
		"chromium at " + filepath.Join(dir, "chromium") + " (apt-get install -y chromium, or CHROMIUM=/path/to/chromium)",
		"playwright-core in " + filepath.Join(dir, "node_modules") + " (npm ci)",
	} {
		if !strings.Contains(needs, want) {
			t.Errorf("browserNeeds = %q, want it to name %q", needs, want)
		}
	}
	if err := os.MkdirAll(filepath.Join(dir, "node_modules", "playwright-core"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "chromium"), nil, 0o755); err != nil {
		t.Fatal(err)
	}
	needs = strings.Join(browserNeeds(filepath.Join(dir, "chromium"), filepath.Join(dir, "node_modules")), "; ")
	if strings.Contains(needs, "chromium") || strings.Contains(needs, "playwright") {
		t.Errorf("browserNeeds with both present = %q", needs)
	}
}

// TestBrowser runs the end-to-end test in Debian's headless Chromium against a running
// `chiso serve`: every page draws its charts, no request leaves the machine, no console error;
// screenshots go to $CHISO_SCREENSHOTS (or test/e2e/out). Without node, Chromium
// ($CHROMIUM, default /usr/bin/chromium) or playwright-core it is skipped, unless CHISO_E2E
// is set: `make test` installs all three and sets CHISO_E2E=1, so there it fails instead.
func TestBrowser(t *testing.T) {
	chromium := os.Getenv("CHROMIUM")
	if chromium == "" {
		chromium = "/usr/bin/chromium"
	}
	nodeModules, err := filepath.Abs("../../node_modules")
	if err != nil {
		t.Fatal(err)
	}
	if needs := browserNeeds(chromium, nodeModules); len(needs) > 0 {
		if os.Getenv("CHISO_E2E") != "" {
			t.Fatalf("CHISO_E2E is set but the browser test lacks: %s", strings.Join(needs, "; "))
		}
		t.Skipf("the browser test lacks: %s; `make test` installs them", strings.Join(needs, "; "))
	}
	addr, stop := startServe(t)
	t.Cleanup(func() { stop() })
	// Screenshots of every page and embed are kept as the test's artefacts in test/e2e/out
	// (ignored by git), or in $CHISO_SCREENSHOTS.
	shots := os.Getenv("CHISO_SCREENSHOTS")
	if shots == "" {
		shots, err = filepath.Abs("../../test/e2e/out")
		if err != nil {
			t.Fatal(err)
		}
	}
	cmd := exec.Command("node", "test/e2e/e2e.mjs", "http://"+addr, shots)
	cmd.Dir = "../.."
	cmd.Env = append(os.Environ(), "CHROMIUM="+chromium)
	out, err := cmd.CombinedOutput()
	t.Logf("%s", out)
	if err != nil {
		t.Fatalf("e2e: %v", err)
	}
}

func TestServeFlags(t *testing.T) {
	for _, tc := range []struct {
		name string
		args []string
		env  map[string]string
		want serveConfig
	}{
		{"default: loopback only, in memory", nil, nil, serveConfig{Addr: "127.0.0.1:8080", CacheMB: 128}},
		{"every interface", []string{"--addr", ":8080"}, nil, serveConfig{Addr: ":8080", CacheMB: 128}},
		{"environment", nil, map[string]string{"CHISO_ADDR": ":9090", "CHISO_DB": "x.db"}, serveConfig{Addr: ":9090", DBPath: "x.db", CacheMB: 128}},
		{"flags over environment", []string{"--addr=127.0.0.1:7000", "--db", "y.db"}, map[string]string{"CHISO_ADDR": ":9090", "CHISO_DB": "x.db"}, serveConfig{Addr: "127.0.0.1:7000", DBPath: "y.db", CacheMB: 128}},
		{"cache budget", []string{"--cache-mb", "16"}, nil, serveConfig{Addr: "127.0.0.1:8080", CacheMB: 16}},
		{"versions kept", []string{"--keep-versions", "5"}, nil, serveConfig{Addr: "127.0.0.1:8080", CacheMB: 128, KeepVersions: 5}},
		{"debug address", []string{"--debug-addr", "127.0.0.1:6060"}, nil, serveConfig{Addr: "127.0.0.1:8080", CacheMB: 128, DebugAddr: "127.0.0.1:6060"}},
		{"admin token from the environment", nil, map[string]string{"CHISO_ADMIN_TOKEN": " 0123456789abcdef\n"}, serveConfig{Addr: "127.0.0.1:8080", CacheMB: 128, AdminToken: "0123456789abcdef"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, err := parseServeFlags(tc.args, func(k string) string { return tc.env[k] }, io.Discard)
			if err != nil || got != tc.want {
				t.Errorf("parseServeFlags(%q) = %+v, %v; want %+v", tc.args, got, err, tc.want)
			}
		})
	}
	_, err := parseServeFlags([]string{"8080"}, func(string) string { return "" }, io.Discard)
	if err == nil || err.Error() != `serve: unexpected argument "8080": expected only the flags --addr, --db, --read-only, --cache-mb, --keep-versions, --debug-addr and --admin-token-file` {
		t.Errorf("parseServeFlags(8080): %v", err)
	}
	if _, err := parseServeFlags([]string{"--cache-mb", "0"}, func(string) string { return "" }, io.Discard); err == nil {
		t.Error("--cache-mb 0 was accepted")
	}
	tokenFile := filepath.Join(t.TempDir(), "token")
	os.WriteFile(tokenFile, []byte("fedcba9876543210fedc\n"), 0o600)
	if got, err := parseServeFlags([]string{"--admin-token-file", tokenFile}, func(string) string { return "short" }, io.Discard); err != nil || got.AdminToken != "fedcba9876543210fedc" {
		t.Errorf("--admin-token-file: %+v, %v", got, err)
	}
	if _, err := parseServeFlags(nil, func(k string) string { return map[string]string{"CHISO_ADMIN_TOKEN": "short"}[k] }, io.Discard); err == nil {
		t.Error("a 5-character admin token was accepted")
	}
	if _, err := parseServeFlags([]string{"--read-only", "--db", "x.db", "--admin-token-file", tokenFile}, func(string) string { return "" }, io.Discard); err == nil ||
		!strings.Contains(err.Error(), "--read-only serves no upload") {
		t.Errorf("--read-only with an admin token: %v, want it refused", err)
	}
}

// TestValidateExactFileName: chiso validate reads exactly the file it is given, whatever
// its name holds; DuckDB would take x?.csv for a pattern that matches xy.csv.
func TestValidateExactFileName(t *testing.T) {
	dir := t.TempDir()
	const file = "province,indicator,year,value,source\nHà Nội,par_index,2015,70,TEST FIXTURE: synthetic figure - not real data\n"
	for _, name := range []string{"xy.csv", "a[1].csv"} {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(file), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	if _, _, err := runCmd(t, nil, "validate", filepath.Join(dir, "x?.csv")); err == nil || !strings.Contains(err.Error(), "no such file") {
		t.Errorf("validate x?.csv (absent; xy.csv present): %v, want no such file", err)
	}
	out, _, err := runCmd(t, nil, "validate", filepath.Join(dir, "a[1].csv"))
	if err != nil || !strings.Contains(out, "valid: 1 observations") {
		t.Errorf("validate a[1].csv: %q, %v", out, err)
	}
}

// TestDebugVars: /debug/vars reports the goroutines as a number; it is served only on
// --debug-addr, never by the public handler.
func TestDebugVars(t *testing.T) {
	rec := httptest.NewRecorder()
	handleDebugVars().ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/debug/vars", nil))
	var vars struct {
		Goroutines int    `json:"goroutines"`
		HeapAlloc  uint64 `json:"heap_alloc"`
	}
	if err := json.Unmarshal(rec.Body.Bytes(), &vars); err != nil || vars.Goroutines < 1 || vars.HeapAlloc == 0 {
		t.Errorf("/debug/vars = %s (%v), want goroutines ≥ 1 and heap_alloc > 0", rec.Body, err)
	}
	addr, stop := startServe(t)
	defer stop()
	resp, err := http.Get("http://" + addr + "/debug/vars")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusNotFound {
		t.Errorf("public GET /debug/vars = %d, want 404", resp.StatusCode)
	}
}
