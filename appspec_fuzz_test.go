package digitalocean

import (
	"bytes"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"testing"
)

// FuzzParseAppSpec checks that any input either loads or fails with an
// *AppSpecError, never panics, and that whatever loads writes back as YAML
// that loads to the same spec. Run it with a short -fuzzminimizetime: the
// seeds are whole spec files, slow to minimize. Seeds: the files in testdata/appspecs and
// testdata/fuzz/FuzzParseAppSpec.
func FuzzParseAppSpec(f *testing.F) {
	files, err := filepath.Glob(filepath.Join("testdata", "appspecs", "*.*"))
	if err != nil || len(files) == 0 {
		f.Fatalf("no seed specs: %v", err)
	}
	for _, file := range files {
		data, err := os.ReadFile(file)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(data)
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		spec, err := ParseAppSpec(data)
		if err != nil {
			var specErr *AppSpecError
			if !errors.As(err, &specErr) {
				t.Fatalf("error is %T, want *AppSpecError: %v", err, err)
			}
			if spec != nil {
				t.Fatal("a spec returned with an error")
			}
			return
		}
		out, err := MarshalAppSpecYAML(spec)
		if err != nil {
			t.Fatalf("loaded spec does not encode: %v", err)
		}
		again, err := ParseAppSpec(out)
		if err != nil {
			t.Fatalf("written spec does not load: %v\n%s", err, out)
		}
		// Compared as the API would see them: an empty list and a missing
		// one are the same spec.
		want, err := json.Marshal(spec)
		if err != nil {
			t.Fatal(err)
		}
		got, err := json.Marshal(again)
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(want, got) {
			t.Fatalf("round trip changed the spec:\n%s\nwant %s\ngot  %s", out, want, got)
		}
	})
}
