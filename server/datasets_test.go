package server

import (
	"bytes"
	"context"
	"encoding/csv"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"chiso/datasets"
	"chiso/report"
)

var bom = []byte("\ufeff")

// readCSV parses a CSV download, which must start with the UTF-8 BOM.
func readCSV(t *testing.T, body []byte, comma rune) []map[string]string {
	t.Helper()
	if !bytes.HasPrefix(body, bom) {
		t.Fatalf("CSV starts %q, want the UTF-8 BOM", body[:min(len(body), 8)])
	}
	r := csv.NewReader(bytes.NewReader(body[len(bom):]))
	r.Comma = comma
	recs, err := r.ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	var out []map[string]string
	for _, rec := range recs[1:] {
		m := map[string]string{}
		for i, h := range recs[0] {
			m[h] = rec[i]
		}
		out = append(out, m)
	}
	return out
}

// TestDownloadAllSources: Hậu Giang's GRDP growth 2021 "11%" (the news report, unverified, not
// preferred) downloads with sources=all, in every format, in a file named for the indicator
// and the dataset version.
func TestDownloadAllSources(t *testing.T) {
	srv, store := newTestServer(t)
	const q = "?indicator=grdp_growth&provinces=93&from=2021&to=2021"
	t.Run("CSV", func(t *testing.T) {
		resp, body := get(t, srv, "/datasets/download.csv"+q+"&sources=all")
		if resp.StatusCode != 200 {
			t.Fatalf("status %d: %s", resp.StatusCode, body)
		}
		if cd := resp.Header.Get("Content-Disposition"); !strings.Contains(cd, "grdp_growth") || !strings.Contains(cd, store.Version()) {
			t.Errorf("Content-Disposition %q, want the indicator and version %s", cd, store.Version())
		}
		if cc := resp.Header.Get("Cache-Control"); cc != cacheShortDownload {
			t.Errorf("Cache-Control %q, want %q", cc, cacheShortDownload)
		}
		rows := readCSV(t, body, ',')
		found := false
		for _, r := range rows {
			if r["value"] == "11" {
				found = true
				if r["preferred"] != "false" || r["verified"] != "false" || r["derived"] != "false" || !strings.Contains(r["source"], "news report") {
					t.Errorf("the 11%% row: %v", r)
				}
			}
		}
		if !found || len(rows) < 2 {
			t.Errorf("rows %v: want the preferred figure and the news report's 11", rows)
		}
		_, pref := get(t, srv, "/datasets/download.csv"+q)
		if n := len(readCSV(t, pref, ',')); n != 1 {
			t.Errorf("default download: %d rows, want the preferred figure only", n)
		}
	})
	t.Run("ExcelVN", func(t *testing.T) {
		resp, body := get(t, srv, "/datasets/download.csv?indicator=pci&provinces=93&from=2011&to=2011&excel=vn")
		if resp.StatusCode != 200 {
			t.Fatalf("status %d: %s", resp.StatusCode, body)
		}
		rows := readCSV(t, body, ';')
		if len(rows) != 1 || !strings.Contains(rows[0]["value"], ",") || rows[0]["code"] != "93" {
			t.Errorf("rows %v: want one row with a decimal comma and code 93", rows)
		}
		if cd := resp.Header.Get("Content-Disposition"); !strings.Contains(cd, "excel-vn") {
			t.Errorf("Content-Disposition %q, want the excel-vn name", cd)
		}
	})
	t.Run("XLSX", func(t *testing.T) {
		resp, body := get(t, srv, "/datasets/download.xlsx"+q+"&sources=all")
		if resp.StatusCode != 200 {
			t.Fatalf("status %d: %s", resp.StatusCode, body)
		}
		f, err := excelize.OpenReader(bytes.NewReader(body))
		if err != nil {
			t.Fatal(err)
		}
		defer f.Close()
		rows, _ := f.GetRows("data")
		if len(rows) < 3 {
			t.Fatalf("data sheet: %d rows, want the header and two figures", len(rows))
		}
		if props, _ := f.GetDocProps(); props.Version != store.Version() {
			t.Errorf("document version %q, want %q", props.Version, store.Version())
		}
	})
	t.Run("ParquetJSON", func(t *testing.T) {
		_, pq := get(t, srv, "/datasets/download.parquet"+q+"&sources=all")
		if !bytes.HasPrefix(pq, []byte("PAR1")) {
			t.Errorf("parquet starts %q", pq[:min(len(pq), 4)])
		}
		_, js := get(t, srv, "/datasets/download.json"+q+"&sources=all")
		var d struct {
			Version string           `json:"dataset_version"`
			Data    []map[string]any `json:"data"`
		}
		if err := json.Unmarshal(js, &d); err != nil || d.Version != store.Version() || len(d.Data) < 2 || d.Data[0]["code"] != "93" {
			t.Errorf("json %s (%v)", js, err)
		}
	})
	t.Run("Units34", func(t *testing.T) {
		resp, body := get(t, srv, "/datasets/download.csv?indicator=pci&provinces=đồng-nai&from=2019&to=2019&units=34")
		if resp.StatusCode != 200 {
			t.Fatalf("status %d: %s", resp.StatusCode, body)
		}
		rows := readCSV(t, body, ',')
		if len(rows) != 1 || rows[0]["derived"] != "true" || rows[0]["unit_set"] != "34" || rows[0]["derivation_rule"] == "" {
			t.Errorf("rows %v: want one derived figure of the 34-unit Đồng Nai (Đồng Nai and Bình Phước)", rows)
		}
	})
	t.Run("ErrBadParameters", func(t *testing.T) {
		for _, path := range []string{"/datasets/download.parquet?excel=vn", "/datasets/download.csv?sources=some", "/datasets/download.zip?indicator=pci"} {
			resp, body := get(t, srv, path)
			if resp.StatusCode != 400 || resp.Header.Get("Cache-Control") != cacheNone {
				t.Errorf("%s: status %d, Cache-Control %q: %s; want 400, no-store", path, resp.StatusCode, resp.Header.Get("Cache-Control"), body)
			}
		}
	})
}

