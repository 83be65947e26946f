package datasets

import (
	"archive/zip"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"time"
)

// Licence is what the dataset package says about reuse. chiso compiles figures that their
// publishers (VCCI, the Ministry of Home Affairs, the Ministry of Information and
// Communications, UNDP, the statistics office) publish under their own terms; it grants no
// other licence.
var Licence = map[string]string{
	"name":  "publishers-terms",
	"title": "Figures remain under their publishers' terms of use; cite the publisher and this dataset version",
}

// A Package is the whole dataset as one ZIP: the figures as CSV and Parquet, the indicators,
// units, lineage and sources as CSV, a Frictionless datapackage.json, a README and a
// CITATION.cff.
type Package struct {
	Version string
	Zip     []byte
}

// PackageName is the file name of the whole-dataset ZIP of a version.
func PackageName(version string) string { return "chiso-dataset-" + version + ".zip" }

// Package returns the whole dataset as a ZIP, built once per dataset version.
func (s *Store) Package(ctx context.Context) (Package, error) {
	v, err := s.Memo("package.zip", func() (any, error) { return s.buildPackage(context.WithoutCancel(ctx)) })
	if err != nil {
		return Package{}, err
	}
	return v.(Package), nil
}

// packageTables are the tables of the package besides the figures.
func (s *Store) packageTables(ctx context.Context) ([]Table, error) {
	var tables []Table
	ind := Table{Name: "indicators", Columns: []Column{
		{"id", "string", "Mã chỉ số", "Indicator id"},
		{"parent", "string", "Chỉ số cha (trụ cột của)", "Parent indicator (pillar of)"},
		{"name_vi", "string", "Tên tiếng Việt", "Name in Vietnamese"},
		{"name_en", "string", "Tên tiếng Anh", "Name in English"},
		{"unit_of_measure", "string", "Đơn vị đo", "Unit of measure"},
		{"measure", "string", "index, rate hoặc level", "index, rate or level"},
		{"higher_is_better", "boolean", "Cao hơn là tốt hơn", "Higher is better"},
		{"publisher", "string", "Nhà công bố", "Publisher"},
		{"scale_min", "number", "Giá trị nhỏ nhất của thang đo", "Scale minimum"},
		{"scale_max", "number", "Giá trị lớn nhất của thang đo", "Scale maximum"},
		{"first_year", "integer", "Năm đầu tiên", "First year"},
		{"aggregation_rule", "string", "Cách gộp sang 34 đơn vị", "How it is aggregated to the 34 units"},
		{"description", "string", "Mô tả", "Description"},
	}}
	for _, in := range s.Catalogue().All() {
		var hib any
		if in.HigherIsBetter != nil {
			hib = *in.HigherIsBetter
		}
		ind.Rows = append(ind.Rows, []any{in.ID, nilString(in.Parent), in.NameVI, in.NameEN, in.UnitOfMeasure, in.Measure, hib,
			in.Publisher, nilFloat(in.ScaleMin), nilFloat(in.ScaleMax), in.FirstYear, in.AggregationRule, in.Description})
	}
	units := Table{Name: "units", Columns: []Column{
		{"id", "string", "Mã đơn vị kèm hệ đơn vị", "Unit id with its unit set"},
		{"code", "string", "Mã tỉnh 2 chữ số, dạng chữ", "Two-digit province code, as text"},
		{"unit_set", "string", "Hệ đơn vị \"63\" hoặc \"34\", dạng chữ", "Unit set \"63\" or \"34\", as text"},
		{"name_vi", "string", "Tên tiếng Việt", "Name in Vietnamese"},
		{"name_en", "string", "Tên tiếng Anh", "Name in English"},
		{"slug", "string", "Tên viết tắt trong địa chỉ", "Short name used in addresses"},
		{"kind", "string", "province hoặc city", "province or city"},
		{"region", "string", "Vùng kinh tế - xã hội (hệ 63)", "Socio-economic region (63-unit set)"},
		{"valid_from", "date", "Hiệu lực từ ngày (trống: trước khi có số liệu)", "In force from (empty: before the data begins)"},
		{"valid_to", "date", "Hiệu lực đến ngày (trống: còn hiệu lực)", "In force to (empty: still in force)"},
	}}
	date := func(t time.Time) any {
		if t.IsZero() {
			return nil
		}
		return t.Format(time.DateOnly)
	}
	reg := s.Registry()
	for _, u := range reg.All() {
		units.Rows = append(units.Rows, []any{u.ID, u.Code, u.Set, u.NameVI, u.NameEN, u.Slug, u.Kind, nilString(u.Region), date(u.ValidFrom), date(u.ValidTo)})
	}
	lineage := Table{Name: "lineage", Columns: []Column{
		{"old_unit", "string", "Đơn vị cũ", "Old unit id"},
		{"new_unit", "string", "Đơn vị mới", "New unit id"},
		{"effective", "date", "Ngày hiệu lực", "Effective date"},
		{"kind", "string", "merger, unchanged hoặc rename", "merger, unchanged or rename"},
		{"source", "string", "Văn bản", "Legal source"},
	}}
	rows, err := s.db.QueryContext(ctx, `SELECT old_unit, new_unit, effective, kind, source FROM lineage ORDER BY effective, old_unit, new_unit`)
	if err != nil {
		return nil, fmt.Errorf("read lineage: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var l Link
		if err := rows.Scan(&l.Old, &l.New, &l.Effective, &l.Kind, &l.Source); err != nil {
			return nil, fmt.Errorf("read lineage: %w", err)
		}
		lineage.Rows = append(lineage.Rows, []any{l.Old, l.New, l.Effective.Format(time.DateOnly), l.Kind, l.Source})
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("read lineage: %w", err)
	}
	sources := Table{Name: "sources", Columns: []Column{
		{"id", "string", "Mã nguồn", "Source id"},
		{"citation", "string", "Trích dẫn", "Citation"},
		{"url", "string", "Địa chỉ", "Address"},
	}}
	for _, src := range s.Sources() {
		sources.Rows = append(sources.Rows, []any{src.ID, src.Citation, nilString(src.URL)})
	}
	tables = append(tables, ind, units, lineage, sources)
	return tables, ctx.Err()
}

func (s *Store) buildPackage(ctx context.Context) (Package, error) {
	version := s.Version()
	obs, err := s.AllFigures(ctx)
	if err != nil {
		return Package{}, fmt.Errorf("package: %w", err)
	}
	others, err := s.packageTables(ctx)
	if err != nil {
		return Package{}, fmt.Errorf("package: %w", err)
	}
	hist, err := s.Versions(ctx)
	if err != nil {
		return Package{}, fmt.Errorf("package: %w", err)
	}
	created := time.Now().UTC()
	for _, h := range hist {
		if h.Version == version {
			created = h.LoadedAt
			break
		}
	}
	meta := Meta{Version: version, Title: "chiso: indicators of Vietnam's provinces", Citation: s.Citation(version, nil, time.Time{}), Sources: s.Sources()}
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	add := func(name string, body []byte) error {
		w, err := zw.CreateHeader(&zip.FileHeader{Name: name, Method: zip.Deflate, Modified: created})
		if err != nil {
			return err
		}
		_, err = w.Write(body)
		return err
	}
	var resources []map[string]any
	for _, t := range append([]Table{obs}, others...) {
		var b bytes.Buffer
		if err := writeCSV(&b, t, ',', '.'); err != nil {
			return Package{}, fmt.Errorf("package: %w", err)
		}
		path := "data/" + t.Name + ".csv"
		if err := add(path, bytes.TrimPrefix(b.Bytes(), utf8BOM)); err != nil {
			return Package{}, fmt.Errorf("package: %w", err)
		}
		resources = append(resources, resource(t, path, "csv", len(t.Rows)))
	}
	var pq bytes.Buffer
	if err := s.writeParquet(ctx, &pq, obs, meta); err != nil {
		return Package{}, fmt.Errorf("package: %w", err)
	}
	if err := add("data/observations.parquet", pq.Bytes()); err != nil {
		return Package{}, fmt.Errorf("package: %w", err)
	}
	r := resource(obs, "data/observations.parquet", "parquet", len(obs.Rows))
	r["name"] = "observations-parquet"
	resources = append(resources, r)
	var srcs []map[string]string
	for _, src := range meta.Sources {
		m := map[string]string{"title": src.Citation}
		if src.URL != "" {
			m["path"] = src.URL
		}
		srcs = append(srcs, m)
	}
	dp := map[string]any{
		"$schema":     "https://datapackage.org/profiles/2.0/datapackage.json",
		"name":        "chiso",
		"id":          "chiso-" + version,
		"title":       meta.Title,
		"description": "Governance and digital-readiness indicators of Vietnam's provinces (PCI, PAR Index, DTI and its pillars, PAPI, GRDP growth), every figure with its source. / Các chỉ số quản trị và chuyển đổi số của các tỉnh, thành phố Việt Nam, mỗi số liệu kèm nguồn.",
		"version":     version,
		"created":     created.Format(time.RFC3339),
		"licenses":    []map[string]string{Licence},
		"sources":     srcs,
		"citation":    meta.Citation,
		"resources":   resources,
	}
	js, err := json.MarshalIndent(dp, "", "  ")
	if err != nil {
		return Package{}, fmt.Errorf("package: %w", err)
	}
	for _, f := range []struct {
		name string
		body []byte
	}{
		{"datapackage.json", js},
		{"README.md", []byte(packageReadme(meta, obs, others))},
		{"CITATION.cff", []byte(citationCFF(meta, created))},
	} {
		if err := add(f.name, f.body); err != nil {
			return Package{}, fmt.Errorf("package: %w", err)
		}
	}
	if err := zw.Close(); err != nil {
		return Package{}, fmt.Errorf("package: %w", err)
	}
	return Package{Version: version, Zip: buf.Bytes()}, nil
}

// resource is the Frictionless description of a table written at path.
func resource(t Table, path, format string, rows int) map[string]any {
	fields := make([]map[string]any, len(t.Columns))
	for i, c := range t.Columns {
		fields[i] = map[string]any{"name": c.Name, "type": c.Type, "description": c.EN, "description_vi": c.VI}
		if c.Name == "value" {
			fields[i]["unit"] = "the indicator's unit_of_measure (column unit_of_measure; indicators.csv)"
		}
	}
	r := map[string]any{
		"name":   t.Name,
		"path":   path,
		"format": format,
		"schema": map[string]any{"fields": fields, "missingValues": []string{""}},
		"rows":   rows,
	}
	switch format {
	case "csv":
		r["mediatype"], r["encoding"] = "text/csv", "utf-8"
		r["dialect"] = map[string]any{"delimiter": ",", "header": true}
	case "parquet":
		r["mediatype"] = "application/vnd.apache.parquet"
	}
	return r
}

func packageReadme(m Meta, obs Table, others []Table) string {
	var b strings.Builder
	fmt.Fprintf(&b, "# %s\n\nDataset version **%s**.\n\nCite as: %s\n\n", m.Title, m.Version, m.Citation)
	b.WriteString("Every figure carries its source. Nothing is estimated or interpolated; figures marked `derived` (the 34-unit view) are not in this package, which holds the figures as published.\n\n")
	b.WriteString("## Files\n\n")
	fmt.Fprintf(&b, "- `data/observations.csv` and `data/observations.parquet`: %d figures, one row per source's figure (`preferred` marks the one chiso shows).\n", len(obs.Rows))
	for _, t := range others {
		fmt.Fprintf(&b, "- `data/%s.csv`: %d rows.\n", t.Name, len(t.Rows))
	}
	b.WriteString("- `datapackage.json`: Frictionless Data Package with the table schemas.\n- `CITATION.cff`: how to cite this version.\n\n")
	b.WriteString("Province codes (`code`) and the unit set (`unit_set`) are text: read them as strings, e.g. `pd.read_csv(..., dtype={\"code\": str, \"unit_set\": str})`.\n\n## Columns of observations\n\n")
	for _, c := range obs.Columns {
		fmt.Fprintf(&b, "- `%s` (%s): %s\n", c.Name, c.Type, c.EN)
	}
	b.WriteString("\n## Licence\n\n" + Licence["title"] + ".\n")
	return b.String()
}

func citationCFF(m Meta, created time.Time) string {
	q := func(s string) string { js, _ := json.Marshal(s); return string(js) }
	return fmt.Sprintf(`cff-version: 1.2.0
message: "If you use this dataset, cite it and the publishers of the figures you use."
type: dataset
title: %s
version: %s
date-released: %s
authors:
  - name: "chiso"
abstract: %s
keywords:
  - Vietnam
  - provinces
  - PCI
  - PAR Index
  - DTI
  - PAPI
`, q(m.Title), q(m.Version), created.Format(time.DateOnly), q(m.Citation))
}
