package appspec

import (
	"errors"
	"os"
	"path/filepath"
	"runtime"
	"testing"
	"weak"

	do "github.com/oceankit/digitalocean"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func writeSpecFile(t *testing.T, name, content string) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), name)
	require.NoError(t, os.WriteFile(path, []byte(content), 0o644))
	return path
}

// placed lists an error's problems as "file:line:column: path: message".
func placed(t *testing.T, err error) []string {
	t.Helper()
	var problems Errors
	require.ErrorAs(t, err, &problems)
	out := make([]string, len(problems))
	for i, p := range problems {
		out[i] = p.Error()
	}
	return out
}

// A file with misspelled keys, a value of the wrong type and several
// Validate problems: Check reports them all in one pass, each at its file,
// line and column, in document order; Load alone stops at the file's
// problems. The required name the misspelled "nmae" was meant to be is
// not reported twice.
func TestCheckReportsEveryProblemOfAFileAtOnce(t *testing.T) {
	path := writeSpecFile(t, "app.yaml", `name: shop
region: mars
services:
  - name: api
    github: {repo: acme/api, branch: main}
    instance_cont: 2
    http_port: eighty
  - nmae: worker
    internal_ports: [9000]
    health_check:
      port: 9090
ingress:
  rules:
    - match: {authority: {}}
      component: {name: nowhere}
`)
	at := "digitalocean: app spec: " + path + ":"
	spec, err := Check(path)
	assert.Nil(t, spec)
	assert.Equal(t, []string{
		at + `2:9: region: "mars" is not one of atl, nyc, sfo, tor, ams, fra, lon, blr, sgp, syd`,
		at + `6:5: services[0].instance_cont: unknown key "instance_cont" (did you mean "instance_count"?)`,
		at + `7:16: services[0].http_port: want an integer, got "eighty"`,
		at + `8:5: services[1].nmae: unknown key "nmae" (did you mean "name"?)`,
		at + `8:5: services[1]: has no source: set one of git, github, gitlab, bitbucket or image`,
		at + `11:13: services[1].health_check.port: health check port 9090 is not one of internal_ports (9000) of this internal-only service (no http_port)`,
		at + `14:15: ingress.rules[0].match.authority.exact: is required`,
		at + `15:25: ingress.rules[0].component.name: no component is named "nowhere"`,
	}, placed(t, err))

	_, err = Load(path)
	assert.Len(t, placed(t, err), 3, "loading alone reports the file's problems only")

	clean := writeSpecFile(t, "clean.yaml", "name: shop\nservices:\n  - name: api\n    github: {repo: acme/api, branch: main}\n")
	spec, err = Check(clean)
	require.NoError(t, err)
	assert.Equal(t, "api", spec.Services[0].Name)
}

// In a wrapped document every path starts with "spec.", Validate's too; a
// document that cannot be read has only the problem that stops it.
func TestCheckWrappedAndUnreadableDocuments(t *testing.T) {
	path := writeSpecFile(t, "request.json", `{"spec": {
  "name": "shop",
  "regoin": "nyc",
  "services": [{"name": "api"}]
}}`)
	at := "digitalocean: app spec: " + path + ":"
	_, err := Check(path)
	assert.Equal(t, []string{
		at + `3:3: spec.regoin: unknown key "regoin" (did you mean "region"?)`,
		at + `4:16: spec.services[0]: has no source: set one of git, github, gitlab, bitbucket or image`,
	}, placed(t, err))

	broken := writeSpecFile(t, "broken.yaml", "name: shop\nservices:\n  - name: [api\n")
	_, err = Check(broken)
	problems := placed(t, err)
	require.Len(t, problems, 1)
	assert.Contains(t, problems[0], "invalid YAML")

	_, err = Check(filepath.Join(t.TempDir(), "missing.yaml"))
	assert.ErrorIs(t, err, os.ErrNotExist)
}

// A spec read from a file remembers where its values are written:
// Validate places its problems there, a missing key at the object that
// lacks it. A value changed after loading is no longer placed (its old
// position would be a lie); the others still are. A clone was not read
// from the file.
func TestValidatePlacesTheProblemsOfALoadedSpec(t *testing.T) {
	path := writeSpecFile(t, "app.yaml", `name: shop
services:
  - name: api
    github: {repo: acme/api, branch: main}
    instance_count: 2
    autoscaling: {min_instance_count: 1, max_instance_count: 3}
  - github: {repo: acme/web, branch: main}
`)
	spec, err := Load(path)
	require.NoError(t, err)
	want := func(line, column int, p string) *Error {
		return &Error{File: path, Line: line, Column: column, Path: p}
	}
	positions := func(err error) []*Error {
		var problems Errors
		require.ErrorAs(t, err, &problems)
		out := make([]*Error, len(problems))
		for i, p := range problems {
			out[i] = &Error{File: p.File, Line: p.Line, Column: p.Column, Path: p.Path}
		}
		return out
	}
	assert.Equal(t, []*Error{
		want(7, 5, "services[1].name"), // the item that lacks it
		want(5, 21, "services[0].instance_count"),
	}, positions(Validate(spec)))

	spec.Services[0].InstanceCount = 3 // edited: its line no longer says so
	assert.Equal(t, []*Error{
		want(7, 5, "services[1].name"),
		{Path: "services[0].instance_count"},
	}, positions(Validate(spec)))

	assert.Equal(t, []*Error{{Path: "services[1].name"}, {Path: "services[0].instance_count"}},
		positions(Validate(spec.Clone())))
	var made do.AppSpec
	assert.Equal(t, []*Error{{Path: "name"}}, positions(Validate(&made)))
}

// What a loaded spec remembers is dropped with the spec.
func TestOriginIsDroppedWithTheSpec(t *testing.T) {
	key := func() weak.Pointer[do.AppSpec] {
		spec, err := Parse([]byte("name: gone\n"))
		require.NoError(t, err)
		require.NotNil(t, originOf(spec))
		return weak.Make(spec)
	}()
	for i := 0; i < 100; i++ { // cleanups run on their own goroutine after a collection
		if _, found := origins.Load(key); !found {
			return
		}
		runtime.GC()
		runtime.Gosched()
	}
	t.Fatal("the origin of a collected spec is still remembered after 100 collections")
}

// Check on any document: it never panics; every problem that names a path
// is placed in the document (the spec it validates is the one just read);
// a spec comes back only with no problem, and then Validate agrees.
func FuzzCheck(f *testing.F) {
	files, err := filepath.Glob("testdata/appspecs/valid/*.yaml")
	require.NoError(f, err)
	for _, file := range files[:4] {
		data, err := os.ReadFile(file)
		require.NoError(f, err)
		f.Add(data)
	}
	f.Add([]byte("name: shop\nservices:\n  - nmae: api\n    http_port: eighty\ningress: {rules: [{match: {authority: {}}}]}\n"))
	f.Add([]byte(`{"spec": {"name": "x", "regoin": "nyc", "services": [{}]}}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		spec, err := checkDocument(data, "app.yaml")
		if err == nil {
			require.NotNil(t, spec)
			require.NoError(t, Validate(spec))
			return
		}
		require.Nil(t, spec)
		var problems Errors
		if !errors.As(err, &problems) {
			t.Fatalf("Check returned %T, want an Errors", err)
		}
		for i, p := range problems {
			if p.Path != "" && (p.Line <= 0 || p.Column <= 0) {
				t.Fatalf("problem %d: %#v: a path but no position", i, p)
			}
		}
	})
}
