package main

import (
	"fmt"
	"sort"
	"strings"

	"github.com/oceankit/digitalocean/internal/oasdoc"
	"go.yaml.in/yaml/v3"
)

// Schema is the subset of an OpenAPI 3.0 schema object that the generator
// understands. Properties keep their order from the document.
type Schema struct {
	Ref                  string    `yaml:"$ref"`
	Type                 string    `yaml:"type"`
	Format               string    `yaml:"format"`
	Title                string    `yaml:"title"`
	Description          string    `yaml:"description"`
	Enum                 []string  `yaml:"enum"`
	Default              any       `yaml:"default"`
	Minimum              *float64  `yaml:"minimum"`
	Nullable             bool      `yaml:"nullable"`
	ReadOnly             bool      `yaml:"readOnly"`
	Deprecated           bool      `yaml:"deprecated"`
	Required             []string  `yaml:"required"`
	Properties           Props     `yaml:"properties"`
	Items                *Schema   `yaml:"items"`
	AllOf                []*Schema `yaml:"allOf"`
	OneOf                []*Schema `yaml:"oneOf"`
	AnyOf                []*Schema `yaml:"anyOf"`
	AdditionalProperties *Schema   `yaml:"additionalProperties"`

	// Overlay-only keys.
	Source string `yaml:"source"`    // where a field the spec lacks comes from
	GoType string `yaml:"x-go-type"` // a hand-written Go type to use instead

	// Keys of the live-API overlay document (testdata/live-api-overlay.yaml).
	GodoType   string `yaml:"x-godo-type"`         // the godo type of the schema
	Confidence string `yaml:"x-source-confidence"` // how sure the overlay is

	// Retyped marks an overlay field that replaces a spec property whose type
	// disagrees with the live API (set by applyOverlay).
	Retyped bool `yaml:"-"`

	// AddedValueDocs documents the enum values the overlay adds (set by
	// applyOverlay, with their source).
	AddedValueDocs map[string]string `yaml:"-"`
}

// Prop is one named property of an object schema; Props keeps their
// document order.
type (
	Prop  = oasdoc.Prop[Schema]
	Props = oasdoc.Props[Schema]
)

// Parameter is an operation parameter.
type Parameter struct {
	Ref         string  `yaml:"$ref"`
	Name        string  `yaml:"name"`
	In          string  `yaml:"in"`
	Description string  `yaml:"description"`
	Schema      *Schema `yaml:"schema"`
}

// MediaType is one entry of a content map.
type MediaType struct {
	Schema *Schema `yaml:"schema"`
}

// Response is a response object (possibly a $ref).
type Response struct {
	Ref         string               `yaml:"$ref"`
	Description string               `yaml:"description"`
	Content     map[string]MediaType `yaml:"content"`
}

// RequestBody is a request body object.
type RequestBody struct {
	Content map[string]MediaType `yaml:"content"`
}

// Operation is one HTTP operation of a path.
type Operation struct {
	Method      string
	Path        string
	OperationID string               `yaml:"operationId"`
	Tags        []string             `yaml:"tags"`
	Parameters  []*Parameter         `yaml:"parameters"`
	RequestBody *RequestBody         `yaml:"requestBody"`
	Responses   map[string]*Response `yaml:"responses"`

	// Overlay names the document that added the operation ("" for the spec).
	Overlay string `yaml:"-"`
}

// Spec is the parsed OpenAPI document.
type Spec struct {
	Paths      map[string]map[string]yaml.Node `yaml:"paths"`
	Components struct {
		Schemas    map[string]*Schema    `yaml:"schemas"`
		Parameters map[string]*Parameter `yaml:"parameters"`
		Responses  map[string]*Response  `yaml:"responses"`
	} `yaml:"components"`

	Operations []*Operation `yaml:"-"`

	// aliases are the overlay's second spellings, by schema name.
	aliases map[string][]*OverlayAlias
}

var httpMethods = map[string]bool{"get": true, "put": true, "post": true, "delete": true, "patch": true, "head": true, "options": true}

func loadSpec(path string) (*Spec, error) {
	var s Spec
	if err := oasdoc.ReadYAML(path, &s, false); err != nil {
		return nil, err
	}
	paths := make([]string, 0, len(s.Paths))
	for p := range s.Paths {
		paths = append(paths, p)
	}
	sort.Strings(paths)
	for _, p := range paths {
		methods := make([]string, 0)
		for m := range s.Paths[p] {
			if httpMethods[m] {
				methods = append(methods, m)
			}
		}
		sort.Strings(methods)
		for _, m := range methods {
			node := s.Paths[p][m]
			op := &Operation{Method: strings.ToUpper(m), Path: p}
			if err := node.Decode(op); err != nil {
				return nil, fmt.Errorf("%s %s: %w", m, p, err)
			}
			s.Operations = append(s.Operations, op)
		}
	}
	return &s, nil
}

