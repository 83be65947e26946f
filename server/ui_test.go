package server

import (
	"net/http"
	"strings"
	"testing"
)

// noRedirect returns the server's client that stops at a redirect.
func noRedirect(t *testing.T, path string, srvURL string, c *http.Client) *http.Response {
	t.Helper()
	cl := *c
	cl.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
	resp, err := cl.Get(srvURL + path)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	return resp
}

func TestCompositePage(t *testing.T) {
	srv, _ := newTestServer(t)
	for _, tc := range []struct {
		path   string
		status int
		want   []string
	}{
		// The API's defaults (PCI and GRDP per capita, 2021: 32 of 63 scored), said on the page.
		{"/composite", 200, []string{"Chỉ số tổng hợp 2021", "Mặc định (như API)", "32 trên 63 tỉnh, thành phố được tính điểm",
			"/embed/interval?", "/charts/interval.png?", "Không được tính điểm (31)", "Bà Rịa - Vũng Tàu", `type="range"`, `name="w.pci"`}},
		{"/composite?lang=en", 200, []string{"Composite index 2021", "Defaults (as the API chooses)", "32 of 63 provinces scored", "Not scored (31)", "Ba Ria-Vung Tau"}},
		{"/composite?indicators=pci,grdp_per_capita&weights=2,1&year=2019", 200, []string{"Chỉ số tổng hợp 2019", "weights=2%2C1", `value="2"`}},
		{"/composite?indicators=pci,papi&year=2018", 200, []string{"Không tỉnh, thành phố nào có đủ số liệu", "Không được tính điểm (63)"}},
		{"/composite?indicators=pci&weights=0", 400, []string{`class="error"`, "weights", `name="ind"`}},
	} {
		resp, body := get(t, srv, tc.path)
		if resp.StatusCode != tc.status {
			t.Errorf("GET %s: %d, want %d", tc.path, resp.StatusCode, tc.status)
		}
		for _, w := range tc.want {
			if !strings.Contains(string(body), w) {
				t.Errorf("GET %s lacks %q", tc.path, w)
			}
		}
	}
	resp := noRedirect(t, "/composite?ind=pci&ind=papi&w.pci=2&w.papi=1&year=2018&lang=en", srv.URL, srv.Client())
	if loc := resp.Header.Get("Location"); resp.StatusCode != http.StatusSeeOther || loc != "/composite?indicators=pci%2Cpapi&lang=en&weights=2%2C1&year=2018" {
		t.Errorf("composite form: %d %q", resp.StatusCode, loc)
	}
	resp = noRedirect(t, "/composite?ind=pci&ind=papi&w.pci=1&w.papi=1", srv.URL, srv.Client())
	if loc := resp.Header.Get("Location"); loc != "/composite?indicators=pci%2Cpapi" {
		t.Errorf("composite form with equal weights: %q, want no weights", loc)
	}
	_, body := get(t, srv, "/charts/interval.csv?indicators=pci,grdp_per_capita&year=2019&draws=200&lang=en")
	if !strings.HasPrefix(string(body), "Rank,Province,Score,Median rank,Rank 5%,Rank 95%,Inputs,Missing") {
		t.Errorf("interval.csv starts %.80q", body)
	}
}

func TestProvincePicker(t *testing.T) {
	srv, _ := newTestServer(t)
	for _, tc := range []struct{ q, loc string }{
		{"can tho", "/provinces/can%20tho?lang=vi"},
		{"Hậu Giang", "/provinces/H%E1%BA%ADu%20Giang?lang=vi"},
		{"93", "/provinces/93?lang=vi"},
	} {
		resp := noRedirect(t, "/go?q="+strings.ReplaceAll(tc.q, " ", "+"), srv.URL, srv.Client())
		if resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != tc.loc {
			t.Errorf("/go?q=%s: %d %q, want %q", tc.q, resp.StatusCode, resp.Header.Get("Location"), tc.loc)
		}
	}
	resp, body := get(t, srv, "/go?q=nowhere&lang=en")
	if resp.StatusCode != 404 || !strings.Contains(string(body), "No province of that name: “nowhere”") || !strings.Contains(string(body), `<html lang="en">`) {
		t.Errorf("/go?q=nowhere: %d", resp.StatusCode)
	}
	_, body = get(t, srv, "/")
	if !strings.Contains(string(body), `action="/go"`) || !strings.Contains(string(body), `/assets/favicon.svg`) {
		t.Error("the overview has no province picker or no favicon")
	}
	if resp, _ := get(t, srv, "/assets/favicon.svg"); resp.StatusCode != 200 {
		t.Errorf("favicon: %d", resp.StatusCode)
	}
}

