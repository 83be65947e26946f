package report

import (
	"context"
	"math"

	"gonum.org/v1/gonum/mat"

	"chiso/datasets"
)

// A matrix is the units × indicators table of one year's values: complete rows only, unless
// partial, when a missing value is NaN and a unit needs at least one value.
type matrix struct {
	units   []datasets.Unit
	data    *mat.Dense
	missing map[string][]string // unit id → indicators it lacks (units left out, or scored partially)
	of      int                 // units in the universe
}

// yearMatrix reads one year's values of indicators for the units of set. This is the one
// home of the year matrix (correlations, peers, composite, the profile's peers).
func yearMatrix(ctx context.Context, store *datasets.Store, v View, inds []string, year int, partial bool) (matrix, error) {
	p, err := loadPanel(ctx, store, v, inds, year, year)
	if err != nil {
		return matrix{}, err
	}
	return buildMatrix(p, store.Registry().Units(v.Set, year), inds, year, partial), nil
}

func buildMatrix(p *panel, universe []datasets.Unit, inds []string, year int, partial bool) matrix {
	m := matrix{missing: map[string][]string{}, of: len(universe)}
	var rows []float64
	for _, u := range universe {
		row := make([]float64, len(inds))
		have := 0
		for j, id := range inds {
			if v, ok := p.value(id, u.ID, year); ok {
				row[j] = v
				have++
			} else {
				row[j] = math.NaN()
				m.missing[u.ID] = append(m.missing[u.ID], id)
			}
		}
		if have == len(inds) || (partial && have > 0) {
			m.units = append(m.units, u)
			rows = append(rows, row...)
		}
	}
	if len(m.units) > 0 {
		m.data = mat.NewDense(len(m.units), len(inds), rows)
	}
	return m
}

// index returns the row of unit id, or -1.
func (m matrix) index(id string) int {
	for i, u := range m.units {
		if u.ID == id {
			return i
		}
	}
	return -1
}
