package server

import (
	"encoding/json"
	"fmt"
	"net/url"
	"reflect"
	"strings"

	"chiso/datasets"
	"chiso/openapi"
	"chiso/report"
)

// An apiRoute documents one route of addRoutes: the hand-written part of the OpenAPI document
// (what a route is for and which parameters it reads). The response schemas are generated from
// the Go types of the views (view) by package openapi, so that they follow the code.
type apiRoute struct {
	method, pattern string // as addRoutes registers it
	id, tag         string
	summary, desc   string
	params          []*openapi.Parameter
	view            any      // a value of the view a JSON API route returns in the envelope
	raw             any      // a value of what a JSON route writes without the envelope
	body            any      // a value of the type a POST reads from its JSON body
	media           []string // what a non-JSON route writes ("text/html", "image/png", …)
	heavy           bool     // may answer 503 when the server is busy
	proxy           bool     // answers as the route its path names does (pinned URLs): checked through that route
	notFound        bool     // may answer 404 (a path parameter names nothing)
	// examples are request URIs that the docs page links to and the tests request: each must
	// answer 200 against the bundled data.
	examples []string
}

// openAPIPath is the route's path in the document: chi's {name} as it is, a trailing * as {path}.
func (a apiRoute) openAPIPath() string {
	if p, ok := strings.CutSuffix(a.pattern, "/*"); ok {
		return p + "/{path}"
	}
	return a.pattern
}

// Parameter makers. Limits are those params.go and the handlers enforce.

func qp(name, desc string, s *openapi.Schema) *openapi.Parameter {
	return &openapi.Parameter{Name: name, In: "query", Description: desc, Schema: s}
}

func required(p *openapi.Parameter) *openapi.Parameter { p.Required = true; return p }

func str() *openapi.Schema { return &openapi.Schema{Type: openapi.Types{"string"}} }

func enum(def string, values ...string) *openapi.Schema {
	s := str()
	for _, v := range values {
		s.Enum = append(s.Enum, v)
	}
	if def != "" {
		s.Default = def
	}
	return s
}

func intRange(def, lo, hi int) *openapi.Schema {
	s := &openapi.Schema{Type: openapi.Types{"integer"}, Minimum: new(float64(lo)), Maximum: new(float64(hi))}
	if def != 0 {
		s.Default = def
	}
	return s
}

func boolean(def bool) *openapi.Schema {
	return &openapi.Schema{Type: openapi.Types{"boolean"}, Default: def,
		Description: `also accepted: "1"/"0", "yes"/"no"`}
}

func yearParam(name, desc string) *openapi.Parameter {
	return qp(name, desc, intRange(0, minYear, maxYear))
}

func indicatorParam(name, desc string, ids []string) *openapi.Parameter {
	return qp(name, desc, enum("", ids...))
}

func indicatorListParam(name, desc string, ids []string) *openapi.Parameter {
	return qp(name, fmt.Sprintf("%s Comma-separated indicator ids, at most %d: %s.", desc, maxIndicators, strings.Join(ids, ", ")), str())
}

func provincesParam(desc string) *openapi.Parameter {
	return qp("provinces", desc+fmt.Sprintf(" Comma-separated codes (93), slugs (hau-giang), ids (vn63.93) or names in any spelling (Hậu Giang, Hau Giang), each at most %d characters; \"all\" or absent: every unit. A code may name different units before and after 2025-07-01; all of them are taken.", maxNameLen), str())
}

// viewParamDocs are units and agg (params.go view): which figures a view shows.
func viewParamDocs() []*openapi.Parameter {
	return []*openapi.Parameter{
		qp("units", "Only the units of one set: the 63 provinces before 2025-07-01 or the 34 after.", enum("", datasets.Set63, datasets.Set34)),
		qp("agg", "With units=34: derive the 34 units' indices from their predecessors weighted by population.", enum("", report.AggPopulation)),
	}
}

