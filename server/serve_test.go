package server

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"runtime"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/valyala/fasthttp"
	"github.com/valyala/fasthttp/fasthttpadaptor"
)

// lockedBuffer is a bytes.Buffer safe for the access log's writes and the test's reads.
type lockedBuffer struct {
	mu sync.Mutex
	b  strings.Builder
}

func (l *lockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *lockedBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

// startServe runs s.Serve on a free 127.0.0.1 port until the test ends, and returns its URL.
func startServe(t *testing.T, s *Server) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- s.Serve(ctx, ln) }()
	t.Cleanup(func() {
		cancel()
		if err := <-done; err != nil {
			t.Errorf("Serve: %v", err)
		}
	})
	return "http://" + ln.Addr().String()
}

// The headers whose values must be the same whichever server answers and whether or not the
// answer was kept (Date aside, every header a client acts on).
var comparedHeaders = []string{"Content-Type", "Content-Length", "Content-Encoding", "Content-Disposition", "Etag", "Cache-Control",
	"Vary", "X-Dataset-Version", "Content-Security-Policy", "Access-Control-Allow-Origin", "X-Content-Type-Options", "Referrer-Policy", "Location"}

type answer struct {
	status int
	header map[string]string
	body   string
}

func fetch(t *testing.T, client *http.Client, method, url string, header map[string]string) answer {
	t.Helper()
	req, err := http.NewRequest(method, url, nil)
	if err != nil {
		t.Fatal(err)
	}
	req.Host = "chiso.test" // pages' links and keys name the host: the same for both servers
	for k, v := range header {
		if k == "Host" {
			req.Host = v
			continue
		}
		req.Header.Set(k, v)
	}
	resp, err := client.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	a := answer{status: resp.StatusCode, header: map[string]string{}, body: string(body)}
	for _, k := range comparedHeaders {
		vs := slices.Clone(resp.Header.Values(k))
		slices.Sort(vs)
		a.header[k] = strings.Join(vs, ", ")
	}
	return a
}

