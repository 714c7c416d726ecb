package digitalocean

import (
	"encoding/json"
	"os"
	"sort"
	"strconv"
	"strings"
	"sync"
	"testing"

	"go.yaml.in/yaml/v3"
)

// The spec's example payloads are the fixtures of the Apps tests, so that
// decoding is checked against what the API documents rather than against
// hand-written JSON.

var (
	appsSpecOnce sync.Once
	appsSpecRoot *yaml.Node
	appsSpecErr  error
)

func appsSpec(t *testing.T) *yaml.Node {
	t.Helper()
	appsSpecOnce.Do(func() {
		raw, err := os.ReadFile("testdata/digitalocean-v2-subset.yaml")
		if err != nil {
			appsSpecErr = err
			return
		}
		var doc yaml.Node
		if err := yaml.Unmarshal(raw, &doc); err != nil {
			appsSpecErr = err
			return
		}
		appsSpecRoot = doc.Content[0]
	})
	if appsSpecErr != nil {
		t.Fatalf("load spec: %v", appsSpecErr)
	}
	return appsSpecRoot
}

// appsYAMLChild returns the value of key in mapping node n, or nil.
func appsYAMLChild(n *yaml.Node, key string) *yaml.Node {
	if n == nil || n.Kind != yaml.MappingNode {
		return nil
	}
	for i := 0; i+1 < len(n.Content); i += 2 {
		if n.Content[i].Value == key {
			return n.Content[i+1]
		}
	}
	return nil
}

// appsYAMLPath follows keys from n.
func appsYAMLPath(n *yaml.Node, keys ...string) *yaml.Node {
	for _, k := range keys {
		n = appsYAMLChild(n, k)
	}
	return n
}

// appsResolveRef follows a local "$ref" ("#/components/…") if n is one.
func appsResolveRef(t *testing.T, n *yaml.Node) *yaml.Node {
	t.Helper()
	for n != nil {
		ref := appsYAMLChild(n, "$ref")
		if ref == nil {
			return n
		}
		parts := strings.Split(strings.TrimPrefix(ref.Value, "#/"), "/")
		n = appsYAMLPath(appsSpec(t), parts...)
		if n == nil {
			t.Fatalf("dangling $ref %s", ref.Value)
		}
	}
	return n
}

// appsSpecOperation finds the operation with operationID and returns its
// method and path.
func appsSpecOperation(t *testing.T, operationID string) (method, path string, op *yaml.Node) {
	t.Helper()
	paths := appsYAMLChild(appsSpec(t), "paths")
	for i := 0; i+1 < len(paths.Content); i += 2 {
		item := paths.Content[i+1]
		for j := 0; j+1 < len(item.Content); j += 2 {
			o := item.Content[j+1]
			if id := appsYAMLChild(o, "operationId"); id != nil && id.Value == operationID {
				return strings.ToUpper(item.Content[j].Value), paths.Content[i].Value, o
			}
		}
	}
	t.Fatalf("operation %s not in the spec", operationID)
	return "", "", nil
}

// specExamples returns every JSON example of the operation's response with
// the given status, by example name ("" for a lone `example`).
func specExamples(t *testing.T, operationID, status string) map[string][]byte {
	t.Helper()
	_, _, op := appsSpecOperation(t, operationID)
	resp := appsResolveRef(t, appsYAMLPath(op, "responses", status))
	if resp == nil {
		t.Fatalf("%s has no %s response", operationID, status)
	}
	media := appsYAMLPath(resp, "content", "application/json")
	out := map[string][]byte{}
	if ex := appsYAMLChild(media, "example"); ex != nil {
		out[""] = appsYAMLJSON(t, ex)
	}
	if exs := appsYAMLChild(media, "examples"); exs != nil {
		for i := 0; i+1 < len(exs.Content); i += 2 {
			ex := appsResolveRef(t, exs.Content[i+1])
			out[exs.Content[i].Value] = appsYAMLJSON(t, appsYAMLChild(ex, "value"))
		}
	}
	return out
}

// specExample returns the operation's response example for status; when
// there are several, the first by name.
func specExample(t *testing.T, operationID, status string) []byte {
	t.Helper()
	all := specExamples(t, operationID, status)
	if len(all) == 0 {
		t.Fatalf("%s %s has no example", operationID, status)
	}
	names := make([]string, 0, len(all))
	for n := range all {
		names = append(names, n)
	}
	sort.Strings(names)
	return all[names[0]]
}

// appsYAMLJSON converts a YAML node to JSON, keeping timestamps as the strings
// they are in the file.
func appsYAMLJSON(t *testing.T, n *yaml.Node) []byte {
	t.Helper()
	if n == nil {
		t.Fatal("example has no value")
	}
	b, err := json.Marshal(appsYAMLValue(t, n))
	if err != nil {
		t.Fatalf("example to JSON: %v", err)
	}
	return b
}

func appsYAMLValue(t *testing.T, n *yaml.Node) any {
	t.Helper()
	switch n.Kind {
	case yaml.DocumentNode:
		return appsYAMLValue(t, n.Content[0])
	case yaml.AliasNode:
		return appsYAMLValue(t, n.Alias)
	case yaml.SequenceNode:
		out := make([]any, 0, len(n.Content))
		for _, c := range n.Content {
			out = append(out, appsYAMLValue(t, c))
		}
		return out
	case yaml.MappingNode:
		out := make(map[string]any, len(n.Content)/2)
		for i := 0; i+1 < len(n.Content); i += 2 {
			out[n.Content[i].Value] = appsYAMLValue(t, n.Content[i+1])
		}
		return out
	}
	switch n.ShortTag() {
	case "!!null":
		return nil
	case "!!bool":
		v, err := strconv.ParseBool(n.Value)
		if err != nil {
			var b bool
			if err := n.Decode(&b); err != nil {
				t.Fatalf("bool %q: %v", n.Value, err)
			}
			return b
		}
		return v
	case "!!int", "!!float":
		return json.Number(n.Value)
	}
	return n.Value
}
