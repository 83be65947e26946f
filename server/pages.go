package server

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"html/template"
	"log/slog"
	"net/http"
	"net/url"
	"sort"
	"strconv"
	"strings"
	"time"

	"chiso/analytics"
	"chiso/charts"
	"chiso/datasets"
	"chiso/web"
)

// pages renders the web UI: server-side HTML with the charts' options embedded.
type pages struct {
	logger *slog.Logger
	store  *datasets.Store
	tmpl   *template.Template
}

func newPages(logger *slog.Logger, store *datasets.Store) *pages {
	tmpl, err := web.Templates()
	if err != nil {
		panic(err) // the templates are embedded: a parse error is a build defect
	}
	if !web.HasECharts() {
		logger.Warn("ECharts is missing from web/static/vendor: run `make` (npm ci) before building; charts will not draw")
	}
	return &pages{logger: logger, store: store, tmpl: tmpl}
}

// pageData is what every page template gets.
type pageData struct {
	Lang, OtherLang, OtherURL string
	Title                     string
	Error                     string
	Indicators                []indicatorOption
	Indicator                 string
	Year                      int
	Years                     []int
	Charts                    []chartBlock
	// overview
	MoversFrom           int
	Movers               bool
	MoversUp, MoversDown [][]string
	// profile
	Unit                     datasets.Unit
	Validity                 string
	Predecessors, Successors []datasets.Unit
	Summary, Peers           [][]string
	PeersNote                string
	// compare
	Provinces string
	Trends    [][]string
}

type indicatorOption struct{ ID, Name string }

// chartBlock is one chart on a page, with its caption, data table and links.
type chartBlock struct {
	ID, Kind, Lang                    string
	Caption                           charts.Caption
	Option                            template.JS
	Table                             [][]string
	EmbedURL, EmbedAbs, PNG, SVG, CSV string
}

func (pg *pages) base(r *http.Request, title string) pageData {
	lang := lang(r.URL.Query())
	other := map[string]string{"vi": "en", "en": "vi"}[lang]
	q := r.URL.Query()
	q.Set("lang", other)
	d := pageData{Lang: lang, OtherLang: other, OtherURL: r.URL.Path + "?" + q.Encode(), Title: title}
	for _, in := range pg.store.Catalogue().All() {
		d.Indicators = append(d.Indicators, indicatorOption{in.ID, name(in, lang)})
	}
	return d
}

