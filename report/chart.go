package report

import (
	"context"
	"fmt"
	"io"
	"slices"
	"strconv"
	"strings"

	"chiso/charts"
	"chiso/datasets"
	"chiso/words"
)

// A ChartSpec is what a chart URL asks for: /charts/{kind}.png?indicator=pci&provinces=93…
type ChartSpec struct {
	Kind      string
	Lang      string
	Indicator datasets.Indicator // every kind but scatter (radar: the index whose pillars it shows)
	X, Y      datasets.Indicator // scatter
	Provinces [][]datasets.Unit
	From, To  int
	Year      int
	View
	Trend     bool          // line: draw the trend of a single province
	Ranks     bool          // heatmap: ranks (true) or values
	Composite CompositeSpec // interval: the composite whose ranks it draws (checked)
}

// A Chart is a chart's input and everything that travels with it.
type Chart struct {
	Input   charts.Input   // its option and its static image are built from it
	Option  charts.Chart   // the ECharts option
	Caption charts.Caption // title, subtitle, source line
	Table   Table          // the data behind the chart
}

// chartBuilders builds each kind of chart from the store. Its keys are charts' kinds (a test
// checks that they agree).
var chartBuilders = map[string]func(ctx context.Context, store *datasets.Store, s ChartSpec) (Chart, error){
	"line":     lineChart,
	"bump":     lineChart,
	"ranking":  rankingChart,
	"map":      rankingChart,
	"slope":    slopeChart,
	"heatmap":  heatmapChart,
	"scatter":  scatterChart,
	"radar":    radarChart,
	"interval": intervalChart,
}

// ChartOf reads the data a chart needs and builds it with its caption and data table.
// chartID fixes the chart's element id, so that a page's output is the same from run to run.
func ChartOf(ctx context.Context, store *datasets.Store, s ChartSpec, chartID string) (Chart, error) {
	build, ok := chartBuilders[s.Kind]
	if !ok {
		return Chart{}, fmt.Errorf("no chart %q (charts: %s): %w", s.Kind, strings.Join(charts.Kinds(), ", "), datasets.ErrNotFound)
	}
	o := charts.Options{Lang: s.Lang, ChartID: chartID}
	c, err := build(ctx, store, s)
	if err != nil {
		return Chart{}, err
	}
	c.Option = c.Input.Option(o)
	return c, nil
}

// figurePoint is a figure as a chart draws it.
func figurePoint(f datasets.Figure, ok bool) charts.Point {
	if !ok {
		return charts.Point{}
	}
	p := charts.Point{Value: f.Value, NotPublished: f.Status == "not_published", Unverified: !f.Verified}
	if f.Status != "published" {
		p.Value = nil
	}
	return p
}

// chartPoint is the figure of indicator for unit in year as a chart draws it, marked when derived.
func (p *panel) chartPoint(indicator, unit string, year int) charts.Point {
	f, ok := p.figure(indicator, unit, year)
	pt := figurePoint(f, ok)
	pt.Derived = ok && p.derivation(indicator, unit, year) != nil
	return pt
}

// rankPoint is a figure's published rank as a chart draws it.
func rankPoint(f datasets.Figure, ok bool) charts.Point {
	pt := charts.Point{Unverified: ok && !f.Verified}
	if ok && f.Rank != nil && f.Status == "published" {
		pt.Value = new(float64(*f.Rank))
	}
	return pt
}

// coverageNote says how many units have a figure, when not all do: "27/63 tỉnh có số liệu".
func coverageNote(n, of int, lang string) string {
	if n >= of || of == 0 {
		return ""
	}
	if lang == "en" {
		return fmt.Sprintf("%d of %d provinces have a figure", n, of)
	}
	return fmt.Sprintf("%d/%d tỉnh, thành phố có số liệu", n, of)
}

func joinNotes(parts ...string) string {
	var out []string
	for _, p := range parts {
		if p != "" {
			out = append(out, p)
		}
	}
	return strings.Join(out, " · ")
}

