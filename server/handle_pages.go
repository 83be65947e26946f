package server

import (
	"bytes"
	"cmp"
	"context"
	"fmt"
	"html/template"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"chiso/datasets"
	"chiso/report"
	"chiso/web"
)

// pageData is what every page template gets.
type pageData struct {
	Lang, OtherLang, OtherURL string
	Title                     string
	Error                     string
	Query                     string // the province picker's text
	Notice                    string // a message in the page's language (not an error)
	Indicators                []indicatorOption
	Indicator                 string
	Year                      int
	Years                     []int
	Charts                    []chartBlock
	// overview
	MoversFrom           int
	Movers               bool
	MoversUp, MoversDown [][]string
	Units                string // the view: "" (as published) or "34"
	// profile
	Became                   string
	Unit                     datasets.Unit
	Validity                 string
	Predecessors, Successors []datasets.Unit
	Summary, Peers           [][]string
	PeersNote                string
	// compare
	Provinces string
	Trends    [][]string
	// composite
	Composite *compositeData
}

type indicatorOption struct{ ID, Name string }

// chartBlock is one chart on a page, with its caption, data table and links.
type chartBlock struct {
	ID, Kind, Lang                    string
	Short                             bool // a chart of provinces in rows with few rows: drawn less tall
	Caption                           struct{ Title, Subtitle, Source string }
	Option                            template.JS
	Table                             [][]string
	EmbedURL, EmbedAbs, PNG, SVG, CSV string
	PinnedAbs, Citation               string // the embed at its pinned (versioned) URL; how to cite the chart's data
}

// A page is a template to render with its data and status.
type page struct {
	name   string
	status int
	data   any
}

// A pageFunc reads a page request's parameters and returns how to compute the page.
type pageFunc func(q *query) func(ctx context.Context) (page, error)

// pages wraps a pageFunc: the page rendered whole before anything is written, kept in the
// cache; errors as an HTML page with the status errorStatus gives. Pages ignore parameters
// they do not know (shared links carry tracking parameters) and are not keyed on them.
func (rs *responder) pages(f pageFunc) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if rs.cached(w, r, true) {
			return
		}
		q := newQuery(r)
		run := f(q)
		rs.serve(w, r, q, "html", true, true, func(ctx context.Context, _ string) (response, error) {
			p, err := run(ctx)
			if err != nil {
				return response{}, err
			}
			var buf bytes.Buffer
			if err := rs.tmpl.ExecuteTemplate(&buf, p.name, p.data); err != nil {
				return response{}, fmt.Errorf("render %s: %w", p.name, err)
			}
			return response{status: cmp.Or(p.status, http.StatusOK), contentType: "text/html; charset=utf-8", body: buf.Bytes()}, nil
		})
	})
}

