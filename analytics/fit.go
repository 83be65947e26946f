package analytics

import (
	"fmt"

	"gonum.org/v1/gonum/stat"
)

// LinearFit returns the ordinary least-squares line y = alpha + beta·x through the points.
// len(x) must equal len(y); it needs at least two points with distinct x and finite values.
// Unlike a Series, x may repeat (a scatter of provinces, not a time series).
func LinearFit(x, y []float64) (alpha, beta float64, err error) {
	if len(x) != len(y) {
		return 0, 0, fmt.Errorf("linear fit: %d x and %d y: %w", len(x), len(y), ErrLength)
	}
	if err := checkFinite(x); err != nil {
		return 0, 0, fmt.Errorf("linear fit: x: %w", err)
	}
	if err := checkFinite(y); err != nil {
		return 0, 0, fmt.Errorf("linear fit: y: %w", err)
	}
	distinct := false
	for _, v := range x {
		if v != x[0] {
			distinct = true
			break
		}
	}
	if len(x) < 2 || !distinct {
		return 0, 0, fmt.Errorf("linear fit: %d points: %w", len(x), ErrInsufficientData)
	}
	alpha, beta = stat.LinearRegression(x, y, nil, false)
	return alpha, beta, nil
}
