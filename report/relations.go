package report

import (
	"context"
	"fmt"
	"strconv"
	"strings"

	"gonum.org/v1/gonum/mat"

	"chiso/analytics"
	"chiso/datasets"
)

// CorrelationsSpec asks for the correlation of two indicators (Pair) or the matrices of a set.
type CorrelationsSpec struct {
	Indicators []string
	Pair       bool
	Year       int
	View
}

// Correlations is the correlations view.
type Correlations struct {
	Query struct {
		Indicators []string `json:"indicators"`
		Year       int      `json:"year"`
		Units      string   `json:"units"`
	} `json:"query"`
	Coverage    Coverage               `json:"coverage"`
	Units       []string               `json:"units"`
	Method      string                 `json:"method"`
	Note        string                 `json:"note,omitempty"`
	Correlation *analytics.Correlation `json:"correlation,omitempty"`
	Pearson     [][]*float64           `json:"pearson,omitempty"`
	Spearman    [][]*float64           `json:"spearman,omitempty"`
}

// CorrelationsOf gives Pearson's r and Spearman's rho between two indicators across the
// provinces for a year, or the correlation matrices of a set, over the provinces that have
// every value.
func CorrelationsOf(ctx context.Context, store *datasets.Store, s CorrelationsSpec) (Correlations, error) {
	var v Correlations
	v.Query.Indicators, v.Query.Year, v.Query.Units = s.Indicators, s.Year, s.Set
	v.Method = "over the provinces with every value; two-sided p-values: Pearson's from the t distribution with n−2 df; Spearman's exact (all permutations) for " +
		fmt.Sprintf("n ≤ %d without ties, otherwise the t approximation (spearman_p_method says which)", analytics.MaxExactSpearman)
	if len(s.Indicators) < 2 {
		return Correlations{}, &ParamError{Param: "indicators", Want: "at least two indicators", Got: strconv.Itoa(len(s.Indicators))}
	}
	m, err := yearMatrix(ctx, store, s.View, s.Indicators, s.Year, false)
	if err != nil {
		return Correlations{}, err
	}
	v.Coverage, v.Units = Coverage{len(m.units), m.of}, unitIDs(m.units)
	if len(m.units) < 3 {
		v.Note = "insufficient data: fewer than 3 provinces have every value for this year"
		return v, nil
	}
	if s.Pair {
		c, err := analytics.Correlate(mat.Col(nil, 0, m.data), mat.Col(nil, 1, m.data))
		if err != nil {
			return Correlations{}, err
		}
		v.Correlation = &c
		return v, nil
	}
	for _, spearman := range []bool{false, true} {
		cm, err := analytics.CorrelationMatrix(m.data, spearman)
		if err != nil {
			return Correlations{}, err
		}
		rows := make([][]*float64, len(s.Indicators))
		for i := range rows {
			rows[i] = make([]*float64, len(s.Indicators))
			for j := range rows[i] {
				rows[i][j] = finite(cm.At(i, j))
			}
		}
		if spearman {
			v.Spearman = rows
		} else {
			v.Pearson = rows
		}
	}
	return v, nil
}

// A PeerRow is one of a province's nearest peers.
type PeerRow struct {
	Unit     UnitRef `json:"unit"`
	Distance float64 `json:"distance"`
}

// A PCAPoint is a province's coordinates on the first two principal components.
type PCAPoint struct {
	Unit UnitRef `json:"unit"`
	PC1  float64 `json:"pc1"`
	PC2  float64 `json:"pc2"`
}

// PCA is the principal components of a year's standardized values.
type PCA struct {
	Explained []float64             `json:"explained"`
	Loadings  map[string][2]float64 `json:"loadings"`
	Points    []PCAPoint            `json:"points"`
}

// PeersSpec asks for the K nearest peers of Province (optional) on indicators in a year.
type PeersSpec struct {
	Indicators []string
	Year       int
	K          int
	Province   *datasets.Unit
	View
}

// Peers is the peers view.
type Peers struct {
	Query struct {
		Indicators []string `json:"indicators"`
		Year       int      `json:"year"`
		K          int      `json:"k"`
		Units      string   `json:"units"`
	} `json:"query"`
	Coverage  Coverage  `json:"coverage"`
	Method    string    `json:"method"`
	Province  *UnitRef  `json:"province,omitempty"`
	PeersNote string    `json:"peers_note,omitempty"`
	Peers     []PeerRow `json:"peers,omitempty"`
	PCA       *PCA      `json:"pca,omitempty"`
	PCANote   string    `json:"pca_note,omitempty"`
}

// PeersOf finds the k provinces nearest to one province on a set of indicators (standardized,
// Euclidean) and gives every province's coordinates on the first two principal components
// with the share of variance they explain.
func PeersOf(ctx context.Context, store *datasets.Store, s PeersSpec) (Peers, error) {
	var v Peers
	v.Query.Indicators, v.Query.Year, v.Query.K, v.Query.Units = s.Indicators, s.Year, s.K, s.Set
	v.Method = "indicators standardized (z-scores over the provinces with every value); Euclidean distance; principal components of the standardized values"
	if len(s.Indicators) == 0 {
		return Peers{}, &ParamError{Param: "indicators", Want: "at least one indicator", Got: "none"}
	}
	m, err := yearMatrix(ctx, store, s.View, s.Indicators, s.Year, false)
	if err != nil {
		return Peers{}, err
	}
	v.Coverage = Coverage{len(m.units), m.of}
	if s.Province != nil {
		v.Province = new(Ref(*s.Province))
		switch idx := m.index(s.Province.ID); {
		case idx < 0:
			v.PeersNote = "the province lacks " + strings.Join(m.missing[s.Province.ID], ", ") + " for this year"
		case len(m.units) < 2:
			v.PeersNote = "insufficient data"
		default:
			ps, err := analytics.NearestPeers(m.data, idx, s.K)
			if err != nil {
				return Peers{}, err
			}
			for _, pr := range ps {
				v.Peers = append(v.Peers, PeerRow{Unit: Ref(m.units[pr.Index]), Distance: pr.Distance})
			}
		}
	}
	if len(s.Indicators) < 2 || len(m.units) < 3 {
		v.PCANote = "principal components need at least 2 indicators and 3 provinces with every value"
		return v, nil
	}
	pj, err := analytics.PrincipalComponents(m.data)
	if err != nil {
		return Peers{}, err
	}
	pca := &PCA{Explained: pj.Explained, Loadings: map[string][2]float64{}, Points: make([]PCAPoint, len(m.units))}
	for i, u := range m.units {
		pca.Points[i] = PCAPoint{Unit: Ref(u), PC1: pj.Coords.At(i, 0), PC2: pj.Coords.At(i, 1)}
	}
	for j, id := range s.Indicators {
		pca.Loadings[id] = [2]float64{pj.Loadings.At(j, 0), pj.Loadings.At(j, 1)}
	}
	v.PCA = pca
	return v, nil
}
