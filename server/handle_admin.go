package server

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"mime/multipart"
	"net/http"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"time"

	"chiso/datasets"
	"chiso/report"
	"chiso/web"
)

// The operators' upload: POST /api/v1/admin/ingest and the page /admin/upload, behind a bearer
// token (Config.AdminToken). Without a token the routes do not exist.
//
// An upload is a dry run first: the files are validated and compared with the loaded figures,
// the report is returned with an upload_id, and the files are kept for stagedTTL. Posting the
// upload_id (confirm) ingests them. dry_run=false ingests in one step. The server keeps serving
// meanwhile; a response is computed on the version before the ingest or wholly on the one after
// (datasets.Store.Read).

// maxUpload is the largest request body an upload may have.
const maxUpload = 64 << 20

// stagedTTL is how long the files of a dry run wait for their confirm.
const stagedTTL = 30 * time.Minute

type admin struct {
	token  [32]byte // SHA-256 of the token: compared in constant time, whatever its length
	ingest sync.Mutex
	mu     sync.Mutex
	staged map[string]*stagedUpload
}

type stagedUpload struct {
	dir     string
	files   []string
	opts    datasets.IngestOptions
	expires time.Time
}

func newAdmin(token string) *admin {
	return &admin{token: sha256.Sum256([]byte(token)), staged: map[string]*stagedUpload{}}
}

// authorized reports whether the request carries the token: "Authorization: Bearer TOKEN", or
// with form (the page's form, which a browser sends without headers) the form field token.
func (a *admin) authorized(r *http.Request, form bool) bool {
	tok, ok := strings.CutPrefix(r.Header.Get("Authorization"), "Bearer ")
	if !ok && form {
		tok = r.FormValue("token")
	}
	sum := sha256.Sum256([]byte(strings.TrimSpace(tok)))
	return tok != "" && subtle.ConstantTimeCompare(sum[:], a.token[:]) == 1
}

// errUnauthorized is a missing or wrong token.
var errUnauthorized = errors.New("a valid admin token is required (Authorization: Bearer TOKEN)")

// uploadResult is what an upload returns: the ingest's report and, after a dry run, the id
// that confirms it.
type uploadResult struct {
	Report   datasets.IngestReport `json:"report"`
	UploadID string                `json:"upload_id,omitempty"`
	Expires  *time.Time            `json:"expires,omitempty"`
}

// run performs an upload request: a confirm of a staged dry run (upload_id), or the files of
// the form with its options, as a dry run (the default on the page) or at once.
func (a *admin) run(ctx context.Context, store *datasets.Store, r *http.Request, dryByDefault bool) (uploadResult, error) {
	var res uploadResult
	if id := r.FormValue("upload_id"); id != "" {
		a.mu.Lock()
		st, ok := a.staged[id]
		delete(a.staged, id)
		a.mu.Unlock()
		if !ok || time.Now().After(st.expires) {
			if ok {
				os.RemoveAll(st.dir)
			}
			return res, &paramErr{param: "upload_id", want: "the id of a dry run of the last " + stagedTTL.String(), got: id}
		}
		defer os.RemoveAll(st.dir)
		rep, err := a.ingestFiles(ctx, store, st.dir, st.files, st.opts)
		res.Report = rep
		return res, err
	}
	opts, err := uploadOptions(r, dryByDefault)
	if err != nil {
		return res, err
	}
	dir, files, err := saveUploads(r.MultipartForm)
	if err != nil {
		return res, err
	}
	rep, err := a.ingestFiles(ctx, store, dir, files, opts)
	res.Report = rep
	if err != nil || !opts.DryRun {
		os.RemoveAll(dir)
		return res, err
	}
	id := randomID()
	exp := time.Now().Add(stagedTTL)
	opts.DryRun = false
	a.mu.Lock()
	for k, st := range a.staged { // forget the expired ones
		if time.Now().After(st.expires) {
			os.RemoveAll(st.dir)
			delete(a.staged, k)
		}
	}
	a.staged[id] = &stagedUpload{dir: dir, files: files, opts: opts, expires: exp}
	a.mu.Unlock()
	res.UploadID, res.Expires = id, &exp
	return res, nil
}

