package datasets

import (
	"fmt"
	"strconv"
	"strings"
)

// The row rules are every condition that one row of figures must meet on its own. This table
// is their only home: the WHERE clause of the fast write, the checks of diagnose (a dry run,
// or a refused write) and the check of the bundled data are all generated from it, so no path
// accepts a row that another rejects. The checks across rows (a key given twice, a figure
// already loaded from the same source) are in diagnose and write.
//
// A rule's SQL is written over three relations:
//
//	s  the row: the text as found (province, indicator, source, year_t, value_t, rank_t,
//	   rank_of_t, verified_t) and the parsed values (year, value, rank, rank_of); see rawColumns
//	c  its indicator (chiso_inddim): id, first_year, scale_min, scale_max, unit_of_measure
//	k  its key (chiso_keydim): n_units, the number of units in force for the row's year
//
// and may use $last_year, the last year a figure may be for. chiso_has(x) (see macros) is
// true for a cell with anything but spaces in it.
type rowRule struct {
	name  string // names the rule in tests
	field string // the field a violation is reported in
	// keyed rules read c or k: they are checked only on rows whose indicator and province
	// resolved and that meet every rule that is not keyed, so that one bad cell gives one problem.
	keyed bool
	// joined rules hold for every row that joins c and k (joinDims): resolve puts no blank
	// name, indicator or source in them. The write, which joins them, does not test these again.
	joined bool
	ok     string // SQL: true for a row that meets the rule; NULL counts as false
	want   string // SQL: the ParseError's Want for a row that does not
	got    string // SQL: its Got
	// moot, if not nil, reports whether the options make the rule moot (a default fills the field).
	moot func(IngestOptions) bool
}

var rowRules = []rowRule{
	{name: "province", field: "province", joined: true,
		ok:   `chiso_has(s.province)`,
		want: `'a province name or code'`, got: `'an empty cell'`},
	{name: "indicator", field: "indicator", joined: true,
		ok:   `chiso_has(s.indicator)`,
		want: `'an indicator id such as pci (or --indicator)'`, got: `'an empty cell'`,
		moot: func(o IngestOptions) bool { return strings.TrimSpace(o.Indicator) != "" }},
	{name: "source", field: "source", joined: true,
		ok:   `chiso_has(s.source)`,
		want: `'a source (a "source" column, or --source)'`, got: `'an empty cell'`,
		moot: func(o IngestOptions) bool { return strings.TrimSpace(o.Source) != "" }},
	{name: "year", field: "year",
		ok:   `s.year IS NOT NULL`,
		want: `'a year such as 2021'`, got: `'"' || coalesce(s.year_t, '') || '"'`},
	{name: "value", field: "value",
		ok:   `(s.value IS NOT NULL AND isfinite(s.value)) OR (s.value IS NULL AND (NOT chiso_has(s.value_t) OR chiso_na(s.value_t)))`,
		want: `'a number such as 63.80 or 63,80'`, got: `'"' || s.value_t || '"'`},
	{name: "value_or_rank", field: "value",
		ok:   `s.value IS NOT NULL OR chiso_has(s.value_t) OR chiso_has(s.rank_t)`,
		want: `'a value or a rank'`, got: `'neither'`},
	{name: "rank", field: "rank",
		ok:   `s.rank >= 1 OR NOT chiso_has(s.rank_t)`,
		want: `'a whole number ≥ 1'`, got: `'"' || s.rank_t || '"'`},
	{name: "rank_of", field: "rank_of",
		ok:   `s.rank_of >= 1 OR NOT chiso_has(s.rank_of_t)`,
		want: `'a whole number ≥ 1'`, got: `'"' || s.rank_of_t || '"'`},
	{name: "verified", field: "verified",
		ok:   `NOT chiso_has(s.verified_t) OR chiso_bool(s.verified_t) IS NOT NULL`,
		want: `'true or false (có or không, yes or no)'`, got: `'"' || s.verified_t || '"'`},
	{name: "year_range", field: "year", keyed: true,
		ok:   `s.year BETWEEN c.first_year AND $last_year`,
		want: `'a year from ' || c.first_year || ' (the first year of ' || c.id || ') to $last_year'`,
		// A number of days since 1899-12-30 is how a spreadsheet stores a date (44197 is 2021-01-01).
		got: `CASE WHEN s.year BETWEEN 3000 AND 2958465 THEN 'the date ' || CAST(DATE '1899-12-30' + s.year AS VARCHAR) || ' (an Excel date: the cell should hold a year)'
			WHEN s.year > $last_year THEN s.year::VARCHAR || ', a year in the future' ELSE s.year::VARCHAR END`},
	{name: "scale", field: "value", keyed: true,
		ok:   `s.value IS NULL OR s.value BETWEEN coalesce(c.scale_min, s.value) AND coalesce(c.scale_max, s.value)`,
		want: `'a value in [' || coalesce(c.scale_min::VARCHAR, '…') || ', ' || coalesce(c.scale_max::VARCHAR, '…') || '] (' || c.unit_of_measure || ')'`,
		got:  `'"' || s.value_t || '"'`},
	{name: "rank_within", field: "rank", keyed: true,
		ok: `s.rank IS NULL OR s.rank <= coalesce(s.rank_of, k.n_units)`,
		want: `'a rank in 1..' || coalesce(s.rank_of, k.n_units) || CASE WHEN s.rank_of IS NOT NULL THEN ' (rank_of)'
			ELSE ' (the units in force; give rank_of for a ranking of more)' END`,
		got: `s.rank::VARCHAR`},
}

