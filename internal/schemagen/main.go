// Command schemagen writes internal/apischema/schemas.gen.go: the request
// schemas of testdata/digitalocean-v2-subset.yaml and
// testdata/live-api-overlay.yaml, with the live-API fields and enum values
// of internal/specgen/overlay.yaml and the adjustments of liveAPI applied.
// Run it with `go generate` in the module root.
package main

import (
	"bytes"
	"flag"
	"fmt"
	"go/format"
	"log"
	"maps"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"

	"github.com/oceankit/digitalocean/internal/apischema"
	"github.com/oceankit/digitalocean/internal/oasdoc"
	"go.yaml.in/yaml/v3"
)

func main() {
	subset := flag.String("subset", oasdoc.SubsetPath, "the OpenAPI subset")
	live := flag.String("overlay", oasdoc.LiveOverlayPath, "the live-API operations overlay")
	fields := flag.String("fields", oasdoc.FieldOverlayPath, "the live-API fields and enum values")
	out := flag.String("out", "internal/apischema/schemas.gen.go", "the file to write")
	flag.Parse()
	src, err := generate(*subset, *live, *fields)
	if err != nil {
		log.Fatalf("schemagen: %v", err)
	}
	if err := os.WriteFile(*out, src, 0o644); err != nil {
		log.Fatalf("schemagen: %v", err)
	}
}

// generate returns the formatted Go source of the table.
func generate(subsetPath, livePath, fieldsPath string) ([]byte, error) {
	m, err := load(subsetPath, livePath, fieldsPath)
	if err != nil {
		return nil, err
	}
	c := &converter{m: m, out: map[string]*apischema.Schema{}}
	ops := map[string]apischema.Operation{}
	for id, op := range m.ops {
		o := apischema.Operation{BodyRequired: op.required}
		for _, p := range op.params {
			ps, err := c.convert(paramSchema(p.Schema), 0)
			if err != nil {
				return nil, fmt.Errorf("operation %s, parameter %s: %w", id, p.Name, err)
			}
			o.Parameters = append(o.Parameters, apischema.Parameter{Name: p.Name, In: p.In, Required: p.Required, Schema: ps})
		}
		if op.body != nil {
			if o.Body, err = c.convert(op.body, 0); err != nil {
				return nil, fmt.Errorf("operation %s: %w", id, err)
			}
		}
		ops[id] = o
	}
	// AppSpec.Validate starts at app_spec whatever the operations hold.
	c.need("app_spec")
	if err := c.drain(); err != nil {
		return nil, err
	}
	return emit(c.out, ops)
}

func load(subsetPath, livePath, fieldsPath string) (*model, error) {
	m := &model{schemas: map[string]*raw{}, ops: map[string]*operation{}, params: map[string]map[string]*parameter{}}
	for _, path := range []string{subsetPath, livePath} {
		var d document
		if err := oasdoc.ReadYAML(path, &d, false); err != nil {
			return nil, err
		}
		for n, s := range d.Components.Schemas {
			if _, dup := m.schemas[n]; dup {
				return nil, fmt.Errorf("%s: schema %s is already defined", path, n)
			}
			m.schemas[n] = s
		}
		m.params[filepath.Base(path)] = d.Components.Parameters
		if err := m.addOperations(&d, path); err != nil {
			return nil, err
		}
		if err := m.addParameterAdditions(&d, path); err != nil {
			return nil, err
		}
	}
	// Not strict: raw has only the keywords the validator uses.
	o, err := oasdoc.ReadOverlay[raw](fieldsPath, false)
	if err != nil {
		return nil, err
	}
	if err := m.applyOverlay(o); err != nil {
		return nil, err
	}
	if err := m.liveAPI(); err != nil {
		return nil, err
	}
	return m, nil
}

