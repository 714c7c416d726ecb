package appspec

import (
	"errors"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// Each cross-field rule that runs over several kinds reports them in the
// order of the spec file's lists: services, static_sites, workers, jobs,
// functions, databases.
func TestValidateReportsEveryKindInSpecOrder(t *testing.T) {
	spec, err := Parse([]byte(`name: kinds
services:
  - name: svc
    instance_count: 2
    autoscaling: {min_instance_count: 3, max_instance_count: 2}
    routes: [{path: a}]
    cors: {allow_origins: [{exact: x, prefix: x}]}
    envs: [{key: A, value: "${nope.X}"}]
static_sites:
  - name: site
    github: {repo: a/b}
    gitlab: {repo: a/b}
    routes: [{path: a}]
    envs: [{key: B, value: "${gone.Y}"}]
workers:
  - name: svc
    instance_count: 1
    git: {repo_clone_url: "https://example.com/w.git"}
    autoscaling: {min_instance_count: 4, max_instance_count: 1}
    image: {registry_type: DOCKER_HUB, registry: r, repository: w, tag: t, digest: "sha256:0"}
jobs:
  - name: job
    image: {registry_type: DOCR, registry: r, repository: j}
    bitbucket: {repo: a/b}
functions:
  - name: fn
    routes: [{path: /f}, {path: a}]
    cors: {allow_origins: [{exact: x, regex: x}]}
databases:
  - name: db
    engine: PG
`))
	require.NoError(t, err)
	var problems Errors
	require.True(t, errors.As(Validate(spec), &problems))
	var paths []string
	for _, p := range problems {
		var e *Error
		require.True(t, errors.As(p, &e))
		paths = append(paths, e.Path)
	}
	assert.Equal(t, []string{
		"workers[0].name",
		"services[0]", "static_sites[0]", "workers[0]", "jobs[0]", "functions[0]",
		"services[0].instance_count", "workers[0].instance_count",
		"services[0].autoscaling.min_instance_count", "workers[0].autoscaling.min_instance_count",
		"services[0].routes[0].path", "static_sites[0].routes[0].path", "static_sites[0].routes[0].path",
		"functions[0].routes[1].path", "functions[0].routes[1].path",
		"workers[0].image.tag", "jobs[0].image.registry",
		"services[0].cors.allow_origins[0]", "functions[0].cors.allow_origins[0]",
		"services[0].envs[0].value", "static_sites[0].envs[0].value",
	}, paths)
}