func (rs *responder) render(w http.ResponseWriter, r *http.Request, p page) {
	var buf bytes.Buffer
	if err := rs.tmpl.ExecuteTemplate(&buf, p.name, p.data); err != nil {
		rs.fail(w, r, fmt.Errorf("render %s: %w", p.name, err), false)
		return
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.WriteHeader(cmp.Or(p.status, http.StatusOK))
	w.Write(buf.Bytes())
}

// base is the data every page shares: languages, the link to the other language, indicators.
func (rs *responder) base(r *http.Request, lang, title string) pageData {
	other := map[string]string{"vi": "en", "en": "vi"}[lang]
	q := r.URL.Query()
	q.Set("lang", other)
	d := pageData{Lang: lang, OtherLang: other, OtherURL: r.URL.Path + "?" + q.Encode(), Title: title, Units: q.Get("units")}
	for _, in := range rs.store.Catalogue().All() {
		name := in.NameVI
		if lang == "en" {
			name = in.NameEN
		}
		d.Indicators = append(d.Indicators, indicatorOption{in.ID, name})
	}
	return d
}

// block builds one of a page's charts from its parameters.
func (rs *responder) block(ctx context.Context, r *http.Request, pc report.PageChart, id string) (chartBlock, error) {
	q := &query{Values: pc.Params, read: map[string]bool{}}
	spec := parseChartSpec(pc.Kind, q, rs.store)
	if q.err != nil {
		return chartBlock{}, q.err
	}
	return rs.chart(ctx, r, spec, q.recognised(), id)
}

// chart builds one chart and the links that go with it (params: the chart's parameters).
func (rs *responder) chart(ctx context.Context, r *http.Request, spec report.ChartSpec, params url.Values, id string) (chartBlock, error) {
	c, err := report.ChartOf(ctx, rs.store, spec, id)
	if err != nil {
		return chartBlock{}, err
	}
	return rs.blockOf(r, c, spec.Kind, spec.Lang, chartIndicators(spec), params, id)
}

// blockOf is a built chart as a page shows it, with the links to its embed, image and data.
func (rs *responder) blockOf(r *http.Request, c report.Chart, kind, lang string, indicators []string, params url.Values, id string) (chartBlock, error) {
	js, err := c.OptionJSON()
	if err != nil {
		return chartBlock{}, err
	}
	qs := params.Encode()
	pin := pinnedPrefix(r) // links from a pinned page stay pinned
	b := chartBlock{
		ID: id, Kind: kind, Lang: lang, Option: template.JS(js), Table: append([][]string{c.Table.Header}, c.Table.Rows...),
		EmbedURL: pin + "/embed/" + kind + "?" + qs, EmbedAbs: origin(r) + pin + "/embed/" + kind + "?" + qs,
		PNG: pin + "/charts/" + kind + ".png?" + qs, SVG: pin + "/charts/" + kind + ".svg?" + qs, CSV: pin + "/charts/" + kind + ".csv?" + qs,
		PinnedAbs: origin(r) + "/v/" + rs.store.Version() + "/embed/" + kind + "?" + qs,
		Citation:  rs.store.Citation(rs.store.Version(), indicators, time.Now()),
	}
	b.Caption.Title, b.Caption.Subtitle, b.Caption.Source = c.Caption.Title, c.Caption.Subtitle, c.Caption.Source
	b.Short = (kind == "interval" || kind == "ranking") && len(c.Table.Rows) < 15
	return b, nil
}

// blocks builds a page's charts.
func (rs *responder) blocks(ctx context.Context, r *http.Request, pcs []report.PageChart) ([]chartBlock, error) {
	var out []chartBlock
	for i, pc := range pcs {
		b, err := rs.block(ctx, r, pc, fmt.Sprintf("chart%d", i))
		if err != nil {
			return nil, err
		}
		out = append(out, b)
	}
	return out, nil
}

// handleOverview: pick an indicator and a year → ranking bar and tile map, with the top movers.
func (rs *responder) handleOverview() pageFunc {
	return func(q *query) func(ctx context.Context) (page, error) {
		in := q.indicatorOr("indicator", "pci", rs.store.Catalogue())
		year, lang, vw := q.year("year"), q.lang(), q.view()
		return func(ctx context.Context) (page, error) {
			r := q.r
			v, err := report.OverviewOf(ctx, rs.store, vw, in, year, lang)
			if err != nil {
				return page{}, err
			}
			d := rs.base(r, lang, report.IndicatorName(in, lang)+" "+strconv.Itoa(v.Year))
			d.Indicator, d.Year, d.Years = in.ID, v.Year, v.Years
			if d.Charts, err = rs.blocks(ctx, r, v.Charts); err != nil {
				return page{}, err
			}
			if v.Movers != nil {
				d.Movers, d.MoversFrom, d.MoversUp, d.MoversDown = true, v.Movers.FromYear, v.MoversUp, v.MoversDown
			}
			return page{name: "overview.html", data: d}, nil
		}
	}
}

// handleProfile: every indicator for one province, its trend statements, rank history, its
// region's median and its peers.
func (rs *responder) handleProfile() pageFunc {
	return func(q *query) func(ctx context.Context) (page, error) {
		lang, vw := q.lang(), q.view()
		return func(ctx context.Context) (page, error) {
			r := q.r
			units, err := rs.store.Registry().Lookup(r.PathValue("code"))
			if err != nil {
				return page{}, err
			}
			v, err := report.ProfileOf(ctx, rs.store, vw, report.Current(units, time.Now()), lang)
			if err != nil {
				return page{}, err
			}
			d := rs.base(r, lang, report.UnitName(v.Unit, lang))
			d.Unit, d.Validity, d.Predecessors, d.Successors, d.Became, d.Units = v.Unit, v.Validity, v.Predecessors, v.Successors, v.Became, v.View.Set
			d.Summary, d.Peers, d.PeersNote = v.Summary, v.Peers, v.PeersNote
			if d.Charts, err = rs.blocks(ctx, r, v.Charts); err != nil {
				return page{}, err
			}
			return page{name: "profile.html", data: d}, nil
		}
	}
}

// handleComparePage: 2–8 provinces side by side on one indicator: chart, table, trend statistics.
func (rs *responder) handleComparePage() pageFunc {
	return func(q *query) func(ctx context.Context) (page, error) {
		lang := q.lang()
		in := q.indicatorOr("indicator", "pci", rs.store.Catalogue())
		given := q.get("provinces")
		provinces := q.provinces(rs.store.Registry())
		vw := q.view()
		if q.err == nil && given != "" && (len(provinces) < 2 || len(provinces) > 8) {
			q.keep(&report.ParamError{Param: "provinces", Want: "2 to 8 provinces", Got: strconv.Itoa(len(provinces))})
		}
		bad := q.err
		q.err = nil // a bad province list is shown on the page, with the form
		return func(ctx context.Context) (page, error) {
			d := rs.base(q.r, lang, web.Text(lang, "compare"))
			d.Indicator, d.Provinces = in.ID, given
			if bad != nil {
				d.Error = bad.Error()
				status, _ := errorStatus(bad)
				return page{name: "compare.html", status: status, data: d}, nil
			}
			if given == "" {
				return page{name: "compare.html", data: d}, nil
			}
			var names []string
			for _, chain := range provinces {
				names = append(names, report.UnitName(chain[0], lang))
			}
			d.Title = report.IndicatorName(in, lang) + " — " + strings.Join(names, ", ")
			params := viewParams(url.Values{"indicator": {in.ID}, "provinces": {given}, "lang": {lang}}, vw)
			var err error
			if d.Charts, err = rs.blocks(ctx, q.r, []report.PageChart{{Kind: "line", Params: params}, {Kind: "bump", Params: params}}); err != nil {
				return page{}, err
			}
			if d.Trends, err = report.CompareTrends(ctx, rs.store, vw, in, provinces, lang); err != nil {
				return page{}, err
			}
			return page{name: "compare.html", data: d}, nil
		}
	}
}

// viewParams adds the view (units, agg) to a chart's parameters.
func viewParams(params url.Values, vw report.View) url.Values {
	if vw.Set != "" {
		params.Set("units", vw.Set)
	}
	if vw.Agg != "" {
		params.Set("agg", vw.Agg)
	}
	return params
}

// handleEmbed: only the chart, responsive to its iframe, with its caption and a link to the data.
func (rs *responder) handleEmbed() pageFunc {
	return func(q *query) func(ctx context.Context) (page, error) {
		spec := parseChartSpec(q.r.PathValue("chart"), q, rs.store)
		params := q.recognised()
		return func(ctx context.Context) (page, error) {
			b, err := rs.chart(ctx, q.r, spec, params, "chart")
			if err != nil {
				return page{}, err
			}
			data := map[string]any{"Lang": b.Lang, "Chart": b, "Page": pinnedPrefix(q.r) + "/?" + params.Encode()}
			if pin := pinnedPrefix(q.r); pin != "" && rs.latest.Version() != rs.store.Version() {
				data["Newer"], data["Current"] = stripPin(q.r), rs.latest.Version() // newer data exists: link to the unpinned chart
			}
			return page{name: "embed.html", data: data}, nil
		}
	}
}

// chartIndicators are the ids of the indicators a chart shows.
func chartIndicators(s report.ChartSpec) []string {
	var out []string
	for _, id := range []string{s.Indicator.ID, s.X.ID, s.Y.ID} {
		if id != "" {
			out = append(out, id)
		}
	}
	return out
}

// handleChartFile serves /charts/{kind}.png, .svg and .csv: the static image for reports and
// the data behind the chart.
func (rs *responder) handleChartFile() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if rs.cached(w, r, false) {
			return
		}
		q := newQuery(r)
		name := r.PathValue("file")
		kind, ext, ok := strings.Cut(name, ".")
		if !ok || (ext != "png" && ext != "svg" && ext != "csv" && ext != "json") {
			q.keep(fmt.Errorf("no chart file %s (want {chart}.png, .svg, .csv or .json): %w", report.Quote(name), datasets.ErrNotFound))
		}
		spec := parseChartSpec(kind, q, rs.store)
		rs.serve(w, r, q, ext, false, ext == "png" || ext == "svg", func(ctx context.Context, _ string) (response, error) {
			c, err := report.ChartOf(ctx, rs.store, spec, "chart")
			if err != nil {
				return response{}, err
			}
			switch ext {
			case "csv":
				return csvResponse(c.Table), nil
			case "json": // the ECharts option, for those who draw the chart themselves
				js, err := c.OptionJSON()
				if err != nil {
					return response{}, err
				}
				return response{contentType: "application/json; charset=utf-8", body: js}, nil
			}
			var buf bytes.Buffer
			if err := c.Render(&buf, ext, spec.Lang); err != nil {
				return response{}, err
			}
			return response{contentType: map[string]string{"png": "image/png", "svg": "image/svg+xml"}[ext], body: buf.Bytes()}, nil
		})
	})
}

