// Package words holds the words chiso prints, in Vietnamese and English: the words of its pages
// and of its charts, in one table, so that a page and the chart on it say the same thing the
// same way.
package words
