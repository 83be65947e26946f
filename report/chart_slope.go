package report

import (
	"context"
	"fmt"
	"math"
	"slices"
	"sort"
	"strconv"

	"chiso/charts"
	"chiso/datasets"
	"chiso/words"
)

// slopeChart builds a slope chart of every unit's value in two years, the provinces asked for
// (or the five biggest movers) highlighted.
func slopeChart(ctx context.Context, store *datasets.Store, s ChartSpec) (Chart, error) {
	in := s.Indicator
	p, err := loadPanel(ctx, store, s.View, []string{in.ID}, 0, 0)
	if err != nil {
		return Chart{}, err
	}
	years := p.years(in.ID, s.From, s.To)
	if len(years) < 2 {
		return Chart{}, &ParamError{Param: "from", Want: "two years with figures", Got: fmt.Sprint(years)}
	}
	y0, y1 := years[0], years[len(years)-1]
	if s.From != 0 && s.To != 0 {
		y0, y1 = s.From, s.To
	}
	want := wanted(s.Provinces)
	type move struct {
		u    datasets.Unit
		a, b float64
	}
	var moves []move
	var missing []string // provinces asked for without a figure in both years: named
	units := store.Registry().Units(s.Set, y1)
	for _, u := range units {
		a, aok := p.value(in.ID, u.ID, y0)
		b, bok := p.value(in.ID, u.ID, y1)
		if aok && bok {
			moves = append(moves, move{u, a, b})
		} else if want[u.ID] {
			missing = append(missing, UnitName(u, s.Lang))
		}
	}
	if len(want) == 0 { // highlight the five biggest movers either way
		byMove := slices.Clone(moves)
		sort.Slice(byMove, func(i, j int) bool { return math.Abs(byMove[i].b-byMove[i].a) > math.Abs(byMove[j].b-byMove[j].a) })
		for _, m := range byMove[:min(5, len(byMove))] {
			want[m.u.ID] = true
		}
	}
	c := Chart{Table: Table{Name: "chiso-slope.csv", Header: []string{words.Text(s.Lang, "province"), strconv.Itoa(y0), strconv.Itoa(y1)}}}
	si := charts.SlopeInput{Unit: UnitOfMeasure(in, s.Lang), FromYear: y0, ToYear: y1}
	for _, m := range moves {
		si.Rows = append(si.Rows, charts.SlopeRow{Name: UnitName(m.u, s.Lang), From: charts.Point{Value: new(m.a)}, To: charts.Point{Value: new(m.b)}, Highlight: want[m.u.ID]})
		c.Table.Rows = append(c.Table.Rows, []string{UnitName(m.u, s.Lang), ftoa(m.a), ftoa(m.b)})
	}
	c.Caption = charts.Caption{Title: fmt.Sprintf("%s %d → %d", IndicatorName(in, s.Lang), y0, y1),
		Subtitle: joinNotes(coverageNote(len(moves), len(units), s.Lang), noFigureNote(missing, s.Lang)), Source: in.Publisher}
	si.Caption = c.Caption
	c.Input = si
	return c, nil
}
