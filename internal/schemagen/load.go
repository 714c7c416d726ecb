package main

import (
	"fmt"
	"maps"
	"path/filepath"
	"slices"
	"strings"

	"github.com/oceankit/digitalocean/internal/oasdoc"
	"go.yaml.in/yaml/v3"
)

// raw is an OpenAPI 3.0 schema object as written in the documents, with the
// keywords the request validator uses. Properties keep document order.
type raw struct {
	Ref                  string     `yaml:"$ref"`
	Type                 string     `yaml:"type"`
	Format               string     `yaml:"format"`
	Enum                 []string   `yaml:"enum"`
	Pattern              string     `yaml:"pattern"`
	MinLength            *int       `yaml:"minLength"`
	MaxLength            *int       `yaml:"maxLength"`
	Minimum              *float64   `yaml:"minimum"`
	Maximum              *float64   `yaml:"maximum"`
	ExclusiveMinimum     bool       `yaml:"exclusiveMinimum"`
	ExclusiveMaximum     bool       `yaml:"exclusiveMaximum"`
	MinItems             *int       `yaml:"minItems"`
	MaxItems             *int       `yaml:"maxItems"`
	ReadOnly             bool       `yaml:"readOnly"`
	Nullable             bool       `yaml:"nullable"`
	Required             []string   `yaml:"required"`
	Properties           props      `yaml:"properties"`
	Items                *raw       `yaml:"items"`
	AllOf                []*raw     `yaml:"allOf"`
	OneOf                []*raw     `yaml:"oneOf"`
	AnyOf                []*raw     `yaml:"anyOf"`
	AdditionalProperties *yaml.Node `yaml:"additionalProperties"`

	// liveTypes replaces Type with several JSON types the live API accepts
	// (set by the live-API adjustments, never read from a document).
	liveTypes []string
}

// prop is one named property; props keeps their document order.
type (
	prop  = oasdoc.Prop[raw]
	props = oasdoc.Props[raw]
)

// document is the part of an OpenAPI document the generator reads.
type document struct {
	Paths      map[string]map[string]yaml.Node `yaml:"paths"`
	Components struct {
		Schemas    map[string]*raw       `yaml:"schemas"`
		Parameters map[string]*parameter `yaml:"parameters"`
	} `yaml:"components"`
	// ParameterAdditions are live-api-overlay.yaml's query parameters for
	// operations of the subset.
	ParameterAdditions []struct {
		OperationID string       `yaml:"operationId"`
		Method      string       `yaml:"method"`
		Path        string       `yaml:"path"`
		Parameters  []*parameter `yaml:"parameters"`
	} `yaml:"x-parameter-additions"`
}

// parameter is an OpenAPI parameter object or a $ref to one.
type parameter struct {
	Ref      string `yaml:"$ref"`
	Name     string `yaml:"name"`
	In       string `yaml:"in"`
	Required bool   `yaml:"required"`
	Schema   *raw   `yaml:"schema"`
}

type operationDoc struct {
	OperationID string       `yaml:"operationId"`
	Parameters  []*parameter `yaml:"parameters"`
	RequestBody *struct {
		Required bool `yaml:"required"`
		Content  map[string]struct {
			Schema *raw `yaml:"schema"`
		} `yaml:"content"`
	} `yaml:"requestBody"`
}

// operation is one operation's request: parameters and body.
type operation struct {
	id           string
	method, path string
	params       []*parameter // resolved, path and query only
	body         *raw
	required     bool
	source       string
}

// model holds every schema of subset + overlays in one namespace (the
// overlay's own names do not collide with the subset's), the operations,
// and each document's named parameters (by document file name, as $refs
// name them).
type model struct {
	schemas map[string]*raw
	ops     map[string]*operation
	params  map[string]map[string]*parameter
}

var methods = []string{"get", "put", "post", "delete", "patch", "head", "options"}

func (m *model) addOperations(d *document, source string) error {
	for _, p := range slices.Sorted(maps.Keys(d.Paths)) {
		item := d.Paths[p]
		var shared []*parameter // path-item parameters, common to its operations
		if node, found := item["parameters"]; found {
			if err := node.Decode(&shared); err != nil {
				return fmt.Errorf("%s %s parameters: %w", source, p, err)
			}
		}
		for _, method := range methods {
			node, found := item[method]
			if !found {
				continue
			}
			var op operationDoc
			if err := node.Decode(&op); err != nil {
				return fmt.Errorf("%s %s %s: %w", source, method, p, err)
			}
			if op.OperationID == "" {
				return fmt.Errorf("%s %s %s: no operationId", source, method, p)
			}
			if _, dup := m.ops[op.OperationID]; dup {
				return fmt.Errorf("%s: operation %s defined twice", source, op.OperationID)
			}
			o := &operation{id: op.OperationID, method: method, path: p, source: source}
			for _, par := range append(append([]*parameter(nil), shared...), op.Parameters...) {
				if err := m.addParam(o, source, par); err != nil {
					return err
				}
			}
			if rb := op.RequestBody; rb != nil {
				media, found := rb.Content["application/json"]
				if !found || media.Schema == nil {
					return fmt.Errorf("%s: %s has a request body that is not application/json", source, op.OperationID)
				}
				o.body, o.required = media.Schema, rb.Required
			}
			m.ops[op.OperationID] = o
		}
	}
	return nil
}

