package report

import "sort"

// ChartKinds lists the chart kinds ChartOf draws, sorted.
func ChartKinds() []string {
	kinds := make([]string, 0, len(chartBuilders))
	for k := range chartBuilders {
		kinds = append(kinds, k)
	}
	sort.Strings(kinds)
	return kinds
}