// liveAPI applies what the live API accepts beyond the documents (each
// with its source; docs/validation.md lists them).
func (m *model) liveAPI() error {
	// testdata/live-api-behaviour.md, "Spec erratum": apps_vpc is readOnly
	// in the subset, yet clients send spec.vpc {id} and the API takes it.
	vpc, found := m.schemas["apps_vpc"]
	if !found || !vpc.ReadOnly {
		return fmt.Errorf("live API: the apps_vpc readOnly erratum is gone; drop its adjustment")
	}
	vpc.ReadOnly = false

	// testdata/live-api-fields.md: preserve_path_prefix is a string in the
	// spec, a boolean on the live API; accept both.
	rc, err := m.walkPath("app_ingress_spec_rule_routing_component", "")
	if err != nil {
		return fmt.Errorf("live API: %w", err)
	}
	_, ppp, err := m.findProp(rc, "preserve_path_prefix")
	if err != nil || ppp == nil {
		return fmt.Errorf("live API: no preserve_path_prefix in app_ingress_spec_rule_routing_component")
	}
	ppp.Type, ppp.liveTypes = "", []string{"boolean", "string"}

	// testdata/live-api-fields.md: the live API matches a path by exact
	// and an authority by prefix too (added by the overlay), so the one key
	// each match object requires in the subset becomes one of two: an
	// anyOf of two alternatives, each requiring one key. The requirement
	// itself stays: live-api-behaviour.md fact 33, `authority: {}` is
	// refused (400). Each alternative says whether its key is nullable, so
	// that "" counts as set (fact 11), and allows any other key; the
	// key's own constraints stay on the match object.
	for name, keys := range map[string][2]string{
		"app_ingress_spec_rule_string_match_prefix": {"prefix", "exact"},
		"app_ingress_spec_rule_string_match_exact":  {"exact", "prefix"},
	} {
		match, found := m.schemas[name]
		if !found || !slices.Contains(match.Required, keys[0]) || len(match.AnyOf) > 0 {
			return fmt.Errorf("live API: %s does not require %s alone", name, keys[0])
		}
		match.Required = slices.DeleteFunc(slices.Clone(match.Required), func(r string) bool { return r == keys[0] })
		for _, key := range keys {
			p := match.Properties.Get(key)
			if p == nil {
				return fmt.Errorf("live API: %s has no property %s", name, key)
			}
			match.AnyOf = append(match.AnyOf, &raw{
				Properties:           props{{Name: key, Schema: &raw{Nullable: p.Nullable}}},
				AdditionalProperties: &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!bool", Value: "true"},
				Required:             []string{key},
			})
		}
	}

	// Subset erratum: app_log_destination_logtail_spec requires an
	// "endpoint" it does not define (its only property is token; godo's
	// Logtail type has only Token). A required key with no property is
	// otherwise an error of the generator (see convert).
	logtail, found := m.schemas["app_log_destination_logtail_spec"]
	if !found || !slices.Contains(logtail.Required, "endpoint") || logtail.Properties.Get("endpoint") != nil {
		return fmt.Errorf("live API: the logtail erratum is gone; drop its adjustment")
	}
	logtail.Required = slices.DeleteFunc(slices.Clone(logtail.Required), func(r string) bool { return r == "endpoint" })

	// testdata/live-api-overlay.yaml, apps_toggle_database_trusted_source:
	// godo sends {"Enable": ...} (no JSON tag); a fake accepts both keys.
	toggle, found := m.schemas["apps_toggle_database_trusted_source_request"]
	if !found {
		return fmt.Errorf("live API: no schema apps_toggle_database_trusted_source_request")
	}
	if toggle.Properties.Get("Enable") == nil {
		toggle.Properties = append(toggle.Properties, prop{Name: "Enable", Schema: &raw{Type: "boolean"}})
	}
	return nil
}

// decimalInteger is what a string parameter of format int64 holds on the
// wire: a plain decimal integer, possibly negative (the proto3 JSON form of
// an int64; live-api-overlay.yaml, tail_lines).
const decimalInteger = `^-?[0-9]+$`

// paramSchema is a parameter's schema with format int64 on a string turned
// into the pattern it implies; the request bodies' formats stay unchecked.
func paramSchema(s *raw) *raw {
	if s.Type == "string" && s.Format == "int64" && s.Pattern == "" {
		c := *s
		c.Pattern = decimalInteger
		return &c
	}
	return s
}

// converter turns document schemas into table schemas; named schemas are
// converted once, from a worklist, so that recursion ends.
type converter struct {
	m       *model
	out     map[string]*apischema.Schema
	pending []string
}

func (c *converter) need(name string) {
	if _, done := c.out[name]; done {
		return
	}
	c.out[name] = nil // reserved
	c.pending = append(c.pending, name)
}

func (c *converter) drain() error {
	for len(c.pending) > 0 {
		name := c.pending[0]
		c.pending = c.pending[1:]
		s, found := c.m.schemas[name]
		if !found {
			return fmt.Errorf("unknown schema %s", name)
		}
		conv, err := c.convert(s, 0)
		if err != nil {
			return fmt.Errorf("schema %s: %w", name, err)
		}
		if conv.Ref != "" { // a named alias of another schema
			conv = &apischema.Schema{Ref: conv.Ref, ReadOnly: conv.ReadOnly, Nullable: conv.Nullable}
		}
		c.out[name] = conv
	}
	return nil
}