func (pg *pages) render(w http.ResponseWriter, r *http.Request, name string, status int, d pageData) {
	var buf bytes.Buffer
	if err := pg.tmpl.ExecuteTemplate(&buf, name, d); err != nil {
		writeError(w, r, pg.logger, fmt.Errorf("render %s: %w", name, err))
		return
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.WriteHeader(status)
	w.Write(buf.Bytes())
}

// fail shows a page's error: bad parameters and unknown things as a page, the rest as 500.
func (pg *pages) fail(w http.ResponseWriter, r *http.Request, err error) {
	var pe *paramError
	var ne *datasets.NameError
	status := http.StatusInternalServerError
	switch {
	case errors.As(err, &pe):
		status = http.StatusBadRequest
	case errors.Is(err, datasets.ErrNotFound), errors.As(err, &ne):
		status = http.StatusNotFound
	default:
		writeError(w, r, pg.logger, err)
		return
	}
	d := pg.base(r, web.Text(lang(r.URL.Query()), "site"))
	d.Error = err.Error()
	pg.render(w, r, "error.html", status, d)
}

// block builds one chart and the links that go with it.
func (pg *pages) block(ctx context.Context, r *http.Request, kind string, params url.Values, id string) (chartBlock, error) {
	q := &query{Values: params}
	spec := parseChartSpec(kind, q, pg.store)
	if q.err != nil {
		return chartBlock{}, q.err
	}
	b, err := buildChart(ctx, pg.store, spec, id)
	if err != nil {
		return chartBlock{}, err
	}
	js, err := charts.OptionJSON(b.chart)
	if err != nil {
		return chartBlock{}, err
	}
	qs := params.Encode()
	scheme := "http"
	if r.TLS != nil || r.Header.Get("X-Forwarded-Proto") == "https" {
		scheme = "https"
	}
	return chartBlock{
		ID: id, Kind: kind, Lang: spec.lang, Caption: b.caption, Option: template.JS(js), Table: b.table,
		EmbedURL: "/embed/" + kind + "?" + qs, EmbedAbs: scheme + "://" + r.Host + "/embed/" + kind + "?" + qs,
		PNG: "/charts/" + kind + ".png?" + qs, SVG: "/charts/" + kind + ".svg?" + qs, CSV: "/charts/" + kind + ".csv?" + qs,
	}, nil
}

// handleOverview: pick an indicator and a year → ranking bar and tile map, with the top movers.
func (pg *pages) handleOverview() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		q := newQuery(r)
		if q.Get("indicator") == "" {
			q.Set("indicator", "pci")
		}
		in := q.indicator("indicator", pg.store.Catalogue())
		year := q.year("year")
		if q.err != nil {
			pg.fail(w, r, q.err)
			return
		}
		p, err := loadPanel(r.Context(), pg.store, []string{in.ID}, 0, 0)
		if err != nil {
			pg.fail(w, r, err)
			return
		}
		years := yearsWithData(p, in.ID, 0, 0)
		sort.Sort(sort.Reverse(sort.IntSlice(years)))
		if year == 0 {
			year = defaultYear(p, pg.store.Registry(), in.ID, years)
		}
		d := pg.base(r, name(in, lang(q.Values))+" "+strconv.Itoa(year))
		d.Indicator, d.Year, d.Years = in.ID, year, years
		params := url.Values{"indicator": {in.ID}, "year": {strconv.Itoa(year)}, "lang": {d.Lang}}
		for i, kind := range []string{"ranking", "map"} {
			b, err := pg.block(r.Context(), r, kind, params, fmt.Sprintf("chart%d", i))
			if err != nil {
				pg.fail(w, r, err)
				return
			}
			d.Charts = append(d.Charts, b)
		}
		// Movers: from the latest earlier year with ranks.
		for _, y := range years {
			if y >= year {
				continue
			}
			from, to := map[string]int{}, map[string]int{}
			for _, u := range universe(pg.store.Registry(), "", year) {
				if rk, _, ok := p.rank(in.ID, u.ID, y); ok {
					from[u.ID] = rk
				}
				if rk, _, ok := p.rank(in.ID, u.ID, year); ok {
					to[u.ID] = rk
				}
			}
			moves := analytics.RankMoves(from, to)
			if len(moves) == 0 {
				continue
			}
			d.Movers, d.MoversFrom = true, y
			head := []string{web.Text(d.Lang, "province"), strconv.Itoa(y), strconv.Itoa(year), web.Text(d.Lang, "places")}
			d.MoversUp, d.MoversDown = [][]string{append([]string{"↑ " + web.Text(d.Lang, "up")}, head[1:]...)}, [][]string{append([]string{"↓ " + web.Text(d.Lang, "down")}, head[1:]...)}
			for _, m := range moves[:min(5, len(moves))] {
				if m.Change > 0 {
					d.MoversUp = append(d.MoversUp, moveRow(pg.store, m, d.Lang))
				}
			}
			for i := len(moves) - 1; i >= max(0, len(moves)-5); i-- {
				if moves[i].Change < 0 {
					d.MoversDown = append(d.MoversDown, moveRow(pg.store, moves[i], d.Lang))
				}
			}
			break
		}
		pg.render(w, r, "overview.html", http.StatusOK, d)
	})
}

func moveRow(store *datasets.Store, m analytics.Move, lang string) []string {
	u, _ := store.Registry().Unit(m.Key)
	return []string{unitName(u, lang), strconv.Itoa(m.FromRank), strconv.Itoa(m.ToRank), fmt.Sprintf("%+d", m.Change)}
}