const schemaRefPrefix = "#/components/schemas/"

func refName(ref string) string { return strings.TrimPrefix(ref, schemaRefPrefix) }

// response resolves a response $ref.
func (s *Spec) response(r *Response) *Response {
	for r != nil && r.Ref != "" {
		r = s.Components.Responses[strings.TrimPrefix(r.Ref, "#/components/responses/")]
	}
	return r
}

// parameter resolves a parameter $ref and reports the component name ("" for inline).
func (s *Spec) parameter(p *Parameter) (*Parameter, string) {
	if p.Ref == "" {
		return p, ""
	}
	name := strings.TrimPrefix(p.Ref, "#/components/parameters/")
	return s.Components.Parameters[name], name
}

// The live-API field overlay (overlay.yaml), read into this generator's
// Schema.
type (
	Overlay          = oasdoc.Overlay[Schema]
	OverlayField     = oasdoc.OverlayField[Schema]
	OverlayEnum      = oasdoc.OverlayEnum
	OverlayEnumValue = oasdoc.OverlayEnumValue
	OverlayAlias     = oasdoc.OverlayAlias
)

// loadOverlay reads overlay.yaml; a key Schema lacks is an error.
func loadOverlay(path string) (*Overlay, error) {
	return oasdoc.ReadOverlay[Schema](path, true)
}

