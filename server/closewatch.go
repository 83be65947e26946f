package server

import (
	"context"
	"net/http"
	"time"

	"github.com/valyala/fasthttp"
)

// closePoll is how often a request in progress checks whether its client is still there.
const closePoll = 100 * time.Millisecond

// cancelOnClose gives each request the front server hands to net/http a context that ends when
// the client closes its connection, as net/http's own request context does (fasthttp's ends
// only at shutdown): a long computation stops when nobody waits for its answer.
func cancelOnClose(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		rc, ok := r.Context().(*fasthttp.RequestCtx)
		if !ok {
			next.ServeHTTP(w, r)
			return
		}
		ctx, cancel := context.WithCancel(r.Context())
		stop, stopped := make(chan struct{}), make(chan struct{})
		go func() {
			defer close(stopped)
			watchClose(rc.Conn(), cancel, stop)
		}()
		defer func() {
			close(stop)
			<-stopped
			cancel()
		}()
		next.ServeHTTP(w, r.WithContext(ctx))
	})
}
