package digitalocean

import (
	"context"
	"fmt"
	"net/http"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestGetDeploymentFailureNestedStep: the failing step deep in the tree
// names the component; the log read is that component's BUILD log, and an
// archive longer than asked for is cut to the tail.
func TestGetDeploymentFailureNestedStep(t *testing.T) {
	const deployment = `{"deployment":{"id":"d1","phase":"ERROR","progress":{"error_steps":1,"total_steps":3,"steps":[
		{"name":"build","status":"ERROR","steps":[
			{"name":"initialize","status":"SUCCESS"},
			{"name":"components","status":"ERROR","steps":[
				{"name":"api","component_name":"api","status":"SUCCESS"},
				{"name":"worker","component_name":"worker","status":"ERROR","steps":[
					{"name":"buildpack","status":"ERROR","reason":{"code":"BuildJobExitNonZero","message":"exit 1"}}]}]}]},
		{"name":"deploy","status":"PENDING"},
		{"name":"finalize","status":"PENDING"}]}}}`
	var archive strings.Builder
	for i := range 10 {
		fmt.Fprintf(&archive, "worker 2026-01-02T03:04:05Z line %d\n", i)
	}
	c, fake := newAppsClientFunc(t, func(r appsRequest) (int, []byte) {
		switch {
		case strings.HasSuffix(r.Path, "/deployments/d1"):
			return http.StatusOK, []byte(deployment)
		case strings.HasSuffix(r.Path, "/deployments/d1/logs"):
			return http.StatusOK, []byte(`{"historic_urls":["https://logs.test/archive?sig=s3cr3t-signature"]}`)
		case r.Path == "/archive":
			return http.StatusOK, []byte(archive.String())
		}
		return http.StatusNotFound, []byte(`{"id":"not_found"}`)
	})
	f, _, err := c.Apps.GetDeploymentFailure(context.Background(), "a1", "d1", &DeploymentFailureOptions{TailLines: 3})
	require.NoError(t, err)
	require.NotNil(t, f.Step)
	assert.Equal(t, "buildpack", f.Step.Name)
	assert.Equal(t, "worker", f.Component, "from the closest parent naming one")
	assert.Equal(t, "BuildJobExitNonZero", f.ReasonCode)
	assert.Equal(t, AppLogTypeBuild, f.LogType)
	var got []string
	for _, l := range f.Log {
		got = append(got, l.Message)
	}
	assert.Equal(t, []string{"line 7", "line 8", "line 9"}, got)

	reqs := fake.requests()
	require.Len(t, reqs, 3)
	assert.Equal(t, "worker", reqs[1].Query.Get("component_name"))
	assert.Equal(t, "BUILD", reqs[1].Query.Get("type"))
	assert.Equal(t, "3", reqs[1].Query.Get("tail_lines"))
}

// TestStepContextDeployPhase: a step under "deploy" reads the DEPLOY log.
func TestStepContextDeployPhase(t *testing.T) {
	target := &DeploymentProgressStep{Name: "health check", Status: DeploymentProgressStepStatusError}
	steps := []*DeploymentProgressStep{
		{Name: "build", Status: DeploymentProgressStepStatusSuccess},
		{Name: "deploy", Steps: []*DeploymentProgressStep{{Name: "web", ComponentName: "web", Steps: []*DeploymentProgressStep{target}}}},
	}
	top, component, ok := stepContext(steps, target)
	require.True(t, ok)
	assert.Equal(t, "deploy", top.Name)
	assert.Equal(t, "web", component)
	_, _, ok = stepContext(steps, &DeploymentProgressStep{})
	assert.False(t, ok)
}
