package server

import (
	"encoding/json"
	"net/http"
	"strings"
	"testing"

	"gonum.org/v1/gonum/floats/scalar"

	"chiso/analytics"
	"chiso/report"
)

func getJSON(t *testing.T, srv interface {
	Client() *http.Client
}, url string, v any) int {
	t.Helper()
	resp, err := srv.Client().Get(url)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	if err := json.NewDecoder(resp.Body).Decode(v); err != nil {
		t.Fatalf("GET %s: %v", url, err)
	}
	return resp.StatusCode
}

type trendsResponse struct {
	Results []report.IndicatorTrends `json:"results"`
}

func TestTrendsHauGiangPCI(t *testing.T) {
	srv, _ := newTestServer(t)
	var r trendsResponse
	if code := getJSON(t, srv, srv.URL+"/api/v1/trends?indicator=pci&provinces=93&from=2017&to=2021", &r); code != 200 {
		t.Fatalf("status %d", code)
	}
	if len(r.Results) != 1 || len(r.Results[0].Data) != 1 {
		t.Fatalf("results = %+v", r.Results)
	}
	res := r.Results[0]
	d := res.Data[0]
	// VCCI: 60.14, 61.87, 64.14, 63.11, 63.80 (2017–2021); SciPy linregress gives 0.856 a year.
	if d.Value == nil || !scalar.EqualWithinAbsOrRel(d.Value.Slope, 0.856, 1e-9, 1e-9) || d.Value.N != 5 {
		t.Errorf("value trend = %+v, want slope 0.856 over 5 years", d.Value)
	}
	// Rank 50 in 2017, 38 in 2021: it climbed 12 places.
	if d.RankChange == nil || *d.RankChange != 12 || d.Rank == nil || d.Rank.Slope >= 0 {
		t.Errorf("rank change = %v, rank trend = %+v; want 12 places up, falling rank numbers", d.RankChange, d.Rank)
	}
	if d.FasterThan == nil || d.FasterThan.Of != res.Coverage.N-1 || d.FasterThan.N < 0 || d.FasterThan.N > d.FasterThan.Of {
		t.Errorf("faster_than = %+v with coverage %+v", d.FasterThan, res.Coverage)
	}
	if res.Coverage.Of < res.Coverage.N || res.Coverage.Of > 63 {
		t.Errorf("coverage = %+v", res.Coverage)
	}
}

func TestTrendsMethodBreak(t *testing.T) {
	srv, _ := newTestServer(t)
	var r trendsResponse
	getJSON(t, srv, srv.URL+"/api/v1/trends?indicator=pci&provinces=93&from=2010&to=2016", &r)
	win := r.Results[0].Window
	if win.From != 2013 || win.To != 2016 || !strings.Contains(win.Note, "2013") || win.Warning != "" {
		t.Errorf("default window = %+v, want 2013–2016 with a note", win)
	}
	if n := r.Results[0].Data[0].Value.N; n != 4 {
		t.Errorf("years in the trend = %d, want 4 (2013–2016)", n)
	}
	var across trendsResponse
	getJSON(t, srv, srv.URL+"/api/v1/trends?indicator=pci&provinces=93&from=2010&to=2016&across_breaks=true", &across)
	win = across.Results[0].Window
	if win.From != 2010 || win.Warning == "" || win.Note != "" || across.Results[0].Data[0].Value.N != 7 {
		t.Errorf("across_breaks window = %+v (n=%d), want 2010–2016 with a warning", win, across.Results[0].Data[0].Value.N)
	}
}

func TestTrendsInsufficientData(t *testing.T) {
	srv, _ := newTestServer(t)
	var r trendsResponse
	// Hậu Giang's PAR Index: only the ranks of 2019 and 2021, from a news report.
	getJSON(t, srv, srv.URL+"/api/v1/trends?indicator=par_index&provinces=93", &r)
	d := r.Results[0].Data[0]
	if d.Value != nil || d.Rank != nil || !strings.Contains(d.RankNote, "insufficient data: 2 years") {
		t.Errorf("PAR Index trend = %+v, want insufficient data (2 ranks)", d)
	}
}

func TestTrendsAllIndicators(t *testing.T) {
	srv, _ := newTestServer(t)
	var r trendsResponse
	getJSON(t, srv, srv.URL+"/api/v1/trends", &r)
	seen := map[string]int{}
	windows := map[string]report.Window{}
	for _, res := range r.Results {
		seen[res.Indicator] = res.Coverage.N
		windows[res.Indicator] = res.Window
	}
	if seen["pci"] != 63 || seen["population"] != 63 || len(seen) != 11 {
		t.Errorf("value trends per indicator = %v, want all 11 indicators and 63 units for pci and population", seen)
	}
	// PAPI changed to 8 dimensions in 2018: the default trend starts there.
	if w := windows["papi"]; w.From != 2018 || w.Note == "" {
		t.Errorf("PAPI window = %+v, want from 2018 with a note", w)
	}
}

