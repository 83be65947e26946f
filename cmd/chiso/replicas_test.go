package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"chiso/datasets"
)

// TestReplicasBehindNginx runs the documented deployment (deploy/nginx.conf) on 127.0.0.1: two
// read-only replicas of one database file behind nginx. Under load through nginx one replica is
// killed: no request fails beyond those in flight at that moment. A new dataset version then
// rolls out replica by replica: every answer is wholly of one version (its X-Dataset-Version
// header is the version in its body).
func TestReplicasBehindNginx(t *testing.T) {
	nginx, err := exec.LookPath("nginx")
	if err != nil {
		nginx = "/usr/sbin/nginx"
	}
	if _, err := os.Stat(nginx); err != nil {
		if os.Getenv("CHISO_E2E") != "" {
			t.Fatal("the replica test needs nginx (apt-get install -y nginx-light; make test installs it)")
		}
		t.Skip("nginx is not installed; make test installs it")
	}
	if testing.Short() {
		t.Skip("-short")
	}
	dir := t.TempDir()
	bin := filepath.Join(dir, "chiso")
	if out, err := exec.Command("go", "build", "-o", bin, ".").CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	ctx := context.Background()
	v1 := filepath.Join(dir, "v1.duckdb")
	s, err := datasets.Open(ctx, v1)
	if err != nil {
		t.Fatal(err)
	}
	version1 := s.Version()
	s.Close()

	replicas := []*replica{startReplica(t, bin, v1), startReplica(t, bin, v1)}
	front := startNginx(t, nginx, dir, replicas)

	paths := []string{
		"/api/v1/observations?indicator=pci&provinces=93,92&from=2015&to=2021",
		"/api/v1/rankings?indicator=pci&year=2016",
		"/api/v1/trends?indicator=pci&provinces=93",
		"/embed/ranking?indicator=pci&year=2016",
		"/charts/line.csv?indicator=pci&provinces=93",
	}
	// Load through nginx; kill one replica a third of the way in.
	var ok, failed, inFlight, maxInFlightAtKill atomic.Int64
	stop := make(chan struct{})
	var wg sync.WaitGroup
	client := &http.Client{Timeout: 10 * time.Second}
	for i := range 8 {
		wg.Go(func() {
			for n := 0; ; n++ {
				select {
				case <-stop:
					return
				default:
				}
				inFlight.Add(1)
				resp, err := client.Get(front + paths[(i+n)%len(paths)])
				inFlight.Add(-1)
				if err != nil {
					failed.Add(1)
					continue
				}
				io.Copy(io.Discard, resp.Body)
				resp.Body.Close()
				if resp.StatusCode == 200 {
					ok.Add(1)
				} else {
					failed.Add(1)
				}
			}
		})
	}
	time.Sleep(1500 * time.Millisecond)
	maxInFlightAtKill.Store(inFlight.Load())
	replicas[0].kill()
	time.Sleep(3 * time.Second)
	close(stop)
	wg.Wait()
	t.Logf("through nginx with a replica killed: %d ok, %d failed (%d in flight at the kill)", ok.Load(), failed.Load(), maxInFlightAtKill.Load())
	if ok.Load() < 100 || failed.Load() > maxInFlightAtKill.Load() {
		t.Errorf("%d ok, %d failed; at most the %d in flight may fail", ok.Load(), failed.Load(), maxInFlightAtKill.Load())
	}

	// A new version: a copy of the file with one more figure, rolled out replica by replica.
	v2 := filepath.Join(dir, "v2.duckdb")
	copyFile(t, v1, v2)
	csv := filepath.Join(dir, "new.csv")
	os.WriteFile(csv, []byte("province,indicator,year,value,source\nHà Nội,par_index,2015,70,TEST FIXTURE: synthetic figure - not real data\n"), 0o644)
	if out, err := exec.Command(bin, "ingest", "--db", v2, csv).CombinedOutput(); err != nil {
		t.Fatalf("ingest into the copy: %v\n%s", err, out)
	}
	versions := map[string]int{}
	var mu sync.Mutex
	var mixed, errs atomic.Int64
	check := func() {
		resp, err := client.Get(front + "/api/v1/observations?indicator=par_index&provinces=01&from=2015&to=2015")
		if err != nil {
			errs.Add(1)
			return
		}
		defer resp.Body.Close()
		if resp.StatusCode != 200 {
			errs.Add(1)
			return
		}
		var body struct {
			Version string `json:"dataset_version"`
		}
		json.NewDecoder(resp.Body).Decode(&body)
		h := resp.Header.Get("X-Dataset-Version")
		mu.Lock()
		versions[body.Version]++
		mu.Unlock()
		if h != body.Version {
			mixed.Add(1)
		}
	}
	newVersion := func() string {
		s, err := datasets.OpenReadOnly(ctx, v2)
		if err != nil {
			t.Fatal(err)
		}
		defer s.Close()
		return s.Version()
	}()
	rolling := make(chan struct{})
	done := make(chan struct{})
	go func() {
		defer close(done)
		for {
			select {
			case <-rolling:
				return
			default:
				check()
			}
		}
	}()
	for i, r := range replicas { // one at a time, on the same address: nginx keeps its upstreams
		if i == 0 {
			// replica 0 was killed above
		} else {
			r.kill()
		}
		replicas[i] = startReplicaAt(t, bin, v2, r.addr)
		// Before taking the next one down, nginx must be sending traffic to this one again.
		deadline := time.Now().Add(20 * time.Second)
		for mu.Lock(); versions[newVersion] == 0; mu.Lock() {
			mu.Unlock()
			if time.Now().After(deadline) {
				t.Fatal("nginx never answered from the restarted replica")
			}
			time.Sleep(50 * time.Millisecond)
		}
		mu.Unlock()
	}
	close(rolling)
	<-done
	check()
	mu.Lock()
	defer mu.Unlock()
	t.Logf("answers by version during the roll-out: %v (old %s)", versions, version1)
	if mixed.Load() > 0 {
		t.Errorf("%d answers carried one version in the header and another in the body", mixed.Load())
	}
	if len(versions) < 2 || errs.Load() > 0 {
		t.Errorf("answers of %d versions and %d failures during the roll-out, want the old and the new and no failure", len(versions), errs.Load())
	}
}

