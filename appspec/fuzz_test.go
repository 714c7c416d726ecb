package appspec

import (
	"bytes"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"testing"

	do "github.com/oceankit/digitalocean"
	"github.com/oceankit/digitalocean/internal/specfile"
)

// FuzzParse checks that any input either loads or fails with a
// bounded Errors of *Error values, each at a path with its line,
// never panics, and that whatever loads (unknown keys
// included) writes back as YAML that loads to the same spec. Run it with a short -fuzzminimizetime: the
// seeds are whole spec files, slow to minimize. Seeds: the files in testdata/appspecs and
// testdata/fuzz/FuzzParse.
func FuzzParse(f *testing.F) {
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
		spec, err := Parse(data)
		if err != nil {
			var specErr *Error
			if !errors.As(err, &specErr) {
				t.Fatalf("error is %T, want *Error: %v", err, err)
			}
			list, ok := err.(Errors)
			if !ok || len(list) == 0 || len(list) > specfile.MaxProblems+1 {
				t.Fatalf("error is %T with %d problems, want an Errors of 1 to %d", err, len(list), specfile.MaxProblems+1)
			}
			for i, p := range list[:min(len(list), specfile.MaxProblems)] {
				if p.Line <= 0 && p.Path != "" { // no line: the whole document (empty, not YAML)
					t.Fatalf("problem %d at a path has no line: %#v", i, p)
				}
			}
			if spec != nil {
				t.Fatal("a spec returned with an error")
			}
			return
		}
		out, err := Marshal(spec)
		if err != nil {
			t.Fatalf("loaded spec does not encode: %v", err)
		}
		again, err := Parse(out)
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
		requireSameSpec(t, spec, again, "written as:\n%s", out) // unknown fields included
	})
}

// FuzzYAMLRoundTrip checks the lossless promise of app spec files:
// any spec that JSON decodes (as the API's responses are decoded, keeping
// keys this SDK does not know, at any level) writes as YAML that loads back
// into an equal spec, unknown fields included. Seeds: the JSON below and
// testdata/fuzz/FuzzYAMLRoundTrip.
func FuzzYAMLRoundTrip(f *testing.F) {
	for _, seed := range []string{
		`{"name":"a","future_flag":true,"services":[{"name":"web","http_ports":[80,81],"health_check":{"prot":1,"x":null}}]}`,
		`{"name":"a","regio":"nyc","ingress":{"rules":[{"component":{"name":"web","rewrite_v2":{"a":[1.0,1e5,"yes",null]}}}]}}`,
		`{"jobs":[{"name":"j","<<":{"~":"null"},"":"","kind":"PRE_DEPLOY","termination":{"grace_period_seconds":1,"graceperiod":2}}]}`,
		`{"envs":[{"key":"K","value":"multi\nline\n","x":{"a":1,"a":2}}],"alerts":[{"rule":"CPU_UTILIZATION","value":1.5,"windoww":"5m"}]}`,
	} {
		f.Add([]byte(seed))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		var spec do.AppSpec
		if json.Unmarshal(data, &spec) != nil || jsonDepth(data) > specfile.MaxDepth-10 {
			return // not a spec, or deeper than a file may nest
		}
		out, err := Marshal(&spec)
		if err != nil {
			t.Fatalf("a decoded spec does not encode: %v", err)
		}
		back, err := Parse(out)
		if err != nil {
			t.Fatalf("written spec does not load: %v\n%s", err, out)
		}
		requireSameSpec(t, &spec, back, "written as:\n%s", out)
	})
}

// jsonDepth returns how deeply JSON text nests (brackets in strings count
// too: an upper bound).
func jsonDepth(data []byte) int {
	depth, deepest := 0, 0
	for _, b := range data {
		switch b {
		case '{', '[':
			depth++
			deepest = max(deepest, depth)
		case '}', ']':
			depth--
		}
	}
	return deepest
}
