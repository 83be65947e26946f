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
	pos     map[string]int // unit id → row
	data    *mat.Dense
	missing map[string][]string // unit id → indicators it lacks (units left out, or scored partially)
	of      int                 // units in the universe
}

// yearMatrix reads one year's values of indicators for the units of set, from their sections.
// This is the one home of the year matrix (correlations, peers, composite, the profile's peers).
func yearMatrix(ctx context.Context, store *datasets.Store, v View, inds []string, year int, partial bool) (matrix, error) {
	fields := make([]field, len(inds))
	for j, id := range inds {
		sec, err := sectionOf(ctx, store, v, id, year)
		if err != nil {
			return matrix{}, err
		}
		fields[j] = sec.field
	}
	universe := store.Registry().Units(v.Set, year)
	if len(fields) > 0 {
		universe = fields[0].units
	}
	return buildMatrix(universe, inds, partial, func(i, j int) float64 { return fields[j].values[i] }), nil
}

// buildMatrix builds the matrix of the units of universe on inds; value(i, j) is unit i's
// published value of inds[j], NaN for none.
func buildMatrix(universe []datasets.Unit, inds []string, partial bool, value func(i, j int) float64) matrix {
	m := matrix{missing: map[string][]string{}, pos: map[string]int{}, of: len(universe)}
	var rows []float64
	for i, u := range universe {
		row := make([]float64, len(inds))
		have := 0
		for j, id := range inds {
			if v := value(i, j); !math.IsNaN(v) {
				row[j] = v
				have++
			} else {
				row[j] = math.NaN()
				m.missing[u.ID] = append(m.missing[u.ID], id)
			}
		}
		if have == len(inds) || (partial && have > 0) {
			m.pos[u.ID] = len(m.units)
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
	if i, ok := m.pos[id]; ok {
		return i
	}
	return -1
}
