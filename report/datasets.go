package report

import (
	"context"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"chiso/datasets"
)

// A Link is a download: its label, format and pinned (versioned) URL.
type Link struct {
	Key    string `json:"-"` // the page's words for it (package words)
	Label  string `json:"label"`
	Format string `json:"format"`
	URL    string `json:"url"`
}

// A Snippet loads the dataset in a tool.
type Snippet struct {
	Tool string `json:"tool"`
	Code string `json:"code"`
}

// A CoverageCell is one year of an indicator's coverage on one unit set: Published figures
// and NotPublished ones (withheld by the publisher) out of Units in force.
type CoverageCell struct {
	Year         int    `json:"year"`
	Set          string `json:"unit_set"`
	Published    int    `json:"published"`
	NotPublished int    `json:"not_published"`
	Units        int    `json:"units"`
}

// A DatasetIndicator is one indicator of the datasets page.
type DatasetIndicator struct {
	ID            string                 `json:"id"`
	NameVI        string                 `json:"name_vi"`
	NameEN        string                 `json:"name_en"`
	Publisher     string                 `json:"publisher"`
	UnitOfMeasure string                 `json:"unit_of_measure"`
	From          int                    `json:"from"`
	To            int                    `json:"to"`
	Coverage      []CoverageCell         `json:"coverage"`
	Sources       []datasets.SourceUse   `json:"sources"`
	Downloads     []Link                 `json:"downloads"`
	Breaks        []datasets.Break       `json:"breaks"`
	cells         map[int][]CoverageCell // by year, for the grid
}

// Datasets is the datasets page: every indicator with its coverage and sources, the dataset
// version and citation, the downloads and the snippets that load them, all at pinned URLs.
type Datasets struct {
	Version    string             `json:"version"`
	LoadedAt   time.Time          `json:"loaded_at"`
	Citation   string             `json:"citation"`
	Licence    map[string]string  `json:"licence"`
	Pinned     string             `json:"pinned_prefix"` // the prefix of this version's URLs
	Indicators []DatasetIndicator `json:"indicators"`
	Years      []int              `json:"years"`
	Downloads  []Link             `json:"downloads"`
	Snippets   []Snippet          `json:"snippets"`
	Versions   string             `json:"versions_url"`
}

// DatasetsOf builds the datasets page; base is the origin that URLs start with (e.g.
// "https://chiso.example"), accessed the date of the citation.
func DatasetsOf(ctx context.Context, store *datasets.Store, base string, accessed time.Time) (Datasets, error) {
	version := store.Version()
	cov, err := store.Coverage(ctx)
	if err != nil {
		return Datasets{}, err
	}
	uses, err := store.SourceUses(ctx)
	if err != nil {
		return Datasets{}, err
	}
	hist, err := store.Versions(ctx)
	if err != nil {
		return Datasets{}, err
	}
	pinned := base + "/v/" + version
	d := Datasets{Version: version, Citation: store.Citation(version, nil, accessed), Licence: datasets.Licence, Pinned: pinned,
		Versions: base + "/api/v1/datasets/versions"}
	if len(hist) > 0 {
		d.LoadedAt = hist[0].LoadedAt
	}
	reg := store.Registry()
	byID := map[string]int{}
	for _, in := range store.Catalogue().All() {
		byID[in.ID] = len(d.Indicators)
		di := DatasetIndicator{ID: in.ID, NameVI: in.NameVI, NameEN: in.NameEN, Publisher: in.Publisher, UnitOfMeasure: in.UnitOfMeasure,
			Coverage: []CoverageCell{}, Sources: []datasets.SourceUse{}, Breaks: in.Breaks, cells: map[int][]CoverageCell{}}
		for _, f := range []string{"csv", "xlsx", "parquet"} {
			di.Downloads = append(di.Downloads, Link{Key: "dl_" + f + "_one", Label: strings.ToUpper(f), Format: f, URL: pinned + "/datasets/download." + f + "?indicator=" + in.ID})
		}
		di.Downloads = append(di.Downloads, Link{Key: "dl_csv", Label: "CSV, every source", Format: "csv", URL: pinned + "/datasets/download.csv?indicator=" + in.ID + "&sources=all"})
		d.Indicators = append(d.Indicators, di)
	}
	years := map[int]bool{}
	for _, c := range cov {
		i, ok := byID[c.Indicator]
		if !ok {
			continue
		}
		di := &d.Indicators[i]
		cell := CoverageCell{Year: c.Year, Set: c.Set, Published: c.Published, NotPublished: c.NotPublished, Units: len(reg.Units(c.Set, c.Year))}
		di.Coverage = append(di.Coverage, cell)
		di.cells[c.Year] = append(di.cells[c.Year], cell)
		if di.From == 0 || c.Year < di.From {
			di.From = c.Year
		}
		di.To = max(di.To, c.Year)
		years[c.Year] = true
	}
	for _, u := range uses {
		if i, ok := byID[u.Indicator]; ok {
			d.Indicators[i].Sources = append(d.Indicators[i].Sources, u)
		}
	}
	for y := range years {
		d.Years = append(d.Years, y)
	}
	slices.Sort(d.Years)
	d.Downloads = []Link{
		{Key: "dl_zip", Label: "ZIP (CSV, Parquet, datapackage.json, README, CITATION.cff)", Format: "zip", URL: pinned + "/datasets/download.zip"},
		{Key: "dl_csv", Label: "CSV, every source", Format: "csv", URL: pinned + "/datasets/download.csv?sources=all"},
		{Key: "dl_csv_vn", Label: "CSV for Excel set to Vietnamese (; and decimal comma)", Format: "csv", URL: pinned + "/datasets/download.csv?sources=all&excel=vn"},
		{Key: "dl_parquet", Label: "Parquet, every source", Format: "parquet", URL: pinned + "/datasets/download.parquet?sources=all"},
		{Key: "dl_xlsx", Label: "XLSX, every source", Format: "xlsx", URL: pinned + "/datasets/download.xlsx?sources=all"},
		{Key: "dl_json", Label: "JSON, every source", Format: "json", URL: pinned + "/datasets/download.json?sources=all"},
		{Key: "dl_34", Label: "CSV, the 34 units (derived from the predecessors where needed)", Format: "csv", URL: pinned + "/datasets/download.csv?units=34"},
	}
	d.Snippets = Snippets(pinned + "/datasets/download")
	return d, nil
}

