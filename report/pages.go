package report

import (
	"context"
	"fmt"
	"math"
	"net/url"
	"sort"
	"strconv"
	"strings"
	"time"

	"chiso/analytics"
	"chiso/datasets"
	"chiso/words"
)

// A PageChart is a chart a page shows: its kind and the parameters of its URL.
type PageChart struct {
	Kind   string
	Params url.Values
}

// An Overview is the front page: one indicator's ranking and map in a year, and the biggest
// movers since the latest earlier year with ranks.
type Overview struct {
	Indicator  datasets.Indicator
	Year       int
	Years      []int // years with figures, latest first
	Charts     []PageChart
	Movers     *Movers
	MoversUp   [][]string // tables, header first
	MoversDown [][]string
}

// OverviewOf builds the overview of indicator in year (0: the latest year in which at least
// half of the units have a value).
func OverviewOf(ctx context.Context, store *datasets.Store, vw View, in datasets.Indicator, year int, lang string) (Overview, error) {
	p, err := loadPanel(ctx, store, vw, []string{in.ID}, 0, 0)
	if err != nil {
		return Overview{}, err
	}
	reg := store.Registry()
	v := Overview{Indicator: in, Years: p.years(in.ID, 0, 0)}
	sort.Sort(sort.Reverse(sort.IntSlice(v.Years)))
	if year == 0 {
		year = defaultYear(p, reg, vw.Set, in.ID, v.Years)
	}
	v.Year = year
	for _, kind := range []string{"ranking", "map"} {
		v.Charts = append(v.Charts, PageChart{kind, vw.params(url.Values{"indicator": {in.ID}, "year": {strconv.Itoa(year)}, "lang": {lang}})})
	}
	for _, y := range v.Years {
		if y >= year {
			continue
		}
		m := movers(p.ranker(in.ID), reg, reg.Units(vw.Set, year), y, year, 5)
		if m.Compared == 0 {
			continue
		}
		v.Movers = &m
		head := []string{strconv.Itoa(y), strconv.Itoa(year), words.Text(lang, "places")}
		v.MoversUp = [][]string{append([]string{"↑ " + words.Text(lang, "up")}, head...)}
		v.MoversDown = [][]string{append([]string{"↓ " + words.Text(lang, "down")}, head...)}
		for _, r := range m.Up {
			v.MoversUp = append(v.MoversUp, moveRow(r, lang))
		}
		for _, r := range m.Down {
			v.MoversDown = append(v.MoversDown, moveRow(r, lang))
		}
		break
	}
	return v, nil
}

func moveRow(m MoveRow, lang string) []string {
	name := m.Unit.NameVI
	if lang == "en" {
		name = m.Unit.NameEN
	}
	return []string{name, strconv.Itoa(m.FromRank), strconv.Itoa(m.ToRank), fmt.Sprintf("%+d", m.Change)}
}

// defaultYear is the latest year in which at least half of the units have a value (else the latest).
func defaultYear(p *panel, reg *datasets.Registry, set, indicator string, latestFirst []int) int {
	for _, y := range latestFirst {
		units := reg.Units(set, y)
		if 2*len(p.values(indicator, units, y)) >= len(units) {
			return y
		}
	}
	if len(latestFirst) > 0 {
		return latestFirst[0]
	}
	return time.Now().Year()
}

// A Profile is one province's page: every indicator's latest figure with its trend
// statement, its lineage, charts of its PCI, and its nearest peers.
type Profile struct {
	Unit                     datasets.Unit
	View                     View
	Validity                 string
	Became                   string          // for a unit merged in 2025: what it became, in words
	BecameUnits              []datasets.Unit // and the units it became part of
	Predecessors, Successors []datasets.Unit
	Summary                  [][]string // header first
	Charts                   []PageChart
	Peers                    [][]string // header first; nil when there are none
	PeersNote                string
}