// defaultYear is the latest year in which at least half of the units have a value (else the latest).
func defaultYear(p *panel, reg *datasets.Registry, indicator string, years []int) int {
	for _, y := range years {
		units := universe(reg, "", y)
		n := 0
		for _, u := range units {
			if _, ok := p.value(indicator, u.ID, y); ok {
				n++
			}
		}
		if 2*n >= len(units) {
			return y
		}
	}
	if len(years) > 0 {
		return years[0]
	}
	return time.Now().Year()
}

// handleProfile: every indicator for one province, its trend statements, rank history,
// its region's median and its peers.
func (pg *pages) handleProfile() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		reg := pg.store.Registry()
		units, err := reg.Lookup(r.PathValue("code"))
		if err != nil {
			pg.fail(w, r, err)
			return
		}
		u := units[len(units)-1]
		for _, c := range units {
			if c.InForce(time.Now()) {
				u = c
			}
		}
		lg := lang(r.URL.Query())
		d := pg.base(r, unitName(u, lg))
		d.Unit, d.Validity = u, validityText(u)
		in, _ := reg.Links(u.ID)
		for _, l := range in {
			if p, ok := reg.Unit(l.Old); ok && l.Kind != "unchanged" {
				d.Predecessors = append(d.Predecessors, p)
			}
		}
		d.Successors = reg.Successors(u.ID)
		cat := pg.store.Catalogue()
		p, err := loadPanel(r.Context(), pg.store, cat.IDs(), 0, 0)
		if err != nil {
			pg.fail(w, r, err)
			return
		}
		d.Summary = [][]string{{web.Text(lg, "indicator"), web.Text(lg, "latest"), web.Text(lg, "value"), web.Text(lg, "rank"),
			web.Text(lg, "region_median"), web.Text(lg, "trend"), web.Text(lg, "source")}}
		for _, ind := range cat.All() {
			years := yearsWithData(p, ind.ID, 0, 0)
			var last int
			for _, y := range years {
				if _, ok := p.figures[ind.ID][u.ID][y]; ok {
					last = y
				}
			}
			if last == 0 {
				continue
			}
			f := p.figures[ind.ID][u.ID][last]
			row := figureRow(lg, u, last, f, true)
			rank := ""
			if f.Rank != nil {
				rank = strconv.Itoa(*f.Rank)
				if f.RankOf != nil {
					rank += "/" + strconv.Itoa(*f.RankOf)
				}
			}
			value := row[2]
			if f.Status == "not_published" {
				value = web.Text(lg, "not_published")
			} else if !f.Verified {
				value += " (" + web.Text(lg, "unverified") + ")"
			}
			d.Summary = append(d.Summary, []string{name(ind, lg), strconv.Itoa(last), value, rank,
				regionMedian(p, reg, ind.ID, u, last), trendStatement(p, reg, ind, u, lg), f.Source.Citation})
		}
		params := url.Values{"provinces": {u.ID}, "lang": {lg}}
		kinds := []struct{ kind, indicator, trend string }{{"line", "pci", "true"}, {"bump", "pci", ""}}
		for i, k := range kinds {
			if len(p.figures[k.indicator][u.ID]) == 0 {
				continue
			}
			ps := url.Values{"indicator": {k.indicator}}
			for key, v := range params {
				ps[key] = v
			}
			if k.trend != "" {
				ps.Set("trend", k.trend)
			}
			b, err := pg.block(r.Context(), r, k.kind, ps, fmt.Sprintf("chart%d", i))
			if err != nil {
				pg.fail(w, r, err)
				return
			}
			d.Charts = append(d.Charts, b)
		}
		d.Peers, d.PeersNote = peerTable(r.Context(), pg.store, u, lg)
		pg.render(w, r, "profile.html", http.StatusOK, d)
	})
}

func validityText(u datasets.Unit) string {
	from, to := "…", "…"
	if !u.ValidFrom.IsZero() {
		from = u.ValidFrom.Format(time.DateOnly)
	}
	if !u.ValidTo.IsZero() {
		to = u.ValidTo.Format(time.DateOnly)
	}
	return from + " – " + to
}

