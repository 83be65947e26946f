package server

import (
	"bytes"
	"context"
	"encoding/csv"
	"image/png"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"chiso/datasets"
)

func TestPages(t *testing.T) {
	srv, _ := newTestServer(t)
	for _, tc := range []struct {
		path string
		want []string
	}{
		{"/", []string{`<html lang="vi">`, "Chỉ số Năng lực Cạnh tranh cấp tỉnh (PCI)", "/assets/vendor/echarts.min.js", "&lt;iframe src=", "Tăng, giảm hạng nhiều nhất", "tỉnh, thành phố có số liệu"}},
		{"/?lang=en&indicator=pci&year=2016", []string{`<html lang="en">`, "Provincial Competitiveness Index (PCI) 2016", "Biggest movers", "Da Nang"}},
		{"/provinces/93", []string{"Hậu Giang", "Cần Thơ", "17/63", "Các tỉnh tương đồng", "mỗi năm"}},
		{"/compare?provinces=93,92,94&indicator=pci", []string{"Hậu Giang", "Sóc Trăng", "KTC 95%"}},
		{"/embed/line?indicator=pci&provinces=93&trend=true", []string{`class="chart"`, `Nguồn: <span class="source">VCCI`, "/charts/line.csv?"}},
	} {
		resp, body := get(t, srv, tc.path)
		if resp.StatusCode != 200 || !strings.HasPrefix(resp.Header.Get("Content-Type"), "text/html") {
			t.Fatalf("GET %s: %d %s", tc.path, resp.StatusCode, resp.Header.Get("Content-Type"))
		}
		for _, w := range tc.want {
			if !strings.Contains(string(body), w) {
				t.Errorf("GET %s lacks %q", tc.path, w)
			}
		}
		for _, cdn := range []string{"cdn.jsdelivr", "go-echarts.github.io", "unpkg.com", "googleapis"} {
			if strings.Contains(string(body), cdn) {
				t.Errorf("GET %s refers to %s", tc.path, cdn)
			}
		}
	}
	resp, body := get(t, srv, "/compare?provinces=Hau%20Gian&indicator=pci")
	if resp.StatusCode != 400 || !strings.Contains(string(body), "nearest known names: Hậu Giang") {
		t.Errorf("compare with an unknown province: %d", resp.StatusCode)
	}
	if resp, _ := get(t, srv, "/provinces/nowhere"); resp.StatusCode != 404 {
		t.Errorf("profile of an unknown province: %d, want 404", resp.StatusCode)
	}
}

func TestChartFiles(t *testing.T) {
	srv, _ := newTestServer(t)
	for _, kind := range []string{"line", "ranking", "bump", "slope", "radar", "scatter", "heatmap", "map", "interval"} {
		q := map[string]string{
			"line": "indicator=pci&provinces=93,92&trend=true", "ranking": "indicator=pci&year=2016&provinces=93",
			"bump": "indicator=pci&provinces=93", "slope": "indicator=pci&from=2010&to=2016", "radar": "provinces=Bắc%20Ninh&year=2020",
			"scatter": "x=pci&y=papi&year=2016&provinces=93", "heatmap": "indicator=pci&provinces=93,42", "map": "indicator=pci&year=2016",
			"interval": "indicators=pci,grdp_per_capita&year=2019&draws=200",
		}[kind]
		resp, body := get(t, srv, "/charts/"+kind+".png?"+q)
		if resp.StatusCode != 200 {
			t.Fatalf("%s.png: %d %s", kind, resp.StatusCode, body)
		}
		if _, err := png.Decode(bytes.NewReader(body)); err != nil {
			t.Errorf("%s.png does not decode: %v", kind, err)
		}
		resp, body = get(t, srv, "/charts/"+kind+".svg?"+q)
		if resp.StatusCode != 200 || !strings.Contains(string(body), "<svg") {
			t.Errorf("%s.svg: %d", kind, resp.StatusCode)
		}
		resp, body = get(t, srv, "/charts/"+kind+".csv?"+q)
		recs, err := csv.NewReader(bytes.NewReader(body)).ReadAll()
		if resp.StatusCode != 200 || err != nil || len(recs) < 2 {
			t.Errorf("%s.csv: %d, %v, %d rows", kind, resp.StatusCode, err, len(recs))
		}
	}
	_, body := get(t, srv, "/charts/ranking.svg?indicator=pci&year=2016")
	for _, w := range []string{"Chỉ số Năng lực Cạnh tranh cấp tỉnh (PCI) 2016", "Đà Nẵng", "Nguồn: VCCI"} {
		if !strings.Contains(string(body), w) {
			t.Errorf("ranking.svg lacks %q", w)
		}
	}
	if resp, _ := get(t, srv, "/charts/pie.png?indicator=pci"); resp.StatusCode != 404 {
		t.Errorf("unknown chart: %d, want 404", resp.StatusCode)
	}
	if resp, _ := get(t, srv, "/charts/line.png?indicator=pci"); resp.StatusCode != 400 {
		t.Errorf("line without provinces: %d, want 400", resp.StatusCode)
	}
}

