package conformance

import (
	"context"
	"encoding/json"
	"fmt"
	"maps"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/getkin/kin-openapi/routers"
	"github.com/getkin/kin-openapi/routers/gorillamux"
)

const (
	specPath = "../testdata/digitalocean-v2-subset.yaml"
	// overlayPath describes the live-API operations the spec lacks; it
	// $refs the spec's shared objects (./digitalocean-v2-subset.yaml#/…).
	overlayPath = "../testdata/live-api-overlay.yaml"
)

// A string of format int64 (tail_lines, the int64 counters of responses)
// holds an int64 as proto3's JSON mapping writes it: a decimal integer.
// kin-openapi defines the format for numbers only, and would not check it.
func init() {
	openapi3.DefineStringFormatValidator("int64", openapi3.NewRegexpFormatValidator(`^-?[0-9]+$`))
}

// apiSpec is the loaded OpenAPI description, the spec and the live-API
// overlay, with a router over each.
type apiSpec struct {
	doc    *openapi3.T
	router routers.Router

	overlay       *openapi3.T
	overlayRouter routers.Router
}

var (
	specOnce   sync.Once
	loadedSpec *apiSpec
	specErr    error
)

// loadSpec loads and validates the spec once per test binary. Example
// validation is left to TestSpecErrata, which pins the known bad examples.
func loadSpec(t testing.TB) *apiSpec {
	t.Helper()
	specOnce.Do(func() {
		loader := openapi3.NewLoader()
		doc, err := loader.LoadFromFile(specPath)
		if err != nil {
			specErr = fmt.Errorf("load spec: %w", err)
			return
		}
		if err := doc.Validate(context.Background(), openapi3.DisableExamplesValidation()); err != nil {
			specErr = fmt.Errorf("validate spec: %w", err)
			return
		}
		overlayLoader := openapi3.NewLoader()
		overlayLoader.IsExternalRefsAllowed = true
		overlay, err := overlayLoader.LoadFromFile(overlayPath)
		if err != nil {
			specErr = fmt.Errorf("load overlay: %w", err)
			return
		}
		if err := overlay.Validate(context.Background(), openapi3.DisableExamplesValidation()); err != nil {
			specErr = fmt.Errorf("validate overlay: %w", err)
			return
		}
		if err := addParameterAdditions(doc, overlay); err != nil {
			specErr = fmt.Errorf("overlay x-parameter-additions: %w", err)
			return
		}
		router, err := gorillamux.NewRouter(doc)
		if err != nil {
			specErr = fmt.Errorf("build router: %w", err)
			return
		}
		overlayRouter, err := gorillamux.NewRouter(overlay)
		if err != nil {
			specErr = fmt.Errorf("build overlay router: %w", err)
			return
		}
		loadedSpec = &apiSpec{doc: doc, router: router, overlay: overlay, overlayRouter: overlayRouter}
	})
	if specErr != nil {
		t.Fatal(specErr)
	}
	return loadedSpec
}

// addParameterAdditions adds the overlay's x-parameter-additions (query
// parameters the live API takes on operations of the spec: tail_lines,
// component_name, deployment_types on events) to those operations of the
// loaded spec, in memory: kin-openapi ignores the extension, so without this
// the validator would never check what the SDK sends for them.
func addParameterAdditions(doc, overlay *openapi3.T) error {
	raw, err := json.Marshal(overlay.Extensions["x-parameter-additions"])
	if err != nil {
		return err
	}
	var additions []struct {
		OperationID string `json:"operationId"`
		Method      string `json:"method"`
		Path        string `json:"path"`
		Parameters  []struct {
			Ref string `json:"$ref"`
		} `json:"parameters"`
	}
	if err := json.Unmarshal(raw, &additions); err != nil {
		return err
	}
	if len(additions) == 0 {
		return fmt.Errorf("the overlay has none")
	}
	for _, a := range additions {
		item := doc.Paths.Find(a.Path)
		if item == nil {
			return fmt.Errorf("%s: no path %s in the spec", a.OperationID, a.Path)
		}
		op := item.GetOperation(strings.ToUpper(a.Method))
		if op == nil || op.OperationID != a.OperationID {
			return fmt.Errorf("%s: not the operation of %s %s", a.OperationID, a.Method, a.Path)
		}
		for _, ref := range a.Parameters {
			name, found := strings.CutPrefix(ref.Ref, "#/components/parameters/")
			param := overlay.Components.Parameters[name]
			if !found || param == nil || param.Value == nil {
				return fmt.Errorf("%s: unknown parameter %q", a.OperationID, ref.Ref)
			}
			if op.Parameters.GetByInAndName(param.Value.In, param.Value.Name) != nil {
				return fmt.Errorf("%s: the spec already has %s parameter %s; drop the addition", a.OperationID, param.Value.In, param.Value.Name)
			}
			op.Parameters = append(op.Parameters, &openapi3.ParameterRef{Value: param.Value})
		}
	}
	return nil
}

