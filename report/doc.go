// Package report holds the views that chiso's API, pages and images share: the figures of a
// view, tables, trend windows, comparisons, movers, peers, composites, chart inputs and the
// statements on a province's profile. Each view is a plain function of (ctx, store, spec)
// returning a plain struct; nothing here knows HTTP, and nothing here writes SQL.
//
// The flow is one way:
//
//	cmd/chiso → server (HTTP only) → report → datasets · analytics · charts
package report