type replica struct {
	addr string
	cmd  *exec.Cmd
}

func (r *replica) kill() {
	if r.cmd.ProcessState == nil {
		r.cmd.Process.Kill()
		r.cmd.Wait()
	}
}

// startReplica starts `chiso serve --read-only` on a free port and waits for /healthz.
func startReplica(t *testing.T, bin, db string) *replica {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	return startReplicaAt(t, bin, db, addr)
}

// startReplicaAt starts `chiso serve --read-only` on addr and waits for /healthz.
func startReplicaAt(t *testing.T, bin, db, addr string) *replica {
	t.Helper()
	cmd := exec.Command(bin, "serve", "--read-only", "--db", db, "--addr", addr)
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	r := &replica{addr: addr, cmd: cmd}
	t.Cleanup(r.kill)
	waitHealthy(t, "http://"+addr)
	return r
}

func waitHealthy(t *testing.T, base string) {
	t.Helper()
	deadline := time.Now().Add(20 * time.Second)
	for {
		resp, err := http.Get(base + "/healthz")
		if err == nil {
			resp.Body.Close()
			if resp.StatusCode == 200 {
				return
			}
		}
		if time.Now().After(deadline) {
			status := 0
			if resp != nil {
				status = resp.StatusCode
			}
			t.Fatalf("%s did not answer /healthz: %v (status %d)", base, err, status)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// startNginx runs deploy/nginx.conf with the replicas' addresses, a free port and a cache in dir.
func startNginx(t *testing.T, nginx, dir string, replicas []*replica) string {
	t.Helper()
	conf, err := os.ReadFile("../../deploy/nginx.conf")
	if err != nil {
		t.Fatal(err)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	c := string(conf)
	c = regexp.MustCompile(`(?m)^\s*server 127\.0\.0\.1:808[0-9][^\n]*\n`).ReplaceAllString(c, "")
	var ups strings.Builder
	for _, r := range replicas {
		fmt.Fprintf(&ups, "    server %s max_fails=1 fail_timeout=5s;\n", r.addr)
	}
	c = strings.Replace(c, "upstream chiso {\n", "upstream chiso {\n"+ups.String(), 1)
	c = strings.Replace(c, "listen 80;", "listen "+addr+";", 1)
	c = strings.Replace(c, "/var/cache/nginx/chiso", filepath.Join(dir, "cache"), 1)
	c = strings.Replace(c, "pid /run/nginx-chiso.pid;", "pid "+filepath.Join(dir, "nginx.pid")+";\nerror_log "+filepath.Join(dir, "nginx.err")+";\ndaemon off;", 1)
	if os.Geteuid() == 0 {
		c = "user root;\n" + c // nginx's workers would otherwise run as another user who cannot read the test's directory
	}
	confPath := filepath.Join(dir, "nginx.conf")
	if err := os.WriteFile(confPath, []byte(c), 0o644); err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(nginx, "-p", dir, "-c", confPath)
	cmd.Stderr = os.Stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		// SIGTERM: the master stops its workers and its cache manager (SIGKILL would leave them running).
		cmd.Process.Signal(syscall.SIGTERM)
		done := make(chan struct{})
		go func() { cmd.Wait(); close(done) }()
		select {
		case <-done:
		case <-time.After(10 * time.Second):
			cmd.Process.Kill()
			<-done
		}
	})
	t.Cleanup(func() {
		if t.Failed() {
			log, _ := os.ReadFile(filepath.Join(dir, "nginx.err"))
			if len(log) > 4000 {
				log = log[len(log)-4000:]
			}
			t.Logf("nginx configuration:\n%s\nnginx error log (end):\n%s", c, log)
		}
	})
	waitHealthy(t, "http://"+addr)
	return "http://" + addr
}

func copyFile(t *testing.T, from, to string) {
	t.Helper()
	b, err := os.ReadFile(from)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(to, b, 0o644); err != nil {
		t.Fatal(err)
	}
}
