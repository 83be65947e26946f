package openapi

import (
	"encoding/json"
	"reflect"
	"slices"
	"testing"
	"time"
)

type inner struct {
	A int    `json:"a"`
	B string `json:"b,omitempty"`
}

type Named struct {
	X float64 `json:"x"`
}

type sample struct {
	inner                    // promoted: a, b
	*Named                   // promoted through a pointer: x, optional
	ID     string            `json:"id"`
	Count  int64             `json:"count,string"`
	When   time.Time         `json:"when"`
	Maybe  *int              `json:"maybe"`
	List   []Named           `json:"list"`
	Fixed  [2]bool           `json:"fixed"`
	Tags   map[string]string `json:"tags,omitzero"`
	Any    any               `json:"any"`
	Skip   int               `json:"-"`

	Untag  uint8               // no tag: its Go name
	Raw    json.RawMessage     `json:"raw"`
	Nest   struct{ Y bool }    `json:"nest"`
	Shadow string              `json:"a2"`
	Deep   map[string][]*Named `json:"deep"`
}

func TestGeneratorFollowsEncodingJSON(t *testing.T) {
	g := NewGenerator()
	ref := g.Schema(reflect.TypeFor[sample]())
	if ref.RefName() != "sample" {
		t.Fatalf("Schema(sample) = %+v, want a reference to sample", ref)
	}
	s := g.Schemas["sample"]
	var names []string
	for _, p := range s.Properties {
		names = append(names, p.Name)
	}
	want := []string{"a", "b", "x", "id", "count", "when", "maybe", "list", "fixed", "tags", "any", "Untag", "raw", "nest", "a2", "deep"}
	if !slices.Equal(names, want) {
		t.Errorf("properties = %v, want %v", names, want)
	}
	// encoding/json writes these keys for a value with a nil *Named and empty omitempty fields.
	b, err := json.Marshal(sample{Raw: json.RawMessage(`1`)})
	if err != nil {
		t.Fatal(err)
	}
	var m map[string]any
	json.Unmarshal(b, &m)
	for _, r := range s.Required {
		if _, ok := m[r]; !ok {
			t.Errorf("required %q is not written for a zero value (%s)", r, b)
		}
	}
	for k := range m {
		if s.Properties.Get(k) == nil {
			t.Errorf("encoding/json writes %q, which the schema lacks", k)
		}
	}
	if slices.Contains(s.Required, "x") || slices.Contains(s.Required, "b") || slices.Contains(s.Required, "tags") {
		t.Errorf("required = %v: x (through a nil pointer), b (omitempty), tags (omitzero) are optional", s.Required)
	}
	for _, tc := range []struct{ prop, want string }{
		{"a", `{"type":"integer"}`},
		{"count", `{"type":"string"}`},
		{"when", `{"type":"string","format":"date-time"}`},
		{"maybe", `{"type":["integer","null"]}`},
		{"list", `{"type":["array","null"],"items":{"$ref":"#/components/schemas/Named"}}`},
		{"fixed", `{"type":"array","description":"exactly 2 items","items":{"type":"boolean"}}`},
		{"tags", `{"type":["object","null"],"additionalProperties":{"type":"string"}}`},
		{"any", `{}`},
		{"Untag", `{"type":"integer","minimum":0}`},
		{"nest", `{"type":"object","properties":{"Y":{"type":"boolean"}},"required":["Y"],"additionalProperties":false}`},
		{"deep", `{"type":["object","null"],"additionalProperties":{"type":["array","null"],"items":{"anyOf":[{"$ref":"#/components/schemas/Named"},{"type":"null"}]}}}`},
	} {
		got, err := json.Marshal(s.Properties.Get(tc.prop))
		if err != nil {
			t.Fatal(err)
		}
		if string(got) != tc.want {
			t.Errorf("%s: %s, want %s", tc.prop, got, tc.want)
		}
	}
}

type node struct {
	Next *node `json:"next"`
}

type other struct{ V int }

func TestGeneratorNames(t *testing.T) {
	g := NewGenerator()
	if got := g.Schema(reflect.TypeFor[node]()).Ref; got != "#/components/schemas/node" {
		t.Errorf("recursive type: %s", got)
	}
	b, _ := json.Marshal(g.Schemas["node"])
	if string(b) != `{"type":"object","properties":{"next":{"anyOf":[{"$ref":"#/components/schemas/node"},{"type":"null"}]}},"required":["next"],"additionalProperties":false}` {
		t.Errorf("node = %s", b)
	}
	// Two types of one name: the second is qualified by its package.
	g.Schemas["other"] = &Schema{}
	if got := g.Schema(reflect.TypeFor[other]()).RefName(); got != "Openapiother" {
		t.Errorf("second type named other: %s, want Openapiother", got)
	}
}

func TestDocumentRoundTrip(t *testing.T) {
	g := NewGenerator()
	g.Schema(reflect.TypeFor[sample]())
	b, err := json.Marshal(g.Schemas)
	if err != nil {
		t.Fatal(err)
	}
	var back map[string]*Schema
	if err := json.Unmarshal(b, &back); err != nil {
		t.Fatal(err)
	}
	b2, _ := json.Marshal(back)
	if string(b) != string(b2) {
		t.Errorf("round trip:\n%s\n%s", b, b2)
	}
}
