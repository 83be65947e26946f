package procstat

import (
	"slices"
	"time"
)

// Slowdown is what a stretch of fixed arithmetic saw of the machine: the share of the time in
// which the same small piece of work took more than three times its median (the CPU ran
// slower, or not at all, for reasons outside the process), the number of such windows, and
// the longest. On a virtual machine whose host shares its cores, a view's p99 is set by these
// windows more than by the view.
type Slowdown struct {
	Share   float64       // of the wall time, 0–1
	Windows int           // runs of consecutive slowed pieces
	Longest time.Duration // the longest run
}

// MeasureSlowdown runs pieces of about 60 µs of arithmetic for d and reports the windows in
// which they ran slowed.
func MeasureSlowdown(d time.Duration) Slowdown {
	var took []time.Duration
	sink := 0.0
	for start := time.Now(); time.Since(start) < d; {
		t := time.Now()
		sink += Arithmetic(30_000) // about 60 µs
		took = append(took, time.Since(t))
	}
	if sink == 0 {
		return Slowdown{}
	}
	return slowdownOf(took)
}

// slowdownOf is the Slowdown of the times the same piece of work took, in order.
func slowdownOf(took []time.Duration) Slowdown {
	if len(took) == 0 {
		return Slowdown{}
	}
	sorted := slices.Clone(took)
	slices.Sort(sorted)
	slow := 3 * sorted[len(sorted)/2]
	var s Slowdown
	var total, slowed, run time.Duration
	for _, t := range took {
		total += t
		if t > slow {
			slowed += t
			if run == 0 {
				s.Windows++
			}
			run += t
			s.Longest = max(s.Longest, run)
		} else {
			run = 0
		}
	}
	s.Share = float64(slowed) / float64(total)
	return s
}

// Arithmetic is n steps of the same arithmetic, whose time on one core is fixed: what a
// benchmark times to see the machine's own spread (about 2 ns a step here).
func Arithmetic(n int) float64 {
	x := 0.0
	for i := range n {
		x += float64(i%7) * 1.0001
	}
	return x
}