// ProfileOf builds the profile of u.
func ProfileOf(ctx context.Context, store *datasets.Store, vw View, u datasets.Unit, lang string) (Profile, error) {
	reg, cat := store.Registry(), store.Catalogue()
	if u.Set == datasets.Set34 {
		vw.Set = datasets.Set34 // the units of the 34: their figures, published or derived
	} else {
		vw = View{}
	}
	v := Profile{Unit: u, View: vw, Validity: validityText(u, lang), Successors: reg.Successors(u.ID)}
	if len(v.Successors) > 0 && !u.ValidTo.IsZero() {
		names := make([]string, len(v.Successors))
		for i, s := range v.Successors {
			names[i] = UnitName(s, lang)
		}
		v.Became, v.BecameUnits = fmt.Sprintf(words.Text(lang, "became"), UnitName(u, lang), words.Date(lang, u.ValidTo),
			words.Date(lang, u.ValidTo.AddDate(0, 0, 1)), strings.Join(names, ", ")), v.Successors
	}
	in, _ := reg.Links(u.ID)
	for _, l := range in {
		if p, ok := reg.Unit(l.Old); ok && l.Kind != "unchanged" {
			v.Predecessors = append(v.Predecessors, p)
		}
	}
	inds, err := profileIndicators(ctx, store, vw, u)
	if err != nil {
		return Profile{}, err
	}
	p := &panel{}
	if len(inds) > 0 { // no indicators would read every one
		if p, err = loadPanel(ctx, store, vw, inds, 0, 0); err != nil {
			return Profile{}, err
		}
	}
	v.Summary = [][]string{{words.Text(lang, "indicator"), words.Text(lang, "latest"), words.Text(lang, "value"), words.Text(lang, "rank"),
		words.Text(lang, "region_median"), words.Text(lang, "trend"), words.Text(lang, "source")}}
	for _, ind := range cat.All() {
		last := 0
		for y := range p.figures[ind.ID][u.ID] {
			last = max(last, y)
		}
		if last == 0 {
			continue
		}
		f, _ := p.figure(ind.ID, u.ID, last)
		value := ""
		if f.Value != nil {
			value = words.Number(lang, *f.Value, -1) + " " + UnitOfMeasure(ind, lang)
		}
		if alt := AltText(lang, p.alternatives(ind.ID, u.ID, last)); alt != "" {
			value += " · " + words.Text(lang, "other_source") + ": " + alt
		}
		switch {
		case f.Status == "not_published":
			value = words.Text(lang, "not_published")
		case f.Value == nil && f.Rank != nil:
			value = words.Text(lang, "rank_only")
		case p.derivation(ind.ID, u.ID, last) != nil:
			value += " (" + words.Text(lang, "derived") + ")"
		case !f.Verified:
			value += " (" + words.Text(lang, "unverified") + ")"
		}
		rank := ""
		if f.Rank != nil {
			rank = strconv.Itoa(*f.Rank)
			if f.RankOf != nil {
				rank += "/" + strconv.Itoa(*f.RankOf)
			}
		}
		if f.Rank != nil {
			fd := fieldOf(p, reg, ind.ID, reg.Units(vw.Set, last), last)
			if i := fd.index(u.ID); i >= 0 {
				if rr := fd.regionRank(i, orderOf(ind)); rr != nil && rr.WithValue >= 2 {
					rank += fmt.Sprintf(" · %s %d/%d", words.Text(lang, "in_region"), rr.Rank, rr.Of)
				}
			}
		}
		v.Summary = append(v.Summary, []string{IndicatorName(ind, lang), strconv.Itoa(last), value, rank,
			regionMedian(p, reg, ind.ID, u, last, lang), trendStatement(store, p, vw, ind, u, lang), f.Source.Citation})
	}
	if p.has("pci", u.ID) {
		v.Charts = []PageChart{
			{"line", vw.params(url.Values{"indicator": {"pci"}, "provinces": {u.ID}, "lang": {lang}, "trend": {"true"}})},
			{"bump", vw.params(url.Values{"indicator": {"pci"}, "provinces": {u.ID}, "lang": {lang}})},
		}
	}
	if len(v.Predecessors) > 1 {
		// The predecessors' own series, as published, beside the derived one.
		ids := make([]string, len(v.Predecessors))
		for i, pu := range v.Predecessors {
			ids[i] = pu.ID
		}
		v.Charts = append(v.Charts, PageChart{"line", url.Values{"indicator": {"pci"}, "provinces": {strings.Join(ids, ",")}, "lang": {lang}}})
	}
	v.Peers, v.PeersNote, err = peerTable(ctx, store, u, lang)
	if err != nil {
		return Profile{}, err
	}
	return v, nil
}

// profileIndicators are the indicators whose figures a unit's page reads: those the unit has
// figures of, the only ones its page shows. A store small enough for the shared panel reads
// every figure once anyway; a larger one would read every unit's figures of every indicator
// for each page (a province's page took 1.6 s and 530 MB beside 1.3M commune figures).
func profileIndicators(ctx context.Context, store *datasets.Store, vw View, u datasets.Unit) ([]string, error) {
	cat := store.Catalogue()
	if vw.Set == datasets.Set34 { // the derived panel, built once per version, holds them all
		return cat.IDs(), nil
	}
	if p, err := sharedPanel(ctx, store); p != nil || err != nil {
		return cat.IDs(), err
	}
	return store.IndicatorsOf(ctx, u.ID)
}

// params adds the view (units, agg) to a chart's parameters.
func (v View) params(q url.Values) url.Values {
	if v.Set != "" {
		q.Set("units", v.Set)
	}
	if v.Agg != "" {
		q.Set("agg", v.Agg)
	}
	return q
}

func validityText(u datasets.Unit, lang string) string {
	from, to := "…", "…"
	if !u.ValidFrom.IsZero() {
		from = words.Date(lang, u.ValidFrom)
	}
	if !u.ValidTo.IsZero() {
		to = words.Date(lang, u.ValidTo)
	}
	return from + " – " + to
}

