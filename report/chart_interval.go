package report

import (
	"context"
	"fmt"
	"math"
	"strconv"
	"strings"

	"chiso/charts"
	"chiso/datasets"
	"chiso/words"
)

// intervalChart computes the composite the spec asks for and draws its ranks and rank intervals.
func intervalChart(ctx context.Context, store *datasets.Store, s ChartSpec) (Chart, error) {
	v, err := CompositeOf(ctx, store, s.Composite)
	if err != nil {
		return Chart{}, err
	}
	return CompositeChart(store.Catalogue(), v, s.Lang, ""), nil
}

// CompositeChart draws a computed composite: each province's rank as a dot and its 5–95% rank
// interval as a whisker, best first, with a data table of scores, ranks and intervals.
// chartID fixes the chart's element id.
func CompositeChart(cat *datasets.Catalogue, v Composite, lang, chartID string) Chart {
	names := make([]string, len(v.Query.Indicators))
	var publishers []string
	for i, id := range v.Query.Indicators {
		names[i] = id
		if in, ok := cat.Get(id); ok {
			names[i] = IndicatorName(in, lang)
			if in.Publisher != "" && !contains(publishers, in.Publisher) {
				publishers = append(publishers, in.Publisher)
			}
		}
	}
	c := Chart{Table: Table{Name: "chiso-interval.csv", Header: []string{words.Text(lang, "rank"), words.Text(lang, "province"),
		words.Text(lang, "score"), words.Text(lang, "median_rank"), words.Text(lang, "rank_p05"), words.Text(lang, "rank_p95"),
		words.Text(lang, "inputs"), words.Text(lang, "missing")}}}
	c.Caption = charts.Caption{
		Title:    fmt.Sprintf("%s %d", words.Text(lang, "composite_title"), v.Query.Year),
		Subtitle: joinNotes(strings.Join(names, ", "), scoredNote(v.Coverage.N, v.Coverage.Of, lang)),
		Source:   strings.Join(publishers, "; "),
	}
	in := charts.IntervalInput{Caption: c.Caption, Of: len(v.Data)}
	for _, r := range v.Data {
		name := r.Unit.NameVI
		if lang == "en" {
			name = r.Unit.NameEN
		}
		row := charts.IntervalRow{Name: name, Rank: r.Rank, Lo: math.NaN(), Hi: math.NaN(), Partial: r.Partial}
		cells := []string{strconv.Itoa(r.Rank), name, ftoa(math.Round(r.Score*100) / 100), "", "", "", strconv.Itoa(r.Inputs), strings.Join(r.Missing, ", ")}
		if ri := r.RankInterval; ri != nil {
			row.Lo, row.Hi = ri.P05, ri.P95
			cells[3], cells[4], cells[5] = ftoa(ri.Median), ftoa(ri.P05), ftoa(ri.P95)
		}
		in.Rows = append(in.Rows, row)
		c.Table.Rows = append(c.Table.Rows, cells)
	}
	c.Input = in
	c.Option = in.Option(charts.Options{Lang: lang, ChartID: chartID})
	return c
}

// scoredNote says how many provinces a composite scored: "32 of 63 provinces scored".
func scoredNote(n, of int, lang string) string {
	if lang == "en" {
		return fmt.Sprintf("%d of %d provinces scored", n, of)
	}
	return fmt.Sprintf("%d trên %d tỉnh, thành phố được tính điểm", n, of)
}

func contains(xs []string, x string) bool {
	for _, s := range xs {
		if s == x {
			return true
		}
	}
	return false
}
