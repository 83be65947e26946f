package datasets

import (
	"context"
	"fmt"
	"sort"
	"time"
)

// A FigureRow is one source's figure for an (indicator, unit, year), as a download row.
type FigureRow struct {
	Indicator    string
	Year         int
	Unit         Unit
	Figure       Figure
	Preferred    bool // the figure chiso shows for the key
	OtherSources int  // how many other sources give a figure for the key
	Derived      bool // derived from predecessors' figures (the 34-unit view), not published
	Rule         string
}

// FigureColumns are the columns of every download of figures, in order: first those of the
// earlier `chiso export` (indicator … source_url), then the new ones. Province codes and the
// unit set are text in every format.
var FigureColumns = []Column{
	{"indicator", "string", "Mã chỉ số (xem indicators.csv)", "Indicator id (see indicators.csv)"},
	{"year", "integer", "Năm của số liệu", "Year the figure is for"},
	{"unit_id", "string", "Mã đơn vị kèm hệ đơn vị (vn63.xx hoặc vn34.xx)", "Unit id with its unit set (vn63.xx or vn34.xx)"},
	{"code", "string", "Mã tỉnh của Tổng cục Thống kê, 2 chữ số, dạng chữ", "Two-digit GSO province code, as text"},
	{"unit_set", "string", "Hệ đơn vị: \"63\" (đến 30/6/2025) hoặc \"34\" (từ 1/7/2025), dạng chữ", "Unit set: \"63\" (to 30 June 2025) or \"34\" (from 1 July 2025), as text"},
	{"name_vi", "string", "Tên tỉnh, thành phố", "Province name in Vietnamese"},
	{"name_en", "string", "Tên tỉnh, thành phố (tiếng Anh)", "Province name in English"},
	{"value", "number", "Giá trị công bố; trống nếu không công bố", "Published value; empty when not published"},
	{"rank", "integer", "Thứ hạng công bố", "Published rank"},
	{"rank_of", "integer", "Số đơn vị được xếp hạng", "Number of units ranked"},
	{"status", "string", "published hoặc not_published (nhà công bố không công bố số này)", "published or not_published (withheld by the publisher)"},
	{"verified", "boolean", "false: chỉ có trong báo cáo, bảng số liệu của nhà công bố không xác nhận", "false: only from a report the publisher's tables do not confirm"},
	{"preferred", "boolean", "Số liệu chiso hiển thị cho khóa này", "The figure chiso shows for this key"},
	{"source", "string", "Trích dẫn nguồn", "Source citation"},
	{"source_url", "string", "Địa chỉ nguồn", "Source address"},
	{"derived", "boolean", "true: tính từ số liệu các tỉnh trước sáp nhập, không phải số công bố", "true: derived from the predecessors' figures, not published"},
	{"derivation_rule", "string", "Cách tính số liệu suy ra", "How a derived figure was computed"},
	{"other_sources", "integer", "Số nguồn khác cho cùng khóa", "Number of other sources for the same key"},
	{"unit_of_measure", "string", "Đơn vị đo của chỉ số", "The indicator's unit of measure"},
	{"source_id", "string", "Mã nguồn (xem sources.csv)", "Source id (see sources.csv)"},
}

// FiguresOf lists the figures of observations: each preferred figure, and if all, every other
// source's figure after it, one row each.
func FiguresOf(obs []Observation, all bool) []FigureRow {
	var out []FigureRow
	for _, o := range obs {
		out = append(out, FigureRow{Indicator: o.Indicator, Year: o.Year, Unit: o.Unit, Figure: o.Figure, Preferred: true, OtherSources: len(o.Alternatives)})
		if all {
			for _, f := range o.Alternatives {
				out = append(out, FigureRow{Indicator: o.Indicator, Year: o.Year, Unit: o.Unit, Figure: f, OtherSources: len(o.Alternatives)})
			}
		}
	}
	return out
}

// FigureTable returns rows as a Table named name with FigureColumns.
func (s *Store) FigureTable(name string, rows []FigureRow) Table {
	cat := s.Catalogue()
	t := Table{Name: name, Columns: FigureColumns, Rows: make([][]any, len(rows))}
	for i, r := range rows {
		in, _ := cat.Get(r.Indicator)
		f := r.Figure
		t.Rows[i] = []any{r.Indicator, r.Year, r.Unit.ID, r.Unit.Code, r.Unit.Set, r.Unit.NameVI, r.Unit.NameEN,
			nilFloat(f.Value), nilInt(f.Rank), nilInt(f.RankOf), f.Status, f.Verified, r.Preferred, f.Source.Citation, nilString(f.Source.URL),
			r.Derived, nilString(r.Rule), r.OtherSources, in.UnitOfMeasure, f.Source.ID}
	}
	return t
}

// TableSources returns the sources cited in a table of figures, each once.
func TableSources(s *Store, t Table) []Source {
	col := -1
	for i, c := range t.Columns {
		if c.Name == "source_id" {
			col = i
		}
	}
	if col < 0 {
		return nil
	}
	all := s.sourceCache()
	seen := map[string]bool{}
	var out []Source
	for _, r := range t.Rows {
		id, _ := r[col].(string)
		if id == "" || seen[id] {
			continue
		}
		seen[id] = true
		out = append(out, all[id])
	}
	sort.Slice(out, func(i, j int) bool { return out[i].ID < out[j].ID })
	return out
}

// Sources returns every source, ordered by id.
func (s *Store) Sources() []Source {
	var out []Source
	for _, src := range s.sourceCache() {
		out = append(out, src)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].ID < out[j].ID })
	return out
}

// Citation is the citation string of the dataset at version, accessed on the given day: the
// publishers of the indicators (or of the ones named), chiso, the version and the access date.
// A zero accessed leaves the date out: files say only what they are, so that a pinned
// download is the same bytes whenever it is fetched.
func (s *Store) Citation(version string, indicators []string, accessed time.Time) string {
	cat := s.Catalogue()
	if len(indicators) == 0 {
		indicators = cat.IDs()
	}
	seen := map[string]bool{}
	var pubs []string
	for _, id := range indicators {
		if in, ok := cat.Get(id); ok && !seen[in.Publisher] {
			seen[in.Publisher] = true
			pubs = append(pubs, in.Publisher)
		}
	}
	sort.Strings(pubs)
	p := ""
	for i, x := range pubs {
		if i > 0 {
			p += "; "
		}
		p += x
	}
	if accessed.IsZero() {
		return fmt.Sprintf("%s. Compiled by chiso, dataset version %s.", p, version)
	}
	return fmt.Sprintf("%s. Compiled by chiso, dataset version %s. Accessed %s.", p, version, accessed.Format(time.DateOnly))
}

// AllFigures returns every figure of the dataset, preferred or not, as a Table.
func (s *Store) AllFigures(ctx context.Context) (Table, error) {
	obs, err := s.Observations(ctx, ObservationQuery{})
	if err != nil {
		return Table{}, err
	}
	return s.FigureTable("observations", FiguresOf(obs, true)), nil
}

func nilFloat(p *float64) any {
	if p == nil {
		return nil
	}
	return *p
}

func nilInt(p *int) any {
	if p == nil {
		return nil
	}
	return *p
}

func nilString(s string) any {
	if s == "" {
		return nil
	}
	return s
}