// TestServeAnswersAsHandler: the listener of `chiso serve` gives, for a request computed and
// for the same request answered from the cache, exactly what the net/http handler gives —
// status, body and headers — for JSON, CSV, gzip, pages, embeds, images, assets, errors, HEAD
// and conditional requests; and the repeated request was answered by the cache.
func TestServeAnswersAsHandler(t *testing.T) {
	store := mustOpenStore(t)
	logger := slog.New(slog.NewTextHandler(io.Discard, nil))
	var alog lockedBuffer
	fast := NewServer(logger, Config{AccessLog: &alog}, store)
	fastURL := startServe(t, fast)
	ref := httptest.NewServer(NewServer(logger, Config{}, store))
	defer ref.Close()
	client := &http.Client{Transport: &http.Transport{DisableCompression: true}, CheckRedirect: func(*http.Request, []*http.Request) error {
		return http.ErrUseLastResponse
	}}
	obs := "/api/v1/observations?indicator=pci&provinces=93&from=2020&to=2021"
	etag := fetch(t, client, "GET", ref.URL+obs, nil).header["Etag"]
	if etag == "" {
		t.Fatal("no ETag on", obs)
	}
	cases := []struct {
		method, path string
		header       map[string]string
		cached       bool // the second request is answered before routing
	}{
		{"GET", obs, nil, true},
		{"GET", obs, map[string]string{"Accept": "text/csv"}, true},
		{"GET", obs, map[string]string{"Accept-Encoding": "gzip"}, true},
		{"GET", obs, map[string]string{"Accept-Encoding": "gzip, deflate, br, zstd"}, true},
		{"GET", obs, map[string]string{"If-None-Match": etag}, true},
		{"HEAD", obs, nil, true},
		{"GET", "/api/v1/rankings?indicator=pci&year=2021", nil, true},
		{"GET", "/api/v1/rankings?indicator=pci&year=1990", nil, true},
		{"GET", "/api/v1/rankings?indicator=pci&year=abc", nil, false},
		{"GET", "/api/v1/rankings?indicator=pci&year=2021&bogus=1", nil, false},
		{"GET", "/provinces/93", nil, true},
		{"GET", "/provinces/93", map[string]string{"Host": "chiso.example", "X-Forwarded-Proto": "https"}, true},
		{"GET", "/provinces/H%e1%ba%adu%20Giang", nil, false},
		{"GET", "/embed/ranking?indicator=pci&year=2021", nil, true},
		{"GET", "/charts/line.png?indicator=pci&provinces=93,92", nil, true},
		{"GET", "/charts/line.json?indicator=pci&provinces=93,92", map[string]string{"Accept-Encoding": "gzip"}, true},
		{"GET", "/assets/chiso.css", nil, false},
		{"GET", "/no/such/page", nil, false},
		{"GET", "/go?province=93", nil, false},
		{"POST", "/api/v1/observations", nil, false},
	}
	for _, c := range cases {
		name := fmt.Sprintf("%s %s %v", c.method, c.path, c.header)
		want := fetch(t, client, c.method, ref.URL+c.path, c.header)
		want = fetch(t, client, c.method, ref.URL+c.path, c.header)
		for i := range 2 {
			got := fetch(t, client, c.method, fastURL+c.path, c.header)
			if got.status != want.status || got.body != want.body {
				t.Errorf("%s (request %d): status %d, %d bytes; net/http: %d, %d bytes", name, i+1, got.status, len(got.body), want.status, len(want.body))
			}
			for _, k := range comparedHeaders {
				if got.header[k] != want.header[k] && !(k == "Content-Length" && want.header[k] == "") { // net/http may chunk
					t.Errorf("%s (request %d): %s = %q; net/http: %q", name, i+1, k, got.header[k], want.header[k])
				}
			}
		}
		fast.log.Flush()
		lines := strings.Split(strings.TrimSpace(alog.String()), "\n")
		last := lines[len(lines)-1]
		if cached := strings.Contains(last, `"cached":true`); cached != c.cached {
			t.Errorf("%s: the repeated request's log line %s: cached = %v, want %v", name, last, cached, c.cached)
		}
	}
}

// TestServeLimits: what the listener refuses, with a JSON error naming the limit: headers over
// 16 KiB, a URI over 8 KiB (414 from the router), bodies over 64 KiB with a length or chunked.
func TestServeLimits(t *testing.T) {
	store := mustOpenStore(t)
	url := startServe(t, NewServer(slog.New(slog.NewTextHandler(io.Discard, nil)), Config{}, store))
	addr := strings.TrimPrefix(url, "http://")
	big := strings.Repeat("a", 70<<10)
	cases := []struct {
		name    string
		request string
		status  int
		says    string
	}{
		{"headers", "GET /healthz HTTP/1.1\r\nHost: x\r\nX-Big: " + strings.Repeat("b", 17<<10) + "\r\n\r\n", 431, "over 16384 bytes"},
		{"URI", "GET /api/v1/observations?provinces=" + strings.Repeat("c", 9000) + " HTTP/1.1\r\nHost: x\r\n\r\n", 414, "at most 8192"},
		{"body with length", fmt.Sprintf("POST /api/v1/composite HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: %d\r\n\r\n%s", len(big), big), 413, "over 65536 bytes"},
		{"chunked body", fmt.Sprintf("POST /api/v1/composite HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n%x\r\n%s\r\n0\r\n\r\n", len(big), big), 413, "over 65536 bytes"},
		{"small body", "POST /api/v1/composite HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 2\r\n\r\n{}", 200, `"status":"success"`},
		{"malformed", "GET / HTTP/1.1\r\nHost: x\r\nBad header\r\n\r\n", 400, "malformed HTTP request"},
	}
	for _, c := range cases {
		conn, err := net.Dial("tcp", addr)
		if err != nil {
			t.Fatal(err)
		}
		conn.SetDeadline(time.Now().Add(10 * time.Second))
		go io.WriteString(conn, c.request) // the server may answer before it has read it all
		resp, err := http.ReadResponse(bufio.NewReader(conn), nil)
		if err != nil {
			t.Fatalf("%s: %v", c.name, err)
		}
		body, _ := io.ReadAll(resp.Body)
		conn.Close()
		if resp.StatusCode != c.status || !strings.Contains(string(body), c.says) || !strings.HasPrefix(resp.Header.Get("Content-Type"), "application/json") {
			t.Errorf("%s: %d %s %s; want %d saying %q", c.name, resp.StatusCode, resp.Header.Get("Content-Type"), body, c.status, c.says)
		}
	}
}

