package words

import (
	"fmt"
	"testing"
)

// TestBothLanguages: every key has words in Vietnamese and in English.
func TestBothLanguages(t *testing.T) {
	for key, w := range table {
		if w[0] == "" || w[1] == "" {
			t.Errorf("%q lacks a language: vi %q, en %q", key, w[0], w[1])
		}
	}
}

func TestText(t *testing.T) {
	for _, tc := range []struct{ lang, key, want string }{
		{"vi", "overview", "Tổng quan"},
		{"en", "overview", "Overview"},
		{"fr", "overview", "Tổng quan"},
		{"", "national_median", "Trung vị cả nước"},
		{"en", "national_median", "National median"},
		{"en", "no_such_key", "no_such_key"},
		{"vi", "no_such_key", "no_such_key"},
	} {
		if got := Text(tc.lang, tc.key); got != tc.want {
			t.Errorf("Text(%q, %q) = %q, want %q", tc.lang, tc.key, got, tc.want)
		}
	}
}

func ExampleText() {
	fmt.Println(Text("vi", "method_break"))
	fmt.Println(Text("en", "method_break"))
	// Output:
	// Đổi phương pháp
	// Method change
}