// TestTruthOnCharts: what the charts and their tables say about other sources, provinces
// without figures and figures withheld.
func TestTruthOnCharts(t *testing.T) {
	srv, _ := newTestServer(t)
	// Hậu Giang's GRDP growth 2021: 3.08 (preferred) and 11%, 8th, from a news report (unverified).
	_, body := get(t, srv, "/charts/line.csv?indicator=grdp_growth&provinces=93")
	if !strings.Contains(string(body), "11 (báo chí, chưa kiểm chứng, hạng 8/63)") {
		t.Errorf("line.csv lacks the other source's figure:\n%s", body)
	}
	_, body = get(t, srv, "/charts/line.csv?indicator=grdp_growth&provinces=93&lang=en")
	if !strings.Contains(string(body), "11 (press, unverified, rank 8/63)") {
		t.Errorf("line.csv (en) lacks the other source's figure:\n%s", body)
	}
	// Cần Thơ, Đà Nẵng and Bình Phước have no GRDP growth figures: named, not dropped.
	_, body = get(t, srv, "/compare?provinces=93,92,48,70&indicator=grdp_growth")
	for _, w := range []string{"không có số liệu: Cần Thơ, Đà Nẵng, Bình Phước", "1 trên 4 tỉnh, thành phố có số liệu"} {
		if !strings.Contains(string(body), w) {
			t.Errorf("GRDP compare lacks %q", w)
		}
	}
	// The compare page's title names the provinces, not the codes asked for.
	if !strings.Contains(string(body), "<title>Tốc độ tăng trưởng GRDP — Hậu Giang, Cần Thơ, Đà Nẵng, Bình Phước · chiso</title>") {
		t.Error("the compare page's title does not name the provinces")
	}
	// PCI 2023: only the top 30 published; Hà Tĩnh is withheld, not missing.
	_, body = get(t, srv, "/charts/map.csv?indicator=pci&year=2023")
	for _, line := range strings.Split(string(body), "\n") {
		if strings.HasPrefix(line, "Hà Tĩnh,") && !strings.Contains(line, "Không công bố (chỉ công bố 30 tỉnh đứng đầu)") {
			t.Errorf("map.csv: %s", line)
		}
	}
	// The line chart's axis is the years asked for, without holes: Hậu Giang's GRDP growth
	// has figures for 2020–2023, and from=2019 starts the axis at 2019.
	_, body = get(t, srv, "/embed/line?indicator=grdp_growth&provinces=93&from=2019")
	if !strings.Contains(string(body), `"2019"`) || strings.Contains(string(body), `"2018"`) {
		t.Errorf("from=2019: the axis does not start at 2019")
	}
}

// TestImagesOneLanguage: the static images of every chart kind carry the words of their
// language only (names of sources may stay as published).
func TestImagesOneLanguage(t *testing.T) {
	srv, _ := newTestServer(t)
	q := map[string]string{
		"line": "indicator=grdp_growth&provinces=93,92&trend=true", "ranking": "indicator=pci&year=2016&provinces=93",
		"bump": "indicator=pci&provinces=93", "slope": "indicator=pci&from=2010&to=2016", "radar": "",
		"scatter": "x=pci&y=papi&provinces=93", "heatmap": "indicator=pci&provinces=93,42", "map": "indicator=pci&year=2023",
		"interval": "indicators=pci,grdp_per_capita&year=2019&draws=100",
	}
	foreign := map[string][]string{
		"vi": {">Source", "Year<", "Rank", "National median", "No data", "Not published", "unverified", "Method change", "a year", "points ("},
		"en": {"Nguồn", "Năm<", "Thứ hạng", "Trung vị", "Không có số liệu", "Không công bố", "chưa kiểm chứng", "Đổi phương pháp", "%/năm", "điểm ("},
	}
	for kind, params := range q {
		for lang, words := range foreign {
			_, body := get(t, srv, "/charts/"+kind+".svg?lang="+lang+"&"+params)
			svg := string(body)
			if !strings.Contains(svg, "<svg") {
				t.Errorf("%s.svg?lang=%s: not an image: %.200s", kind, lang, svg)
				continue
			}
			if own := map[string]string{"vi": "Nguồn: ", "en": "Source: "}[lang]; !strings.Contains(svg, own) {
				t.Errorf("%s.svg?lang=%s lacks %q", kind, lang, own)
			}
			for _, w := range words {
				if strings.Contains(svg, w) {
					t.Errorf("%s.svg?lang=%s carries %q", kind, lang, w)
				}
			}
		}
	}
}