func TestDownloadZip(t *testing.T) {
	srv, store := newTestServer(t)
	resp, body := get(t, srv, "/datasets/download.zip")
	if resp.StatusCode != 200 || resp.Header.Get("Content-Type") != "application/zip" {
		t.Fatalf("status %d, type %s", resp.StatusCode, resp.Header.Get("Content-Type"))
	}
	if cd := resp.Header.Get("Content-Disposition"); !strings.Contains(cd, datasets.PackageName(store.Version())) {
		t.Errorf("Content-Disposition %q", cd)
	}
	p, _ := store.Package(context.Background())
	if !bytes.Equal(p.Zip, body) {
		t.Error("the ZIP served differs from the one built for the version")
	}
}

// TestDatasetsPage: the page and its JSON list every indicator with coverage, sources and
// pinned downloads; the page has no inline script or style.
func TestDatasetsPage(t *testing.T) {
	srv, store := newTestServer(t)
	for _, lang := range []string{"vi", "en"} {
		resp, body := get(t, srv, "/datasets?lang="+lang)
		if resp.StatusCode != 200 {
			t.Fatalf("status %d: %s", resp.StatusCode, body)
		}
		page := string(body)
		if strings.Contains(page, "style=\"") || strings.Contains(page, "<script>") || strings.Contains(page, "<style") {
			t.Error("the page has inline script or style")
		}
		for _, want := range []string{store.Version(), "/v/" + store.Version() + "/datasets/download.zip", "dtype={", "/63", "Power Query", "read_parquet"} {
			if !strings.Contains(page, want) {
				t.Errorf("lang=%s: the page lacks %q", lang, want)
			}
		}
		if cc := resp.Header.Get("Cache-Control"); cc != cacheShortHTML {
			t.Errorf("Cache-Control %q, want %q", cc, cacheShortHTML)
		}
	}
	_, body := get(t, srv, "/api/v1/datasets")
	var d struct {
		Version    string `json:"dataset_version"`
		Indicators []report.DatasetIndicator
		Snippets   []report.Snippet
	}
	if err := json.Unmarshal(body, &d); err != nil {
		t.Fatal(err)
	}
	if d.Version != store.Version() || len(d.Indicators) != store.Catalogue().Len() || len(d.Snippets) < 5 {
		t.Fatalf("api: version %s, %d indicators, %d snippets", d.Version, len(d.Indicators), len(d.Snippets))
	}
	for _, in := range d.Indicators {
		if in.ID != "pci" {
			continue
		}
		var y2023 []report.CoverageCell
		for _, c := range in.Coverage {
			if c.Year == 2023 {
				y2023 = append(y2023, c)
			}
		}
		// PCI 2023: Hà Tĩnh and Gia Lai are recorded as not published (outside the top 30),
		// which the coverage counts apart from the figures simply missing.
		if len(y2023) != 1 || y2023[0].Units != 63 || y2023[0].NotPublished != 2 || y2023[0].Published == 0 {
			t.Errorf("pci 2023 coverage %+v, want 2 not published of 63 units", y2023)
		}
		if len(in.Sources) == 0 || in.Publisher == "" {
			t.Errorf("pci: sources %v publisher %q", in.Sources, in.Publisher)
		}
	}
}