// specOperation is one operation of the spec with its path and method.
type specOperation struct {
	path, method string
	op           *openapi3.Operation
}

// operations returns every operation of the spec and the overlay keyed by
// operationId.
func (s *apiSpec) operations() map[string]specOperation {
	ops := map[string]specOperation{}
	for _, doc := range []*openapi3.T{s.doc, s.overlay} {
		for path, item := range doc.Paths.Map() {
			for method, op := range item.Operations() {
				ops[op.OperationID] = specOperation{path: path, method: method, op: op}
			}
		}
	}
	return ops
}

// operationIDs returns every operationId of the spec, sorted.
func (s *apiSpec) operationIDs() []string {
	return slices.Sorted(maps.Keys(s.operations()))
}

// successResponse returns the lowest 2xx status of op and its response.
func successResponse(op *openapi3.Operation) (int, *openapi3.Response) {
	var codes []string
	for code := range op.Responses.Map() {
		if strings.HasPrefix(code, "2") {
			codes = append(codes, code)
		}
	}
	if len(codes) == 0 {
		return 0, nil
	}
	slices.Sort(codes)
	status, err := strconv.Atoi(codes[0])
	if err != nil {
		return 0, nil
	}
	return status, op.Responses.Value(codes[0]).Value
}

// mediaExample returns the media type's example: the single `example`, or
// the named examples' first by name. ok is false when there is none.
func mediaExample(mt *openapi3.MediaType) (name string, value any, ok bool) {
	if mt.Example != nil {
		return "example", normalizeJSON(mt.Example), true
	}
	if len(mt.Examples) == 0 {
		return "", nil, false
	}
	name = slices.Sorted(maps.Keys(mt.Examples))[0]
	ex := mt.Examples[name]
	if ex == nil || ex.Value == nil || ex.Value.Value == nil {
		return "", nil, false
	}
	return name, normalizeJSON(ex.Value.Value), true
}

// normalizeJSON round-trips v through encoding/json so that YAML-decoded
// values have JSON types (float64, map[string]any).
func normalizeJSON(v any) any {
	b, err := json.Marshal(v)
	if err != nil {
		panic(fmt.Sprintf("example is not JSON: %v", err))
	}
	var out any
	if err := json.Unmarshal(b, &out); err != nil {
		panic(err)
	}
	return out
}

// synthesize builds a value that satisfies schema from the property-level
// examples, enums and defaults of the spec, the way a mock server does
// when an operation has no example of its own. Objects get every declared
// property; arrays one item; anyOf/oneOf their first branch.
func synthesize(ref *openapi3.SchemaRef) any {
	return synthesizeDepth(ref, 0)
}

func synthesizeDepth(ref *openapi3.SchemaRef, depth int) any {
	if ref == nil || ref.Value == nil || depth > 40 {
		return nil
	}
	s := ref.Value
	if len(s.AllOf) > 0 {
		merged := map[string]any{}
		for _, part := range s.AllOf {
			if m, ok := synthesizeDepth(part, depth+1).(map[string]any); ok {
				maps.Copy(merged, m)
			}
		}
		if m, ok := synthesizeObject(s, depth).(map[string]any); ok {
			maps.Copy(merged, m)
		}
		return merged
	}
	if len(s.OneOf) > 0 {
		return synthesizeDepth(s.OneOf[0], depth+1)
	}
	if len(s.AnyOf) > 0 {
		return synthesizeDepth(s.AnyOf[0], depth+1)
	}
	switch {
	case s.Type.Is("object") || len(s.Properties) > 0:
		return synthesizeObject(s, depth)
	case s.Type.Is("array"):
		if s.Example != nil {
			return normalizeJSON(s.Example)
		}
		return []any{synthesizeDepth(s.Items, depth+1)}
	}
	switch {
	case s.Example != nil:
		return normalizeJSON(s.Example)
	case s.Default != nil:
		return normalizeJSON(s.Default)
	case len(s.Enum) > 0:
		return normalizeJSON(s.Enum[0])
	case s.Type.Is("string"):
		if s.Format == "date-time" {
			return "2024-01-02T03:04:05Z"
		}
		return "example"
	case s.Type.Is("integer"), s.Type.Is("number"):
		return float64(1)
	case s.Type.Is("boolean"):
		return true
	}
	return nil
}

