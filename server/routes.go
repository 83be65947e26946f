package server

import (
	"log/slog"
	"net/http"

	"github.com/go-chi/chi/v5"

	"chiso/datasets"
)

// addRoutes registers the whole API.
func addRoutes(r chi.Router, logger *slog.Logger, store *datasets.Store) {
	r.Method(http.MethodGet, "/healthz", handleHealthz(store))
	r.Group(func(r chi.Router) {
		// Responses that depend only on the dataset version are kept in memory.
		r.Use(newResponseCache(4096, 1<<20).middleware(store.Version))
		r.Method(http.MethodGet, "/api/v1/provinces", handleProvinces(logger, store))
		r.Method(http.MethodGet, "/api/v1/provinces/{code}", handleProvince(logger, store))
		r.Method(http.MethodGet, "/api/v1/indicators", handleIndicators(logger, store))
		r.Method(http.MethodGet, "/api/v1/observations", handleObservations(logger, store))
		r.Method(http.MethodGet, "/api/v1/trends", handleTrends(logger, store))
		r.Method(http.MethodGet, "/api/v1/rankings", handleRankings(logger, store))
		r.Method(http.MethodGet, "/api/v1/compare", handleCompare(logger, store))
		r.Method(http.MethodGet, "/api/v1/correlations", handleCorrelations(logger, store))
		r.Method(http.MethodGet, "/api/v1/peers", handlePeers(logger, store))
		r.Method(http.MethodGet, "/api/v1/composite", handleComposite(logger, store))
	})
	r.Method(http.MethodPost, "/api/v1/composite", handleComposite(logger, store))

	pg := newPages(logger, store)
	r.Method(http.MethodGet, "/", pg.handleOverview())
	r.Method(http.MethodGet, "/provinces/{code}", pg.handleProfile())
	r.Method(http.MethodGet, "/compare", pg.handleCompare())
	r.Method(http.MethodGet, "/embed/{chart}", pg.handleEmbed())
	r.Group(func(r chi.Router) {
		r.Use(newResponseCache(1024, 4<<20).middleware(store.Version))
		r.Method(http.MethodGet, "/charts/{file}", pg.handleChartFile())
	})
	r.Method(http.MethodGet, "/assets/*", handleAssets())
	r.NotFound(handleNotFound(logger).ServeHTTP)
}
