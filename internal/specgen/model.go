package main

import (
	"fmt"
	"regexp"
	"sort"
	"strings"
)

type goField struct {
	Name       string
	JSON       string
	Type       string
	Doc        string
	Source     string
	Retyped    bool // Source explains a type that differs from the spec's
	Deprecated bool
}

type goStruct struct {
	Name     string
	Doc      string
	Source   string
	Origins  []string
	Fields   []*goField
	Preserve bool // keeps unknown JSON keys (reachable from AppSpec)
	Aliases  []fieldAlias
}

// fieldAlias is a second JSON spelling that decoding accepts for a field.
type fieldAlias struct {
	Field  *goField
	JSON   string
	Source string
}

func (s *goStruct) field(json string) *goField {
	for _, f := range s.Fields {
		if f.JSON == json {
			return f
		}
	}
	return nil
}

func (s *goStruct) hasTime() bool {
	for _, f := range s.Fields {
		if f.Type == "time.Time" {
			return true
		}
	}
	return false
}

type goEnum struct {
	Name       string
	Doc        string
	Source     string
	Origins    []string
	Values     []string
	ValueDocs  map[string]string
	Deprecated map[string]bool
}

// envelope records a response wrapper that is not exported.
type envelope struct {
	Origin  string
	Prop    string
	Payload string
	Extra   []string // links/meta
	Ops     []string // the operations that answer with it
}

// root is a request or response type of an operation.
type root struct {
	OperationID string
	Kind        string // "request" or "response"
	Type        string
	Envelope    string // JSON key of the payload when the body is an envelope
}

type model struct {
	spec      *Spec
	structs   map[string]*goStruct
	enums     map[string]*goEnum
	prims     map[string]string // named primitive schemas → Go type
	envelopes []envelope
	roots     []root
	seen      map[string]string // origin → Go name
	errs      []string
}

func newModel(s *Spec) *model {
	return &model{
		spec:    s,
		structs: map[string]*goStruct{},
		enums:   map[string]*goEnum{},
		prims:   map[string]string{},
		seen:    map[string]string{},
	}
}

func (m *model) errorf(format string, args ...any) {
	m.errs = append(m.errs, fmt.Sprintf(format, args...))
}

func isObject(sc *Schema) bool {
	return sc.Type == "object" || len(sc.Properties) > 0 || len(sc.AllOf) > 0
}

// build walks every operation tagged Apps.
func (m *model) build() error {
	for _, op := range m.spec.Operations {
		if !hasTag(op, "Apps") {
			continue
		}
		for _, p := range op.Parameters {
			pp, comp := m.spec.parameter(p)
			sc := pp.Schema
			if sc == nil {
				continue
			}
			item := sc
			if sc.Type == "array" && sc.Items != nil {
				item = sc.Items
			}
			if item.Ref != "" || (len(item.Enum) == 0 && !isObject(item)) {
				continue
			}
			key := "param:" + comp
			if comp == "" {
				key = "param:" + op.OperationID + "." + pp.Name
			}
			name, ok := schemaNames[key]
			if !ok {
				m.errorf("no Go name for enum/object parameter %s (add %q to schemaNames)", pp.Name, key)
				continue
			}
			if item.Description == "" {
				cp := *item
				cp.Description = pp.Description
				item = &cp
			}
			m.typeOf(item, name, key, true)
		}
		if op.RequestBody != nil {
			if mt, ok := op.RequestBody.Content["application/json"]; ok && mt.Schema != nil {
				t := m.typeOf(mt.Schema, "", "", false)
				m.roots = append(m.roots, root{OperationID: op.OperationID, Kind: "request", Type: strings.TrimPrefix(t, "*")})
			}
		}
		codes := make([]string, 0, len(op.Responses))
		for c := range op.Responses {
			codes = append(codes, c)
		}
		sort.Strings(codes)
		for _, code := range codes {
			if !strings.HasPrefix(code, "2") {
				continue
			}
			ref := op.Responses[code].Ref
			resp := m.spec.response(op.Responses[code])
			mt, ok := resp.Content["application/json"]
			if !ok || mt.Schema == nil {
				continue
			}
			respName := strings.TrimPrefix(ref, "#/components/responses/")
			r := root{OperationID: op.OperationID, Kind: "response"}
			sc := mt.Schema
			origin := "response:" + respName
			if sc.Ref != "" {
				origin = refName(sc.Ref)
			}
			if prop, payload, extra, ok := m.envelopeOf(sc); ok {
				t := m.typeOf(payload, "", "", false)
				r.Type, r.Envelope = strings.TrimLeft(t, "[]*"), prop
				if strings.HasPrefix(t, "[]") {
					r.Envelope = prop + "[]"
				}
				m.addEnvelope(envelope{Origin: origin, Prop: prop, Payload: t, Extra: extra, Ops: []string{op.OperationID}})
			} else if sc.Ref != "" {
				r.Type = strings.TrimPrefix(m.typeOf(sc, "", "", false), "*")
			} else {
				name, ok := schemaNames[origin]
				if !ok {
					m.errorf("no Go name for inline response schema %s", origin)
					continue
				}
				r.Type = strings.TrimPrefix(m.typeOf(sc, name, origin, true), "*")
			}
			m.roots = append(m.roots, r)
		}
	}
	m.markPreserved()
	if len(m.errs) > 0 {
		sort.Strings(m.errs)
		return fmt.Errorf("specgen:\n  %s", strings.Join(m.errs, "\n  "))
	}
	return nil
}

