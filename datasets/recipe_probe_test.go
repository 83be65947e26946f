package datasets

import (
	"context"
	"fmt"
	"path/filepath"
	"testing"
)

func TestProbeRecipe(t *testing.T) {
	s, err := Open(context.Background(), "")
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	for y := 2006; y <= 2015; y++ {
		ext := ".xlsx"
		if y <= 2011 {
			ext = ".xls"
		}
		p := filepath.Join("/work/shared/publisher-files/vcci", fmt.Sprintf("PCI_%d%s", y, ext))
		g, _, err := readWorkbook(p)
		if err != nil {
			t.Log(y, err)
			continue
		}
		tb, err := readVCCIPCI(g, p, "", 0, s.Registry())
		if err != nil {
			t.Log(y, err)
			continue
		}
		n := map[string]int{}
		for _, r := range tb.rows {
			n[r.indicator]++
		}
		t.Logf("%d sheet=%q year=%d rows=%d %v day=%v\n used=%q\n skipped=%q", y, tb.sheet, tb.year, len(tb.rows), n, tb.unitsDay, tb.used, tb.skipped)
	}
}