func (c *converter) convert(s *raw, depth int) (*apischema.Schema, error) {
	if depth > 64 {
		return nil, fmt.Errorf("schema nested too deep")
	}
	if s.Ref != "" {
		name, err := refName(s.Ref)
		if err != nil {
			return nil, err
		}
		if _, found := c.m.schemas[name]; !found {
			return nil, fmt.Errorf("unknown schema %s", s.Ref)
		}
		c.need(name)
		return &apischema.Schema{Ref: name, ReadOnly: s.ReadOnly, Nullable: s.Nullable}, nil
	}
	if ref := singleRef(s); ref != nil {
		out, err := c.convert(ref, depth+1)
		if err != nil {
			return nil, err
		}
		for _, part := range s.AllOf {
			out.ReadOnly = out.ReadOnly || part.ReadOnly
			out.Nullable = out.Nullable || part.Nullable
		}
		out.ReadOnly, out.Nullable = out.ReadOnly || s.ReadOnly, out.Nullable || s.Nullable
		return out, nil
	}
	if len(s.AllOf) > 0 {
		flat, err := c.m.flatten(s, 0)
		if err != nil {
			return nil, err
		}
		s = flat
	}
	out := &apischema.Schema{
		Enum: s.Enum, Pattern: s.Pattern, ReadOnly: s.ReadOnly, Nullable: s.Nullable,
		ExclusiveMinimum: s.ExclusiveMinimum, ExclusiveMaximum: s.ExclusiveMaximum,
	}
	if s.Pattern != "" {
		if _, err := regexp.Compile(s.Pattern); err != nil {
			return nil, fmt.Errorf("pattern %q: %w", s.Pattern, err)
		}
	}
	types := s.liveTypes
	if s.Type != "" {
		types = []string{s.Type}
	}
	for _, t := range types {
		bit, known := typeBits[t]
		if !known {
			return nil, fmt.Errorf("unknown type %q", t)
		}
		out.Types |= bit
	}
	if out.Types == 0 && len(s.Properties) > 0 {
		out.Types = apischema.TypeObject
	}
	if out.Types == 0 && s.Items != nil {
		out.Types = apischema.TypeArray
	}
	setInt(&out.MinLength, s.MinLength)
	setInt(&out.MaxLength, s.MaxLength)
	setInt(&out.MinItems, s.MinItems)
	setInt(&out.MaxItems, s.MaxItems)
	if s.Minimum != nil {
		out.Minimum, out.HasMinimum = *s.Minimum, true
	}
	if s.Maximum != nil {
		out.Maximum, out.HasMaximum = *s.Maximum, true
	}
	for _, r := range s.Required {
		if s.Properties.Get(r) == nil && len(s.Properties) > 0 {
			return nil, fmt.Errorf("required property %s is not defined", r)
		}
		out.Required = append(out.Required, r)
	}
	if len(s.Properties) > 0 {
		out.Properties = make(map[string]*apischema.Schema, len(s.Properties))
		for _, p := range s.Properties {
			ps, err := c.convert(p.Schema, depth+1)
			if err != nil {
				return nil, fmt.Errorf("property %s: %w", p.Name, err)
			}
			out.Properties[p.Name] = ps
		}
	}
	if s.Items != nil {
		items, err := c.convert(s.Items, depth+1)
		if err != nil {
			return nil, fmt.Errorf("items: %w", err)
		}
		out.Items = items
	}
	if ap := s.AdditionalProperties; ap != nil && ap.Kind == yaml.MappingNode {
		var as raw
		if err := ap.Decode(&as); err != nil {
			return nil, err
		}
		conv, err := c.convert(&as, depth+1)
		if err != nil {
			return nil, fmt.Errorf("additionalProperties: %w", err)
		}
		out.AdditionalProperties = conv
	} else if ap != nil && ap.Value == "true" {
		out.AdditionalProperties = &apischema.Schema{}
	}
	alts := append(append([]*raw(nil), s.OneOf...), s.AnyOf...)
	if err := c.alternatives(out, alts, depth); err != nil {
		return nil, err
	}
	return out, nil
}

// alternatives converts oneOf/anyOf. Alternatives that are all string
// enums become one enum (the size slugs); an alternative that constrains
// nothing makes the whole choice free.
func (c *converter) alternatives(out *apischema.Schema, alts []*raw, depth int) error {
	if len(alts) == 0 {
		return nil
	}
	allEnums := true
	var union []string
	for _, a := range alts {
		d, err := c.m.deref(a)
		if err != nil {
			return err
		}
		if !structural(d) {
			return nil
		}
		if d.Type != "string" || len(d.Enum) == 0 || d.Pattern != "" || d.MinLength != nil || d.MaxLength != nil {
			allEnums = false
		}
		for _, v := range d.Enum {
			if !slices.Contains(union, v) {
				union = append(union, v)
			}
		}
	}
	if allEnums {
		out.Types |= apischema.TypeString
		out.Enum = union
		return nil
	}
	for _, a := range alts {
		conv, err := c.convert(a, depth+1)
		if err != nil {
			return err
		}
		out.AnyOf = append(out.AnyOf, conv)
	}
	return nil
}

