package analytics

import (
	"fmt"
	"math"
	"sort"

	"gonum.org/v1/gonum/mat"
	"gonum.org/v1/gonum/stat"
)

// Standardize returns data with every column centred on its mean and scaled by its sample
// standard deviation (n − 1 denominator); a column that does not vary becomes zeros.
func Standardize(data *mat.Dense) *mat.Dense {
	r, c := data.Dims()
	out := mat.NewDense(r, c, nil)
	col := make([]float64, r)
	for j := 0; j < c; j++ {
		mat.Col(col, j, data)
		mean, sd := stat.MeanStdDev(col, nil)
		for i := 0; i < r; i++ {
			if sd > 0 {
				out.Set(i, j, (col[i]-mean)/sd)
			}
		}
	}
	return out
}

// A Peer is a unit and its distance to the unit asked about.
type Peer struct {
	Index    int     `json:"-"`
	Distance float64 `json:"distance"`
}

// NearestPeers returns the k rows of data (units × indicators) nearest to row target by the
// Euclidean distance of the standardized indicators, nearest first. data needs at least two
// rows and finite values.
func NearestPeers(data *mat.Dense, target, k int) ([]Peer, error) {
	r, _ := data.Dims()
	if r < 2 {
		return nil, fmt.Errorf("peers: %d units: %w", r, ErrInsufficientData)
	}
	if target < 0 || target >= r {
		return nil, fmt.Errorf("peers: target %d of %d units", target, r)
	}
	if err := checkFinite(data.RawMatrix().Data); err != nil {
		return nil, fmt.Errorf("peers: %w", err)
	}
	z := Standardize(data)
	t := z.RawRowView(target)
	peers := make([]Peer, 0, r-1)
	for i := 0; i < r; i++ {
		if i == target {
			continue
		}
		row := z.RawRowView(i)
		var d float64
		for j := range row {
			d += (row[j] - t[j]) * (row[j] - t[j])
		}
		peers = append(peers, Peer{Index: i, Distance: math.Sqrt(d)})
	}
	sort.SliceStable(peers, func(a, b int) bool { return peers[a].Distance < peers[b].Distance })
	return peers[:min(k, len(peers))], nil
}

// A Projection is the principal-component view of the units.
type Projection struct {
	Coords    *mat.Dense `json:"-"`         // units × 2: the scores on the first two components
	Explained []float64  `json:"explained"` // share of variance of each of the two components
	Loadings  *mat.Dense `json:"-"`         // indicators × 2
}

// PrincipalComponents projects the standardized rows of data (units × indicators, at least
// two indicators and three units) on their first two principal components.
func PrincipalComponents(data *mat.Dense) (Projection, error) {
	r, c := data.Dims()
	if r < 3 || c < 2 {
		return Projection{}, fmt.Errorf("principal components: %d units × %d indicators, need 3 × 2: %w", r, c, ErrInsufficientData)
	}
	if err := checkFinite(data.RawMatrix().Data); err != nil {
		return Projection{}, fmt.Errorf("principal components: %w", err)
	}
	z := Standardize(data)
	var pc stat.PC
	if !pc.PrincipalComponents(z, nil) {
		return Projection{}, fmt.Errorf("principal components: decomposition failed")
	}
	var vecs mat.Dense
	pc.VectorsTo(&vecs)
	vars := pc.VarsTo(nil)
	var total float64
	for _, v := range vars {
		total += v
	}
	p := Projection{Loadings: mat.DenseCopyOf(vecs.Slice(0, c, 0, 2)), Explained: make([]float64, 2)}
	for i := 0; i < 2; i++ {
		if total > 0 {
			p.Explained[i] = vars[i] / total
		}
	}
	p.Coords = mat.NewDense(r, 2, nil)
	p.Coords.Mul(z, p.Loadings)
	return p, nil
}
