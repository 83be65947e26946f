package report

import (
	"fmt"
	"strings"
)

func splitComma(s string) []string {
	var out []string
	for _, p := range strings.Split(s, ",") {
		if p = strings.TrimSpace(p); p != "" {
			out = append(out, p)
		}
	}
	return out
}

func fmtSscan(s string, dst *int) (int, error) { return fmt.Sscan(s, dst) }
