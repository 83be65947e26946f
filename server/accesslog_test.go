package server

import (
	"bytes"
	"encoding/json"
	"testing"
	"time"
)

func TestAccessLogLinesAreJSON(t *testing.T) {
	var buf bytes.Buffer
	l := newAccessLog(&buf)
	l.log("GET", "/provinces/Hậu Giang?x=\"\\\x01\xff", 200, 1234, 3*time.Millisecond, "host/abc-1", true)
	if buf.Len() != 0 {
		t.Errorf("a line was written at once: %q", buf.String())
	}
	l.Flush()
	var rec map[string]any
	if err := json.Unmarshal(buf.Bytes(), &rec); err != nil {
		t.Fatalf("%q is not JSON: %v", buf.String(), err)
	}
	if rec["msg"] != "request" || rec["status"] != 200.0 || rec["bytes"] != 1234.0 || rec["path"] != "/provinces/Hậu Giang?x=\"\\\x01\ufffd" || rec["cached"] != true {
		t.Errorf("line = %v", rec)
	}
}
