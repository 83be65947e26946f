package server

import (
	"context"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"

	"chiso/report"
	"chiso/words"
)

// compositeData is what the composite page shows besides pageData.
type compositeData struct {
	Choices        []compositeChoice
	Year           int
	Normalization  string
	Aggregation    string
	Partial        bool
	Chosen         string     // how the defaults were chosen, in words
	Scores         [][]string // header first
	NotScored      [][]string // header first; nil when every province is scored
	NotScoredCount int
}

// A compositeChoice is an indicator the composite page offers, with its weight.
type compositeChoice struct {
	ID, Name string
	Checked  bool
	Weight   float64
}

// compositeFormRedirect turns the composite page's form (ind=…&ind=…&w.pci=…) into the
// canonical, shareable URL (indicators=a,b&weights=…), which the page and its chart links use.
func compositeFormRedirect(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		form := r.URL.Query()
		if !form.Has("ind") {
			next.ServeHTTP(w, r)
			return
		}
		q := url.Values{}
		var ws []string
		equal := true
		for _, id := range form["ind"] {
			wt := strings.TrimSpace(form.Get("w." + id))
			if wt == "" {
				wt = "1"
			}
			equal = equal && wt == strings.TrimSpace(form.Get("w."+form["ind"][0]))
			ws = append(ws, wt)
		}
		q.Set("indicators", strings.Join(form["ind"], ","))
		if !equal {
			q.Set("weights", strings.Join(ws, ","))
		}
		for _, k := range []string{"year", "normalization", "aggregation", "partial", "units", "lang"} {
			if v := form.Get(k); v != "" && !(k == "normalization" && v == "minmax") && !(k == "aggregation" && v == "arithmetic") {
				q.Set(k, v)
			}
		}
		http.Redirect(w, r, "/composite?"+q.Encode(), http.StatusSeeOther)
	})
}

// handleCompositePage: pick indicators, a year, weights, normalisation and aggregation → the
// composite's scores, ranks and rank intervals, with who is not scored and why.
func (rs *responder) handleCompositePage() pageFunc {
	return func(q *query) func(ctx context.Context) (page, error) {
		lang := q.lang()
		cat := rs.store.Catalogue()
		var spec report.CompositeSpec
		compositeFromQuery(q, cat, &spec)
		if q.err == nil {
			q.keep(spec.Check(cat))
		}
		bad := q.err
		q.err = nil // a bad choice is shown on the page, with the form
		params := q.recognised()
		params.Set("lang", lang)
		return func(ctx context.Context) (page, error) {
			d := rs.base(q.r, lang, words.Text(lang, "composite"))
			d.Composite = &compositeData{Normalization: spec.Normalization, Aggregation: spec.Aggregation, Partial: spec.Partial}
			var v report.Composite
			err := bad
			if err == nil {
				v, err = report.CompositeOf(ctx, rs.store, spec)
			}
			if err != nil {
				if status, _ := errorStatus(err); status == http.StatusBadRequest {
					d.Error = err.Error()
					d.Composite.Choices = compositeChoices(rs, lang, spec.Indicators, spec.Weights)
					return page{name: "composite.html", status: status, data: d}, nil
				}
				return page{}, err
			}
			c := d.Composite
			c.Year = v.Query.Year
			c.Choices = compositeChoices(rs, lang, v.Query.Indicators, v.Query.Weights)
			d.Title = words.Text(lang, "composite") + " " + strconv.Itoa(c.Year)
			if v.Chosen["by"] == "default" {
				c.Chosen = words.Text(lang, "composite_default")
			}
			if len(v.Data) > 0 {
				ch := report.CompositeChart(cat, v, lang, "chart0")
				b, err := rs.blockOf(q.r, ch, "interval", lang, v.Query.Indicators, params, "chart0")
				if err != nil {
					return page{}, err
				}
				d.Charts = []chartBlock{b}
				c.Scores = append([][]string{ch.Table.Header}, ch.Table.Rows...)
			} else {
				d.Notice = words.Text(lang, "composite_none")
			}
			if len(v.NotScored) > 0 {
				c.NotScoredCount = len(v.NotScored)
				c.NotScored = [][]string{{words.Text(lang, "province"), words.Text(lang, "no_figure_for")}}
				for _, ns := range v.NotScored {
					name := ns.Unit.NameVI
					if lang == "en" {
						name = ns.Unit.NameEN
					}
					var miss []string
					for _, id := range ns.Missing {
						if in, ok := cat.Get(id); ok {
							miss = append(miss, report.IndicatorName(in, lang))
						}
					}
					c.NotScored = append(c.NotScored, []string{name, strings.Join(miss, ", ")})
				}
			}
			return page{name: "composite.html", data: d}, nil
		}
	}
}

// compositeChoices lists the indicators a composite can take (those with a direction), the
// chosen ones checked with their weights.
func compositeChoices(rs *responder, lang string, chosen []string, weights []float64) []compositeChoice {
	var out []compositeChoice
	for _, in := range rs.store.Catalogue().All() {
		if _, known := report.Direction(in); !known {
			continue
		}
		c := compositeChoice{ID: in.ID, Name: report.IndicatorName(in, lang), Weight: 1}
		if i := slices.Index(chosen, in.ID); i >= 0 {
			c.Checked = true
			if i < len(weights) {
				c.Weight = weights[i]
			}
		}
		out = append(out, c)
	}
	return out
}