// parseChartSpec reads a chart's parameters.
func parseChartSpec(kind string, q *query, store *datasets.Store) report.ChartSpec {
	cat := store.Catalogue()
	s := report.ChartSpec{Kind: kind, Lang: q.lang()}
	if !report.IsChartKind(kind) {
		q.keep(fmt.Errorf("no chart %s: %w", report.Quote(kind), datasets.ErrNotFound))
		return s
	}
	switch kind {
	case "scatter":
		s.X, s.Y = q.indicator("x", cat), q.indicator("y", cat)
	case "radar":
		s.Indicator = q.indicatorOr("indicator", "dti", cat) // the index whose pillars the radar shows
	case "interval":
		compositeFromQuery(q, cat, &s.Composite)
		if q.err == nil {
			q.keep(s.Composite.Check(cat))
		}
		return s
	default:
		s.Indicator = q.indicator("indicator", cat)
	}
	s.Provinces = q.provinces(store.Registry())
	s.From, s.To = q.yearRange()
	s.Year = q.year("year")
	s.View = q.view()
	s.Trend = q.boolean("trend", false)
	s.Ranks = q.choice("measure", "rank", "rank", "value") == "rank"
	if kind == "line" && len(s.Provinces) > 8 {
		q.keep(&report.ParamError{Param: "provinces", Want: "at most 8 provinces", Got: strconv.Itoa(len(s.Provinces))})
	}
	if kind == "radar" && len(s.Provinces) > 4 {
		q.keep(&report.ParamError{Param: "provinces", Want: "at most 4 provinces", Got: strconv.Itoa(len(s.Provinces))})
	}
	return s
}
