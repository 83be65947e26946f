package server

import (
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"runtime"
	"strings"
	"time"

	"github.com/go-chi/chi/v5"
	"github.com/go-chi/chi/v5/middleware"
	"github.com/valyala/fasthttp"
	"github.com/valyala/fasthttp/fasthttpadaptor"

	"chiso/datasets"
	"chiso/web"
)

// Config sets the server's limits; zero values take the defaults.
type Config struct {
	CacheBytes int64     // byte budget of the response cache (default 128 MiB)
	Workers    int       // expensive requests computed at once (default: the number of CPUs)
	AccessLog  io.Writer // where the access log's JSON lines go (default: nowhere)
	// KeepVersions is how many dataset versions, the current one included, are served at
	// pinned URLs /v/{version}/… (default DefaultKeepVersions).
	KeepVersions int
	// AdminToken, if not "", enables the operators' upload (POST /api/v1/admin/ingest and
	// /admin/upload) behind "Authorization: Bearer AdminToken"; without it those routes do not exist.
	AdminToken string
}

// DefaultCacheBytes is the response cache's byte budget unless Config says otherwise.
const DefaultCacheBytes = 128 << 20

// maxURL is the longest request URI the server reads (path and query).
const maxURL = 8 << 10

// NewServer returns chiso's HTTP handler: the API and the pages behind request ids, panic
// recovery, compression, security headers and a structured access log. It is an http.Handler
// (for tests and embedding) and serves a listener itself (Serve).
func NewServer(logger *slog.Logger, cfg Config, store *datasets.Store) *Server {
	tmpl, err := web.Templates()
	if err != nil {
		panic(err) // the templates are embedded: a parse error is a build defect
	}
	if err := web.CheckECharts(); err != nil {
		logger.Warn("charts will not draw", "err", err)
	}
	if cfg.CacheBytes <= 0 {
		cfg.CacheBytes = DefaultCacheBytes
	}
	if cfg.Workers <= 0 {
		cfg.Workers = runtime.NumCPU()
	}
	if cfg.KeepVersions <= 0 {
		cfg.KeepVersions = DefaultKeepVersions
	}
	rs := &responder{logger: logger, store: store, latest: store, keep: cfg.KeepVersions, tmpl: tmpl, cache: newResponseCache(cfg.CacheBytes),
		limit: newLimiter(cfg.Workers, 4*cfg.Workers, 10*time.Second)}
	if cfg.AccessLog == nil {
		cfg.AccessLog = io.Discard
	}
	alog := newAccessLog(cfg.AccessLog)
	if cfg.AdminToken != "" {
		rs.admin = newAdmin(cfg.AdminToken)
	}
	rs.pins = newPins(rs)
	r := chi.NewRouter()
	r.Use(middleware.RequestID)
	r.Use(logRequests(alog))
	r.Use(middleware.Recoverer)
	r.Use(baseHeaders)
	r.Use(rs.limitURL)
	r.Use(middleware.GetHead)
	r.Use(middleware.Compress(5, "application/json", "text/csv", "text/html", "text/plain", "application/javascript", "text/javascript", "text/css", "image/svg+xml"))
	addRoutes(r, rs)
	s := &Server{rs: rs, log: alog, next: r, logger: logger}
	s.slow = fasthttpadaptor.NewFastHTTPHandler(cancelOnClose(s))
	return s
}

// Server answers a request from the cache by its raw URL before any middleware or routing —
// the answer kept carries the headers the middleware gave it — and passes everything else on.
type Server struct {
	rs     *responder
	log    *accessLog
	next   http.Handler
	logger *slog.Logger
	slow   fasthttp.RequestHandler // everything the front does not answer, through next (serve.go)
}

// Close closes the snapshots of earlier dataset versions that the server built to answer
// /v/{version}/… (their stores and the files of their SQL snapshots). The server's own store
// is the caller's. Call it once the server answers no more requests.
func (f *Server) Close() error { return f.rs.pins.close() }

// ServeHTTP answers a net/http request.
func (f *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if (r.Method == http.MethodGet || r.Method == http.MethodHead) && len(r.URL.RawQuery)+len(r.URL.Path) <= maxURL {
		if cr, ok := f.rs.cache.get(rawKey(f.rs.store.Version(), r, isPage(r.URL.Path))); ok {
			start := time.Now()
			writeCached(w, r, cr)
			status := cr.status
			if etagMatches(r.Header.Get("If-None-Match"), cr.etag) {
				status = http.StatusNotModified
			}
			f.log.log(r.Method, r.URL.RequestURI(), status, len(cr.body), time.Since(start), "", true)
			return
		}
	}
	f.next.ServeHTTP(w, r)
}

// isPage reports whether a path is a page (whose answers depend on the host in their links),
// as the pages' adapter keys them.
func isPage(path string) bool {
	return !strings.HasPrefix(path, "/api/") && !strings.HasPrefix(path, "/charts/")
}

// logRequests logs one line per request: method, path, status, bytes, duration and request id.
func logRequests(l *accessLog) func(http.Handler) http.Handler {
	return func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			ww := middleware.NewWrapResponseWriter(w, r.ProtoMajor)
			start := time.Now()
			next.ServeHTTP(ww, r)
			l.log(r.Method, r.URL.RequestURI(), ww.Status(), ww.BytesWritten(), time.Since(start), middleware.GetReqID(r.Context()), false)
		})
	}
}

func truncate(s string, n int) string {
	if len(s) > n {
		return s[:n] + "…"
	}
	return s
}

// baseHeaders sets what every response carries: no content sniffing, no referrer beyond the origin.
func baseHeaders(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h := w.Header()
		h.Set("X-Content-Type-Options", "nosniff")
		h.Set("Referrer-Policy", "strict-origin-when-cross-origin")
		next.ServeHTTP(w, r)
	})
}

// pageCSP is the Content-Security-Policy of the pages: everything from chiso itself, no
// inline script or style. Embeds may be framed by any site; the other pages only by chiso.
const pageCSP = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; " +
	"object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors "

func pageHeaders(embed bool) func(http.Handler) http.Handler {
	csp := pageCSP + "'self'"
	if embed {
		csp = pageCSP + "*"
	}
	return func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Security-Policy", csp)
			if !embed {
				w.Header().Set("X-Frame-Options", "SAMEORIGIN")
			}
			next.ServeHTTP(w, r)
		})
	}
}

// cors lets any origin read the public, read-only API, chart images and CSV.
func cors(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Access-Control-Allow-Origin", "*")
		w.Header().Set("Access-Control-Expose-Headers", "ETag, Content-Disposition, "+sqlTruncatedHeader)
		next.ServeHTTP(w, r)
	})
}

// limitURL refuses request URIs longer than maxURL with 414.
func (rs *responder) limitURL(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if n := len(r.URL.RawQuery) + len(r.URL.Path); n > maxURL {
			w.Header().Set("Content-Type", "application/json; charset=utf-8")
			w.WriteHeader(http.StatusRequestURITooLong)
			fmt.Fprintf(w, `{"status":"error","error_type":"bad_data","error":"the request URI is %d bytes; at most %d"}`+"\n", n, maxURL)
			return
		}
		next.ServeHTTP(w, r)
	})
}
