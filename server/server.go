package server

import (
	"log/slog"
	"net/http"
	"time"

	"github.com/go-chi/chi/v5"
	"github.com/go-chi/chi/v5/middleware"

	"chiso/datasets"
	"chiso/web"
)

// NewServer returns chiso's HTTP handler: the API and the pages behind request ids, panic
// recovery, compression and a structured access log.
func NewServer(logger *slog.Logger, store *datasets.Store) http.Handler {
	tmpl, err := web.Templates()
	if err != nil {
		panic(err) // the templates are embedded: a parse error is a build defect
	}
	if !web.HasECharts() {
		logger.Warn("ECharts is missing from web/static/vendor: run `make` (npm ci) before building; charts will not draw")
	}
	r := chi.NewRouter()
	r.Use(middleware.RequestID)
	r.Use(accessLog(logger))
	r.Use(middleware.Recoverer)
	r.Use(middleware.Compress(5, "application/json", "text/csv", "text/html", "text/plain", "application/javascript", "text/javascript", "text/css", "image/svg+xml"))
	addRoutes(r, &responder{logger: logger, store: store, tmpl: tmpl})
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
				slog.String("path", r.URL.RequestURI()),
				slog.Int("status", ww.Status()),
				slog.Int("bytes", ww.BytesWritten()),
				slog.Duration("duration", time.Since(start)),
				slog.String("request_id", middleware.GetReqID(r.Context())),
			)
		})
	}
}
