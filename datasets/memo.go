package datasets

import "sync"

// A memo keeps values computed from the data, each valid for one dataset version: a new
// version makes every value unreachable, and the first call after it computes anew.
type memo struct {
	mu      sync.Mutex
	version string
	values  map[string]*memoEntry
}

type memoEntry struct {
	once sync.Once
	v    any
	err  error
}

// Memo returns the value kept under key for the current dataset version, computing it with
// build on first use. Concurrent callers of the same key wait for one build. A build that
// fails is not kept, so the next call tries again.
func (s *Store) Memo(key string, build func() (any, error)) (any, error) {
	version := s.Version()
	m := &s.memo
	m.mu.Lock()
	if m.version != version || m.values == nil {
		m.version, m.values = version, map[string]*memoEntry{}
	}
	e, ok := m.values[key]
	if !ok {
		e = &memoEntry{}
		m.values[key] = e
	}
	m.mu.Unlock()
	e.once.Do(func() { e.v, e.err = build() })
	if e.err != nil {
		m.mu.Lock()
		if m.values[key] == e {
			delete(m.values, key)
		}
		m.mu.Unlock()
	}
	return e.v, e.err
}
