package analytics

import (
	"math"
	"sync"
)

// Methods by which a p-value was computed, as results report them in a PMethod field.
const (
	// PExact: from the exact distribution of the statistic over all n! equally likely
	// orderings (the null hypothesis of no association or no trend).
	PExact = "exact"
	// PNormal: from the normal approximation of the statistic (Mann–Kendall: with the tie
	// correction of the variance and a continuity correction of 1).
	PNormal = "normal approximation"
	// PStudentT: from Student's t distribution with n − 2 degrees of freedom of
	// t = r √((n − 2) / (1 − r²)); exact for Pearson's r under bivariate normality, an
	// approximation for Spearman's rho.
	PStudentT = "t approximation"
)

// Largest samples whose p-values are exact. Up to these sizes, and without ties, the exact
// distribution is used; above them, or with ties, the approximations.
const (
	MaxExactMannKendall = 10 // Mann–Kendall S: exact for 3 ≤ n ≤ 10 without tied values
	MaxExactSpearman    = 9  // Spearman's rho: exact for 3 ≤ n ≤ 9 without ties in x or y
)

// mannKendallExactP returns the two-sided exact p-value P(|S| ≥ |s|) of the Mann–Kendall
// statistic s of n distinct values. Without ties S = m − 2·I, m = n(n−1)/2 and I the number of
// inversions of a uniformly random permutation, whose distribution (the Mahonian numbers) is
// counted by adding one element at a time: the j-th element adds 0…j−1 inversions.
func mannKendallExactP(s, n int) float64 {
	m := n * (n - 1) / 2
	counts := make([]float64, m+1) // counts[i]: permutations with i inversions (exact: n! < 2^53)
	counts[0] = 1
	for j := 2; j <= n; j++ {
		next := make([]float64, m+1)
		for i, c := range counts {
			if c == 0 {
				continue
			}
			for add := 0; add < j && i+add <= m; add++ {
				next[i+add] += c
			}
		}
		counts = next
	}
	if s < 0 {
		s = -s
	}
	// |S| ≥ s ⇔ I ≤ (m − s)/2 or I ≥ (m + s)/2; the distribution is symmetric.
	var tail, total float64
	for i, c := range counts {
		total += c
		if m-2*i >= s || 2*i-m >= s {
			tail += c
		}
	}
	return math.Min(1, tail/total)
}

// spearmanExactP returns the two-sided exact p-value P(|rho| ≥ |rho_obs|) of Spearman's rho
// of n pairs without ties, given d2 = Σ (rank x − rank y)² of the observed pairs: the share of
// the n! permutations whose D = Σ d² is at least as far from its mean n(n² − 1)/6.
func spearmanExactP(d2, n int) float64 {
	counts := spearmanCounts[n]()
	mean := n * (n*n - 1) / 6
	far := abs(d2 - mean)
	var tail, total float64
	for d, c := range counts {
		total += c
		if abs(d-mean) >= far {
			tail += c
		}
	}
	return tail / total
}

func abs(x int) int {
	if x < 0 {
		return -x
	}
	return x
}

// spearmanCounts[n] returns, for n ≤ MaxExactSpearman, how many permutations of 1…n give each
// D = Σ (i − π(i))², counted once by enumerating the n! permutations (Heap's algorithm) and
// never changed.
var spearmanCounts = func() (f [MaxExactSpearman + 1]func() []float64) {
	for n := range f {
		f[n] = sync.OnceValue(func() []float64 { return enumerateSpearman(n) })
	}
	return f
}()

func enumerateSpearman(n int) []float64 {
	counts := make([]float64, n*(n*n-1)/3+1) // D ranges over 0 … n(n² − 1)/3
	p := make([]int, n)
	for i := range p {
		p[i] = i
	}
	d := func() int {
		var s int
		for i, x := range p {
			s += (i - x) * (i - x)
		}
		return s
	}
	counts[d()]++
	c := make([]int, n)
	for i := 1; i < n; {
		if c[i] < i {
			if i%2 == 0 {
				p[0], p[i] = p[i], p[0]
			} else {
				p[c[i]], p[i] = p[i], p[c[i]]
			}
			counts[d()]++
			c[i]++
			i = 1
			continue
		}
		c[i] = 0
		i++
	}
	return counts
}