func formatParam() *openapi.Parameter {
	return qp("format", `"csv" writes the view's table as CSV (also chosen by "Accept: text/csv"); a view without a table refuses it with 400.`, enum("json", "json", "csv"))
}

func langParam() *openapi.Parameter {
	return qp("lang", "Language of names and words.", enum("vi", "vi", "en"))
}

func pathParam(name, desc string) *openapi.Parameter {
	return &openapi.Parameter{Name: name, In: "path", Required: true, Description: desc, Schema: str()}
}

// chartParams are what parseChartSpec reads.
func chartParams(ids []string) []*openapi.Parameter {
	return append([]*openapi.Parameter{
		indicatorParam("indicator", "The indicator (required except for scatter, which takes x and y, and radar, whose index defaults to dti).", ids),
		indicatorParam("x", "scatter: the indicator on the x axis.", ids),
		indicatorParam("y", "scatter: the indicator on the y axis.", ids),
		provincesParam("The provinces drawn (line: at most 8, radar: at most 4)."),
		yearParam("from", "First year."),
		yearParam("to", "Last year (≥ from)."),
		yearParam("year", "The year (ranking, map, scatter, radar; default: the latest with figures)."),
		qp("trend", "Draw each series' trend line.", boolean(false)),
		qp("measure", "bump: plot ranks or values.", enum("rank", "rank", "value")),
		langParam(),
	}, viewParamDocs()...)
}

