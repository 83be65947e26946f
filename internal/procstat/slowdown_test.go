package procstat

import (
	"slices"
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

func TestSteady(t *testing.T) {
	ms := func(d float64) time.Duration { return time.Duration(d * float64(time.Millisecond)) }
	c := func(took, before, after float64) Call { return Call{ms(took), ms(before), ms(after)} }
	for _, tc := range []struct {
		name  string
		calls []Call
		want  []time.Duration
		left  int
	}{
		{"none", nil, nil, 0},
		{"all steady, sorted", []Call{c(7, 0.2, 0.2), c(5, 0.21, 0.2), c(6, 0.2, 0.19)}, []time.Duration{ms(5), ms(6), ms(7)}, 0},
		// A window that ends during the call slows the piece before it; one that begins during
		// it, the piece after.
		{"slowed before or after", []Call{c(5, 0.2, 0.2), c(40, 1.8, 0.2), c(6, 0.2, 0.2), c(35, 0.2, 2.0), c(5, 0.2, 0.2)}, []time.Duration{ms(5), ms(5), ms(6)}, 2},
		// Three times the median piece is still steady.
		{"at the limit", []Call{c(5, 0.2, 0.2), c(9, 0.6, 0.2), c(5, 0.2, 0.2)}, []time.Duration{ms(5), ms(5), ms(9)}, 0},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, left := Steady(tc.calls)
			if !slices.Equal(got, tc.want) || left != tc.left {
				t.Errorf("Steady = %v, %d left out; want %v, %d", got, left, tc.want, tc.left)
			}
		})
	}
	if p := Piece(); p <= 0 {
		t.Errorf("Piece took %v", p)
	}
}
