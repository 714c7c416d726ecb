package oasdoc

import (
	"strings"
	"testing"

	"go.yaml.in/yaml/v3"
)

// Props keep the document's order (a Go map would not), Get finds a
// property by name, and properties that are not a mapping are an error.
func TestPropsKeepDocumentOrder(t *testing.T) {
	var obj struct {
		Properties Props[schema] `yaml:"properties"`
	}
	doc := "properties:\n  zeta: {type: string}\n  alpha: {type: integer}\n  mid: {type: boolean}\n"
	if err := yaml.Unmarshal([]byte(doc), &obj); err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, p := range obj.Properties {
		names = append(names, p.Name)
	}
	if got := strings.Join(names, ","); got != "zeta,alpha,mid" {
		t.Fatalf("order = %s, want zeta,alpha,mid", got)
	}
	if p := obj.Properties.Get("alpha"); p == nil || p.Type != "integer" {
		t.Fatalf("Get(alpha) = %+v", p)
	}
	if p := obj.Properties.Get("nope"); p != nil {
		t.Fatalf("Get(nope) = %+v, want nil", p)
	}
	if err := yaml.Unmarshal([]byte("properties: [a, b]\n"), &obj); err == nil || !strings.Contains(err.Error(), "must be a mapping") {
		t.Fatalf("list of properties: err = %v", err)
	}
}
