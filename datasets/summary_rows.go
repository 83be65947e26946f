package datasets

import "strings"

// summaryWords are the folded first words of the rows of a table that are not provinces:
// national and regional totals and the summary rows under a table.
var summaryWords = []string{
	"ca nuoc", "toan quoc", "tong", "tong cong", "trung binh", "cao nhat", "thap nhat", "trung vi",
	"average", "mean", "median", "highest", "lowest", "max", "min", "total", "national", "whole country", "vietnam", "viet nam",
}

// regionNames are the socio-economic regions, in Vietnamese and in English (folded).
var regionNames = []string{
	"dong bang song hong", "trung du va mien nui phia bac", "bac trung bo va duyen hai mien trung",
	"tay nguyen", "dong nam bo", "dong bang song cuu long", "mien bac", "mien trung", "mien nam",
	"red river delta", "northern midlands and mountains", "north central and central coastal areas",
	"central highlands", "south east", "southeast", "mekong river delta", "mekong delta",
}

// summaryRow reports whether a province cell names a total or summary row ("Cả nước",
// "Trung bình", "Highest", a region) rather than a province, and which.
func summaryRow(cell string) (string, bool) {
	f := strings.Join(nameWordsRaw(cell), " ")
	if f == "" {
		return "", false
	}
	for _, w := range summaryWords {
		if f == w || strings.HasPrefix(f, w+" ") {
			return w, true
		}
	}
	for _, r := range regionNames {
		if f == r || strings.HasPrefix(f, "vung "+r) {
			return "region", true
		}
	}
	return "", false
}
