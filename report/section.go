package report

import (
	"container/list"
	"context"
	"fmt"
	"math"
	"slices"
	"sync"

	"chiso/analytics"
	"chiso/datasets"
)

// A section is one indicator's preferred figures in one year as a view shows them, with the
// field of the units of the view's set in force that year: what a comparison and a ranking
// read. It is built once per dataset version (see sectionOf) and is read-only once built.
type section struct {
	figs    columns                    // aligned with field.units
	extra   map[string]datasets.Figure // figures of units not in force that year, by unit id
	field   field                      //
	spreads spread                     // what a comparison reads besides the field, on first use
	bounds  [2]rankBounds              // of every unit, lower- and higher-is-better, on first use
}

// columns hold a section's figures column by column, with no pointer per figure: the cache
// keeps up to sectionFigures of them, and the garbage collector then has nothing to trace in
// them. A Figure is made on reading (at), its pointers into the columns.
type columns struct {
	value   []float64
	rank    []int
	rankOf  []int
	flags   []uint8  // figure* bits
	source  []uint16 // index in sources
	sources []datasets.Source
}

const (
	figureHas          = 1 << iota // a figure
	figureValue                    // value[i] is its value
	figureRank                     // rank[i] is its rank
	figureRankOf                   // rankOf[i] is its rank_of
	figureNotPublished             // its status is not_published (else published)
	figureVerified                 //
	figureDerived                  // derived from the predecessors' (the 34-unit view)
)

func newColumns(n int) columns {
	return columns{value: make([]float64, n), rank: make([]int, n), rankOf: make([]int, n), flags: make([]uint8, n), source: make([]uint16, n)}
}

// set puts f at i, adding its source to sources if it is not there yet; derived marks a figure
// derived from the predecessors'. It reports false, and puts nothing, when f's source would be
// one more than a uint16 indexes. A section has a few sources, so they are looked up in order.
func (c *columns) set(i int, f datasets.Figure, derived bool) bool {
	src := slices.IndexFunc(c.sources, func(s datasets.Source) bool { return s.ID == f.Source.ID })
	if src < 0 {
		if len(c.sources) > math.MaxUint16 {
			return false
		}
		src = len(c.sources)
		c.sources = append(c.sources, f.Source)
	}
	fl := uint8(figureHas)
	if f.Value != nil {
		fl |= figureValue
		c.value[i] = *f.Value
	}
	if f.Rank != nil {
		fl |= figureRank
		c.rank[i] = *f.Rank
	}
	if f.RankOf != nil {
		fl |= figureRankOf
		c.rankOf[i] = *f.RankOf
	}
	if f.Status == "not_published" {
		fl |= figureNotPublished
	}
	if f.Verified {
		fl |= figureVerified
	}
	if derived {
		fl |= figureDerived
	}
	c.flags[i], c.source[i] = fl, uint16(src)
	return true
}

// at returns the figure at i, if there is one; its pointers point into the columns, which
// must not be written through.
func (c *columns) at(i int) (datasets.Figure, bool) {
	fl := c.flags[i]
	if fl&figureHas == 0 {
		return datasets.Figure{}, false
	}
	f := datasets.Figure{Status: "published", Verified: fl&figureVerified != 0, Source: c.sources[c.source[i]]}
	if fl&figureNotPublished != 0 {
		f.Status = "not_published"
	}
	if fl&figureValue != 0 {
		f.Value = &c.value[i]
	}
	if fl&figureRank != 0 {
		f.Rank = &c.rank[i]
	}
	if fl&figureRankOf != 0 {
		f.RankOf = &c.rankOf[i]
	}
	return f, true
}

// published returns col[i] if the figure at i is published and has the part that bit marks
// (figureValue, figureRank), without making the Figure.
func published[T any](c *columns, i int, bit uint8, col []T) (T, bool) {
	if fl := c.flags[i]; fl&(figureHas|bit) == figureHas|bit && fl&figureNotPublished == 0 {
		return col[i], true
	}
	var zero T
	return zero, false
}

