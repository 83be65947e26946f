package web

import (
	"io/fs"
	"testing"
)

func TestTemplatesParse(t *testing.T) {
	tmpl, err := Templates()
	if err != nil {
		t.Fatal(err)
	}
	for _, name := range []string{"overview.html", "profile.html", "compare.html", "embed.html", "error.html", "chart", "table", "head", "foot"} {
		if tmpl.Lookup(name) == nil {
			t.Errorf("template %q missing", name)
		}
	}
}

func TestStaticAssets(t *testing.T) {
	for _, f := range []string{"chiso.css", "chiso.js"} {
		if _, err := fs.Stat(Static(), f); err != nil {
			t.Errorf("%s: %v", f, err)
		}
	}
	if !HasECharts() {
		t.Log("vendor/echarts.min.js is missing: run make (npm ci) first")
	}
}
