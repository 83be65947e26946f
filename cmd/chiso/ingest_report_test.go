package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestValidateJSONFailure: with --json a failed validation is JSON too, with every problem's
// position, and the command still fails.
func TestValidateJSONFailure(t *testing.T) {
	p := filepath.Join(t.TempDir(), "bad.csv")
	os.WriteFile(p, []byte("province,indicator,year,value,source\nAtlantis,pci,2015,60,TEST FIXTURE: synthetic\n"), 0o600)
	out, _, err := runCmd(t, nil, "validate", "--json", p)
	if err == nil {
		t.Fatal("validate of a bad file succeeded")
	}
	var got struct {
		Error    string `json:"error"`
		Changed  bool   `json:"changed"`
		Total    int    `json:"problems_total"`
		Problems []struct {
			Position string `json:"position"`
			Got      string `json:"got"`
		} `json:"problems"`
	}
	if jerr := json.Unmarshal([]byte(out), &got); jerr != nil {
		t.Fatalf("stdout is not JSON: %v\n%s", jerr, out)
	}
	if got.Total != 1 || len(got.Problems) != 1 || got.Problems[0].Position != p+":2:1" || !strings.Contains(got.Problems[0].Got, "Atlantis") {
		t.Errorf("JSON failure = %+v", got)
	}
}

// TestIngestJSONOpenFailure: with --json a database file that cannot be opened is a JSON
// failure too, and the file is left as it was.
func TestIngestJSONOpenFailure(t *testing.T) {
	db := filepath.Join(t.TempDir(), "not-a-database.db")
	text := []byte("this is not a DuckDB file\n")
	os.WriteFile(db, text, 0o600)
	out, _, err := runCmd(t, nil, "ingest", "--json", "--db", db, fixtureDir+"long.csv")
	if err == nil {
		t.Fatal("ingest into a file that is not a database succeeded")
	}
	var got struct {
		Error   string `json:"error"`
		Changed bool   `json:"changed"`
	}
	if jerr := json.Unmarshal([]byte(out), &got); jerr != nil || got.Error != err.Error() || got.Changed {
		t.Errorf("stdout %q (%v), want the JSON failure %q, not changed", out, jerr, err)
	}
	if after, rerr := os.ReadFile(db); rerr != nil || string(after) != string(text) {
		t.Errorf("the file changed: %q (%v)", after, rerr)
	}
}

// TestValidateRecipeReport: a VCCI file is read by the detected recipe, and the report says
// what it used, skipped and how the figures compare.
func TestValidateRecipeReport(t *testing.T) {
	path := ""
	dir, _ := os.Getwd()
	for path == "" {
		p := filepath.Join(dir, "shared", "publisher-files", "vcci", "PCI_2013.xlsx")
		if _, err := os.Stat(p); err == nil {
			path = p
		} else if parent := filepath.Dir(dir); parent != dir {
			dir = parent
		} else {
			t.Skip("no shared/publisher-files/vcci beside the checkout (looked in every folder above the package)")
		}
	}
	out, _, err := runCmd(t, nil, "validate", path)
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{`recipe vcci-pci (detected), year 2013`, `used: column M "Cạnh tranh bình đẳng" → pci.policy_bias, names in column L`,
		`skipped: sheet "Summary"`, `compared with the loaded figures: 630 new`, `valid: 693 observations`} {
		if !strings.Contains(out, want) {
			t.Errorf("output lacks %q:\n%s", want, out)
		}
	}
}
