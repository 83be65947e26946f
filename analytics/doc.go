// Package analytics is chiso's numeric code: trends (OLS with confidence intervals, Theil–Sen,
// Mann–Kendall), ranks as publishers give them, comparisons, correlations, peers and principal
// components, and composite indices with their Monte Carlo uncertainty. It works on plain
// float64 slices and gonum matrices; it knows nothing of databases or HTTP, and it checks its
// input and returns errors instead of panicking.
package analytics