func setInt(dst *int, v *int) {
	if v != nil {
		*dst = *v
	}
}

var typeBits = map[string]apischema.Type{
	"object":  apischema.TypeObject,
	"array":   apischema.TypeArray,
	"string":  apischema.TypeString,
	"integer": apischema.TypeInteger,
	"number":  apischema.TypeNumber,
	"boolean": apischema.TypeBoolean,
}

// flatten merges allOf parts (refs inlined) into one schema; later parts
// win for single-valued keywords, properties declared twice are merged.
func (m *model) flatten(s *raw, depth int) (*raw, error) {
	if depth > 16 {
		return nil, fmt.Errorf("allOf nested too deep")
	}
	out := *s
	out.AllOf = nil
	out.Properties = append(props(nil), s.Properties...)
	for _, part := range s.AllOf {
		p, err := m.deref(part)
		if err != nil {
			return nil, err
		}
		if len(p.AllOf) > 0 {
			if p, err = m.flatten(p, depth+1); err != nil {
				return nil, err
			}
		}
		mergeInto(&out, p)
	}
	return &out, nil
}

func mergeInto(dst, src *raw) {
	if src.Type != "" {
		dst.Type = src.Type
	}
	if src.liveTypes != nil {
		dst.liveTypes = src.liveTypes
	}
	if src.Enum != nil {
		dst.Enum = src.Enum
	}
	if src.Pattern != "" {
		dst.Pattern = src.Pattern
	}
	for _, pair := range [][2]**int{{&dst.MinLength, &src.MinLength}, {&dst.MaxLength, &src.MaxLength},
		{&dst.MinItems, &src.MinItems}, {&dst.MaxItems, &src.MaxItems}} {
		if *pair[1] != nil {
			*pair[0] = *pair[1]
		}
	}
	if src.Minimum != nil {
		dst.Minimum, dst.ExclusiveMinimum = src.Minimum, src.ExclusiveMinimum
	}
	if src.Maximum != nil {
		dst.Maximum, dst.ExclusiveMaximum = src.Maximum, src.ExclusiveMaximum
	}
	dst.ReadOnly = dst.ReadOnly || src.ReadOnly
	dst.Nullable = dst.Nullable || src.Nullable
	for _, r := range src.Required {
		if !slices.Contains(dst.Required, r) {
			dst.Required = append(dst.Required, r)
		}
	}
	switch {
	case src.Items != nil && dst.Items != nil:
		dst.Items = &raw{AllOf: []*raw{dst.Items, src.Items}}
	case src.Items != nil:
		dst.Items = src.Items
	}
	for _, p := range src.Properties {
		merged := false
		for i := range dst.Properties {
			if dst.Properties[i].Name == p.Name {
				dst.Properties[i].Schema = &raw{AllOf: []*raw{dst.Properties[i].Schema, p.Schema}}
				merged = true
			}
		}
		if !merged {
			dst.Properties = append(dst.Properties, p)
		}
	}
	dst.OneOf = append(dst.OneOf, src.OneOf...)
	dst.AnyOf = append(dst.AnyOf, src.AnyOf...)
	if src.AdditionalProperties != nil {
		dst.AdditionalProperties = src.AdditionalProperties
	}
}

