//go:build !linux

package server

import (
	"context"
	"net"
)

// watchClose does nothing where the socket cannot be peeked at: the request runs to its end.
func watchClose(net.Conn, context.CancelFunc, <-chan struct{}) {}