// regionMedian is the median value of the unit's region for a year, as text.
func regionMedian(p *panel, reg *datasets.Registry, indicator string, u datasets.Unit, year int) string {
	if u.Region == "" {
		return ""
	}
	var vals []float64
	for _, o := range universe(reg, u.Set, year) {
		if o.Region == u.Region {
			if v, ok := p.value(indicator, o.ID, year); ok {
				vals = append(vals, v)
			}
		}
	}
	d, err := analytics.NewDistribution(vals)
	if err != nil {
		return ""
	}
	return fmt.Sprintf("%s (n=%d)", ftoa(round2(d.Median)), d.N)
}

func round2(v float64) float64 { return float64(int64(v*100+0.5*sign(v))) / 100 }

func sign(v float64) float64 {
	if v < 0 {
		return -1
	}
	return 1
}

// trendStatement says in words how the unit moves on an indicator since the last method break:
// "+0.86 a year (95% CI −0.20 to 1.92), 2017–2021; faster than 16 of 22; climbed 12 places".
func trendStatement(p *panel, reg *datasets.Registry, in datasets.Indicator, u datasets.Unit, lg string) string {
	res, ok := trendsOf(p, reg, in, 0, 0, false, map[string]bool{u.ID: true})
	if !ok || len(res.Data) == 0 {
		return ""
	}
	t := res.Data[0]
	if t.Value == nil {
		return web.Text(lg, "insufficient")
	}
	v := t.Value
	s := fmt.Sprintf("%+.2f %s (%s %.2f – %.2f), %d–%d", v.Slope, web.Text(lg, "per_year"), web.Text(lg, "ci"),
		v.SlopeLow, v.SlopeHigh, int(v.FirstYear), int(v.LastYear))
	if t.FasterThan != nil && t.FasterThan.Of > 0 {
		s += fmt.Sprintf("; %s %d/%d", web.Text(lg, "faster_than"), t.FasterThan.N, t.FasterThan.Of)
	}
	if t.RankChange != nil && *t.RankChange != 0 {
		word := web.Text(lg, "climbed")
		if *t.RankChange < 0 {
			word = web.Text(lg, "fell")
		}
		s += fmt.Sprintf("; %s %d %s", word, max(*t.RankChange, -*t.RankChange), web.Text(lg, "places"))
	}
	return s
}

// peerTable finds the unit's five nearest provinces on PCI, PAPI and population in the
// latest year in which every province has all three.
func peerTable(ctx context.Context, store *datasets.Store, u datasets.Unit, lg string) ([][]string, string) {
	inds := []string{"pci", "papi", "population"}
	for year := time.Now().Year(); year >= 2006; year-- {
		m, err := yearMatrix(ctx, store, inds, year, u.Set, false)
		if err != nil || len(m.units) < m.of || m.of < 10 {
			continue
		}
		idx := -1
		for i, x := range m.units {
			if x.ID == u.ID {
				idx = i
			}
		}
		if idx < 0 {
			return nil, ""
		}
		peers, err := analytics.NearestPeers(m.data, idx, 5)
		if err != nil {
			return nil, ""
		}
		t := [][]string{{web.Text(lg, "province"), "PCI", "PAPI", web.Text(lg, "value") + " (population)", "distance"}}
		for _, pr := range peers {
			row := m.data.RawRowView(pr.Index)
			t = append(t, []string{unitName(m.units[pr.Index], lg), ftoa(row[0]), ftoa(row[1]), ftoa(row[2]), fmt.Sprintf("%.2f", pr.Distance)})
		}
		return t, fmt.Sprintf("PCI, PAPI, population %d; standardized, Euclidean distance", year)
	}
	return nil, ""
}

