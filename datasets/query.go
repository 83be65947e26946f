package datasets

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
)

// ErrNotFound reports an unknown indicator, unit or other named thing.
var ErrNotFound = errors.New("not found")

// An Indicator is one entry of the indicator catalogue.
type Indicator struct {
	ID              string   `json:"id"`
	Parent          string   `json:"parent,omitempty"`
	NameVI          string   `json:"name_vi"`
	NameEN          string   `json:"name_en"`
	UnitOfMeasure   string   `json:"unit_of_measure"`
	Measure         string   `json:"measure"` // "index", "rate" or "level"
	HigherIsBetter  *bool    `json:"higher_is_better"`
	Publisher       string   `json:"publisher"`
	ScaleMin        *float64 `json:"scale_min"`
	ScaleMax        *float64 `json:"scale_max"`
	FirstYear       int      `json:"first_year"`
	AggregationRule string   `json:"aggregation_rule"`
	Description     string   `json:"description"`
	Breaks          []Break  `json:"breaks"`
}

// A Break is a methodology or publication change of an indicator from Year on.
type Break struct {
	Year   int    `json:"year"`
	Kind   string `json:"kind"` // "method" or "publication"
	Note   string `json:"note"`
	Source string `json:"source"`
}

// A Catalogue is the indicator catalogue, ordered by id. It is immutable and safe for
// concurrent use.
type Catalogue struct {
	list  []Indicator
	byID  map[string]int
	keys  []int32  // keys[i] is the key of list[i] in the indicator table
	idOf  []string // idOf[key] is the id of the indicator with that key ("" for none)
	byKey map[int32]int
}

// newCatalogue builds the catalogue of list, whose indicators have the keys keys.
func newCatalogue(list []Indicator, keys []int32) *Catalogue {
	c := &Catalogue{list: list, byID: make(map[string]int, len(list)), keys: keys, byKey: make(map[int32]int, len(list))}
	var top int32
	for i, in := range list {
		c.byID[in.ID] = i
		c.byKey[keys[i]] = i
		top = max(top, keys[i])
	}
	c.idOf = make([]string, top+1)
	for i, k := range keys {
		if k >= 0 {
			c.idOf[k] = list[i].ID
		}
	}
	return c
}

// key returns the key that the observations of indicator id carry.
func (c *Catalogue) key(id string) (int32, bool) {
	i, ok := c.byID[id]
	if !ok {
		return 0, false
	}
	return c.keys[i], true
}

// idOfKey returns the id of the indicator whose key is k.
func (c *Catalogue) idOfKey(k int32) (string, bool) {
	if k < 0 || int(k) >= len(c.idOf) || c.idOf[k] == "" {
		return "", false
	}
	return c.idOf[k], true
}

// Get returns the indicator with the given id.
func (c *Catalogue) Get(id string) (Indicator, bool) {
	i, ok := c.byID[id]
	if !ok {
		return Indicator{}, false
	}
	return c.list[i], true
}

// Len returns the number of indicators.
func (c *Catalogue) Len() int { return len(c.list) }

// All returns a copy of every indicator, ordered by id.
func (c *Catalogue) All() []Indicator {
	out := make([]Indicator, len(c.list))
	for i, in := range c.list {
		in.Breaks = append([]Break{}, in.Breaks...)
		out[i] = in
	}
	return out
}

// IDs returns the indicator ids, ordered.
func (c *Catalogue) IDs() []string {
	out := make([]string, len(c.list))
	for i, in := range c.list {
		out[i] = in.ID
	}
	return out
}

// Catalogue returns the indicator catalogue, read when the store opened (and again when
// AddSyntheticIndicators adds to it).
func (s *Store) Catalogue() *Catalogue { return s.catalogue.Load() }

// Indicators returns the indicator catalogue with each indicator's breaks, ordered by id.
// It copies the catalogue read when the store opened (see Catalogue) and queries nothing, so
// ctx only stops it early: a done ctx gives ctx.Err().
func (s *Store) Indicators(ctx context.Context) ([]Indicator, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	return s.Catalogue().All(), nil
}

