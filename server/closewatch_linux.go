package server

import (
	"context"
	"errors"
	"net"
	"syscall"
	"time"
)

// watchClose calls cancel when the peer of conn has closed it, checking every closePoll until
// stop is closed. It peeks at the socket without taking any byte from it (a pipelined request
// stays for the server to read).
func watchClose(conn net.Conn, cancel context.CancelFunc, stop <-chan struct{}) {
	sc, ok := conn.(syscall.Conn)
	if !ok {
		return
	}
	raw, err := sc.SyscallConn()
	if err != nil {
		return
	}
	t := time.NewTicker(closePoll)
	defer t.Stop()
	var b [1]byte
	for {
		select {
		case <-stop:
			return
		case <-t.C:
		}
		gone := false
		raw.Read(func(fd uintptr) bool {
			n, _, err := syscall.Recvfrom(int(fd), b[:], syscall.MSG_PEEK|syscall.MSG_DONTWAIT)
			gone = (n == 0 && err == nil) || errors.Is(err, syscall.ECONNRESET)
			return true // never wait for data
		})
		if gone {
			cancel()
			return
		}
	}
}
