package datasets

import (
	"bytes"
	"context"
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