// ingestFiles runs one ingest at a time and names the files as uploaded, not by their
// temporary paths.
func (a *admin) ingestFiles(ctx context.Context, store *datasets.Store, dir string, files []string, opts datasets.IngestOptions) (datasets.IngestReport, error) {
	a.ingest.Lock()
	defer a.ingest.Unlock()
	rep, err := store.Ingest(ctx, files, opts)
	if err == nil && !opts.DryRun {
		// The new version's shared views, built before the answer as at startup, so that the
		// first readers after an upload do not wait for them. A view Warm could not build is
		// built by its first request, as without Warm.
		_ = report.Warm(context.WithoutCancel(ctx), store)
	}
	prefix := dir + string(filepath.Separator)
	for i := range rep.Files {
		rep.Files[i].File = strings.TrimPrefix(rep.Files[i].File, prefix)
	}
	for i := range rep.Comparison.Conflicts {
		rep.Comparison.Conflicts[i].File = strings.TrimPrefix(rep.Comparison.Conflicts[i].File, prefix)
	}
	for i := range rep.Comparison.Preview {
		rep.Comparison.Preview[i].File = strings.TrimPrefix(rep.Comparison.Preview[i].File, prefix)
	}
	var ie *datasets.IngestError
	if errors.As(err, &ie) {
		for i, p := range ie.Problems {
			q := *p
			q.File = strings.TrimPrefix(q.File, prefix)
			ie.Problems[i] = &q
		}
	}
	return rep, err
}

// paramErr is a bad form field of an upload.
type paramErr struct{ param, want, got string }

func (e *paramErr) Error() string {
	return fmt.Sprintf("invalid %s: expected %s, got %q", e.param, e.want, e.got)
}

// uploadOptions reads the CLI's ingest options from the form.
func uploadOptions(r *http.Request, dryByDefault bool) (datasets.IngestOptions, error) {
	o := datasets.IngestOptions{
		Indicator: r.FormValue("indicator"), Sheet: r.FormValue("sheet"), Units: r.FormValue("units"),
		Encoding: r.FormValue("encoding"), Source: r.FormValue("source"), Recipe: r.FormValue("recipe"),
		Verified: r.FormValue("verified"),
	}
	flags := map[string]*bool{"prefer": &o.Prefer, "force": &o.Force, "dry_run": &o.DryRun}
	o.DryRun = dryByDefault
	for name, p := range flags {
		v := r.FormValue(name)
		if v == "" {
			continue
		}
		b, err := strconv.ParseBool(v)
		if err != nil {
			if v != "on" {
				return o, &paramErr{param: name, want: "true or false", got: v}
			}
			b = true
		}
		*p = b
	}
	if y := r.FormValue("year"); y != "" {
		n, err := strconv.Atoi(y)
		if err != nil {
			return o, &paramErr{param: "year", want: "a year such as 2015", got: y}
		}
		o.Year = n
	}
	return o, nil
}

// saveUploads writes the form's files (field "file") into a new temporary folder under their
// own base names.
func saveUploads(form *multipart.Form) (string, []string, error) {
	if form == nil || len(form.File["file"]) == 0 {
		return "", nil, &paramErr{param: "file", want: "one or more files (CSV, XLSX or XLS)", got: ""}
	}
	dir, err := os.MkdirTemp("", "chiso-upload-")
	if err != nil {
		return "", nil, err
	}
	var files []string
	seen := map[string]bool{}
	for _, fh := range form.File["file"] {
		name := filepath.Base(strings.ReplaceAll(fh.Filename, "\\", "/"))
		if name == "." || name == "/" || name == "" || seen[name] {
			name = fmt.Sprintf("upload-%d%s", len(files)+1, filepath.Ext(name))
		}
		seen[name] = true
		path := filepath.Join(dir, name)
		if err := copyUpload(fh, path); err != nil {
			os.RemoveAll(dir)
			return "", nil, err
		}
		files = append(files, path)
	}
	return dir, files, nil
}

func copyUpload(fh *multipart.FileHeader, path string) error {
	src, err := fh.Open()
	if err != nil {
		return err
	}
	defer src.Close()
	dst, err := os.OpenFile(path, os.O_CREATE|os.O_EXCL|os.O_WRONLY, 0o600)
	if err != nil {
		return err
	}
	if _, err := io.Copy(dst, src); err != nil {
		dst.Close()
		return err
	}
	return dst.Close()
}

func randomID() string {
	b := make([]byte, 16)
	rand.Read(b)
	return hex.EncodeToString(b)
}