// derived reports whether the figure at i was derived from the predecessors' figures.
func (c *columns) derived(i int) bool { return c.flags[i]&figureDerived != 0 }

// A spread is how a section's published values are spread: nationally and by region. Only
// a comparison reads it, so a ranking does not sort the values for it.
type spread struct {
	once     sync.Once
	national *analytics.Distribution // of the field's published values; nil: none
	byRegion map[string][]float64    // the field's published values by region, in unit order
}

// spread returns the national distribution of the section's published values (nil: none)
// and the values by region, computed once.
func (s *section) spread() (national *analytics.Distribution, byRegion map[string][]float64) {
	sp := &s.spreads
	sp.once.Do(func() {
		var values []float64
		sp.byRegion = map[string][]float64{}
		for i, u := range s.field.units {
			if x := s.field.values[i]; !math.IsNaN(x) {
				values = append(values, x)
				if u.Region != "" {
					sp.byRegion[u.Region] = append(sp.byRegion[u.Region], x)
				}
			}
		}
		if d, err := analytics.NewDistribution(values); err == nil {
			sp.national = &d
		}
	})
	return sp.national, sp.byRegion
}

type rankBounds struct {
	once        sync.Once
	best, worst []int
}

// rankBounds returns the rank bounds of every unit of the field (see analytics.RankBoundsAll),
// computed once for each direction; nil if the field is malformed.
func (s *section) rankBounds(higherIsBetter bool) (best, worst []int) {
	b := &s.bounds[0]
	if higherIsBetter {
		b = &s.bounds[1]
	}
	b.once.Do(func() {
		b.best, b.worst, _ = analytics.RankBoundsAll(s.field.values, s.field.ranks, s.field.of, higherIsBetter)
	})
	return b.best, b.worst
}

// figure returns the figure of unit in the section's year, published or not.
func (s *section) figure(unit string) (datasets.Figure, bool) {
	if i, ok := s.field.pos[unit]; ok {
		return s.figs.at(i)
	}
	f, ok := s.extra[unit]
	return f, ok
}

// value returns the published value of unit.
func (s *section) value(unit string) (float64, bool) {
	if i, ok := s.field.pos[unit]; ok {
		return published(&s.figs, i, figureValue, s.figs.value)
	}
	f, ok := s.extra[unit]
	if !ok || f.Value == nil || f.Status != "published" {
		return 0, false
	}
	return *f.Value, true
}

// rank returns the published rank of unit.
func (s *section) rank(unit string) (int, bool) {
	if i, ok := s.field.pos[unit]; ok {
		return published(&s.figs, i, figureRank, s.figs.rank)
	}
	f, ok := s.extra[unit]
	if !ok || f.Rank == nil || f.Status != "published" {
		return 0, false
	}
	return *f.Rank, true
}

// size is the number of figures the section holds (at least 1): what the cache counts against its bound.
func (s *section) size() int { return 1 + len(s.figs.flags) + len(s.extra) }

// sectionFigures bounds the figures the sections of one dataset version may hold together
// (about 48 bytes each: its columns and the field's entries; 13 MiB in all at commune scale,
// BenchmarkCommunes/*/section-memory); the least recently used sections are dropped beyond
// it. 300,000 figures is about 90 commune-scale sections (3,321 units) or every section of
// the bundled provinces' data.
const sectionFigures = 300_000

// sectionOf returns indicator's section in year as view v shows it, from the cache of the
// current dataset version, building it on first use.
func sectionOf(ctx context.Context, store *datasets.Store, v View, indicator string, year int) (*section, error) {
	c, err := store.Memo("report.sections", func() (any, error) { return newSectionCache(sectionFigures), nil })
	if err != nil {
		return nil, err
	}
	return c.(*sectionCache).get(ctx, store, v, indicator, year)
}

// A sectionCache keeps the sections of one dataset version, at most limit figures of them,
// dropping the least recently used. It lives in the store's memo, so a new dataset version
// starts an empty one. The registry is part of every key: units added without a new dataset
// version (synthetic units) make a new field.
type sectionCache struct {
	limit int

	mu      sync.Mutex
	held    int // figures of the sections built and kept
	entries map[sectionKey]*list.Element
	lru     *list.List // of *sectionEntry, most recently used first
}