// TestCancelOnClose: a request handed to net/http has a context that ends when its client
// hangs up, and not while the client waits.
func TestCancelOnClose(t *testing.T) {
	ended := make(chan time.Duration, 1)
	handler := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		select {
		case <-r.Context().Done():
			ended <- time.Since(start)
		case <-time.After(time.Duration(len(r.URL.Query().Get("wait"))) * 100 * time.Millisecond):
			ended <- -1
			io.WriteString(w, "done")
		}
	})
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	srv := &fasthttp.Server{Handler: fasthttpadaptor.NewFastHTTPHandler(cancelOnClose(handler))}
	go srv.Serve(ln)
	defer srv.Shutdown()

	// A client that waits gets its answer: 500 ms, five polls of the connection.
	resp, err := http.Get("http://" + ln.Addr().String() + "/?wait=xxxxx")
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if d := <-ended; d != -1 || string(body) != "done" {
		t.Fatalf("a waiting client's request ended after %v with %q", d, body)
	}

	// A client that hangs up after 50 ms: the context ends within a few polls.
	conn, err := net.Dial("tcp", ln.Addr().String())
	if err != nil {
		t.Fatal(err)
	}
	io.WriteString(conn, "GET /?wait="+strings.Repeat("x", 100)+" HTTP/1.1\r\nHost: x\r\n\r\n")
	time.Sleep(50 * time.Millisecond)
	conn.Close()
	select {
	case d := <-ended:
		if d == -1 {
			t.Fatal("the request ran to its end after the client left")
		}
	case <-time.After(5 * time.Second):
		t.Fatal("the request's context did not end within 5 s of the client leaving")
	}
}

// TestIdleConnectionsHoldLittle: a kept-alive connection that waits for its next request holds
// no more than its 16 KiB read buffer and a 4 KiB write buffer (a large body is written past it,
// not copied into it): 500 of them after a 42 KB answer each cost under 40 KiB of heap apiece,
// client side included (29 KiB measured; 86 KiB with a 64 KiB write buffer).
func TestIdleConnectionsHoldLittle(t *testing.T) {
	store := mustOpenStore(t)
	url := startServe(t, NewServer(slog.New(slog.NewTextHandler(io.Discard, nil)), Config{}, store))
	path := "/api/v1/observations?indicator=pci&provinces=93,92,94,89,91&from=2006&to=2024"
	if resp, err := http.Get(url + path); err == nil {
		resp.Body.Close()
	}
	heap := func() uint64 {
		runtime.GC()
		var m runtime.MemStats
		runtime.ReadMemStats(&m)
		return m.HeapInuse
	}
	before := heap()
	const n = 500
	var conns []net.Conn
	for range n {
		conn, err := net.Dial("tcp", strings.TrimPrefix(url, "http://"))
		if err != nil {
			t.Fatal(err)
		}
		defer conn.Close()
		io.WriteString(conn, "GET "+path+" HTTP/1.1\r\nHost: x\r\n\r\n")
		resp, err := http.ReadResponse(bufio.NewReader(conn), nil)
		if err != nil {
			t.Fatal(err)
		}
		io.Copy(io.Discard, resp.Body)
		conns = append(conns, conn)
	}
	time.Sleep(100 * time.Millisecond)
	after := heap()
	per := (int64(after) - int64(before)) / n
	t.Logf("%d idle connections: %d bytes of heap each", len(conns), per)
	if per > 40<<10 {
		t.Errorf("an idle connection holds %d bytes of heap; want under 40 KiB", per)
	}
}
