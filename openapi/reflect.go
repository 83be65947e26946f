package openapi

import (
	"encoding"
	"encoding/json"
	"path"
	"reflect"
	"strconv"
	"strings"
	"time"
	"unicode"
)

// A Generator makes JSON Schemas from Go types, following encoding/json's rules: json tags,
// omitempty and omitzero (not required), "-" (left out), ",string", embedded structs (their
// fields promoted), pointers, nil slices and nil maps (null). A named struct type becomes a
// component schema, referred to by name; objects admit no property their type does not
// declare, so a document made from the types says exactly what the server writes.
type Generator struct {
	Schemas map[string]*Schema // the component schemas made so far, by name
	names   map[reflect.Type]string
}

// NewGenerator returns a Generator with no schemas yet.
func NewGenerator() *Generator {
	return &Generator{Schemas: map[string]*Schema{}, names: map[reflect.Type]string{}}
}

var (
	timeType          = reflect.TypeFor[time.Time]()
	numberType        = reflect.TypeFor[json.Number]()
	rawType           = reflect.TypeFor[json.RawMessage]()
	jsonMarshalerType = reflect.TypeFor[json.Marshaler]()
	textMarshalerType = reflect.TypeFor[encoding.TextMarshaler]()
)

// Schema returns the schema of t's values as encoding/json writes them: a reference for a named
// struct type (its schema kept in g.Schemas), the schema itself for any other type.
func (g *Generator) Schema(t reflect.Type) *Schema {
	switch {
	case t == timeType:
		return &Schema{Type: Types{"string"}, Format: "date-time"}
	case t == numberType:
		return &Schema{Type: Types{"number"}}
	case t == rawType:
		return &Schema{Description: "any JSON value"}
	case t.Kind() == reflect.Pointer:
		return Nullable(g.Schema(t.Elem()))
	case t.Implements(jsonMarshalerType) || reflect.PointerTo(t).Implements(jsonMarshalerType):
		return &Schema{Description: "written by " + t.String() + ".MarshalJSON"}
	case t.Implements(textMarshalerType) || reflect.PointerTo(t).Implements(textMarshalerType):
		return &Schema{Type: Types{"string"}}
	}
	switch t.Kind() {
	case reflect.Bool:
		return &Schema{Type: Types{"boolean"}}
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		return &Schema{Type: Types{"integer"}}
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64, reflect.Uintptr:
		return &Schema{Type: Types{"integer"}, Minimum: new(0.0)}
	case reflect.Float32, reflect.Float64:
		return &Schema{Type: Types{"number"}}
	case reflect.String:
		return &Schema{Type: Types{"string"}}
	case reflect.Interface:
		return &Schema{}
	case reflect.Slice:
		if t.Elem().Kind() == reflect.Uint8 {
			return &Schema{Type: Types{"string", "null"}, Description: "base64"}
		}
		return &Schema{Type: Types{"array", "null"}, Items: g.Schema(t.Elem())}
	case reflect.Array:
		n := t.Len()
		return &Schema{Type: Types{"array"}, Items: g.Schema(t.Elem()), Description: "exactly " + strconv.Itoa(n) + " items"}
	case reflect.Map:
		return &Schema{Type: Types{"object", "null"}, AdditionalProperties: g.Schema(t.Elem())}
	case reflect.Struct:
		if t.Name() == "" {
			return g.Object(t)
		}
		name, ok := g.names[t]
		if !ok {
			name = g.nameFor(t)
			g.names[t] = name
			g.Schemas[name] = &Schema{} // placeholder: a recursive type refers to itself
			*g.Schemas[name] = *g.Object(t)
		}
		return Ref(name)
	}
	return &Schema{Description: "not representable in JSON (" + t.String() + ")"}
}

// Named is Schema for a struct type t whose component is to be called name.
func (g *Generator) Named(t reflect.Type, name string) *Schema {
	if _, ok := g.names[t]; !ok {
		g.names[t] = name
		g.Schemas[name] = &Schema{}
		*g.Schemas[name] = *g.Object(t)
	}
	return g.Schema(t)
}

