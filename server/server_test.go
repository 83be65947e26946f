package server

import (
	"context"
	"encoding/csv"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"chiso/datasets"
	"chiso/report"
)

func mustOpenStore(t testing.TB) *datasets.Store {
	t.Helper()
	s, err := datasets.Open(context.Background(), "")
	if err != nil {
		t.Fatalf("Open: %v", err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

// newTestServer serves the bundled data through the whole router and middleware.
func newTestServer(t testing.TB) (*httptest.Server, *datasets.Store) {
	t.Helper()
	store := mustOpenStore(t)
	srv := httptest.NewServer(NewServer(slog.New(slog.NewTextHandler(io.Discard, nil)), Config{}, store))
	t.Cleanup(srv.Close)
	return srv, store
}

func get(t *testing.T, srv *httptest.Server, path string, header ...string) (*http.Response, []byte) {
	t.Helper()
	req, err := http.NewRequest(http.MethodGet, srv.URL+path, nil)
	if err != nil {
		t.Fatal(err)
	}
	for i := 0; i+1 < len(header); i += 2 {
		req.Header.Set(header[i], header[i+1])
	}
	resp, err := srv.Client().Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return resp, body
}

type obsResponse struct {
	Status string               `json:"status"`
	Count  int                  `json:"count"`
	Data   []report.Observation `json:"data"`
	Miss   []report.Missing     `json:"missing"`
}

func getObservations(t *testing.T, srv *httptest.Server, query string) obsResponse {
	t.Helper()
	resp, body := get(t, srv, "/api/v1/observations?"+strings.ReplaceAll(query, " ", "%20"))
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("GET observations?%s: %d %s", query, resp.StatusCode, body)
	}
	var r obsResponse
	if err := json.Unmarshal(body, &r); err != nil {
		t.Fatal(err)
	}
	return r
}

func find(r obsResponse, unitID string, year int) (report.Observation, bool) {
	for _, o := range r.Data {
		if o.Unit.ID == unitID && o.Year == year {
			return o, true
		}
	}
	return report.Observation{}, false
}

func TestObservationsNewsReportFigures(t *testing.T) {
	srv, _ := newTestServer(t)
	t.Run("PCIConfirmedByVCCI", func(t *testing.T) {
		r := getObservations(t, srv, "indicator=pci&provinces=93,92&from=2017&to=2021")
		o, ok := find(r, "vn63.93", 2021)
		if !ok || *o.Value != 63.80 || *o.Rank != 38 || *o.RankOf != 63 || !o.Verified {
			t.Errorf("Hậu Giang PCI 2021 = %+v, want 63.80, rank 38 of 63, verified", o.Figure)
		}
		if o, ok := find(r, "vn63.93", 2017); !ok || *o.Rank != 50 {
			t.Errorf("Hậu Giang PCI 2017 rank = %+v, want 50", o.Figure)
		}
		for _, o := range r.Data {
			if o.Unit.ID != "vn63.93" && o.Unit.ID != "vn63.92" {
				t.Errorf("unexpected unit %s", o.Unit.ID)
			}
		}
	})
	t.Run("ReportedOnlyIsUnverified", func(t *testing.T) {
		r := getObservations(t, srv, "indicator=par_index&provinces=Hậu Giang&from=2019&to=2021")
		for _, year := range []int{2019, 2021} {
			o, ok := find(r, "vn63.93", year)
			want := map[int]int{2019: 31, 2021: 27}[year]
			if !ok || o.Rank == nil || *o.Rank != want || o.Verified {
				t.Errorf("Hậu Giang PAR Index %d = %+v, want rank %d, unverified", year, o.Figure, want)
			}
		}
		r = getObservations(t, srv, "indicator=dti.digital_economy&provinces=hau-giang&from=2021&to=2021")
		if o, ok := find(r, "vn63.93", 2021); !ok || *o.Rank != 18 || o.Verified {
			t.Errorf("Hậu Giang DTI digital economy 2021 = %+v, want rank 18, unverified", o.Figure)
		}
	})
	t.Run("GRDPDisagreementKeepsBoth", func(t *testing.T) {
		r := getObservations(t, srv, "indicator=grdp_growth&provinces=Hau Giang&from=2021&to=2021")
		o, ok := find(r, "vn63.93", 2021)
		if !ok || *o.Value != 3.08 || !strings.Contains(o.Source.Citation, "mpi.gov.vn") {
			t.Fatalf("preferred = %+v, want 3.08 from the MPI portal", o.Figure)
		}
		if len(o.Alternatives) != 1 {
			t.Fatalf("alternatives = %+v, want the news report's figure", o.Alternatives)
		}
		alt := o.Alternatives[0]
		if *alt.Value != 11 || *alt.Rank != 8 || alt.Verified || !strings.Contains(alt.Source.Citation, "FPT") {
			t.Errorf("alternative = %+v, want 11%%, 8th, unverified, from the FPT news report", alt)
		}
	})
}

func TestObservationsCodeReuse(t *testing.T) {
	srv, _ := newTestServer(t)
	// Code 15 in 2015 is Yên Bái (population is complete for every year).
	r := getObservations(t, srv, "indicator=population&provinces=15&from=2015&to=2015")
	if len(r.Data) != 1 || r.Data[0].Unit.ID != "vn63.15" || r.Data[0].Unit.NameVI != "Yên Bái" {
		t.Errorf("code 15 in 2015 = %+v, want Yên Bái", r.Data)
	}
	// Among the 34 units, code 15 is Lào Cai: the DTI 2024 ranking of the 34 does not list it, so
	// ask the registry through the provinces endpoint.
	resp, body := get(t, srv, "/api/v1/provinces/15?as_of=2025-07-01")
	if resp.StatusCode != http.StatusOK || !strings.Contains(string(body), `"id":"vn34.15","code":"15","unit_set":"34","name_vi":"Lào Cai"`) {
		t.Errorf("province 15 on 2025-07-01: %d %s", resp.StatusCode, body)
	}
	resp, body = get(t, srv, "/api/v1/provinces/15?as_of=2015")
	if resp.StatusCode != http.StatusOK || !strings.Contains(string(body), `"name_vi":"Yên Bái"`) {
		t.Errorf("province 15 in 2015: %d %s", resp.StatusCode, body)
	}
	// DTI 2024 was published on both unit sets: Huế is 5th of 63 and 2nd of 34.
	r = getObservations(t, srv, "indicator=dti&provinces=46&from=2024&to=2024")
	got := map[string]int{}
	for _, o := range r.Data {
		got[o.Unit.ID] = *o.Rank
	}
	if got["vn63.46"] != 5 || got["vn34.46"] != 2 {
		t.Errorf("DTI 2024 Huế ranks = %v, want vn63.46: 5, vn34.46: 2", got)
	}
	r = getObservations(t, srv, "indicator=dti&provinces=46&from=2024&to=2024&units=34")
	if len(r.Data) != 1 || r.Data[0].Unit.ID != "vn34.46" {
		t.Errorf("units=34 gave %+v, want only vn34.46", r.Data)
	}
}

func TestObservationsNotPublished(t *testing.T) {
	srv, _ := newTestServer(t)
	r := getObservations(t, srv, "indicator=pci&provinces=Hà Tĩnh,Hậu Giang&from=2023&to=2024")
	o, ok := find(r, "vn63.42", 2023)
	if !ok || o.Status != "not_published" || o.Value != nil {
		t.Errorf("Hà Tĩnh PCI 2023 = %+v, want status not_published with no value", o.Figure)
	}
	var sawNote bool
	for _, m := range r.Miss {
		if m.Unit.ID == "vn63.42" && m.Year == 2024 && strings.Contains(m.Note, "top 30") {
			sawNote = true
		}
		if m.Unit.ID == "vn63.42" && m.Year == 2023 {
			t.Error("Hà Tĩnh 2023 listed as missing although it is marked not published")
		}
	}
	if !sawNote {
		t.Errorf("missing = %+v, want Hà Tĩnh 2024 with the top-30 note", r.Miss)
	}
}

func TestObservationsCSV(t *testing.T) {
	srv, _ := newTestServer(t)
	for _, tc := range []struct{ name, query, accept string }{
		{"FormatParam", "indicator=pci&provinces=93&from=2021&to=2021&format=csv", ""},
		{"AcceptHeader", "indicator=pci&provinces=93&from=2021&to=2021", "text/csv"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			resp, body := get(t, srv, "/api/v1/observations?"+tc.query, "Accept", tc.accept)
			if resp.StatusCode != http.StatusOK || !strings.HasPrefix(resp.Header.Get("Content-Type"), "text/csv") {
				t.Fatalf("status %d, content type %q", resp.StatusCode, resp.Header.Get("Content-Type"))
			}
			recs, err := csv.NewReader(strings.NewReader(string(body))).ReadAll()
			if err != nil {
				t.Fatal(err)
			}
			if len(recs) != 2 || recs[1][2] != "vn63.93" || recs[1][7] != "63.8" || recs[1][8] != "38" || recs[1][9] != "63" {
				t.Errorf("CSV = %q, want one row: vn63.93, 63.8, 38, 63", recs)
			}
		})
	}
}

func TestBadParameters(t *testing.T) {
	srv, _ := newTestServer(t)
	tests := []struct {
		path, param, want string
	}{
		{"/api/v1/observations?indicator=pcx", "indicator", `expected one of area, dti`},
		{"/api/v1/observations?indicator=pci&from=20x1", "from", `expected a year in [1990, 2100], got "20x1"`},
		{"/api/v1/observations?indicator=pci&from=2021&to=2017", "to", `expected a year ≥ from (2021), got 2017`},
		{"/api/v1/observations?provinces=Hau%20Gian", "provinces", `nearest known names: Hậu Giang`},
		{"/api/v1/observations?provinces=HG", "provinces", `ambiguous province "HG"`},
		{"/api/v1/observations?format=xml", "format", `expected "json" or "csv", got "xml"`},
		{"/api/v1/observations?units=40", "units", `expected "63" or "34", got "40"`},
		{"/api/v1/provinces?as_of=yesterday", "as_of", `expected a year (2024) or a date (2025-07-01), got "yesterday"`},
	}
	for _, tc := range tests {
		t.Run(tc.param, func(t *testing.T) {
			resp, body := get(t, srv, tc.path)
			if resp.StatusCode != http.StatusBadRequest {
				t.Fatalf("GET %s: status %d, want 400: %s", tc.path, resp.StatusCode, body)
			}
			var e errorBody
			if err := json.Unmarshal(body, &e); err != nil {
				t.Fatal(err)
			}
			if e.Parameter != tc.param || !strings.Contains(e.Error, tc.want) || e.ErrorType != "bad_data" {
				t.Errorf("GET %s: %+v, want parameter %q and %q", tc.path, e, tc.param, tc.want)
			}
		})
	}
	resp, _ := get(t, srv, "/api/v1/provinces/nowhere")
	if resp.StatusCode != http.StatusNotFound {
		t.Errorf("unknown province: status %d, want 404", resp.StatusCode)
	}
}

func TestProvinces(t *testing.T) {
	srv, store := newTestServer(t)
	for _, tc := range []struct {
		asOf string
		want int
	}{{"2024", 63}, {"2025-06-30", 63}, {"2025-07-01", 34}} {
		resp, body := get(t, srv, "/api/v1/provinces?as_of="+tc.asOf)
		var r struct {
			Count int           `json:"count"`
			Data  []report.Unit `json:"data"`
		}
		if err := json.Unmarshal(body, &r); err != nil || resp.StatusCode != 200 {
			t.Fatalf("as_of=%s: %d %v", tc.asOf, resp.StatusCode, err)
		}
		if r.Count != tc.want || len(r.Data) != tc.want {
			t.Errorf("as_of=%s: %d units, want %d", tc.asOf, r.Count, tc.want)
		}
	}
	// Hậu Giang: no longer in force, so the last unit with that code; its successor is Cần Thơ.
	resp, body := get(t, srv, "/api/v1/provinces/hau-giang")
	if resp.StatusCode != 200 || !strings.Contains(string(body), `"valid_to":"2025-06-30"`) ||
		!strings.Contains(string(body), `"successors":[{"unit":{"id":"vn34.92"`) {
		t.Errorf("hau-giang: %d %s", resp.StatusCode, body)
	}
	// ETag: a repeat request with the ETag gets 304.
	resp, _ = get(t, srv, "/api/v1/indicators")
	etag := resp.Header.Get("ETag")
	if !strings.Contains(etag, store.Version()) {
		t.Fatalf("ETag %q does not carry dataset version %q", etag, store.Version())
	}
	resp, _ = get(t, srv, "/api/v1/indicators", "If-None-Match", etag)
	if resp.StatusCode != http.StatusNotModified {
		t.Errorf("If-None-Match: status %d, want 304", resp.StatusCode)
	}
}

func TestIndicatorsCatalogue(t *testing.T) {
	srv, _ := newTestServer(t)
	_, body := get(t, srv, "/api/v1/indicators")
	var r struct {
		Data []datasets.Indicator `json:"data"`
	}
	if err := json.Unmarshal(body, &r); err != nil {
		t.Fatal(err)
	}
	byID := map[string]datasets.Indicator{}
	for _, in := range r.Data {
		byID[in.ID] = in
	}
	for _, id := range []string{"pci", "par_index", "dti", "dti.digital_government", "dti.digital_economy", "dti.digital_society",
		"papi", "grdp_growth", "grdp_per_capita", "population", "area"} {
		if _, ok := byID[id]; !ok {
			t.Errorf("indicator %s missing", id)
		}
	}
	if p := byID["dti.digital_economy"].Parent; p != "dti" {
		t.Errorf("dti.digital_economy parent = %q, want dti", p)
	}
	var years []int
	for _, b := range byID["dti"].Breaks {
		years = append(years, b.Year)
	}
	if len(years) != 2 || years[1] != 2024 {
		t.Errorf("DTI breaks = %v, want 2021 and 2024", years)
	}
}

func TestHealthz(t *testing.T) {
	srv, store := newTestServer(t)
	resp, body := get(t, srv, "/healthz")
	if resp.StatusCode != 200 || !strings.Contains(string(body), store.Version()) || resp.Header.Get("X-Dataset-Version") != store.Version() {
		t.Errorf("healthz: %d %s, X-Dataset-Version %q; want the version %s in both", resp.StatusCode, body, resp.Header.Get("X-Dataset-Version"), store.Version())
	}
}

func TestResponseCache(t *testing.T) {
	srv, _ := newTestServer(t)
	path := "/api/v1/observations?provinces=93&indicator=pci&from=2021&to=2021"
	first, body1 := get(t, srv, path)
	second, body2 := get(t, srv, "/api/v1/observations?indicator=pci&from=2021&to=2021&provinces=93") // same query, other order
	if first.StatusCode != 200 || second.StatusCode != 200 || string(body1) != string(body2) {
		t.Fatalf("cached response differs: %d %d\n%s\n%s", first.StatusCode, second.StatusCode, body1, body2)
	}
	if first.Header.Get("ETag") != second.Header.Get("ETag") || second.Header.Get("Content-Type") != "application/json; charset=utf-8" {
		t.Errorf("cached headers: %v vs %v", first.Header, second.Header)
	}
	resp, body := get(t, srv, path, "Accept", "text/csv")
	if !strings.HasPrefix(resp.Header.Get("Content-Type"), "text/csv") || !strings.HasPrefix(string(body), "indicator,year,unit_id") {
		t.Errorf("Accept: text/csv after a cached JSON response: %q %.60s", resp.Header.Get("Content-Type"), body)
	}
	resp, _ = get(t, srv, path, "If-None-Match", first.Header.Get("ETag"))
	if resp.StatusCode != http.StatusNotModified {
		t.Errorf("If-None-Match on a cached response: %d, want 304", resp.StatusCode)
	}
}