func synthesizeObject(s *openapi3.Schema, depth int) any {
	if len(s.Properties) == 0 {
		if s.Example != nil {
			return normalizeJSON(s.Example)
		}
		return map[string]any{}
	}
	out := map[string]any{}
	for name, prop := range s.Properties {
		out[name] = synthesizeDepth(prop, depth+1)
	}
	for _, name := range s.Required {
		if _, ok := out[name]; !ok {
			out[name] = "example" // required but undeclared: see TestSpecErrata
		}
	}
	return out
}

// undeclaredKeys lists the JSON paths of object keys in value that schema
// does not declare. Validators accept such keys (the spec never sets
// additionalProperties: false), so an example can drift from its schema
// unnoticed; this walk finds the drift.
func undeclaredKeys(ref *openapi3.SchemaRef, value any) []string {
	_, dropped := pruneUndeclared(ref, value, "")
	return dropped
}

// pruneUndeclared returns a copy of value without the keys that schema
// does not declare, and the JSON paths of the keys it dropped.
func pruneUndeclared(ref *openapi3.SchemaRef, value any, at string) (any, []string) {
	if ref == nil || ref.Value == nil {
		return value, nil
	}
	s := ref.Value
	switch v := value.(type) {
	case []any:
		items := collectItems(s)
		if len(items) == 0 {
			return value, nil
		}
		out := make([]any, len(v))
		var dropped []string
		for i, elem := range v {
			var d []string
			out[i], d = pruneUndeclared(mergeRefs(items), elem, fmt.Sprintf("%s/%d", at, i))
			dropped = append(dropped, d...)
		}
		return out, dedupe(dropped)
	case map[string]any:
		props, open := collectProperties(s)
		out := map[string]any{}
		var dropped []string
		for _, key := range slices.Sorted(maps.Keys(v)) {
			path := at + "/" + key
			propRefs, declared := props[key]
			switch {
			case declared:
				var d []string
				out[key], d = pruneUndeclared(mergeRefs(propRefs), v[key], path)
				dropped = append(dropped, d...)
			case open:
				out[key] = v[key]
			default:
				dropped = append(dropped, path)
			}
		}
		return out, dedupe(dropped)
	}
	return value, nil
}

// collectProperties merges the properties of s and its allOf/anyOf/oneOf
// branches. open reports whether the schema admits undeclared keys on
// purpose (additionalProperties given) or constrains nothing at all.
func collectProperties(s *openapi3.Schema) (props map[string][]*openapi3.SchemaRef, open bool) {
	props = map[string][]*openapi3.SchemaRef{}
	var walk func(s *openapi3.Schema)
	walk = func(s *openapi3.Schema) {
		if s.AdditionalProperties.Schema != nil || (s.AdditionalProperties.Has != nil && *s.AdditionalProperties.Has) {
			open = true
		}
		for name, p := range s.Properties {
			props[name] = append(props[name], p)
		}
		for _, group := range []openapi3.SchemaRefs{s.AllOf, s.AnyOf, s.OneOf} {
			for _, branch := range group {
				if branch.Value != nil {
					walk(branch.Value)
				}
			}
		}
	}
	walk(s)
	if len(props) == 0 {
		open = true // a free-form object: nothing to compare against
	}
	return props, open
}

// mergeRefs combines the schemas that several branches give one property,
// so that a key declared by any of them counts as declared.
func mergeRefs(refs []*openapi3.SchemaRef) *openapi3.SchemaRef {
	if len(refs) == 1 {
		return refs[0]
	}
	return &openapi3.SchemaRef{Value: &openapi3.Schema{AllOf: refs}}
}

func collectItems(s *openapi3.Schema) []*openapi3.SchemaRef {
	var items []*openapi3.SchemaRef
	if s.Items != nil {
		items = append(items, s.Items)
	}
	for _, group := range []openapi3.SchemaRefs{s.AllOf, s.AnyOf, s.OneOf} {
		for _, branch := range group {
			if branch.Value != nil {
				items = append(items, collectItems(branch.Value)...)
			}
		}
	}
	return items
}

func dedupe(paths []string) []string {
	slices.Sort(paths)
	return slices.Compact(paths)
}