// Object returns the inline object schema of struct type t, with first's properties before
// those of t (an envelope's fields, say).
func (g *Generator) Object(t reflect.Type, first ...Prop) *Schema {
	s := &Schema{Type: Types{"object"}, Closed: true}
	for _, p := range first {
		s.Properties = append(s.Properties, p)
		s.Required = append(s.Required, p.Name)
	}
	for _, f := range jsonFields(t) {
		fs := g.Schema(f.typ)
		if f.quoted {
			fs = &Schema{Type: Types{"string"}}
		}
		s.Properties = append(s.Properties, Prop{Name: f.name, Schema: fs})
		if f.required {
			s.Required = append(s.Required, f.name)
		}
	}
	return s
}

// nameFor is a component name for t: its Go name, or with its package's name before it when
// another type already has that name.
func (g *Generator) nameFor(t reflect.Type) string {
	name := sanitize(t.Name())
	if _, taken := g.Schemas[name]; !taken {
		return name
	}
	pkg := []rune(path.Base(t.PkgPath()))
	if len(pkg) > 0 {
		pkg[0] = unicode.ToUpper(pkg[0])
	}
	name = sanitize(string(pkg)) + name
	for base, i := name, 2; ; i++ {
		if _, taken := g.Schemas[name]; !taken {
			return name
		}
		name = base + strconv.Itoa(i)
	}
}

func sanitize(s string) string {
	return strings.Map(func(r rune) rune {
		if r < 128 && (unicode.IsLetter(r) || unicode.IsDigit(r) || r == '.' || r == '-' || r == '_') {
			return r
		}
		return '_'
	}, s)
}

// A jsonField is one property encoding/json writes for a struct.
type jsonField struct {
	name     string
	typ      reflect.Type
	depth    int
	tagged   bool
	required bool
	quoted   bool // ",string"
}

// jsonFields lists the properties encoding/json writes for struct type t, in its order, with
// its rules for promoted fields: the shallowest wins, a tagged one breaks a tie, a tie left is
// dropped.
func jsonFields(t reflect.Type) []jsonField {
	var all []jsonField
	var walk func(t reflect.Type, depth int, optional bool, seen map[reflect.Type]bool)
	walk = func(t reflect.Type, depth int, optional bool, seen map[reflect.Type]bool) {
		if seen[t] {
			return
		}
		seen[t] = true
		defer delete(seen, t)
		for i := range t.NumField() {
			sf := t.Field(i)
			tag := sf.Tag.Get("json")
			if tag == "-" {
				continue
			}
			name, opts, _ := strings.Cut(tag, ",")
			ft := sf.Type
			if sf.Anonymous {
				et := ft
				if et.Kind() == reflect.Pointer {
					et = et.Elem()
				}
				if !sf.IsExported() && et.Kind() != reflect.Struct {
					continue
				}
				if name == "" && et.Kind() == reflect.Struct {
					walk(et, depth+1, optional || ft.Kind() == reflect.Pointer, seen)
					continue
				}
			} else if !sf.IsExported() {
				continue
			}
			f := jsonField{name: name, typ: ft, depth: depth, tagged: name != ""}
			if name == "" {
				f.name = sf.Name
			}
			omit := strings.Contains(","+opts+",", ",omitempty,") || strings.Contains(","+opts+",", ",omitzero,")
			f.required = !optional && !omit
			if strings.Contains(","+opts+",", ",string,") {
				switch ft.Kind() {
				case reflect.Bool, reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64,
					reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64, reflect.Float32, reflect.Float64, reflect.String:
					f.quoted = true
				}
			}
			all = append(all, f)
		}
	}
	walk(t, 0, false, map[reflect.Type]bool{})
	var out []jsonField
	for i, f := range all {
		win, tie := true, false
		for j, o := range all {
			if j == i || o.name != f.name {
				continue
			}
			switch {
			case o.depth < f.depth, o.depth == f.depth && o.tagged && !f.tagged:
				win = false
			case o.depth == f.depth && o.tagged == f.tagged:
				tie = true
			}
		}
		if win && !tie {
			out = append(out, f)
		}
	}
	return out
}
