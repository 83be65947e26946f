package server

import (
	"bytes"
	"net/http"
	"net/url"
	"strings"
	"time"

	lru "github.com/hashicorp/golang-lru/v2"
)

// A responseCache keeps the bodies of GET responses that depend only on the dataset version.
// Keys carry the version, so an ingest that changes the data makes every old entry unreachable;
// the LRU bound evicts them.
type responseCache struct {
	entries *lru.Cache[string, *cachedResponse]
	maxBody int
}

type cachedResponse struct {
	header http.Header
	body   []byte
}

// newResponseCache returns a cache of at most n responses of at most maxBody bytes each.
func newResponseCache(n, maxBody int) *responseCache {
	c, err := lru.New[string, *cachedResponse](n)
	if err != nil {
		panic(err) // only for n <= 0, a programming error
	}
	return &responseCache{entries: c, maxBody: maxBody}
}

// cacheKey identifies a response: the dataset version, today's date (the default as_of), the
// path, the query parameters in a canonical order and whether the client asked for CSV.
func cacheKey(version string, r *http.Request) string {
	var b strings.Builder
	b.WriteString(version)
	b.WriteByte('|')
	b.WriteString(time.Now().Format(time.DateOnly))
	b.WriteByte('|')
	b.WriteString(r.URL.Path)
	b.WriteByte('?')
	b.WriteString(url.Values(r.URL.Query()).Encode()) // Encode sorts by key
	if strings.Contains(r.Header.Get("Accept"), "text/csv") {
		b.WriteString("|csv")
	}
	return b.String()
}

// middleware serves a cached copy of a 200 response when it has one and keeps new ones.
// The handler behind it still answers 304 itself; a hit answers If-None-Match here.
func (c *responseCache) middleware(version func() string) func(http.Handler) http.Handler {
	return func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if r.Method != http.MethodGet {
				next.ServeHTTP(w, r)
				return
			}
			key := cacheKey(version(), r)
			if hit, ok := c.entries.Get(key); ok {
				for k, v := range hit.header {
					w.Header()[k] = v
				}
				if etag := hit.header.Get("ETag"); etag != "" && etagMatches(r.Header.Get("If-None-Match"), etag) {
					w.WriteHeader(http.StatusNotModified)
					return
				}
				w.WriteHeader(http.StatusOK)
				w.Write(hit.body)
				return
			}
			rec := &recordingWriter{ResponseWriter: w, status: http.StatusOK, limit: c.maxBody}
			next.ServeHTTP(rec, r)
			if rec.status == http.StatusOK && !rec.overflow {
				// The body kept is the handler's; compression outside this middleware redoes its headers.
				h := w.Header().Clone()
				h.Del("Content-Encoding")
				h.Del("Content-Length")
				c.entries.Add(key, &cachedResponse{header: h, body: rec.buf.Bytes()})
			}
		})
	}
}

// recordingWriter passes a response through and keeps a copy of its body up to limit bytes.
type recordingWriter struct {
	http.ResponseWriter
	status   int
	buf      bytes.Buffer
	limit    int
	overflow bool
}

func (w *recordingWriter) WriteHeader(status int) {
	w.status = status
	w.ResponseWriter.WriteHeader(status)
}

func (w *recordingWriter) Write(p []byte) (int, error) {
	if !w.overflow {
		if w.buf.Len()+len(p) > w.limit {
			w.overflow = true
			w.buf = bytes.Buffer{}
		} else {
			w.buf.Write(p)
		}
	}
	return w.ResponseWriter.Write(p)
}
