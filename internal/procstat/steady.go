package procstat

import (
	"slices"
	"time"
)

// A Call is one timed call with the time of a fixed piece of arithmetic run just before it and
// just after it (Piece): how fast the machine ran around the call.
type Call struct {
	Took, Before, After time.Duration
}

// Piece runs a fixed piece of arithmetic of about 0.2 ms and returns how long it took.
func Piece() time.Duration {
	start := time.Now()
	if Arithmetic(100_000) == 0 {
		return 0
	}
	return time.Since(start)
}

// Steady returns the times of the calls around which the machine ran steady: both pieces took
// at most three times the median piece of the run (as in Slowdown). A slowed window of the machine that begins or
// ends during a call slows a piece next to it, so the call is left out; one that begins and
// ends inside a call is not seen, and the call stays in: the steady times may still hold some
// of the machine's slowdowns, never fewer calls' worth of the code's own. The times come back
// sorted, with the number of calls left out.
func Steady(calls []Call) (steady []time.Duration, left int) {
	if len(calls) == 0 {
		return nil, 0
	}
	pieces := make([]time.Duration, 0, 2*len(calls))
	for _, c := range calls {
		pieces = append(pieces, c.Before, c.After)
	}
	slices.Sort(pieces)
	limit := 3 * pieces[len(pieces)/2]
	for _, c := range calls {
		if c.Before > limit || c.After > limit {
			left++
			continue
		}
		steady = append(steady, c.Took)
	}
	slices.Sort(steady)
	return steady, left
}