func (m *model) addEnvelope(e envelope) {
	for i, x := range m.envelopes {
		if x.Origin == e.Origin {
			m.envelopes[i].Ops = appendOrigin(x.Ops, e.Ops[0])
			return
		}
	}
	m.envelopes = append(m.envelopes, e)
}

func hasTag(op *Operation, tag string) bool {
	for _, t := range op.Tags {
		if t == tag {
			return true
		}
	}
	return false
}

// envelopeOf reports whether a response body only wraps one object (or list
// of objects), with optional pagination links and meta.
func (m *model) envelopeOf(sc *Schema) (string, *Schema, []string, bool) {
	props, _ := m.mergedProps(sc)
	var main []Prop
	var extra []string
	for _, p := range props {
		if p.Name == "links" || p.Name == "meta" {
			extra = append(extra, p.Name)
			continue
		}
		main = append(main, p)
	}
	if len(main) != 1 {
		return "", nil, nil, false
	}
	p := m.spec.singleRef(main[0].Schema)
	target := p
	if p.Type == "array" && p.Items != nil {
		target = p.Items
	}
	if target.Ref == "" || !isObject(m.spec.deref(target)) {
		return "", nil, nil, false
	}
	return main[0].Name, p, extra, true
}

// mergedProps flattens allOf parts and refs into one ordered property list;
// same-named inline objects are merged deeply. Spec definitions win over
// overlay ones.
func (m *model) mergedProps(sc *Schema) ([]Prop, map[string]bool) {
	sc = m.spec.deref(sc)
	req := map[string]bool{}
	var props []Prop
	add := func(ps []Prop) {
		for _, p := range ps {
			i := -1
			for j := range props {
				if props[j].Name == p.Name {
					i = j
				}
			}
			if i < 0 {
				props = append(props, p)
				continue
			}
			props[i].Schema = m.mergeSchemas(props[i].Schema, p.Schema)
		}
	}
	for _, part := range sc.AllOf {
		ps, r := m.mergedProps(part)
		add(ps)
		for k := range r {
			req[k] = true
		}
	}
	add(sc.Properties)
	for _, r := range sc.Required {
		req[r] = true
	}
	return props, req
}

