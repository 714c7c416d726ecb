package appspec

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	do "github.com/oceankit/digitalocean"
	"github.com/oceankit/digitalocean/internal/specfile"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// threeMistakes has an unknown key close to a known one, a value of the
// wrong type and a repeated key, each on its own line.
const threeMistakes = `name: shop
regoin: nyc
services:
  - name: api
    http_port: eighty
    instance_count: 1
    instance_count: 2
`

func TestParseReportsEveryProblem(t *testing.T) {
	_, err := Parse([]byte(threeMistakes))
	require.Error(t, err)

	var problems Errors
	require.ErrorAs(t, err, &problems, "the whole list")
	require.Len(t, problems, 3)
	type where struct {
		line, column int
		path         string
	}
	got := make([]where, len(problems))
	for i, p := range problems {
		got[i] = where{p.Line, p.Column, p.Path}
	}
	assert.Equal(t, []where{
		{2, 1, "regoin"},
		{5, 16, "services[0].http_port"},
		{7, 5, "services[0].instance_count"},
	}, got, "document order")
	assert.Equal(t, "region", problems[0].Suggestion)

	var first *Error
	require.ErrorAs(t, err, &first, "errors.As finds the first problem")
	assert.Same(t, problems[0], first)

	assert.Equal(t, `digitalocean: app spec: 3 problems:
	line 2, column 1: regoin: unknown key "regoin" (did you mean "region"?)
	line 5, column 16: services[0].http_port: want an integer, got "eighty"
	line 7, column 5: services[0].instance_count: key "instance_count" repeated (first at line 6)`, err.Error())
}

func TestParseOneProblemReadsAsOne(t *testing.T) {
	_, err := Parse([]byte("name: a\nregoin: nyc\n"))
	var problems Errors
	require.ErrorAs(t, err, &problems)
	require.Len(t, problems, 1)
	assert.EqualError(t, err, `digitalocean: app spec: line 2, column 1: regoin: unknown key "regoin" (did you mean "region"?)`)
}

func TestParseProblemsAreBounded(t *testing.T) {
	var b strings.Builder
	b.WriteString("name: a\nservices:\n")
	for i := range 60 {
		fmt.Fprintf(&b, "  - name: web%d\n    http_port: port%d\n", i, i)
	}
	_, err := Parse([]byte(b.String()))
	var problems Errors
	require.ErrorAs(t, err, &problems)
	require.Len(t, problems, specfile.MaxProblems+1, "the first 50 and a note")
	assert.Equal(t, "services[49].http_port", problems[49].Path)
	note := problems[50]
	assert.Zero(t, note.Line)
	assert.Empty(t, note.Path)
	assert.Contains(t, note.Msg, "10 more not reported")
	assert.True(t, strings.HasPrefix(err.Error(), "digitalocean: app spec: more than 50 problems:\n"), err.Error())
	assert.Len(t, strings.Split(err.Error(), "\n"), 52, "a heading and one line per entry")
}

func TestParseProblemsAcrossKinds(t *testing.T) {
	doc := `name: a
services:
  - name: web
    health_check:
      prot: 80
      http_path: [a]
workers:
  - name: w
    instance_count: many
ingress:
  rules:
    - component: {name: web, preserve_prefix: true}
      match: {path: {prefx: /}}
`
	_, err := Parse([]byte(doc))
	var problems Errors
	require.ErrorAs(t, err, &problems)
	var paths []string
	for _, p := range problems {
		paths = append(paths, p.Path)
	}
	assert.Equal(t, []string{
		"services[0].health_check.prot",
		"services[0].health_check.http_path",
		"workers[0].instance_count",
		"ingress.rules[0].component.preserve_prefix",
		"ingress.rules[0].match.path.prefx",
	}, paths)
}

func TestLoadNamesFileInEveryProblem(t *testing.T) {
	path := filepath.Join(t.TempDir(), "app.yaml")
	require.NoError(t, os.WriteFile(path, []byte(threeMistakes), 0o600))
	_, err := Load(path)
	var problems Errors
	require.ErrorAs(t, err, &problems)
	require.Len(t, problems, 3)
	for _, p := range problems {
		assert.Equal(t, path, p.File)
	}
	assert.Contains(t, err.Error(), "\n\t"+path+":5:16: services[0].http_port: ")
}

func TestErrorsUnwrap(t *testing.T) {
	a, b := &Error{Path: "a", Msg: "x"}, &Error{Path: "b", Msg: "y"}
	var err error = Errors{a, b}
	wrapped := fmt.Errorf("plan: %w", err)
	var first *Error
	require.ErrorAs(t, wrapped, &first)
	assert.Same(t, a, first)
	assert.ErrorIs(t, wrapped, b)
	assert.Equal(t, "digitalocean: app spec: 2 problems:\n\ta: x\n\tb: y", err.Error())
	assert.Equal(t, "digitalocean: app spec: no problems", Errors(nil).Error())
	assert.False(t, errors.Is(err, do.ErrInvalidArgument))
}

