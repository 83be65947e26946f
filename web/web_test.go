package web

import (
	"bytes"
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

// TestTemplatesTranslate: the templates' t prints the words of package words, in the page's language.
func TestTemplatesTranslate(t *testing.T) {
	tmpl, err := Templates()
	if err != nil {
		t.Fatal(err)
	}
	tmpl, err = tmpl.New("probe").Parse(`{{t .Lang "overview"}}|{{t .Lang "method_break"}}|{{t .Lang "no_such_key"}}`)
	if err != nil {
		t.Fatal(err)
	}
	for lang, want := range map[string]string{
		"vi": "Tổng quan|Đổi phương pháp|no_such_key",
		"en": "Overview|Method change|no_such_key",
		"fr": "Tổng quan|Đổi phương pháp|no_such_key",
	} {
		var buf bytes.Buffer
		if err := tmpl.Execute(&buf, struct{ Lang string }{lang}); err != nil {
			t.Fatal(err)
		}
		if got := buf.String(); got != want {
			t.Errorf("lang %q: t prints %q, want %q", lang, got, want)
		}
	}
	if Text("en", "overview") != "Overview" || Text("vi", "overview") != "Tổng quan" {
		t.Error("Text does not pick the language")
	}
}

// TestStaticAssets: chiso's assets and ECharts are embedded. A build without ECharts serves
// pages whose charts never draw, so its absence fails here as in the page tests.
func TestStaticAssets(t *testing.T) {
	for _, f := range []string{"chiso.css", "chiso.js"} {
		if _, err := fs.Stat(Static(), f); err != nil {
			t.Errorf("%s: %v", f, err)
		}
	}
	if err := CheckECharts(); err != nil {
		t.Fatal(err)
	}
	js, err := fs.ReadFile(Static(), "vendor/echarts.min.js")
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Contains(js[:min(len(js), 4096)], []byte("Apache")) || len(js) < 500_000 {
		t.Errorf("vendor/echarts.min.js (%d bytes) does not look like ECharts' minified build", len(js))
	}
}

// TestErrNoEChartsMessage pins the message a build without ECharts fails with.
func TestErrNoEChartsMessage(t *testing.T) {
	const want = "ECharts is not installed: run `make` (npm ci)"
	if got := ErrNoECharts.Error(); got != want {
		t.Errorf("ErrNoECharts = %q, want %q", got, want)
	}
}
