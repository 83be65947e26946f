package server

import (
	"net/http"

	"github.com/go-chi/chi/v5"
)

// addRoutes registers the whole API and the pages.
func addRoutes(r chi.Router, rs *responder) {
	store := rs.store
	r.Method(http.MethodGet, "/healthz", handleHealthz(rs))
	r.Group(func(r chi.Router) {
		// Responses that depend only on the dataset version are kept in memory.
		r.Use(newResponseCache(4096, 1<<20).middleware(store.Version))
		r.Method(http.MethodGet, "/api/v1/provinces", rs.api(handleProvinces(store)))
		r.Method(http.MethodGet, "/api/v1/provinces/{code}", rs.api(handleProvince(store)))
		r.Method(http.MethodGet, "/api/v1/indicators", rs.api(handleIndicators(store)))
		r.Method(http.MethodGet, "/api/v1/observations", rs.api(handleObservations(store)))
		r.Method(http.MethodGet, "/api/v1/trends", rs.api(handleTrends(store)))
		r.Method(http.MethodGet, "/api/v1/rankings", rs.api(handleRankings(store)))
		r.Method(http.MethodGet, "/api/v1/compare", rs.api(handleCompare(store)))
		r.Method(http.MethodGet, "/api/v1/correlations", rs.api(handleCorrelations(store)))
		r.Method(http.MethodGet, "/api/v1/peers", rs.api(handlePeers(store)))
		r.Method(http.MethodGet, "/api/v1/composite", rs.api(handleComposite(store)))
	})
	r.Method(http.MethodPost, "/api/v1/composite", rs.api(handleComposite(store)))

	r.Method(http.MethodGet, "/", rs.pages(rs.handleOverview()))
	r.Method(http.MethodGet, "/provinces/{code}", rs.pages(rs.handleProfile()))
	r.Method(http.MethodGet, "/compare", rs.pages(rs.handleComparePage()))
	r.Method(http.MethodGet, "/embed/{chart}", rs.pages(rs.handleEmbed()))
	r.Group(func(r chi.Router) {
		r.Use(newResponseCache(1024, 4<<20).middleware(store.Version))
		r.Method(http.MethodGet, "/charts/{file}", rs.files(rs.handleChartFile()))
	})
	r.Method(http.MethodGet, "/assets/*", handleAssets())
	r.NotFound(rs.handleNotFound().ServeHTTP)
}