func TestRankingsAndMovers(t *testing.T) {
	srv, _ := newTestServer(t)
	var r struct {
		Coverage    map[string]report.Coverage `json:"coverage"`
		Data        []report.RankingRow        `json:"data"`
		DerivedNote string                     `json:"derived_note"`
		Movers      struct {
			Up, Down []report.MoveRow
			Compared int
		} `json:"movers"`
	}
	getJSON(t, srv, srv.URL+"/api/v1/rankings?indicator=pci&year=2016&from_year=2010&top=3&derived=true", &r)
	if r.Coverage["ranked"] != (report.Coverage{N: 63, Of: 63}) || len(r.Data) != 63 {
		t.Fatalf("coverage %+v, %d rows", r.Coverage, len(r.Data))
	}
	first := r.Data[0]
	if first.Unit.NameVI != "Đà Nẵng" || *first.Rank != 1 || *first.Value != 70.00 || *first.Percentile != 100 {
		t.Errorf("first = %+v, want Đà Nẵng 70.00, rank 1, percentile 100", first)
	}
	if first.DerivedRank == nil || *first.DerivedRank != 1 || r.DerivedNote == "" {
		t.Errorf("derived rank = %v, note %q", first.DerivedRank, r.DerivedNote)
	}
	// top=3, but Hà Nội, Nghệ An and Quảng Ngãi tie at +29 for 2nd: all three are kept.
	if len(r.Movers.Up) != 4 || r.Movers.Up[0].Unit.NameVI != "Thái Nguyên" || r.Movers.Up[0].Change != 35 || r.Movers.Up[3].Change != 29 {
		t.Errorf("movers up = %+v, want Thái Nguyên +35 first and the three tied at +29", r.Movers.Up)
	}
	if len(r.Movers.Down) != 3 || r.Movers.Down[0].Unit.NameVI != "Trà Vinh" || r.Movers.Down[0].Change != -38 {
		t.Errorf("movers down = %+v, want Trà Vinh −38 first", r.Movers.Down)
	}
}

func TestCompareHauGiang(t *testing.T) {
	srv, _ := newTestServer(t)
	var r struct {
		Coverage  report.Coverage     `json:"coverage"`
		Threshold analytics.Threshold `json:"top10_threshold"`
		Data      []report.CompareRow `json:"data"`
	}
	getJSON(t, srv, srv.URL+"/api/v1/compare?indicator=pci&year=2016&provinces=93,92,94&target=65", &r)
	if r.Coverage != (report.Coverage{N: 63, Of: 63}) || len(r.Data) != 3 {
		t.Fatalf("coverage %+v, %d rows", r.Coverage, len(r.Data))
	}
	hg := r.Data[0]
	if hg.Unit.ID != "vn63.93" || *hg.Value != 57.82 || *hg.Rank != 37 || hg.Region != "Mekong River Delta" || hg.RegionN != 13 {
		t.Errorf("Hậu Giang = %+v", hg)
	}
	if !scalar.EqualWithinAbsOrRel(*hg.GapToTarget, 65-57.82, 1e-9, 1e-9) || !scalar.EqualWithinAbsOrRel(*hg.GapToTop10, *r.Threshold.Exact-57.82, 1e-9, 1e-9) {
		t.Errorf("gaps: target %v, top 10 %v (threshold %+v)", *hg.GapToTarget, *hg.GapToTop10, r.Threshold)
	}
	if *hg.Percentile <= 0 || *hg.Percentile >= 100 || *hg.Z >= 0 {
		t.Errorf("percentile %v, z %v: Hậu Giang 2016 (37th) is below the mean", *hg.Percentile, *hg.Z)
	}
}

