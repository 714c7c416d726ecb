package oasdoc

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

type schema struct {
	Type string `yaml:"type"`
}

// Strict reading rejects a key the schema type lacks; lenient reading
// skips it and keeps the rest, and both name the file in a YAML error.
func TestReadStrictness(t *testing.T) {
	path := filepath.Join(t.TempDir(), "overlay.yaml")
	doc := "fields:\n  - schema: app\n    name: extra\n    type: string\n    source: somewhere\n"
	if err := os.WriteFile(path, []byte(doc), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := ReadOverlay[schema](path, true); err == nil || !strings.Contains(err.Error(), "source") {
		t.Fatalf("strict read: err = %v, want an error naming the unknown key", err)
	}
	f, err := ReadOverlay[schema](path, false)
	if err != nil {
		t.Fatal(err)
	}
	if len(f.Fields) != 1 || f.Fields[0].Name != "extra" || f.Fields[0].Def.Type != "string" {
		t.Fatalf("lenient read: fields = %+v", f.Fields)
	}
	if err := os.WriteFile(path, []byte("fields: [\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := ReadOverlay[schema](path, false); err == nil || !strings.HasPrefix(err.Error(), path+": ") {
		t.Fatalf("bad YAML: err = %v, want it to name %s", err, path)
	}
}
