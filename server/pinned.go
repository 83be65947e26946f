package server

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"sync"

	"github.com/go-chi/chi/v5"

	"chiso/datasets"
	"chiso/report"
)

// DefaultKeepVersions is how many dataset versions (the current one included) are served at
// pinned URLs unless Config says otherwise.
const DefaultKeepVersions = 3

// pins serves /v/{version}/…: every route of chiso as it answered for that dataset version,
// with a long, immutable Cache-Control. The current version is answered by the main routes;
// an earlier one, while kept (the newest Config.KeepVersions that can still be rebuilt, see
// datasets.Version.Rebuildable), by the same routes over a snapshot of it, built on first use.
type pins struct {
	main    *responder
	current http.Handler // the main routes, reached under the prefix

	mu   sync.Mutex
	old  map[string]*pinnedVersion
	seen string // the current version when old was last pruned
}

type pinnedVersion struct {
	once    sync.Once
	store   *datasets.Store
	handler http.Handler
	err     error
}

func newPins(rs *responder) *pins {
	inner := *rs
	inner.pins = nil
	inner.admin = nil // a pinned version is read only: no upload under /v/{version}
	r := chi.NewRouter()
	addRoutes(r, &inner)
	return &pins{main: rs, current: r, old: map[string]*pinnedVersion{}}
}

// pinnedPrefix is "/v/{version}" when r asks for a pinned URL, "" otherwise.
func pinnedPrefix(r *http.Request) string {
	rest, ok := strings.CutPrefix(r.URL.Path, "/v/")
	if !ok {
		return ""
	}
	v, _, _ := strings.Cut(rest, "/")
	return "/v/" + v
}

// stripPin is r's path and query without a pinned prefix.
func stripPin(r *http.Request) string {
	p := strings.TrimPrefix(r.URL.Path, pinnedPrefix(r))
	if r.URL.RawQuery != "" {
		p += "?" + r.URL.RawQuery
	}
	return p
}

func (p *pins) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	version := r.PathValue("version")
	cur := p.main.store.Version()
	pw := &policyWriter{ResponseWriter: w, value: cacheImmutable}
	if version == cur {
		p.current.ServeHTTP(pw, r)
		return
	}
	h, err := p.handler(r.Context(), version, cur)
	if err != nil {
		p.main.fail(pw, r, err, !strings.Contains(r.URL.Path, "/api/"))
		return
	}
	h.ServeHTTP(pw, r)
}

// handler returns the routes over a snapshot of an earlier version, or an error saying why
// the version is not served and naming the current one.
func (p *pins) handler(ctx context.Context, version, cur string) (http.Handler, error) {
	v, err := p.main.store.Memo("versions", func() (any, error) { return p.main.store.Versions(context.WithoutCancel(ctx)) })
	if err != nil {
		return nil, err
	}
	hist := v.([]datasets.Version)
	served := report.Served(hist, p.main.keep)
	p.prune(cur, served)
	known := slices.ContainsFunc(hist, func(v datasets.Version) bool { return v.Version == version })
	switch {
	case !known:
		return nil, fmt.Errorf("unknown dataset version %s; the current version is %s (/v/%s/): %w",
			report.Quote(version), cur, cur, datasets.ErrNotFound)
	case !slices.Contains(served, version):
		return nil, fmt.Errorf("dataset version %s is no longer kept (chiso keeps the newest %d that can be rebuilt); the current version is %s (/v/%s/): %w",
			version, p.main.keep, cur, cur, datasets.ErrVersionGone)
	}
	p.mu.Lock()
	pv, ok := p.old[version]
	if !ok {
		pv = &pinnedVersion{}
		p.old[version] = pv
	}
	p.mu.Unlock()
	pv.once.Do(func() {
		pv.store, pv.err = p.main.store.Snapshot(context.WithoutCancel(ctx), version)
		if pv.err != nil {
			return
		}
		rs := &responder{logger: p.main.logger, store: pv.store, latest: p.main.store, tmpl: p.main.tmpl,
			cache: newResponseCacheWith(16<<20, p.main.cache.zstd), limit: p.main.limit, keep: p.main.keep}
		r := chi.NewRouter()
		addRoutes(r, rs)
		pv.handler = r
	})
	if pv.err != nil {
		p.mu.Lock()
		if p.old[version] == pv {
			delete(p.old, version)
		}
		p.mu.Unlock()
		if errors.Is(pv.err, datasets.ErrVersionGone) || errors.Is(pv.err, datasets.ErrNotFound) {
			return nil, fmt.Errorf("%w; the current version is %s (/v/%s/)", pv.err, cur, cur)
		}
		return nil, pv.err
	}
	return pv.handler, nil
}

// close closes the snapshots of every earlier version, once the builds in progress are done.
func (p *pins) close() error {
	p.mu.Lock()
	defer p.mu.Unlock()
	var err error
	for v, pv := range p.old {
		delete(p.old, v)
		pv.once.Do(func() {})
		if pv.store != nil {
			err = errors.Join(err, pv.store.Close())
		}
	}
	return err
}

// prune closes the snapshots of versions no longer served, once per change of the current
// version. A request still running on one then fails; that needs a load and a request for the
// oldest kept version at the same moment.
func (p *pins) prune(cur string, served []string) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.seen == cur {
		return
	}
	p.seen = cur
	for v, pv := range p.old {
		if !slices.Contains(served, v) {
			delete(p.old, v)
			go func() {
				pv.once.Do(func() {})
				if pv.store != nil {
					pv.store.Close()
				}
			}()
		}
	}
}
