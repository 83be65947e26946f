package datasets

import (
	"context"
	"testing"
)

// fullVersion is the dataset version summed over every figure at once, the way chiso computed
// it before observation_digest (status hashed as the text, and the source's id, that it stored): what updateVersion
// must give.
const fullVersion = `SELECT left(md5(count(*)::VARCHAR || ':' || coalesce(sum(hash(i.id, u.id, o.year, o.value, o.rank,
	o.rank_of, o.status::VARCHAR, o.verified, o.preferred, s.id)::HUGEINT), 0)::VARCHAR), 16)
	FROM observation o LEFT JOIN indicator i ON i.key = o.indicator_key LEFT JOIN unit u ON u.key = o.unit_key
	LEFT JOIN source s ON s.key = o.source_key`

// TestVersionDigest: the version that an ingest computes from the digest of the indicators it
// touched is the version of every figure summed anew, through new figures, figures that take
// over as preferred (more precise, --prefer), a new indicator and a database without a digest;
// and an ingest sums again only the indicators it touched.
// TEST FIXTURES: the figures of "another source" are synthetic.
func TestVersionDigest(t *testing.T) {
	ctx := context.Background()
	s := mustOpenStore(t)
	check := func(step string) {
		t.Helper()
		var want string
		if err := s.db.QueryRowContext(ctx, fullVersion).Scan(&want); err != nil {
			t.Fatal(err)
		}
		if got := s.Version(); got != want {
			t.Errorf("%s: version %s, every figure summed anew gives %s", step, got, want)
		}
	}
	check("bundled")
	ingest := func(step, csv string, opts IngestOptions) {
		t.Helper()
		opts.Now = testNow
		if _, err := s.Ingest(ctx, []string{writeTestCSV(t, "step.csv", csv)}, opts); err != nil {
			t.Fatalf("%s: %v", step, err)
		}
		check(step)
	}
	ingest("more precise and new figures",
		"province,year,value\nQuảng Ninh,2012,59.554321\nHà Nội,2012,53.40\nHà Nội,2026,55.5\n",
		IngestOptions{Indicator: "pci", Source: "another source, table 1"})
	ingest("--prefer", "province,year,value\nHà Nội,2026,55.7\nHải Phòng,2026,54.1\n",
		IngestOptions{Indicator: "pci", Source: "another source, table 2", Prefer: true, Force: true})
	ids, err := s.AddSyntheticIndicators(ctx, 1)
	if err != nil {
		t.Fatal(err)
	}
	ingest("a new indicator", "province,year,value\nHà Nội,2020,10.5\nHải Phòng,2020,11.5\n",
		IngestOptions{Indicator: ids[0], Source: SyntheticSource})

	// A database of an earlier chiso has no digest: the next ingest sums every figure.
	if _, err := s.db.ExecContext(ctx, `DELETE FROM observation_digest`); err != nil {
		t.Fatal(err)
	}
	ingest("no digest before", "province,year,value\nHà Nội,2021,12.5\n", IngestOptions{Indicator: ids[0], Source: SyntheticSource})

	// Only the touched indicators are summed again: a PAPI digest made wrong on purpose stays
	// wrong through an ingest of PCI figures, and so does the version.
	if _, err := s.db.ExecContext(ctx, `UPDATE observation_digest SET total = total + 1
		WHERE indicator_key = (SELECT key FROM indicator WHERE id = 'papi')`); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Ingest(ctx, []string{writeTestCSV(t, "pci.csv", "province,year,value\nĐà Nẵng,2026,70.5\n")},
		IngestOptions{Indicator: "pci", Source: "another source, table 3", Now: testNow}); err != nil {
		t.Fatal(err)
	}
	var full string
	if err := s.db.QueryRowContext(ctx, fullVersion).Scan(&full); err != nil {
		t.Fatal(err)
	}
	if s.Version() == full {
		t.Error("an ingest of PCI figures summed the PAPI figures again")
	}
}
