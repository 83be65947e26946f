package report

import (
	"context"
	"fmt"

	"chiso/charts"
	"chiso/datasets"
	"chiso/words"
)

// radarDefault returns the provinces a radar shows when none are asked for: the best and the
// worst on the index in year among the units with a figure for every pillar.
func radarDefault(ctx context.Context, store *datasets.Store, s ChartSpec, pillars []string, year int) ([][]datasets.Unit, error) {
	p, err := loadPanel(ctx, store, s.View, append([]string{s.Indicator.ID}, pillars...), year, year)
	if err != nil {
		return nil, err
	}
	hib := orderOf(s.Indicator)
	var best, worst datasets.Unit
	var bv, wv float64
	n := 0
	for _, u := range store.Registry().Units(s.Set, year) {
		v, ok := p.value(s.Indicator.ID, u.ID, year)
		if !ok {
			continue
		}
		complete := true
		for _, id := range pillars {
			if _, ok := p.value(id, u.ID, year); !ok {
				complete = false
			}
		}
		if !complete {
			continue
		}
		if n == 0 || gap(v, bv, hib) > 0 {
			best, bv = u, v
		}
		if n == 0 || gap(v, wv, hib) < 0 {
			worst, wv = u, v
		}
		n++
	}
	switch {
	case n == 0:
		return nil, &ParamError{Param: "provinces", Want: "one to four province codes or names (no province has every pillar in " + fmt.Sprint(year) + ")", Got: "nothing"}
	case best.ID == worst.ID:
		return [][]datasets.Unit{{best}}, nil
	}
	return [][]datasets.Unit{{best}, {worst}}, nil
}

// radarChart shows the pillars of an index (dti) for one to four provinces in a year.
func radarChart(ctx context.Context, store *datasets.Store, s ChartSpec) (Chart, error) {
	var axes []datasets.Indicator
	for _, in := range store.Catalogue().All() {
		if in.Parent == s.Indicator.ID {
			axes = append(axes, in)
		}
	}
	if len(axes) < 3 {
		return Chart{}, &ParamError{Param: "indicator", Want: "an index with pillars or sub-indices (dti)", Got: Quote(s.Indicator.ID)}
	}
	ids := make([]string, len(axes))
	for i, a := range axes {
		ids[i] = a.ID
	}
	p, err := loadPanel(ctx, store, s.View, ids, 0, 0)
	if err != nil {
		return Chart{}, err
	}
	year := s.Year
	if year == 0 {
		for _, id := range ids {
			year = max(year, p.latestYear(id))
		}
	}
	chosen := ""
	if len(s.Provinces) == 0 {
		// Without provinces: the best and the worst on the index among those with every
		// pillar, in the year asked for or the latest year in which some province has them all.
		for y := year; y >= year-20 && y > 0; y-- {
			if s.Provinces, err = radarDefault(ctx, store, s, ids, y); err == nil {
				year = y
				break
			}
			if s.Year != 0 {
				return Chart{}, err
			}
		}
		if err != nil {
			return Chart{}, err
		}
		chosen = words.Text(s.Lang, "radar_default")
		if len(s.Provinces) == 1 {
			chosen = words.Text(s.Lang, "radar_default_one")
		}
	}
	ri := charts.RadarInput{}
	c := Chart{Table: figureTable(s.Lang, "chiso-radar.csv")}
	for _, a := range axes {
		mx := 1.0
		if a.ScaleMax != nil {
			mx = *a.ScaleMax
		}
		ri.Axes = append(ri.Axes, charts.RadarAxis{Name: IndicatorName(a, s.Lang), Max: mx})
	}
	have, total := 0, 0
	for _, chain := range s.Provinces {
		for _, u := range chain {
			if !u.InForce(datasets.YearEnd(year)) && len(chain) > 1 {
				continue
			}
			sr := charts.Series{Name: UnitName(u, s.Lang)}
			for _, a := range axes {
				f, ok := p.figure(a.ID, u.ID, year)
				pt := p.chartPoint(a.ID, u.ID, year)
				sr.Points = append(sr.Points, pt)
				row := figureRow(s.Lang, u, year, f, ok, p.alternatives(a.ID, u.ID, year))
				row[0] = UnitName(u, s.Lang) + " — " + IndicatorName(a, s.Lang)
				c.Table.Rows = append(c.Table.Rows, row)
				total++
				if pt.Value != nil {
					have++
				}
			}
			ri.Series = append(ri.Series, sr)
		}
	}
	c.Caption = charts.Caption{Title: fmt.Sprintf("%s %d", IndicatorName(s.Indicator, s.Lang), year), Source: s.Indicator.Publisher}
	if have < total && s.Lang != "en" {
		c.Caption.Subtitle = fmt.Sprintf("%d/%d điểm trụ cột có số liệu", have, total)
	} else if have < total {
		c.Caption.Subtitle = fmt.Sprintf("%d of %d pillar scores have a figure", have, total)
	}
	if have == 0 {
		c.Caption.Subtitle = fmt.Sprintf(words.Text(s.Lang, "radar_empty"), year)
	}
	c.Caption.Subtitle = joinNotes(chosen, c.Caption.Subtitle)
	ri.Caption = c.Caption
	c.Input = ri
	return c, nil
}