// TestXSS: text that came in through an ingest is shown as text, never run.
func TestXSS(t *testing.T) {
	store := mustOpenStore(t)
	path := filepath.Join(t.TempDir(), "x.csv")
	evil := `<script>alert("chiso")</script>`
	if err := os.WriteFile(path, []byte("province,indicator,year,value,source\nHà Nội,par_index,2026,80,"+evil+"\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := store.Ingest(context.Background(), []string{path}, datasets.IngestOptions{}); err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(NewServer(slog.New(slog.NewTextHandler(io.Discard, nil)), Config{}, store))
	t.Cleanup(srv.Close)
	for _, p := range []string{"/provinces/01", "/compare?provinces=01,79&indicator=par_index", "/embed/line?indicator=par_index&provinces=01",
		"/charts/ranking.csv?indicator=par_index&year=2026"} {
		_, body := get(t, srv, p)
		if strings.Contains(string(body), evil) {
			t.Errorf("%s carries the script unescaped", p)
		}
	}
	_, body := get(t, srv, "/provinces/01")
	if !strings.Contains(string(body), "&lt;script&gt;alert(&#34;chiso&#34;)&lt;/script&gt;") {
		t.Errorf("/provinces/01 does not show the ingested source as text: %s", body)
	}
}

// TestEmbedWeight: an embed page with everything it loads (HTML, JavaScript, CSS), gzipped as
// served, stays under 400 KB.
func TestEmbedWeight(t *testing.T) {
	srv, _ := newTestServer(t)
	total := 0
	for _, p := range []string{"/embed/line?indicator=pci&provinces=93&trend=true", "/assets/vendor/echarts.min.js", "/assets/chiso.js", "/assets/chiso.css"} {
		req, _ := http.NewRequest(http.MethodGet, srv.URL+p, nil)
		req.Header.Set("Accept-Encoding", "gzip")
		resp, err := (&http.Transport{DisableCompression: true}).RoundTrip(req)
		if err != nil {
			t.Fatal(err)
		}
		body, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode != 200 {
			t.Fatalf("%s: %d", p, resp.StatusCode)
		}
		if p == "/assets/vendor/echarts.min.js" && resp.Header.Get("Content-Encoding") != "gzip" {
			t.Errorf("%s is not gzipped", p)
		}
		t.Logf("%s: %d bytes over the wire", p, len(body))
		total += len(body)
	}
	t.Logf("embed page total: %d bytes (%.0f KB)", total, float64(total)/1024)
	if total > 400*1024 {
		t.Errorf("embed page weighs %d bytes, budget 400 KB", total)
	}
}

// TestChartOptionJSON: /charts/{kind}.json is the ECharts option the embed draws.
func TestChartOptionJSON(t *testing.T) {
	srv, _ := newTestServer(t)
	resp, body := get(t, srv, "/charts/line.json?indicator=pci&provinces=93")
	if resp.StatusCode != 200 || !strings.HasPrefix(resp.Header.Get("Content-Type"), "application/json") ||
		!strings.Contains(string(body), `"series"`) || !strings.Contains(string(body), "Hậu Giang") {
		t.Errorf("line.json: %d %s %.200s", resp.StatusCode, resp.Header.Get("Content-Type"), body)
	}
}
