package server

import (
	"container/list"
	"sync"
)

// A responseCache keeps whole responses within a byte budget, least recently used first out.
// Keys carry the dataset version and only the parameters a route recognises, so an ingest
// makes every old entry unreachable and unknown parameters cannot multiply entries.
type responseCache struct {
	mu      sync.Mutex
	budget  int64
	used    int64
	order   *list.List // front: most recently used
	entries map[string]*list.Element
}

type cacheEntry struct {
	key  string
	resp response
}

// newResponseCache returns a cache of at most budget bytes (bodies and keys).
func newResponseCache(budget int64) *responseCache {
	return &responseCache{budget: budget, order: list.New(), entries: map[string]*list.Element{}}
}

func (e *cacheEntry) size() int64 { return int64(len(e.key) + len(e.resp.body) + 256) }

// get returns the response kept under key.
func (c *responseCache) get(key string) (response, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	el, ok := c.entries[key]
	if !ok {
		return response{}, false
	}
	c.order.MoveToFront(el)
	return el.Value.(*cacheEntry).resp, true
}

// add keeps resp under key, evicting the least recently used entries to stay within budget.
// A response larger than a quarter of the budget is not kept.
func (c *responseCache) add(key string, resp response) {
	e := &cacheEntry{key: key, resp: resp}
	if e.size() > c.budget/4 {
		return
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if old, ok := c.entries[key]; ok {
		c.used -= old.Value.(*cacheEntry).size()
		c.order.Remove(old)
	}
	c.entries[key] = c.order.PushFront(e)
	c.used += e.size()
	for c.used > c.budget {
		last := c.order.Back()
		le := last.Value.(*cacheEntry)
		c.order.Remove(last)
		delete(c.entries, le.key)
		c.used -= le.size()
	}
}

// stats returns the bytes and entries kept.
func (c *responseCache) stats() (bytes int64, entries int) {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.used, len(c.entries)
}
