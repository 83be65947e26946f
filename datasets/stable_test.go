package datasets

import (
	"bytes"
	"context"
	"encoding/json"
	"math"
	"reflect"
	"testing"
	"time"
)

// TestEncodeStable: a download is the same bytes whenever it is made (pinned URLs promise it):
// no format writes the time of writing.
func TestEncodeStable(t *testing.T) {
	s := mustOpenStore(t)
	ctx := context.Background()
	tbl := hauGiang2021(t, s, true)
	m := Meta{Version: s.Version(), Title: "t", Citation: s.Citation(s.Version(), nil, time.Time{}), Sources: TableSources(s, tbl)}
	first := map[string][]byte{}
	for _, f := range Formats {
		var b bytes.Buffer
		if err := s.Encode(ctx, &b, f, tbl, m); err != nil {
			t.Fatal(err)
		}
		first[f] = b.Bytes()
	}
	time.Sleep(2100 * time.Millisecond) // zip and XLSX times have a 2-second resolution
	for _, f := range Formats {
		var b bytes.Buffer
		if err := s.Encode(ctx, &b, f, tbl, m); err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(b.Bytes(), first[f]) {
			t.Errorf("%s: two encodings of the same table differ", f)
		}
	}
}

// TestJSONValues: the hand-written JSON rows decode to the values written.
func TestJSONValues(t *testing.T) {
	tbl := Table{Columns: []Column{{"s", "string", "", ""}, {"i", "integer", "", ""}, {"f", "number", "", ""}, {"b", "boolean", "", ""}, {"n", "number", "", ""}},
		Rows: [][]any{{"a \"quoted\" \\ <tag> &\n Hậu Giang", 1, 63.8, true, nil}, {"01", -2, 1e-7, false, math.NaN()}}}
	var b bytes.Buffer
	if err := writeJSON(&b, tbl, Meta{Version: "v"}); err != nil {
		t.Fatal(err)
	}
	var d struct{ Data []map[string]any }
	if err := json.Unmarshal(b.Bytes(), &d); err != nil {
		t.Fatalf("%v: %s", err, b.Bytes())
	}
	want := []map[string]any{
		{"s": "a \"quoted\" \\ <tag> &\n Hậu Giang", "i": 1.0, "f": 63.8, "b": true, "n": nil},
		{"s": "01", "i": -2.0, "f": 1e-7, "b": false, "n": nil},
	}
	if !reflect.DeepEqual(d.Data, want) {
		t.Errorf("decoded %v, want %v", d.Data, want)
	}
}