const deployTemplate = `spec:
  name: sample-nodejs
  services:
    - name: web
      git:
        repo_clone_url: https://github.com/digitalocean/sample-nodejs.git
        branch: main
      run_command: npm start
      http_port: 8080
      instance_count: 1
      instance_size_slug: apps-s-1vcpu-0.5gb
`

func TestParseDeployTemplate(t *testing.T) {
	spec, err := ParseDeployTemplate([]byte(deployTemplate))
	require.NoError(t, err)
	assert.Equal(t, "sample-nodejs", spec.Name)
	assert.Equal(t, "npm start", spec.Services[0].RunCommand)

	same, err := Parse([]byte(deployTemplate))
	require.NoError(t, err, "Parse takes the wrapper too")
	assert.Equal(t, spec, same)

	out, err := MarshalDeployTemplate(spec)
	require.NoError(t, err)
	assert.True(t, strings.HasPrefix(string(out), "spec:\n  name: sample-nodejs\n"), string(out))
	back, err := ParseDeployTemplate(out)
	require.NoError(t, err)
	assert.Equal(t, spec, back)

	_, err = MarshalDeployTemplate(nil)
	assert.ErrorIs(t, err, do.ErrInvalidArgument)
}

func TestLoadDeployTemplate(t *testing.T) {
	spec, err := LoadDeployTemplate(filepath.Join("testdata", "appspecs", "deploy.template.yaml"))
	require.NoError(t, err)
	assert.Equal(t, "sample-nodejs", spec.Name)
	require.Len(t, spec.Services, 1)
	assert.Equal(t, "DEPLOYMENT_FAILED", string(spec.Alerts[0].Rule))

	path := filepath.Join(t.TempDir(), "deploy.template.yaml")
	require.NoError(t, os.WriteFile(path, []byte("spec:\n  name: a\n  servces: []\n"), 0o600))
	_, err = LoadDeployTemplate(path)
	var specErr *Error
	require.ErrorAs(t, err, &specErr)
	assert.Equal(t, path, specErr.File)
	assert.Equal(t, "spec.servces", specErr.Path)
	assert.Equal(t, "services", specErr.Suggestion)
}

// A bare spec is no deploy template, read from a file as from bytes.
func TestLoadDeployTemplateRequiresWrapper(t *testing.T) {
	path := filepath.Join(t.TempDir(), "deploy.template.yaml")
	require.NoError(t, os.WriteFile(path, []byte("name: a\n"), 0o600))
	_, err := LoadDeployTemplate(path)
	var specErr *Error
	require.ErrorAs(t, err, &specErr)
	assert.Equal(t, path, specErr.File)
	assert.Contains(t, specErr.Msg, `top-level "spec:" key`)

	spec, err := Load(path)
	require.NoError(t, err)
	assert.Equal(t, "a", spec.Name)
}

func TestDeployTemplateWrapperErrors(t *testing.T) {
	tests := []struct {
		name, doc string
		template  bool
		want      []string
		line      int
	}{
		{"spec next to spec keys", "spec:\n  name: a\nname: b\nregion: nyc\n", false,
			[]string{`"spec" as its only top-level key`, `also has "name" and "region"`}, 1},
		{"template next to keys", "name: b\nspec:\n  name: a\n", true,
			[]string{`"spec" as its only top-level key`, `also has "name"`}, 2},
		{"JSON request body with project", `{"spec": {"name": "a"}, "project_id": "p"}`, false,
			[]string{`also has "project_id"`}, 1},
		{"two specs", "spec:\n  name: a\nspec:\n  name: b\n", true,
			[]string{`also has a second "spec"`}, 1},
		{"many others", "spec: {name: a}\na: 1\nb: 1\nc: 1\nd: 1\ne: 1\nf: 1\ng: 1\n", false,
			[]string{`"a", "b", "c", "d", "e" and 2 more keys`}, 1},
		{"template without wrapper", "name: b\nregion: nyc\n", true,
			[]string{`under a top-level "spec:" key, the only key allowed there`, `has "name" and "region" at the top level`, `add the line "spec:" at the top and indent every other line by two spaces`}, 1},
		{"template of a list", "- spec: {}\n", true, []string{`under a top-level "spec:" key`}, 1},
		{"empty wrapper", "spec:\n", false, []string{"wrapped app spec is empty"}, 1},
		{"wrapper of a list", "spec: [a]\n", true, []string{"want a mapping, got a list"}, 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			parse := Parse
			if tt.template {
				parse = ParseDeployTemplate
			}
			spec, err := parse([]byte(tt.doc))
			assert.Nil(t, spec)
			var specErr *Error
			require.ErrorAs(t, err, &specErr)
			for _, want := range tt.want {
				assert.Contains(t, specErr.Msg, want)
			}
			assert.Equal(t, tt.line, specErr.Line)
			assert.NotContains(t, err.Error(), `unknown key "spec"`)
		})
	}
}
