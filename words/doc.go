// Package words holds every word chiso prints, in Vietnamese and English: one table shared
// by the pages, the charts and the reports.
package words
