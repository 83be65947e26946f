// Package server is chiso's HTTP API: the chi router, middleware, and handlers that parse and
// validate requests, ask datasets for series and write JSON or CSV. It is the only package
// that knows HTTP.
package server