// AltText says what other sources give for a figure, in lang: "11 (báo chí, chưa kiểm chứng;
// hạng 8/63)"; "" when there are none.
func AltText(lang string, alts []datasets.Figure) string {
	var parts []string
	for _, a := range alts {
		v := ""
		switch {
		case a.Status == "not_published":
			v = words.Text(lang, "not_published")
		case a.Value != nil:
			v = words.Number(lang, *a.Value, -1)
		}
		var notes []string
		if k := sourceKind(a.Source); k != "" {
			notes = append(notes, words.Text(lang, k))
		}
		if !a.Verified {
			notes = append(notes, words.Text(lang, "unverified"))
		}
		if a.Rank != nil {
			r := words.Text(lang, "rank_word") + " " + strconv.Itoa(*a.Rank)
			if a.RankOf != nil {
				r += "/" + strconv.Itoa(*a.RankOf)
			}
			notes = append(notes, r)
		}
		if len(notes) > 0 {
			v = strings.TrimSpace(v + " (" + strings.Join(notes, ", ") + ")")
		}
		parts = append(parts, v)
	}
	return strings.Join(parts, "; ")
}

// sourceKind is the kind of a source as a words key: "press" for a news report, "" otherwise.
func sourceKind(s datasets.Source) string {
	c := strings.ToLower(s.Citation)
	if strings.HasPrefix(c, "news") || strings.Contains(c, "news report") || strings.Contains(c, "báo") {
		return "press"
	}
	return ""
}

// figureRow is a data-table row for one figure, with what other sources give for it.
func figureRow(lang string, u datasets.Unit, year int, f datasets.Figure, ok bool, alts []datasets.Figure) []string {
	if !ok {
		y := strconv.Itoa(year)
		if year == 0 {
			y = ""
		}
		return []string{UnitName(u, lang), y, "", "", "", words.Text(lang, "no_data"), "", "", ""}
	}
	status := words.Text(lang, f.Status) // published, not_published
	verified := "✓"
	if !f.Verified {
		verified = words.Text(lang, "unverified")
	}
	return []string{UnitName(u, lang), strconv.Itoa(year), fmtFloat(f.Value), fmtInt(f.Rank), fmtInt(f.RankOf), status, verified, f.Source.Citation, AltText(lang, alts)}
}

func figureHeader(lang string) []string {
	return []string{words.Text(lang, "province"), words.Text(lang, "year"), words.Text(lang, "value"), words.Text(lang, "rank"),
		words.Text(lang, "rank_of"), words.Text(lang, "status"), words.Text(lang, "verified"), words.Text(lang, "source"), words.Text(lang, "other_sources")}
}

// figureTable starts a chart's data table of figures.
func figureTable(lang, name string) Table {
	return Table{Name: name, Header: figureHeader(lang)}
}

func methodBreaks(in datasets.Indicator, years []int) []charts.Break {
	var out []charts.Break
	for _, b := range in.Breaks {
		if b.Kind == "method" && len(years) > 0 && b.Year > years[0] && b.Year <= years[len(years)-1] {
			out = append(out, charts.Break{Year: b.Year, Note: b.Note})
		}
	}
	return out
}

// chartUnits returns the units a chart draws: the provinces asked for (each unit of each) that
// have a figure of indicator.
func chartUnits(p *panel, indicator string, provinces [][]datasets.Unit) []datasets.Unit {
	var out []datasets.Unit
	for _, chain := range provinces {
		for _, u := range chain {
			if p.has(indicator, u.ID) || len(chain) == 1 {
				out = append(out, u)
			}
		}
		if !slices.ContainsFunc(chain, func(u datasets.Unit) bool { return p.has(indicator, u.ID) }) && len(chain) > 1 {
			out = append(out, chain[0]) // no figures at all: kept, to be named as such
		}
	}
	return out
}

func span(years []int) string {
	if len(years) == 0 {
		return ""
	}
	return fmt.Sprintf("%d–%d", years[0], years[len(years)-1])
}

// OptionJSON is the chart's ECharts option as JSON, safe inside a <script> element.
func (c Chart) OptionJSON() ([]byte, error) { return charts.OptionJSON(c.Option) }

// Render writes the chart's static image, "png" or "svg", with its caption and source line.
func (c Chart) Render(w io.Writer, format, lang string) error {
	return charts.Render(w, c.Input, format, charts.Options{Lang: lang})
}

// IsChartKind reports whether kind names a chart.
func IsChartKind(kind string) bool { _, ok := chartBuilders[kind]; return ok }
