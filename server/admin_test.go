package server

import (
	"bytes"
	"encoding/json"
	"io"
	"log/slog"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"chiso/report"
)

const testToken = "test-admin-token-1"

func newAdminServer(t *testing.T) *httptest.Server {
	t.Helper()
	store := mustOpenStore(t)
	srv := httptest.NewServer(NewServer(slog.New(slog.NewTextHandler(io.Discard, nil)), Config{AdminToken: testToken}, store))
	t.Cleanup(srv.Close)
	return srv
}

// postUpload posts a multipart upload: files (name → content) and form fields.
func postUpload(t *testing.T, srv *httptest.Server, path, token string, files map[string]string, fields map[string]string) (*http.Response, []byte) {
	t.Helper()
	var body bytes.Buffer
	mw := multipart.NewWriter(&body)
	for name, content := range files {
		fw, err := mw.CreateFormFile("file", name)
		if err != nil {
			t.Fatal(err)
		}
		fw.Write([]byte(content))
	}
	for k, v := range fields {
		mw.WriteField(k, v)
	}
	mw.Close()
	req, err := http.NewRequest(http.MethodPost, srv.URL+path, &body)
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", mw.FormDataContentType())
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	resp, err := srv.Client().Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	out, _ := io.ReadAll(resp.Body)
	return resp, out
}

type uploadResponse struct {
	Status   string `json:"status"`
	Version  string `json:"dataset_version"`
	UploadID string `json:"upload_id"`
	Report   struct {
		Rows       int  `json:"rows"`
		Added      int  `json:"added"`
		DryRun     bool `json:"dry_run"`
		Comparison struct {
			New         int `json:"new"`
			Conflicting int `json:"conflicting"`
		} `json:"comparison"`
	} `json:"report"`
	Error    string `json:"error"`
	Problems []struct {
		File    string `json:"file"`
		Message string `json:"message"`
	} `json:"problems"`
}

func decodeUpload(t *testing.T, body []byte) uploadResponse {
	t.Helper()
	var u uploadResponse
	if err := json.Unmarshal(body, &u); err != nil {
		t.Fatalf("%v: %s", err, body)
	}
	return u
}

// TEST FIXTURE: the uploaded figures are synthetic (GRDP per capita 2012, which the bundle lacks).
const uploadCSV = "province,year,value\nHà Nội,2012,41.5\nHải Phòng,2012,38.25\n"

func uploadFields(extra ...string) map[string]string {
	f := map[string]string{"indicator": "grdp_per_capita", "source": "synthetic upload test fixture"}
	for i := 0; i+1 < len(extra); i += 2 {
		f[extra[i]] = extra[i+1]
	}
	return f
}

// TestAdminRoutesNeedAToken: without an admin token the upload routes do not exist.
func TestAdminRoutesNeedAToken(t *testing.T) {
	srv, _ := newTestServer(t)
	if resp, _ := postUpload(t, srv, "/api/v1/admin/ingest", "anything", map[string]string{"a.csv": uploadCSV}, uploadFields()); resp.StatusCode != http.StatusNotFound {
		t.Errorf("POST /api/v1/admin/ingest without a configured token: %d, want 404", resp.StatusCode)
	}
	if resp, _ := get(t, srv, "/admin/upload"); resp.StatusCode != http.StatusNotFound {
		t.Errorf("GET /admin/upload without a configured token: %d, want 404", resp.StatusCode)
	}
}

