package server

import (
	"context"
	"encoding/csv"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"strconv"
	"strings"

	"github.com/go-chi/chi/v5/middleware"

	"chiso/datasets"
	"chiso/web"
)

// A paramError reports an invalid query parameter: which one, what was expected, what was found.
type paramError struct {
	Param     string
	Want, Got string
}

func (e *paramError) Error() string {
	return fmt.Sprintf("invalid parameter %q: expected %s, got %s", e.Param, e.Want, e.Got)
}

// errorBody is the JSON of every error response.
type errorBody struct {
	Status    string        `json:"status"`
	ErrorType string        `json:"error_type"`
	Error     string        `json:"error"`
	Parameter string        `json:"parameter,omitempty"`
	Problems  []problemJSON `json:"problems,omitempty"`
}

type problemJSON struct {
	File     string `json:"file"`
	Sheet    string `json:"sheet,omitempty"`
	Line     int    `json:"line"`
	Column   int    `json:"column,omitempty"`
	Field    string `json:"field,omitempty"`
	Expected string `json:"expected,omitempty"`
	Found    string `json:"found,omitempty"`
	Message  string `json:"message"`
}

// writeError is the one place where errors become HTTP statuses. Server errors are logged
// here, once, with the request id; the client sees only "internal error".
func writeError(w http.ResponseWriter, r *http.Request, logger *slog.Logger, err error) {
	var (
		pe *paramError
		ie *datasets.IngestError
		ne *datasets.NameError
	)
	body := errorBody{Status: "error", Error: err.Error()}
	status := http.StatusBadRequest
	switch {
	case errors.As(err, &pe):
		body.ErrorType, body.Parameter = "bad_data", pe.Param
	case errors.As(err, &ie):
		body.ErrorType = "bad_data"
		for _, p := range ie.Problems {
			body.Problems = append(body.Problems, problemJSON{File: p.File, Sheet: p.Sheet, Line: p.Line, Column: p.Column,
				Field: p.Field, Expected: p.Want, Found: p.Got, Message: p.Error()})
		}
	case errors.Is(err, datasets.ErrNotFound), errors.As(err, &ne):
		status, body.ErrorType = http.StatusNotFound, "not_found"
	case errors.Is(err, context.Canceled):
		return // the client went away
	default:
		status, body.ErrorType, body.Error = http.StatusInternalServerError, "internal", "internal error"
		logger.ErrorContext(r.Context(), "request failed", "method", r.Method, "path", r.URL.RequestURI(), "err", err,
			"request_id", middleware.GetReqID(r.Context()))
	}
	writeJSON(w, status, body)
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.WriteHeader(status)
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	enc.Encode(v)
}

// checkETag sets the ETag of a response that depends only on the dataset version (and the
// representation) and reports whether the client's copy is current, answering 304 if so.
func checkETag(w http.ResponseWriter, r *http.Request, version, variant string) bool {
	etag := `"` + version + "-" + variant + `"`
	w.Header().Set("ETag", etag)
	w.Header().Set("Cache-Control", "no-cache")
	if etagMatches(r.Header.Get("If-None-Match"), etag) {
		w.WriteHeader(http.StatusNotModified)
		return true
	}
	return false
}

// etagMatches reports whether an If-None-Match header names etag (or "*").
func etagMatches(ifNoneMatch, etag string) bool {
	for _, m := range strings.Split(ifNoneMatch, ",") {
		m = strings.TrimPrefix(strings.TrimSpace(m), "W/")
		if m == etag || m == "*" {
			return true
		}
	}
	return false
}

func handleNotFound(logger *slog.Logger) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		writeError(w, r, logger, fmt.Errorf("no such page %s: %w", r.URL.Path, datasets.ErrNotFound))
	})
}

// writeCSV writes a table as CSV, header first, to be saved as filename.
func writeCSV(w http.ResponseWriter, filename string, header []string, rows [][]string) {
	w.Header().Set("Content-Type", "text/csv; charset=utf-8")
	w.Header().Set("Content-Disposition", `attachment; filename="`+filename+`"`)
	cw := csv.NewWriter(w)
	cw.Write(header)
	cw.WriteAll(rows)
}

// fmtFloat formats an optional number for CSV ("" for none).
func fmtFloat(v *float64) string {
	if v == nil {
		return ""
	}
	return strconv.FormatFloat(*v, 'f', -1, 64)
}

// fmtInt formats an optional integer for CSV.
func fmtInt(v *int) string {
	if v == nil {
		return ""
	}
	return strconv.Itoa(*v)
}

// handleAssets serves /assets/ from the embedded static files (ECharts from the npm registry,
// chiso.css, chiso.js), cached by clients for a day.
func handleAssets() http.Handler {
	fs := http.StripPrefix("/assets/", http.FileServerFS(web.Static()))
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Cache-Control", "public, max-age=86400")
		fs.ServeHTTP(w, r)
	})
}
