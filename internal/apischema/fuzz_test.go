package apischema

import (
	"reflect"
	"testing"
)

// Validate never panics on any JSON body and answers the same twice.
func FuzzValidate(f *testing.F) {
	for _, seed := range []string{
		`{"spec":{"name":"a","services":[{"name":"web","instance_count":2}]}}`,
		`{"spec":{"name":"Bad","region":"mars","services":[{"envs":[{"scope":"X"}]}],"ingress":{"rules":[{"component":{"preserve_path_prefix":"true"}}]}}}`,
		`{"spec":null,"x":[1,2,{"y":1e400}]}`,
		`[]`, `"s"`, `1.5`,
	} {
		f.Add([]byte(seed))
	}
	op, _ := OperationFor("apps_create")
	f.Fuzz(func(t *testing.T, data []byte) {
		v, err := Decode(data)
		if err != nil {
			return
		}
		first := Validate(v, op.Body, Options{RefuseUnknown: true, SkipReadOnly: true})
		second := Validate(v, op.Body, Options{RefuseUnknown: true, SkipReadOnly: true})
		if !reflect.DeepEqual(first, second) {
			t.Fatalf("two answers for %s", data)
		}
		for _, p := range first {
			if p.Kind == 0 || p.Message == "" {
				t.Fatalf("empty problem %+v for %s", p, data)
			}
		}
	})
}
