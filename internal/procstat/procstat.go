// Package procstat reads this process's resource figures for benchmarks.
package procstat

import (
	"os"
	"strconv"
	"strings"
)

// PeakRSSMiB is the process's peak resident set (VmHWM) in MiB, or 0 where /proc is absent.
func PeakRSSMiB() float64 {
	b, err := os.ReadFile("/proc/self/status")
	if err != nil {
		return 0
	}
	for _, line := range strings.Split(string(b), "\n") {
		if f := strings.Fields(line); len(f) >= 2 && f[0] == "VmHWM:" {
			kb, _ := strconv.ParseFloat(f[1], 64)
			return kb / 1024
		}
	}
	return 0
}
