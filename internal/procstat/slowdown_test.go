package procstat

import (
	"testing"
	"time"
)

func TestSlowdownOf(t *testing.T) {
	us := func(ds ...int) []time.Duration {
		var out []time.Duration
		for _, d := range ds {
			out = append(out, time.Duration(d)*time.Microsecond)
		}
		return out
	}
	for _, tc := range []struct {
		name string
		took []time.Duration
		want Slowdown
	}{
		{"none", nil, Slowdown{}},
		{"steady", us(60, 61, 59, 60, 62), Slowdown{}},
		{"twice as slow is not slowed", us(60, 120, 60, 60, 60), Slowdown{}},
		{"one window of two pieces", us(60, 600, 700, 60, 60, 60), Slowdown{Share: 1300.0 / 1540, Windows: 1, Longest: 1300 * time.Microsecond}},
		{"two windows", us(60, 600, 60, 60, 900, 800, 60), Slowdown{Share: 2300.0 / 2540, Windows: 2, Longest: 1700 * time.Microsecond}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := slowdownOf(tc.took); got != tc.want {
				t.Errorf("slowdownOf = %+v, want %+v", got, tc.want)
			}
		})
	}
}

func TestMeasureSlowdownRuns(t *testing.T) {
	if s := MeasureSlowdown(50 * time.Millisecond); s.Share < 0 || s.Share > 1 {
		t.Errorf("share %v outside 0–1", s.Share)
	}
}
