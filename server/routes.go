package server

import (
	"net/http"

	"github.com/go-chi/chi/v5"
)

// Whether a route's work is heavy enough to run behind the limiter when not cached.
const (
	light = false
	heavy = true
)

// addRoutes registers the whole API and the pages.
func addRoutes(r chi.Router, rs *responder) {
	store := rs.store
	docs := mustAPIDoc(store) // the OpenAPI document of these routes, built once
	r.Method(http.MethodGet, "/healthz", handleHealthz(rs))
	r.Group(func(r chi.Router) {
		r.Use(cors)
		r.Method(http.MethodGet, "/api/v1/provinces", rs.api(handleProvinces(store), light))
		r.Method(http.MethodGet, "/api/v1/provinces/{code}", rs.api(handleProvince(store), light))
		r.Method(http.MethodGet, "/api/v1/indicators", rs.api(handleIndicators(store), light))
		r.Method(http.MethodGet, "/api/v1/observations", rs.api(handleObservations(store), light))
		r.Method(http.MethodGet, "/api/v1/trends", rs.api(handleTrends(store), light))
		r.Method(http.MethodGet, "/api/v1/rankings", rs.api(handleRankings(store), light))
		r.Method(http.MethodGet, "/api/v1/compare", rs.api(handleCompare(store), light))
		r.Method(http.MethodGet, "/api/v1/correlations", rs.api(handleCorrelations(store), light))
		r.Method(http.MethodGet, "/api/v1/peers", rs.api(handlePeers(store), light))
		r.Method(http.MethodGet, "/api/v1/composite", rs.api(handleComposite(store), heavy))
		r.Method(http.MethodPost, "/api/v1/composite", rs.api(handleComposite(store), heavy))
		r.Method(http.MethodGet, "/api/v1/sql", rs.handleSQL())
		r.Method(http.MethodGet, "/api/v1/openapi.json", docs.handleOpenAPI(rs))
		r.Method(http.MethodGet, "/charts/{file}", rs.handleChartFile())
		r.Method(http.MethodGet, "/api/v1/datasets", rs.handleDatasetsAPI())
		r.Method(http.MethodGet, "/api/v1/datasets/versions", rs.api(handleVersions(rs), light))
		for _, ext := range []string{"csv", "json", "parquet", "xlsx", "zip"} {
			r.With(cachePolicy(cacheShortDownload)).Method(http.MethodGet, "/datasets/download."+ext, rs.handleDownload(ext))
		}
	})
	r.Group(func(r chi.Router) {
		r.Use(pageHeaders(false), cachePolicy(cacheShortHTML))
		r.Method(http.MethodGet, "/", rs.pages(rs.handleOverview()))
		r.Method(http.MethodGet, "/provinces/{code}", rs.pages(rs.handleProfile()))
		r.Method(http.MethodGet, "/compare", rs.pages(rs.handleComparePage()))
		r.Method(http.MethodGet, "/datasets", rs.pages(rs.handleDatasetsPage()))
		r.Method(http.MethodGet, "/sql", rs.pages(rs.handleSQLPage()))
		r.Method(http.MethodGet, "/api/docs", rs.pages(docs.handleDocsPage(rs)))
		r.Method(http.MethodGet, "/go", rs.handleGo())
		r.Method(http.MethodGet, "/composite", compositeFormRedirect(rs.pages(rs.handleCompositePage())))
	})
	r.With(pageHeaders(true), cachePolicy(cacheShortHTML)).Method(http.MethodGet, "/embed/{chart}", rs.pages(rs.handleEmbed()))
	if rs.admin != nil { // the operators' upload exists only with an admin token
		r.Method(http.MethodPost, "/api/v1/admin/ingest", rs.handleAdminIngest())
		r.With(pageHeaders(false)).Method(http.MethodGet, "/admin/upload", rs.handleUploadPage())
		r.With(pageHeaders(false)).Method(http.MethodPost, "/admin/upload", rs.handleUploadPage())
	}
	r.Method(http.MethodGet, "/assets/*", handleAssets())
	if rs.pins != nil {
		r.Route("/v/{version}", func(r chi.Router) {
			r.Method(http.MethodGet, "/*", rs.pins)
		})
	}
	r.NotFound(rs.handleNotFound().ServeHTTP)
	r.MethodNotAllowed(rs.handleMethodNotAllowed().ServeHTTP)
}