// apiRoutes is the document's table of routes: every route addRoutes registers.
func apiRoutes(store *datasets.Store) []apiRoute {
	ids := store.Catalogue().IDs()
	obsParams := append([]*openapi.Parameter{
		indicatorListParam("indicator", "The indicators (absent: all).", ids),
		provincesParam("The provinces."),
		yearParam("from", "First year (absent: open)."),
		yearParam("to", "Last year (≥ from; absent: open)."),
		formatParam(),
	}, viewParamDocs()...)
	compositeParams := []*openapi.Parameter{
		indicatorListParam("indicators", "The composite's indicators (absent: the digital-readiness set "+strings.Join(report.ReadinessSet, ", ")+").", ids),
		yearParam("year", "The year (absent: the latest year every indicator has)."),
		qp("normalization", "How each indicator is rescaled.", enum("minmax", "minmax", "zscore")),
		qp("aggregation", "How the rescaled indicators are combined.", enum("arithmetic", "arithmetic", "geometric")),
		qp("weights", "Positive weights, comma-separated, one per indicator (absent: equal).", str()),
		qp("draws", "Monte Carlo draws for the rank intervals.", intRange(1000, 0, report.MaxDraws)),
		qp("seed", "Seed of the draws (a non-negative integer; default 1): the same request gives the same intervals.", &openapi.Schema{Type: openapi.Types{"integer"}, Minimum: new(0.0)}),
		qp("concentration", "Dirichlet concentration of the weights' draws (a positive number, default 20).", &openapi.Schema{Type: openapi.Types{"number"}}),
		qp("vary_normalization", "Whether the draws also vary the normalisation.", boolean(true)),
		qp("partial", "Score provinces on the inputs they have, weights renormalised.", boolean(false)),
		qp("units", "Only the units of one set.", enum("", datasets.Set63, datasets.Set34)),
		qp("directions", `Directions for indicators the catalogue gives none, comma-separated "indicator:higher" or "indicator:lower".`, str()),
		formatParam(),
	}
	routes := []apiRoute{
		{method: "GET", pattern: "/healthz", id: "healthz", tag: "service", summary: "Health",
			desc: "200 with the dataset version once the store is open.", raw: health{},
			examples: []string{"/healthz"}},
		{method: "GET", pattern: "/api/v1/provinces", id: "listProvinces", tag: "data", summary: "Provinces in force",
			desc:   "The units in force on as_of: the 63 provinces until 2025-06-30, the 34 from 2025-07-01.",
			params: []*openapi.Parameter{qp("as_of", "A year (its last day) or a date; absent: today.", &openapi.Schema{Type: openapi.Types{"string"}, Pattern: `^[0-9]{4}(-[0-9]{2}-[0-9]{2})?$`}), formatParam()},
			view:   report.Provinces{}, examples: []string{"/api/v1/provinces", "/api/v1/provinces?as_of=2024"}},
		{method: "GET", pattern: "/api/v1/provinces/{code}", id: "getProvince", tag: "data", summary: "One province",
			desc: "A unit with its validity, predecessors and successors, and the units that share its code or name at other times.",
			params: []*openapi.Parameter{pathParam("code", "A code, slug, id or name."),
				qp("as_of", "Picks among units that share the code (a year or a date); absent: today, else the latest. With as_of, a unit not in force then is 404.", &openapi.Schema{Type: openapi.Types{"string"}, Pattern: `^[0-9]{4}(-[0-9]{2}-[0-9]{2})?$`}), formatParam()},
			view: report.Province{}, notFound: true, examples: []string{"/api/v1/provinces/93", "/api/v1/provinces/15?as_of=2024", "/api/v1/provinces/lao-cai"}},
		{method: "GET", pattern: "/api/v1/indicators", id: "listIndicators", tag: "data", summary: "Indicator catalogue",
			desc:   "Every indicator with its publisher, scale, direction, methodology and publication breaks.",
			params: []*openapi.Parameter{formatParam()}, view: report.Indicators{}, examples: []string{"/api/v1/indicators"}},
		{method: "GET", pattern: "/api/v1/observations", id: "listObservations", tag: "data", summary: "Figures",
			desc:   "The preferred figure of each (indicator, unit, year) with the other sources' figures beside it; with indicators, provinces and both years given, the requested keys without a figure are listed as missing.",
			params: obsParams, view: report.Observations{},
			examples: []string{"/api/v1/observations?indicator=pci&provinces=93,92&from=2017&to=2021", "/api/v1/observations?indicator=dti&units=34&agg=population&from=2024&to=2024&provinces=can-tho"}},
		{method: "GET", pattern: "/api/v1/trends", id: "listTrends", tag: "analysis", summary: "Trends",
			desc: "Each province's trend on each indicator (Theil–Sen slope with its 95% interval, within the indicator's methodology window unless across_breaks).",
			params: append([]*openapi.Parameter{indicatorListParam("indicator", "The indicators (absent: all).", ids), provincesParam("The provinces."),
				yearParam("from", "First year."), yearParam("to", "Last year (≥ from)."), qp("across_breaks", "Fit across methodology breaks.", boolean(false)), formatParam()}, viewParamDocs()...),
			view: report.Trends{}, examples: []string{"/api/v1/trends?indicator=pci&provinces=93"}},
		{method: "GET", pattern: "/api/v1/rankings", id: "getRanking", tag: "analysis", summary: "Ranking",
			desc: "One indicator's ranking for a year, with movers since from_year.",
			params: append([]*openapi.Parameter{required(indicatorParam("indicator", "The indicator.", ids)), required(yearParam("year", "The year.")),
				yearParam("from_year", "Movers since this year."), qp("derived", "Rank derived figures too (units=34).", boolean(false)),
				qp("top", "Movers listed each way.", intRange(10, 1, 100)), formatParam()}, viewParamDocs()...),
			view: report.Ranking{}, examples: []string{"/api/v1/rankings?indicator=pci&year=2021", "/api/v1/rankings?indicator=pci&year=2021&from_year=2017&top=5"}},
		{method: "GET", pattern: "/api/v1/compare", id: "compare", tag: "analysis", summary: "Compare provinces",
			desc: "Provinces side by side on one indicator and year, with their gaps to a target.",
			params: append([]*openapi.Parameter{required(indicatorParam("indicator", "The indicator.", ids)), required(yearParam("year", "The year.")),
				required(provincesParam("The provinces (one or more).")), qp("target", "A target value to measure gaps to.", &openapi.Schema{Type: openapi.Types{"number"}}), formatParam()}, viewParamDocs()...),
			view: report.Comparison{}, examples: []string{"/api/v1/compare?indicator=pci&year=2021&provinces=93,92,94"}},
		{method: "GET", pattern: "/api/v1/correlations", id: "correlations", tag: "analysis", summary: "Correlations",
			desc: "Correlation of two indicators (x, y) or of a set (indicators) across provinces in a year.",
			params: append([]*openapi.Parameter{required(yearParam("year", "The year.")), indicatorParam("x", "First indicator of a pair.", ids), indicatorParam("y", "Second indicator of a pair.", ids),
				indicatorListParam("indicators", "A set of at least 2 indicators (instead of x and y).", ids), formatParam()}, viewParamDocs()...),
			view: report.Correlations{}, examples: []string{"/api/v1/correlations?x=pci&y=papi&year=2016", "/api/v1/correlations?indicators=pci,papi,par_index&year=2016"}},
		{method: "GET", pattern: "/api/v1/peers", id: "peers", tag: "analysis", summary: "Peers",
			desc: "A province's nearest peers on a set of indicators, and the principal components of the year.",
			params: append([]*openapi.Parameter{required(indicatorListParam("indicators", "At least 1 indicator.", ids)), required(yearParam("year", "The year.")),
				qp("province", "The province whose peers are listed (in force that year).", str()), qp("k", "Peers listed.", intRange(5, 1, 62)), formatParam()}, viewParamDocs()...),
			view: report.Peers{}, examples: []string{"/api/v1/peers?indicators=pci,papi&year=2016&province=93&k=3"}},
		{method: "GET", pattern: "/api/v1/composite", id: "composite", tag: "analysis", summary: "Composite index",
			desc:   "A composite index with Monte Carlo rank intervals (OECD–JRC Handbook).",
			params: compositeParams, view: report.Composite{}, heavy: true,
			examples: []string{"/api/v1/composite?indicators=pci,papi&year=2016&draws=50"}},
		{method: "POST", pattern: "/api/v1/composite", id: "compositePost", tag: "analysis", summary: "Composite index (JSON body)",
			desc:   fmt.Sprintf("The same composite from a JSON body of at most %d KiB.", maxBody>>10),
			params: []*openapi.Parameter{formatParam()}, body: report.CompositeSpec{}, view: report.Composite{}, heavy: true},
		{method: "GET", pattern: "/api/v1/sql", id: "sql", tag: "data", summary: "Read-only SQL",
			desc:   fmt.Sprintf("One SELECT (or WITH … SELECT) over the views %s, on a read-only snapshot of the current dataset version. At most %d rows (truncated says whether more were cut; CSV carries it in the %s header); stopped after %s.", strings.Join(datasets.SQLViews, ", "), sqlMaxRows, sqlTruncatedHeader, sqlTimeout),
			params: []*openapi.Parameter{required(qp("q", "The query.", &openapi.Schema{Type: openapi.Types{"string"}, MaxLength: new(maxSQL)})), formatParam()},
			view:   sqlView{}, heavy: true,
			examples: []string{"/api/v1/sql?q=" + urlQuery("SELECT unit_code, name_vi, value, rank FROM observations_v WHERE indicator = 'pci' AND year = 2021 AND preferred ORDER BY rank LIMIT 5")}},
		{method: "GET", pattern: "/api/v1/openapi.json", id: "openapi", tag: "service", summary: "This document",
			desc: "The OpenAPI 3.1 document of chiso's API.", media: []string{"application/json"}, examples: []string{"/api/v1/openapi.json"}},
		{method: "GET", pattern: "/charts/{file}", id: "chartFile", tag: "charts", summary: "Chart image or data",
			desc:   "A chart as PNG or SVG for reports, or the data behind it as CSV: {file} is {kind}.png, .svg or .csv, kind one of " + strings.Join(report.ChartKinds(), ", ") + ".",
			params: append([]*openapi.Parameter{pathParam("file", "{kind}.png, {kind}.svg or {kind}.csv.")}, chartParams(ids)...),
			media:  []string{"image/png", "image/svg+xml", "text/csv"}, heavy: true, notFound: true,
			examples: []string{"/charts/ranking.png?indicator=pci&year=2021", "/charts/line.svg?indicator=pci&provinces=93,92", "/charts/map.csv?indicator=pci&year=2021", "/charts/scatter.svg?x=pci&y=papi&year=2016"}},
		{method: "GET", pattern: "/", id: "overviewPage", tag: "pages", summary: "Overview page",
			desc:   "An indicator's ranking and map for a year, with the biggest movers.",
			params: append([]*openapi.Parameter{indicatorParam("indicator", "The indicator (default pci).", ids), yearParam("year", "The year (default: the latest)."), langParam()}, viewParamDocs()...),
			media:  []string{"text/html"}, heavy: true, examples: []string{"/", "/?indicator=dti&year=2023&lang=en"}},
		{method: "GET", pattern: "/provinces/{code}", id: "profilePage", tag: "pages", summary: "Province page",
			desc:   "Every indicator for one province: trend statements, rank history, region median, peers.",
			params: append([]*openapi.Parameter{pathParam("code", "A code, slug, id or name."), langParam()}, viewParamDocs()...),
			media:  []string{"text/html"}, heavy: true, notFound: true, examples: []string{"/provinces/hau-giang"}},
		{method: "GET", pattern: "/compare", id: "comparePage", tag: "pages", summary: "Compare page",
			desc:   "2 to 8 provinces side by side on one indicator.",
			params: append([]*openapi.Parameter{indicatorParam("indicator", "The indicator (default pci).", ids), provincesParam("2 to 8 provinces."), langParam()}, viewParamDocs()...),
			media:  []string{"text/html"}, heavy: true, examples: []string{"/compare", "/compare?indicator=pci&provinces=93,92"}},
		{method: "GET", pattern: "/sql", id: "sqlPage", tag: "pages", summary: "SQL page",
			desc:   "A query box over the SQL views, with their columns, and the result of q.",
			params: []*openapi.Parameter{qp("q", "The query.", &openapi.Schema{Type: openapi.Types{"string"}, MaxLength: new(maxSQL)}), langParam()},
			media:  []string{"text/html"}, heavy: true, examples: []string{"/sql", "/sql?lang=en&q=" + urlQuery("SELECT * FROM units_v LIMIT 3")}},
		{method: "GET", pattern: "/api/docs", id: "docsPage", tag: "pages", summary: "API documentation page",
			desc:   "This document as a page.",
			params: []*openapi.Parameter{langParam()}, media: []string{"text/html"}, examples: []string{"/api/docs", "/api/docs?lang=en"}},
		{method: "GET", pattern: "/embed/{chart}", id: "embedPage", tag: "pages", summary: "Embeddable chart",
			desc:   "Only the chart, for an iframe, with its caption and a link to its data. {chart} is one of " + strings.Join(report.ChartKinds(), ", ") + ".",
			params: append([]*openapi.Parameter{pathParam("chart", "The chart kind.")}, chartParams(ids)...),
			media:  []string{"text/html"}, heavy: true, notFound: true, examples: []string{"/embed/ranking?indicator=pci&year=2021", "/embed/scatter?x=pci&y=papi&year=2016"}},
		{method: "GET", pattern: "/api/v1/datasets", id: "datasets", tag: "data", summary: "The dataset",
			desc: "Every indicator with its publisher, years and coverage grid, the sources, the dataset version, the citation, the download links and the snippets that load them.",
			view: report.Datasets{}, examples: []string{"/api/v1/datasets"}},
		{method: "GET", pattern: "/api/v1/datasets/versions", id: "datasetVersions", tag: "data", summary: "Dataset versions",
			desc:   "The versions loaded (when, what changed per indicator) and which are served at pinned URLs /v/{version}/….",
			params: []*openapi.Parameter{formatParam()}, view: report.VersionHistory{}, examples: []string{"/api/v1/datasets/versions"}},
		{method: "GET", pattern: "/datasets", id: "datasetsPage", tag: "pages", summary: "Data and downloads page",
			desc:   "The dataset page: coverage, sources, downloads, citation and load snippets.",
			params: []*openapi.Parameter{langParam()}, media: []string{"text/html"}, heavy: true, examples: []string{"/datasets", "/datasets?lang=en"}},
		{method: "GET", pattern: "/v/{version}/*", id: "pinned", tag: "data", summary: "Pinned URLs",
			desc:   "Any GET route of this document, answered from exactly that dataset version while it is kept (404 for an unknown version, 410 for one no longer kept), with a long immutable Cache-Control.",
			params: []*openapi.Parameter{pathParam("version", "The dataset version."), pathParam("path", "The route and its query, as without the prefix.")},
			media:  []string{"application/json", "text/html", "text/csv"}, notFound: true, proxy: true,
			examples: []string{"/v/" + store.Version() + "/api/v1/indicators", "/v/" + store.Version() + "/embed/ranking?indicator=pci&year=2021"}},
		{method: "GET", pattern: "/composite", id: "compositePage", tag: "pages", summary: "Composite page",
			desc:   "Build a composite index: indicators, weights (sliders), year, normalisation and aggregation; scores, ranks and 5–95% rank intervals, and who is not scored and why. The plain form (ind=…, w.{id}=…) redirects (303) to these parameters.",
			params: append(append([]*openapi.Parameter{}, compositeParams[:len(compositeParams)-1]...), langParam()),
			media:  []string{"text/html"}, heavy: true, examples: []string{"/composite", "/composite?indicators=pci,papi&year=2016&lang=en"}},
		{method: "GET", pattern: "/go", id: "goProvince", tag: "pages", summary: "Province picker",
			desc:   "q: any spelling of a province's name, code or slug: a redirect (303) to its page, resolved as the API resolves names; lang keeps the language.",
			params: []*openapi.Parameter{qp("q", "The province.", str()), langParam()},
			media:  []string{"text/html"}, proxy: true},
		{method: "GET", pattern: "/assets/*", id: "asset", tag: "pages", summary: "Static files",
			desc:   "chiso.css, chiso.js and vendor/echarts.min.js.",
			params: []*openapi.Parameter{pathParam("path", "The file's path.")},
			media:  []string{"text/css", "text/javascript"}, notFound: true, examples: []string{"/assets/chiso.css"}},
	}
	for _, ext := range []string{"csv", "json", "parquet", "xlsx", "zip"} {
		dl := apiRoute{method: "GET", pattern: "/datasets/download." + ext, id: "download_" + ext, tag: "data", summary: "Download (" + ext + ")",
			desc:  "The figures an observations query selects (.zip: the whole dataset with a datapackage.json, README and CITATION.cff), in a file named for its indicators and the dataset version.",
			media: []string{datasets.ContentType(ext)}, heavy: true, examples: []string{"/datasets/download." + ext}}
		if ext == "json" {
			dl.media, dl.raw = nil, map[string]any{}
		}
		if ext != "zip" {
			dl.params = append(append([]*openapi.Parameter{}, obsParams[:4]...), viewParamDocs()...)
			dl.params = append(dl.params, qp("sources", "all: every source's figure, one row each.", enum("preferred", "preferred", "all")))
			if ext == "csv" {
				dl.params = append(dl.params, qp("excel", "vn: ';' between fields and a decimal comma, for Excel in Vietnamese.", enum("", "vn")))
			}
			dl.examples = append(dl.examples, "/datasets/download."+ext+"?indicator=grdp_growth&provinces=93&sources=all")
		}
		routes = append(routes, dl)
	}
	return routes
}