// addParam resolves a parameter of a document and adds it to o when it is
// a path or query parameter; one named twice is an error.
func (m *model) addParam(o *operation, source string, p *parameter) error {
	resolved, err := m.resolveParam(source, p)
	if err != nil {
		return fmt.Errorf("%s: %s: %w", source, o.id, err)
	}
	if resolved.In != "path" && resolved.In != "query" {
		return nil // headers: the transport's business
	}
	if resolved.Name == "" || resolved.Schema == nil {
		return fmt.Errorf("%s: %s: a %s parameter without a name or a schema", source, o.id, resolved.In)
	}
	for _, have := range o.params {
		if have.Name == resolved.Name && have.In == resolved.In {
			return fmt.Errorf("%s: %s: %s parameter %s is already defined", source, o.id, resolved.In, resolved.Name)
		}
	}
	o.params = append(o.params, resolved)
	return nil
}

// resolveParam follows a parameter $ref ("#/components/parameters/X" in
// the same document, "./other.yaml#/components/parameters/X" in another).
func (m *model) resolveParam(source string, p *parameter) (*parameter, error) {
	if p.Ref == "" {
		return p, nil
	}
	file, frag, found := strings.Cut(p.Ref, "#")
	if !found || !strings.HasPrefix(frag, "/components/parameters/") {
		return nil, fmt.Errorf("unsupported parameter $ref %q", p.Ref)
	}
	doc := filepath.Base(source)
	if file != "" {
		doc = filepath.Base(file)
	}
	target, known := m.params[doc][strings.TrimPrefix(frag, "/components/parameters/")]
	if !known {
		return nil, fmt.Errorf("unknown parameter %s", p.Ref)
	}
	if target.Ref != "" {
		return nil, fmt.Errorf("parameter %s is itself a $ref", p.Ref)
	}
	return target, nil
}

// addParameterAdditions adds the overlay's x-parameter-additions to their
// operations, which must exist with the method and path the addition
// names; a parameter the documents already have is an error, so that a
// fixed subset drops its addition.
func (m *model) addParameterAdditions(d *document, source string) error {
	for _, a := range d.ParameterAdditions {
		o, found := m.ops[a.OperationID]
		if !found {
			return fmt.Errorf("%s: x-parameter-additions: unknown operation %s", source, a.OperationID)
		}
		if !strings.EqualFold(o.method, a.Method) || o.path != a.Path {
			return fmt.Errorf("%s: x-parameter-additions: %s is %s %s, not %s %s", source, a.OperationID,
				strings.ToUpper(o.method), o.path, a.Method, a.Path)
		}
		for _, p := range a.Parameters {
			if err := m.addParam(o, source, p); err != nil {
				return fmt.Errorf("x-parameter-additions: %w", err)
			}
		}
	}
	return nil
}

// refName turns "#/components/schemas/X" and
// "./digitalocean-v2-subset.yaml#/components/schemas/X" into X.
func refName(ref string) (string, error) {
	_, frag, found := strings.Cut(ref, "#")
	if !found || !strings.HasPrefix(frag, "/components/schemas/") {
		return "", fmt.Errorf("unsupported $ref %q", ref)
	}
	return strings.TrimPrefix(frag, "/components/schemas/"), nil
}

func (m *model) deref(s *raw) (*raw, error) {
	for depth := 0; s != nil && s.Ref != ""; depth++ {
		if depth > 32 {
			return nil, fmt.Errorf("$ref chain too long at %s", s.Ref)
		}
		name, err := refName(s.Ref)
		if err != nil {
			return nil, err
		}
		next, found := m.schemas[name]
		if !found {
			return nil, fmt.Errorf("unknown schema %s", s.Ref)
		}
		s = next
	}
	return s, nil
}

// findProp looks for a property through refs and allOf parts; the last
// declaring part wins, as in the merge.
func (m *model) findProp(s *raw, name string) (owner, found *raw, err error) {
	s, err = m.deref(s)
	if err != nil || s == nil {
		return nil, nil, err
	}
	if p := s.Properties.Get(name); p != nil {
		owner, found = s, p
	}
	for _, part := range s.AllOf {
		o, p, err := m.findProp(part, name)
		if err != nil {
			return nil, nil, err
		}
		if p != nil {
			owner, found = o, p
		}
	}
	return owner, found, nil
}