func TestCorrelationsAgainstSciPy(t *testing.T) {
	srv, _ := newTestServer(t)
	var r struct {
		Coverage    report.Coverage `json:"coverage"`
		Correlation struct {
			N         int     `json:"n"`
			Pearson   float64 `json:"pearson"`
			PearsonP  float64 `json:"pearson_p"`
			Spearman  float64 `json:"spearman"`
			SpearmanP float64 `json:"spearman_p"`
		} `json:"correlation"`
	}
	getJSON(t, srv, srv.URL+"/api/v1/correlations?x=pci&y=papi&year=2016", &r)
	// scipy.stats on the same 63 pairs of the bundled files.
	c := r.Correlation
	for _, x := range []struct {
		name      string
		got, want float64
	}{
		{"pearson", c.Pearson, 0.15978081017977666},
		{"pearson p", c.PearsonP, 0.21097851516267466},
		{"spearman", c.Spearman, 0.1837276012664938},
		{"spearman p", c.SpearmanP, 0.14947383445900697},
	} {
		if !scalar.EqualWithinAbsOrRel(x.got, x.want, 1e-9, 1e-9) {
			t.Errorf("%s = %v, want %v", x.name, x.got, x.want)
		}
	}
	if c.N != 63 || r.Coverage != (report.Coverage{N: 63, Of: 63}) {
		t.Errorf("n = %d, coverage %+v", c.N, r.Coverage)
	}
	var m struct {
		Pearson [][]*float64 `json:"pearson"`
	}
	getJSON(t, srv, srv.URL+"/api/v1/correlations?indicators=pci,papi,population&year=2016", &m)
	if len(m.Pearson) != 3 || *m.Pearson[0][0] != 1 || !scalar.EqualWithinAbsOrRel(*m.Pearson[0][1], 0.15978081017977666, 1e-9, 1e-9) {
		t.Errorf("matrix = %v", m.Pearson)
	}
}

func TestPeersAndPCA(t *testing.T) {
	srv, _ := newTestServer(t)
	var r struct {
		Coverage report.Coverage  `json:"coverage"`
		Peers    []report.PeerRow `json:"peers"`
		PCA      struct {
			Explained []float64
			Points    []report.PCAPoint
		} `json:"pca"`
	}
	getJSON(t, srv, srv.URL+"/api/v1/peers?indicators=pci,papi,population&year=2016&province=Hau%20Giang&k=3", &r)
	if r.Coverage != (report.Coverage{N: 63, Of: 63}) || len(r.Peers) != 3 || len(r.PCA.Points) != 63 {
		t.Fatalf("coverage %+v, %d peers, %d points", r.Coverage, len(r.Peers), len(r.PCA.Points))
	}
	for i := 1; i < len(r.Peers); i++ {
		if r.Peers[i].Distance < r.Peers[i-1].Distance || r.Peers[i].Unit.ID == "vn63.93" {
			t.Errorf("peers = %+v", r.Peers)
		}
	}
	if e := r.PCA.Explained; len(e) != 2 || e[0] < e[1] || e[0]+e[1] > 1+1e-9 {
		t.Errorf("explained = %v", e)
	}
}

type compositeResponse struct {
	Chosen   map[string]any        `json:"chosen"`
	Coverage report.Coverage       `json:"coverage"`
	Data     []report.CompositeRow `json:"data"`
	NotScore []any                 `json:"not_scored"`
}

func TestCompositeDefaultAndUncertainty(t *testing.T) {
	srv, _ := newTestServer(t)
	var a, b compositeResponse
	getJSON(t, srv, srv.URL+"/api/v1/composite?draws=300&seed=3", &a)
	// The latest year in which two readiness indicators have figures for at least half of the 63:
	// 2021, PCI (32 of 63) and GRDP per capita (63 of 63).
	if a.Chosen["by"] != "default" || a.Chosen["year"] != 2021.0 || a.Coverage.N != 32 || len(a.Data) != a.Coverage.N || a.Coverage.Of != 63 {
		t.Fatalf("chosen %v, coverage %+v, %d rows", a.Chosen, a.Coverage, len(a.Data))
	}
	if len(a.NotScore) != 63-a.Coverage.N {
		t.Errorf("not scored: %d, want %d", len(a.NotScore), 63-a.Coverage.N)
	}
	for i, row := range a.Data {
		if row.RankInterval == nil || row.P05 > row.Median || row.Median > row.P95 || (i > 0 && row.Rank < a.Data[i-1].Rank) {
			t.Errorf("row %d = %+v", i, row)
		}
	}
	// The same seed gives the same intervals, through POST too.
	resp, err := srv.Client().Post(srv.URL+"/api/v1/composite", "application/json",
		strings.NewReader(`{"indicators": ["pci", "grdp_per_capita"], "year": 2021, "draws": 300, "seed": 3}`))
	if err != nil {
		t.Fatal(err)
	}
	json.NewDecoder(resp.Body).Decode(&b)
	resp.Body.Close()
	if len(a.Data) != len(b.Data) {
		t.Fatalf("POST gave %d rows, GET %d", len(b.Data), len(a.Data))
	}
	for i := range a.Data {
		if a.Data[i].Unit.ID != b.Data[i].Unit.ID || *a.Data[i].RankInterval != *b.Data[i].RankInterval {
			t.Errorf("row %d: GET %+v, POST %+v", i, a.Data[i], b.Data[i])
		}
	}
	// One indicator, min–max: the composite's order is the indicator's (PCI 2016, all 63).
	var one compositeResponse
	getJSON(t, srv, srv.URL+"/api/v1/composite?indicators=pci&year=2016&draws=0", &one)
	if len(one.Data) != 63 || one.Data[0].Unit.NameVI != "Đà Nẵng" || one.Data[0].Rank != 1 || one.Data[0].Score != 100 {
		t.Errorf("PCI-only composite first row = %+v", one.Data[0])
	}
	// partial=true scores the provinces that lack an input on the ones they have, labelled.
	var part compositeResponse
	getJSON(t, srv, srv.URL+"/api/v1/composite?indicators=pci,grdp_per_capita&year=2021&partial=true&draws=0", &part)
	partial := 0
	for _, row := range part.Data {
		if row.Partial {
			partial++
			if row.Inputs != 1 {
				t.Errorf("%s scored partially on %d inputs, want 1", row.Unit.NameVI, row.Inputs)
			}
		}
	}
	if len(part.Data) != 63 || partial != 63-a.Coverage.N {
		t.Errorf("partial: %d rows, %d partial; want 63 and %d", len(part.Data), partial, 63-a.Coverage.N)
	}
}

