package apischema

import (
	"encoding/json"
	"fmt"
	"maps"
	"regexp"
	"slices"
	"strings"
	"sync"

	"github.com/oceankit/digitalocean/internal/oasdoc"
)

// Example is a value found in an OpenAPI document: an app spec or a request
// body, with where it was found.
type Example struct {
	Where string
	Value any // decoded as by Decode
	// Operation is the operationId of a request body example; empty for app
	// specs found elsewhere.
	Operation string
}

// curlBody finds the JSON body of a cURL sample: -d '...'. Compiled on
// first use, so that importing the package costs nothing.
var curlBody = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`(?s)-d\s+'(\{.*?\})'`) })

// DocumentExamples extracts, from OpenAPI documents, every request body
// example of every operation (example, examples.*.value and the JSON bodies
// of cURL samples) and every app spec found in any example: an object under a
// "spec" key that has a "name". Tests use it to check that the table and
// AppSpec.Validate accept the documents' own examples.
func DocumentExamples(paths ...string) (bodies, specs []Example, err error) {
	for _, path := range paths {
		var doc map[string]any
		if err := oasdoc.ReadYAML(path, &doc, false); err != nil {
			return nil, nil, err
		}
		base := path[strings.LastIndex(path, "/")+1:]
		pathItems, _ := doc["paths"].(map[string]any)
		for _, p := range slices.Sorted(maps.Keys(pathItems)) {
			item, _ := pathItems[p].(map[string]any)
			for _, method := range slices.Sorted(maps.Keys(item)) {
				op, _ := item[method].(map[string]any)
				id, _ := op["operationId"].(string)
				if id == "" {
					continue
				}
				where := fmt.Sprintf("%s %s %s", base, strings.ToUpper(method), p)
				for _, ex := range requestExamples(op) {
					ex.Where, ex.Operation = where+" "+ex.Where, id
					if bareSpec(ex) {
						// The subset's apps_update cURL sample sends the spec
						// without its {"spec": ...} wrapper: a sample erratum,
						// still an app spec example.
						specs = append(specs, ex)
						continue
					}
					bodies = append(bodies, ex)
				}
			}
		}
		var walk func(v any, at string, inExample bool)
		walk = func(v any, at string, inExample bool) {
			switch x := v.(type) {
			case map[string]any:
				for _, k := range slices.Sorted(maps.Keys(x)) {
					child := x[k]
					if inExample && k == "spec" {
						if m, isMap := child.(map[string]any); isMap && m["name"] != nil {
							specs = append(specs, Example{Where: base + " " + at + ".spec", Value: toJSON(m)})
						}
					}
					walk(child, at+"."+k, inExample || k == "example" || k == "examples")
				}
			case []any:
				for i, e := range x {
					walk(e, fmt.Sprintf("%s[%d]", at, i), inExample)
				}
			}
		}
		walk(doc, "", false)
		for _, ex := range bodies {
			if m, isMap := ex.Value.(map[string]any); isMap && strings.HasPrefix(ex.Where, base+" ") && strings.Contains(ex.Where, "cURL") {
				if spec, isSpec := m["spec"].(map[string]any); isSpec {
					specs = append(specs, Example{Where: ex.Where + " spec", Value: spec})
				}
			}
		}
	}
	return bodies, specs, nil
}

// bareSpec reports whether a cURL body is an app spec without its wrapper.
func bareSpec(ex Example) bool {
	m, isMap := ex.Value.(map[string]any)
	if !isMap || !strings.HasSuffix(ex.Where, "cURL") || m["spec"] != nil || m["name"] == nil {
		return false
	}
	for _, kind := range []string{"services", "static_sites", "workers", "jobs", "functions"} {
		if m[kind] != nil {
			return true
		}
	}
	return false
}

func requestExamples(op map[string]any) []Example {
	var out []Example
	if rb, isMap := op["requestBody"].(map[string]any); isMap {
		content, _ := rb["content"].(map[string]any)
		media, _ := content["application/json"].(map[string]any)
		if ex, found := media["example"]; found {
			out = append(out, Example{Where: "example", Value: toJSON(ex)})
		}
		examples, _ := media["examples"].(map[string]any)
		for _, name := range slices.Sorted(maps.Keys(examples)) {
			if e, isMap := examples[name].(map[string]any); isMap && e["value"] != nil {
				out = append(out, Example{Where: "examples." + name, Value: toJSON(e["value"])})
			}
		}
	}
	samples, _ := op["x-codeSamples"].([]any)
	for i, s := range samples {
		sample, _ := s.(map[string]any)
		src, _ := sample["source"].(string)
		if lang, _ := sample["lang"].(string); lang != "cURL" {
			continue
		}
		for _, m := range curlBody().FindAllStringSubmatch(src, -1) {
			v, err := Decode([]byte(m[1]))
			if err != nil {
				continue // a sample with shell variables in its JSON
			}
			out = append(out, Example{Where: fmt.Sprintf("x-codeSamples[%d] cURL", i), Value: v})
		}
	}
	return out
}

// toJSON turns a YAML-decoded value into what Decode makes of its JSON.
func toJSON(v any) any {
	b, err := json.Marshal(v)
	if err != nil {
		return v
	}
	out, err := Decode(b)
	if err != nil {
		return v
	}
	return out
}
