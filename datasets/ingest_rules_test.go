package datasets

import (
	"context"
	"errors"
	"path/filepath"
	"strings"
	"testing"
)

// TestRowRulesSameOnEveryPath: for every row rule, a file whose only fault is a row that
// breaks that rule is refused with the same single message by a dry run and by a real ingest
// (whose fast write must refuse it too), and the store is unchanged. A rule that the options
// make moot lets the same file through.
func TestRowRulesSameOnEveryPath(t *testing.T) {
	const (
		header = "province,indicator,year,value,rank,rank_of,source\n"
		src    = "TEST FIXTURE: synthetic figure - not real data"
		good   = "Hà Nội,par_index,2015,70.5,,," + src + "\n"
	)
	cases := map[string]struct {
		row  string // the one bad row, on line 3
		want string // the message
		moot IngestOptions
	}{
		"province":      {",par_index,2016,70,,," + src, `:3:1: column "province": expected a province name or code, got an empty cell`, IngestOptions{}},
		"indicator":     {"Hà Nội,,2016,70,,," + src, `:3:2: column "indicator": expected an indicator id such as pci (or --indicator), got an empty cell`, IngestOptions{Indicator: "par_index"}},
		"source":        {"Hà Nội,par_index,2016,70,,,", `:3:7: column "source": expected a source (a "source" column, or --source), got an empty cell`, IngestOptions{Source: src}},
		"year":          {"Hà Nội,par_index,2O16,70,,," + src, `:3:3: column "year": expected a year such as 2021, got "2O16"`, IngestOptions{}},
		"value":         {"Hà Nội,par_index,2016,7O,,," + src, `:3:4: column "value": expected a number such as 63.80 or 63,80, got "7O"`, IngestOptions{}},
		"value_or_rank": {"Hà Nội,par_index,2016,,,," + src, `:3:4: column "value": expected a value or a rank, got neither`, IngestOptions{}},
		"rank":          {"Hà Nội,par_index,2016,70,0,," + src, `:3:5: column "rank": expected a whole number ≥ 1, got "0"`, IngestOptions{}},
		"rank_of":       {"Hà Nội,par_index,2016,70,5,0," + src, `:3:6: column "rank_of": expected a whole number ≥ 1, got "0"`, IngestOptions{}},
		"year_range":    {"Hà Nội,par_index,2011,70,,," + src, `:3:3: column "year": expected a year from 2012 (the first year of par_index) to 2026, got 2011`, IngestOptions{}},
		"scale":         {"Hà Nội,par_index,2016,100.5,,," + src, `:3:4: column "value": expected a value in [0.0, 100.0] (% (0–100)), got "100.5"`, IngestOptions{}},
		"rank_within":   {"Hà Nội,par_index,2016,70,64,," + src, `:3:5: column "rank": expected a rank in 1..63 (the units in force; give rank_of for a ranking of more), got 64`, IngestOptions{}},
		"verified":      {"Hà Nội,par_index,2016,70,,," + src + ",perhaps", `:3:8: column "verified": expected true or false (có or không, yes or no), got "perhaps"`, IngestOptions{}},
	}
	ctx := context.Background()
	s := mustOpenStore(t)
	seen := map[string]bool{}
	for _, r := range rowRules {
		seen[r.name] = true
		t.Run(r.name, func(t *testing.T) {
			tc, ok := cases[r.name]
			if !ok {
				t.Fatalf("rule %q has no test case: add a row that breaks only it", r.name)
			}
			path := filepath.Join(t.TempDir(), r.name+".csv")
			hdr, g := header, good
			if strings.Count(tc.row, ",") > strings.Count(header, ",") { // the row has a verified column
				hdr, g = strings.TrimSuffix(header, "\n")+",verified\n", strings.TrimSuffix(good, "\n")+",có\n"
			}
			writeFile(t, path, hdr+g+tc.row+"\n")
			before := takeSnapshot(t, s)
			var msgs [2]string
			for i, dry := range []bool{true, false} {
				_, err := s.Ingest(ctx, []string{path}, IngestOptions{DryRun: dry, Now: testNow})
				var ie *IngestError
				if !errors.As(err, &ie) {
					t.Fatalf("Ingest(dry run %v) error = %v, want an *IngestError", dry, err)
				}
				if ie.Total != 1 || !strings.Contains(err.Error(), tc.want) {
					t.Errorf("Ingest(dry run %v): %d problems:\n%s\nwant 1: %s", dry, ie.Total, err, tc.want)
				}
				msgs[i] = err.Error()
				if after := takeSnapshot(t, s); after != before {
					t.Errorf("Ingest(dry run %v) changed the store: %+v → %+v", dry, before, after)
				}
			}
			if msgs[0] != msgs[1] {
				t.Errorf("dry run and ingest differ:\n%s\n---\n%s", msgs[0], msgs[1])
			}
			if r.moot != nil {
				opts := tc.moot
				opts.DryRun, opts.Now = true, testNow
				if !r.moot(opts) {
					t.Fatalf("the case's options %+v do not make rule %q moot", tc.moot, r.name)
				}
				if _, err := s.Ingest(ctx, []string{path}, opts); err != nil {
					t.Errorf("with %+v the row should pass: %v", tc.moot, err)
				}
			}
		})
	}
	for name := range cases {
		if !seen[name] {
			t.Errorf("test case %q names no rule", name)
		}
	}
}

func TestParseErrorPosition(t *testing.T) {
	for _, tc := range []struct {
		e    ParseError
		want string
	}{
		{ParseError{File: "a.csv", Line: 14, Column: 3}, "a.csv:14:3"},
		{ParseError{File: "a.csv", Line: 14}, "a.csv:14"},
		{ParseError{File: "a.csv"}, "a.csv"}, // the whole file: figures that mostly differ from those loaded
		{ParseError{File: "a.xlsx", Sheet: "PCI", Line: 14, Column: 3}, `a.xlsx: sheet "PCI" cell C14`},
		{ParseError{File: "a.xlsx", Sheet: "PCI"}, `a.xlsx: sheet "PCI"`},
	} {
		if got := tc.e.Position(); got != tc.want {
			t.Errorf("Position(%+v) = %q, want %q", tc.e, got, tc.want)
		}
	}
}
