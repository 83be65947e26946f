package server

import (
	"encoding/json"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"
)

type sqlResponse struct {
	Status         string `json:"status"`
	DatasetVersion string `json:"dataset_version"`
	sqlView
}

func TestSQLEndpoint(t *testing.T) {
	srv, store := newTestServer(t)
	version := store.Version()
	countURI := "/api/v1/sql?format=csv&q=" + url.QueryEscape("SELECT count(*) AS n, sum(value) AS s FROM observations_v")
	_, count := get(t, srv, countURI)
	obsURI := "/api/v1/observations?format=csv&indicator=pci&provinces=93,92"
	_, obs := get(t, srv, obsURI)
	figure := url.QueryEscape(`SELECT value, rank, rank_of FROM observations_v
		WHERE indicator = 'pci' AND unit_id = 'vn63.93' AND year = 2021 AND preferred`)
	t.Run("JSON", func(t *testing.T) {
		resp, body := get(t, srv, "/api/v1/sql?q="+figure)
		var r sqlResponse
		if resp.StatusCode != 200 || json.Unmarshal(body, &r) != nil {
			t.Fatalf("%d %s", resp.StatusCode, body)
		}
		// Hậu Giang's PCI 2021: 63.80, rank 38 of 63 (VCCI).
		if r.Status != "success" || r.DatasetVersion != version || r.Count != 1 || r.Truncated || r.MaxRows != sqlMaxRows ||
			len(r.Rows) != 1 || r.Rows[0][0] != 63.8 || r.Rows[0][1] != 38.0 || r.Rows[0][2] != 63.0 {
			t.Errorf("result = %s", body)
		}
		if c := r.Columns; len(c) != 3 || c[0].Name != "value" || c[0].Type != "DOUBLE" || c[1].Type != "INTEGER" {
			t.Errorf("columns = %+v", c)
		}
	})
	t.Run("CSV", func(t *testing.T) {
		resp, body := get(t, srv, "/api/v1/sql?format=csv&q="+figure)
		if resp.StatusCode != 200 || string(body) != "value,rank,rank_of\n63.8,38,63\n" || !strings.HasPrefix(resp.Header.Get("Content-Type"), "text/csv") {
			t.Errorf("%d %s %q", resp.StatusCode, resp.Header.Get("Content-Type"), body)
		}
	})
	t.Run("RowCap", func(t *testing.T) {
		q := "/api/v1/sql?q=" + url.QueryEscape("SELECT range AS n FROM range(20000)")
		resp, body := get(t, srv, q)
		var r sqlResponse
		if resp.StatusCode != 200 || json.Unmarshal(body, &r) != nil {
			t.Fatalf("%d %.200s", resp.StatusCode, body)
		}
		if r.Count != sqlMaxRows || len(r.Rows) != sqlMaxRows || !r.Truncated || !strings.Contains(r.Note, "10000") || resp.Header.Get(sqlTruncatedHeader) != "10000" {
			t.Errorf("count %d, truncated %v, note %q, header %q", r.Count, r.Truncated, r.Note, resp.Header.Get(sqlTruncatedHeader))
		}
		resp, body = get(t, srv, q+"&format=csv")
		if lines := strings.Count(string(body), "\n"); resp.StatusCode != 200 || lines != sqlMaxRows+1 || resp.Header.Get(sqlTruncatedHeader) != "10000" {
			t.Errorf("CSV: %d, %d lines, header %q; want 10001 lines and the header", resp.StatusCode, lines, resp.Header.Get(sqlTruncatedHeader))
		}
	})
	t.Run("Refused", func(t *testing.T) {
		for _, q := range []string{
			"SELECT * FROM read_csv('/etc/passwd')",
			"COPY (SELECT 1) TO '/tmp/chiso-sql-test.csv'",
			"ATTACH '/tmp/x.duckdb' AS x",
			"INSTALL httpfs",
			"LOAD httpfs",
			"PRAGMA version",
			"SET threads = 1",
			"CREATE TABLE x (a INT)",
			"DELETE FROM observations_v",
			"SELECT 1; SELECT 2",
			"SELECT 1 -- hidden\n; DROP VIEW observations_v",
			"",
			strings.Repeat("x", maxSQL+1),
		} {
			resp, body := get(t, srv, "/api/v1/sql?q="+url.QueryEscape(q))
			var e errorBody
			if resp.StatusCode != 400 || json.Unmarshal(body, &e) != nil || e.Parameter != "q" || e.ErrorType != "bad_data" {
				t.Errorf("%.60q: %d %.300s, want 400 naming q", q, resp.StatusCode, body)
			}
		}
	})
	t.Run("Runaway", func(t *testing.T) {
		start := time.Now()
		resp, body := get(t, srv, "/api/v1/sql?q="+url.QueryEscape("SELECT count(*) FROM range(1000000) a, range(1000000) b"))
		var e errorBody
		json.Unmarshal(body, &e)
		if d := time.Since(start); resp.StatusCode != 400 || e.Parameter != "q" || !strings.Contains(e.Error, "5s") || d > sqlTimeout+3*time.Second {
			t.Errorf("runaway query: %d %s after %v, want 400 naming q after about %v", resp.StatusCode, body, d, sqlTimeout)
		}
	})
	// The server still answers, the data is unchanged.
	resp, body := get(t, srv, "/healthz")
	if resp.StatusCode != 200 || !strings.Contains(string(body), version) || store.Version() != version {
		t.Errorf("after the refused queries: %d %s, version %s; want 200 and version %s", resp.StatusCode, body, store.Version(), version)
	}
	if _, after := get(t, srv, countURI); string(after) != string(count) || !strings.HasPrefix(string(count), "n,s\n") {
		t.Errorf("observations_v before the refused queries %q, after %q", count, after)
	}
	if _, after := get(t, srv, obsURI); string(after) != string(obs) {
		t.Errorf("observations before the refused queries %.200s, after %.200s", obs, after)
	}
}

