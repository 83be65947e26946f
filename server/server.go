package server

import (
	"fmt"
	"log/slog"
	"net/http"
	"runtime"
	"time"

	"github.com/go-chi/chi/v5"
	"github.com/go-chi/chi/v5/middleware"

	"chiso/datasets"
	"chiso/web"
)

// Config sets the server's limits; zero values take the defaults.
type Config struct {
	CacheBytes int64 // byte budget of the response cache (default 128 MiB)
	Workers    int   // expensive requests computed at once (default: the number of CPUs)
	// AdminToken, if not "", enables the operators' upload (POST /api/v1/admin/ingest and
	// /admin/upload) behind "Authorization: Bearer AdminToken"; without it those routes do not exist.
	AdminToken string
}

// DefaultCacheBytes is the response cache's byte budget unless Config says otherwise.
const DefaultCacheBytes = 128 << 20

// maxURL is the longest request URI the server reads (path and query).
const maxURL = 8 << 10

// NewServer returns chiso's HTTP handler: the API and the pages behind request ids, panic
// recovery, compression, security headers and a structured access log.
func NewServer(logger *slog.Logger, cfg Config, store *datasets.Store) http.Handler {
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
	rs := &responder{logger: logger, store: store, tmpl: tmpl, cache: newResponseCache(cfg.CacheBytes),
		limit: newLimiter(cfg.Workers, 4*cfg.Workers, 10*time.Second)}
	if cfg.AdminToken != "" {
		rs.admin = newAdmin(cfg.AdminToken)
	}
	r := chi.NewRouter()
	r.Use(middleware.RequestID)
	r.Use(accessLog(logger))
	r.Use(middleware.Recoverer)
	r.Use(baseHeaders)
	r.Use(rs.limitURL)
	r.Use(middleware.GetHead)
	r.Use(middleware.Compress(5, "application/json", "text/csv", "text/html", "text/plain", "application/javascript", "text/javascript", "text/css", "image/svg+xml"))
	addRoutes(r, rs)
	return r
}

// accessLog logs one line per request: method, path, status, bytes, duration and request id.
func accessLog(logger *slog.Logger) func(http.Handler) http.Handler {
	return func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			ww := middleware.NewWrapResponseWriter(w, r.ProtoMajor)
			start := time.Now()
			next.ServeHTTP(ww, r)
			logger.LogAttrs(r.Context(), slog.LevelInfo, "request",
				slog.String("method", r.Method),
				slog.String("path", truncate(r.URL.RequestURI(), 512)),
				slog.Int("status", ww.Status()),
				slog.Int("bytes", ww.BytesWritten()),
				slog.Duration("duration", time.Since(start)),
				slog.String("request_id", middleware.GetReqID(r.Context())),
			)
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
		w.Header().Set("Access-Control-Expose-Headers", "ETag, Content-Disposition")
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