func (m *model) mergeSchemas(a, b *Schema) *Schema {
	if a.Ref == "" && b.Ref == "" && a.Type == "object" && b.Type == "object" && len(a.AllOf) == 0 && len(b.AllOf) == 0 {
		out := *a
		out.Properties = nil
		pa, _ := m.mergedProps(a)
		pb, _ := m.mergedProps(b)
		out.Properties = append(out.Properties, pa...)
		for _, p := range pb {
			if x := out.Properties.Get(p.Name); x == nil {
				out.Properties = append(out.Properties, p)
			} else {
				for i := range out.Properties {
					if out.Properties[i].Name == p.Name {
						out.Properties[i].Schema = m.mergeSchemas(x, p.Schema)
					}
				}
			}
		}
		if out.Description == "" {
			out.Description = b.Description
		}
		if out.Source != "" && b.Source == "" {
			out.Source = ""
		}
		return &out
	}
	if a.Source != "" && b.Source == "" {
		return b
	}
	return a
}

// typeOf returns the Go type for a schema. ctx names an inline struct or
// enum; named says ctx is a name from schemaNames (not to be renamed).
func (m *model) typeOf(sc *Schema, ctx, origin string, named bool) string {
	if sc.GoType != "" {
		return sc.GoType
	}
	sc = m.spec.singleRef(sc)
	if sc.Ref != "" {
		name := refName(sc.Ref)
		target, ok := m.spec.Components.Schemas[name]
		if !ok {
			m.errorf("unknown schema %s", sc.Ref)
			return "any"
		}
		goName, ok := schemaNames[name]
		if !ok {
			goName = defaultGoName(name)
		}
		return m.typeOf(target, goName, name, true)
	}
	if !named {
		if n, ok := inlineNames[ctx]; ok {
			ctx = n
		}
	}
	switch {
	case len(sc.AllOf) > 0 || len(sc.Properties) > 0:
		return "*" + m.structFrom(sc, ctx, origin)
	case sc.Type == "object":
		if sc.AdditionalProperties != nil {
			vt := m.typeOf(sc.AdditionalProperties, ctx+"Value", origin+".*", false)
			return "map[string]" + strings.TrimPrefix(vt, "*")
		}
		return "map[string]any"
	case sc.Type == "array":
		if sc.Items == nil {
			return "[]any"
		}
		ictx := ctx
		if sc.Items.Ref == "" && isObject(sc.Items) {
			ictx = ctx + "Item"
		}
		return "[]" + m.typeOf(sc.Items, ictx, origin+"[]", named && ictx == ctx)
	case len(sc.OneOf) > 0:
		allEnum := true
		for _, p := range sc.OneOf {
			p = m.spec.deref(p)
			if p.Type != "string" || len(p.Enum) == 0 {
				allEnum = false
			}
		}
		if !allEnum {
			return "any"
		}
		return m.enumFrom(sc, ctx, origin)
	case sc.Type == "string" && len(sc.Enum) > 0:
		return m.enumFrom(sc, ctx, origin)
	case sc.Type == "string":
		if sc.Format == "date-time" {
			return "time.Time"
		}
		return "string"
	case sc.Type == "integer":
		if sc.Format == "int32" {
			return "int32"
		}
		return "int64"
	case sc.Type == "number":
		if sc.Format == "float" {
			return "float32"
		}
		return "float64"
	case sc.Type == "boolean":
		return "bool"
	}
	return "any"
}

func appendOrigin(list []string, o string) []string {
	for _, x := range list {
		if x == o {
			return list
		}
	}
	return append(list, o)
}

func docOf(sc *Schema) string {
	d := strings.TrimSpace(sc.Description)
	t := strings.TrimSpace(sc.Title)
	if !strings.ContainsAny(t, " \n") {
		t = "" // a bare name such as "AppSpec" or "slug" says nothing
	}
	if d == "" && t == "" && sc.Ref == "" {
		// allOf: [{description: ...}, $ref] carries the description in a part.
		var parts []string
		for _, p := range sc.AllOf {
			if p.Ref == "" && strings.TrimSpace(p.Description) != "" {
				parts = append(parts, strings.TrimSpace(p.Description))
			}
		}
		return strings.Join(parts, "\n\n")
	}
	switch {
	case d == "":
		return t
	case t == "" || strings.Contains(d, t):
		return d
	default:
		return strings.TrimSuffix(t, ".") + ". " + d
	}
}

