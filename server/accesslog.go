package server

import (
	"io"
	"strconv"
	"sync"
	"time"
	"unicode/utf8"
)

// An accessLog writes one JSON line per request, as slog's JSON handler would
// ({"time","level","msg","method","path","status","bytes","duration","request_id","cached"}),
// without slog's per-record costs (caller capture, attribute boxing): it is on every request's
// path. Lines are written in batches: at most flushEvery after they were logged, or when
// flushAt bytes are waiting, and on Flush.
type accessLog struct {
	mu      sync.Mutex
	w       io.Writer
	buf     []byte // lines not written yet
	pending bool   // a flush is scheduled
}

const (
	flushEvery = 100 * time.Millisecond
	flushAt    = 32 << 10
)

func newAccessLog(w io.Writer) *accessLog { return &accessLog{w: w} }

// log logs one request's line. Write errors are ignored: the log must never fail a request.
func (l *accessLog) log(method, path string, status, bytes int, d time.Duration, requestID string, cached bool) {
	if l.w == io.Discard {
		return
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	b := l.buf
	b = append(b, `{"time":"`...)
	b = time.Now().AppendFormat(b, time.RFC3339Nano)
	b = append(b, `","level":"INFO","msg":"request","method":`...)
	b = appendJSONString(b, method)
	b = append(b, `,"path":`...)
	b = appendJSONString(b, truncate(path, 512))
	b = append(b, `,"status":`...)
	b = strconv.AppendInt(b, int64(status), 10)
	b = append(b, `,"bytes":`...)
	b = strconv.AppendInt(b, int64(bytes), 10)
	b = append(b, `,"duration":`...)
	b = strconv.AppendInt(b, int64(d), 10)
	if requestID != "" {
		b = append(b, `,"request_id":`...)
		b = appendJSONString(b, requestID)
	}
	if cached {
		b = append(b, `,"cached":true`...)
	}
	l.buf = append(b, "}\n"...)
	switch {
	case len(l.buf) >= flushAt:
		l.flushLocked()
	case !l.pending:
		l.pending = true
		time.AfterFunc(flushEvery, l.Flush)
	}
}

// Flush writes the lines logged so far.
func (l *accessLog) Flush() {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.flushLocked()
	l.pending = false
}

func (l *accessLog) flushLocked() {
	if len(l.buf) > 0 {
		l.w.Write(l.buf)
		l.buf = l.buf[:0]
	}
}

// appendJSONString appends s as a JSON string: quotes, backslashes and control characters
// escaped, invalid UTF-8 replaced.
func appendJSONString(b []byte, s string) []byte {
	const hex = "0123456789abcdef"
	b = append(b, '"')
	for i := 0; i < len(s); {
		c := s[i]
		switch {
		case c == '"' || c == '\\':
			b = append(b, '\\', c)
			i++
		case c < 0x20:
			b = append(b, '\\', 'u', '0', '0', hex[c>>4], hex[c&0xf])
			i++
		case c < utf8.RuneSelf:
			b = append(b, c)
			i++
		default:
			r, size := utf8.DecodeRuneInString(s[i:])
			if r == utf8.RuneError && size == 1 {
				b = append(b, `\ufffd`...)
			} else {
				b = append(b, s[i:i+size]...)
			}
			i += size
		}
	}
	return append(b, '"')
}
