package report

import (
	"context"
	"fmt"
	"strings"
	"time"

	"chiso/datasets"
)

// DownloadSpec asks for the figures of an observations query as a download: the preferred
// figure of each key, or with AllSources every source's figure, one row each.
type DownloadSpec struct {
	ObservationsSpec
	AllSources bool
	Accessed   time.Time // the access date of the citation (zero: none, so the file is the same bytes any day)
}

// A Download is a table of figures with what its file says about itself.
type Download struct {
	Table datasets.Table
	Meta  datasets.Meta
}

// FileName is the name the download is saved under in format: indicator(s) and version.
func (d Download) FileName(format string) string {
	return datasets.FileName(d.Table.Name, d.Meta.Version, format)
}

// DownloadOf returns the figures an observations query selects, as a download. In the
// 34-unit view derived figures are marked derived, with their rule.
func DownloadOf(ctx context.Context, store *datasets.Store, s DownloadSpec) (Download, error) {
	v, err := ObservationsOf(ctx, store, s.ObservationsSpec)
	if err != nil {
		return Download{}, err
	}
	reg := store.Registry()
	var rows []datasets.FigureRow
	for _, o := range v.Data {
		u, ok := reg.Unit(o.Unit.ID)
		if !ok {
			return Download{}, fmt.Errorf("download: unknown unit %s", o.Unit.ID)
		}
		rule := ""
		if o.Derivation != nil {
			rule = o.Derivation.Rule
		}
		rows = append(rows, datasets.FigureRow{Indicator: o.Indicator, Year: o.Year, Unit: u, Figure: o.Figure, Preferred: true,
			OtherSources: len(o.Alternatives), Derived: o.Derived, Rule: rule})
		if s.AllSources {
			for _, f := range o.Alternatives {
				rows = append(rows, datasets.FigureRow{Indicator: o.Indicator, Year: o.Year, Unit: u, Figure: f,
					OtherSources: len(o.Alternatives), Derived: o.Derived, Rule: rule})
			}
		}
	}
	t := store.FigureTable(downloadName(s), rows)
	accessed := s.Accessed
	version := store.Version()
	title := "chiso: " + strings.Join(s.Indicators, ", ")
	if len(s.Indicators) == 0 {
		title = "chiso: all indicators"
	}
	return Download{Table: t, Meta: datasets.Meta{Version: version, Title: title, Citation: store.Citation(version, s.Indicators, accessed),
		Sources: datasets.TableSources(store, t), Accessed: accessed}}, nil
}

// downloadName names a download for its indicators (up to three, else their count) and view.
func downloadName(s DownloadSpec) string {
	name := "all"
	switch n := len(s.Indicators); {
	case n > 3:
		name = fmt.Sprintf("%d-indicators", n)
	case n > 0:
		name = strings.Join(s.Indicators, "-")
	}
	if s.Set != "" {
		name += "-units" + s.Set
	}
	if s.AllSources {
		name += "-all-sources"
	}
	return name
}