func (s *Store) readIndicators(ctx context.Context) (*Catalogue, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT id, key, coalesce(parent, ''), name_vi, name_en, unit_of_measure,
		measure, higher_is_better, publisher, scale_min, scale_max, first_year, aggregation_rule, description
		FROM indicator ORDER BY id`)
	if err != nil {
		return nil, fmt.Errorf("query indicators: %w", err)
	}
	defer rows.Close()
	var out []Indicator
	var keys []int32
	index := map[string]int{}
	for rows.Next() {
		var in Indicator
		var key int32
		var hib sql.NullBool
		var smin, smax sql.NullFloat64
		if err := rows.Scan(&in.ID, &key, &in.Parent, &in.NameVI, &in.NameEN, &in.UnitOfMeasure, &in.Measure, &hib,
			&in.Publisher, &smin, &smax, &in.FirstYear, &in.AggregationRule, &in.Description); err != nil {
			return nil, fmt.Errorf("scan indicator: %w", err)
		}
		if hib.Valid {
			in.HigherIsBetter = &hib.Bool
		}
		if smin.Valid {
			in.ScaleMin = &smin.Float64
		}
		if smax.Valid {
			in.ScaleMax = &smax.Float64
		}
		in.Breaks = []Break{}
		index[in.ID] = len(out)
		out = append(out, in)
		keys = append(keys, key)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("query indicators: %w", err)
	}
	brows, err := s.db.QueryContext(ctx, `SELECT indicator_id, year, kind, note, source FROM indicator_break ORDER BY indicator_id, year`)
	if err != nil {
		return nil, fmt.Errorf("query breaks: %w", err)
	}
	defer brows.Close()
	for brows.Next() {
		var id string
		var b Break
		if err := brows.Scan(&id, &b.Year, &b.Kind, &b.Note, &b.Source); err != nil {
			return nil, fmt.Errorf("scan break: %w", err)
		}
		if i, ok := index[id]; ok {
			out[i].Breaks = append(out[i].Breaks, b)
		}
	}
	if err := brows.Err(); err != nil {
		return nil, err
	}
	return newCatalogue(out, keys), nil
}

// A Source is the citation of a figure.
type Source struct {
	ID       string `json:"id"`
	Citation string `json:"citation"`
	URL      string `json:"url,omitempty"`
}

// A Figure is one source's figure for an (indicator, unit, year).
type Figure struct {
	Value    *float64 `json:"value"`
	Rank     *int     `json:"rank"`
	RankOf   *int     `json:"rank_of"`
	Status   string   `json:"status"`   // "published" or "not_published"
	Verified bool     `json:"verified"` // false: only from a report the publisher's tables do not confirm
	Source   Source   `json:"source"`
}

// An Observation is the preferred figure for an (indicator, unit, year) and the figures of
// the other sources that disagree with or repeat it.
type Observation struct {
	Indicator    string   `json:"indicator"`
	Unit         Unit     `json:"unit"`
	Year         int      `json:"year"`
	Figure                // the preferred figure
	Alternatives []Figure `json:"alternatives"`
}

// An ObservationQuery selects observations. Empty fields select everything.
type ObservationQuery struct {
	Indicators []string
	UnitIDs    []string
	From, To   int // inclusive; 0 leaves that end open
}

// Observations returns the observations that q selects, ordered by indicator, unit id (within
// a unit set, the order of the codes) and year, each with its preferred figure first and the
// other sources' figures beside it.
func (s *Store) Observations(ctx context.Context, q ObservationQuery) ([]Observation, error) {
	sources := s.sources.Load()
	rows, err := s.db.QueryContext(ctx, observationsQuery(q, s.Catalogue(), s.registry))
	if err != nil {
		return nil, fmt.Errorf("query observations: %w", err)
	}
	defer rows.Close()
	var out []Observation
	for rows.Next() {
		var ind, unitID string
		var year int
		var preferred bool
		var f Figure
		var v sql.NullFloat64
		var r, n sql.NullInt64
		var sourceKey int32
		if err := rows.Scan(&ind, &unitID, &year, &v, &r, &n, &f.Status, &f.Verified, &preferred, &sourceKey); err != nil {
			return nil, fmt.Errorf("scan observation: %w", err)
		}
		f.Source = sources.ofKey(sourceKey)
		if v.Valid {
			f.Value = &v.Float64
		}
		if r.Valid {
			x := int(r.Int64)
			f.Rank = &x
		}
		if n.Valid {
			x := int(n.Int64)
			f.RankOf = &x
		}
		if k := len(out) - 1; k >= 0 && out[k].Indicator == ind && out[k].Unit.ID == unitID && out[k].Year == year {
			out[k].Alternatives = append(out[k].Alternatives, f)
			continue
		}
		u, ok := s.registry.Unit(unitID)
		if !ok {
			return nil, fmt.Errorf("observation %s/%s/%d: unknown unit", ind, unitID, year)
		}
		out = append(out, Observation{Indicator: ind, Unit: u, Year: year, Figure: f, Alternatives: []Figure{}})
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("query observations: %w", err)
	}
	return out, nil
}

// observationsQuery is the query of Observations for q; cat and reg give the indicators' and
// units' keys. The joins name each figure's indicator and unit and order by their ids; the
// filter compares keys.
func observationsQuery(q ObservationQuery, cat *Catalogue, reg *Registry) string {
	where := q.where("o.", cat, reg)
	query := `SELECT i.id, u.id, o.year, o.value, o.rank, o.rank_of, o.status, o.verified,
		o.preferred, o.source_key FROM observation o JOIN indicator i ON i.key = o.indicator_key
		JOIN unit u ON u.key = o.unit_key JOIN source s ON s.key = o.source_key`
	if len(where) > 0 {
		query += " WHERE " + strings.Join(where, " AND ")
	}
	return query + " ORDER BY i.id, u.id, o.year, o.preferred DESC, s.id"
}

// sourceCache returns every source by id. Sources change only when an ingest adds some, so
// the map is read once and replaced after each write.
func (s *Store) sourceCache() map[string]Source {
	return s.sources.Load().byID
}

// sourceIndex holds every source by id, and by key (observation.source_key): a figure's
// source is found without a string crossing from DuckDB for each row, which cost more than
// the rest of the row.
type sourceIndex struct {
	byID  map[string]Source
	byKey []Source // by key; a key no source has is the zero Source
}

// ofKey returns the source of key, or the zero Source.
func (x *sourceIndex) ofKey(key int32) Source {
	if key < 0 || int(key) >= len(x.byKey) {
		return Source{}
	}
	return x.byKey[key]
}

// readSources reads every source into a new index.
func (s *Store) readSources(ctx context.Context) error {
	rows, err := s.db.QueryContext(ctx, `SELECT key, id, citation, coalesce(url, '') FROM source ORDER BY key`)
	if err != nil {
		return fmt.Errorf("read sources: %w", err)
	}
	defer rows.Close()
	idx := &sourceIndex{byID: map[string]Source{}}
	for rows.Next() {
		var src Source
		var key int32
		if err := rows.Scan(&key, &src.ID, &src.Citation, &src.URL); err != nil {
			return fmt.Errorf("read sources: %w", err)
		}
		if key < 0 {
			return fmt.Errorf("read sources: source %s has the key %d", src.ID, key)
		}
		idx.byID[src.ID] = src
		idx.byKey = append(idx.byKey, make([]Source, int(key)+1-len(idx.byKey))...)
		idx.byKey[key] = src
	}
	if err := rows.Err(); err != nil {
		return fmt.Errorf("read sources: %w", err)
	}
	s.sources.Store(idx)
	return nil
}