// health is what /healthz writes (handleHealthz).
type health struct {
	Status         string `json:"status"`
	DatasetVersion string `json:"dataset_version"`
}

// urlQuery escapes s for a query string.
func urlQuery(s string) string { return url.QueryEscape(s) }

// buildDocument makes the OpenAPI document of routes.
func buildDocument(routes []apiRoute) *openapi.Document {
	g := openapi.NewGenerator()
	errSchema := g.Named(reflect.TypeFor[errorBody](), "Error")
	e := g.Schemas[errSchema.RefName()]
	e.Description = "Every error: status \"error\", the kind, a message saying what was expected and what was found; parameter names the query parameter at fault (400); problems list an ingest's rows at fault."
	e.Properties.Get("status").Const = "error"
	e.Properties.Get("error_type").Enum = []any{"bad_data", "not_found", "unavailable", "internal"}
	errJSON := map[string]openapi.MediaType{"application/json": {Schema: errSchema}}
	doc := &openapi.Document{
		OpenAPI: openapi.Version,
		Info: openapi.Info{Title: "chiso", Version: "1",
			Description: "Indicators of Vietnam's provinces: PCI, PAR Index, DTI and its pillars, PAPI, GRDP growth; every figure with its source. " +
				"A JSON view comes in an envelope: {\"status\": \"success\", \"dataset_version\": …, the view's fields}. Views with a table also come as CSV (format=csv or Accept: text/csv); " +
				"the others refuse format=csv with 400. An unknown parameter is a 400 naming it. Errors are {\"status\": \"error\", \"error_type\", \"error\", \"parameter\", \"problems\"}: " +
				"400 bad input, 404 nothing by that name, 405 a method the route does not take, 414 a request URI over 8 KiB, 503 busy (with Retry-After). " +
				"Responses carry an ETag of the dataset version and the request; If-None-Match answers 304. Every GET route also answers HEAD."},
		Paths: map[string]*openapi.PathItem{},
		Components: openapi.Components{Schemas: g.Schemas, Responses: map[string]*openapi.Response{
			"BadRequest":       {Description: "Bad input: a parameter (named in parameter) or a body that is not what the route expects.", Content: errJSON},
			"NotFound":         {Description: "Nothing by that name.", Content: errJSON},
			"MethodNotAllowed": {Description: "The route does not take this method.", Content: errJSON},
			"URITooLong":       {Description: fmt.Sprintf("The request URI is longer than %d bytes.", maxURL), Content: errJSON},
			"Unavailable":      {Description: "Busy: retry after the seconds Retry-After gives.", Content: errJSON, Headers: map[string]*openapi.Header{"Retry-After": {Schema: &openapi.Schema{Type: openapi.Types{"integer"}}}}},
			"Internal":         {Description: "An internal error, logged with the request id.", Content: errJSON},
		}},
	}
	for _, t := range []struct{ name, desc string }{
		{"data", "Figures, provinces, indicators and SQL"},
		{"analysis", "Trends, rankings, comparisons, correlations, peers, composites"},
		{"charts", "Chart images and their data"},
		{"pages", "HTML pages"},
		{"service", "Health and this document"},
	} {
		doc.Tags = append(doc.Tags, openapi.Tag{Name: t.name, Description: t.desc})
	}
	ref := func(name string) *openapi.Response { return &openapi.Response{Ref: "#/components/responses/" + name} }
	for _, rt := range routes {
		op := &openapi.Operation{OperationID: rt.id, Summary: rt.summary, Description: rt.desc, Tags: []string{rt.tag},
			Parameters: rt.params, Responses: map[string]*openapi.Response{}}
		ok := &openapi.Response{Description: "OK", Content: map[string]openapi.MediaType{}}
		switch {
		case rt.view != nil:
			t := reflect.TypeOf(rt.view)
			name := t.Name() + "Response"
			g.Schemas[name] = g.Object(t,
				openapi.Prop{Name: "status", Schema: &openapi.Schema{Type: openapi.Types{"string"}, Const: "success"}},
				openapi.Prop{Name: "dataset_version", Schema: &openapi.Schema{Type: openapi.Types{"string"}, Description: "content hash of the data loaded: cite it with a figure"}})
			ok.Content["application/json"] = openapi.MediaType{Schema: openapi.Ref(name)}
			if _, tabular := rt.view.(report.Tabler); tabular {
				ok.Content["text/csv"] = openapi.MediaType{Schema: &openapi.Schema{Type: openapi.Types{"string"}, Description: "the view's table, header first"}}
				ok.Description = "The view (JSON), or its table (CSV) with format=csv or Accept: text/csv."
			} else {
				ok.Description = "The view; it has no CSV form."
			}
		case rt.pattern == "/api/v1/openapi.json":
			ok.Content["application/json"] = openapi.MediaType{Schema: &openapi.Schema{Type: openapi.Types{"object"}, Description: "an OpenAPI 3.1 document"}}
		case rt.raw != nil:
			ok.Content["application/json"] = openapi.MediaType{Schema: g.Schema(reflect.TypeOf(rt.raw))}
		default:
			for _, m := range rt.media {
				ok.Content[m] = openapi.MediaType{Schema: &openapi.Schema{Type: openapi.Types{"string"}}}
			}
		}
		op.Responses["200"] = ok
		if rt.method == "GET" {
			op.Responses["304"] = &openapi.Response{Description: "Not modified: If-None-Match named the current ETag."}
		}
		if rt.body != nil {
			bs := g.Schema(reflect.TypeOf(rt.body))
			g.Schemas[bs.RefName()].Required = nil // a body may leave out any field: it takes its default
			op.RequestBody = &openapi.RequestBody{Required: true, Description: "Every field may be left out and takes its default.",
				Content: map[string]openapi.MediaType{"application/json": {Schema: bs}}}
		}
		if rt.pattern != "/healthz" && rt.pattern != "/api/v1/openapi.json" && rt.pattern != "/assets/*" {
			op.Responses["400"] = ref("BadRequest")
		}
		if rt.notFound {
			op.Responses["404"] = ref("NotFound")
		}
		op.Responses["414"] = ref("URITooLong")
		if rt.heavy {
			op.Responses["503"] = ref("Unavailable")
		}
		op.Responses["500"] = ref("Internal")
		if len(rt.media) > 0 && rt.media[0] == "text/html" {
			// Pages show their errors as HTML pages.
			html := map[string]openapi.MediaType{"text/html": {Schema: &openapi.Schema{Type: openapi.Types{"string"}}}}
			for code, r := range op.Responses {
				if r.Ref != "" && code != "414" {
					op.Responses[code] = &openapi.Response{Description: doc.Components.Responses[strings.TrimPrefix(r.Ref, "#/components/responses/")].Description, Content: html}
				}
			}
		}
		p := rt.openAPIPath()
		if doc.Paths[p] == nil {
			doc.Paths[p] = &openapi.PathItem{}
		}
		doc.Paths[p].SetOperation(rt.method, op)
	}
	return doc
}

// An apiDoc is the document, built once at start-up, and its JSON.
type apiDoc struct {
	routes []apiRoute
	doc    *openapi.Document
	json   []byte
}

// mustAPIDoc builds the document of the routes; it cannot fail but by a defect in the code.
func mustAPIDoc(store *datasets.Store) *apiDoc {
	d, err := newAPIDoc(store)
	if err != nil {
		panic(err)
	}
	return d
}

func newAPIDoc(store *datasets.Store) (*apiDoc, error) {
	routes := apiRoutes(store)
	doc := buildDocument(routes)
	b, err := json.MarshalIndent(doc, "", "  ")
	if err != nil {
		return nil, fmt.Errorf("encode the OpenAPI document: %w", err)
	}
	return &apiDoc{routes: routes, doc: doc, json: append(b, '\n')}, nil
}