// Snippets load the whole dataset from the download URLs that start with prefix (a pinned
// prefix, so the same bytes come back next month), reading codes and unit sets as text.
func Snippets(prefix string) []Snippet {
	csv, pq := prefix+".csv?sources=all", prefix+".parquet?sources=all"
	return []Snippet{
		{"pandas", fmt.Sprintf(`import pandas as pd
df = pd.read_csv(%q, dtype={"code": str, "unit_set": str, "unit_id": str})
# or, with types kept: df = pd.read_parquet(%q)`, csv, pq)},
		{"R (readr)", fmt.Sprintf(`library(readr)
df <- read_csv(%q,
  col_types = cols(code = col_character(), unit_set = col_character(), .default = col_guess()))`, csv)},
		{"R (arrow)", fmt.Sprintf(`download.file(%q, "chiso.parquet", mode = "wb")
df <- arrow::read_parquet("chiso.parquet")`, pq)},
		{"Stata", fmt.Sprintf(`import delimited %q, encoding("utf-8") varnames(1) stringcols(3 4 5) clear`, csv)},
		{"Excel Power Query", fmt.Sprintf(`let
    Source = Csv.Document(Web.Contents(%q), [Delimiter = ",", Encoding = 65001, QuoteStyle = QuoteStyle.Csv]),
    Headers = Table.PromoteHeaders(Source, [PromoteAllScalars = true]),
    Typed = Table.TransformColumnTypes(Headers, {{"year", Int64.Type}, {"code", type text}, {"unit_set", type text}, {"value", type number}, {"rank", Int64.Type}}, "en-US")
in
    Typed`, csv)},
		{"DuckDB", fmt.Sprintf(`SELECT * FROM read_parquet('%s');
-- or: SELECT * FROM read_csv('%s', types = {'code': 'VARCHAR', 'unit_set': 'VARCHAR'});`, pq, csv)},
	}
}

// A GridCell is one cell of the coverage grid: its text and its kind for the page's styles.
type GridCell struct {
	Text, Title, Kind string // Kind: "full", "partial", "withheld" or "none"
}

// Grid returns the indicator's coverage for each of years: "n/63" (or /34), with the figures
// the publisher withheld apart from those simply missing.
func (di DatasetIndicator) Grid(years []int, lang string) []GridCell {
	out := make([]GridCell, len(years))
	for i, y := range years {
		cells := di.cells[y]
		if len(cells) == 0 {
			out[i] = GridCell{Text: "", Kind: "none"}
			continue
		}
		var text, title []string
		kind := "full"
		for _, c := range cells {
			t := strconv.Itoa(c.Published) + "/" + strconv.Itoa(c.Units)
			if c.NotPublished > 0 {
				t += " +" + strconv.Itoa(c.NotPublished)
			}
			text = append(text, t)
			missing := c.Units - c.Published - c.NotPublished
			if lang == "en" {
				title = append(title, fmt.Sprintf("%d: %d of %d units published, %d not published by the publisher, %d missing", y, c.Published, c.Units, c.NotPublished, missing))
			} else {
				title = append(title, fmt.Sprintf("%d: %d trên %d đơn vị có số liệu, %d không được công bố, %d còn thiếu", y, c.Published, c.Units, c.NotPublished, missing))
			}
			switch {
			case c.NotPublished > 0 && kind == "full":
				kind = "withheld"
			case c.Published+c.NotPublished < c.Units && kind != "withheld":
				kind = "partial"
			}
		}
		out[i] = GridCell{Text: strings.Join(text, " · "), Title: strings.Join(title, "; "), Kind: kind}
	}
	return out
}

// VersionHistory is the history of dataset versions, and which of them chiso serves at
// pinned URLs (/v/{version}/…).
type VersionHistory struct {
	Current string             `json:"current"`
	Keep    int                `json:"keep"`
	Served  []string           `json:"served"`
	Data    []datasets.Version `json:"data"`
}

// Served returns the versions served at pinned URLs: the newest keep versions of hist (newest
// first) that can still be rebuilt. The current version is always served.
func Served(hist []datasets.Version, keep int) []string {
	var out []string
	for i, v := range hist {
		if i >= max(keep, 1) || !v.Rebuildable {
			break
		}
		out = append(out, v.Version)
	}
	return out
}

// VersionsOf returns the history of dataset versions with those kept of the newest keep.
func VersionsOf(ctx context.Context, store *datasets.Store, keep int) (VersionHistory, error) {
	hist, err := store.Versions(ctx)
	if err != nil {
		return VersionHistory{}, err
	}
	return VersionHistory{Current: store.Version(), Keep: keep, Served: nonNil(Served(hist, keep)), Data: hist}, nil
}
