package report

import (
	"fmt"
	"time"

	"chiso/datasets"
)

// Provinces is the list of units in force on a day.
type Provinces struct {
	AsOf  string `json:"as_of"`
	Count int    `json:"count"`
	Data  []Unit `json:"data"`
}

// ProvincesOn lists the units in force on day at.
func ProvincesOn(reg *datasets.Registry, at time.Time) Provinces {
	units := reg.InForce(at)
	v := Provinces{AsOf: at.Format(time.DateOnly), Count: len(units), Data: make([]Unit, len(units))}
	for i, u := range units {
		v.Data[i] = UnitOf(u)
	}
	return v
}

// A LinkStep is one lineage step with the unit at its other end.
type LinkStep struct {
	Unit      Unit   `json:"unit"`
	Effective string `json:"effective"`
	Kind      string `json:"kind"`
	Source    string `json:"source"`
}

// Province is one unit with its validity, predecessors and successors.
type Province struct {
	Data struct {
		Unit         Unit       `json:"unit"`
		Predecessors []LinkStep `json:"predecessors"`
		Successors   []LinkStep `json:"successors"`
		Others       []Unit     `json:"same_name_or_code_at_other_times"`
	} `json:"data"`
}

// ProvinceOf shows the unit that name (a code, slug, id or name) refers to on day at; when
// none is in force then, the latest unless strict. Units that share the name at other times
// are listed.
func ProvinceOf(reg *datasets.Registry, name string, at time.Time, strict bool) (Province, error) {
	units, err := reg.Lookup(name)
	if err != nil {
		return Province{}, err
	}
	u, found := units[len(units)-1], false
	for _, c := range units {
		if c.InForce(at) {
			u, found = c, true
		}
	}
	if !found && strict {
		return Province{}, fmt.Errorf("no unit %s in force on %s: %w", Quote(name), at.Format(time.DateOnly), datasets.ErrNotFound)
	}
	in, out := reg.Links(u.ID)
	steps := func(links []datasets.Link, other func(datasets.Link) string) []LinkStep {
		res := []LinkStep{}
		for _, l := range links {
			o, _ := reg.Unit(other(l))
			res = append(res, LinkStep{Unit: UnitOf(o), Effective: l.Effective.Format(time.DateOnly), Kind: l.Kind, Source: l.Source})
		}
		return res
	}
	var v Province
	v.Data.Unit = UnitOf(u)
	v.Data.Predecessors = steps(in, func(l datasets.Link) string { return l.Old })
	v.Data.Successors = steps(out, func(l datasets.Link) string { return l.New })
	v.Data.Others = []Unit{}
	for _, c := range units {
		if c.ID != u.ID {
			v.Data.Others = append(v.Data.Others, UnitOf(c))
		}
	}
	return v, nil
}

// Current returns the unit of units in force on day at, else the latest.
func Current(units []datasets.Unit, at time.Time) datasets.Unit {
	u := units[len(units)-1]
	for _, c := range units {
		if c.InForce(at) {
			u = c
		}
	}
	return u
}

// Indicators is the indicator catalogue.
type Indicators struct {
	Count int                  `json:"count"`
	Data  []datasets.Indicator `json:"data"`
}