// TestAdminIngest: a wrong token is 401; a bad file is a report and changes nothing; a dry
// run changes nothing until confirmed; then the new version is served.
func TestAdminIngest(t *testing.T) {
	srv := newAdminServer(t)
	const q = "indicator=grdp_per_capita&provinces=01,31&from=2012&to=2012"
	version := func() string {
		resp, body := get(t, srv, "/api/v1/observations?"+q)
		if resp.StatusCode != http.StatusOK {
			t.Fatalf("%d %s", resp.StatusCode, body)
		}
		var env struct {
			Version string `json:"dataset_version"`
		}
		json.Unmarshal(body, &env)
		return env.Version
	}
	v0 := version()
	if n := getObservations(t, srv, q).Count; n != 0 {
		t.Fatalf("before: %d figures, want none", n)
	}
	for _, tok := range []string{"", "wrong-token", testToken + "x"} {
		resp, _ := postUpload(t, srv, "/api/v1/admin/ingest", tok, map[string]string{"a.csv": uploadCSV}, uploadFields())
		if resp.StatusCode != http.StatusUnauthorized || !strings.HasPrefix(resp.Header.Get("WWW-Authenticate"), "Bearer") {
			t.Errorf("token %q: %d, want 401 with WWW-Authenticate", tok, resp.StatusCode)
		}
	}
	// A bad file: the problems, with the file's own name, and nothing changed.
	resp, body := postUpload(t, srv, "/api/v1/admin/ingest", testToken, map[string]string{"bad.csv": "province,year,value\nAtlantis,2012,1\n"}, uploadFields())
	u := decodeUpload(t, body)
	if resp.StatusCode != http.StatusBadRequest || len(u.Problems) != 1 || u.Problems[0].File != "bad.csv" || !strings.Contains(u.Problems[0].Message, "Atlantis") {
		t.Errorf("bad file: %d %s", resp.StatusCode, body)
	}
	// A dry run: the report and an upload id; nothing changed.
	resp, body = postUpload(t, srv, "/api/v1/admin/ingest", testToken, map[string]string{"good.csv": uploadCSV}, uploadFields("dry_run", "true"))
	u = decodeUpload(t, body)
	if resp.StatusCode != http.StatusOK || u.UploadID == "" || !u.Report.DryRun || u.Report.Comparison.New != 2 {
		t.Fatalf("dry run: %d %s", resp.StatusCode, body)
	}
	if v := version(); v != v0 || getObservations(t, srv, q).Count != 0 {
		t.Fatalf("a dry run changed the data (version %s → %s)", v0, v)
	}
	// Confirm: the new version is served.
	resp, body = postUpload(t, srv, "/api/v1/admin/ingest", testToken, nil, map[string]string{"upload_id": u.UploadID})
	c := decodeUpload(t, body)
	if resp.StatusCode != http.StatusOK || c.Report.Added != 2 || c.Version == v0 {
		t.Fatalf("confirm: %d %s", resp.StatusCode, body)
	}
	if v := version(); v != c.Version {
		t.Errorf("served version %s, want the new %s", v, c.Version)
	}
	r := getObservations(t, srv, q)
	if o, ok := find(r, "vn63.01", 2012); !ok || *o.Value != 41.5 {
		t.Errorf("after the upload: %+v", r.Data)
	}
	// An upload id confirms once.
	if resp, _ := postUpload(t, srv, "/api/v1/admin/ingest", testToken, nil, map[string]string{"upload_id": u.UploadID}); resp.StatusCode != http.StatusBadRequest {
		t.Errorf("second confirm: %d, want 400", resp.StatusCode)
	}
}

// TestAdminIngestWarms: a confirmed upload answers once the new version's shared views are
// built (report.Warm), as a server start does: PCI's default trends are there for the first reader.
func TestAdminIngestWarms(t *testing.T) {
	store := mustOpenStore(t)
	srv := httptest.NewServer(NewServer(slog.New(slog.NewTextHandler(io.Discard, nil)), Config{AdminToken: testToken}, store))
	t.Cleanup(srv.Close)
	v0 := store.Version()
	resp, body := postUpload(t, srv, "/api/v1/admin/ingest", testToken, map[string]string{"good.csv": uploadCSV}, uploadFields())
	if resp.StatusCode != http.StatusOK || store.Version() == v0 {
		t.Fatalf("upload: %d %s", resp.StatusCode, body)
	}
	built := false
	store.Memo("report.trends|||pci", func() (any, error) { built = true; return map[string]report.UnitTrend{}, nil })
	if built {
		t.Error("after the upload, the new version's default PCI trends were not built")
	}
}

// TestAdminUploadPage: the page (vi/en) under the pages' CSP; a dry run shows the report and
// a confirm form.
func TestAdminUploadPage(t *testing.T) {
	srv := newAdminServer(t)
	resp, body := get(t, srv, "/admin/upload?lang=en")
	if resp.StatusCode != http.StatusOK || !strings.Contains(resp.Header.Get("Content-Security-Policy"), "script-src 'self'") ||
		!strings.Contains(string(body), "Upload data") || strings.Contains(string(body), "<script>") || strings.Contains(string(body), "style=") {
		t.Fatalf("GET /admin/upload: %d %s", resp.StatusCode, body)
	}
	if _, body := get(t, srv, "/admin/upload"); !strings.Contains(string(body), "Nạp số liệu") {
		t.Error("the Vietnamese page lacks its title")
	}
	fields := uploadFields("token", testToken, "lang", "en")
	resp, body = postUpload(t, srv, "/admin/upload", "", map[string]string{"good.csv": uploadCSV}, fields)
	page := string(body)
	if resp.StatusCode != http.StatusOK || !strings.Contains(page, "nothing changed yet") || !strings.Contains(page, `name="upload_id"`) ||
		!strings.Contains(page, "Preview (the first 10 figures)") || !strings.Contains(page, "<td>41.5</td><td>new</td>") {
		t.Fatalf("POST /admin/upload: %d %s", resp.StatusCode, page)
	}
	fields["token"] = "wrong"
	if resp, _ := postUpload(t, srv, "/admin/upload", "", map[string]string{"good.csv": uploadCSV}, fields); resp.StatusCode != http.StatusUnauthorized {
		t.Errorf("wrong token on the page: %d, want 401", resp.StatusCode)
	}
}