// emit writes the table as Go source.
func emit(schemas map[string]*apischema.Schema, ops map[string]apischema.Operation) ([]byte, error) {
	var b bytes.Buffer
	fmt.Fprintf(&b, "// Code generated by internal/schemagen from %s,\n// %s and %s. DO NOT EDIT.\n\n",
		oasdoc.SubsetPath, oasdoc.LiveOverlayPath, oasdoc.FieldOverlayPath)
	b.WriteString("package apischema\n\n")
	b.WriteString("// buildSchemas returns the named schemas reachable from request bodies and app_spec.\n")
	b.WriteString("func buildSchemas() map[string]*Schema {\n\treturn map[string]*Schema{\n")
	for _, name := range slices.Sorted(maps.Keys(schemas)) {
		fmt.Fprintf(&b, "%q: %s,\n", name, literal(schemas[name], false))
	}
	b.WriteString("}\n}\n\n")
	b.WriteString("// buildOperations returns the parameters and request body of every operation.\n")
	b.WriteString("func buildOperations() map[string]Operation {\n\treturn map[string]Operation{\n")
	for _, id := range slices.Sorted(maps.Keys(ops)) {
		op := ops[id]
		var fields []string
		if len(op.Parameters) > 0 {
			var ps []string
			for _, p := range op.Parameters {
				f := fmt.Sprintf("Name: %q, In: %q", p.Name, p.In)
				if p.Required {
					f += ", Required: true"
				}
				ps = append(ps, "{"+f+", Schema: "+literal(p.Schema, true)+"}")
			}
			fields = append(fields, "Parameters: []Parameter{\n"+strings.Join(ps, ",\n")+",\n}")
		}
		if op.Body != nil {
			fields = append(fields, "Body: "+literal(op.Body, true))
		}
		if op.BodyRequired {
			fields = append(fields, "BodyRequired: true")
		}
		fmt.Fprintf(&b, "%q: {%s},\n", id, strings.Join(fields, ", "))
	}
	b.WriteString("}\n}\n")
	return format.Source(b.Bytes())
}

// literal writes a schema as a composite literal; pointer says whether the
// context needs &Schema (elements of map[string]*Schema elide it).
func literal(s *apischema.Schema, pointer bool) string {
	var f []string
	add := func(format string, args ...any) { f = append(f, fmt.Sprintf(format, args...)) }
	if s.Ref != "" {
		add("Ref: %q", s.Ref)
	}
	if s.Types != 0 {
		add("Types: %s", typeExpr(s.Types))
	}
	if len(s.Properties) > 0 {
		var ps []string
		for _, k := range slices.Sorted(maps.Keys(s.Properties)) {
			ps = append(ps, fmt.Sprintf("%q: %s", k, literal(s.Properties[k], false)))
		}
		add("Properties: map[string]*Schema{\n%s,\n}", strings.Join(ps, ",\n"))
	}
	if len(s.Required) > 0 {
		add("Required: %s", stringSlice(s.Required))
	}
	if s.AdditionalProperties != nil {
		add("AdditionalProperties: %s", literal(s.AdditionalProperties, true))
	}
	if s.Items != nil {
		add("Items: %s", literal(s.Items, true))
	}
	if len(s.AnyOf) > 0 {
		var as []string
		for _, a := range s.AnyOf {
			as = append(as, literal(a, false))
		}
		add("AnyOf: []*Schema{%s}", strings.Join(as, ", "))
	}
	if len(s.Enum) > 0 {
		add("Enum: %s", stringSlice(s.Enum))
	}
	if s.Pattern != "" {
		add("Pattern: %s", strconv.Quote(s.Pattern))
	}
	for _, kv := range []struct {
		name string
		v    int
	}{{"MinLength", s.MinLength}, {"MaxLength", s.MaxLength}, {"MinItems", s.MinItems}, {"MaxItems", s.MaxItems}} {
		if kv.v != 0 {
			add("%s: %d", kv.name, kv.v)
		}
	}
	if s.HasMinimum {
		add("Minimum: %s, HasMinimum: true", strconv.FormatFloat(s.Minimum, 'g', -1, 64))
	}
	if s.HasMaximum {
		add("Maximum: %s, HasMaximum: true", strconv.FormatFloat(s.Maximum, 'g', -1, 64))
	}
	for _, kv := range []struct {
		name string
		v    bool
	}{{"ExclusiveMinimum", s.ExclusiveMinimum}, {"ExclusiveMaximum", s.ExclusiveMaximum},
		{"ReadOnly", s.ReadOnly}, {"Nullable", s.Nullable}} {
		if kv.v {
			add("%s: true", kv.name)
		}
	}
	body := "{" + strings.Join(f, ", ") + "}"
	if pointer {
		return "&Schema" + body
	}
	return body
}

func typeExpr(t apischema.Type) string {
	names := []struct {
		bit  apischema.Type
		name string
	}{{apischema.TypeObject, "TypeObject"}, {apischema.TypeArray, "TypeArray"}, {apischema.TypeString, "TypeString"},
		{apischema.TypeInteger, "TypeInteger"}, {apischema.TypeNumber, "TypeNumber"}, {apischema.TypeBoolean, "TypeBoolean"}}
	var parts []string
	for _, n := range names {
		if t&n.bit != 0 {
			parts = append(parts, n.name)
		}
	}
	return strings.Join(parts, " | ")
}

func stringSlice(list []string) string {
	q := make([]string, len(list))
	for i, v := range list {
		q[i] = strconv.Quote(v)
	}
	return "[]string{" + strings.Join(q, ", ") + "}"
}