// handleCompare: 2–8 provinces side by side on one indicator: chart, table, trend statistics.
func (pg *pages) handleCompare() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		q := newQuery(r)
		if q.Get("indicator") == "" {
			q.Set("indicator", "pci")
		}
		lg := lang(q.Values)
		in := q.indicator("indicator", pg.store.Catalogue())
		d := pg.base(r, web.Text(lg, "compare"))
		d.Indicator, d.Provinces = in.ID, q.Get("provinces")
		provinces := q.provinces(pg.store.Registry())
		if q.err == nil && d.Provinces != "" && (len(provinces) < 2 || len(provinces) > 8) {
			q.keep(&paramError{Param: "provinces", Want: "2 to 8 provinces", Got: strconv.Itoa(len(provinces))})
		}
		if q.err != nil {
			d.Error = q.err.Error()
			pg.render(w, r, "compare.html", http.StatusBadRequest, d)
			return
		}
		if d.Provinces == "" {
			pg.render(w, r, "compare.html", http.StatusOK, d)
			return
		}
		d.Title = name(in, lg) + " — " + d.Provinces
		params := url.Values{"indicator": {in.ID}, "provinces": {d.Provinces}, "lang": {lg}}
		for i, kind := range []string{"line", "bump"} {
			b, err := pg.block(r.Context(), r, kind, params, fmt.Sprintf("chart%d", i))
			if err != nil {
				pg.fail(w, r, err)
				return
			}
			d.Charts = append(d.Charts, b)
		}
		p, err := loadPanel(r.Context(), pg.store, []string{in.ID}, 0, 0)
		if err != nil {
			pg.fail(w, r, err)
			return
		}
		d.Trends = [][]string{{web.Text(lg, "province"), web.Text(lg, "trend")}}
		for _, chain := range provinces {
			for _, u := range chain {
				if len(p.figures[in.ID][u.ID]) == 0 {
					continue
				}
				st := trendStatement(p, pg.store.Registry(), in, u, lg)
				d.Trends = append(d.Trends, []string{unitName(u, lg), st})
			}
		}
		pg.render(w, r, "compare.html", http.StatusOK, d)
	})
}

// handleEmbed: only the chart, responsive to its iframe, with its caption and a link to the data.
func (pg *pages) handleEmbed() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		kind := r.PathValue("chart")
		b, err := pg.block(r.Context(), r, kind, r.URL.Query(), "chart")
		if err != nil {
			pg.fail(w, r, err)
			return
		}
		var buf bytes.Buffer
		page := "/?" + r.URL.Query().Encode()
		if err := pg.tmpl.ExecuteTemplate(&buf, "embed.html", map[string]any{"Lang": b.Lang, "Chart": b, "Page": page}); err != nil {
			writeError(w, r, pg.logger, err)
			return
		}
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		w.Write(buf.Bytes())
	})
}

// handleChartFile serves /charts/{kind}.png, .svg and .csv: the static image for reports and
// the data behind the chart.
func (pg *pages) handleChartFile() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		file := r.PathValue("file")
		kind, ext, ok := strings.Cut(file, ".")
		if !ok || (ext != "png" && ext != "svg" && ext != "csv") {
			writeError(w, r, pg.logger, fmt.Errorf("no chart file %q (want {chart}.png, .svg or .csv): %w", file, datasets.ErrNotFound))
			return
		}
		q := newQuery(r)
		spec := parseChartSpec(kind, q, pg.store)
		if q.err != nil {
			writeError(w, r, pg.logger, q.err)
			return
		}
		if checkETag(w, r, pg.store.Version(), "chart-"+ext) {
			return
		}
		b, err := buildChart(r.Context(), pg.store, spec, "chart")
		if err != nil {
			writeError(w, r, pg.logger, err)
			return
		}
		if ext == "csv" {
			writeCSV(w, "chiso-"+kind+".csv", b.table[0], b.table[1:])
			return
		}
		var buf bytes.Buffer
		if err := charts.Render(&buf, b.input, ext, charts.Options{Lang: spec.lang}); err != nil {
			writeError(w, r, pg.logger, err)
			return
		}
		w.Header().Set("Content-Type", map[string]string{"png": "image/png", "svg": "image/svg+xml"}[ext])
		w.Write(buf.Bytes())
	})
}
