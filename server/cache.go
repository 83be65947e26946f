package server

import (
	"bytes"
	"compress/gzip"
	"container/list"
	"maps"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"sync"

	"github.com/klauspost/compress/zstd"
)

// A responseCache keeps whole responses within a byte budget, least recently used first out.
// Keys carry the dataset version and only the parameters a route recognises, so an ingest
// makes every old entry unreachable and unknown parameters cannot multiply entries. An alias
// (the raw URL as requested) leads straight to a kept response without parsing the request;
// aliases cost only their keys and go when their response goes.
type responseCache struct {
	mu      sync.Mutex
	zstd    *zstd.Encoder // shared by every response kept (EncodeAll is safe for concurrent use)
	budget  int64
	used    int64
	order   *list.List // front: most recently used
	entries map[string]*list.Element
}

// A cachedResponse is a response as kept: its body, its gzip form when that is smaller, and
// its ETag. It is never modified once kept.
type cachedResponse struct {
	response
	encoded []encodedBody // compressed forms, smallest first
	etag    string
	header  http.Header // the middleware's headers when it was produced (security, CORS, Vary) and the response's own
	lines   [][2]string // header's lines in key order, with the ETag and Cache-Control: what every answer from it carries
	aliases []string    // guarded by the cache's mutex
}

type cacheEntry struct {
	key   string
	resp  *cachedResponse
	alias bool
}

// newResponseCache returns a cache of at most budget bytes (bodies, compressed bodies and keys).
func newResponseCache(budget int64) *responseCache {
	// The encoder's options are valid: an error here is a build defect.
	// At its best level the encoder holds about 35 MiB of tables with a 1 MiB window (50 MiB with
	// the default 8 MiB, for the same output on answers of this size); it is one for the server,
	// and compresses one answer at a time (about 1 ms for 40 KB).
	enc, err := zstd.NewWriter(nil, zstd.WithEncoderLevel(zstd.SpeedBestCompression), zstd.WithEncoderConcurrency(1),
		zstd.WithWindowSize(1<<20))
	if err != nil {
		panic(err)
	}
	// Its first use on varied text sets up tables (about 20 ms at this level): done now, in the
	// background, rather than in the first answer that is kept. (Repetitive or small input
	// takes shorter paths that leave them unset.)
	go func() {
		var sample []byte
		for i := range 4000 {
			sample = strconv.AppendInt(append(sample, ','), int64(i*i*7919%100003), 10)
		}
		enc.EncodeAll(sample, nil)
	}()
	return newResponseCacheWith(budget, enc)
}

// newResponseCacheWith is newResponseCache sharing the zstd encoder of another cache.
func newResponseCacheWith(budget int64, enc *zstd.Encoder) *responseCache {
	return &responseCache{budget: budget, order: list.New(), entries: map[string]*list.Element{}, zstd: enc}
}

func (e *cacheEntry) size() int64 {
	if e.alias {
		return int64(len(e.key) + 64)
	}
	n := len(e.key) + len(e.resp.body) + 256
	for _, f := range e.resp.encoded {
		n += len(f.body)
	}
	return int64(n)
}

// get returns the response kept under key (a canonical key or an alias).
func (c *responseCache) get(key string) (*cachedResponse, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.touch(c.entries[key])
}

// getBytes is get of a key built in a buffer (the lookup does not copy it).
func (c *responseCache) getBytes(key []byte) (*cachedResponse, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.touch(c.entries[string(key)])
}

// touch marks el, if any, as the most recently used and returns its response; c.mu is held.
func (c *responseCache) touch(el *list.Element) (*cachedResponse, bool) {
	if el == nil {
		return nil, false
	}
	c.order.MoveToFront(el)
	return el.Value.(*cacheEntry).resp, true
}

// compressible reports whether a content type is worth compressing.
func compressible(contentType string) bool {
	return strings.HasPrefix(contentType, "application/json") || strings.HasPrefix(contentType, "text/") ||
		strings.HasPrefix(contentType, "image/svg")
}

// An encodedBody is a response body in a content coding.
type encodedBody struct {
	coding []string // the Content-Encoding header's value
	body   []byte
}