type sectionKey struct {
	reg       *datasets.Registry
	set, agg  string
	indicator string
	year      int
}

type sectionEntry struct {
	key  sectionKey
	once sync.Once
	s    *section
	err  error
	size int // counted in held
}

func newSectionCache(limit int) *sectionCache {
	return &sectionCache{limit: limit, entries: map[sectionKey]*list.Element{}, lru: list.New()}
}

// get returns the section of key, building it once; concurrent callers of one key wait for
// one build, and a build that fails is not kept.
func (c *sectionCache) get(ctx context.Context, store *datasets.Store, v View, indicator string, year int) (*section, error) {
	reg := store.Registry()
	key := sectionKey{reg: reg, set: v.Set, agg: v.Agg, indicator: indicator, year: year}
	c.mu.Lock()
	el, ok := c.entries[key]
	if ok {
		c.lru.MoveToFront(el)
	} else {
		el = c.lru.PushFront(&sectionEntry{key: key})
		c.entries[key] = el
	}
	c.mu.Unlock()
	e := el.Value.(*sectionEntry)
	e.once.Do(func() {
		units := reg.InForce(datasets.SetDay(v.Set, year))
		e.s, e.err = buildSection(ctx, store, v, indicator, year, units, reg.Index(units))
		c.mu.Lock()
		defer c.mu.Unlock()
		if e.err != nil {
			if c.entries[key] == el {
				delete(c.entries, key)
				c.lru.Remove(el)
			}
			return
		}
		if c.entries[key] != el {
			return // dropped while it was built: the caller still gets it
		}
		e.size = e.s.size()
		c.held += e.size
		c.evict(el)
	})
	return e.s, e.err
}

// evict drops the least recently used sections but keep until the cache holds at most its
// limit. c.mu must be held.
func (c *sectionCache) evict(keep *list.Element) {
	for el := c.lru.Back(); el != nil && c.held > c.limit; {
		prev := el.Prev()
		if e := el.Value.(*sectionEntry); el != keep && e.size > 0 { // size 0: still being built
			c.lru.Remove(el)
			delete(c.entries, e.key)
			c.held -= e.size
		}
		el = prev
	}
}

// buildSection reads indicator's figures in year as view v shows them: from the panel the
// views share where there is one (the 34-unit view; the published figures up to memoLimit),
// else only this indicator and year from DuckDB.
func buildSection(ctx context.Context, store *datasets.Store, v View, indicator string, year int, units []datasets.Unit, pos map[string]int) (*section, error) {
	s := &section{figs: newColumns(len(units))}
	tooMany := false
	put := func(unit string, f datasets.Figure, derived bool) {
		i, ok := pos[unit]
		if !ok {
			if s.extra == nil {
				s.extra = map[string]datasets.Figure{}
			}
			s.extra[unit] = f
			return
		}
		if !s.figs.set(i, f, derived) {
			tooMany = true
		}
	}
	var p *panel
	if v.Set == datasets.Set34 {
		dp, err := loadDerived(ctx, store, v.Agg)
		if err != nil {
			return nil, err
		}
		p = &panel{figures: dp.figures, derived: dp}
	} else {
		var err error
		if p, err = sharedPanel(ctx, store); err != nil {
			return nil, err
		}
	}
	if p != nil {
		for unit, years := range p.figures[indicator] {
			if f, ok := years[year]; ok {
				put(unit, f, p.derivation(indicator, unit, year) != nil)
			}
		}
	} else {
		err := store.EachFigure(ctx, datasets.ObservationQuery{Indicators: []string{indicator}, From: year, To: year},
			func(_, unit string, _ int, f datasets.Figure) { put(unit, f, false) })
		if err != nil {
			return nil, err
		}
	}
	if tooMany {
		return nil, fmt.Errorf("section %s %d: more than %d sources", indicator, year, math.MaxUint16+1)
	}
	s.field = newField(units, pos, s.figs.at)
	return s, nil
}