func TestAnalyticsBadParameters(t *testing.T) {
	srv, _ := newTestServer(t)
	for _, tc := range []struct{ path, param, want string }{
		{"/api/v1/trends?across_breaks=maybe", "across_breaks", `expected "true" or "false", got "maybe"`},
		{"/api/v1/rankings?indicator=pci", "year", "expected a year in [1990, 2100], got nothing"},
		{"/api/v1/rankings?year=2016", "indicator", "expected an indicator id"},
		{"/api/v1/compare?indicator=pci&year=2016", "provinces", "got nothing"},
		{"/api/v1/compare?indicator=pci&year=2016&provinces=93&target=abc", "target", `expected a number, got "abc"`},
		{"/api/v1/correlations?x=pci&year=2016", "y", "expected an indicator id"},
		{"/api/v1/correlations?indicators=pci&year=2016", "indicators", "at least 2 indicator ids"},
		{"/api/v1/peers?indicators=pci&year=2016&k=0", "k", "expected an integer in [1, 62], got \"0\""},
		{"/api/v1/peers?indicators=pci&year=2026&province=Bình%20Phước", "province", "a province in force in 2026"},
		{"/api/v1/composite?normalization=rank", "normalization", `expected "minmax" or "zscore", got "rank"`},
		{"/api/v1/composite?indicators=pci,papi&year=2016&weights=1", "weights", "expected 2 weights, one per indicator"},
		{"/api/v1/composite?draws=-1", "draws", "expected an integer in [0, 100000]"},
	} {
		var e errorBody
		code := getJSON(t, srv, srv.URL+tc.path, &e)
		if code != 400 || e.Parameter != tc.param || !strings.Contains(e.Error, tc.want) {
			t.Errorf("GET %s: %d %+v; want 400 on %q with %q", tc.path, code, e, tc.param, tc.want)
		}
	}
	resp, _ := srv.Client().Post(srv.URL+"/api/v1/composite", "application/json", strings.NewReader(`{"indicator": "pci"}`))
	var e errorBody
	json.NewDecoder(resp.Body).Decode(&e)
	resp.Body.Close()
	if resp.StatusCode != 400 || e.Parameter != "body" || !strings.Contains(e.Error, "unknown field") {
		t.Errorf("POST with an unknown field: %d %+v", resp.StatusCode, e)
	}
}

func TestAnalyticsCSV(t *testing.T) {
	srv, _ := newTestServer(t)
	for _, tc := range []struct{ path, header, row string }{
		{"/api/v1/rankings?indicator=pci&year=2016&format=csv", "indicator,year,unit_id,code,name_vi,value,rank,rank_of", "pci,2016,vn63.48,48,Đà Nẵng,70,1,63,100,published,true,"},
		{"/api/v1/compare?indicator=pci&year=2016&provinces=93&format=csv", "indicator,year,unit_id,name_vi,status,value,rank", "pci,2016,vn63.93,Hậu Giang,published,57.82,37,63,"},
		{"/api/v1/trends?indicator=pci&provinces=93&from=2017&to=2021&format=csv", "indicator,from,to,unit_id,name_vi,n,slope", "pci,2017,2021,vn63.93,Hậu Giang,5,0.85599"},
		{"/api/v1/composite?indicators=pci&year=2016&draws=0&format=csv", "year,unit_id,name_vi,score,rank", "2016,vn63.48,Đà Nẵng,100,1,false,"},
	} {
		resp, body := get(t, srv, tc.path)
		text := string(body)
		if resp.StatusCode != 200 || !strings.HasPrefix(resp.Header.Get("Content-Type"), "text/csv") ||
			!strings.HasPrefix(text, tc.header) || !strings.Contains(text, "\n"+tc.row) {
			t.Errorf("GET %s: %d %q\n%.400s", tc.path, resp.StatusCode, resp.Header.Get("Content-Type"), text)
		}
	}
}
