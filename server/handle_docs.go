package server

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"slices"
	"strconv"
	"strings"

	"chiso/openapi"
	"chiso/web"
)

// handleOpenAPI serves the OpenAPI document, built once at start-up.
func (d *apiDoc) handleOpenAPI(rs *responder) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		q := newQuery(r)
		rs.serve(w, r, q, "json", false, light, func(context.Context, string) (response, error) {
			return response{contentType: "application/json; charset=utf-8", body: d.json}, nil
		})
	})
}

// docsPage is what apidocs.html shows: the document, operation by operation, then its schemas.
type docsPage struct {
	pageData
	Description string
	Version     string
	Ops         []docsOp
	Schemas     []docsSchema
}

type docsOp struct {
	Method, Path, ID, Summary, Description, Tag string
	Params                                      []docsParam
	Body                                        *docsType
	Responses                                   []docsResponse
	Examples                                    []string
}

type docsParam struct {
	Name, In, Description, Limits string
	Required                      bool
	Type                          docsType
}

type docsResponse struct {
	Status, Description string
	Media               []docsMedia
}

type docsMedia struct {
	Type   string
	Schema docsType
}

type docsSchema struct {
	Name, Description string
	Props             []docsParam
}

// A docsType is a schema as a short text ("array of Observation | null"), with a link to the
// component schema it names, if any.
type docsType struct{ Text, Link string }

// handleDocsPage renders the document as a page.
func (d *apiDoc) handleDocsPage(rs *responder) pageFunc {
	return func(q *query) func(ctx context.Context) (page, error) {
		lang := q.lang()
		return func(context.Context) (page, error) {
			p := docsPage{pageData: rs.base(q.r, lang, web.Text(lang, "api_docs")), Description: d.doc.Info.Description, Version: d.doc.OpenAPI}
			for _, rt := range d.routes {
				path := rt.openAPIPath()
				op := d.doc.Paths[path].Operation(rt.method)
				o := docsOp{Method: rt.method, Path: path, ID: op.OperationID, Summary: op.Summary, Description: op.Description, Tag: rt.tag}
				for _, par := range op.Parameters {
					o.Params = append(o.Params, docsParam{Name: par.Name, In: par.In, Description: par.Description, Required: par.Required,
						Type: typeOf(par.Schema), Limits: limitsOf(par.Schema)})
				}
				if op.RequestBody != nil {
					t := typeOf(op.RequestBody.Content["application/json"].Schema)
					o.Body = &t
				}
				o.Responses = responsesOf(d.doc, op.Responses)
				o.Examples = rt.examples
				p.Ops = append(p.Ops, o)
			}
			names := make([]string, 0, len(d.doc.Components.Schemas))
			for n := range d.doc.Components.Schemas {
				names = append(names, n)
			}
			slices.Sort(names)
			for _, n := range names {
				s := d.doc.Components.Schemas[n]
				p.Schemas = append(p.Schemas, docsSchema{Name: n, Description: s.Description, Props: propsOf("", s)})
			}
			return page{name: "apidocs.html", data: p}, nil
		}
	}
}

// responsesOf lists an operation's responses by status, references resolved.
func responsesOf(doc *openapi.Document, rs map[string]*openapi.Response) []docsResponse {
	codes := make([]string, 0, len(rs))
	for c := range rs {
		codes = append(codes, c)
	}
	slices.Sort(codes)
	var out []docsResponse
	for _, c := range codes {
		r := rs[c]
		if r.Ref != "" {
			r = doc.Components.Responses[strings.TrimPrefix(r.Ref, "#/components/responses/")]
		}
		dr := docsResponse{Status: c, Description: r.Description}
		media := make([]string, 0, len(r.Content))
		for m := range r.Content {
			media = append(media, m)
		}
		slices.Sort(media)
		for _, m := range media {
			dr.Media = append(dr.Media, docsMedia{Type: m, Schema: typeOf(r.Content[m].Schema)})
		}
		out = append(out, dr)
	}
	return out
}

// propsOf lists an object's properties, those of inline objects under dotted names.
func propsOf(prefix string, s *openapi.Schema) []docsParam {
	var out []docsParam
	for _, p := range s.Properties {
		ps := p.Schema
		out = append(out, docsParam{Name: prefix + p.Name, Description: ps.Description, Required: slices.Contains(s.Required, p.Name),
			Type: typeOf(ps), Limits: limitsOf(ps)})
		if len(ps.Properties) > 0 {
			out = append(out, propsOf(prefix+p.Name+".", ps)...)
		}
	}
	return out
}

// typeOf says what a schema admits, briefly.
func typeOf(s *openapi.Schema) docsType {
	if s == nil {
		return docsType{Text: "any"}
	}
	if n := s.RefName(); n != "" {
		return docsType{Text: n, Link: "#schema-" + n}
	}
	if len(s.AnyOf) == 2 && len(s.AnyOf[1].Type) == 1 && s.AnyOf[1].Type[0] == "null" {
		t := typeOf(s.AnyOf[0])
		t.Text += " | null"
		return t
	}
	if len(s.Type) == 0 {
		return docsType{Text: "any"}
	}
	var parts []string
	var link string
	for _, t := range s.Type {
		switch {
		case t == "array" && s.Items != nil:
			it := typeOf(s.Items)
			parts, link = append(parts, "array of "+it.Text), it.Link
		case t == "object" && s.AdditionalProperties != nil:
			it := typeOf(s.AdditionalProperties)
			parts, link = append(parts, "map of "+it.Text), it.Link
		case s.Format != "":
			parts = append(parts, t+" ("+s.Format+")")
		default:
			parts = append(parts, t)
		}
	}
	return docsType{Text: strings.Join(parts, " | "), Link: link}
}

// limitsOf says a schema's constraints: constant, values, default, range, length, pattern.
func limitsOf(s *openapi.Schema) string {
	if s == nil {
		return ""
	}
	var parts []string
	if s.Const != nil {
		parts = append(parts, "always "+jsonText(s.Const))
	}
	if len(s.Enum) > 0 {
		vs := make([]string, len(s.Enum))
		for i, v := range s.Enum {
			vs[i] = jsonText(v)
		}
		parts = append(parts, "one of "+strings.Join(vs, ", "))
	}
	switch {
	case s.Minimum != nil && s.Maximum != nil:
		parts = append(parts, fmt.Sprintf("in [%s, %s]", num(*s.Minimum), num(*s.Maximum)))
	case s.Minimum != nil:
		parts = append(parts, "≥ "+num(*s.Minimum))
	case s.Maximum != nil:
		parts = append(parts, "≤ "+num(*s.Maximum))
	}
	if s.MaxLength != nil {
		parts = append(parts, "at most "+strconv.Itoa(*s.MaxLength)+" characters")
	}
	if s.Pattern != "" {
		parts = append(parts, "matching "+s.Pattern)
	}
	if s.Default != nil {
		parts = append(parts, "default "+jsonText(s.Default))
	}
	return strings.Join(parts, "; ")
}

func num(f float64) string { return strconv.FormatFloat(f, 'f', -1, 64) }

func jsonText(v any) string {
	b, _ := json.Marshal(v)
	return string(b)
}