// applyOverlay merges the overlay into the spec's schemas.
func applyOverlay(s *Spec, o *Overlay) error {
	names := make([]string, 0, len(o.Schemas))
	for n := range o.Schemas {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, n := range names {
		if _, ok := s.Components.Schemas[n]; ok {
			return fmt.Errorf("overlay schema %s already exists in the spec", n)
		}
		if o.Schemas[n].Source == "" {
			return fmt.Errorf("overlay schema %s has no source", n)
		}
		s.Components.Schemas[n] = o.Schemas[n]
	}
	for _, f := range o.Fields {
		where := f.Schema + "." + strings.TrimPrefix(f.Path+"."+f.Name, ".")
		if f.Def.Source == "" {
			return fmt.Errorf("overlay field %s has no source", where)
		}
		if strings.TrimSpace(f.Def.Description) == "" {
			return fmt.Errorf("overlay field %s has no description", where)
		}
		target, err := s.walkPath(f.Schema, f.Path)
		if err != nil {
			return fmt.Errorf("overlay field %s: %w", where, err)
		}
		owner, existing := s.findProp(target, f.Name)
		switch {
		case f.InSpec:
			if existing == nil {
				return fmt.Errorf("overlay field %s is marked in_spec but the spec lacks it", where)
			}
		case f.Replace:
			if existing == nil {
				return fmt.Errorf("overlay field %s replaces a property the spec lacks", where)
			}
			def := f.Def
			def.Retyped = true
			for i := range owner.Properties {
				if owner.Properties[i].Name == f.Name {
					owner.Properties[i].Schema = &def
				}
			}
		default:
			if existing != nil {
				return fmt.Errorf("overlay field %s already exists in the spec (mark it in_spec or replace)", where)
			}
			def := f.Def
			obj := s.objectPart(target)
			obj.Properties = append(obj.Properties, Prop{Name: f.Name, Schema: &def})
		}
	}
	for _, e := range o.Enums {
		if err := s.addEnumValues(e); err != nil {
			return err
		}
	}
	for _, a := range o.Aliases {
		where := a.Schema + "." + a.Name
		if a.Source == "" || a.Alias == "" {
			return fmt.Errorf("overlay alias %s needs an alias and a source", where)
		}
		sc, ok := s.Components.Schemas[a.Schema]
		if !ok {
			return fmt.Errorf("overlay alias %s: no schema %s", where, a.Schema)
		}
		if _, p := s.findProp(sc, a.Name); p == nil {
			return fmt.Errorf("overlay alias %s: no property %s", where, a.Name)
		}
		if _, p := s.findProp(sc, a.Alias); p != nil {
			return fmt.Errorf("overlay alias %s: %s is a property of its own", where, a.Alias)
		}
		if s.aliases == nil {
			s.aliases = map[string][]*OverlayAlias{}
		}
		s.aliases[a.Schema] = append(s.aliases[a.Schema], a)
	}
	return nil
}

// addEnumValues appends an overlay's values to a spec enum. A value the spec
// already has is an error, so that the overlay shrinks as the spec catches up.
func (s *Spec) addEnumValues(e *OverlayEnum) error {
	where := strings.TrimSuffix(e.Schema+"."+e.Path, ".")
	if e.Source == "" {
		return fmt.Errorf("overlay enum %s has no source", where)
	}
	if len(e.Values) == 0 {
		return fmt.Errorf("overlay enum %s adds no values", where)
	}
	target, err := s.walkPath(e.Schema, e.Path)
	if err != nil {
		return fmt.Errorf("overlay enum %s: %w", where, err)
	}
	if target.Type != "string" || len(target.Enum) == 0 {
		return fmt.Errorf("overlay enum %s: not a string enum of the spec", where)
	}
	for _, v := range e.Values {
		if strings.TrimSpace(v.Description) == "" {
			return fmt.Errorf("overlay enum %s value %s has no description", where, v.Value)
		}
		for _, have := range target.Enum {
			if have == v.Value {
				return fmt.Errorf("overlay enum %s: the spec already has %s", where, v.Value)
			}
		}
		target.Enum = append(target.Enum, v.Value)
		if target.AddedValueDocs == nil {
			target.AddedValueDocs = map[string]string{}
		}
		target.AddedValueDocs[v.Value] = strings.TrimSpace(v.Description) + "\n\nNot in the OpenAPI spec; source: " + e.Source + "."
	}
	return nil
}

// deref follows $ref chains.
func (s *Spec) deref(sc *Schema) *Schema {
	for sc != nil && sc.Ref != "" {
		n := refName(sc.Ref)
		next, ok := s.Components.Schemas[n]
		if !ok {
			panic("unknown schema " + sc.Ref)
		}
		sc = next
	}
	return sc
}

// findProp searches an object schema (through allOf parts and refs) for a
// property; it returns the schema that declares it and the property.
func (s *Spec) findProp(sc *Schema, name string) (*Schema, *Schema) {
	sc = s.deref(sc)
	if sc == nil {
		return nil, nil
	}
	var owner, found *Schema
	if p := sc.Properties.Get(name); p != nil {
		owner, found = sc, p
	}
	for _, part := range sc.AllOf {
		if o, p := s.findProp(part, name); p != nil {
			owner, found = o, p // the last part wins, as in the merge
		}
	}
	return owner, found
}

// objectPart is the schema new properties are appended to: the schema
// itself, or its last inline allOf part.
func (s *Spec) objectPart(sc *Schema) *Schema {
	sc = s.deref(sc)
	if len(sc.AllOf) == 0 {
		return sc
	}
	for i := len(sc.AllOf) - 1; i >= 0; i-- {
		if sc.AllOf[i].Ref == "" && (sc.AllOf[i].Type == "object" || len(sc.AllOf[i].Properties) > 0) {
			return sc.AllOf[i]
		}
	}
	part := &Schema{Type: "object"}
	sc.AllOf = append(sc.AllOf, part)
	return part
}

// walkPath follows a dotted property path from a named schema, stepping
// through refs, allOf and array items.
func (s *Spec) walkPath(schema, path string) (*Schema, error) {
	cur, ok := s.Components.Schemas[schema]
	if !ok {
		return nil, fmt.Errorf("no schema %s", schema)
	}
	if path == "" {
		return cur, nil
	}
	for _, seg := range strings.Split(path, ".") {
		_, p := s.findProp(cur, seg)
		if p == nil {
			return nil, fmt.Errorf("no property %s", seg)
		}
		p = s.singleRef(p)
		p = s.deref(p)
		for p.Type == "array" && p.Items != nil {
			p = s.deref(p.Items)
		}
		cur = p
	}
	return cur, nil
}

// singleRef unwraps `allOf: [$ref, {description}, ...]` into the ref.
func (s *Spec) singleRef(sc *Schema) *Schema {
	if sc == nil || len(sc.AllOf) == 0 || len(sc.Properties) > 0 || sc.Type != "" {
		return sc
	}
	var ref *Schema
	for _, part := range sc.AllOf {
		switch {
		case part.Ref != "":
			if ref != nil {
				return sc
			}
			ref = part
		case len(part.Properties) > 0 || part.Type != "" || len(part.AllOf) > 0 || part.Items != nil:
			return sc
		}
	}
	if ref == nil {
		return sc
	}
	return ref
}