// TestPinned: /v/{version}/… answers as that version with an immutable Cache-Control; after an
// ingest the earlier version is still served, from a snapshot, and its embed says newer data
// exists; an unknown version is a 404 and one no longer kept a 410, both naming the current.
func TestPinned(t *testing.T) {
	store := mustOpenStore(t)
	srv := httptest.NewServer(NewServer(slog.New(slog.NewTextHandler(io.Discard, nil)), Config{KeepVersions: 2}, store))
	t.Cleanup(srv.Close)
	v0 := store.Version()
	const obs = "/api/v1/observations?indicator=par_index&provinces=79&from=2015&to=2015"
	const embed = "/embed/line?indicator=pci&provinces=93,92"
	resp, body := get(t, srv, "/v/"+v0+obs)
	if resp.StatusCode != 200 || resp.Header.Get("Cache-Control") != cacheImmutable {
		t.Fatalf("pinned: status %d, Cache-Control %q: %s", resp.StatusCode, resp.Header.Get("Cache-Control"), body)
	}
	before := string(body)
	resp, body = get(t, srv, "/v/0123456789abcdef/api/v1/indicators")
	if resp.StatusCode != 404 || !strings.Contains(string(body), v0) {
		t.Errorf("unknown version: %d %s, want 404 naming %s", resp.StatusCode, body, v0)
	}
	ingest := func(path string) {
		t.Helper()
		if _, err := store.Ingest(context.Background(), []string{path}, datasets.IngestOptions{Now: time.Date(2026, 6, 1, 0, 0, 0, 0, time.UTC)}); err != nil {
			t.Fatal(err)
		}
	}
	ingest("../datasets/testdata/long.csv") // TEST FIXTURE: synthetic par_index figures for 2015
	v1 := store.Version()
	_, now := get(t, srv, obs)
	resp, old := get(t, srv, "/v/"+v0+obs)
	if resp.StatusCode != 200 || resp.Header.Get("Cache-Control") != cacheImmutable {
		t.Fatalf("pinned %s after an ingest: %d %q", v0, resp.StatusCode, resp.Header.Get("Cache-Control"))
	}
	if string(old) != before || string(now) == before || !strings.Contains(string(old), `"dataset_version":"`+v0+`"`) {
		t.Errorf("pinned %s answers\n%s\nwant as before\n%s", v0, old, before)
	}
	_, page := get(t, srv, "/v/"+v0+embed)
	if !strings.Contains(string(page), v1) || !strings.Contains(string(page), `href="`+strings.ReplaceAll(embed, "&", "&amp;")) {
		t.Errorf("the pinned embed of %s does not say that %s exists, with a link", v0, v1)
	}
	_, page = get(t, srv, "/v/"+v1+embed)
	if strings.Contains(string(page), `class="caption newer"`) {
		t.Error("the current version's pinned embed says newer data exists")
	}
	var hist report.VersionHistory
	_, body = get(t, srv, "/api/v1/datasets/versions")
	if err := json.Unmarshal(body, &hist); err != nil || hist.Current != v1 || len(hist.Data) != 2 || len(hist.Served) != 2 {
		t.Errorf("versions %s (%v)", body, err)
	}
	// A third version: with two kept, the first is gone.
	ingest("../datasets/testdata/long_vn.csv") // TEST FIXTURE
	resp, body = get(t, srv, "/v/"+v0+obs)
	if resp.StatusCode != http.StatusGone || !strings.Contains(string(body), store.Version()) {
		t.Errorf("expired version: %d %s, want 410 naming %s", resp.StatusCode, body, store.Version())
	}
	if resp, _ := get(t, srv, "/v/"+v1+obs); resp.StatusCode != 200 {
		t.Errorf("kept version %s: status %d", v1, resp.StatusCode)
	}
}

// TestCloseRemovesPinnedSnapshots: Server.Close closes the snapshots of earlier versions that
// /v/{version}/… built, and with them the files of their SQL snapshots.
func TestCloseRemovesPinnedSnapshots(t *testing.T) {
	tmp := t.TempDir()
	t.Setenv("TMPDIR", tmp)
	store := mustOpenStore(t)
	s := NewServer(slog.New(slog.NewTextHandler(io.Discard, nil)), Config{KeepVersions: 2}, store)
	srv := httptest.NewServer(s)
	t.Cleanup(srv.Close)
	v0 := store.Version()
	// TEST FIXTURE: synthetic par_index figures for 2015
	if _, err := store.Ingest(context.Background(), []string{"../datasets/testdata/long.csv"}, datasets.IngestOptions{Now: time.Date(2026, 6, 1, 0, 0, 0, 0, time.UTC)}); err != nil {
		t.Fatal(err)
	}
	q := url.QueryEscape(`SELECT value FROM observations_v WHERE indicator = 'pci' AND unit_id = 'vn63.93' AND year = 2021 AND preferred`)
	if resp, body := get(t, srv, "/v/"+v0+"/api/v1/sql?q="+q); resp.StatusCode != 200 || !strings.Contains(string(body), "63.8") {
		t.Fatalf("pinned SQL: %d %s", resp.StatusCode, body)
	}
	snapshots := func() []string {
		t.Helper()
		m, err := filepath.Glob(filepath.Join(tmp, "chiso-sql-*"))
		if err != nil {
			t.Fatal(err)
		}
		return m
	}
	if len(snapshots()) == 0 {
		t.Fatal("the pinned SQL query left no snapshot file in TMPDIR: the test tests nothing")
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	if left := snapshots(); len(left) > 0 {
		t.Errorf("after Close, SQL snapshots remain: %v", left)
	}
}
