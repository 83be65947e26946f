package server

import (
	"context"
	"errors"
	"sync/atomic"
	"time"
)

// errBusy is the answer when expensive work is already running on every worker and the queue
// is full: 503 with Retry-After, rather than a pile-up.
var errBusy = errors.New("the server is busy: too many charts, pages or composites are being computed; retry in a few seconds")

// A limiter runs expensive work (composites, images, uncached pages) on at most n workers,
// with at most queue requests waiting, each at most wait.
type limiter struct {
	slots   chan struct{}
	waiting atomic.Int64
	queue   int64
	wait    time.Duration
}

func newLimiter(n, queue int, wait time.Duration) *limiter {
	return &limiter{slots: make(chan struct{}, n), queue: int64(queue), wait: wait}
}

// acquire takes a worker, waiting if the queue has room; release gives it back.
func (l *limiter) acquire(ctx context.Context) (release func(), err error) {
	release = func() { <-l.slots }
	select {
	case l.slots <- struct{}{}:
		return release, nil
	default:
	}
	if l.waiting.Add(1) > l.queue {
		l.waiting.Add(-1)
		return nil, errBusy
	}
	defer l.waiting.Add(-1)
	t := time.NewTimer(l.wait)
	defer t.Stop()
	select {
	case l.slots <- struct{}{}:
		return release, nil
	case <-ctx.Done():
		return nil, ctx.Err()
	case <-t.C:
		return nil, errBusy
	}
}