// parseUpload limits and parses a multipart (or urlencoded) upload request.
func parseUpload(w http.ResponseWriter, r *http.Request) error {
	r.Body = http.MaxBytesReader(w, r.Body, maxUpload)
	ct := r.Header.Get("Content-Type")
	if strings.HasPrefix(ct, "multipart/form-data") {
		if err := r.ParseMultipartForm(32 << 20); err != nil {
			return &paramErr{param: "body", want: fmt.Sprintf("a multipart form of at most %d MiB", maxUpload>>20), got: err.Error()}
		}
		return nil
	}
	if err := r.ParseForm(); err != nil {
		return &paramErr{param: "body", want: "a multipart form", got: err.Error()}
	}
	return nil
}

// handleAdminIngest is POST /api/v1/admin/ingest.
func (rs *responder) handleAdminIngest() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		// The token first: nothing of an unauthorized request's body is read.
		if !rs.admin.authorized(r, false) {
			w.Header().Set("WWW-Authenticate", `Bearer realm="chiso admin"`)
			rs.writeJSON(w, r, http.StatusUnauthorized, errorBody{Status: "error", ErrorType: "unauthorized", Error: errUnauthorized.Error()})
			return
		}
		if err := parseUpload(w, r); err != nil {
			rs.adminFail(w, r, err)
			return
		}
		defer cleanupForm(r)
		res, err := rs.admin.run(r.Context(), rs.store, r, false)
		if err != nil {
			rs.adminFail(w, r, err)
			return
		}
		rs.writeJSON(w, r, http.StatusOK, struct {
			Status  string `json:"status"`
			Version string `json:"dataset_version"`
			uploadResult
		}{"success", rs.store.Version(), res})
	})
}

// adminFail writes a bad form field as 400 and anything else as errorStatus says.
func (rs *responder) adminFail(w http.ResponseWriter, r *http.Request, err error) {
	var pe *paramErr
	if strings.HasPrefix(err.Error(), "invalid --") { // an ingest option the form gave
		rs.writeJSON(w, r, http.StatusBadRequest, errorBody{Status: "error", ErrorType: "bad_data", Error: err.Error()})
		return
	}
	if errors.As(err, &pe) {
		rs.writeJSON(w, r, http.StatusBadRequest, errorBody{Status: "error", ErrorType: "bad_data", Error: err.Error(), Parameter: pe.param})
		return
	}
	rs.fail(w, r, err, false)
}

func cleanupForm(r *http.Request) {
	if r.MultipartForm != nil {
		r.MultipartForm.RemoveAll()
	}
}

// uploadPage is the data of admin_upload.html.
type uploadPage struct {
	pageData
	Recipes  []string
	Done     bool // a real ingest happened
	Result   *uploadResult
	Problems []string
	Form     map[string]string // the options as posted, to fill the form again
}

// handleUploadPage is GET and POST /admin/upload: the form, then the dry run's report with a
// confirm button, then the result. It is never cached.
func (rs *responder) handleUploadPage() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		lang := "vi"
		if r.URL.Query().Get("lang") == "en" || r.FormValue("lang") == "en" {
			lang = "en"
		}
		d := uploadPage{pageData: rs.base(r, lang, web.Text(lang, "upload_title")), Recipes: datasets.RecipeNames(), Form: map[string]string{}}
		w.Header().Set("Cache-Control", "no-store")
		if r.Method == http.MethodPost {
			err := parseUpload(w, r)
			if err == nil && !rs.admin.authorized(r, true) {
				err = errUnauthorized
			}
			status := http.StatusOK
			if err == nil {
				defer cleanupForm(r)
				for _, k := range []string{"indicator", "sheet", "units", "source", "recipe", "year", "verified"} {
					d.Form[k] = r.FormValue(k)
				}
				confirm := r.FormValue("upload_id") != ""
				var res uploadResult
				res, err = rs.admin.run(r.Context(), rs.store, r, true)
				d.Result, d.Done = &res, confirm && err == nil
			}
			if err != nil {
				status = http.StatusBadRequest
				if errors.Is(err, errUnauthorized) {
					status = http.StatusUnauthorized
				}
				var ie *datasets.IngestError
				if errors.As(err, &ie) {
					for _, p := range ie.Problems {
						d.Problems = append(d.Problems, p.Error())
					}
					if more := ie.Total - len(ie.Problems); more > 0 {
						d.Problems = append(d.Problems, fmt.Sprintf("… %d", more))
					}
				} else {
					d.Error = err.Error()
				}
			}
			rs.render(w, r, page{name: "admin_upload.html", status: status, data: d})
			return
		}
		rs.render(w, r, page{name: "admin_upload.html", data: d})
	})
}