// regionMedian is the median value of the unit's region for a year, as text.
func regionMedian(p *panel, reg *datasets.Registry, indicator string, u datasets.Unit, year int, lang string) string {
	if u.Region == "" {
		return ""
	}
	var units []datasets.Unit
	for _, o := range reg.Units(u.Set, year) {
		if o.Region == u.Region {
			units = append(units, o)
		}
	}
	d, err := analytics.NewDistribution(p.values(indicator, units, year))
	if err != nil || d.N < minGroup {
		return "" // a median of fewer than five provinces says little: not shown
	}
	return fmt.Sprintf("%s (n=%d)", words.Number(lang, math.Round(d.Median*100)/100, -1), d.N)
}

// defaultTrends are the trends of every unit on indicator in over its default window (since
// the last method break) in view vw, computed once per dataset version.
func defaultTrends(store *datasets.Store, p *panel, vw View, in datasets.Indicator) (map[string]UnitTrend, error) {
	v, err := store.Memo("report.trends|"+vw.Set+"|"+vw.Agg+"|"+in.ID, func() (any, error) {
		out := map[string]UnitTrend{}
		if res, ok := trendsOf(p, store.Registry(), in, 0, 0, false, nil, vw.Set); ok {
			for _, t := range res.Data {
				out[t.Unit.ID] = t
			}
		}
		return out, nil
	})
	if err != nil {
		return nil, err
	}
	return v.(map[string]UnitTrend), nil
}

// minGroup is the fewest provinces a comparison statement ("faster than 3 of 4", a region's
// median) is made of; below it the statement is not shown.
const minGroup = 5

// trendStatement says in words how the unit moves on an indicator since the last method break:
// "+0.86 a year (95% CI −0.20 to 1.92), 2017–2021; faster than 16 of 22; climbed 12 places".
func trendStatement(store *datasets.Store, p *panel, vw View, in datasets.Indicator, u datasets.Unit, lang string) string {
	trends, err := defaultTrends(store, p, vw, in)
	if err != nil {
		return ""
	}
	t, ok := trends[u.ID]
	if !ok {
		return ""
	}
	if t.Value == nil {
		return words.Text(lang, "insufficient")
	}
	tv := t.Value
	sign := "+"
	if tv.Slope < 0 {
		sign = ""
	}
	s := fmt.Sprintf("%s%s %s (%s %s – %s), %d–%d", sign, words.Number(lang, tv.Slope, 2), words.Text(lang, "per_year"), words.Text(lang, "ci"),
		words.Number(lang, tv.SlopeLow, 2), words.Number(lang, tv.SlopeHigh, 2), int(tv.FirstYear), int(tv.LastYear))
	if t.FasterThan != nil && t.FasterThan.Of >= minGroup {
		s += fmt.Sprintf("; %s %d %s %d", words.Text(lang, "faster_than"), t.FasterThan.N, words.Text(lang, "of"), t.FasterThan.Of)
	}
	if c := t.RankChange; c != nil && *c != 0 {
		word := words.Text(lang, "climbed")
		if *c < 0 {
			word = words.Text(lang, "fell")
		}
		s += fmt.Sprintf("; %s %d %s", word, max(*c, -*c), words.Text(lang, "places"))
	}
	return s
}

// peerTable finds the unit's five nearest provinces on PCI, PAPI and population in the
// latest year in which every province has all three.
func peerTable(ctx context.Context, store *datasets.Store, u datasets.Unit, lang string) ([][]string, string, error) {
	inds := []string{"pci", "papi", "population"}
	for year := time.Now().Year(); year >= 2006; year-- {
		m, err := yearMatrix(ctx, store, View{Set: u.Set}, inds, year, false)
		if err != nil {
			return nil, "", err
		}
		if len(m.units) < m.of || m.of < 10 {
			continue
		}
		idx := m.index(u.ID)
		if idx < 0 {
			return nil, "", nil
		}
		peers, err := analytics.NearestPeers(m.data, idx, 5)
		if err != nil {
			return nil, "", err
		}
		t := [][]string{{words.Text(lang, "province"), "PCI", "PAPI", words.Text(lang, "population"), words.Text(lang, "distance")}}
		for _, pr := range peers {
			row := m.data.RawRowView(pr.Index)
			t = append(t, []string{UnitName(m.units[pr.Index], lang), ftoa(row[0]), ftoa(row[1]), ftoa(row[2]), strconv.FormatFloat(pr.Distance, 'f', 2, 64)})
		}
		return t, fmt.Sprintf(words.Text(lang, "peers_note"), year), nil
	}
	return nil, "", nil
}

// CompareTrends are the trend statements of the provinces on one indicator, a table with
// its header first.
func CompareTrends(ctx context.Context, store *datasets.Store, v View, in datasets.Indicator, provinces [][]datasets.Unit, lang string) ([][]string, error) {
	p, err := loadPanel(ctx, store, v, []string{in.ID}, 0, 0)
	if err != nil {
		return nil, err
	}
	t := [][]string{{words.Text(lang, "province"), words.Text(lang, "trend")}}
	for _, chain := range provinces {
		for _, u := range chain {
			if p.has(in.ID, u.ID) {
				t = append(t, []string{UnitName(u, lang), trendStatement(store, p, v, in, u, lang)})
			}
		}
	}
	return t, nil
}
