package main

import (
	"fmt"
	"maps"
	"path/filepath"
	"slices"
	"strings"
)

// mergeAPIOverlay adds the operations and components of an OpenAPI document
// that describes operations the spec lacks (testdata/live-api-overlay.yaml)
// to the spec. That document $refs the spec's shared objects as
// './<spec file>#/components/...'; those refs become local ones. Its own
// components keep their names, except one that a name in taken (the spec's
// or the field overlay's schemas) already has: it becomes
// '<document stem>:<name>' (schemaNames maps both to one Go type when they
// describe the same object).
func mergeAPIOverlay(s *Spec, specPath, docPath string, taken func(kind, name string) bool) error {
	doc, err := loadSpec(docPath)
	if err != nil {
		return err
	}
	stem := strings.TrimSuffix(filepath.Base(docPath), filepath.Ext(docPath))
	rename := map[string]map[string]string{"schemas": {}, "parameters": {}, "responses": {}}
	for kind, names := range map[string][]string{
		"schemas":    slices.Sorted(maps.Keys(doc.Components.Schemas)),
		"parameters": slices.Sorted(maps.Keys(doc.Components.Parameters)),
		"responses":  slices.Sorted(maps.Keys(doc.Components.Responses)),
	} {
		for _, n := range names {
			rename[kind][n] = n
			if taken(kind, n) {
				rename[kind][n] = stem + ":" + n
			}
		}
	}
	specFile := filepath.Base(specPath)
	var refErr error
	fix := func(ref string) string {
		if ref == "" {
			return ref
		}
		file, pointer, ok := strings.Cut(ref, "#")
		if !ok {
			refErr = fmt.Errorf("%s: unsupported $ref %q", docPath, ref)
			return ref
		}
		if file != "" {
			if filepath.Base(file) != specFile {
				refErr = fmt.Errorf("%s: $ref %q points outside %s", docPath, ref, specFile)
			}
			return "#" + pointer // a ref into the spec
		}
		parts := strings.Split(strings.TrimPrefix(pointer, "/components/"), "/")
		if len(parts) != 2 || rename[parts[0]] == nil {
			refErr = fmt.Errorf("%s: unsupported $ref %q", docPath, ref)
			return ref
		}
		n, ok := rename[parts[0]][parts[1]]
		if !ok {
			refErr = fmt.Errorf("%s: $ref %q names nothing", docPath, ref)
		}
		return "#/components/" + parts[0] + "/" + n
	}
	var fixSchema func(sc *Schema)
	fixSchema = func(sc *Schema) {
		if sc == nil {
			return
		}
		sc.Ref = fix(sc.Ref)
		fixSchema(sc.Items)
		fixSchema(sc.AdditionalProperties)
		for _, list := range [][]*Schema{sc.AllOf, sc.OneOf, sc.AnyOf} {
			for _, p := range list {
				fixSchema(p)
			}
		}
		for _, p := range sc.Properties {
			fixSchema(p.Schema)
		}
	}
	fixParam := func(p *Parameter) {
		p.Ref = fix(p.Ref)
		fixSchema(p.Schema)
	}
	fixResponse := func(r *Response) {
		r.Ref = fix(r.Ref)
		for _, mt := range r.Content {
			fixSchema(mt.Schema)
		}
	}
	for _, n := range slices.Sorted(maps.Keys(doc.Components.Schemas)) {
		sc := doc.Components.Schemas[n]
		fixSchema(sc)
		if sc.Source == "" {
			sc.Source = filepath.Base(docPath)
			if sc.GodoType != "" {
				sc.Source += " (godo " + sc.GodoType + ")"
			}
		}
		s.Components.Schemas[rename["schemas"][n]] = sc
	}
	for _, n := range slices.Sorted(maps.Keys(doc.Components.Parameters)) {
		fixParam(doc.Components.Parameters[n])
		s.Components.Parameters[rename["parameters"][n]] = doc.Components.Parameters[n]
	}
	for _, n := range slices.Sorted(maps.Keys(doc.Components.Responses)) {
		fixResponse(doc.Components.Responses[n])
		s.Components.Responses[rename["responses"][n]] = doc.Components.Responses[n]
	}
	ids := map[string]bool{}
	for _, op := range s.Operations {
		ids[op.OperationID] = true
	}
	for _, op := range doc.Operations {
		if ids[op.OperationID] {
			return fmt.Errorf("%s: operation %s is in the spec already", docPath, op.OperationID)
		}
		for _, p := range op.Parameters {
			fixParam(p)
		}
		if op.RequestBody != nil {
			for _, mt := range op.RequestBody.Content {
				fixSchema(mt.Schema)
			}
		}
		for _, r := range op.Responses {
			fixResponse(r)
		}
		op.Overlay = filepath.Base(docPath)
		s.Operations = append(s.Operations, op)
	}
	return refErr
}