// newCachedResponse prepares resp for keeping: its header lines and its compressed forms
// (zstd, gzip), computed once.
func (c *responseCache) newCachedResponse(resp response, etag string, header http.Header) *cachedResponse {
	cr := &cachedResponse{response: resp, etag: etag, header: header.Clone()}
	if cr.header == nil {
		cr.header = http.Header{}
	}
	for k, v := range resp.header { // the response's own headers, over the middleware's
		cr.header[k] = v
	}
	for _, k := range slices.Sorted(maps.Keys(cr.header)) {
		for _, v := range cr.header[k] {
			cr.lines = append(cr.lines, [2]string{k, v})
		}
	}
	cr.lines = append(cr.lines, [2]string{"Etag", etag})
	if _, ok := cr.header["Cache-Control"]; !ok {
		cr.lines = append(cr.lines, [2]string{"Cache-Control", noCache[0]})
	}
	if len(resp.body) < 1024 || !compressible(resp.contentType) {
		return cr
	}
	var buf bytes.Buffer
	zw, _ := gzip.NewWriterLevel(&buf, gzip.BestCompression)
	zw.Write(resp.body)
	zw.Close()
	for _, f := range []encodedBody{{zstdCoding, c.zstd.EncodeAll(resp.body, nil)}, {gzipCoding, buf.Bytes()}} {
		if len(f.body) < len(resp.body) {
			cr.encoded = append(cr.encoded, f)
		}
	}
	slices.SortStableFunc(cr.encoded, func(a, b encodedBody) int { return len(a.body) - len(b.body) })
	return cr
}

// encoding is the smallest compressed form of cr that a client with the Accept-Encoding
// header ae takes, if any.
func (cr *cachedResponse) encoding(ae string) (encodedBody, bool) {
	if ae == "" {
		return encodedBody{}, false
	}
	for _, f := range cr.encoded {
		if accepts(ae, f.coding[0]) {
			return f, true
		}
	}
	return encodedBody{}, false
}

// add keeps cr under key, evicting the least recently used entries to stay within budget.
// A response larger than a quarter of the budget is not kept.
func (c *responseCache) add(key string, cr *cachedResponse) {
	e := &cacheEntry{key: key, resp: cr}
	if e.size() > c.budget/4 {
		return
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	c.remove(key)
	c.entries[key] = c.order.PushFront(e)
	c.used += e.size()
	c.evict()
}

// alias makes key lead to the response kept under canonical, if it is still kept.
func (c *responseCache) alias(key, canonical string) {
	if key == canonical {
		return
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	el, ok := c.entries[canonical]
	if !ok {
		return
	}
	c.remove(key)
	cr := el.Value.(*cacheEntry).resp
	e := &cacheEntry{key: key, resp: cr, alias: true}
	cr.aliases = append(cr.aliases, key)
	c.entries[key] = c.order.PushFront(e)
	c.used += e.size()
	c.evict()
}

// remove drops key, and with a response its aliases. c.mu must be held.
func (c *responseCache) remove(key string) {
	el, ok := c.entries[key]
	if !ok {
		return
	}
	e := el.Value.(*cacheEntry)
	c.order.Remove(el)
	delete(c.entries, key)
	c.used -= e.size()
	if e.alias {
		return
	}
	for _, a := range e.resp.aliases {
		if ael, ok := c.entries[a]; ok && ael.Value.(*cacheEntry).resp == e.resp {
			c.remove(a)
		}
	}
}

// evict drops the least recently used entries until the cache is within budget. c.mu must be held.
func (c *responseCache) evict() {
	for c.used > c.budget && c.order.Len() > 0 {
		c.remove(c.order.Back().Value.(*cacheEntry).key)
	}
}

// stats returns the bytes kept and the number of responses (aliases not counted).
func (c *responseCache) stats() (bytes int64, responses int) {
	c.mu.Lock()
	defer c.mu.Unlock()
	for _, el := range c.entries {
		if !el.Value.(*cacheEntry).alias {
			responses++
		}
	}
	return c.used, responses
}
