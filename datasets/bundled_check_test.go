package datasets

import (
	"context"
	"errors"
	"io/fs"
	"strings"
	"testing"
	"testing/fstest"
)

// fixtureBundle returns the bundled files with every file of figures cut to its header, and
// then the files of over put in. The units, lineage and catalogue stay the real ones.
func fixtureBundle(t *testing.T, over map[string]string) fs.FS {
	t.Helper()
	sub, err := fs.Sub(bundledFS, "bundled")
	if err != nil {
		t.Fatal(err)
	}
	keep := map[string]bool{"provinces_63.csv": true, "provinces_34.csv": true, "merger_2025.csv": true, "provinces_former.csv": true,
		"indicators.csv": true, "breaks.csv": true}
	m := fstest.MapFS{}
	names, err := fs.Glob(sub, "*.csv")
	if err != nil {
		t.Fatal(err)
	}
	for _, name := range names {
		data, err := fs.ReadFile(sub, name)
		if err != nil {
			t.Fatal(err)
		}
		if !keep[name] {
			data = data[:strings.IndexByte(string(data), '\n')+1]
		}
		m[name] = &fstest.MapFile{Data: data}
	}
	for name, text := range over {
		m[name] = &fstest.MapFile{Data: []byte(text)}
	}
	return m
}

// TestBundledRowRules: a bundled figure that breaks a row rule of ingest fails Open with its
// file, line and column; the same files without it load. TEST FIXTURES: the bad rows are
// synthetic.
func TestBundledRowRules(t *testing.T) {
	const (
		papiHead = "province_code,year,score,source\n"
		papiGood = "01,2011,36.41,TEST FIXTURE: synthetic figure - not real data\n"
		pciHead  = "province_code,year,score,rank,source\n"
		altHead  = "indicator,province_code,year,value,rank,rank_of,verified,source\n"
		stHead   = "indicator,province_code,year,status,source\n"
		src      = "TEST FIXTURE: synthetic figure - not real data"
	)
	ctx := context.Background()
	tests := []struct {
		name string
		over map[string]string
		want []string // the problems, in order
	}{
		{"OK", map[string]string{"papi.csv": papiHead + papiGood}, nil},
		{"ErrScoreOffScale", map[string]string{"papi.csv": papiHead + papiGood + "24,2014,0.00," + src + "\n"},
			[]string{`bundled/papi.csv:3:3: column "score": expected a value in [6.0, 80.0] (points (6–60 to 2016; 8–80 from 2018)), got "0.00"`}},
		{"ErrYearBeforeIndicator", map[string]string{"papi.csv": papiHead + "01,2008,36.41," + src + "\n"},
			[]string{`bundled/papi.csv:2:2: column "year": expected a year from 2009 (the first year of papi) to `}},
		{"ErrRankAboveUnits", map[string]string{"pci.csv": pciHead + "01,2012,60.00,64," + src + "\n"},
			[]string{`bundled/pci.csv:2:4: column "rank": expected a rank in 1..63 (rank_of), got 64`}},
		{"ErrNoSource", map[string]string{"pci.csv": pciHead + "01,2012,60.00,5,\n"},
			[]string{`bundled/pci.csv:2:5: column "source": expected a source (a "source" column, or --source), got an empty cell`}},
		{"ErrNeitherValueNorRank", map[string]string{"pci.csv": pciHead + "01,2012,,," + src + "\n"},
			[]string{`bundled/pci.csv:2:3: column "score": expected a value or a rank, got neither`}},
		{"ErrAlternativeRankOf", map[string]string{"alternatives.csv": altHead + "pci,01,2012,60.00,5,0,true," + src + "\n"},
			[]string{`bundled/alternatives.csv:2:6: column "rank_of": expected a whole number ≥ 1, got "0"`}},
		{"ErrStatusWord", map[string]string{"status.csv": stHead + "pci,01,2023,withheld," + src + "\n"},
			[]string{`bundled/status.csv:2:4: column "status": expected a number such as 63.80 or 63,80, got "withheld"`}},
		{"ErrUnknownIndicator", map[string]string{"status.csv": stHead + "pcii,01,2023,not_published," + src + "\n"},
			[]string{`bundled/status.csv:2:1: column "indicator": expected a known indicator (indicators.csv), got "pcii"`}},
		{"ErrTwoFiles", map[string]string{
			"papi.csv": papiHead + "24,2014,0.00," + src + "\n",
			"pci.csv":  pciHead + "01,2012,160,5," + src + "\n"},
			[]string{`bundled/papi.csv:2:3: column "score"`, `bundled/pci.csv:2:3: column "score": expected a value in [0.0, 100.0]`}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			s, err := open(ctx, "", fixtureBundle(t, tc.over))
			if tc.want == nil {
				if err != nil {
					t.Fatalf("open: %v", err)
				}
				s.Close()
				return
			}
			if err == nil {
				s.Close()
				t.Fatalf("open succeeded, want %q", tc.want)
			}
			var ie *IngestError
			if !errors.As(err, &ie) {
				t.Fatalf("open error = %v, want an *IngestError", err)
			}
			if len(ie.Problems) != len(tc.want) {
				t.Fatalf("open error lists %d problems, want %d:\n%v", len(ie.Problems), len(tc.want), err)
			}
			for i, w := range tc.want {
				if got := ie.Problems[i].Error(); !strings.HasPrefix(got, w) {
					t.Errorf("problem %d = %s\nwant        %s…", i, got, w)
				}
			}
		})
	}
}
