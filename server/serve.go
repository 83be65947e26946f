package server

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"strings"
	"time"

	"github.com/valyala/fasthttp"
)

// Limits of the listener: a request line and headers of at most maxHeader bytes (a URI of up
// to maxURL fits, to be refused with a clear 414), and the timeouts of a public server.
const (
	maxHeader    = 16 << 10
	readTimeout  = 30 * time.Second
	writeTimeout = 60 * time.Second
	idleTimeout  = 120 * time.Second
	shutdownWait = 10 * time.Second
)

// Serve serves s on ln until ctx is done, then lets the requests in flight finish (for up to
// ten seconds) and returns. Cached answers are written straight from memory; every other
// request is handed to the net/http handler (ServeHTTP), whose context ends when the client
// goes away.
func (s *Server) Serve(ctx context.Context, ln net.Listener) error {
	maxBodySize := maxBody
	if s.rs.admin != nil {
		maxBodySize = maxUpload
	}
	srv := &fasthttp.Server{
		Handler:                      s.serveFast,
		ErrorHandler:                 requestError,
		Name:                         "",
		NoDefaultServerHeader:        true,
		NoDefaultContentType:         true,
		DisablePreParseMultipartForm: true,
		StreamRequestBody:            true,
		MaxRequestBodySize:           maxBodySize,
		ReadBufferSize:               maxHeader,
		WriteBufferSize:              4 << 10,
		ReadTimeout:                  readTimeout,
		WriteTimeout:                 writeTimeout,
		IdleTimeout:                  idleTimeout,
		CloseOnShutdown:              true,
		Logger:                       printfLogger{s.logger},
	}
	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(ln) }()
	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
	}
	shutCtx, cancel := context.WithTimeout(context.WithoutCancel(ctx), shutdownWait)
	defer cancel()
	defer s.log.Flush()
	if err := srv.ShutdownWithContext(shutCtx); err != nil {
		return fmt.Errorf("shutdown: %w", err)
	}
	return nil
}

// serveFast answers one request: from the cache by its raw URL, without building a net/http
// request, when it can; else through the net/http handler.
func (s *Server) serveFast(c *fasthttp.RequestCtx) {
	start := time.Now()
	if c.IsGet() || c.IsHead() {
		if cr, ok := s.cachedFast(c); ok {
			status := writeCachedFast(c, cr)
			method := http.MethodGet
			if c.IsHead() {
				method = http.MethodHead
			}
			s.log.log(method, string(c.RequestURI()), status, len(c.Response.Body()), time.Since(start), "", true)
			return
		}
	}
	if !s.readBody(c) {
		return
	}
	s.slow(c)
}

// cachedFast looks c up in the cache by its raw URL, as rawKey keys a net/http request. A URI
// that net/http would decode (%) or that is not a plain path is left to the net/http handler.
func (s *Server) cachedFast(c *fasthttp.RequestCtx) (*cachedResponse, bool) {
	uri := c.RequestURI()
	if len(uri) == 0 || uri[0] != '/' || len(uri) > maxURL || bytes.ContainsAny(uri, "%#") {
		return nil, false
	}
	path, query, _ := bytes.Cut(uri, []byte{'?'})
	h := &c.Request.Header
	var buf [256]byte
	key := appendRawKey(buf[:0], s.rs.store.Version(), path, query,
		bytes.Contains(h.Peek("Accept"), []byte("text/csv")), isPage(string(path)),
		string(h.Peek("X-Forwarded-Proto")) == "https", c.Host())
	return s.rs.cache.getBytes(key)
}

// writeCachedFast writes a kept response as writeCached does, and returns its status.
func writeCachedFast(c *fasthttp.RequestCtx, cr *cachedResponse) int {
	h := &c.Response.Header
	for _, kv := range cr.lines {
		h.Add(kv[0], kv[1])
	}
	rp := cr.reply(string(c.Request.Header.Peek("If-None-Match")), string(c.Request.Header.Peek("Accept-Encoding")))
	c.SetStatusCode(rp.status)
	if rp.status == http.StatusNotModified {
		return rp.status
	}
	h.SetContentType(cr.contentType)
	if cr.disposition != "" {
		h.Set("Content-Disposition", cr.disposition)
	}
	if cr.encoded != nil {
		h.Add("Vary", "Accept-Encoding")
	}
	if rp.coding != nil {
		h.Set("Content-Encoding", rp.coding[0])
	}
	c.Response.SetBodyRaw(rp.body)
	return rp.status
}

// readBody holds a request's body to the limit of its route before anything reads it: the
// operators' upload may send maxUpload bytes, every other route maxBody. It answers 413 and
// returns false for a body over the limit.
func (s *Server) readBody(c *fasthttp.RequestCtx) bool {
	limit := maxBody
	if path := string(c.Path()); s.rs.admin != nil && (strings.HasPrefix(path, "/admin/") || path == "/api/v1/admin/ingest") {
		limit = maxUpload
	}
	n := c.Request.Header.ContentLength()
	switch {
	case n > limit:
		bodyTooLarge(c, limit)
		return false
	case n == -1 && c.RequestBodyStream() != nil: // chunked: read it here, to the limit
		body, err := io.ReadAll(io.LimitReader(c.RequestBodyStream(), int64(limit)+1))
		if err != nil {
			requestError(c, err)
			return false
		}
		if len(body) > limit {
			bodyTooLarge(c, limit)
			return false
		}
		c.Request.SetBodyRaw(body)
	}
	return true
}

func bodyTooLarge(c *fasthttp.RequestCtx, limit int) {
	errorJSON(c, http.StatusRequestEntityTooLarge, fmt.Sprintf("the request body is over %d bytes, the most this route reads", limit))
	c.SetConnectionClose()
}

// requestError answers a request the listener could not read: headers too large, a timeout,
// a body over the limit or a malformed request.
func requestError(c *fasthttp.RequestCtx, err error) {
	var small *fasthttp.ErrSmallBuffer
	var nerr net.Error
	switch {
	case errors.As(err, &small):
		errorJSON(c, http.StatusRequestHeaderFieldsTooLarge, fmt.Sprintf("the request line and headers are over %d bytes", maxHeader))
	case errors.Is(err, fasthttp.ErrBodyTooLarge):
		errorJSON(c, http.StatusRequestEntityTooLarge, "the request body is over the limit of this server")
	case errors.As(err, &nerr) && nerr.Timeout():
		errorJSON(c, http.StatusRequestTimeout, "the request was not read in time")
	default:
		errorJSON(c, http.StatusBadRequest, "malformed HTTP request: "+err.Error())
	}
}

func errorJSON(c *fasthttp.RequestCtx, status int, msg string) {
	c.Response.Reset()
	c.SetStatusCode(status)
	c.SetContentType("application/json; charset=utf-8")
	c.Response.Header.Set("X-Content-Type-Options", "nosniff")
	c.SetBody(appendJSONString([]byte(`{"status":"error","error_type":"bad_data","error":`), msg))
	c.Response.AppendBodyString("}\n")
}

// printfLogger writes the listener's own messages (a failed accept, a broken connection) as
// warnings.
type printfLogger struct{ l *slog.Logger }

func (p printfLogger) Printf(format string, args ...any) {
	p.l.Warn("http server", "err", fmt.Sprintf(format, args...))
}