func (m *model) structFrom(sc *Schema, name, origin string) string {
	if prev, ok := m.seen[origin]; ok && origin != "" {
		return prev
	}
	m.seen[origin] = name
	st, ok := m.structs[name]
	if !ok {
		if _, clash := m.enums[name]; clash {
			m.errorf("Go name %s used for both an enum and a struct", name)
		}
		st = &goStruct{Name: name}
		m.structs[name] = st
	}
	st.Origins = appendOrigin(st.Origins, origin)
	if st.Doc == "" {
		st.Doc = docOf(sc)
		if st.Doc == "" {
			for _, part := range sc.AllOf {
				if d := docOf(m.spec.deref(part)); d != "" && part.Ref == "" {
					st.Doc = d
				}
			}
		}
	}
	if st.Source == "" {
		st.Source = sc.Source
	}
	props, _ := m.mergedProps(sc)
	for _, p := range props {
		ps := p.Schema
		fieldName := camel(p.Name)
		t := m.typeOf(ps, name+fieldName, origin+"."+p.Name, false)
		res := m.spec.deref(m.spec.singleRef(ps))
		if zeroIsSetting(res, t) {
			t = "*" + t
		}
		doc := docOf(ps)
		if doc == "" {
			doc = docOf(res)
		}
		f := &goField{
			Name:       fieldName,
			JSON:       p.Name,
			Type:       t,
			Doc:        doc,
			Source:     ps.Source,
			Retyped:    ps.Retyped,
			Deprecated: ps.Deprecated || res.Deprecated || deprecatedParts(ps),
		}
		if old := st.field(p.Name); old != nil {
			if old.Type != f.Type {
				m.errorf("%s.%s: type %s (from %s) disagrees with %s", name, p.Name, f.Type, origin, old.Type)
			}
			if old.Source != "" && f.Source == "" {
				*old = *f
			}
			continue
		}
		for _, o := range st.Fields {
			if o.Name == f.Name {
				m.errorf("%s: Go field %s for both %s and %s", name, f.Name, o.JSON, f.JSON)
			}
		}
		st.Fields = append(st.Fields, f)
	}
	for _, a := range m.spec.aliases[origin] {
		f := st.field(a.Name)
		switch f.Type {
		case "bool", "string", "int32", "int64", "float32", "float64":
		default:
			m.errorf("%s.%s: alias %s for a %s field (scalars only)", name, f.Name, a.Alias, f.Type)
		}
		st.Aliases = append(st.Aliases, fieldAlias{Field: f, JSON: a.Alias, Source: a.Source})
	}
	return name
}

func deprecatedParts(sc *Schema) bool {
	for _, p := range sc.AllOf {
		if p.Ref == "" && p.Deprecated {
			return true
		}
	}
	return false
}

// zeroIsSetting reports whether a scalar field needs a pointer: its zero
// value is a setting of its own that must be sendable, distinct from leaving
// the field out. Every field is omitempty, so a plain field cannot send its
// zero value; that is fine when omitting it means the same thing.
//
//   - A nullable string: the spec says null (absent) and "" differ, as in the
//     match strings where "" is a valid value of the exact/prefix/regex
//     choice.
//   - A boolean whose default is true: false must be sent to get it.
//   - A number with a non-zero default that zero is a valid value of (no
//     positive minimum): 0 must be sent to get it. When the minimum is
//     positive (instance_count, autoscaling percent) zero is not a setting
//     and leaving it out means "use the default".
//
// Booleans defaulting to false (force_build, skip_pin,
// update_all_source_versions) and everything else are plain values.
func zeroIsSetting(sc *Schema, goType string) bool {
	switch goType {
	case "string":
		return sc.Nullable
	case "bool":
		return sc.Default == true
	case "int32", "int64", "float32", "float64":
		return nonZero(sc.Default) && (sc.Minimum == nil || *sc.Minimum <= 0)
	}
	return false
}

func nonZero(v any) bool {
	switch x := v.(type) {
	case nil:
		return false
	case bool:
		return x
	case int:
		return x != 0
	case int64:
		return x != 0
	case float64:
		return x != 0
	case string:
		return x != "" && x != "0"
	}
	return true
}

