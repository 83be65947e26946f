package words

import "testing"

func TestTextsInBothLanguages(t *testing.T) {
	for key, w := range texts {
		if w[0] == "" || w[1] == "" {
			t.Errorf("%q lacks a language: %q", key, w)
		}
	}
	if Text("vi", "overview") != "Tổng quan" || Text("en", "overview") != "Overview" || Text("fr", "overview") != "Tổng quan" {
		t.Error("Text does not pick the language")
	}
}