// A ruleSet is the row rules that apply to one ingest, with its last year filled in.
type ruleSet struct {
	rules    []rowRule
	lastYear string
}

// rulesFor returns the rules that apply under opts, with lastYear the last year a figure may be for.
func rulesFor(opts IngestOptions, lastYear int) ruleSet {
	rs := ruleSet{lastYear: strconv.Itoa(lastYear)}
	for _, r := range rowRules {
		if r.moot == nil || !r.moot(opts) {
			rs.rules = append(rs.rules, r)
		}
	}
	return rs
}

func (rs ruleSet) expand(sql string) string {
	return strings.ReplaceAll(sql, "$last_year", rs.lastYear)
}

// pick returns the rules whose keyed flag is keyed.
func (rs ruleSet) pick(keyed bool) []rowRule {
	var out []rowRule
	for _, r := range rs.rules {
		if r.keyed == keyed {
			out = append(out, r)
		}
	}
	return out
}

// ok returns the SQL condition that a row meets every rule in rules, for a WHERE clause that
// keeps the rows that meet them: it is true for those, and false or NULL for the others (a
// WHERE clause drops both). It is a plain conjunction, which DuckDB evaluates rule by rule on
// the rows still in play; each rule puts its cheap test first (the parsed number before the
// text), so that a valid row rarely needs a string function.
func (rs ruleSet) ok(rules []rowRule) string {
	if len(rules) == 0 {
		return "true"
	}
	parts := make([]string, len(rules))
	for i, r := range rules {
		parts[i] = "(" + rs.expand(r.ok) + ")"
	}
	return "(" + strings.Join(parts, "\n\t\tAND ") + ")"
}

// allOK returns the condition that a row meets every rule: the fast write's WHERE clause.
func (rs ruleSet) allOK() string { return rs.ok(rs.rules) }

// joinedOK returns the condition that a row that joined c and k meets every rule: allOK
// without the rules that the join implies.
func (rs ruleSet) joinedOK() string {
	var rules []rowRule
	for _, r := range rs.rules {
		if !r.joined {
			rules = append(rules, r)
		}
	}
	return rs.ok(rules)
}

// unkeyedOK returns the condition that a row meets every rule that is not keyed.
func (rs ruleSet) unkeyedOK() string { return rs.ok(rs.pick(false)) }

// broken returns the condition that a row does not meet ok (which is false or NULL for it).
func broken(ok string) string { return "NOT coalesce(" + ok + ", false)" }

// violations returns SQL that yields a problem row (file, rec, field, vcol, want, got,
// dup_file, dup_rec) for every rule in rules that a row of from breaks, where from binds s
// (and, for keyed rules, c and k) and where, if not "", limits the rows checked.
func (rs ruleSet) violations(rules []rowRule, from, where string) string {
	if where == "" {
		where = "true"
	}
	parts := make([]string, len(rules))
	for i, r := range rules {
		parts[i] = fmt.Sprintf(`SELECT s.file, s.rec, %s AS field, s.vcol, %s AS want, %s AS got,
			NULL::INTEGER AS dup_file, NULL::BIGINT AS dup_rec
			FROM %s WHERE %s AND %s`,
			sqlString(r.field), rs.expand(r.want), rs.expand(r.got), from, where, broken("("+rs.expand(r.ok)+")"))
	}
	return strings.Join(parts, "\nUNION ALL ")
}