var enumItemRE = regexp.MustCompile("^\\s*-\\s*`?([A-Za-z0-9_.\\-]+)`?\\s*[:\\-]\\s+(.*)$")

func (m *model) enumFrom(sc *Schema, name, origin string) string {
	if prev, ok := m.seen[origin]; ok && origin != "" {
		return prev
	}
	m.seen[origin] = name
	if _, clash := m.structs[name]; clash {
		m.errorf("Go name %s used for both an enum and a struct", name)
	}
	e, ok := m.enums[name]
	if !ok {
		e = &goEnum{Name: name, ValueDocs: map[string]string{}, Deprecated: map[string]bool{}}
		m.enums[name] = e
	}
	e.Origins = appendOrigin(e.Origins, origin)
	if e.Source == "" {
		e.Source = sc.Source
	}
	addValues := func(s *Schema, deprecated bool) {
		known := map[string]bool{}
		for _, v := range s.Enum {
			known[v] = true
			if !contains(e.Values, v) {
				e.Values = append(e.Values, v)
			}
			if deprecated {
				e.Deprecated[v] = true
			}
			if d := s.AddedValueDocs[v]; d != "" {
				e.ValueDocs[v] = d
			}
		}
		// "- VALUE: text" lines of the description document the values.
		var rest []string
		for _, line := range strings.Split(docOf(s), "\n") {
			if mm := enumItemRE.FindStringSubmatch(line); mm != nil && known[mm[1]] {
				if e.ValueDocs[mm[1]] == "" {
					e.ValueDocs[mm[1]] = mm[2]
				}
				continue
			}
			rest = append(rest, line)
		}
		if d := strings.TrimSpace(strings.Join(rest, "\n")); d != "" && e.Doc == "" && !deprecated {
			e.Doc = d
		}
	}
	if len(sc.OneOf) > 0 {
		if d := docOf(sc); d != "" && e.Doc == "" {
			e.Doc = d
		}
		for _, p := range sc.OneOf {
			p = m.spec.deref(p)
			addValues(p, p.Deprecated)
		}
	} else {
		addValues(sc, false)
	}
	return name
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// baseType strips slices, pointers and maps from a field type.
func baseType(t string) string {
	for {
		switch {
		case strings.HasPrefix(t, "[]"):
			t = t[2:]
		case strings.HasPrefix(t, "*"):
			t = t[1:]
		case strings.HasPrefix(t, "map[string]"):
			t = t[len("map[string]"):]
		default:
			return t
		}
	}
}

// preserveRoot is the root of the tree of types that keep unknown keys.
const preserveRoot = "AppSpec"

// markPreserved flags preserveRoot and every struct reachable from it.
func (m *model) markPreserved() {
	queue := []string{preserveRoot}
	for len(queue) > 0 {
		n := queue[0]
		queue = queue[1:]
		st, ok := m.structs[n]
		if !ok || st.Preserve {
			continue
		}
		st.Preserve = true
		for _, f := range st.Fields {
			queue = append(queue, baseType(f.Type))
		}
	}
	// appendUnknownFields (emitPreserve) walks *T and []*T.
	for _, st := range m.structs {
		if len(st.Aliases) > 0 && st.Preserve {
			m.errorf("%s: aliases on a type that keeps unknown keys are not supported", st.Name)
		}
		if !st.Preserve {
			continue
		}
		for _, f := range st.Fields {
			if sub, ok := m.structs[baseType(f.Type)]; ok && sub.Preserve && preservedShape(f.Type) == "" {
				m.errorf("%s.%s: type %s keeps unknown keys but UnknownFields cannot reach it (want *T or []*T)", st.Name, f.Name, f.Type)
			}
		}
	}
}

// preservedShape classifies the type of a field that holds a struct keeping
// unknown keys: "ptr" (*T), "slice" ([]*T) or "" (not supported).
func preservedShape(t string) string {
	switch {
	case strings.HasPrefix(t, "[]*") && !strings.ContainsAny(t[3:], "[]*"):
		return "slice"
	case strings.HasPrefix(t, "*") && !strings.ContainsAny(t[1:], "[]*"):
		return "ptr"
	}
	return ""
}
