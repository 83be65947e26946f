package server

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"chiso/datasets"
	"chiso/report"
	"chiso/web"
)

// Limits of the read-only SQL endpoint.
const (
	sqlMaxRows  = 10000           // rows returned; the rest are cut and the response says so
	sqlTimeout  = 5 * time.Second // a query still running then is stopped: 400
	maxSQL      = 4000            // characters of a query
	sqlPageRows = 500             // rows the /sql page shows; JSON and CSV have them all
)

// sqlTruncatedHeader, on a response whose rows were cut, gives the row limit.
const sqlTruncatedHeader = "Chiso-Rows-Truncated-At"

// sqlView is the result of a read-only query.
type sqlView struct {
	Query     string               `json:"query"`
	Columns   []datasets.SQLColumn `json:"columns"`
	Count     int                  `json:"count"`
	Rows      [][]any              `json:"rows"`
	Truncated bool                 `json:"truncated"`
	MaxRows   int                  `json:"max_rows"`
	Note      string               `json:"note,omitempty"`
}

// Table is the result as text: column names, then the rows; null as empty, lists and structs as JSON.
func (v sqlView) Table() report.Table {
	t := report.Table{Name: "chiso-sql.csv"}
	for _, c := range v.Columns {
		t.Header = append(t.Header, c.Name)
	}
	for _, row := range v.Rows {
		out := make([]string, len(row))
		for i, x := range row {
			out[i] = cellText(x)
		}
		t.Rows = append(t.Rows, out)
	}
	return t
}

func cellText(x any) string {
	switch v := x.(type) {
	case nil:
		return ""
	case string:
		return v
	case bool:
		return strconv.FormatBool(v)
	case int64:
		return strconv.FormatInt(v, 10)
	case float64:
		return strconv.FormatFloat(v, 'f', -1, 64)
	case json.Number:
		return v.String()
	}
	b, err := json.Marshal(x)
	if err != nil {
		return fmt.Sprint(x)
	}
	return string(b)
}

// sqlText reads the query parameter q: required (unless optional), at most maxSQL characters.
func (q *query) sqlText(optional bool) string {
	s := q.get("q")
	switch n := len([]rune(s)); {
	case s == "" && !optional:
		q.keep(&report.ParamError{Param: "q", Want: "a SELECT query over " + strings.Join(datasets.SQLViews, ", "), Got: "nothing"})
	case n > maxSQL:
		q.keep(&report.ParamError{Param: "q", Want: fmt.Sprintf("a query of at most %d characters", maxSQL), Got: fmt.Sprintf("%d characters", n)})
		return ""
	}
	return s
}

// runSQL runs a read-only query within sqlTimeout. A query DuckDB refuses, or one stopped by the
// time limit, is a 400 naming q.
func runSQL(ctx context.Context, store *datasets.Store, text string) (sqlView, error) {
	tctx, cancel := context.WithTimeout(ctx, sqlTimeout)
	defer cancel()
	res, err := store.ReadOnlyQuery(tctx, text, sqlMaxRows)
	var se *datasets.SQLError
	switch {
	case errors.As(err, &se):
		return sqlView{}, &report.ParamError{Param: "q", Want: "one read-only SELECT over " + strings.Join(datasets.SQLViews, ", "), Got: se.Reason}
	case err != nil && errors.Is(err, context.DeadlineExceeded) && ctx.Err() == nil:
		return sqlView{}, &report.ParamError{Param: "q", Want: fmt.Sprintf("a query that finishes within %s", sqlTimeout), Got: fmt.Sprintf("a query still running after %s, stopped", sqlTimeout)}
	case err != nil:
		return sqlView{}, err
	}
	v := sqlView{Query: text, Columns: res.Columns, Count: len(res.Rows), Rows: res.Rows, Truncated: res.Truncated, MaxRows: res.MaxRows}
	if v.Truncated {
		v.Note = fmt.Sprintf("the query has more than %d rows; only the first %d are here: narrow it or add LIMIT/OFFSET", res.MaxRows, res.MaxRows)
	}
	return v, nil
}

// handleSQL answers GET /api/v1/sql: a read-only query's result in the envelope, or as CSV.
func (rs *responder) handleSQL() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		q := newQuery(r)
		format := q.choice("format", "", "json", "csv")
		text := q.sqlText(false)
		q.refuseUnknown()
		variant := "json"
		if format == "csv" || (format == "" && strings.Contains(r.Header.Get("Accept"), "text/csv")) {
			variant = "csv"
		}
		w.Header().Add("Vary", "Accept")
		rs.serve(w, r, q, variant, false, heavy, func(ctx context.Context, version string) (response, error) {
			v, err := runSQL(ctx, rs.store, text)
			if err != nil {
				return response{}, err
			}
			resp := csvResponse(v.Table())
			if variant == "json" {
				if resp, err = envelope(version, v); err != nil {
					return response{}, err
				}
			}
			if v.Truncated {
				resp.header = http.Header{sqlTruncatedHeader: {strconv.Itoa(v.MaxRows)}}
			}
			return resp, nil
		})
	})
}

// sqlPage is what sql.html shows.
type sqlPage struct {
	pageData
	Query            string
	Tables           []datasets.SQLTable
	Result           *sqlView
	Shown            [][]string
	More             bool
	JSONURL, CSVURL  string
	ShownRows, Limit int
}

// handleSQLPage: a query box over the SQL views, their columns, and the result of q.
func (rs *responder) handleSQLPage() pageFunc {
	return func(q *query) func(ctx context.Context) (page, error) {
		lang := q.lang()
		text := q.sqlText(true)
		bad := q.err
		q.err = nil // a bad query is shown on the page, with the form
		return func(ctx context.Context) (page, error) {
			d := sqlPage{pageData: rs.base(q.r, lang, web.Text(lang, "sql_title")), Query: text, ShownRows: sqlPageRows, Limit: sqlMaxRows}
			tables, err := rs.store.SQLTables(ctx)
			if err != nil {
				return page{}, err
			}
			d.Tables = tables
			if text == "" || bad != nil {
				if bad != nil {
					d.Error = bad.Error()
					return page{name: "sql.html", status: http.StatusBadRequest, data: d}, nil
				}
				d.Query = "SELECT unit_code, name_vi, value, rank, rank_of\nFROM observations_v\nWHERE indicator = 'pci' AND year = 2021 AND preferred\nORDER BY rank\nLIMIT 10"
				return page{name: "sql.html", data: d}, nil
			}
			v, err := runSQL(ctx, rs.store, text)
			if err != nil {
				if status, _ := errorStatus(err); status == http.StatusBadRequest {
					d.Error = err.Error()
					return page{name: "sql.html", status: status, data: d}, nil
				}
				return page{}, err
			}
			d.Result = &v
			t := v.Table()
			d.Shown = append([][]string{t.Header}, t.Rows[:min(len(t.Rows), sqlPageRows)]...)
			d.More = len(t.Rows) > sqlPageRows
			d.JSONURL = "/api/v1/sql?q=" + url.QueryEscape(text)
			d.CSVURL = d.JSONURL + "&format=csv"
			return page{name: "sql.html", data: d}, nil
		}
	}
}
