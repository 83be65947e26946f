// Package analytics is chiso's numeric code: trends (OLS with confidence intervals, Theil–Sen,
// Mann–Kendall), ranks as publishers give them, comparisons, correlations, peers and principal
// components, and composite indices with their Monte Carlo uncertainty. It works on plain
// float64 slices and gonum matrices; it knows nothing of databases or HTTP, and it checks its
// input and returns errors instead of panicking.
//
// Method details that change a number, stated where they apply and gathered here:
//   - Standard deviations are sample standard deviations (n − 1 denominator): Distribution.SD
//     and Z, Standardize (peers, principal components) and ZScore normalisation in composites.
//   - Ranks are competition ranks ("1224"); percentiles of a rank use the whole field:
//     RankPercentile(rank, N) = 100 × (N − rank) / (N − 1).
//   - When figures cover part of the field, thresholds and rank ranges come from published
//     ranks (RankThreshold, RankBounds), never from the partial list as if it were complete.
//   - p-values say how they were computed (PExact, PNormal, PStudentT): Mann–Kendall is exact
//     for 3 ≤ n ≤ MaxExactMannKendall without ties, else the normal approximation; Spearman is
//     exact for n ≤ MaxExactSpearman without ties, else Student's t; Pearson always Student's t.
//   - Composites refuse an indicator with fewer than two distinct values (*ColumnError) and
//     score a unit missing inputs on those it has, weights renormalised (CompositeSpec.Method).
package analytics