// objectPart is where new properties go: the schema or its last inline
// allOf object part.
func (m *model) objectPart(s *raw) (*raw, error) {
	s, err := m.deref(s)
	if err != nil {
		return nil, err
	}
	for i := len(s.AllOf) - 1; i >= 0; i-- {
		if part := s.AllOf[i]; part.Ref == "" && (part.Type == "object" || len(part.Properties) > 0) {
			return part, nil
		}
	}
	if len(s.AllOf) > 0 {
		part := &raw{Type: "object"}
		s.AllOf = append(s.AllOf, part)
		return part, nil
	}
	return s, nil
}

// walkPath follows a dotted property path from a named schema through
// refs, allOf parts, single-ref wrappers and array items.
func (m *model) walkPath(schema, path string) (*raw, error) {
	cur, found := m.schemas[schema]
	if !found {
		return nil, fmt.Errorf("no schema %s", schema)
	}
	if path == "" {
		return cur, nil
	}
	for _, seg := range strings.Split(path, ".") {
		_, p, err := m.findProp(cur, seg)
		if err != nil {
			return nil, err
		}
		if p == nil {
			return nil, fmt.Errorf("no property %s", seg)
		}
		if ref := singleRef(p); ref != nil {
			p = ref
		}
		if p, err = m.deref(p); err != nil {
			return nil, err
		}
		for p.Type == "array" && p.Items != nil {
			if p, err = m.deref(p.Items); err != nil {
				return nil, err
			}
		}
		cur = p
	}
	return cur, nil
}

// singleRef returns the $ref of `allOf: [$ref, {description...}]`, nil
// for any other schema.
func singleRef(s *raw) *raw {
	if s == nil || len(s.AllOf) == 0 || len(s.Properties) > 0 || s.Type != "" {
		return nil
	}
	var ref *raw
	for _, part := range s.AllOf {
		switch {
		case part.Ref != "":
			if ref != nil {
				return nil
			}
			ref = part
		case structural(part):
			return nil
		}
	}
	return ref
}

// structural reports whether a schema constrains values (as opposed to
// only describing them).
func structural(s *raw) bool {
	return s.Ref != "" || s.Type != "" || len(s.Properties) > 0 || len(s.AllOf) > 0 || len(s.OneOf) > 0 ||
		len(s.AnyOf) > 0 || s.Items != nil || len(s.Enum) > 0 || len(s.Required) > 0 || s.Pattern != "" ||
		s.MinLength != nil || s.MaxLength != nil || s.Minimum != nil || s.Maximum != nil ||
		s.MinItems != nil || s.MaxItems != nil || s.AdditionalProperties != nil
}

// applyOverlay adds the live-API schemas, fields and enum values of
// internal/specgen/overlay.yaml. A schema name the documents already define
// keeps the documents' definition.
func (m *model) applyOverlay(o *oasdoc.Overlay[raw]) error {
	for _, n := range slices.Sorted(maps.Keys(o.Schemas)) {
		if _, have := m.schemas[n]; !have {
			m.schemas[n] = o.Schemas[n]
		}
	}
	for _, f := range o.Fields {
		where := strings.TrimPrefix(f.Schema+"."+f.Path+"."+f.Name, ".")
		target, err := m.walkPath(f.Schema, f.Path)
		if err != nil {
			return fmt.Errorf("overlay field %s: %w", where, err)
		}
		owner, existing, err := m.findProp(target, f.Name)
		if err != nil {
			return fmt.Errorf("overlay field %s: %w", where, err)
		}
		def := f.Def
		switch {
		case f.InSpec:
			if existing == nil {
				return fmt.Errorf("overlay field %s is marked in_spec but the documents lack it", where)
			}
		case f.Replace:
			if existing == nil {
				return fmt.Errorf("overlay field %s replaces a property the documents lack", where)
			}
			for i := range owner.Properties {
				if owner.Properties[i].Name == f.Name {
					owner.Properties[i].Schema = &def
				}
			}
		case existing != nil:
			return fmt.Errorf("overlay field %s already exists in the documents", where)
		default:
			obj, err := m.objectPart(target)
			if err != nil {
				return err
			}
			obj.Properties = append(obj.Properties, prop{Name: f.Name, Schema: &def})
		}
	}
	for _, e := range o.Enums {
		target, err := m.walkPath(e.Schema, e.Path)
		if err != nil {
			return fmt.Errorf("overlay enum %s.%s: %w", e.Schema, e.Path, err)
		}
		if len(target.Enum) == 0 {
			return fmt.Errorf("overlay enum %s.%s: not an enum of the documents", e.Schema, e.Path)
		}
		for _, v := range e.Values {
			if !slices.Contains(target.Enum, v.Value) {
				target.Enum = append(target.Enum, v.Value)
			}
		}
	}
	return nil
}