func TestSQLAndDocsPages(t *testing.T) {
	srv, _ := newTestServer(t)
	inline := regexp.MustCompile(`<script(?:\s+type="application/json"[^>]*)?>[^<]|\sstyle="|\son[a-z]+="`)
	for _, tc := range []struct {
		path   string
		status int
		want   []string
	}{
		{"/sql", 200, []string{`<textarea id="sql-q" name="q"`, "observations_v", "lineage_v", "FROM observations_v"}},
		{"/sql?lang=en&q=" + url.QueryEscape("SELECT value FROM observations_v WHERE indicator = 'pci' AND unit_id = 'vn63.93' AND year = 2021 AND preferred"), 200,
			[]string{"Result: 1 rows", ">63.8</td>", "/api/v1/sql?q=SELECT", "format=csv"}},
		{"/sql?lang=en&q=" + url.QueryEscape("DELETE FROM observations_v"), 400, []string{`class="error"`, "only a SELECT"}},
		{"/api/docs", 200, []string{"GET /api/v1/observations", `href="#schema-Observation"`, `id="schema-ObservationsResponse"`, "GET /api/v1/sql", "/api/v1/openapi.json"}},
		{"/api/docs?lang=en", 200, []string{"Parameters", "in [1990, 2100]", `one of &#34;63&#34;, &#34;34&#34;`, `id="schema-Error"`, "error_type"}},
	} {
		resp, body := get(t, srv, tc.path)
		if resp.StatusCode != tc.status || !strings.HasPrefix(resp.Header.Get("Content-Type"), "text/html") {
			t.Errorf("GET %s: %d %s, want %d HTML", tc.path, resp.StatusCode, resp.Header.Get("Content-Type"), tc.status)
		}
		if !strings.Contains(resp.Header.Get("Content-Security-Policy"), "script-src 'self'") {
			t.Errorf("GET %s: CSP %q", tc.path, resp.Header.Get("Content-Security-Policy"))
		}
		for _, w := range tc.want {
			if !strings.Contains(string(body), w) {
				t.Errorf("GET %s: no %q", tc.path, w)
			}
		}
		if m := inline.FindString(string(body)); m != "" {
			t.Errorf("GET %s: inline script or style %q", tc.path, m)
		}
	}
}
